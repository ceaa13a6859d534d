//! Traffic distribution groups (Global Resiliency) through real HTTP: `TrafficDistributionGroupArns` joined on
//! Create, drift repaired, left when the template drops a group and before `DeleteUser`; calls go to each group's home
//! Region; a group that is not `ACTIVE` fails the request in plain words, once, with no user made.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use cfn_connect_user::app::Connect;
use cfn_connect_user::core::arn::{TrafficDistributionGroupArn, UserArn};
use cfn_connect_user::core::plan::Call;
use connect_emulator::TrafficDistributionGroupStatus;
use connect_emulator::connect::{Emulator, Seed};
use serde_json::{Value, json};

use crate::support::{PASSWORD, World, operator};

fn group_arn(id: &str) -> String {
    Seed::new().traffic_distribution_group_arn(id)
}

fn in_group(world: &World, group: &str) -> Value {
    let mut properties = world.john();
    properties["TrafficDistributionGroupArns"] = json!([group]);
    properties
}

#[tokio::test]
async fn a_user_joins_its_groups_has_drift_repaired_leaves_a_dropped_group_and_leaves_before_it_is_deleted() {
    let world = World::start().await;
    let group = group_arn(Seed::TRAFFIC_DISTRIBUTION_GROUP_1);
    let properties = in_group(&world, &group);
    world.emulator.clear_calls();
    let arn = world.create_john_with(properties.clone()).await;
    assert_eq!(world.emulator.traffic_distribution_groups_of(&arn), std::slice::from_ref(&group));
    assert_eq!(
        world.emulator.write_calls(),
        ["CreateUser", "AssociateTrafficDistributionGroupUser"],
        "joined after CreateUser, which has no field for it"
    );

    // Someone takes the agent out of the group in the console: the next reconciliation puts it back.
    let user = UserArn::parse(&arn).unwrap();
    let leave = Call::LeaveTrafficDistributionGroup(TrafficDistributionGroupArn::parse(&group).unwrap());
    operator(&world).apply(&user, &leave).await.unwrap();
    assert!(world.emulator.traffic_distribution_groups_of(&arn).is_empty());
    let mut reconcile = properties.clone();
    reconcile["ReconcileToken"] = json!("1");
    world.emulator.clear_calls();
    let response = world.send(world.update_event(&arn, properties.clone(), reconcile.clone())).await;
    assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
    assert_eq!(world.emulator.write_calls(), ["AssociateTrafficDistributionGroupUser"]);
    assert_eq!(world.emulator.traffic_distribution_groups_of(&arn), std::slice::from_ref(&group));

    // In the group already: nothing to do.
    let mut again = reconcile.clone();
    again["ReconcileToken"] = json!("2");
    world.emulator.clear_calls();
    assert_eq!(world.send(world.update_event(&arn, reconcile.clone(), again.clone())).await.status(), "SUCCESS");
    assert_eq!(world.emulator.write_calls(), Vec::<String>::new());

    // The template drops the group: the user leaves it.
    let mut dropped = again.clone();
    dropped.as_object_mut().unwrap().remove("TrafficDistributionGroupArns");
    world.emulator.clear_calls();
    assert_eq!(world.send(world.update_event(&arn, again.clone(), dropped.clone())).await.status(), "SUCCESS");
    assert_eq!(world.emulator.write_calls(), ["DisassociateTrafficDistributionGroupUser"]);
    assert!(world.emulator.traffic_distribution_groups_of(&arn).is_empty());

    // Back in it, then deleted: Connect deletes no user that is still in a group, so it leaves first.
    world.emulator.clear_calls();
    assert_eq!(world.send(world.update_event(&arn, dropped, again.clone())).await.status(), "SUCCESS");
    world.emulator.clear_calls();
    let deleted = world.send(world.delete_event(&arn, again)).await;
    assert_eq!(deleted.status(), "SUCCESS", "{:?}", deleted.reason());
    assert_eq!(world.emulator.write_calls(), ["DisassociateTrafficDistributionGroupUser", "DeleteUser"]);
    assert_eq!(world.emulator.user_count(), 0);
    assert_eq!(world.emulator.traffic_distribution_group_users(&group), Some(vec![]));
}

#[tokio::test]
async fn a_group_that_is_not_active_fails_the_request_once_in_plain_words_with_no_user_made() {
    let world = World::start().await;
    let group = group_arn(Seed::TRAFFIC_DISTRIBUTION_GROUP_1);
    world
        .emulator
        .set_traffic_distribution_group_status(&group, TrafficDistributionGroupStatus::PendingDeletion)
        .unwrap();
    world.emulator.clear_calls();
    let response = world.send(world.create_event(in_group(&world, &group))).await;
    assert_eq!(response.status(), "FAILED");
    let reason = response.reason().unwrap();
    assert!(reason.contains("TrafficDistributionGroupArns[0]"), "{reason}");
    assert!(
        reason.contains(&group) && reason.contains("PENDING_DELETION") && reason.contains("not ACTIVE"),
        "{reason}"
    );
    assert_eq!(world.emulator.write_calls(), Vec::<String>::new(), "no user made");
    let describes = world.emulator.calls().iter().filter(|c| c.operation == "DescribeTrafficDistributionGroup").count();
    assert_eq!(describes, 1, "asked once, never a retry loop");

    // An existing user's Update that would join it: refused the same way, the user untouched.
    world.emulator.set_traffic_distribution_group_status(&group, TrafficDistributionGroupStatus::Active).unwrap();
    let arn = world.create_john().await;
    world
        .emulator
        .set_traffic_distribution_group_status(&group, TrafficDistributionGroupStatus::UpdateInProgress)
        .unwrap();
    world.emulator.clear_calls();
    let response = world.send(world.update_event(&arn, world.john(), in_group(&world, &group))).await;
    assert_eq!(response.status(), "FAILED");
    assert!(response.reason().unwrap().contains("UPDATE_IN_PROGRESS"), "{:?}", response.reason());
    assert_eq!(world.emulator.write_calls(), Vec::<String>::new());
}

#[tokio::test]
async fn a_group_is_joined_in_its_home_region() {
    let emulator = Emulator::builder().region_check(true).start().await.unwrap();
    let world = World::on(emulator, cfn_connect_user::app::Mode::Respond).await;
    let seed = Seed::new();
    let instance = seed.instance_arn(Seed::INSTANCE_EU);
    let group = group_arn(Seed::TRAFFIC_DISTRIBUTION_GROUP_EU);
    assert!(group.contains(":eu-west-2:"), "{group}");
    let properties = json!({
        "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:cfn-connect-user",
        "InstanceArn": instance,
        "Username": "jane.roe",
        "Password": PASSWORD,
        "RoutingProfileArn": seed.routing_profile_arn(Seed::INSTANCE_EU, Seed::INSTANCE_EU_ROUTING_PROFILE),
        "SecurityProfileArns": [seed.security_profile_arn(Seed::INSTANCE_EU, Seed::INSTANCE_EU_SECURITY_PROFILE)],
        "IdentityInfo": {"FirstName": "Jane", "LastName": "Roe"},
        "TrafficDistributionGroupArns": [group],
    });
    let arn = world.create_john_with(properties).await;
    assert_eq!(world.emulator.traffic_distribution_groups_of(&arn), [group]);
}
