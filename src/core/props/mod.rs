//! `ResourceProperties` as CloudFormation sends them (strings) → the validated `UserSpec`, with every problem
//! reported at once under its property path; and the lenient read of `OldResourceProperties`.
//!
//! Conventions: a JSON `null` counts as not set; booleans and numbers accept JSON values and strings; string
//! properties accept JSON strings only (see `core::scalar`). No message ever contains the `Password`.

mod keys;
mod named;
mod reader;
mod rules;
#[cfg(test)]
mod tests;

use serde_json::Value;

use super::arn::{InstanceArn, TrafficDistributionGroupArn};
use super::identity;
use super::model::{
    Channel, ChannelConfigs, Named, OWNER_TAG_KEY, OldTemplate, ProficiencyKey, UserSpec, VoiceEnhancementMode,
};
use super::names::{Resolved, Wanted};
use super::password_secret::{PasswordSecret, SecretArn};
use super::scalar::{self, ARN_ECHO_CHARS, describe, quote};
use super::secret::Secret;
use keys::{
    AFTER_CONTACT_WORK_PER_CHANNEL, AUTO_ACCEPT_CONFIG, CLOUDFORMATION_KEYS, MAX_JSON_KEY_CHARS,
    PERSISTENT_CONNECTION_CONFIG, PHONE_NUMBER_CONFIG, VOICE_ENHANCEMENT_CONFIG,
};
use named::Naming;
use reader::{Errors, Obj, entries};
use rules::{
    VOICE_ONLY, after_contact_work_per_channel, arn_message, auto_accept_config, channel_list, check_conflicts,
    identity_info, password, phone_config, phone_number_config, proficiencies, tags, username,
};

pub use super::problem::{Invalid, PropertyError};
pub use keys::{MAX_TEMPLATE_TAGS, PROFICIENCY_LEVELS, PROPERTIES};

/// Why properties are not (yet) a [`UserSpec`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unparsed {
    /// They break their rules: every problem.
    Invalid(Invalid),
    /// They keep every rule so far, and name resources (`RoutingProfileName`…) still to resolve in the instance.
    Unresolved(Vec<Wanted>),
}

/// Validates `ResourceProperties` into a `UserSpec`, or reports every problem found. Makes no call. Names of
/// resources (`RoutingProfileName`, `SecurityProfileNames`, `HierarchyGroupPath`) are problems here, since nothing
/// resolves them: [`parse_with`] is for templates that may name them.
pub fn parse(properties: &Value) -> Result<UserSpec, Invalid> {
    parse_with(properties, &Resolved::default()).map_err(|unparsed| match unparsed {
        Unparsed::Invalid(invalid) => invalid,
        Unparsed::Unresolved(wanted) => Invalid(
            wanted
                .into_iter()
                .map(|w| PropertyError {
                    path: w.kind.property().to_owned(),
                    message: format!("{:?} is not resolved to its {}", w.name, w.kind),
                })
                .collect(),
        ),
    })
}

