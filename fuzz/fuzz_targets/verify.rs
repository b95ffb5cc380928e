//! The signed-URL and signed-cookie verifier, and the policy reader, on arbitrary input:
//! the first line is the URL, the others `name=value` cookies. Never a panic, and nothing
//! verifies without a signature made by the key.
#![no_main]

use edgesim::signing::{verify, Policy, Presented, PublicKey};
use libfuzzer_sys::fuzz_target;

const KEY: &str = include_str!("../../tests/data/keys/ec-public.pem");

fuzz_target!(|data: &[u8]| {
    let _ = Policy::from_json(data);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.lines();
    let url = lines.next().unwrap_or("");
    let cookies: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once('='))
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    let key = PublicKey::from_pem(KEY).expect("the test key reads");
    let req = Presented {
        url,
        cookies: &cookies,
        now: 1_700_000_000,
        ip: Some("192.0.2.1".parse().unwrap()),
    };
    // Random bytes cannot carry a valid ECDSA signature by this key.
    assert!(verify(&req, |_| Some(&key)).is_err());
});
