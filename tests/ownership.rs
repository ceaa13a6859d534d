//! Ownership (docs/connect-user.md §3.5–§3.6, §4.2, §5) and provider-mode clean-up (docs/protocol.md §7),
//! through the handler against the emulator: a user handed over to another resource is neither changed nor
//! deleted nor adopted; reasons never quote personal data; in provider mode a failed request deletes the user
//! it created.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use cfn_connect_user::app::{Connect, HandlerError, Mode};
use cfn_connect_user::core::arn::UserArn;
use cfn_connect_user::core::model::{OWNER_TAG_KEY, Tags};
use cfn_connect_user::core::owner::OwnerTag;
use cfn_connect_user::core::plan::Call;
use connect_emulator::connect::{ErrorCode, Fault};
use serde_json::{Value, json};

use crate::support::{STACK_ID, World, operator};

/// The owner tag value of a resource of another stack.
const OTHER_OWNER: &str = "0b7c1d2e-0000-4000-8000-000000000099/AgentJohnDoe";

fn owner_of(user: &Value) -> Option<&str> {
    user["Tags"].get(OWNER_TAG_KEY).and_then(Value::as_str)
}

/// What `aws connect tag-resource` does when someone gives the user to another resource by hand.
async fn set_owner(world: &World, arn: &str, owner: &str) {
    let tags = Tags::from([(OWNER_TAG_KEY.to_owned(), owner.to_owned())]);
    operator(world).apply(&UserArn::parse(arn).unwrap(), &Call::Tag(tags)).await.unwrap();
}

/// What the hand-over command (`aws connect untag-resource … --tag-keys connect-user-resource:owner`) does.
async fn untag_owner(world: &World, arn: &str) {
    let untag = Call::Untag(vec![OWNER_TAG_KEY.to_owned()]);
    operator(world).apply(&UserArn::parse(arn).unwrap(), &untag).await.unwrap();
}

fn hand_over_command(arn: &str) -> String {
    format!("aws connect untag-resource --resource-arn {arn} --tag-keys connect-user-resource:owner")
}

/// The seed user with a proficiency, so that `AssociateUserProficiencies` follows `CreateUser`.
fn with_proficiency(mut props: Value) -> Value {
    props["UserProficiencies"] = json!([{"AttributeName": "Language", "AttributeValue": "English", "Level": "3"}]);
    props
}

#[tokio::test]
async fn an_update_of_a_user_handed_to_another_resource_is_refused_without_a_write() {
    // Given our user, handed to another stack's resource
    let world = World::start().await;
    let arn = world.create_john().await;
    set_owner(&world, &arn, OTHER_OWNER).await;
    let mut new = world.john();
    new["Tags"] = json!([{"Key": "team", "Value": "sales"}]);
    new["IdentityInfo"]["LastName"] = json!("Roe");

    // When the template changes
    world.emulator.clear_calls();
    let response = world.send(world.update_event(&arn, world.john(), new.clone())).await;

    // Then FAILED, naming the owner, and nothing written
    assert_eq!((response.status(), response.physical_id()), ("FAILED", Some(arn.as_str())));
    let reason = response.reason().unwrap();
    assert!(reason.contains("handed over to another stack or logical resource"), "{reason}");
    assert!(reason.contains(OTHER_OWNER), "{reason}");
    assert!(world.emulator.write_calls().is_empty(), "{:?}", world.emulator.write_calls());
    let user = world.user(&arn);
    assert_eq!(owner_of(&user), Some(OTHER_OWNER));
    assert_eq!(user["Tags"]["team"], "support");
    assert_eq!(user["IdentityInfo"]["LastName"], "Doe");

    // And once the owner tag is removed, the same Update takes the user back
    untag_owner(&world, &arn).await;
    let retried = world.send(world.update_event(&arn, world.john(), new)).await;
    assert_eq!(retried.status(), "SUCCESS", "{:?}", retried.reason());
    let user = world.user(&arn);
    assert_eq!(owner_of(&user), Some(OwnerTag::new(STACK_ID, "AgentJohnDoe").adopted()), "the take-over form");
    assert_eq!(user["Tags"]["team"], "sales");
}

#[tokio::test]
async fn a_delete_leaves_a_user_handed_to_another_resource_in_place() {
    // Given our user, handed to another stack's resource
    let world = World::start().await;
    let arn = world.create_john().await;
    set_owner(&world, &arn, OTHER_OWNER).await;

    // When the resource is deleted
    world.emulator.clear_calls();
    let response = world.send(world.delete_event(&arn, world.john())).await;

    // Then SUCCESS after one read, and the user is still there
    assert_eq!((response.status(), response.physical_id()), ("SUCCESS", Some(arn.as_str())));
    let operations: Vec<String> = world.emulator.calls().into_iter().map(|c| c.operation).collect();
    assert_eq!(operations, ["DescribeUser"]);
    assert_eq!(owner_of(&world.user(&arn)), Some(OTHER_OWNER));
    assert_eq!(world.emulator.user_count(), 1);
}

