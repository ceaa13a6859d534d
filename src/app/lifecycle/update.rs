//! An Update: the template against the user as Connect holds it now, not against the old template
//! (docs/connect-user.md §4) — reconciled in place, replaced when the instance or username changed, refused when
//! another resource owns the user now. A failed Create's marker gets the template's user made.

use tracing::{info, warn};

use super::context::{Cx, Done};
use super::converge::{Target, converge, read_live};
use super::create::{Making, create};
use crate::app::ports::Connect;
use crate::core::connect_error::ErrorKind;
use crate::core::failure::Failure;
use crate::core::model::{OldTemplate, UserSpec};
use crate::core::owner::foreign_owner;
use crate::core::physical_id::PhysicalId;
use crate::core::plan::{self, Decision};

pub(super) async fn update<C: Connect>(
    cx: &Cx<'_, C>,
    spec: &UserSpec,
    old: &OldTemplate,
    physical_id: &str,
) -> Result<Done, Failure> {
    let PhysicalId::User(arn) = PhysicalId::read(physical_id) else {
        // A failed Create's marker: the template's user has to be made.
        info!(physical_id, "the physical id is not a user ARN; creating the user");
        return create(cx, spec, Making::New).await;
    };
    // A user from an earlier request: not-found means it is gone (it had all the time it needed to appear).
    let live = match read_live(cx, spec, old, &arn, None).await {
        Ok(live) => live,
        Err(e) if e.kind == ErrorKind::NotFound => return Err(Failure::Gone(e)),
        Err(e) => return Err(e.into()),
    };
    match plan::plan(spec, old, &live, &cx.owner) {
        Decision::Replace => {
            info!(old_user_arn = %arn, "instance or username changed: replacing the user");
            // On failure before a new user exists, the old id stays: CloudFormation keeps the old user.
            create(cx, spec, Making::Replacement).await
        }
        Decision::Refuse(reason) => {
            if let Some(held) = foreign_owner(&live.tags, &cx.owner) {
                info!(user_arn = %arn, owner = held, "the user belongs to another stack or logical resource; not changed");
            }
            Err(Failure::Refused(reason))
        }
        Decision::Reconcile(calls) => {
            warn_if_password_changed(spec, old);
            if calls.is_empty() {
                info!("the user already matches the template");
            }
            let target = Target { arn: &live.arn, visible_by: None, taking_over: false };
            converge(cx, spec, old, &target, calls).await?;
            Ok(Done::user(spec, &arn))
        }
    }
}

fn warn_if_password_changed(spec: &UserSpec, old: &OldTemplate) {
    if spec.password.is_some() && spec.password != old.password {
        warn!("Password changed in the template; the Connect API cannot change a password, so it is not applied");
    }
}
