//! The retry policy of every Connect call (docs/real-connect.md §2 and §5), and the pacing of them all.
//!
//! | error | reads | writes |
//! |---|---|---|
//! | throttled | retried | retried: a throttled request was not executed |
//! | server error, lost request | retried | returned at once |
//! | quota (`LimitExceededException`) | a short grace, then returned | the same |
//! | anything else | returned at once | returned at once |
//!
//! A write that met a server error or lost its connection may have committed all the same; repeated blindly,
//! it can fail for its own reasons (a second `AssociateUserProficiencies` of the same attribute is refused), so
//! the lifecycle re-reads the user and re-plans instead. Retries go on for as long as the caller waits: the
//! handler bounds the wait with the invocation's deadline. Every attempt, retries included, first waits for a
//! permit of the [`Pacer`] the execution environment shares.

use std::collections::BTreeSet;
use std::future::Future;

use tracing::warn;

use super::pacer::Pacer;
use super::ports::{Connect, ConnectError, ErrorKind};
use crate::core::arn::{InstanceArn, ResourceArn, TrafficDistributionGroupArn, UserArn};
use crate::core::backoff::Backoff;
use crate::core::model::{InstanceInfo, LiveUser, Proficiencies};
use crate::core::names::NameKind;
use crate::core::plan::{Call, NewUser};

/// How many times a quota error is tried again before it is returned: a quota that frees up within seconds
/// (another stack's Delete finishing) is worth the wait, one that does not is the caller's to report.
pub const QUOTA_RETRIES: u32 = 2;

/// The quota retries wait as the transient retries number `QUOTA_BACKOFF_FROM + 1` onwards do: with the
/// production backoff, up to 0.8 s and then 1.6 s, a grace of seconds at most.
const QUOTA_BACKOFF_FROM: u32 = 2;

/// Whether a call only reads (and may be repeated freely) or changes the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Read,
    Write,
}

/// What the policy makes of an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Policy {
    /// Tried again, without limit.
    Retry,
    /// Tried again at most [`QUOTA_RETRIES`] times.
    Grace,
    /// Returned to the caller.
    Final,
}

fn policy(access: Access, kind: ErrorKind) -> Policy {
    match (kind, access) {
        (ErrorKind::Throttled, _) => Policy::Retry,
        (ErrorKind::Server | ErrorKind::Network, Access::Read) => Policy::Retry,
        (ErrorKind::Server | ErrorKind::Network, Access::Write) => Policy::Final,
        (ErrorKind::Quota, _) => Policy::Grace,
        (
            ErrorKind::NotFound
            | ErrorKind::Duplicate
            | ErrorKind::AccessDenied
            | ErrorKind::Invalid
            | ErrorKind::Other,
            _,
        ) => Policy::Final,
    }
}

/// A [`Connect`] that paces its inner client's calls and retries their errors as the table above says.
///
/// There is no attempt cap on transient errors on purpose: Connect's per-account rate limits are low, and a
/// stack with many users may be throttled for minutes. Dropping the future (at the handler's deadline) is what
/// stops it.
#[derive(Debug, Clone)]
pub struct Retrying<C> {
    inner: C,
    backoff: Backoff,
    pacer: Pacer,
}

impl<C: Connect> Retrying<C> {
    /// Retries `inner`'s errors, waiting as `backoff` says between attempts, paced by a pacer of its own.
    pub fn new(inner: C, backoff: Backoff) -> Self {
        Self { inner, backoff, pacer: Pacer::default() }
    }

    /// Paced by `pacer` instead, which others may share: the execution environment's one pacer.
    pub fn with_pacer(mut self, pacer: Pacer) -> Self {
        self.pacer = pacer;
        self
    }

    /// The client it wraps.
    pub fn inner(&self) -> &C {
        &self.inner
    }

    /// The pacer its calls wait for.
    pub fn pacer(&self) -> &Pacer {
        &self.pacer
    }

