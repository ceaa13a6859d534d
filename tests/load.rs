//! Load against Connect's account quotas: many Creates then as many Deletes, issued concurrently against
//! the emulator's token bucket. Every request ends in SUCCESS, none is lost, each before its deadline — and
//! the handler stays polite: its shared pacer keeps the throttles it causes to at most one per call Connect
//! lets through, since the account's quota is shared with the contact centre's own integrations.
//!
//! `cargo test` runs a scaled version; the full size (200 users, 20 at a time, 2 requests/s with a burst of 5,
//! Connect's default quota order of magnitude) takes a few minutes:
//! `cargo test --locked --test tests load::full_size -- --ignored --nocapture`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use cfn_connect_user::app::{Invocation, Mode, Pacer};
use cfn_connect_user::core::backoff::Backoff;
use cfn_connect_user::core::pace::PaceLimits;
use connect_emulator::connect::Emulator;
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::support::{World, fast_backoff};

/// CloudFormation's default wait for a custom resource is an hour; this test holds every request to 5 minutes.
const DEADLINE: Duration = Duration::from_secs(300);

struct Report {
    wall: Duration,
    /// Calls the bucket let through (whatever they answered).
    calls: u64,
    /// Calls the bucket refused with `ThrottlingException`.
    throttles: u64,
}

/// Runs every request, at most `concurrency` at a time; each returns only once its response is delivered,
/// so each is checked against its own deadline right then.
async fn run_all(world: &Arc<World>, events: Vec<Value>, concurrency: usize) {
    let permits = Arc::new(Semaphore::new(concurrency));
    let mut tasks = JoinSet::new();
    for event in events {
        let (world, permits) = (world.clone(), permits.clone());
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await.unwrap();
            let started = SystemTime::now();
            let result = world.handler.handle(event, Invocation::new(started, started + DEADLINE)).await;
            assert!(result.is_ok(), "{result:?}");
            assert!(SystemTime::now() < started + DEADLINE, "answered after its deadline");
        });
    }
    tasks.join_all().await;
}

async fn create_then_delete(
    users: usize,
    concurrency: usize,
    (per_second, burst): (f64, u32),
    backoff: Backoff,
    pacer: Pacer,
) -> Report {
    let emulator = Emulator::builder().rate_limit(per_second, burst).start().await.unwrap();
    let world = Arc::new(World::on_with_pacing(emulator, Mode::Respond, backoff, pacer).await);
    let template = |i: usize| {
        let mut props = world.john();
        props["Username"] = json!(format!("agent.{i:03}"));
        props
    };
    let started = Instant::now();

    let creates: Vec<Value> = (0..users).map(|i| world.create_event(template(i))).collect();
    run_all(&world, creates, concurrency).await;
    let delivered = world.receiver.delivered(users).await;
    assert_eq!(delivered.len(), users, "every Create answered");
    assert!(
        delivered.iter().all(|r| r.status() == "SUCCESS"),
        "{:?}",
        delivered.iter().find(|r| r.status() != "SUCCESS").map(|r| r.reason())
    );
    assert_eq!(world.emulator.user_count(), users, "one user per Create: none lost, none doubled");

    let deletes: Vec<Value> =
        delivered.iter().enumerate().map(|(i, r)| world.delete_event(r.physical_id().unwrap(), template(i))).collect();
    run_all(&world, deletes, concurrency).await;
    let all = world.receiver.delivered(2 * users).await;
    assert!(
        all.iter().all(|r| r.status() == "SUCCESS"),
        "{:?}",
        all.iter().find(|r| r.status() != "SUCCESS").map(|r| r.reason())
    );
    assert_eq!(world.emulator.user_count(), 0, "every user deleted");
    assert_eq!(world.receiver.responses().len(), 2 * users, "exactly one response per request");

    let wall = started.elapsed();
    let throttles = world.emulator.throttled();
    let calls = u64::try_from(world.emulator.calls().len()).unwrap() - throttles;
    let report = Report { wall, calls, throttles };
    eprintln!(
        "load: {users} creates + {users} deletes, {concurrency} at a time, bucket {per_second}/s burst {burst}: \
         {:.1} s wall (the bucket's floor for {calls} calls: {:.1} s), {calls} calls let through, {throttles} \
         throttles ({:.2} per call)",
        report.wall.as_secs_f64(),
        (calls.saturating_sub(u64::from(burst)) as f64) / per_second,
        throttles as f64 / calls as f64,
    );
    report
}

/// The production pacer's limits with every rate `k` times higher and time `k` times shorter: the same
/// dynamics against a bucket `k` times faster.
fn scaled_limits(k: f64) -> PaceLimits {
    let production = PaceLimits::default();
    PaceLimits {
        floor: production.floor * k,
        ceiling: production.ceiling * k,
        // A rate per second, gained per second: both scale.
        increase: production.increase * k * k,
        decrease: production.decrease,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scaled_load_under_a_token_bucket_loses_nothing() {
    let report = create_then_delete(60, 20, (40.0, 5), fast_backoff(), Pacer::new(scaled_limits(20.0))).await;
    assert!(report.throttles > 0, "the bucket must actually throttle for this test to mean anything");
    assert!(report.throttles <= report.calls, "{} throttles for {} calls", report.throttles, report.calls);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "full size takes minutes: cargo test --locked --test tests load::full_size -- --ignored --nocapture"]
async fn full_size() {
    // The production backoff and pacer: the throttle count is then what a real deployment would cause.
    let report = create_then_delete(200, 20, (2.0, 5), Backoff::default(), Pacer::default()).await;
    assert!(report.wall < DEADLINE * 2);
    assert!(report.throttles <= report.calls, "{} throttles for {} calls", report.throttles, report.calls);
}
