//! The arithmetic of adaptive pacing: a permitted rate of Connect calls that drops when Connect throttles
//! and earns its way back, a little with every call Connect lets through (additive increase, multiplicative
//! decrease — AIMD, the rule TCP's congestion control uses to share a link).
//!
//! Why: Connect's rate limits are per account, and shared with everything else that calls Connect there, often
//! the contact centre's own integrations (docs/real-connect.md §5). A throttle is the only sign of how much of
//! the quota is left. Retrying each throttle on its own keeps the account at its limit and absorbs several
//! throttles per call; a pacer that backs off on the first throttle keeps the quota usable for the others, and
//! callers that each follow AIMD converge to fair shares of it.
//!
//! Each Lambda execution environment has its own pacer and sees nothing of the others'. What keeps their sum
//! near the quota is how many of them there are, which the function's reserved concurrency bounds
//! (`ReservedConcurrency` in template.yaml), and where each starts: at the first throttle, an environment takes
//! its share of the quota ([`PaceLimits::share`]) instead of assuming the whole rate is free. The spacing has no
//! jitter: environments fall out of step by themselves (each call's latency, the retries' jittered backoff), and
//! jittering the spacing as well measured no fewer throttles in a model of 2 to 4 environments against the bucket.
//!
//! Pure: points in time are offsets from an origin the caller chooses, and nothing here waits (`app::pacer`
//! does).

use std::time::Duration;

/// The tuning of a [`Pace`]; rates are calls per second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PaceLimits {
    /// The lowest rate: however often Connect throttles, calls may go at least this often.
    pub floor: f64,
    /// The highest rate. A rate that earns its way back to it ends pacing until the next throttle.
    pub ceiling: f64,
    /// The rate a throttle sets while calls are not paced: this execution environment's share of the account's
    /// quota. A throttle says that others are calling too, and how many is unknown.
    pub share: f64,
    /// How much the rate earns back per second of calls Connect lets through.
    pub increase: f64,
    /// The factor a throttle multiplies the rate by, between 0 and 1.
    pub decrease: f64,
}

impl Default for PaceLimits {
    /// - `floor` 0.2/s: one call every 5 s, the Connect retries' longest backoff; lower would only make the
    ///   deadline, not Connect, end a request that meets a busy account.
    /// - `ceiling` 20/s: well above the few calls per second of Connect's default account quotas, so an
    ///   execution environment that is never throttled is never slowed.
    /// - `share` 1/s: Connect's default quota of 2 requests/s split between the template's default
    ///   `ReservedConcurrency` of 2 environments. Halving the ceiling instead took three more throttles per
    ///   environment to come down to about that level (10, 5, 2.5, then 1.25/s).
    /// - `increase` 0.2/s per second: after halving from just above a 2/s quota, the rate is back above it in
    ///   about 5 s, before the quota's burst allowance (a handful of calls) has refilled and capacity goes unused.
    /// - `decrease` 0.5: halving, the classic choice; it clears an overshoot in one step.
    fn default() -> Self {
        Self { floor: 0.2, ceiling: 20.0, share: 1.0, increase: 0.2, decrease: 0.5 }
    }
}

impl PaceLimits {
    /// The same dynamics `k` times faster: every rate `k` times higher, so every wait `k` times shorter, and the
    /// increase, a rate gained per second, `k²` times higher. For tests and models that cannot wait minutes.
    pub fn scaled(self, k: f64) -> Self {
        Self {
            floor: self.floor * k,
            ceiling: self.ceiling * k,
            share: self.share * k,
            increase: self.increase * k * k,
            decrease: self.decrease,
        }
    }
}

/// The lowest floor [`Pace::new`] accepts: one call every 1000 s keeps every interval a finite duration.
const MIN_RATE: f64 = 0.001;

/// The state of an AIMD pacer. Unpaced until a throttle: then calls are spaced at the permitted rate, from the
/// share on, one at a time, until that rate earns its way back to the ceiling.
#[derive(Debug, Clone, PartialEq)]
pub struct Pace {
    limits: PaceLimits,
    /// `None` while not pacing.
    rate: Option<f64>,
    /// While pacing, when the next call may go.
    next: Duration,
    /// When the rate last went down. The answers to calls sent before then reflect the older, higher rate:
    /// they neither lower it again (one overshoot, one halving) nor raise it.
    decreased_at: Option<Duration>,
}

