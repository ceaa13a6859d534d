//! The Connect user as this crate reasons about it: the validated template (`UserSpec`), the user
//! Connect holds (`LiveUser`), and the value types both share.
//!
//! `Option` means "the template does not set it": the SDK's structs cannot tell unset from
//! `false`/`0`, so comparisons happen on these types only.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::arn::{InstanceArn, ResourceArn, TrafficDistributionGroupArn, UserArn};
use super::identity::IdentityManagement;
use super::password_secret::PasswordSecret;
use super::secret::Secret;

/// Key of the tag that records which stack and logical resource own a user.
pub const OWNER_TAG_KEY: &str = "connect-user-resource:owner";

/// The channels a per-channel setting applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Channel {
    /// `VOICE`.
    Voice,
    /// `CHAT`.
    Chat,
    /// `TASK`.
    Task,
    /// `EMAIL`.
    Email,
}

impl Channel {
    /// Every channel, in declaration order.
    pub const ALL: [Channel; 4] = [Channel::Voice, Channel::Chat, Channel::Task, Channel::Email];

    /// The Connect API's name for the channel, e.g. `VOICE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Voice => "VOICE",
            Self::Chat => "CHAT",
            Self::Task => "TASK",
            Self::Email => "EMAIL",
        }
    }

    /// The inverse of `as_str`; `None` for any other string.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == value)
    }
}

/// `PhoneType`: how voice contacts reach the agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum PhoneType {
    /// `SOFT_PHONE`: the softphone in the agent's browser; the default.
    #[default]
    SoftPhone,
    /// `DESK_PHONE`: calls go to the desk phone number.
    DeskPhone,
}

impl PhoneType {
    /// Every phone type, in declaration order.
    pub const ALL: [PhoneType; 2] = [PhoneType::SoftPhone, PhoneType::DeskPhone];

    /// The Connect API's name for the phone type, e.g. `SOFT_PHONE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SoftPhone => "SOFT_PHONE",
            Self::DeskPhone => "DESK_PHONE",
        }
    }

    /// The inverse of `as_str`; `None` for any other string.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == value)
    }
}

/// `VoiceEnhancementMode` of a `VoiceEnhancementConfigs` entry: how the agent's audio is cleaned up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VoiceEnhancementMode {
    /// `NONE`: no enhancement.
    None,
    /// `VOICE_ISOLATION`.
    VoiceIsolation,
    /// `NOISE_SUPPRESSION`.
    NoiseSuppression,
}

impl VoiceEnhancementMode {
    /// Every mode, in declaration order.
    pub const ALL: [VoiceEnhancementMode; 3] =
        [VoiceEnhancementMode::None, VoiceEnhancementMode::VoiceIsolation, VoiceEnhancementMode::NoiseSuppression];

    /// The Connect API's name for the mode, e.g. `VOICE_ISOLATION`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "NONE",
            Self::VoiceIsolation => "VOICE_ISOLATION",
            Self::NoiseSuppression => "NOISE_SUPPRESSION",
        }
    }

    /// The inverse of `as_str`; `None` for any other string.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == value)
    }
}

/// `IdentityInfo`. Every field optional; `UpdateUserIdentityInfo` replaces the whole object.
///
/// Personal data (docs/real-connect.md §7): `Debug` shows which fields are set, never their values.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct IdentityInfo {
    /// `FirstName`.
    pub first_name: Option<String>,
    /// `LastName`.
    pub last_name: Option<String>,
    /// `Email`.
    pub email: Option<String>,
    /// `SecondaryEmail`.
    pub secondary_email: Option<String>,
    /// `Mobile`, in E.164 form.
    pub mobile: Option<String>,
}

