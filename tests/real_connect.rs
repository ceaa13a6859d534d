//! The handler against Amazon Connect as it really behaves (docs/real-connect.md), each harsh behaviour switched
//! on in the emulator, through real HTTP: a new user not visible yet (§1), writes that commit and then fail (§2),
//! `UpdateUserPhoneConfig` writing every channel (§3), identity-management types (§4), quotas and denials (§5),
//! regions, accounts and partitions (§6) — and all of the first at once over a whole lifecycle.
//!
//! The handler's windows are shortened so that no test sleeps through real Connect's defaults; no test sleeps
//! itself, and none asserts a duration finer than seconds.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use cfn_connect_user::adapters::SdkConnect;
use cfn_connect_user::app::{Connect, Invocation, Mode, Windows};
use cfn_connect_user::core::arn::UserArn;
use cfn_connect_user::core::backoff::Backoff;
use cfn_connect_user::core::model::OWNER_TAG_KEY;
use cfn_connect_user::core::plan::Call;
use connect_emulator::connect::{Emulator, EmulatorBuilder, ErrorCode, Fault, Seed};
use connect_emulator::receiver::Recorded;
use serde_json::{Value, json};

use crate::support::{PASSWORD, STACK_ID, World};

/// The function's own ARN, in the emulator's account and partition.
const FUNCTION_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:cfn-connect-user";

/// Windows long enough for a lag of a second or two on a loaded machine, short enough for a test.
fn windows() -> Windows {
    Windows {
        visibility: Duration::from_secs(20),
        gone: Duration::from_secs(2),
        pause: Backoff { base: Duration::from_millis(50), cap: Duration::from_millis(400) },
        replans: 3,
        describe_instance: Duration::from_secs(5),
    }
}

async fn world_with(emulator: EmulatorBuilder, windows: Windows) -> World {
    let mut world = World::on(emulator.start().await.expect("emulator starts"), Mode::Respond).await;
    world.handler = world.handler.clone().with_windows(windows);
    world
}

async fn world(emulator: EmulatorBuilder) -> World {
    world_with(emulator, windows()).await
}

/// Invokes the handler as Lambda does, with the function's ARN, and returns the one response delivered (one PUT,
/// and no other, as [`World::send_with`] checks).
async fn send_as(world: &World, event: Value, function_arn: &str) -> Recorded {
    let started = SystemTime::now();
    let invocation = Invocation {
        invoked_function_arn: Some(function_arn.to_owned()),
        ..Invocation::new(started, started + Duration::from_secs(300))
    };
    world.send_with(event, invocation, 1).await
}

fn with_proficiency(mut props: Value) -> Value {
    props["UserProficiencies"] = json!([{"AttributeName": "Language", "AttributeValue": "English", "Level": "3"}]);
    props
}

fn succeeded(response: &Recorded) -> String {
    assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
    response.physical_id().unwrap().to_owned()
}

fn failed(response: &Recorded) -> String {
    assert_eq!(response.status(), "FAILED", "expected FAILED");
    response.reason().unwrap().to_owned()
}

/// The calls of `operation` so far, with their HTTP statuses.
fn statuses(world: &World, operation: &str) -> Vec<u16> {
    world.emulator.calls().into_iter().filter(|c| c.operation == operation).map(|c| c.status).collect()
}

/// Someone deletes the user outside CloudFormation, through the SDK.
async fn delete_by_hand(world: &World, arn: &str) {
    SdkConnect::for_endpoint(&world.emulator.endpoint_url(), Seed::REGION)
        .delete_user(&UserArn::parse(arn).unwrap())
        .await
        .unwrap();
}

fn operations(world: &World) -> Vec<String> {
    world.emulator.calls().into_iter().map(|c| c.operation).collect()
}

// ---- §1 eventual consistency ----------------------------------------------------------------------------------

#[tokio::test]
async fn a_call_on_a_new_user_waits_until_the_user_is_visible() {
    // Given users that stay invisible for a second after CreateUser
    let world = world(Emulator::builder().visibility_lag(Duration::from_secs(1))).await;

    // When a Create needs a call on its new user
    let response = world.send(world.create_event(with_proficiency(world.john()))).await;

    // Then the not-found of the lag is waited out
    let arn = succeeded(&response);
    let associate = statuses(&world, "AssociateUserProficiencies");
    assert_eq!(associate.first(), Some(&404), "the lag was met: {associate:?}");
    assert_eq!(associate.last(), Some(&200), "{associate:?}");
    assert_eq!(world.user(&arn)["UserProficiencyList"][0]["AttributeValue"], "English");
    assert_eq!(world.emulator.user_count(), 1);
}

