//! The project's requests and responses against `aws_lambda_events`' types: the sample events, a CDK Provider
//! framework request and a full SNS notification read through them, and the documents this handler sends read
//! back with them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use aws_lambda_events::cloudformation::{self as cfn, provider};
use aws_lambda_events::sns::SnsEvent;
use cfn_connect_user::core::event::{Envelope, Payload, Request, RequestType, unwrap_sns};
use cfn_connect_user::core::response::{self, Outcome};
use serde_json::{Value, json};

fn sample(name: &str) -> Value {
    let path = format!("{}/events/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn kind_of(request: &cfn::CloudFormationCustomResourceRequest) -> RequestType {
    match request {
        cfn::CloudFormationCustomResourceRequest::Create(_) => RequestType::Create,
        cfn::CloudFormationCustomResourceRequest::Update(_) => RequestType::Update,
        cfn::CloudFormationCustomResourceRequest::Delete(_) => RequestType::Delete,
        _ => panic!("a request type the crate added"),
    }
}

#[test]
fn every_sample_event_is_a_cloudformation_request_and_reads_the_same_here() {
    for name in ["create.json", "update.json", "delete.json", "create-with-secret.json"] {
        let event = sample(name);
        let typed: cfn::CloudFormationCustomResourceRequest = serde_json::from_value(event.clone()).unwrap();
        let ours = Request::parse(&event).unwrap();
        assert_eq!(ours.kind, kind_of(&typed), "{name}");
        let (properties, physical_id) = match typed {
            cfn::CloudFormationCustomResourceRequest::Create(r) => (r.resource_properties, None),
            cfn::CloudFormationCustomResourceRequest::Update(r) => {
                (r.resource_properties, Some(r.physical_resource_id))
            }
            cfn::CloudFormationCustomResourceRequest::Delete(r) => {
                (r.resource_properties, Some(r.physical_resource_id))
            }
            _ => unreachable!(),
        };
        assert_eq!(ours.properties, properties, "{name}");
        assert_eq!(ours.physical_resource_id, physical_id, "{name}");
        // Back to JSON, the crate's type keeps what the handler needs.
        let round_trip = serde_json::to_value(
            serde_json::from_value::<cfn::CloudFormationCustomResourceRequest>(event.clone()).unwrap(),
        )
        .unwrap();
        assert_eq!(Request::parse(&round_trip).unwrap().properties, ours.properties, "{name}");
        assert_eq!(Envelope::read(&round_trip).request_id, Envelope::read(&event).request_id, "{name}");
    }
}

#[test]
fn a_provider_framework_request_has_no_response_url_and_still_reads() {
    let mut event = sample("update.json");
    event.as_object_mut().unwrap().remove("ResponseURL");
    let typed: provider::CloudFormationCustomResourceRequest = serde_json::from_value(event.clone()).unwrap();
    let provider::CloudFormationCustomResourceRequest::Update(typed) = typed else { panic!("an Update") };
    let ours = Request::parse(&event).unwrap();
    assert_eq!(ours.kind, RequestType::Update);
    assert_eq!(ours.old_properties, typed.old_resource_properties);
    assert_eq!(ours.physical_resource_id.as_deref(), Some(typed.physical_resource_id.as_str()));
}

#[test]
fn a_full_sns_notification_is_read_as_an_sns_event() {
    let request = sample("create.json");
    let notification = json!({"Records": [{
        "EventSource": "aws:sns", "EventVersion": "1.0",
        "EventSubscriptionArn": "arn:aws:sns:us-east-1:123456789012:cfn-connect-user:3c1f0e2a-1b2c-4d5e-8f70-0123456789ab",
        "Sns": {
            "Type": "Notification", "MessageId": "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
            "TopicArn": "arn:aws:sns:us-east-1:123456789012:cfn-connect-user",
            "Subject": "AWS CloudFormation custom resource request", "Message": request.to_string(),
            "Timestamp": "2026-12-02T04:00:00.000Z", "SignatureVersion": "1", "Signature": "EXAMPLE",
            "SigningCertUrl": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000.pem",
            "UnsubscribeUrl": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe", "MessageAttributes": {}
        }
    }]});
    let typed: SnsEvent = serde_json::from_value(notification.clone()).unwrap();
    assert_eq!(typed.records[0].sns.message, request.to_string());
    let unwrapped = unwrap_sns(Payload::from_value(notification));
    assert_eq!(unwrapped, vec![Ok(Payload::from_value(request))]);
}

#[test]
fn the_documents_this_handler_sends_read_back_with_the_crates_types() {
    let event = sample("create.json");
    let envelope = Envelope::read(&event);
    let data = BTreeMap::from([(
        "UserArn".to_owned(),
        "arn:aws:connect:us-east-1:123456789012:instance/i/agent/u".to_owned(),
    )]);
    let success = Outcome::Success { physical_id: data["UserArn"].clone(), data: data.clone() };
    let sent: cfn::CloudFormationCustomResourceResponse =
        serde_json::from_slice(&response::body(&envelope, &success)).unwrap();
    assert_eq!(sent.status, cfn::CloudFormationCustomResourceResponseStatus::Success);
    assert_eq!(sent.physical_resource_id, data["UserArn"]);
    assert_eq!(
        (sent.stack_id, sent.request_id, sent.logical_resource_id),
        (envelope.stack_id.clone(), envelope.request_id.clone(), envelope.logical_resource_id.clone())
    );
    assert_eq!(sent.data.get("UserArn"), data.get("UserArn"));

    let returned: provider::CloudFormationCustomResourceResponse<BTreeMap<String, String>> =
        serde_json::from_value(response::provider_result(&success)).unwrap();
    assert_eq!(returned.physical_resource_id.as_deref(), Some(data["UserArn"].as_str()));
    assert_eq!(returned.data, data);
    assert!(!returned.no_echo);
}

/// What the crate's types refuse is still answered: FAILED, with the reason, by the one response.
#[tokio::test]
async fn a_request_no_typed_struct_accepts_is_still_answered_failed() {
    let world = crate::support::World::start().await;
    for (field, value) in [("ResourceType", json!(42)), ("ServiceToken", json!(["not", "a", "string"]))] {
        let mut event = world.create_event(world.john());
        event[field] = value;
        assert!(serde_json::from_value::<cfn::CloudFormationCustomResourceRequest>(event.clone()).is_err());
        let response = world.send(event).await;
        assert_eq!(response.status(), "FAILED");
        let reason = response.reason().unwrap_or_default();
        assert!(reason.contains("does not have CloudFormation's shape"), "{reason}");
    }
    assert!(world.emulator.write_calls().is_empty());
}
