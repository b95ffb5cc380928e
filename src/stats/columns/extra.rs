//! The metric columns of failover, errors by kind, private content and where the time went.

use super::{Cell, Column};
use crate::stats::{quantile_ms, Detail, Failover, Metrics, Outcome};

/// A mean over requests of one of `Counts::time_sums`, in ms.
macro_rules! mean_time {
    ($name:expr, $doc:expr, $i:expr) => {
        Column {
            name: $name,
            doc: $doc,
            get: |m| {
                let n = m.counts.requests.max(1) as f64;
                Cell::Ms(m.counts.time_sums[$i] as f64 / n / 1e6)
            },
        }
    };
}

/// Failover and errors by kind.
pub(super) const FAILURES: &[Column<Metrics>] = &[
    Column {
        name: "failovers",
        doc: "viewer requests answered by failover: their primary origin failed (listed status, connection failure or timeout) and the origin group's secondary was asked. Requests collapsed onto one origin request each count, so this exceeds the origin requests failover sent (`summary.csv`'s `failover_origin_requests`, `origins.csv`'s `failovers_in`) by the collapsed waiters",
        get: |m| {
            let f = &m.counts.failover;
            Cell::Count(f[Failover::Recovered as usize] + f[Failover::BothFailed as usize])
        },
    },
    slot!(
        "failover_recovered",
        "failovers the secondary answered without failing",
        failover,
        Failover::Recovered as usize
    ),
    slot!(
        "failover_both_failed",
        "failovers where the secondary failed too: the viewer got the secondary's error",
        failover,
        Failover::BothFailed as usize
    ),
    slot!(
        "failover_not_eligible",
        "requests whose primary failed but whose method may not fail over (only GET, HEAD and OPTIONS do)",
        failover,
        Failover::NotEligible as usize
    ),
    quantile!(
        "failover_latency_p50_ms",
        "median latency of failovers",
        failover_latency,
        0.5
    ),
    quantile!(
        "failover_latency_p99_ms",
        "99th percentile latency of failovers",
        failover_latency,
        0.99
    ),
    slot!("errors_4xx", "error responses with a 4xx status", errors_by_status, 0),
    slot!("errors_500", "error responses with status 500", errors_by_status, 1),
    slot!("errors_502", "error responses with status 502", errors_by_status, 2),
    slot!("errors_503", "error responses with status 503", errors_by_status, 3),
    slot!("errors_504", "error responses with status 504", errors_by_status, 4),
    slot!(
        "errors_5xx_other",
        "error responses with another 5xx status",
        errors_by_status,
        5
    ),
    Column {
        name: "error_share",
        doc: "error responses (any 4xx or 5xx status, the errors_ columns) / requests",
        get: |m| {
            let errors: u64 = m.counts.errors_by_status.iter().sum();
            Cell::Ratio(errors as f64 / m.counts.requests.max(1) as f64)
        },
    },
    slot!(
        "origin_errors",
        "errors the origin sent (detailed type OriginError), Slow Down 503s included",
        by_detail,
        Detail::OriginError as usize
    ),
    slot!(
        "origin_connect_errors",
        "502s because every connection attempt was refused (OriginConnectError)",
        by_detail,
        Detail::OriginConnectError as usize
    ),
    slot!(
        "origin_comm_errors",
        "504s because every connection attempt timed out (OriginCommError)",
        by_detail,
        Detail::OriginCommError as usize
    ),
    Column {
        name: "forbidden",
        doc: "every 403 response: the forbidden_* and denied_* columns together",
        get: |m| {
            let d = &m.counts.by_detail;
            let signature = d[Detail::MissingKey as usize..].iter().sum::<u64>();
            Cell::Count(d[Detail::HttpsOnly as usize] + d[Detail::OldProtocol as usize] + signature)
        },
    },
    slot!(
        "forbidden_https_only",
        "HTTP requests refused with 403 by an https-only behavior",
        by_detail,
        Detail::HttpsOnly as usize
    ),
    slot!(
        "forbidden_old_protocol",
        "HTTP/1.0 requests with a method other than GET or HEAD refused with 403 by redirect-to-https",
        by_detail,
        Detail::OldProtocol as usize
    ),
    slot!(
        "tls_handshake_failures",
        "HTTPS connections whose TLS version is older than the security policy allows: no request is served (status 000)",
        by_detail,
        Detail::ClientTlsError as usize
    ),
    slot!(
        "denied_missing_key",
        "private content refused with 403 MissingKey: no Key-Pair-Id (an unsigned request)",
        by_detail,
        Detail::MissingKey as usize
    ),
    slot!(
        "denied_invalid_key",
        "private content refused with 403 InvalidKey: the key is in none of the behavior's trusted key groups",
        by_detail,
        Detail::InvalidKey as usize
    ),
    slot!(
        "denied_malformed_policy",
        "private content refused with 403 MalformedPolicy",
        by_detail,
        Detail::MalformedPolicy as usize
    ),
    slot!(
        "denied_bad_signature",
        "private content refused with 403 AccessDenied: the signature does not verify (a tampered link)",
        by_detail,
        Detail::BadSignature as usize
    ),
    slot!(
        "denied_resource_mismatch",
        "private content refused with 403 AccessDenied: the policy does not cover the URL",
        by_detail,
        Detail::ResourceMismatch as usize
    ),
    slot!(
        "denied_expired",
        "private content refused with 403 AccessDenied: expired by the edge's clock",
        by_detail,
        Detail::Expired as usize
    ),
    slot!(
        "denied_not_yet_valid",
        "private content refused with 403 AccessDenied: not valid yet",
        by_detail,
        Detail::NotYetValid as usize
    ),
    slot!(
        "denied_ip",
        "private content refused with 403 AccessDenied: the viewer's address is outside the policy's range",
        by_detail,
        Detail::IpNotAllowed as usize
    ),
    counter!(
        "signed_requests",
        "requests to private content that carried a signature, valid or not",
        signed_requests
    ),
    quantile!(
        "denied_latency_p50_ms",
        "median latency of requests refused for their signature",
        denied_latency,
        0.5
    ),
    quantile!(
        "denied_latency_p99_ms",
        "99th percentile latency of requests refused for their signature",
        denied_latency,
        0.99
    ),
    Column {
        name: "redirects",
        doc: "result type Redirect: HTTP requests answered with 301 or 307 to HTTPS (each is followed by its HTTPS request, counted on its own)",
        get: |m| Cell::Count(m.count(Outcome::Redirect)),
    },
    counter!("viewer_new_connections", "requests that opened a new viewer connection (and paid its handshake)", viewer_new_connections),
    counter!("viewer_resumed_connections", "new viewer TLS connections that resumed a session", viewer_resumed_connections),
    Column {
        name: "viewer_connection_reuse",
        doc: "share of requests sent on an existing viewer connection",
        get: |m| {
            let c = &m.counts;
            Cell::Ratio(crate::stats::ratio(c.requests - c.viewer_new_connections, c.requests))
        },
    },
    slot!(
        "origin_read_errors",
        "504s because no first byte came within the read timeout (OriginReadError)",
        by_detail,
        Detail::OriginReadError as usize
    ),
];

/// Where the time went, on average per request.
pub(super) const TIMES: &[Column<Metrics>] = &[
    mean_time!(
        "viewer_handshake_mean_ms",
        "mean time on viewer connection handshakes (and on the redirect before a follow-up request)",
        0
    ),
    mean_time!("edge_mean_ms", "mean processing time at the POP", 1),
    mean_time!(
        "upstream_regional_mean_ms",
        "mean time on the leg to the regional edge cache (its round trip and lookup)",
        2
    ),
    mean_time!(
        "upstream_shield_mean_ms",
        "mean time on the leg to the origin shield",
        3
    ),
    mean_time!(
        "upstream_origin_mean_ms",
        "mean time on the leg to the origin: round trips, connection handshakes, attempts, queueing and service",
        4
    ),
    mean_time!(
        "origin_handshake_mean_ms",
        "mean time on new origin connections' TCP and TLS handshakes (part of the origin leg)",
        5
    ),
    mean_time!(
        "transfer_mean_ms",
        "mean time from the first byte to the last: slow start on new viewer connections and the region's bandwidth",
        6
    ),
];
