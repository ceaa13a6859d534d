//! `ResourceProperties` as CloudFormation sends them (strings) → the validated `UserSpec`, with every problem
//! reported at once under its property path; and the lenient read of `OldResourceProperties`.
//!
//! Conventions: a JSON `null` counts as not set; booleans and numbers accept JSON values and strings; string
//! properties accept JSON strings only (see `scalar`). No message ever contains the `Password`.

mod scalar;
mod shape;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;
use std::ops::RangeInclusive;

use serde_json::{Map, Value};

use super::arn::{ArnError, InstanceArn, ResourceArn, ResourceKind};
use super::model::{
    AfterContactWorkConfig, AfterContactWorkPerChannel, AutoAcceptConfig, Channel, ChannelConfigs, IdentityInfo,
    OWNER_TAG_KEY, OldTemplate, PhoneConfig, PhoneNumberConfig, PhoneType, Proficiencies, ProficiencyKey, Tags,
    UserSpec, VoiceEnhancementMode,
};
use super::secret::Secret;
use scalar::{ARN_ECHO_CHARS, ECHO_CHARS, describe, quote};

/// At most this many template tags: Connect allows 50 per user and the owner tag takes one.
pub const MAX_TEMPLATE_TAGS: usize = 49;

/// The proficiency levels Connect accepts (its API says 1.0–5.0; the CloudFormation schema says 0–10).
pub const PROFICIENCY_LEVELS: RangeInclusive<f32> = 1.0..=5.0;

/// Connect's limit for `AfterContactWorkTimeLimit`, in seconds (24 days).
const MAX_AFTER_CONTACT_WORK_SECONDS: i64 = 2_000_000;

const MAX_SECURITY_PROFILES: usize = 10;

/// One problem, with its property path, e.g.
/// `PhoneConfig.PhoneType: expected SOFT_PHONE or DESK_PHONE, got "SOFTPHONE"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for PropertyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Every problem of one set of properties, in the order found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid properties: {}", join(.0))]
pub struct Invalid(pub Vec<PropertyError>);