#[tokio::test]
async fn a_delete_reads_the_owner_then_deletes_its_own_or_an_untagged_user() {
    // Given two of our users, one whose owner tag was removed
    let world = World::start().await;
    let ours = world.create_john().await;
    let mut jane = world.john();
    jane["Username"] = json!("jane.roe");
    let untagged = world.create_john_with(jane.clone()).await;
    untag_owner(&world, &untagged).await;

    for (arn, props) in [(ours, world.john()), (untagged, jane)] {
        // When
        world.emulator.clear_calls();
        let response = world.send(world.delete_event(&arn, props)).await;

        // Then
        assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
        let operations: Vec<String> = world.emulator.calls().into_iter().map(|c| c.operation).collect();
        assert_eq!(operations, ["DescribeUser", "DeleteUser"]);
        assert!(world.emulator.describe(&arn).is_none());
    }
}

#[tokio::test]
async fn adopt_existing_never_takes_a_user_another_resource_owns() {
    // Given a user of the same name that another logical resource created
    let world = World::start().await;
    let mut other = world.create_event(world.john());
    other["LogicalResourceId"] = json!("AgentJohnDoeCopy");
    let theirs = world.send(other).await.physical_id().unwrap().to_owned();
    let their_owner = owner_of(&world.user(&theirs)).unwrap().to_owned();
    let mut props = world.john();
    props["AdoptExisting"] = json!("true");
    props["IdentityInfo"]["LastName"] = json!("Roe");

    // When a template asks to adopt it
    world.emulator.clear_calls();
    let response = world.send(world.create_event(props)).await;

    // Then FAILED with the marker id, naming the owner and the hand-over command, and nothing written
    assert_eq!(response.status(), "FAILED");
    assert!(response.physical_id().unwrap().starts_with("AgentJohnDoe-create-failed-"), "{:?}", response.physical_id());
    let reason = response.reason().unwrap();
    assert!(reason.contains(&format!("{their_owner:?}")), "{reason}");
    assert!(reason.contains(&hand_over_command(&theirs)), "{reason}");
    assert!(world.emulator.write_calls().is_empty(), "{:?}", world.emulator.write_calls());
    let user = world.user(&theirs);
    assert_eq!(owner_of(&user), Some(their_owner.as_str()));
    assert_eq!(user["IdentityInfo"]["LastName"], "Doe");
}

#[tokio::test]
async fn a_user_handed_over_with_the_untag_command_moves_to_the_adopting_resource() {
    // Given a user of resource AgentJohnDoeCopy
    let world = World::start().await;
    let mut old_owner = world.create_event(world.john());
    old_owner["LogicalResourceId"] = json!("AgentJohnDoeCopy");
    let arn = world.send(old_owner.clone()).await.physical_id().unwrap().to_owned();

    // When its owner tag is removed and AgentJohnDoe adopts it
    untag_owner(&world, &arn).await;
    let mut props = world.john();
    props["AdoptExisting"] = json!("true");
    let adopted = world.send(world.create_event(props)).await;

    // Then the user is AgentJohnDoe's
    assert_eq!((adopted.status(), adopted.physical_id()), ("SUCCESS", Some(arn.as_str())), "{:?}", adopted.reason());
    assert_eq!(
        owner_of(&world.user(&arn)),
        Some(OwnerTag::new(STACK_ID, "AgentJohnDoe").adopted()),
        "the take-over form"
    );

    // And removing AgentJohnDoeCopy from its template leaves the user to its new owner
    let mut delete = world.delete_event(&arn, world.john());
    delete["LogicalResourceId"] = json!("AgentJohnDoeCopy");
    let deleted = world.send(delete).await;
    assert_eq!(deleted.status(), "SUCCESS", "{:?}", deleted.reason());
    assert!(world.emulator.describe(&arn).is_some(), "the new owner's user survives the old owner's Delete");
}

#[tokio::test]
async fn a_create_error_echoing_personal_data_is_reported_without_it() {
    // Given CreateUser answering with a message that quotes the template's identity info
    let world = World::start().await;
    world.emulator.fail_next(
        "CreateUser",
        1,
        Fault::ErrorWithMessage(
            ErrorCode::InvalidParameter,
            "Email john.doe@example.com for John Doe is not allowed".to_owned(),
        ),
    );

    // When
    let response = world.send(world.create_event(world.john())).await;

    // Then the reason names the property paths instead
    assert_eq!(response.status(), "FAILED");
    assert_eq!(
        response.reason().unwrap(),
        "CreateUser: InvalidParameterException: Email <IdentityInfo.Email> for <IdentityInfo.FirstName> \
         <IdentityInfo.LastName> is not allowed"
    );
}

