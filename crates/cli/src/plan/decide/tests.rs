#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use cfn_connect_user::core::arn::{InstanceArn, ResourceKind};
use cfn_connect_user::core::model::{IdentityInfo, PhoneConfig, Tags};
use cfn_connect_user::core::props::old_template;
use serde_json::json;

use super::*;

const INSTANCE: &str = "arn:aws:connect:us-east-1:123456789012:instance/i-1";
const OWNER: &str = "guid-1/UserJane";

fn instance() -> InstanceArn {
    InstanceArn::parse(INSTANCE).unwrap()
}

fn properties() -> Value {
    json!({
        "InstanceArn": INSTANCE,
        "Username": "jane",
        "RoutingProfileArn": format!("{INSTANCE}/routing-profile/rp-1"),
        "SecurityProfileArns": [format!("{INSTANCE}/security-profile/sp-1")],
        "IdentityInfo": {"FirstName": "Jane", "LastName": "Doe"},
        "Tags": [{"Key": "team", "Value": "a"}],
        "AdoptExisting": "true",
    })
}

fn live(username: &str, tags: &[(&str, &str)]) -> LiveUser {
    let i = instance();
    LiveUser {
        arn: UserArn::new(&i, &format!("id-{username}")),
        username: username.into(),
        routing_profile: i.child(ResourceKind::RoutingProfile, "rp-1"),
        security_profiles: vec![i.child(ResourceKind::SecurityProfile, "sp-1")],
        directory_user_id: None,
        hierarchy_group: None,
        identity_info: IdentityInfo {
            first_name: Some("Jane".into()),
            last_name: Some("Doe".into()),
            ..Default::default()
        },
        phone_config: PhoneConfig::default(),
        channels: Default::default(),
        proficiencies: None,
        tags: tags.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect::<Tags>(),
    }
}

fn decided(properties: &Value, holder: Option<LiveUser>, previous: Option<Previous>) -> Outcome {
    decide(Inputs { properties, identity: Some(IdentityManagement::ConnectManaged), owner: OWNER, holder, previous })
}

fn owner_tag() -> Call {
    Call::Tag(BTreeMap::from([(OWNER_TAG_KEY.to_owned(), OWNER.to_owned())]))
}

#[test]
fn a_free_username_is_created_with_the_owner_tag() {
    let outcome = decided(&properties(), None, None);
    assert_eq!(outcome.action, Action::Create);
    let create = outcome.create.unwrap();
    assert_eq!(create.tags.get(OWNER_TAG_KEY).map(String::as_str), Some(OWNER));
    assert_eq!(outcome.calls, []);
}

#[test]
fn an_untagged_user_is_adopted_only_when_the_template_asks() {
    let outcome = decided(&properties(), Some(live("jane", &[("team", "a")])), None);
    assert_eq!((outcome.action, outcome.tag_only()), (Action::Adopt, true));
    assert_eq!(outcome.calls, [owner_tag()]);

    let mut strict = properties();
    strict.as_object_mut().unwrap().remove("AdoptExisting");
    strict["Password"] = json!("Welcome-2026-Agent");
    let outcome = decided(&strict, Some(live("jane", &[])), None);
    assert_eq!(outcome.action, Action::Refused);
    assert!(outcome.reason.unwrap().contains("(it has no owner tag); set AdoptExisting"));
}

#[test]
fn another_resources_user_is_refused_and_the_own_one_is_reconciled() {
    let outcome = decided(&properties(), Some(live("jane", &[(OWNER_TAG_KEY, "guid-2/Other")])), None);
    assert_eq!(outcome.action, Action::Refused);
    assert!(outcome.reason.unwrap().contains("names another stack or logical resource (\"guid-2/Other\")"));

    let ours = live("jane", &[(OWNER_TAG_KEY, OWNER), ("team", "a")]);
    assert_eq!(decided(&properties(), Some(ours.clone()), None).action, Action::NoChange);
    let mut changed = properties();
    changed["Tags"] = json!([{"Key": "team", "Value": "b"}]);
    let outcome = decided(&changed, Some(ours), None);
    assert_eq!(outcome.action, Action::Update);
    assert_eq!(outcome.calls, [Call::Tag(BTreeMap::from([("team".to_owned(), "b".to_owned())]))]);
}

#[test]
fn the_previous_template_shows_what_an_update_drops_and_renames() {
    let ours = live("jane", &[(OWNER_TAG_KEY, OWNER), ("team", "a")]);
    let mut dropped = properties();
    dropped.as_object_mut().unwrap().remove("Tags");
    let previous = Previous { old: old_template(&properties()), user: Some(ours.clone()), same_user: true };
    let outcome = decided(&dropped, Some(ours.clone()), Some(previous.clone()));
    assert_eq!(outcome.calls, [Call::Untag(vec!["team".to_owned()])]);

    let mut renamed = properties();
    renamed["Username"] = json!("jane.doe");
    let replaced = Previous { same_user: false, ..previous.clone() };
    let outcome = decided(&renamed, None, Some(replaced));
    assert_eq!(outcome.action, Action::Replace);
    assert_eq!(outcome.replaced, Some(ours.arn.clone()));
    assert!(outcome.create.is_some());

    let gone = Previous { user: None, ..previous };
    let outcome = decided(&properties(), None, Some(gone));
    assert_eq!(outcome.action, Action::Refused);
    assert!(outcome.reason.unwrap().starts_with("the user no longer exists"));
}

#[test]
fn an_invalid_template_is_refused_with_every_problem_as_the_function_says_it() {
    let mut invalid = properties();
    invalid.as_object_mut().unwrap().remove("AdoptExisting");
    invalid["Username"] = json!("j a n e");
    let outcome = decided(&invalid, None, None);
    assert_eq!(outcome.action, Action::Refused);
    let reason = outcome.reason.unwrap();
    assert!(reason.contains("Username: may contain only letters"), "{reason}");
    assert!(reason.contains("Password: required (or PasswordSecretArn)"), "{reason}");
}
