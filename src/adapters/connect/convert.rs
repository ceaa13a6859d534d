//! The project's model ↔ the SDK's types. Comparisons never happen on SDK structs (they cannot tell
//! unset from `false`/`0`), so live users are converted into the model as soon as they arrive.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_connect::error::BuildError;
use aws_sdk_connect::types as sdk;

use super::errors::{build_error, unexpected};
use crate::app::ports::ConnectError;
use crate::core::arn::{InstanceArn, ResourceArn, ResourceKind, UserArn};
use crate::core::model::{
    AfterContactWorkConfig, AfterContactWorkPerChannel, AutoAcceptConfig, Channel, ChannelConfigs, IdentityInfo,
    LiveUser, PhoneConfig, PhoneNumberConfig, PhoneType, Proficiencies, ProficiencyKey, Tags, VoiceEnhancementMode,
};

// Model → SDK

pub(super) fn ids(arns: &[ResourceArn]) -> Vec<String> {
    arns.iter().map(|a| a.id().to_owned()).collect()
}

pub(super) fn tags_to_sdk(tags: &Tags) -> HashMap<String, String> {
    tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

pub(super) fn identity_info_to_sdk(info: &IdentityInfo) -> sdk::UserIdentityInfo {
    sdk::UserIdentityInfo::builder()
        .set_first_name(info.first_name.clone())
        .set_last_name(info.last_name.clone())
        .set_email(info.email.clone())
        .set_secondary_email(info.secondary_email.clone())
        .set_mobile(info.mobile.clone())
        .build()
}

/// The SDK fills an absent `PhoneType` with `SOFT_PHONE` and leaves out `AutoAccept: false` and
/// `AfterContactWorkTimeLimit: 0` on the wire; the plan accounts for both.
pub(super) fn phone_config_to_sdk(pc: &PhoneConfig) -> sdk::UserPhoneConfig {
    sdk::UserPhoneConfig::builder()
        .set_phone_type(pc.phone_type.map(phone_type_to_sdk))
        .set_auto_accept(pc.auto_accept)
        .set_after_contact_work_time_limit(pc.after_contact_work_time_limit)
        .set_desk_phone_number(pc.desk_phone_number.clone())
        .set_persistent_connection(pc.persistent_connection)
        .build()
}

pub(super) fn channel_to_sdk(channel: Channel) -> sdk::Channel {
    sdk::Channel::from(channel.as_str())
}

pub(super) fn phone_type_to_sdk(phone_type: PhoneType) -> sdk::PhoneType {
    sdk::PhoneType::from(phone_type.as_str())
}

pub(super) fn acw_to_sdk(config: &AfterContactWorkConfig) -> sdk::AfterContactWorkConfig {
    sdk::AfterContactWorkConfig::builder().set_after_contact_work_time_limit(config.time_limit).build()
}

pub(super) fn proficiencies_to_sdk(
    operation: &'static str,
    levels: &Proficiencies,
) -> Result<Vec<sdk::UserProficiency>, ConnectError> {
    levels
        .iter()
        .map(|(key, level)| {
            sdk::UserProficiency::builder()
                .attribute_name(&key.attribute_name)
                .attribute_value(&key.attribute_value)
                .level(*level)
                .build()
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(build_error(operation))
}

/// The five per-channel lists as the SDK takes them; `None` lists are not sent.
#[derive(Default)]
pub(super) struct SdkChannels {
    pub(super) auto_accept: Option<Vec<sdk::AutoAcceptConfig>>,
    pub(super) after_contact_work: Option<Vec<sdk::AfterContactWorkConfigPerChannel>>,
    pub(super) phone_number: Option<Vec<sdk::PhoneNumberConfig>>,
    pub(super) persistent_connection: Option<Vec<sdk::PersistentConnectionConfig>>,
    pub(super) voice_enhancement: Option<Vec<sdk::VoiceEnhancementConfig>>,
}

/// Each entry of a per-channel map through `convert`, or `None` for an unset list.
pub(super) fn per_channel<V, T>(
    operation: &'static str,
    map: &Option<BTreeMap<Channel, V>>,
    convert: impl Fn(Channel, &V) -> Result<T, BuildError>,
) -> Result<Option<Vec<T>>, ConnectError> {
    map.as_ref()
        .map(|m| m.iter().map(|(c, v)| convert(*c, v)).collect::<Result<Vec<_>, _>>())
        .transpose()
        .map_err(build_error(operation))
}

impl SdkChannels {
    pub(super) fn from_model(operation: &'static str, channels: &ChannelConfigs) -> Result<Self, ConnectError> {
        Ok(Self {
            auto_accept: per_channel(operation, &channels.auto_accept, |c, v| {
                sdk::AutoAcceptConfig::builder()
                    .channel(channel_to_sdk(c))
                    .auto_accept(v.auto_accept)
                    .set_agent_first_callback_auto_accept(v.agent_first_callback_auto_accept)
                    .build()
            })?,
            after_contact_work: per_channel(operation, &channels.after_contact_work, |c, v| {
                sdk::AfterContactWorkConfigPerChannel::builder()
                    .channel(channel_to_sdk(c))
                    .after_contact_work_config(acw_to_sdk(&v.config))
                    .set_agent_first_callback_after_contact_work_config(v.agent_first_callback.as_ref().map(acw_to_sdk))
                    .build()
            })?,
            phone_number: per_channel(operation, &channels.phone_number, |c, v| {
                sdk::PhoneNumberConfig::builder()
                    .channel(channel_to_sdk(c))
                    .phone_type(phone_type_to_sdk(v.phone_type))
                    .set_phone_number(v.phone_number.clone())
                    .build()
            })?,
            persistent_connection: per_channel(operation, &channels.persistent_connection, |c, v| {
                sdk::PersistentConnectionConfig::builder().channel(channel_to_sdk(c)).persistent_connection(*v).build()
            })?,
            voice_enhancement: per_channel(operation, &channels.voice_enhancement, |c, v| {
                sdk::VoiceEnhancementConfig::builder()
                    .channel(channel_to_sdk(c))
                    .voice_enhancement_mode(sdk::VoiceEnhancementMode::from(v.as_str()))
                    .build()
            })?,
        })
    }
}

// SDK → model

pub(super) fn proficiency_key(name: &str, value: &str) -> ProficiencyKey {
    ProficiencyKey { attribute_name: name.to_owned(), attribute_value: value.to_owned() }
}

/// A resource of the user's instance from what Connect returns: normally an id, but an ARN is taken as is.
pub(super) fn resource(instance: &InstanceArn, kind: ResourceKind, value: &str) -> ResourceArn {
    ResourceArn::parse(value, kind).unwrap_or_else(|_| instance.child(kind, value))
}

pub(super) fn non_empty(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.is_empty())
}

pub(super) fn live_user(arn: &UserArn, user: &sdk::User) -> Result<LiveUser, ConnectError> {
    const OP: &str = "DescribeUser";
    let instance = arn.instance();
    let routing_profile = non_empty(user.routing_profile_id())
        .map(|id| resource(instance, ResourceKind::RoutingProfile, id))
        .ok_or_else(|| unexpected(OP, "the user has no RoutingProfileId"))?;
    Ok(LiveUser {
        arn: arn.clone(),
        username: user.username().unwrap_or_default().to_owned(),
        routing_profile,
        security_profiles: user
            .security_profile_ids()
            .iter()
            .filter(|id| !id.is_empty())
            .map(|id| resource(instance, ResourceKind::SecurityProfile, id))
            .collect(),
        directory_user_id: non_empty(user.directory_user_id()).map(str::to_owned),
        hierarchy_group: non_empty(user.hierarchy_group_id())
            .map(|id| resource(instance, ResourceKind::AgentGroup, id)),
        identity_info: user.identity_info().map(identity_info_from_sdk).unwrap_or_default(),
        phone_config: user.phone_config().map(phone_config_from_sdk).unwrap_or_default(),
        channels: channels_from_sdk(user),
        proficiencies: None,
        tags: user.tags().map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default(),
        traffic_distribution_groups: None,
    })
}

pub(super) fn identity_info_from_sdk(info: &sdk::UserIdentityInfo) -> IdentityInfo {
    IdentityInfo {
        first_name: info.first_name().map(str::to_owned),
        last_name: info.last_name().map(str::to_owned),
        email: info.email().map(str::to_owned),
        secondary_email: info.secondary_email().map(str::to_owned),
        mobile: info.mobile().map(str::to_owned),
    }
}

/// Every field Connect answers is `Some`: the SDK cannot tell an absent `AutoAccept` from `false`, and
/// Connect's absent values mean exactly that (`false`, `0`).
pub(super) fn phone_config_from_sdk(pc: &sdk::UserPhoneConfig) -> PhoneConfig {
    PhoneConfig {
        phone_type: PhoneType::parse(pc.phone_type().as_str()),
        auto_accept: Some(pc.auto_accept()),
        after_contact_work_time_limit: Some(pc.after_contact_work_time_limit()),
        desk_phone_number: non_empty(pc.desk_phone_number()).map(str::to_owned),
        persistent_connection: pc.persistent_connection(),
    }
}

pub(super) fn acw_from_sdk(config: Option<&sdk::AfterContactWorkConfig>) -> AfterContactWorkConfig {
    AfterContactWorkConfig { time_limit: config.map(|c| c.after_contact_work_time_limit()) }
}

/// Entries on channels this crate does not know (added to Connect later) are left out: no template can set them.
pub(super) fn channel_map<S, V>(list: &[S], entry: impl Fn(&S) -> (&sdk::Channel, Option<V>)) -> BTreeMap<Channel, V> {
    list.iter()
        .filter_map(|s| {
            let (channel, value) = entry(s);
            Some((Channel::parse(channel.as_str())?, value?))
        })
        .collect()
}

pub(super) fn channels_from_sdk(user: &sdk::User) -> ChannelConfigs {
    ChannelConfigs {
        auto_accept: Some(channel_map(user.auto_accept_configs(), |c| {
            (
                c.channel(),
                Some(AutoAcceptConfig {
                    auto_accept: c.auto_accept(),
                    agent_first_callback_auto_accept: c.agent_first_callback_auto_accept(),
                }),
            )
        })),
        after_contact_work: Some(channel_map(user.after_contact_work_configs(), |c| {
            (
                c.channel(),
                Some(AfterContactWorkPerChannel {
                    config: acw_from_sdk(c.after_contact_work_config()),
                    agent_first_callback: c
                        .agent_first_callback_after_contact_work_config()
                        .map(|a| acw_from_sdk(Some(a))),
                }),
            )
        })),
        phone_number: Some(channel_map(user.phone_number_configs(), |c| {
            let phone_type = PhoneType::parse(c.phone_type().as_str());
            let phone_number = non_empty(c.phone_number()).map(str::to_owned);
            (c.channel(), phone_type.map(|phone_type| PhoneNumberConfig { phone_type, phone_number }))
        })),
        persistent_connection: Some(channel_map(user.persistent_connection_configs(), |c| {
            (c.channel(), Some(c.persistent_connection()))
        })),
        voice_enhancement: Some(channel_map(user.voice_enhancement_configs(), |c| {
            (c.channel(), VoiceEnhancementMode::parse(c.voice_enhancement_mode().as_str()))
        })),
    }
}
