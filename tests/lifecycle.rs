//! The Connect user lifecycle (docs/connect-user.md §3–§5) through the handler, against the emulator:
//! creation of every property, in-place updates per family, drift, replacement, rollback, ownership
//! and adoption, deletion.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use cfn_connect_user::adapters::SdkConnect;
use cfn_connect_user::app::Connect;
use cfn_connect_user::core::arn::{ResourceKind, UserArn};
use cfn_connect_user::core::model::{IdentityInfo, OWNER_TAG_KEY, ProficiencyKey};
use cfn_connect_user::core::owner::OwnerTag;
use cfn_connect_user::core::plan::{self, Call};
use cfn_connect_user::core::props;
use connect_emulator::connect::{ErrorCode, Fault, Seed};
use connect_emulator::receiver::Recorded;
use serde_json::{Value, json};

use crate::support::{PASSWORD, STACK_ID, World};

/// The seed user with every property the Connect API takes at creation, voice settings in `PhoneConfig`.
fn everything(world: &World) -> Value {
    let instance = world.instance();
    let mut props = world.john();
    props["DirectoryUserId"] = json!("dir-john");
    props["HierarchyGroupArn"] = json!(format!("{instance}/agent-group/{}", Seed::HIERARCHY_GROUP_1));
    props["IdentityInfo"] = json!({"FirstName": "John", "LastName": "Doe", "Email": "john.doe@example.com",
        "SecondaryEmail": "jd@example.org", "Mobile": "+14155550123"});
    props["SecurityProfileArns"] = json!([
        format!("{instance}/security-profile/{}", Seed::SECURITY_PROFILE_AGENT),
        format!("{instance}/security-profile/{}", Seed::SECURITY_PROFILE_QA)
    ]);
    props["UserProficiencies"] = json!([
        {"AttributeName": "Language", "AttributeValue": "Spanish", "Level": "4"},
        {"AttributeName": "Skill", "AttributeValue": "Billing", "Level": "2.5"}
    ]);
    props["AdoptExisting"] = json!("false");
    props
}

/// A client of the emulator that is not the handler: someone changing users by hand.
fn connect(world: &World) -> SdkConnect {
    SdkConnect::for_endpoint(&world.emulator.endpoint_url(), "us-east-1")
}

fn user_arn(arn: &str) -> UserArn {
    UserArn::parse(arn).unwrap()
}

fn key(name: &str, value: &str) -> ProficiencyKey {
    ProficiencyKey { attribute_name: name.into(), attribute_value: value.into() }
}

/// The user's proficiencies as (name, value, level).
fn proficiencies(user: &Value) -> Vec<(String, String, f64)> {
    let list = user["UserProficiencyList"].as_array().unwrap();
    list.iter()
        .map(|p| {
            let text = |k: &str| p[k].as_str().unwrap().to_owned();
            (text("AttributeName"), text("AttributeValue"), p["Level"].as_f64().unwrap())
        })
        .collect()
}

/// The user's tags without the owner tag.
fn tags(user: &Value) -> BTreeMap<String, String> {
    let tags = user["Tags"].as_object().unwrap();
    tags.iter().filter(|(k, _)| *k != OWNER_TAG_KEY).map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned())).collect()
}

fn owner_of(user: &Value) -> Option<&str> {
    user["Tags"].get(OWNER_TAG_KEY).and_then(Value::as_str)
}

fn assert_data(response: &Recorded, arn: &str, instance: &str, username: &str) {
    let user = user_arn(arn);
    assert_eq!(response.data_value("UserArn"), Some(arn));
    assert_eq!(response.data_value("UserId"), Some(user.user_id()));
    assert_eq!(response.data_value("InstanceArn"), Some(instance));
    assert_eq!(response.data_value("Username"), Some(username));
}

/// Sends an Update from `old` to `new` after clearing the call log.
async fn update(world: &World, arn: &str, old: Value, new: Value) -> Recorded {
    world.emulator.clear_calls();
    world.send(world.update_event(arn, old, new)).await
}

fn assert_success(response: &Recorded, arn: &str) {
    assert_eq!((response.status(), response.physical_id()), ("SUCCESS", Some(arn)), "{:?}", response.reason());
}