fn join(errors: &[PropertyError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

/// The properties of `Custom::ConnectUser`: those of `AWS::Connect::User`, plus `AdoptExisting`.
pub const PROPERTIES: &[&str] = &[
    "InstanceArn",
    "Username",
    "RoutingProfileArn",
    "SecurityProfileArns",
    "Password",
    "DirectoryUserId",
    "HierarchyGroupArn",
    "IdentityInfo",
    "PhoneConfig",
    "AutoAcceptConfigs",
    "AfterContactWorkConfigs",
    "PhoneNumberConfigs",
    "PersistentConnectionConfigs",
    "VoiceEnhancementConfigs",
    "UserProficiencies",
    "Tags",
    "AdoptExisting",
];
/// Added by CloudFormation to `ResourceProperties`; not properties of the user.
const CLOUDFORMATION_KEYS: &[&str] = &["ServiceToken", "ServiceTimeout"];
const IDENTITY_INFO: &[&str] = &["FirstName", "LastName", "Email", "SecondaryEmail", "Mobile"];
const PHONE_CONFIG: &[&str] =
    &["PhoneType", "AutoAccept", "AfterContactWorkTimeLimit", "DeskPhoneNumber", "PersistentConnection"];
const AUTO_ACCEPT_CONFIG: &[&str] = &["Channel", "AutoAccept", "AgentFirstCallbackAutoAccept"];
const AFTER_CONTACT_WORK_PER_CHANNEL: &[&str] =
    &["Channel", "AfterContactWorkConfig", "AgentFirstCallbackAfterContactWorkConfig"];
const AFTER_CONTACT_WORK_CONFIG: &[&str] = &["AfterContactWorkTimeLimit", "AfterContactWorkMode"];
const PHONE_NUMBER_CONFIG: &[&str] = &["Channel", "PhoneType", "PhoneNumber"];
const PERSISTENT_CONNECTION_CONFIG: &[&str] = &["Channel", "PersistentConnection"];
const VOICE_ENHANCEMENT_CONFIG: &[&str] = &["Channel", "VoiceEnhancementMode"];
const USER_PROFICIENCY: &[&str] = &["AttributeName", "AttributeValue", "Level"];
const TAG: &[&str] = &["Key", "Value"];

/// A `PhoneConfig` field and the per-channel list that sets the same thing: Connect rejects both at once.
const CONFLICTS: &[(&str, &str)] = &[
    ("AutoAccept", "AutoAcceptConfigs"),
    ("AfterContactWorkTimeLimit", "AfterContactWorkConfigs"),
    ("PhoneType", "PhoneNumberConfigs"),
    ("DeskPhoneNumber", "PhoneNumberConfigs"),
    ("PersistentConnection", "PersistentConnectionConfigs"),
];

/// Validates `ResourceProperties` into a `UserSpec`, or reports every problem found. Makes no call.
pub fn parse(properties: &Value) -> Result<UserSpec, Invalid> {
    let Some(map) = properties.as_object() else {
        return Err(Invalid(vec![PropertyError {
            path: "ResourceProperties".to_owned(),
            message: format!("expected an object, got {}", describe(properties)),
        }]));
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
    let routing_profile =
        top.req("RoutingProfileArn", e).and_then(|f| resource_arn(e, &f, ResourceKind::RoutingProfile, instance));
    let security_profiles = top.req("SecurityProfileArns", e).and_then(|f| security_profiles(e, &f, instance));
    let password = top.opt("Password").and_then(|f| password(e, &f));
    let directory_user_id = top.opt("DirectoryUserId").and_then(|f| f.string(e)).map(str::to_owned);
    let hierarchy_group =
        top.opt("HierarchyGroupArn").and_then(|f| resource_arn(e, &f, ResourceKind::AgentGroup, instance));
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

    let (Some(instance), Some(username), Some(routing_profile), Some(security_profiles), true) =
        (instance, username, routing_profile, security_profiles, e.0.is_empty())
    else {
        // Every path that leaves a required value unset has recorded why.
        debug_assert!(!e.0.is_empty());
        return Err(Invalid(std::mem::take(&mut e.0)));
    };
    Ok(UserSpec {
        instance: instance.clone(),
        username,
        password,
        routing_profile,
        security_profiles,
        directory_user_id,
        hierarchy_group,
        identity_info,
        phone_config,
        channels,
        proficiencies,
        tags,
        adopt_existing,
    })
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
    old.hierarchy_group = properties.get("HierarchyGroupArn").is_some_and(|v| !v.is_null());
    old.password = properties.get("Password").and_then(Value::as_str).map(Secret::new);
    old
}

fn entries<'a>(properties: &'a Value, name: &str) -> &'a [Value] {
    properties.get(name).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default()
}

#[derive(Default)]
struct Errors(Vec<PropertyError>);

impl Errors {
    fn add(&mut self, path: &str, message: impl Into<String>) {
        self.0.push(PropertyError { path: path.to_owned(), message: message.into() });
    }
}

/// A value that is present (not `null`) and its property path.
struct Field<'a> {
    path: String,
    value: &'a Value,
}

impl<'a> Field<'a> {
    fn string(&self, e: &mut Errors) -> Option<&'a str> {
        let s = self.value.as_str();
        if s.is_none() {
            e.add(&self.path, format!("expected a string, got {}", describe(self.value)));
        }
        s
    }

    /// A string of `min..=max` characters.
    fn string_len(&self, e: &mut Errors, min: usize, max: usize) -> Option<String> {
        let s = self.string(e)?;
        check_len(e, &self.path, s, min, max).then(|| s.to_owned())
    }

    fn boolean(&self, e: &mut Errors) -> Option<bool> {
        let b = scalar::boolean(self.value);
        if b.is_none() {
            e.add(&self.path, format!("expected true or false, got {}", describe(self.value)));
        }
        b
    }

    fn integer_in(&self, e: &mut Errors, range: RangeInclusive<i64>, note: &str) -> Option<i64> {
        let n = scalar::integer(self.value).filter(|n| range.contains(n));
        if n.is_none() {
            let (lo, hi) = (range.start(), range.end());
            e.add(&self.path, format!("expected an integer from {lo} to {hi}{note}, got {}", describe(self.value)));
        }
        n
    }

    fn one_of<T: Copy>(&self, e: &mut Errors, all: &[T], name: fn(T) -> &'static str) -> Option<T> {
        let s = self.value.as_str();
        let found = s.and_then(|s| all.iter().copied().find(|t| name(*t) == s));
        if found.is_none() {
            let names: Vec<_> = all.iter().map(|t| name(*t)).collect();
            let expected = match names.split_last() {
                Some((last, [])) => (*last).to_owned(),
                Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                None => String::new(),
            };
            e.add(&self.path, format!("expected {expected}, got {}", describe(self.value)));
        }
        found
    }

    fn list(&self, e: &mut Errors) -> Option<&'a [Value]> {
        let items = self.value.as_array().map(Vec::as_slice);
        if items.is_none() {
            e.add(&self.path, format!("expected a list, got {}", describe(self.value)));
        }
        items
    }

    fn item(&self, index: usize, value: &'a Value) -> Field<'a> {
        Field { path: format!("{}[{index}]", self.path), value }
    }

    fn object(&self, e: &mut Errors, known: &[&str]) -> Option<Obj<'a>> {
        let Some(map) = self.value.as_object() else {
            e.add(&self.path, format!("expected an object, got {}", describe(self.value)));
            return None;
        };
        Some(Obj::new(self.path.clone(), map, known, e))
    }
}

