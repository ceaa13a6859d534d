//! The stored user and its JSON views. The phone settings are stored once, per channel; `PhoneConfig` is derived
//! from the VOICE entries, so the two views can never disagree.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// A contact channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Channel {
    Voice,
    Chat,
    Task,
    Email,
}

impl Channel {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "VOICE" => Some(Self::Voice),
            "CHAT" => Some(Self::Chat),
            "TASK" => Some(Self::Task),
            "EMAIL" => Some(Self::Email),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Voice => "VOICE",
            Self::Chat => "CHAT",
            Self::Task => "TASK",
            Self::Email => "EMAIL",
        }
    }
}

/// `SOFT_PHONE` or `DESK_PHONE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneType {
    SoftPhone,
    DeskPhone,
}

impl PhoneType {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "SOFT_PHONE" => Some(Self::SoftPhone),
            "DESK_PHONE" => Some(Self::DeskPhone),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SoftPhone => "SOFT_PHONE",
            Self::DeskPhone => "DESK_PHONE",
        }
    }
}

/// `VoiceEnhancementMode` values, kept as the wire string once validated.
pub const VOICE_ENHANCEMENT_MODES: &[&str] = &["VOICE_ISOLATION", "NOISE_SUPPRESSION", "NONE"];

/// `UserIdentityInfo`, stored as sent and replaced as a whole by `UpdateUserIdentityInfo`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdentityInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secondary_email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AutoAccept {
    pub auto_accept: bool,
    pub agent_first_callback: Option<bool>,
}

/// After-contact work of one channel. An absent time limit is stored as 0, which Connect reads as "no limit".
#[derive(Debug, Clone, PartialEq)]
pub struct AfterContactWork {
    pub time_limit: i64,
    pub agent_first_callback_time_limit: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PhoneNumber {
    pub phone_type: PhoneType,
    pub number: Option<String>,
}

/// The five per-channel lists, at most one entry per channel each.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChannelSettings {
    pub auto_accept: BTreeMap<Channel, AutoAccept>,
    pub after_contact_work: BTreeMap<Channel, AfterContactWork>,
    pub phone_number: BTreeMap<Channel, PhoneNumber>,
    pub persistent_connection: BTreeMap<Channel, bool>,
    pub voice_enhancement: BTreeMap<Channel, String>,
}

impl ChannelSettings {
    /// Fills the VOICE entries a user always has (soft phone, no auto-accept, no ACW limit) where none is set.
    pub fn with_voice_defaults(mut self) -> Self {
        self.auto_accept.entry(Channel::Voice).or_insert(AutoAccept { auto_accept: false, agent_first_callback: None });
        self.after_contact_work
            .entry(Channel::Voice)
            .or_insert(AfterContactWork { time_limit: 0, agent_first_callback_time_limit: None });
        self.phone_number
            .entry(Channel::Voice)
            .or_insert(PhoneNumber { phone_type: PhoneType::SoftPhone, number: None });
        self
    }

    /// The `PhoneConfig` view: the VOICE entries.
    pub fn phone_config_json(&self) -> Value {
        let voice_phone = self.phone_number.get(&Channel::Voice);
        let mut config = Map::new();
        let phone_type = voice_phone.map_or(PhoneType::SoftPhone, |p| p.phone_type);
        config.insert("PhoneType".into(), json!(phone_type.as_str()));
        let auto_accept = self.auto_accept.get(&Channel::Voice).is_some_and(|a| a.auto_accept);
        config.insert("AutoAccept".into(), json!(auto_accept));
        let acw = self.after_contact_work.get(&Channel::Voice).map_or(0, |a| a.time_limit);
        config.insert("AfterContactWorkTimeLimit".into(), json!(acw));
        if let Some(number) = voice_phone.and_then(|p| p.number.as_ref()) {
            config.insert("DeskPhoneNumber".into(), json!(number));
        }
        if let Some(persistent) = self.persistent_connection.get(&Channel::Voice) {
            config.insert("PersistentConnection".into(), json!(persistent));
        }
        Value::Object(config)
    }

