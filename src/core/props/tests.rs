//! Unit tests of property validation: the seed example, one failing input per rule, and a never-panics property.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use serde_json::{Value, json};

use std::collections::BTreeMap;

use super::keys::{
    AFTER_CONTACT_WORK_CONFIG, IDENTITY_INFO, MAX_SECURITY_PROFILES, PHONE_CONFIG, TAG, USER_PROFICIENCY,
};
use super::*;
use crate::core::arn::{ResourceArn, ResourceKind};
use crate::core::model::{
    AfterContactWorkConfig, AfterContactWorkPerChannel, AutoAcceptConfig, IdentityInfo, Named, PhoneConfig,
    PhoneNumberConfig, PhoneType, Proficiencies, Tags,
};

const INSTANCE: &str = "arn:aws:connect:us-east-1:123456789012:instance/a1b2c3d4-0000-4000-8000-000000000001";
const OTHER_INSTANCE: &str = "arn:aws:connect:us-east-1:123456789012:instance/ffffffff-0000-4000-8000-000000000009";
const PASSWORD: &str = "Sup3rSecretPassw0rd";

fn routing_profile() -> String {
    format!("{INSTANCE}/routing-profile/b1000000-0000-4000-8000-000000000001")
}

fn security_profile(n: u32) -> String {
    format!("{INSTANCE}/security-profile/c1000000-0000-4000-8000-00000000000{n}")
}

/// The seed example, every scalar a string as CloudFormation sends it.
fn seed() -> Value {
    json!({
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:cfn-connect-user",
        "ServiceTimeout": "300",
        "InstanceArn": INSTANCE,
        "Username": "john.doe",
        "RoutingProfileArn": routing_profile(),
        "SecurityProfileArns": [security_profile(1)],
        "IdentityInfo": {"FirstName": "John", "LastName": "Doe", "Email": "john.doe@example.com"},
        "PhoneConfig": {"PhoneType": "SOFT_PHONE", "AutoAccept": "true", "AfterContactWorkTimeLimit": "120"},
        "Tags": [{"Key": "team", "Value": "support"}, {"Key": "env", "Value": "test"}],
    })
}

fn seed_spec() -> UserSpec {
    let instance = InstanceArn::parse(INSTANCE).unwrap();
    UserSpec {
        routing_profile: ResourceArn::parse_in(&routing_profile(), ResourceKind::RoutingProfile, &instance).unwrap(),
        security_profiles: vec![
            ResourceArn::parse_in(&security_profile(1), ResourceKind::SecurityProfile, &instance).unwrap(),
        ],
        instance,
        username: "john.doe".to_owned(),
        password: None,
        directory_user_id: None,
        hierarchy_group: None,
        identity_info: Some(IdentityInfo {
            first_name: Some("John".to_owned()),
            last_name: Some("Doe".to_owned()),
            email: Some("john.doe@example.com".to_owned()),
            secondary_email: None,
            mobile: None,
        }),
        phone_config: Some(PhoneConfig {
            phone_type: Some(PhoneType::SoftPhone),
            auto_accept: Some(true),
            after_contact_work_time_limit: Some(120),
            desk_phone_number: None,
            persistent_connection: None,
        }),
        channels: ChannelConfigs::default(),
        proficiencies: None,
        named: Named::default(),
        traffic_distribution_groups: None,
        tags: Some(Tags::from([("team".to_owned(), "support".to_owned()), ("env".to_owned(), "test".to_owned())])),
        adopt_existing: false,
        password_secret: None,
    }
}

/// The seed with `edit` applied.
fn seed_with(edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Value {
    let mut props = seed();
    edit(props.as_object_mut().unwrap());
    props
}

fn errors(props: &Value) -> Vec<PropertyError> {
    match parse(props) {
        Ok(spec) => panic!("expected errors, parsed {spec:?}"),
        Err(Invalid(errors)) => errors,
    }
}

/// Asserts that `props` fails with exactly one problem, at `path`, whose message contains `gist`.
#[track_caller]
fn fails_once(props: &Value, path: &str, gist: &str) {
    let errors = errors(props);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].path, path, "{errors:#?}");
    assert!(errors[0].message.contains(gist), "{:?} lacks {gist:?}", errors[0].message);
}

fn channel_entry(channel: &str, extra: Value) -> Value {
    let mut entry = json!({"Channel": channel});
    entry.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    entry
}

// ---- valid input -------------------------------------------------------------------------------------------

#[test]
fn seed_with_string_scalars_parses() {
    assert_eq!(parse(&seed()), Ok(seed_spec()));
}

#[test]
fn seed_with_json_scalars_parses() {
    let props = seed_with(|p| {
        p["PhoneConfig"] = json!({"PhoneType": "SOFT_PHONE", "AutoAccept": true, "AfterContactWorkTimeLimit": 120});
        p.remove("ServiceTimeout");
    });
    assert_eq!(parse(&props), Ok(seed_spec()));
}

