//! Signing refuses what CloudFront would refuse: keys other than RSA 2048 and P-256,
//! repeated signing parameters, malformed key ids, URLs and policies.

use crate::signing_cli::{edgesim, key, stdout};
use edgesim::signing::{verify, Denied, Presented, PrivateKey, PublicKey};
use std::process::Output;

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).trim().to_string()
}

/// `edgesim sign url` with the RSA test key and `args` after the key.
fn sign(args: &[&str]) -> Output {
    let key = key("rsa-pkcs1.pem");
    let mut all = vec!["sign", "url", "--key", &key];
    all.extend(args);
    edgesim(&all)
}

/// Asserts exit 2 with `want` in the message.
fn bad_input(o: &Output, want: &str) {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    assert!(stderr(o).contains(want), "{want:?} not in {}", stderr(o));
}

#[test]
fn rsa_keys_other_than_2048_bits_are_refused_for_signing_and_verifying() {
    let private = std::fs::read_to_string(key("rsa-1024.pem")).unwrap();
    let e = PrivateKey::from_pem(&private).unwrap_err().to_string();
    assert!(e.contains("an RSA key of 1024 bits"), "{e}");
    assert!(e.contains("RSA 2048-bit and ECDSA P-256"), "{e}");
    let public = std::fs::read_to_string(key("rsa-4096-public.pem")).unwrap();
    let e = PublicKey::from_pem(&public).unwrap_err().to_string();
    assert!(e.contains("an RSA key of 4096 bits"), "{e}");
    let o = sign(&[
        "--key-pair-id",
        "K1",
        "--url",
        "https://d.example/a",
        "--expires",
        "2",
    ]);
    assert!(o.status.success(), "2048 bits still signs: {}", stderr(&o));
    let key1024 = key("rsa-1024.pem");
    let o = edgesim(&[
        "sign",
        "url",
        "--key",
        &key1024,
        "--key-pair-id",
        "K1",
        "--url",
        "https://d.example/a",
        "--expires",
        "2",
    ]);
    bad_input(&o, "an RSA key of 1024 bits");
}

#[test]
fn keys_of_other_algorithms_are_named_for_what_they_are() {
    let private = std::fs::read_to_string(key("ed25519.pem")).unwrap();
    let e = PrivateKey::from_pem(&private).unwrap_err().to_string();
    assert!(e.starts_with("an Ed25519 key"), "{e}");
    assert!(!e.contains("1.2.840.10045.2.1"), "{e}");
    let public = std::fs::read_to_string(key("ed25519-public.pem")).unwrap();
    let e = PublicKey::from_pem(&public).unwrap_err().to_string();
    assert!(e.starts_with("an Ed25519 key"), "{e}");
    let public = std::fs::read_to_string(key("p384-public.pem")).unwrap();
    let e = PublicKey::from_pem(&public).unwrap_err().to_string();
    assert!(e.starts_with("an ECDSA P-384 key"), "{e}");
}

