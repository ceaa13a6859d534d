//! The names each object of the properties may carry, and the limits the rules hold values to. A leaf of its
//! own so that `rules`, the parse in `mod.rs` and the tests share one copy without importing one another.

use std::ops::RangeInclusive;

/// At most this many template tags: Connect allows 50 per user and the owner tag takes one.
pub const MAX_TEMPLATE_TAGS: usize = 49;

/// The proficiency levels Connect accepts (its API says 1.0–5.0; the CloudFormation schema says 0–10).
pub const PROFICIENCY_LEVELS: RangeInclusive<f32> = 1.0..=5.0;

/// Connect's limit for `AfterContactWorkTimeLimit`, in seconds (24 days).
pub(super) const MAX_AFTER_CONTACT_WORK_SECONDS: i64 = 2_000_000;

pub(super) const MAX_SECURITY_PROFILES: usize = 10;

/// Longest `PasswordSecretJsonKey` accepted: a JSON key has no limit of its own, a secret holds 64 KiB at most.
pub(super) const MAX_JSON_KEY_CHARS: usize = 1024;

/// The properties of `Custom::ConnectUser`: those of `AWS::Connect::User`, plus this project's extensions.
pub const PROPERTIES: &[&str] = &[
    "InstanceArn",
    "Username",
    "RoutingProfileArn",
    "RoutingProfileName",
    "SecurityProfileArns",
    "SecurityProfileNames",
    "Password",
    "DirectoryUserId",
    "HierarchyGroupArn",
    "HierarchyGroupPath",
    "IdentityInfo",
    "PhoneConfig",
    "AutoAcceptConfigs",
    "AfterContactWorkConfigs",
    "PhoneNumberConfigs",
    "PersistentConnectionConfigs",
    "VoiceEnhancementConfigs",
    "UserProficiencies",
    "Tags",
    "TrafficDistributionGroupArns",
    "AdoptExisting",
    "PasswordSecretArn",
    "PasswordSecretJsonKey",
    "ReconcileToken",
];
/// Added by CloudFormation to `ResourceProperties`; not properties of the user.
pub(super) const CLOUDFORMATION_KEYS: &[&str] = &["ServiceToken", "ServiceTimeout"];
pub(super) const IDENTITY_INFO: &[&str] = &["FirstName", "LastName", "Email", "SecondaryEmail", "Mobile"];
pub(super) const PHONE_CONFIG: &[&str] =
    &["PhoneType", "AutoAccept", "AfterContactWorkTimeLimit", "DeskPhoneNumber", "PersistentConnection"];
pub(super) const AUTO_ACCEPT_CONFIG: &[&str] = &["Channel", "AutoAccept", "AgentFirstCallbackAutoAccept"];
pub(super) const AFTER_CONTACT_WORK_PER_CHANNEL: &[&str] =
    &["Channel", "AfterContactWorkConfig", "AgentFirstCallbackAfterContactWorkConfig"];
pub(super) const AFTER_CONTACT_WORK_CONFIG: &[&str] = &["AfterContactWorkTimeLimit", "AfterContactWorkMode"];
pub(super) const PHONE_NUMBER_CONFIG: &[&str] = &["Channel", "PhoneType", "PhoneNumber"];
pub(super) const PERSISTENT_CONNECTION_CONFIG: &[&str] = &["Channel", "PersistentConnection"];
pub(super) const VOICE_ENHANCEMENT_CONFIG: &[&str] = &["Channel", "VoiceEnhancementMode"];
pub(super) const USER_PROFICIENCY: &[&str] = &["AttributeName", "AttributeValue", "Level"];
pub(super) const TAG: &[&str] = &["Key", "Value"];

/// A `PhoneConfig` field and the per-channel list that sets the same thing: Connect rejects both at once.
pub(super) const CONFLICTS: &[(&str, &str)] = &[
    ("AutoAccept", "AutoAcceptConfigs"),
    ("AfterContactWorkTimeLimit", "AfterContactWorkConfigs"),
    ("PhoneType", "PhoneNumberConfigs"),
    ("DeskPhoneNumber", "PhoneNumberConfigs"),
    ("PersistentConnection", "PersistentConnectionConfigs"),
];
