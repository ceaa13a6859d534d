//! Local stand-ins for the parties the `Custom::ConnectUser` Lambda talks to, for tests and local runs (the
//! Lambda binary never links this crate).
//!
//! The core is an in-memory Amazon Connect ([`Emulator`]) that speaks Connect's REST-JSON wire protocol, so that
//! `aws-sdk-connect` talks to it unmodified through an endpoint override. It implements the user operations with
//! their semantics (seeded instances, ids or ARNs, unique usernames, validation, the per-channel phone settings,
//! tags, proficiencies, pagination), the lists and searches that find routing profiles, security profiles and
//! hierarchy groups by name, and the users of Global Resiliency traffic distribution groups, and offers fault
//! injection and a call log to tests. Real Connect's harsher
//! behaviours (a visibility lag after `CreateUser`, writes that commit and then fail, identity-management types,
//! a users quota, regions, IAM denials) can be switched on per test; see [`connect`].
//!
//! ```no_run
//! use aws_sdk_connect::config::{Credentials, Region};
//! use connect_emulator::{Emulator, ErrorCode, Fault, Seed};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = Emulator::start().await?;
//! let config = aws_sdk_connect::Config::builder()
//!     .endpoint_url(emulator.endpoint_url())
//!     .region(Region::new("us-east-1"))
//!     .credentials_provider(Credentials::new("test", "test", None, None, "emulator"))
//!     .behavior_version_latest()
//!     .build();
//! let client = aws_sdk_connect::Client::from_conf(config);
//!
//! emulator.fail_next("CreateUser", 1, Fault::Error(ErrorCode::Throttling));
//! let created = client
//!     .create_user()
//!     .instance_id(Seed::INSTANCE_1)
//!     .username("jane")
//!     .routing_profile_id(Seed::ROUTING_PROFILE_1)
//!     .security_profile_ids(Seed::SECURITY_PROFILE_AGENT)
//!     .send()
//!     .await?; // the SDK's retry absorbs the injected throttle
//! let user = emulator.describe(created.user_id().unwrap_or_default()).unwrap_or_default();
//! assert_eq!(user["Username"], "jane");
//! assert_eq!(emulator.write_calls(), ["CreateUser"]);
//! # Ok(()) }
//! ```
//!
//! A standalone server is the `connect-emulator` binary: it prints its endpoint URL on the first line.
//!
//! Beside Connect, [`secrets`] is a minimal Secrets Manager (`GetSecretValue`) for `PasswordSecretArn`: its own
//! server on its own port, reached through `AWS_ENDPOINT_URL_SECRETS_MANAGER` as the real service is through
//! its own endpoint.

pub mod connect;

pub use connect::{
    AWKWARD, ApiError, CallRecord, Emulator, EmulatorBuilder, ErrorCode, Fault, IdentityManagement, Seed,
    SeedHierarchyGroup, SeedInstance, SeedTrafficDistributionGroup, TrafficDistributionGroupStatus,
};
pub mod receiver;
pub mod runtime_api;
pub mod secrets;