impl Pace {
    /// A pacer that does not pace yet. Out-of-range limits are brought into range: the floor to at least
    /// 0.001/s, the ceiling to at least the floor, the share to between the two (the floor if it is not a
    /// number), the increase to at least 0, and a decrease outside (0, 1) to 0.5.
    pub fn new(limits: PaceLimits) -> Self {
        let floor = limits.floor.max(MIN_RATE);
        let ceiling = limits.ceiling.max(floor);
        let limits = PaceLimits {
            floor,
            ceiling,
            share: limits.share.max(floor).min(ceiling),
            increase: limits.increase.max(0.0),
            decrease: if limits.decrease > 0.0 && limits.decrease < 1.0 { limits.decrease } else { 0.5 },
        };
        Self { limits, rate: None, next: Duration::ZERO, decreased_at: None }
    }

    /// The limits in force (after [`Pace::new`] brought them into range).
    pub fn limits(&self) -> PaceLimits {
        self.limits
    }

    /// The permitted rate while pacing; `None` when calls are not paced.
    pub fn rate(&self) -> Option<f64> {
        self.rate
    }

    /// The earliest point, not before `now`, at which the next call may go.
    pub fn ready_at(&self, now: Duration) -> Duration {
        match self.rate {
            Some(_) => self.next.max(now),
            None => now,
        }
    }

    /// Records that a call goes at `now` (which should be no earlier than [`Pace::ready_at`]): the next one
    /// waits a full interval. An idle spell earns no burst: after it, calls are spaced again from the first.
    pub fn grant(&mut self, now: Duration) {
        if let Some(rate) = self.rate {
            self.next = self.next.max(now).saturating_add(interval(rate));
        }
    }

    /// Connect throttled a call sent at `sent_at`; the answer came at `now`. Unpaced, starts pacing at the
    /// share; pacing, lowers the rate unless the call was sent before the last decrease. Returns the new rate
    /// when it changed.
    pub fn throttled(&mut self, sent_at: Duration, now: Duration) -> Option<f64> {
        if self.decreased_at.is_some_and(|at| sent_at < at) {
            return None;
        }
        let rate = match self.rate {
            Some(rate) => (rate * self.limits.decrease).max(self.limits.floor),
            None => self.limits.share,
        };
        self.rate = Some(rate);
        self.decreased_at = Some(now);
        // The throttled call used a slot and no token: the next goes a full new interval after the throttle, so
        // the account's bucket has refilled by at least a call.
        self.next = self.next.max(now.saturating_add(interval(rate)));
        Some(rate)
    }

    /// Connect let through a call sent at `sent_at`: the rate earns `increase / rate`, so that calls going at
    /// the permitted rate raise it by `increase` per second. Returns whether this ended pacing (the ceiling
    /// was reached).
    pub fn accepted(&mut self, sent_at: Duration) -> bool {
        if self.decreased_at.is_some_and(|at| sent_at < at) {
            return false;
        }
        let Some(rate) = self.rate else { return false };
        let raised = rate + self.limits.increase / rate;
        if raised >= self.limits.ceiling {
            self.rate = None;
            true
        } else {
            self.rate = Some(raised);
            false
        }
    }
}