#[tokio::test]
async fn a_new_user_that_never_becomes_visible_is_a_failure_that_says_so() {
    // Given a lag far beyond the handler's visibility window
    let emulator = Emulator::builder().visibility_lag(Duration::from_secs(3600));
    let world = world_with(emulator, Windows { visibility: Duration::from_secs(1), ..windows() }).await;

    // When
    let response = world.send(world.create_event(with_proficiency(world.john()))).await;

    // Then FAILED says what happened, and names the new user so that the rollback deletes it
    let reason = failed(&response);
    assert!(reason.starts_with("AssociateUserProficiencies: ResourceNotFoundException"), "{reason}");
    assert!(
        reason.contains("did not become visible in that time (Amazon Connect is eventually consistent)"),
        "{reason}"
    );
    let arn = response.physical_id().unwrap().to_owned();
    assert_eq!(world.emulator.find_by_username(&world.instance(), "john.doe").unwrap()["Arn"], arn.as_str());

    // And once it is visible, the rollback's Delete removes it
    world.emulator.make_visible_now();
    succeeded(&world.send(world.delete_event(&arn, world.john())).await);
    assert_eq!(world.emulator.user_count(), 0);
}

#[tokio::test]
async fn the_delete_after_a_failed_create_removes_a_user_that_is_not_visible_yet() {
    // Given a Create that fails right after CreateUser, while its user is still invisible
    let world = world(Emulator::builder().visibility_lag(Duration::from_secs(2))).await;
    world.emulator.fail_next("AssociateUserProficiencies", 1, Fault::Error(ErrorCode::InvalidParameter));
    let response = world.send(world.create_event(with_proficiency(world.john()))).await;
    failed(&response);
    let arn = response.physical_id().unwrap().to_owned();
    assert_eq!(world.emulator.is_visible(&arn), Some(false), "the user is still in its lag");

    // When CloudFormation's rollback deletes it at once
    let deleted = world.send(world.delete_event(&arn, world.john())).await;

    // Then the not-found of the lag is not taken for gone: the user is deleted, not orphaned
    assert_eq!(succeeded(&deleted), arn);
    assert_eq!(world.emulator.user_count(), 0, "no user left behind");
    assert_eq!(statuses(&world, "DescribeUser").first(), Some(&404));
    assert_eq!(statuses(&world, "DeleteUser"), [200]);
}

#[tokio::test]
async fn a_delete_counts_not_found_as_gone_once_it_persists() {
    // Given a user deleted by hand
    let world = world(Emulator::builder()).await;
    let arn = world.create_john().await;
    delete_by_hand(&world, &arn).await;
    world.emulator.clear_calls();

    // When
    let response = world.send(world.delete_event(&arn, world.john())).await;

    // Then SUCCESS, after asking more than once
    assert_eq!(succeeded(&response), arn);
    assert!(statuses(&world, "DescribeUser").len() >= 2, "{:?}", world.emulator.calls());
    assert!(statuses(&world, "DeleteUser").is_empty());
}

#[tokio::test]
async fn an_update_of_a_user_that_is_gone_fails_at_once() {
    // Given a user from an earlier request, deleted by hand: not-found means gone, without waiting
    let world = world(Emulator::builder()).await;
    let arn = world.create_john().await;
    delete_by_hand(&world, &arn).await;
    world.emulator.clear_calls();

    // When
    let response = world.send(world.update_event(&arn, world.john(), world.john())).await;

    // Then
    assert!(failed(&response).starts_with("the user no longer exists"), "{:?}", response.reason());
    assert_eq!(statuses(&world, "DescribeUser"), [404]);
}

