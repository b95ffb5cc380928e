//! Origin groups and the origin attempt loop (cloudfront.md §3.1, §3.3, §3.4): what a viewer
//! gets, and exactly how long it waits, when the primary origin fails in each way.

use crate::common;

use edgesim::scenario::{load_str, Overrides, Scenario};
use edgesim::sim::{run, LogLine, Observer, RunResult};
use edgesim::stats::{Detail, Failover, Outcome};
use edgesim::units::SEC;
use std::collections::BTreeMap;

/// Sparse traffic (one request every 100 s on average, so no two overlap even through
/// 180 s of timeouts) to objects that are never requested twice, from a viewer next to the
/// POP, to an origin group of two origins at different distances. `target` is what the
/// default behavior targets; `extra` adds origin keys to both origins, then more TOML.
fn scenario(target: &str, methods: &str, origin_keys: &str, extra: &str) -> Scenario {
    let text = format!(
        r#"
name = "failover"
requests = 60
warmup = 0
log_sample_rate = 1.0

[network]
edge_processing = "1us"

[workload]
rate = 0.01

[[workload.classes]]
name = "all"
prefix = "/o/"
share = 1.0
objects = 100000000
zipf_exponent = 0.0
size = {{ dist = "constant", value = "1KiB" }}
methods = {{ {methods} }}

{site}
[[origins]]
name = "primary"
lat = 0.0
lon = 20.0
{origin_keys}

[[origins]]
name = "secondary"
lat = 0.0
lon = -40.0
{origin_keys}

[[origin_groups]]
name = "group"
members = ["primary", "secondary"]

[default_behavior]
origin = "{target}"
allowed_methods = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]

{extra}
"#,
        site = common::LAB_SITE,
        origin_keys = if origin_keys.contains("service =") {
            origin_keys.to_string()
        } else {
            format!("service = {{ dist = \"constant\", value = \"5ms\" }}\n{origin_keys}")
        },
    );
    load_str(&text, "failover.toml", &Overrides::default()).expect("valid test scenario")
}

/// A fault on the primary for the whole run.
fn primary_fault(kind: &str, keys: &str) -> String {
    format!(
        r#"[[faults]]
kind = "{kind}"
origin = "primary"
start = "0s"
duration = "100d"
{keys}"#
    )
}

/// Every request's log line, by arrival index.
#[derive(Default)]
struct Log(BTreeMap<u64, LogLine>);

impl Observer for Log {
    fn request(&mut self, l: &LogLine) {
        self.0.insert(l.index, *l);
    }
}

fn go(s: &Scenario) -> (RunResult, BTreeMap<u64, LogLine>) {
    let mut log = Log::default();
    let r = run(s, &mut log);
    (r, log.0)
}

/// How much longer each request took in `slow` than in `fast` (same arrivals).
fn extra_wait(slow: &BTreeMap<u64, LogLine>, fast: &BTreeMap<u64, LogLine>) -> Vec<i64> {
    assert_eq!(slow.len(), fast.len());
    slow.values()
        .zip(fast.values())
        .map(|(a, b)| {
            assert_eq!((a.index, a.arrived), (b.index, b.arrived));
            (a.done - a.arrived) as i64 - (b.done - b.arrived) as i64
        })
        .collect()
}

const GET: &str = "get = 1.0";

