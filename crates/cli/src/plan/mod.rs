//! `connect-users plan`: for every `Custom::ConnectUser` of a template (and of its nested stacks, read from the
//! local files their `TemplateURL` names), the Connect calls the function would make against the live user now,
//! with the property path behind each: create, adopt, update, replace, no changes, or refused with the function's
//! own reason. Decided by the function's own core ([`decide`]); only reads are made.
//!
//! What the plan cannot see is said, not guessed: an intrinsic function it cannot resolve is an error naming the
//! resource and the property (`--parameter` supplies it), and what the deployed template set and this one drops
//! (tags, proficiencies, the hierarchy group), which the function removes, is planned only with
//! `--previous-template` (the deployed template, as `aws cloudformation get-template` gives it).

pub mod decide;
pub mod paths;
pub mod render;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cfn_connect_user::app::ErrorKind;
use cfn_connect_user::core::arn::InstanceArn;
use cfn_connect_user::core::identity::IdentityManagement;
use cfn_connect_user::core::model::{LiveUser, OWNER_TAG_KEY};
use cfn_connect_user::core::owner::owner_tag_value;
use cfn_connect_user::core::props;
use serde_json::Value;

use crate::export::connect_failure;
use crate::intrinsics::{Scope, pseudo_parameters};
use crate::progress::Progress;
use crate::reader::ReadOnly;
use crate::template;
use decide::{Inputs, Outcome, Previous};

/// The resource type planned.
pub const RESOURCE_TYPE: &str = "Custom::ConnectUser";
/// How deep nested stacks are followed.
const MAX_NESTING: usize = 5;

/// What to plan.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The template.
    pub template: PathBuf,
    /// `--parameter` values: parameters, pseudo parameters, export names, `Resource.Attribute`.
    pub parameters: BTreeMap<String, String>,
    /// The stack's id, when it exists: the owner tag is then known exactly, and the pseudo parameters too.
    pub stack_id: Option<String>,
    /// The deployed template, to plan what this one drops.
    pub previous: Option<PathBuf>,
    /// Resources planned at once.
    pub concurrency: usize,
}

/// One resource's plan, where it is and what it is.
#[derive(Debug, Clone)]
pub struct Planned {
    /// The nested stack's logical ids from the top (`Users01`), empty for the template itself.
    pub stack: Vec<String>,
    /// The resource's logical id.
    pub logical_id: String,
    /// The template's username, when it gives one.
    pub username: Option<String>,
    /// What the function would do.
    pub outcome: Outcome,
    /// The property paths behind each of `outcome.calls`.
    pub paths: Vec<Vec<String>>,
}

impl Planned {
    /// `Users01/UserMariaGarcia0`.
    pub fn address(&self) -> String {
        let mut parts = self.stack.clone();
        parts.push(self.logical_id.clone());
        parts.join("/")
    }
}

/// One `Custom::ConnectUser` found in the template, resolved.
#[derive(Debug, Clone)]
struct Found {
    stack: Vec<String>,
    logical_id: String,
    properties: Value,
}

/// Every `Custom::ConnectUser` of the template at `path` and its nested stacks, resolved, or every property
/// that cannot be resolved.
fn collect(path: &Path, given: &BTreeMap<String, String>) -> Result<Vec<Found>, Vec<String>> {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    walk(path, given, &[], &mut found, &mut errors);
    if errors.is_empty() { Ok(found) } else { Err(errors) }
}

