//! The in-memory Connect: instances with their profiles, groups and predefined attributes, and the users, with the
//! semantics of each operation (identifier resolution, uniqueness, per-channel state, tags, proficiencies,
//! pagination), and the harsher behaviours the settings switch on (visibility lag, users quota, regions).
//! No I/O and no clock of its own: callers pass the time in.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasher, RandomState};

use serde_json::{Value, json};
use tokio::time::Instant;

use super::error::{ApiError, ErrorCode};
use super::harsh::{Settings, Visibility};
use super::model::{
    AfterContactWork, AutoAccept, Channel, ChannelSettings, IdentityInfo, PhoneNumber, PhoneType, User,
};
use super::seed::{IdentityManagement, Seed};
use super::validate::MAX_TAGS;
use super::wire::{ChannelUpdate, PhoneConfigUpdate, Proficiency};

/// Largest page of `ListUsers`.
pub const LIST_USERS_MAX: usize = 1000;
/// Default page of `ListUsers`.
pub const LIST_USERS_DEFAULT: usize = 100;
/// Largest (and default) page of `ListUserProficiencies` and `SearchUsers`.
pub const PAGE_100: usize = 100;

#[derive(Debug)]
pub struct Instance {
    pub id: String,
    pub arn: String,
    pub alias: String,
    pub region: String,
    pub identity_management: IdentityManagement,
    pub routing_profiles: BTreeSet<String>,
    pub security_profiles: BTreeSet<String>,
    pub hierarchy_groups: BTreeSet<String>,
    pub attributes: BTreeMap<String, BTreeSet<String>>,
    /// Keyed by user id, so pages are stable while users come and go.
    pub users: BTreeMap<String, User>,
}

/// What `CreateUser` stores once the request is checked; resource references still as the caller gave them.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub username: String,
    pub password: Option<String>,
    pub identity_info: Option<IdentityInfo>,
    pub phone_config: Option<PhoneConfigUpdate>,
    pub channels: ChannelUpdate,
    pub directory_user_id: Option<String>,
    pub security_profile_ids: Vec<String>,
    pub routing_profile_id: String,
    pub hierarchy_group_id: Option<String>,
    pub tags: BTreeMap<String, String>,
}

/// A page request: an opaque token and a size.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

