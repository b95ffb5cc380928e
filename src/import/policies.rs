//! Cache policies: AWS's managed ones by id, and custom ones from `aws cloudfront
//! get-cache-policy` output or the template itself.
//!
//! Managed policies' ids and TTLs are those AWS publishes in "Use managed cache policies"
//! (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html;
//! cloudfront.md §1.5). Only the TTLs are taken today: the cache key is the path alone until
//! the cache-key issue models query strings, headers and cookies.

use super::read::{Node, Seen};
use serde_json::Value;

/// A behavior's MinTTL, DefaultTTL and MaxTTL, seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ttls {
    pub min: u64,
    pub default: u64,
    pub max: u64,
}

/// AWS's managed cache policies: name, id, TTLs.
pub const MANAGED: [(&str, &str, Ttls); 7] = [
    (
        "CachingOptimized",
        "658327ea-f89d-4fab-a63d-7e88639e58f6",
        Ttls {
            min: 1,
            default: 86_400,
            max: 31_536_000,
        },
    ),
    (
        "CachingOptimizedForUncompressedObjects",
        "b2884449-e4de-46a7-ac36-70bc7f1ddd6d",
        Ttls {
            min: 1,
            default: 86_400,
            max: 31_536_000,
        },
    ),
    (
        "CachingDisabled",
        "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
        Ttls {
            min: 0,
            default: 0,
            max: 0,
        },
    ),
    (
        "UseOriginCacheControlHeaders",
        "83da9c7e-98b4-4e11-a168-04f0df8e2c65",
        Ttls {
            min: 0,
            default: 0,
            max: 31_536_000,
        },
    ),
    (
        "UseOriginCacheControlHeaders-QueryStrings",
        "4cc15a8a-d715-48a4-82b8-cc0b614638fe",
        Ttls {
            min: 0,
            default: 0,
            max: 31_536_000,
        },
    ),
    (
        "Elemental-MediaPackage",
        "08627262-05a9-4f76-9ded-b50ca2e3a84f",
        Ttls {
            min: 0,
            default: 86_400,
            max: 31_536_000,
        },
    ),
    (
        "Amplify",
        "2e54312d-136d-493c-8eb9-b001f22f67d2",
        Ttls {
            min: 2,
            default: 2,
            max: 600,
        },
    ),
];

/// The TTLs of a `CachePolicyConfig`.
fn ttls_of(config: &Value, at: &str) -> Result<Ttls, String> {
    let seen = Seen::default();
    let c = Node::root(config, &seen);
    let min = c
        .number("MinTTL")?
        .ok_or_else(|| format!("{at}: the policy has no MinTTL"))?;
    let default = c.number("DefaultTTL")?.unwrap_or(86_400.max(min));
    let max = c.number("MaxTTL")?.unwrap_or(31_536_000.max(default));
    Ok(Ttls { min, default, max })
}

/// The TTLs of policy `id`, and where they came from.
pub fn resolve(id: &str, custom: &[(String, Value)]) -> Result<(Ttls, String), String> {
    if let Some((name, _, ttls)) = MANAGED.iter().find(|(_, m, _)| *m == id) {
        return Ok((*ttls, format!("the managed cache policy {name} ({id})")));
    }
    if let Some((_, config)) = custom.iter().find(|(c, _)| c == id) {
        let name = config.get("Name").and_then(Value::as_str).unwrap_or(id);
        return Ok((
            ttls_of(config, id)?,
            format!("the cache policy {name} ({id})"),
        ));
    }
    Err(format!(
        "{id} is a custom cache policy, not one of AWS's managed policies; fetch it with `aws cloudfront get-cache-policy --id {id} > policy.json` and pass --cache-policy policy.json"
    ))
}

/// A `--cache-policy` file: `get-cache-policy`'s output (`{"ETag", "CachePolicy": {"Id",
/// "CachePolicyConfig"}}`), or the `CachePolicy` object alone.
pub fn read_file(text: &str) -> Result<(String, Value), String> {
    let mut v = super::source::parse(text)?;
    super::source::normalise(&mut v);
    let policy = v.get("CachePolicy").unwrap_or(&v);
    let id = policy.get("Id").and_then(Value::as_str).ok_or(
        "expected the output of aws cloudfront get-cache-policy: {\"CachePolicy\": {\"Id\", \"CachePolicyConfig\"}} (get-cache-policy-config's output has no Id)",
    )?;
    let config = policy
        .get("CachePolicyConfig")
        .ok_or("CachePolicy has no CachePolicyConfig")?;
    Ok((id.to_string(), config.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn managed_policies_resolve_by_id_and_custom_ones_need_their_file() {
        let (t, from) = resolve("4135ea2d-6df8-44a3-9df3-4b5a84be39ad", &[]).unwrap();
        assert_eq!((t.min, t.default, t.max), (0, 0, 0));
        assert!(from.contains("CachingDisabled"));
        let e = resolve("1234abcd-0000-0000-0000-000000000000", &[])
            .err()
            .unwrap();
        assert!(
            e.contains("get-cache-policy --id 1234abcd-0000-0000-0000-000000000000"),
            "{e}"
        );
        let file = r#"{"ETag": "E1", "CachePolicy": {"Id": "p1", "CachePolicyConfig":
            {"Name": "short", "MinTTL": 5, "DefaultTTL": 60, "MaxTTL": 600}}}"#;
        let custom = vec![read_file(file).unwrap()];
        let (t, from) = resolve("p1", &custom).unwrap();
        assert_eq!((t.min, t.default, t.max), (5, 60, 600));
        assert!(from.contains("short"));
    }
}
