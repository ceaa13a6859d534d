//! Traffic distribution groups (Global Resiliency): account-wide, each in its home region, belonging to one
//! instance and holding the users of that instance associated with it. The operations on them
//! (`DescribeTrafficDistributionGroup`, `ListTrafficDistributionGroups`, `AssociateTrafficDistributionGroupUser`,
//! `DisassociateTrafficDistributionGroupUser`, `ListTrafficDistributionGroupUsers`) and the test handle's controls.
//!
//! Only the home region is modelled: with the region check on, a request signed for another region finds no group,
//! even by ARN (Connect also reads a group by ARN from its replica region; the emulator has no replica regions).
//! Which instance a group belongs to is checked; the region of that instance is not.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::{Value, json};

use super::Store;
use super::query::{PageRequest, paginate};
use crate::connect::error::{ApiError, ErrorCode};

/// Largest (and default) page of `ListTrafficDistributionGroups` and `ListTrafficDistributionGroupUsers`.
const PAGE_10: usize = 10;

/// A traffic distribution group's `Status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrafficDistributionGroupStatus {
    Active,
    CreationInProgress,
    CreationFailed,
    PendingDeletion,
    DeletionFailed,
    UpdateInProgress,
}

impl TrafficDistributionGroupStatus {
    /// The value as the API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "ACTIVE",
            Self::CreationInProgress => "CREATION_IN_PROGRESS",
            Self::CreationFailed => "CREATION_FAILED",
            Self::PendingDeletion => "PENDING_DELETION",
            Self::DeletionFailed => "DELETION_FAILED",
            Self::UpdateInProgress => "UPDATE_IN_PROGRESS",
        }
    }
}

impl fmt::Display for TrafficDistributionGroupStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TrafficDistributionGroup {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub instance_id: String,
    /// The home region, the one its ARN names.
    pub region: String,
    pub status: TrafficDistributionGroupStatus,
    pub is_default: bool,
    /// Ids of the associated users, all of `instance_id`.
    pub users: BTreeSet<String>,
}

impl TrafficDistributionGroup {
    fn summary_json(&self, instance_arn: &str) -> Value {
        json!({
            "Id": self.id,
            "Arn": self.arn,
            "Name": self.name,
            "InstanceArn": instance_arn,
            "Status": self.status.as_str(),
            "IsDefault": self.is_default,
        })
    }
}

/// `arn:aws:connect:<region>:<account>:traffic-distribution-group/<id>`.
pub fn traffic_group_arn(region: &str, account: &str, id: &str) -> String {
    format!("arn:aws:connect:{region}:{account}:traffic-distribution-group/{id}")
}

impl Store {
    /// The group a request names by id or ARN, as a request signed for `region` sees it.
    fn traffic_group(&self, ident: &str, region: Option<&str>) -> Result<&TrafficDistributionGroup, ApiError> {
        let found = if ident.starts_with("arn:") {
            self.traffic_groups.values().find(|g| g.arn == ident)
        } else {
            self.traffic_groups.get(ident)
        };
        let elsewhere = |g: &&TrafficDistributionGroup| {
            self.settings.region_check && region.is_some_and(|region| region != g.region)
        };
        found
            .filter(|g| !elsewhere(g))
            .ok_or_else(|| ApiError::not_found(format!("Traffic distribution group not found: {ident}")))
    }

    fn instance_arn_of(&self, instance_id: &str) -> String {
        self.instances.get(instance_id).map_or_else(|| self.seed.instance_arn(instance_id), |i| i.arn.clone())
    }

    pub fn describe_traffic_group(&self, ident: &str, region: Option<&str>) -> Result<Value, ApiError> {
        let group = self.traffic_group(ident, region)?;
        let mut out = group.summary_json(&self.instance_arn_of(&group.instance_id));
        out["Tags"] = json!({});
        Ok(json!({"TrafficDistributionGroup": out}))
    }

