//! A small DSL for the integration tests: a `World` is one emulator, one response receiver and the
//! real handler wired to both over HTTP, with builders for CloudFormation requests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, SystemTime};

use cfn_connect_user::adapters::{HttpSender, SdkConnect, http_client};
use cfn_connect_user::app::{Handler, HandlerError, Invocation, Mode};
use cfn_connect_user::app::{Pacer, Retrying};
use cfn_connect_user::core::backoff::Backoff;
use cfn_connect_user::core::response_url::UrlPolicy;
use connect_emulator::connect::{Emulator, Seed};
use connect_emulator::receiver::{Receiver, Recorded};
use serde_json::{Value, json};

pub const STACK_ID: &str =
    "arn:aws:cloudformation:us-east-1:123456789012:stack/contact-centre/6e0a3f10-cd7a-11ef-8a4b-0e1b2c3d4e5f";
pub const PASSWORD: &str = "Welcome-2026-Agent";

pub fn fast_backoff() -> Backoff {
    Backoff { base: Duration::from_millis(5), cap: Duration::from_millis(50) }
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
        Self::on_with_backoff(emulator, mode, fast_backoff()).await
    }

    /// With the Connect retries' backoff as given (the production default, for realistic load figures).
    pub async fn on_with_backoff(emulator: Emulator, mode: Mode, backoff: Backoff) -> World {
        Self::on_with_pacing(emulator, mode, backoff, Pacer::default()).await
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

    /// Invokes and returns the one response CloudFormation received.
    pub async fn send(&self, event: Value) -> Recorded {
        let before = self.receiver.delivered_now().len();
        let result = self.invoke(event).await;
        assert!(result.is_ok(), "invocation failed: {result:?}");
        let delivered = self.receiver.delivered(before + 1).await;
        assert_eq!(delivered.len(), before + 1, "exactly one response per request");
        delivered[before].clone()
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
