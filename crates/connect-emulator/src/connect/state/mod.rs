//! The in-memory Connect: instances with their profiles, groups and predefined attributes, the users in them, and
//! the account's traffic distribution groups. This module owns the store itself and how a request's identifiers
//! resolve in it (instance and user ids or ARNs, regions, visibility); the operations live in its children:
//! `writes` (create, update, tag, delete users), `query` (list and search users, pagination), `catalog` (routing
//! profiles, security profiles, hierarchy groups) and `traffic` (traffic distribution groups). No I/O and no clock
//! of its own: callers pass the time in.

mod catalog;
mod query;
mod traffic;
mod writes;

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasher, RandomState};

use serde_json::{Value, json};

use super::error::ApiError;
use super::harsh::{Settings, Visibility};
use super::model::User;
use super::seed::{IdentityManagement, Seed};

pub use catalog::{Kind, Named};
pub use query::{Comparison, Criteria, PageRequest, SearchField};
pub use traffic::{TrafficDistributionGroup, TrafficDistributionGroupStatus};
pub use writes::NewUser;

#[derive(Debug)]
pub struct Instance {
    pub id: String,
    pub arn: String,
    pub alias: String,
    pub region: String,
    pub identity_management: IdentityManagement,
    /// Routing profiles, security profiles and hierarchy groups by id.
    pub routing_profiles: BTreeMap<String, Named>,
    pub security_profiles: BTreeMap<String, Named>,
    pub hierarchy_groups: BTreeMap<String, Named>,
    pub attributes: BTreeMap<String, BTreeSet<String>>,
    /// Keyed by user id, so pages are stable while users come and go.
    pub users: BTreeMap<String, User>,
}

#[derive(Debug)]
pub struct Store {
    pub seed: Seed,
    pub instances: BTreeMap<String, Instance>,
    /// Account-wide, by id.
    pub traffic_groups: BTreeMap<String, TrafficDistributionGroup>,
    /// Forced default page size (tests), instead of Connect's.
    pub page_size: Option<usize>,
    pub settings: Settings,
    pub visibility: Visibility,
    ids: RandomState,
    id_counter: u64,
}

impl Store {
    pub fn new(seed: Seed, page_size: Option<usize>) -> Self {
        let named = |list: &[(&str, &str)]| {
            list.iter().map(|(id, name)| ((*id).to_owned(), Named::new(name, None, catalog::SEEDED_AT))).collect()
        };
        let instances = seed
            .instances
            .iter()
            .map(|i| {
                let instance = Instance {
                    id: i.id.to_owned(),
                    arn: seed.instance_arn(i.id),
                    alias: i.alias.to_owned(),
                    region: i.region.to_owned(),
                    identity_management: i.identity_management,
                    routing_profiles: named(i.routing_profiles),
                    security_profiles: named(i.security_profiles),
                    hierarchy_groups: i
                        .hierarchy_groups
                        .iter()
                        .map(|g| (g.id.to_owned(), Named::new(g.name, g.parent, catalog::SEEDED_AT)))
                        .collect(),
                    attributes: i
                        .predefined_attributes
                        .iter()
                        .map(|(name, values)| ((*name).to_owned(), values.iter().map(|v| (*v).to_owned()).collect()))
                        .collect(),
                    users: BTreeMap::new(),
                };
                (instance.id.clone(), instance)
            })
            .collect();
        let traffic_groups = seed
            .instances
            .iter()
            .flat_map(|i| i.traffic_distribution_groups.iter().map(move |g| (i.id, g)))
            .map(|(instance_id, g)| {
                let group = TrafficDistributionGroup {
                    id: g.id.to_owned(),
                    arn: traffic::traffic_group_arn(g.region, seed.account, g.id),
                    name: g.name.to_owned(),
                    instance_id: instance_id.to_owned(),
                    region: g.region.to_owned(),
                    status: TrafficDistributionGroupStatus::Active,
                    is_default: g.is_default,
                    users: BTreeSet::new(),
                };
                (group.id.clone(), group)
            })
            .collect();
        Self {
            seed,
            instances,
            traffic_groups,
            page_size,
            settings: Settings::default(),
            visibility: Visibility::default(),
            ids: RandomState::new(),
            id_counter: 0,
        }
    }

    pub fn user_count(&self) -> usize {
        self.instances.values().map(|i| i.users.len()).sum()
    }

    /// A fresh UUID-shaped (version 4 layout) id, for users and the resources tests add.
    fn new_id(&mut self) -> String {
        self.id_counter += 1;
        let high = self.ids.hash_one(("user-id-high", self.id_counter));
        let low = self.ids.hash_one(("user-id-low", self.id_counter));
        uuid_shaped(high, low)
    }

    /// Resolves an instance id or ARN to the instance id.
    pub fn instance_id(&self, ident: &str) -> Result<String, ApiError> {
        let id = if ident.starts_with("arn:") {
            self.instances.values().find(|i| i.arn == ident).map(|i| i.id.clone())
        } else {
            self.instances.contains_key(ident).then(|| ident.to_owned())
        };
        id.ok_or_else(|| ApiError::not_found(format!("Instance not found: {ident}")))
    }

    fn instance(&self, ident: &str) -> Result<&Instance, ApiError> {
        let id = self.instance_id(ident)?;
        self.instances.get(&id).ok_or_else(|| ApiError::not_found(format!("Instance not found: {ident}")))
    }