impl fmt::Debug for IdentityInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |v: &Option<String>| v.as_ref().map(|_| "***");
        f.debug_struct("IdentityInfo")
            .field("first_name", &shown(&self.first_name))
            .field("last_name", &shown(&self.last_name))
            .field("email", &shown(&self.email))
            .field("secondary_email", &shown(&self.secondary_email))
            .field("mobile", &shown(&self.mobile))
            .finish()
    }
}

impl IdentityInfo {
    /// `self` with every field that `over` sets taken from `over`.
    pub fn overlaid_with(&self, over: &IdentityInfo) -> IdentityInfo {
        fn pick(over: &Option<String>, base: &Option<String>) -> Option<String> {
            over.clone().or_else(|| base.clone())
        }
        IdentityInfo {
            first_name: pick(&over.first_name, &self.first_name),
            last_name: pick(&over.last_name, &self.last_name),
            email: pick(&over.email, &self.email),
            secondary_email: pick(&over.secondary_email, &self.secondary_email),
            mobile: pick(&over.mobile, &self.mobile),
        }
    }
}

/// `PhoneConfig`: the voice channel's settings in their original, single-channel form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PhoneConfig {
    /// `PhoneType`.
    pub phone_type: Option<PhoneType>,
    /// `AutoAccept`: voice contacts are accepted without the agent's action.
    pub auto_accept: Option<bool>,
    /// `AfterContactWorkTimeLimit`, in seconds; 0 = no limit.
    pub after_contact_work_time_limit: Option<i32>,
    /// `DeskPhoneNumber`, in E.164 form; needed by `DESK_PHONE`.
    pub desk_phone_number: Option<String>,
    /// `PersistentConnection`: the agent's call connection stays open between contacts.
    pub persistent_connection: Option<bool>,
}

/// An `AutoAcceptConfigs` entry; its channel is the map key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AutoAcceptConfig {
    /// `AutoAccept`: contacts on the channel are accepted without the agent's action.
    pub auto_accept: bool,
    /// `AgentFirstCallbackAutoAccept`: the same for agent-first callbacks; `None` = not set.
    pub agent_first_callback_auto_accept: Option<bool>,
}

/// `AfterContactWorkConfig`: `None` as the limit leaves it to Connect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AfterContactWorkConfig {
    /// `AfterContactWorkTimeLimit`, in seconds.
    pub time_limit: Option<i32>,
}

/// An `AfterContactWorkConfigs` entry; its channel is the map key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AfterContactWorkPerChannel {
    /// `AfterContactWorkConfig`: the limit for ordinary contacts.
    pub config: AfterContactWorkConfig,
    /// `AgentFirstCallbackAfterContactWorkConfig`: the limit for agent-first callbacks; `None` = not set.
    pub agent_first_callback: Option<AfterContactWorkConfig>,
}

/// A `PhoneNumberConfigs` entry (VOICE only); its channel is the map key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumberConfig {
    /// `PhoneType`.
    pub phone_type: PhoneType,
    /// `PhoneNumber`: the desk phone number, in E.164 form; `None` = not set.
    pub phone_number: Option<String>,
}

/// The five per-channel lists, each keyed by channel (at most one entry per channel).
/// A `None` list is one the template does not set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChannelConfigs {
    /// `AutoAcceptConfigs`.
    pub auto_accept: Option<BTreeMap<Channel, AutoAcceptConfig>>,
    /// `AfterContactWorkConfigs`.
    pub after_contact_work: Option<BTreeMap<Channel, AfterContactWorkPerChannel>>,
    /// `PhoneNumberConfigs` (VOICE only).
    pub phone_number: Option<BTreeMap<Channel, PhoneNumberConfig>>,
    /// `PersistentConnectionConfigs`: `PersistentConnection` by channel (VOICE only).
    pub persistent_connection: Option<BTreeMap<Channel, bool>>,
    /// `VoiceEnhancementConfigs`: `VoiceEnhancementMode` by channel (VOICE only).
    pub voice_enhancement: Option<BTreeMap<Channel, VoiceEnhancementMode>>,
}

