//! Migration without fear: a user that existed before the stack took it over (`AdoptExisting`) is the customer's on
//! every delivery of the request — a repeat after a crash, a duplicate — and no failure, rollback or refused response
//! deletes it or names it for deletion (docs/real-connect.md §2, docs/connect-user.md §3.6). A take-over looks the
//! name up first and needs no password, so a `CONNECT_MANAGED` instance's users adopt from a password-less template
//! (docs/real-connect.md §4). A replacement's `CreateUser` is answered for like a new resource's, and no `CreateUser`
//! is sent so late that the clean-up could not find its user again.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use cfn_connect_user::adapters::{HttpSender, SdkConnect, SdkSecrets, http_client};
use cfn_connect_user::app::{
    Connect, ConnectError, Handler, HandlerError, Invocation, Mode, Secrets, SecretsError, ports::BoxFuture,
};
use cfn_connect_user::core::arn::{InstanceArn, ResourceArn, TrafficDistributionGroupArn, UserArn};
use cfn_connect_user::core::model::{IdentityInfo, InstanceInfo, LiveUser, OWNER_TAG_KEY, Proficiencies};
use cfn_connect_user::core::names::NameKind;
use cfn_connect_user::core::owner::OwnerTag;
use cfn_connect_user::core::password_secret::{SecretArn, SecretValue};
use cfn_connect_user::core::plan::{Call, NewUser};
use cfn_connect_user::core::response_url::UrlPolicy;
use connect_emulator::connect::{Emulator, ErrorCode, Fault};
use connect_emulator::receiver::Reply;
use connect_emulator::secrets::SecretsManager;
use serde_json::{Value, json};
use tokio::sync::Notify;

use crate::support::{STACK_ID, World, console_user, fast_backoff, operator, request_id};

/// The take-over template: the console user with another last name, so that the take-over writes, and no password
/// (an exported template has none).
fn take_over(world: &World) -> Value {
    let mut props = world.john();
    props.as_object_mut().unwrap().remove("Password");
    props["AdoptExisting"] = json!("true");
    props["IdentityInfo"]["LastName"] = json!("Roe");
    props
}

fn owner() -> OwnerTag {
    OwnerTag::new(STACK_ID, "AgentJohnDoe")
}

fn owner_tag_of(world: &World, arn: &str) -> Option<String> {
    world.user(arn)["Tags"].get(OWNER_TAG_KEY).and_then(Value::as_str).map(str::to_owned)
}

/// A Connect client through which the process "dies" right after one write: the call takes effect and answers, and
/// then nothing more ever happens — no clean-up, no response — as when Lambda's process is killed.
struct DiesAfter {
    inner: SdkConnect,
    operation: &'static str,
    died: Arc<Notify>,
}

impl DiesAfter {
    async fn then_never<T>(&self, operation: &str, result: Result<T, ConnectError>) -> Result<T, ConnectError> {
        if operation == self.operation && result.is_ok() {
            self.died.notify_one();
            std::future::pending::<()>().await;
        }
        result
    }
}

impl Connect for DiesAfter {
    async fn create_user(&self, user: &NewUser) -> Result<UserArn, ConnectError> {
        let result = self.inner.create_user(user).await;
        self.then_never("CreateUser", result).await
    }
    async fn describe_user(&self, user: &UserArn) -> Result<LiveUser, ConnectError> {
        self.inner.describe_user(user).await
    }
    async fn list_proficiencies(&self, user: &UserArn) -> Result<Proficiencies, ConnectError> {
        self.inner.list_proficiencies(user).await
    }
    async fn find_user(&self, instance: &InstanceArn, username: &str) -> Result<Option<UserArn>, ConnectError> {
        self.inner.find_user(instance, username).await
    }
    async fn apply(&self, user: &UserArn, call: &Call) -> Result<(), ConnectError> {
        let result = self.inner.apply(user, call).await;
        self.then_never(call.operation(), result).await
    }
    async fn delete_user(&self, user: &UserArn) -> Result<(), ConnectError> {
        self.inner.delete_user(user).await
    }
    async fn describe_instance(&self, instance: &InstanceArn) -> Result<InstanceInfo, ConnectError> {
        self.inner.describe_instance(instance).await
    }
    async fn find_named(
        &self,
        instance: &InstanceArn,
        kind: NameKind,
        name: &str,
    ) -> Result<Vec<(String, ResourceArn)>, ConnectError> {
        self.inner.find_named(instance, kind, name).await
    }
    async fn list_named(
        &self,
        instance: &InstanceArn,
        kind: NameKind,
    ) -> Result<Vec<(String, ResourceArn)>, ConnectError> {
        self.inner.list_named(instance, kind).await
    }
    async fn group_status(&self, group: &TrafficDistributionGroupArn) -> Result<String, ConnectError> {
        self.inner.group_status(group).await
    }
    async fn group_users(&self, group: &TrafficDistributionGroupArn) -> Result<BTreeSet<String>, ConnectError> {
        self.inner.group_users(group).await
    }
}

