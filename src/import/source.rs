//! The file given to `edgesim import cloudfront`: JSON or YAML, in one of four shapes,
//! brought to one form.
//!
//! Shapes, told apart by their top-level keys:
//! - `get-distribution-config`'s output: `{"ETag", "DistributionConfig"}`;
//! - `get-distribution`'s output: `{"Distribution": {"DistributionConfig", …}}`;
//! - a bare `DistributionConfig`, as given to `create-distribution`;
//! - a CloudFormation template whose `Resources` hold `AWS::CloudFront::Distribution`s.
//!
//! The API wraps every list as `{"Quantity": n, "Items": [...]}` and nests `CachedMethods`
//! in `AllowedMethods`; CloudFormation writes plain lists side by side, and spells a few
//! names differently. [`normalise`] rewrites the API's shape into CloudFormation's, so the
//! rest of the import reads one shape. CloudFormation's intrinsic functions (`!Ref X`,
//! `{"Fn::GetAtt": …}`) stay as they are, and read as opaque text where text is wanted.
//!
//! References: the CloudFront API reference's `DistributionConfig`
//! (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionConfig.html)
//! and CloudFormation's `AWS::CloudFront::Distribution DistributionConfig`
//! (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-cloudfront-distribution-distributionconfig.html).

use serde_json::{Map, Value};

/// Where the configuration came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    GetDistributionConfig,
    GetDistribution,
    DistributionConfig,
    CloudFormation,
}

impl Shape {
    /// How the generated file names it.
    pub fn describe(self) -> &'static str {
        match self {
            Shape::GetDistributionConfig => "the output of aws cloudfront get-distribution-config",
            Shape::GetDistribution => "the output of aws cloudfront get-distribution",
            Shape::DistributionConfig => "a DistributionConfig",
            Shape::CloudFormation => "a CloudFormation template",
        }
    }
}

/// A distribution's configuration, in CloudFormation's shape, and the cache policies the
/// file itself defines (a template's `AWS::CloudFront::CachePolicy` resources), by the id
/// a behavior would name them with (`!Ref LogicalId`).
pub struct Source {
    pub shape: Shape,
    /// The CloudFormation logical id, for a template.
    pub logical_id: Option<String>,
    pub config: Value,
    pub policies: Vec<(String, Value)>,
}

/// Parses JSON, else YAML (whose short-form tags become intrinsic-function objects).
pub fn parse(text: &str) -> Result<Value, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(v) => Ok(v),
        Err(json) if text.trim_start().starts_with(['{', '[']) => {
            Err(format!("not valid JSON: {json}"))
        }
        Err(_) => serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text)
            .map(|v| from_yaml(&v))
            .map_err(|e| format!("neither JSON nor YAML: {e}")),
    }
}

/// A YAML value as JSON; `!Ref X` becomes `{"Ref": X}` and `!Tag X` `{"Fn::Tag": X}`, as
/// CloudFormation's long forms write them.
fn from_yaml(v: &serde_yaml_ng::Value) -> Value {
    use serde_yaml_ng::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(*b),
        Y::Number(n) => n
            .as_u64()
            .map(Value::from)
            .or_else(|| n.as_i64().map(Value::from))
            .or_else(|| n.as_f64().map(Value::from))
            .unwrap_or(Value::Null),
        Y::String(s) => Value::String(s.clone()),
        Y::Sequence(items) => Value::Array(items.iter().map(from_yaml).collect()),
        Y::Mapping(m) => {
            Value::Object(m.iter().map(|(k, v)| (key_text(k), from_yaml(v))).collect())
        }
        Y::Tagged(t) => {
            let tag = t.tag.to_string();
            let tag = tag.trim_start_matches('!');
            let name = if tag == "Ref" || tag == "Condition" {
                tag.to_string()
            } else {
                format!("Fn::{tag}")
            };
            let mut m = Map::new();
            m.insert(name, from_yaml(&t.value));
            Value::Object(m)
        }
    }
}

