//! The custom-resource protocol (docs/protocol.md): exactly one well-formed response per request, on time,
//! whatever happens — bad events, panics, deadlines — and provider mode. What the response PUT meets on its way
//! (S3's answers, unreachable, refused or expiring URLs) is proved in `put`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, SystemTime};

use cfn_connect_user::adapters::{HttpSender, SdkConnect, http_client};
use cfn_connect_user::app::{Connect, Handler, HandlerError, Invocation, Mode};
use cfn_connect_user::core::arn::UserArn;
use cfn_connect_user::core::backoff::Backoff;
use cfn_connect_user::core::response_url::UrlPolicy;
use connect_emulator::connect::Fault;
use connect_emulator::receiver::{Mark, Recorded};
use serde_json::{Value, json};

use crate::support::{PanicsOn, World, assert_timed_out_before, request_id};

async fn failed_reason(world: &World, event: Value) -> String {
    let response = world.send(event).await;
    assert_eq!(response.status(), "FAILED", "{}", response.body_text());
    response.reason().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn every_broken_request_is_answered_failed_with_a_reason() {
    let world = World::start().await;
    type Breakage = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Breakage, &str)> = vec![
        ("unknown RequestType", Box::new(|e| e["RequestType"] = json!("Upsert")), "unknown RequestType \"Upsert\""),
        ("RequestType not a string", Box::new(|e| e["RequestType"] = json!(3)), "unknown RequestType"),
        ("no RequestType", Box::new(|e| drop(e.as_object_mut().unwrap().remove("RequestType"))), "no RequestType"),
        (
            "properties a string",
            Box::new(|e| e["ResourceProperties"] = json!("Username=x")),
            "ResourceProperties must be a JSON object",
        ),
        (
            "no properties",
            Box::new(|e| drop(e.as_object_mut().unwrap().remove("ResourceProperties"))),
            "no ResourceProperties",
        ),
        ("no StackId", Box::new(|e| drop(e.as_object_mut().unwrap().remove("StackId"))), "no StackId"),
        ("bad ServiceTimeout", Box::new(|e| e["ServiceTimeout"] = json!("soon")), "ServiceTimeout"),
        (
            "wrong property type",
            Box::new(|e| e["ResourceProperties"]["PhoneConfig"]["PhoneType"] = json!("SOFTPHONE")),
            "PhoneConfig.PhoneType",
        ),
        ("unknown property", Box::new(|e| e["ResourceProperties"]["Nickname"] = json!("jd")), "Nickname"),
    ];
    for (name, break_it, expected) in cases {
        let mut event = world.create_event(world.john());
        break_it(&mut event);
        let reason = failed_reason(&world, event).await;
        assert!(reason.contains(expected), "{name}: {reason}");
    }
    assert_eq!(world.emulator.user_count(), 0, "no user is created from a broken request");
}

#[tokio::test]
async fn an_update_without_old_properties_keeps_its_physical_id() {
    let world = World::start().await;
    let mut event =
        world.update_event("arn:aws:connect:us-east-1:123456789012:instance/i/agent/u", json!({}), world.john());
    event.as_object_mut().unwrap().remove("OldResourceProperties");
    let response = world.send(event).await;
    assert_eq!(response.status(), "FAILED");
    assert_eq!(response.physical_id(), Some("arn:aws:connect:us-east-1:123456789012:instance/i/agent/u"));
}

#[tokio::test]
async fn unknown_top_level_fields_are_tolerated() {
    let world = World::start().await;
    let mut event = world.create_event(world.john());
    event["ServiceTimeout"] = json!("120");
    event["SomeFieldAddedIn2030"] = json!({"nested": [1, 2]});
    let response = world.send(event).await;
    assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
}

/// Runs `handler` (not the World's) on `event` and returns the one response it PUT, delivered.
async fn send_through<C: Connect>(world: &World, handler: &Handler<C, HttpSender>, event: Value) -> Recorded {
    let id = request_id(&event).to_owned();
    let mark = world.receiver.mark();
    let started = SystemTime::now();
    let result = handler.handle(event, Invocation::new(started, started + Duration::from_secs(60))).await;
    assert!(result.is_ok(), "{result:?}");
    world.receiver.sole_response_since(mark, &id, 1)
}

#[tokio::test]
async fn a_panic_is_answered_failed_and_keeps_the_created_users_id() {
    let world = World::start().await;
    let connect = PanicsOn::new(
        SdkConnect::for_endpoint(&world.emulator.endpoint_url(), "us-east-1"),
        "AssociateUserProficiencies",
    );
    let handler = Handler::new(connect, HttpSender::new(http_client().unwrap(), Backoff::default()), Mode::Respond)
        .with_url_policy(UrlPolicy { allow_loopback: true });
    let mut props = world.john();
    props["UserProficiencies"] = json!([{"AttributeName": "Language", "AttributeValue": "Spanish", "Level": "3"}]);
    let response = send_through(&world, &handler, world.create_event(props)).await;
    assert_eq!(response.status(), "FAILED");
    let reason = response.reason().unwrap_or_default();
    assert!(reason.contains("panicked") && reason.contains("calling AssociateUserProficiencies"), "{reason}");
    // The user exists, so the rollback's Delete must be able to find it.
    let id = response.physical_id().unwrap_or_default();
    assert!(UserArn::parse(id).is_ok() && world.emulator.describe(id).is_some(), "{id}");
}

