//! Names in place of ARNs, through real HTTP: one template deploys to two instances whose ARNs differ; a name that
//! matches nothing or several things fails before any write, naming the property and the closest names; names are
//! searched once per execution environment, however many users share them; renaming a profile is not drift, and a
//! profile made again under its name is an update, not an error.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use cfn_connect_user::app::NAME_TTL;
use connect_emulator::connect::Seed;
use serde_json::{Value, json};

use crate::support::{PASSWORD, World};

/// Connect's three name searches.
const SEARCHES: [&str; 3] = ["SearchRoutingProfiles", "SearchSecurityProfiles", "SearchUserHierarchyGroups"];

/// A user of `instance` placed by names only.
fn named(instance: &str, username: &str) -> Value {
    json!({
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:cfn-connect-user",
        "InstanceArn": instance,
        "Username": username,
        "Password": PASSWORD,
        "RoutingProfileName": "Sales",
        "SecurityProfileNames": ["Agent", "QualityAnalyst"],
        "HierarchyGroupPath": "Europe/Berlin/Team 4",
        "IdentityInfo": {"FirstName": "Jane", "LastName": "Roe"},
    })
}

fn searches(world: &World) -> Vec<String> {
    world.emulator.calls().into_iter().map(|c| c.operation).filter(|op| SEARCHES.contains(&op.as_str())).collect()
}

