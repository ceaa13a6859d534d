//! The deterministic seed every emulator starts with: region, account, two instances and their routing profiles,
//! security profiles, hierarchy groups and predefined attributes. The project's sample events name these values.

/// Identifiers of one seeded instance and the resources it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedInstance {
    /// The instance id (a UUID).
    pub id: &'static str,
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
    /// `us-east-1`.
    pub region: &'static str,
    /// `123456789012`.
    pub account: &'static str,
    /// Instance 1 ([`Seed::INSTANCE_1`]) and instance 2 ([`Seed::INSTANCE_2`]), in that order.
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

    /// The standard seed.
    pub fn new() -> Self {
        Self {
            region: Self::REGION,
            account: Self::ACCOUNT,
            instances: vec![
                SeedInstance {
                    id: Self::INSTANCE_1,
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
                    routing_profiles: &[(Self::INSTANCE_2_ROUTING_PROFILE, "Basic Routing Profile")],
                    security_profiles: &[(Self::INSTANCE_2_SECURITY_PROFILE, "Agent")],
                    hierarchy_groups: &[Self::INSTANCE_2_HIERARCHY_GROUP],
                    predefined_attributes: ATTRIBUTES,
                },
            ],
        }
    }

    /// `arn:aws:connect:us-east-1:123456789012:instance/<instance_id>`.
    pub fn instance_arn(&self, instance_id: &str) -> String {
        format!("arn:aws:connect:{}:{}:instance/{instance_id}", self.region, self.account)
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