#[tokio::test]
async fn create_with_every_property_and_phone_config() {
    // Given every property, voice settings in PhoneConfig
    let world = World::start().await;
    let instance = world.instance();

    // When
    let response = world.send(world.create_event(everything(&world))).await;

    // Then
    assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
    let arn = response.physical_id().unwrap().to_owned();
    assert!(arn.starts_with(&format!("{instance}/agent/")), "{arn}");
    assert_data(&response, &arn, &instance, "john.doe");
    let user = world.user(&arn);
    assert_eq!(user["Username"], "john.doe");
    assert_eq!(user["DirectoryUserId"], "dir-john");
    assert_eq!(user["HierarchyGroupId"], Seed::HIERARCHY_GROUP_1);
    assert_eq!(user["RoutingProfileId"], Seed::ROUTING_PROFILE_1);
    assert_eq!(user["SecurityProfileIds"], json!([Seed::SECURITY_PROFILE_AGENT, Seed::SECURITY_PROFILE_QA]));
    assert_eq!(user["IdentityInfo"]["FirstName"], "John");
    assert_eq!(user["IdentityInfo"]["LastName"], "Doe");
    assert_eq!(user["IdentityInfo"]["Email"], "john.doe@example.com");
    assert_eq!(user["IdentityInfo"]["SecondaryEmail"], "jd@example.org");
    assert_eq!(user["IdentityInfo"]["Mobile"], "+14155550123");
    assert_eq!(user["PhoneConfig"]["PhoneType"], "SOFT_PHONE");
    assert_eq!(user["PhoneConfig"]["AutoAccept"], true);
    assert_eq!(user["PhoneConfig"]["AfterContactWorkTimeLimit"], 120);
    assert_eq!(tags(&user), BTreeMap::from([("team".into(), "support".into())]));
    assert!(owner_of(&user).unwrap().ends_with("/AgentJohnDoe"));
    assert_eq!(
        proficiencies(&user),
        [("Language".into(), "Spanish".into(), 4.0), ("Skill".into(), "Billing".into(), 2.5)]
    );
    assert_eq!(world.emulator.password_of(&arn).as_deref(), Some(PASSWORD));
    assert_eq!(world.emulator.write_calls(), ["CreateUser", "AssociateUserProficiencies"]);
}

#[tokio::test]
async fn create_with_the_per_channel_lists() {
    // Given every property, with the per-channel lists instead of PhoneConfig
    let world = World::start().await;
    let mut props = everything(&world);
    props.as_object_mut().unwrap().remove("PhoneConfig");
    props["AutoAcceptConfigs"] = json!([{"Channel": "VOICE", "AutoAccept": "true", "AgentFirstCallbackAutoAccept": "false"},
        {"Channel": "CHAT", "AutoAccept": "true"}]);
    props["AfterContactWorkConfigs"] =
        json!([{"Channel": "CHAT", "AfterContactWorkConfig": {"AfterContactWorkTimeLimit": "60"}}]);
    props["PhoneNumberConfigs"] =
        json!([{"Channel": "VOICE", "PhoneType": "DESK_PHONE", "PhoneNumber": "+14155550100"}]);
    props["PersistentConnectionConfigs"] = json!([{"Channel": "VOICE", "PersistentConnection": "true"}]);
    props["VoiceEnhancementConfigs"] = json!([{"Channel": "VOICE", "VoiceEnhancementMode": "VOICE_ISOLATION"}]);

    // When
    let response = world.send(world.create_event(props.clone())).await;

    // Then
    assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
    let arn = response.physical_id().unwrap().to_owned();
    assert_data(&response, &arn, &world.instance(), "john.doe");
    let user = world.user(&arn);
    assert_eq!(user["PhoneConfig"]["PhoneType"], "DESK_PHONE");
    assert_eq!(user["PhoneConfig"]["DeskPhoneNumber"], "+14155550100");
    assert_eq!(user["PhoneConfig"]["PersistentConnection"], true);
    let entry = |list: &str, channel: &str| {
        user[list].as_array().unwrap().iter().find(|c| c["Channel"] == channel).cloned().unwrap_or(Value::Null)
    };
    assert_eq!(entry("AutoAcceptConfigs", "VOICE")["AutoAccept"], true);
    assert_eq!(entry("AutoAcceptConfigs", "CHAT")["AutoAccept"], true);
    assert_eq!(entry("AfterContactWorkConfigs", "CHAT")["AfterContactWorkConfig"]["AfterContactWorkTimeLimit"], 60);
    assert_eq!(entry("VoiceEnhancementConfigs", "VOICE")["VoiceEnhancementMode"], "VOICE_ISOLATION");
    assert_eq!(world.emulator.write_calls(), ["CreateUser", "AssociateUserProficiencies"]);

    // And the template now matches the user: a no-change Update writes nothing.
    let again = update(&world, &arn, props.clone(), props).await;
    assert_success(&again, &arn);
    assert!(world.emulator.write_calls().is_empty(), "{:?}", world.emulator.write_calls());
}