/// The first delivery of `event`: it takes the console user over and dies right after its `TagResource`. Nothing is
/// PUT, nothing cleaned up.
async fn dies_after_tagging(world: &World, event: &Value) {
    let died = Arc::new(Notify::new());
    let connect = DiesAfter { inner: operator(world), operation: "TagResource", died: died.clone() };
    let handler = Handler::new(connect, HttpSender::new(http_client().unwrap(), fast_backoff()), Mode::Respond)
        .with_url_policy(UrlPolicy { allow_loopback: true });
    let before = world.receiver.responses().len();
    let started = SystemTime::now();
    let delivery = handler.handle(event.clone(), Invocation::new(started, started + Duration::from_secs(300)));
    tokio::select! {
        _ = delivery => panic!("the first delivery was to die after TagResource"),
        () = died.notified() => {}
    }
    assert_eq!(world.receiver.responses().len(), before, "a process that died answers nothing");
}

/// A console user, and a take-over whose first delivery died right after its `TagResource`; since then someone
/// edited the user in the console again, so that the repeat has a write to make. (world, the user, the request
/// to deliver again)
async fn after_a_crashed_take_over(mode: Mode) -> (World, String, Value) {
    let world = World::with_mode(mode).await;
    let existing = console_user(&world).await;
    let event = world.create_event(take_over(&world));
    dies_after_tagging(&world, &event).await;
    taken_over_and_edited(&world, &existing).await;
    (world, existing, event)
}

/// The console user after the first delivery: taken over (the owner tag's take-over form), its last name changed.
/// Then someone edits it in the console again.
async fn taken_over_and_edited(world: &World, existing: &str) {
    assert_eq!(owner_tag_of(world, existing).as_deref(), Some(owner().adopted()), "the take-over form");
    assert_eq!(world.user(existing)["IdentityInfo"]["LastName"], "Roe");
    let call = Call::UpdateIdentityInfo(IdentityInfo {
        first_name: Some("John".into()),
        last_name: Some("Doe".into()),
        email: Some("john.doe@example.com".into()),
        ..IdentityInfo::default()
    });
    operator(world).apply(&UserArn::parse(existing).unwrap(), &call).await.unwrap();
}

#[tokio::test]
async fn a_redelivered_take_over_that_fails_never_names_the_existing_user_and_the_rollback_keeps_it() {
    // Given a console user, and a take-over whose first delivery died right after its TagResource
    let (world, existing, event) = after_a_crashed_take_over(Mode::Respond).await;

    // When Lambda delivers the same request again, and that delivery fails
    world.emulator.fail_next("UpdateUserIdentityInfo", 1, Fault::Error(ErrorCode::InvalidRequest));
    world.emulator.clear_calls();
    let response = world.send(event.clone()).await;

    // Then FAILED answers with the marker, never the user's ARN, and gives the user back untagged
    assert_eq!(response.status(), "FAILED");
    let marker = response.physical_id().unwrap().to_owned();
    assert!(marker.starts_with("AgentJohnDoe-create-failed-"), "{marker}");
    let reason = response.reason().unwrap();
    assert!(reason.starts_with("UpdateUserIdentityInfo: InvalidRequestException"), "{reason}");
    assert!(reason.contains(&format!("without the {OWNER_TAG_KEY} tag this request had added")), "{reason}");
    assert_eq!(owner_tag_of(&world, &existing), None);
    assert!(!world.emulator.calls().iter().any(|c| c.operation == "CreateUser"), "a take-over looks first");

    // And CloudFormation's rollback Delete of that id leaves the user in place
    let rollback = world.send(world.delete_event(&marker, take_over(&world))).await;
    assert_eq!(rollback.status(), "SUCCESS", "{:?}", rollback.reason());
    assert!(world.emulator.describe(&existing).is_some(), "the user that existed before the stack survives");
    assert!(!world.emulator.calls().iter().any(|c| c.operation == "DeleteUser"));
}

