//! `cfn-connect-user`: the AWS Lambda behind the CloudFormation custom resource `Custom::ConnectUser`.
//!
//! Three layers; imports point down only (`adapters` → `app` → `core`, and `main.rs` above all three):
//!
//! ```text
//!  main.rs     wiring: config, clients, run
//!  adapters/   one concrete thing each: aws-sdk-connect, the response PUT, logs, the Lambda runtime
//!  app/        the use cases (Create/Update/Delete) and the supervision of a request, through ports (traits)
//!  core/       pure rules, no I/O and no async: properties, validation, plan, ids, response, deadlines
//! ```
//!
//! - [`core`] turns the raw event into an envelope and a request, CloudFormation's properties into a
//!   validated [`core::model::UserSpec`], (template, live user) into a plan of Connect calls, and an outcome
//!   into a response document that fits 4096 bytes.
//! - [`app`] runs a request: its lifecycle sequences the calls through the [`app::ports::Connect`] port, and
//!   [`app::Handler`] supervises it, so any end — success, error, panic, deadline — is exactly one response.
//! - [`adapters`] implement the ports: [`adapters::SdkConnect`], [`adapters::HttpSender`], plus log setup
//!   and the runtime glue.
//!
//! The contract behind the code is written down in `docs/`: `protocol.md` (the custom-resource protocol),
//! `connect-user.md` (properties and Connect calls), `real-connect.md` (what real Connect does) and
//! `testing.md`.

#![warn(missing_docs)]

pub mod adapters;
pub mod app;
pub mod core;
