//! No user left behind: however a request that made a user fails — a handled error, a panic, the deadline, after
//! `CreateUser`'s own answer was lost — the user is named for CloudFormation's rollback (ordinary mode) or deleted
//! before the invocation fails (provider mode); and a user that existed before the stack, taken over with
//! `AdoptExisting`, is never named, never deleted, and left without the owner tag the failed take-over added
//! (docs/protocol.md §7, docs/real-connect.md §2, docs/connect-user.md §3.6).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, SystemTime};

use cfn_connect_user::adapters::{HttpSender, http_client};
use cfn_connect_user::app::{Handler, HandlerError, Invocation, Mode};
use cfn_connect_user::core::backoff::Backoff;
use cfn_connect_user::core::model::OWNER_TAG_KEY;
use cfn_connect_user::core::response_url::UrlPolicy;
use connect_emulator::connect::{ErrorCode, Fault};
use connect_emulator::receiver::{Recorded, Reply};
use serde_json::{Value, json};

use crate::support::{PanicsOn, World, console_user, operator, request_id};

/// Long enough for the work before the stall on a loaded machine, and for the clean-up in the time kept for the
/// PUT (a quarter of it, up to 3 s); the stall itself outlasts it.
const SHORT_DEADLINE: Duration = Duration::from_secs(10);

/// The seed user with a proficiency, so that `AssociateUserProficiencies` follows `CreateUser`.
fn with_proficiency(mut props: Value) -> Value {
    props["UserProficiencies"] = json!([{"AttributeName": "Language", "AttributeValue": "English", "Level": "3"}]);
    props
}

/// The users named `john.doe`, as Connect holds them.
fn johns(world: &World) -> Option<Value> {
    world.emulator.find_by_username(&world.instance(), "john.doe")
}

/// The template that takes the console user over, differing from it so that the take-over writes, and whose owner
/// tag lands and is then answered with a failure (a write that commits and then fails for good).
fn take_over(world: &World) -> Value {
    world.emulator.fail_next("TagResource", 1, Fault::CommitThenError(ErrorCode::InvalidRequest));
    let mut props = world.john();
    props["AdoptExisting"] = json!("true");
    props["IdentityInfo"]["LastName"] = json!("Roe");
    props
}

/// Invokes, and returns the one PUT the receiver refused; the invocation succeeds, since no retry can help.
async fn refused(world: &World, event: Value) -> Recorded {
    let (id, mark) = (request_id(&event).to_owned(), world.receiver.mark());
    let result = world.invoke(event).await;
    assert!(result.is_ok(), "{result:?}");
    let mut attempts = world.receiver.attempts_since(mark, &id, 1);
    let response = attempts.remove(0);
    assert!(!response.is_delivered());
    response
}

fn provider_failure(result: Result<Value, HandlerError>) -> String {
    match result {
        Err(HandlerError::Failed(reason)) => reason,
        other => panic!("expected a failed invocation, got {other:?}"),
    }
}

#[tokio::test]
async fn a_create_whose_answer_was_lost_and_that_then_ran_out_of_time_names_its_user_for_the_rollback() {
    // Given a CreateUser that commits and loses its answer, and a proficiency call that never answers
    let world = World::start().await;
    world.emulator.fail_next("CreateUser", 1, Fault::CommitThenDrop);
    world.emulator.fail_next("AssociateUserProficiencies", 1, Fault::Hang);

    // When the request runs out of time after finding its own user again
    let event = world.create_event(with_proficiency(world.john()));
    let response = world.send_before(event, SystemTime::now() + SHORT_DEADLINE).await;

    // Then FAILED names that user
    assert_eq!(response.status(), "FAILED");
    let reason = response.reason().unwrap();
    assert!(reason.starts_with("timed out after") && reason.contains("calling AssociateUserProficiencies"), "{reason}");
    let user = johns(&world).expect("the user the lost answer made");
    let arn = user["Arn"].as_str().unwrap();
    assert_eq!(response.physical_id(), Some(arn));

    // And the rollback's Delete of that id removes it
    let rollback = world.send(world.delete_event(arn, with_proficiency(world.john()))).await;
    assert_eq!(rollback.status(), "SUCCESS", "{:?}", rollback.reason());
    assert_eq!(world.emulator.user_count(), 0);
}