#[test]
fn every_property_parses() {
    let props = seed_with(|p| {
        p.remove("PhoneConfig");
        p.insert("Password".into(), json!(PASSWORD));
        p.insert("DirectoryUserId".into(), json!("dir-42"));
        p.insert("HierarchyGroupArn".into(), json!(format!("{INSTANCE}/agent-group/g-1")));
        p.insert("SecurityProfileArns".into(), json!([security_profile(1), security_profile(2)]));
        p.insert(
            "IdentityInfo".into(),
            json!({"FirstName": "Jöhn", "LastName": "Doe", "Email": "john@example.com",
                   "SecondaryEmail": "jd@example.org", "Mobile": "+14155550123"}),
        );
        p.insert(
            "AutoAcceptConfigs".into(),
            json!([{"Channel": "VOICE", "AutoAccept": "true", "AgentFirstCallbackAutoAccept": "false"},
                   {"Channel": "CHAT", "AutoAccept": false}]),
        );
        p.insert(
            "AfterContactWorkConfigs".into(),
            json!([{"Channel": "VOICE", "AfterContactWorkConfig": {"AfterContactWorkTimeLimit": "30"},
                    "AgentFirstCallbackAfterContactWorkConfig": {"AfterContactWorkTimeLimit": 0}},
                   {"Channel": "TASK", "AfterContactWorkConfig": {}}]),
        );
        p.insert(
            "PhoneNumberConfigs".into(),
            json!([{"Channel": "VOICE", "PhoneType": "DESK_PHONE", "PhoneNumber": "+14155550199"}]),
        );
        p.insert("PersistentConnectionConfigs".into(), json!([{"Channel": "VOICE", "PersistentConnection": "TRUE"}]));
        p.insert(
            "VoiceEnhancementConfigs".into(),
            json!([{"Channel": "VOICE", "VoiceEnhancementMode": "NOISE_SUPPRESSION"}]),
        );
        p.insert(
            "UserProficiencies".into(),
            json!([{"AttributeName": "Technology", "AttributeValue": "Rust", "Level": "2.5"},
                   {"AttributeName": "Technology", "AttributeValue": "Java", "Level": 5}]),
        );
        p.insert("AdoptExisting".into(), json!("true"));
    });
    let spec = parse(&props).unwrap();
    assert_eq!(spec.password.as_ref().map(Secret::expose), Some(PASSWORD));
    assert_eq!(spec.directory_user_id.as_deref(), Some("dir-42"));
    assert_eq!(spec.hierarchy_group.as_ref().map(ResourceArn::id), Some("g-1"));
    assert_eq!(spec.security_profiles.len(), 2);
    assert_eq!(spec.identity_info.as_ref().and_then(|i| i.mobile.as_deref()), Some("+14155550123"));
    assert_eq!(spec.phone_config, None);
    assert_eq!(
        spec.channels.auto_accept,
        Some(BTreeMap::from([
            (Channel::Voice, AutoAcceptConfig { auto_accept: true, agent_first_callback_auto_accept: Some(false) }),
            (Channel::Chat, AutoAcceptConfig { auto_accept: false, agent_first_callback_auto_accept: None }),
        ]))
    );
    assert_eq!(
        spec.channels.after_contact_work,
        Some(BTreeMap::from([
            (
                Channel::Voice,
                AfterContactWorkPerChannel {
                    config: AfterContactWorkConfig { time_limit: Some(30) },
                    agent_first_callback: Some(AfterContactWorkConfig { time_limit: Some(0) }),
                }
            ),
            (
                Channel::Task,
                AfterContactWorkPerChannel { config: AfterContactWorkConfig::default(), agent_first_callback: None }
            ),
        ]))
    );
    assert_eq!(
        spec.channels.phone_number,
        Some(BTreeMap::from([(
            Channel::Voice,
            PhoneNumberConfig { phone_type: PhoneType::DeskPhone, phone_number: Some("+14155550199".to_owned()) }
        )]))
    );
    assert_eq!(spec.channels.persistent_connection, Some(BTreeMap::from([(Channel::Voice, true)])));
    assert_eq!(
        spec.channels.voice_enhancement,
        Some(BTreeMap::from([(Channel::Voice, VoiceEnhancementMode::NoiseSuppression)]))
    );
    let key = |v: &str| ProficiencyKey { attribute_name: "Technology".to_owned(), attribute_value: v.to_owned() };
    assert_eq!(spec.proficiencies, Some(BTreeMap::from([(key("Rust"), 2.5), (key("Java"), 5.0)])));
    assert!(spec.adopt_existing);
}

#[test]
fn service_token_and_timeout_are_ignored() {
    let without = seed_with(|p| {
        p.remove("ServiceToken");
        p.remove("ServiceTimeout");
    });
    assert_eq!(parse(&without), parse(&seed()));
    let odd = seed_with(|p| {
        p["ServiceToken"] = json!({"not": "a string"});
        p["ServiceTimeout"] = json!([1]);
    });
    assert_eq!(parse(&odd), Ok(seed_spec()));
}

#[test]
fn null_counts_as_not_set() {
    let props = seed_with(|p| {
        p.insert("Password".into(), Value::Null);
        p.insert("HierarchyGroupArn".into(), Value::Null);
    });
    assert_eq!(parse(&props), Ok(seed_spec()));
}

#[test]
fn empty_lists_are_set_but_empty() {
    let props = seed_with(|p| {
        p.insert("Tags".into(), json!([]));
        p.insert("UserProficiencies".into(), json!([]));
        p.remove("PhoneConfig");
        p.insert("AutoAcceptConfigs".into(), json!([]));
    });
    let spec = parse(&props).unwrap();
    assert_eq!(spec.tags, Some(Tags::new()));
    assert_eq!(spec.proficiencies, Some(Proficiencies::new()));
    assert_eq!(spec.channels.auto_accept, Some(BTreeMap::new()));
    assert_eq!(spec.channels.phone_number, None);
}

#[test]
fn limits_are_inclusive() {
    let props = seed_with(|p| {
        p["Username"] = json!("u".repeat(64));
        p["PhoneConfig"]["AfterContactWorkTimeLimit"] = json!("2000000");
        p["IdentityInfo"]["FirstName"] = json!("é".repeat(255));
        p["IdentityInfo"]["LastName"] = json!("é".repeat(300));
        p.insert("Password".into(), json!(format!("aA1{}", "x".repeat(61))));
        p.insert(
            "UserProficiencies".into(),
            json!([{"AttributeName": "n".repeat(64), "AttributeValue": "v", "Level": "1"},
                   {"AttributeName": "n", "AttributeValue": "v".repeat(64), "Level": "5.0"}]),
        );
        let tags: Vec<Value> = (0..MAX_TEMPLATE_TAGS)
            .map(|i| json!({"Key": format!("k{i}{}", "k".repeat(120)), "Value": "v".repeat(256)}))
            .collect();
        p["Tags"] = Value::Array(tags);
        p["SecurityProfileArns"] = json!((0..10).map(security_profile).collect::<Vec<_>>());
    });
    let spec = parse(&props).unwrap();
    assert_eq!(spec.tags.map(|t| t.len()), Some(MAX_TEMPLATE_TAGS));
    assert_eq!(spec.security_profiles.len(), 10);
}

