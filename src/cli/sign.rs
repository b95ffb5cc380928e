//! `edgesim sign url|cookies` and `edgesim verify`: CloudFront-compatible signing from the
//! command line, with the library's signer and verifier.

use super::{bad, Failure};
use anyhow::anyhow;
use clap::{Args, Subcommand, ValueEnum};
use edgesim::signing::{
    sign_cookies, sign_url, verify as check, Cidr, Grant, Hash, Policy, Presented, PrivateKey,
    PublicKey,
};
use std::path::{Path, PathBuf};

/// What to sign.
#[derive(Subcommand)]
pub enum SignWhat {
    /// Print the signed URL.
    Url(SignArgs),
    /// Print the signed cookies, one `name=value` a line.
    Cookies(SignArgs),
}

/// The hash to sign with.
#[derive(Clone, Copy, ValueEnum)]
pub enum HashArg {
    /// SHA-1, CloudFront's default.
    Sha1,
    /// SHA-256 (adds Hash-Algorithm=SHA256).
    Sha256,
}

/// How to sign.
#[derive(Args)]
pub struct SignArgs {
    /// Private key, PEM (RSA PKCS#1 or PKCS#8, or P-256 SEC1 or PKCS#8).
    #[arg(long)]
    key: PathBuf,
    /// The public key's id in CloudFront (Key-Pair-Id).
    #[arg(long)]
    key_pair_id: String,
    /// The URL to sign, with its own query parameters.
    #[arg(long)]
    url: String,
    /// Expiry, Unix seconds (canned policy, or DateLessThan of a custom one).
    #[arg(long)]
    expires: Option<i64>,
    /// A custom policy document (JSON) to sign as it is.
    #[arg(long, conflicts_with_all = ["expires", "resource", "not_before", "ip"])]
    policy: Option<PathBuf>,
    /// Custom policy: the Resource pattern (wildcards * and ?).
    #[arg(long)]
    resource: Option<String>,
    /// Custom policy: DateGreaterThan, Unix seconds.
    #[arg(long)]
    not_before: Option<i64>,
    /// Custom policy: the allowed IPv4 range, CIDR.
    #[arg(long)]
    ip: Option<String>,
    /// Hash algorithm.
    #[arg(long, value_enum, default_value = "sha1")]
    hash: HashArg,
}

/// How to verify.
#[derive(Args)]
pub struct VerifyArgs {
    /// Public key, PEM.
    #[arg(long)]
    public_key: PathBuf,
    /// The key's id: the only key the check trusts.
    #[arg(long)]
    key_pair_id: String,
    /// The requested URL, signed or not.
    #[arg(long)]
    url: String,
    /// A cookie, NAME=VALUE (repeatable).
    #[arg(long = "cookie", value_name = "NAME=VALUE")]
    cookies: Vec<String>,
    /// The edge's clock, Unix seconds (default: now).
    #[arg(long)]
    now: Option<i64>,
    /// The viewer's IPv4 address.
    #[arg(long)]
    ip: Option<String>,
}

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::BadInput(anyhow!("{}: cannot read: {e}", path.display())))
}

fn grant(a: &SignArgs) -> Result<Grant, Failure> {
    if let Some(path) = &a.policy {
        let text = read(path)?;
        let policy = Policy::from_json(text.as_bytes())
            .map_err(|e| bad(format!("{}: not a CloudFront policy: {e}", path.display())))?;
        return Ok(Grant::Custom(policy));
    }
    let expires = a
        .expires
        .ok_or_else(|| bad("--expires is required unless --policy is given"))?;
    if a.resource.is_none() && a.not_before.is_none() && a.ip.is_none() {
        return Ok(Grant::Canned { expires });
    }
    let ip = match &a.ip {
        Some(text) => Some(Cidr::parse(text).ok_or_else(|| {
            bad(format!(
                "--ip: {text:?} is not an IPv4 address or CIDR range"
            ))
        })?),
        None => None,
    };
    // The default resource is the URL itself, with the `?` that starts its query written
    // `\?` as policies write it (cloudfront.md §5.2); a bare `?` would be a wildcard.
    let own_url = || a.url.replacen('?', "\\?", 1);
    Ok(Grant::Custom(Policy {
        resource: Some(a.resource.clone().unwrap_or_else(own_url)),
        expires,
        not_before: a.not_before,
        ip,
    }))
}

