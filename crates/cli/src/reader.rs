//! The only way this tool reaches Amazon Connect: [`ReadOnly`], which holds the function's Connect adapter behind
//! its retry and pacing wrapper and exposes reads alone (`DescribeInstance`, `ListUsers`, `SearchUsers`,
//! `DescribeUser`, `ListUserProficiencies`; the searches of profiles and hierarchy groups by name; the traffic
//! distribution groups and their users). No write can be sent from this crate: the client that could send one
//! is a private field, and no method here hands it out.
//!
//! Every call waits for a permit of one [`Pacer`], the function's adaptive (AIMD) pacer: calls go unpaced until
//! Connect first throttles, then at a rate that backs off on each throttle and earns its way back, so a survey of a
//! large instance leaves the account's quota to the contact centre's own integrations.
//!
//! Throttles, server errors and lost connections are retried — each retry a warning on stderr — but no call is
//! retried past its time limit ([`ReadOnly::with_call_limit`]): a mistyped region or an endpoint that keeps failing
//! ends in an error that says so, never in a silent loop.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use std::collections::BTreeSet;

use cfn_connect_user::adapters::{GroupSummary, SdkConnect, UsersPage};
use cfn_connect_user::app::{Connect, ConnectError, ErrorKind, NameCache, Pacer, Retrying};
use cfn_connect_user::core::arn::{InstanceArn, ResourceArn, TrafficDistributionGroupArn, UserArn};
use cfn_connect_user::core::backoff::Backoff;
use cfn_connect_user::core::model::{InstanceInfo, LiveUser, Proficiencies};
use cfn_connect_user::core::names::{Found, NameKind, Wanted};

/// How many times a quota error (`LimitExceededException`) of `ListUsers` is tried again, as the function's retry
/// policy does for its own calls.
const QUOTA_RETRIES: u32 = 2;

/// How long one read may take by default, its retries included.
pub const CALL_LIMIT: Duration = Duration::from_secs(120);

/// Read-only access to Connect, paced and retried. Cheap to clone: clones share the client, the pacer and the
/// call count.
#[derive(Debug, Clone)]
pub struct ReadOnly {
    connect: Retrying<SdkConnect>,
    backoff: Backoff,
    calls: Arc<AtomicU64>,
    limit: Duration,
    /// The names resolved in this run, as the function keeps them in an execution environment.
    names: Arc<NameCache>,
}

impl ReadOnly {
    /// Reads through `sdk`, pacing every call with `pacer` and waiting between retries as `backoff` says.
    pub fn new(sdk: SdkConnect, pacer: Pacer, backoff: Backoff) -> Self {
        Self {
            connect: Retrying::new(sdk, backoff).with_pacer(pacer),
            backoff,
            calls: Arc::default(),
            limit: CALL_LIMIT,
            names: Arc::default(),
        }
    }

    /// Gives up on a read, retries included, after `limit` ([`CALL_LIMIT`] by default).
    pub fn with_call_limit(mut self, limit: Duration) -> Self {
        self.limit = limit;
        self
    }

    /// `call`, given up after the limit with an error that says why it may have failed.
    async fn limited<T>(
        &self,
        operation: &'static str,
        call: impl Future<Output = Result<T, ConnectError>>,
    ) -> Result<T, ConnectError> {
        tokio::time::timeout(self.limit, call).await.unwrap_or_else(|_| {
            Err(ConnectError::new(
                operation,
                ErrorKind::Network,
                "NoAnswer",
                format!(
                    "no answer within {} s, retries included (the warnings above show each failure); check the \
                     instance ARN's region, the network and the credentials, or raise --call-timeout",
                    self.limit.as_secs()
                ),
            ))
        })
    }

    /// How many Connect operations were asked for so far (a retried call counts once).
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// The pacer's rate now, calls per second; `None` while calls are not paced.
    pub fn rate(&self) -> Option<f64> {
        self.connect.pacer().rate()
    }

    fn count(&self, n: u64) {
        self.calls.fetch_add(n, Ordering::Relaxed);
    }

    /// `DescribeInstance`.
    pub async fn describe_instance(&self, instance: &InstanceArn) -> Result<InstanceInfo, ConnectError> {
        self.count(1);
        self.limited("DescribeInstance", self.connect.describe_instance(instance)).await
    }

    /// `SearchUsers` for the user whose username is exactly `username`.
    pub async fn find_user(&self, instance: &InstanceArn, username: &str) -> Result<Option<UserArn>, ConnectError> {
        self.count(1);
        self.limited("SearchUsers", self.connect.find_user(instance, username)).await
    }

    /// `DescribeUser`, and `ListUserProficiencies` when `proficiencies` (otherwise they stay `None`).
    pub async fn read_user(&self, user: &UserArn, proficiencies: bool) -> Result<LiveUser, ConnectError> {
        self.count(1);
        let mut live = self.limited("DescribeUser", self.connect.describe_user(user)).await?;
        if proficiencies {
            self.count(1);
            live.proficiencies =
                Some(self.limited("ListUserProficiencies", self.connect.list_proficiencies(user)).await?);
        }
        Ok(live)
    }