// ---- §2 commit, then fail ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_create_that_committed_and_then_failed_adopts_its_own_user_once_it_is_visible() {
    for fault in [Fault::CommitThenError(ErrorCode::InternalService), Fault::CommitThenDrop] {
        // Given a CreateUser that takes effect and then fails, and a user that is not visible for a second
        let world = world(Emulator::builder().visibility_lag(Duration::from_secs(1))).await;
        world.emulator.fail_next("CreateUser", 1, fault.clone());

        // When
        let response = world.send(world.create_event(world.john())).await;

        // Then the repeat learns that the name is taken, finds the user once a search shows it, and adopts it
        let arn = succeeded(&response);
        assert_eq!(world.emulator.user_count(), 1, "{fault:?}");
        assert_eq!(world.emulator.committed_writes().iter().filter(|w| *w == "CreateUser").count(), 1);
        assert_eq!(statuses(&world, "CreateUser").last(), Some(&409), "{fault:?}");
        assert!(world.user(&arn)["Tags"][OWNER_TAG_KEY].as_str().unwrap().ends_with("/AgentJohnDoe"));
    }
}

/// Template A: the seed user with something in every family, so that B changes every family.
fn template_a(world: &World) -> Value {
    let instance = world.instance();
    let mut props = world.john();
    props["HierarchyGroupArn"] = json!(format!("{instance}/agent-group/{}", Seed::HIERARCHY_GROUP_1));
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

/// The writes of an Update from A to B.
const UPDATE_WRITES: &[&str] = &[
    "UpdateUserIdentityInfo",
    "UpdateUserConfig",
    "UpdateUserRoutingProfile",
    "UpdateUserHierarchy",
    "UpdateUserSecurityProfiles",
    "DisassociateUserProficiencies",
    "UpdateUserProficiencies",
    "AssociateUserProficiencies",
    "UntagResource",
    "TagResource",
];

async fn update_with_a_write_committing_then_failing(operation: &'static str, fault: Fault) -> Result<(), String> {
    let world = world(Emulator::builder()).await;
    let arn = world.create_john_with(template_a(&world)).await;
    world.emulator.clear_calls();
    world.emulator.fail_next(operation, 1, fault.clone());

    let response = world.send(world.update_event(&arn, template_a(&world), template_b(&world))).await;

    let cell = format!("{operation} {fault:?}");
    if response.status() != "SUCCESS" {
        return Err(format!("{cell}: {:?}", response.reason()));
    }
    // Read again and planned again: the write that committed is not repeated, and nothing is written twice.
    let writes: Vec<String> =
        world.emulator.calls().into_iter().filter(|c| c.is_write()).map(|c| c.operation).collect();
    if writes != UPDATE_WRITES {
        return Err(format!("{cell}: writes {writes:?}"));
    }
    let user = world.user(&arn);
    let checks = [
        (user["IdentityInfo"]["LastName"] == "Doe-Smith", "LastName"),
        (user["PhoneConfig"]["AfterContactWorkTimeLimit"] == 300, "ACW"),
        (user["RoutingProfileId"] == Seed::ROUTING_PROFILE_1_SALES, "routing profile"),
        (user["HierarchyGroupId"] == Seed::HIERARCHY_GROUP_2, "hierarchy group"),
        (user["Tags"]["team"] == "sales" && user["Tags"].get("floor").is_none(), "tags"),
        (user["UserProficiencyList"].as_array().is_some_and(|l| l.len() == 2), "proficiencies"),
    ];
    match checks.iter().find(|(ok, _)| !ok) {
        Some((_, what)) => Err(format!("{cell}: {what} not as the template says: {user}")),
        None => Ok(()),
    }
}

#[tokio::test]
async fn a_write_that_committed_and_then_failed_is_planned_again_not_repeated() {
    let mut failures = Vec::new();
    for (i, operation) in UPDATE_WRITES.iter().enumerate() {
        // Both ways of failing after the commit, alternately, to keep the matrix to one Update per write.
        let fault = if i % 2 == 0 { Fault::CommitThenError(ErrorCode::InternalService) } else { Fault::CommitThenDrop };
        if let Err(e) = update_with_a_write_committing_then_failing(operation, fault).await {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[tokio::test]
async fn a_second_association_of_a_committed_proficiency_is_never_sent() {
    // Given a new user whose AssociateUserProficiencies commits and then answers 500
    let world = world(Emulator::builder()).await;
    world.emulator.fail_next("AssociateUserProficiencies", 1, Fault::CommitThenError(ErrorCode::InternalService));

    // When
    let arn = succeeded(&world.send(world.create_event(with_proficiency(world.john()))).await);

    // Then the user was read again instead: a repeat would be refused as already associated
    assert_eq!(statuses(&world, "AssociateUserProficiencies"), [500]);
    assert_eq!(operations(&world)[2..], ["AssociateUserProficiencies", "DescribeUser", "ListUserProficiencies"]);
    assert_eq!(world.user(&arn)["UserProficiencyList"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_write_that_keeps_failing_is_planned_again_a_bounded_number_of_times() {
    let world = world(Emulator::builder()).await;
    let arn = world.create_john().await;
    world.emulator.fail_next("UpdateUserRoutingProfile", 100, Fault::Error(ErrorCode::InternalService));
    let mut new = world.john();
    new["RoutingProfileArn"] = json!(format!("{}/routing-profile/{}", world.instance(), Seed::ROUTING_PROFILE_1_SALES));

    let response = world.send(world.update_event(&arn, world.john(), new)).await;

    assert!(failed(&response).starts_with("UpdateUserRoutingProfile: InternalServiceException"));
    assert_eq!(response.physical_id(), Some(arn.as_str()));
    assert_eq!(statuses(&world, "UpdateUserRoutingProfile").len(), 1 + windows().replans as usize);
}

// ---- §3 UpdateUserPhoneConfig writes every channel ----------------------------------------------------------

/// The ACW limit of each channel, as Connect holds it.
fn acw_limits(user: &Value) -> BTreeMap<String, i64> {
    user["AfterContactWorkConfigs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let limit = c["AfterContactWorkConfig"]["AfterContactWorkTimeLimit"].as_i64().unwrap_or(0);
            (c["Channel"].as_str().unwrap().to_owned(), limit)
        })
        .collect()
}

#[tokio::test]
async fn a_phone_config_update_never_rewrites_the_other_channels() {
    // Given Connect's UpdateUserPhoneConfig, which writes its ACW limit to every channel
    let world = world(Emulator::builder().phone_config_writes_all_channels(true)).await;

    // And a template with different CHAT and TASK limits beside its PhoneConfig
    let mut old = world.john();
    old["Username"] = json!("chat.agent");
    old["PhoneConfig"] = json!({"PhoneType": "SOFT_PHONE", "AutoAccept": "true"});
    old["AfterContactWorkConfigs"] = json!([
        {"Channel": "VOICE", "AfterContactWorkConfig": {"AfterContactWorkTimeLimit": "120"}},
        {"Channel": "CHAT", "AfterContactWorkConfig": {"AfterContactWorkTimeLimit": "300"}},
        {"Channel": "TASK", "AfterContactWorkConfig": {"AfterContactWorkTimeLimit": "600"}}
    ]);
    let mut event = world.create_event(old.clone());
    event["LogicalResourceId"] = json!("ChatAgent");
    let arn = succeeded(&world.send(event).await);
    let mut new = old.clone();
    new["PhoneConfig"]["AutoAccept"] = json!("false");

    // When PhoneConfig changes
    world.emulator.clear_calls();
    let mut event = world.update_event(&arn, old, new);
    event["LogicalResourceId"] = json!("ChatAgent");
    succeeded(&world.send(event).await);

    // Then one UpdateUserConfig carries the VOICE change, and every channel keeps its limit
    assert_eq!(world.emulator.write_calls(), ["UpdateUserConfig"]);
    let user = world.user(&arn);
    assert_eq!(user["PhoneConfig"]["AutoAccept"], false);
    let expected = BTreeMap::from([("CHAT".to_owned(), 300), ("TASK".to_owned(), 600), ("VOICE".to_owned(), 120)]);
    assert_eq!(acw_limits(&user), expected);

    // And a PhoneConfig ACW change, with CHAT and TASK limits set outside the stack, writes VOICE only
    let operator = SdkConnect::for_endpoint(&world.emulator.endpoint_url(), Seed::REGION);
    let john = world.create_john().await;
    let mut chat_task = cfn_connect_user::core::model::ChannelConfigs::default();
    let acw = |limit| cfn_connect_user::core::model::AfterContactWorkPerChannel {
        config: cfn_connect_user::core::model::AfterContactWorkConfig { time_limit: Some(limit) },
        agent_first_callback: None,
    };
    chat_task.after_contact_work = Some(BTreeMap::from([
        (cfn_connect_user::core::model::Channel::Chat, acw(45)),
        (cfn_connect_user::core::model::Channel::Task, acw(90)),
    ]));
    operator.apply(&UserArn::parse(&john).unwrap(), &Call::UpdateUserConfig(chat_task)).await.unwrap();
    let mut shorter = world.john();
    shorter["PhoneConfig"]["AfterContactWorkTimeLimit"] = json!("30");
    succeeded(&world.send(world.update_event(&john, world.john(), shorter)).await);
    let expected = BTreeMap::from([("CHAT".to_owned(), 45), ("TASK".to_owned(), 90), ("VOICE".to_owned(), 30)]);
    assert_eq!(acw_limits(&world.user(&john)), expected);
    assert!(statuses(&world, "UpdateUserPhoneConfig").is_empty(), "never called");
}

// ---- §4 identity-management types ----------------------------------------------------------------------------

/// A user of the seeded instance `instance_id`, with a password, names and an e-mail address.
fn agent_of(world: &World, instance_id: &str, routing_profile: &str, security_profile: &str) -> Value {
    let seed = world.emulator.seed();
    json!({
        "InstanceArn": seed.instance_arn(instance_id),
        "Username": "jane.roe",
        "Password": PASSWORD,
        "RoutingProfileArn": seed.routing_profile_arn(instance_id, routing_profile),
        "SecurityProfileArns": [seed.security_profile_arn(instance_id, security_profile)],
        "IdentityInfo": {"FirstName": "Jane", "LastName": "Roe", "Email": "jane.roe@example.com"},
    })
}

fn saml_agent(world: &World) -> Value {
    agent_of(world, Seed::INSTANCE_SAML, Seed::INSTANCE_SAML_ROUTING_PROFILE, Seed::INSTANCE_SAML_SECURITY_PROFILE)
}

#[tokio::test]
async fn every_identity_type_problem_is_reported_at_once_before_any_write() {
    // Given an instance with SAML identity management, and a template that breaks its rules and another one
    let world = world(Emulator::builder().identity_management_rules(true)).await;
    let mut props = saml_agent(&world);
    props["DirectoryUserId"] = json!("dir-jane");
    props["PhoneConfig"] = json!({"PhoneType": "SOFTPHONE"});

    // When
    let response = world.send(world.create_event(props)).await;

    // Then one reason lists them all, each naming the type, and nothing was written
    let reason = failed(&response);
    for problem in [
        "PhoneConfig.PhoneType: expected SOFT_PHONE or DESK_PHONE",
        "Password: not allowed, the instance uses SAML for identity management",
        "IdentityInfo.Email: not allowed, the instance uses SAML for identity management",
        "DirectoryUserId: not allowed, the instance uses SAML for identity management",
    ] {
        assert!(reason.contains(problem), "{problem:?} missing from {reason}");
    }
    assert!(!reason.contains(PASSWORD) && !reason.contains("jane.roe@"), "{reason}");
    assert_eq!(operations(&world), ["DescribeInstance"]);
}

#[tokio::test]
async fn a_connect_managed_instance_wants_a_short_username_names_and_a_password() {
    let world = world(Emulator::builder().identity_management_rules(true)).await;
    let mut props = world.john();
    props["Username"] = json!("a.very.long.username.x");
    props["IdentityInfo"] = json!({"LastName": "Doe"});
    props.as_object_mut().unwrap().remove("Password");

    let reason = failed(&world.send(world.create_event(props)).await);

    for problem in [
        "Password: required (or PasswordSecretArn), the instance uses CONNECT_MANAGED for identity management",
        "Username: must be at most 20 characters, the instance uses CONNECT_MANAGED for identity management (got 22)",
        "IdentityInfo.FirstName: required, the instance uses CONNECT_MANAGED for identity management",
    ] {
        assert!(reason.contains(problem), "{problem:?} missing from {reason}");
    }
    assert_eq!(world.emulator.user_count(), 0);
}

#[tokio::test]
async fn each_identity_type_takes_the_users_its_rules_allow() {
    // SAML: long usernames, no password, no e-mail; EXISTING_DIRECTORY: no names, no password.
    let world = world(Emulator::builder().identity_management_rules(true)).await;
    let mut saml = saml_agent(&world);
    saml["Username"] = json!("jane.roe.of.the.contact.centre.team@example.com");
    saml.as_object_mut().unwrap().remove("Password");
    saml["IdentityInfo"].as_object_mut().unwrap().remove("Email");
    succeeded(&world.send(world.create_event(saml)).await);

    let mut directory = agent_of(
        &world,
        Seed::INSTANCE_DIRECTORY,
        Seed::INSTANCE_DIRECTORY_ROUTING_PROFILE,
        Seed::INSTANCE_DIRECTORY_SECURITY_PROFILE,
    );
    directory.as_object_mut().unwrap().remove("Password");
    directory.as_object_mut().unwrap().remove("IdentityInfo");
    directory["DirectoryUserId"] = json!("dir-jane");
    let mut event = world.create_event(directory);
    event["LogicalResourceId"] = json!("DirectoryAgent");
    succeeded(&world.send(event).await);
    assert_eq!(world.emulator.user_count(), 2);
}

#[tokio::test]
async fn a_denied_describe_instance_leaves_the_rules_to_connect_and_is_asked_once() {
    // Given a role without connect:DescribeInstance
    let world = world(Emulator::builder().identity_management_rules(true).deny("DescribeInstance")).await;

    // When a template breaks a SAML rule, twice
    let first = failed(&world.send(world.create_event(saml_agent(&world))).await);
    let second = failed(&world.send(world.create_event(saml_agent(&world))).await);

    // Then Connect's own error is reported, and the denial was kept
    for reason in [first, second] {
        assert!(reason.starts_with("CreateUser: InvalidRequestException"), "{reason}");
        assert!(!reason.contains(PASSWORD), "{reason}");
    }
    assert_eq!(statuses(&world, "DescribeInstance"), [403]);
}

// ---- §5 error classes ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_denied_call_names_the_missing_iam_action() {
    let world = world(Emulator::builder()).await;
    let arn = world.create_john().await;
    world.emulator.deny("UpdateUserRoutingProfile");
    let mut new = world.john();
    new["RoutingProfileArn"] = json!(format!("{}/routing-profile/{}", world.instance(), Seed::ROUTING_PROFILE_1_SALES));

    let response = world.send(world.update_event(&arn, world.john(), new)).await;

    let reason = failed(&response);
    assert!(reason.starts_with("UpdateUserRoutingProfile: AccessDeniedException"), "{reason}");
    assert!(
        reason.contains("the function's role lacks the IAM permission connect:UpdateUserRoutingProfile"),
        "{reason}"
    );
    assert_eq!(statuses(&world, "UpdateUserRoutingProfile"), [403], "a denial is final");
}

#[tokio::test]
async fn a_full_instance_fails_soon_naming_the_quota_and_what_to_do() {
    // Given an instance at its users-per-instance quota
    let world = world(Emulator::builder().users_per_instance(1)).await;
    world.create_john().await;
    let mut props = world.john();
    props["Username"] = json!("one.too.many");
    let mut event = world.create_event(props);
    event["LogicalResourceId"] = json!("OneTooMany");

    // When, with minutes left before the deadline
    let started = SystemTime::now();
    let response = world.send(event).await;

    // Then FAILED at once, with what to do — never a timeout
    let reason = failed(&response);
    assert!(reason.starts_with("CreateUser: LimitExceededException"), "{reason}");
    assert!(reason.contains("raise the 'Users per instance' service quota or delete users"), "{reason}");
    assert!(!reason.contains("timed out"), "{reason}");
    assert!(started.elapsed().unwrap() < Duration::from_secs(60), "answered within the grace, not at the deadline");
    assert_eq!(world.emulator.user_count(), 1);
}

// ---- §6 regions, accounts and partitions -----------------------------------------------------------------------

#[tokio::test]
async fn a_user_of_an_instance_in_another_region_is_managed_in_that_region() {
    // Given a handler whose default region is us-east-1, and an instance in eu-west-2
    let world = world(Emulator::builder()).await;
    let eu = agent_of(&world, Seed::INSTANCE_EU, Seed::INSTANCE_EU_ROUTING_PROFILE, Seed::INSTANCE_EU_SECURITY_PROFILE);
    let mut renamed = eu.clone();
    renamed["IdentityInfo"]["LastName"] = json!("Roe-Smith");

    // When its whole lifecycle runs
    let arn = succeeded(&send_as(&world, world.create_event(eu.clone()), FUNCTION_ARN).await);
    succeeded(&send_as(&world, world.update_event(&arn, eu.clone(), renamed), FUNCTION_ARN).await);
    let user = world.user(&arn);
    succeeded(&send_as(&world, world.delete_event(&arn, eu), FUNCTION_ARN).await);

    // Then every call reached the instance (the emulator answers not-found to requests signed for another region)
    assert!(arn.starts_with("arn:aws:connect:eu-west-2:"), "{arn}");
    assert_eq!(user["IdentityInfo"]["LastName"], "Roe-Smith");
    assert_eq!(world.emulator.user_count(), 0);
    assert!(world.emulator.calls().iter().all(|c| c.status != 404), "{:?}", world.emulator.calls());
}

#[tokio::test]
async fn an_instance_of_another_account_or_partition_is_refused_before_any_call() {
    let world = world(Emulator::builder()).await;
    let swap = |props: &Value, from: &str, to: &str| -> Value {
        serde_json::from_str(&props.to_string().replace(from, to)).unwrap()
    };
    let other_account = swap(&world.john(), ":123456789012:instance/", ":210987654321:instance/");
    let other_partition = swap(&world.john(), "arn:aws:connect:us-east-1:", "arn:aws-cn:connect:cn-north-1:");

    let account = failed(&send_as(&world, world.create_event(other_account), FUNCTION_ARN).await);
    let partition = failed(&send_as(&world, world.create_event(other_partition), FUNCTION_ARN).await);
    let user = "arn:aws:connect:us-east-1:210987654321:instance/a1b2c3d4-0000-4000-8000-000000000001/agent/u-1";
    let delete = failed(&send_as(&world, world.delete_event(user, world.john()), FUNCTION_ARN).await);

    assert!(
        account.contains("InstanceArn: is in account 210987654321, but this function runs in account 123456789012"),
        "{account}"
    );
    assert!(
        partition.contains("InstanceArn: is in partition aws-cn, but this function runs in partition aws"),
        "{partition}"
    );
    assert!(
        delete.starts_with(&format!("the user {user} is in account 210987654321, but this function runs in account")),
        "{delete}"
    );
    assert!(world.emulator.calls().is_empty(), "{:?}", world.emulator.calls());
}

// ---- all at once ----------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_lifecycle_with_lag_commit_then_fail_and_a_rate_limit_creates_and_deletes_exactly_one_user() {
    // Given a lag, a CreateUser that commits and then fails, and the account's rate limit
    let world = world(Emulator::builder().visibility_lag(Duration::from_secs(1)).rate_limit(4.0, 2)).await;
    world.emulator.fail_next("CreateUser", 1, Fault::CommitThenError(ErrorCode::InternalService));
    let old = with_proficiency(world.john());
    let mut new = old.clone();
    new["IdentityInfo"]["LastName"] = json!("Doe-Smith");
    new["PhoneConfig"]["AfterContactWorkTimeLimit"] = json!("300");
    new["UserProficiencies"][0]["Level"] = json!("5");

    // When Create, Update and Delete run
    let created = send_as(&world, world.create_event(old.clone()), FUNCTION_ARN).await;
    let arn = succeeded(&created);
    let updated = send_as(&world, world.update_event(&arn, old, new.clone()), FUNCTION_ARN).await;
    let user = world.user(&arn);
    let deleted = send_as(&world, world.delete_event(&arn, new), FUNCTION_ARN).await;

    // Then every response is correct
    assert_eq!(created.data_value("UserArn"), Some(arn.as_str()));
    assert_eq!(created.stack_id(), Some(STACK_ID));
    assert_eq!(succeeded(&updated), arn);
    assert_eq!(updated.data_value("UserArn"), Some(arn.as_str()));
    assert_eq!(user["IdentityInfo"]["LastName"], "Doe-Smith");
    assert_eq!(user["PhoneConfig"]["AfterContactWorkTimeLimit"], 300);
    assert_eq!(user["UserProficiencyList"][0]["Level"], 5.0);
    assert_eq!(succeeded(&deleted), arn);

    // And exactly one user was created, and deleted
    let committed = world.emulator.committed_writes();
    assert_eq!(committed.iter().filter(|w| *w == "CreateUser").count(), 1, "{committed:?}");
    assert_eq!(committed.iter().filter(|w| *w == "DeleteUser").count(), 1, "{committed:?}");
    assert_eq!(world.emulator.user_count(), 0);
    assert!(world.emulator.throttled() > 0, "the rate limit was met");
}
