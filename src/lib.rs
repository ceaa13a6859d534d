//! `cfn-connect-user`: the AWS Lambda behind the CloudFormation custom resource `Custom::ConnectUser`.
//!
//! A request flows through two layers:
//!
//! - [`core`] is pure: the raw event → envelope → request, CloudFormation properties (strings) →
//!   a validated [`core::model::UserSpec`], the update plan (desired vs live → ordered Connect calls),
//!   and the response document with its 4096-byte budget.
//! - [`edge`] does the I/O: the Connect client (a trait with the `aws-sdk-connect` implementation),
//!   running a lifecycle through it, the response PUT, logging, and the handler, which is the one place
//!   where any outcome — error, panic or deadline — becomes exactly one response.
//!
//! `main.rs` only wires these together for the Lambda runtime.

pub mod core;
pub mod edge;
