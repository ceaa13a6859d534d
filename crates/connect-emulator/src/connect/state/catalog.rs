//! The named resources users point at: routing profiles, security profiles and the hierarchy (agent) groups with
//! their tree. The operations that read them (`List*`, `Search*`, `DescribeUserHierarchyGroup`) and the changes
//! only the test handle makes (add, rename, delete a routing profile). Names need not be unique, as in Connect, so
//! that tests can meet two resources of one name.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::query::{Criteria, PAGE_100, PageRequest, SearchField, paginate};
use super::{Instance, Store, child_id};
use crate::connect::error::ApiError;

/// The deepest a hierarchy goes in Connect.
pub const MAX_LEVELS: usize = 5;
const LEVELS: [&str; MAX_LEVELS] = ["LevelOne", "LevelTwo", "LevelThree", "LevelFour", "LevelFive"];
/// Largest page of the `List*` summaries.
const LIST_MAX: usize = 1000;
/// Default page of the `List*` summaries (Connect documents 100 for `ListRoutingProfiles`).
const LIST_DEFAULT: usize = 100;
/// Seeded resources were all last modified at this fixed time: the seed is deterministic.
pub const SEEDED_AT: f64 = 1_700_000_000.0;

/// A routing profile, security profile or hierarchy group.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    pub name: String,
    /// The group above a hierarchy group; `None` at level one and for profiles.
    pub parent: Option<String>,
    /// Epoch seconds.
    pub modified: f64,
}

impl Named {
    pub fn new(name: &str, parent: Option<&str>, modified: f64) -> Self {
        Self { name: name.to_owned(), parent: parent.map(str::to_owned), modified }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    RoutingProfile,
    SecurityProfile,
    HierarchyGroup,
}

impl Kind {
    /// The resource type in its ARN (`<instance ARN>/<type>/<id>`).
    pub fn arn_type(self) -> &'static str {
        match self {
            Self::RoutingProfile => "routing-profile",
            Self::SecurityProfile => "security-profile",
            Self::HierarchyGroup => "agent-group",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::RoutingProfile => "Routing profile",
            Self::SecurityProfile => "Security profile",
            Self::HierarchyGroup => "Hierarchy group",
        }
    }

    /// The member of the `List*` answer that holds the summaries.
    fn summary_list(self) -> &'static str {
        match self {
            Self::RoutingProfile => "RoutingProfileSummaryList",
            Self::SecurityProfile => "SecurityProfileSummaryList",
            Self::HierarchyGroup => "UserHierarchyGroupSummaryList",
        }
    }

    /// The member of the `Search*` answer that holds the results.
    fn search_list(self) -> &'static str {
        match self {
            Self::RoutingProfile => "RoutingProfiles",
            Self::SecurityProfile => "SecurityProfiles",
            Self::HierarchyGroup => "UserHierarchyGroups",
        }
    }
}

impl Instance {
    pub fn resources(&self, kind: Kind) -> &BTreeMap<String, Named> {
        match kind {
            Kind::RoutingProfile => &self.routing_profiles,
            Kind::SecurityProfile => &self.security_profiles,
            Kind::HierarchyGroup => &self.hierarchy_groups,
        }
    }

    fn resources_mut(&mut self, kind: Kind) -> &mut BTreeMap<String, Named> {
        match kind {
            Kind::RoutingProfile => &mut self.routing_profiles,
            Kind::SecurityProfile => &mut self.security_profiles,
            Kind::HierarchyGroup => &mut self.hierarchy_groups,
        }
    }

    fn arn_of(&self, kind: Kind, id: &str) -> String {
        format!("{}/{}/{id}", self.arn, kind.arn_type())
    }

