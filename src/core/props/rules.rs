//! The rules of each property: shapes, lengths, ranges, enumerations, instance membership and the
//! cross-field conflicts of docs/connect-user.md §1, each reported under its property path.

use std::collections::BTreeMap;

use super::keys::{
    AFTER_CONTACT_WORK_CONFIG, CONFLICTS, IDENTITY_INFO, MAX_AFTER_CONTACT_WORK_SECONDS, MAX_TEMPLATE_TAGS,
    PHONE_CONFIG, PROFICIENCY_LEVELS, TAG, USER_PROFICIENCY,
};
use super::reader::{Errors, Field, Obj, check_len};
use crate::core::arn::{ArnError, InstanceArn, ResourceArn, ResourceKind};
use crate::core::model::{
    AfterContactWorkConfig, AfterContactWorkPerChannel, AutoAcceptConfig, Channel, IdentityInfo, OWNER_TAG_KEY,
    PhoneConfig, PhoneNumberConfig, PhoneType, Proficiencies, ProficiencyKey, Tags,
};
use crate::core::scalar::{self, ARN_ECHO_CHARS, ECHO_CHARS, describe, quote};
use crate::core::secret::Secret;
use crate::core::shape;

pub(super) fn arn_message(err: ArnError) -> String {
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
        ArnError::NotATrafficDistributionGroup(value) => format!(
            "expected arn:<partition>:connect:<region>:<12-digit account>:traffic-distribution-group/<id>, got {}",
            quote(&value, ARN_ECHO_CHARS)
        ),
    }
}

/// Checks the ARN's shape, and that it belongs to `instance` when `InstanceArn` itself is valid.
pub(super) fn resource_arn(
    e: &mut Errors,
    f: &Field,
    kind: ResourceKind,
    instance: Option<&InstanceArn>,
) -> Option<ResourceArn> {
    let s = f.string(e)?;
    let parsed = match instance {
        Some(instance) => ResourceArn::parse_in(s, kind, instance),
        None => ResourceArn::parse(s, kind),
    };
    parsed.map_err(|err| e.add(&f.path, arn_message(err))).ok()
}

pub(super) fn username(e: &mut Errors, f: &Field) -> Option<String> {
    let s = f.string(e)?;
    if !check_len(e, &f.path, s, 1, 64) {
        return None;
    }
    if !shape::is_username(s) {
        e.add(&f.path, format!("may contain only letters, digits and _ . @ -, got {}", quote(s, ECHO_CHARS)));
        return None;
    }
    // Connect takes an @ only in an e-mail address (docs/real-connect.md §4), whatever the instance's type.
    if s.contains('@') && !shape::is_email(s) {
        e.add(
            &f.path,
            format!("may contain @ only as an e-mail address (name@example.com), got {}", quote(s, ECHO_CHARS)),
        );
        return None;
    }
    Some(s.to_owned())
}

