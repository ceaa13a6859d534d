#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use cfn_connect_user::core::arn::{InstanceArn, ResourceKind, UserArn};
use cfn_connect_user::core::model::{
    AfterContactWorkPerChannel, AutoAcceptConfig, IdentityInfo, PhoneNumberConfig, PhoneType, ProficiencyKey,
    VoiceEnhancementMode,
};
use cfn_connect_user::core::owner::OwnerTag;
use cfn_connect_user::core::plan::{Call, Diff, plan};
use serde_json::json;

use super::*;

const INSTANCE: &str = "arn:aws:connect:us-east-1:123456789012:instance/i-1";

/// A user as the adapter reads it: every list `Some`, the VOICE entries Connect always has.
pub fn live() -> LiveUser {
    let instance = InstanceArn::parse(INSTANCE).unwrap();
    fn voice<T>(entry: T) -> BTreeMap<Channel, T> {
        BTreeMap::from([(Channel::Voice, entry)])
    }
    LiveUser {
        arn: UserArn::new(&instance, "u-1"),
        username: "jane.doe".into(),
        routing_profile: instance.child(ResourceKind::RoutingProfile, "rp-1"),
        security_profiles: vec![instance.child(ResourceKind::SecurityProfile, "sp-1")],
        directory_user_id: Some(String::new()),
        hierarchy_group: None,
        identity_info: IdentityInfo {
            first_name: Some("Jane".into()),
            last_name: Some("Doe".into()),
            email: Some("jane@example.com".into()),
            secondary_email: Some(String::new()),
            mobile: None,
        },
        phone_config: PhoneConfig {
            phone_type: Some(PhoneType::SoftPhone),
            auto_accept: Some(true),
            after_contact_work_time_limit: Some(30),
            desk_phone_number: None,
            persistent_connection: None,
        },
        channels: ChannelConfigs {
            auto_accept: Some(voice(AutoAcceptConfig { auto_accept: true, agent_first_callback_auto_accept: None })),
            after_contact_work: Some(voice(AfterContactWorkPerChannel {
                config: AfterContactWorkConfig { time_limit: Some(30) },
                agent_first_callback: None,
            })),
            phone_number: Some(voice(PhoneNumberConfig { phone_type: PhoneType::SoftPhone, phone_number: None })),
            persistent_connection: Some(BTreeMap::new()),
            voice_enhancement: Some(BTreeMap::new()),
        },
        proficiencies: Some(BTreeMap::from([(
            ProficiencyKey { attribute_name: "Skill".into(), attribute_value: "Billing".into() },
            3.7,
        )])),
        tags: BTreeMap::from([
            ("team".into(), "billing".into()),
            ("aws:cloudformation:stack-name".into(), "old".into()),
        ]),
        traffic_distribution_groups: None,
    }
}

/// The properties as CloudFormation sends them (every scalar a string) and the plan of adopting `live` with them.
fn adoption(live: &LiveUser, properties: &Value) -> Diff {
    fn as_sent(v: &Value) -> Value {
        match v {
            Value::Bool(b) => json!(b.to_string()),
            Value::Number(n) => json!(n.to_string()),
            Value::Array(a) => Value::Array(a.iter().map(as_sent).collect()),
            Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), as_sent(v))).collect()),
            other => other.clone(),
        }
    }
    let spec = props::parse(&as_sent(properties)).unwrap();
    plan(&spec, &Default::default(), live, &owner())
}

fn owner() -> OwnerTag {
    OwnerTag::new("arn:aws:cloudformation:us-east-1:123456789012:stack/users/guid", "UserJaneDoe")
}

fn tag_only() -> Diff {
    Diff::Reconcile(vec![Call::Tag(BTreeMap::from([(OWNER_TAG_KEY.into(), owner().adopted().into())]))])
}

#[test]
fn a_voice_only_user_is_written_with_phone_config_and_adopted_with_its_tag_alone() {
    let user = live();
    let (p, problems) = properties(&user, Some(IdentityManagement::ConnectManaged));
    assert_eq!(problems, Vec::<String>::new());
    assert_eq!(
        p["PhoneConfig"],
        json!({"PhoneType": "SOFT_PHONE", "AutoAccept": true, "AfterContactWorkTimeLimit": 30})
    );
    assert!(p.get("AutoAcceptConfigs").is_none());
    assert_eq!(p["IdentityInfo"], json!({"FirstName": "Jane", "LastName": "Doe", "Email": "jane@example.com"}));
    assert!(p.get("DirectoryUserId").is_none(), "empty strings are unset");
    assert_eq!(p["Tags"], json!([{"Key": "team", "Value": "billing"}]));
    assert_eq!(p["UserProficiencies"], json!([{"AttributeName": "Skill", "AttributeValue": "Billing", "Level": 3.7}]));
    assert_eq!(p["AdoptExisting"], "true");
    assert!(p.get("Password").is_none());
    assert_eq!(adoption(&user, &p), tag_only());
}

#[test]
fn a_user_with_settings_phone_config_cannot_hold_is_written_with_the_per_channel_lists() {
    let mut user = live();
    let chat = AutoAcceptConfig { auto_accept: false, agent_first_callback_auto_accept: Some(true) };
    user.channels.auto_accept.as_mut().unwrap().insert(Channel::Chat, chat);
    user.channels.voice_enhancement = Some(BTreeMap::from([(Channel::Voice, VoiceEnhancementMode::VoiceIsolation)]));
    let (p, problems) = properties(&user, None);
    assert_eq!(problems, Vec::<String>::new());
    assert!(p.get("PhoneConfig").is_none());
    assert_eq!(
        p["AutoAcceptConfigs"],
        json!([{"Channel": "VOICE", "AutoAccept": true},
            {"Channel": "CHAT", "AutoAccept": false, "AgentFirstCallbackAutoAccept": true}])
    );
    assert_eq!(p["VoiceEnhancementConfigs"], json!([{"Channel": "VOICE", "VoiceEnhancementMode": "VOICE_ISOLATION"}]));
    assert_eq!(adoption(&user, &p), tag_only());
}

#[test]
fn what_the_instance_type_forbids_is_left_out_and_what_the_function_would_refuse_is_said() {
    let mut user = live();
    user.directory_user_id = Some("dir-1".into());
    let (p, problems) = properties(&user, Some(IdentityManagement::Saml));
    assert!(p["IdentityInfo"].get("Email").is_none() && p.get("DirectoryUserId").is_none());
    assert_eq!(problems, Vec::<String>::new());
    let (p, _) = properties(&user, Some(IdentityManagement::ExistingDirectory));
    assert_eq!(p["DirectoryUserId"], "dir-1");
    user.identity_info.last_name = None;
    user.username = "a.very.long.username.indeed".into();
    let (_, problems) = properties(&user, Some(IdentityManagement::ConnectManaged));
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].starts_with("Username: must be at most 20 characters"), "{problems:?}");
    assert!(problems[1].starts_with("IdentityInfo.LastName: required"), "{problems:?}");
}

#[test]
fn levels_are_written_as_the_shortest_decimal_of_the_same_f32() {
    for level in [1.0f32, 2.5, 3.7, 4.1, 4.9] {
        let written = level_number(level);
        let read: f64 = written.to_string().parse().unwrap();
        assert_eq!(read as f32, level, "{written}");
        assert!(written.to_string().len() <= 3, "{written}");
    }
}
