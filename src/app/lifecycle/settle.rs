//! What a failed request leaves behind, settled the same way however it failed — a handled error, a panic or
//! the deadline — from the [`Claim`] its progress holds (docs/protocol.md §7, docs/connect-user.md §3.6):
//!
//! | claim | ordinary mode | provider mode |
//! |---|---|---|
//! | a user it made | named in the response: CloudFormation's rollback deletes it | deleted before the invocation fails |
//! | a user it took over (`AdoptExisting`) | never named; the owner tag it added is removed | the same |
//! | `CreateUser` without an answer | looked up: an owner-tagged user by that name is one it made | the same |
//!
//! Every call here is bounded by the caller's `until`, which keeps the PUT's own time free in ordinary mode.

use tokio::time::Instant;
use tracing::{info, warn};

use super::context::Claim;
use super::patience::Patience;
use crate::app::ports::Connect;
use crate::core::arn::{InstanceArn, UserArn};
use crate::core::backoff::Backoff;
use crate::core::connect_error::{ConnectError, ErrorKind};
use crate::core::failure::{Settlement, explain};
use crate::core::mode::Mode;
use crate::core::model::OWNER_TAG_KEY;
use crate::core::plan::Call;

/// A clean-up call that fails for a reason other than not-found is tried this many times at most.
const ATTEMPTS: u32 = 2;

/// How a failed request's claim was settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    /// The user the response names, so that CloudFormation's rollback deletes it.
    pub named: Option<UserArn>,
    /// What became of the user, for the end of the reason.
    pub settlement: Settlement,
}

/// Settles `claim` in `mode`, by `until`.
pub async fn settle<C: Connect>(
    connect: &C,
    claim: Option<Claim>,
    mode: Mode,
    pause: Backoff,
    until: Instant,
) -> Settled {
    let claim = match claim {
        Some(Claim::Creating { instance, username, owner }) => {
            find_made(connect, &instance, &username, &owner, pause, until).await.map(Claim::Made)
        }
        other => other,
    };
    let (named, settlement) = match (claim, mode) {
        (None, _) => (None, Settlement::Nothing),
        (Some(Claim::Made(user)), Mode::Respond) => (Some(user), Settlement::Nothing),
        (Some(Claim::Made(user)), Mode::Return) => (None, delete_made(connect, user, pause, until).await),
        (Some(Claim::TakenOver(user)), _) => (None, release(connect, user, pause, until).await),
        (Some(Claim::Creating { .. }), _) => (None, Settlement::Nothing),
    };
    Settled { named, settlement }
}

/// The user a `CreateUser` cut off before its answer made, if it made one: the user holding the name, when it
/// carries this resource's owner tag.
async fn find_made<C: Connect>(
    connect: &C,
    instance: &InstanceArn,
    username: &str,
    owner: &str,
    pause: Backoff,
    until: Instant,
) -> Option<UserArn> {
    let mut patience = Patience::new(until, pause);
    loop {
        match tokio::time::timeout_at(until, connect.find_user(instance, username)).await {
            Ok(Ok(Some(user))) => {
                let live = tokio::time::timeout_at(until, connect.describe_user(&user)).await.ok()?.ok()?;
                let made = live.tags.get(OWNER_TAG_KEY).is_some_and(|held| held == owner);
                info!(user_arn = %user, made, "CreateUser had no answer; the user holding the name was looked up");
                return made.then_some(user);
            }
            // A user made moments ago may not be searchable yet.
            Ok(Ok(None)) if patience.wait().await => {}
            _ => return None,
        }
    }
}

/// Provider mode: deletes the user this request made, since the CDK framework never forwards the rollback's
/// Delete of it.
async fn delete_made<C: Connect>(connect: &C, user: UserArn, pause: Backoff, until: Instant) -> Settlement {
    let outcome = repeat("DeleteUser", until, pause, true, || connect.delete_user(&user)).await;
    match outcome {
        Ok(()) => {
            info!(user_arn = %user, "provider mode: the user this request created was deleted again");
            Settlement::Deleted
        }
        Err(error) => {
            warn!(user_arn = %user, error, "provider mode: the user this request created could not be deleted");
            Settlement::NotDeleted { user, error }
        }
    }
}

/// A failed take-over: takes this resource's owner tag off the user again, so that no
/// later request of this resource mistakes it for one it made.
async fn release<C: Connect>(connect: &C, user: UserArn, pause: Backoff, until: Instant) -> Settlement {
    let untag = Call::Untag(vec![OWNER_TAG_KEY.to_owned()]);
    match repeat("UntagResource", until, pause, false, || connect.apply(&user, &untag)).await {
        Ok(()) => {
            info!(user_arn = %user, "the take-over failed; the owner tag was removed again");
            Settlement::Released
        }
        Err(error) => {
            warn!(user_arn = %user, error, "the take-over failed, and the owner tag could not be removed");
            Settlement::NotReleased { user, error }
        }
    }
}

/// Runs an idempotent clean-up `call` until it succeeds, [`ATTEMPTS`] failures, or `until`.
///
/// Not-found is the one answer that is not counted: for a user created moments ago it is the lag of Connect's
/// eventual consistency, so it is repeated until `until` — unless `gone_after_loss` and an earlier attempt may have
/// committed (a 5xx, a lost answer), when not-found means that attempt did its work. For an untag, not-found is
/// success at once: there is no user left to carry the tag.
async fn repeat<F, Fut>(
    operation: &str,
    until: Instant,
    pause: Backoff,
    gone_after_loss: bool,
    mut call: F,
) -> Result<(), String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), ConnectError>>,
{
    let mut patience = Patience::new(until, pause);
    let (mut failures, mut may_have_committed) = (0, false);
    loop {
        let error = match tokio::time::timeout_at(until, call()).await {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(e)) if e.kind == ErrorKind::NotFound && (!gone_after_loss || may_have_committed) => return Ok(()),
            Ok(Err(e)) if e.kind == ErrorKind::NotFound => format!(
                "{}; a user created moments ago may not be visible yet (Amazon Connect is eventually consistent)",
                explain(&e)
            ),
            Ok(Err(e)) => {
                failures += 1;
                may_have_committed |= matches!(e.kind, ErrorKind::Server | ErrorKind::Network);
                if failures >= ATTEMPTS {
                    return Err(explain(&e));
                }
                explain(&e)
            }
            Err(_) => return Err(format!("{operation}: no answer in the time left")),
        };
        if !patience.wait().await {
            return Err(error);
        }
    }
}
