//! End to end: the real `cfn-connect-user` binary, started as Lambda starts it, under the fake Runtime API,
//! talking to the Connect emulator and answering the response receiver.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cfn_connect_user::core::arn::UserArn;
use connect_emulator::connect::Seed;
use connect_emulator::receiver::Recorded;
use connect_emulator::runtime_api::{FakeRuntime, Invocation};
use serde_json::{Value, json};
use tokio::io::AsyncReadExt;
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

use crate::support::{PASSWORD, World, request_id};

/// One Lambda execution environment: the process, its Runtime API, and everything it writes to stderr.
struct Lambda {
    runtime: FakeRuntime,
    child: Child,
    stderr: Arc<Mutex<Vec<u8>>>,
    reader: Option<JoinHandle<()>>,
}

impl Lambda {
    /// Starts the binary with the environment Lambda gives it, Connect pointed at the world's emulator.
    async fn start(world: &World, extra_env: &[(&str, &str)]) -> Lambda {
        let runtime = FakeRuntime::start().await.unwrap();
        let mut child = Command::new(binary())
            .env_clear()
            .envs(runtime.lambda_env())
            .env("AWS_ENDPOINT_URL_CONNECT", world.emulator.endpoint_url())
            .env("ALLOW_LOOPBACK_RESPONSE_URL", "true")
            .envs(extra_env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the binary starts");
        let mut pipe = child.stderr.take().unwrap();
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let reader = tokio::spawn({
            let stderr = stderr.clone();
            async move {
                let mut chunk = [0u8; 8192];
                while let Ok(n @ 1..) = pipe.read(&mut chunk).await {
                    stderr.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(&chunk[..n]);
                }
            }
        });
        Lambda { runtime, child, stderr, reader: Some(reader) }
    }

    /// Queues `payload` with an invocation timeout and waits for the function's result.
    async fn invoke(&self, payload: Value, timeout: Duration) -> Invocation {
        let id = self.runtime.invoke(payload, timeout);
        self.runtime.result(&id).await
    }

    /// Invokes with `event` and returns the one response the receiver got for it, checked once the function has
    /// returned (and so has PUT all it would): one PUT, delivered, and no other.
    async fn send(&self, world: &World, event: &Value) -> Recorded {
        self.send_payload(world, event.clone(), request_id(event)).await
    }

    /// Like [`Lambda::send`], for a payload that carries the request `request_id` (an SNS notification).
    async fn send_payload(&self, world: &World, payload: Value, request_id: &str) -> Recorded {
        let mark = world.receiver.mark();
        answered(&self.invoke(payload, MINUTE).await);
        world.receiver.sole_response_since(mark, request_id, 1)
    }

    /// Like [`Lambda::send`], for a payload given as raw bytes.
    async fn send_raw(&self, world: &World, payload: String, request_id: &str) -> Recorded {
        let mark = world.receiver.mark();
        let id = self.runtime.invoke_raw(payload.into_bytes(), MINUTE);
        answered(&self.runtime.result(&id).await);
        world.receiver.sole_response_since(mark, request_id, 1)
    }

    /// Stops the process and returns all it logged (reading the pipe to its end, so nothing is missed).
    async fn logs(mut self) -> String {
        self.child.kill().await.unwrap();
        if let Some(reader) = self.reader.take() {
            reader.await.unwrap();
        }
        self.captured()
    }

    fn captured(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

impl Drop for Lambda {
    fn drop(&mut self) {
        // A failing test shows what the process said; a passing one stays quiet.
        if std::thread::panicking() {
            eprintln!("--- stderr of cfn-connect-user ---\n{}", self.captured());
        }
    }
}

const MINUTE: Duration = Duration::from_secs(60);

/// The binary under test: the one `cargo test` builds, or another named by `CFN_CONNECT_USER_BINARY` (CI runs
/// this module a second time against the release build, the one that ships).
fn binary() -> String {
    std::env::var("CFN_CONNECT_USER_BINARY").unwrap_or_else(|_| env!("CARGO_BIN_EXE_cfn-connect-user").to_owned())
}

#[track_caller]
fn answered(invocation: &Invocation) -> &Value {
    match invocation {
        Invocation::Response(result) => result,
        other => panic!("the invocation failed: {other:?}"),
    }
}

/// Checks what every response must be: valid for CloudFormation, ids copied from the request, the status expected.
#[track_caller]
fn assert_answers(response: &Recorded, event: &Value, status: &str) {
    response.assert_valid();
    assert_eq!(response.status(), status, "reason: {:?}", response.reason());
    assert_eq!(response.request_id(), event["RequestId"].as_str());
    assert_eq!(response.stack_id(), event["StackId"].as_str());
    assert_eq!(response.logical_id(), event["LogicalResourceId"].as_str());
    assert!(!response.physical_id().unwrap_or_default().is_empty(), "an empty PhysicalResourceId");
    if status == "FAILED" {
        assert!(!response.reason().unwrap_or_default().is_empty(), "FAILED without a reason");
    }
}

/// The attributes `Fn::GetAtt` reads, and that they name the user Connect holds.
#[track_caller]
fn assert_data(response: &Recorded, world: &World, username: &str) {
    let arn = response.physical_id().unwrap();
    let user = world.user(arn);
    assert_eq!(response.data_value("UserArn"), Some(arn));
    assert_eq!(response.data_value("UserId"), user["Id"].as_str());
    assert_eq!(response.data_value("InstanceArn"), Some(world.instance().as_str()));
    assert_eq!(response.data_value("Username"), Some(username));
}

fn epoch_ms(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms)
}

#[tokio::test]
async fn a_lifecycle_through_the_binary() {
    let world = World::start().await;
    let lambda = Lambda::start(&world, &[]).await;

    let create = world.create_event(world.john());
    let created = lambda.send(&world, &create).await;
    assert_answers(&created, &create, "SUCCESS");
    let arn = created.physical_id().unwrap().to_owned();
    assert!(UserArn::parse(&arn).is_ok(), "the physical id is the user's ARN: {arn}");
    assert_data(&created, &world, "john.doe");
    let user = world.user(&arn);
    assert_eq!(user["Username"], "john.doe");
    assert_eq!(user["RoutingProfileId"], Seed::ROUTING_PROFILE_1);
    assert_eq!(user["Tags"]["team"], "support");

    let mut changed = world.john();
    changed["RoutingProfileArn"] =
        json!(format!("{}/routing-profile/{}", world.instance(), Seed::ROUTING_PROFILE_1_SALES));
    changed["Tags"] = json!([{"Key": "team", "Value": "sales"}]);
    let update = world.update_event(&arn, world.john(), changed);
    let updated = lambda.send(&world, &update).await;
    assert_answers(&updated, &update, "SUCCESS");
    assert_eq!(updated.physical_id(), Some(arn.as_str()), "an Update keeps the physical id");
    assert_data(&updated, &world, "john.doe");
    let user = world.user(&arn);
    assert_eq!(user["RoutingProfileId"], Seed::ROUTING_PROFILE_1_SALES);
    assert_eq!(user["Tags"]["team"], "sales");

    let delete = world.delete_event(&arn, update["ResourceProperties"].clone());
    let deleted = lambda.send(&world, &delete).await;
    assert_answers(&deleted, &delete, "SUCCESS");
    assert_eq!(deleted.physical_id(), Some(arn.as_str()));
    assert!(world.emulator.describe(&arn).is_none(), "the user is gone after Delete");

    assert_eq!(world.receiver.responses().len(), 3, "one response per request");
    assert!(lambda.runtime.problems().is_empty(), "{:?}", lambda.runtime.problems());
}

#[tokio::test]
async fn bad_events_are_answered_failed_with_a_reason() {
    let world = World::start().await;
    let lambda = Lambda::start(&world, &[]).await;
    let mut unknown_type = world.create_event(world.john());
    unknown_type["RequestType"] = json!("Upsert");
    let mut not_an_object = world.create_event(world.john());
    not_an_object["ResourceProperties"] = json!("Username=john.doe");
    let mut invalid = world.create_event(world.john());
    invalid["ResourceProperties"]["PhoneConfig"]["PhoneType"] = json!("SOFTPHONE");

    for (event, named) in [(unknown_type, "Upsert"), (not_an_object, "ResourceProperties"), (invalid, "PhoneType")] {
        let response = lambda.send(&world, &event).await;
        assert_answers(&response, &event, "FAILED");
        let reason = response.reason().unwrap_or_default();
        assert!(reason.contains(named), "the reason should name {named}: {reason}");
    }
    assert_eq!(world.receiver.responses().len(), 3, "one response per request");
    assert!(world.emulator.write_calls().is_empty(), "nothing was written: {:?}", world.emulator.write_calls());
}

#[tokio::test]
async fn a_payload_that_cannot_be_answered_fails_the_invocation_and_the_process_lives_on() {
    let world = World::start().await;
    let lambda = Lambda::start(&world, &[]).await;

    let garbage = lambda.runtime.invoke_raw(b"{not json at all".to_vec(), MINUTE);
    match lambda.runtime.result(&garbage).await {
        Invocation::Error { error_message, .. } => assert!(!error_message.is_empty()),
        other => panic!("expected a failed invocation, got {other:?}"),
    }
    assert!(world.receiver.responses().is_empty(), "there was nowhere to answer");

    let create = world.create_event(world.john());
    assert_answers(&lambda.send(&world, &create).await, &create, "SUCCESS");
    assert!(lambda.runtime.problems().is_empty(), "{:?}", lambda.runtime.problems());
}

#[tokio::test]
async fn the_lambda_deadline_is_answered_before_it_passes() {
    let world = World::start().await;
    world.emulator.set_latency("CreateUser", Duration::from_secs(30));
    let lambda = Lambda::start(&world, &[]).await;

    let create = world.create_event(world.john());
    // Seconds of slack between the answer and the deadline: a loaded two-core machine still meets it.
    let mark = world.receiver.mark();
    let id = lambda.runtime.invoke(create.clone(), Duration::from_secs(8));
    let deadline = epoch_ms(lambda.runtime.deadline_ms(&id).unwrap());
    let (result, returned_at) = lambda.runtime.result_with_time(&id).await;
    answered(&result);
    let response = world.receiver.sole_response_since(mark, request_id(&create), 1);
    assert_answers(&response, &create, "FAILED");
    let reason = response.reason().unwrap_or_default();
    assert!(reason.contains("timed out after") && reason.contains("while calling CreateUser"), "{reason}");
    assert!(response.received_at < deadline, "the response arrived after the Lambda deadline");
    assert!(returned_at < deadline, "the invocation returned after the Lambda deadline");
}

#[tokio::test]
async fn the_service_timeout_is_answered_before_it_passes() {
    let world = World::start().await;
    world.emulator.set_latency("CreateUser", Duration::from_secs(30));
    let lambda = Lambda::start(&world, &[]).await;

    let mut create = world.create_event(world.john());
    // CloudFormation sends ServiceTimeout among the properties, as a string.
    create["ResourceProperties"]["ServiceTimeout"] = json!("8");
    let start = SystemTime::now();
    let mark = world.receiver.mark();
    answered(&lambda.invoke(create.clone(), Duration::from_secs(300)).await);
    let response = world.receiver.sole_response_since(mark, request_id(&create), 1);
    assert_answers(&response, &create, "FAILED");
    let reason = response.reason().unwrap_or_default();
    assert!(reason.contains("timed out after") && reason.contains("while calling CreateUser"), "{reason}");
    assert!(reason.contains("ServiceTimeout"), "the reason names the binding limit: {reason}");
    assert!(response.received_at < start + Duration::from_secs(8), "the response arrived after the ServiceTimeout");
}

#[tokio::test]
async fn provider_mode_returns_the_result_and_fails_the_invocation_without_a_put() {
    let world = World::start().await;
    let lambda = Lambda::start(&world, &[("RESPONSE_MODE", "return")]).await;

    let outcome = lambda.invoke(world.create_event(world.john()), MINUTE).await;
    let result = answered(&outcome);
    let arn = result["PhysicalResourceId"].as_str().unwrap_or_default();
    assert!(UserArn::parse(arn).is_ok(), "{result}");
    let user = world.user(arn);
    assert_eq!(user["Username"], "john.doe");
    assert_eq!(result["Data"]["UserArn"], arn);
    assert_eq!(result["Data"]["UserId"], user["Id"]);
    assert_eq!(result["Data"]["InstanceArn"], world.instance());
    assert_eq!(result["Data"]["Username"], "john.doe");

    let mut invalid = world.john();
    invalid["Username"] = json!("jane.doe");
    invalid["PhoneConfig"]["PhoneType"] = json!("SOFTPHONE");
    match lambda.invoke(world.create_event(invalid), MINUTE).await {
        Invocation::Error { error_message, .. } => {
            assert!(error_message.contains("PhoneType"), "the error message is the reason: {error_message}");
            assert!(error_message.len() <= 3 * 1024, "{} bytes", error_message.len());
        }
        other => panic!("expected a failed invocation, got {other:?}"),
    }
    assert!(world.emulator.find_by_username(&world.instance(), "jane.doe").is_none());
    assert!(world.receiver.responses().is_empty(), "provider mode never PUTs");
}

#[tokio::test]
async fn an_sns_wrapped_request_is_unwrapped_and_answered() {
    let world = World::start().await;
    let lambda = Lambda::start(&world, &[]).await;

    let create = world.create_event(world.john());
    let record = json!({
        "EventSource": "aws:sns",
        "EventVersion": "1.0",
        "EventSubscriptionArn": "arn:aws:sns:us-east-1:123456789012:cfn-connect-user:3c1f0e2a",
        "Sns": {"Type": "Notification", "Subject": "AWS CloudFormation custom resource request", "Message": create.to_string()}
    });
    let response = lambda.send_payload(&world, json!({"Records": [record]}), request_id(&create)).await;
    assert_answers(&response, &create, "SUCCESS");
    assert_data(&response, &world, "john.doe");
}

#[tokio::test]
async fn json_logs_carry_the_request_and_never_the_password_or_the_signature() {
    let world = World::start().await;
    let lambda = Lambda::start(&world, &[("AWS_LAMBDA_LOG_FORMAT", "JSON"), ("AWS_LAMBDA_LOG_LEVEL", "DEBUG")]).await;

    let create = world.create_event(world.john());
    let arn = lambda.send(&world, &create).await.physical_id().unwrap().to_owned();
    let mut changed = world.john();
    changed["Password"] = json!("Another-Secret-42");
    let update = world.update_event(&arn, world.john(), changed);
    lambda.send(&world, &update).await;

    let signature = world.receiver.signature().to_owned();
    let logs = lambda.logs().await;
    assert!(!logs.contains(PASSWORD) && !logs.contains("Another-Secret-42"), "a password was logged");
    assert!(!logs.contains(&signature), "the response URL's signature was logged");
    let lines: Vec<Value> =
        logs.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not a JSON line: {l}"))).collect();
    assert!(!lines.is_empty(), "nothing was logged");

    for event in [&create, &update] {
        let request_id = event["RequestId"].as_str().unwrap();
        let ours: Vec<&Value> = lines.iter().filter(|l| l["span"]["RequestId"] == request_id).collect();
        assert!(ours.iter().any(|l| l["message"] == "SUCCESS"), "no SUCCESS line for {request_id}: {ours:#?}");
        for line in &ours {
            for field in ["RequestType", "StackId", "LogicalResourceId"] {
                assert_eq!(line["span"][field], event[field], "{field} of {line}");
            }
        }
        // A line that speaks of the request is one of its lines.
        for line in lines.iter().filter(|l| l.to_string().contains(request_id)) {
            assert_eq!(line["span"]["RequestId"], request_id, "a line about {request_id} without its fields: {line}");
        }
    }
    assert!(logs.contains("cannot change a password"), "the unapplied password is warned about");
}

/// Values that must never reach a log line, each distinctive enough that a match is a leak.
const FIRST_NAME: &str = "Zoëlle";
const LAST_NAME: &str = "Quaxley-Personal";
const EMAIL: &str = "zoelle.quaxley@example.org";
const NEW_EMAIL: &str = "z.quaxley.private@example.net";
const NEW_PASSWORD: &str = "Rotated-Secret-77";
const SECRET_KEY: &str = "wJalrXUtnFEMI-test-secret-key-do-not-log";
const SESSION_TOKEN: &str = "IQoJb3JpZ2luX2VjE-test-session-token-do-not-log";

#[tokio::test]
async fn no_secret_or_personal_data_reaches_the_logs_at_any_level() {
    for format in ["JSON", "Text"] {
        for level in ["TRACE", "DEBUG", "INFO"] {
            let world = World::start().await;
            let env = [
                ("AWS_LAMBDA_LOG_FORMAT", format),
                ("AWS_LAMBDA_LOG_LEVEL", level),
                ("RUST_LOG", "trace"),
                ("AWS_ACCESS_KEY_ID", "AKIDLOGTEST"),
                ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
                ("AWS_SESSION_TOKEN", SESSION_TOKEN),
            ];
            let lambda = Lambda::start(&world, &env).await;
            let mut props = world.john();
            props["IdentityInfo"] = json!({"FirstName": FIRST_NAME, "LastName": LAST_NAME, "Email": EMAIL});
            let create = world.create_event(props.clone());
            let arn = lambda.send(&world, &create).await.physical_id().unwrap().to_owned();
            let mut changed = props.clone();
            changed["IdentityInfo"]["Email"] = json!(NEW_EMAIL);
            changed["Password"] = json!(NEW_PASSWORD);
            let update = world.update_event(&arn, props.clone(), changed.clone());
            assert_answers(&lambda.send(&world, &update).await, &update, "SUCCESS");
            let mut invalid = changed.clone();
            invalid["IdentityInfo"]["SecondaryEmail"] = json!(format!("not-an-address-{LAST_NAME}"));
            let refused = world.update_event(&arn, changed.clone(), invalid);
            assert_answers(&lambda.send(&world, &refused).await, &refused, "FAILED");
            let delete = world.delete_event(&arn, changed);
            assert_answers(&lambda.send(&world, &delete).await, &delete, "SUCCESS");

            let signature = world.receiver.signature().to_owned();
            let logs = lambda.logs().await;
            let case = format!("{format} at {level}");
            assert!(!logs.is_empty(), "{case}: nothing was logged");
            for (what, value) in [
                ("the password", PASSWORD),
                ("the new password", NEW_PASSWORD),
                ("the first name", FIRST_NAME),
                ("the last name", LAST_NAME),
                ("the e-mail address", EMAIL),
                ("the new e-mail address", NEW_EMAIL),
                ("the response URL's signature", signature.as_str()),
                ("the response URL's query string", "X-Amz-Credential"),
                ("the secret access key", SECRET_KEY),
                ("the session token", SESSION_TOKEN),
            ] {
                assert!(!logs.contains(value), "{case}: {what} was logged:\n{logs}");
            }
            for request in [&create, &update, &delete] {
                let id = request["RequestId"].as_str().unwrap();
                assert!(logs.contains(id), "{case}: no line names request {id}");
            }
        }
    }
}

#[tokio::test]
async fn every_line_of_a_request_carries_the_lambda_request_id_and_the_trace_id() {
    let world = World::start().await;
    let lambda = Lambda::start(&world, &[("AWS_LAMBDA_LOG_FORMAT", "JSON"), ("AWS_LAMBDA_LOG_LEVEL", "DEBUG")]).await;
    let create = world.create_event(world.john());
    let mark = world.receiver.mark();
    let id = lambda.runtime.invoke(create.clone(), MINUTE);
    answered(&lambda.runtime.result(&id).await);
    world.receiver.sole_response_since(mark, request_id(&create), 1);

    let logs = lambda.logs().await;
    let lines: Vec<Value> = logs.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let ours: Vec<&Value> = lines.iter().filter(|l| l["span"]["RequestId"] == create["RequestId"]).collect();
    assert!(!ours.is_empty(), "{logs}");
    for line in ours {
        assert_eq!(line["span"]["AwsRequestId"], id.as_str(), "{line}");
        assert!(line["span"]["XRayTraceId"].as_str().is_some_and(|t| t.starts_with("Root=")), "{line}");
    }
}

/// `[[[…1…]]]` nested `depth` times.
fn nested(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}

#[tokio::test]
async fn payloads_a_json_parser_refuses_are_still_answered() {
    let world = World::start().await;
    let lambda = Lambda::start(&world, &[]).await;
    let placeholder = r#""Username":"john.doe""#;

    let (deep, huge) = (world.create_event(world.john()), world.create_event(world.john()));
    let deep_text = deep.to_string().replacen(placeholder, &format!(r#""Deep":{}"#, nested(300)), 1);
    let huge_text = huge.to_string().replacen(placeholder, r#""Level":1e400"#, 1);
    for (event, text, gist) in [(&deep, deep_text, "nested too deeply"), (&huge, huge_text, "number out of range")] {
        let response = lambda.send_raw(&world, text, request_id(event)).await;
        response.assert_valid();
        assert_eq!(response.status(), "FAILED");
        let reason = response.reason().unwrap_or_default();
        assert!(reason.contains("ResourceProperties") && reason.contains(gist), "{reason}");
    }

    // A Delete never reads its properties: however deep they are, the user is deleted.
    let arn = lambda.send(&world, &world.create_event(world.john())).await.physical_id().unwrap().to_owned();
    let delete = world.delete_event(&arn, world.john());
    let text = delete.to_string().replacen(placeholder, &format!(r#""Deep":{}"#, nested(1000)), 1);
    assert_eq!(lambda.send_raw(&world, text, request_id(&delete)).await.status(), "SUCCESS");
    assert!(world.emulator.describe(&arn).is_none(), "the user is gone");

    // Duplicate keys: the last one counts, as in serde_json, and the request is answered.
    let create = world.create_event(world.john());
    let duplicated =
        create.to_string().replacen(r#""RequestType":"Create""#, r#""RequestType":"Upsert","RequestType":"Create""#, 1);
    assert_eq!(lambda.send_raw(&world, duplicated, request_id(&create)).await.status(), "SUCCESS");
    assert!(lambda.runtime.problems().is_empty(), "{:?}", lambda.runtime.problems());
}

#[tokio::test]
async fn a_password_from_secrets_manager_reaches_connect_and_no_log_line() {
    use connect_emulator::secrets::SecretsManager as Sm;

    // The deployed wiring: the client from the standard chain, pointed at the stand-in by the environment alone.
    let world = World::start().await;
    let secrets = Sm::start().await.unwrap();
    let endpoint = secrets.endpoint_url();
    let env = [
        ("AWS_ENDPOINT_URL_SECRETS_MANAGER", endpoint.as_str()),
        ("AWS_LAMBDA_LOG_FORMAT", "JSON"),
        ("AWS_LAMBDA_LOG_LEVEL", "TRACE"),
        ("RUST_LOG", "trace"),
    ];
    let lambda = Lambda::start(&world, &env).await;
    let from_secret = |name: &str, key: Option<&str>| {
        let mut props = world.john();
        props.as_object_mut().unwrap().remove("Password");
        props["PasswordSecretArn"] = json!(Sm::arn(name));
        if let Some(key) = key {
            props["PasswordSecretJsonKey"] = json!(key);
        }
        props
    };

    let create = world.create_event(from_secret(Sm::JSON, Some(Sm::JSON_KEY)));
    let response = lambda.send(&world, &create).await;
    assert_answers(&response, &create, "SUCCESS");
    assert_eq!(world.emulator.password_of(response.physical_id().unwrap()).as_deref(), Some(Sm::JSON_PASSWORD));

    let mut failing = from_secret(Sm::PLAIN, Some("password"));
    failing["Username"] = json!("jane.doe");
    let create = world.create_event(failing);
    let response = lambda.send(&world, &create).await;
    assert_answers(&response, &create, "FAILED");
    assert!(response.reason().unwrap_or_default().contains(&Sm::arn(Sm::PLAIN)), "{:?}", response.reason());

    let logs = lambda.logs().await;
    for value in [Sm::JSON_PASSWORD, Sm::PLAIN_PASSWORD] {
        assert!(!logs.contains(value), "a password from Secrets Manager was logged:\n{logs}");
    }
    assert_eq!(secrets.calls().len(), 2, "each Create read its secret once");
}