    /// The bare id of an existing resource of `kind` named by id or ARN.
    fn resource_id<'a>(&self, kind: Kind, ident: &'a str) -> Result<&'a str, ApiError> {
        child_id(self, kind.arn_type(), ident)
            .filter(|id| self.resources(kind).contains_key(*id))
            .ok_or_else(|| ApiError::not_found(format!("{} not found in instance {}: {ident}", kind.label(), self.id)))
    }

    /// The group ids from level one down to `id`. A group whose parent is gone ends its path there.
    pub fn ancestry<'a>(&'a self, id: &'a str) -> Vec<&'a str> {
        let mut path = Vec::new();
        let mut next = Some(id);
        while let Some(id) = next.filter(|_| path.len() < MAX_LEVELS) {
            let Some((id, group)) = self.hierarchy_groups.get_key_value(id) else { break };
            path.insert(0, id.as_str());
            next = group.parent.as_deref();
        }
        path
    }

    fn summary_json(&self, kind: Kind, id: &str, named: &Named) -> Value {
        json!({
            "Id": id,
            "Arn": self.arn_of(kind, id),
            "Name": named.name,
            "LastModifiedTime": named.modified,
            "LastModifiedRegion": self.region,
        })
    }

    /// A `HierarchyGroup`, with the groups of its path from level one down to itself.
    fn group_json(&self, id: &str, group: &Named) -> Value {
        let ancestry = self.ancestry(id);
        let mut path = Map::new();
        for (level, ancestor) in LEVELS.iter().zip(&ancestry) {
            let name = self.hierarchy_groups.get(*ancestor).map(|g| g.name.as_str()).unwrap_or_default();
            let arn = self.arn_of(Kind::HierarchyGroup, ancestor);
            path.insert((*level).to_owned(), json!({"Id": ancestor, "Arn": arn, "Name": name}));
        }
        json!({
            "Id": id,
            "Arn": self.arn_of(Kind::HierarchyGroup, id),
            "Name": group.name,
            "LevelId": ancestry.len().to_string(),
            "HierarchyPath": path,
            "Tags": {},
            "LastModifiedTime": group.modified,
            "LastModifiedRegion": self.region,
        })
    }

    /// One result of `Search*`, in the shape each operation answers.
    fn search_json(&self, kind: Kind, id: &str, named: &Named, users: usize) -> Value {
        match kind {
            Kind::RoutingProfile => json!({
                "InstanceId": self.id,
                "Name": named.name,
                "RoutingProfileArn": self.arn_of(kind, id),
                "RoutingProfileId": id,
                "Description": named.name,
                "MediaConcurrencies": [{"Channel": "VOICE", "Concurrency": 1}],
                "NumberOfAssociatedUsers": users,
                "Tags": {},
                "LastModifiedTime": named.modified,
                "LastModifiedRegion": self.region,
            }),
            Kind::SecurityProfile => json!({
                "Id": id,
                "OrganizationResourceId": self.id,
                "Arn": self.arn_of(kind, id),
                "SecurityProfileName": named.name,
                "Description": named.name,
                "Tags": {},
            }),
            Kind::HierarchyGroup => self.group_json(id, named),
        }
    }
}

impl Store {
    /// `ListRoutingProfiles`, `ListSecurityProfiles`, `ListUserHierarchyGroups`: summaries by id.
    pub fn list_resources(&self, kind: Kind, instance: &str, page: &PageRequest) -> Result<Value, ApiError> {
        let inst = self.instance(instance)?;
        let size = self.page_len(page, LIST_DEFAULT, LIST_MAX)?;
        let all: Vec<Value> =
            inst.resources(kind).iter().map(|(id, named)| inst.summary_json(kind, id, named)).collect();
        let (items, next) = paginate(&all, page, size, |v| v["Id"].as_str().unwrap_or_default().to_owned())?;
        let mut out = json!({ kind.summary_list(): items });
        if let Some(next) = next {
            out["NextToken"] = json!(next);
        }
        Ok(out)
    }

    /// `SearchRoutingProfiles`, `SearchSecurityProfiles`, `SearchUserHierarchyGroups`. Comparisons ignore case.
    pub fn search_resources(
        &self,
        kind: Kind,
        instance: &str,
        criteria: &Criteria,
        page: &PageRequest,
    ) -> Result<Value, ApiError> {
        let inst = self.instance(instance)?;
        let size = self.page_len(page, PAGE_100, PAGE_100)?;
        let all: Vec<Value> = inst
            .resources(kind)
            .iter()
            .filter(|(id, named)| {
                let level = (kind == Kind::HierarchyGroup).then(|| inst.ancestry(id).len().to_string());
                let value_of = |field| match field {
                    SearchField::Name => Some(named.name.as_str()),
                    SearchField::ResourceId => Some(id.as_str()),
                    SearchField::ParentId => named.parent.as_deref(),
                    SearchField::LevelId => level.as_deref(),
                    _ => None,
                };
                criteria.matches(&value_of, true)
            })
            .map(|(id, named)| {
                let users = match kind {
                    Kind::RoutingProfile => inst
                        .users
                        .values()
                        .filter(|u| u.routing_profile_id == *id && !self.visibility.is_hidden(&u.id))
                        .count(),
                    _ => 0,
                };
                inst.search_json(kind, id, named, users)
            })
            .collect();
        let (items, next) = paginate(&all, page, size, |v| {
            let id = if kind == Kind::RoutingProfile { &v["RoutingProfileId"] } else { &v["Id"] };
            id.as_str().unwrap_or_default().to_owned()
        })?;
        let mut out = json!({ kind.search_list(): items, "ApproximateTotalCount": all.len() });
        if let Some(next) = next {
            out["NextToken"] = json!(next);
        }
        Ok(out)
    }

    pub fn describe_hierarchy_group(&self, instance: &str, group: &str) -> Result<Value, ApiError> {
        let inst = self.instance(instance)?;
        let id = inst.resource_id(Kind::HierarchyGroup, group)?;
        let named = inst.hierarchy_groups.get(id).ok_or_else(|| ApiError::not_found(group.to_owned()))?;
        Ok(json!({"HierarchyGroup": inst.group_json(id, named)}))
    }

