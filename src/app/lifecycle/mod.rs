//! The use cases: Create, Update and Delete of one Connect user through the [`Connect`] port, with the rules of
//! ownership, adoption, replacement and idempotency — a file a use case. The decisions themselves are the core's
//! (`props`, `identity`, `placement`, `plan`, `physical_id`, `failure`); these modules sequence the calls.
//!
//! Real Amazon Connect is eventually consistent and can fail after a write took effect (docs/real-connect.md
//! §1–§2), so the sequencing is patient where that matters and nowhere else ([`patience`]):
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
mod patience;
mod settle;
mod update;
mod validate;

pub use context::{Claim, Done, Progress, Work};
pub use patience::Windows;
pub use settle::{MAX_SETTLE, Settled, settle};

use super::ports::{Connect, Secrets};
use crate::core::event::{Envelope, Request, RequestType};
use crate::core::failure::Failure;
use crate::core::owner::owner_tag_value;
use crate::core::props;
use context::Cx;
use create::{Making, create};
use delete::delete;
use update::update;
use validate::validate;

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
        owner: owner_tag_value(&envelope.stack_id, &envelope.logical_resource_id),
    };
    let physical_id = request.physical_resource_id.as_deref().unwrap_or_default();
    match request.kind {
        RequestType::Create => {
            let spec = validate(&cx, &request.properties, true).await?;
            create(&cx, &spec, Making::New).await
        }
        RequestType::Update => {
            let spec = validate(&cx, &request.properties, false).await?;
            let old = props::old_template(&request.old_properties);
            update(&cx, &spec, &old, physical_id).await
        }
        RequestType::Delete => delete(&cx, physical_id).await,
    }
}
