//! `ReconcileToken` (docs/connect-user.md §4.7): an Update that changes only the token reads the live user,
//! repairs drift, and writes nothing when there is none.

#![allow(clippy::unwrap_used)]

use cfn_connect_user::adapters::SdkConnect;
use cfn_connect_user::app::Connect;
use cfn_connect_user::core::arn::{ResourceKind, UserArn};
use cfn_connect_user::core::model::IdentityInfo;
use cfn_connect_user::core::plan::Call;
use cfn_connect_user::core::props;
use connect_emulator::connect::Seed;
use serde_json::{Value, json};

use crate::support::World;

fn with_token(world: &World, token: &str) -> Value {
    let mut props = world.john();
    props["ReconcileToken"] = json!(token);
    props
}

#[tokio::test]
async fn a_new_reconcile_token_alone_repairs_drift() {
    // Given a user changed by hand
    let world = World::start().await;
    let arn = world.create_john_with(with_token(&world, "2026-12-01")).await;
    let user = UserArn::parse(&arn).unwrap();
    let outside = SdkConnect::for_endpoint(&world.emulator.endpoint_url(), "us-east-1");
    let sales = props::parse(&world.john())
        .unwrap()
        .instance
        .child(ResourceKind::RoutingProfile, Seed::ROUTING_PROFILE_1_SALES);
    outside.apply(&user, &Call::UpdateRoutingProfile(sales)).await.unwrap();
    let renamed = IdentityInfo { last_name: Some("Changed-By-Hand".into()), ..Default::default() };
    outside.apply(&user, &Call::UpdateIdentityInfo(renamed)).await.unwrap();
    world.emulator.clear_calls();

    // When only the token changes
    let update = world.update_event(&arn, with_token(&world, "2026-12-01"), with_token(&world, "2026-12-02"));
    let response = world.send(update).await;

    // Then the drift is repaired, with exactly the calls it needs, and the token never reached Connect
    assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
    assert_eq!(response.physical_id(), Some(arn.as_str()));
    let repaired = world.user(&arn);
    assert_eq!(repaired["RoutingProfileId"], Seed::ROUTING_PROFILE_1);
    assert_eq!(repaired["IdentityInfo"]["LastName"], "Doe");
    assert_eq!(world.emulator.write_calls(), ["UpdateUserIdentityInfo", "UpdateUserRoutingProfile"]);
    assert!(!repaired.to_string().contains("2026-12-0"), "the token is not stored in Connect: {repaired}");
}

#[tokio::test]
async fn a_new_reconcile_token_without_drift_writes_nothing() {
    let world = World::start().await;
    let arn = world.create_john_with(with_token(&world, "run-1")).await;
    world.emulator.clear_calls();

    let response = world.send(world.update_event(&arn, with_token(&world, "run-1"), with_token(&world, "run-2"))).await;

    assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
    assert!(world.emulator.write_calls().is_empty(), "{:?}", world.emulator.write_calls());
    assert!(world.emulator.calls().iter().any(|c| c.operation == "DescribeUser"), "the live user was read");
}
