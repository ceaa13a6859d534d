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
use crate::core::decision::{self, Decision, Left, Owner, Read, Request as Asked, Seen, Situation};
use crate::core::event::{Envelope, Request, RequestType};
use crate::core::failure::Failure;
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
pub async fn run<C: Connect>(
    connect: &C,
    secrets: Option<&dyn Secrets>,
    request: &Request,
    envelope: &Envelope,
    progress: &Progress,
    work: &Work,
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
        RequestType::Delete => Asked::Delete { physical: PhysicalId::read(physical_id) },
    };
    let identity = match request.kind {
        RequestType::Delete => None,
        _ => describe::identity_type(&cx, &request.properties).await,
    };
    let (mut current, mut holder, mut create_sent) = (Seen::Unread, Seen::Unread, false);
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
            create_sent,
        };
        match decision::decide(&situation) {
            Decision::Read(Read::Current { user, proficiencies }) => {
                current = match request.kind {
                    RequestType::Delete => read::to_delete(&cx, &user, &mut deleting.gone).await?,
                    _ => read::current(&cx, &user, proficiencies).await?,
                };
            }
            Decision::Read(Read::Holder { instance, username, proficiencies }) => {
                holder = read::holder(&cx, &instance, &username, proficiencies, holder_visible_by).await?;
            }
            Decision::Create(creation) => match create::create(&cx, &creation).await? {
                Created::Done(done) => return Ok(done),
                Created::Taken { sent } => {
                    let spec = &creation.spec;
                    let visible_by = cx.window_end(work.windows.visibility);
                    let proficiencies = spec.proficiencies.is_some();
                    holder = read::holder(&cx, &spec.instance, &spec.username, proficiencies, Some(visible_by)).await?;
                    (holder_visible_by, create_sent) = (Some(visible_by), sent);
                }
            },
            Decision::Converge(convergence) => return converge::run(&cx, &convergence, holder_visible_by).await,
            // Nothing was made: a `CreateUser` was told the name is taken by a user this request did not make.
            Decision::Refuse(failure) => {
                cx.progress.claim(None);
                return Err(failure);
            }
            Decision::Delete(user) => match delete::delete_user(&cx, &user, &mut deleting).await? {
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
