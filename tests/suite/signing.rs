//! Signed URLs and cookies (cloudfront.md §5): sign then verify for every kind of key, hash
//! and policy; every tampering is rejected with its reason; the wire format.

use crate::common;

use edgesim::signing::{
    decode, encode, sign_cookies, sign_url, verify, Cidr, Denied, Grant, Hash, Policy, Presented,
    PrivateKey, PublicKey,
};

fn key(name: &str) -> String {
    std::fs::read_to_string(common::data(&format!("keys/{name}"))).unwrap()
}

/// Every private key form, with its public key as CloudFront would hold it.
fn keys() -> Vec<(&'static str, PrivateKey, PublicKey)> {
    let pairs = [
        ("rsa-pkcs1", "rsa-pkcs1.pem", "rsa-public.pem"),
        ("rsa-pkcs8", "rsa-pkcs8.pem", "rsa-public.pem"),
        ("ec-sec1", "ec-sec1.pem", "ec-public.pem"),
        ("ec-pkcs8", "ec-pkcs8.pem", "ec-public.pem"),
    ];
    pairs
        .iter()
        .map(|(n, private, public)| {
            let k = PrivateKey::from_pem(&key(private)).unwrap();
            let p = PublicKey::from_pem(&key(public)).unwrap();
            assert_eq!(k.public(), p, "{n}: the public key file matches");
            (*n, k, p)
        })
        .collect()
}

const URL: &str = "https://d111111abcdef8.cloudfront.net/videos/a.mp4?quality=hd";
const NOW: i64 = 1_800_000_000;

fn grants() -> Vec<Grant> {
    vec![
        Grant::Canned { expires: NOW + 60 },
        Grant::Custom(Policy {
            resource: Some("https://d111111abcdef8.cloudfront.net/videos/*".into()),
            expires: NOW + 60,
            not_before: Some(NOW - 60),
            ip: Cidr::parse("192.0.2.0/24"),
        }),
    ]
}

fn check(url: &str, cookies: &[(String, String)], public: &PublicKey) -> Result<(), Denied> {
    let req = Presented {
        url,
        cookies,
        now: NOW,
        ip: Some("192.0.2.7".parse().unwrap()),
    };
    verify(&req, |id| (id == "K1").then_some(public))
}

#[test]
fn signed_urls_and_cookies_verify_for_every_key_hash_and_policy() {
    for (name, private, public) in keys() {
        for hash in [Hash::Sha1, Hash::Sha256] {
            for grant in grants() {
                let signed = sign_url(URL, &grant, &private, "K1", hash);
                assert_eq!(
                    check(&signed, &[], &public),
                    Ok(()),
                    "{name} {hash:?} {grant:?}"
                );
                let cookies = sign_cookies(URL, &grant, &private, "K1", hash);
                assert_eq!(check(URL, &cookies, &public), Ok(()), "{name} cookies");
            }
        }
    }
}

#[test]
fn every_tampering_is_rejected_with_its_reason() {
    let (_, private, public) = keys().remove(0);
    let canned = sign_url(
        URL,
        &Grant::Canned { expires: NOW + 60 },
        &private,
        "K1",
        Hash::Sha1,
    );
    let custom = sign_url(URL, &grants()[1], &private, "K1", Hash::Sha256);
    let denied = |url: &str| check(url, &[], &public);
    // One changed character in the URL.
    assert_eq!(
        denied(&canned.replace("a.mp4", "b.mp4")),
        Err(Denied::BadSignature)
    );
    assert_eq!(
        denied(&canned.replace("quality=hd", "quality=sd")),
        Err(Denied::BadSignature)
    );
    // In the expiry.
    assert_eq!(
        denied(&canned.replace(
            &format!("Expires={}", NOW + 60),
            &format!("Expires={}", NOW + 61)
        )),
        Err(Denied::BadSignature)
    );
    // In the signature.
    let sig_at = canned.find("Signature=").unwrap() + 12;
    let mut chars: Vec<char> = canned.chars().collect();
    chars[sig_at] = if chars[sig_at] == 'A' { 'B' } else { 'A' };
    let bad_sig: String = chars.into_iter().collect();
    assert_eq!(denied(&bad_sig), Err(Denied::BadSignature));
    // In the policy: a policy that no longer decodes, and one that decodes to other bytes.
    let policy_at = custom.find("Policy=").unwrap() + 7;
    let mut broken = custom.clone();
    broken.insert(policy_at, '!');
    assert_eq!(denied(&broken), Err(Denied::MalformedPolicy));
    let other = Policy {
        expires: NOW + 3600,
        ..match &grants()[1] {
            Grant::Custom(p) => p.clone(),
            _ => unreachable!(),
        }
    };
    let original = match &grants()[1] {
        Grant::Custom(p) => encode(p.to_json().as_bytes()),
        _ => unreachable!(),
    };
    let swapped = custom.replace(&original, &encode(other.to_json().as_bytes()));
    assert_eq!(denied(&swapped), Err(Denied::BadSignature));
    // An added query parameter, after or before the signature.
    assert_eq!(
        denied(&format!("{canned}&x=1")),
        Err(Denied::ResourceMismatch)
    );
    assert_eq!(
        denied(&canned.replace("?quality=hd", "?quality=hd&x=1")),
        Err(Denied::BadSignature)
    );
    // Missing and unknown keys.
    let no_key = canned.replace("&Key-Pair-Id=K1", "");
    assert_eq!(denied(&no_key), Err(Denied::MissingKeyPairId));
    assert_eq!(
        denied(&canned.replace("Key-Pair-Id=K1", "Key-Pair-Id=K9")),
        Err(Denied::UnknownKey)
    );
    // A key that did not sign it.
    let other_key = PublicKey::from_pem(&key("other-rsa-public.pem")).unwrap();
    assert_eq!(check(&canned, &[], &other_key), Err(Denied::BadSignature));
}

