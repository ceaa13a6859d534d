//! A live user → the properties of the `Custom::ConnectUser` that adopts it: exactly what Connect holds, so that
//! the function's plan for it is the owner tag and nothing else. Never a `Password` (Connect never returns one,
//! and an adopted user keeps its own).
//!
//! Choices:
//! - The phone settings: a user whose settings are all on VOICE and fit `PhoneConfig` (no agent-first-callback
//!   settings, no other channel) is written with `PhoneConfig`, the form the console and most templates use, plus
//!   `VoiceEnhancementConfigs` when it has one (that list has no `PhoneConfig` field). Any other user is written
//!   with the per-channel lists, each as Connect holds it, and no `PhoneConfig`: the two would conflict.
//! - What the instance's identity-management type forbids in a template is left out (`IdentityInfo.Email` and
//!   `DirectoryUserId` on a `SAML` instance): a property left out is one the function leaves as it is.
//! - Tags: the user's own, without the `aws:` ones (AWS sets them; no template may) and without the owner tag.
//! - Empty strings Connect returns for unset fields are left out, as unset.
//! - `TrafficDistributionGroupArns`: the groups the user is in, when it is in any (read from each group's users:
//!   Connect has no call that lists a user's groups).

use cfn_connect_user::core::identity::{self, IdentityManagement};
use cfn_connect_user::core::model::{
    AfterContactWorkConfig, Channel, ChannelConfigs, LiveUser, OWNER_TAG_KEY, PhoneConfig,
};
use cfn_connect_user::core::props;
use serde_json::{Map, Value, json};

/// The properties of the resource that adopts `live` (without `ServiceToken`, which the template decides), and
/// the problems the function would find in them, each as `Path: message` (empty when it would accept them).
pub fn properties(live: &LiveUser, kind: Option<IdentityManagement>) -> (Value, Vec<String>) {
    let mut p = Map::new();
    p.insert("InstanceArn".into(), json!(live.arn.instance().as_str()));
    p.insert("Username".into(), json!(live.username));
    p.insert("RoutingProfileArn".into(), json!(live.routing_profile.as_str()));
    p.insert(
        "SecurityProfileArns".into(),
        Value::Array(live.security_profiles.iter().map(|a| json!(a.as_str())).collect()),
    );
    if let Some(group) = &live.hierarchy_group {
        p.insert("HierarchyGroupArn".into(), json!(group.as_str()));
    }
    if let Some(directory) = live.directory_user_id.as_deref().filter(|d| !d.is_empty())
        && kind != Some(IdentityManagement::Saml)
    {
        p.insert("DirectoryUserId".into(), json!(directory));
    }
    let info = identity_info(live, kind);
    if !info.is_empty() {
        p.insert("IdentityInfo".into(), Value::Object(info));
    }
    phone(&live.phone_config, &live.channels, &mut p);
    if let Some(levels) = live.proficiencies.as_ref().filter(|l| !l.is_empty()) {
        let list = levels
            .iter()
            .map(|(key, level)| {
                json!({"AttributeName": key.attribute_name, "AttributeValue": key.attribute_value,
                    "Level": level_number(*level)})
            })
            .collect();
        p.insert("UserProficiencies".into(), Value::Array(list));
    }
    if let Some(groups) = live.traffic_distribution_groups.as_ref().filter(|g| !g.is_empty()) {
        p.insert(
            "TrafficDistributionGroupArns".into(),
            Value::Array(groups.iter().map(|g| json!(g.as_str())).collect()),
        );
    }
    let tags: Vec<Value> = live
        .tags
        .iter()
        .filter(|(key, _)| !key.starts_with("aws:") && key.as_str() != OWNER_TAG_KEY)
        .map(|(key, value)| json!({"Key": key, "Value": value}))
        .collect();
    if !tags.is_empty() {
        p.insert("Tags".into(), Value::Array(tags));
    }
    p.insert("AdoptExisting".into(), json!("true"));
    let properties = Value::Object(p);
    let problems = problems(&properties, kind);
    (properties, problems)
}

/// What the function's validation would say of the properties, at the Create that adopts the user.
pub fn problems(properties: &Value, kind: Option<IdentityManagement>) -> Vec<String> {
    let mut found: Vec<String> = match props::parse(properties) {
        Ok(_) => Vec::new(),
        Err(invalid) => invalid.0.iter().map(ToString::to_string).collect(),
    };
    if let Some(kind) = kind {
        let facts = props::identity_facts(properties, true);
        found.extend(identity::check(&facts, kind).iter().map(ToString::to_string));
    }
    found
}

fn identity_info(live: &LiveUser, kind: Option<IdentityManagement>) -> Map<String, Value> {
    let info = &live.identity_info;
    let email = if kind == Some(IdentityManagement::Saml) { None } else { info.email.as_ref() };
    [
        ("FirstName", info.first_name.as_ref()),
        ("LastName", info.last_name.as_ref()),
        ("Email", email),
        ("SecondaryEmail", info.secondary_email.as_ref()),
        ("Mobile", info.mobile.as_ref()),
    ]
    .into_iter()
    .filter_map(|(key, value)| value.filter(|v| !v.is_empty()).map(|v| (key.to_owned(), json!(v))))
    .collect()
}

/// The level as the shortest decimal that reads back as the same `f32` (3.7, not 3.700000047683716).
fn level_number(level: f32) -> Value {
    let shortest: f64 = level.to_string().parse().unwrap_or(f64::from(level));
    serde_json::Number::from_f64(shortest).map_or(Value::Null, Value::Number)
}

