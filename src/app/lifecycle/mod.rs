//! The use cases: Create, Update and Delete of one Connect user through the [`Connect`] port. What to do is the core's
//! one decision (`core::decision`, which `connect-users plan` renders too); these modules carry it out, a file a job:
//! the reads it asks for ([`read`]), `CreateUser` ([`create`]), the calls on an existing user ([`converge`]),
//! `DeleteUser` ([`delete`]), and what a failure leaves ([`settle`]).
//!
//! Real Amazon Connect is eventually consistent and can fail after a write took effect (docs/real-connect.md
//! §1–§2), so the execution is patient where that matters and nowhere else ([`patience`]):
//! - a user this request created, or found by the name `CreateUser` reported taken, may answer not-found for a
//!   while: calls on it, and the lookup by name, are repeated within the [`Windows::visibility`] window;
//! - a Delete's not-found counts as gone only once it persists for [`Windows::gone`];
//! - a write that failed in a way that may have committed (a 5xx, a lost connection) is not repeated blindly: the
//!   live user is read again and planned again, at most [`Windows::replans`] times. A `CreateUser` that may have
//!   committed is repeated: if it did, Connect says the name is taken, and the owner tag makes the user ours.
//!
//! Everywhere else not-found means gone. The user a request makes or takes over is recorded in its [`Progress`]
//! the moment it is known; what a failure does with it is [`settle`]'s, which the supervisor runs however the work
//! ended.

mod context;
mod converge;
mod create;
mod delete;
mod describe;
mod patience;
mod read;
mod settle;

pub use context::{Claim, Done, Progress, Work};
pub use patience::Windows;
pub use settle::{Settled, settle};

use tracing::{info, warn};

use super::ports::{Connect, Secrets};
use std::collections::BTreeMap;

use crate::core::arn::InstanceArn;
use crate::core::connect_error::ErrorKind;
use crate::core::decision::{self, Also, Decision, Left, Owner, Read, Request as Asked, Seen, Situation};
use crate::core::event::{Envelope, Request, RequestType};
use crate::core::failure::Failure;
use crate::core::names::{Resolved, Wanted};
use crate::core::owner::OwnerTag;
use crate::core::physical_id::PhysicalId;
use context::Cx;
use create::Created;
use delete::{Deleted, Deleting};

/// More steps than any decision takes (a read of the user the id names, a look for the name's holder, `CreateUser`,
/// the holder again after it, and a few re-reads of a Delete); a bound, so that no mistake can loop forever.
const MAX_STEPS: usize = 64;

/// Runs one request's work to its end: what it answers on success, or why it failed. The user a failure leaves
/// is in `progress`, for the supervisor to settle.
///
/// A name kept from an earlier request ([`super::names`]) may have gone stale: a profile deleted and made again
/// under its name has a new ARN, and a write with the old one fails as not found or invalid. Such a failure of a
/// request that used kept names forgets them and decides once more from fresh searches, so that the name resolving
/// differently is an update, not an error. The decision is the one a redelivery makes: what the first attempt wrote
/// is read back, not written twice.
pub async fn run<C: Connect>(
    connect: &C,
    secrets: Option<&dyn Secrets>,
    request: &Request,
    envelope: &Envelope,
    progress: &Progress,
    work: &Work,
) -> Result<Done, Failure> {
    let mut kept = Vec::new();
    match attempt(connect, secrets, request, envelope, progress, work, &mut kept).await {
        Err(failure) if !kept.is_empty() && stale_name_may_explain(&failure) => {
            warn!(error = %failure, "a name kept from an earlier request may be stale; searching again");
            for (instance, wanted) in &kept {
                work.names.forget(instance, wanted);
            }
            attempt(connect, secrets, request, envelope, progress, work, &mut Vec::new()).await
        }
        ended => ended,
    }
}

/// A write naming a profile or group that no longer exists fails as not found (or, for some operations, as invalid).
fn stale_name_may_explain(failure: &Failure) -> bool {
    matches!(failure, Failure::Connect(e) | Failure::NotVisible { error: e, .. }
        if matches!(e.kind, ErrorKind::NotFound | ErrorKind::Invalid))
}

