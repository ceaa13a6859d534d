//! When a request must be answered: the earliest of the Lambda deadline, the template's
//! `ServiceTimeout` and the response URL's expiry — and how much of that the work may use.

use std::time::{Duration, SystemTime};

use super::mode::Mode;

/// Time kept back from the work for the response PUT (and its retries).
pub const MAX_SEND_RESERVE: Duration = Duration::from_secs(3);
/// Time kept back from the PUT so the invocation can still return to the runtime.
pub const RETURN_MARGIN: Duration = Duration::from_millis(150);
/// How long the clean-up after a failure may take at most (docs/protocol.md §7), and so the most the work gives up
/// while a clean-up would need calls: enough for a search to outwait Amazon Connect's search lag (about 30 s,
/// docs/real-connect.md §1) and find the user a `CreateUser` without an answer made.
pub const MAX_SETTLE: Duration = Duration::from_secs(30);

/// Which limit is the binding one, for the timeout reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// The Lambda invocation's deadline.
    Lambda,
    /// The template's `ServiceTimeout`, counted from the start of the request.
    ServiceTimeout,
    /// The response URL's signature expiry.
    UrlExpiry,
}

/// The points in time a request must respect, derived from the binding limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// The work is abandoned, and FAILED sent, at this point.
    pub work: SystemTime,
    /// The PUT (with retries) must be over by this point.
    pub send: SystemTime,
    /// The work's end while a failure would leave a user for the clean-up to find, delete or give back (a
    /// `CreateUser` in flight, above all): a third of the work's budget earlier, at most [`MAX_SETTLE`], so that the
    /// clean-up has that time however late the work ends.
    pub held: SystemTime,
    /// The limit the deadlines derive from: the earliest one.
    pub binding: Limit,
}

/// Computes the deadlines of a request that started at `start`.
///
/// `ServiceTimeout` counts from `signed`, when CloudFormation signed the request (its clock started then,
/// not when Lambda — perhaps after an SNS hop or on a retry — invoked the function); from `start` when the
/// URL carries no signing time, or one later than `start` (a skewed clock must not extend the budget).
pub fn deadlines(
    start: SystemTime,
    lambda: SystemTime,
    service_timeout: Option<Duration>,
    url_expiry: Option<SystemTime>,
    signed: Option<SystemTime>,
) -> Deadlines {
    let counted_from = signed.filter(|t| *t <= start).unwrap_or(start);
    let mut binding = (lambda, Limit::Lambda);
    for candidate in [
        service_timeout.and_then(|t| counted_from.checked_add(t)).map(|t| (t, Limit::ServiceTimeout)),
        url_expiry.map(|t| (t, Limit::UrlExpiry)),
    ]
    .into_iter()
    .flatten()
    {
        if candidate.0 < binding.0 {
            binding = candidate;
        }
    }
    let (hard, limit) = binding;
    let send = hard.checked_sub(RETURN_MARGIN).unwrap_or(hard).max(start);
    // A quarter of the budget, at most MAX_SEND_RESERVE: short budgets (tests, tight ServiceTimeouts) keep most for the work.
    let budget = send.duration_since(start).unwrap_or_default();
    let reserve = (budget / 4).min(MAX_SEND_RESERVE);
    let work = send.checked_sub(reserve).unwrap_or(send).max(start);
    let held_back = (work.duration_since(start).unwrap_or_default() / 3).min(MAX_SETTLE);
    let held = work.checked_sub(held_back).unwrap_or(work).max(start);
    Deadlines { work, send, held, binding: limit }
}