#[tokio::test]
async fn phone_config_beside_per_channel_phone_numbers_is_created_without_a_conflict() {
    let world = World::start().await;
    let mut props = world.john();
    props["PhoneConfig"] = json!({"AutoAccept": "true", "AfterContactWorkTimeLimit": "30"});
    props["PhoneNumberConfigs"] =
        json!([{"Channel": "VOICE", "PhoneType": "DESK_PHONE", "PhoneNumber": "+14155550100"}]);
    let arn = world.create_john_with(props).await;
    let user = world.user(&arn);
    assert_eq!(
        user["PhoneConfig"],
        json!({"PhoneType": "DESK_PHONE", "DeskPhoneNumber": "+14155550100", "AutoAccept": true, "AfterContactWorkTimeLimit": 30})
    );
}

#[tokio::test]
async fn an_update_that_changes_nothing_writes_nothing() {
    // Given a user with every property
    let world = World::start().await;
    let arn = world.create_john_with(everything(&world)).await;
    let before = world.user(&arn);

    // When the same template comes again
    let response = update(&world, &arn, everything(&world), everything(&world)).await;

    // Then
    assert_success(&response, &arn);
    assert!(world.emulator.write_calls().is_empty(), "{:?}", world.emulator.write_calls());
    assert_eq!(world.user(&arn)["IdentityInfo"], before["IdentityInfo"]);
}

#[tokio::test]
async fn identity_info_is_updated_carrying_fields_set_outside_the_stack() {
    // Given a user whose mobile and secondary e-mail were set by hand
    let world = World::start().await;
    let arn = world.create_john().await;
    let by_hand = IdentityInfo {
        first_name: Some("John".into()),
        last_name: Some("Doe".into()),
        email: Some("john.doe@example.com".into()),
        secondary_email: Some("jd@example.org".into()),
        mobile: Some("+14155550123".into()),
    };
    connect(&world).apply(&user_arn(&arn), &Call::UpdateIdentityInfo(by_hand)).await.unwrap();
    let mut new = world.john();
    new["IdentityInfo"]["LastName"] = json!("Roe");

    // When the template changes the last name
    let response = update(&world, &arn, world.john(), new).await;

    // Then
    assert_success(&response, &arn);
    assert_data(&response, &arn, &world.instance(), "john.doe");
    assert_eq!(world.emulator.write_calls(), ["UpdateUserIdentityInfo"]);
    let identity = &world.user(&arn)["IdentityInfo"];
    assert_eq!(identity["LastName"], "Roe");
    assert_eq!(identity["FirstName"], "John");
    assert_eq!(identity["Mobile"], "+14155550123", "a field set outside the stack is carried over");
    assert_eq!(identity["SecondaryEmail"], "jd@example.org");
}

#[tokio::test]
async fn the_hierarchy_group_is_left_when_the_template_drops_it() {
    // Given a user in a hierarchy group
    let world = World::start().await;
    let mut old = world.john();
    old["HierarchyGroupArn"] = json!(format!("{}/agent-group/{}", world.instance(), Seed::HIERARCHY_GROUP_2));
    let arn = world.create_john_with(old.clone()).await;
    assert_eq!(world.user(&arn)["HierarchyGroupId"], Seed::HIERARCHY_GROUP_2);

    // When the template stops setting it
    let response = update(&world, &arn, old, world.john()).await;

    // Then
    assert_success(&response, &arn);
    assert_eq!(world.emulator.write_calls(), ["UpdateUserHierarchy"]);
    assert!(world.user(&arn).get("HierarchyGroupId").is_none(), "{}", world.user(&arn));
}

