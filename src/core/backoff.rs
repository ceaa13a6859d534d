//! Exponential backoff with bounded jitter, shared by the Connect retries and the response PUT.
//!
//! The wait before retry `n` (1-based) is drawn uniformly from `[floor, ceiling)`, where
//! `ceiling = min(cap, base · 2^(n−1))` and `floor = min(base / 2, ceiling)`. This is not "full jitter"
//! (which would draw from `[0, ceiling)`): the floor keeps a burst of throttled calls from retrying at once
//! with near-zero waits, while the spread still de-synchronises them.

use std::hash::{BuildHasher, RandomState};
use std::time::Duration;

/// The parameters of the backoff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The first retry's ceiling; its half is every wait's floor.
    pub base: Duration,
    /// No wait is longer.
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self { base: Duration::from_millis(200), cap: Duration::from_secs(5) }
    }
}

impl Backoff {
    /// The wait before retry number `attempt` (1-based), with fresh randomness.
    pub fn delay(&self, attempt: u32) -> Duration {
        // RandomState is seeded per process from the OS: enough randomness for jitter without a crate.
        self.delay_with(attempt, RandomState::new().hash_one(attempt))
    }

    /// The wait before retry number `attempt`, with `entropy` choosing the point in `[floor, ceiling)`.
    pub fn delay_with(&self, attempt: u32, entropy: u64) -> Duration {
        let (floor, ceiling) = self.bounds(attempt);
        let spread = u64::try_from(ceiling.saturating_sub(floor).as_nanos()).unwrap_or(u64::MAX);
        floor + Duration::from_nanos(if spread == 0 { 0 } else { entropy % spread })
    }

    /// `(floor, ceiling)` of retry number `attempt`.
    pub fn bounds(&self, attempt: u32) -> (Duration, Duration) {
        let ceiling = self.base.saturating_mul(1u32 << attempt.saturating_sub(1).min(16)).min(self.cap);
        ((self.base / 2).min(ceiling), ceiling)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: Backoff = Backoff { base: Duration::from_millis(100), cap: Duration::from_secs(2) };

    #[test]
    fn delays_grow_and_stay_within_bounds() {
        for attempt in 1..40 {
            let d = B.delay(attempt);
            assert!(d >= Duration::from_millis(50) && d <= Duration::from_secs(2), "{attempt}: {d:?}");
        }
        assert!(B.delay(1) <= Duration::from_millis(100));
    }

    #[test]
    fn the_documented_bounds_hold_at_both_ends() {
        assert_eq!(B.bounds(1), (Duration::from_millis(50), Duration::from_millis(100)));
        assert_eq!(B.bounds(3), (Duration::from_millis(50), Duration::from_millis(400)));
        assert_eq!(B.bounds(30), (Duration::from_millis(50), Duration::from_secs(2)), "capped");
        for attempt in [1, 2, 5, 30] {
            let (floor, ceiling) = B.bounds(attempt);
            assert_eq!(B.delay_with(attempt, 0), floor, "{attempt}: the floor is reachable");
            let top = B.delay_with(attempt, u64::try_from((ceiling - floor).as_nanos()).unwrap_or(0) - 1);
            assert!(
                top < ceiling && top > ceiling - Duration::from_micros(1),
                "{attempt}: {top:?} just under {ceiling:?}"
            );
            assert!(B.delay_with(attempt, u64::MAX) < ceiling, "{attempt}");
        }
        let tiny = Backoff { base: Duration::ZERO, cap: Duration::ZERO };
        assert_eq!(tiny.delay_with(3, 12345), Duration::ZERO);
    }

    #[test]
    fn jitter_spreads_delays() {
        let b = Backoff::default();
        let distinct: std::collections::BTreeSet<_> = (0..20).map(|_| b.delay(5)).collect();
        assert!(distinct.len() > 1);
    }
}
