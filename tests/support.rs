//! A small DSL for the integration tests: a `World` is one emulator, one response receiver and the
//! real handler wired to both over HTTP, with builders for CloudFormation requests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime};

use cfn_connect_user::adapters::{HttpSender, SdkConnect, http_client};
use cfn_connect_user::app::{Connect, ConnectError, Handler, HandlerError, Invocation, Mode};
use cfn_connect_user::app::{Pacer, Retrying};
use cfn_connect_user::core::arn::{InstanceArn, ResourceArn, TrafficDistributionGroupArn, UserArn};
use cfn_connect_user::core::backoff::Backoff;
use cfn_connect_user::core::model::{InstanceInfo, LiveUser, OWNER_TAG_KEY, Proficiencies};
use cfn_connect_user::core::names::NameKind;
use cfn_connect_user::core::pace::PaceLimits;
use cfn_connect_user::core::plan::{Call, NewUser};
use cfn_connect_user::core::response_url::UrlPolicy;
use connect_emulator::connect::{Emulator, Seed};
use connect_emulator::receiver::{Receiver, Recorded};
use serde_json::{Value, json};

pub const STACK_ID: &str =
    "arn:aws:cloudformation:us-east-1:123456789012:stack/contact-centre/6e0a3f10-cd7a-11ef-8a4b-0e1b2c3d4e5f";
pub const PASSWORD: &str = "Welcome-2026-Agent";

/// The request's `RequestId`, as the response must echo it (empty when the event has none).
pub fn request_id(event: &Value) -> &str {
    event["RequestId"].as_str().unwrap_or_default()
}

/// A request ended by a limit while `CreateUser` was still running: FAILED, its reason naming the call and the
/// limit that bound, and delivered before `deadline`.
#[track_caller]
pub fn assert_timed_out_before(response: &Recorded, deadline: SystemTime, limit: &str) {
    assert_eq!(response.status(), "FAILED");
    let reason = response.reason().unwrap_or_default();
    assert!(reason.starts_with("timed out after") && reason.contains("while calling CreateUser"), "{reason}");
    assert!(reason.contains(limit), "{reason}");
    assert!(
        response.received_at < deadline,
        "answered {:?} after the deadline",
        response.received_at.duration_since(deadline)
    );
}

pub fn fast_backoff() -> Backoff {
    Backoff { base: Duration::from_millis(5), cap: Duration::from_millis(50) }
}

/// The production pacer 40 times faster, as `fast_backoff` is the production backoff about 40 times faster: a
/// throttle injected into an otherwise idle emulator slows the calls after it for milliseconds, not seconds.
pub fn fast_pacer() -> Pacer {
    Pacer::new(PaceLimits::default().scaled(40.0))
}

pub struct World {
    pub emulator: Emulator,
    pub receiver: Receiver,
    pub handler: Handler<Retrying<SdkConnect>, HttpSender>,
    requests: std::sync::atomic::AtomicU32,
}

impl World {
    pub async fn start() -> World {
        Self::with_mode(Mode::Respond).await
    }

    pub async fn with_mode(mode: Mode) -> World {
        let emulator = Emulator::start().await.expect("emulator starts");
        Self::on(emulator, mode).await
    }

    pub async fn on(emulator: Emulator, mode: Mode) -> World {
        Self::on_with_pacing(emulator, mode, fast_backoff(), fast_pacer()).await
    }

    /// With the Connect retries' backoff and the pacer of Connect calls as given.
    pub async fn on_with_pacing(emulator: Emulator, mode: Mode, backoff: Backoff, pacer: Pacer) -> World {
        let receiver = Receiver::start().await.expect("receiver starts");
        let connect =
            Retrying::new(SdkConnect::for_endpoint(&emulator.endpoint_url(), "us-east-1"), backoff).with_pacer(pacer);
        let http = http_client().expect("http client");
        let handler = Handler::new(connect, HttpSender::new(http, fast_backoff()), mode)
            .with_url_policy(UrlPolicy { allow_loopback: true });
        World { emulator, receiver, handler, requests: Default::default() }
    }

