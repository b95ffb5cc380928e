//! `edgesim import cloudfront`: a CloudFront distribution's configuration in (the API's
//! JSON or a CloudFormation template), a commented scenario out that validates and runs.
//!
//! Every field of the distribution either becomes the scenario's equivalent, with a comment
//! naming the field, or is listed under "not modelled" at the top of the file and on
//! stderr: the import never drops a setting silently. What the configuration cannot say
//! (traffic, cache sizes, where viewers are) is filled with assumptions, each marked as one,
//! or, with `--logs`, taken from the distribution's standard logs. README.md's "Importing a
//! CloudFront distribution" has the field-by-field table.

mod emit;
mod model;
mod policies;
mod read;
mod source;
mod toml_out;
mod workload;

pub use model::region_of;
pub use policies::MANAGED;

use crate::trace::EdgeRegions;
use read::{Node, Seen};
use std::path::PathBuf;
use toml_out::Out;

/// What `edgesim import cloudfront` is given besides the file.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The scenario's name; absent: the file's stem.
    pub name: Option<String>,
    /// A template's distribution, by logical id.
    pub distribution: Option<String>,
    /// `ID=REGION` for origins whose domain names say no Region.
    pub origin_regions: Vec<(String, String)>,
    /// The text of `aws cloudfront get-cache-policy` outputs, with their file names.
    pub cache_policies: Vec<(String, String)>,
    /// Standard logs to take the workload from: files, folders or globs.
    pub logs: Vec<String>,
    /// With logs: a region per edge metro or per continent.
    pub regions: EdgeRegions,
}

/// A generated scenario.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The scenario file's text.
    pub toml: String,
    /// Fields with no effect on the simulation, with what they are.
    pub not_modelled: Vec<String>,
    /// Things the user should know: guesses, values left out.
    pub warnings: Vec<String>,
}

/// What a field the import does not model is, for the list.
fn describe(path: &str) -> String {
    let last = path.rsplit('.').next().unwrap_or(path);
    let last = last.split('[').next().unwrap_or(last);
    let what = match last {
        "LambdaFunctionAssociations" => "Lambda@Edge associations",
        "FunctionAssociations" => "CloudFront Functions associations",
        "WebACLId" => "AWS WAF web ACL",
        "Restrictions" | "GeoRestriction" => "geographic restriction",
        "OriginAccessControlId" => "origin access control (OAC)",
        "OriginAccessIdentity" | "S3OriginConfig" => "origin access identity (OAI)",
        "FieldLevelEncryptionId" => "field-level encryption",
        "RealtimeLogConfigArn" => "real-time logs",
        "OriginCustomHeaders" => "origin custom headers",
        "ForwardedValues" => "legacy cache key settings (query strings, headers, cookies)",
        "OriginRequestPolicyId" => "origin request policy",
        "ResponseHeadersPolicyId" => "response headers policy",
        "Logging" => "standard logging settings",
        "Aliases" | "CNAMEs" => "alternate domain names",
        "DefaultRootObject" => "default root object",
        "OriginPath" => "origin path",
        "SmoothStreaming" => "Microsoft Smooth Streaming",
        "TrustedSigners" => "legacy trusted signers (CloudFront key pairs)",
        "IPV6Enabled" => "IPv6",
        "ContinuousDeploymentPolicyId" | "Staging" => "continuous deployment",
        "ResponsePagePath" | "ResponseCode" => "custom error pages",
        "ViewerCertificate" | "AcmCertificateArn" | "SslSupportMethod" | "IamCertificateId"
        | "Certificate" | "CertificateSource" => "certificate settings",
        _ => "",
    };
    match what.is_empty() {
        true => path.to_string(),
        false => format!("{path} ({what})"),
    }
}

/// The features that flat-rate plans exclude (`cost.features`) which the unread fields
/// `paths` show the distribution uses, in `PLAN_EXCLUDED`'s order.
fn plan_excluded(paths: &[String]) -> Vec<&'static str> {
    let uses = |field: &str| {
        paths
            .iter()
            .any(|p| p.split(['.', '[']).any(|part| part == field))
    };
    let fields: [(&[&str], &str); 5] = [
        (&["LambdaFunctionAssociations"], "Lambda@Edge"),
        (&["RealtimeLogConfigArn"], "real-time logs"),
        (
            &["ContinuousDeploymentPolicyId", "Staging"],
            "continuous deployment",
        ),
        (&["FieldLevelEncryptionId"], "field-level encryption"),
        (&["ForwardedValues"], "legacy ForwardedValues"),
    ];
    let found: Vec<&str> = (fields.iter())
        .filter(|(names, _)| names.iter().any(|n| uses(n)))
        .map(|(_, f)| *f)
        .collect();
    debug_assert!(found.iter().all(|f| crate::cost::PLAN_EXCLUDED.contains(f)));
    found
}