/// An object being read; its unknown keys are reported when it is opened.
struct Obj<'a> {
    path: String,
    map: &'a Map<String, Value>,
}

impl<'a> Obj<'a> {
    fn new(path: String, map: &'a Map<String, Value>, known: &[&str], e: &mut Errors) -> Self {
        let obj = Self { path, map };
        for key in map.keys().filter(|k| !known.contains(&k.as_str())) {
            let shown: String = key.chars().take(ECHO_CHARS).collect();
            let message = match known.iter().find(|k| k.eq_ignore_ascii_case(key)) {
                Some(near) => format!("unknown property (did you mean {near}?)"),
                None => "unknown property".to_owned(),
            };
            e.add(&obj.path_of(&shown), message);
        }
        obj
    }

    fn path_of(&self, name: &str) -> String {
        if self.path.is_empty() { name.to_owned() } else { format!("{}.{name}", self.path) }
    }

    fn opt(&self, name: &str) -> Option<Field<'a>> {
        self.map.get(name).filter(|v| !v.is_null()).map(|value| Field { path: self.path_of(name), value })
    }

    fn req(&self, name: &str, e: &mut Errors) -> Option<Field<'a>> {
        let field = self.opt(name);
        if field.is_none() {
            e.add(&self.path_of(name), "required");
        }
        field
    }

    fn has(&self, name: &str) -> bool {
        self.map.get(name).is_some_and(|v| !v.is_null())
    }
}

/// Reports a length outside `min..=max` characters (not bytes: Connect counts characters).
fn check_len(e: &mut Errors, path: &str, s: &str, min: usize, max: usize) -> bool {
    let len = s.chars().count();
    if (min..=max).contains(&len) {
        return true;
    }
    let message = if len == 0 {
        "must not be empty".to_owned()
    } else if min == 0 {
        format!("must be at most {max} characters, got {len}")
    } else {
        format!("must be {min} to {max} characters, got {len}")
    };
    e.add(path, message);
    false
}

fn arn_message(err: ArnError) -> String {
    match err {
        ArnError::NotAnInstance(value) => format!(
            "expected arn:<partition>:connect:<region>:<12-digit account>:instance/<id>, got {}",
            quote(&value, ARN_ECHO_CHARS)
        ),
        ArnError::NotAChild { kind, value } => {
            format!("expected <InstanceArn>/{kind}/<id>, got {}", quote(&value, ARN_ECHO_CHARS))
        }
        ArnError::OtherInstance { actual, .. } => {
            format!("belongs to instance {}, not to InstanceArn", quote(&actual, ARN_ECHO_CHARS))
        }
    }
}

/// Checks the ARN's shape, and that it belongs to `instance` when `InstanceArn` itself is valid.
fn resource_arn(e: &mut Errors, f: &Field, kind: ResourceKind, instance: Option<&InstanceArn>) -> Option<ResourceArn> {
    let s = f.string(e)?;
    let parsed = match instance {
        Some(instance) => ResourceArn::parse_in(s, kind, instance),
        None => ResourceArn::parse(s, kind),
    };
    parsed.map_err(|err| e.add(&f.path, arn_message(err))).ok()
}

