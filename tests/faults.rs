//! The fault matrix: every Connect operation the handler uses failing once (500, throttling, a dropped
//! connection) or hanging past the deadline, and the response URL answering 500, 403, hanging or refusing
//! connections. Each cell ends with exactly one correct response — or, for a dead URL, a function error
//! so that Lambda retries — and no user leaked or lost.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, SystemTime};

use connect_emulator::connect::{ErrorCode, Fault, Seed};
use connect_emulator::receiver::{Reply, dead_url};
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
    let started = SystemTime::now();
    let deadline = started + Duration::from_secs(6);
    let before = world.receiver.delivered_now().len();
    let result = world.handler.handle(event, cfn_connect_user::app::Invocation::new(started, deadline)).await;
    if let Err(e) = result {
        return Err(format!("{operation}: invocation failed: {e}"));
    }
    let response = world.receiver.delivered(before + 1).await.pop().unwrap();
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
    let started = SystemTime::now();
    let deadline = started + Duration::from_secs(12);
    let before = world.receiver.delivered_now().len();
    let result = world
        .handler
        .handle(world.create_event(template_a(&world)), cfn_connect_user::app::Invocation::new(started, deadline))
        .await;
    assert!(result.is_ok(), "{result:?}");
    let response = world.receiver.delivered(before + 1).await.pop().unwrap();
    assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
    assert_settled(&world, Scenario::Create, response.physical_id().unwrap()).await;
}

#[tokio::test]
async fn response_url_500_is_retried_into_one_delivery() {
    let world = World::start().await;
    world.receiver.reply_with(vec![Reply::Status(500)]);
    let response = world.send(world.create_event(world.john())).await;
    assert_eq!(response.status(), "SUCCESS");
    assert_eq!(world.receiver.delivered_now().len(), 1);
    assert_eq!(world.emulator.user_count(), 1);
}

#[tokio::test]
async fn response_url_403_is_logged_and_not_retried() {
    let world = World::start().await;
    world.receiver.reply_with(vec![Reply::Status(403)]);
    assert!(world.invoke(world.create_event(world.john())).await.is_ok());
    assert_eq!(world.receiver.responses().len(), 1);
}

/// A URL that cannot be reached: the invocation fails so that Lambda retries it, and the retry — the same
/// event — finds its own user and answers with it.
async fn unreachable_then_retried(break_url: impl Fn(&World, &mut Value)) {
    let world = World::start().await;
    let event = world.create_event(world.john());
    let mut broken = event.clone();
    break_url(&world, &mut broken);
    let result = world.invoke_within(broken, Duration::from_secs(3)).await;
    assert!(result.is_err(), "Lambda must see a failure to retry: {result:?}");
    assert_eq!(world.emulator.user_count(), 1);
    let retried = world.send(event).await;
    assert_eq!(retried.status(), "SUCCESS", "{:?}", retried.reason());
    assert_eq!(world.emulator.user_count(), 1, "the retry adopts its own user instead of failing or duplicating");
}

#[tokio::test]
async fn response_url_refusing_connections_fails_the_invocation_and_the_retry_recovers() {
    unreachable_then_retried(|_, event| event["ResponseURL"] = json!(dead_url())).await;
}

#[tokio::test]
async fn response_url_hanging_fails_the_invocation_and_the_retry_recovers() {
    // One attempt: it hangs until the deadline leaves no time for another.
    unreachable_then_retried(|world, _| world.receiver.reply_with(vec![Reply::Hang])).await;
}