#[tokio::test]
async fn proficiencies_are_added_changed_and_dropped_and_an_outside_one_survives() {
    // Given three proficiencies from the template and one added by hand
    let world = World::start().await;
    let mut old = world.john();
    old["UserProficiencies"] = json!([
        {"AttributeName": "Language", "AttributeValue": "Spanish", "Level": "4"},
        {"AttributeName": "Skill", "AttributeValue": "Billing", "Level": "2.5"},
        {"AttributeName": "Skill", "AttributeValue": "Technical", "Level": "1"}
    ]);
    let arn = world.create_john_with(old.clone()).await;
    let outside = Call::AssociateProficiencies([(key("Language", "English"), 3.0)].into());
    connect(&world).apply(&user_arn(&arn), &outside).await.unwrap();
    let mut new = world.john();
    new["UserProficiencies"] = json!([
        {"AttributeName": "Language", "AttributeValue": "Spanish", "Level": "4"},
        {"AttributeName": "Skill", "AttributeValue": "Billing", "Level": "3.5"},
        {"AttributeName": "Language", "AttributeValue": "French", "Level": "2"}
    ]);

    // When Technical is dropped, Billing changes level and French is new
    let response = update(&world, &arn, old, new).await;

    // Then
    assert_success(&response, &arn);
    assert_eq!(
        world.emulator.write_calls(),
        ["DisassociateUserProficiencies", "UpdateUserProficiencies", "AssociateUserProficiencies"]
    );
    assert_eq!(
        proficiencies(&world.user(&arn)),
        [
            ("Language".into(), "English".into(), 3.0),
            ("Language".into(), "French".into(), 2.0),
            ("Language".into(), "Spanish".into(), 4.0),
            ("Skill".into(), "Billing".into(), 3.5),
        ]
    );
}

#[tokio::test]
async fn tags_are_added_changed_and_dropped_and_an_outside_one_survives() {
    // Given three tags from the template and one added by hand
    let world = World::start().await;
    let mut old = world.john();
    old["Tags"] =
        json!([{"Key": "team", "Value": "support"}, {"Key": "floor", "Value": "2"}, {"Key": "cost", "Value": "cc1"}]);
    let arn = world.create_john_with(old.clone()).await;
    let owner = owner_of(&world.user(&arn)).unwrap().to_owned();
    let outside = Call::Tag([("set-by-hand".to_owned(), "yes".to_owned())].into());
    connect(&world).apply(&user_arn(&arn), &outside).await.unwrap();
    let mut new = world.john();
    new["Tags"] =
        json!([{"Key": "team", "Value": "sales"}, {"Key": "cost", "Value": "cc1"}, {"Key": "region", "Value": "emea"}]);

    // When floor is dropped, team changes and region is new
    let response = update(&world, &arn, old, new).await;

    // Then
    assert_success(&response, &arn);
    assert_eq!(world.emulator.write_calls(), ["UntagResource", "TagResource"]);
    let user = world.user(&arn);
    let expected = [("cost", "cc1"), ("region", "emea"), ("set-by-hand", "yes"), ("team", "sales")];
    assert_eq!(tags(&user), expected.map(|(k, v)| (k.to_owned(), v.to_owned())).into());
    assert_eq!(owner_of(&user), Some(owner.as_str()), "the owner tag is untouched");
}

#[tokio::test]
async fn drift_is_repaired_by_an_update_that_changes_nothing() {
    // Given a user changed by hand: another routing profile, another first name, a new tag
    let world = World::start().await;
    let arn = world.create_john().await;
    let user = user_arn(&arn);
    let outside = connect(&world);
    let sales = props::parse(&world.john())
        .unwrap()
        .instance
        .child(ResourceKind::RoutingProfile, Seed::ROUTING_PROFILE_1_SALES);
    outside.apply(&user, &Call::UpdateRoutingProfile(sales)).await.unwrap();
    let johnny = IdentityInfo { first_name: Some("Johnny".into()), ..Default::default() };
    outside.apply(&user, &Call::UpdateIdentityInfo(johnny)).await.unwrap();
    outside.apply(&user, &Call::Tag([("set-by-hand".to_owned(), "yes".to_owned())].into())).await.unwrap();
    assert_eq!(world.user(&arn)["RoutingProfileId"], Seed::ROUTING_PROFILE_1_SALES);

    // When an Update comes with an unchanged template
    let response = update(&world, &arn, world.john(), world.john()).await;

    // Then
    assert_success(&response, &arn);
    let repaired = world.user(&arn);
    assert_eq!(repaired["RoutingProfileId"], Seed::ROUTING_PROFILE_1);
    assert_eq!(repaired["IdentityInfo"]["FirstName"], "John");
    assert_eq!(repaired["IdentityInfo"]["LastName"], "Doe");
    assert_eq!(repaired["Tags"]["set-by-hand"], "yes", "tags the template never set survive");
    assert_eq!(world.emulator.write_calls(), ["UpdateUserIdentityInfo", "UpdateUserRoutingProfile"]);
}

