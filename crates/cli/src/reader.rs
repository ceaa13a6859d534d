//! The only way this tool reaches Amazon Connect: [`ReadOnly`], which holds the function's Connect adapter behind
//! its retry and pacing wrapper and exposes reads alone (`DescribeInstance`, `ListUsers`, `SearchUsers`,
//! `DescribeUser`, `ListUserProficiencies`). No write can be sent from this crate: the client that could send one
//! is a private field, and no method here hands it out.
//!
//! Every call waits for a permit of one [`Pacer`], the function's adaptive (AIMD) pacer: calls go unpaced until
//! Connect first throttles, then at a rate that backs off on each throttle and earns its way back, so a survey of a
//! large instance leaves the account's quota to the contact centre's own integrations.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use cfn_connect_user::adapters::{SdkConnect, UsersPage};
use cfn_connect_user::app::{Connect, ConnectError, ErrorKind, Pacer, Retrying};
use cfn_connect_user::core::arn::{InstanceArn, UserArn};
use cfn_connect_user::core::backoff::Backoff;
use cfn_connect_user::core::model::{InstanceInfo, LiveUser, Proficiencies};

/// How many times a quota error (`LimitExceededException`) of `ListUsers` is tried again, as the function's retry
/// policy does for its own calls.
const QUOTA_RETRIES: u32 = 2;

/// Read-only access to Connect, paced and retried. Cheap to clone: clones share the client, the pacer and the
/// call count.
#[derive(Debug, Clone)]
pub struct ReadOnly {
    connect: Retrying<SdkConnect>,
    backoff: Backoff,
    calls: Arc<AtomicU64>,
}

impl ReadOnly {
    /// Reads through `sdk`, pacing every call with `pacer` and waiting between retries as `backoff` says.
    pub fn new(sdk: SdkConnect, pacer: Pacer, backoff: Backoff) -> Self {
        Self { connect: Retrying::new(sdk, backoff).with_pacer(pacer), backoff, calls: Arc::default() }
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
        self.connect.describe_instance(instance).await
    }

    /// `SearchUsers` for the user whose username is exactly `username`.
    pub async fn find_user(&self, instance: &InstanceArn, username: &str) -> Result<Option<UserArn>, ConnectError> {
        self.count(1);
        self.connect.find_user(instance, username).await
    }

    /// `DescribeUser`, and `ListUserProficiencies` when `proficiencies` (otherwise they stay `None`).
    pub async fn read_user(&self, user: &UserArn, proficiencies: bool) -> Result<LiveUser, ConnectError> {
        self.count(1);
        let mut live = self.connect.describe_user(user).await?;
        if proficiencies {
            self.count(1);
            live.proficiencies = Some(self.connect.list_proficiencies(user).await?);
        }
        Ok(live)
    }

    /// `ListUserProficiencies`, every page.
    pub async fn proficiencies(&self, user: &UserArn) -> Result<Proficiencies, ConnectError> {
        self.count(1);
        self.connect.list_proficiencies(user).await
    }

    /// One page of `ListUsers`, paced and retried as the function retries its reads: throttles, server errors and
    /// lost connections until they pass, a quota error a short grace.
    pub async fn list_users_page(
        &self,
        instance: &InstanceArn,
        next_token: Option<String>,
    ) -> Result<UsersPage, ConnectError> {
        self.count(1);
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
                ErrorKind::Server | ErrorKind::Network => {}
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
