//! The test handle's controls over what users point at: routing profiles, security profiles and hierarchy groups
//! (add, rename, delete a routing profile) and traffic distribution groups (add, set the status, read the
//! associations). Connect changes these through operations the emulator does not serve; tests change them here,
//! between calls, to meet renamed, duplicated, deleted or not yet `ACTIVE` resources.

use super::state::Kind;
use super::{ApiError, Emulator, TrafficDistributionGroupStatus, server};

impl Emulator {
    /// Adds a routing profile named `name` (names need not be unique) to the instance (id or ARN); its ARN.
    pub fn add_routing_profile(&self, instance_id_or_arn: &str, name: &str) -> Result<String, ApiError> {
        self.add(Kind::RoutingProfile, instance_id_or_arn, name, None)
    }

    /// Adds a security profile named `name` to the instance (id or ARN); its ARN.
    pub fn add_security_profile(&self, instance_id_or_arn: &str, name: &str) -> Result<String, ApiError> {
        self.add(Kind::SecurityProfile, instance_id_or_arn, name, None)
    }

    /// Adds a hierarchy group named `name` to the instance (id or ARN), under `parent` (id or ARN; `None` at level
    /// one, and at most five levels deep); its ARN.
    pub fn add_hierarchy_group(
        &self,
        instance_id_or_arn: &str,
        name: &str,
        parent: Option<&str>,
    ) -> Result<String, ApiError> {
        self.add(Kind::HierarchyGroup, instance_id_or_arn, name, parent)
    }

    /// Renames a routing profile (id or ARN) of the instance.
    pub fn rename_routing_profile(&self, instance_id_or_arn: &str, profile: &str, name: &str) -> Result<(), ApiError> {
        self.rename(Kind::RoutingProfile, instance_id_or_arn, profile, name)
    }

    /// Renames a security profile (id or ARN) of the instance.
    pub fn rename_security_profile(&self, instance_id_or_arn: &str, profile: &str, name: &str) -> Result<(), ApiError> {
        self.rename(Kind::SecurityProfile, instance_id_or_arn, profile, name)
    }

    /// Renames a hierarchy group (id or ARN) of the instance; the paths of the groups under it change with it.
    pub fn rename_hierarchy_group(&self, instance_id_or_arn: &str, group: &str, name: &str) -> Result<(), ApiError> {
        self.rename(Kind::HierarchyGroup, instance_id_or_arn, group, name)
    }

    /// Deletes a routing profile (id or ARN) of the instance. Users that point at it keep its id in `DescribeUser`,
    /// as in Connect; naming it in a request is then not found.
    pub fn delete_routing_profile(&self, instance_id_or_arn: &str, profile: &str) -> Result<(), ApiError> {
        self.shared.store().delete_routing_profile(instance_id_or_arn, profile)
    }

    /// The names from level one down to the hierarchy group (id or ARN) of the instance, as they are now, e.g.
    /// `["Europe", "Berlin", "Team 4"]`.
    pub fn hierarchy_path(&self, instance_id_or_arn: &str, group: &str) -> Option<Vec<String>> {
        self.shared.store().hierarchy_path(instance_id_or_arn, group)
    }

    /// Adds a traffic distribution group of the instance (id or ARN), with home region `region` (the region of its
    /// ARN, and the only one that finds it); its ARN.
    pub fn add_traffic_distribution_group(
        &self,
        instance_id_or_arn: &str,
        name: &str,
        region: &str,
        status: TrafficDistributionGroupStatus,
        is_default: bool,
    ) -> Result<String, ApiError> {
        self.shared.store().add_traffic_group(instance_id_or_arn, name, region, status, is_default)
    }

    /// Sets the status of a traffic distribution group (id or ARN); only an `ACTIVE` one takes new users.
    pub fn set_traffic_distribution_group_status(
        &self,
        group_id_or_arn: &str,
        status: TrafficDistributionGroupStatus,
    ) -> Result<(), ApiError> {
        self.shared.store().set_traffic_group_status(group_id_or_arn, status)
    }

    /// The ids of the users associated with the traffic distribution group (id or ARN), in order; `None` when the
    /// group does not exist.
    pub fn traffic_distribution_group_users(&self, group_id_or_arn: &str) -> Option<Vec<String>> {
        self.shared.store().traffic_group_users(group_id_or_arn)
    }

    /// The ARNs of the traffic distribution groups the user (id or ARN) is associated with, by group id.
    pub fn traffic_distribution_groups_of(&self, user_id_or_arn: &str) -> Vec<String> {
        self.shared.store().traffic_groups_of(user_id_or_arn)
    }

    fn add(&self, kind: Kind, instance: &str, name: &str, parent: Option<&str>) -> Result<String, ApiError> {
        self.shared.store().add_resource(kind, instance, name, parent, server::epoch_now())
    }

    fn rename(&self, kind: Kind, instance: &str, ident: &str, name: &str) -> Result<(), ApiError> {
        self.shared.store().rename_resource(kind, instance, ident, name, server::epoch_now())
    }
}
