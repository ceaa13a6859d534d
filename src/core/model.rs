//! The Connect user as this crate reasons about it: the validated template (`UserSpec`), the user
//! Connect holds (`LiveUser`), and the value types both share.
//!
//! `Option` means "the template does not set it": the SDK's structs cannot tell unset from
//! `false`/`0`, so comparisons happen on these types only.

use std::collections::BTreeMap;
use std::fmt;

use super::arn::{InstanceArn, ResourceArn, UserArn};
use super::secret::Secret;

/// Key of the tag that records which stack and logical resource own a user.
pub const OWNER_TAG_KEY: &str = "connect-user-resource:owner";

/// The channels a per-channel setting applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Channel {
    Voice,
    Chat,
    Task,
    Email,
}

impl Channel {
    pub const ALL: [Channel; 4] = [Channel::Voice, Channel::Chat, Channel::Task, Channel::Email];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Voice => "VOICE",
            Self::Chat => "CHAT",
            Self::Task => "TASK",
            Self::Email => "EMAIL",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum PhoneType {
    #[default]
    SoftPhone,
    DeskPhone,
}

impl PhoneType {
    pub const ALL: [PhoneType; 2] = [PhoneType::SoftPhone, PhoneType::DeskPhone];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SoftPhone => "SOFT_PHONE",
            Self::DeskPhone => "DESK_PHONE",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VoiceEnhancementMode {
    None,
    VoiceIsolation,
    NoiseSuppression,
}

impl VoiceEnhancementMode {
    pub const ALL: [VoiceEnhancementMode; 3] =
        [VoiceEnhancementMode::None, VoiceEnhancementMode::VoiceIsolation, VoiceEnhancementMode::NoiseSuppression];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "NONE",
            Self::VoiceIsolation => "VOICE_ISOLATION",
            Self::NoiseSuppression => "NOISE_SUPPRESSION",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == value)
    }
}

/// `IdentityInfo`. Every field optional; `UpdateUserIdentityInfo` replaces the whole object.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IdentityInfo {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub secondary_email: Option<String>,
    pub mobile: Option<String>,
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
    pub phone_type: Option<PhoneType>,
    pub auto_accept: Option<bool>,
    pub after_contact_work_time_limit: Option<i32>,
    pub desk_phone_number: Option<String>,
    pub persistent_connection: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AutoAcceptConfig {
    pub auto_accept: bool,
    pub agent_first_callback_auto_accept: Option<bool>,
}

/// `AfterContactWorkConfig`: `None` as the limit leaves it to Connect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AfterContactWorkConfig {
    pub time_limit: Option<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AfterContactWorkPerChannel {
    pub config: AfterContactWorkConfig,
    pub agent_first_callback: Option<AfterContactWorkConfig>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumberConfig {
    pub phone_type: PhoneType,
    pub phone_number: Option<String>,
}

/// The five per-channel lists, each keyed by channel (at most one entry per channel).
/// A `None` list is one the template does not set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChannelConfigs {
    pub auto_accept: Option<BTreeMap<Channel, AutoAcceptConfig>>,
    pub after_contact_work: Option<BTreeMap<Channel, AfterContactWorkPerChannel>>,
    pub phone_number: Option<BTreeMap<Channel, PhoneNumberConfig>>,
    pub persistent_connection: Option<BTreeMap<Channel, bool>>,
    pub voice_enhancement: Option<BTreeMap<Channel, VoiceEnhancementMode>>,
}

impl ChannelConfigs {
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
    pub attribute_name: String,
    pub attribute_value: String,
}

impl fmt::Display for ProficiencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.attribute_name, self.attribute_value)
    }
}

/// Proficiency levels by key. `f32` because that is what Connect stores.
pub type Proficiencies = BTreeMap<ProficiencyKey, f32>;

pub type Tags = BTreeMap<String, String>;

/// The validated template: everything the rest of the crate may trust.
#[derive(Debug, Clone, PartialEq)]
pub struct UserSpec {
    pub instance: InstanceArn,
    pub username: String,
    pub password: Option<Secret>,
    pub routing_profile: ResourceArn,
    /// Distinct, in template order.
    pub security_profiles: Vec<ResourceArn>,
    pub directory_user_id: Option<String>,
    pub hierarchy_group: Option<ResourceArn>,
    pub identity_info: Option<IdentityInfo>,
    pub phone_config: Option<PhoneConfig>,
    pub channels: ChannelConfigs,
    pub proficiencies: Option<Proficiencies>,
    /// The template's tags, without the owner tag.
    pub tags: Option<Tags>,
    pub adopt_existing: bool,
}

/// What an old template set that a new one may stop setting: the only parts of
/// `OldResourceProperties` the plan needs, read leniently (the old template may predate today's rules).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OldTemplate {
    pub tag_keys: Vec<String>,
    pub proficiency_keys: Vec<ProficiencyKey>,
    pub hierarchy_group: bool,
    /// The old `Password` as sent, compared only to warn that a change is not applied.
    pub password: Option<Secret>,
}

/// The user as Connect holds it, with ids turned back into ARNs of its instance.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveUser {
    pub arn: UserArn,
    pub username: String,
    pub routing_profile: ResourceArn,
    pub security_profiles: Vec<ResourceArn>,
    pub directory_user_id: Option<String>,
    pub hierarchy_group: Option<ResourceArn>,
    pub identity_info: IdentityInfo,
    pub phone_config: PhoneConfig,
    /// Every list `Some`, holding the entries Connect has.
    pub channels: ChannelConfigs,
    /// `None` when they were not read (neither template sets any).
    pub proficiencies: Option<Proficiencies>,
    /// All tags, the owner tag included.
    pub tags: Tags,
}