#[tokio::test]
async fn a_create_cut_off_by_the_deadline_after_connect_made_the_user_names_it_for_the_rollback() {
    // Given a CreateUser that takes effect and never answers
    let world = World::start().await;
    world.emulator.fail_next("CreateUser", 1, Fault::CommitThenHang);

    // When the request runs out of time waiting for it
    let response = world.send_before(world.create_event(world.john()), SystemTime::now() + SHORT_DEADLINE).await;

    // Then FAILED names the user found by its name and owner tag
    assert_eq!(response.status(), "FAILED");
    let reason = response.reason().unwrap();
    assert!(reason.starts_with("timed out after") && reason.contains("calling CreateUser"), "{reason}");
    let arn = johns(&world).expect("the user CreateUser made")["Arn"].as_str().unwrap().to_owned();
    assert_eq!(response.physical_id(), Some(arn.as_str()));

    // And the rollback's Delete of that id removes it
    let rollback = world.send(world.delete_event(&arn, world.john())).await;
    assert_eq!(rollback.status(), "SUCCESS", "{:?}", rollback.reason());
    assert_eq!(world.emulator.user_count(), 0);
}

#[tokio::test]
async fn in_provider_mode_a_create_cut_off_by_the_deadline_after_connect_made_the_user_deletes_it() {
    // Given a CreateUser that takes effect and never answers
    let world = World::with_mode(Mode::Return).await;
    world.emulator.fail_next("CreateUser", 1, Fault::CommitThenHang);

    // When
    let result = world.invoke_within(world.create_event(world.john()), SHORT_DEADLINE).await;

    // Then
    let reason = provider_failure(result);
    assert!(reason.starts_with("timed out after") && reason.contains("calling CreateUser"), "{reason}");
    assert!(reason.ends_with("; the user it created was deleted again"), "{reason}");
    assert_eq!(world.emulator.user_count(), 0);
}

#[tokio::test]
async fn in_provider_mode_a_create_that_runs_out_of_time_deletes_its_user() {
    // Given a proficiency call after CreateUser that never answers
    let world = World::with_mode(Mode::Return).await;
    world.emulator.fail_next("AssociateUserProficiencies", 1, Fault::Hang);

    // When
    let result = world.invoke_within(world.create_event(with_proficiency(world.john())), SHORT_DEADLINE).await;

    // Then the invocation fails, saying the user is gone again, and it is
    let reason = provider_failure(result);
    assert!(reason.starts_with("timed out after") && reason.contains("calling AssociateUserProficiencies"), "{reason}");
    assert!(reason.ends_with("; the user it created was deleted again"), "{reason}");
    assert_eq!(world.emulator.user_count(), 0);
    assert!(world.receiver.responses().is_empty(), "nothing is PUT in provider mode");
}

#[tokio::test]
async fn in_provider_mode_a_create_that_panics_deletes_its_user() {
    // Given a Connect client that panics in the call after CreateUser
    let world = World::start().await;
    let connect = PanicsOn::new(operator(&world), "AssociateUserProficiencies");
    let handler = Handler::new(connect, HttpSender::new(http_client().unwrap(), Backoff::default()), Mode::Return)
        .with_url_policy(UrlPolicy { allow_loopback: true });

    // When
    let started = SystemTime::now();
    let event = world.create_event(with_proficiency(world.john()));
    let result = handler.handle(event, Invocation::new(started, started + Duration::from_secs(60))).await;

    // Then
    let reason = provider_failure(result);
    assert!(reason.contains("panicked") && reason.contains("calling AssociateUserProficiencies"), "{reason}");
    assert!(reason.ends_with("; the user it created was deleted again"), "{reason}");
    assert_eq!(world.emulator.user_count(), 0);
    assert!(world.receiver.responses().is_empty(), "nothing is PUT in provider mode");
}

#[tokio::test]
async fn in_provider_mode_a_create_that_found_its_own_user_after_a_lost_answer_and_then_failed_deletes_it() {
    // Given a CreateUser that commits and loses its answer, then a proficiency call Connect refuses
    let world = World::with_mode(Mode::Return).await;
    world.emulator.fail_next("CreateUser", 1, Fault::CommitThenDrop);
    world.emulator.fail_next("AssociateUserProficiencies", 1, Fault::Error(ErrorCode::InvalidParameter));

    // When
    let result = world.invoke(world.create_event(with_proficiency(world.john()))).await;

    // Then
    let reason = provider_failure(result);
    assert!(reason.starts_with("AssociateUserProficiencies: InvalidParameterException"), "{reason}");
    assert!(reason.ends_with("; the user it created was deleted again"), "{reason}");
    let creates = world.emulator.calls().into_iter().filter(|c| c.operation == "CreateUser").count();
    assert_eq!(creates, 2, "the repeat of the CreateUser whose answer was lost found the name taken");
    assert_eq!(world.emulator.user_count(), 0);
}

