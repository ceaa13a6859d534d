//! The property paths behind each planned call: which part of the template asks for it, e.g. `UpdateUserConfig`
//! ← `PhoneConfig.AutoAccept`, `TagResource` ← `Tags.team`.

use cfn_connect_user::core::model::{Channel, ChannelConfigs, IdentityInfo, LiveUser, OWNER_TAG_KEY, UserSpec};
use cfn_connect_user::core::plan::Call;

/// The path a call of the owner tag is shown under: no property of the template sets it.
pub const OWNER_TAG_PATH: &str = "owner tag";

/// The property paths that `call` brings the user to (`live` is the user before it).
pub fn paths(call: &Call, spec: &UserSpec, live: Option<&LiveUser>) -> Vec<String> {
    match call {
        Call::UpdateIdentityInfo(wanted) => identity_paths(wanted, live.map(|l| &l.identity_info)),
        Call::UpdateUserConfig(lists) => channel_paths(lists, spec),
        Call::UpdateRoutingProfile(_) => {
            vec![given(&spec.named.routing_profile, "RoutingProfileArn", "RoutingProfileName")]
        }
        Call::UpdateHierarchy(Some(_)) => {
            vec![given(&spec.named.hierarchy_group, "HierarchyGroupArn", "HierarchyGroupPath")]
        }
        Call::UpdateHierarchy(None) => vec!["HierarchyGroupArn (removed from the template)".to_owned()],
        Call::UpdateSecurityProfiles(_) => {
            vec![given(&spec.named.security_profiles, "SecurityProfileArns", "SecurityProfileNames")]
        }
        Call::JoinTrafficDistributionGroup(group) => vec![format!("TrafficDistributionGroupArns ({group})")],
        Call::LeaveTrafficDistributionGroup(group) => {
            vec![format!("TrafficDistributionGroupArns ({group}, removed from the template)")]
        }
        Call::DisassociateProficiencies(keys) => {
            keys.iter().map(|k| format!("UserProficiencies[{k}] (removed from the template)")).collect()
        }
        Call::UpdateProficiencies(levels) | Call::AssociateProficiencies(levels) => {
            levels.keys().map(|k| format!("UserProficiencies[{k}]")).collect()
        }
        Call::Untag(keys) => keys.iter().map(|k| format!("Tags.{k} (removed from the template)")).collect(),
        Call::Tag(tags) => {
            tags.keys()
                .map(|k| {
                    if k == OWNER_TAG_KEY { format!("{OWNER_TAG_PATH} ({OWNER_TAG_KEY})") } else { format!("Tags.{k}") }
                })
                .collect()
        }
    }
}

/// The property that gave what a call sets: the name one when the template named it.
fn given<T>(named: &Option<T>, arn: &str, name: &str) -> String {
    if named.is_some() { name.to_owned() } else { arn.to_owned() }
}

fn identity_paths(wanted: &IdentityInfo, live: Option<&IdentityInfo>) -> Vec<String> {
    let empty = IdentityInfo::default();
    let live = live.unwrap_or(&empty);
    [
        ("FirstName", &wanted.first_name, &live.first_name),
        ("LastName", &wanted.last_name, &live.last_name),
        ("Email", &wanted.email, &live.email),
        ("SecondaryEmail", &wanted.secondary_email, &live.secondary_email),
        ("Mobile", &wanted.mobile, &live.mobile),
    ]
    .into_iter()
    .filter(|(_, w, l)| w != l)
    .map(|(name, ..)| format!("IdentityInfo.{name}"))
    .collect()
}

/// Each changed channel of each list, under the template's list when it sets it, else under the `PhoneConfig`
/// field it comes from (the function sends `PhoneConfig` as VOICE entries).
fn channel_paths(lists: &ChannelConfigs, spec: &UserSpec) -> Vec<String> {
    fn each<T>(
        out: &mut Vec<String>,
        sent: &Option<std::collections::BTreeMap<Channel, T>>,
        set: bool,
        list: &str,
        phone_fields: &[&str],
    ) {
        let Some(sent) = sent else { return };
        for channel in sent.keys() {
            if set || *channel != Channel::Voice {
                out.push(format!("{list}[{}]", channel.as_str()));
            } else {
                out.extend(phone_fields.iter().map(|f| format!("PhoneConfig.{f}")));
            }
        }
    }
    let set = &spec.channels;
    let pc = spec.phone_config.clone().unwrap_or_default();
    let mut number_fields = Vec::new();
    if pc.phone_type.is_some() {
        number_fields.push("PhoneType");
    }
    if pc.desk_phone_number.is_some() {
        number_fields.push("DeskPhoneNumber");
    }
    let mut out = Vec::new();
    each(&mut out, &lists.auto_accept, set.auto_accept.is_some(), "AutoAcceptConfigs", &["AutoAccept"]);
    each(
        &mut out,
        &lists.after_contact_work,
        set.after_contact_work.is_some(),
        "AfterContactWorkConfigs",
        &["AfterContactWorkTimeLimit"],
    );
    each(&mut out, &lists.phone_number, set.phone_number.is_some(), "PhoneNumberConfigs", &number_fields);
    each(
        &mut out,
        &lists.persistent_connection,
        set.persistent_connection.is_some(),
        "PersistentConnectionConfigs",
        &["PersistentConnection"],
    );
    each(&mut out, &lists.voice_enhancement, true, "VoiceEnhancementConfigs", &[]);
    out
}