// ---- one failing input per rule ----------------------------------------------------------------------------

#[test]
fn properties_must_be_an_object() {
    fails_once(&json!(["a"]), "ResourceProperties", "expected an object, got a list");
    fails_once(&json!("x"), "ResourceProperties", "expected an object");
}

#[test]
fn unknown_property_is_named() {
    fails_once(&seed_with(|p| _ = p.insert("Colour".into(), json!("red"))), "Colour", "unknown property");
}

#[test]
fn misspelt_property_gets_a_hint() {
    fails_once(&seed_with(|p| _ = p.insert("username".into(), json!("x"))), "username", "(did you mean Username?)");
}

#[test]
fn unknown_nested_properties_are_named() {
    fails_once(&seed_with(|p| p["IdentityInfo"]["Nick"] = json!("J")), "IdentityInfo.Nick", "unknown property");
    fails_once(&seed_with(|p| p["PhoneConfig"]["Foo"] = json!("1")), "PhoneConfig.Foo", "unknown property");
    let props = seed_with(|p| {
        p.remove("PhoneConfig");
        p.insert(
            "AutoAcceptConfigs".into(),
            json!([{"Channel": "VOICE", "AutoAccept": "true"}, {"Channel": "CHAT", "AutoAccept": "true", "Foo": 1}]),
        );
    });
    fails_once(&props, "AutoAcceptConfigs[1].Foo", "unknown property");
    fails_once(&seed_with(|p| p["Tags"][0]["Colour"] = json!("x")), "Tags[0].Colour", "unknown property");
}

#[test]
fn required_properties() {
    for name in ["InstanceArn", "Username", "RoutingProfileArn", "SecurityProfileArns"] {
        fails_once(&seed_with(|p| _ = p.remove(name)), name, "required");
    }
}

#[test]
fn boolean_must_be_true_or_false() {
    fails_once(
        &seed_with(|p| p["PhoneConfig"]["AutoAccept"] = json!("yes")),
        "PhoneConfig.AutoAccept",
        r#"expected true or false, got "yes""#,
    );
}

#[test]
fn integer_must_be_an_integer() {
    fails_once(
        &seed_with(|p| p["PhoneConfig"]["AfterContactWorkTimeLimit"] = json!("2 minutes")),
        "PhoneConfig.AfterContactWorkTimeLimit",
        r#"expected an integer from 0 to 2000000 (seconds, 0 = no limit), got "2 minutes""#,
    );
}

#[test]
fn after_contact_work_time_limit_is_bounded() {
    fails_once(
        &seed_with(|p| p["PhoneConfig"]["AfterContactWorkTimeLimit"] = json!(2_000_001)),
        "PhoneConfig.AfterContactWorkTimeLimit",
        "got 2000001",
    );
    fails_once(
        &seed_with(|p| p["PhoneConfig"]["AfterContactWorkTimeLimit"] = json!("-1")),
        "PhoneConfig.AfterContactWorkTimeLimit",
        "from 0 to 2000000",
    );
}

#[test]
fn string_property_rejects_a_number() {
    fails_once(&seed_with(|p| p["Username"] = json!(42)), "Username", "expected a string, got 42");
}

#[test]
fn instance_arn_shape() {
    // The other ARNs still get their shape checked, but not the belongs-to check.
    fails_once(&seed_with(|p| p["InstanceArn"] = json!("arn:aws:s3:::bucket")), "InstanceArn", "instance/<id>");
}

#[test]
fn routing_profile_arn_shape() {
    fails_once(
        &seed_with(|p| p["RoutingProfileArn"] = json!(security_profile(1))),
        "RoutingProfileArn",
        "expected <InstanceArn>/routing-profile/<id>",
    );
}

#[test]
fn routing_profile_must_belong_to_the_instance() {
    fails_once(
        &seed_with(|p| p["RoutingProfileArn"] = json!(format!("{OTHER_INSTANCE}/routing-profile/rp"))),
        "RoutingProfileArn",
        "ffffffff-0000-4000-8000-000000000009\", not to InstanceArn",
    );
}

#[test]
fn hierarchy_group_must_belong_to_the_instance() {
    let props = seed_with(|p| {
        p.insert("HierarchyGroupArn".into(), json!(format!("{OTHER_INSTANCE}/agent-group/g")));
    });
    fails_once(&props, "HierarchyGroupArn", "not to InstanceArn");
}

#[test]
fn hierarchy_group_arn_shape() {
    let props = seed_with(|p| _ = p.insert("HierarchyGroupArn".into(), json!(format!("{INSTANCE}/agent/g"))));
    fails_once(&props, "HierarchyGroupArn", "agent-group");
}

#[test]
fn invalid_instance_skips_the_belongs_to_check_but_not_the_shapes() {
    let props = seed_with(|p| {
        p["InstanceArn"] = json!("not-an-arn");
        p["RoutingProfileArn"] = json!(format!("{OTHER_INSTANCE}/routing-profile/rp"));
        p["SecurityProfileArns"] = json!(["garbage"]);
    });
    let errors = errors(&props);
    let paths: Vec<_> = errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["InstanceArn", "SecurityProfileArns[0]"], "{errors:#?}");
}

#[test]
fn security_profile_must_belong_to_the_instance() {
    fails_once(
        &seed_with(|p| p["SecurityProfileArns"] = json!([format!("{OTHER_INSTANCE}/security-profile/sp")])),
        "SecurityProfileArns[0]",
        "not to InstanceArn",
    );
}

