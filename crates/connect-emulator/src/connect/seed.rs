//! The deterministic seed every emulator starts with: region, account, the instances (each with its region and
//! identity-management type) and their routing profiles, security profiles, hierarchy groups, predefined
//! attributes and traffic distribution groups. The project's sample events name these values.
//!
//! Instances 1 and 2 are the everyday ones (`CONNECT_MANAGED`, `us-east-1`); the others exist so that tests can
//! meet the other identity-management types and an instance in another region.
//!
//! Instances 1 and 2 hold resources of the same names under different ids, so that a template naming them
//! deploys to either:
//!
//! | | instance 1 | instance 2 |
//! |---|---|---|
//! | routing profile "Basic Routing Profile" | [`Seed::ROUTING_PROFILE_1`] | [`Seed::INSTANCE_2_ROUTING_PROFILE`] |
//! | routing profile "Sales" | [`Seed::ROUTING_PROFILE_1_SALES`] | [`Seed::INSTANCE_2_ROUTING_PROFILE_SALES`] |
//! | security profile "Agent" | [`Seed::SECURITY_PROFILE_AGENT`] | [`Seed::INSTANCE_2_SECURITY_PROFILE`] |
//! | security profile "CallCenterManager" | [`Seed::SECURITY_PROFILE_MANAGER`] | [`Seed::INSTANCE_2_SECURITY_PROFILE_MANAGER`] |
//! | security profile "QualityAnalyst" | [`Seed::SECURITY_PROFILE_QA`] | [`Seed::INSTANCE_2_SECURITY_PROFILE_QA`] |
//! | group Europe | [`Seed::HIERARCHY_GROUP_EUROPE`] | [`Seed::INSTANCE_2_HIERARCHY_GROUP_EUROPE`] |
//! | group Europe › Berlin | [`Seed::HIERARCHY_GROUP_BERLIN`] | [`Seed::INSTANCE_2_HIERARCHY_GROUP_BERLIN`] |
//! | group Europe › Berlin › Team 4 | [`Seed::HIERARCHY_GROUP_1`] | [`Seed::INSTANCE_2_HIERARCHY_GROUP`] |
//! | group Europe › Paris | [`Seed::HIERARCHY_GROUP_PARIS`] | [`Seed::INSTANCE_2_HIERARCHY_GROUP_PARIS`] |
//! | group Europe › Paris › Team 4 | [`Seed::HIERARCHY_GROUP_PARIS_TEAM_4`] | [`Seed::INSTANCE_2_HIERARCHY_GROUP_PARIS_TEAM_4`] |
//! | group Americas | [`Seed::HIERARCHY_GROUP_AMERICAS`] | [`Seed::INSTANCE_2_HIERARCHY_GROUP_AMERICAS`] |
//! | group Americas › Seattle | [`Seed::HIERARCHY_GROUP_2`] | [`Seed::INSTANCE_2_HIERARCHY_GROUP_SEATTLE`] |
//!
//! Two groups of each of these instances are named "Team 4" (under Berlin and under Paris): a name alone does not
//! always find one group. The other instances have a two-level tree around the group they always had:
//! Americas › Seattle ([`Seed::INSTANCE_SAML_HIERARCHY_GROUP`], under `d3000000-0000-4000-8000-000000000002`),
//! Americas › Chicago ([`Seed::INSTANCE_DIRECTORY_HIERARCHY_GROUP`], under `d4000000-0000-4000-8000-000000000002`)
//! and Europe › London ([`Seed::INSTANCE_EU_HIERARCHY_GROUP`], under `d5000000-0000-4000-8000-000000000002`).
//!
//! Traffic distribution groups (Global Resiliency), all `ACTIVE`: instance 1 has its default one
//! ([`Seed::TRAFFIC_DISTRIBUTION_GROUP_DEFAULT`]) and another ([`Seed::TRAFFIC_DISTRIBUTION_GROUP_1`]), both in
//! `us-east-1`; [`Seed::INSTANCE_EU`] has its default one in `eu-west-2` ([`Seed::TRAFFIC_DISTRIBUTION_GROUP_EU`]).

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

/// One hierarchy (agent) group of a seeded instance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeedHierarchyGroup {
    pub id: &'static str,
    pub name: &'static str,
    /// The id of the group above it; `None` at level one.
    pub parent: Option<&'static str>,
}