#[tokio::test]
async fn a_new_username_replaces_the_user_and_the_old_one_is_deleted_after() {
    // Given a user
    let world = World::start().await;
    let old_arn = world.create_john().await;
    let mut new = world.john();
    new["Username"] = json!("john.doe2");

    // When the template renames it
    let response = update(&world, &old_arn, world.john(), new.clone()).await;

    // Then a new user answers, the old one still stands
    assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
    let new_arn = response.physical_id().unwrap().to_owned();
    assert_ne!(new_arn, old_arn);
    assert_data(&response, &new_arn, &world.instance(), "john.doe2");
    assert_eq!(world.emulator.write_calls(), ["CreateUser"]);
    assert_eq!(world.user(&new_arn)["Username"], "john.doe2");
    assert_eq!(world.user(&old_arn)["Username"], "john.doe");

    // And CloudFormation's cleanup deletes the old physical id, and only that user.
    world.emulator.clear_calls();
    let deleted = world.send(world.delete_event(&old_arn, world.john())).await;
    assert_success(&deleted, &old_arn);
    assert_eq!(world.emulator.write_calls(), ["DeleteUser"]);
    assert!(world.emulator.describe(&old_arn).is_none());
    assert_eq!(world.user(&new_arn)["Username"], "john.doe2");
    assert_eq!(world.emulator.user_count(), 1);
}

#[tokio::test]
async fn a_new_instance_replaces_the_user_and_the_old_one_is_deleted_after() {
    // Given a user in the first instance
    let world = World::start().await;
    let old_arn = world.create_john().await;
    let other = world.emulator.seed().instance_arn(Seed::INSTANCE_2);
    let mut new = world.john();
    new["InstanceArn"] = json!(other);
    new["RoutingProfileArn"] = json!(format!("{other}/routing-profile/{}", Seed::INSTANCE_2_ROUTING_PROFILE));
    new["SecurityProfileArns"] = json!([format!("{other}/security-profile/{}", Seed::INSTANCE_2_SECURITY_PROFILE)]);

    // When the template moves it to the second instance
    let response = update(&world, &old_arn, world.john(), new).await;

    // Then a new user in the second instance answers
    assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
    let new_arn = response.physical_id().unwrap().to_owned();
    assert!(new_arn.starts_with(&format!("{other}/agent/")), "{new_arn}");
    assert_data(&response, &new_arn, &other, "john.doe");
    assert_eq!(world.emulator.write_calls(), ["CreateUser"]);
    let moved = world.user(&new_arn);
    assert_eq!(moved["RoutingProfileId"], Seed::INSTANCE_2_ROUTING_PROFILE);
    assert_eq!(moved["SecurityProfileIds"], json!([Seed::INSTANCE_2_SECURITY_PROFILE]));
    assert!(world.emulator.find_by_username(&world.instance(), "john.doe").is_some());

    // And the Delete of the old id removes the old user only.
    world.emulator.clear_calls();
    assert_success(&world.send(world.delete_event(&old_arn, world.john())).await, &old_arn);
    assert_eq!(world.emulator.write_calls(), ["DeleteUser"]);
    assert!(world.emulator.find_by_username(&world.instance(), "john.doe").is_none());
    assert!(world.emulator.describe(&new_arn).is_some());
    assert_eq!(world.emulator.user_count(), 1);
}

