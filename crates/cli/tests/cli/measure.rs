//! The figure the README gives: a 1,000-user export at Connect's default rate limit, 2 requests per second with a
//! burst of 5, against the floor of calls ÷ rate. Ignored by default (it takes the better part of twenty
//! minutes); run it with
//! `cargo test -p connect-users --test cli measure:: -- --ignored --nocapture` (the README gives its figures).

use std::time::Instant;

use connect_emulator::Emulator;

use crate::support::{Rig, TempDir};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a one-off measurement: about 17 minutes at 2 requests per second"]
async fn export_of_a_thousand_users_at_two_requests_per_second() {
    let emulator = Emulator::builder().with_users(1000).rate_limit(2.0, 5).start().await.unwrap();
    let rig = Rig::on(emulator).await;
    let dir = TempDir::new("measure");
    let started = Instant::now();
    let summary = rig.export(&dir, &[]).await;
    let wall = started.elapsed().as_secs_f64();
    let calls = rig.emulator.calls();
    let throttled = rig.emulator.throttled();
    let accepted = calls.len() as u64 - throttled;
    let floor = (accepted as f64 - 5.0) / 2.0;
    println!("{summary}");
    println!(
        "1000 users: {wall:.0} s wall; {} calls sent, {accepted} answered, {throttled} throttled; floor (answered - \
         burst) / rate = {floor:.0} s; {:.0} % of the floor",
        calls.len(),
        100.0 * wall / floor
    );
    assert!(summary.contains("1000 exported"), "{summary}");
}