/// The spacing of calls at `rate` (at least [`MIN_RATE`], so finite).
fn interval(rate: f64) -> Duration {
    Duration::try_from_secs_f64(1.0 / rate.max(MIN_RATE)).unwrap_or(Duration::from_secs(1000))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    #[test]
    fn calls_are_not_paced_until_the_first_throttle() {
        let mut pace = Pace::new(PaceLimits::default());
        for i in 0..100 {
            let now = Duration::from_millis(i);
            assert_eq!(pace.ready_at(now), now);
            pace.grant(now);
            assert!(!pace.accepted(now));
        }
        assert_eq!(pace.rate(), None);
    }

    #[test]
    fn a_throttle_while_unpaced_starts_pacing_at_the_share() {
        let mut pace = Pace::new(PaceLimits::default());
        assert_eq!(pace.throttled(secs(1.0), secs(1.0)), Some(1.0), "the share, not half the ceiling");
        // The next call waits a full interval after the throttle, and each one after it too.
        assert_eq!(pace.ready_at(secs(1.0)), secs(2.0));
        pace.grant(secs(2.0));
        assert_eq!(pace.ready_at(secs(2.0)), secs(3.0));
        // A call that comes late goes at once; the next is spaced from it, with no burst for the idle spell.
        assert_eq!(pace.ready_at(secs(10.0)), secs(10.0));
        pace.grant(secs(10.0));
        assert_eq!(pace.ready_at(secs(10.0)), secs(11.0));
    }

    #[test]
    fn a_throttle_while_pacing_multiplies_the_rate_by_the_decrease() {
        let limits = PaceLimits { floor: 0.1, ceiling: 100.0, share: 8.0, increase: 0.0, decrease: 0.25 };
        let mut pace = Pace::new(limits);
        assert_eq!(pace.throttled(secs(1.0), secs(1.0)), Some(8.0));
        assert_eq!(pace.throttled(secs(2.0), secs(2.0)), Some(2.0));
        assert_eq!(pace.ready_at(secs(2.0)), secs(2.5));
    }

    #[test]
    fn one_overshoot_decreases_once() {
        let mut pace = Pace::new(PaceLimits::default());
        // Three calls sent at 1.0 s are throttled: the answers that follow the first reflect the same rate.
        assert_eq!(pace.throttled(secs(1.0), secs(1.01)), Some(1.0));
        assert_eq!(pace.throttled(secs(1.0), secs(1.02)), None);
        assert_eq!(pace.throttled(secs(1.005), secs(1.03)), None);
        // Nor does an answer to a call sent at the old rate raise the new one.
        assert!(!pace.accepted(secs(1.0)));
        assert_eq!(pace.rate(), Some(1.0));
        // A call sent after the decrease and throttled halves the rate.
        assert_eq!(pace.throttled(secs(2.1), secs(2.11)), Some(0.5));
    }

    #[test]
    fn the_rate_never_goes_below_the_floor() {
        let mut pace = Pace::new(PaceLimits::default());
        let mut rate = None;
        for i in 0..50u32 {
            let t = secs(f64::from(i));
            rate = pace.throttled(t, t).or(rate);
        }
        assert_eq!(rate, Some(0.2));
        assert_eq!(pace.ready_at(secs(49.0)), secs(54.0), "one call every 5 s");
    }

    #[test]
    fn a_call_sent_at_the_instant_of_a_decrease_counts_as_sent_after_it() {
        // The pacer records a throttle before it grants another call, so a call sent at the very instant the
        // rate went down was already paced at the new rate: its answer counts, both ways.
        let limits = PaceLimits { floor: 0.1, ceiling: 8.0, share: 2.0, increase: 1.0, decrease: 0.5 };
        let mut pace = Pace::new(limits);
        assert_eq!(pace.throttled(secs(0.0), secs(1.0)), Some(2.0));
        assert_eq!(pace.throttled(secs(1.0), secs(1.5)), Some(1.0), "sent at the decrease: lowers the rate");
        assert_eq!(pace.throttled(secs(1.0), secs(1.6)), None, "sent before the second decrease: does not");
        assert!(!pace.accepted(secs(1.5)));
        assert_eq!(pace.rate(), Some(2.0), "sent at the decrease: earns the rate back (1 + 1/1)");
    }

    #[test]
    fn accepted_calls_earn_the_rate_back_additively_up_to_the_ceiling() {
        let limits = PaceLimits { floor: 0.5, ceiling: 5.0, share: 2.0, increase: 0.5, decrease: 0.5 };
        let mut pace = Pace::new(limits);
        pace.throttled(Duration::ZERO, Duration::ZERO);
        assert_eq!(pace.rate(), Some(2.0));
        // Calls at the permitted rate for one second (two calls at 2/s) earn about `increase`.
        let mut t = Duration::ZERO;
        for _ in 0..2 {
            t = pace.ready_at(t);
            pace.grant(t);
            pace.accepted(t);
        }
        let rate = pace.rate().unwrap_or_default();
        assert!((2.4..2.6).contains(&rate), "{rate}");
        // Enough of them reach the ceiling, which ends pacing.
        let mut ended = false;
        for _ in 0..100 {
            t = pace.ready_at(t);
            pace.grant(t);
            ended |= pace.accepted(t);
        }
        assert!(ended);
        assert_eq!(pace.rate(), None);
        assert_eq!(pace.ready_at(t), t);
        // The next throttle starts again from the share.
        assert_eq!(pace.throttled(t, t), Some(2.0));
    }

    #[test]
    fn out_of_range_limits_are_brought_into_range() {
        let pace = Pace::new(PaceLimits { floor: -1.0, ceiling: 0.0, share: -1.0, increase: f64::NAN, decrease: 2.0 });
        let limits = pace.limits();
        assert_eq!(limits.floor, MIN_RATE);
        assert_eq!(limits.ceiling, MIN_RATE);
        assert_eq!(limits.share, MIN_RATE);
        assert_eq!(limits.increase, 0.0);
        assert_eq!(limits.decrease, 0.5);
        assert_eq!(interval(0.0), Duration::from_secs(1000));
        let share = |share| Pace::new(PaceLimits { floor: 1.0, ceiling: 4.0, share, ..PaceLimits::default() });
        assert_eq!(share(9.0).limits().share, 4.0, "at most the ceiling");
        assert_eq!(share(0.5).limits().share, 1.0, "at least the floor");
        assert_eq!(share(f64::NAN).limits().share, 1.0, "the floor when not a number");
        assert_eq!(share(3.0).limits().share, 3.0);
    }

    #[test]
    fn scaled_limits_run_the_same_course_faster() {
        let limits = PaceLimits { floor: 0.5, ceiling: 8.0, share: 2.0, increase: 0.25, decrease: 0.4 };
        assert_eq!(
            limits.scaled(10.0),
            PaceLimits { floor: 5.0, ceiling: 80.0, share: 20.0, increase: 25.0, decrease: 0.4 }
        );
        // The same throttle, then the same calls: the rate is 10 times higher at each step, each wait 10 times
        // shorter.
        let (mut slow, mut fast) = (Pace::new(limits), Pace::new(limits.scaled(10.0)));
        slow.throttled(Duration::ZERO, Duration::ZERO);
        fast.throttled(Duration::ZERO, Duration::ZERO);
        let (mut t_slow, mut t_fast) = (Duration::ZERO, Duration::ZERO);
        for _ in 0..5 {
            t_slow = slow.ready_at(t_slow);
            t_fast = fast.ready_at(t_fast);
            assert!((t_slow.as_secs_f64() - 10.0 * t_fast.as_secs_f64()).abs() < 1e-6, "{t_slow:?} {t_fast:?}");
            slow.grant(t_slow);
            fast.grant(t_fast);
            slow.accepted(t_slow);
            fast.accepted(t_fast);
            let (r_slow, r_fast) = (slow.rate().unwrap_or_default(), fast.rate().unwrap_or_default());
            assert!((10.0 * r_slow - r_fast).abs() < 1e-9, "{r_slow} {r_fast}");
        }
    }

    /// Connect's account bucket, as the emulator models it: `burst` tokens refilled at `per_sec`; a throttled
    /// call takes none.
    struct Bucket {
        per_sec: f64,
        burst: f64,
        tokens: f64,
        last: f64,
    }

    impl Bucket {
        fn take(&mut self, now: f64) -> bool {
            self.tokens = (self.tokens + (now - self.last) * self.per_sec).min(self.burst);
            self.last = now;
            let ok = self.tokens >= 1.0;
            if ok {
                self.tokens -= 1.0;
            }
            ok
        }
    }

    /// `environments` execution environments, each with its own pacer, each calling as fast as its pacer lets
    /// it, one call at a time, every call answered 5 ms later, against one bucket of 2/s with a burst of 5, for
    /// 300 s: (calls let through, throttles). At most 605 calls can go through.
    fn saturate(limits: PaceLimits, environments: usize) -> (u32, u32) {
        const LATENCY: f64 = 0.005;
        let mut paces = vec![Pace::new(limits); environments];
        let mut clocks = vec![Duration::ZERO; environments];
        let mut bucket = Bucket { per_sec: 2.0, burst: 5.0, tokens: 5.0, last: 0.0 };
        let (mut accepted, mut throttled) = (0, 0);
        // The environment whose clock is earliest goes next, so the bucket sees calls in the order they are made.
        while let Some((i, &now)) = clocks.iter().enumerate().min_by_key(|&(_, t)| *t)
            && now < secs(300.0)
        {
            let pace = &mut paces[i];
            let ready = pace.ready_at(now);
            if ready > now {
                clocks[i] = ready;
                continue;
            }
            pace.grant(now);
            if bucket.take(now.as_secs_f64()) {
                accepted += 1;
                pace.accepted(now);
            } else {
                throttled += 1;
                pace.throttled(now, now + secs(LATENCY));
            }
            clocks[i] = now + secs(LATENCY);
        }
        (accepted, throttled)
    }

    #[test]
    fn under_a_saturated_quota_one_environment_uses_it_fully_and_politely() {
        let (accepted, throttled) = saturate(PaceLimits::default(), 1);
        assert!(accepted >= 590, "{accepted} calls let through of at most 605");
        assert!(throttled * 10 <= accepted, "{throttled} throttles for {accepted} calls");
    }

    #[test]
    fn the_template_default_of_two_environments_shares_the_quota_politely() {
        let (accepted, throttled) = saturate(PaceLimits::default(), 2);
        assert!(accepted >= 590, "{accepted} calls let through of at most 605");
        assert!(throttled * 4 <= accepted, "{throttled} throttles for {accepted} calls");
    }

    #[test]
    fn unbounded_environments_cannot_be_polite_on_their_own() {
        // Why the reservation: 24 pacers that each see only their own throttles keep the bucket empty, at more
        // than two throttles per call let through.
        let (accepted, throttled) = saturate(PaceLimits::default(), 24);
        assert!(accepted >= 590, "{accepted} calls let through of at most 605");
        assert!(throttled > 2 * accepted, "{throttled} throttles for {accepted} calls");
    }
}