#[test]
fn security_profiles_count() {
    fails_once(&seed_with(|p| p["SecurityProfileArns"] = json!([])), "SecurityProfileArns", "expected 1 to 10");
    let eleven: Vec<_> = (0..10).map(security_profile).chain([format!("{INSTANCE}/security-profile/x")]).collect();
    fails_once(&seed_with(|p| p["SecurityProfileArns"] = json!(eleven)), "SecurityProfileArns", "got 11");
}

#[test]
fn security_profiles_distinct() {
    fails_once(
        &seed_with(|p| {
            p["SecurityProfileArns"] = json!([security_profile(1), security_profile(2), security_profile(1)])
        }),
        "SecurityProfileArns[2]",
        "duplicate of SecurityProfileArns[0]",
    );
}

#[test]
fn security_profiles_must_be_a_list() {
    fails_once(
        &seed_with(|p| p["SecurityProfileArns"] = json!(security_profile(1))),
        "SecurityProfileArns",
        "expected a list, got \"arn:",
    );
}

#[test]
fn username_length() {
    fails_once(&seed_with(|p| p["Username"] = json!("")), "Username", "must not be empty");
    fails_once(&seed_with(|p| p["Username"] = json!("u".repeat(65))), "Username", "must be 1 to 64 characters, got 65");
}

#[test]
fn an_at_sign_in_a_username_only_in_an_email_shape() {
    assert!(parse(&seed_with(|p| p["Username"] = json!("john.doe@example.com"))).is_ok());
    for bad in ["john@doe", "john@", "@example.com", "a@b@example.com"] {
        fails_once(
            &seed_with(|p| p["Username"] = json!(bad)),
            "Username",
            &format!("may contain @ only as an e-mail address (name@example.com), got {bad:?}"),
        );
    }
}

#[test]
fn username_characters() {
    fails_once(
        &seed_with(|p| p["Username"] = json!("john doe")),
        "Username",
        r#"only letters, digits and _ . @ -, got "john doe""#,
    );
}

#[test]
fn password_rules() {
    let long = format!("aA1{}", "x".repeat(62));
    for bad in ["Sh0rt", "nouppercase1", "NOLOWERCASE1", "NoDigitsHere", "Has Space1", long.as_str()] {
        let errors = errors(&seed_with(|p| _ = p.insert("Password".into(), json!(bad))));
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert_eq!(errors[0].path, "Password");
        assert!(errors[0].message.contains("must be 8 to 64 characters"), "{errors:?}");
        assert!(!errors[0].to_string().contains(bad), "{errors:?}");
    }
    fails_once(&seed_with(|p| _ = p.insert("Password".into(), json!("Has Space1"))), "Password", "contains whitespace");
}

#[test]
fn password_never_appears_in_any_error_text() {
    let secret = "Secret 1234567"; // whitespace and no upper-case letter: invalid
    let numeric = 987_654_321_123_u64;
    for password in [json!(secret), json!(numeric), json!([secret]), json!({"v": secret})] {
        let props = seed_with(|p| {
            p.insert("Password".into(), password.clone());
            p["Username"] = json!("");
            p.insert("password".into(), json!(secret));
        });
        let invalid = parse(&props).unwrap_err();
        for text in [invalid.to_string(), format!("{invalid:?}"), format!("{invalid:#?}")] {
            assert!(!text.contains(secret), "{text}");
            assert!(!text.contains("1234567"), "{text}");
            assert!(!text.contains(&numeric.to_string()), "{text}");
        }
    }
    // A valid password next to other problems does not appear either.
    let props = seed_with(|p| {
        p.insert("Password".into(), json!(PASSWORD));
        p["Username"] = json!("");
    });
    let invalid = parse(&props).unwrap_err();
    assert!(!format!("{invalid} {invalid:?}").contains(PASSWORD));
}

#[test]
fn first_and_last_name_lengths_count_characters() {
    fails_once(
        &seed_with(|p| p["IdentityInfo"]["FirstName"] = json!("é".repeat(256))),
        "IdentityInfo.FirstName",
        "must be at most 255 characters, got 256",
    );
    fails_once(
        &seed_with(|p| p["IdentityInfo"]["LastName"] = json!("x".repeat(301))),
        "IdentityInfo.LastName",
        "at most 300 characters",
    );
}

/// Connect takes the names in Unicode NFC only (real-connect.md §4): "é" as one character passes, "e" followed by
/// the combining accent fails, under the name's path, with what to do and without the name.
#[test]
fn first_and_last_names_must_be_in_nfc() {
    let (composed, decomposed) = ("Ren\u{e9}e", "Rene\u{301}e");
    let props = seed_with(|p| p["IdentityInfo"] = json!({"FirstName": composed, "LastName": composed}));
    let names = parse(&props).map(|s| s.identity_info.map(|i| (i.first_name, i.last_name)));
    assert_eq!(names, Ok(Some((Some(composed.to_owned()), Some(composed.to_owned())))));
    for field in ["FirstName", "LastName"] {
        let props = seed_with(|p| p["IdentityInfo"][field] = json!(decomposed));
        let path = format!("IdentityInfo.{field}");
        fails_once(&props, &path, "is not in Unicode normalization form C (NFC)");
        fails_once(&props, &path, "normalize the value to NFC");
        let shown = parse(&props).unwrap_err().to_string();
        assert!(!shown.contains(decomposed) && !shown.contains("Rene") && !shown.contains('\u{301}'), "{shown}");
    }
}

