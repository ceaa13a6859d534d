//! The retry policy of every Connect call: retryable errors are retried with exponential backoff and
//! jitter for as long as the caller waits. The handler bounds the wait with the invocation's deadline.

use std::future::Future;

use tracing::warn;

use super::ports::{Connect, ConnectError};
use crate::core::arn::{InstanceArn, UserArn};
use crate::core::backoff::Backoff;
use crate::core::model::{LiveUser, Proficiencies};
use crate::core::plan::{Call, NewUser};

/// A [`Connect`] that retries its inner client's retryable errors without limit.
///
/// There is no attempt cap on purpose: Connect's per-account rate limits are low, and a stack with many
/// users may be throttled for minutes. Dropping the future (at the handler's deadline) is what stops it.
#[derive(Debug, Clone)]
pub struct Retrying<C> {
    inner: C,
    backoff: Backoff,
}

impl<C: Connect> Retrying<C> {
    /// Retries `inner`'s retryable errors, waiting as `backoff` says between attempts.
    pub fn new(inner: C, backoff: Backoff) -> Self {
        Self { inner, backoff }
    }

    /// The client it wraps.
    pub fn inner(&self) -> &C {
        &self.inner
    }

    async fn retry<T, F, Fut>(&self, mut call: F) -> Result<T, ConnectError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, ConnectError>>,
    {
        let mut attempt: u32 = 0;
        loop {
            match call().await {
                Err(e) if e.is_retryable() => {
                    attempt = attempt.saturating_add(1);
                    let delay = self.backoff.delay(attempt);
                    warn!(
                        operation = e.operation,
                        code = %e.code,
                        message = %e.message,
                        attempt,
                        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        "Connect call failed, retrying"
                    );
                    tokio::time::sleep(delay).await;
                }
                other => return other,
            }
        }
    }
}

impl<C: Connect> Connect for Retrying<C> {
    async fn create_user(&self, user: &NewUser) -> Result<UserArn, ConnectError> {
        self.retry(|| self.inner.create_user(user)).await
    }

    async fn describe_user(&self, user: &UserArn) -> Result<LiveUser, ConnectError> {
        self.retry(|| self.inner.describe_user(user)).await
    }

    async fn list_proficiencies(&self, user: &UserArn) -> Result<Proficiencies, ConnectError> {
        self.retry(|| self.inner.list_proficiencies(user)).await
    }

    async fn find_user(&self, instance: &InstanceArn, username: &str) -> Result<Option<UserArn>, ConnectError> {
        self.retry(|| self.inner.find_user(instance, username)).await
    }

    async fn apply(&self, user: &UserArn, call: &Call) -> Result<(), ConnectError> {
        self.retry(|| self.inner.apply(user, call)).await
    }

    async fn delete_user(&self, user: &UserArn) -> Result<(), ConnectError> {
        self.retry(|| self.inner.delete_user(user)).await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;

    use super::*;
    use crate::app::ports::ErrorKind;
    use crate::core::model::LiveUser;

    const USER: &str = "arn:aws:connect:us-east-1:123456789012:instance/i-1/agent/u-1";

    /// Fails `delete_user` with `kind` for the first `failures` calls, then succeeds.
    struct Flaky {
        kind: ErrorKind,
        failures: u32,
        calls: AtomicU32,
    }

    impl Flaky {
        fn new(kind: ErrorKind, failures: u32) -> Self {
            Self { kind, failures, calls: AtomicU32::new(0) }
        }

        fn fail(&self, operation: &'static str) -> ConnectError {
            ConnectError::new(operation, ErrorKind::Other, "NotInThisTest", "not used by these tests")
        }
    }

    impl Connect for Flaky {
        async fn create_user(&self, _: &NewUser) -> Result<UserArn, ConnectError> {
            Err(self.fail("CreateUser"))
        }
        async fn describe_user(&self, _: &UserArn) -> Result<LiveUser, ConnectError> {
            Err(self.fail("DescribeUser"))
        }
        async fn list_proficiencies(&self, _: &UserArn) -> Result<Proficiencies, ConnectError> {
            Err(self.fail("ListUserProficiencies"))
        }
        async fn find_user(&self, _: &InstanceArn, _: &str) -> Result<Option<UserArn>, ConnectError> {
            Err(self.fail("SearchUsers"))
        }
        async fn apply(&self, _: &UserArn, call: &Call) -> Result<(), ConnectError> {
            Err(self.fail(call.operation()))
        }
        async fn delete_user(&self, _: &UserArn) -> Result<(), ConnectError> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            if n < self.failures {
                Err(ConnectError::new("DeleteUser", self.kind, "Injected", "injected failure"))
            } else {
                Ok(())
            }
        }
    }

    fn quick() -> Backoff {
        Backoff { base: Duration::from_millis(1), cap: Duration::from_millis(2) }
    }

    fn user() -> Result<UserArn, String> {
        UserArn::parse(USER).map_err(|e| e.to_string())
    }

    #[tokio::test]
    async fn retryable_errors_are_retried_until_success() -> Result<(), String> {
        for kind in [ErrorKind::Throttled, ErrorKind::Server, ErrorKind::Network] {
            let retrying = Retrying::new(Flaky::new(kind, 3), quick());
            assert_eq!(retrying.delete_user(&user()?).await, Ok(()), "{kind}");
            assert_eq!(retrying.inner().calls.load(Ordering::SeqCst), 4, "{kind}");
        }
        Ok(())
    }

    #[tokio::test]
    async fn final_errors_are_returned_at_once() -> Result<(), String> {
        for kind in [ErrorKind::NotFound, ErrorKind::Duplicate, ErrorKind::Invalid, ErrorKind::Other] {
            let retrying = Retrying::new(Flaky::new(kind, 1), quick());
            let result = retrying.delete_user(&user()?).await;
            assert_eq!(result.map_err(|e| e.kind), Err(kind));
            assert_eq!(retrying.inner().calls.load(Ordering::SeqCst), 1, "{kind}");
        }
        Ok(())
    }

    #[tokio::test]
    async fn retries_go_on_until_the_caller_gives_up() -> Result<(), String> {
        let retrying = Retrying::new(Flaky::new(ErrorKind::Throttled, u32::MAX), quick());
        let arn = user()?;
        let outcome = tokio::time::timeout(Duration::from_millis(100), retrying.delete_user(&arn)).await;
        assert!(outcome.is_err(), "the call ended by itself: {outcome:?}");
        assert!(retrying.inner().calls.load(Ordering::SeqCst) > 5);
        Ok(())
    }
}
