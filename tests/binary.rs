//! End to end: the real `cfn-connect-user` binary, started as Lambda starts it, under the fake Runtime API,
//! talking to the Connect emulator and answering the response receiver.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Stdio;
use std::time::{Duration, SystemTime};

use cfn_connect_user::core::arn::UserArn;
use connect_emulator::connect::Seed;
use connect_emulator::runtime_api::{FakeRuntime, Invocation};
use serde_json::{Value, json};
use tokio::io::AsyncReadExt;
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

use crate::support::{PASSWORD, World};

/// One Lambda execution environment: the process, its runtime API, and what it logs.
struct Lambda {
    runtime: FakeRuntime,
    child: Child,
    stderr: JoinHandle<String>,
}

impl Lambda {
    async fn start(world: &World, extra_env: &[(&str, &str)]) -> Lambda {
        let runtime = FakeRuntime::start().await.unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_cfn-connect-user"));
        command
            .env_clear()
            .envs(runtime.lambda_env())
            .env("AWS_ENDPOINT_URL_CONNECT", world.emulator.endpoint_url())
            .envs(extra_env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().expect("the binary starts");
        let mut pipe = child.stderr.take().unwrap();
        let stderr = tokio::spawn(async move {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text).await;
            text
        });
        Lambda { runtime, child, stderr }
    }

    async fn invoke(&self, payload: Value, timeout: Duration) -> Invocation {
        let id = self.runtime.invoke(payload, timeout);
        self.runtime.result(&id).await
    }

    /// Stops the process and returns everything it logged.
    async fn logs(mut self) -> String {
        self.child.kill().await.unwrap();
        self.stderr.await.unwrap()
    }
}

const MINUTE: Duration = Duration::from_secs(60);

fn answered(invocation: &Invocation) {
    assert!(matches!(invocation, Invocation::Response(_)), "the invocation failed: {invocation:?}");
}

#[tokio::test]
async fn a_lifecycle_through_the_binary() {
    let world = World::start().await;
    let lambda = Lambda::start(&world, &[]).await;

    answered(&lambda.invoke(world.create_event(world.john()), MINUTE).await);
    let created = world.receiver.next().await;
    assert_eq!(created.status(), "SUCCESS", "{:?}", created.reason());
    let arn = created.physical_id().unwrap().to_owned();
    assert!(UserArn::parse(&arn).is_ok());
    for key in ["UserArn", "UserId", "InstanceArn", "Username"] {
        assert!(created.data_value(key).is_some(), "Data.{key}");
    }

    let mut new = world.john();
    new["RoutingProfileArn"] = json!(format!("{}/routing-profile/{}", world.instance(), Seed::ROUTING_PROFILE_1_SALES));
    new["Tags"] = json!([{"Key": "team", "Value": "sales"}]);
    answered(&lambda.invoke(world.update_event(&arn, world.john(), new), MINUTE).await);
    let updated = world.receiver.next().await;
    assert_eq!((updated.status(), updated.physical_id()), ("SUCCESS", Some(arn.as_str())));
    let user = world.user(&arn);
    assert_eq!(user["RoutingProfileId"], Seed::ROUTING_PROFILE_1_SALES);
    assert_eq!(user["Tags"]["team"], "sales");

    answered(&lambda.invoke(world.delete_event(&arn, world.john()), MINUTE).await);
    let deleted = world.receiver.next().await;
    assert_eq!((deleted.status(), deleted.physical_id()), ("SUCCESS", Some(arn.as_str())));
    assert!(world.emulator.describe(&arn).is_none());
}

#[tokio::test]
async fn bad_events_are_answered_failed_and_garbage_does_not_kill_the_process() {
    let world = World::start().await;
    let lambda = Lambda::start(&world, &[]).await;
    let mut unknown = world.create_event(world.john());
    unknown["RequestType"] = json!("Upsert");
    let mut not_object = world.create_event(world.john());
    not_object["ResourceProperties"] = json!("Username=john");
    let mut invalid = world.create_event(world.john());
    invalid["ResourceProperties"]["PhoneConfig"]["PhoneType"] = json!("SOFTPHONE");
    for (event, expected) in [(unknown, "RequestType"), (not_object, "ResourceProperties"), (invalid, "PhoneConfig.PhoneType")] {
        answered(&lambda.invoke(event, MINUTE).await);
        let response = world.receiver.next().await;
        assert_eq!(response.status(), "FAILED");
        assert!(response.reason().unwrap_or_default().contains(expected), "{:?}", response.reason());
    }

    let garbage = lambda.runtime.invoke_raw(b"{not json".to_vec(), MINUTE);
    assert!(matches!(lambda.runtime.result(&garbage).await, Invocation::Error { .. }));
    answered(&lambda.invoke(world.create_event(world.john()), MINUTE).await);
    assert_eq!(world.receiver.next().await.status(), "SUCCESS", "the process still serves requests");
}

