//! What an instance calls the things its users point at: the names of its routing and security profiles, the paths
//! of its hierarchy groups, and its traffic distribution groups with their users. Read once per instance, so that
//! `export --portable` and `diff` speak of a user's placement by name, which is the same in every instance, rather
//! than by ARN, which is not.

use std::collections::{BTreeMap, BTreeSet};

use cfn_connect_user::adapters::GroupSummary;
use cfn_connect_user::app::ConnectError;
use cfn_connect_user::core::arn::{InstanceArn, ResourceArn, TrafficDistributionGroupArn};
use cfn_connect_user::core::names::{Found, NameKind, Resolved, Wanted};

use crate::reader::ReadOnly;

/// The kinds of resource a user names, in the order they are read.
const KINDS: [NameKind; 3] = [NameKind::RoutingProfile, NameKind::SecurityProfile, NameKind::HierarchyGroup];

/// Why an ARN cannot be written as a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unnamed {
    /// The instance has no such resource (deleted since the user pointed at it).
    Unknown,
    /// Its name is shared by this many resources of its kind: a name would resolve to none of them.
    Shared(String, usize),
}

/// One instance's names and traffic distribution groups.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// ARN → (kind, name or path).
    names: BTreeMap<String, (NameKind, String)>,
    /// (kind, name or path) → the ARNs of that name.
    by_name: BTreeMap<(NameKind, String), Vec<ResourceArn>>,
    /// The instance's traffic distribution groups.
    groups: Vec<GroupSummary>,
    /// User id → the ARNs of the groups it is in.
    members: BTreeMap<String, BTreeSet<TrafficDistributionGroupArn>>,
}

impl Catalog {
    /// Reads `instance`'s groups with their users and, when `with_names`, its names (every page of the three
    /// searches).
    pub async fn read(reader: &ReadOnly, instance: &InstanceArn, with_names: bool) -> Result<Self, ConnectError> {
        let mut catalog = Self::default();
        for kind in KINDS.into_iter().filter(|_| with_names) {
            for (name, arn) in reader.all_named(instance, kind).await? {
                catalog.names.insert(arn.as_str().to_owned(), (kind, name.clone()));
                catalog.by_name.entry((kind, name)).or_default().push(arn);
            }
        }
        catalog.groups = reader.groups_of(instance).await?;
        for group in &catalog.groups {
            for user in reader.group_users(&group.arn).await? {
                catalog.members.entry(user).or_default().insert(group.arn.clone());
            }
        }
        Ok(catalog)
    }

    /// The name (for a hierarchy group, the path) that stands for `arn` in every instance, when it names it alone.
    pub fn name_of(&self, arn: &str) -> Result<&str, Unnamed> {
        let (kind, name) = self.names.get(arn).ok_or(Unnamed::Unknown)?;
        match self.by_name.get(&(*kind, name.clone())).map_or(0, Vec::len) {
            1 => Ok(name),
            n => Err(Unnamed::Shared(name.clone(), n)),
        }
    }

    /// The groups user `user_id` is in (none when it is in no group).
    pub fn groups_of(&self, user_id: &str) -> BTreeSet<TrafficDistributionGroupArn> {
        self.members.get(user_id).cloned().unwrap_or_default()
    }

    /// The name of group `arn`.
    pub fn group_name(&self, arn: &TrafficDistributionGroupArn) -> Option<&str> {
        self.groups.iter().find(|g| &g.arn == arn).map(|g| g.name.as_str())
    }

    /// The instance's traffic distribution groups.
    pub fn groups(&self) -> &[GroupSummary] {
        &self.groups
    }

    /// Every name of the instance as the function would resolve it there, for checking a portable template
    /// without a call.
    pub fn resolved(&self) -> Resolved {
        let mut resolved = Resolved::default();
        for ((kind, name), arns) in &self.by_name {
            let found = match arns.as_slice() {
                [one] => Found::One(one.clone()),
                several => Found::Several(several.to_vec()),
            };
            resolved.insert(Wanted { kind: *kind, name: name.clone() }, found);
        }
        resolved
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const INSTANCE: &str = "arn:aws:connect:us-east-1:123456789012:instance/a1b2c3d4-0000-4000-8000-000000000001";

    fn arn(kind: &str, id: &str) -> ResourceArn {
        let instance = InstanceArn::parse(INSTANCE).unwrap();
        let kind = match kind {
            "routing-profile" => cfn_connect_user::core::arn::ResourceKind::RoutingProfile,
            _ => cfn_connect_user::core::arn::ResourceKind::AgentGroup,
        };
        ResourceArn::parse_in(&format!("{INSTANCE}/{}/{id}", kind.segment()), kind, &instance).unwrap()
    }

    fn catalog(entries: &[(NameKind, &str, ResourceArn)]) -> Catalog {
        let mut catalog = Catalog::default();
        for (kind, name, arn) in entries {
            catalog.names.insert(arn.as_str().to_owned(), (*kind, (*name).to_owned()));
            catalog.by_name.entry((*kind, (*name).to_owned())).or_default().push(arn.clone());
        }
        catalog
    }

    #[test]
    fn a_name_stands_for_an_arn_only_when_no_other_resource_of_its_kind_shares_it() {
        let (sales, team_a, team_b) =
            (arn("routing-profile", "rp-1"), arn("agent-group", "g-1"), arn("agent-group", "g-2"));
        let c = catalog(&[
            (NameKind::RoutingProfile, "Sales", sales.clone()),
            (NameKind::HierarchyGroup, "Europe/Team 4", team_a.clone()),
            (NameKind::HierarchyGroup, "Europe/Team 4", team_b.clone()),
        ]);
        assert_eq!(c.name_of(sales.as_str()), Ok("Sales"));
        assert_eq!(c.name_of(team_a.as_str()), Err(Unnamed::Shared("Europe/Team 4".into(), 2)));
        assert_eq!(c.name_of(&format!("{INSTANCE}/routing-profile/gone")), Err(Unnamed::Unknown));
        let resolved = c.resolved();
        assert_eq!(resolved.get(NameKind::RoutingProfile, "Sales"), Some(&Found::One(sales)));
        assert!(
            matches!(resolved.get(NameKind::HierarchyGroup, "Europe/Team 4"), Some(Found::Several(s)) if s.len() == 2)
        );
    }
}
