//! How long a Connect client waits: to connect, and for one attempt. A leaf of its own because the clients are
//! configured with these (`mod.rs`) and the errors they cause are described with them (`errors`).

use std::time::Duration;

use aws_sdk_connect::config::timeout::TimeoutConfig;

/// Time to open a connection: a Connect endpoint that does not accept within it is unreachable for now.
pub(super) const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Time for one attempt, so a hung call becomes a retryable error instead of eating the whole deadline.
pub(super) const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// The SDK's timeout configuration with both limits.
pub(super) fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder().connect_timeout(CONNECT_TIMEOUT).operation_attempt_timeout(ATTEMPT_TIMEOUT).build()
}