#[tokio::test]
async fn a_panic_before_any_user_answers_with_the_marker_id() {
    let world = World::start().await;
    let connect = PanicsOn::new(SdkConnect::for_endpoint(&world.emulator.endpoint_url(), "us-east-1"), "CreateUser");
    let handler = Handler::new(connect, HttpSender::new(http_client().unwrap(), Backoff::default()), Mode::Respond)
        .with_url_policy(UrlPolicy { allow_loopback: true });
    let event = world.create_event(world.john());
    let marker = format!("AgentJohnDoe-create-failed-{}", request_id(&event));
    let response = send_through(&world, &handler, event).await;
    assert_eq!(response.status(), "FAILED");
    assert_eq!(response.physical_id(), Some(marker.as_str()));
}

async fn slow_create_world() -> World {
    let world = World::start().await;
    world.emulator.set_latency("CreateUser", Duration::from_secs(120));
    world
}

#[tokio::test]
async fn the_lambda_deadline_is_answered_before_it_passes() {
    let world = slow_create_world().await;
    // Budgets of several seconds: the answer is due a quarter of the budget (at most 3 s) before the deadline, so
    // a two-core machine busy with a build still has seconds of slack, never milliseconds.
    let deadline = SystemTime::now() + Duration::from_secs(8);
    let response = world.send_before(world.create_event(world.john()), deadline).await;
    assert_timed_out_before(&response, deadline, "the Lambda function's timeout");
}

#[tokio::test]
async fn service_timeout_is_answered_before_it_passes() {
    let world = slow_create_world().await;
    let mut event = world.create_event(world.john());
    event["ServiceTimeout"] = json!("8");
    let started = SystemTime::now();
    let response = world.send(event).await;
    assert_timed_out_before(&response, started + Duration::from_secs(8), "ServiceTimeout");
}

#[tokio::test]
async fn service_timeout_counts_from_when_cloudformation_signed_the_request() {
    // Signed 6 s before the function got it (an SNS hop, a retry): of a 12 s ServiceTimeout, 6 s are left.
    let world = slow_create_world().await;
    let signed = SystemTime::now() - Duration::from_secs(6);
    let mut event = world.create_event(world.john());
    event["ResponseURL"] = json!(world.receiver.url_sigv4_signed_at(signed, Duration::from_secs(3600)));
    event["ServiceTimeout"] = json!("12");
    let response = world.send(event).await;
    // Counted from the start instead, the answer would come about 9 s after it, past this bound.
    assert_timed_out_before(&response, signed + Duration::from_secs(12), "ServiceTimeout");
}

#[tokio::test]
async fn a_20_kb_reason_with_multibyte_characters_fits_in_4096_bytes() {
    let world = World::start().await;
    let mut props = world.john();
    // 400 invalid tags with multi-byte keys: a validation reason far over 20 KB.
    props["Tags"] =
        json!((0..400).map(|i| json!({"Key": format!("aws:ключ-{i}-😀"), "Value": "v"})).collect::<Vec<_>>());
    let response = world.send(world.create_event(props)).await;
    assert_eq!(response.status(), "FAILED");
    assert!(response.body.len() <= 4096, "{}", response.body.len());
    let reason = response.reason().unwrap_or_default();
    assert!(reason.starts_with("invalid properties: ") && reason.ends_with("[…]"), "{reason}");
}

#[tokio::test]
async fn every_sns_record_is_answered() {
    let world = World::start().await;
    let mut second = world.john();
    second["Username"] = json!("jane.roe");
    let events = [world.create_event(world.john()), world.create_event(second)];
    let payload = json!({"Records": [
        {"EventSource": "aws:sns", "Sns": {"Message": events[0].to_string()}},
        {"EventSource": "aws:sns", "Sns": {"Message": events[1].to_string()}},
    ]});
    world.invoke(payload).await.unwrap();
    // Once the invocation has returned, every PUT it made is recorded: one per record, each delivered.
    let responses = world.receiver.responses();
    assert_eq!(responses.len(), 2, "one PUT per record: {responses:#?}");
    for event in &events {
        let ours: Vec<_> = responses.iter().filter(|r| r.request_id() == Some(request_id(event))).collect();
        assert!(ours.len() == 1 && ours[0].is_delivered() && ours[0].status() == "SUCCESS", "{ours:#?}");
    }
    assert_eq!(world.emulator.user_count(), 2);
}

