//! The fault matrix: every Connect operation the handler uses failing once (500, throttling, a dropped
//! connection) or hanging past the deadline. Each cell ends with exactly one correct response and no user
//! leaked or lost. The response URL's own faults (S3's answers, a URL hanging or refusing connections) are
//! proved in `put`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, SystemTime};

use connect_emulator::connect::{ErrorCode, Fault, Seed};
use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::support::World;

/// Where an operation is called: the request that exercises it.
#[derive(Clone, Copy, Debug)]
enum Scenario {
    Create,
    Update,
    RepeatedCreate,
    Delete,
}

const OPERATIONS: &[(&str, Scenario)] = &[
    // The first request of an execution environment asks for the instance's identity-management type.
    ("DescribeInstance", Scenario::Create),
    ("CreateUser", Scenario::Create),
    ("AssociateUserProficiencies", Scenario::Create),
    ("DescribeUser", Scenario::Update),
    ("ListUserProficiencies", Scenario::Update),
    ("UpdateUserIdentityInfo", Scenario::Update),
    ("UpdateUserConfig", Scenario::Update),
    ("UpdateUserRoutingProfile", Scenario::Update),
    ("UpdateUserHierarchy", Scenario::Update),
    ("UpdateUserSecurityProfiles", Scenario::Update),
    ("DisassociateUserProficiencies", Scenario::Update),
    ("UpdateUserProficiencies", Scenario::Update),
    ("UntagResource", Scenario::Update),
    ("TagResource", Scenario::Update),
    ("SearchUsers", Scenario::RepeatedCreate),
    ("DeleteUser", Scenario::Delete),
];

/// Template A: the seed user with something in every family, so that B changes every family.
fn template_a(world: &World) -> Value {
    let instance = world.instance();
    let mut props = world.john();
    props["HierarchyGroupArn"] = json!(format!("{instance}/agent-group/{}", Seed::HIERARCHY_GROUP_1));
    props["VoiceEnhancementConfigs"] = json!([{"Channel": "VOICE", "VoiceEnhancementMode": "NONE"}]);
    props["UserProficiencies"] = json!([
        {"AttributeName": "Language", "AttributeValue": "English", "Level": "3"},
        {"AttributeName": "Skill", "AttributeValue": "Billing", "Level": "2"}
    ]);
    props["Tags"] = json!([{"Key": "team", "Value": "support"}, {"Key": "floor", "Value": "2"}]);
    props
}

fn template_b(world: &World) -> Value {
    let instance = world.instance();
    let mut props = template_a(world);
    props["IdentityInfo"]["LastName"] = json!("Doe-Smith");
    props["PhoneConfig"]["AfterContactWorkTimeLimit"] = json!("300");
    props["VoiceEnhancementConfigs"] = json!([{"Channel": "VOICE", "VoiceEnhancementMode": "NOISE_SUPPRESSION"}]);
    props["RoutingProfileArn"] = json!(format!("{instance}/routing-profile/{}", Seed::ROUTING_PROFILE_1_SALES));
    props["HierarchyGroupArn"] = json!(format!("{instance}/agent-group/{}", Seed::HIERARCHY_GROUP_2));
    props["SecurityProfileArns"] = json!([format!("{instance}/security-profile/{}", Seed::SECURITY_PROFILE_QA)]);
    props["UserProficiencies"] = json!([
        {"AttributeName": "Language", "AttributeValue": "English", "Level": "5"},
        {"AttributeName": "Language", "AttributeValue": "French", "Level": "1"}
    ]);
    props["Tags"] = json!([{"Key": "team", "Value": "sales"}]);
    props
}

/// Sets up what the scenario needs, then returns the request that exercises the operation.
async fn prepare(world: &World, scenario: Scenario) -> Value {
    match scenario {
        Scenario::Create => world.create_event(template_a(world)),
        Scenario::Update => {
            let arn = create(world, template_a(world)).await;
            world.update_event(&arn, template_a(world), template_b(world))
        }
        Scenario::RepeatedCreate => {
            let event = world.create_event(template_a(world));
            world.send(event.clone()).await;
            event
        }
        Scenario::Delete => {
            let arn = create(world, template_a(world)).await;
            world.delete_event(&arn, template_a(world))
        }
    }
}

async fn create(world: &World, props: Value) -> String {
    let response = world.send(world.create_event(props)).await;
    assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
    response.physical_id().unwrap().to_owned()
}