/// `Email` has no pattern in the Connect API: what Connect takes is never refused here (connect-user.md §1).
/// `SecondaryEmail` has one.
#[test]
fn email_takes_what_connect_takes_and_secondary_email_is_an_address() {
    for email in ["john.doe", "o'brien@intranet", "jöhn@exämple.de", &format!("{}@example.com", "a".repeat(300))] {
        let props = seed_with(|p| p["IdentityInfo"]["Email"] = json!(email));
        let parsed = parse(&props).map(|s| s.identity_info.and_then(|i| i.email));
        assert_eq!(parsed, Ok(Some(email.to_owned())), "{email}");
    }
    fails_once(
        &seed_with(|p| p["IdentityInfo"]["Email"] = json!(7)),
        "IdentityInfo.Email",
        "expected a string, got a number",
    );
    fails_once(
        &seed_with(|p| p["IdentityInfo"]["SecondaryEmail"] = json!("a@b")),
        "IdentityInfo.SecondaryEmail",
        "e-mail address",
    );
}

#[test]
fn no_message_quotes_personal_data() {
    let props = seed_with(|p| {
        p["IdentityInfo"] = json!({"FirstName": "Zoë-Personal".repeat(30), "LastName": 7, "Email": "zoe.personal",
            "SecondaryEmail": "zoe@personal", "Mobile": "0415-personal"});
    });
    // Email, any string Connect would take, is no problem; the four others are.
    let errors = errors(&props);
    assert_eq!(errors.len(), 4, "{errors:#?}");
    for error in &errors {
        assert!(!error.message.contains("ersonal") && !error.message.contains('7'), "{error}");
        assert!(error.path.starts_with("IdentityInfo."), "{error}");
    }
}

#[test]
fn email_length() {
    let long = format!("{}@example.com", "a".repeat(254));
    fails_once(
        &seed_with(|p| p["IdentityInfo"]["SecondaryEmail"] = json!(long)),
        "IdentityInfo.SecondaryEmail",
        "at most 265 characters, got 266",
    );
}

#[test]
fn mobile_is_e164() {
    fails_once(
        &seed_with(|p| p["IdentityInfo"]["Mobile"] = json!("0415 555 0123")),
        "IdentityInfo.Mobile",
        "expected an E.164 number",
    );
}

#[test]
fn identity_info_must_be_an_object() {
    fails_once(&seed_with(|p| p["IdentityInfo"] = json!("John")), "IdentityInfo", "expected an object, got a string");
}

#[test]
fn phone_type_enum() {
    fails_once(
        &seed_with(|p| p["PhoneConfig"]["PhoneType"] = json!("SOFTPHONE")),
        "PhoneConfig.PhoneType",
        r#"expected SOFT_PHONE or DESK_PHONE, got "SOFTPHONE""#,
    );
}

#[test]
fn desk_phone_number_is_e164() {
    let props = seed_with(|p| {
        p["PhoneConfig"] = json!({"PhoneType": "DESK_PHONE", "DeskPhoneNumber": "555-0123"});
    });
    fails_once(&props, "PhoneConfig.DeskPhoneNumber", "E.164");
}

#[test]
fn desk_phone_requires_a_number() {
    fails_once(
        &seed_with(|p| p["PhoneConfig"]["PhoneType"] = json!("DESK_PHONE")),
        "PhoneConfig.DeskPhoneNumber",
        "required when PhoneType is DESK_PHONE",
    );
}

#[test]
fn persistent_connection_is_boolean() {
    fails_once(
        &seed_with(|p| p["PhoneConfig"]["PersistentConnection"] = json!(1)),
        "PhoneConfig.PersistentConnection",
        "expected true or false, got 1",
    );
}

