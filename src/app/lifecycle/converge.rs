//! Bringing an existing user to the template: the live user read (patient with a new one), the planned calls
//! run in order, and, after a write that may have committed, a fresh read and a fresh plan instead of a blind
//! repeat (docs/real-connect.md §2). Create, adoption and Update all end here.

use tokio::time::Instant;
use tracing::warn;

use super::context::{Claim, Cx};
use super::patience::patiently;
use crate::app::ports::Connect;
use crate::core::arn::UserArn;
use crate::core::connect_error::ConnectError;
use crate::core::failure::Failure;
use crate::core::model::{LiveUser, OWNER_TAG_KEY, OldTemplate, UserSpec};
use crate::core::plan::{self, Call, Decision};

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

/// `DescribeUser`, and `ListUserProficiencies` when the new or the old template has proficiencies; patient with a
/// new user (`visible_by`).
pub(super) async fn read_live<C: Connect>(
    cx: &Cx<'_, C>,
    spec: &UserSpec,
    old: &OldTemplate,
    arn: &UserArn,
    visible_by: Option<Instant>,
) -> Result<LiveUser, ConnectError> {
    let pause = cx.work.windows.pause;
    cx.progress.step("calling DescribeUser");
    let mut live = patiently(visible_by, pause, || cx.connect.describe_user(arn)).await?;
    if spec.proficiencies.is_some() || !old.proficiency_keys.is_empty() {
        cx.progress.step("calling ListUserProficiencies");
        live.proficiencies = Some(patiently(visible_by, pause, || cx.connect.list_proficiencies(arn)).await?);
    }
    Ok(live)
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
        let live = read_live(cx, spec, old, target.arn, target.visible_by)
            .await
            .map_err(|e| cx.failure_on(e, target.arn, target.visible_by))?;
        calls = match plan::plan(spec, old, &live, &cx.owner) {
            Decision::Reconcile(calls) => calls,
            Decision::Refuse(reason) => return Err(Failure::Refused(reason)),
            Decision::Replace => return Err(Failure::NoLongerTheTemplatesUser(target.arn.clone())),
        };
    }
}

/// Runs the calls in order until one fails.
async fn apply_all<C: Connect>(cx: &Cx<'_, C>, target: &Target<'_>, calls: &[Call]) -> Result<(), ConnectError> {
    for call in calls {
        cx.progress.step(format!("calling {}", call.operation()));
        // Claimed before the call is sent: a call that fails (or is cut off by the deadline) may still have
        // committed, and giving back a user that never got the tag costs one idempotent UntagResource.
        if target.taking_over && matches!(call, Call::Tag(tags) if tags.get(OWNER_TAG_KEY) == Some(&cx.owner)) {
            cx.progress.claim(Some(Claim::TakenOver(target.arn.clone())));
        }
        patiently(target.visible_by, cx.work.windows.pause, || cx.connect.apply(target.arn, call)).await?;
    }
    Ok(())
}