#[tokio::test]
async fn one_template_by_names_makes_the_same_user_in_two_instances_whose_arns_differ() {
    let world = World::start().await;
    let seed = Seed::new();
    for (instance, routing, security, group) in [
        (
            Seed::INSTANCE_1,
            Seed::ROUTING_PROFILE_1_SALES,
            [Seed::SECURITY_PROFILE_AGENT, Seed::SECURITY_PROFILE_QA],
            Seed::HIERARCHY_GROUP_1,
        ),
        (
            Seed::INSTANCE_2,
            Seed::INSTANCE_2_ROUTING_PROFILE_SALES,
            [Seed::INSTANCE_2_SECURITY_PROFILE, Seed::INSTANCE_2_SECURITY_PROFILE_QA],
            Seed::INSTANCE_2_HIERARCHY_GROUP,
        ),
    ] {
        let instance_arn = seed.instance_arn(instance);
        let response = world.send(world.create_event(named(&instance_arn, "jane.roe"))).await;
        assert_eq!(response.status(), "SUCCESS", "{instance}: {:?}", response.reason());
        let user = world.user(response.physical_id().unwrap());
        assert_eq!(user["RoutingProfileId"], routing, "{instance}");
        let mut profiles: Vec<&str> =
            user["SecurityProfileIds"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        profiles.sort();
        assert_eq!(profiles, security, "{instance}");
        assert_eq!(user["HierarchyGroupId"], group, "{instance}: the path, not the other \"Team 4\"");
        // GetAtt gives the ARNs the names resolved to.
        let routing_arn = seed.routing_profile_arn(instance, routing);
        assert_eq!(response.data_value("RoutingProfileArn"), Some(routing_arn.as_str()));
        let security_arns: Vec<String> = security.iter().map(|s| seed.security_profile_arn(instance, s)).collect();
        assert_eq!(response.data_value("SecurityProfileArns"), Some(security_arns.join(",").as_str()));
        let group_arn = format!("{instance_arn}/agent-group/{group}");
        assert_eq!(response.data_value("HierarchyGroupArn"), Some(group_arn.as_str()));
    }
}

#[tokio::test]
async fn a_name_that_matches_nothing_or_several_things_fails_before_any_write_naming_the_closest() {
    let world = World::start().await;
    let mut properties = named(&world.instance(), "jane.roe");
    properties["RoutingProfileName"] = json!("sales");
    properties["HierarchyGroupPath"] = json!("Europe/Berlin/Team 5");
    world.emulator.clear_calls();
    let response = world.send(world.create_event(properties.clone())).await;
    assert_eq!(response.status(), "FAILED");
    let reason = response.reason().unwrap();
    assert!(reason.contains("RoutingProfileName") && reason.contains("\"sales\""), "{reason}");
    assert!(reason.contains("\"Sales\""), "the closest name, with its case: {reason}");
    assert!(reason.contains("HierarchyGroupPath") && reason.contains("\"Europe/Berlin/Team 4\""), "{reason}");
    assert_eq!(world.emulator.write_calls(), Vec::<String>::new(), "no write");

    // Two profiles called "Sales": neither is guessed.
    world.emulator.add_routing_profile(Seed::INSTANCE_1, "Sales").unwrap();
    properties["RoutingProfileName"] = json!("Sales");
    properties["HierarchyGroupPath"] = json!("Europe/Berlin/Team 4");
    let response = world.send(world.create_event(properties)).await;
    assert_eq!(response.status(), "FAILED");
    let reason = response.reason().unwrap();
    assert!(reason.contains("RoutingProfileName") && reason.contains("\"Sales\""), "{reason}");
    assert!(reason.contains("2 routing profiles"), "{reason}");
    assert!(reason.contains("RoutingProfileArn"), "what to do instead: {reason}");
    assert_eq!(world.emulator.write_calls(), Vec::<String>::new(), "no write");
    assert_eq!(world.emulator.user_count(), 0);
}

#[tokio::test]
async fn a_name_fixed_in_the_console_is_seen_by_the_next_request() {
    let world = World::start().await;
    let mut properties = named(&world.instance(), "jane.roe");
    properties["RoutingProfileName"] = json!("Outbound");
    let response = world.send(world.create_event(properties.clone())).await;
    assert_eq!(response.status(), "FAILED");
    let outbound = world.emulator.add_routing_profile(Seed::INSTANCE_1, "Outbound").unwrap();
    let response = world.send(world.create_event(properties)).await;
    assert_eq!(response.status(), "SUCCESS", "a miss is not kept: {:?}", response.reason());
    assert_eq!(response.data_value("RoutingProfileArn"), Some(outbound.as_str()));
}

#[tokio::test]
async fn five_hundred_users_sharing_five_profiles_search_each_name_once_per_execution_environment() {
    const USERS: usize = 500;
    let world = World::start().await;
    let profiles = ["Inbound", "Outbound", "Chat", "Escalations", "Sales"];
    for name in &profiles[..4] {
        world.emulator.add_routing_profile(Seed::INSTANCE_1, name).unwrap();
    }
    world.emulator.clear_calls();
    for n in 0..USERS {
        let mut properties = named(&world.instance(), &format!("agent{n:04}"));
        properties["RoutingProfileName"] = json!(profiles[n % profiles.len()]);
        properties["HierarchyGroupPath"] =
            json!(if n % 2 == 0 { "Europe/Berlin/Team 4" } else { "Europe/Paris/Team 4" });
        let response = world.send(world.create_event(properties)).await;
        assert_eq!(response.status(), "SUCCESS", "{n}: {:?}", response.reason());
    }
    let calls = world.emulator.calls();
    let count = |op: &str| calls.iter().filter(|c| c.operation == op).count();
    // Five routing profiles, two security profiles, two hierarchy paths (one search each: by the last level's name).
    assert_eq!(count("SearchRoutingProfiles"), 5);
    assert_eq!(count("SearchSecurityProfiles"), 2);
    assert_eq!(count("SearchUserHierarchyGroups"), 2);
    assert_eq!(searches(&world).len(), 9, "at most one read per distinct name, within {NAME_TTL:?}");
    assert_eq!(world.emulator.user_count(), USERS);
    // Every read of the 500 Creates: the nine searches and one DescribeInstance (README, "Performance").
    assert_eq!(calls.iter().filter(|c| !c.is_write()).count(), 10);
}

#[tokio::test]
async fn a_renamed_profile_is_not_drift_and_pointing_at_another_name_is_an_update() {
    let world = World::start().await;
    let properties = named(&world.instance(), "jane.roe");
    let arn = world.create_john_with(properties.clone()).await;

    // Renamed in the console: the user still points at it; the template's name no longer resolves, which is
    // said, and nothing is changed.
    world.emulator.rename_routing_profile(Seed::INSTANCE_1, Seed::ROUTING_PROFILE_1_SALES, "Sales EMEA").unwrap();
    let mut reconcile = properties.clone();
    reconcile["ReconcileToken"] = json!("1");
    world.emulator.clear_calls();
    let cached = world.send(world.update_event(&arn, properties.clone(), reconcile.clone())).await;
    assert_eq!(cached.status(), "SUCCESS", "the name kept from the Create still names it: {:?}", cached.reason());
    assert_eq!(world.emulator.write_calls(), Vec::<String>::new(), "no drift");

    // The template follows the rename: the same ARN, no write.
    let mut renamed = reconcile.clone();
    renamed["RoutingProfileName"] = json!("Sales EMEA");
    world.emulator.clear_calls();
    let response = world.send(world.update_event(&arn, reconcile, renamed.clone())).await;
    assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
    assert_eq!(world.emulator.write_calls(), Vec::<String>::new(), "the same profile under its new name");

    // Another name: an update to that profile.
    let mut other = renamed.clone();
    other["RoutingProfileName"] = json!("Basic Routing Profile");
    world.emulator.clear_calls();
    let response = world.send(world.update_event(&arn, renamed, other)).await;
    assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
    assert_eq!(world.emulator.write_calls(), ["UpdateUserRoutingProfile"]);
    assert_eq!(world.user(&arn)["RoutingProfileId"], Seed::ROUTING_PROFILE_1);
}

#[tokio::test]
async fn a_profile_made_again_under_its_name_is_an_update_not_an_error() {
    let world = World::start().await;
    let properties = named(&world.instance(), "jane.roe");
    let arn = world.create_john_with(properties.clone()).await;
    let mut moved = properties.clone();
    moved["RoutingProfileName"] = json!("Basic Routing Profile");
    assert_eq!(world.send(world.update_event(&arn, properties.clone(), moved.clone())).await.status(), "SUCCESS");

    // "Sales" deleted and made again: a new ARN under the name this environment has kept.
    world.emulator.delete_routing_profile(Seed::INSTANCE_1, Seed::ROUTING_PROFILE_1_SALES).unwrap();
    let sales = world.emulator.add_routing_profile(Seed::INSTANCE_1, "Sales").unwrap();
    world.emulator.clear_calls();
    let response = world.send(world.update_event(&arn, moved, properties)).await;
    assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
    assert_eq!(response.data_value("RoutingProfileArn"), Some(sales.as_str()));
    assert!(sales.ends_with(world.user(&arn)["RoutingProfileId"].as_str().unwrap()), "{sales}");
    assert!(searches(&world).contains(&"SearchRoutingProfiles".to_owned()), "searched again once the kept one failed");
}
