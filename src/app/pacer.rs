//! The pacer of Connect calls: one per execution environment, shared by every call and every request it serves,
//! so that what one request learns of the account's quota paces the next (the rate arithmetic is
//! [`crate::core::pace`]; here is the waiting).
//!
//! Lambda runs one request at a time in an execution environment; requests that run at once run in separate
//! environments, each with its own pacer, blind to the others. How many there are is the function's reserved
//! concurrency (`ReservedConcurrency` in template.yaml), and each takes its share of the quota at its first
//! throttle ([`PaceLimits::share`]): together they stay near the quota without coordinating.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::time::Instant;
use tracing::info;

use crate::core::pace::{Pace, PaceLimits};

/// Hands out permits to call Connect at the adaptive rate of [`Pace`]. Clones share one state.
#[derive(Debug, Clone)]
pub struct Pacer {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    /// The origin of the offsets [`Pace`] works with.
    origin: Instant,
    pace: Mutex<Pace>,
    /// Callers wait their turn here. Tokio's mutex is fair, so permits go out in arrival order; and only the
    /// caller at the head waits for a slot, computed at the rate in force when its turn comes — a throttle
    /// slows every waiter behind it at once, rather than after slots booked at the old rate.
    queue: tokio::sync::Mutex<()>,
}

/// The right to make one call, and when it was granted: the call's answer is reported with it, so answers to
/// calls sent at an older rate can be told apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permit {
    sent_at: Duration,
}

impl Default for Pacer {
    /// A pacer with [`PaceLimits::default`].
    fn default() -> Self {
        Self::new(PaceLimits::default())
    }
}

impl Pacer {
    /// A pacer that does not pace until Connect first throttles a call.
    pub fn new(limits: PaceLimits) -> Self {
        Self {
            shared: Arc::new(Shared {
                origin: Instant::now(),
                pace: Mutex::new(Pace::new(limits)),
                queue: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// Waits until a call may go. Dropping the future gives up the place in the queue.
    pub async fn permit(&self) -> Permit {
        let _turn = self.shared.queue.lock().await;
        loop {
            let now = self.now();
            let ready = self.pace().ready_at(now);
            if ready <= now {
                self.pace().grant(now);
                return Permit { sent_at: now };
            }
            // Looked at again after the sleep: a throttle meanwhile may have pushed the slot further out.
            tokio::time::sleep_until(self.shared.origin + ready).await;
        }
    }

    /// Connect throttled the call made with `permit`.
    pub fn throttled(&self, permit: Permit) {
        let now = self.now();
        if let Some(rate) = self.pace().throttled(permit.sent_at, now) {
            info!(calls_per_second = rate, "Connect throttled a call: pacing Connect calls");
        }
    }

    /// Connect let the call made with `permit` through (whatever it answered, the rate limit did not stop it).
    pub fn accepted(&self, permit: Permit) {
        if self.pace().accepted(permit.sent_at) {
            info!("no throttle for a while: Connect calls are no longer paced");
        }
    }

    /// The permitted rate, calls per second, while pacing; `None` when calls are not paced.
    pub fn rate(&self) -> Option<f64> {
        self.pace().rate()
    }

    fn now(&self) -> Duration {
        self.shared.origin.elapsed()
    }

    /// The state, even if a panic elsewhere poisoned its lock: every update leaves it consistent.
    fn pace(&self) -> MutexGuard<'_, Pace> {
        self.shared.pace.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Limits fast enough for tests: paced calls go milliseconds apart.
    fn fast() -> PaceLimits {
        PaceLimits { floor: 100.0, ceiling: 1000.0, share: 500.0, increase: 1000.0, decrease: 0.5 }
    }

    #[tokio::test]
    async fn permits_are_granted_at_once_until_a_throttle() {
        let pacer = Pacer::new(PaceLimits::default());
        for _ in 0..50 {
            let permit = pacer.permit().await;
            pacer.accepted(permit);
        }
        assert_eq!(pacer.rate(), None);
    }

    #[tokio::test]
    async fn a_throttle_anywhere_paces_every_clone() {
        let pacer = Pacer::new(fast());
        let other = pacer.clone();
        let permit = pacer.permit().await;
        pacer.throttled(permit);
        assert_eq!(other.rate(), Some(500.0));
        // Paced permits are at least an interval apart: 2 ms at 500/s.
        let first = other.permit().await;
        let second = other.permit().await;
        assert!(second.sent_at - first.sent_at >= Duration::from_millis(2), "{first:?} {second:?}");
    }

    #[tokio::test]
    async fn concurrent_callers_are_served_one_at_a_time_in_turn() {
        let pacer = Pacer::new(fast());
        let permit = pacer.permit().await;
        pacer.throttled(permit);
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..10 {
            let pacer = pacer.clone();
            tasks.spawn(async move { pacer.permit().await });
        }
        let mut sent: Vec<Duration> = tasks.join_all().await.into_iter().map(|p| p.sent_at).collect();
        sent.sort();
        let interval = Duration::from_millis(2);
        assert!(sent.windows(2).all(|w| w[1] - w[0] >= interval), "{sent:?}");
    }

    #[tokio::test]
    async fn a_caller_that_gives_up_leaves_the_queue() {
        let pacer = Pacer::new(PaceLimits { floor: 0.001, ceiling: 0.002, share: 0.001, increase: 0.0, decrease: 0.5 });
        // At 0.001/s the next permit is 1000 s away: a caller that stops waiting must not block the queue.
        let permit = pacer.permit().await;
        pacer.throttled(permit);
        let waiting = tokio::time::timeout(Duration::from_millis(10), pacer.permit()).await;
        assert!(waiting.is_err());
        assert!(pacer.shared.queue.try_lock().is_ok(), "the queue is free again");
    }
}
