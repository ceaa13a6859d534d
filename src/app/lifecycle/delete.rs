//! A Delete's `DeleteUser` (docs/connect-user.md §5). The decision has read the user and found it this resource's (or
//! nobody's); a not-found counts as gone only once it persists (docs/real-connect.md §1).

use tracing::warn;

use super::context::Cx;
use super::patience::Patience;
use super::read::persists;
use crate::app::ports::Connect;
use crate::core::connect_error::ErrorKind;
use crate::core::decision::Deletion;
use crate::core::failure::Failure;
use crate::core::plan::Call;

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

/// `DeleteUser` of the deletion's user, after it leaves the traffic distribution groups its template put it in (a
/// user still in a group may not be deleted). A group it turns out to have left already is no obstacle.
pub(super) async fn delete_user<C: Connect>(
    cx: &Cx<'_, C>,
    deletion: &Deletion,
    deleting: &mut Deleting,
) -> Result<Deleted, Failure> {
    let user = &deletion.user;
    for group in &deletion.leave {
        cx.progress.step("calling DisassociateTrafficDistributionGroupUser");
        match cx.connect.apply(user, &Call::LeaveTrafficDistributionGroup(group.clone())).await {
            Ok(()) => {}
            Err(e) if e.kind == ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
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