    fn instance_mut(&mut self, ident: &str) -> Result<&mut Instance, ApiError> {
        let id = self.instance_id(ident)?;
        self.instances.get_mut(&id).ok_or_else(|| ApiError::not_found(format!("Instance not found: {ident}")))
    }

    /// Resolves the user's id within `instance`, or from its ARN anywhere when `instance` is `None`.
    pub fn locate_user(&self, ident: &str) -> Option<(String, String)> {
        if ident.starts_with("arn:") {
            let (instance_arn, user_id) = ident.rsplit_once("/agent/")?;
            let instance = self.instances.values().find(|i| i.arn == instance_arn)?;
            instance.users.contains_key(user_id).then(|| (instance.id.clone(), user_id.to_owned()))
        } else {
            self.instances.values().find(|i| i.users.contains_key(ident)).map(|i| (i.id.clone(), ident.to_owned()))
        }
    }

    /// The user as a request sees it: a user still in its visibility lag is not found.
    pub fn user(&self, instance: &str, user: &str) -> Result<&User, ApiError> {
        self.user_any(instance, user)
            .ok()
            .filter(|u| !self.visibility.is_hidden(&u.id))
            .ok_or_else(|| ApiError::not_found(format!("User not found for identifier: {user}")))
    }

    /// The user as stored, visible yet or not (for the test handle's direct reads).
    pub fn user_any(&self, instance: &str, user: &str) -> Result<&User, ApiError> {
        let instance = self.instance(instance)?;
        let id = child_id(instance, "agent", user);
        id.and_then(|id| instance.users.get(id))
            .ok_or_else(|| ApiError::not_found(format!("User not found for identifier: {user}")))
    }

    /// The instance a request addresses by id, ARN or the ARN of one of its resources, if it exists.
    fn addressed_instance(&self, ident: &str) -> Option<&Instance> {
        if ident.starts_with("arn:") {
            self.instances.values().find(|i| {
                ident.strip_prefix(i.arn.as_str()).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
        } else {
            self.instances.get(ident)
        }
    }

    /// Not-found for a request signed for `region` when the instance `ident` names lives in another region, as
    /// Connect's regional endpoints know only their own instances. Unknown instances are left to the operation.
    pub fn check_region(&self, ident: &str, region: Option<&str>) -> Result<(), ApiError> {
        let (Some(region), true) = (region, self.settings.region_check) else { return Ok(()) };
        match self.addressed_instance(ident) {
            Some(instance) if instance.region != region => {
                Err(ApiError::not_found(format!("Instance not found: {ident}")))
            }
            _ => Ok(()),
        }
    }

    /// The identity-management type whose rules apply to `instance`, when the rules are switched on.
    pub fn identity_rules_of(&self, instance: &str) -> Option<IdentityManagement> {
        if !self.settings.identity_rules {
            return None;
        }
        self.instance(instance).ok().map(|i| i.identity_management)
    }

    /// `DescribeInstance`'s answer.
    pub fn describe_instance(&self, ident: &str) -> Result<Value, ApiError> {
        let instance = self.instance(ident)?;
        Ok(json!({
            "Instance": {
                "Id": instance.id,
                "Arn": instance.arn,
                "IdentityManagementType": instance.identity_management.as_str(),
                "InstanceAlias": instance.alias,
                // A fixed creation time: the seed is deterministic.
                "CreatedTime": 1_700_000_000.0,
                "ServiceRole": format!(
                    "arn:aws:iam::{}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_{}",
                    self.seed.account, instance.alias
                ),
                "InstanceStatus": "ACTIVE",
                "InboundCallsEnabled": true,
                "OutboundCallsEnabled": true,
                "InstanceAccessUrl": format!("https://{}.my.connect.aws/", instance.alias),
                "Tags": {},
            }
        }))
    }

    /// The region of the instance the user lives in, for `LastModifiedRegion`.
    pub fn region_of(&self, instance_id: &str) -> &str {
        self.instances.get(instance_id).map_or(self.seed.region, |i| i.region.as_str())
    }

    fn user_mut(&mut self, instance: &str, user: &str) -> Result<&mut User, ApiError> {
        let instance = self.instance_mut(instance)?;
        let id = child_id(instance, "agent", user).map(str::to_owned);
        id.and_then(|id| instance.users.get_mut(&id))
            .ok_or_else(|| ApiError::not_found(format!("User not found for identifier: {user}")))
    }

    pub fn find_by_username(&self, instance: &str, username: &str) -> Option<&User> {
        self.instance(instance).ok()?.users.values().find(|u| u.username == username)
    }
}

/// The bare id of a child resource given as id or ARN, when it names `instance`. `None` for another instance's ARN.
fn child_id<'a>(instance: &Instance, kind: &str, ident: &'a str) -> Option<&'a str> {
    if ident.starts_with("arn:") {
        ident.strip_prefix(instance.arn.as_str())?.strip_prefix('/')?.strip_prefix(kind)?.strip_prefix('/')
    } else {
        Some(ident)
    }
}

/// Two 64-bit hashes as a UUID in the version 4 layout, the shape Connect gives user ids.
pub(super) fn uuid_shaped(high: u64, low: u64) -> String {
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0x0fff,
        0x8000 | (low >> 48 & 0x3fff),
        low & 0xffff_ffff_ffff
    )
}