fn username(e: &mut Errors, f: &Field) -> Option<String> {
    let s = f.string(e)?;
    if !check_len(e, &f.path, s, 1, 64) {
        return None;
    }
    if !shape::is_username(s) {
        e.add(&f.path, format!("may contain only letters, digits and _ . @ -, got {}", quote(s, ECHO_CHARS)));
        return None;
    }
    Some(s.to_owned())
}

/// The password never appears in a message, not even when it has the wrong type.
fn password(e: &mut Errors, f: &Field) -> Option<Secret> {
    let Some(s) = f.value.as_str() else {
        e.add(&f.path, "expected a string");
        return None;
    };
    let problems = shape::password_problems(s);
    if !problems.is_empty() {
        e.add(
            &f.path,
            format!(
                "must be 8 to 64 characters without whitespace, with a lower-case letter, an upper-case letter \
                 and a digit ({})",
                problems.join(", ")
            ),
        );
        return None;
    }
    Some(Secret::new(s))
}

fn security_profiles(e: &mut Errors, f: &Field, instance: Option<&InstanceArn>) -> Option<Vec<ResourceArn>> {
    let items = f.list(e)?;
    if !(1..=MAX_SECURITY_PROFILES).contains(&items.len()) {
        e.add(&f.path, format!("expected 1 to {MAX_SECURITY_PROFILES} security profile ARNs, got {}", items.len()));
    }
    let mut arns = Vec::with_capacity(items.len());
    for (i, value) in items.iter().enumerate() {
        let item = f.item(i, value);
        if let Some(first) = items[..i].iter().position(|v| v == value) {
            e.add(&item.path, format!("duplicate of {}[{first}]", f.path));
        } else if let Some(arn) = resource_arn(e, &item, ResourceKind::SecurityProfile, instance) {
            arns.push(arn);
        }
    }
    Some(arns)
}

fn email(e: &mut Errors, f: &Field) -> Option<String> {
    let s = f.string(e)?;
    if !check_len(e, &f.path, s, 0, 265) {
        return None;
    }
    if !shape::is_email(s) {
        e.add(&f.path, format!("expected an e-mail address like name@example.com, got {}", quote(s, ECHO_CHARS)));
        return None;
    }
    Some(s.to_owned())
}

fn e164(e: &mut Errors, f: &Field) -> Option<String> {
    let s = f.string(e)?;
    if !shape::is_e164(s) {
        e.add(
            &f.path,
            format!("expected an E.164 number (+ then 2 to 15 digits, the first not 0), got {}", quote(s, ECHO_CHARS)),
        );
        return None;
    }
    Some(s.to_owned())
}

fn identity_info(e: &mut Errors, f: &Field) -> Option<IdentityInfo> {
    let o = f.object(e, IDENTITY_INFO)?;
    Some(IdentityInfo {
        first_name: o.opt("FirstName").and_then(|f| f.string_len(e, 0, 255)),
        last_name: o.opt("LastName").and_then(|f| f.string_len(e, 0, 300)),
        email: o.opt("Email").and_then(|f| email(e, &f)),
        secondary_email: o.opt("SecondaryEmail").and_then(|f| email(e, &f)),
        mobile: o.opt("Mobile").and_then(|f| e164(e, &f)),
    })
}

fn after_contact_work_limit(e: &mut Errors, f: &Field) -> Option<i32> {
    let n = f.integer_in(e, 0..=MAX_AFTER_CONTACT_WORK_SECONDS, " (seconds, 0 = no limit)")?;
    i32::try_from(n).ok()
}

fn phone_type(e: &mut Errors, f: &Field) -> Option<PhoneType> {
    f.one_of(e, &PhoneType::ALL, PhoneType::as_str)
}

/// `PhoneConfig`. `DESK_PHONE` requires `DeskPhoneNumber`: Connect rejects a desk phone without a number.
fn phone_config(e: &mut Errors, f: &Field) -> Option<PhoneConfig> {
    let o = f.object(e, PHONE_CONFIG)?;
    let config = PhoneConfig {
        phone_type: o.opt("PhoneType").and_then(|f| phone_type(e, &f)),
        auto_accept: o.opt("AutoAccept").and_then(|f| f.boolean(e)),
        after_contact_work_time_limit: o.opt("AfterContactWorkTimeLimit").and_then(|f| after_contact_work_limit(e, &f)),
        desk_phone_number: o.opt("DeskPhoneNumber").and_then(|f| e164(e, &f)),
        persistent_connection: o.opt("PersistentConnection").and_then(|f| f.boolean(e)),
    };
    if config.phone_type == Some(PhoneType::DeskPhone) && !o.has("DeskPhoneNumber") {
        e.add(&o.path_of("DeskPhoneNumber"), "required when PhoneType is DESK_PHONE");
    }
    Some(config)
}