    /// The groups of the request's region, of one instance (id or ARN) when it names one. An instance that does
    /// not exist filters every group out: the operation has no not-found error.
    pub fn list_traffic_groups(
        &self,
        instance: Option<&str>,
        region: Option<&str>,
        page: &PageRequest,
    ) -> Result<Value, ApiError> {
        let size = self.page_len(page, PAGE_10, PAGE_10)?;
        let wanted = instance.map(|i| self.instance_id(i).ok());
        let all: Vec<Value> = self
            .traffic_groups
            .values()
            .filter(|g| !(self.settings.region_check && region.is_some_and(|region| region != g.region)))
            .filter(|g| wanted.as_ref().is_none_or(|id| id.as_deref() == Some(g.instance_id.as_str())))
            .map(|g| g.summary_json(&self.instance_arn_of(&g.instance_id)))
            .collect();
        let (items, next) = paginate(&all, page, size, |v| v["Id"].as_str().unwrap_or_default().to_owned())?;
        let mut out = json!({"TrafficDistributionGroupSummaryList": items});
        if let Some(next) = next {
            out["NextToken"] = json!(next);
        }
        Ok(out)
    }

    /// The group's id and the id of the user (id or ARN) of `instance`, which must be the group's instance.
    fn traffic_group_and_user(
        &self,
        ident: &str,
        instance: &str,
        user: &str,
        region: Option<&str>,
    ) -> Result<(String, String), ApiError> {
        let group = self.traffic_group(ident, region)?;
        if self.instance_id(instance).ok().as_deref() != Some(group.instance_id.as_str()) {
            return Err(ApiError::not_found(format!(
                "Instance not found: {instance} is not the instance of traffic distribution group {}",
                group.id
            )));
        }
        let user = self.user(&group.instance_id, user)?;
        Ok((group.id.clone(), user.id.clone()))
    }

    /// Associates a user; only an `ACTIVE` group takes one, and a user already associated is a conflict.
    pub fn associate_traffic_group_user(
        &mut self,
        ident: &str,
        instance: &str,
        user: &str,
        region: Option<&str>,
    ) -> Result<(), ApiError> {
        let group = self.traffic_group(ident, region)?;
        if group.status != TrafficDistributionGroupStatus::Active {
            return Err(ApiError::not_found(format!(
                "Traffic distribution group not found: {ident} is {}, not ACTIVE",
                group.status
            )));
        }
        let (group, user) = self.traffic_group_and_user(ident, instance, user, region)?;
        let Some(group) = self.traffic_groups.get_mut(&group) else {
            return Err(ApiError::not_found(format!("Traffic distribution group not found: {ident}")));
        };
        if !group.users.insert(user.clone()) {
            return Err(ApiError::new(
                ErrorCode::ResourceConflict,
                format!("User {user} is already associated with traffic distribution group {}", group.id),
            ));
        }
        Ok(())
    }

    /// Disassociates a user, whatever the group's status; a user not associated is not found.
    pub fn disassociate_traffic_group_user(
        &mut self,
        ident: &str,
        instance: &str,
        user: &str,
        region: Option<&str>,
    ) -> Result<(), ApiError> {
        let (group, user) = self.traffic_group_and_user(ident, instance, user, region)?;
        let removed = self.traffic_groups.get_mut(&group).is_some_and(|g| g.users.remove(&user));
        if removed {
            Ok(())
        } else {
            Err(ApiError::not_found(format!("User {user} is not associated with traffic distribution group {group}")))
        }
    }

    pub fn list_traffic_group_users(
        &self,
        ident: &str,
        region: Option<&str>,
        page: &PageRequest,
    ) -> Result<Value, ApiError> {
        let group = self.traffic_group(ident, region)?;
        let size = self.page_len(page, PAGE_10, PAGE_10)?;
        let all: Vec<Value> = group.users.iter().map(|id| json!({"UserId": id})).collect();
        let (items, next) = paginate(&all, page, size, |v| v["UserId"].as_str().unwrap_or_default().to_owned())?;
        let mut out = json!({"TrafficDistributionGroupUserSummaryList": items});
        if let Some(next) = next {
            out["NextToken"] = json!(next);
        }
        Ok(out)
    }

    /// The first group (by id) the user is associated with, if any.
    pub fn traffic_group_holding(&self, user_id: &str) -> Option<&TrafficDistributionGroup> {
        self.traffic_groups.values().find(|g| g.users.contains(user_id))
    }