#[tokio::test]
async fn an_identity_info_error_echoing_personal_data_is_reported_without_it() {
    // Given a user whose secondary e-mail was set outside the stack, and UpdateUserIdentityInfo quoting it
    let world = World::start().await;
    let arn = world.create_john().await;
    let mut outside = world.john();
    outside["IdentityInfo"]["SecondaryEmail"] = json!("jd.private@example.org");
    assert_eq!(world.send(world.update_event(&arn, world.john(), outside)).await.status(), "SUCCESS");
    world.emulator.fail_next(
        "UpdateUserIdentityInfo",
        1,
        Fault::ErrorWithMessage(
            ErrorCode::InvalidRequest,
            "cannot set LastName Roe: jd.private@example.org is unverified".to_owned(),
        ),
    );
    let mut new = world.john();
    new["IdentityInfo"]["LastName"] = json!("Roe");

    // When
    let response = world.send(world.update_event(&arn, world.john(), new)).await;

    // Then
    assert_eq!(response.status(), "FAILED");
    assert_eq!(
        response.reason().unwrap(),
        "UpdateUserIdentityInfo: InvalidRequestException: cannot set LastName <IdentityInfo.LastName>: \
         <IdentityInfo.SecondaryEmail> is unverified"
    );
}

#[tokio::test]
async fn in_provider_mode_a_failed_create_deletes_the_user_it_created() {
    // Given AssociateUserProficiencies failing after CreateUser
    let world = World::with_mode(Mode::Return).await;
    world.emulator.fail_next("AssociateUserProficiencies", 1, Fault::Error(ErrorCode::InvalidParameter));

    // When
    let result = world.invoke(world.create_event(with_proficiency(world.john()))).await;

    // Then the invocation fails, saying the user is gone again, and it is
    let Err(HandlerError::Failed(reason)) = result else { panic!("expected a failed invocation: {result:?}") };
    assert!(reason.starts_with("AssociateUserProficiencies: InvalidParameterException"), "{reason}");
    assert!(reason.ends_with("; the user it created was deleted again"), "{reason}");
    assert_eq!(world.emulator.write_calls(), ["CreateUser", "DeleteUser"]);
    assert_eq!(world.emulator.user_count(), 0);
    assert!(world.receiver.delivered_now().is_empty(), "nothing is PUT in provider mode");
}

#[tokio::test]
async fn in_provider_mode_a_clean_up_that_fails_says_so() {
    // Given AssociateUserProficiencies failing after CreateUser, and DeleteUser denied
    let world = World::with_mode(Mode::Return).await;
    world.emulator.fail_next("AssociateUserProficiencies", 1, Fault::Error(ErrorCode::InvalidParameter));
    world.emulator.fail_next("DeleteUser", 2, Fault::Error(ErrorCode::AccessDenied));

    // When
    let result = world.invoke(world.create_event(with_proficiency(world.john()))).await;

    // Then the reason names the user left behind and what to do
    let Err(HandlerError::Failed(reason)) = result else { panic!("expected a failed invocation: {result:?}") };
    let user = world.emulator.find_by_username(&world.instance(), "john.doe").unwrap();
    let arn = user["Arn"].as_str().unwrap();
    assert!(reason.starts_with("AssociateUserProficiencies: InvalidParameterException"), "{reason}");
    assert!(
        reason.contains(&format!(
            "; the user it created ({arn}) could not be deleted: DeleteUser: AccessDeniedException"
        )),
        "{reason}"
    );
    assert!(reason.ends_with("; delete it by hand"), "{reason}");
    let attempts = world.emulator.calls().iter().filter(|c| c.operation == "DeleteUser").count();
    assert_eq!(attempts, 2);
}

#[tokio::test]
async fn in_provider_mode_a_failed_replacement_deletes_the_new_user_and_keeps_the_old() {
    // Given a user, and a new Username whose creation fails after CreateUser
    let world = World::with_mode(Mode::Return).await;
    let created = world.invoke(world.create_event(world.john())).await.unwrap();
    let old_arn = created["PhysicalResourceId"].as_str().unwrap().to_owned();
    let mut new = with_proficiency(world.john());
    new["Username"] = json!("jane.roe");
    world.emulator.fail_next("AssociateUserProficiencies", 1, Fault::Error(ErrorCode::InvalidParameter));

    // When
    world.emulator.clear_calls();
    let result = world.invoke(world.update_event(&old_arn, world.john(), new)).await;

    // Then
    let Err(HandlerError::Failed(reason)) = result else { panic!("expected a failed invocation: {result:?}") };
    assert!(reason.ends_with("; the user it created was deleted again"), "{reason}");
    assert_eq!(world.emulator.write_calls(), ["CreateUser", "DeleteUser"]);
    assert!(world.emulator.find_by_username(&world.instance(), "jane.roe").is_none());
    assert!(world.emulator.describe(&old_arn).is_some(), "the old user is never touched");
    assert_eq!(world.emulator.user_count(), 1);
}
