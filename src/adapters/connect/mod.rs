//! The Connect adapter: [`Connect`](crate::app::ports::Connect) over `aws-sdk-connect`. This file holds
//! the clients' configuration, one client per region, and what is kept of each instance; the calls, the error
//! classification, the model conversions and the timeouts have a file each.

mod calls;
mod convert;
mod errors;
mod groups;
pub mod inventory;
mod named;
mod timeouts;

pub(crate) use errors::causes;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use aws_sdk_connect::config::retry::RetryConfig;
use aws_sdk_connect::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_connect::{Client, Config};

use crate::app::ports::ConnectError;
use crate::core::arn::InstanceArn;
use crate::core::model::InstanceInfo;
use timeouts::timeouts;

/// The `aws-sdk-connect` clients behind the [`Connect`](crate::app::ports::Connect) port. Cheap to clone: clones
/// share the clients and what is kept of each instance.
///
/// Calls go to the region of the instance they address (docs/real-connect.md §6): Connect's regional endpoints
/// know only their own instances, and SigV4 signs for one region. One client per region, built on first use from
/// the same configuration (so `AWS_ENDPOINT_URL_CONNECT` and the credentials apply to all) and kept for the
/// execution environment.
#[derive(Debug, Clone)]
pub struct SdkConnect {
    /// The configuration every regional client is built from.
    base: Config,
    /// Region → client; the base configuration's own region is there from the start.
    clients: Arc<Mutex<HashMap<String, Client>>>,
    /// Instance ARN → `DescribeInstance`'s answer, a denial included: neither changes while the function runs,
    /// and one call per instance per execution environment is the whole cost of the identity-type rules.
    instances: Arc<Mutex<HashMap<String, InstanceSlot>>>,
}

/// One instance's kept answer. An async lock, held across the call: requests that arrive together (a stack
/// creating many users at once) wait for the first one's answer instead of each asking.
type InstanceSlot = Arc<tokio::sync::Mutex<Option<Result<InstanceInfo, ConnectError>>>>;

impl SdkConnect {
    /// Wraps a client configured elsewhere; clients of other regions are built from its configuration.
    pub fn new(client: Client) -> Self {
        let base = client.config().clone();
        let clients = base.region().map(|r| (r.to_string(), client)).into_iter().collect();
        Self { base, clients: Arc::new(Mutex::new(clients)), instances: Arc::default() }
    }

    /// The client of `instance`'s region, built now if it is the first call there.
    fn client(&self, instance: &InstanceArn) -> Client {
        self.client_in(instance.region())
    }

    /// The client of `region`, built now if it is the first call there.
    fn client_in(&self, region: &str) -> Client {
        let mut clients = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
        clients
            .entry(region.to_owned())
            .or_insert_with(|| Client::from_conf(self.base.to_builder().region(Region::new(region.to_owned())).build()))
            .clone()
    }

    /// Where `DescribeInstance`'s answer for `instance` is kept in this execution environment.
    fn instance_slot(&self, instance: &InstanceArn) -> InstanceSlot {
        self.instances.lock().unwrap_or_else(PoisonError::into_inner).entry(instance.to_string()).or_default().clone()
    }

    /// The standard AWS configuration chain (region, credentials, `AWS_ENDPOINT_URL` /
    /// `AWS_ENDPOINT_URL_CONNECT`), with the SDK's own retries off: the SDK would repeat a write that met a 5xx or
    /// a dropped connection blind, and count `LimitExceededException` as a throttle, while a write may have
    /// committed before it failed and a quota is no throttle. The app's retry policy and its re-plan decide
    /// (docs/real-connect.md §2, §5).
    pub async fn from_env() -> Self {
        let config = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(RetryConfig::disabled())
            .timeout_config(timeouts())
            .load()
            .await;
        Self::new(Client::new(&config))
    }

    /// A client of the Connect endpoint at `endpoint_url` (an emulator) with static dummy credentials,
    /// configured like [`SdkConnect::from_env`] otherwise.
    pub fn for_endpoint(endpoint_url: &str, region: &str) -> Self {
        let config = aws_sdk_connect::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(endpoint_url)
            .region(Region::new(region.to_owned()))
            .credentials_provider(Credentials::new("AKIDLOCALEMULATOR", "local-emulator-secret", None, None, "static"))
            .retry_config(RetryConfig::disabled())
            .timeout_config(timeouts())
            .build();
        Self::new(Client::from_conf(config))
    }
}