/// The password never appears in a message, not even when it has the wrong type.
pub(super) fn password(e: &mut Errors, f: &Field) -> Option<Secret> {
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

/// A personal string (docs/real-connect.md §7): its messages name the path and never quote the value.
fn personal(e: &mut Errors, f: &Field, max: usize) -> Option<String> {
    let Some(s) = f.value.as_str() else {
        e.add(&f.path, format!("expected a string, got {}", scalar::kind(f.value)));
        return None;
    };
    check_len(e, &f.path, s, 0, max).then(|| s.to_owned())
}

/// `IdentityInfo.FirstName` and `LastName`: personal strings in Unicode NFC. Connect refuses a name with
/// decomposed characters or combining marks (docs/real-connect.md §4); the API reference states it of the member
/// whatever the instance's identity-management type, so it is checked for every type. The value is not
/// normalized here: the template would then differ from what Connect holds, and every update would rewrite it.
fn name(e: &mut Errors, f: &Field, max: usize) -> Option<String> {
    let s = personal(e, f, max)?;
    if !unicode_normalization::is_nfc(&s) {
        e.add(
            &f.path,
            "is not in Unicode normalization form C (NFC), which Amazon Connect requires: normalize the value to \
             NFC (a precomposed é, U+00E9, not e followed by the combining accent U+0301)",
        );
        return None;
    }
    Some(s)
}

/// `IdentityInfo.Email`: a string, and nothing more. Connect's API gives it no pattern and no length
/// (docs/connect-user.md §1), so an address it would take is never refused here; personal, so never quoted.
pub(super) fn any_email(e: &mut Errors, f: &Field) -> Option<String> {
    personal(e, f, usize::MAX)
}

/// `IdentityInfo.SecondaryEmail`: an e-mail address of at most 265 characters, Connect's pattern for it;
/// personal, so never quoted.
pub(super) fn email(e: &mut Errors, f: &Field) -> Option<String> {
    let s = personal(e, f, 265)?;
    if !shape::is_email(&s) {
        e.add(&f.path, "expected an e-mail address like name@example.com");
        return None;
    }
    Some(s)
}

pub(super) fn e164(e: &mut Errors, f: &Field) -> Option<String> {
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

/// Every field is personal data: no message quotes one (docs/real-connect.md §7).
pub(super) fn identity_info(e: &mut Errors, f: &Field) -> Option<IdentityInfo> {
    if !f.value.is_object() {
        e.add(&f.path, format!("expected an object, got {}", scalar::kind(f.value)));
        return None;
    }
    let o = f.object(e, IDENTITY_INFO)?;
    Some(IdentityInfo {
        first_name: o.opt("FirstName").and_then(|f| name(e, &f, 255)),
        last_name: o.opt("LastName").and_then(|f| name(e, &f, 300)),
        email: o.opt("Email").and_then(|f| any_email(e, &f)),
        secondary_email: o.opt("SecondaryEmail").and_then(|f| email(e, &f)),
        mobile: o.opt("Mobile").and_then(|f| personal(e, &f, 16)).and_then(|m| {
            let valid = shape::is_e164(&m);
            if !valid {
                e.add(&o.path_of("Mobile"), "expected an E.164 number (+ then 2 to 15 digits, the first not 0)");
            }
            valid.then_some(m)
        }),
    })
}

pub(super) fn after_contact_work_limit(e: &mut Errors, f: &Field) -> Option<i32> {
    let n = f.integer_in(e, 0..=MAX_AFTER_CONTACT_WORK_SECONDS, " (seconds, 0 = no limit)")?;
    i32::try_from(n).ok()
}

pub(super) fn phone_type(e: &mut Errors, f: &Field) -> Option<PhoneType> {
    f.one_of(e, &PhoneType::ALL, PhoneType::as_str)
}

/// `PhoneConfig`. `DESK_PHONE` requires `DeskPhoneNumber`: Connect rejects a desk phone without a number.
pub(super) fn phone_config(e: &mut Errors, f: &Field) -> Option<PhoneConfig> {
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
pub(super) const VOICE_ONLY: &[Channel] = &[Channel::Voice];

/// A per-channel list: each entry an object with a `Channel` among `channels`, at most one entry per channel.
pub(super) fn channel_list<'a, T>(
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

pub(super) fn auto_accept_config(e: &mut Errors, o: &Obj) -> Option<AutoAcceptConfig> {
    let auto_accept = o.req("AutoAccept", e).and_then(|f| f.boolean(e));
    let agent_first_callback_auto_accept = o.opt("AgentFirstCallbackAutoAccept").and_then(|f| f.boolean(e));
    Some(AutoAcceptConfig { auto_accept: auto_accept?, agent_first_callback_auto_accept })
}

pub(super) fn after_contact_work_per_channel(e: &mut Errors, o: &Obj) -> Option<AfterContactWorkPerChannel> {
    let config = o.req("AfterContactWorkConfig", e).and_then(|f| after_contact_work_config(e, &f));
    let agent_first_callback =
        o.opt("AgentFirstCallbackAfterContactWorkConfig").and_then(|f| after_contact_work_config(e, &f));
    Some(AfterContactWorkPerChannel { config: config?, agent_first_callback })
}

pub(super) fn after_contact_work_config(e: &mut Errors, f: &Field) -> Option<AfterContactWorkConfig> {
    let o = f.object(e, AFTER_CONTACT_WORK_CONFIG)?;
    if o.has("AfterContactWorkMode") {
        // In the CloudFormation schema, but neither in the Connect API nor in aws-sdk-connect.
        e.add(&o.path_of("AfterContactWorkMode"), "not supported by the Amazon Connect API yet");
    }
    let time_limit = o.opt("AfterContactWorkTimeLimit").and_then(|f| after_contact_work_limit(e, &f));
    Some(AfterContactWorkConfig { time_limit })
}

/// A `DESK_PHONE` entry requires `PhoneNumber`, as `PhoneConfig` requires `DeskPhoneNumber`.
pub(super) fn phone_number_config(e: &mut Errors, o: &Obj) -> Option<PhoneNumberConfig> {
    let phone_type = o.req("PhoneType", e).and_then(|f| phone_type(e, &f));
    let phone_number = o.opt("PhoneNumber").and_then(|f| e164(e, &f));
    if phone_type == Some(PhoneType::DeskPhone) && !o.has("PhoneNumber") {
        e.add(&o.path_of("PhoneNumber"), "required when PhoneType is DESK_PHONE");
    }
    Some(PhoneNumberConfig { phone_type: phone_type?, phone_number })
}

/// Presence decides, valid or not: a conflict is worth reporting alongside a bad value.
pub(super) fn check_conflicts(e: &mut Errors, top: &Obj) {
    let Some(phone) = top.opt("PhoneConfig").and_then(|f| f.value.as_object()) else { return };
    for (field, list) in CONFLICTS {
        if phone.get(*field).is_some_and(|v| !v.is_null()) && top.has(list) {
            e.add(&format!("PhoneConfig.{field}"), format!("conflicts with {list}: set only one of them"));
        }
    }
}

pub(super) fn proficiencies(e: &mut Errors, f: &Field) -> Option<Proficiencies> {
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

pub(super) fn level(e: &mut Errors, f: &Field) -> Option<f32> {
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

pub(super) fn tags(e: &mut Errors, f: &Field) -> Option<Tags> {
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

pub(super) fn tag_key<'a>(e: &mut Errors, f: &Field<'a>) -> Option<&'a str> {
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
