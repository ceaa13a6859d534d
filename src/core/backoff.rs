//! Exponential backoff with full jitter, shared by the Connect retries and the response PUT.

use std::hash::{BuildHasher, RandomState};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self { base: Duration::from_millis(200), cap: Duration::from_secs(5) }
    }
}

impl Backoff {
    /// The wait before retry number `attempt` (1-based): uniform in [base/2, min(cap, base·2^(attempt-1))].
    pub fn delay(&self, attempt: u32) -> Duration {
        let ceiling = self.base.saturating_mul(1u32 << attempt.saturating_sub(1).min(16)).min(self.cap);
        let floor = (self.base / 2).min(ceiling);
        let spread = ceiling.saturating_sub(floor).as_nanos() as u64;
        // RandomState is seeded per process from the OS: enough randomness for jitter without a crate.
        let random = RandomState::new().hash_one(attempt);
        floor + Duration::from_nanos(if spread == 0 { 0 } else { random % spread })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_stay_within_bounds() {
        let b = Backoff { base: Duration::from_millis(100), cap: Duration::from_secs(2) };
        for attempt in 1..40 {
            let d = b.delay(attempt);
            assert!(d >= Duration::from_millis(50) && d <= Duration::from_secs(2), "{attempt}: {d:?}");
        }
        assert!(b.delay(1) <= Duration::from_millis(100));
    }

    #[test]
    fn jitter_spreads_delays() {
        let b = Backoff::default();
        let distinct: std::collections::BTreeSet<_> = (0..20).map(|_| b.delay(5)).collect();
        assert!(distinct.len() > 1);
    }
}
