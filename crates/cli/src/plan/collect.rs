//! Every `Custom::ConnectUser` of a template and of its nested stacks (read from the local files their `TemplateURL`
//! names), with its properties resolved as CloudFormation would send them, and what CloudFormation does with its user
//! when the resource leaves the template or is replaced (`DeletionPolicy`, `UpdateReplacePolicy`, and those of the
//! nested stacks around it).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::RESOURCE_TYPE;
use crate::intrinsics::{Scope, pseudo_parameters};
use crate::template;

/// How deep nested stacks are followed.
const MAX_NESTING: usize = 5;

/// What CloudFormation does with a resource's user once the resource is gone from the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Policy {
    /// It sends a Delete (the default).
    #[default]
    Delete,
    /// It leaves the resource, and so the user, alone.
    Retain,
}

impl Policy {
    fn of(resource: &Value, key: &str) -> Self {
        // Snapshot applies to no custom resource; CloudFormation treats it as Delete there.
        match resource.get(key).and_then(Value::as_str) {
            Some("Retain" | "RetainExceptOnCreate") => Self::Retain,
            _ => Self::Delete,
        }
    }
}

/// One `Custom::ConnectUser`, resolved.
#[derive(Debug, Clone)]
pub struct Found {
    /// The nested stacks' logical ids from the top, empty for the template itself.
    pub stack: Vec<String>,
    /// The resource's logical id.
    pub logical_id: String,
    /// Its properties as CloudFormation sends them, without `ServiceToken` and `ServiceTimeout`.
    pub properties: Value,
    /// Its `DeletionPolicy`.
    pub deletion: Policy,
    /// Its `UpdateReplacePolicy`.
    pub update_replace: Policy,
}

/// A template's resources, and the `DeletionPolicy` of each nested stack by its path.
#[derive(Debug, Clone, Default)]
pub struct Collected {
    /// The users' resources, in the template's order (nested stacks in place).
    pub found: Vec<Found>,
    /// The nested stacks' `DeletionPolicy`, by their path of logical ids.
    pub stacks: BTreeMap<Vec<String>, Policy>,
}

impl Collected {
    /// What CloudFormation does with the user of `found` when it leaves a template that is `next`: the policy of the
    /// outermost nested stack that leaves with it, if one does (a retained nested stack keeps every resource in it),
    /// else the resource's own.
    pub fn leaving_policy(&self, found: &Found, next: &Collected) -> Policy {
        for depth in 1..=found.stack.len() {
            let path = &found.stack[..depth];
            if !next.stacks.contains_key(path) {
                return self.stacks.get(path).copied().unwrap_or_default();
            }
        }
        found.deletion
    }
}

/// The template at `path` and its nested stacks, resolved with `given` and, for each stack whose id `stack_ids`
/// holds (by its path of logical ids, empty for the template itself), that stack's pseudo parameters; or every
/// property that cannot be resolved.
pub fn collect(
    path: &Path,
    given: &BTreeMap<String, String>,
    stack_ids: &BTreeMap<Vec<String>, String>,
) -> Result<Collected, Vec<String>> {
    let mut collected = Collected::default();
    let mut errors = Vec::new();
    walk(path, given, stack_ids, &[], &mut collected, &mut errors);
    if errors.is_empty() { Ok(collected) } else { Err(errors) }
}

fn walk(
    path: &Path,
    given: &BTreeMap<String, String>,
    stack_ids: &BTreeMap<Vec<String>, String>,
    stack: &[String],
    collected: &mut Collected,
    errors: &mut Vec<String>,
) {
    let template = match template::read(path) {
        Ok(t) => t,
        Err(e) => return errors.push(e.to_string()),
    };
    let mut given = given.clone();
    if let Some(id) = stack_ids.get(stack) {
        given.extend(pseudo_parameters(id));
    }
    let scope = Scope::new(&template, &given);
    let Some(resources) = template.get("Resources").and_then(Value::as_object) else {
        return errors.push(format!("{}: no Resources", path.display()));
    };
    let at = |id: &str| stack.iter().cloned().chain([id.to_owned()]).collect::<Vec<_>>().join("/");
    for (id, resource) in resources {
        match resource.get("Type").and_then(Value::as_str) {
            Some(RESOURCE_TYPE) => {
                let mut resolved = serde_json::Map::new();
                // Each property on its own, so that every one that cannot be resolved is named.
                for (name, value) in resource.get("Properties").and_then(Value::as_object).into_iter().flatten() {
                    // Not the function's to see: only CloudFormation reads them.
                    if name == "ServiceToken" || name == "ServiceTimeout" {
                        continue;
                    }
                    match scope.resolve(value, name) {
                        Ok(Some(value)) => {
                            resolved.insert(name.clone(), value);
                        }
                        Ok(None) => {}
                        Err(e) => errors.push(format!("{}: {e}", at(id))),
                    }
                }
                let properties = match resource.get("Properties") {
                    Some(Value::Object(_)) => Value::Object(resolved),
                    _ => Value::Null,
                };
                collected.found.push(Found {
                    stack: stack.to_vec(),
                    logical_id: id.clone(),
                    properties,
                    deletion: Policy::of(resource, "DeletionPolicy"),
                    update_replace: Policy::of(resource, "UpdateReplacePolicy"),
                });
            }
            Some("AWS::CloudFormation::Stack") if stack.len() < MAX_NESTING => {
                let properties = resource.get("Properties").cloned().unwrap_or(Value::Null);
                let url = match scope.resolve(&properties["TemplateURL"], "TemplateURL") {
                    Ok(Some(Value::String(url))) => url,
                    Ok(_) => {
                        errors.push(format!("{}: TemplateURL: expected a string", at(id)));
                        continue;
                    }
                    Err(e) => {
                        errors.push(format!("{}: {e}", at(id)));
                        continue;
                    }
                };
                if url.contains("://") {
                    errors.push(format!(
                        "{}: TemplateURL {url:?}: plan reads nested templates from local files (the parent as it is \
                         before `aws cloudformation package`)",
                        at(id)
                    ));
                    continue;
                }
                // A parameter the parent cannot resolve is left unset in the child: an error there only if a
                // property uses it (the function's ServiceToken, typically, is never resolved).
                let mut child_given = given.clone();
                // The nested stack is a stack of its own: its name and id are not the parent's.
                child_given.remove("AWS::StackName");
                child_given.remove("AWS::StackId");
                for (name, value) in properties.get("Parameters").and_then(Value::as_object).into_iter().flatten() {
                    if let Ok(Some(Value::String(value))) = scope.resolve(value, name) {
                        child_given.insert(name.clone(), value);
                    }
                }
                let child = path.parent().unwrap_or(Path::new("")).join(&url);
                let mut nested = stack.to_vec();
                nested.push(id.clone());
                collected.stacks.insert(nested.clone(), Policy::of(resource, "DeletionPolicy"));
                walk(&child, &child_given, stack_ids, &nested, collected, errors);
            }
            _ => {}
        }
    }
}
