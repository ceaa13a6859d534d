//! Reading an instance's users page by page (`ListUsers`): what tools that survey a whole instance need, and the
//! function never does (it finds a user by name with `SearchUsers`, see `calls.rs`). A read like the others: the
//! error is classified the same way, so the app's retry policy and pacer apply to it unchanged.

use super::SdkConnect;
use super::errors::sdk_error;
use crate::app::ports::ConnectError;
use crate::core::arn::{InstanceArn, UserArn};

/// `ListUsers`' largest page.
const LIST_USERS_MAX_RESULTS: i32 = 1000;

/// A user as `ListUsers` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSummary {
    /// The user's ARN.
    pub arn: UserArn,
    /// Its username.
    pub username: String,
}

/// One page of `ListUsers`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UsersPage {
    /// The users of the page, in Connect's order.
    pub users: Vec<UserSummary>,
    /// The token of the next page; `None` on the last one.
    pub next_token: Option<String>,
}

impl SdkConnect {
    /// One page of `ListUsers` of `instance` (up to 1000 users, `ListUsers`' largest page), from `next_token`
    /// (`None` for the first page). A summary without an id is skipped: no later call could address it.
    pub async fn list_users_page(
        &self,
        instance: &InstanceArn,
        next_token: Option<String>,
    ) -> Result<UsersPage, ConnectError> {
        const OP: &str = "ListUsers";
        let page = self
            .client(instance)
            .list_users()
            .instance_id(instance.id())
            .max_results(LIST_USERS_MAX_RESULTS)
            .set_next_token(next_token)
            .send()
            .await
            .map_err(sdk_error(OP))?;
        let users = page
            .user_summary_list()
            .iter()
            .filter_map(|summary| {
                let arn = summary
                    .arn()
                    .and_then(|a| UserArn::parse(a).ok())
                    .or_else(|| summary.id().filter(|id| !id.is_empty()).map(|id| UserArn::new(instance, id)))?;
                Some(UserSummary { arn, username: summary.username().unwrap_or_default().to_owned() })
            })
            .collect();
        let next_token = page.next_token().filter(|t| !t.is_empty()).map(str::to_owned);
        Ok(UsersPage { users, next_token })
    }
}