#[tokio::test]
async fn provider_mode_returns_the_result_and_puts_nothing() {
    let world = World::with_mode(Mode::Return).await;
    let result = world.invoke(world.create_event(world.john())).await.unwrap();
    let id = result["PhysicalResourceId"].as_str().unwrap();
    assert!(UserArn::parse(id).is_ok(), "{result}");
    assert_eq!(result["Data"]["UserArn"], id);
    assert_eq!(result["Data"]["Username"], "john.doe");
    assert!(world.receiver.responses().is_empty(), "provider mode must not PUT");
}

#[tokio::test]
async fn provider_mode_fails_the_invocation_with_the_reason() {
    let world = World::with_mode(Mode::Return).await;
    let mut props = world.john();
    props["Tags"] = json!((0..400).map(|i| json!({"Key": format!("aws:{i}"), "Value": "v"})).collect::<Vec<_>>());
    match world.invoke(world.create_event(props)).await {
        Err(HandlerError::Failed(reason)) => {
            assert!(reason.contains("Tags[0].Key"), "{reason}");
            assert!(reason.len() <= 3072, "{}", reason.len());
        }
        other => panic!("expected a failed invocation, got {other:?}"),
    }
    assert!(world.receiver.responses().is_empty());
}

#[tokio::test]
async fn a_request_without_response_url_is_provider_mode() {
    let world = World::start().await;
    let mut event = world.create_event(world.john());
    event.as_object_mut().unwrap().remove("ResponseURL");
    let result = world.invoke(event).await.unwrap();
    assert!(result["PhysicalResourceId"].as_str().is_some_and(|id| UserArn::parse(id).is_ok()), "{result}");
}

#[tokio::test]
async fn connect_throttling_then_success_is_one_success() {
    let world = World::start().await;
    world.emulator.fail_next("CreateUser", 3, Fault::Error(connect_emulator::connect::ErrorCode::Throttling));
    let response = world.send(world.create_event(world.john())).await;
    assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
}

#[tokio::test]
async fn a_delete_with_broken_properties_still_deletes() {
    let world = World::start().await;
    let arn = world.create_john().await;
    let response = world.send(world.delete_event(&arn, json!({"Username": 42, "Bogus": true}))).await;
    assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
    assert!(world.emulator.describe(&arn).is_none());
}

mod never_silent {
    //! No JSON payload makes the handler panic or end without a response when a usable ResponseURL is present.

    use super::*;
    use proptest::prelude::*;

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
            "[ -~]{0,12}".prop_map(Value::from),
            prop_oneof![Just("Create"), Just("Update"), Just("Delete"), Just("true"), Just("120")]
                .prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::btree_map(
                    prop_oneof![
                        Just("RequestType".to_owned()),
                        Just("ResourceProperties".to_owned()),
                        Just("OldResourceProperties".to_owned()),
                        Just("PhysicalResourceId".to_owned()),
                        Just("Username".to_owned()),
                        Just("PhoneConfig".to_owned()),
                        Just("Tags".to_owned()),
                        "[A-Za-z]{1,8}",
                    ],
                    inner,
                    0..5
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, .. ProptestConfig::default() })]

        #[test]
        fn any_payload_with_a_response_url_gets_exactly_one_response(
            mut payload in json_value(),
            kind in 0..4u8,
            oddity in prop::option::of((prop_oneof![Just("ResourceProperties"), Just("OldResourceProperties"), Just("Junk")], 0..3u8, 129..600usize)),
        ) {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                let world = World::start().await;
                if !payload.is_object() {
                    payload = json!({"Junk": payload});
                }
                let object = payload.as_object_mut().unwrap();
                object.insert("ResponseURL".into(), json!(world.receiver.url()));
                if kind > 0 {
                    object.insert("RequestType".into(), json!(["Create", "Update", "Delete"][usize::from(kind - 1)]));
                }
                // What a default JSON parser refuses, placed where the generator says: nesting beyond 128
                // levels, a number out of range, or both.
                let mut text = payload.to_string();
                if let Some((field, what, depth)) = oddity {
                    object_insert_marker(&mut payload, field);
                    let deep = format!("{}1e999{}", "[".repeat(depth), "]".repeat(depth));
                    let odd = match what { 0 => format!("{}0{}", "{\"a\":".repeat(depth), "}".repeat(depth)), 1 => "1e999".to_owned(), _ => deep };
                    text = payload.to_string().replace("\"__ODD__\"", &odd);
                }
                let started = SystemTime::now();
                let result = world.handler.handle_text(&text, Invocation::new(started, started + Duration::from_secs(20))).await;
                prop_assert!(result.is_ok(), "{result:?}");
                // Nothing before it, so the record since the start is this payload's: one PUT, delivered.
                world.receiver.sole_response_since(Mark::default(), request_id(&payload), 1);
                Ok(())
            })?;
        }
    }

    fn object_insert_marker(payload: &mut Value, field: &str) {
        if let Some(object) = payload.as_object_mut() {
            object.insert(field.to_owned(), json!("__ODD__"));
        }
    }
}