/// After the request: the state CloudFormation expects, and no stray user.
async fn assert_settled(world: &World, scenario: Scenario, physical_id: &str) {
    let users = world.emulator.user_count();
    match scenario {
        Scenario::Delete => assert_eq!(users, 0, "the user is deleted"),
        Scenario::Create | Scenario::RepeatedCreate | Scenario::Update => {
            assert_eq!(users, 1, "exactly one user: none leaked, none lost");
            assert!(world.emulator.describe(physical_id).is_some(), "the answered id is the user");
        }
    }
}

async fn failing_once(operation: &'static str, scenario: Scenario, fault: Fault) -> Result<(), String> {
    let world = World::start().await;
    let event = prepare(&world, scenario).await;
    world.emulator.fail_next(operation, 1, fault.clone());
    let response = world.send(event).await;
    if response.status() != "SUCCESS" {
        return Err(format!("{operation} {fault:?}: {:?}", response.reason()));
    }
    let failed_calls = world.emulator.calls().iter().filter(|c| c.operation == operation && c.status != 200).count();
    if failed_calls != 1 {
        return Err(format!("{operation} {fault:?}: the fault was not hit ({failed_calls} failed calls)"));
    }
    assert_settled(&world, scenario, response.physical_id().unwrap_or_default()).await;
    Ok(())
}

async fn every_operation_failing_once_with(fault: Fault) {
    let mut cells = JoinSet::new();
    for &(operation, scenario) in OPERATIONS {
        cells.spawn(failing_once(operation, scenario, fault.clone()));
    }
    let failures: Vec<String> = cells.join_all().await.into_iter().filter_map(Result::err).collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[tokio::test]
async fn every_operation_failing_once_with_500_still_succeeds() {
    every_operation_failing_once_with(Fault::Error(ErrorCode::InternalService)).await;
}

#[tokio::test]
async fn every_operation_throttled_once_still_succeeds() {
    every_operation_failing_once_with(Fault::Error(ErrorCode::Throttling)).await;
}

#[tokio::test]
async fn every_operation_dropping_its_connection_once_still_succeeds() {
    every_operation_failing_once_with(Fault::DropConnection).await;
}

async fn hanging(operation: &'static str, scenario: Scenario) -> Result<(), String> {
    let world = World::start().await;
    let event = prepare(&world, scenario).await;
    world.emulator.fail_next(operation, 1, Fault::Hang);
    // A budget of seconds, so the answer has seconds of slack before the deadline even on a loaded machine.
    let deadline = SystemTime::now() + Duration::from_secs(6);
    let response = world.send_before(event, deadline).await;
    let reason = response.reason().unwrap_or_default().to_owned();
    // SearchUsers is how the handler looks for the user that holds a taken username.
    let step = match operation {
        "SearchUsers" => "while looking up the existing user".to_owned(),
        _ => format!("while calling {operation}"),
    };
    if response.status() != "FAILED" || !reason.contains(&step) {
        return Err(format!("{operation}: {} {reason}", response.status()));
    }
    if response.received_at >= deadline {
        return Err(format!("{operation}: answered after the deadline"));
    }
    // CloudFormation's next move: a failed Create is rolled back with a Delete of the id it got. (A replayed
    // Create's late answer is ignored: CloudFormation already has the first one.)
    let id = response.physical_id().unwrap_or_default().to_owned();
    if matches!(scenario, Scenario::Create) {
        let delete = world.send(world.delete_event(&id, template_a(&world))).await;
        if delete.status() != "SUCCESS" || world.emulator.user_count() != 0 {
            return Err(format!("{operation}: the rollback left {} users", world.emulator.user_count()));
        }
    }
    Ok(())
}

#[tokio::test]
async fn every_operation_hanging_past_the_deadline_is_answered_failed_in_time() {
    let mut cells = JoinSet::new();
    // DescribeInstance is the exception: validation gives up on it and goes on (see the test below).
    for &(operation, scenario) in OPERATIONS.iter().filter(|(operation, _)| *operation != "DescribeInstance") {
        cells.spawn(hanging(operation, scenario));
    }
    let failures: Vec<String> = cells.join_all().await.into_iter().filter_map(Result::err).collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The instance's identity-management type is worth a few seconds, never the request: a `DescribeInstance`
/// that does not answer is given up, and the Create goes on without those rules.
#[tokio::test]
async fn a_hanging_describe_instance_is_given_up_and_the_create_goes_on() {
    let world = World::start().await;
    world.emulator.fail_next("DescribeInstance", 1, Fault::Hang);
    let deadline = SystemTime::now() + Duration::from_secs(12);
    let response = world.send_before(world.create_event(template_a(&world)), deadline).await;
    assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
    assert_settled(&world, Scenario::Create, response.physical_id().unwrap()).await;
}
