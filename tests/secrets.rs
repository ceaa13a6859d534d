//! `PasswordSecretArn` and `PasswordSecretJsonKey` (docs/connect-user.md §1): the handler reads the password from
//! the Secrets Manager stand-in over real HTTP, through `aws-sdk-secretsmanager`, when — and only when — it creates
//! a user; every failure answers FAILED naming the secret and the key, and the value never reaches a reason, an
//! invocation error or a log line.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::ops::Deref;
use std::sync::{Arc, Mutex, PoisonError};

use cfn_connect_user::adapters::SdkSecrets;
use cfn_connect_user::adapters::logging::caps;
use cfn_connect_user::app::{HandlerError, Mode};
use connect_emulator::connect::Emulator;
use connect_emulator::receiver::Recorded;
use connect_emulator::secrets::SecretsManager;
use serde_json::{Value, json};
use tracing_subscriber::layer::SubscriberExt;

use crate::support::{PASSWORD, World};

/// A [`World`] whose handler reads `PasswordSecretArn` from its own Secrets Manager stand-in.
struct SecretsWorld {
    world: World,
    secrets: SecretsManager,
}

impl Deref for SecretsWorld {
    type Target = World;

    fn deref(&self) -> &World {
        &self.world
    }
}

impl SecretsWorld {
    async fn start() -> SecretsWorld {
        Self::with_mode(Mode::Respond).await
    }

    async fn with_mode(mode: Mode) -> SecretsWorld {
        let mut world = World::on(Emulator::start().await.unwrap(), mode).await;
        let secrets = SecretsManager::start().await.unwrap();
        world.handler = world.handler.clone().with_secrets(SdkSecrets::for_endpoint(&secrets.endpoint_url()));
        SecretsWorld { world, secrets }
    }

    /// The seed user's properties with the password in `secret` (under `key` when given) instead of `Password`.
    fn john_from(&self, secret: &str, key: Option<&str>) -> Value {
        let mut props = self.john();
        props.as_object_mut().unwrap().remove("Password");
        props["PasswordSecretArn"] = json!(secret);
        if let Some(key) = key {
            props["PasswordSecretJsonKey"] = json!(key);
        }
        props
    }

    /// The secrets asked for so far, as `GetSecretValue` received them.
    fn reads(&self) -> Vec<String> {
        self.secrets.calls().into_iter().filter_map(|c| c.secret_id).collect()
    }

    /// Sends a Create that must fail before any user exists, and returns its reason.
    async fn create_fails(&self, props: Value) -> String {
        let response = self.send(self.create_event(props)).await;
        assert_failed_without_user(&response, self);
        response.reason().unwrap().to_owned()
    }
}

#[track_caller]
fn assert_failed_without_user(response: &Recorded, world: &World) {
    assert_eq!(response.status(), "FAILED", "{:?}", response.reason());
    let id = response.physical_id().unwrap_or_default();
    assert!(!id.contains("/agent/"), "a failed Create that made no user names none: {id}");
    assert!(world.emulator.write_calls().is_empty(), "no user was written: {:?}", world.emulator.write_calls());
}

/// What every failure reason says: the secret's ARN, and the key when one is set.
#[track_caller]
fn assert_names(reason: &str, arn: &str, key: Option<&str>) {
    assert!(reason.contains(&format!("PasswordSecretArn {arn}")), "the ARN is named: {reason}");
    if let Some(key) = key {
        assert!(reason.contains(&format!("PasswordSecretJsonKey {key:?}")), "the key is named: {reason}");
    }
}

#[tokio::test]
async fn a_plain_string_secret_is_the_password() {
    let world = SecretsWorld::start().await;
    let arn = SecretsManager::arn(SecretsManager::PLAIN);

    let user = world.create_john_with(world.john_from(&arn, None)).await;

    assert_eq!(world.emulator.password_of(&user).as_deref(), Some(SecretsManager::PLAIN_PASSWORD));
    assert_eq!(world.reads(), [arn]);
    assert_eq!(world.emulator.write_calls(), ["CreateUser"]);
}

#[tokio::test]
async fn a_json_secret_gives_the_value_of_its_key() {
    let world = SecretsWorld::start().await;
    let arn = SecretsManager::arn(SecretsManager::JSON);

    let user = world.create_john_with(world.john_from(&arn, Some(SecretsManager::JSON_KEY))).await;

    assert_eq!(world.emulator.password_of(&user).as_deref(), Some(SecretsManager::JSON_PASSWORD));
    assert_eq!(world.reads(), [arn]);
}

