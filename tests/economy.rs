//! API economy: the Connect calls each scenario makes. The floor is one read plus only the needed writes, and
//! one `DescribeInstance` per instance per execution environment (the identity-management type, kept); the
//! README's table is this one.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use connect_emulator::connect::Seed;
use serde_json::{Value, json};

use crate::support::World;

fn full(world: &World) -> Value {
    let mut props = world.john();
    props["HierarchyGroupArn"] = json!(format!("{}/agent-group/{}", world.instance(), Seed::HIERARCHY_GROUP_1));
    props["IdentityInfo"]["Mobile"] = json!("+14155550123");
    props["UserProficiencies"] = json!([{"AttributeName": "Language", "AttributeValue": "English", "Level": "3"}]);
    props
}

/// The least a Connect-managed instance takes: the required properties, a password and the names.
fn minimal(world: &World) -> Value {
    let props = world.john();
    json!({
        "InstanceArn": props["InstanceArn"], "Username": "min.user", "Password": props["Password"],
        "RoutingProfileArn": props["RoutingProfileArn"], "SecurityProfileArns": props["SecurityProfileArns"],
        "IdentityInfo": {"FirstName": "Min", "LastName": "User"}
    })
}

/// Runs `event` and returns the Connect operations it made, in order (failed calls marked with their status).
async fn calls_of(world: &World, event: Value) -> Vec<String> {
    world.emulator.clear_calls();
    let response = world.send(event).await;
    assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
    world
        .emulator
        .calls()
        .into_iter()
        .map(|c| if c.status == 200 { c.operation } else { format!("{} ({})", c.operation, c.status) })
        .collect()
}

async fn update_calls(change: impl Fn(&World, &mut Value)) -> Vec<String> {
    let world = World::start().await;
    let old = full(&world);
    let arn = world.create_john_with(old.clone()).await;
    let mut new = old.clone();
    change(&world, &mut new);
    calls_of(&world, world.update_event(&arn, old, new)).await
}

#[tokio::test]
async fn creates_make_one_call_plus_proficiencies_and_the_first_asks_for_the_instance() {
    let world = World::start().await;
    assert_eq!(calls_of(&world, world.create_event(minimal(&world))).await, ["DescribeInstance", "CreateUser"]);
    assert_eq!(calls_of(&world, world.create_event(full(&world))).await, ["CreateUser", "AssociateUserProficiencies"]);
}

/// The instance's type is asked once per instance per execution environment, and a denial is kept too: the
/// requests after it neither ask again nor fail for it.
#[tokio::test]
async fn describe_instance_is_asked_once_per_instance_even_when_denied() {
    let world = World::start().await;
    world.emulator.deny("DescribeInstance");
    assert_eq!(calls_of(&world, world.create_event(minimal(&world))).await, ["DescribeInstance (403)", "CreateUser"]);
    let arn =
        world.emulator.find_by_username(&world.instance(), "min.user").unwrap()["Arn"].as_str().unwrap().to_owned();
    let mut renamed = minimal(&world);
    renamed["IdentityInfo"]["LastName"] = json!("Userson");
    assert_eq!(
        calls_of(&world, world.update_event(&arn, minimal(&world), renamed)).await,
        ["DescribeUser", "UpdateUserIdentityInfo"]
    );
}

/// A stack creating many users at once sends its requests together: they wait for the first one's answer
/// instead of each asking.
#[tokio::test]
async fn describe_instance_is_asked_once_by_requests_that_arrive_together() {
    let world = std::sync::Arc::new(World::start().await);
    world.emulator.set_latency("DescribeInstance", std::time::Duration::from_millis(300));
    let mut requests = tokio::task::JoinSet::new();
    for n in 0..10 {
        let mut props = minimal(&world);
        props["Username"] = json!(format!("together.{n}"));
        let (world, event) = (world.clone(), world.create_event(props));
        requests.spawn(async move { world.invoke(event).await });
    }
    while let Some(result) = requests.join_next().await {
        assert!(matches!(result, Ok(Ok(_))), "{result:?}");
    }
    let asked = world.emulator.calls().into_iter().filter(|c| c.operation == "DescribeInstance").count();
    assert_eq!(asked, 1, "DescribeInstance was asked {asked} times");
    assert_eq!(world.emulator.user_count(), 10);
}

#[tokio::test]
async fn a_replayed_create_reads_and_writes_nothing_more() {
    let world = World::start().await;
    let event = world.create_event(world.john());
    calls_of(&world, event.clone()).await;
    assert_eq!(calls_of(&world, event).await, ["CreateUser (409)", "SearchUsers", "DescribeUser"]);
}

#[tokio::test]
async fn a_no_op_update_is_one_read_per_family_read() {
    assert_eq!(update_calls(|_, _| {}).await, ["DescribeUser", "ListUserProficiencies"]);
    let world = World::start().await;
    let arn = world.create_john().await;
    assert_eq!(calls_of(&world, world.update_event(&arn, world.john(), world.john())).await, ["DescribeUser"]);
}

#[tokio::test]
async fn each_update_family_is_one_read_and_one_write() {
    let read = ["DescribeUser", "ListUserProficiencies"];
    let expect = |write: &str| read.iter().map(|s| s.to_string()).chain([write.to_owned()]).collect::<Vec<_>>();
    assert_eq!(
        update_calls(|_, p| p["IdentityInfo"]["LastName"] = json!("Roe")).await,
        expect("UpdateUserIdentityInfo")
    );
    // PhoneConfig travels as VOICE entries of UpdateUserConfig: UpdateUserPhoneConfig would rewrite every
    // channel's after-contact-work limit (docs/real-connect.md §3).
    assert_eq!(update_calls(|_, p| p["PhoneConfig"]["AutoAccept"] = json!("false")).await, expect("UpdateUserConfig"));
    assert_eq!(
        update_calls(|_, p| p["VoiceEnhancementConfigs"] =
            json!([{"Channel": "VOICE", "VoiceEnhancementMode": "NOISE_SUPPRESSION"}]))
        .await,
        expect("UpdateUserConfig")
    );
    assert_eq!(
        update_calls(|w, p| p["RoutingProfileArn"] =
            json!(format!("{}/routing-profile/{}", w.instance(), Seed::ROUTING_PROFILE_1_SALES)))
        .await,
        expect("UpdateUserRoutingProfile")
    );
    assert_eq!(
        update_calls(
            |w, p| p["HierarchyGroupArn"] = json!(format!("{}/agent-group/{}", w.instance(), Seed::HIERARCHY_GROUP_2))
        )
        .await,
        expect("UpdateUserHierarchy")
    );
    assert_eq!(
        update_calls(|w, p| p["SecurityProfileArns"].as_array_mut().unwrap().push(json!(format!(
            "{}/security-profile/{}",
            w.instance(),
            Seed::SECURITY_PROFILE_QA
        ))))
        .await,
        expect("UpdateUserSecurityProfiles")
    );
    assert_eq!(
        update_calls(|_, p| p["UserProficiencies"][0]["Level"] = json!("4")).await,
        expect("UpdateUserProficiencies")
    );
    assert_eq!(update_calls(|_, p| p["Tags"][0]["Value"] = json!("sales")).await, expect("TagResource"));
}

/// The read is for the owner tag: a user handed over to another resource is left in place.
#[tokio::test]
async fn a_delete_is_one_read_and_one_call() {
    let world = World::start().await;
    let arn = world.create_john().await;
    assert_eq!(calls_of(&world, world.delete_event(&arn, world.john())).await, ["DescribeUser", "DeleteUser"]);
}