#[test]
fn time_and_address_conditions_are_checked_at_the_request_start() {
    let (_, private, public) = keys().remove(2);
    let signed = sign_url(URL, &grants()[1], &private, "K1", Hash::Sha256);
    let at = |now: i64, ip: &str| {
        let req = Presented {
            url: &signed,
            cookies: &[],
            now,
            ip: Some(ip.parse().unwrap()),
        };
        verify(&req, |_| Some(&public))
    };
    assert_eq!(at(NOW, "192.0.2.7"), Ok(()));
    assert_eq!(at(NOW + 60, "192.0.2.7"), Err(Denied::Expired));
    assert_eq!(at(NOW - 60, "192.0.2.7"), Err(Denied::NotYetValid));
    assert_eq!(at(NOW, "198.51.100.1"), Err(Denied::IpNotAllowed));
    // The custom policy's wildcard covers other files, but not other folders.
    let elsewhere = signed.replace("/videos/a.mp4", "/videos/b.mp4");
    let req = Presented {
        url: &elsewhere,
        cookies: &[],
        now: NOW,
        ip: Some("192.0.2.7".parse().unwrap()),
    };
    assert_eq!(verify(&req, |_| Some(&public)), Ok(()));
    let outside = signed.replace("/videos/a.mp4", "/images/a.jpg");
    let req = Presented {
        url: &outside,
        cookies: &[],
        now: NOW,
        ip: Some("192.0.2.7".parse().unwrap()),
    };
    assert_eq!(
        verify(&req, |_| Some(&public)),
        Err(Denied::ResourceMismatch)
    );
}

#[test]
fn the_signed_url_wins_over_cookies() {
    let (_, private, public) = keys().remove(0);
    let good_cookies = sign_cookies(URL, &grants()[0], &private, "K1", Hash::Sha1);
    let bad_url = format!("{URL}&Expires={}&Signature=AAAA&Key-Pair-Id=K1", NOW + 60);
    assert_eq!(
        check(&bad_url, &good_cookies, &public),
        Err(Denied::BadSignature)
    );
    assert_eq!(check(URL, &good_cookies, &public), Ok(()));
}

#[test]
fn the_wire_format_matches_cloudfront() {
    // CloudFront's base64: + → -, = → _, / → ~.
    let bytes = [0xfb, 0xff, 0xfe, 0x3e];
    assert_eq!(encode(&bytes), "-~~-Pg__");
    assert_eq!(decode("-~~-Pg__").unwrap(), bytes);
    let (_, private, _) = keys().remove(0);
    let canned = sign_url(URL, &grants()[0], &private, "K2JCJMDEHXQW5F", Hash::Sha1);
    let query = canned.split_once("?quality=hd&").unwrap().1;
    let names: Vec<&str> = query
        .split('&')
        .map(|p| p.split('=').next().unwrap())
        .collect();
    assert_eq!(names, ["Expires", "Signature", "Key-Pair-Id"]);
    let signature = query
        .split('&')
        .nth(1)
        .unwrap()
        .trim_start_matches("Signature=");
    assert!(!signature.contains(['+', '/', '=']), "{signature}");
    let custom = sign_url(
        "https://d.example/x",
        &grants()[1],
        &private,
        "K1",
        Hash::Sha256,
    );
    let names: Vec<&str> = custom
        .split_once('?')
        .unwrap()
        .1
        .split('&')
        .map(|p| p.split('=').next().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm"]
    );
    let cookies = sign_cookies(URL, &grants()[1], &private, "K1", Hash::Sha256);
    let names: Vec<&str> = cookies.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "CloudFront-Policy",
            "CloudFront-Signature",
            "CloudFront-Key-Pair-Id",
            "CloudFront-Hash-Algorithm"
        ]
    );
    // RSA-SHA1 PKCS#1 v1.5 is deterministic, and matches OpenSSL's `dgst -sha1 -sign`.
    let policy = Policy::canned(URL, NOW + 60).to_json();
    let ours = private.sign(policy.as_bytes(), Hash::Sha1);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy"), &policy).unwrap();
    let openssl = std::process::Command::new("openssl")
        .args(["dgst", "-sha1", "-sign"])
        .arg(common::data("keys/rsa-pkcs1.pem"))
        .arg(dir.path().join("policy"))
        .output();
    if let Ok(out) = openssl {
        if out.status.success() {
            assert_eq!(out.stdout, ours);
        }
    }
}
