//! `edgesim sign` and `edgesim verify` as a user runs them: exit codes 0, 1 and 2.

use crate::common;

use std::process::{Command, Output};

pub(crate) fn edgesim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_edgesim"))
        .args(args)
        .output()
        .expect("the binary runs")
}

pub(crate) fn key(name: &str) -> String {
    common::data(&format!("keys/{name}")).display().to_string()
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

#[test]
fn a_signed_url_verifies_until_it_expires() {
    let url = "https://d.example/v/a.mp4?x=1";
    let o = edgesim(&[
        "sign",
        "url",
        "--key",
        &key("rsa-pkcs8.pem"),
        "--key-pair-id",
        "K1",
        "--url",
        url,
        "--expires",
        "2000000000",
        "--hash",
        "sha256",
    ]);
    assert!(o.status.success());
    let signed = stdout(&o);
    assert!(signed.starts_with("https://d.example/v/a.mp4?x=1&Expires=2000000000&Signature="));
    assert!(signed.ends_with("&Key-Pair-Id=K1&Hash-Algorithm=SHA256"));
    let verify = |now: &str, id: &str| {
        edgesim(&[
            "verify",
            "--public-key",
            &key("rsa-public.pem"),
            "--key-pair-id",
            id,
            "--url",
            &signed,
            "--now",
            now,
        ])
    };
    let ok = verify("1999999999", "K1");
    assert_eq!((ok.status.code(), stdout(&ok).as_str()), (Some(0), "valid"));
    let late = verify("2000000000", "K1");
    assert_eq!(late.status.code(), Some(1));
    assert_eq!(stdout(&late), "AccessDenied: Access denied: expired");
    let unknown = verify("1999999999", "K2");
    assert_eq!(stdout(&unknown), "InvalidKey: Unknown Key");
}

#[test]
fn signed_cookies_with_a_custom_policy_verify_from_an_allowed_address() {
    let o = edgesim(&[
        "sign",
        "cookies",
        "--key",
        &key("ec-sec1.pem"),
        "--key-pair-id",
        "K1",
        "--url",
        "https://d.example/v/a.mp4",
        "--resource",
        "https://d.example/v/*",
        "--ip",
        "192.0.2.0/24",
        "--expires",
        "2000000000",
    ]);
    assert!(o.status.success());
    let cookies: Vec<String> = stdout(&o).lines().map(String::from).collect();
    assert_eq!(cookies.len(), 3);
    let mut args = vec![
        "verify".to_string(),
        "--public-key".into(),
        key("ec-public.pem"),
        "--key-pair-id".into(),
        "K1".into(),
        "--url".into(),
        "https://d.example/v/b.mp4".into(),
        "--now".into(),
        "1900000000".into(),
    ];
    for c in &cookies {
        args.push("--cookie".into());
        args.push(c.clone());
    }
    let run = |ip: &str| {
        let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
        a.extend(["--ip", ip]);
        edgesim(&a)
    };
    assert_eq!(stdout(&run("192.0.2.9")), "valid");
    let outside = run("203.0.113.1");
    assert_eq!(outside.status.code(), Some(1));
    assert!(stdout(&outside).contains("client IP address not allowed"));
}

/// `edgesim sign url` with key file `key_path` for URL `u`, and `extra` arguments.
fn sign_u(key_path: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "sign",
        "url",
        "--key",
        key_path,
        "--key-pair-id",
        "K",
        "--url",
        "https://d.example/u",
    ];
    args.extend(extra);
    edgesim(&args)
}

#[test]
fn unreadable_keys_and_bad_arguments_are_bad_input() {
    let o = sign_u("/no/such/key.pem", &["--expires", "1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/no/such/key.pem: cannot read"));
    let o = sign_u(&key("rsa-public.pem"), &["--expires", "1"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a public key is not a private key"
    );
    let o = sign_u(&key("rsa-pkcs1.pem"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--expires is required"));
    let o = sign_u(
        &key("rsa-pkcs1.pem"),
        &["--expires", "1", "--ip", "10.0.0.0/40"],
    );
    assert_eq!(o.status.code(), Some(2));
    let public = key("rsa-public.pem");
    let o = edgesim(&[
        "verify",
        "--public-key",
        &public,
        "--key-pair-id",
        "K",
        "--url",
        "https://d.example/u",
        "--ip",
        "::1",
    ]);
    assert_eq!(o.status.code(), Some(2));
}