    async fn retry<T, F, Fut>(&self, access: Access, mut call: F) -> Result<T, ConnectError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, ConnectError>>,
    {
        let (mut attempt, mut quota_retries): (u32, u32) = (0, 0);
        loop {
            let permit = self.pacer.permit().await;
            let result = call().await;
            match &result {
                Err(e) if e.kind == ErrorKind::Throttled => self.pacer.throttled(permit),
                // The request may never have reached the rate limit: no sign either way.
                Err(e) if matches!(e.kind, ErrorKind::Server | ErrorKind::Network) => {}
                _ => self.pacer.accepted(permit),
            }
            let Err(e) = result else { return result };
            let delay = match policy(access, e.kind) {
                Policy::Retry => {
                    attempt = attempt.saturating_add(1);
                    self.backoff.delay(attempt)
                }
                Policy::Grace if quota_retries < QUOTA_RETRIES => {
                    quota_retries += 1;
                    self.backoff.delay(QUOTA_BACKOFF_FROM + quota_retries)
                }
                Policy::Grace | Policy::Final => return Err(e),
            };
            warn!(
                operation = e.operation,
                code = %e.code,
                message = %e.message,
                attempt = attempt + quota_retries,
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                "Connect call failed, retrying"
            );
            tokio::time::sleep(delay).await;
        }
    }
}

impl<C: Connect> Connect for Retrying<C> {
    async fn create_user(&self, user: &NewUser) -> Result<UserArn, ConnectError> {
        self.retry(Access::Write, || self.inner.create_user(user)).await
    }

    async fn describe_user(&self, user: &UserArn) -> Result<LiveUser, ConnectError> {
        self.retry(Access::Read, || self.inner.describe_user(user)).await
    }

    async fn list_proficiencies(&self, user: &UserArn) -> Result<Proficiencies, ConnectError> {
        self.retry(Access::Read, || self.inner.list_proficiencies(user)).await
    }

    async fn find_user(&self, instance: &InstanceArn, username: &str) -> Result<Option<UserArn>, ConnectError> {
        self.retry(Access::Read, || self.inner.find_user(instance, username)).await
    }

    async fn apply(&self, user: &UserArn, call: &Call) -> Result<(), ConnectError> {
        self.retry(Access::Write, || self.inner.apply(user, call)).await
    }

    async fn delete_user(&self, user: &UserArn) -> Result<(), ConnectError> {
        self.retry(Access::Write, || self.inner.delete_user(user)).await
    }

    async fn describe_instance(&self, instance: &InstanceArn) -> Result<InstanceInfo, ConnectError> {
        self.retry(Access::Read, || self.inner.describe_instance(instance)).await
    }

    async fn find_named(
        &self,
        instance: &InstanceArn,
        kind: NameKind,
        name: &str,
    ) -> Result<Vec<(String, ResourceArn)>, ConnectError> {
        self.retry(Access::Read, || self.inner.find_named(instance, kind, name)).await
    }

    async fn list_named(
        &self,
        instance: &InstanceArn,
        kind: NameKind,
    ) -> Result<Vec<(String, ResourceArn)>, ConnectError> {
        self.retry(Access::Read, || self.inner.list_named(instance, kind)).await
    }

    async fn group_status(&self, group: &TrafficDistributionGroupArn) -> Result<String, ConnectError> {
        self.retry(Access::Read, || self.inner.group_status(group)).await
    }

    async fn group_users(&self, group: &TrafficDistributionGroupArn) -> Result<BTreeSet<String>, ConnectError> {
        self.retry(Access::Read, || self.inner.group_users(group)).await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;

    use super::*;
    use crate::core::model::{LiveUser, Tags};
    use crate::core::pace::PaceLimits;

    const USER: &str = "arn:aws:connect:us-east-1:123456789012:instance/i-1/agent/u-1";
    const INSTANCE: &str = "arn:aws:connect:us-east-1:123456789012:instance/i-1";

    /// Fails its first `failures` calls (of any operation) with `kind`, then succeeds.
    struct Flaky {
        kind: ErrorKind,
        failures: u32,
        calls: AtomicU32,
    }

    impl Flaky {
        fn new(kind: ErrorKind, failures: u32) -> Self {
            Self { kind, failures, calls: AtomicU32::new(0) }
        }

        fn outcome(&self, operation: &'static str) -> Result<(), ConnectError> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            if n < self.failures {
                Err(ConnectError::new(operation, self.kind, "Injected", "injected failure"))
            } else {
                Ok(())
            }
        }

        fn unused(operation: &'static str) -> ConnectError {
            ConnectError::new(operation, ErrorKind::Other, "NotInThisTest", "not used by these tests")
        }
    }