#[tokio::test]
async fn the_secret_is_read_in_its_own_region() {
    // The instance is in us-east-1, the secret in eu-west-2: the stand-in finds it only when asked there.
    let world = SecretsWorld::start().await;
    let arn = SecretsManager::arn_in(SecretsManager::REGION_EU, SecretsManager::EU);

    let user = world.create_john_with(world.john_from(&arn, None)).await;

    assert_eq!(world.emulator.password_of(&user).as_deref(), Some(SecretsManager::EU_PASSWORD));
    let regions: Vec<String> = world.secrets.calls().into_iter().map(|c| c.region).collect();
    assert_eq!(regions, [SecretsManager::REGION_EU]);
}

#[tokio::test]
async fn the_current_version_is_read() {
    let world = SecretsWorld::start().await;
    let arn = world.secrets.put_string("connect/agents/rotated", "Old-Version-2025a");
    world.secrets.put_string("connect/agents/rotated", "New-Version-2026b");

    let user = world.create_john_with(world.john_from(&arn, None)).await;

    assert_eq!(world.emulator.password_of(&user).as_deref(), Some("New-Version-2026b"));
}

#[tokio::test]
async fn a_missing_secret_fails_naming_it() {
    let world = SecretsWorld::start().await;
    let arn = SecretsManager::arn("connect/agents/nobody");

    let reason = world.create_fails(world.john_from(&arn, Some("password"))).await;

    assert_names(&reason, &arn, Some("password"));
    assert!(reason.contains("ResourceNotFoundException"), "{reason}");
    assert!(reason.contains("exists in its region"), "the reason says what to check: {reason}");
}

