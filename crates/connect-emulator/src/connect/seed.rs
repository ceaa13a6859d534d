//! The deterministic seed every emulator starts with: region, account, the instances (each with its region and
//! identity-management type) and their routing profiles, security profiles, hierarchy groups and predefined
//! attributes. The project's sample events name these values.
//!
//! Instances 1 and 2 are the everyday ones (`CONNECT_MANAGED`, `us-east-1`); the others exist so that tests can
//! meet the other identity-management types and an instance in another region.

use std::fmt;

/// How an instance manages its users' identities (`DescribeInstance`'s `IdentityManagementType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentityManagement {
    /// `CONNECT_MANAGED`: Connect keeps the users and their passwords.
    ConnectManaged,
    /// `SAML`: users sign in through a SAML identity provider; Connect holds no password.
    Saml,
    /// `EXISTING_DIRECTORY`: users come from an AWS Directory Service directory.
    ExistingDirectory,
}

impl IdentityManagement {
    /// The value as the API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ConnectManaged => "CONNECT_MANAGED",
            Self::Saml => "SAML",
            Self::ExistingDirectory => "EXISTING_DIRECTORY",
        }
    }
}

impl fmt::Display for IdentityManagement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Identifiers of one seeded instance and the resources it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedInstance {
    /// The instance id (a UUID).
    pub id: &'static str,
    /// The instance alias (`InstanceAlias`, and the host of `InstanceAccessUrl`).
    pub alias: &'static str,
    /// The region the instance lives in; requests signed for another region do not find it.
    pub region: &'static str,
    /// Its `IdentityManagementType`.
    pub identity_management: IdentityManagement,
    /// `(id, name)` of each routing profile.
    pub routing_profiles: &'static [(&'static str, &'static str)],
    /// `(id, name)` of each security profile.
    pub security_profiles: &'static [(&'static str, &'static str)],
    /// Ids of the hierarchy (agent) groups.
    pub hierarchy_groups: &'static [&'static str],
    /// `(name, values)` of each predefined attribute usable as a proficiency.
    pub predefined_attributes: &'static [(&'static str, &'static [&'static str])],
}

/// The seeded world: what exists in a fresh emulator.
#[derive(Debug, Clone, PartialEq)]
pub struct Seed {
    /// `us-east-1`: the region of every instance but [`Seed::INSTANCE_EU`].
    pub region: &'static str,
    /// `123456789012`.
    pub account: &'static str,
    /// Instance 1 ([`Seed::INSTANCE_1`]) and instance 2 ([`Seed::INSTANCE_2`]), in that order, then
    /// [`Seed::INSTANCE_SAML`], [`Seed::INSTANCE_DIRECTORY`] and [`Seed::INSTANCE_EU`].
    pub instances: Vec<SeedInstance>,
}

const ATTRIBUTES: &[(&str, &[&str])] =
    &[("Language", &["English", "Spanish", "French"]), ("Skill", &["Billing", "Technical", "Sales"])];

impl Seed {
    pub const REGION: &'static str = "us-east-1";
    pub const ACCOUNT: &'static str = "123456789012";

    pub const INSTANCE_1: &'static str = "a1b2c3d4-0000-4000-8000-000000000001";
    /// "Basic Routing Profile" of instance 1.
    pub const ROUTING_PROFILE_1: &'static str = "b1000000-0000-4000-8000-000000000001";
    /// "Sales" of instance 1.
    pub const ROUTING_PROFILE_1_SALES: &'static str = "b1000000-0000-4000-8000-000000000002";
    /// "Agent" of instance 1.
    pub const SECURITY_PROFILE_AGENT: &'static str = "c1000000-0000-4000-8000-000000000001";
    /// "CallCenterManager" of instance 1.
    pub const SECURITY_PROFILE_MANAGER: &'static str = "c1000000-0000-4000-8000-000000000002";
    /// "QualityAnalyst" of instance 1.
    pub const SECURITY_PROFILE_QA: &'static str = "c1000000-0000-4000-8000-000000000003";
    pub const HIERARCHY_GROUP_1: &'static str = "d1000000-0000-4000-8000-000000000001";
    pub const HIERARCHY_GROUP_2: &'static str = "d1000000-0000-4000-8000-000000000002";

