//! The Connect emulator driven by `aws-sdk-connect` itself over HTTP: every operation, every error decoded as the
//! SDK's typed error, the validation and conflict rules, pagination, fault injection and the call log.
//!
//! Modules:
//! - `operations`: each operation's semantics through the SDK (ids or ARNs, tags, proficiencies, phone settings).
//! - `errors`: each error code decoded as the typed SDK error.
//! - `validation`: request validation and the PhoneConfig/per-channel conflict rule.
//! - `pagination`: ListUsers, ListUserProficiencies and SearchUsers over several pages.
//! - `faults`: fail_next, dropped connections, hangs, latency, the token bucket, the call log.
//! - `harsh`: real Connect's harsher behaviours, each switched on per test (visibility lag, commit then fail,
//!   UpdateUserPhoneConfig on every channel, the users quota, IAM denials), and off by default.
//! - `instances`: DescribeInstance, the identity-management types and their rules, regions.
//! - `names`: routing profiles, security profiles and hierarchy groups found by name (List, Search,
//!   DescribeUserHierarchyGroup), shared names, duplicates, and the handle's add, rename and delete.
//! - `traffic`: traffic distribution groups and their users, home regions, statuses, conflicts, DeleteUser refused
//!   while associated.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "sdk/errors.rs"]
mod errors;
#[path = "sdk/faults.rs"]
mod faults;
#[path = "sdk/harsh.rs"]
mod harsh;
#[path = "sdk/instances.rs"]
mod instances;
#[path = "sdk/names.rs"]
mod names;
#[path = "sdk/operations.rs"]
mod operations;
#[path = "sdk/pagination.rs"]
mod pagination;
#[path = "sdk/traffic.rs"]
mod traffic;
#[path = "sdk/validation.rs"]
mod validation;

use std::time::Duration;

use aws_sdk_connect::Client;
use aws_sdk_connect::config::retry::RetryConfig;
use aws_sdk_connect::config::timeout::TimeoutConfig;
use aws_sdk_connect::config::{Credentials, Region};
use connect_emulator::{Emulator, Seed};

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

fn config(emulator: &Emulator) -> aws_sdk_connect::config::Builder {
    aws_sdk_connect::Config::builder()
        .endpoint_url(emulator.endpoint_url())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "emulator-tests"))
        .behavior_version_latest()
}

/// A client with the SDK's standard retries.
pub fn client(emulator: &Emulator) -> Client {
    Client::from_conf(config(emulator).build())
}

/// A client that makes exactly one attempt per call, so each answer is seen as sent.
pub fn single_shot(emulator: &Emulator) -> Client {
    Client::from_conf(config(emulator).retry_config(RetryConfig::disabled()).build())
}

/// A single-attempt client that signs its requests for `region`.
pub fn signed_for(emulator: &Emulator, region: &'static str) -> Client {
    Client::from_conf(config(emulator).region(Region::new(region)).retry_config(RetryConfig::disabled()).build())
}

/// A single-attempt client that gives up after `timeout`.
pub fn with_timeout(emulator: &Emulator, timeout: Duration) -> Client {
    let timeouts = TimeoutConfig::builder().operation_timeout(timeout).build();
    Client::from_conf(config(emulator).retry_config(RetryConfig::disabled()).timeout_config(timeouts).build())
}

/// Creates user `username` in instance 1 with the basic routing profile and the Agent security profile.
pub async fn create_user(client: &Client, username: &str) -> Result<(String, String), Box<dyn std::error::Error>> {
    let out = client
        .create_user()
        .instance_id(Seed::INSTANCE_1)
        .username(username)
        .routing_profile_id(Seed::ROUTING_PROFILE_1)
        .security_profile_ids(Seed::SECURITY_PROFILE_AGENT)
        .send()
        .await?;
    Ok((out.user_id().unwrap_or_default().to_owned(), out.user_arn().unwrap_or_default().to_owned()))
}
