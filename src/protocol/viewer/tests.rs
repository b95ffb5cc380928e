//! The §4.1 policy table row by row, the §4.5 round-trip counts, and negotiation.

use super::*;
use HttpVersion::*;
use Method::*;

#[test]
fn viewer_protocol_policy_rows() {
    // §4.1: allow-all serves HTTP and HTTPS.
    for m in Method::ALL {
        assert_eq!(
            verdict(ViewerProtocolPolicy::AllowAll, false, m, Http1_0),
            Verdict::Serve
        );
    }
    // redirect-to-https: GET/HEAD → 301; other methods → 307 on HTTP/1.1+, 403 on 1.0.
    let r = |m, v| verdict(ViewerProtocolPolicy::RedirectToHttps, false, m, v);
    for v in HttpVersion::ALL {
        assert_eq!(r(Get, v), Verdict::Redirect(301));
        assert_eq!(r(Head, v), Verdict::Redirect(301));
    }
    for m in [Options, Put, Post, Patch, Delete] {
        assert_eq!(r(m, Http1_1), Verdict::Redirect(307));
        assert_eq!(r(m, Http2), Verdict::Redirect(307));
        assert_eq!(r(m, Http1_0), Verdict::Forbidden(Forbidden::OldProtocol));
    }
    // https-only: HTTP → 403.
    for m in Method::ALL {
        let v = verdict(ViewerProtocolPolicy::HttpsOnly, false, m, Http1_1);
        assert_eq!(v, Verdict::Forbidden(Forbidden::HttpsOnly));
    }
    // Every policy serves HTTPS.
    for p in [
        ViewerProtocolPolicy::AllowAll,
        ViewerProtocolPolicy::RedirectToHttps,
        ViewerProtocolPolicy::HttpsOnly,
    ] {
        assert_eq!(verdict(p, true, Post, Http1_0), Verdict::Serve);
    }
}

fn conn(version: HttpVersion, tls: Option<TlsVersion>, new: bool, resumed: bool) -> ViewerConn {
    ViewerConn {
        https: tls.is_some(),
        version,
        tls,
        client_tls: tls.unwrap_or(TlsVersion::Tls1_3),
        tls_refused: false,
        new,
        resumed,
        client_version: version,
    }
}

#[test]
fn handshake_round_trips_follow_section_4_5() {
    use TlsVersion::*;
    // TCP 1; TLS 1.2 full +2, resumed +1; TLS 1.3 full +1, resumed +1 (no 0-RTT);
    // QUIC 1 new or resumed; reused connections 0.
    let cases = [
        (conn(Http1_1, None, true, false), 1),
        (conn(Http1_1, Some(Tls1_2), true, false), 3),
        (conn(Http2, Some(Tls1_2), true, true), 2),
        (conn(Http2, Some(Tls1_3), true, false), 2),
        (conn(Http2, Some(Tls1_3), true, true), 2),
        (conn(Http3, Some(Tls1_3), true, false), 1),
        (conn(Http3, Some(Tls1_3), true, true), 1),
        (conn(Http2, Some(Tls1_3), false, false), 0),
        (conn(Http1_1, None, false, false), 0),
    ];
    for (c, rtts) in cases {
        assert_eq!(handshake_rtts(&c, false), rtts, "{c:?}");
    }
    // With 0-RTT (not CloudFront's behavior), resumed TLS 1.3 and QUIC save one round trip.
    assert_eq!(
        handshake_rtts(&conn(Http2, Some(Tls1_3), true, true), true),
        1
    );
    assert_eq!(
        handshake_rtts(&conn(Http3, Some(Tls1_3), true, true), true),
        0
    );
    assert_eq!(
        handshake_rtts(&conn(Http2, Some(Tls1_2), true, true), true),
        2
    );
}

fn sampler(dist: DistributionSpec) -> ProtocolSampler {
    ProtocolSampler::new(&ProtocolMix::default(), &dist.resolve().unwrap())
}