/// Imports `text`, the file `file`.
pub fn import(text: &str, file: &str, opts: &Options) -> Result<Imported, String> {
    let doc = source::parse(text).map_err(|e| format!("{file}: {e}"))?;
    let src =
        source::locate(doc, opts.distribution.as_deref()).map_err(|e| format!("{file}: {e}"))?;
    let mut policies = src.policies.clone();
    for (name, text) in &opts.cache_policies {
        policies
            .push(policies::read_file(text).map_err(|e| format!("--cache-policy {name}: {e}"))?);
    }
    let seen = Seen::default();
    let root = Node::root(&src.config, &seen);
    let hints = model::Hints {
        origin_regions: &opts.origin_regions,
        policies: &policies,
    };
    let mut warnings = Vec::new();
    let d = model::Distribution::read(root, &hints, &mut warnings).map_err(|e| {
        let at = src.logical_id.as_ref().map_or(String::new(), |id| {
            format!("Resources.{id}.Properties.DistributionConfig.")
        });
        format!("{file}: {at}{e}")
    })?;
    let unread = seen.unread(&src.config);
    let not_modelled: Vec<String> = unread.iter().map(|p| describe(p)).collect();
    let features = plan_excluded(&unread);

    let logs: Vec<PathBuf> = opts.logs.iter().map(PathBuf::from).collect();
    let facts = match logs.is_empty() {
        true => None,
        false => Some(workload::read_logs(&logs, &d)?),
    };
    let classes = workload::classes(&d, &mut warnings);
    let (regions, pops) = match &facts {
        None => (
            workload::assumed_regions(d.price_class),
            workload::metros_of(d.price_class),
        ),
        Some(f) => {
            let mut pops = workload::metros_of(d.price_class);
            for code in f.metros.keys() {
                let m = crate::data::metro(code);
                if let Some(m) = m.filter(|m| !pops.iter().any(|p| p.code == m.code)) {
                    warnings.push(format!(
                        "the logs have requests served in {code}, outside {}; it is added as a POP",
                        d.price_class.api_name()
                    ));
                    pops.push(m);
                }
            }
            (workload::log_regions(f, opts.regions)?, pops)
        }
    };

    let name = opts.name.clone().unwrap_or_else(|| {
        std::path::Path::new(file)
            .file_stem()
            .map_or("imported".into(), |s| s.to_string_lossy().into_owned())
    });
    // The body first: writing it may add warnings, which the header lists.
    let mut body = Out::default();
    body.kv("name", name.as_str());
    body.kv("seed", 1);
    let custom = d.behaviors.len() - 1;
    if custom > 75 {
        body.noted(
            "max_behaviors",
            &custom.to_string(),
            "CacheBehaviors holds more than the default quota of 75",
        );
    }
    emit::workload(
        &mut body,
        facts.as_ref(),
        &opts.logs,
        opts.regions,
        &classes,
        &d,
    );
    emit::topology(&mut body, &regions, &pops, &d);
    emit::distribution(&mut body, &d, &mut warnings);
    if !features.is_empty() {
        body.table(
            "cost",
            "fields that flat-rate plans exclude, so the bill can say that none fits.",
        );
        let names: Vec<toml::Value> = features.iter().map(|&f| f.into()).collect();
        body.kv("features", names);
    }

    let mut out = Out::default();
    let origin = match &src.logical_id {
        Some(id) => format!("{} (distribution {id})", src.shape.describe()),
        None => src.shape.describe().to_string(),
    };
    out.comment(&format!(
        "Imported by `edgesim import cloudfront` from {file}, {origin}.\nEach section says which field of the distribution it came from. Values marked\n\"assumption\" are not in the configuration: edit them to match your traffic."
    ));
    if let Some(c) = &d.comment {
        out.comment(&format!("Comment: {c}"));
    }
    for (title, items) in [
        (
            "Not modelled (yet): these fields have no effect on the run.",
            &not_modelled,
        ),
        ("Warnings:", &warnings),
    ] {
        if !items.is_empty() {
            out.comment(&format!("\n{title}"));
            for i in items {
                out.comment(&format!("  - {i}"));
            }
        }
    }
    out.text.push('\n');
    out.text.push_str(&body.text);
    Ok(Imported {
        toml: out.text,
        not_modelled,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unmodelled_fields_are_named_with_what_they_are() {
        assert_eq!(
            describe("DefaultCacheBehavior.LambdaFunctionAssociations"),
            "DefaultCacheBehavior.LambdaFunctionAssociations (Lambda@Edge associations)"
        );
        assert_eq!(
            describe("Origins[0].OriginCustomHeaders"),
            "Origins[0].OriginCustomHeaders (origin custom headers)"
        );
        assert_eq!(describe("SomethingNew"), "SomethingNew");
    }
}