    /// Adds a group of the instance (id or ARN) with home region `region`; its ARN.
    pub fn add_traffic_group(
        &mut self,
        instance: &str,
        name: &str,
        region: &str,
        status: TrafficDistributionGroupStatus,
        is_default: bool,
    ) -> Result<String, ApiError> {
        let instance_id = self.instance_id(instance)?;
        if region.is_empty() {
            return Err(ApiError::invalid_parameter("a traffic distribution group needs a home region"));
        }
        let id = self.new_id();
        let arn = traffic_group_arn(region, self.seed.account, &id);
        let group = TrafficDistributionGroup {
            id: id.clone(),
            arn: arn.clone(),
            name: name.to_owned(),
            instance_id,
            region: region.to_owned(),
            status,
            is_default,
            users: BTreeSet::new(),
        };
        self.traffic_groups.insert(id, group);
        Ok(arn)
    }

    pub fn set_traffic_group_status(
        &mut self,
        ident: &str,
        status: TrafficDistributionGroupStatus,
    ) -> Result<(), ApiError> {
        let id = self.traffic_group(ident, None)?.id.clone();
        if let Some(group) = self.traffic_groups.get_mut(&id) {
            group.status = status;
        }
        Ok(())
    }

    /// The ids of the users associated with the group (id or ARN), in any region.
    pub fn traffic_group_users(&self, ident: &str) -> Option<Vec<String>> {
        Some(self.traffic_group(ident, None).ok()?.users.iter().cloned().collect())
    }

    /// The ARNs of the groups the user (id or ARN) is associated with.
    pub fn traffic_groups_of(&self, user: &str) -> Vec<String> {
        let Some((_, user)) = self.locate_user(user) else { return Vec::new() };
        self.traffic_groups.values().filter(|g| g.users.contains(&user)).map(|g| g.arn.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect::population;
    use crate::connect::seed::Seed;

    const GROUP: &str = Seed::TRAFFIC_DISTRIBUTION_GROUP_1;

    fn store_with_users() -> (Store, Vec<String>) {
        let mut store = Store::new(Seed::new(), None);
        population::populate(&mut store, Seed::INSTANCE_1, 2);
        let users = store.instances.get(Seed::INSTANCE_1).map(|i| i.users.keys().cloned().collect());
        (store, users.unwrap_or_default())
    }

    #[test]
    fn association_rules() {
        let (mut store, users) = store_with_users();
        let (i1, us) = (Seed::INSTANCE_1, Some(Seed::REGION));
        assert_eq!(store.associate_traffic_group_user(GROUP, i1, &users[0], us), Ok(()));
        let again = store.associate_traffic_group_user(GROUP, i1, &users[0], us).map_err(|e| e.code);
        assert_eq!(again, Err(ErrorCode::ResourceConflict));
        let code = |r: Result<(), ApiError>| r.map_err(|e| e.code);
        let not_found = Err(ErrorCode::ResourceNotFound);
        assert_eq!(code(store.associate_traffic_group_user(GROUP, Seed::INSTANCE_2, &users[1], us)), not_found);
        assert_eq!(code(store.associate_traffic_group_user(GROUP, i1, "no-such-user", us)), not_found);
        assert_eq!(code(store.associate_traffic_group_user(GROUP, i1, &users[1], Some(Seed::REGION_EU))), not_found);
        assert_eq!(code(store.disassociate_traffic_group_user(GROUP, i1, &users[1], us)), not_found);
        assert_eq!(store.set_traffic_group_status(GROUP, TrafficDistributionGroupStatus::PendingDeletion), Ok(()));
        assert_eq!(code(store.associate_traffic_group_user(GROUP, i1, &users[1], us)), not_found);
        assert_eq!(store.disassociate_traffic_group_user(GROUP, i1, &users[0], us), Ok(()));
        assert_eq!(store.traffic_group_users(GROUP), Some(Vec::new()));
    }

    #[test]
    fn a_user_of_a_group_cannot_be_deleted() {
        let (mut store, users) = store_with_users();
        let arn = store.seed.traffic_distribution_group_arn(GROUP);
        assert_eq!(store.associate_traffic_group_user(&arn, Seed::INSTANCE_1, &users[0], None), Ok(()));
        assert_eq!(store.traffic_groups_of(&users[0]), std::slice::from_ref(&arn));
        let refused = store.delete_user(Seed::INSTANCE_1, &users[0]);
        assert!(refused.is_err_and(|e| e.code == ErrorCode::InvalidRequest && e.message.contains(&arn)));
        assert_eq!(store.disassociate_traffic_group_user(&arn, Seed::INSTANCE_1, &users[0], None), Ok(()));
        assert_eq!(store.delete_user(Seed::INSTANCE_1, &users[0]), Ok(()));
    }
}
