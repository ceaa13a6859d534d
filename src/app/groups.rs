//! Which of some traffic distribution groups a user is in. Connect has no call that lists one user's groups, so each
//! group's users are listed (`ListTrafficDistributionGroupUsers`); the function and `connect-users plan` read
//! membership through this one rule.

use std::collections::BTreeSet;
use std::future::Future;

use super::ports::{ConnectError, ErrorKind};
use crate::core::arn::{TrafficDistributionGroupArn, UserArn};

/// The groups of `groups` whose users, as `users_of` lists them, include `user`. A group that is gone holds nobody:
/// whether a template may name it is the decision's to say.
pub async fn groups_holding<F, Fut>(
    user: &UserArn,
    groups: &[TrafficDistributionGroupArn],
    mut users_of: F,
) -> Result<BTreeSet<TrafficDistributionGroupArn>, ConnectError>
where
    F: FnMut(TrafficDistributionGroupArn) -> Fut,
    Fut: Future<Output = Result<BTreeSet<String>, ConnectError>>,
{
    let mut holding = BTreeSet::new();
    for group in groups {
        match users_of(group.clone()).await {
            Ok(users) if users.contains(user.user_id()) => {
                holding.insert(group.clone());
            }
            Ok(_) => {}
            Err(e) if e.kind == ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(holding)
}