#[tokio::test]
async fn a_failed_take_over_never_names_the_existing_user_and_gives_it_back_untagged() {
    // Given a user made outside the stack, and a take-over whose owner tag lands and is answered with an error
    let world = World::start().await;
    let existing = console_user(&world).await;
    let props = take_over(&world);

    // When
    let response = world.send(world.create_event(props.clone())).await;

    // Then FAILED with the marker id, saying the user was left as found
    assert_eq!(response.status(), "FAILED");
    let marker = response.physical_id().unwrap().to_owned();
    assert!(marker.starts_with("AgentJohnDoe-create-failed-"), "{marker}");
    let reason = response.reason().unwrap();
    assert!(reason.starts_with("TagResource: InvalidRequestException"), "{reason}");
    assert!(reason.contains(&format!("without the {OWNER_TAG_KEY} tag this request had added")), "{reason}");
    assert!(world.user(&existing)["Tags"].get(OWNER_TAG_KEY).is_none(), "the owner tag is taken off again");

    // And CloudFormation's rollback Delete of that id leaves the user in place
    let rollback = world.send(world.delete_event(&marker, props)).await;
    assert_eq!(rollback.status(), "SUCCESS", "{:?}", rollback.reason());
    assert!(world.emulator.describe(&existing).is_some(), "the user made outside the stack survives");
}

#[tokio::test]
async fn in_provider_mode_a_failed_take_over_never_deletes_the_existing_user() {
    // Given a user made outside the stack, and a take-over whose owner tag lands and is answered with an error
    let world = World::with_mode(Mode::Return).await;
    let existing = console_user(&world).await;
    let props = take_over(&world);

    // When
    let result = world.invoke(world.create_event(props)).await;

    // Then the invocation fails, and the user is still there, without the owner tag
    let reason = provider_failure(result);
    assert!(reason.starts_with("TagResource: InvalidRequestException"), "{reason}");
    assert!(reason.contains(&format!("without the {OWNER_TAG_KEY} tag this request had added")), "{reason}");
    assert!(world.emulator.describe(&existing).is_some(), "the user made outside the stack survives");
    assert!(world.user(&existing)["Tags"].get(OWNER_TAG_KEY).is_none(), "the owner tag is taken off again");
    assert!(!world.emulator.calls().iter().any(|c| c.operation == "DeleteUser"));
}

#[tokio::test]
async fn a_request_without_a_response_url_is_in_provider_mode_for_its_clean_up_too() {
    // Given an ordinary-mode function, and a request with no ResponseURL whose Create fails after CreateUser
    let world = World::start().await;
    world.emulator.fail_next("AssociateUserProficiencies", 1, Fault::Error(ErrorCode::InvalidParameter));
    let mut event = world.create_event(with_proficiency(world.john()));
    event.as_object_mut().unwrap().remove("ResponseURL");

    // When
    let result = world.invoke(event).await;

    // Then it is answered as provider mode answers, cleaning up as provider mode does
    let reason = provider_failure(result);
    assert!(reason.ends_with("; the user it created was deleted again"), "{reason}");
    assert_eq!(world.emulator.user_count(), 0);
}

#[tokio::test]
async fn a_create_whose_response_is_refused_for_good_deletes_the_user_nobody_will_learn_of() {
    // Given a response URL that answers 403 (expired: CloudFormation has stopped waiting for this resource)
    let world = World::start().await;
    world.receiver.reply_with(vec![Reply::Status(403)]);

    // When a Create succeeds in Connect
    let response = refused(&world, world.create_event(world.john())).await;

    // Then the refused SUCCESS named a user that no stack will ever delete, so it is deleted again
    assert_eq!(response.status(), "SUCCESS");
    assert_eq!(world.emulator.user_count(), 0);
    assert_eq!(world.emulator.write_calls(), ["CreateUser", "DeleteUser"]);
}

#[tokio::test]
async fn a_take_over_whose_response_is_refused_for_good_gives_the_user_back() {
    // Given a user made outside the stack, and a response URL that answers 403
    let world = World::start().await;
    let existing = console_user(&world).await;
    world.receiver.reply_with(vec![Reply::Status(403)]);
    let mut props = world.john();
    props["AdoptExisting"] = json!("true");

    // When the take-over succeeds in Connect
    let response = refused(&world, world.create_event(props)).await;

    // Then the user is left as it was found, not deleted
    assert_eq!(response.status(), "SUCCESS");
    assert!(world.emulator.describe(&existing).is_some());
    assert!(world.user(&existing)["Tags"].get(OWNER_TAG_KEY).is_none(), "the owner tag is taken off again");
}