#[test]
fn channel_enum() {
    let props = seed_with(|p| {
        p.remove("PhoneConfig");
        p.insert("AutoAcceptConfigs".into(), json!([channel_entry("SMS", json!({"AutoAccept": true}))]));
    });
    fails_once(&props, "AutoAcceptConfigs[0].Channel", r#"expected VOICE, CHAT, TASK or EMAIL, got "SMS""#);
}

#[test]
fn voice_enhancement_mode_enum() {
    let props = seed_with(|p| {
        _ = p.insert(
            "VoiceEnhancementConfigs".into(),
            json!([channel_entry("VOICE", json!({"VoiceEnhancementMode": "LOUD"}))]),
        )
    });
    fails_once(&props, "VoiceEnhancementConfigs[0].VoiceEnhancementMode", "NONE, VOICE_ISOLATION or NOISE_SUPPRESSION");
}

#[test]
fn per_channel_entry_required_fields() {
    let props =
        seed_with(|p| _ = p.insert("PersistentConnectionConfigs".into(), json!([{"PersistentConnection": "true"}])));
    fails_once(&props, "PersistentConnectionConfigs[0].Channel", "required");
    let props = seed_with(|p| _ = p.insert("PersistentConnectionConfigs".into(), json!([{"Channel": "VOICE"}])));
    fails_once(&props, "PersistentConnectionConfigs[0].PersistentConnection", "required");
    let props = seed_with(|p| {
        p.remove("PhoneConfig");
        p.insert("AfterContactWorkConfigs".into(), json!([{"Channel": "CHAT"}]));
    });
    fails_once(&props, "AfterContactWorkConfigs[0].AfterContactWorkConfig", "required");
}

#[test]
fn per_channel_list_entries_must_be_objects() {
    let props = seed_with(|p| _ = p.insert("VoiceEnhancementConfigs".into(), json!(["VOICE"])));
    fails_once(&props, "VoiceEnhancementConfigs[0]", "expected an object");
}

#[test]
fn one_entry_per_channel() {
    let props = seed_with(|p| {
        p.remove("PhoneConfig");
        p.insert(
            "AutoAcceptConfigs".into(),
            json!([{"Channel": "VOICE", "AutoAccept": true},
                   {"Channel": "CHAT", "AutoAccept": false},
                   {"Channel": "VOICE", "AutoAccept": false}]),
        );
    });
    fails_once(&props, "AutoAcceptConfigs[2].Channel", "duplicate channel VOICE (also in AutoAcceptConfigs[0])");
}

#[test]
fn voice_only_lists_reject_other_channels() {
    for (name, extra) in [
        ("PhoneNumberConfigs", json!({"PhoneType": "SOFT_PHONE"})),
        ("PersistentConnectionConfigs", json!({"PersistentConnection": true})),
        ("VoiceEnhancementConfigs", json!({"VoiceEnhancementMode": "NONE"})),
    ] {
        let props = seed_with(|p| {
            p.remove("PhoneConfig");
            p.insert(name.into(), json!([channel_entry("CHAT", extra)]));
        });
        fails_once(&props, &format!("{name}[0].Channel"), "expected VOICE, got \"CHAT\"");
    }
}

#[test]
fn nested_after_contact_work_limit_is_bounded() {
    let props = seed_with(|p| {
        p.remove("PhoneConfig");
        p.insert(
            "AfterContactWorkConfigs".into(),
            json!([{"Channel": "CHAT", "AfterContactWorkConfig": {"AfterContactWorkTimeLimit": "3000000"}}]),
        );
    });
    fails_once(
        &props,
        "AfterContactWorkConfigs[0].AfterContactWorkConfig.AfterContactWorkTimeLimit",
        "from 0 to 2000000",
    );
}

#[test]
fn after_contact_work_mode_is_not_supported_yet() {
    let props = seed_with(|p| {
        p.remove("PhoneConfig");
        p.insert(
            "AfterContactWorkConfigs".into(),
            json!([{"Channel": "CHAT", "AfterContactWorkConfig": {},
                    "AgentFirstCallbackAfterContactWorkConfig": {"AfterContactWorkMode": "ON"}}]),
        );
    });
    fails_once(
        &props,
        "AfterContactWorkConfigs[0].AgentFirstCallbackAfterContactWorkConfig.AfterContactWorkMode",
        "not supported by the Amazon Connect API yet",
    );
}

#[test]
fn phone_number_config_desk_phone_requires_a_number() {
    let props = seed_with(|p| {
        p.remove("PhoneConfig");
        p.insert("PhoneNumberConfigs".into(), json!([{"Channel": "VOICE", "PhoneType": "DESK_PHONE"}]));
    });
    fails_once(&props, "PhoneNumberConfigs[0].PhoneNumber", "required when PhoneType is DESK_PHONE");
}

#[test]
fn phone_number_config_number_is_e164() {
    let props = seed_with(|p| {
        p.remove("PhoneConfig");
        p.insert(
            "PhoneNumberConfigs".into(),
            json!([{"Channel": "VOICE", "PhoneType": "DESK_PHONE", "PhoneNumber": "+0123"}]),
        );
    });
    fails_once(&props, "PhoneNumberConfigs[0].PhoneNumber", "E.164");
}

#[test]
fn phone_config_field_conflicts_with_its_per_channel_list() {
    let cases = [
        ("AutoAccept", json!("true"), "AutoAcceptConfigs", json!([{"Channel": "VOICE", "AutoAccept": "true"}])),
        (
            "AfterContactWorkTimeLimit",
            json!("120"),
            "AfterContactWorkConfigs",
            json!([{"Channel": "VOICE", "AfterContactWorkConfig": {}}]),
        ),
        (
            "PhoneType",
            json!("SOFT_PHONE"),
            "PhoneNumberConfigs",
            json!([{"Channel": "VOICE", "PhoneType": "SOFT_PHONE"}]),
        ),
        (
            "DeskPhoneNumber",
            json!("+14155550123"),
            "PhoneNumberConfigs",
            json!([{"Channel": "VOICE", "PhoneType": "SOFT_PHONE"}]),
        ),
        (
            "PersistentConnection",
            json!("false"),
            "PersistentConnectionConfigs",
            json!([{"Channel": "VOICE", "PersistentConnection": "true"}]),
        ),
    ];
    for (field, value, list, entries) in cases {
        let props = seed_with(|p| {
            p["PhoneConfig"] = json!({});
            p["PhoneConfig"][field] = value;
            p.insert(list.into(), entries);
        });
        fails_once(&props, &format!("PhoneConfig.{field}"), &format!("conflicts with {list}"));
    }
}

#[test]
fn proficiency_level_range() {
    let props = seed_with(|p| {
        p.insert("UserProficiencies".into(), json!([{"AttributeName": "a", "AttributeValue": "b", "Level": "7"}]));
    });
    fails_once(
        &props,
        "UserProficiencies[0].Level",
        "expected a number from 1 to 5 (Amazon Connect accepts 1–5 although the CloudFormation schema says 0–10), got \"7\"",
    );
    let props = seed_with(|p| {
        p.insert("UserProficiencies".into(), json!([{"AttributeName": "a", "AttributeValue": "b", "Level": "high"}]));
    });
    fails_once(&props, "UserProficiencies[0].Level", "got \"high\"");
}

#[test]
fn proficiency_attribute_lengths() {
    let props = seed_with(|p| {
        p.insert("UserProficiencies".into(), json!([{"AttributeName": "", "AttributeValue": "b", "Level": 1}]));
    });
    fails_once(&props, "UserProficiencies[0].AttributeName", "must not be empty");
    let props = seed_with(|p| {
        p.insert(
            "UserProficiencies".into(),
            json!([{"AttributeName": "a", "AttributeValue": "v".repeat(65), "Level": 1}]),
        );
    });
    fails_once(&props, "UserProficiencies[0].AttributeValue", "must be 1 to 64 characters, got 65");
}

#[test]
fn proficiency_required_fields() {
    let props =
        seed_with(|p| _ = p.insert("UserProficiencies".into(), json!([{"AttributeName": "a", "AttributeValue": "b"}])));
    fails_once(&props, "UserProficiencies[0].Level", "required");
}

#[test]
fn proficiencies_distinct() {
    let props = seed_with(|p| {
        p.insert(
            "UserProficiencies".into(),
            json!([{"AttributeName": "a", "AttributeValue": "b", "Level": 1},
                   {"AttributeName": "a", "AttributeValue": "c", "Level": 1},
                   {"AttributeName": "a", "AttributeValue": "b", "Level": 2}]),
        );
    });
    fails_once(&props, "UserProficiencies[2]", "duplicate of UserProficiencies[0]");
}

#[test]
fn tags_count() {
    let tags: Vec<Value> = (0..=MAX_TEMPLATE_TAGS).map(|i| json!({"Key": format!("k{i}"), "Value": "v"})).collect();
    fails_once(
        &seed_with(|p| p["Tags"] = Value::Array(tags)),
        "Tags",
        "at most 49 tags, got 50 (Amazon Connect allows 50 per user and this resource's owner tag takes one)",
    );
}

#[test]
fn tag_key_length() {
    fails_once(&seed_with(|p| p["Tags"][0]["Key"] = json!("")), "Tags[0].Key", "must not be empty");
    fails_once(&seed_with(|p| p["Tags"][0]["Key"] = json!("k".repeat(129))), "Tags[0].Key", "got 129");
}

#[test]
fn tag_key_must_not_start_with_aws() {
    fails_once(&seed_with(|p| p["Tags"][1]["Key"] = json!("aws:cost")), "Tags[1].Key", "must not start with aws:");
}

#[test]
fn tag_key_characters() {
    fails_once(&seed_with(|p| p["Tags"][1]["Key"] = json!("cost#center")), "Tags[1].Key", "may contain only letters");
}

#[test]
fn owner_tag_key_is_reserved() {
    fails_once(
        &seed_with(|p| p["Tags"][0]["Key"] = json!(OWNER_TAG_KEY)),
        "Tags[0].Key",
        "is reserved: the resource sets it",
    );
}

#[test]
fn tag_value_length() {
    fails_once(
        &seed_with(|p| p["Tags"][0]["Value"] = json!("v".repeat(257))),
        "Tags[0].Value",
        "at most 256 characters",
    );
}

#[test]
fn tag_value_required() {
    fails_once(&seed_with(|p| p["Tags"][0] = json!({"Key": "k"})), "Tags[0].Value", "required");
}

#[test]
fn tag_keys_distinct() {
    fails_once(
        &seed_with(|p| p["Tags"][1]["Key"] = json!("team")),
        "Tags[1].Key",
        r#"duplicate key "team" (also in Tags[0])"#,
    );
}

#[test]
fn tags_must_be_a_list() {
    fails_once(&seed_with(|p| p["Tags"] = json!({"team": "support"})), "Tags", "expected a list, got an object");
}

#[test]
fn reconcile_token_is_a_string_and_changes_nothing_in_the_spec() {
    let with = |token: Value| seed_with(|p| _ = p.insert("ReconcileToken".into(), token));
    let (Ok(a), Ok(b)) = (parse(&with(json!("2026-12-02"))), parse(&with(json!("run-1842")))) else {
        panic!("a string token is valid")
    };
    assert_eq!(a, b, "the token is not part of what Connect holds");
    assert_eq!(Ok(a), parse(&seed()));
    fails_once(&with(json!(["x"])), "ReconcileToken", "expected a string, got a list");
    fails_once(&with(json!("x".repeat(1025))), "ReconcileToken", "at most 1024 characters");
}

#[test]
fn adopt_existing_is_boolean() {
    let props = seed_with(|p| _ = p.insert("AdoptExisting".into(), json!("maybe")));
    fails_once(&props, "AdoptExisting", r#"expected true or false, got "maybe""#);
}

#[test]
fn directory_user_id_is_a_string() {
    let props = seed_with(|p| _ = p.insert("DirectoryUserId".into(), json!(["x"])));
    fails_once(&props, "DirectoryUserId", "expected a string, got a list");
}

#[test]
fn long_values_are_echoed_clipped() {
    // Personal fields are never echoed (no_message_quotes_personal_data); an enumerated value is.
    let errors = errors(&seed_with(|p| p["PhoneConfig"]["PhoneType"] = json!("a".repeat(200))));
    assert!(errors[0].message.ends_with('…'), "{errors:?}");
    assert!(errors[0].message.len() < 160, "{errors:?}");
}

// ---- everything at once ------------------------------------------------------------------------------------

#[test]
fn every_problem_is_reported_in_one_reason() {
    let props = json!({
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:f",
        "Username": "john doe",
        "RoutingProfileArn": format!("{OTHER_INSTANCE}/routing-profile/rp"),
        "SecurityProfileArns": [],
        "InstanceArn": INSTANCE,
        "Password": "weak",
        "IdentityInfo": {"Email": "nope", "Mobile": "12"},
        "PhoneConfig": {"PhoneType": "SOFTPHONE", "AutoAccept": "yes"},
        "AutoAcceptConfigs": [{"Channel": "VOICE", "AutoAccept": "true"}],
        "UserProficiencies": [{"AttributeName": "a", "AttributeValue": "b", "Level": 0}],
        "Tags": [{"Key": "aws:x", "Value": "y"}],
        "Extra": 1,
    });
    let invalid = parse(&props).unwrap_err();
    let paths: Vec<_> = invalid.0.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "Extra",
            "Username",
            "RoutingProfileArn",
            "SecurityProfileArns",
            "Password",
            "IdentityInfo.Mobile",
            "PhoneConfig.PhoneType",
            "PhoneConfig.AutoAccept",
            "PhoneConfig.AutoAccept",
            "UserProficiencies[0].Level",
            "Tags[0].Key",
        ]
    );
    let reason = invalid.to_string();
    assert!(reason.starts_with("invalid properties: Extra: unknown property; Username: may contain only"), "{reason}");
    assert_eq!(reason.matches("; ").count(), paths.len() - 1, "{reason}");
    assert!(reason.len() < 2048, "{} bytes: {reason}", reason.len());
    assert!(!reason.contains("weak"), "{reason}");
}

