//! The adapters: one concrete thing each — `aws-sdk-connect` behind the Connect port, the response PUT
//! behind the sender port, `aws-sdk-secretsmanager` behind the secrets port, log setup, and the glue to the
//! Lambda runtime.

mod connect;
pub mod logging;
mod respond;
pub mod runtime;
mod secrets;

pub use connect::SdkConnect;
pub use connect::inventory::{GroupSummary, UserSummary, UsersPage};
pub use respond::{HttpSender, http_client};
pub use secrets::SdkSecrets;