    /// What `wanted` names in `instance`, resolved as the function resolves it (Connect's search, exact names, the
    /// closest ones on a miss), once per run. A name answered from this run's cache is no call.
    pub async fn resolve(&self, instance: &InstanceArn, wanted: &Wanted) -> Result<Found, ConnectError> {
        let resolved =
            self.limited(search_of(wanted.kind), self.names.resolve_noting(&self.connect, instance, wanted)).await;
        match resolved {
            Ok((found, true)) => Ok(found),
            Ok((found, false)) => {
                // A miss also listed the names, for the closest ones.
                self.count(if matches!(found, Found::Nothing { .. }) { 2 } else { 1 });
                Ok(found)
            }
            Err(e) => {
                self.count(1);
                Err(e)
            }
        }
    }

    /// Every `(name, ARN)` of `kind` in `instance` (for hierarchy groups, every `(path, ARN)`).
    pub async fn all_named(
        &self,
        instance: &InstanceArn,
        kind: NameKind,
    ) -> Result<Vec<(String, ResourceArn)>, ConnectError> {
        self.count(1);
        self.limited(search_of(kind), self.connect.list_named(instance, kind)).await
    }

    /// `DescribeTrafficDistributionGroup`: the group's status.
    pub async fn group_status(&self, group: &TrafficDistributionGroupArn) -> Result<String, ConnectError> {
        self.count(1);
        self.limited("DescribeTrafficDistributionGroup", self.connect.group_status(group)).await
    }

    /// `ListTrafficDistributionGroupUsers`, every page: the ids of the group's users.
    pub async fn group_users(&self, group: &TrafficDistributionGroupArn) -> Result<BTreeSet<String>, ConnectError> {
        self.count(1);
        self.limited("ListTrafficDistributionGroupUsers", self.connect.group_users(group)).await
    }

    /// `ListTrafficDistributionGroups` of `instance`: the groups its users can be in.
    pub async fn groups_of(&self, instance: &InstanceArn) -> Result<Vec<GroupSummary>, ConnectError> {
        self.count(1);
        self.limited("ListTrafficDistributionGroups", self.retry_read(|| self.connect.inner().list_groups(instance)))
            .await
    }

    /// `ListUserProficiencies`, every page.
    pub async fn proficiencies(&self, user: &UserArn) -> Result<Proficiencies, ConnectError> {
        self.count(1);
        self.limited("ListUserProficiencies", self.connect.list_proficiencies(user)).await
    }

    /// One page of `ListUsers`, paced and retried as the function retries its reads: throttles, server errors and
    /// lost connections until they pass, a quota error a short grace.
    pub async fn list_users_page(
        &self,
        instance: &InstanceArn,
        next_token: Option<String>,
    ) -> Result<UsersPage, ConnectError> {
        self.count(1);
        self.limited(
            "ListUsers",
            self.retry_read(|| self.connect.inner().list_users_page(instance, next_token.clone())),
        )
        .await
    }

    /// `call`, a read the port does not wrap (the survey's own: `ListUsers`, `ListTrafficDistributionGroups`), paced
    /// and retried as the function retries its reads: throttles, server errors and lost connections until they
    /// pass, a quota error a short grace.
    async fn retry_read<T, F, Fut>(&self, mut call: F) -> Result<T, ConnectError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, ConnectError>>,
    {
        let pacer = self.connect.pacer();
        let (mut attempt, mut quota_retries) = (0u32, 0u32);
        loop {
            let permit = pacer.permit().await;
            let error = match call().await {
                Ok(answer) => {
                    pacer.accepted(permit);
                    return Ok(answer);
                }
                Err(e) => e,
            };
            match error.kind {
                ErrorKind::Throttled => pacer.throttled(permit),
                ErrorKind::Server | ErrorKind::Network => {
                    tracing::warn!(operation = error.operation, code = %error.code, message = %error.message,
                        "Connect call failed, retrying");
                }
                ErrorKind::Quota if quota_retries < QUOTA_RETRIES => {
                    pacer.accepted(permit);
                    quota_retries += 1;
                }
                _ => return Err(error),
            }
            attempt = attempt.saturating_add(1);
            tokio::time::sleep(self.backoff.delay(attempt)).await;
        }
    }

    /// Every user of `instance`, page after page, `on_page` told the running count.
    pub async fn list_users(
        &self,
        instance: &InstanceArn,
        mut on_page: impl FnMut(usize),
    ) -> Result<Vec<cfn_connect_user::adapters::UserSummary>, ConnectError> {
        let mut users = Vec::new();
        let mut token = None;
        loop {
            let page = self.list_users_page(instance, token.take()).await?;
            users.extend(page.users);
            on_page(users.len());
            match page.next_token {
                Some(next) => token = Some(next),
                None => return Ok(users),
            }
        }
    }
}

/// The search that finds names of `kind`.
fn search_of(kind: NameKind) -> &'static str {
    match kind {
        NameKind::RoutingProfile => "SearchRoutingProfiles",
        NameKind::SecurityProfile => "SearchSecurityProfiles",
        NameKind::HierarchyGroup => "SearchUserHierarchyGroups",
    }
}
