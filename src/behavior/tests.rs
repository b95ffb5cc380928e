//! Behavior selection, method sets and TTL settings, each traced to cloudfront.md.

use super::*;
use crate::units::{Duration, SEC};

fn spec(pattern: &str, origin: &str) -> BehaviorSpec {
    BehaviorSpec {
        path_pattern: Some(pattern.into()),
        origin: Some(origin.into()),
        ..BehaviorSpec::default()
    }
}

fn resolve(list: &[BehaviorSpec]) -> Result<Behaviors, crate::check::Invalid> {
    Behaviors::resolve(
        list,
        &BehaviorSpec::default(),
        &["o1", "o2"],
        DEFAULT_MAX_BEHAVIORS,
    )
}

#[test]
fn first_match_wins_documented_example_of_section_1_2() {
    // "order images/*.jpg, images/*, *.gif -> request images/sample.gif gets the second"
    let b = resolve(&[
        spec("images/*.jpg", "o1"),
        spec("images/*", "o1"),
        spec("*.gif", "o2"),
    ])
    .unwrap();
    assert_eq!(b.select(b"/images/sample.gif"), 1);
    assert_eq!(b.select(b"/images/sample.jpg"), 0);
    assert_eq!(b.select(b"/logo.gif"), 2);
    // "The default (*) behavior is always evaluated last."
    assert_eq!(b.select(b"/index.html"), 3);
    assert_eq!(b.all()[3].pattern_str(), "*");
}

#[test]
fn only_the_path_decides_and_case_matters() {
    let b = resolve(&[spec("*.jpg", "o2")]).unwrap();
    assert_eq!(b.select(b"/a/LOGO.JPG"), 1, "case-sensitive (§1.1)");
    assert_eq!(b.select(b"/a/logo.jpg"), 0);
    assert!(!b.depends_on_digits());
    assert!(resolve(&[spec("/v2/*", "o2")]).unwrap().depends_on_digits());
}

#[test]
fn legal_method_sets_of_section_1_4() {
    let mut s = spec("/api/*", "o1");
    for allowed in [
        vec![Method::Get, Method::Head],
        vec![Method::Head, Method::Get, Method::Options],
        Method::ALL.to_vec(),
    ] {
        s.allowed_methods = allowed;
        assert!(resolve(&[s.clone()]).is_ok());
    }
    for illegal in [
        vec![Method::Get],
        vec![Method::Get, Method::Head, Method::Post],
        vec![Method::Get, Method::Get],
    ] {
        s.allowed_methods = illegal;
        let e = resolve(&[s.clone()]).unwrap_err();
        assert_eq!(e.path, "behaviors[0].allowed_methods");
        assert!(
            e.message.contains("is not a set CloudFront accepts"),
            "{}",
            e.message
        );
    }
    s.allowed_methods = Method::ALL.to_vec();
    s.cached_methods = Method::ALL.to_vec();
    assert_eq!(
        resolve(&[s.clone()]).unwrap_err().path,
        "behaviors[0].cached_methods"
    );
    s.allowed_methods = vec![Method::Get, Method::Head];
    s.cached_methods = vec![Method::Get, Method::Head, Method::Options];
    let e = resolve(&[s]).unwrap_err();
    assert_eq!(
        (e.path.as_str(), e.message.as_str()),
        (
            "behaviors[0].cached_methods",
            "must be a subset of allowed_methods"
        )
    );
}

#[test]
fn ttl_settings_must_be_ordered() {
    let mut s = spec("/a/*", "o1");
    s.ttl.min = Duration(100 * SEC);
    s.ttl.max = Duration(50 * SEC);
    let e = resolve(&[s.clone()]).unwrap_err();
    assert_eq!(e.path, "behaviors[0].ttl.min");
    assert_eq!(e.message, "must not exceed ttl.max (100s > 50s)");
    s.ttl.max = Duration(86_400 * SEC);
    s.ttl.default = Duration(10 * SEC);
    assert_eq!(resolve(&[s]).unwrap_err().path, "behaviors[0].ttl.default");
}

#[test]
fn references_patterns_and_quota_are_checked() {
    let e = resolve(&[spec("/a/*", "nope")]).unwrap_err();
    assert_eq!(e.path, "behaviors[0].origin");
    assert_eq!(
        e.message,
        "no origin or origin group is named \"nope\"; there are [\"o1\", \"o2\"]"
    );
    let e = resolve(&[spec(&format!("/{}", "a".repeat(255)), "o1")]).unwrap_err();
    assert_eq!(e.path, "behaviors[0].path_pattern");
    assert!(e
        .message
        .ends_with("is 256 characters long; at most 255 are allowed"));
    let e = resolve(&[spec("/a b", "o1")]).unwrap_err();
    assert!(e.message.contains("contains ' '"), "{}", e.message);
    let many: Vec<_> = (0..4).map(|i| spec(&format!("/{i}/*"), "o1")).collect();
    let e = Behaviors::resolve(&many, &BehaviorSpec::default(), &["o1"], 3).unwrap_err();
    assert_eq!(e.path, "behaviors");
    assert!(e.message.starts_with("4 behaviors exceed the quota of 3"));
    let default_with_pattern = spec("*", "o1");
    let e = Behaviors::resolve(&[], &default_with_pattern, &["o1"], 3).unwrap_err();
    assert_eq!(e.path, "default_behavior.path_pattern");
}