/// A URL signed for `url` with the RSA test key, and its public key.
fn signed(url: &str, extra: &[&str]) -> (String, PublicKey) {
    let mut args = vec!["--key-pair-id", "K1", "--url", url];
    args.extend(extra);
    let o = sign(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let public = PublicKey::from_pem(&std::fs::read_to_string(key("rsa-public.pem")).unwrap());
    (stdout(&o), public.unwrap())
}

fn check(url: &str, cookies: &[(String, String)], public: &PublicKey) -> Result<(), Denied> {
    let req = Presented {
        url,
        cookies,
        now: 1_000,
        ip: None,
    };
    verify(&req, |id| (id == "K1").then_some(public))
}

#[test]
fn a_second_copy_of_any_signing_parameter_is_denied() {
    let (url, public) = signed("https://d.example/a.jpg", &["--expires", "2000000000"]);
    assert_eq!(check(&url, &[], &public), Ok(()));
    let expires = "Expires=2000000000";
    let signature = url
        .split("Signature=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    for extra in [
        format!("&Signature={signature}"),
        "&Key-Pair-Id=K1".to_string(),
        format!("&{expires}"),
        "&Policy=eyJ9".to_string(),
        "&Hash-Algorithm=SHA1&Hash-Algorithm=SHA1".to_string(),
    ] {
        let twice = format!("{url}{extra}");
        assert_eq!(
            check(&twice, &[], &public),
            Err(Denied::MalformedPolicy),
            "{extra}"
        );
    }
    // The same for signed cookies.
    let o = edgesim(&[
        "sign",
        "cookies",
        "--key",
        &key("rsa-pkcs1.pem"),
        "--key-pair-id",
        "K1",
        "--url",
        "https://d.example/a.jpg",
        "--expires",
        "2000000000",
    ]);
    let cookies: Vec<(String, String)> = stdout(&o)
        .lines()
        .map(|l| {
            let (n, v) = l.split_once('=').unwrap();
            (n.to_string(), v.to_string())
        })
        .collect();
    let plain = "https://d.example/a.jpg";
    assert_eq!(check(plain, &cookies, &public), Ok(()));
    let mut doubled = cookies.clone();
    doubled.push(("CloudFront-Key-Pair-Id".into(), "K2".into()));
    assert_eq!(
        check(plain, &doubled, &public),
        Err(Denied::MalformedPolicy)
    );
}

#[test]
fn key_ids_and_urls_must_be_ones_cloudfront_could_see() {
    let url = ["--url", "https://d.example/a", "--expires", "2"];
    for id in ["K1&x=1", ""] {
        let mut args = vec!["--key-pair-id", id];
        args.extend(url);
        bad_input(
            &sign(&args),
            "a CloudFront key id is 1 to 64 letters and digits",
        );
    }
    for (u, why) in [
        ("d.example/a", "must start with https:// or http://"),
        ("ftp://d.example/a", "must start with https:// or http://"),
        ("https:///a", "has no host"),
        ("https://d.example/a#top", "#fragment"),
    ] {
        let o = sign(&["--key-pair-id", "K1", "--url", u, "--expires", "2"]);
        bad_input(&o, why);
    }
}

#[test]
fn a_custom_policy_with_the_default_resource_verifies_with_a_query_string() {
    let (url, public) = signed(
        "https://d.example/a.jpg?size=2&color=red",
        &["--expires", "2000000000", "--ip", "192.0.2.0/24"],
    );
    assert!(url.contains("&Policy="), "{url}");
    let req = Presented {
        url: &url,
        cookies: &[],
        now: 1_000,
        ip: Some("192.0.2.7".parse().unwrap()),
    };
    assert_eq!(verify(&req, |_| Some(&public)), Ok(()));
    // The tool's own verify agrees.
    let o = edgesim(&[
        "verify",
        "--public-key",
        &key("rsa-public.pem"),
        "--key-pair-id",
        "K1",
        "--url",
        &url,
        "--now",
        "1000",
        "--ip",
        "192.0.2.7",
    ]);
    assert_eq!((o.status.code(), stdout(&o).as_str()), (Some(0), "valid"));
}

#[test]
fn policy_files_are_signed_as_written_or_refused_with_their_own_message() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("{\"Statement\":[{\"Resource\":\"https://d.example/*\",\n\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":2}}}", "not valid JSON at line 2 column"),
        (r#"{"Statement":[{"Effect":"Deny","Resource":"*","Condition":{"DateLessThan":{"AWS:EpochTime":2}}}]}"#, "\"Effect\" is not understood"),
        (r#"{"Statement":[{"Resource":"*","Condition":{"DateLessThan":{"AWS:EpochTime":2},"StringEquals":{"a":"b"}}}]}"#, "\"StringEquals\" is not understood"),
        (r#"{"Statement":[{"Resource":"*","Condition":{"DateLessThan":{"AWS:EpochTime":2},"IpAddress":{"AWS:SourceIp":"10.0.0.0/40"}}}]}"#, "\"10.0.0.0/40\" is not an IPv4 address or CIDR range"),
        (r#"{"Statement":[{"Resource":"*","Condition":{"DateLessThan":{"AWS:EpochTime":"2"}}}]}"#, "without quotes"),
        (r#"{"Statement":[{"Resource":"*","Condition":{}}]}"#, "has no DateLessThan"),
        (r#"{"Statement":[]}"#, "exactly one statement"),
    ];
    // Signs https://d.example/a with the policy document `text`.
    let with_policy = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let p = path.display().to_string();
        sign(&[
            "--key-pair-id",
            "K1",
            "--url",
            "https://d.example/a",
            "--policy",
            &p,
        ])
    };
    for (i, (text, want)) in cases.iter().enumerate() {
        bad_input(&with_policy(&format!("p{i}.json"), text), want);
    }
    let o = with_policy(
        "good.json",
        r#"{"Statement":[{"Resource":"https://d.example/*","Condition":{"DateLessThan":{"AWS:EpochTime":2000000000}}}]}"#,
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn verify_denies_a_signed_policy_whose_conditions_it_does_not_understand() {
    use edgesim::signing::encode;
    let private = PrivateKey::from_pem(&std::fs::read_to_string(key("rsa-pkcs1.pem")).unwrap());
    let private = private.unwrap();
    let policy = r#"{"Statement":[{"Resource":"*","Condition":{"DateLessThan":{"AWS:EpochTime":2000000000},"StringEquals":{"aws:Referer":"x"}}}]}"#;
    let signature = encode(&private.sign(policy.as_bytes(), edgesim::signing::Hash::Sha1));
    let url = format!(
        "https://d.example/a?Policy={}&Signature={signature}&Key-Pair-Id=K1",
        encode(policy.as_bytes())
    );
    let public = private.public();
    assert_eq!(check(&url, &[], &public), Err(Denied::MalformedPolicy));
}
