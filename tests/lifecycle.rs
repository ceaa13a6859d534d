//! The Connect user lifecycle (connect-user.md §3–§5) through the handler, against the emulator:
//! creation of every property, drift, replacement, rollback, ownership and adoption, deletion.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use cfn_connect_user::core::arn::UserArn;
use cfn_connect_user::core::model::{IdentityInfo, OWNER_TAG_KEY};
use cfn_connect_user::core::plan::{self, Call};
use cfn_connect_user::core::props;
use cfn_connect_user::edge::connect::{Connect, SdkConnect};
use connect_emulator::connect::{ErrorCode, Fault, Seed};
use serde_json::{Value, json};

use crate::support::{PASSWORD, World};

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

fn connect(world: &World) -> SdkConnect {
    SdkConnect::for_endpoint(&world.emulator.endpoint_url(), "us-east-1")
}

#[tokio::test]
async fn create_with_every_property_and_phone_config() {
    let world = World::start().await;
    let arn = world.create_john_with(everything(&world)).await;
    let user = world.user(&arn);
    assert_eq!(user["Username"], "john.doe");
    assert_eq!(user["DirectoryUserId"], "dir-john");
    assert_eq!(user["HierarchyGroupId"], Seed::HIERARCHY_GROUP_1);
    assert_eq!(user["IdentityInfo"]["Mobile"], "+14155550123");
    assert_eq!(user["IdentityInfo"]["SecondaryEmail"], "jd@example.org");
    assert_eq!(user["PhoneConfig"]["AutoAccept"], true);
    assert_eq!(user["PhoneConfig"]["AfterContactWorkTimeLimit"], 120);
    assert_eq!(user["SecurityProfileIds"].as_array().unwrap().len(), 2);
    assert_eq!(user["Tags"]["team"], "support");
    assert!(user["Tags"][OWNER_TAG_KEY].as_str().unwrap().ends_with("/AgentJohnDoe"));
    assert_eq!(user["UserProficiencyList"].as_array().unwrap().len(), 2);
    assert_eq!(world.emulator.password_of(&arn).as_deref(), Some(PASSWORD));
    assert_eq!(world.emulator.write_calls(), ["CreateUser", "AssociateUserProficiencies"]);
}