#[test]
fn negotiation_needs_tls_for_h2_and_h3_and_falls_back() {
    use TlsVersion::*;
    let both = DistributionSpec {
        http_versions: HttpVersions::Http2And3,
        ..DistributionSpec::default()
    };
    let s = sampler(both.clone());
    // HTTP/3 needs TLS 1.3: a TLS 1.2 client with HTTP/3 gets HTTP/2.
    assert_eq!(s.negotiate(true, Http3, Tls1_3, true, false).version, Http3);
    assert_eq!(s.negotiate(true, Http3, Tls1_2, true, false).version, Http2);
    // Plain HTTP never gets HTTP/2 or 3.
    let plain = s.negotiate(false, Http3, Tls1_3, true, false);
    assert_eq!((plain.version, plain.tls), (Http1_1, None));
    // The default distribution (http2) offers no HTTP/3.
    let s = sampler(DistributionSpec::default());
    assert_eq!(s.negotiate(true, Http3, Tls1_3, true, false).version, Http2);
    // http1.1 offers neither.
    let s = sampler(DistributionSpec {
        http_versions: HttpVersions::Http1_1,
        ..both
    });
    assert_eq!(
        s.negotiate(true, Http3, Tls1_3, true, false).version,
        Http1_1
    );
    assert_eq!(
        s.negotiate(true, Http1_0, Tls1_3, true, false).version,
        Http1_0
    );
}

#[test]
fn the_security_policy_refuses_older_tls() {
    use TlsVersion::*;
    let s = sampler(DistributionSpec::default()); // TLSv1.2_2021
    let old = s.negotiate(true, Http1_1, Tls1_1, true, false);
    assert!(old.tls_refused);
    assert_eq!(old.tls, None);
    assert!(!s.negotiate(true, Http1_1, Tls1_2, true, false).tls_refused);
    let strict = sampler(DistributionSpec {
        security_policy: "TLSv1.3_2025".into(),
        ..DistributionSpec::default()
    });
    assert!(
        strict
            .negotiate(true, Http2, Tls1_2, true, false)
            .tls_refused
    );
    // Plain HTTP has no handshake to fail.
    assert!(
        !strict
            .negotiate(false, Http1_1, Tls1_0, true, false)
            .tls_refused
    );
}

#[test]
fn an_unknown_security_policy_lists_the_valid_names() {
    let d = DistributionSpec {
        security_policy: "TLSv1.2_2099".into(),
        ..DistributionSpec::default()
    };
    let e = d.check().unwrap_err();
    assert_eq!(e.path, "distribution.security_policy");
    for (name, _) in SECURITY_POLICIES {
        assert!(e.message.contains(name), "{}", e.message);
    }
}

#[test]
fn draws_follow_the_mix() {
    let s = sampler(DistributionSpec::default());
    let mut x = 99u64;
    let (mut https, mut new, mut h2, n) = (0, 0, 0, 200_000);
    for _ in 0..n {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let r = x ^ (x >> 29);
        let c = s.draw(r, || 0.5);
        https += u32::from(c.https);
        new += u32::from(c.new);
        h2 += u32::from(c.version == Http2);
    }
    let share = |k: u32| f64::from(k) / f64::from(n);
    assert!((share(https) - 0.95).abs() < 0.005, "{}", share(https));
    assert!((share(new) - 0.125).abs() < 0.005, "{}", share(new));
    // HTTP/2 among HTTPS clients whose highest version is 2 or 3 (HTTP/3 is not offered).
    assert!((share(h2) - 0.95 * 0.85).abs() < 0.01, "{}", share(h2));
}

#[test]
fn protocol_rows_name_every_combination_once() {
    let mut names: Vec<String> = (0..ViewerConn::ROWS).map(ViewerConn::row_name).collect();
    assert_eq!(names[0], "HTTP/1.0");
    assert_eq!(names[14], "HTTP/2.0 TLSv1.3");
    names.sort();
    names.dedup();
    assert_eq!(names.len(), ViewerConn::ROWS);
    assert_eq!(conn(Http2, Some(TlsVersion::Tls1_3), true, false).row(), 14);
}

#[test]
fn slow_start_doubles_the_window_each_round_trip() {
    // 14,600 bytes go with the first byte; then 29,200, 58,400, 116,800 ...
    assert_eq!(slow_start_rounds(0), 0);
    assert_eq!(slow_start_rounds(14_600), 0);
    assert_eq!(slow_start_rounds(14_601), 1);
    assert_eq!(slow_start_rounds(43_800), 1);
    assert_eq!(slow_start_rounds(102_400), 3);
    assert_eq!(slow_start_rounds(1 << 30), 16);
}