#[tokio::test]
async fn in_provider_mode_a_redelivered_take_over_that_fails_never_deletes_the_existing_user() {
    // Given a console user, and a take-over whose first delivery died right after its TagResource
    let (world, existing, event) = after_a_crashed_take_over(Mode::Return).await;

    // When the repeat fails
    world.emulator.fail_next("UpdateUserIdentityInfo", 1, Fault::Error(ErrorCode::InvalidRequest));
    world.emulator.clear_calls();
    let result = world.invoke(event).await;

    // Then the invocation fails, and the user is still there, untagged
    let Err(HandlerError::Failed(reason)) = result else { panic!("expected a failed invocation: {result:?}") };
    assert!(reason.starts_with("UpdateUserIdentityInfo: InvalidRequestException"), "{reason}");
    assert!(world.emulator.describe(&existing).is_some());
    assert_eq!(owner_tag_of(&world, &existing), None);
    assert!(!world.emulator.calls().iter().any(|c| c.operation == "DeleteUser"));
}

#[tokio::test]
async fn a_redelivered_take_over_whose_response_is_refused_gives_the_user_back_and_deletes_nothing() {
    // Given a console user, a take-over whose first delivery died after its TagResource, and a response URL that
    // now answers 403
    let (world, existing, event) = after_a_crashed_take_over(Mode::Respond).await;
    world.receiver.reply_with(vec![Reply::Status(403)]);

    // When the repeat succeeds in Connect
    let (id, mark) = (request_id(&event).to_owned(), world.receiver.mark());
    world.emulator.clear_calls();
    assert!(world.invoke(event).await.is_ok());

    // Then its SUCCESS was refused, and what it did is undone as a take-over is: the user stays, untagged
    let attempts = world.receiver.attempts_since(mark, &id, 1);
    assert_eq!(attempts[0].status(), "SUCCESS");
    assert!(world.emulator.describe(&existing).is_some(), "the user that existed before the stack survives");
    assert_eq!(owner_tag_of(&world, &existing), None);
    assert_eq!(world.emulator.write_calls(), ["UpdateUserIdentityInfo", "UntagResource"]);
}

#[tokio::test]
async fn a_duplicate_delivery_after_a_successful_take_over_is_still_a_take_over() {
    // Given a take-over that succeeded
    let world = World::start().await;
    let existing = console_user(&world).await;
    let event = world.create_event(take_over(&world));
    let first = world.send(event.clone()).await;
    assert_eq!((first.status(), first.physical_id()), ("SUCCESS", Some(existing.as_str())), "{:?}", first.reason());

    // When the same request arrives again (a duplicate) and nothing differs
    world.emulator.clear_calls();
    let again = world.send(event).await;

    // Then it answers the same user, writing nothing, and the owner tag keeps its take-over form
    assert_eq!((again.status(), again.physical_id()), ("SUCCESS", Some(existing.as_str())));
    assert_eq!(world.emulator.write_calls(), Vec::<String>::new());
    assert_eq!(owner_tag_of(&world, &existing).as_deref(), Some(owner().adopted()));
}

