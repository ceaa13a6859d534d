//! Global Resiliency traffic distribution groups, through the client of each group's home region (its ARN's): a
//! group's status, its users, and a user joining or leaving it.

use std::collections::BTreeSet;

use super::SdkConnect;
use super::errors::sdk_error;
use crate::app::ports::ConnectError;
use crate::core::arn::{TrafficDistributionGroupArn, UserArn};

impl SdkConnect {
    /// `DescribeTrafficDistributionGroup`: the group's status, as Connect spells it.
    pub(super) async fn describe_group(&self, group: &TrafficDistributionGroupArn) -> Result<String, ConnectError> {
        const OP: &str = "DescribeTrafficDistributionGroup";
        let out = self
            .client_in(group.region())
            .describe_traffic_distribution_group()
            .traffic_distribution_group_id(group.as_str())
            .send()
            .await
            .map_err(sdk_error(OP))?;
        let status = out.traffic_distribution_group().and_then(|g| g.status()).map(|s| s.as_str().to_owned());
        Ok(status.unwrap_or_default())
    }

    /// `ListTrafficDistributionGroupUsers`, every page: the ids of the group's users.
    pub(super) async fn users_of(&self, group: &TrafficDistributionGroupArn) -> Result<BTreeSet<String>, ConnectError> {
        const OP: &str = "ListTrafficDistributionGroupUsers";
        let client = self.client_in(group.region());
        let mut users = BTreeSet::new();
        let mut token: Option<String> = None;
        loop {
            let page = client
                .list_traffic_distribution_group_users()
                .traffic_distribution_group_id(group.as_str())
                .set_next_token(token.take())
                .send()
                .await
                .map_err(sdk_error(OP))?;
            users.extend(
                page.traffic_distribution_group_user_summary_list()
                    .iter()
                    .filter_map(|u| u.user_id())
                    .map(str::to_owned),
            );
            match page.next_token() {
                Some(next) if !next.is_empty() => token = Some(next.to_owned()),
                _ => return Ok(users),
            }
        }
    }

    /// `AssociateTrafficDistributionGroupUser` (`join`) or `DisassociateTrafficDistributionGroupUser`.
    pub(super) async fn membership(
        &self,
        group: &TrafficDistributionGroupArn,
        user: &UserArn,
        join: bool,
    ) -> Result<(), ConnectError> {
        let client = self.client_in(group.region());
        let (instance, id) = (user.instance().id(), user.user_id());
        if join {
            const OP: &str = "AssociateTrafficDistributionGroupUser";
            client
                .associate_traffic_distribution_group_user()
                .traffic_distribution_group_id(group.as_str())
                .user_id(id)
                .instance_id(instance)
                .send()
                .await
                .map_err(sdk_error(OP))?;
        } else {
            const OP: &str = "DisassociateTrafficDistributionGroupUser";
            client
                .disassociate_traffic_distribution_group_user()
                .traffic_distribution_group_id(group.as_str())
                .user_id(id)
                .instance_id(instance)
                .send()
                .await
                .map_err(sdk_error(OP))?;
        }
        Ok(())
    }
}