#[tokio::test]
async fn a_failed_update_is_undone_by_its_rollback() {
    // Given a user, and an Update of identity info and routing profile whose second step fails
    let world = World::start().await;
    let arn = world.create_john().await;
    let mut new = world.john();
    new["IdentityInfo"]["LastName"] = json!("Roe");
    new["RoutingProfileArn"] = json!(format!("{}/routing-profile/{}", world.instance(), Seed::ROUTING_PROFILE_1_SALES));
    world.emulator.fail_next("UpdateUserRoutingProfile", 1, Fault::Error(ErrorCode::InvalidParameter));

    // When
    let failed = update(&world, &arn, world.john(), new.clone()).await;

    // Then FAILED keeps the id and names the operation and the error
    assert_eq!((failed.status(), failed.physical_id()), ("FAILED", Some(arn.as_str())));
    assert!(
        failed.reason().unwrap().starts_with("UpdateUserRoutingProfile: InvalidParameterException"),
        "{:?}",
        failed.reason()
    );
    assert_eq!(world.emulator.write_calls(), ["UpdateUserIdentityInfo"]);
    assert_eq!(world.user(&arn)["IdentityInfo"]["LastName"], "Roe", "the step before the failure was applied");

    // When CloudFormation rolls back (old and new swapped)
    let rollback = update(&world, &arn, new, world.john()).await;

    // Then the old state is back, with only the call that undoes the applied step
    assert_success(&rollback, &arn);
    assert_eq!(world.emulator.write_calls(), ["UpdateUserIdentityInfo"]);
    assert_eq!(world.user(&arn)["IdentityInfo"]["LastName"], "Doe");
    assert_eq!(world.user(&arn)["RoutingProfileId"], Seed::ROUTING_PROFILE_1);
}

#[tokio::test]
async fn a_password_change_is_not_applied() {
    // Given a user
    let world = World::start().await;
    let arn = world.create_john().await;
    let mut new = world.john();
    new["Password"] = json!("Changed-Secret-99");

    // When the template changes the password
    let response = update(&world, &arn, world.john(), new).await;

    // Then
    assert_success(&response, &arn);
    assert_eq!(world.emulator.password_of(&arn).as_deref(), Some(PASSWORD));
    assert!(world.emulator.write_calls().is_empty(), "{:?}", world.emulator.write_calls());
}

#[tokio::test]
async fn a_directory_user_id_change_is_refused_and_its_rollback_succeeds() {
    // Given a user with a directory user id
    let world = World::start().await;
    let mut old = world.john();
    old["DirectoryUserId"] = json!("dir-1");
    let arn = world.create_john_with(old.clone()).await;
    let mut new = old.clone();
    new["DirectoryUserId"] = json!("dir-2");

    // When the template changes it
    let refused = update(&world, &arn, old.clone(), new.clone()).await;

    // Then
    assert_eq!((refused.status(), refused.physical_id()), ("FAILED", Some(arn.as_str())));
    assert!(refused.reason().unwrap().contains("Username"), "{:?}", refused.reason());
    assert!(world.emulator.write_calls().is_empty());
    assert_eq!(world.user(&arn)["DirectoryUserId"], "dir-1");

    // And the rollback succeeds without a write
    let rollback = update(&world, &arn, new, old).await;
    assert_success(&rollback, &arn);
    assert!(world.emulator.write_calls().is_empty());
}

#[tokio::test]
async fn deleting_a_user_that_is_gone_succeeds() {
    // Given a user deleted by hand
    let world = World::start().await;
    let arn = world.create_john().await;
    connect(&world).delete_user(&user_arn(&arn)).await.unwrap();

    // When
    let response = world.send(world.delete_event(&arn, world.john())).await;

    // Then
    assert_success(&response, &arn);
    assert_eq!(world.emulator.user_count(), 0);
}

#[tokio::test]
async fn deleting_a_failed_creates_marker_makes_no_call() {
    // Given a Create that failed validation
    let world = World::start().await;
    let mut invalid = world.john();
    invalid["Username"] = json!("no spaces");
    let failed = world.send(world.create_event(invalid)).await;
    assert_eq!(failed.status(), "FAILED");
    let marker = failed.physical_id().unwrap().to_owned();
    assert!(marker.starts_with("AgentJohnDoe-create-failed-"), "{marker}");

    // When its rollback deletes the marker
    world.emulator.clear_calls();
    let deleted = world.send(world.delete_event(&marker, world.john())).await;

    // Then
    assert_success(&deleted, &marker);
    assert!(world.emulator.calls().is_empty());
}