/// One traffic distribution group of a seeded instance; seeded groups are `ACTIVE`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeedTrafficDistributionGroup {
    pub id: &'static str,
    pub name: &'static str,
    /// Its home region, the one its ARN names and requests must be signed for.
    pub region: &'static str,
    pub is_default: bool,
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
    /// The hierarchy (agent) groups. The groups that existed before the tree come first, in their old order,
    /// because the population places users in the first two.
    pub hierarchy_groups: &'static [SeedHierarchyGroup],
    /// `(name, values)` of each predefined attribute usable as a proficiency.
    pub predefined_attributes: &'static [(&'static str, &'static [&'static str])],
    pub traffic_distribution_groups: &'static [SeedTrafficDistributionGroup],
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

const fn group(id: &'static str, name: &'static str, parent: Option<&'static str>) -> SeedHierarchyGroup {
    SeedHierarchyGroup { id, name, parent }
}

const fn tdg(
    id: &'static str,
    name: &'static str,
    region: &'static str,
    is_default: bool,
) -> SeedTrafficDistributionGroup {
    SeedTrafficDistributionGroup { id, name, region, is_default }
}

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
    /// Europe › Berlin › "Team 4" of instance 1 (level three).
    pub const HIERARCHY_GROUP_1: &'static str = "d1000000-0000-4000-8000-000000000001";
    /// Americas › "Seattle" of instance 1 (level two).
    pub const HIERARCHY_GROUP_2: &'static str = "d1000000-0000-4000-8000-000000000002";
    /// "Europe" of instance 1 (level one).
    pub const HIERARCHY_GROUP_EUROPE: &'static str = "d1000000-0000-4000-8000-000000000003";
    /// Europe › "Berlin" of instance 1.
    pub const HIERARCHY_GROUP_BERLIN: &'static str = "d1000000-0000-4000-8000-000000000004";
    /// Europe › "Paris" of instance 1.
    pub const HIERARCHY_GROUP_PARIS: &'static str = "d1000000-0000-4000-8000-000000000005";
    /// Europe › Paris › "Team 4" of instance 1: the other "Team 4".
    pub const HIERARCHY_GROUP_PARIS_TEAM_4: &'static str = "d1000000-0000-4000-8000-000000000006";
    /// "Americas" of instance 1 (level one).
    pub const HIERARCHY_GROUP_AMERICAS: &'static str = "d1000000-0000-4000-8000-000000000007";
    /// Instance 1's default traffic distribution group, `ACTIVE`, in `us-east-1`.
    pub const TRAFFIC_DISTRIBUTION_GROUP_DEFAULT: &'static str = "e1000000-0000-4000-8000-000000000001";
    /// Instance 1's other traffic distribution group, `ACTIVE`, not default, in `us-east-1`.
    pub const TRAFFIC_DISTRIBUTION_GROUP_1: &'static str = "e1000000-0000-4000-8000-000000000002";

    pub const INSTANCE_2: &'static str = "a1b2c3d4-0000-4000-8000-000000000002";
    /// "Basic Routing Profile" of instance 2.
    pub const INSTANCE_2_ROUTING_PROFILE: &'static str = "b2000000-0000-4000-8000-000000000001";
    /// "Sales" of instance 2.
    pub const INSTANCE_2_ROUTING_PROFILE_SALES: &'static str = "b2000000-0000-4000-8000-000000000002";
    /// "Agent" of instance 2.
    pub const INSTANCE_2_SECURITY_PROFILE: &'static str = "c2000000-0000-4000-8000-000000000001";
    /// "CallCenterManager" of instance 2.
    pub const INSTANCE_2_SECURITY_PROFILE_MANAGER: &'static str = "c2000000-0000-4000-8000-000000000002";
    /// "QualityAnalyst" of instance 2.
    pub const INSTANCE_2_SECURITY_PROFILE_QA: &'static str = "c2000000-0000-4000-8000-000000000003";
    /// Europe › Berlin › "Team 4" of instance 2.
    pub const INSTANCE_2_HIERARCHY_GROUP: &'static str = "d2000000-0000-4000-8000-000000000001";
    /// Americas › "Seattle" of instance 2.
    pub const INSTANCE_2_HIERARCHY_GROUP_SEATTLE: &'static str = "d2000000-0000-4000-8000-000000000002";
    /// "Europe" of instance 2.
    pub const INSTANCE_2_HIERARCHY_GROUP_EUROPE: &'static str = "d2000000-0000-4000-8000-000000000003";
    /// Europe › "Berlin" of instance 2.
    pub const INSTANCE_2_HIERARCHY_GROUP_BERLIN: &'static str = "d2000000-0000-4000-8000-000000000004";
    /// Europe › "Paris" of instance 2.
    pub const INSTANCE_2_HIERARCHY_GROUP_PARIS: &'static str = "d2000000-0000-4000-8000-000000000005";
    /// Europe › Paris › "Team 4" of instance 2.
    pub const INSTANCE_2_HIERARCHY_GROUP_PARIS_TEAM_4: &'static str = "d2000000-0000-4000-8000-000000000006";
    /// "Americas" of instance 2.
    pub const INSTANCE_2_HIERARCHY_GROUP_AMERICAS: &'static str = "d2000000-0000-4000-8000-000000000007";

    /// An instance with `SAML` identity management, in `us-east-1`.
    pub const INSTANCE_SAML: &'static str = "a1b2c3d4-0000-4000-8000-000000000003";
    pub const INSTANCE_SAML_ROUTING_PROFILE: &'static str = "b3000000-0000-4000-8000-000000000001";
    pub const INSTANCE_SAML_SECURITY_PROFILE: &'static str = "c3000000-0000-4000-8000-000000000001";
    /// Americas › "Seattle" of the SAML instance.
    pub const INSTANCE_SAML_HIERARCHY_GROUP: &'static str = "d3000000-0000-4000-8000-000000000001";

    /// An instance with `EXISTING_DIRECTORY` identity management, in `us-east-1`.
    pub const INSTANCE_DIRECTORY: &'static str = "a1b2c3d4-0000-4000-8000-000000000004";
    pub const INSTANCE_DIRECTORY_ROUTING_PROFILE: &'static str = "b4000000-0000-4000-8000-000000000001";
    pub const INSTANCE_DIRECTORY_SECURITY_PROFILE: &'static str = "c4000000-0000-4000-8000-000000000001";
    /// Americas › "Chicago" of the directory instance.
    pub const INSTANCE_DIRECTORY_HIERARCHY_GROUP: &'static str = "d4000000-0000-4000-8000-000000000001";

    /// A `CONNECT_MANAGED` instance in [`Seed::REGION_EU`].
    pub const INSTANCE_EU: &'static str = "a1b2c3d4-0000-4000-8000-000000000005";
    pub const INSTANCE_EU_ROUTING_PROFILE: &'static str = "b5000000-0000-4000-8000-000000000001";
    pub const INSTANCE_EU_SECURITY_PROFILE: &'static str = "c5000000-0000-4000-8000-000000000001";
    /// Europe › "London" of the EU instance.
    pub const INSTANCE_EU_HIERARCHY_GROUP: &'static str = "d5000000-0000-4000-8000-000000000001";
    /// The EU instance's default traffic distribution group, `ACTIVE`, in `eu-west-2`.
    pub const TRAFFIC_DISTRIBUTION_GROUP_EU: &'static str = "e5000000-0000-4000-8000-000000000001";
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
                    hierarchy_groups: const {
                        &[
                            group(Self::HIERARCHY_GROUP_1, "Team 4", Some(Self::HIERARCHY_GROUP_BERLIN)),
                            group(Self::HIERARCHY_GROUP_2, "Seattle", Some(Self::HIERARCHY_GROUP_AMERICAS)),
                            group(Self::HIERARCHY_GROUP_EUROPE, "Europe", None),
                            group(Self::HIERARCHY_GROUP_BERLIN, "Berlin", Some(Self::HIERARCHY_GROUP_EUROPE)),
                            group(Self::HIERARCHY_GROUP_PARIS, "Paris", Some(Self::HIERARCHY_GROUP_EUROPE)),
                            group(Self::HIERARCHY_GROUP_PARIS_TEAM_4, "Team 4", Some(Self::HIERARCHY_GROUP_PARIS)),
                            group(Self::HIERARCHY_GROUP_AMERICAS, "Americas", None),
                        ]
                    },
                    predefined_attributes: ATTRIBUTES,
                    traffic_distribution_groups: const {
                        &[
                            tdg(
                                Self::TRAFFIC_DISTRIBUTION_GROUP_DEFAULT,
                                "cfn-connect-user-1-default",
                                Self::REGION,
                                true,
                            ),
                            tdg(Self::TRAFFIC_DISTRIBUTION_GROUP_1, "cfn-connect-user-1-agents", Self::REGION, false),
                        ]
                    },
                },
                SeedInstance {
                    id: Self::INSTANCE_2,
                    alias: "cfn-connect-user-2",
                    region: Self::REGION,
                    identity_management: IdentityManagement::ConnectManaged,
                    routing_profiles: &[
                        (Self::INSTANCE_2_ROUTING_PROFILE, "Basic Routing Profile"),
                        (Self::INSTANCE_2_ROUTING_PROFILE_SALES, "Sales"),
                    ],
                    security_profiles: &[
                        (Self::INSTANCE_2_SECURITY_PROFILE, "Agent"),
                        (Self::INSTANCE_2_SECURITY_PROFILE_MANAGER, "CallCenterManager"),
                        (Self::INSTANCE_2_SECURITY_PROFILE_QA, "QualityAnalyst"),
                    ],
                    hierarchy_groups: const {
                        &[
                            group(
                                Self::INSTANCE_2_HIERARCHY_GROUP,
                                "Team 4",
                                Some(Self::INSTANCE_2_HIERARCHY_GROUP_BERLIN),
                            ),
                            group(
                                Self::INSTANCE_2_HIERARCHY_GROUP_SEATTLE,
                                "Seattle",
                                Some(Self::INSTANCE_2_HIERARCHY_GROUP_AMERICAS),
                            ),
                            group(Self::INSTANCE_2_HIERARCHY_GROUP_EUROPE, "Europe", None),
                            group(
                                Self::INSTANCE_2_HIERARCHY_GROUP_BERLIN,
                                "Berlin",
                                Some(Self::INSTANCE_2_HIERARCHY_GROUP_EUROPE),
                            ),
                            group(
                                Self::INSTANCE_2_HIERARCHY_GROUP_PARIS,
                                "Paris",
                                Some(Self::INSTANCE_2_HIERARCHY_GROUP_EUROPE),
                            ),
                            group(
                                Self::INSTANCE_2_HIERARCHY_GROUP_PARIS_TEAM_4,
                                "Team 4",
                                Some(Self::INSTANCE_2_HIERARCHY_GROUP_PARIS),
                            ),
                            group(Self::INSTANCE_2_HIERARCHY_GROUP_AMERICAS, "Americas", None),
                        ]
                    },
                    predefined_attributes: ATTRIBUTES,
                    traffic_distribution_groups: &[],
                },
                SeedInstance {
                    id: Self::INSTANCE_SAML,
                    alias: "cfn-connect-user-saml",
                    region: Self::REGION,
                    identity_management: IdentityManagement::Saml,
                    routing_profiles: &[(Self::INSTANCE_SAML_ROUTING_PROFILE, "Basic Routing Profile")],
                    security_profiles: &[(Self::INSTANCE_SAML_SECURITY_PROFILE, "Agent")],
                    hierarchy_groups: const {
                        &[
                            group(
                                Self::INSTANCE_SAML_HIERARCHY_GROUP,
                                "Seattle",
                                Some("d3000000-0000-4000-8000-000000000002"),
                            ),
                            group("d3000000-0000-4000-8000-000000000002", "Americas", None),
                        ]
                    },
                    predefined_attributes: ATTRIBUTES,
                    traffic_distribution_groups: &[],
                },
                SeedInstance {
                    id: Self::INSTANCE_DIRECTORY,
                    alias: "cfn-connect-user-directory",
                    region: Self::REGION,
                    identity_management: IdentityManagement::ExistingDirectory,
                    routing_profiles: &[(Self::INSTANCE_DIRECTORY_ROUTING_PROFILE, "Basic Routing Profile")],
                    security_profiles: &[(Self::INSTANCE_DIRECTORY_SECURITY_PROFILE, "Agent")],
                    hierarchy_groups: const {
                        &[
                            group(
                                Self::INSTANCE_DIRECTORY_HIERARCHY_GROUP,
                                "Chicago",
                                Some("d4000000-0000-4000-8000-000000000002"),
                            ),
                            group("d4000000-0000-4000-8000-000000000002", "Americas", None),
                        ]
                    },
                    predefined_attributes: ATTRIBUTES,
                    traffic_distribution_groups: &[],
                },
                SeedInstance {
                    id: Self::INSTANCE_EU,
                    alias: "cfn-connect-user-eu",
                    region: Self::REGION_EU,
                    identity_management: IdentityManagement::ConnectManaged,
                    routing_profiles: &[(Self::INSTANCE_EU_ROUTING_PROFILE, "Basic Routing Profile")],
                    security_profiles: &[(Self::INSTANCE_EU_SECURITY_PROFILE, "Agent")],
                    hierarchy_groups: const {
                        &[
                            group(
                                Self::INSTANCE_EU_HIERARCHY_GROUP,
                                "London",
                                Some("d5000000-0000-4000-8000-000000000002"),
                            ),
                            group("d5000000-0000-4000-8000-000000000002", "Europe", None),
                        ]
                    },
                    predefined_attributes: ATTRIBUTES,
                    traffic_distribution_groups: const {
                        &[tdg(
                            Self::TRAFFIC_DISTRIBUTION_GROUP_EU,
                            "cfn-connect-user-eu-default",
                            Self::REGION_EU,
                            true,
                        )]
                    },
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

    /// `arn:aws:connect:<home region>:123456789012:traffic-distribution-group/<id>` of a seeded traffic
    /// distribution group (home region `us-east-1` for an id not seeded).
    pub fn traffic_distribution_group_arn(&self, id: &str) -> String {
        let region = self
            .instances
            .iter()
            .flat_map(|i| i.traffic_distribution_groups)
            .find(|g| g.id == id)
            .map_or(self.region, |g| g.region);
        format!("arn:aws:connect:{region}:{}:traffic-distribution-group/{id}", self.account)
    }

    /// The names from level one down to the seeded group `group_id` of the instance, e.g.
    /// `["Europe", "Berlin", "Team 4"]`; empty when either is not seeded.
    pub fn hierarchy_path(&self, instance_id: &str, group_id: &str) -> Vec<&'static str> {
        let Some(instance) = self.instance(instance_id) else { return Vec::new() };
        let mut path = Vec::new();
        let mut next = Some(group_id);
        // The seeded trees are at most five deep; the bound also keeps a mistaken cycle from looping.
        while let Some(id) = next.filter(|_| path.len() < 5) {
            let Some(group) = instance.hierarchy_groups.iter().find(|g| g.id == id) else { break };
            path.insert(0, group.name);
            next = group.parent;
        }
        path
    }

    /// The seeded group of the instance at this path of names from level one, e.g.
    /// `["Europe", "Paris", "Team 4"]`.
    pub fn hierarchy_group_at(&self, instance_id: &str, path: &[&str]) -> Option<&'static str> {
        let instance = self.instance(instance_id)?;
        instance.hierarchy_groups.iter().map(|g| g.id).find(|id| self.hierarchy_path(instance_id, id) == path)
    }
}