/// Whether every setting the user has is one `PhoneConfig` can say: VOICE only, and no agent-first-callback one.
fn fits_phone_config(channels: &ChannelConfigs) -> bool {
    fn voice_only<T>(list: &Option<std::collections::BTreeMap<Channel, T>>) -> bool {
        list.as_ref().is_none_or(|l| l.keys().all(|c| *c == Channel::Voice))
    }
    voice_only(&channels.auto_accept)
        && voice_only(&channels.after_contact_work)
        && voice_only(&channels.phone_number)
        && voice_only(&channels.persistent_connection)
        && voice_only(&channels.voice_enhancement)
        && channels.auto_accept.iter().flatten().all(|(_, a)| a.agent_first_callback_auto_accept.is_none())
        && channels
            .after_contact_work
            .iter()
            .flatten()
            .all(|(_, a)| a.agent_first_callback.is_none() && a.config.time_limit.is_some())
}

fn phone(pc: &PhoneConfig, channels: &ChannelConfigs, p: &mut Map<String, Value>) {
    fn voice<T>(list: Option<&std::collections::BTreeMap<Channel, T>>) -> Option<&T> {
        list.and_then(|l| l.get(&Channel::Voice))
    }
    if fits_phone_config(channels) {
        let number = voice(channels.phone_number.as_ref());
        let mut config = Map::new();
        if let Some(phone_type) = number.map(|n| n.phone_type).or(pc.phone_type) {
            config.insert("PhoneType".into(), json!(phone_type.as_str()));
        }
        let auto_accept = voice(channels.auto_accept.as_ref()).map(|a| a.auto_accept).or(pc.auto_accept);
        if let Some(auto_accept) = auto_accept {
            config.insert("AutoAccept".into(), json!(auto_accept));
        }
        let limit = voice(channels.after_contact_work.as_ref())
            .and_then(|a| a.config.time_limit)
            .or(pc.after_contact_work_time_limit);
        if let Some(limit) = limit {
            config.insert("AfterContactWorkTimeLimit".into(), json!(limit));
        }
        let desk = number.and_then(|n| n.phone_number.clone()).or_else(|| pc.desk_phone_number.clone());
        if let Some(desk) = desk.filter(|d| !d.is_empty()) {
            config.insert("DeskPhoneNumber".into(), json!(desk));
        }
        let persistent = voice(channels.persistent_connection.as_ref()).copied().or(pc.persistent_connection);
        if let Some(persistent) = persistent {
            config.insert("PersistentConnection".into(), json!(persistent));
        }
        p.insert("PhoneConfig".into(), Value::Object(config));
        if let Some(list) = channels.voice_enhancement.as_ref().filter(|l| !l.is_empty()) {
            let entries =
                list.iter().map(|(c, m)| json!({"Channel": c.as_str(), "VoiceEnhancementMode": m.as_str()})).collect();
            p.insert("VoiceEnhancementConfigs".into(), Value::Array(entries));
        }
        return;
    }
    let acw = |config: &AfterContactWorkConfig| match config.time_limit {
        Some(limit) => json!({"AfterContactWorkTimeLimit": limit}),
        None => json!({}),
    };
    let mut lists: Vec<(&str, Vec<Value>)> = Vec::new();
    if let Some(list) = &channels.auto_accept {
        lists.push((
            "AutoAcceptConfigs",
            list.iter()
                .map(|(c, a)| {
                    let mut entry = json!({"Channel": c.as_str(), "AutoAccept": a.auto_accept});
                    if let Some(first) = a.agent_first_callback_auto_accept {
                        entry["AgentFirstCallbackAutoAccept"] = json!(first);
                    }
                    entry
                })
                .collect(),
        ));
    }
    if let Some(list) = &channels.after_contact_work {
        lists.push((
            "AfterContactWorkConfigs",
            list.iter()
                .map(|(c, a)| {
                    let mut entry = json!({"Channel": c.as_str(), "AfterContactWorkConfig": acw(&a.config)});
                    if let Some(first) = &a.agent_first_callback {
                        entry["AgentFirstCallbackAfterContactWorkConfig"] = acw(first);
                    }
                    entry
                })
                .collect(),
        ));
    }
    if let Some(list) = &channels.phone_number {
        lists.push((
            "PhoneNumberConfigs",
            list.iter()
                .map(|(c, n)| {
                    let mut entry = json!({"Channel": c.as_str(), "PhoneType": n.phone_type.as_str()});
                    if let Some(number) = n.phone_number.as_ref().filter(|n| !n.is_empty()) {
                        entry["PhoneNumber"] = json!(number);
                    }
                    entry
                })
                .collect(),
        ));
    }
    if let Some(list) = &channels.persistent_connection {
        lists.push((
            "PersistentConnectionConfigs",
            list.iter().map(|(c, on)| json!({"Channel": c.as_str(), "PersistentConnection": on})).collect(),
        ));
    }
    if let Some(list) = &channels.voice_enhancement {
        lists.push((
            "VoiceEnhancementConfigs",
            list.iter().map(|(c, m)| json!({"Channel": c.as_str(), "VoiceEnhancementMode": m.as_str()})).collect(),
        ));
    }
    for (name, entries) in lists {
        if !entries.is_empty() {
            p.insert(name.into(), Value::Array(entries));
        }
    }
}

#[cfg(test)]
mod tests;
