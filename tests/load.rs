//! Load against Connect's account quota, in the shape Lambda runs the function. Each execution environment has
//! its own `Handler`, and so its own Connect client and `Pacer`, and serves one request at a time. At most as
//! many environments exist as the function's reserved concurrency allows; the requests beyond wait in Lambda's
//! queue for the next free one (CloudFormation invokes the function asynchronously, so Lambda queues what the
//! reservation holds back). Every environment calls one emulator, whose token bucket is the account's quota.
//!
//! Many Creates, then as many Deletes: every request ends in SUCCESS with exactly one response, none is lost,
//! each before its deadline. The environments, blind to each other's pacing, cause at most 0.5 throttles per
//! call Connect lets through. How busy they keep the quota (the wall time against the calls let through divided by
//! the rate) is a timing, measured by the full-size run only: a loaded machine's stalls would decide it otherwise.
//!
//! `cargo test` runs a scaled version: the quota, the pacer and the Connect retries' backoff 10 times faster.
//! The full size (200 users, Connect's default quota of 2 requests/s with a burst of 5, the template's default
//! reservation, the production pacer and backoff) takes about 5 minutes:
//! `cargo test --locked --test tests load::full_size -- --ignored --nocapture`. Other reservations, for the
//! README's comparison: `LOAD_ENVIRONMENTS=1,4,24 cargo test --locked --test tests load::other_reservations --
//! --ignored --nocapture`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use cfn_connect_user::adapters::{HttpSender, SdkConnect, http_client};
use cfn_connect_user::app::{Handler, Invocation, Mode, Pacer, Retrying};
use cfn_connect_user::core::backoff::Backoff;
use cfn_connect_user::core::pace::PaceLimits;
use cfn_connect_user::core::response_url::UrlPolicy;
use connect_emulator::connect::Emulator;
use connect_emulator::receiver::Recorded;
use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::support::{World, fast_backoff};

/// Each request's Lambda deadline. CloudFormation waits an hour by default; 5 minutes is plenty here.
const DEADLINE: Duration = Duration::from_secs(300);

/// Connect's default quota for each user API: 2 requests/s, with a burst of 5.
const QUOTA: (f64, u32) = (2.0, 5);

/// One execution environment: what Lambda's init builds, kept for every request the environment serves.
type Environment = Handler<Retrying<SdkConnect>, HttpSender>;

/// A run.
#[derive(Debug, Clone, Copy)]
struct Load {
    /// Creates, then as many Deletes.
    users: usize,
    /// The reserved concurrency: at most this many execution environments exist.
    environments: usize,
    /// How many times faster than production the quota, the pacer and the backoff run (1: production).
    speed: f64,
}

#[derive(Debug)]
struct Report {
    wall: Duration,
    /// Calls the bucket let through, whatever they answered.
    accepted: u64,
    /// Calls the bucket refused with `ThrottlingException`.
    throttles: u64,
    /// The bucket's rate, calls per second.
    rate: f64,
}

impl Report {
    fn throttles_per_call(&self) -> f64 {
        self.throttles as f64 / self.accepted as f64
    }

    /// The time the quota needs for the calls it let through: the wall time of a load that keeps it busy.
    fn quota_time(&self) -> f64 {
        self.accepted as f64 / self.rate
    }

    /// The wall time over the quota's time: 1 when the quota was busy throughout.
    fn wall_over_quota_time(&self) -> f64 {
        self.wall.as_secs_f64() / self.quota_time()
    }
}

/// The template's default `ReservedConcurrency`: the figures are those of what users deploy.
fn template_reservation() -> usize {
    let template = include_str!("../template.yaml");
    let (_, parameter) =
        template.split_once("\n  ReservedConcurrency:\n").expect("template.yaml declares ReservedConcurrency");
    parameter
        .lines()
        .take_while(|line| line.starts_with("    "))
        .find_map(|line| line.trim().strip_prefix("Default:"))
        .expect("ReservedConcurrency has a default")
        .trim()
        .parse()
        .expect("the default is a number")
}

/// The production backoff `k` times faster.
fn scaled_backoff(k: f64) -> Backoff {
    let production = Backoff::default();
    Backoff { base: production.base.div_f64(k), cap: production.cap.div_f64(k) }
}

/// A new execution environment: its own Connect client and pacer, as at a cold start.
fn environment(emulator: &Emulator, speed: f64) -> Environment {
    let sdk = SdkConnect::for_endpoint(&emulator.endpoint_url(), "us-east-1");
    let connect = Retrying::new(sdk, scaled_backoff(speed)).with_pacer(Pacer::new(PaceLimits::default().scaled(speed)));
    Handler::new(connect, HttpSender::new(http_client().unwrap(), fast_backoff()), Mode::Respond)
        .with_url_policy(UrlPolicy { allow_loopback: true })
}

/// Lambda's queue of asynchronous invocations: requests wait here, in order, for a free environment.
type Queue = Arc<Mutex<VecDeque<Value>>>;

fn next(queue: &Queue) -> Option<Value> {
    queue.lock().unwrap().pop_front()
}

