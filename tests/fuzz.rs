//! Long-running fuzzing of the pure request path — envelope, request, properties, old template, response
//! document — on arbitrary JSON, biased towards the real field names. Ignored by default:
//! `PROPTEST_CASES=200000 cargo test --release --test tests fuzz -- --ignored --nocapture`.
//! (The in-process `protocol::never_silent` property covers the whole handler on every `cargo test`.)

use cfn_connect_user::core::event::{Envelope, Payload, Request, unwrap_sns};
use cfn_connect_user::core::props;
use cfn_connect_user::core::response::{self, MAX_BODY_BYTES, Outcome};
use proptest::prelude::*;
use serde_json::Value;

const NAMES: &[&str] = &[
    "RequestType",
    "ResponseURL",
    "StackId",
    "RequestId",
    "LogicalResourceId",
    "PhysicalResourceId",
    "ResourceProperties",
    "OldResourceProperties",
    "ServiceTimeout",
    "Records",
    "Sns",
    "Message",
    "InstanceArn",
    "Username",
    "Password",
    "RoutingProfileArn",
    "SecurityProfileArns",
    "IdentityInfo",
    "PhoneConfig",
    "PhoneType",
    "AutoAccept",
    "AfterContactWorkTimeLimit",
    "AutoAcceptConfigs",
    "AfterContactWorkConfigs",
    "AfterContactWorkConfig",
    "PhoneNumberConfigs",
    "Channel",
    "Tags",
    "Key",
    "Value",
    "UserProficiencies",
    "Level",
    "AttributeName",
    "AttributeValue",
    "AdoptExisting",
];

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        any::<String>().prop_map(Value::from),
        prop::sample::select(vec![
            "Create",
            "Update",
            "Delete",
            "true",
            "FALSE",
            "120",
            "-1",
            "2.5",
            "NaN",
            "VOICE",
            "SOFT_PHONE",
            "arn:aws:connect:us-east-1:123456789012:instance/i",
            "arn:aws:connect:us-east-1:123456789012:instance/i/agent/u",
            "https://h/p?X-Amz-Date=20261128T000000Z&X-Amz-Expires=60",
            "aws:tag",
            "😀é",
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(
                prop_oneof![prop::sample::select(NAMES.to_vec()).prop_map(str::to_owned), any::<String>()],
                inner,
                0..8
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    #[ignore = "long-running: PROPTEST_CASES=200000 cargo test --release --test tests fuzz -- --ignored"]
    fn the_request_path_never_panics_and_always_fits(payload in json()) {
        for payload in unwrap_sns(Payload::from_value(payload)).into_iter().flatten() {
            let envelope = Envelope::read(&payload.value);
            let reason = match Request::from_payload(&payload) {
                Err(e) => e.to_string(),
                Ok(request) => {
                    let _ = props::old_template(&request.old_properties);
                    match props::parse(&request.properties) {
                        Ok(spec) => format!("{spec:?}"),
                        Err(e) => e.to_string(),
                    }
                }
            };
            let body = response::body(&envelope, &Outcome::Failed { physical_id: String::new(), reason });
            prop_assert!(body.len() <= MAX_BODY_BYTES);
            prop_assert!(serde_json::from_slice::<Value>(&body).is_ok());
        }
    }
}