impl ChannelConfigs {
    /// True when no list is set (every list `None`).
    pub fn is_empty(&self) -> bool {
        self.auto_accept.is_none()
            && self.after_contact_work.is_none()
            && self.phone_number.is_none()
            && self.persistent_connection.is_none()
            && self.voice_enhancement.is_none()
    }
}

/// A proficiency's identity: a predefined attribute's name and one of its values.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProficiencyKey {
    /// `AttributeName`: the predefined attribute.
    pub attribute_name: String,
    /// `AttributeValue`: one of the attribute's values.
    pub attribute_value: String,
}

impl fmt::Display for ProficiencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.attribute_name, self.attribute_value)
    }
}

/// Proficiency levels by key. `f32` because that is what Connect stores.
pub type Proficiencies = BTreeMap<ProficiencyKey, f32>;

/// Resource tags, key → value.
pub type Tags = BTreeMap<String, String>;

/// The validated template: everything the rest of the crate may trust.
#[derive(Debug, Clone, PartialEq)]
pub struct UserSpec {
    /// `InstanceArn`: the Connect instance that holds the user.
    pub instance: InstanceArn,
    /// `Username`.
    pub username: String,
    /// `Password`: write-only, sent only by `CreateUser`; `None` = not set.
    pub password: Option<Secret>,
    /// `RoutingProfileArn`, in `instance`.
    pub routing_profile: ResourceArn,
    /// Distinct, in template order.
    pub security_profiles: Vec<ResourceArn>,
    /// `DirectoryUserId`; `None` = not set.
    pub directory_user_id: Option<String>,
    /// `HierarchyGroupArn` (or the group `HierarchyGroupPath` names), in `instance`; `None` = not set.
    pub hierarchy_group: Option<ResourceArn>,
    /// What the template gave by name instead of by ARN (the ARNs above are what the names resolved to).
    pub named: Named,
    /// `TrafficDistributionGroupArns`: the Global Resiliency groups the user is in; `None` = not set.
    pub traffic_distribution_groups: Option<Vec<TrafficDistributionGroupArn>>,
    /// `IdentityInfo`; `None` = not set.
    pub identity_info: Option<IdentityInfo>,
    /// `PhoneConfig`; `None` = not set.
    pub phone_config: Option<PhoneConfig>,
    /// The five per-channel lists (`AutoAcceptConfigs` and the rest).
    pub channels: ChannelConfigs,
    /// `UserProficiencies`; `None` = not set.
    pub proficiencies: Option<Proficiencies>,
    /// The template's tags, without the owner tag.
    pub tags: Option<Tags>,
    /// `AdoptExisting` (an extension, default false): take over a user whose username is already taken.
    pub adopt_existing: bool,
    /// `PasswordSecretArn` (+ `PasswordSecretJsonKey`), extensions: the password is read from Secrets Manager
    /// when the user is created; excludes `password`.
    pub password_secret: Option<PasswordSecret>,
}

/// The names a template gave instead of ARNs (`RoutingProfileName`, `SecurityProfileNames`, `HierarchyGroupPath`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Named {
    /// `RoutingProfileName`.
    pub routing_profile: Option<String>,
    /// `SecurityProfileNames`.
    pub security_profiles: Option<Vec<String>>,
    /// `HierarchyGroupPath`.
    pub hierarchy_group: Option<String>,
}

/// What an old template set that a new one may stop setting: the only parts of
/// `OldResourceProperties` the plan needs, read leniently (the old template may predate today's rules).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OldTemplate {
    /// Keys of the old `Tags`, distinct, without the owner tag.
    pub tag_keys: Vec<String>,
    /// Keys of the old `UserProficiencies`, distinct.
    pub proficiency_keys: Vec<ProficiencyKey>,
    /// Whether the old template set `HierarchyGroupArn` or `HierarchyGroupPath`.
    pub hierarchy_group: bool,
    /// The old `TrafficDistributionGroupArns`, distinct.
    pub traffic_distribution_groups: Vec<TrafficDistributionGroupArn>,
    /// The old `Password` as sent, compared only to warn that a change is not applied.
    pub password: Option<Secret>,
}