    pub fn instance(&self) -> String {
        self.emulator.seed().instance_arn(Seed::INSTANCE_1)
    }

    /// The seed example's properties, every scalar a string as CloudFormation sends them.
    pub fn john(&self) -> Value {
        let instance = self.instance();
        json!({
            "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:cfn-connect-user",
            "InstanceArn": instance,
            "Username": "john.doe",
            "Password": PASSWORD,
            "RoutingProfileArn": format!("{instance}/routing-profile/b1000000-0000-4000-8000-000000000001"),
            "SecurityProfileArns": [format!("{instance}/security-profile/c1000000-0000-4000-8000-000000000001")],
            "IdentityInfo": {"FirstName": "John", "LastName": "Doe", "Email": "john.doe@example.com"},
            "PhoneConfig": {"PhoneType": "SOFT_PHONE", "AutoAccept": "true", "AfterContactWorkTimeLimit": "120"},
            "Tags": [{"Key": "team", "Value": "support"}]
        })
    }

    fn next_request_id(&self) -> String {
        let n = self.requests.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        format!("5f0a9a2e-3b1c-4d5e-8f70-{n:012}")
    }

    pub fn request(&self, kind: &str, props: Value, old: Option<Value>, physical_id: Option<&str>) -> Value {
        let mut event = json!({
            "RequestType": kind,
            "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:cfn-connect-user",
            "ResponseURL": self.receiver.url(),
            "StackId": STACK_ID,
            "RequestId": self.next_request_id(),
            "LogicalResourceId": "AgentJohnDoe",
            "ResourceType": "Custom::ConnectUser",
            "ResourceProperties": props,
        });
        if let Some(old) = old {
            event["OldResourceProperties"] = old;
        }
        if let Some(id) = physical_id {
            event["PhysicalResourceId"] = json!(id);
        }
        event
    }

    pub fn create_event(&self, props: Value) -> Value {
        self.request("Create", props, None, None)
    }

    pub fn update_event(&self, physical_id: &str, old: Value, new: Value) -> Value {
        self.request("Update", new, Some(old), Some(physical_id))
    }

    pub fn delete_event(&self, physical_id: &str, props: Value) -> Value {
        self.request("Delete", props, None, Some(physical_id))
    }

    /// Invokes the handler with a 5-minute Lambda deadline.
    pub async fn invoke(&self, event: Value) -> Result<Value, HandlerError> {
        self.invoke_within(event, Duration::from_secs(300)).await
    }

    pub async fn invoke_within(&self, event: Value, timeout: Duration) -> Result<Value, HandlerError> {
        let started = SystemTime::now();
        self.handler.handle(event, Invocation::new(started, started + timeout)).await
    }

    /// Invokes and returns the one response CloudFormation received: one PUT, delivered, and no other.
    pub async fn send(&self, event: Value) -> Recorded {
        self.send_expecting(event, 1).await
    }

    /// Invokes and returns the one response CloudFormation received, after exactly `puts` PUT attempts in all
    /// (the ones the receiver was scripted to fail, then the delivered one).
    pub async fn send_expecting(&self, event: Value, puts: usize) -> Recorded {
        let started = SystemTime::now();
        self.send_with(event, Invocation::new(started, started + Duration::from_secs(300)), puts).await
    }

    /// Like [`World::send`], with the Lambda deadline at `deadline`.
    pub async fn send_before(&self, event: Value, deadline: SystemTime) -> Recorded {
        self.send_with(event, Invocation::new(SystemTime::now(), deadline), 1).await
    }

    /// Invokes as `invocation` says; once the handling has returned, checks what the receiver saw since the
    /// invocation began: exactly `puts` PUTs, all answering this request, the last one delivered.
    pub async fn send_with(&self, event: Value, invocation: Invocation, puts: usize) -> Recorded {
        let request_id = request_id(&event).to_owned();
        let mark = self.receiver.mark();
        let result = self.handler.handle(event, invocation).await;
        assert!(result.is_ok(), "invocation failed: {result:?}");
        self.receiver.sole_response_since(mark, &request_id, puts)
    }