#[tokio::test]
async fn the_deadline_is_answered_before_it_passes() {
    let world = World::start().await;
    world.emulator.set_latency("CreateUser", Duration::from_secs(120));
    let lambda = Lambda::start(&world, &[]).await;
    let deadline = SystemTime::now() + Duration::from_secs(3);
    answered(&lambda.invoke(world.create_event(world.john()), Duration::from_secs(3)).await);
    let response = world.receiver.next().await;
    assert_eq!(response.status(), "FAILED");
    assert!(response.reason().unwrap_or_default().contains("timed out after"), "{:?}", response.reason());
    assert!(response.received_at < deadline);
}

#[tokio::test]
async fn provider_mode_returns_and_fails_without_a_put() {
    let world = World::start().await;
    let lambda = Lambda::start(&world, &[("RESPONSE_MODE", "return")]).await;
    match lambda.invoke(world.create_event(world.john()), MINUTE).await {
        Invocation::Response(result) => {
            assert!(UserArn::parse(result["PhysicalResourceId"].as_str().unwrap_or_default()).is_ok(), "{result}");
            assert_eq!(result["Data"]["Username"], "john.doe");
        }
        other => panic!("expected a result, got {other:?}"),
    }
    let mut invalid = world.john();
    invalid["Username"] = json!("no spaces allowed");
    match lambda.invoke(world.create_event(invalid), MINUTE).await {
        Invocation::Error { error_message, .. } => {
            assert!(error_message.contains("Username"), "{error_message}");
            assert!(error_message.len() <= 3072);
        }
        other => panic!("expected a failed invocation, got {other:?}"),
    }
    assert!(world.receiver.responses().is_empty(), "provider mode never PUTs");
}

#[tokio::test]
async fn sns_wrapped_requests_are_answered() {
    let world = World::start().await;
    let lambda = Lambda::start(&world, &[]).await;
    let message = world.create_event(world.john()).to_string();
    answered(&lambda.invoke(json!({"Records": [{"EventSource": "aws:sns", "Sns": {"Message": message}}]}), MINUTE).await);
    assert_eq!(world.receiver.next().await.status(), "SUCCESS");
}

#[tokio::test]
async fn json_logs_carry_the_request_and_never_the_password_or_the_signature() {
    let world = World::start().await;
    let lambda = Lambda::start(&world, &[("AWS_LAMBDA_LOG_FORMAT", "JSON"), ("AWS_LAMBDA_LOG_LEVEL", "DEBUG")]).await;
    let event = world.create_event(world.john());
    let request_id = event["RequestId"].as_str().unwrap().to_owned();
    answered(&lambda.invoke(event, MINUTE).await);
    let arn = world.receiver.next().await.physical_id().unwrap().to_owned();
    let mut changed = world.john();
    changed["Password"] = json!("Another-Secret-42");
    answered(&lambda.invoke(world.update_event(&arn, world.john(), changed), MINUTE).await);
    world.receiver.next().await;

    let signature = world.receiver.signature().to_owned();
    let logs = lambda.logs().await;
    assert!(!logs.is_empty());
    assert!(!logs.contains(PASSWORD) && !logs.contains("Another-Secret-42"), "a password was logged");
    assert!(!logs.contains(&signature), "the response URL's signature was logged");
    let lines: Vec<Value> = logs.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}"))).collect();
    let ours: Vec<&Value> = lines.iter().filter(|l| l.to_string().contains(&request_id)).collect();
    assert!(ours.iter().any(|l| l["message"] == "SUCCESS"), "{ours:#?}");
    for line in &ours {
        let span = &line["span"];
        for field in ["RequestType", "StackId", "LogicalResourceId", "RequestId"] {
            assert!(span.get(field).is_some(), "{field} missing from {line}");
        }
    }
    assert!(logs.contains("cannot change a password"), "the unapplied password is warned about");
}
