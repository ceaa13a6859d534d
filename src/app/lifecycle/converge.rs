//! Bringing an existing user to the template: the planned calls run in order, and, after a write that may have
//! committed, a fresh read and a fresh plan instead of a blind repeat (docs/real-connect.md §2). A Create, a
//! take-over and an Update all end here.

use tokio::time::Instant;
use tracing::{info, warn};

use super::context::{Claim, Cx, Done};
use super::read::read_user;
use crate::app::ports::Connect;
use crate::core::arn::{TrafficDistributionGroupArn, UserArn};
use crate::core::connect_error::{ConnectError, ErrorKind};
use crate::core::decision::{self, Also, Convergence, How};
use crate::core::failure::Failure;
use crate::core::model::{OWNER_TAG_KEY, OldTemplate, UserSpec};
use crate::core::plan::{self, Call, Diff};

/// The user the calls go to, and how they treat it.
pub(super) struct Target<'a> {
    /// The user.
    pub arn: &'a UserArn,
    /// The end of a new user's visibility window: until then a not-found is its lag, not its absence. `None` for a
    /// user from an earlier request, whose not-found is final.
    pub visible_by: Option<Instant>,
    /// A user that existed before this resource, being taken over with `AdoptExisting`: once this resource's owner
    /// tag is on its way to it, the request is answerable for giving it back ([`Claim::TakenOver`]).
    pub taking_over: bool,
}

/// Runs a [`Convergence`] the decision made. `visible_by`: the user was found by its name after `CreateUser` said the
/// name is taken, so it may have been made a moment ago.
pub(super) async fn run<C: Connect>(
    cx: &Cx<'_, C>,
    convergence: &Convergence,
    visible_by: Option<Instant>,
) -> Result<Done, Failure> {
    let Convergence { spec, old, user, calls, how, replaces } = convergence;
    cx.progress.claim(match how {
        How::Made => Some(Claim::Made(user.clone())),
        How::TakenOver { tagged: true } => Some(Claim::TakenOver(user.clone())),
        How::TakenOver { tagged: false } | How::Own => None,
    });
    match (how, replaces) {
        (How::Own, None) => {
            warn_if_password_changed(spec, old);
            if calls.is_empty() {
                info!("the user already matches the template");
            }
        }
        (_, Some(old)) => {
            info!(user_arn = %user, old_user_arn = %old, ?how, "replacing the user with the one holding the name")
        }
        (_, None) => info!(user_arn = %user, ?how, "adopting the existing user"),
    }
    let target = Target { arn: user, visible_by, taking_over: matches!(how, How::TakenOver { .. }) };
    converge(cx, spec, old, &target, calls.clone()).await?;
    Ok(Done::user(spec, user))
}

/// Brings the user to the template with `calls` (a plan of it). A write that fails in a way that may have
/// committed (a 5xx, a lost connection) is not repeated blindly — a repeat can fail for its own reasons, as a
/// second `AssociateUserProficiencies` of the same attribute does: the live user is read again and the plan made
/// again, and what committed drops out of it. At most [`super::Windows::replans`] times; then the failure is final.
pub(super) async fn converge<C: Connect>(
    cx: &Cx<'_, C>,
    spec: &UserSpec,
    old: &OldTemplate,
    target: &Target<'_>,
    mut calls: Vec<Call>,
) -> Result<(), Failure> {
    let mut replans = 0;
    loop {
        let e = match apply_all(cx, target, &calls).await {
            Ok(()) => return Ok(()),
            Err(e) if e.is_retryable() && replans < cx.work.windows.replans => e,
            Err(e) => return Err(cx.failure_on(e, target.arn, target.visible_by)),
        };
        replans += 1;
        warn!(error = %e, replans, "a write failed and may have taken effect; reading the user and planning again");
        let live = read_user(cx, target.arn, &Also::of(spec, old), target.visible_by)
            .await
            .map_err(|e| cx.failure_on(e, target.arn, target.visible_by))?;
        calls = match plan::plan(spec, old, &live, &cx.owner) {
            Diff::Reconcile(calls) => calls,
            Diff::Refuse(reason) => return Err(Failure::Refused(reason)),
            Diff::Replace => return Err(Failure::NoLongerTheTemplatesUser(target.arn.clone())),
        };
    }
}

/// Runs the calls in order until one fails.
async fn apply_all<C: Connect>(cx: &Cx<'_, C>, target: &Target<'_>, calls: &[Call]) -> Result<(), ConnectError> {
    for call in calls {
        cx.progress.step(format!("calling {}", call.operation()));
        // Claimed before the call is sent: a call that fails (or is cut off by the deadline) may still have
        // committed, and giving back a user that never got the tag costs one idempotent UntagResource.
        if target.taking_over && matches!(call, Call::Tag(tags) if tags.contains_key(OWNER_TAG_KEY)) {
            cx.progress.claim(Some(Claim::TakenOver(target.arn.clone())));
        }
        super::patience::patiently(target.visible_by, cx.work.windows.pause, || async {
            match (cx.connect.apply(target.arn, call).await, call) {
                (Err(e), Call::JoinTrafficDistributionGroup(group)) if e.kind == ErrorKind::NotFound => {
                    Err(inactive_group(cx, group).await.unwrap_or(e))
                }
                (result, _) => result,
            }
        })
        .await?;
    }
    Ok(())
}

/// Why joining `group` answered not-found, when it is the group's doing: Connect answers so while a group is not
/// `ACTIVE` (the decision checked it was; it changed since). A failure in its own words then, not the not-found a
/// new user's lag is waited out for.
async fn inactive_group<C: Connect>(cx: &Cx<'_, C>, group: &TrafficDistributionGroupArn) -> Option<ConnectError> {
    let status = cx.connect.group_status(group).await.ok()?;
    let message = decision::not_joinable(group, &status)?;
    Some(ConnectError::new(
        "AssociateTrafficDistributionGroupUser",
        ErrorKind::Invalid,
        "TrafficDistributionGroupNotActive",
        message,
    ))
}

fn warn_if_password_changed(spec: &UserSpec, old: &OldTemplate) {
    if spec.password.is_some() && spec.password != old.password {
        warn!("Password changed in the template; the Connect API cannot change a password, so it is not applied");
    }
}