/// Until when a failed request may settle the user it made or took over (docs/protocol.md §7), from `now`: in
/// provider mode nothing is sent afterwards, so up to `send`; in ordinary mode the PUT keeps half of the time kept
/// for it, or half of what is left when less is left. Never more than [`MAX_SETTLE`] from `now`.
pub fn settle_until(now: SystemTime, limits: &Deadlines, mode: Mode) -> SystemTime {
    let end = match mode {
        Mode::Return => limits.send,
        Mode::Respond => {
            let put_half = limits.send.duration_since(limits.work).unwrap_or_default() / 2;
            let left_half = limits.send.duration_since(now).unwrap_or_default() / 2;
            limits.send.checked_sub(put_half.min(left_half)).unwrap_or(limits.send)
        }
    };
    now + end.duration_since(now).unwrap_or_default().min(MAX_SETTLE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_000_000 + seconds)
    }

    #[test]
    fn lambda_deadline_alone() {
        let d = deadlines(at(0), at(300), None, None, None);
        assert_eq!(d.binding, Limit::Lambda);
        assert_eq!(d.send, at(300) - RETURN_MARGIN);
        assert_eq!(d.work, d.send - MAX_SEND_RESERVE);
    }

    #[test]
    fn the_earliest_limit_binds() {
        assert_eq!(
            deadlines(at(0), at(300), Some(Duration::from_secs(60)), Some(at(7200)), None).binding,
            Limit::ServiceTimeout
        );
        assert_eq!(
            deadlines(at(0), at(300), Some(Duration::from_secs(600)), Some(at(100)), None).binding,
            Limit::UrlExpiry
        );
        assert_eq!(
            deadlines(at(0), at(300), Some(Duration::from_secs(600)), Some(at(900)), None).binding,
            Limit::Lambda
        );
    }

    #[test]
    fn limits_that_coincide_name_the_lambda_deadline_first_then_service_timeout() {
        let d = deadlines(at(0), at(300), Some(Duration::from_secs(300)), Some(at(300)), None);
        assert_eq!(d.binding, Limit::Lambda);
        let d = deadlines(at(0), at(900), Some(Duration::from_secs(300)), Some(at(300)), None);
        assert_eq!(d.binding, Limit::ServiceTimeout);
    }

    #[test]
    fn short_budgets_keep_most_time_for_the_work() {
        let d = deadlines(at(0), at(2), None, None, None);
        let budget = d.send.duration_since(at(0)).unwrap_or_default();
        assert_eq!(d.send.duration_since(d.work).unwrap_or_default(), budget / 4);
    }

    #[test]
    fn past_deadlines_never_go_before_the_start() {
        let d = deadlines(at(10), at(5), None, Some(at(1)), None);
        assert_eq!((d.work, d.send), (at(10), at(10)));
    }

    #[test]
    fn service_timeout_counts_from_the_signing_time() {
        let d = deadlines(at(100), at(1000), Some(Duration::from_secs(300)), Some(at(7200)), Some(at(40)));
        assert_eq!(d.binding, Limit::ServiceTimeout);
        assert_eq!(d.send, at(340) - RETURN_MARGIN, "300 s after signing, not after the start");
        let skewed = deadlines(at(100), at(1000), Some(Duration::from_secs(300)), None, Some(at(160)));
        assert_eq!(skewed.send, at(400) - RETURN_MARGIN, "a signing time after the start counts from the start");
        let long_ago = deadlines(at(500), at(1000), Some(Duration::from_secs(300)), None, Some(at(100)));
        assert_eq!(long_ago.work, at(500), "a budget already spent leaves no time for work");
    }

    fn limits(work: u64, send: u64) -> Deadlines {
        Deadlines { work: at(work), send: at(send), held: at(work), binding: Limit::Lambda }
    }

    #[test]
    fn settling_keeps_half_the_time_for_the_put_in_ordinary_mode_only() {
        assert_eq!(settle_until(at(0), &limits(0, 4), Mode::Respond), at(2));
        assert_eq!(settle_until(at(0), &limits(0, 4), Mode::Return), at(4));
        assert_eq!(settle_until(at(0), &limits(0, 900), Mode::Return), at(30), "capped");
        assert_eq!(settle_until(at(0), &limits(0, 900), Mode::Respond), at(30), "capped");
        assert_eq!(settle_until(at(10), &limits(5, 5), Mode::Return), at(10), "no time left, none taken");
        assert_eq!(settle_until(at(10), &limits(5, 5), Mode::Respond), at(10), "no time left, none taken");
    }

    #[test]
    fn work_cut_short_for_a_clean_up_gives_the_clean_up_the_time_up_to_half_the_puts() {
        // Stopped 20 s before the work's end, with 4 s kept for the PUT: the clean-up has 22 s, the PUT 2.
        assert_eq!(settle_until(at(100), &limits(120, 124), Mode::Respond), at(122));
        assert_eq!(settle_until(at(100), &limits(120, 124), Mode::Return), at(124));
        // Never past the cap.
        assert_eq!(settle_until(at(100), &limits(200, 204), Mode::Respond), at(130));
        // Past the work's end, half of what is left.
        assert_eq!(settle_until(at(122), &limits(120, 124), Mode::Respond), at(123));
    }

    #[test]
    fn the_work_is_held_back_by_a_third_of_its_budget_up_to_the_settle_cap() {
        let long = deadlines(at(0), at(900), None, None, None);
        assert_eq!(long.work.duration_since(long.held).unwrap_or_default(), MAX_SETTLE);
        let short = deadlines(at(0), at(10), None, None, None);
        let budget = short.work.duration_since(at(0)).unwrap_or_default();
        assert_eq!(short.work.duration_since(short.held).unwrap_or_default(), budget / 3);
        let spent = deadlines(at(500), at(400), None, None, None);
        assert_eq!(spent.held, at(500), "never before the start");
    }
}
