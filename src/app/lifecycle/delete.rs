//! A Delete's `DeleteUser` (docs/connect-user.md §5). The decision has read the user and found it this resource's (or
//! nobody's); a not-found counts as gone only once it persists (docs/real-connect.md §1).

use tracing::warn;

use super::context::Cx;
use super::patience::Patience;
use super::read::persists;
use crate::app::ports::Connect;
use crate::core::arn::UserArn;
use crate::core::connect_error::ErrorKind;
use crate::core::failure::Failure;

/// How a `DeleteUser` ended.
pub(super) enum Deleted {
    /// The user is deleted.
    Done,
    /// The user must be read again: `DeleteUser` answered not-found (which may be Connect's lag) or failed in a way
    /// that may have committed.
    ReadAgain,
}

/// Where a Delete stands across its reads and `DeleteUser`s.
#[derive(Default)]
pub(super) struct Deleting {
    /// The window in which a not-found must persist, from the first not-found on.
    pub gone: Option<Patience>,
    replans: u32,
}

/// `DeleteUser` of `user`.
pub(super) async fn delete_user<C: Connect>(
    cx: &Cx<'_, C>,
    user: &UserArn,
    deleting: &mut Deleting,
) -> Result<Deleted, Failure> {
    cx.progress.step("calling DeleteUser");
    match cx.connect.delete_user(user).await {
        Ok(()) => Ok(Deleted::Done),
        Err(e) if e.kind == ErrorKind::NotFound => {
            if persists(cx, &mut deleting.gone, &e).await {
                Ok(Deleted::ReadAgain)
            } else {
                Ok(Deleted::Done)
            }
        }
        Err(e) if e.is_retryable() && deleting.replans < cx.work.windows.replans => {
            deleting.replans += 1;
            warn!(error = %e, replans = deleting.replans, "DeleteUser failed and may have taken effect; reading the user again");
            Ok(Deleted::ReadAgain)
        }
        Err(e) => Err(e.into()),
    }
}
