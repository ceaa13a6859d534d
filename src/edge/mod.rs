//! The edges: everything that talks to the outside world (Connect, the response URL, the Lambda runtime, logs).

pub mod backoff;
pub mod connect;
pub mod handler;
pub mod lifecycle;
pub mod logging;
pub mod sender;