/// Validates `ResourceProperties` into a `UserSpec`, the names it uses resolved as `names` says, or reports every
/// problem found; or, when it keeps every rule but names something `names` does not hold yet, what to resolve.
/// A name that resolved to nothing or to several things is a problem naming the property, the name and what to
/// do. Makes no call.
pub fn parse_with(properties: &Value, names: &Resolved) -> Result<UserSpec, Unparsed> {
    let Some(map) = properties.as_object() else {
        return Err(Unparsed::Invalid(Invalid(vec![PropertyError {
            path: "ResourceProperties".to_owned(),
            message: format!("expected an object, got {}", describe(properties)),
        }])));
    };
    let e = &mut Errors::default();
    let known: Vec<&str> = PROPERTIES.iter().chain(CLOUDFORMATION_KEYS).copied().collect();
    let top = Obj::new(String::new(), map, &known, e);

    let instance = top.req("InstanceArn", e).and_then(|f| {
        let s = f.string(e)?;
        InstanceArn::parse(s).map_err(|err| e.add(&f.path, arn_message(err))).ok()
    });
    let instance = instance.as_ref();
    let username = top.req("Username", e).and_then(|f| username(e, &f));
    let naming = &mut Naming { names, pending: Vec::new() };
    let routing_profile = named::routing_profile(e, &top, instance, naming);
    let security_profiles = named::security_profiles(e, &top, instance, naming);
    let password = top.opt("Password").and_then(|f| password(e, &f));
    let directory_user_id = top.opt("DirectoryUserId").and_then(|f| f.string(e)).map(str::to_owned);
    let hierarchy_group = named::hierarchy_group(e, &top, instance, naming);
    let traffic_distribution_groups =
        top.opt("TrafficDistributionGroupArns").and_then(|f| named::traffic_distribution_groups(e, &f, instance));
    let identity_info = top.opt("IdentityInfo").and_then(|f| identity_info(e, &f));
    let phone_config = top.opt("PhoneConfig").and_then(|f| phone_config(e, &f));
    let channels = ChannelConfigs {
        auto_accept: channel_list(e, &top, "AutoAcceptConfigs", AUTO_ACCEPT_CONFIG, &Channel::ALL, auto_accept_config),
        after_contact_work: channel_list(
            e,
            &top,
            "AfterContactWorkConfigs",
            AFTER_CONTACT_WORK_PER_CHANNEL,
            &Channel::ALL,
            after_contact_work_per_channel,
        ),
        phone_number: channel_list(e, &top, "PhoneNumberConfigs", PHONE_NUMBER_CONFIG, VOICE_ONLY, phone_number_config),
        persistent_connection: channel_list(
            e,
            &top,
            "PersistentConnectionConfigs",
            PERSISTENT_CONNECTION_CONFIG,
            VOICE_ONLY,
            |e, o| o.req("PersistentConnection", e).and_then(|f| f.boolean(e)),
        ),
        voice_enhancement: channel_list(
            e,
            &top,
            "VoiceEnhancementConfigs",
            VOICE_ENHANCEMENT_CONFIG,
            VOICE_ONLY,
            |e, o| {
                o.req("VoiceEnhancementMode", e).and_then(|f| f.one_of(e, &VoiceEnhancementMode::ALL, |m| m.as_str()))
            },
        ),
    };
    check_conflicts(e, &top);
    let proficiencies = top.opt("UserProficiencies").and_then(|f| proficiencies(e, &f));
    let tags = top.opt("Tags").and_then(|f| tags(e, &f));
    let adopt_existing = top.opt("AdoptExisting").and_then(|f| f.boolean(e)).unwrap_or(false);
    // Never sent to Connect: changing it is how a template asks CloudFormation for an Update, which reconciles.
    top.opt("ReconcileToken").and_then(|f| f.string_len(e, 0, 1024));
    let password_secret = password_secret(e, &top);

    if e.0.is_empty() && !naming.pending.is_empty() {
        return Err(Unparsed::Unresolved(std::mem::take(&mut naming.pending)));
    }
    let (
        Some(instance),
        Some(username),
        Some((routing_profile, routing_profile_name)),
        Some((security_profiles, security_profile_names)),
        Ok(hierarchy_group),
        true,
    ) = (instance, username, routing_profile, security_profiles, hierarchy_group, e.0.is_empty())
    else {
        // Every path that leaves a required value unset has recorded why.
        debug_assert!(!e.0.is_empty());
        return Err(Unparsed::Invalid(Invalid(std::mem::take(&mut e.0))));
    };
    let (hierarchy_group, hierarchy_group_path) = hierarchy_group.map_or((None, None), |(arn, path)| (Some(arn), path));
    Ok(UserSpec {
        instance: instance.clone(),
        username,
        password,
        routing_profile,
        security_profiles,
        directory_user_id,
        hierarchy_group,
        named: Named {
            routing_profile: routing_profile_name,
            security_profiles: security_profile_names,
            hierarchy_group: hierarchy_group_path,
        },
        traffic_distribution_groups,
        identity_info,
        phone_config,
        channels,
        proficiencies,
        tags,
        adopt_existing,
        password_secret,
    })
}