#[tokio::test]
async fn a_repeated_create_takes_back_its_own_user() {
    // Given a Create that succeeded
    let world = World::start().await;
    let event = world.create_event(world.john());
    let first = world.send(event.clone()).await;
    let arn = first.physical_id().unwrap().to_owned();

    // When the same event is replayed
    world.emulator.clear_calls();
    let again = world.send(event).await;

    // Then
    assert_success(&again, &arn);
    assert_data(&again, &arn, &world.instance(), "john.doe");
    assert!(world.emulator.write_calls().is_empty(), "{:?}", world.emulator.write_calls());
    assert_eq!(world.emulator.user_count(), 1);
}

/// A user with the seed's username that this resource did not create, made directly in Connect.
async fn stranger(world: &World) -> UserArn {
    let spec = props::parse(&world.john()).unwrap();
    let mut new_user = plan::new_user(&spec, &OwnerTag::new("someone-else", "Other"));
    new_user.tags.remove(OWNER_TAG_KEY);
    new_user.identity_info = Some(IdentityInfo { first_name: Some("Stranger".into()), ..Default::default() });
    connect(world).create_user(&new_user).await.unwrap()
}

#[tokio::test]
async fn a_create_never_takes_a_strangers_user() {
    // Given a user of the same name without an owner tag
    let world = World::start().await;
    let theirs = stranger(&world).await;

    // When
    world.emulator.clear_calls();
    let response = world.send(world.create_event(world.john())).await;

    // Then
    assert_eq!(response.status(), "FAILED");
    assert!(response.reason().unwrap().contains("was not created by this resource"), "{:?}", response.reason());
    assert_ne!(response.physical_id(), Some(theirs.as_str()), "a rollback would delete the stranger's user");
    assert!(response.physical_id().unwrap().starts_with("AgentJohnDoe-create-failed-"));
    assert!(world.emulator.write_calls().is_empty(), "{:?}", world.emulator.write_calls());
    let user = world.user(theirs.as_str());
    assert_eq!(user["IdentityInfo"]["FirstName"], "Stranger");
    assert!(owner_of(&user).is_none());
    assert_eq!(world.emulator.user_count(), 1);
}

#[tokio::test]
async fn a_create_never_takes_a_user_of_another_logical_resource() {
    // Given a user of the same name created by another logical resource of the stack
    let world = World::start().await;
    let mut other = world.create_event(world.john());
    other["LogicalResourceId"] = json!("AgentJohnDoeCopy");
    let theirs = world.send(other).await;
    let theirs = theirs.physical_id().unwrap().to_owned();

    // When
    world.emulator.clear_calls();
    let response = world.send(world.create_event(world.john())).await;

    // Then
    assert_eq!(response.status(), "FAILED");
    assert!(response.reason().unwrap().contains("was not created by this resource"), "{:?}", response.reason());
    assert_ne!(response.physical_id(), Some(theirs.as_str()));
    assert!(world.emulator.write_calls().is_empty(), "{:?}", world.emulator.write_calls());
    assert!(owner_of(&world.user(&theirs)).unwrap().ends_with("/AgentJohnDoeCopy"));
}

#[tokio::test]
async fn throttled_calls_are_retried_until_they_succeed() {
    // Given CreateUser throttled three times
    let world = World::start().await;
    world.emulator.fail_next("CreateUser", 3, Fault::Error(ErrorCode::Throttling));

    // When
    let response = world.send(world.create_event(world.john())).await;

    // Then
    assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
    let statuses: Vec<u16> =
        world.emulator.calls().iter().filter(|c| c.operation == "CreateUser").map(|c| c.status).collect();
    assert_eq!(statuses, [429, 429, 429, 200]);
    assert_eq!(world.emulator.write_calls(), ["CreateUser"]);
    assert_eq!(world.emulator.user_count(), 1);
    assert_eq!(world.user(response.physical_id().unwrap())["Username"], "john.doe");
}