impl Default for Seed {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn instances_1_and_2_hold_the_same_names_under_other_ids() {
        let seed = Seed::new();
        let names = |id: &str| {
            let Some(instance) = seed.instance(id) else { panic!("{id} is not seeded") };
            let routing: BTreeSet<_> = instance.routing_profiles.iter().map(|(_, name)| *name).collect();
            let security: BTreeSet<_> = instance.security_profiles.iter().map(|(_, name)| *name).collect();
            let paths: BTreeSet<_> = instance.hierarchy_groups.iter().map(|g| seed.hierarchy_path(id, g.id)).collect();
            let ids: BTreeSet<_> = instance
                .routing_profiles
                .iter()
                .chain(instance.security_profiles)
                .map(|(id, _)| *id)
                .chain(instance.hierarchy_groups.iter().map(|g| g.id))
                .collect();
            ((routing, security, paths), ids)
        };
        let (names_1, ids_1) = names(Seed::INSTANCE_1);
        let (names_2, ids_2) = names(Seed::INSTANCE_2);
        assert_eq!(names_1, names_2);
        assert!(ids_1.is_disjoint(&ids_2));
        assert_eq!(names_1.2.len(), 7);
    }

    #[test]
    fn the_old_groups_sit_in_the_tree() {
        let seed = Seed::new();
        assert_eq!(seed.hierarchy_path(Seed::INSTANCE_1, Seed::HIERARCHY_GROUP_1), ["Europe", "Berlin", "Team 4"]);
        assert_eq!(seed.hierarchy_path(Seed::INSTANCE_1, Seed::HIERARCHY_GROUP_2), ["Americas", "Seattle"]);
        assert_eq!(
            seed.hierarchy_group_at(Seed::INSTANCE_2, &["Europe", "Paris", "Team 4"]),
            Some(Seed::INSTANCE_2_HIERARCHY_GROUP_PARIS_TEAM_4)
        );
        assert_eq!(seed.hierarchy_path(Seed::INSTANCE_EU, Seed::INSTANCE_EU_HIERARCHY_GROUP), ["Europe", "London"]);
        for instance in &seed.instances {
            for group in instance.hierarchy_groups {
                let path = seed.hierarchy_path(instance.id, group.id);
                assert_eq!(path.last(), Some(&group.name), "{}", group.id);
                assert!(group.parent.is_none_or(|p| instance.hierarchy_groups.iter().any(|g| g.id == p)));
            }
        }
        assert_eq!(
            seed.traffic_distribution_group_arn(Seed::TRAFFIC_DISTRIBUTION_GROUP_EU),
            format!(
                "arn:aws:connect:eu-west-2:123456789012:traffic-distribution-group/{}",
                Seed::TRAFFIC_DISTRIBUTION_GROUP_EU
            )
        );
    }
}