    /// Adds a resource named `name` (a hierarchy group under `parent`, given by id or ARN); its ARN.
    pub fn add_resource(
        &mut self,
        kind: Kind,
        instance: &str,
        name: &str,
        parent: Option<&str>,
        now: f64,
    ) -> Result<String, ApiError> {
        let inst = self.instance(instance)?;
        let parent = match parent {
            Some(parent) if kind == Kind::HierarchyGroup => {
                let parent = inst.resource_id(kind, parent)?;
                if inst.ancestry(parent).len() >= MAX_LEVELS {
                    return Err(ApiError::invalid_parameter(format!(
                        "hierarchy group {parent} is at level {MAX_LEVELS}, the deepest a hierarchy goes"
                    )));
                }
                Some(parent.to_owned())
            }
            _ => None,
        };
        let instance_id = inst.id.clone();
        let id = self.new_id();
        let inst = self.instance_mut(&instance_id)?;
        inst.resources_mut(kind).insert(id.clone(), Named::new(name, parent.as_deref(), now));
        Ok(inst.arn_of(kind, &id))
    }

    pub fn rename_resource(
        &mut self,
        kind: Kind,
        instance: &str,
        ident: &str,
        name: &str,
        now: f64,
    ) -> Result<(), ApiError> {
        let inst = self.instance_mut(instance)?;
        let id = inst.resource_id(kind, ident)?.to_owned();
        if let Some(named) = inst.resources_mut(kind).get_mut(&id) {
            named.name = name.to_owned();
            named.modified = now;
        }
        Ok(())
    }

    /// Removes a routing profile. Users that point at it keep its id, as they do in Connect.
    pub fn delete_routing_profile(&mut self, instance: &str, ident: &str) -> Result<(), ApiError> {
        let inst = self.instance_mut(instance)?;
        let id = inst.resource_id(Kind::RoutingProfile, ident)?.to_owned();
        inst.routing_profiles.remove(&id);
        Ok(())
    }

    /// The names from level one down to the group (id or ARN) of the instance.
    pub fn hierarchy_path(&self, instance: &str, group: &str) -> Option<Vec<String>> {
        let inst = self.instance(instance).ok()?;
        let id = inst.resource_id(Kind::HierarchyGroup, group).ok()?;
        let path = inst.ancestry(id).into_iter().filter_map(|g| inst.hierarchy_groups.get(g));
        Some(path.map(|g| g.name.clone()).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect::seed::Seed;
    use crate::connect::state::Comparison;

    fn name_is(value: &str) -> Criteria {
        Criteria::Field { field: SearchField::Name, value: value.to_owned(), comparison: Comparison::Exact }
    }

    #[test]
    fn a_group_path_runs_from_level_one_down_to_the_group() -> Result<(), ApiError> {
        let store = Store::new(Seed::new(), None);
        let out = store.describe_hierarchy_group(Seed::INSTANCE_1, Seed::HIERARCHY_GROUP_1)?;
        let group = &out["HierarchyGroup"];
        assert_eq!((group["Name"].as_str(), group["LevelId"].as_str()), (Some("Team 4"), Some("3")));
        let path = &group["HierarchyPath"];
        assert_eq!(path["LevelOne"]["Id"], Seed::HIERARCHY_GROUP_EUROPE);
        assert_eq!(path["LevelTwo"]["Name"], "Berlin");
        assert_eq!(path["LevelThree"]["Arn"], group["Arn"]);
        assert!(path.get("LevelFour").is_none());
        Ok(())
    }

    #[test]
    fn searches_ignore_case_and_find_every_group_of_a_name() -> Result<(), ApiError> {
        let store = Store::new(Seed::new(), None);
        let page = PageRequest::default();
        let out = store.search_resources(Kind::HierarchyGroup, Seed::INSTANCE_1, &name_is("team 4"), &page)?;
        assert_eq!(out["ApproximateTotalCount"], 2);
        let either = Criteria::Or(vec![name_is("SALES"), name_is("basic routing profile")]);
        let out = store.search_resources(Kind::RoutingProfile, Seed::INSTANCE_2, &either, &page)?;
        assert_eq!(out["RoutingProfiles"].as_array().map(Vec::len), Some(2));
        Ok(())
    }

    #[test]
    fn a_hierarchy_is_at_most_five_levels_deep() -> Result<(), ApiError> {
        let mut store = Store::new(Seed::new(), None);
        let four =
            store.add_resource(Kind::HierarchyGroup, Seed::INSTANCE_1, "4", Some(Seed::HIERARCHY_GROUP_1), 1.0)?;
        let five = store.add_resource(Kind::HierarchyGroup, Seed::INSTANCE_1, "5", Some(&four), 1.0)?;
        let six = store.add_resource(Kind::HierarchyGroup, Seed::INSTANCE_1, "6", Some(&five), 1.0);
        assert!(six.is_err_and(|e| e.message.contains("level 5")));
        store.rename_resource(Kind::HierarchyGroup, Seed::INSTANCE_1, Seed::HIERARCHY_GROUP_BERLIN, "Bonn", 2.0)?;
        let path = store.hierarchy_path(Seed::INSTANCE_1, &five);
        assert_eq!(path.map(|p| p.join("/")), Some("Europe/Bonn/Team 4/4/5".to_owned()));
        Ok(())
    }
}