#[tokio::test]
async fn adopt_existing_takes_over_and_reconciles_a_strangers_user() {
    // Given a user of the same name without an owner tag
    let world = World::start().await;
    let theirs = stranger(&world).await;
    let mut props = world.john();
    props["AdoptExisting"] = json!("true");

    // When the template asks to adopt it
    world.emulator.clear_calls();
    let response = world.send(world.create_event(props)).await;

    // Then it is ours, reconciled to the template
    assert_success(&response, theirs.as_str());
    assert_data(&response, theirs.as_str(), &world.instance(), "john.doe");
    assert_eq!(world.emulator.write_calls(), ["UpdateUserIdentityInfo", "TagResource"]);
    let user = world.user(theirs.as_str());
    assert_eq!(user["IdentityInfo"]["FirstName"], "John");
    assert_eq!(user["IdentityInfo"]["LastName"], "Doe");
    assert_eq!(tags(&user), BTreeMap::from([("team".into(), "support".into())]));
    assert_eq!(owner_of(&user), Some(OwnerTag::new(STACK_ID, "AgentJohnDoe").adopted()), "the take-over form");
    assert_eq!(world.emulator.user_count(), 1);
}

#[tokio::test]
async fn invalid_properties_list_every_problem_and_call_nothing() {
    // Given four problems
    let world = World::start().await;
    let mut props = world.john();
    props["Username"] = json!("bad name");
    props["PhoneConfig"]["PhoneType"] = json!("SOFTPHONE");
    props["Password"] = json!("xyzzy-pw");
    props["Tags"] = json!([{"Key": "aws:reserved", "Value": "x"}]);

    // When
    let response = world.send(world.create_event(props)).await;

    // Then
    assert_eq!(response.status(), "FAILED");
    let reason = response.reason().unwrap();
    for path in ["Username:", "PhoneConfig.PhoneType:", "Password:", "Tags[0].Key:"] {
        assert!(reason.contains(path), "{path} missing from {reason}");
    }
    assert!(!reason.contains("xyzzy"), "the password is never echoed");
    assert!(response.physical_id().unwrap().starts_with("AgentJohnDoe-create-failed-"));
    // Nothing but the instance's identity-management type, which validation needs (docs/real-connect.md §4).
    let calls: Vec<String> = world.emulator.calls().into_iter().map(|c| c.operation).collect();
    assert_eq!(calls, ["DescribeInstance"]);
}

#[tokio::test]
async fn a_failure_after_create_answers_with_the_new_user_so_the_rollback_deletes_it() {
    // Given AssociateUserProficiencies failing
    let world = World::start().await;
    world.emulator.fail_next("AssociateUserProficiencies", 1, Fault::Error(ErrorCode::InvalidParameter));

    // When
    let response = world.send(world.create_event(everything(&world))).await;

    // Then FAILED names the new user
    assert_eq!(response.status(), "FAILED");
    assert!(
        response.reason().unwrap().starts_with("AssociateUserProficiencies: InvalidParameterException"),
        "{:?}",
        response.reason()
    );
    let arn = response.physical_id().unwrap().to_owned();
    let created = world.emulator.find_by_username(&world.instance(), "john.doe").unwrap();
    assert_eq!(created["Arn"], arn.as_str());

    // And the rollback's Delete of that id removes it
    world.emulator.clear_calls();
    assert_success(&world.send(world.delete_event(&arn, everything(&world))).await, &arn);
    assert_eq!(world.emulator.write_calls(), ["DeleteUser"]);
    assert_eq!(world.emulator.user_count(), 0);
}

#[tokio::test]
async fn create_and_update_answer_the_same_data_keys() {
    let world = World::start().await;
    let created = world.send(world.create_event(world.john())).await;
    let arn = created.physical_id().unwrap().to_owned();
    let updated = world.send(world.update_event(&arn, world.john(), world.john())).await;
    let keys = |r: &Recorded| r.data().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        keys(&created),
        [
            "HierarchyGroupArn",
            "InstanceArn",
            "RoutingProfileArn",
            "SecurityProfileArns",
            "UserArn",
            "UserId",
            "Username"
        ]
    );
    assert_eq!(keys(&created), keys(&updated));
    let john = world.john();
    assert_eq!(created.data_value("RoutingProfileArn"), john["RoutingProfileArn"].as_str());
    let profiles: Vec<&str> =
        john["SecurityProfileArns"].as_array().unwrap().iter().filter_map(|a| a.as_str()).collect();
    assert_eq!(created.data_value("SecurityProfileArns"), Some(profiles.join(",").as_str()));
    assert_eq!(created.data_value("HierarchyGroupArn"), john["HierarchyGroupArn"].as_str().or(Some("")));
    assert_eq!(created.data(), updated.data());
    assert_data(&created, &arn, &world.instance(), "john.doe");
}