/// `PasswordSecretArn` and `PasswordSecretJsonKey`: the secret holding the password, instead of `Password`.
/// Read only when a user is created; here only their shapes and combination are checked.
fn password_secret(e: &mut Errors, top: &Obj) -> Option<PasswordSecret> {
    let json_key = top.opt("PasswordSecretJsonKey").and_then(|f| f.string_len(e, 1, MAX_JSON_KEY_CHARS));
    let Some(f) = top.opt("PasswordSecretArn") else {
        if top.has("PasswordSecretJsonKey") {
            e.add("PasswordSecretJsonKey", "applies only with PasswordSecretArn: set PasswordSecretArn, or remove it");
        }
        return None;
    };
    if top.has("Password") {
        e.add(&f.path, "excludes Password: set Password or PasswordSecretArn, not both");
    }
    let s = f.string(e)?;
    match SecretArn::parse(s) {
        Ok(arn) => Some(PasswordSecret { arn, json_key }),
        Err(_) => {
            e.add(
                &f.path,
                format!(
                    "expected a Secrets Manager secret ARN, arn:<partition>:secretsmanager:<region>:<12-digit \
                     account>:secret:<name>, got {}",
                    quote(s, ARN_ECHO_CHARS)
                ),
            );
            None
        }
    }
}

/// What the plan needs of `OldResourceProperties`, read leniently: never fails, skips what it cannot read
/// (the old template may predate today's rules, and must never block an update or its rollback).
pub fn old_template(properties: &Value) -> OldTemplate {
    let mut old = OldTemplate::default();
    for tag in entries(properties, "Tags") {
        if let Some(key) = tag.get("Key").and_then(Value::as_str)
            && key != OWNER_TAG_KEY
            && !old.tag_keys.iter().any(|k| k == key)
        {
            old.tag_keys.push(key.to_owned());
        }
    }
    for entry in entries(properties, "UserProficiencies") {
        let name = entry.get("AttributeName").and_then(Value::as_str);
        let value = entry.get("AttributeValue").and_then(Value::as_str);
        if let (Some(name), Some(value)) = (name, value) {
            let key = ProficiencyKey { attribute_name: name.to_owned(), attribute_value: value.to_owned() };
            if !old.proficiency_keys.contains(&key) {
                old.proficiency_keys.push(key);
            }
        }
    }
    old.hierarchy_group = ["HierarchyGroupArn", "HierarchyGroupPath"]
        .iter()
        .any(|key| properties.get(*key).is_some_and(|v| !v.is_null()));
    old.traffic_distribution_groups = named::groups_leniently(properties);
    old.password = properties.get("Password").and_then(Value::as_str).map(Secret::new);
    old
}

/// `TrafficDistributionGroupArns`, read leniently: the groups it names that parse, whatever else is wrong with the
/// properties. A Delete, which never validates its properties, leaves these before it deletes the user.
pub fn traffic_distribution_groups(properties: &Value) -> Vec<TrafficDistributionGroupArn> {
    named::groups_leniently(properties)
}

/// `InstanceArn`, read leniently: the instance, when the value is one, whatever else is wrong with the properties.
/// Validation needs it before the rest: its account decides whether the function can reach it, and its
/// identity-management type adds rules (docs/real-connect.md §4, §6).
pub fn instance_arn(properties: &Value) -> Option<InstanceArn> {
    properties.get("InstanceArn").and_then(Value::as_str).and_then(|s| InstanceArn::parse(s).ok())
}

/// What the rules of the identity-management types look at, read leniently from the properties, so that those
/// problems are reported beside any other. A member counts as given when present and not `null`; the names only
/// when they are non-empty strings, as Connect requires them. `create` says the request is a Create; unless the
/// template asks to adopt an existing user, its properties then go to `CreateUser`.
pub fn identity_facts(properties: &Value, create: bool) -> identity::Facts<'_> {
    let given = |v: Option<&Value>| v.is_some_and(|v| !v.is_null());
    let info = properties.get("IdentityInfo");
    let name = |key: &str| info.and_then(|i| i.get(key)).and_then(Value::as_str).is_some_and(|s| !s.is_empty());
    let adopts = properties.get("AdoptExisting").is_some_and(|v| scalar::boolean(v) == Some(true));
    identity::Facts {
        creates: create && !adopts,
        username: properties.get("Username").and_then(Value::as_str),
        password: given(properties.get("Password")),
        password_secret: given(properties.get("PasswordSecretArn")),
        first_name: name("FirstName"),
        last_name: name("LastName"),
        email: given(info.and_then(|i| i.get("Email"))),
        directory_user_id: given(properties.get("DirectoryUserId")),
    }
}
