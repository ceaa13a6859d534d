//! The reads a decision asks for (`core::decision::Read`): the user the PhysicalResourceId names, and the user holding
//! the template's username. How patient each is depends on what a not-found may mean (docs/real-connect.md §1).

use tokio::time::Instant;
use tracing::info;

use super::context::Cx;
use super::patience::{Patience, patiently};
use crate::app::groups::groups_holding;
use crate::app::ports::Connect;
use crate::core::arn::{InstanceArn, UserArn};
use crate::core::connect_error::{ConnectError, ErrorKind};
use crate::core::decision::{Also, Seen};
use crate::core::failure::Failure;
use crate::core::model::LiveUser;

/// `DescribeUser`, `ListUserProficiencies` and the traffic distribution groups' users as `also` asks; patient with a
/// user made moments ago (`visible_by`), for which a not-found is Connect's lag rather than the user's absence.
pub(super) async fn read_user<C: Connect>(
    cx: &Cx<'_, C>,
    user: &UserArn,
    also: &Also,
    visible_by: Option<Instant>,
) -> Result<LiveUser, ConnectError> {
    let pause = cx.work.windows.pause;
    cx.progress.step("calling DescribeUser");
    let mut live = patiently(visible_by, pause, || cx.connect.describe_user(user)).await?;
    if also.proficiencies {
        cx.progress.step("calling ListUserProficiencies");
        live.proficiencies = Some(patiently(visible_by, pause, || cx.connect.list_proficiencies(user)).await?);
    }
    if !also.groups.is_empty() {
        cx.progress.step("calling ListTrafficDistributionGroupUsers");
        let listed = |group| async move { cx.connect.group_users(&group).await };
        let groups = groups_holding(user, &also.groups, listed).await?;
        live.traffic_distribution_groups = Some(groups);
    }
    Ok(live)
}

/// The user an Update's PhysicalResourceId names. It comes from an earlier request and had all the time it needed to
/// become visible: not-found means it is gone.
pub(super) async fn current<C: Connect>(cx: &Cx<'_, C>, user: &UserArn, also: &Also) -> Result<Seen, Failure> {
    match read_user(cx, user, also, None).await {
        Ok(live) => Ok(Seen::Found(Box::new(live))),
        Err(e) if e.kind == ErrorKind::NotFound => Ok(Seen::Absent),
        Err(e) => Err(e.into()),
    }
}

/// The user holding `username` in `instance`, read.
///
/// `visible_by`: `CreateUser` said the name is taken, so the user holding it may have been created a moment ago (by
/// this request's own `CreateUser`, whose answer was lost) and not be visible yet: the search and the reads are
/// repeated until then, and a search that still finds nobody fails. Without it (a look before any `CreateUser`),
/// nobody found means nobody holds the name.
pub(super) async fn holder<C: Connect>(
    cx: &Cx<'_, C>,
    instance: &InstanceArn,
    username: &str,
    also: &Also,
    visible_by: Option<Instant>,
) -> Result<Seen, Failure> {
    cx.progress.step(match visible_by {
        Some(_) => "looking up the existing user (CreateUser: DuplicateResourceException)",
        None => "looking up the username (SearchUsers)",
    });
    let mut patience = visible_by.map(|until| cx.patience(until));
    let user = loop {
        match cx.connect.find_user(instance, username).await {
            Ok(Some(user)) => break user,
            Ok(None) => {
                let Some(window) = &mut patience else { return Ok(Seen::Absent) };
                // Search is an index, and lags behind the user store the longest.
                if !window.wait().await {
                    return Err(Failure::NotSearchable {
                        username: username.to_owned(),
                        instance: instance.clone(),
                        window: cx.work.windows.visibility,
                    });
                }
                info!("the user holding the name is not visible to a search yet");
            }
            Err(e) => return Err(e.into()),
        }
    };
    cx.progress.step("reading the existing user");
    match read_user(cx, &user, also, visible_by).await {
        Ok(live) => Ok(Seen::Found(Box::new(live))),
        // Deleted between the search and the read: nobody holds the name now.
        Err(e) if e.kind == ErrorKind::NotFound && visible_by.is_none() => Ok(Seen::Absent),
        Err(e) => Err(cx.failure_on(e, &user, visible_by)),
    }
}

/// The user a Delete's PhysicalResourceId names, with the groups `also` asks about. A not-found counts as gone only
/// once it persists for [`super::Windows::gone`] (`gone` holds that window, started by the first not-found): the
/// Delete that follows a failed Create may meet a user that exists but is not visible yet, and must not leave it
/// behind.
pub(super) async fn to_delete<C: Connect>(
    cx: &Cx<'_, C>,
    user: &UserArn,
    also: &Also,
    gone: &mut Option<Patience>,
) -> Result<Seen, Failure> {
    loop {
        let not_found = match read_user(cx, user, also, None).await {
            Ok(live) => return Ok(Seen::Found(Box::new(live))),
            Err(e) if e.kind == ErrorKind::NotFound && e.operation == "DescribeUser" => e,
            Err(e) => return Err(e.into()),
        };
        if !persists(cx, gone, &not_found).await {
            return Ok(Seen::Absent);
        }
    }
}

/// Waits before the next look at a user that answered not-found; `false` once the not-found has persisted for the
/// whole window, so the user is gone.
pub(super) async fn persists<C: Connect>(
    cx: &Cx<'_, C>,
    gone: &mut Option<Patience>,
    not_found: &ConnectError,
) -> bool {
    let window = gone.get_or_insert_with(|| cx.patience(cx.window_end(cx.work.windows.gone)));
    if window.wait().await {
        info!(error = %not_found, "not found; making sure the user is gone rather than not visible yet");
        true
    } else {
        info!(error = %not_found, "the user is gone");
        false
    }
}