/// Serves every event: each environment takes the next waiting request whenever it is free and handles it to
/// the end (its response delivered) before taking another, each within its own deadline.
async fn serve(environments: &[Arc<Environment>], events: &[Value]) {
    let queue: Queue = Arc::new(Mutex::new(events.iter().cloned().collect()));
    let mut tasks = JoinSet::new();
    for environment in environments {
        let (environment, queue) = (environment.clone(), queue.clone());
        tasks.spawn(async move {
            while let Some(event) = next(&queue) {
                let started = SystemTime::now();
                let result = environment.handle(event, Invocation::new(started, started + DEADLINE)).await;
                assert!(result.is_ok(), "{result:?}");
                assert!(SystemTime::now() < started + DEADLINE, "answered after its deadline");
            }
        });
    }
    tasks.join_all().await;
}

/// The one response to each event, in the events' order, once every handling has returned: exactly one PUT
/// per request in all, each delivered, each SUCCESS.
fn sole_successes(world: &World, events: &[Value]) -> Vec<Recorded> {
    let responses = world.receiver.responses();
    let mut by_request: HashMap<&str, &Recorded> = HashMap::new();
    for response in &responses {
        if let Some(earlier) = by_request.insert(response.request_id().unwrap(), response) {
            let [first, second] = [earlier, response].map(|r| format!("{} {}", r.status_answered, r.body_text()));
            panic!("two PUTs for one request:\n  {first}\n  {second}");
        }
    }
    assert_eq!(responses.len(), events.len(), "exactly one PUT per request");
    events
        .iter()
        .map(|event| {
            let response = by_request.get(event["RequestId"].as_str().unwrap()).expect("every request answered");
            assert!(response.is_delivered(), "answered {}: {}", response.status_answered, response.body_text());
            assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
            (*response).clone()
        })
        .collect()
}

async fn create_then_delete(load: Load) -> Report {
    let (per_second, burst) = (QUOTA.0 * load.speed, QUOTA.1);
    let emulator = Emulator::builder().rate_limit(per_second, burst).start().await.unwrap();
    let world = World::on(emulator, Mode::Respond).await;
    let environments: Vec<Arc<Environment>> =
        (0..load.environments).map(|_| Arc::new(environment(&world.emulator, load.speed))).collect();
    let props = |i: usize| {
        let mut props = world.john();
        props["Username"] = json!(format!("agent.{i:03}"));
        props
    };
    let started = Instant::now();

    let creates: Vec<Value> = (0..load.users).map(|i| world.create_event(props(i))).collect();
    serve(&environments, &creates).await;
    let created = sole_successes(&world, &creates);
    assert_eq!(world.emulator.user_count(), load.users, "one user per Create: none lost, none doubled");

    let deletes: Vec<Value> =
        created.iter().enumerate().map(|(i, r)| world.delete_event(r.physical_id().unwrap(), props(i))).collect();
    serve(&environments, &deletes).await;
    let wall = started.elapsed();
    sole_successes(&world, &[creates, deletes].concat());
    assert_eq!(world.emulator.user_count(), 0, "every user deleted");

    let throttles = world.emulator.throttled();
    let accepted = u64::try_from(world.emulator.calls().len()).unwrap() - throttles;
    let report = Report { wall, accepted, throttles, rate: per_second };
    eprintln!(
        "load: {users} Creates then {users} Deletes, reservation {environments} (execution environments, one \
         request at a time each), bucket {per_second}/s burst {burst}: {wall:.1} s wall for {accepted} calls let \
         through ({quota:.1} s at {per_second}/s: {ratio:.3}), {throttles} throttles ({per_call:.2} per call let \
         through)",
        users = load.users,
        environments = load.environments,
        wall = report.wall.as_secs_f64(),
        quota = report.quota_time(),
        ratio = report.wall_over_quota_time(),
        per_call = report.throttles_per_call(),
    );
    report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scaled_environments_share_the_quota_politely() {
    let report = create_then_delete(Load { users: 100, environments: template_reservation(), speed: 10.0 }).await;
    assert!(report.throttles > 0, "the bucket must actually throttle for this test to mean anything");
    // The full size's bound: calls that a loaded machine's stall bunched up meet more throttles, and stay within it.
    assert!(report.throttles_per_call() <= 0.5, "{report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "full size takes minutes: cargo test --locked --test tests load::full_size -- --ignored --nocapture"]
async fn full_size() {
    let report = create_then_delete(Load { users: 200, environments: template_reservation(), speed: 1.0 }).await;
    assert!(report.throttles_per_call() <= 0.5, "{report:?}");
    assert!((report.wall_over_quota_time() - 1.0).abs() <= 0.1, "{report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "minutes per reservation: LOAD_ENVIRONMENTS=1,4,24 cargo test --locked --test tests \
            load::other_reservations -- --ignored --nocapture"]
async fn other_reservations() {
    // Figures only: what a reservation other than the template's costs in throttles.
    let list = std::env::var("LOAD_ENVIRONMENTS").unwrap_or_else(|_| "1,4,24".to_owned());
    for environments in list.split(',').map(|n| n.trim().parse().expect("LOAD_ENVIRONMENTS: numbers")) {
        create_then_delete(Load { users: 200, environments, speed: 1.0 }).await;
    }
}