    /// Creates the seed user and returns its ARN.
    pub async fn create_john(&self) -> String {
        self.create_john_with(self.john()).await
    }

    /// Creates a user from `props` and returns its ARN.
    pub async fn create_john_with(&self, props: Value) -> String {
        let response = self.send(self.create_event(props)).await;
        assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
        response.physical_id().expect("a physical id").to_owned()
    }

    pub fn user(&self, arn: &str) -> Value {
        self.emulator.describe(arn).unwrap_or(Value::Null)
    }
}

/// A client of the emulator that is not the handler: an operator at the AWS CLI.
pub fn operator(world: &World) -> SdkConnect {
    SdkConnect::for_endpoint(&world.emulator.endpoint_url(), "us-east-1")
}

/// A user made outside the stack (the console, a script): the seed user, without an owner tag.
pub async fn console_user(world: &World) -> String {
    let mut made_elsewhere = world.create_event(world.john());
    made_elsewhere["LogicalResourceId"] = json!("NotInThisStack");
    let made = world.invoke(made_elsewhere).await.unwrap();
    let arn = made["PhysicalResourceId"].as_str().unwrap().to_owned();
    let untag = Call::Untag(vec![OWNER_TAG_KEY.to_owned()]);
    operator(world).apply(&UserArn::parse(&arn).unwrap(), &untag).await.unwrap();
    assert!(world.user(&arn)["Tags"].get(OWNER_TAG_KEY).is_none());
    arn
}

/// A Connect client that panics inside one operation (before sending it): the handler's work must not take the
/// response down with it, nor leave a user behind.
pub struct PanicsOn<C>(C, &'static str);

impl<C> PanicsOn<C> {
    /// Panics in `operation` (a Connect operation name, e.g. `"CreateUser"`), and passes every other call to `inner`.
    pub fn new(inner: C, operation: &'static str) -> Self {
        Self(inner, operation)
    }
}

impl<C: Connect> Connect for PanicsOn<C> {
    async fn create_user(&self, user: &NewUser) -> Result<UserArn, ConnectError> {
        if self.1 == "CreateUser" {
            panic!("injected panic in CreateUser");
        }
        self.0.create_user(user).await
    }
    async fn describe_user(&self, user: &UserArn) -> Result<LiveUser, ConnectError> {
        self.0.describe_user(user).await
    }
    async fn list_proficiencies(&self, user: &UserArn) -> Result<Proficiencies, ConnectError> {
        self.0.list_proficiencies(user).await
    }
    async fn find_user(&self, instance: &InstanceArn, username: &str) -> Result<Option<UserArn>, ConnectError> {
        self.0.find_user(instance, username).await
    }
    async fn apply(&self, user: &UserArn, call: &Call) -> Result<(), ConnectError> {
        if self.1 == call.operation() {
            panic!("injected panic in {}", call.operation());
        }
        self.0.apply(user, call).await
    }
    async fn delete_user(&self, user: &UserArn) -> Result<(), ConnectError> {
        self.0.delete_user(user).await
    }
    async fn describe_instance(&self, instance: &InstanceArn) -> Result<InstanceInfo, ConnectError> {
        self.0.describe_instance(instance).await
    }
    async fn find_named(
        &self,
        instance: &InstanceArn,
        kind: NameKind,
        name: &str,
    ) -> Result<Vec<(String, ResourceArn)>, ConnectError> {
        self.0.find_named(instance, kind, name).await
    }
    async fn list_named(
        &self,
        instance: &InstanceArn,
        kind: NameKind,
    ) -> Result<Vec<(String, ResourceArn)>, ConnectError> {
        self.0.list_named(instance, kind).await
    }
    async fn group_status(&self, group: &TrafficDistributionGroupArn) -> Result<String, ConnectError> {
        self.0.group_status(group).await
    }
    async fn group_users(&self, group: &TrafficDistributionGroupArn) -> Result<BTreeSet<String>, ConnectError> {
        self.0.group_users(group).await
    }
}