#[tokio::test]
async fn a_missing_key_fails_naming_the_secret_and_the_key() {
    let world = SecretsWorld::start().await;
    let arn = SecretsManager::arn(SecretsManager::JSON_WITHOUT_KEY);

    let reason = world.create_fails(world.john_from(&arn, Some(SecretsManager::JSON_KEY))).await;

    assert_names(&reason, &arn, Some(SecretsManager::JSON_KEY));
    assert!(reason.contains(r#"has no key "password""#), "{reason}");
    assert!(!reason.contains("jane.doe"), "nothing of the secret's content is quoted: {reason}");
}

#[tokio::test]
async fn a_binary_secret_fails_as_not_a_string() {
    let world = SecretsWorld::start().await;
    let arn = SecretsManager::arn(SecretsManager::BINARY);

    let reason = world.create_fails(world.john_from(&arn, None)).await;

    assert_names(&reason, &arn, None);
    assert!(reason.contains("SecretBinary, not SecretString"), "{reason}");
}

#[tokio::test]
async fn a_string_that_is_not_json_fails_when_a_key_is_given() {
    let world = SecretsWorld::start().await;
    let arn = SecretsManager::arn(SecretsManager::PLAIN);

    let reason = world.create_fails(world.john_from(&arn, Some("password"))).await;

    assert_names(&reason, &arn, Some("password"));
    assert!(reason.contains("not a JSON object"), "{reason}");
    assert!(!reason.contains(SecretsManager::PLAIN_PASSWORD), "the value is never quoted: {reason}");
}

#[tokio::test]
async fn a_key_whose_value_is_not_a_string_fails() {
    let world = SecretsWorld::start().await;
    let arn = world.secrets.put_string("connect/agents/numeric", r#"{"password": 20262026}"#);

    let reason = world.create_fails(world.john_from(&arn, Some("password"))).await;

    assert_names(&reason, &arn, Some("password"));
    assert!(reason.contains("is a number, not a string"), "{reason}");
    assert!(!reason.contains("20262026"), "the value is never quoted: {reason}");
}

#[tokio::test]
async fn a_secret_that_breaks_the_password_rules_fails_without_quoting_it() {
    let world = SecretsWorld::start().await;
    let weak = "only lower case here";
    let arn = world.secrets.put_string("connect/agents/weak", weak);

    let reason = world.create_fails(world.john_from(&arn, None)).await;

    assert_names(&reason, &arn, None);
    assert!(reason.contains("it contains whitespace, it has no upper-case letter, it has no digit"), "{reason}");
    assert!(!reason.contains(weak), "the value is never quoted: {reason}");
}

#[tokio::test]
async fn access_denied_fails_naming_the_permission_to_grant() {
    let world = SecretsWorld::start().await;
    let arn = SecretsManager::arn(SecretsManager::JSON);
    world.secrets.deny(&arn);

    let reason = world.create_fails(world.john_from(&arn, Some(SecretsManager::JSON_KEY))).await;

    assert_names(&reason, &arn, Some(SecretsManager::JSON_KEY));
    assert!(reason.contains("AccessDeniedException"), "{reason}");
    assert!(reason.contains("needs secretsmanager:GetSecretValue on this secret"), "{reason}");
    assert!(reason.contains("kms:Decrypt"), "the customer-managed key case is named: {reason}");
}

#[tokio::test]
async fn password_and_password_secret_arn_together_is_a_validation_error_without_any_call() {
    let world = SecretsWorld::start().await;
    let mut props = world.john();
    props["PasswordSecretArn"] = json!(SecretsManager::arn(SecretsManager::PLAIN));

    let response = world.send(world.create_event(props)).await;

    assert_failed_without_user(&response, &world);
    let reason = response.reason().unwrap();
    assert!(reason.contains("PasswordSecretArn: excludes Password"), "both are named: {reason}");
    assert!(world.reads().is_empty(), "no secret was read");
    assert!(world.emulator.calls().iter().all(|c| c.operation != "CreateUser"), "no user was created");
    assert!(!reason.contains(PASSWORD));
}

#[tokio::test]
async fn the_secret_properties_are_validated_before_any_call() {
    let world = SecretsWorld::start().await;
    let mut key_alone = world.john();
    key_alone["PasswordSecretJsonKey"] = json!("password");
    let not_a_secret = world.john_from("arn:aws:ssm:us-east-1:123456789012:parameter/connect/password", None);
    let empty_key = world.john_from(&SecretsManager::arn(SecretsManager::JSON), Some(""));

    for (props, expected) in [
        (key_alone, "PasswordSecretJsonKey: applies only with PasswordSecretArn"),
        (not_a_secret, "PasswordSecretArn: expected a Secrets Manager secret ARN"),
        (empty_key, "PasswordSecretJsonKey: must not be empty"),
    ] {
        let reason = world.create_fails(props).await;
        assert!(reason.contains(expected), "{expected}: {reason}");
    }
    assert!(world.reads().is_empty(), "no secret was read");
}

#[tokio::test]
async fn the_secret_is_read_only_when_a_user_is_created() {
    let world = SecretsWorld::start().await;
    let arn = SecretsManager::arn(SecretsManager::JSON);
    let props = world.john_from(&arn, Some(SecretsManager::JSON_KEY));
    let user = world.create_john_with(props.clone()).await;
    assert_eq!(world.reads().len(), 1);

    // An in-place Update needs no password, even with the secret gone.
    assert!(world.secrets.remove(&arn));
    let mut changed = props.clone();
    changed["IdentityInfo"]["LastName"] = json!("Doe-Smith");
    changed["ReconcileToken"] = json!("run-2");
    let response = world.send(world.update_event(&user, props.clone(), changed.clone())).await;
    assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
    assert_eq!(world.reads().len(), 1, "an in-place Update reads no secret");

    // A replacement creates a user, so it reads the secret: gone, it fails and keeps the old user.
    let mut renamed = changed.clone();
    renamed["Username"] = json!("john.doe.2");
    let response = world.send(world.update_event(&user, changed.clone(), renamed.clone())).await;
    assert_eq!(response.status(), "FAILED");
    assert_eq!(response.physical_id(), Some(user.as_str()), "the old user stays");
    assert_names(response.reason().unwrap(), &arn, Some(SecretsManager::JSON_KEY));
    assert_eq!(world.reads().len(), 2);

    // With the secret back, the replacement gets its password from it.
    world.secrets.put_string(SecretsManager::JSON, r#"{"password": "Replaced-Agent-77"}"#);
    let response = world.send(world.update_event(&user, changed.clone(), renamed.clone())).await;
    assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
    let replacement = response.physical_id().unwrap().to_owned();
    assert_ne!(replacement, user);
    assert_eq!(world.emulator.password_of(&replacement).as_deref(), Some("Replaced-Agent-77"));
    assert_eq!(world.reads().len(), 3);

    // A Delete reads nothing.
    let response = world.send(world.delete_event(&user, changed)).await;
    assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
    assert_eq!(world.reads().len(), 3);
}

#[tokio::test]
async fn adoption_needs_no_secret() {
    // A repeated Create (Lambda's retry of a request that did create the user) adopts its own user even though
    // the secret can no longer be read.
    let world = SecretsWorld::start().await;
    let arn = SecretsManager::arn(SecretsManager::PLAIN);
    let create = world.create_event(world.john_from(&arn, None));
    let first = world.send(create.clone()).await;
    assert_eq!(first.status(), "SUCCESS", "{:?}", first.reason());
    world.secrets.deny(&arn);

    let again = world.send(create).await;

    assert_eq!(again.status(), "SUCCESS", "{:?}", again.reason());
    assert_eq!(again.physical_id(), first.physical_id());
    assert_eq!(world.emulator.user_count(), 1);
}

#[tokio::test]
async fn a_stranger_holding_the_name_is_reported_as_such_even_when_the_secret_fails() {
    let world = SecretsWorld::start().await;
    world.create_john().await; // Another logical resource's user, named john.doe.
    let arn = SecretsManager::arn("connect/agents/nobody");
    let mut props = world.john_from(&arn, None);
    props["AdoptExisting"] = json!("false");
    let mut event = world.create_event(props);
    event["LogicalResourceId"] = json!("SomeoneElse");

    let response = world.send(event).await;

    assert_eq!(response.status(), "FAILED");
    assert!(response.reason().unwrap().contains("already exists"), "{:?}", response.reason());
    assert!(!response.physical_id().unwrap_or_default().contains("/agent/"));
}

#[tokio::test]
async fn a_handler_without_a_secrets_client_fails_such_a_template() {
    let world = World::start().await;
    let mut props = world.john();
    props.as_object_mut().unwrap().remove("Password");
    let arn = SecretsManager::arn(SecretsManager::PLAIN);
    props["PasswordSecretArn"] = json!(arn);

    let response = world.send(world.create_event(props)).await;

    assert_failed_without_user(&response, &world);
    let reason = response.reason().unwrap();
    assert_names(reason, &arn, None);
    assert!(reason.contains("no Secrets Manager client is configured"), "{reason}");
}

/// Everything the handler logs while `f` runs on this thread, through the production caps on other crates.
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_password_never_appears_in_logs_reasons_or_invocation_errors() {
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let sink = buffer.clone();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_ansi(false).with_writer(move || Logs(sink.clone())))
        .with(caps());
    // While a single dispatcher is registered, tracing decides whether a log statement is enabled with the
    // dispatcher of whichever thread reaches it first: another test's thread, with none, would switch the
    // handler's lines off for this one too. With a second one registered, every registered dispatcher is asked.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    // The test's runtime is single-threaded, so every task the handler spawns logs to this subscriber.
    let _guard = tracing::subscriber::set_default(subscriber);

    let world = SecretsWorld::start().await;
    let weak = "weak password in a secret";
    let weak_arn = world.secrets.put_string("connect/agents/weak", weak);
    let numeric_arn = world.secrets.put_string("connect/agents/numeric", r#"{"password": 987654321}"#);
    let json_arn = SecretsManager::arn(SecretsManager::JSON);
    let plain_arn = SecretsManager::arn(SecretsManager::PLAIN);
    let mut reasons = Vec::new();

    // A success, then each kind of failure.
    let user = world.create_john_with(world.john_from(&json_arn, Some(SecretsManager::JSON_KEY))).await;
    for props in [
        world.john_from(&plain_arn, Some("password")),
        world.john_from(&weak_arn, None),
        world.john_from(&numeric_arn, Some("password")),
        world.john_from(&SecretsManager::arn(SecretsManager::JSON_WITHOUT_KEY), Some("password")),
    ] {
        let mut props = props;
        props["Username"] = json!("someone.else");
        let response = world.send(world.create_event(props)).await;
        assert_eq!(response.status(), "FAILED");
        reasons.push(response.body_text());
    }
    let response = world.send(world.delete_event(&user, json!({}))).await;
    assert_eq!(response.status(), "SUCCESS");

    // Provider mode: the reason is the invocation's error.
    let provider = SecretsWorld::with_mode(Mode::Return).await;
    let mut props = provider.john_from(&SecretsManager::arn(SecretsManager::PLAIN), Some("password"));
    props["Username"] = json!("provider.user");
    match provider.invoke(provider.create_event(props)).await {
        Err(HandlerError::Failed(reason)) => reasons.push(reason),
        other => panic!("provider mode fails the invocation: {other:?}"),
    }
    let mut props = provider.john_from(&SecretsManager::arn(SecretsManager::JSON), Some(SecretsManager::JSON_KEY));
    props["Username"] = json!("provider.user");
    assert!(provider.invoke(provider.create_event(props)).await.is_ok());

    let logs = String::from_utf8_lossy(&buffer.lock().unwrap_or_else(PoisonError::into_inner)).into_owned();
    assert!(logs.contains("FAILED") && logs.contains("SUCCESS"), "the handler's lines were captured:\n{logs}");
    for value in [SecretsManager::JSON_PASSWORD, SecretsManager::PLAIN_PASSWORD, weak, "987654321"] {
        assert!(!logs.contains(value), "a secret value was logged:\n{logs}");
        for reason in &reasons {
            assert!(!reason.contains(value), "a secret value is in a reason: {reason}");
        }
    }
    assert_eq!(reasons.len(), 5);
}