/// What the lifecycle needs to know of an instance (`DescribeInstance`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstanceInfo {
    /// `IdentityManagementType`; `None` for a type this crate does not know, whose rules are then left to Connect.
    pub identity_management: Option<IdentityManagement>,
}

/// The user as Connect holds it, with ids turned back into ARNs of its instance.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveUser {
    /// The user's ARN, the resource's PhysicalResourceId.
    pub arn: UserArn,
    /// `DescribeUser`'s `Username`.
    pub username: String,
    /// `DescribeUser`'s `RoutingProfileId`, as an ARN.
    pub routing_profile: ResourceArn,
    /// `DescribeUser`'s `SecurityProfileIds`, as ARNs.
    pub security_profiles: Vec<ResourceArn>,
    /// `DescribeUser`'s `DirectoryUserId`; `None` when Connect holds none.
    pub directory_user_id: Option<String>,
    /// `DescribeUser`'s `HierarchyGroupId`, as an ARN; `None` when the user is in no group.
    pub hierarchy_group: Option<ResourceArn>,
    /// `DescribeUser`'s `IdentityInfo`; a field Connect does not return is `None`.
    pub identity_info: IdentityInfo,
    /// `DescribeUser`'s `PhoneConfig`; `AutoAccept` and the ACW limit are always `Some`.
    pub phone_config: PhoneConfig,
    /// Every list `Some`, holding the entries Connect has.
    pub channels: ChannelConfigs,
    /// `None` when they were not read (neither template sets any).
    pub proficiencies: Option<Proficiencies>,
    /// All tags, the owner tag included.
    pub tags: Tags,
    /// Of the traffic distribution groups asked about (the new and the old template's), those the user is in;
    /// `None` when none was asked about.
    pub traffic_distribution_groups: Option<BTreeSet<TrafficDistributionGroupArn>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_enumerated_value_reads_back_from_its_api_name_and_nothing_else_does() {
        for channel in Channel::ALL {
            assert_eq!(Channel::parse(channel.as_str()), Some(channel));
        }
        for phone_type in PhoneType::ALL {
            assert_eq!(PhoneType::parse(phone_type.as_str()), Some(phone_type));
        }
        for mode in VoiceEnhancementMode::ALL {
            assert_eq!(VoiceEnhancementMode::parse(mode.as_str()), Some(mode));
        }
        // Connect's names are upper case and exact: anything else is an unknown value, not a near match.
        for other in ["", "voice", "SOFTPHONE", "soft_phone", "NONE ", "UNKNOWN"] {
            assert_eq!(Channel::parse(other), None, "{other:?}");
            assert_eq!(PhoneType::parse(other), None, "{other:?}");
            assert_eq!(VoiceEnhancementMode::parse(other), None, "{other:?}");
        }
    }

    #[test]
    fn a_proficiency_key_reads_as_name_equals_value() {
        let key = ProficiencyKey { attribute_name: "Language".into(), attribute_value: "Spanish".into() };
        assert_eq!(key.to_string(), "Language=Spanish");
    }

    #[test]
    fn debug_shows_which_personal_fields_are_set_and_never_their_values() {
        let info = IdentityInfo {
            first_name: Some("Zoëlle".into()),
            email: Some("zoelle@example.org".into()),
            ..IdentityInfo::default()
        };
        let shown = format!("{info:?}");
        assert!(!shown.contains("Zoëlle") && !shown.contains("example.org"), "{shown}");
        assert_eq!(
            shown,
            r#"IdentityInfo { first_name: Some("***"), last_name: None, email: Some("***"), secondary_email: None, mobile: None }"#
        );
    }
}