#[tokio::test]
async fn a_connect_managed_instance_adopts_from_a_template_without_a_password() {
    // Given an instance that enforces its identity-management rules (a password-less CreateUser is refused before
    // the name is looked at), and a console user
    let world =
        World::on(Emulator::builder().identity_management_rules(true).start().await.unwrap(), Mode::Respond).await;
    let existing = console_user(&world).await;
    let mut props = world.john();
    props.as_object_mut().unwrap().remove("Password");
    props["AdoptExisting"] = json!("true");

    // When
    world.emulator.clear_calls();
    let response = world.send(world.create_event(props.clone())).await;

    // Then the user is adopted with its owner tag and nothing else, and no CreateUser was tried
    assert_eq!(
        (response.status(), response.physical_id()),
        ("SUCCESS", Some(existing.as_str())),
        "{:?}",
        response.reason()
    );
    assert_eq!(world.emulator.write_calls(), ["TagResource"]);
    let attempted: Vec<String> =
        world.emulator.calls().into_iter().filter(|c| c.is_write()).map(|c| c.operation).collect();
    assert_eq!(attempted, ["TagResource"], "every write attempt, refused ones included");
    assert_eq!(owner_tag_of(&world, &existing).as_deref(), Some(owner().adopted()));
}

#[tokio::test]
async fn a_take_over_without_a_password_that_finds_nobody_says_a_password_is_needed_and_writes_nothing() {
    // Given a CONNECT_MANAGED instance with no user of the name
    let world =
        World::on(Emulator::builder().identity_management_rules(true).start().await.unwrap(), Mode::Respond).await;
    let mut props = world.john();
    props.as_object_mut().unwrap().remove("Password");
    props["AdoptExisting"] = json!("true");

    // When
    let response = world.send(world.create_event(props)).await;

    // Then
    assert_eq!(response.status(), "FAILED");
    assert_eq!(
        response.reason().unwrap(),
        "invalid properties: Password: required (or PasswordSecretArn) to create a user, the instance uses \
         CONNECT_MANAGED for identity management, and AdoptExisting found no user named \"john.doe\" to take over"
    );
    assert!(!world.emulator.calls().iter().any(|c| c.is_write()), "no write attempted");
    assert_eq!(world.emulator.user_count(), 0);
}

#[tokio::test]
async fn a_replacement_whose_create_user_answer_was_lost_and_that_then_failed_names_its_new_user() {
    // Given a deployed user, and an Update that renames it: its CreateUser commits and loses its answer, and the
    // proficiency call after it is refused
    let world = World::start().await;
    let old_props = world.john();
    let old = world.create_john_with(old_props.clone()).await;
    let mut renamed = world.john();
    renamed["Username"] = json!("jane.roe");
    renamed["UserProficiencies"] = json!([{"AttributeName": "Language", "AttributeValue": "English", "Level": "3"}]);
    world.emulator.fail_next("CreateUser", 1, Fault::CommitThenDrop);
    world.emulator.fail_next("AssociateUserProficiencies", 1, Fault::Error(ErrorCode::InvalidParameter));

    // When
    let response = world.send(world.update_event(&old, old_props, renamed.clone())).await;

    // Then FAILED names the new user, so that CloudFormation's clean-up deletes it
    assert_eq!(response.status(), "FAILED");
    let made = world.emulator.find_by_username(&world.instance(), "jane.roe").expect("the new user");
    assert_eq!(response.physical_id(), made["Arn"].as_str());
    assert_eq!(made["Tags"][OWNER_TAG_KEY], owner().plain(), "made by CreateUser");
    let cleanup = world.send(world.delete_event(made["Arn"].as_str().unwrap(), renamed)).await;
    assert_eq!(cleanup.status(), "SUCCESS");
    assert_eq!(world.emulator.user_count(), 1, "the old user remains, the new one is gone");
    assert!(world.emulator.describe(&old).is_some());
}