#[tokio::test]
async fn create_with_the_per_channel_lists() {
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
    let arn = world.create_john_with(props.clone()).await;
    let user = world.user(&arn);
    assert_eq!(user["PhoneConfig"]["PhoneType"], "DESK_PHONE");
    assert_eq!(user["PhoneConfig"]["PersistentConnection"], true);
    assert!(
        user["AutoAcceptConfigs"].as_array().unwrap().iter().any(|c| c["Channel"] == "CHAT" && c["AutoAccept"] == true)
    );
    assert!(user["VoiceEnhancementConfigs"][0]["VoiceEnhancementMode"] == "VOICE_ISOLATION");
    // And the template now matches: a no-change Update makes no write.
    world.emulator.clear_calls();
    assert_eq!(world.send(world.update_event(&arn, props.clone(), props)).await.status(), "SUCCESS");
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
async fn drift_is_repaired_by_an_update_that_changes_nothing() {
    let world = World::start().await;
    let arn = world.create_john().await;
    let user = UserArn::parse(&arn).unwrap();
    let outside = connect(&world);
    let sales = props::parse(&world.john())
        .unwrap()
        .instance
        .child(cfn_connect_user::core::arn::ResourceKind::RoutingProfile, Seed::ROUTING_PROFILE_1_SALES);
    outside.apply(&user, &Call::UpdateRoutingProfile(sales)).await.unwrap();
    outside
        .apply(
            &user,
            &Call::UpdateIdentityInfo(IdentityInfo { first_name: Some("Johnny".into()), ..Default::default() }),
        )
        .await
        .unwrap();
    outside.apply(&user, &Call::Tag([("set-by-hand".to_owned(), "yes".to_owned())].into())).await.unwrap();

    world.emulator.clear_calls();
    let response = world.send(world.update_event(&arn, world.john(), world.john())).await;
    assert_eq!(response.status(), "SUCCESS");
    let repaired = world.user(&arn);
    assert_eq!(repaired["RoutingProfileId"], Seed::ROUTING_PROFILE_1);
    assert_eq!(repaired["IdentityInfo"]["FirstName"], "John");
    assert_eq!(repaired["Tags"]["set-by-hand"], "yes", "tags the template never set survive");
    assert_eq!(world.emulator.write_calls(), ["UpdateUserIdentityInfo", "UpdateUserRoutingProfile"]);
}

#[tokio::test]
async fn a_new_username_replaces_the_user_and_the_old_one_is_deleted_after() {
    let world = World::start().await;
    let old_arn = world.create_john().await;
    let mut new = world.john();
    new["Username"] = json!("john.doe2");
    let response = world.send(world.update_event(&old_arn, world.john(), new.clone())).await;
    assert_eq!(response.status(), "SUCCESS");
    let new_arn = response.physical_id().unwrap().to_owned();
    assert_ne!(new_arn, old_arn);
    assert_eq!(world.user(&new_arn)["Username"], "john.doe2");
    // CloudFormation's cleanup deletes the old physical id.
    assert_eq!(world.send(world.delete_event(&old_arn, world.john())).await.status(), "SUCCESS");
    assert!(world.emulator.describe(&old_arn).is_none());
    assert!(world.emulator.describe(&new_arn).is_some());
}

#[tokio::test]
async fn a_new_instance_replaces_the_user() {
    let world = World::start().await;
    let old_arn = world.create_john().await;
    let other = world.emulator.seed().instance_arn(Seed::INSTANCE_2);
    let mut new = world.john();
    new["InstanceArn"] = json!(other);
    new["RoutingProfileArn"] = json!(format!("{other}/routing-profile/{}", Seed::INSTANCE_2_ROUTING_PROFILE));
    new["SecurityProfileArns"] = json!([format!("{other}/security-profile/{}", Seed::INSTANCE_2_SECURITY_PROFILE)]);
    let response = world.send(world.update_event(&old_arn, world.john(), new)).await;
    assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
    let new_arn = response.physical_id().unwrap();
    assert!(new_arn.starts_with(&other), "{new_arn}");
    assert_eq!(world.send(world.delete_event(&old_arn, world.john())).await.status(), "SUCCESS");
    assert_eq!(world.emulator.user_count(), 1);
}

#[tokio::test]
async fn a_failed_update_is_undone_by_its_rollback() {
    let world = World::start().await;
    let arn = world.create_john().await;
    let mut new = world.john();
    new["IdentityInfo"]["LastName"] = json!("Roe");
    new["RoutingProfileArn"] = json!(format!("{}/routing-profile/{}", world.instance(), Seed::ROUTING_PROFILE_1_SALES));
    world.emulator.fail_next("UpdateUserRoutingProfile", 1, Fault::Error(ErrorCode::InvalidParameter));
    let failed = world.send(world.update_event(&arn, world.john(), new.clone())).await;
    assert_eq!((failed.status(), failed.physical_id()), ("FAILED", Some(arn.as_str())));
    assert!(
        failed.reason().unwrap().starts_with("UpdateUserRoutingProfile: InvalidParameterException"),
        "{:?}",
        failed.reason()
    );
    assert_eq!(world.user(&arn)["IdentityInfo"]["LastName"], "Roe", "the step before the failure was applied");

    let rollback = world.send(world.update_event(&arn, new, world.john())).await;
    assert_eq!(rollback.status(), "SUCCESS");
    assert_eq!(world.user(&arn)["IdentityInfo"]["LastName"], "Doe");
    assert_eq!(world.user(&arn)["RoutingProfileId"], Seed::ROUTING_PROFILE_1);
}

#[tokio::test]
async fn a_password_change_is_not_applied() {
    let world = World::start().await;
    let arn = world.create_john().await;
    let mut new = world.john();
    new["Password"] = json!("Changed-Secret-99");
    world.emulator.clear_calls();
    assert_eq!(world.send(world.update_event(&arn, world.john(), new)).await.status(), "SUCCESS");
    assert_eq!(world.emulator.password_of(&arn).as_deref(), Some(PASSWORD));
    assert!(world.emulator.write_calls().is_empty());
}

#[tokio::test]
async fn a_directory_user_id_change_is_refused_and_its_rollback_succeeds() {
    let world = World::start().await;
    let mut old = world.john();
    old["DirectoryUserId"] = json!("dir-1");
    let arn = world.create_john_with(old.clone()).await;
    let mut new = old.clone();
    new["DirectoryUserId"] = json!("dir-2");
    let refused = world.send(world.update_event(&arn, old.clone(), new.clone())).await;
    assert_eq!((refused.status(), refused.physical_id()), ("FAILED", Some(arn.as_str())));
    assert!(refused.reason().unwrap().contains("Username"), "{:?}", refused.reason());
    assert_eq!(world.send(world.update_event(&arn, new, old)).await.status(), "SUCCESS");
}

#[tokio::test]
async fn deleting_a_user_that_is_gone_succeeds() {
    let world = World::start().await;
    let arn = world.create_john().await;
    connect(&world).delete_user(&UserArn::parse(&arn).unwrap()).await.unwrap();
    assert_eq!(world.send(world.delete_event(&arn, world.john())).await.status(), "SUCCESS");
}

#[tokio::test]
async fn deleting_a_failed_creates_marker_makes_no_call() {
    let world = World::start().await;
    let mut invalid = world.john();
    invalid["Username"] = json!("no spaces");
    let failed = world.send(world.create_event(invalid)).await;
    let marker = failed.physical_id().unwrap().to_owned();
    assert!(marker.starts_with("AgentJohnDoe-create-failed-"));
    world.emulator.clear_calls();
    let deleted = world.send(world.delete_event(&marker, world.john())).await;
    assert_eq!((deleted.status(), deleted.physical_id()), ("SUCCESS", Some(marker.as_str())));
    assert!(world.emulator.calls().is_empty());
}

#[tokio::test]
async fn a_repeated_create_takes_back_its_own_user() {
    let world = World::start().await;
    let event = world.create_event(world.john());
    let first = world.send(event.clone()).await;
    let again = world.send(event).await;
    assert_eq!(again.status(), "SUCCESS");
    assert_eq!(again.physical_id(), first.physical_id());
    assert_eq!(world.emulator.user_count(), 1);
}

/// A user with the seed's username that this resource did not create.
async fn stranger(world: &World) -> UserArn {
    let spec = props::parse(&world.john()).unwrap();
    let mut new_user = plan::new_user(&spec, "someone-else/Other");
    new_user.tags.remove(OWNER_TAG_KEY);
    new_user.identity_info = Some(IdentityInfo { first_name: Some("Stranger".into()), ..Default::default() });
    connect(world).create_user(&new_user).await.unwrap()
}

#[tokio::test]
async fn a_create_never_takes_a_strangers_user() {
    let world = World::start().await;
    let theirs = stranger(&world).await;
    let response = world.send(world.create_event(world.john())).await;
    assert_eq!(response.status(), "FAILED");
    assert!(response.reason().unwrap().contains("was not created by this resource"), "{:?}", response.reason());
    assert_ne!(response.physical_id(), Some(theirs.as_str()), "a rollback would delete the stranger's user");
    let user = world.user(theirs.as_str());
    assert_eq!(user["IdentityInfo"]["FirstName"], "Stranger");
    assert!(user["Tags"].get(OWNER_TAG_KEY).is_none());
}

#[tokio::test]
async fn adopt_existing_takes_over_and_reconciles_a_strangers_user() {
    let world = World::start().await;
    let theirs = stranger(&world).await;
    let mut props = world.john();
    props["AdoptExisting"] = json!("true");
    let response = world.send(world.create_event(props)).await;
    assert_eq!((response.status(), response.physical_id()), ("SUCCESS", Some(theirs.as_str())));
    let user = world.user(theirs.as_str());
    assert_eq!(user["IdentityInfo"]["FirstName"], "John");
    assert!(user["Tags"][OWNER_TAG_KEY].as_str().unwrap().ends_with("/AgentJohnDoe"));
    assert_eq!(world.emulator.user_count(), 1);
}

#[tokio::test]
async fn invalid_properties_list_every_problem_and_call_nothing() {
    let world = World::start().await;
    let mut props = world.john();
    props["Username"] = json!("bad name");
    props["PhoneConfig"]["PhoneType"] = json!("SOFTPHONE");
    props["Password"] = json!("xyzzy-pw");
    props["Tags"] = json!([{"Key": "aws:reserved", "Value": "x"}]);
    let response = world.send(world.create_event(props)).await;
    let reason = response.reason().unwrap();
    for path in ["Username:", "PhoneConfig.PhoneType:", "Password:", "Tags[0].Key:"] {
        assert!(reason.contains(path), "{path} missing from {reason}");
    }
    assert!(!reason.contains("xyzzy"), "the password is never echoed");
    assert!(world.emulator.calls().is_empty());
}

#[tokio::test]
async fn a_failure_after_create_answers_with_the_new_user_so_the_rollback_deletes_it() {
    let world = World::start().await;
    world.emulator.fail_next("AssociateUserProficiencies", 1, Fault::Error(ErrorCode::InvalidParameter));
    let response = world.send(world.create_event(everything(&world))).await;
    assert_eq!(response.status(), "FAILED");
    let arn = response.physical_id().unwrap().to_owned();
    assert!(world.emulator.describe(&arn).is_some());
    assert_eq!(world.send(world.delete_event(&arn, everything(&world))).await.status(), "SUCCESS");
    assert_eq!(world.emulator.user_count(), 0);
}

#[tokio::test]
async fn create_and_update_answer_the_same_data_keys() {
    let world = World::start().await;
    let created = world.send(world.create_event(world.john())).await;
    let arn = created.physical_id().unwrap().to_owned();
    let updated = world.send(world.update_event(&arn, world.john(), world.john())).await;
    let keys = |r: &connect_emulator::receiver::Recorded| r.data().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&created), ["InstanceArn", "UserArn", "UserId", "Username"]);
    assert_eq!(keys(&created), keys(&updated));
    assert_eq!(created.data_value("UserArn"), Some(arn.as_str()));
}