    pub const INSTANCE_2: &'static str = "a1b2c3d4-0000-4000-8000-000000000002";
    pub const INSTANCE_2_ROUTING_PROFILE: &'static str = "b2000000-0000-4000-8000-000000000001";
    pub const INSTANCE_2_SECURITY_PROFILE: &'static str = "c2000000-0000-4000-8000-000000000001";
    pub const INSTANCE_2_HIERARCHY_GROUP: &'static str = "d2000000-0000-4000-8000-000000000001";

    /// An instance with `SAML` identity management, in `us-east-1`.
    pub const INSTANCE_SAML: &'static str = "a1b2c3d4-0000-4000-8000-000000000003";
    pub const INSTANCE_SAML_ROUTING_PROFILE: &'static str = "b3000000-0000-4000-8000-000000000001";
    pub const INSTANCE_SAML_SECURITY_PROFILE: &'static str = "c3000000-0000-4000-8000-000000000001";
    pub const INSTANCE_SAML_HIERARCHY_GROUP: &'static str = "d3000000-0000-4000-8000-000000000001";

    /// An instance with `EXISTING_DIRECTORY` identity management, in `us-east-1`.
    pub const INSTANCE_DIRECTORY: &'static str = "a1b2c3d4-0000-4000-8000-000000000004";
    pub const INSTANCE_DIRECTORY_ROUTING_PROFILE: &'static str = "b4000000-0000-4000-8000-000000000001";
    pub const INSTANCE_DIRECTORY_SECURITY_PROFILE: &'static str = "c4000000-0000-4000-8000-000000000001";
    pub const INSTANCE_DIRECTORY_HIERARCHY_GROUP: &'static str = "d4000000-0000-4000-8000-000000000001";

    /// A `CONNECT_MANAGED` instance in [`Seed::REGION_EU`].
    pub const INSTANCE_EU: &'static str = "a1b2c3d4-0000-4000-8000-000000000005";
    pub const INSTANCE_EU_ROUTING_PROFILE: &'static str = "b5000000-0000-4000-8000-000000000001";
    pub const INSTANCE_EU_SECURITY_PROFILE: &'static str = "c5000000-0000-4000-8000-000000000001";
    pub const INSTANCE_EU_HIERARCHY_GROUP: &'static str = "d5000000-0000-4000-8000-000000000001";
    /// `eu-west-2`, the region of [`Seed::INSTANCE_EU`].
    pub const REGION_EU: &'static str = "eu-west-2";