// ---- the old template --------------------------------------------------------------------------------------

#[test]
fn old_template_takes_what_it_can() {
    let old = json!({
        "Tags": [{"Key": "team", "Value": "x"}, {"Key": 5}, "junk", {"Key": OWNER_TAG_KEY, "Value": "v"},
                 {"Key": "team", "Value": "again"}, {"Key": "aws:legacy"}],
        "UserProficiencies": [{"AttributeName": "a", "AttributeValue": "b", "Level": "99"}, {"AttributeName": "a"}, 3],
        "HierarchyGroupArn": "not even an arn",
        "Password": "old secret",
        "Username": 12,
    });
    let parsed = old_template(&old);
    assert_eq!(parsed.tag_keys, ["team", "aws:legacy"]);
    assert_eq!(
        parsed.proficiency_keys,
        [ProficiencyKey { attribute_name: "a".to_owned(), attribute_value: "b".to_owned() }]
    );
    assert!(parsed.hierarchy_group);
    assert_eq!(parsed.password.as_ref().map(Secret::expose), Some("old secret"));
}

#[test]
fn old_template_of_garbage_is_empty() {
    for garbage in [Value::Null, json!("x"), json!([1, 2]), json!({}), json!({"Tags": "x", "UserProficiencies": {}})] {
        assert_eq!(old_template(&garbage), OldTemplate::default(), "{garbage}");
    }
    let no_group = json!({"HierarchyGroupArn": null, "Password": 12345678});
    assert_eq!(old_template(&no_group), OldTemplate::default());
}

