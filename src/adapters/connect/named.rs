//! Names in place of ARNs, through Connect's search operations: `SearchRoutingProfiles`, `SearchSecurityProfiles`
//! and `SearchUserHierarchyGroups`, each by name or for everything, every page. What they return is handed over as
//! `(name, ARN)`, a hierarchy group with its whole path; choosing the exact match is the core's (`core::names`).

use aws_sdk_connect::types as sdk;

use super::SdkConnect;
use super::errors::sdk_error;
use crate::app::ports::ConnectError;
use crate::core::arn::{InstanceArn, ResourceArn};
use crate::core::names::{self, NameKind};

impl SdkConnect {
    /// The resources of `kind` in `instance` whose name is `name` as Connect's search compares it (all of them
    /// when `None`): `(name, ARN)`, for hierarchy groups `(path, ARN)`.
    pub(super) async fn search_named(
        &self,
        instance: &InstanceArn,
        kind: NameKind,
        name: Option<&str>,
    ) -> Result<Vec<(String, ResourceArn)>, ConnectError> {
        let condition = name.map(|name| {
            sdk::StringCondition::builder()
                .field_name("name")
                .value(name)
                .comparison_type(sdk::StringComparisonType::Exact)
                .build()
        });
        let arn = |id: Option<&str>, arn: Option<&str>| {
            arn.and_then(|a| ResourceArn::parse_in(a, kind.resource_kind(), instance).ok())
                .or_else(|| id.filter(|id| !id.is_empty()).map(|id| instance.child(kind.resource_kind(), id)))
        };
        let client = self.client(instance);
        let mut found = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let next = match kind {
                NameKind::RoutingProfile => {
                    const OP: &str = "SearchRoutingProfiles";
                    let criteria = condition
                        .clone()
                        .map(|c| sdk::RoutingProfileSearchCriteria::builder().string_condition(c).build());
                    let page = client
                        .search_routing_profiles()
                        .instance_id(instance.id())
                        .set_search_criteria(criteria)
                        .set_next_token(token.take())
                        .send()
                        .await
                        .map_err(sdk_error(OP))?;
                    for p in page.routing_profiles() {
                        if let (Some(name), Some(arn)) =
                            (p.name(), arn(p.routing_profile_id(), p.routing_profile_arn()))
                        {
                            found.push((name.to_owned(), arn));
                        }
                    }
                    page.next_token().map(str::to_owned)
                }
                NameKind::SecurityProfile => {
                    const OP: &str = "SearchSecurityProfiles";
                    let criteria = condition
                        .clone()
                        .map(|c| sdk::SecurityProfileSearchCriteria::builder().string_condition(c).build());
                    let page = client
                        .search_security_profiles()
                        .instance_id(instance.id())
                        .set_search_criteria(criteria)
                        .set_next_token(token.take())
                        .send()
                        .await
                        .map_err(sdk_error(OP))?;
                    for p in page.security_profiles() {
                        if let (Some(name), Some(arn)) = (p.security_profile_name(), arn(p.id(), p.arn())) {
                            found.push((name.to_owned(), arn));
                        }
                    }
                    page.next_token().map(str::to_owned)
                }
                NameKind::HierarchyGroup => {
                    const OP: &str = "SearchUserHierarchyGroups";
                    let criteria = condition
                        .clone()
                        .map(|c| sdk::UserHierarchyGroupSearchCriteria::builder().string_condition(c).build());
                    let page = client
                        .search_user_hierarchy_groups()
                        .instance_id(instance.id())
                        .set_search_criteria(criteria)
                        .set_next_token(token.take())
                        .send()
                        .await
                        .map_err(sdk_error(OP))?;
                    for group in page.user_hierarchy_groups() {
                        if let (Some(path), Some(arn)) = (path_of(group), arn(group.id(), group.arn())) {
                            found.push((path, arn));
                        }
                    }
                    page.next_token().map(str::to_owned)
                }
            };
            match next {
                Some(next) if !next.is_empty() => token = Some(next),
                _ => return Ok(found),
            }
        }
    }
}

/// A group's path: its levels' names from the top, as `HierarchyPath` gives them (the group itself is the last).
fn path_of(group: &sdk::HierarchyGroup) -> Option<String> {
    let levels = group.hierarchy_path().map(|p| {
        [p.level_one(), p.level_two(), p.level_three(), p.level_four(), p.level_five()]
            .into_iter()
            .flatten()
            .filter_map(sdk::HierarchyGroupSummary::name)
            .collect::<Vec<&str>>()
    });
    match levels {
        Some(levels) if !levels.is_empty() => Some(names::path(levels)),
        // A top-level group may come without a path: its own name is its path.
        _ => group.name().map(str::to_owned),
    }
}