#[tokio::test]
async fn in_provider_mode_a_replacement_whose_create_user_answer_was_lost_and_that_then_failed_deletes_its_new_user() {
    // Given the same, in provider mode
    let world = World::with_mode(Mode::Return).await;
    let old_props = world.john();
    let made = world.invoke(world.create_event(old_props.clone())).await.unwrap();
    let old = made["PhysicalResourceId"].as_str().unwrap().to_owned();
    let mut renamed = world.john();
    renamed["Username"] = json!("jane.roe");
    renamed["UserProficiencies"] = json!([{"AttributeName": "Language", "AttributeValue": "English", "Level": "3"}]);
    world.emulator.fail_next("CreateUser", 1, Fault::CommitThenDrop);
    world.emulator.fail_next("AssociateUserProficiencies", 1, Fault::Error(ErrorCode::InvalidParameter));

    // When
    let result = world.invoke(world.update_event(&old, old_props, renamed)).await;

    // Then the new user is deleted again and the old one stays
    let Err(HandlerError::Failed(reason)) = result else { panic!("expected a failed invocation: {result:?}") };
    assert!(reason.ends_with("; the user it created was deleted again"), "{reason}");
    assert!(world.emulator.find_by_username(&world.instance(), "jane.roe").is_none());
    assert!(world.emulator.describe(&old).is_some());
}

/// Secrets Manager that answers late.
struct SlowSecrets {
    inner: SdkSecrets,
    delay: Duration,
}

impl Secrets for SlowSecrets {
    fn get_secret_value<'a>(&'a self, secret: &'a SecretArn) -> BoxFuture<'a, Result<SecretValue, SecretsError>> {
        Box::pin(async move {
            tokio::time::sleep(self.delay).await;
            self.inner.get_secret_value(secret).await
        })
    }
}

async fn slow_secret_world(delay: Duration) -> (World, Value) {
    let mut world = World::start().await;
    let secrets = SecretsManager::start().await.unwrap();
    let arn = secrets.put_string("agent-password", crate::support::PASSWORD);
    let slow = SlowSecrets { inner: SdkSecrets::for_endpoint(&secrets.endpoint_url()), delay };
    world.handler = world.handler.clone().with_secrets(slow);
    let mut props = world.john();
    props.as_object_mut().unwrap().remove("Password");
    props["PasswordSecretArn"] = json!(arn);
    // The secrets server lives as long as the test: leaked with the process.
    std::mem::forget(secrets);
    (world, props)
}

#[tokio::test]
async fn no_create_user_is_sent_so_late_that_its_user_could_not_be_found_again() {
    // Given a 20 s request whose password arrives only after 12 s, past the time a CreateUser may be sent by so that
    // the clean-up, whose search lags Connect's writes, would still find its user (a third of the work's budget,
    // 5.6 s, before its end at 16.9 s)
    let (world, props) = slow_secret_world(Duration::from_secs(12)).await;

    // When
    let response = world.send_before(world.create_event(props), SystemTime::now() + Duration::from_secs(20)).await;

    // Then nothing is created, and the reason says why
    assert_eq!(response.status(), "FAILED");
    let reason = response.reason().unwrap();
    assert!(reason.starts_with("too little time was left to create the user safely"), "{reason}");
    assert!(!world.emulator.calls().iter().any(|c| c.operation == "CreateUser"));
    assert_eq!(world.emulator.user_count(), 0);
}

#[tokio::test]
async fn a_create_user_cut_off_while_search_lags_is_found_in_the_time_held_back_for_the_clean_up() {
    // Given a 20 s request whose password arrives after 6 s, a CreateUser that commits and never answers, and a
    // search that shows the new user only 6 s after it was made: after the work, held back while CreateUser is in
    // flight, has stopped (at 11.2 s)
    let (world, props) = slow_secret_world(Duration::from_secs(6)).await;
    world.emulator.set_visibility_lag(Some(Duration::from_secs(6)));
    world.emulator.fail_next("CreateUser", 1, Fault::CommitThenHang);

    // When
    let response = world.send_before(world.create_event(props), SystemTime::now() + Duration::from_secs(20)).await;

    // Then the work stopped early enough for the clean-up to find the user, and FAILED names it for the rollback
    assert_eq!(response.status(), "FAILED");
    let reason = response.reason().unwrap();
    assert!(reason.starts_with("timed out after") && reason.contains("calling CreateUser"), "{reason}");
    let made = world.emulator.find_by_username(&world.instance(), "john.doe").expect("the user CreateUser made");
    assert_eq!(response.physical_id(), made["Arn"].as_str());
}
