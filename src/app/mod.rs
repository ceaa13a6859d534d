//! The application: the Create/Update/Delete use cases and the supervision of one request (deadline,
//! panic, exactly one response). It talks to the outside world only through the traits of [`ports`];
//! it never names an adapter.

mod groups;
mod lifecycle;
mod names;
mod pacer;
mod password;
pub mod ports;
mod retry;
mod supervise;

pub use groups::groups_holding;
pub use lifecycle::Windows;
pub use names::{NAME_TTL, NameCache};
pub use pacer::{Pacer, Permit};
pub use ports::{Connect, ConnectError, Delivery, ErrorKind, ResponseSender, Secrets, SecretsError, SecretsErrorKind};
pub use retry::Retrying;
pub use supervise::{Handler, HandlerError, Invocation, Mode};