fn walk(
    path: &Path,
    given: &BTreeMap<String, String>,
    stack: &[String],
    found: &mut Vec<Found>,
    errors: &mut Vec<String>,
) {
    let template = match template::read(path) {
        Ok(t) => t,
        Err(e) => return errors.push(e.to_string()),
    };
    let scope = Scope::new(&template, given);
    let Some(resources) = template.get("Resources").and_then(Value::as_object) else {
        return errors.push(format!("{}: no Resources", path.display()));
    };
    let at = |id: &str| stack.iter().cloned().chain([id.to_owned()]).collect::<Vec<_>>().join("/");
    for (id, resource) in resources {
        match resource.get("Type").and_then(Value::as_str) {
            Some(RESOURCE_TYPE) => {
                let Some(properties) = resource.get("Properties").and_then(Value::as_object) else {
                    found.push(Found { stack: stack.to_vec(), logical_id: id.clone(), properties: Value::Null });
                    continue;
                };
                // Each property on its own, so that every one that cannot be resolved is named.
                let mut resolved = serde_json::Map::new();
                for (name, value) in properties {
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
                found.push(Found {
                    stack: stack.to_vec(),
                    logical_id: id.clone(),
                    properties: Value::Object(resolved),
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
                for (name, value) in properties.get("Parameters").and_then(Value::as_object).into_iter().flatten() {
                    if let Ok(Some(Value::String(value))) = scope.resolve(value, name) {
                        child_given.insert(name.clone(), value);
                    }
                }
                let child = path.parent().unwrap_or(Path::new("")).join(&url);
                let mut nested = stack.to_vec();
                nested.push(id.clone());
                walk(&child, &child_given, &nested, found, errors);
            }
            _ => {}
        }
    }
}

/// The plan of every resource, in the template's order (nested stacks in place).
pub async fn plan(reader: &ReadOnly, options: &Options, progress: &Progress) -> Result<Vec<Planned>, String> {
    let mut given = options.stack_id.as_deref().map(pseudo_parameters).unwrap_or_default();
    given.extend(options.parameters.clone());
    let found = collect(&options.template, &given).map_err(|e| e.join("\n"))?;
    let previous: BTreeMap<(Vec<String>, String), Value> = match &options.previous {
        Some(path) => collect(path, &given)
            .map_err(|e| format!("the previous template: {}", e.join("\n")))?
            .into_iter()
            .map(|f| ((f.stack, f.logical_id), f.properties))
            .collect(),
        None => BTreeMap::new(),
    };
    let mut identities: BTreeMap<String, Option<IdentityManagement>> = BTreeMap::new();
    for instance in found.iter().filter_map(|f| props::instance_arn(&f.properties)) {
        if !identities.contains_key(instance.as_str()) {
            let info = reader.describe_instance(&instance).await.map_err(|e| connect_failure(&e))?;
            identities.insert(instance.to_string(), info.identity_management);
        }
    }
    let shared = Arc::new((identities, options.stack_id.clone()));
    progress.counting("planning resources", found.len(), 0);
    let semaphore = Arc::new(tokio::sync::Semaphore::new(options.concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for (index, resource) in found.into_iter().enumerate() {
        let previous = previous.get(&(resource.stack.clone(), resource.logical_id.clone())).cloned();
        let (reader, shared, semaphore, progress) =
            (reader.clone(), Arc::clone(&shared), Arc::clone(&semaphore), progress.clone());
        tasks.spawn(async move {
            let _permit = semaphore.acquire().await;
            let planned = plan_one(&reader, resource, previous, &shared.0, shared.1.as_deref()).await;
            progress.one_done();
            (index, planned)
        });
    }
    let mut planned: Vec<Option<Planned>> = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let (index, result) = joined.map_err(|e| format!("a plan task failed: {e}"))?;
        if planned.len() <= index {
            planned.resize(index + 1, None);
        }
        planned[index] = Some(result?);
    }
    progress.finish();
    Ok(planned.into_iter().flatten().collect())
}

/// The owner tag value of the resource: exact with the stack id (for the top template), else the value a user
/// found carries when it ends with `/<logical id>`, else a stand-in that no user carries.
fn owner(stack_id: Option<&str>, found: &Found, users: [Option<&LiveUser>; 2]) -> String {
    if let (Some(stack_id), true) = (stack_id, found.stack.is_empty()) {
        return owner_tag_value(stack_id, &found.logical_id);
    }
    let suffix = format!("/{}", found.logical_id);
    users
        .into_iter()
        .flatten()
        .filter_map(|live| live.tags.get(OWNER_TAG_KEY))
        .find(|held| held.ends_with(&suffix))
        .cloned()
        .unwrap_or_else(|| format!("<stack id>{suffix}"))
}

async fn plan_one(
    reader: &ReadOnly,
    found: Found,
    previous: Option<Value>,
    identities: &BTreeMap<String, Option<IdentityManagement>>,
    stack_id: Option<&str>,
) -> Result<Planned, String> {
    let properties = &found.properties;
    let instance = props::instance_arn(properties);
    let username = properties.get("Username").and_then(Value::as_str).map(str::to_owned);
    let old = previous.as_ref().map(props::old_template);
    let wants_proficiencies = properties.get("UserProficiencies").is_some_and(|v| !v.is_null())
        || old.as_ref().is_some_and(|o| !o.proficiency_keys.is_empty());
    let holder = match (&instance, &username) {
        (Some(instance), Some(username)) => read_holder(reader, instance, username, wants_proficiencies).await?,
        _ => None,
    };
    let previous = match (previous, old) {
        (Some(previous), Some(old)) => {
            let old_instance = props::instance_arn(&previous);
            let old_username = previous.get("Username").and_then(Value::as_str);
            let same_user = old_instance.as_ref().map(InstanceArn::id) == instance.as_ref().map(InstanceArn::id)
                && old_username == username.as_deref();
            let user = match (same_user, &old_instance, old_username) {
                (true, ..) => holder.clone(),
                (false, Some(i), Some(u)) => read_holder(reader, i, u, !old.proficiency_keys.is_empty()).await?,
                _ => None,
            };
            Some(Previous { old, user, same_user })
        }
        _ => None,
    };
    let owner = owner(stack_id, &found, [holder.as_ref(), previous.as_ref().and_then(|p| p.user.as_ref())]);
    let identity = instance.as_ref().and_then(|i| identities.get(i.as_str()).copied().flatten());
    let outcome = decide::decide(Inputs { properties, identity, owner: &owner, holder: holder.clone(), previous });
    let spec = props::parse(properties).ok();
    let live = if outcome.action == decide::Action::Replace { None } else { holder.as_ref() };
    let paths = match &spec {
        Some(spec) => outcome.calls.iter().map(|call| paths::paths(call, spec, live)).collect(),
        None => Vec::new(),
    };
    Ok(Planned { stack: found.stack, logical_id: found.logical_id, username, outcome, paths })
}

/// The user holding `username` in `instance`, read, or `None`.
async fn read_holder(
    reader: &ReadOnly,
    instance: &InstanceArn,
    username: &str,
    proficiencies: bool,
) -> Result<Option<LiveUser>, String> {
    let Some(arn) = reader.find_user(instance, username).await.map_err(|e| connect_failure(&e))? else {
        return Ok(None);
    };
    match reader.read_user(&arn, proficiencies).await {
        Ok(live) => Ok(Some(live)),
        // Deleted between the search and the read.
        Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(connect_failure(&e)),
    }
}
