//! Request bodies as `aws-sdk-connect` serializes them, and their validation into the checked values the store
//! applies. Every member is optional here so that a missing or bad member becomes an `InvalidParameterException`
//! naming it rather than a deserialization failure.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::model::{
    AfterContactWork, AutoAccept, Channel, IdentityInfo, PhoneNumber, PhoneType, VOICE_ENHANCEMENT_MODES,
};
use super::validate::{self, Problems};

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PhoneConfigIn {
    pub phone_type: Option<String>,
    pub auto_accept: Option<bool>,
    pub after_contact_work_time_limit: Option<i64>,
    pub desk_phone_number: Option<String>,
    pub persistent_connection: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AutoAcceptIn {
    pub channel: Option<String>,
    pub auto_accept: Option<bool>,
    pub agent_first_callback_auto_accept: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AcwConfigIn {
    pub after_contact_work_time_limit: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AcwPerChannelIn {
    pub channel: Option<String>,
    pub after_contact_work_config: Option<AcwConfigIn>,
    pub agent_first_callback_after_contact_work_config: Option<AcwConfigIn>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PhoneNumberIn {
    pub channel: Option<String>,
    pub phone_type: Option<String>,
    pub phone_number: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PersistentConnectionIn {
    pub channel: Option<String>,
    pub persistent_connection: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VoiceEnhancementIn {
    pub channel: Option<String>,
    pub voice_enhancement_mode: Option<String>,
}

/// The five per-channel lists of `CreateUser` and `UpdateUserConfig`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChannelListsIn {
    pub auto_accept_configs: Option<Vec<AutoAcceptIn>>,
    pub after_contact_work_configs: Option<Vec<AcwPerChannelIn>>,
    pub phone_number_configs: Option<Vec<PhoneNumberIn>>,
    pub persistent_connection_configs: Option<Vec<PersistentConnectionIn>>,
    pub voice_enhancement_configs: Option<Vec<VoiceEnhancementIn>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateUserIn {
    pub username: Option<String>,
    pub password: Option<String>,
    /// Newer SDKs send it instead of `Password`; only the identity-management rules look at it.
    pub password_secret_arn: Option<String>,
    pub identity_info: Option<IdentityInfo>,
    pub phone_config: Option<PhoneConfigIn>,
    pub directory_user_id: Option<String>,
    pub security_profile_ids: Option<Vec<String>>,
    pub routing_profile_id: Option<String>,
    pub hierarchy_group_id: Option<String>,
    pub tags: Option<BTreeMap<String, String>>,
    #[serde(flatten)]
    pub channels: ChannelListsIn,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdentityInfoIn {
    pub identity_info: Option<IdentityInfo>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PhoneConfigUpdateIn {
    pub phone_config: Option<PhoneConfigIn>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoutingProfileIn {
    pub routing_profile_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityProfilesIn {
    pub security_profile_ids: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HierarchyIn {
    pub hierarchy_group_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProficiencyIn {
    pub attribute_name: Option<String>,
    pub attribute_value: Option<String>,
    pub level: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProficienciesIn {
    pub user_proficiencies: Option<Vec<ProficiencyIn>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StringConditionIn {
    pub field_name: Option<String>,
    pub value: Option<String>,
    pub comparison_type: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SearchCriteriaIn {
    pub or_conditions: Option<Vec<SearchCriteriaIn>>,
    pub and_conditions: Option<Vec<SearchCriteriaIn>>,
    pub string_condition: Option<StringConditionIn>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SearchUsersIn {
    pub instance_id: Option<String>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
    pub search_criteria: Option<SearchCriteriaIn>,
}

/// The body of `SearchRoutingProfiles`, `SearchSecurityProfiles` and `SearchUserHierarchyGroups`; their
/// `SearchFilter` (tag and attribute filters) is not modelled and is ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SearchResourcesIn {
    pub instance_id: Option<String>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
    pub search_criteria: Option<SearchCriteriaIn>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TrafficGroupUserIn {
    pub user_id: Option<String>,
    pub instance_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct TagResourceIn {
    pub tags: Option<BTreeMap<String, String>>,
}

/// A checked `PhoneConfig`: what `UpdateUserPhoneConfig` or `CreateUser` writes into the VOICE entries.
/// Absent `AutoAccept` is false, absent time limit 0, absent `PhoneType` `SOFT_PHONE`; absent `DeskPhoneNumber` and
/// `PersistentConnection` leave the stored values alone.
#[derive(Debug, Clone, PartialEq)]
pub struct PhoneConfigUpdate {
    pub phone_type: PhoneType,
    pub auto_accept: bool,
    pub after_contact_work_time_limit: i64,
    pub desk_phone_number: Option<String>,
    pub persistent_connection: Option<bool>,
}

/// Checked per-channel lists; `None` for a list the request did not give.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChannelUpdate {
    pub auto_accept: Option<BTreeMap<Channel, AutoAccept>>,
    pub after_contact_work: Option<BTreeMap<Channel, AfterContactWork>>,
    pub phone_number: Option<BTreeMap<Channel, PhoneNumber>>,
    pub persistent_connection: Option<BTreeMap<Channel, bool>>,
    pub voice_enhancement: Option<BTreeMap<Channel, String>>,
}

impl ChannelUpdate {
    pub fn is_empty(&self) -> bool {
        self.auto_accept.is_none()
            && self.after_contact_work.is_none()
            && self.phone_number.is_none()
            && self.persistent_connection.is_none()
            && self.voice_enhancement.is_none()
    }
}

/// A checked proficiency (name, value, level).
#[derive(Debug, Clone, PartialEq)]
pub struct Proficiency {
    pub name: String,
    pub value: String,
    pub level: f64,
}

pub fn required<'a, T>(value: &'a Option<T>, path: &str, problems: &mut Problems) -> Option<&'a T> {
    if value.is_none() {
        problems.push(format!("{path} is required"));
    }
    value.as_ref()
}

pub fn identity_info(info: &IdentityInfo, problems: &mut Problems) {
    if let Some(first) = &info.first_name {
        problems.check(validate::length("IdentityInfo.FirstName", first, 0, 255));
    }
    if let Some(last) = &info.last_name {
        problems.check(validate::length("IdentityInfo.LastName", last, 0, 300));
    }
    if let Some(email) = &info.email {
        problems.check(validate::email("IdentityInfo.Email", email));
    }
    if let Some(email) = &info.secondary_email {
        problems.check(validate::email("IdentityInfo.SecondaryEmail", email));
    }
    if let Some(mobile) = &info.mobile {
        problems.check(validate::phone_number("IdentityInfo.Mobile", mobile));
    }
}

pub fn phone_config(config: &PhoneConfigIn, problems: &mut Problems) -> PhoneConfigUpdate {
    let phone_type = match config.phone_type.as_deref() {
        None => PhoneType::SoftPhone,
        Some(raw) => PhoneType::parse(raw).unwrap_or_else(|| {
            problems.push(format!("PhoneConfig.PhoneType must be SOFT_PHONE or DESK_PHONE, got {raw:?}"));
            PhoneType::SoftPhone
        }),
    };
    let acw = config.after_contact_work_time_limit.unwrap_or(0);
    problems.check(validate::acw_seconds("PhoneConfig.AfterContactWorkTimeLimit", acw));
    if let Some(number) = &config.desk_phone_number {
        problems.check(validate::phone_number("PhoneConfig.DeskPhoneNumber", number));
    }
    PhoneConfigUpdate {
        phone_type,
        auto_accept: config.auto_accept.unwrap_or(false),
        after_contact_work_time_limit: acw,
        desk_phone_number: config.desk_phone_number.clone(),
        persistent_connection: config.persistent_connection,
    }
}

/// Parses the `Channel` of entry `index` of `list`, and rejects a second entry for the same channel.
fn channel_of<T>(
    raw: &Option<String>,
    list: &str,
    index: usize,
    voice_only: bool,
    seen: &BTreeMap<Channel, T>,
    problems: &mut Problems,
) -> Option<Channel> {
    let path = format!("{list}[{index}].Channel");
    let raw = required(raw, &path, problems)?;
    let Some(channel) = Channel::parse(raw) else {
        problems.push(format!("{path} must be one of VOICE, CHAT, TASK, EMAIL, got {raw:?}"));
        return None;
    };
    if voice_only && channel != Channel::Voice {
        problems.push(format!("{path}: only VOICE is supported for {list}, got {raw}"));
        return None;
    }
    if seen.contains_key(&channel) {
        problems.push(format!("{list} has more than one entry for channel {raw}"));
        return None;
    }
    Some(channel)
}

pub fn channel_lists(lists: &ChannelListsIn, problems: &mut Problems) -> ChannelUpdate {
    let mut update = ChannelUpdate::default();
    if let Some(items) = &lists.auto_accept_configs {
        let mut out = BTreeMap::new();
        for (i, item) in items.iter().enumerate() {
            let channel = channel_of(&item.channel, "AutoAcceptConfigs", i, false, &out, problems);
            let auto_accept = required(&item.auto_accept, &format!("AutoAcceptConfigs[{i}].AutoAccept"), problems);
            if let (Some(channel), Some(auto_accept)) = (channel, auto_accept) {
                let entry = AutoAccept {
                    auto_accept: *auto_accept,
                    agent_first_callback: item.agent_first_callback_auto_accept,
                };
                out.insert(channel, entry);
            }
        }
        update.auto_accept = Some(out);
    }
    if let Some(items) = &lists.after_contact_work_configs {
        let mut out = BTreeMap::new();
        for (i, item) in items.iter().enumerate() {
            let channel = channel_of(&item.channel, "AfterContactWorkConfigs", i, false, &out, problems);
            let path = format!("AfterContactWorkConfigs[{i}].AfterContactWorkConfig");
            let config = required(&item.after_contact_work_config, &path, problems);
            let limit = config.map(|c| c.after_contact_work_time_limit.unwrap_or(0));
            if let Some(limit) = limit {
                problems.check(validate::acw_seconds(&format!("{path}.AfterContactWorkTimeLimit"), limit));
            }
            let first = item
                .agent_first_callback_after_contact_work_config
                .as_ref()
                .map(|c| c.after_contact_work_time_limit.unwrap_or(0));
            if let Some(first) = first {
                let path = format!("AfterContactWorkConfigs[{i}].AgentFirstCallbackAfterContactWorkConfig");
                problems.check(validate::acw_seconds(&format!("{path}.AfterContactWorkTimeLimit"), first));
            }
            if let (Some(channel), Some(limit)) = (channel, limit) {
                let entry = AfterContactWork { time_limit: limit, agent_first_callback_time_limit: first };
                out.insert(channel, entry);
            }
        }
        update.after_contact_work = Some(out);
    }
    if let Some(items) = &lists.phone_number_configs {
        let mut out = BTreeMap::new();
        for (i, item) in items.iter().enumerate() {
            let channel = channel_of(&item.channel, "PhoneNumberConfigs", i, true, &out, problems);
            let path = format!("PhoneNumberConfigs[{i}].PhoneType");
            let phone_type = required(&item.phone_type, &path, problems).and_then(|raw| {
                let parsed = PhoneType::parse(raw);
                if parsed.is_none() {
                    problems.push(format!("{path} must be SOFT_PHONE or DESK_PHONE, got {raw:?}"));
                }
                parsed
            });
            if let Some(number) = &item.phone_number {
                problems.check(validate::phone_number(&format!("PhoneNumberConfigs[{i}].PhoneNumber"), number));
            }
            if let (Some(channel), Some(phone_type)) = (channel, phone_type) {
                out.insert(channel, PhoneNumber { phone_type, number: item.phone_number.clone() });
            }
        }
        update.phone_number = Some(out);
    }
    if let Some(items) = &lists.persistent_connection_configs {
        let mut out = BTreeMap::new();
        for (i, item) in items.iter().enumerate() {
            let channel = channel_of(&item.channel, "PersistentConnectionConfigs", i, true, &out, problems);
            let path = format!("PersistentConnectionConfigs[{i}].PersistentConnection");
            let on = required(&item.persistent_connection, &path, problems);
            if let (Some(channel), Some(on)) = (channel, on) {
                out.insert(channel, *on);
            }
        }
        update.persistent_connection = Some(out);
    }
    if let Some(items) = &lists.voice_enhancement_configs {
        let mut out = BTreeMap::new();
        for (i, item) in items.iter().enumerate() {
            let channel = channel_of(&item.channel, "VoiceEnhancementConfigs", i, true, &out, problems);
            let path = format!("VoiceEnhancementConfigs[{i}].VoiceEnhancementMode");
            let mode = required(&item.voice_enhancement_mode, &path, problems).and_then(|raw| {
                let ok = VOICE_ENHANCEMENT_MODES.contains(&raw.as_str());
                if !ok {
                    problems.push(format!("{path} must be one of {}, got {raw:?}", VOICE_ENHANCEMENT_MODES.join(", ")));
                }
                ok.then(|| raw.clone())
            });
            if let (Some(channel), Some(mode)) = (channel, mode) {
                out.insert(channel, mode);
            }
        }
        update.voice_enhancement = Some(out);
    }
    update
}

/// The conflict rule of `CreateUser`: a `PhoneConfig` member and its per-channel counterpart list cannot both be set.
pub fn phone_config_conflicts(config: &PhoneConfigIn, lists: &ChannelListsIn, problems: &mut Problems) {
    let given = |list: Option<usize>| list.is_some_and(|len| len > 0);
    let pairs = [
        (
            config.auto_accept.is_some(),
            "PhoneConfig.AutoAccept",
            given(lists.auto_accept_configs.as_ref().map(Vec::len)),
            "AutoAcceptConfigs",
        ),
        (
            config.after_contact_work_time_limit.is_some(),
            "PhoneConfig.AfterContactWorkTimeLimit",
            given(lists.after_contact_work_configs.as_ref().map(Vec::len)),
            "AfterContactWorkConfigs",
        ),
        (
            config.phone_type.is_some(),
            "PhoneConfig.PhoneType",
            given(lists.phone_number_configs.as_ref().map(Vec::len)),
            "PhoneNumberConfigs",
        ),
        (
            config.desk_phone_number.is_some(),
            "PhoneConfig.DeskPhoneNumber",
            given(lists.phone_number_configs.as_ref().map(Vec::len)),
            "PhoneNumberConfigs",
        ),
        (
            config.persistent_connection.is_some(),
            "PhoneConfig.PersistentConnection",
            given(lists.persistent_connection_configs.as_ref().map(Vec::len)),
            "PersistentConnectionConfigs",
        ),
    ];
    for (member_set, member, list_set, list) in pairs {
        if member_set && list_set {
            problems.push(format!("{member} and {list} cannot both be specified"));
        }
    }
}

pub fn tags(tags: &BTreeMap<String, String>, problems: &mut Problems) {
    validate::tags(tags, problems);
}

/// Checks a proficiency list (levels required when `with_level`), rejecting repeated (name, value) pairs.
pub fn proficiencies(items: &[ProficiencyIn], with_level: bool, problems: &mut Problems) -> Vec<Proficiency> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let name = required(&item.attribute_name, &format!("UserProficiencies[{i}].AttributeName"), problems);
        let value = required(&item.attribute_value, &format!("UserProficiencies[{i}].AttributeValue"), problems);
        if let Some(name) = name {
            problems.check(validate::length(&format!("UserProficiencies[{i}].AttributeName"), name, 1, 100));
        }
        if let Some(value) = value {
            problems.check(validate::length(&format!("UserProficiencies[{i}].AttributeValue"), value, 1, 100));
        }
        let level = if with_level {
            let level = required(&item.level, &format!("UserProficiencies[{i}].Level"), problems).copied();
            if let Some(level) = level {
                problems.check(validate::level(&format!("UserProficiencies[{i}].Level"), level));
            }
            level
        } else {
            Some(0.0)
        };
        if let (Some(name), Some(value), Some(level)) = (name, value, level) {
            if !seen.insert((name.clone(), value.clone())) {
                problems.push(format!("UserProficiencies has {name}={value} more than once"));
            }
            out.push(Proficiency { name: name.clone(), value: value.clone(), level });
        }
    }
    out
}