/// A string condition of `SearchUsers`.
#[derive(Debug, Clone, PartialEq)]
pub enum Criteria {
    Any,
    Field { field: SearchField, value: String, comparison: Comparison },
    And(Vec<Criteria>),
    Or(Vec<Criteria>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SearchField {
    Username,
    FirstName,
    LastName,
    ResourceId,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Comparison {
    Exact,
    Contains,
    StartsWith,
}

impl Criteria {
    fn matches(&self, user: &User) -> bool {
        match self {
            Self::Any => true,
            Self::And(all) => all.iter().all(|c| c.matches(user)),
            Self::Or(any) => any.iter().any(|c| c.matches(user)),
            Self::Field { field, value, comparison } => {
                let identity = user.identity_info.as_ref();
                let candidate = match field {
                    SearchField::Username => Some(user.username.as_str()),
                    SearchField::FirstName => identity.and_then(|i| i.first_name.as_deref()),
                    SearchField::LastName => identity.and_then(|i| i.last_name.as_deref()),
                    SearchField::ResourceId => Some(user.id.as_str()),
                };
                candidate.is_some_and(|candidate| match comparison {
                    Comparison::Exact => candidate == value,
                    Comparison::Contains => candidate.contains(value.as_str()),
                    Comparison::StartsWith => candidate.starts_with(value.as_str()),
                })
            }
        }
    }
}

#[derive(Debug)]
pub struct Store {
    pub seed: Seed,
    pub instances: BTreeMap<String, Instance>,
    /// Forced default page size (tests), instead of Connect's.
    pub page_size: Option<usize>,
    pub settings: Settings,
    pub visibility: Visibility,
    ids: RandomState,
    id_counter: u64,
}

impl Store {
    pub fn new(seed: Seed, page_size: Option<usize>) -> Self {
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
                    routing_profiles: i.routing_profiles.iter().map(|(id, _)| (*id).to_owned()).collect(),
                    security_profiles: i.security_profiles.iter().map(|(id, _)| (*id).to_owned()).collect(),
                    hierarchy_groups: i.hierarchy_groups.iter().map(|id| (*id).to_owned()).collect(),
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
        Self {
            seed,
            instances,
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

    /// A fresh UUID-shaped (version 4 layout) id.
    fn new_user_id(&mut self) -> String {
        self.id_counter += 1;
        let high = self.ids.hash_one(("user-id-high", self.id_counter));
        let low = self.ids.hash_one(("user-id-low", self.id_counter));
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            high >> 32,
            (high >> 16) & 0xffff,
            high & 0x0fff,
            0x8000 | (low >> 48 & 0x3fff),
            low & 0xffff_ffff_ffff
        )
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

    /// Creates a user at `now` (epoch seconds); `clock` starts its visibility lag, if its instance has one.
    pub fn create_user(
        &mut self,
        instance: &str,
        new: NewUser,
        now: f64,
        clock: Instant,
    ) -> Result<(String, String), ApiError> {
        let inst = self.instance(instance)?;
        let routing_profile_id =
            resolve(inst, "routing-profile", &new.routing_profile_id, &inst.routing_profiles, "Routing profile")?;
        let security_profile_ids = resolve_security_profiles(inst, &new.security_profile_ids)?;
        let hierarchy_group_id = new
            .hierarchy_group_id
            .as_deref()
            .map(|g| resolve(inst, "agent-group", g, &inst.hierarchy_groups, "Hierarchy group"))
            .transpose()?;
        // Hidden users count: the username is taken the moment CreateUser commits.
        if inst.users.values().any(|u| u.username == new.username) {
            return Err(ApiError::new(
                ErrorCode::DuplicateResource,
                format!("User with username {} already exists", new.username),
            ));
        }
        if let Some(limit) = self.settings.users_per_instance
            && inst.users.len() >= limit
        {
            return Err(ApiError::new(
                ErrorCode::LimitExceeded,
                format!(
                    "The allowed limit for the resource has been exceeded: instance {} has reached its quota of \
                     {limit} users per instance",
                    inst.id
                ),
            ));
        }
        let mut channels = ChannelSettings::default();
        if let Some(config) = &new.phone_config {
            apply_phone_config(&mut channels, config);
        }
        apply_channel_update(&mut channels, &new.channels);
        let channels = channels.with_voice_defaults();
        check_desk_phones(&channels)?;
        let instance_id = inst.id.clone();
        let id = self.new_user_id();
        let arn = self.seed.user_arn(&instance_id, &id);
        let user = User {
            id: id.clone(),
            arn: arn.clone(),
            instance_id: instance_id.clone(),
            username: new.username,
            password: new.password,
            identity_info: new.identity_info,
            directory_user_id: new.directory_user_id,
            security_profile_ids,
            routing_profile_id,
            hierarchy_group_id,
            tags: new.tags,
            channels,
            proficiencies: BTreeMap::new(),
            last_modified: now,
            proficiencies_modified: now,
        };
        if let Some(inst) = self.instances.get_mut(&instance_id) {
            inst.users.insert(id.clone(), user);
        }
        self.visibility.hide_new(&id, &instance_id, clock);
        Ok((id, arn))
    }

    pub fn delete_user(&mut self, instance: &str, user: &str) -> Result<(), ApiError> {
        let id = self.user(instance, user)?.id.clone();
        if let Ok(inst) = self.instance_mut(instance) {
            inst.users.remove(&id);
        }
        Ok(())
    }

    /// Applies `change` to a copy of the user and stores it only when `change` succeeds.
    fn modify(
        &mut self,
        instance: &str,
        user: &str,
        now: f64,
        change: impl FnOnce(&Instance, &mut User) -> Result<(), ApiError>,
    ) -> Result<(), ApiError> {
        let inst = self.instance(instance)?;
        let mut copy = self.user(instance, user)?.clone();
        change(inst, &mut copy)?;
        copy.last_modified = now;
        *self.user_mut(instance, user)? = copy;
        Ok(())
    }

    pub fn update_identity_info(
        &mut self,
        instance: &str,
        user: &str,
        info: IdentityInfo,
        now: f64,
    ) -> Result<(), ApiError> {
        self.modify(instance, user, now, |_, u| {
            u.identity_info = Some(info);
            Ok(())
        })
    }

    pub fn update_phone_config(
        &mut self,
        instance: &str,
        user: &str,
        config: PhoneConfigUpdate,
        now: f64,
    ) -> Result<(), ApiError> {
        let all_channels = self.settings.phone_config_all_channels;
        self.modify(instance, user, now, |_, u| {
            apply_phone_config(&mut u.channels, &config);
            if all_channels {
                // Connect: "the UpdateUserPhoneConfig API will always set the same ACW timeouts to all channels
                // the user handles".
                for entry in u.channels.after_contact_work.values_mut() {
                    entry.time_limit = config.after_contact_work_time_limit;
                }
            }
            check_desk_phones(&u.channels)
        })
    }

    pub fn update_config(
        &mut self,
        instance: &str,
        user: &str,
        update: ChannelUpdate,
        now: f64,
    ) -> Result<(), ApiError> {
        self.modify(instance, user, now, |_, u| {
            apply_channel_update(&mut u.channels, &update);
            check_desk_phones(&u.channels)
        })
    }

    pub fn update_routing_profile(
        &mut self,
        instance: &str,
        user: &str,
        profile: &str,
        now: f64,
    ) -> Result<(), ApiError> {
        self.modify(instance, user, now, |inst, u| {
            u.routing_profile_id =
                resolve(inst, "routing-profile", profile, &inst.routing_profiles, "Routing profile")?;
            Ok(())
        })
    }

    pub fn update_security_profiles(
        &mut self,
        instance: &str,
        user: &str,
        profiles: &[String],
        now: f64,
    ) -> Result<(), ApiError> {
        self.modify(instance, user, now, |inst, u| {
            u.security_profile_ids = resolve_security_profiles(inst, profiles)?;
            Ok(())
        })
    }

    pub fn update_hierarchy(
        &mut self,
        instance: &str,
        user: &str,
        group: Option<&str>,
        now: f64,
    ) -> Result<(), ApiError> {
        self.modify(instance, user, now, |inst, u| {
            u.hierarchy_group_id = group
                .map(|g| resolve(inst, "agent-group", g, &inst.hierarchy_groups, "Hierarchy group"))
                .transpose()?;
            Ok(())
        })
    }

    /// Associates new proficiencies; an already associated (name, value) is an `InvalidRequestException`.
    pub fn associate_proficiencies(
        &mut self,
        instance: &str,
        user: &str,
        items: &[Proficiency],
        now: f64,
    ) -> Result<(), ApiError> {
        self.modify(instance, user, now, |inst, u| {
            for p in items {
                check_attribute(inst, p)?;
                if u.proficiencies.contains_key(&(p.name.clone(), p.value.clone())) {
                    return Err(ApiError::invalid_request(format!(
                        "Proficiency {}={} is already associated with the user",
                        p.name, p.value
                    )));
                }
                u.proficiencies.insert((p.name.clone(), p.value.clone()), p.level);
            }
            u.proficiencies_modified = now;
            Ok(())
        })
    }

    /// Changes levels of associated proficiencies; one not associated is an `InvalidRequestException`.
    pub fn update_proficiencies(
        &mut self,
        instance: &str,
        user: &str,
        items: &[Proficiency],
        now: f64,
    ) -> Result<(), ApiError> {
        self.modify(instance, user, now, |_, u| {
            for p in items {
                let Some(level) = u.proficiencies.get_mut(&(p.name.clone(), p.value.clone())) else {
                    return Err(ApiError::invalid_request(format!(
                        "Proficiency {}={} is not associated with the user",
                        p.name, p.value
                    )));
                };
                *level = p.level;
            }
            u.proficiencies_modified = now;
            Ok(())
        })
    }

    /// Removes proficiencies; one not associated is ignored, so a repeated call succeeds.
    pub fn disassociate_proficiencies(
        &mut self,
        instance: &str,
        user: &str,
        items: &[Proficiency],
        now: f64,
    ) -> Result<(), ApiError> {
        self.modify(instance, user, now, |_, u| {
            for p in items {
                u.proficiencies.remove(&(p.name.clone(), p.value.clone()));
            }
            u.proficiencies_modified = now;
            Ok(())
        })
    }

    pub fn list_proficiencies(&self, instance: &str, user: &str, page: &PageRequest) -> Result<Value, ApiError> {
        let u = self.user(instance, user)?;
        let size = self.page_len(page, PAGE_100, PAGE_100)?;
        let all = u.proficiencies_json();
        let (items, next) = paginate(&all, page, size, |p| {
            // NUL sorts first, so these keys order like the (name, value) map they come from.
            format!(
                "{}\0{}",
                p["AttributeName"].as_str().unwrap_or_default(),
                p["AttributeValue"].as_str().unwrap_or_default()
            )
        })?;
        let mut out = json!({
            "UserProficiencyList": items,
            "LastModifiedTime": u.proficiencies_modified,
            "LastModifiedRegion": self.region_of(&u.instance_id),
        });
        if let Some(next) = next {
            out["NextToken"] = json!(next);
        }
        Ok(out)
    }

    pub fn list_users(&self, instance: &str, page: &PageRequest) -> Result<Value, ApiError> {
        let inst = self.instance(instance)?;
        let size = self.page_len(page, LIST_USERS_DEFAULT, LIST_USERS_MAX)?;
        let all: Vec<Value> = inst
            .users
            .values()
            .filter(|u| !self.visibility.is_hidden(&u.id))
            .map(|u| u.summary_json(&inst.region))
            .collect();
        let (items, next) = paginate(&all, page, size, |u| u["Id"].as_str().unwrap_or_default().to_owned())?;
        let mut out = json!({"UserSummaryList": items});
        if let Some(next) = next {
            out["NextToken"] = json!(next);
        }
        Ok(out)
    }

    pub fn search_users(&self, instance: &str, criteria: &Criteria, page: &PageRequest) -> Result<Value, ApiError> {
        let inst = self.instance(instance)?;
        let size = self.page_len(page, PAGE_100, PAGE_100)?;
        let all: Vec<Value> = inst
            .users
            .values()
            .filter(|u| !self.visibility.is_hidden(&u.id) && criteria.matches(u))
            .map(User::search_summary_json)
            .collect();
        let (items, next) = paginate(&all, page, size, |u| u["Id"].as_str().unwrap_or_default().to_owned())?;
        let mut out = json!({"Users": items, "ApproximateTotalCount": all.len()});
        if let Some(next) = next {
            out["NextToken"] = json!(next);
        }
        Ok(out)
    }

    /// Resolves a taggable resource ARN (only users can be tagged here) to (instance id, user id).
    fn tagged_user(&self, arn: &str) -> Result<(String, String), ApiError> {
        if !arn.starts_with("arn:") {
            return Err(ApiError::invalid_parameter(format!("resourceArn is not an ARN: {arn}")));
        }
        self.locate_user(arn)
            .filter(|(_, user)| !self.visibility.is_hidden(user))
            .ok_or_else(|| ApiError::not_found(format!("Resource not found: {arn}")))
    }

    pub fn tag_resource(&mut self, arn: &str, tags: &BTreeMap<String, String>, now: f64) -> Result<(), ApiError> {
        let (instance, user) = self.tagged_user(arn)?;
        self.modify(&instance, &user, now, |_, u| {
            u.tags.extend(tags.iter().map(|(k, v)| (k.clone(), v.clone())));
            if u.tags.len() > MAX_TAGS {
                return Err(ApiError::invalid_parameter(format!(
                    "a resource can have at most {MAX_TAGS} tags; this request would leave {}",
                    u.tags.len()
                )));
            }
            Ok(())
        })
    }

    pub fn untag_resource(&mut self, arn: &str, keys: &[String], now: f64) -> Result<(), ApiError> {
        let (instance, user) = self.tagged_user(arn)?;
        self.modify(&instance, &user, now, |_, u| {
            for key in keys {
                u.tags.remove(key);
            }
            Ok(())
        })
    }

    fn page_len(&self, page: &PageRequest, default: usize, max: usize) -> Result<usize, ApiError> {
        match page.max_results {
            None => Ok(self.page_size.unwrap_or(default).clamp(1, max)),
            Some(n) if n >= 1 && n as u64 <= max as u64 => Ok(n as usize),
            Some(n) => Err(ApiError::invalid_parameter(format!("MaxResults must be between 1 and {max}, got {n}"))),
        }
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

fn resolve(
    instance: &Instance,
    kind: &str,
    ident: &str,
    known: &BTreeSet<String>,
    what: &str,
) -> Result<String, ApiError> {
    child_id(instance, kind, ident)
        .filter(|id| known.contains(*id))
        .map(str::to_owned)
        .ok_or_else(|| ApiError::not_found(format!("{what} not found in instance {}: {ident}", instance.id)))
}

/// Resolves 1–10 security profiles, keeping the first of any repeated id.
fn resolve_security_profiles(instance: &Instance, idents: &[String]) -> Result<Vec<String>, ApiError> {
    let mut out: Vec<String> = Vec::new();
    for ident in idents {
        let id = resolve(instance, "security-profile", ident, &instance.security_profiles, "Security profile")?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

fn check_attribute(instance: &Instance, p: &Proficiency) -> Result<(), ApiError> {
    let known = instance.attributes.get(&p.name).is_some_and(|values| values.contains(&p.value));
    if known {
        Ok(())
    } else {
        Err(ApiError::invalid_parameter(format!(
            "{}={} is not a predefined attribute of instance {}",
            p.name, p.value, instance.id
        )))
    }
}

/// Writes a `PhoneConfig` into the VOICE entries (see [`PhoneConfigUpdate`] for absent members).
fn apply_phone_config(channels: &mut ChannelSettings, config: &PhoneConfigUpdate) {
    let voice = Channel::Voice;
    let previous_first = channels.auto_accept.get(&voice).and_then(|a| a.agent_first_callback);
    channels
        .auto_accept
        .insert(voice, AutoAccept { auto_accept: config.auto_accept, agent_first_callback: previous_first });
    let previous_first = channels.after_contact_work.get(&voice).and_then(|a| a.agent_first_callback_time_limit);
    channels.after_contact_work.insert(
        voice,
        AfterContactWork {
            time_limit: config.after_contact_work_time_limit,
            agent_first_callback_time_limit: previous_first,
        },
    );
    let previous_number = channels.phone_number.get(&voice).and_then(|p| p.number.clone());
    let number = config.desk_phone_number.clone().or(previous_number);
    channels.phone_number.insert(voice, PhoneNumber { phone_type: config.phone_type, number });
    if let Some(persistent) = config.persistent_connection {
        channels.persistent_connection.insert(voice, persistent);
    }
}

/// Replaces, in each list given, the entries of the channels that list names.
fn apply_channel_update(channels: &mut ChannelSettings, update: &ChannelUpdate) {
    fn merge<T: Clone>(into: &mut BTreeMap<Channel, T>, from: &Option<BTreeMap<Channel, T>>) {
        if let Some(from) = from {
            into.extend(from.iter().map(|(c, v)| (*c, v.clone())));
        }
    }
    merge(&mut channels.auto_accept, &update.auto_accept);
    merge(&mut channels.after_contact_work, &update.after_contact_work);
    merge(&mut channels.phone_number, &update.phone_number);
    merge(&mut channels.persistent_connection, &update.persistent_connection);
    merge(&mut channels.voice_enhancement, &update.voice_enhancement);
}

fn check_desk_phones(channels: &ChannelSettings) -> Result<(), ApiError> {
    for (channel, entry) in &channels.phone_number {
        if entry.phone_type == PhoneType::DeskPhone && entry.number.is_none() {
            return Err(ApiError::invalid_parameter(format!(
                "a desk phone number is required for DESK_PHONE on channel {}",
                channel.as_str()
            )));
        }
    }
    Ok(())
}

/// One page of `all` after the item whose key the token names. Tokens are opaque: hex of the last key.
fn paginate(
    all: &[Value],
    page: &PageRequest,
    size: usize,
    key: impl Fn(&Value) -> String,
) -> Result<(Vec<Value>, Option<String>), ApiError> {
    let start = match &page.next_token {
        None => 0,
        Some(token) => {
            let last = decode_token(token).ok_or_else(|| ApiError::invalid_parameter("Invalid NextToken"))?;
            all.iter().position(|item| key(item) > last).unwrap_or(all.len())
        }
    };
    let end = (start + size).min(all.len());
    let items = all[start..end].to_vec();
    let next = (end < all.len()).then(|| items.last().map(|item| encode_token(&key(item)))).flatten();
    Ok((items, next))
}

const TOKEN_PREFIX: &str = "ce1.";

fn encode_token(key: &str) -> String {
    let hex: String = key.bytes().map(|b| format!("{b:02x}")).collect();
    format!("{TOKEN_PREFIX}{hex}")
}

fn decode_token(token: &str) -> Option<String> {
    let hex = token.strip_prefix(TOKEN_PREFIX)?;
    if hex.len() % 2 != 0 {
        return None;
    }
    let bytes: Option<Vec<u8>> =
        (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect();
    String::from_utf8(bytes?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        assert_eq!(decode_token(&encode_token("Skill=\"Billing\"")).as_deref(), Some("Skill=\"Billing\""));
        assert_eq!(decode_token("garbage"), None);
    }

    #[test]
    fn pages_follow_keys() {
        let all: Vec<Value> = (0..5).map(|i| json!({"Id": format!("u{i}")})).collect();
        let key = |v: &Value| v["Id"].as_str().unwrap_or_default().to_owned();
        let first = paginate(&all, &PageRequest::default(), 2, key);
        let Ok((items, Some(token))) = first else { panic!("expected a second page") };
        assert_eq!(items.len(), 2);
        let second = paginate(&all, &PageRequest { next_token: Some(token), max_results: None }, 2, key);
        let Ok((items, _)) = second else { panic!("expected a page") };
        assert_eq!(items[0]["Id"], "u2");
    }
}