/// The channels Connect accepts in `PhoneNumberConfigs`, `PersistentConnectionConfigs` and
/// `VoiceEnhancementConfigs`: checked here so such a template fails before any call, not at `CreateUser`.
const VOICE_ONLY: &[Channel] = &[Channel::Voice];

/// A per-channel list: each entry an object with a `Channel` among `channels`, at most one entry per channel.
fn channel_list<'a, T>(
    e: &mut Errors,
    top: &Obj<'a>,
    name: &str,
    known: &[&str],
    channels: &[Channel],
    mut entry: impl FnMut(&mut Errors, &Obj<'a>) -> Option<T>,
) -> Option<BTreeMap<Channel, T>> {
    let f = top.opt(name)?;
    let items = f.list(e)?;
    let mut seen: BTreeMap<Channel, usize> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for (i, value) in items.iter().enumerate() {
        let Some(o) = f.item(i, value).object(e, known) else { continue };
        let channel = o.req("Channel", e).and_then(|f| f.one_of(e, channels, Channel::as_str));
        let config = entry(e, &o);
        let Some(channel) = channel else { continue };
        if let Some(first) = seen.get(&channel) {
            e.add(&o.path_of("Channel"), format!("duplicate channel {} (also in {name}[{first}])", channel.as_str()));
            continue;
        }
        seen.insert(channel, i);
        if let Some(config) = config {
            out.insert(channel, config);
        }
    }
    Some(out)
}

fn auto_accept_config(e: &mut Errors, o: &Obj) -> Option<AutoAcceptConfig> {
    let auto_accept = o.req("AutoAccept", e).and_then(|f| f.boolean(e));
    let agent_first_callback_auto_accept = o.opt("AgentFirstCallbackAutoAccept").and_then(|f| f.boolean(e));
    Some(AutoAcceptConfig { auto_accept: auto_accept?, agent_first_callback_auto_accept })
}

fn after_contact_work_per_channel(e: &mut Errors, o: &Obj) -> Option<AfterContactWorkPerChannel> {
    let config = o.req("AfterContactWorkConfig", e).and_then(|f| after_contact_work_config(e, &f));
    let agent_first_callback =
        o.opt("AgentFirstCallbackAfterContactWorkConfig").and_then(|f| after_contact_work_config(e, &f));
    Some(AfterContactWorkPerChannel { config: config?, agent_first_callback })
}

fn after_contact_work_config(e: &mut Errors, f: &Field) -> Option<AfterContactWorkConfig> {
    let o = f.object(e, AFTER_CONTACT_WORK_CONFIG)?;
    if o.has("AfterContactWorkMode") {
        // In the CloudFormation schema, but neither in the Connect API nor in aws-sdk-connect.
        e.add(&o.path_of("AfterContactWorkMode"), "not supported by the Amazon Connect API yet");
    }
    let time_limit = o.opt("AfterContactWorkTimeLimit").and_then(|f| after_contact_work_limit(e, &f));
    Some(AfterContactWorkConfig { time_limit })
}

/// A `DESK_PHONE` entry requires `PhoneNumber`, as `PhoneConfig` requires `DeskPhoneNumber`.
fn phone_number_config(e: &mut Errors, o: &Obj) -> Option<PhoneNumberConfig> {
    let phone_type = o.req("PhoneType", e).and_then(|f| phone_type(e, &f));
    let phone_number = o.opt("PhoneNumber").and_then(|f| e164(e, &f));
    if phone_type == Some(PhoneType::DeskPhone) && !o.has("PhoneNumber") {
        e.add(&o.path_of("PhoneNumber"), "required when PhoneType is DESK_PHONE");
    }
    Some(PhoneNumberConfig { phone_type: phone_type?, phone_number })
}