#[test]
fn a_black_holed_primary_costs_attempts_times_connection_timeout_before_failover() {
    // §3.4: "Origin unreachable (connect timeouts) 3 × 10 = 30 s", then the secondary.
    let direct = go(&scenario("secondary", GET, "", "")).1;
    let blackhole = primary_fault("origin_outage", r#"mode = "blackhole""#);
    let (r, log) = go(&scenario("group", GET, "", &blackhole));
    assert!(extra_wait(&log, &direct)
        .iter()
        .all(|&d| d == 30 * SEC as i64));
    assert!(log.values().all(|l| l.status == 200));
    let c = &r.summary.counts;
    assert_eq!(c.failover[Failover::Recovered as usize], c.requests);
    // Two attempts of 4 s each: 8 s, to the nanosecond.
    let keys = "connection_attempts = 2\nconnection_timeout = \"4s\"";
    let direct = go(&scenario("secondary", GET, keys, "")).1;
    let log = go(&scenario("group", GET, keys, &blackhole)).1;
    assert!(extra_wait(&log, &direct)
        .iter()
        .all(|&d| d == 8 * SEC as i64));
}

#[test]
fn a_refusing_primary_costs_one_round_trip_per_attempt_and_alone_gives_502() {
    let s = scenario("secondary", GET, "", "");
    let pop = s.spec().pops[0].location();
    let rtt = s.spec().network.rtt(pop, s.spec().origins[0].location());
    let direct = go(&s).1;
    let refuse = primary_fault("origin_outage", "");
    let log = go(&scenario("group", GET, "", &refuse)).1;
    assert!(extra_wait(&log, &direct)
        .iter()
        .all(|&d| d == 3 * (rtt / 2 * 2) as i64));
    // Without a group there is nowhere to go: 502 OriginConnectError.
    let (r, log) = go(&scenario("primary", GET, "", &refuse));
    assert!(log
        .values()
        .all(|l| l.status == 502 && l.detail == Detail::OriginConnectError));
    assert_eq!(
        r.summary.counts.by_detail[Detail::OriginConnectError as usize],
        r.summary.counts.requests
    );
}

#[test]
fn a_hung_primary_times_out_three_times_for_get_and_once_for_post_which_never_fails_over() {
    let hang = primary_fault("origin_hang", "");
    let s = scenario("secondary", GET, "", "");
    let pop = s.spec().pops[0].location();
    let rtt = s.spec().network.rtt(pop, s.spec().origins[0].location()) as i64;
    let direct = go(&s).1;
    let log = go(&scenario("group", GET, "", &hang)).1;
    // §3.4: "up to 3 × (connect + 30)" for GET and HEAD. Each attempt opens a new HTTPS
    // connection (a failed one is dropped): TCP and TLS 1.2 are three round trips, then
    // the request waits out the 30 s read timeout.
    assert!(extra_wait(&log, &direct)
        .iter()
        .all(|&d| d == 3 * (30 * SEC as i64 + 3 * (rtt / 2 * 2))));
    // POST: the read timeout is not retried and POST does not fail over: 504 after 30 s.
    let (r, log) = go(&scenario("group", "post = 1.0", "", &hang));
    for l in log.values() {
        assert_eq!((l.status, l.detail), (504, Detail::OriginReadError));
        assert!(l.done - l.arrived >= 30 * SEC && l.done - l.arrived < 31 * SEC);
    }
    let c = &r.summary.counts;
    assert_eq!(c.failover[Failover::NotEligible as usize], c.requests);
    assert_eq!(c.failover[Failover::Recovered as usize], 0);
    assert_eq!(r.origins[1].requests, 0, "the secondary saw no POST");
}

#[test]
fn the_response_completion_timeout_caps_all_attempts_together() {
    // A hung primary with a 45 s cap: the first attempt times out at 30 s, the retry is cut
    // at 45 s, and the request goes to the secondary then, not after 90 s.
    let hang = primary_fault("origin_hang", "");
    let keys = "response_completion_timeout = \"45s\"";
    let direct = go(&scenario("secondary", GET, keys, "")).1;
    let log = go(&scenario("group", GET, keys, &hang)).1;
    assert!(extra_wait(&log, &direct)
        .iter()
        .all(|&d| d == 45 * SEC as i64));
}

#[test]
fn only_listed_statuses_fail_over() {
    let burst =
        |status: u16| primary_fault("origin_errors", &format!("status = {status}\nshare = 1.0"));
    // 503 is in the default list [500, 502, 503, 504]: every request recovers.
    let (r, log) = go(&scenario("group", GET, "", &burst(503)));
    assert!(log.values().all(|l| l.status == 200));
    assert_eq!(r.summary.counts.failover[Failover::Recovered as usize], 60);
    // 404 is not listed: the viewer gets the primary's 404 and the secondary is never asked.
    let (r, log) = go(&scenario("group", GET, "", &burst(404)));
    assert!(log.values().all(|l| l.status == 404));
    assert_eq!(r.summary.counts.failover, [0; 4]);
    assert_eq!(r.origins[1].requests, 0);
    // Unless the group lists it.
    let listed = format!("{}\n[[origin_groups]]\nname = \"g404\"\nmembers = [\"primary\", \"secondary\"]\nfailover_status_codes = [404]", burst(404));
    let (r, _) = go(&scenario("g404", GET, "", &listed));
    assert_eq!(r.summary.counts.failover[Failover::Recovered as usize], 60);
}

#[test]
fn every_request_tries_the_primary_first_and_there_is_no_third_try() {
    // Both members answer 503: each request asks the primary, then the secondary, then
    // gives the viewer the secondary's 503. No request skips the primary after the first
    // failover, and none goes back to it.
    let both = format!(
        "{}\n[[faults]]\nkind = \"origin_errors\"\norigin = \"secondary\"\nstatus = 503\nshare = 1.0\nstart = \"0s\"\nduration = \"100d\"",
        primary_fault("origin_errors", "status = 503\nshare = 1.0")
    );
    let (r, log) = go(&scenario("group", GET, "", &both));
    assert!(log
        .values()
        .all(|l| l.status == 503 && l.outcome == Outcome::Error));
    assert_eq!(r.origins[0].requests, 60);
    assert_eq!(r.origins[1].requests, 60);
    let c = &r.summary.counts;
    assert_eq!(c.failover[Failover::BothFailed as usize], 60);
    assert_eq!(c.errors_by_status[3], 60);
}

#[test]
fn outside_the_fault_window_nothing_fails_over() {
    // 60 requests over about 6000 s; the primary is refused from 1000 s to 3000 s.
    let window = r#"[[faults]]
kind = "origin_outage"
origin = "primary"
start = "1000s"
duration = "2000s""#;
    let (r, log) = go(&scenario("group", "get = 0.5, post = 0.5", "", window));
    let inside = |l: &LogLine| (1000 * SEC..3000 * SEC).contains(&l.arrived);
    let mut seen = [0; 3];
    for l in log.values() {
        match (inside(l), l.method.name()) {
            (true, "GET") => {
                assert_eq!(
                    l.status, 200,
                    "GET in the window succeeds via the secondary"
                );
                seen[0] += 1;
            }
            (true, _) => {
                assert_eq!(l.status, 502, "POST in the window fails");
                seen[1] += 1;
            }
            (false, _) => {
                assert_eq!(l.status, 200);
                seen[2] += 1;
            }
        }
    }
    assert!(seen.iter().all(|&n| n > 0), "{seen:?}");
    let c = &r.summary.counts;
    assert_eq!(c.failover[Failover::Recovered as usize], seen[0]);
    assert_eq!(c.failover[Failover::NotEligible as usize], seen[1]);
}

#[test]
fn a_full_origin_queue_answers_503_slow_down() {
    // One server busy for 10 s and room for one waiting request: with a request every
    // 100 s nothing queues, so ten requests a second it must be.
    let keys = "concurrency = 1\nmax_queue = 1\nservice = { dist = \"constant\", value = \"10s\" }";
    let mut spec = scenario("primary", GET, keys, "").spec().clone();
    spec.workload.rate = 10.0;
    let s = Scenario::new(spec).unwrap();
    let (r, log) = go(&s);
    let refused: Vec<&LogLine> = log.values().filter(|l| l.status == 503).collect();
    assert!(refused.len() > 40, "{}", refused.len());
    assert_eq!(r.origins[0].refused, refused.len() as u64);
    assert!(refused.iter().all(|l| l.detail == Detail::OriginError));
    // A refusal costs a round trip, not the 10 s service time.
    assert!(refused.iter().all(|l| l.done - l.arrived < SEC));
}

const SERVICE: &str = "service = { dist = \"constant\", value = \"1ms\" }";

/// One hot object with a 1 s TTL and validators, 50 requests a second from two POPs,
/// behind an origin group whose primary answers 503 from 100 s on; the secondary may have
/// a shield.
fn hot(order: &str, shields: bool) -> Scenario {
    let shield = if shields { "shield = \"S\"" } else { "" };
    let text = format!(
        r#"
name = "hot"
requests = 20000
warmup = 500

[workload]
rate = 50.0

[[workload.classes]]
name = "hot"
prefix = "/hot/"
share = 1.0
objects = 1
size = {{ dist = "constant", value = "10KiB" }}
response = {{ cache_control = "max-age=1" }}

{places}
[[origin_groups]]
name = "group"
members = ["primary", "secondary"]

[default_behavior]
origin = "group"

[caching]
failover_order = "{order}"

[[faults]]
kind = "origin_errors"
origin = "primary"
status = 503
share = 1.0
start = "100s"
duration = "100d"
"#,
        places = [
            common::at("regions", "name", "a", 0.0, "share = 0.5"),
            common::at("regions", "name", "b", 3.0, "share = 0.5"),
            common::at("pops", "code", "A", 0.0, "cache_capacity = \"1MiB\""),
            common::at("pops", "code", "B", 3.0, "cache_capacity = \"1MiB\""),
            common::at(
                "regional_caches",
                "name",
                "S",
                30.0,
                "cache_capacity = \"1MiB\""
            ),
            common::at("origins", "name", "primary", 20.0, SERVICE),
            common::at(
                "origins",
                "name",
                "secondary",
                40.0,
                &format!("{SERVICE}\n{shield}")
            ),
        ]
        .concat()
    );
    load_str(&text, "hot.toml", &Overrides::default()).expect("valid test scenario")
}

#[test]
fn failover_order_decides_between_the_secondary_and_the_stale_copy() {
    // failover_first (cloudfront.md §3.4's assumption): the expired copy's revalidation
    // fails at the primary and goes to the secondary, which confirms it; nothing stale.
    let (r, _) = go(&hot("failover_first", false));
    let c = &r.summary.counts;
    assert!(c.failover[Failover::Recovered as usize] > 100);
    assert_eq!(c.stale, 0);
    assert_eq!(r.summary.count(Outcome::Error), 0);
    // stale_first: the expired copy is served (and, with no stale-if-error, kept for
    // ErrorCachingMinTTL), and the secondary is never asked.
    let (r, _) = go(&hot("stale_first", false));
    let c = &r.summary.counts;
    assert_eq!(c.failover, [0; 4]);
    assert!(c.stale > 1_000, "{}", c.stale);
    assert_eq!(r.origins[1].requests, 0);
}

#[test]
fn the_secondary_is_reached_through_its_own_shield() {
    // With a shield, the secondary's answers are cached there: a POP whose copy expires
    // while the other POP's recent fetch is still fresh at the shield is answered by the
    // shield, so the secondary origin sees fewer requests.
    let (direct, _) = go(&hot("failover_first", false));
    let (shielded, _) = go(&hot("failover_first", true));
    assert!(
        shielded.origins[1].requests < direct.origins[1].requests,
        "{} vs {}",
        shielded.origins[1].requests,
        direct.origins[1].requests
    );
}
