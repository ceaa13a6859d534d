//! `connect-users`: brings an Amazon Connect instance's users under CloudFormation, and previews what a template
//! of `Custom::ConnectUser` will do before it touches them. It reads Connect and never writes to it ([`reader`]).
//!
//! - `export` ([`export`]): every user (or a selection) → a template with one `Custom::ConnectUser` each, with
//!   `AdoptExisting: "true"` and the live user's properties, so its deployment adopts each user with its owner tag
//!   and changes nothing else; nested stacks beyond CloudFormation's limits; resumable.
//! - `plan` ([`plan`]): for each `Custom::ConnectUser` of a template, the Connect calls the function would make
//!   against the live user now, decided by the function's own core (`cfn_connect_user::core::decision`); with
//!   `--instance-arn`, against any instance.
//! - `export --portable` ([`export::portable`]): names instead of ARNs, the instance as a parameter: one roster for
//!   test, production and a Global Resiliency replica.
//! - `diff` ([`diff`]): per agent, what differs between two instances.
//!
//! It reuses the function's crate for everything that decides: properties and their validation, the plan, the
//! owner tag, the reasons; and its Connect adapter with the same retries and adaptive pacing.

#![warn(missing_docs)]

pub mod args;
pub mod catalog;
pub mod diff;
pub mod export;
pub mod intrinsics;
pub mod plan;
pub mod progress;
pub mod reader;
pub mod run;
pub mod select;
pub mod template;
pub mod yaml;