fn key_text(k: &serde_yaml_ng::Value) -> String {
    match k {
        serde_yaml_ng::Value::String(s) => s.clone(),
        other => serde_yaml_ng::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

/// Finds the distribution in `doc`; `pick` chooses among a template's distributions.
pub fn locate(doc: Value, pick: Option<&str>) -> Result<Source, String> {
    let Value::Object(mut top) = doc else {
        return Err("expected an object at the top level".into());
    };
    if let Some(Value::Object(mut d)) = top.remove("Distribution") {
        if let Some(config) = d.remove("DistributionConfig") {
            return Ok(api(Shape::GetDistribution, config));
        }
        return Err("Distribution has no DistributionConfig".into());
    }
    if let Some(config) = top.remove("DistributionConfig") {
        if top.contains_key("ETag") || top.is_empty() {
            return Ok(api(Shape::GetDistributionConfig, config));
        }
    }
    if let Some(Value::Object(resources)) = top.get("Resources") {
        return template(resources, pick);
    }
    if top.contains_key("Origins") || top.contains_key("DefaultCacheBehavior") {
        return Ok(api(Shape::DistributionConfig, Value::Object(top)));
    }
    Err("not a CloudFront distribution: expected the output of get-distribution-config ({\"ETag\", \"DistributionConfig\"}) or get-distribution, a DistributionConfig (with Origins and DefaultCacheBehavior), or a CloudFormation template with an AWS::CloudFront::Distribution resource".into())
}

fn api(shape: Shape, mut config: Value) -> Source {
    normalise(&mut config);
    Source {
        shape,
        logical_id: None,
        config,
        policies: Vec::new(),
    }
}

fn resource_type(r: &Value) -> Option<&str> {
    r.get("Type").and_then(Value::as_str)
}

fn template(resources: &Map<String, Value>, pick: Option<&str>) -> Result<Source, String> {
    let distributions: Vec<&String> = resources
        .iter()
        .filter(|(_, r)| resource_type(r) == Some("AWS::CloudFront::Distribution"))
        .map(|(id, _)| id)
        .collect();
    let id = match (pick, distributions.as_slice()) {
        (Some(p), _) if distributions.iter().any(|d| *d == p) => p.to_string(),
        (Some(p), _) => {
            return Err(format!(
                "--distribution {p}: the template has no AWS::CloudFront::Distribution of that logical id (it has: {})",
                list(&distributions)
            ))
        }
        (None, [one]) => one.to_string(),
        (None, []) => {
            return Err("the CloudFormation template has no AWS::CloudFront::Distribution resource".into())
        }
        (None, many) => {
            return Err(format!(
                "the template has {} distributions ({}); choose one with --distribution LOGICAL_ID",
                many.len(),
                list(many)
            ))
        }
    };
    let mut config = resources[&id]
        .pointer("/Properties/DistributionConfig")
        .cloned()
        .ok_or_else(|| format!("Resources.{id}.Properties has no DistributionConfig"))?;
    normalise(&mut config);
    let policies = resources
        .iter()
        .filter(|(_, r)| resource_type(r) == Some("AWS::CloudFront::CachePolicy"))
        .filter_map(|(pid, r)| {
            let mut c = r.pointer("/Properties/CachePolicyConfig")?.clone();
            normalise(&mut c);
            Some((format!("!Ref {pid}"), c))
        })
        .collect();
    Ok(Source {
        shape: Shape::CloudFormation,
        logical_id: Some(id),
        config,
        policies,
    })
}

fn list(names: &[&String]) -> String {
    names
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Names the API spells differently from CloudFormation, with CloudFormation's spelling.
const RENAMES: [(&str, &str); 6] = [
    ("OriginSslProtocols", "OriginSSLProtocols"),
    ("CustomHeaders", "OriginCustomHeaders"),
    ("IsIPV6Enabled", "IPV6Enabled"),
    ("ACMCertificateArn", "AcmCertificateArn"),
    ("SSLSupportMethod", "SslSupportMethod"),
    ("IAMCertificateId", "IamCertificateId"),
];

/// Rewrites the API's shape into CloudFormation's, in place: `{Quantity, Items}` becomes
/// the list (empty when `Items` is absent, or when an `Enabled` beside it is false),
/// `AllowedMethods.CachedMethods` moves beside `AllowedMethods`, and API spellings become
/// CloudFormation's. A CloudFormation value is left as it is.
pub fn normalise(v: &mut Value) {
    match v {
        Value::Array(items) => items.iter_mut().for_each(normalise),
        Value::Object(m) => {
            for (api, cfn) in RENAMES {
                if let Some(x) = m.remove(api) {
                    m.insert(cfn.to_string(), x);
                }
            }
            let cached = m
                .get_mut("AllowedMethods")
                .and_then(Value::as_object_mut)
                .and_then(|a| a.remove("CachedMethods"));
            if let Some(c) = cached {
                m.insert("CachedMethods".into(), c);
            }
            for x in m.values_mut() {
                normalise(x);
            }
            if let Some(list) = unwrap_list(m) {
                *v = list;
            }
        }
        _ => {}
    }
}

/// The list an API `{Quantity, Items[, Enabled]}` object stands for.
fn unwrap_list(m: &Map<String, Value>) -> Option<Value> {
    let wrapper = m.contains_key("Quantity")
        && m.keys()
            .all(|k| matches!(k.as_str(), "Quantity" | "Items" | "Enabled"));
    if !wrapper {
        return None;
    }
    let enabled = m.get("Enabled").and_then(Value::as_bool).unwrap_or(true);
    let items = match (enabled, m.get("Items")) {
        (true, Some(Value::Array(items))) => items.clone(),
        _ => Vec::new(),
    };
    Some(Value::Array(items))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_api_shape_becomes_cloudformations() {
        let mut v = json!({
            "Origins": {"Quantity": 1, "Items": [{"Id": "o", "CustomHeaders": {"Quantity": 0}}]},
            "DefaultCacheBehavior": {
                "AllowedMethods": {"Quantity": 2, "Items": ["HEAD", "GET"],
                    "CachedMethods": {"Quantity": 2, "Items": ["HEAD", "GET"]}},
                "TrustedKeyGroups": {"Enabled": false, "Quantity": 0}
            }
        });
        normalise(&mut v);
        assert_eq!(
            v,
            json!({
                "Origins": [{"Id": "o", "OriginCustomHeaders": []}],
                "DefaultCacheBehavior": {
                    "AllowedMethods": ["HEAD", "GET"],
                    "CachedMethods": ["HEAD", "GET"],
                    "TrustedKeyGroups": []
                }
            })
        );
    }

    #[test]
    fn yaml_short_forms_become_intrinsic_objects() {
        let v =
            parse("A: !Ref Bucket\nB: !GetAtt Bucket.RegionalDomainName\nC: !Sub '${X}.example'\n")
                .unwrap();
        assert_eq!(
            v,
            json!({"A": {"Ref": "Bucket"}, "B": {"Fn::GetAtt": "Bucket.RegionalDomainName"},
                   "C": {"Fn::Sub": "${X}.example"}})
        );
    }

    #[test]
    fn shapes_are_told_apart_and_templates_need_a_choice_among_several() {
        let config = json!({"Origins": [], "DefaultCacheBehavior": {}});
        let a = locate(json!({"ETag": "E1", "DistributionConfig": config}), None).unwrap();
        assert_eq!(a.shape, Shape::GetDistributionConfig);
        let b = locate(
            json!({"Distribution": {"Id": "E", "DistributionConfig": config}}),
            None,
        );
        assert_eq!(b.unwrap().shape, Shape::GetDistribution);
        assert_eq!(
            locate(config.clone(), None).unwrap().shape,
            Shape::DistributionConfig
        );
        let dist = json!({"Type": "AWS::CloudFront::Distribution",
                          "Properties": {"DistributionConfig": config}});
        let two = json!({"Resources": {"A": dist, "B": dist}});
        let e = locate(two.clone(), None).err().unwrap();
        assert!(e.contains("A, B") && e.contains("--distribution"), "{e}");
        let b = locate(two, Some("B")).unwrap();
        assert_eq!(b.logical_id.as_deref(), Some("B"));
        assert!(locate(json!({"Hello": 1}), None).is_err());
    }
}
