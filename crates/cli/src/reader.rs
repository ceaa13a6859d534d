//! The only way this tool reaches Amazon Connect: [`ReadOnly`], which holds the function's Connect adapter behind
//! its retry and pacing wrapper and exposes reads alone (`DescribeInstance`, `ListUsers`, `SearchUsers`,
//! `DescribeUser`, `ListUserProficiencies`). No write can be sent from this crate: the client that could send one
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

use cfn_connect_user::adapters::{SdkConnect, UsersPage};
use cfn_connect_user::app::{Connect, ConnectError, ErrorKind, Pacer, Retrying};
use cfn_connect_user::core::arn::{InstanceArn, UserArn};
use cfn_connect_user::core::backoff::Backoff;
use cfn_connect_user::core::model::{InstanceInfo, LiveUser, Proficiencies};

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
}

impl ReadOnly {
    /// Reads through `sdk`, pacing every call with `pacer` and waiting between retries as `backoff` says.
    pub fn new(sdk: SdkConnect, pacer: Pacer, backoff: Backoff) -> Self {
        Self {
            connect: Retrying::new(sdk, backoff).with_pacer(pacer),
            backoff,
            calls: Arc::default(),
            limit: CALL_LIMIT,
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
        self.limited("ListUsers", self.list_users_page_unlimited(instance, next_token)).await
    }

    async fn list_users_page_unlimited(
        &self,
        instance: &InstanceArn,
        next_token: Option<String>,
    ) -> Result<UsersPage, ConnectError> {
        let pacer = self.connect.pacer();
        let (mut attempt, mut quota_retries) = (0u32, 0u32);
        loop {
            let permit = pacer.permit().await;
            let result = self.connect.inner().list_users_page(instance, next_token.clone()).await;
            let error = match result {
                Ok(page) => {
                    pacer.accepted(permit);
                    return Ok(page);
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