    /// The standard seed.
    pub fn new() -> Self {
        Self {
            region: Self::REGION,
            account: Self::ACCOUNT,
            instances: vec![
                SeedInstance {
                    id: Self::INSTANCE_1,
                    alias: "cfn-connect-user-1",
                    region: Self::REGION,
                    identity_management: IdentityManagement::ConnectManaged,
                    routing_profiles: &[
                        (Self::ROUTING_PROFILE_1, "Basic Routing Profile"),
                        (Self::ROUTING_PROFILE_1_SALES, "Sales"),
                    ],
                    security_profiles: &[
                        (Self::SECURITY_PROFILE_AGENT, "Agent"),
                        (Self::SECURITY_PROFILE_MANAGER, "CallCenterManager"),
                        (Self::SECURITY_PROFILE_QA, "QualityAnalyst"),
                    ],
                    hierarchy_groups: &[Self::HIERARCHY_GROUP_1, Self::HIERARCHY_GROUP_2],
                    predefined_attributes: ATTRIBUTES,
                },
                SeedInstance {
                    id: Self::INSTANCE_2,
                    alias: "cfn-connect-user-2",
                    region: Self::REGION,
                    identity_management: IdentityManagement::ConnectManaged,
                    routing_profiles: &[(Self::INSTANCE_2_ROUTING_PROFILE, "Basic Routing Profile")],
                    security_profiles: &[(Self::INSTANCE_2_SECURITY_PROFILE, "Agent")],
                    hierarchy_groups: &[Self::INSTANCE_2_HIERARCHY_GROUP],
                    predefined_attributes: ATTRIBUTES,
                },
                SeedInstance {
                    id: Self::INSTANCE_SAML,
                    alias: "cfn-connect-user-saml",
                    region: Self::REGION,
                    identity_management: IdentityManagement::Saml,
                    routing_profiles: &[(Self::INSTANCE_SAML_ROUTING_PROFILE, "Basic Routing Profile")],
                    security_profiles: &[(Self::INSTANCE_SAML_SECURITY_PROFILE, "Agent")],
                    hierarchy_groups: &[Self::INSTANCE_SAML_HIERARCHY_GROUP],
                    predefined_attributes: ATTRIBUTES,
                },
                SeedInstance {
                    id: Self::INSTANCE_DIRECTORY,
                    alias: "cfn-connect-user-directory",
                    region: Self::REGION,
                    identity_management: IdentityManagement::ExistingDirectory,
                    routing_profiles: &[(Self::INSTANCE_DIRECTORY_ROUTING_PROFILE, "Basic Routing Profile")],
                    security_profiles: &[(Self::INSTANCE_DIRECTORY_SECURITY_PROFILE, "Agent")],
                    hierarchy_groups: &[Self::INSTANCE_DIRECTORY_HIERARCHY_GROUP],
                    predefined_attributes: ATTRIBUTES,
                },
                SeedInstance {
                    id: Self::INSTANCE_EU,
                    alias: "cfn-connect-user-eu",
                    region: Self::REGION_EU,
                    identity_management: IdentityManagement::ConnectManaged,
                    routing_profiles: &[(Self::INSTANCE_EU_ROUTING_PROFILE, "Basic Routing Profile")],
                    security_profiles: &[(Self::INSTANCE_EU_SECURITY_PROFILE, "Agent")],
                    hierarchy_groups: &[Self::INSTANCE_EU_HIERARCHY_GROUP],
                    predefined_attributes: ATTRIBUTES,
                },
            ],
        }
    }

    /// The seeded instance with this id.
    pub fn instance(&self, instance_id: &str) -> Option<&SeedInstance> {
        self.instances.iter().find(|i| i.id == instance_id)
    }

    /// The region of the seeded instance `instance_id`; [`Seed::region`] for an id that is not seeded.
    pub fn region_of(&self, instance_id: &str) -> &'static str {
        self.instance(instance_id).map_or(self.region, |i| i.region)
    }

    /// `arn:aws:connect:<its region>:123456789012:instance/<instance_id>` (`us-east-1` for an id not seeded).
    pub fn instance_arn(&self, instance_id: &str) -> String {
        format!("arn:aws:connect:{}:{}:instance/{instance_id}", self.region_of(instance_id), self.account)
    }

    /// `<instance ARN>/routing-profile/<id>`.
    pub fn routing_profile_arn(&self, instance_id: &str, id: &str) -> String {
        format!("{}/routing-profile/{id}", self.instance_arn(instance_id))
    }

    /// `<instance ARN>/security-profile/<id>`.
    pub fn security_profile_arn(&self, instance_id: &str, id: &str) -> String {
        format!("{}/security-profile/{id}", self.instance_arn(instance_id))
    }

    /// `<instance ARN>/agent-group/<id>`.
    pub fn hierarchy_group_arn(&self, instance_id: &str, id: &str) -> String {
        format!("{}/agent-group/{id}", self.instance_arn(instance_id))
    }

    /// `<instance ARN>/agent/<user id>`.
    pub fn user_arn(&self, instance_id: &str, user_id: &str) -> String {
        format!("{}/agent/{user_id}", self.instance_arn(instance_id))
    }
}

impl Default for Seed {
    fn default() -> Self {
        Self::new()
    }
}
