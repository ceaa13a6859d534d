//! A Delete: the user named by the PhysicalResourceId is deleted, unless another stack or logical resource owns it
//! now (docs/connect-user.md §5). A not-found counts as gone only once it persists (docs/real-connect.md §1).

use tracing::{info, warn};

use super::context::{Cx, Done};
use crate::app::ports::Connect;
use crate::core::connect_error::ErrorKind;
use crate::core::failure::Failure;
use crate::core::owner::foreign_owner;
use crate::core::physical_id::PhysicalId;
use crate::core::placement;

/// Deletes the user, unless another stack or logical resource owns it now: then it was handed over, and its
/// new owner decides its fate. A user with this resource's owner tag, or none, is deleted.
///
/// Not-found, from `DescribeUser` as from `DeleteUser`, counts as gone only once it persists for
/// [`super::Windows::gone`]: the Delete that follows a failed Create may meet a user that exists but is not visible
/// yet, and must not leave it behind. A `DeleteUser` that failed and may have committed is followed by reading the
/// user again.
pub(super) async fn delete<C: Connect>(cx: &Cx<'_, C>, physical_id: &str) -> Result<Done, Failure> {
    let done = Done { physical_id: physical_id.to_owned(), data: Default::default() };
    let PhysicalId::User(arn) = PhysicalId::read(physical_id) else {
        info!(physical_id, "the physical id is not a user ARN; nothing to delete");
        return Ok(done);
    };
    if let Some(home) = &cx.work.home
        && let Err(e) = placement::check(home, arn.instance())
    {
        return Err(Failure::OutOfReach { user: arn, why: e.to_string() });
    }
    let mut gone = None;
    let mut replans = 0;
    loop {
        cx.progress.step("calling DescribeUser");
        let not_found = match cx.connect.describe_user(&arn).await {
            Ok(live) => {
                if let Some(held) = foreign_owner(&live.tags, &cx.owner) {
                    info!(
                        user_arn = %arn,
                        owner = held,
                        "the user was handed over to another stack or logical resource; it is left in place, not deleted"
                    );
                    return Ok(done);
                }
                cx.progress.step("calling DeleteUser");
                match cx.connect.delete_user(&arn).await {
                    Ok(()) => return Ok(done),
                    Err(e) if e.kind == ErrorKind::NotFound => e,
                    Err(e) if e.is_retryable() && replans < cx.work.windows.replans => {
                        replans += 1;
                        warn!(error = %e, replans, "DeleteUser failed and may have taken effect; reading the user again");
                        continue;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            Err(e) if e.kind == ErrorKind::NotFound => e,
            Err(e) => return Err(e.into()),
        };
        let patience = gone.get_or_insert_with(|| cx.patience(cx.window_end(cx.work.windows.gone)));
        if !patience.wait().await {
            info!(error = %not_found, "the user is gone");
            return Ok(done);
        }
        info!(error = %not_found, "not found; making sure the user is gone rather than not visible yet");
    }
}
