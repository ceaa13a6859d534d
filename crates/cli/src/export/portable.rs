//! `export --portable`: a template that fits every instance. The exported instance's ids become what is the same
//! everywhere, or a parameter:
//! - `InstanceArn` → `{"Ref": "ConnectInstanceArn"}`, a parameter whose default is the exported instance;
//! - `RoutingProfileArn`, `SecurityProfileArns`, `HierarchyGroupArn` → `RoutingProfileName`, `SecurityProfileNames`,
//!   `HierarchyGroupPath`, which the function resolves in whichever instance the template is deployed to;
//! - each traffic distribution group → a parameter (`TrafficDistributionGroup<Name>`) defaulting to its ARN: a
//!   primary instance and its replica share their groups, test and production do not.
//!
//! A name that other resources of its kind share (two profiles called "Sales") would resolve to neither, and a
//! resource the instance no longer has has no name: such an ARN is kept, and the export lists the users that keep
//! one, since they deploy only to the exported instance.

use std::collections::{BTreeMap, BTreeSet};

use cfn_connect_user::core::arn::{InstanceArn, TrafficDistributionGroupArn};
use cfn_connect_user::core::names::NameKind;
use serde_json::{Map, Value, json};

use super::names::camel_id;
use crate::catalog::{Catalog, Unnamed};

/// The parameter that names the instance.
pub const INSTANCE_PARAMETER: &str = "ConnectInstanceArn";

/// How an exported instance's ids are written portably.
#[derive(Debug, Clone)]
pub struct Portable {
    /// The parameters the templates declare, by name.
    parameters: Map<String, Value>,
    /// Group ARN → the parameter that stands for it.
    groups: BTreeMap<String, String>,
}

impl Portable {
    /// The parameters for `instance` and for the `used` groups, named after them in `catalog`.
    pub fn new(instance: &InstanceArn, catalog: &Catalog, used: &BTreeSet<TrafficDistributionGroupArn>) -> Self {
        let mut parameters = Map::new();
        parameters.insert(
            INSTANCE_PARAMETER.to_owned(),
            json!({
                "Type": "String",
                "Default": instance.as_str(),
                "AllowedPattern": "arn:[a-z-]+:connect:[a-z0-9-]+:[0-9]{12}:instance/[0-9a-f-]+",
                "Description": "The Amazon Connect instance of these users (the exported one by default); their \
                    profiles and hierarchy groups are found in it by name",
            }),
        );
        let mut groups = BTreeMap::new();
        for group in used {
            let name = catalog.group_name(group).unwrap_or_default();
            let base = camel_id("TrafficDistributionGroup", if name.is_empty() { group.id() } else { name });
            let mut id = base.clone();
            let mut n = 1;
            while parameters.contains_key(&id) {
                n += 1;
                id = format!("{base}{n}");
            }
            parameters.insert(
                id.clone(),
                json!({
                    "Type": "String",
                    "Default": group.as_str(),
                    "Description": format!(
                        "The traffic distribution group {name:?} of the exported instance: a replica shares it; \
                         another instance takes its own group's ARN here"
                    ),
                }),
            );
            groups.insert(group.as_str().to_owned(), id);
        }
        Self { parameters, groups }
    }

    /// The parameters every template declares (and a parent passes to its nested stacks).
    pub fn parameters(&self) -> &Map<String, Value> {
        &self.parameters
    }

    /// `properties` written portably, and for each ARN that had to stay, why.
    pub fn apply(&self, properties: &Value, catalog: &Catalog) -> (Value, Vec<String>) {
        let mut p = properties.as_object().cloned().unwrap_or_default();
        let mut kept = Vec::new();
        p.insert("InstanceArn".into(), json!({"Ref": INSTANCE_PARAMETER}));
        let mut rename = |p: &mut Map<String, Value>, kind: NameKind| {
            let Some(value) = p.get(kind.arn_property()) else { return };
            let arns: Vec<&str> = match value {
                Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                other => other.as_str().into_iter().collect(),
            };
            let mut names = Vec::new();
            for arn in &arns {
                match catalog.name_of(arn) {
                    Ok(name) => names.push(json!(name)),
                    Err(why) => kept.push(match why {
                        Unnamed::Unknown => {
                            format!("{} kept: {arn} is no {kind} the instance lists", kind.arn_property())
                        }
                        Unnamed::Shared(name, n) => {
                            format!("{} kept: {n} {kind}s are called {name:?}", kind.arn_property())
                        }
                    }),
                }
            }
            if names.len() != arns.len() {
                return;
            }
            let named = if value.is_array() { Value::Array(names) } else { names.remove(0) };
            p.remove(kind.arn_property());
            p.insert(kind.property().to_owned(), named);
        };
        rename(&mut p, NameKind::RoutingProfile);
        rename(&mut p, NameKind::SecurityProfile);
        rename(&mut p, NameKind::HierarchyGroup);
        if let Some(Value::Array(groups)) = p.get_mut("TrafficDistributionGroupArns") {
            for group in groups.iter_mut() {
                if let Some(parameter) = group.as_str().and_then(|arn| self.groups.get(arn)) {
                    *group = json!({"Ref": parameter});
                }
            }
        }
        (Value::Object(p), kept)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const INSTANCE: &str = "arn:aws:connect:us-east-1:123456789012:instance/a1b2c3d4-0000-4000-8000-000000000001";

    #[test]
    fn the_instance_and_each_group_become_parameters_defaulting_to_the_exported_ones() {
        let instance = InstanceArn::parse(INSTANCE).unwrap();
        let group = TrafficDistributionGroupArn::parse(
            "arn:aws:connect:us-east-1:123456789012:traffic-distribution-group/e1000000-0000-4000-8000-000000000002",
        )
        .unwrap();
        let portable = Portable::new(&instance, &Catalog::default(), &BTreeSet::from([group.clone()]));
        let id = "TrafficDistributionGroupE1000000000040008000000000000002";
        assert_eq!(portable.parameters()[INSTANCE_PARAMETER]["Default"], INSTANCE);
        assert_eq!(portable.parameters()[id]["Default"], group.as_str());
        let properties = json!({
            "InstanceArn": INSTANCE,
            "Username": "jdoe",
            "RoutingProfileArn": format!("{INSTANCE}/routing-profile/gone"),
            "TrafficDistributionGroupArns": [group.as_str()],
        });
        let (written, kept) = portable.apply(&properties, &Catalog::default());
        assert_eq!(written["InstanceArn"], json!({"Ref": INSTANCE_PARAMETER}));
        assert_eq!(written["TrafficDistributionGroupArns"], json!([{"Ref": id}]));
        assert_eq!(written["RoutingProfileArn"], properties["RoutingProfileArn"], "no name for it: kept");
        assert_eq!(kept.len(), 1, "{kept:?}");
        assert!(kept[0].starts_with("RoutingProfileArn kept: "), "{kept:?}");
    }
}
