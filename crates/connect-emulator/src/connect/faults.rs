//! Test controls around the store: per-operation latency, queued faults ("fail the next N calls of X", including
//! "commit, then fail"), operations denied by IAM, an account-wide token bucket answering `ThrottlingException`,
//! and the call log.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::error::ErrorCode;
use super::routes::Operation;

/// What an injected fault does to one call.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Answer this error with Connect's default message for it; for [`ErrorCode::AccessDenied`], IAM's message
    /// naming the caller, the action (`connect:<Operation>`) and the resource.
    Error(ErrorCode),
    /// Answer this error with this message.
    ErrorWithMessage(ErrorCode, String),
    /// Close the connection without a complete HTTP response.
    DropConnection,
    /// Never answer (until the client gives up or the emulator stops).
    Hang,
    /// Process the call as usual (a write takes effect), then answer this error instead of the real answer, as
    /// when Connect fails after its commit.
    CommitThenError(ErrorCode),
    /// Process the call as usual (a write takes effect), then drop the connection with a TCP reset instead of
    /// answering, as when the network fails after Connect's commit.
    CommitThenDrop,
    /// Process the call as usual (a write takes effect), then never answer: the caller's deadline cuts it off
    /// with the write done and its answer unknown.
    CommitThenHang,
}

/// One call as the emulator saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct CallRecord {
    /// The Connect operation name, e.g. `"CreateUser"`; `"Unknown"` for a request no operation matches.
    pub operation: String,
    /// The HTTP status answered; 0 when the connection was dropped or the call hung.
    pub status: u16,
    /// The user the call addressed, as the request named it (id or ARN); for `CreateUser`, the new user's id once
    /// created; for the tag operations, the resource ARN.
    pub user: Option<String>,
    /// The JSON body (with `Password` replaced by `"********"`); for bodiless calls, their query parameters as an
    /// object (`tagKeys` as an array), or `null` when there are none.
    pub body: Value,
}

impl CallRecord {
    /// Whether the operation changes state (everything but Describe, List and Search).
    pub fn is_write(&self) -> bool {
        Operation::is_write(&self.operation)
    }
}

/// A token bucket: `burst` tokens, refilled at `per_sec`.
#[derive(Debug, Clone)]
struct Bucket {
    per_sec: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl Bucket {
    fn new(per_sec: f64, burst: u32) -> Self {
        let burst = f64::from(burst.max(1));
        Self { per_sec: per_sec.max(0.0), burst, tokens: burst, last: Instant::now() }
    }

    fn take(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.per_sec).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[derive(Debug, Default)]
pub struct Control {
    faults: HashMap<String, Vec<(u32, Fault)>>,
    latency: HashMap<String, Duration>,
    denied: HashSet<String>,
    bucket: Option<Bucket>,
    /// Each call, with whether its state change took effect.
    calls: Vec<(CallRecord, bool)>,
    throttled: u64,
}

/// What to do with a call before the store sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Proceed,
    Throttle,
    Fault(Fault),
}

impl Control {
    pub fn fail_next(&mut self, operation: &str, n: u32, fault: Fault) {
        if n > 0 {
            self.faults.entry(operation.to_owned()).or_default().push((n, fault));
        }
    }

    pub fn set_latency(&mut self, operation: &str, latency: Duration) {
        if latency.is_zero() {
            self.latency.remove(operation);
        } else {
            self.latency.insert(operation.to_owned(), latency);
        }
    }

    pub fn latency(&self, operation: &str) -> Option<Duration> {
        self.latency.get(operation).copied()
    }

    pub fn set_denied(&mut self, operation: &str, denied: bool) {
        if denied {
            self.denied.insert(operation.to_owned());
        } else {
            self.denied.remove(operation);
        }
    }

    pub fn set_rate_limit(&mut self, limit: Option<(f64, u32)>) {
        self.bucket = limit.map(|(per_sec, burst)| Bucket::new(per_sec, burst));
    }

    /// Decides the fate of one call of `operation`: the rate limit first (it is account-wide, like Connect's
    /// quotas), then a denial (IAM answers before Connect looks), then the faults queued for that operation,
    /// oldest first.
    pub fn admit(&mut self, operation: &str, now: Instant) -> Verdict {
        if let Some(bucket) = &mut self.bucket
            && !bucket.take(now)
        {
            self.throttled += 1;
            return Verdict::Throttle;
        }
        if self.denied.contains(operation) {
            return Verdict::Fault(Fault::Error(ErrorCode::AccessDenied));
        }
        let Some(queue) = self.faults.get_mut(operation) else { return Verdict::Proceed };
        let Some((remaining, fault)) = queue.first_mut() else { return Verdict::Proceed };
        let fault = fault.clone();
        *remaining -= 1;
        if *remaining == 0 {
            queue.remove(0);
        }
        Verdict::Fault(fault)
    }

    /// Logs a call; a write counts as committed when it was answered with a 2xx.
    pub fn record(&mut self, call: CallRecord) {
        let committed = call.is_write() && (200..300).contains(&call.status);
        self.calls.push((call, committed));
    }

    /// Logs a call whose answer was replaced by a fault after the store processed it.
    pub fn record_after_commit(&mut self, call: CallRecord, committed: bool) {
        self.calls.push((call, committed));
    }

    pub fn calls(&self) -> Vec<CallRecord> {
        self.calls.iter().map(|(call, _)| call.clone()).collect()
    }

    /// The operation names of the writes that took effect, whatever they answered.
    pub fn committed_writes(&self) -> Vec<String> {
        self.calls.iter().filter(|(_, committed)| *committed).map(|(call, _)| call.operation.clone()).collect()
    }

    pub fn clear_calls(&mut self) {
        self.calls.clear();
    }

    pub fn throttled(&self) -> u64 {
        self.throttled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_count_only_their_operation() {
        let mut control = Control::default();
        control.fail_next("CreateUser", 2, Fault::Hang);
        let now = Instant::now();
        assert_eq!(control.admit("DescribeUser", now), Verdict::Proceed);
        assert_eq!(control.admit("CreateUser", now), Verdict::Fault(Fault::Hang));
        assert_eq!(control.admit("CreateUser", now), Verdict::Fault(Fault::Hang));
        assert_eq!(control.admit("CreateUser", now), Verdict::Proceed);
    }

    #[test]
    fn a_denied_operation_stays_denied_until_allowed() {
        let mut control = Control::default();
        control.set_denied("DescribeInstance", true);
        let now = Instant::now();
        let denied = Verdict::Fault(Fault::Error(ErrorCode::AccessDenied));
        assert_eq!(control.admit("DescribeInstance", now), denied);
        assert_eq!(control.admit("DescribeInstance", now), denied);
        assert_eq!(control.admit("DescribeUser", now), Verdict::Proceed);
        control.set_denied("DescribeInstance", false);
        assert_eq!(control.admit("DescribeInstance", now), Verdict::Proceed);
    }

    #[test]
    fn bucket_refills() {
        let mut control = Control::default();
        control.set_rate_limit(Some((1.0, 2)));
        let start = Instant::now();
        assert_eq!(control.admit("X", start), Verdict::Proceed);
        assert_eq!(control.admit("X", start), Verdict::Proceed);
        assert_eq!(control.admit("X", start), Verdict::Throttle);
        assert_eq!(control.admit("X", start + Duration::from_millis(1100)), Verdict::Proceed);
        assert_eq!(control.throttled(), 1);
    }
}
