//! How patient the lifecycle is with Amazon Connect's eventual consistency (docs/real-connect.md §1–§2): the
//! windows, and the repeats within one. Every window ends a little before the request's deadline, so that its
//! end is reported in its own words rather than as a timeout.

use std::future::Future;
use std::time::{Duration, SystemTime};

use tokio::time::Instant;
use tracing::info;

use crate::core::backoff::Backoff;
use crate::core::connect_error::{ConnectError, ErrorKind};

/// How long the lifecycle waits out Amazon Connect's eventual consistency, and how often it plans again after a
/// write that may have committed (docs/real-connect.md §1–§2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Windows {
    /// How long after `CreateUser` the user it made (or the user holding the name it found taken) may stay
    /// invisible: calls on it that answer not-found, and a lookup by name that finds nothing, are repeated.
    pub visibility: Duration,
    /// How long a Delete's not-found must persist before the user counts as gone.
    pub gone: Duration,
    /// The pauses between the repeats of both windows.
    pub pause: Backoff,
    /// How many times a write that failed and may have committed is followed by reading the user again and
    /// planning again (or, for `CreateUser`, by repeating it) before the failure is final.
    pub replans: u32,
    /// How long validation waits for `DescribeInstance` before going on without the identity-management rules.
    pub describe_instance: Duration,
}

impl Default for Windows {
    /// What real Connect needs: a new user is normally visible within seconds (search lags longest), and the
    /// Delete right after a failed Create must not mistake a lagging user for a gone one.
    fn default() -> Self {
        Self {
            visibility: Duration::from_secs(30),
            gone: Duration::from_secs(10),
            pause: Backoff { base: Duration::from_millis(500), cap: Duration::from_secs(4) },
            replans: 3,
            describe_instance: Duration::from_secs(10),
        }
    }
}

/// A window's end is kept this far from the deadline.
const WINDOW_MARGIN: Duration = Duration::from_secs(2);

/// The end of a window of `window` starting now, kept [`WINDOW_MARGIN`] before `deadline`.
pub(super) fn window_end(window: Duration, deadline: SystemTime) -> Instant {
    let left = deadline.duration_since(SystemTime::now()).unwrap_or_default();
    Instant::now() + window.min(left.saturating_sub(WINDOW_MARGIN))
}

/// The repeats of one window.
pub(super) struct Patience {
    until: Instant,
    pause: Backoff,
    attempt: u32,
}

impl Patience {
    /// Repeats until `until`, pausing as `pause` says.
    pub(super) fn new(until: Instant, pause: Backoff) -> Self {
        Self { until, pause, attempt: 0 }
    }

    /// Pauses before the next repeat and says `true`; says `false` at once when the window is over.
    pub(super) async fn wait(&mut self) -> bool {
        let now = Instant::now();
        if now >= self.until {
            return false;
        }
        self.attempt = self.attempt.saturating_add(1);
        tokio::time::sleep(self.pause.delay(self.attempt).min(self.until - now)).await;
        true
    }
}

/// Runs `call` on a user; when the user is new (`visible_by` holds the end of its visibility window), a not-found
/// is repeated until the window ends, as the lag of a new user rather than its absence (docs/real-connect.md §1).
pub(super) async fn patiently<T, F, Fut>(
    visible_by: Option<Instant>,
    pause: Backoff,
    mut call: F,
) -> Result<T, ConnectError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ConnectError>>,
{
    let mut patience = visible_by.map(|until| Patience::new(until, pause));
    loop {
        let e = match call().await {
            Err(e) if e.kind == ErrorKind::NotFound => e,
            other => return other,
        };
        let Some(patience) = &mut patience else { return Err(e) };
        if !patience.wait().await {
            return Err(e);
        }
        info!(error = %e, "not found yet: a new user can take seconds to become visible; trying again");
    }
}