    impl Connect for Flaky {
        async fn create_user(&self, _: &NewUser) -> Result<UserArn, ConnectError> {
            Err(Self::unused("CreateUser"))
        }
        async fn describe_user(&self, _: &UserArn) -> Result<LiveUser, ConnectError> {
            Err(Self::unused("DescribeUser"))
        }
        async fn list_proficiencies(&self, _: &UserArn) -> Result<Proficiencies, ConnectError> {
            self.outcome("ListUserProficiencies").map(|()| Proficiencies::new())
        }
        async fn find_user(&self, _: &InstanceArn, _: &str) -> Result<Option<UserArn>, ConnectError> {
            self.outcome("SearchUsers").map(|()| None)
        }
        async fn apply(&self, _: &UserArn, call: &Call) -> Result<(), ConnectError> {
            self.outcome(call.operation())
        }
        async fn delete_user(&self, _: &UserArn) -> Result<(), ConnectError> {
            self.outcome("DeleteUser")
        }
        async fn describe_instance(&self, _: &InstanceArn) -> Result<InstanceInfo, ConnectError> {
            self.outcome("DescribeInstance").map(|()| InstanceInfo { identity_management: None })
        }
        async fn find_named(
            &self,
            _: &InstanceArn,
            _: NameKind,
            _: &str,
        ) -> Result<Vec<(String, ResourceArn)>, ConnectError> {
            self.outcome("SearchRoutingProfiles").map(|()| Vec::new())
        }
        async fn list_named(&self, _: &InstanceArn, _: NameKind) -> Result<Vec<(String, ResourceArn)>, ConnectError> {
            Err(Self::unused("SearchRoutingProfiles"))
        }
        async fn group_status(&self, _: &TrafficDistributionGroupArn) -> Result<String, ConnectError> {
            Err(Self::unused("DescribeTrafficDistributionGroup"))
        }
        async fn group_users(&self, _: &TrafficDistributionGroupArn) -> Result<BTreeSet<String>, ConnectError> {
            self.outcome("ListTrafficDistributionGroupUsers").map(|()| BTreeSet::new())
        }
    }

    fn quick() -> Backoff {
        Backoff { base: Duration::from_millis(1), cap: Duration::from_millis(2) }
    }

    /// A pacer that never holds these tests up: even its floor is a thousand calls a second.
    fn brisk() -> Pacer {
        Pacer::new(PaceLimits { floor: 1000.0, ceiling: 100_000.0, share: 50_000.0, increase: 1000.0, decrease: 0.5 })
    }

    fn retrying(kind: ErrorKind, failures: u32) -> Retrying<Flaky> {
        Retrying::new(Flaky::new(kind, failures), quick()).with_pacer(brisk())
    }

    fn calls(retrying: &Retrying<Flaky>) -> u32 {
        retrying.inner().calls.load(Ordering::SeqCst)
    }

    fn user() -> Result<UserArn, String> {
        UserArn::parse(USER).map_err(|e| e.to_string())
    }

    fn instance() -> Result<InstanceArn, String> {
        InstanceArn::parse(INSTANCE).map_err(|e| e.to_string())
    }

    const TRANSIENT: [ErrorKind; 3] = [ErrorKind::Throttled, ErrorKind::Server, ErrorKind::Network];
    const FINAL: [ErrorKind; 5] =
        [ErrorKind::NotFound, ErrorKind::Duplicate, ErrorKind::AccessDenied, ErrorKind::Invalid, ErrorKind::Other];

    #[test]
    fn the_policy_table() {
        for access in [Access::Read, Access::Write] {
            assert_eq!(policy(access, ErrorKind::Throttled), Policy::Retry, "{access:?}");
            assert_eq!(policy(access, ErrorKind::Quota), Policy::Grace, "{access:?}");
            for kind in FINAL {
                assert_eq!(policy(access, kind), Policy::Final, "{access:?} {kind}");
            }
        }
        for kind in [ErrorKind::Server, ErrorKind::Network] {
            assert_eq!(policy(Access::Read, kind), Policy::Retry, "{kind}");
            assert_eq!(policy(Access::Write, kind), Policy::Final, "{kind}");
        }
    }

    #[tokio::test]
    async fn reads_retry_transient_errors_until_success() -> Result<(), String> {
        for kind in TRANSIENT {
            let r = retrying(kind, 3);
            assert_eq!(r.list_proficiencies(&user()?).await, Ok(Proficiencies::new()), "{kind}");
            assert_eq!(calls(&r), 4, "{kind}");
            let r = retrying(kind, 3);
            assert_eq!(r.find_user(&instance()?, "john.doe").await, Ok(None), "{kind}");
            assert_eq!(calls(&r), 4, "{kind}");
            let r = retrying(kind, 3);
            let described = r.describe_instance(&instance()?).await;
            assert_eq!(described, Ok(InstanceInfo { identity_management: None }), "{kind}");
            assert_eq!(calls(&r), 4, "{kind}");
        }
        Ok(())
    }