/// Refuses a key id that could not be CloudFront's: its ids are short runs of capital
/// letters and digits (`K2JCJMDEHXQW5F`), and anything else (`K1&x=1`) would corrupt the
/// signed URL it is written into.
fn key_pair_id(id: &str) -> Result<(), Failure> {
    let ok = (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric());
    match ok {
        true => Ok(()),
        false => Err(bad(format!(
            "--key-pair-id {id:?}: a CloudFront key id is 1 to 64 letters and digits, such as K2JCJMDEHXQW5F"
        ))),
    }
}

/// Refuses a URL CloudFront could not be asked for: it must be absolute http(s) with a
/// host. A `#fragment` never reaches the edge, so it can be neither signed nor checked.
fn absolute_url(url: &str) -> Result<(), Failure> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?']).next().unwrap_or(""));
    let problem = match host {
        None => Some("must start with https:// or http://"),
        Some("") => Some("has no host after the scheme"),
        _ if url.contains('#') => Some(
            "has a #fragment, which browsers never send to CloudFront, so it is never signed; remove it",
        ),
        _ if url.bytes().any(|b| b.is_ascii_whitespace() || b.is_ascii_control()) => {
            Some("contains spaces or control characters; percent-encode them")
        }
        _ => None,
    };
    match problem {
        Some(p) => Err(bad(format!("--url {url:?}: {p}"))),
        None => Ok(()),
    }
}

/// `edgesim sign url|cookies`.
pub fn sign(what: SignWhat) -> Result<(), Failure> {
    let (a, url) = match &what {
        SignWhat::Url(a) => (a, true),
        SignWhat::Cookies(a) => (a, false),
    };
    key_pair_id(&a.key_pair_id)?;
    absolute_url(&a.url)?;
    let key = PrivateKey::from_pem(&read(&a.key)?)
        .map_err(|e| bad(format!("{}: {e}", a.key.display())))?;
    let hash = match a.hash {
        HashArg::Sha1 => Hash::Sha1,
        HashArg::Sha256 => Hash::Sha256,
    };
    let grant = grant(a)?;
    if url {
        println!("{}", sign_url(&a.url, &grant, &key, &a.key_pair_id, hash));
    } else {
        for (name, value) in sign_cookies(&a.url, &grant, &key, &a.key_pair_id, hash) {
            println!("{name}={value}");
        }
    }
    Ok(())
}

/// `edgesim verify`: prints `valid` (exit 0) or the reason (exit 1).
pub fn verify(a: VerifyArgs) -> Result<(), Failure> {
    key_pair_id(&a.key_pair_id)?;
    absolute_url(&a.url)?;
    let public = PublicKey::from_pem(&read(&a.public_key)?)
        .map_err(|e| bad(format!("{}: {e}", a.public_key.display())))?;
    let cookies = a
        .cookies
        .iter()
        .map(|c| {
            c.split_once('=')
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .ok_or_else(|| bad(format!("--cookie {c:?}: expected NAME=VALUE")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let ip = match &a.ip {
        Some(text) => Some(
            text.parse()
                .map_err(|_| bad(format!("--ip: {text:?} is not an IPv4 address")))?,
        ),
        None => None,
    };
    let now = a.now.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    });
    let req = Presented {
        url: &a.url,
        cookies: &cookies,
        now,
        ip,
    };
    match check(&req, |id| (id == a.key_pair_id).then_some(&public)) {
        Ok(()) => {
            println!("valid");
            Ok(())
        }
        Err(why) => {
            println!("{}: {}", why.code(), why.message());
            Err(Failure::Denied)
        }
    }
}