#[test]
fn old_template_of_the_seed() {
    let old = old_template(&seed());
    assert_eq!(old.tag_keys, ["team", "env"]);
    assert!(old.proficiency_keys.is_empty());
    assert!(!old.hierarchy_group);
    assert_eq!(old.password, None);
}

// ---- never panics ------------------------------------------------------------------------------------------

/// Every key the validator knows, at any depth: the names a fuzzer should hit most.
fn names() -> Vec<&'static str> {
    [
        PROPERTIES,
        CLOUDFORMATION_KEYS,
        IDENTITY_INFO,
        PHONE_CONFIG,
        AUTO_ACCEPT_CONFIG,
        AFTER_CONTACT_WORK_PER_CHANNEL,
        AFTER_CONTACT_WORK_CONFIG,
        PHONE_NUMBER_CONFIG,
        PERSISTENT_CONNECTION_CONFIG,
        VOICE_ENHANCEMENT_CONFIG,
        USER_PROFICIENCY,
        TAG,
    ]
    .concat()
}

fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "true",
            "FALSE",
            "120",
            "-1",
            "2.5",
            "1e400",
            "NaN",
            "SOFT_PHONE",
            "DESK_PHONE",
            "VOICE",
            "CHAT",
            "NONE",
            "+14155550123",
            "john@example.com",
            "aws:x",
            "connect-user-resource:owner",
            "Passw0rdX",
            "",
        ])
        .prop_map(str::to_owned),
        prop::sample::select(vec![
            INSTANCE.to_owned(),
            routing_profile(),
            security_profile(1),
            format!("{INSTANCE}/agent-group/g"),
            format!("{OTHER_INSTANCE}/security-profile/s"),
        ]),
        "[a-zA-Z0-9 :/._@+-]{0,24}",
        "\\PC{0,12}",
    ]
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        arb_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(arb_key(), inner, 0..8).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn arb_key() -> impl Strategy<Value = String> {
    prop_oneof![3 => prop::sample::select(names()).prop_map(str::to_owned), 1 => "[A-Za-z]{1,10}"]
}

fn check_outcome(props: &Value) {
    match parse(props) {
        Ok(spec) => assert!(spec.security_profiles.len() <= MAX_SECURITY_PROFILES),
        Err(Invalid(errors)) => assert!(!errors.is_empty()),
    }
    let _ = old_template(props);
}

proptest! {
    #[test]
    fn parse_never_panics_on_any_json(props in arb_json()) {
        check_outcome(&props);
    }

    #[test]
    fn parse_never_panics_on_objects_with_real_names(
        props in prop::collection::btree_map(prop::sample::select(names()).prop_map(str::to_owned), arb_json(), 0..18)
    ) {
        check_outcome(&Value::Object(props.into_iter().collect()));
    }

    #[test]
    fn parse_never_panics_on_the_seed_with_one_property_replaced(
        name in prop::sample::select(names()),
        value in arb_json(),
    ) {
        check_outcome(&seed_with(|p| _ = p.insert(name.to_owned(), value)));
    }
}

// ---- what validation reads before the rest ---------------------------------------------------------------------

#[test]
fn the_instance_and_the_identity_facts_are_read_whatever_else_is_wrong() {
    let props = seed_with(|p| {
        p["Username"] = json!("john doe");
        p["IdentityInfo"] = json!({"FirstName": "", "LastName": "Doe", "Email": null});
        p.insert("DirectoryUserId".into(), json!(7));
        p.insert("AdoptExisting".into(), json!("yes"));
    });
    assert!(parse(&props).is_err());
    assert_eq!(instance_arn(&props).map(|i| i.to_string()).as_deref(), Some(INSTANCE));
    assert_eq!(
        identity_facts(&props, true),
        identity::Facts {
            creates: true,
            username: Some("john doe"),
            password: false,
            password_secret: false,
            first_name: false,
            last_name: true,
            email: false,
            directory_user_id: true,
        }
    );
    assert_eq!(instance_arn(&json!({"InstanceArn": "arn:aws:connect:x"})), None);
    // A template that adopts, and any Update, sends no password to CreateUser.
    let adopting = seed_with(|p| _ = p.insert("AdoptExisting".into(), json!("true")));
    assert!(!identity_facts(&adopting, true).creates);
    assert!(!identity_facts(&seed(), false).creates);
    let with_password = seed_with(|p| _ = p.insert("Password".into(), json!(PASSWORD)));
    assert!(identity_facts(&with_password, true).password && !identity_facts(&seed(), true).password);
}