    #[tokio::test]
    async fn writes_retry_throttles_until_success() -> Result<(), String> {
        let r = retrying(ErrorKind::Throttled, 3);
        assert_eq!(r.delete_user(&user()?).await, Ok(()));
        assert_eq!(calls(&r), 4);
        let r = retrying(ErrorKind::Throttled, 3);
        assert_eq!(r.apply(&user()?, &Call::Tag(Tags::new())).await, Ok(()));
        assert_eq!(calls(&r), 4);
        Ok(())
    }

    /// A write that met a server error or a lost connection may have committed: it is the lifecycle's to
    /// re-read and re-plan, never repeated here.
    #[tokio::test]
    async fn writes_are_not_repeated_after_a_server_error_or_a_lost_request() -> Result<(), String> {
        for kind in [ErrorKind::Server, ErrorKind::Network] {
            let r = retrying(kind, 1);
            assert_eq!(r.delete_user(&user()?).await.map_err(|e| e.kind), Err(kind));
            assert_eq!(calls(&r), 1, "{kind}");
            let r = retrying(kind, 1);
            assert_eq!(r.apply(&user()?, &Call::Tag(Tags::new())).await.map_err(|e| e.kind), Err(kind));
            assert_eq!(calls(&r), 1, "{kind}");
        }
        Ok(())
    }

    #[tokio::test]
    async fn final_errors_are_returned_at_once() -> Result<(), String> {
        for kind in FINAL {
            let r = retrying(kind, 1);
            assert_eq!(r.delete_user(&user()?).await.map_err(|e| e.kind), Err(kind));
            assert_eq!(calls(&r), 1, "{kind}");
            let r = retrying(kind, 1);
            assert_eq!(r.list_proficiencies(&user()?).await.map_err(|e| e.kind), Err(kind));
            assert_eq!(calls(&r), 1, "{kind}");
        }
        Ok(())
    }

    #[tokio::test]
    async fn a_quota_gets_a_short_grace_then_is_returned() -> Result<(), String> {
        let r = retrying(ErrorKind::Quota, u32::MAX);
        assert_eq!(r.delete_user(&user()?).await.map_err(|e| e.kind), Err(ErrorKind::Quota));
        assert_eq!(calls(&r), 1 + QUOTA_RETRIES);
        // A quota that frees up within the grace is as good as none.
        let r = retrying(ErrorKind::Quota, QUOTA_RETRIES);
        assert_eq!(r.delete_user(&user()?).await, Ok(()));
        assert_eq!(calls(&r), 1 + QUOTA_RETRIES);
        Ok(())
    }

    #[tokio::test]
    async fn retries_go_on_until_the_caller_gives_up() -> Result<(), String> {
        let arn = user()?;
        let throttled = retrying(ErrorKind::Throttled, u32::MAX);
        let outcome = tokio::time::timeout(Duration::from_millis(100), throttled.delete_user(&arn)).await;
        assert!(outcome.is_err(), "the call ended by itself: {outcome:?}");
        assert!(calls(&throttled) > 5);
        let failing = retrying(ErrorKind::Server, u32::MAX);
        let outcome = tokio::time::timeout(Duration::from_millis(100), failing.list_proficiencies(&arn)).await;
        assert!(outcome.is_err(), "the call ended by itself: {outcome:?}");
        Ok(())
    }

    #[tokio::test]
    async fn throttles_slow_every_client_sharing_the_pacer() -> Result<(), String> {
        let pacer = brisk();
        let throttled = Retrying::new(Flaky::new(ErrorKind::Throttled, 1), quick()).with_pacer(pacer.clone());
        let bystander = Retrying::new(Flaky::new(ErrorKind::Throttled, 0), quick()).with_pacer(pacer.clone());
        assert_eq!(bystander.pacer().rate(), None);
        // Throttled once, then let through: the rate is the share, and a little more for the success.
        assert_eq!(throttled.delete_user(&user()?).await, Ok(()));
        let paced = bystander.pacer().rate();
        assert!(paced.is_some_and(|r| (50_000.0..50_001.0).contains(&r)), "{paced:?}");
        // Errors that say nothing of the rate limit leave the rate alone; answers earn it back.
        let server = Retrying::new(Flaky::new(ErrorKind::Server, 1), quick()).with_pacer(pacer.clone());
        assert!(server.delete_user(&user()?).await.is_err());
        assert_eq!(pacer.rate(), paced);
        assert_eq!(bystander.delete_user(&user()?).await, Ok(()));
        assert!(pacer.rate() > paced, "{:?}", pacer.rate());
        Ok(())
    }
}