/// Presence decides, valid or not: a conflict is worth reporting alongside a bad value.
fn check_conflicts(e: &mut Errors, top: &Obj) {
    let Some(phone) = top.opt("PhoneConfig").and_then(|f| f.value.as_object()) else { return };
    for (field, list) in CONFLICTS {
        if phone.get(*field).is_some_and(|v| !v.is_null()) && top.has(list) {
            e.add(&format!("PhoneConfig.{field}"), format!("conflicts with {list}: set only one of them"));
        }
    }
}

fn proficiencies(e: &mut Errors, f: &Field) -> Option<Proficiencies> {
    let items = f.list(e)?;
    let mut seen: BTreeMap<ProficiencyKey, usize> = BTreeMap::new();
    let mut out = Proficiencies::new();
    for (i, value) in items.iter().enumerate() {
        let Some(o) = f.item(i, value).object(e, USER_PROFICIENCY) else { continue };
        let name = o.req("AttributeName", e).and_then(|f| f.string_len(e, 1, 64));
        let attribute_value = o.req("AttributeValue", e).and_then(|f| f.string_len(e, 1, 64));
        let level = o.req("Level", e).and_then(|f| level(e, &f));
        let (Some(attribute_name), Some(attribute_value)) = (name, attribute_value) else { continue };
        let key = ProficiencyKey { attribute_name, attribute_value };
        if let Some(first) = seen.get(&key) {
            let message = format!(
                "duplicate of {}[{first}] (AttributeName {:?}, AttributeValue {:?})",
                f.path, key.attribute_name, key.attribute_value
            );
            e.add(&o.path, message);
            continue;
        }
        seen.insert(key.clone(), i);
        if let Some(level) = level {
            out.insert(key, level);
        }
    }
    Some(out)
}

fn level(e: &mut Errors, f: &Field) -> Option<f32> {
    let (lo, hi) = (*PROFICIENCY_LEVELS.start(), *PROFICIENCY_LEVELS.end());
    let level = scalar::number(f.value).filter(|n| (f64::from(lo)..=f64::from(hi)).contains(n));
    if level.is_none() {
        e.add(
            &f.path,
            format!(
                "expected a number from {lo} to {hi} (Amazon Connect accepts {lo}–{hi} although the CloudFormation \
                 schema says 0–10), got {}",
                describe(f.value)
            ),
        );
    }
    // Within the range, the nearest f32 is what Connect stores.
    level.map(|n| n as f32)
}

fn tags(e: &mut Errors, f: &Field) -> Option<Tags> {
    let items = f.list(e)?;
    if items.len() > MAX_TEMPLATE_TAGS {
        e.add(
            &f.path,
            format!(
                "at most {MAX_TEMPLATE_TAGS} tags, got {} (Amazon Connect allows 50 per user and this resource's \
                 owner tag takes one)",
                items.len()
            ),
        );
    }
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut out = Tags::new();
    for (i, value) in items.iter().enumerate() {
        let Some(o) = f.item(i, value).object(e, TAG) else { continue };
        let key = o.req("Key", e).and_then(|f| tag_key(e, &f));
        let value = o.req("Value", e).and_then(|f| f.string_len(e, 0, 256));
        let Some(key) = key else { continue };
        if let Some(first) = seen.get(key) {
            e.add(&o.path_of("Key"), format!("duplicate key {} (also in {}[{first}])", quote(key, ECHO_CHARS), f.path));
            continue;
        }
        seen.insert(key, i);
        if let Some(value) = value {
            out.insert(key.to_owned(), value);
        }
    }
    Some(out)
}

fn tag_key<'a>(e: &mut Errors, f: &Field<'a>) -> Option<&'a str> {
    let key = f.string(e)?;
    if !check_len(e, &f.path, key, 1, 128) {
        return None;
    }
    let message = if key == OWNER_TAG_KEY {
        format!("{key:?} is reserved: the resource sets it to record which stack owns the user")
    } else if key.starts_with("aws:") {
        format!("must not start with aws:, got {}", quote(key, ECHO_CHARS))
    } else if !key.chars().all(shape::is_tag_key_char) {
        format!("may contain only letters, digits, spaces and _ . : / = + - @, got {}", quote(key, ECHO_CHARS))
    } else {
        return Some(key);
    };
    e.add(&f.path, message);
    None
}