    /// The five lists, each only with the entries that exist, into `out`.
    pub fn write_lists(&self, out: &mut Map<String, Value>) {
        let auto_accept: Vec<Value> = self
            .auto_accept
            .iter()
            .map(|(channel, entry)| {
                let mut item = json!({"Channel": channel.as_str(), "AutoAccept": entry.auto_accept});
                if let Some(first) = entry.agent_first_callback {
                    item["AgentFirstCallbackAutoAccept"] = json!(first);
                }
                item
            })
            .collect();
        let acw: Vec<Value> = self
            .after_contact_work
            .iter()
            .map(|(channel, entry)| {
                let mut item = json!({
                    "Channel": channel.as_str(),
                    "AfterContactWorkConfig": {"AfterContactWorkTimeLimit": entry.time_limit},
                });
                if let Some(limit) = entry.agent_first_callback_time_limit {
                    item["AgentFirstCallbackAfterContactWorkConfig"] = json!({"AfterContactWorkTimeLimit": limit});
                }
                item
            })
            .collect();
        let phone_numbers: Vec<Value> = self
            .phone_number
            .iter()
            .map(|(channel, entry)| {
                let mut item = json!({"Channel": channel.as_str(), "PhoneType": entry.phone_type.as_str()});
                if let Some(number) = &entry.number {
                    item["PhoneNumber"] = json!(number);
                }
                item
            })
            .collect();
        let persistent: Vec<Value> = self
            .persistent_connection
            .iter()
            .map(|(channel, on)| json!({"Channel": channel.as_str(), "PersistentConnection": on}))
            .collect();
        let voice: Vec<Value> = self
            .voice_enhancement
            .iter()
            .map(|(channel, mode)| json!({"Channel": channel.as_str(), "VoiceEnhancementMode": mode}))
            .collect();
        for (name, list) in [
            ("AutoAcceptConfigs", auto_accept),
            ("AfterContactWorkConfigs", acw),
            ("PhoneNumberConfigs", phone_numbers),
            ("PersistentConnectionConfigs", persistent),
            ("VoiceEnhancementConfigs", voice),
        ] {
            if !list.is_empty() {
                out.insert(name.into(), Value::Array(list));
            }
        }
    }
}

/// One user as the emulator holds it. Resource references are bare ids of the user's instance.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: String,
    pub arn: String,
    pub instance_id: String,
    pub username: String,
    pub password: Option<String>,
    pub identity_info: Option<IdentityInfo>,
    pub directory_user_id: Option<String>,
    pub security_profile_ids: Vec<String>,
    pub routing_profile_id: String,
    pub hierarchy_group_id: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub channels: ChannelSettings,
    /// Keyed by (AttributeName, AttributeValue).
    pub proficiencies: BTreeMap<(String, String), f64>,
    /// Epoch seconds.
    pub last_modified: f64,
    pub proficiencies_modified: f64,
}

impl User {
    /// The fields shared by `DescribeUser`'s `User` and `SearchUsers`' `UserSearchSummary`.
    fn common_json(&self) -> Map<String, Value> {
        let mut out = Map::new();
        out.insert("Id".into(), json!(self.id));
        out.insert("Arn".into(), json!(self.arn));
        out.insert("Username".into(), json!(self.username));
        if let Some(identity) = &self.identity_info {
            out.insert("IdentityInfo".into(), json!(identity));
        }
        out.insert("PhoneConfig".into(), self.channels.phone_config_json());
        if let Some(directory) = &self.directory_user_id {
            out.insert("DirectoryUserId".into(), json!(directory));
        }
        out.insert("SecurityProfileIds".into(), json!(self.security_profile_ids));
        out.insert("RoutingProfileId".into(), json!(self.routing_profile_id));
        if let Some(group) = &self.hierarchy_group_id {
            out.insert("HierarchyGroupId".into(), json!(group));
        }
        out.insert("Tags".into(), json!(self.tags));
        self.channels.write_lists(&mut out);
        out
    }

    /// `DescribeUser`'s `User`. Never the password.
    pub fn describe_json(&self, region: &str) -> Value {
        let mut out = self.common_json();
        out.insert("LastModifiedTime".into(), json!(self.last_modified));
        out.insert("LastModifiedRegion".into(), json!(region));
        Value::Object(out)
    }

    /// A `UserSearchSummary` of `SearchUsers`.
    pub fn search_summary_json(&self) -> Value {
        Value::Object(self.common_json())
    }

    /// A `UserSummary` of `ListUsers`.
    pub fn summary_json(&self, region: &str) -> Value {
        json!({
            "Id": self.id,
            "Arn": self.arn,
            "Username": self.username,
            "LastModifiedTime": self.last_modified,
            "LastModifiedRegion": region,
        })
    }

    /// The `UserProficiency` list, ordered by attribute name and value.
    pub fn proficiencies_json(&self) -> Vec<Value> {
        self.proficiencies.iter().map(|((name, value), level)| proficiency_json(name, value, *level)).collect()
    }
}

pub fn proficiency_json(name: &str, value: &str, level: f64) -> Value {
    json!({"AttributeName": name, "AttributeValue": value, "Level": level})
}
