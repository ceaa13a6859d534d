//! The Connect adapter: [`Connect`](crate::app::ports::Connect) over `aws-sdk-connect`. This file holds
//! the client's configuration; the calls, the error classification and the model conversions have a file each.

mod calls;
mod convert;
mod errors;

use std::time::Duration;

use aws_sdk_connect::Client;
use aws_sdk_connect::config::retry::RetryConfig;
use aws_sdk_connect::config::timeout::TimeoutConfig;
use aws_sdk_connect::config::{BehaviorVersion, Credentials, Region};

/// Time to open a connection: a Connect endpoint that does not accept within it is unreachable for now.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Time for one attempt, so a hung call becomes a retryable error instead of eating the whole deadline.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// The `aws-sdk-connect` client behind the [`Connect`](crate::app::ports::Connect) port. Cheap to clone.
#[derive(Debug, Clone)]
pub struct SdkConnect {
    client: Client,
}

fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder().connect_timeout(CONNECT_TIMEOUT).operation_attempt_timeout(ATTEMPT_TIMEOUT).build()
}

impl SdkConnect {
    /// Wraps a client configured elsewhere.
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    /// The standard AWS configuration chain (region, credentials, `AWS_ENDPOINT_URL` /
    /// `AWS_ENDPOINT_URL_CONNECT`), with the SDK's own retries off: [`crate::app::Retrying`] owns the policy.
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
