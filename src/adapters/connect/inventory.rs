//! Reading an instance's users page by page (`ListUsers`) and its traffic distribution groups
//! (`ListTrafficDistributionGroups`): what tools that survey a whole instance need, and the function never does (it finds a user by name with `SearchUsers`, see `calls.rs`). A read like the others: the
//! error is classified the same way, so the app's retry policy and pacer apply to it unchanged.

use super::SdkConnect;
use super::errors::sdk_error;
use crate::app::ports::ConnectError;
use crate::core::arn::{InstanceArn, TrafficDistributionGroupArn, UserArn};

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

/// A traffic distribution group as `ListTrafficDistributionGroups` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSummary {
    /// The group's ARN.
    pub arn: TrafficDistributionGroupArn,
    /// Its name, the same from the primary instance and its replica.
    pub name: String,
    /// Whether it is the instance's default group (Global Resiliency makes one for each replicated instance).
    pub is_default: bool,
}

impl SdkConnect {
    /// `ListTrafficDistributionGroups` of `instance`, every page, in the instance's region: the groups its users can
    /// be in. A survey's read, like `ListUsers`.
    pub async fn list_groups(&self, instance: &InstanceArn) -> Result<Vec<GroupSummary>, ConnectError> {
        const OP: &str = "ListTrafficDistributionGroups";
        let client = self.client(instance);
        let mut groups = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = client
                .list_traffic_distribution_groups()
                .instance_id(instance.id())
                .set_next_token(token.take())
                .send()
                .await
                .map_err(sdk_error(OP))?;
            groups.extend(page.traffic_distribution_group_summary_list().iter().filter_map(|g| {
                let arn = TrafficDistributionGroupArn::parse(g.arn()?).ok()?;
                let name = g.name().unwrap_or_default().to_owned();
                Some(GroupSummary { arn, name, is_default: g.is_default() })
            }));
            match page.next_token() {
                Some(next) if !next.is_empty() => token = Some(next.to_owned()),
                _ => return Ok(groups),
            }
        }
    }
}