/// One pass of the decision loop; the names it used that were kept from before go to `kept`.
#[allow(clippy::too_many_arguments)]
async fn attempt<C: Connect>(
    connect: &C,
    secrets: Option<&dyn Secrets>,
    request: &Request,
    envelope: &Envelope,
    progress: &Progress,
    work: &Work,
    kept_names: &mut Vec<(InstanceArn, Wanted)>,
) -> Result<Done, Failure> {
    let cx = Cx {
        connect,
        secrets,
        progress,
        work,
        owner: OwnerTag::new(&envelope.stack_id, &envelope.logical_resource_id),
    };
    let physical_id = request.physical_resource_id.as_deref().unwrap_or_default();
    let asked = match request.kind {
        RequestType::Create => Asked::Create { properties: &request.properties },
        RequestType::Update => Asked::Update {
            properties: &request.properties,
            old: &request.old_properties,
            physical: PhysicalId::read(physical_id),
        },
        RequestType::Delete => {
            Asked::Delete { physical: PhysicalId::read(physical_id), properties: &request.properties }
        }
    };
    let identity = match request.kind {
        RequestType::Delete => None,
        _ => describe::identity_type(&cx, &request.properties).await,
    };
    let (mut current, mut holder, mut create_sent) = (Seen::Unread, Seen::Unread, false);
    let (mut names, mut groups) = (Resolved::default(), BTreeMap::new());
    // The end of the visibility window of a holder found after `CreateUser` said the name is taken.
    let mut holder_visible_by = None;
    let mut deleting = Deleting::default();
    let kept = || Done { physical_id: physical_id.to_owned(), data: Default::default() };
    for _ in 0..MAX_STEPS {
        cx.progress.step("deciding");
        let situation = Situation {
            request: &asked,
            owner: Owner { tag: &cx.owner, known: true },
            identity,
            home: work.home.as_ref(),
            current: &current,
            holder: &holder,
            names: &names,
            groups: &groups,
            create_sent,
        };
        match decision::decide(&situation) {
            Decision::Read(Read::Names { instance, wanted }) => {
                cx.progress
                    .step("resolving names (SearchRoutingProfiles, SearchSecurityProfiles, SearchUserHierarchyGroups)");
                for name in wanted {
                    let (found, was_kept) = work.names.resolve_noting(connect, &instance, &name).await?;
                    if was_kept {
                        kept_names.push((instance.clone(), name.clone()));
                    }
                    names.insert(name, found);
                }
            }
            Decision::Read(Read::Groups(wanted)) => {
                cx.progress.step("calling DescribeTrafficDistributionGroup");
                for group in wanted {
                    let status = connect.group_status(&group).await?;
                    groups.insert(group, status);
                }
            }
            Decision::Read(Read::Current { user, also }) => {
                current = match request.kind {
                    RequestType::Delete => read::to_delete(&cx, &user, &also, &mut deleting.gone).await?,
                    _ => read::current(&cx, &user, &also).await?,
                };
            }
            Decision::Read(Read::Holder { instance, username, also }) => {
                holder = read::holder(&cx, &instance, &username, &also, holder_visible_by).await?;
            }
            Decision::Create(creation) => match create::create(&cx, &creation).await? {
                Created::Done(done) => return Ok(done),
                Created::Taken { sent } => {
                    let spec = &creation.spec;
                    let visible_by = cx.window_end(work.windows.visibility);
                    let also = Also::of(spec, &Default::default());
                    holder = read::holder(&cx, &spec.instance, &spec.username, &also, Some(visible_by)).await?;
                    (holder_visible_by, create_sent) = (Some(visible_by), sent);
                }
            },
            Decision::Converge(convergence) => return converge::run(&cx, &convergence, holder_visible_by).await,
            // Nothing was made: a `CreateUser` was told the name is taken by a user this request did not make.
            Decision::Refuse(failure) => {
                cx.progress.claim(None);
                return Err(failure);
            }
            Decision::Delete(deletion) => match delete::delete_user(&cx, &deletion, &mut deleting).await? {
                Deleted::Done => return Ok(kept()),
                Deleted::ReadAgain => current = Seen::Unread,
            },
            Decision::Leave(left) => {
                match left {
                    Left::NoUser => info!(physical_id, "the physical id is not a user ARN; nothing to delete"),
                    Left::Gone => info!(physical_id, "the user is gone"),
                    Left::HandedOver { user, owner } => info!(
                        user_arn = %user,
                        owner,
                        "the user was handed over to another stack or logical resource; it is left in place, not deleted"
                    ),
                }
                return Ok(kept());
            }
            // The function always knows its owner tag; only `connect-users plan` without a stack id meets this.
            Decision::OwnerUnknown { user, .. } => {
                warn!(user_arn = %user, "the owner tag could not be compared");
                return Err(Failure::Refused(format!("the owner of {user} cannot be told")));
            }
        }
    }
    Err(Failure::Refused(format!("internal error: the decision did not settle within {MAX_STEPS} steps")))
}
