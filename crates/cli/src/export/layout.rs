//! The exported resources → one template, or, beyond CloudFormation's limits, several templates under a parent
//! with one nested stack (`AWS::CloudFormation::Stack`) each.
//!
//! The limits: 500 resources in a template, and 1 MB for a template read from S3 (the form nested stacks take;
//! checked here as 1,000,000 bytes of the written text, the stricter reading of "1 MB"). A first export cuts the
//! users into templates in logical-id order, each filled until the next user would pass either limit. A nested
//! template's `TemplateURL` is its file name, relative to the parent: `aws cloudformation package` uploads each to S3
//! and writes the parent that `aws cloudformation deploy` takes.
//!
//! A re-export ([`Previous`]) moves no user: a user whose resource changed template would leave one stack and arrive
//! in another, a hand-over that `Retain` refuses and `Delete` pays for with the agent. Every user the earlier export
//! placed stays in its template; new users fill the nested templates that have room, in order, then new ones; a
//! nested template left empty goes. A main template that holds users keeps room for nested stacks (a fiftieth of its
//! resources, 10 of 500), so that a roster that outgrows it gets them without moving anyone.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::previous::Previous;
use crate::template::{self, Format};

/// CloudFormation's limit on resources in one template.
pub const MAX_RESOURCES: usize = 500;
/// CloudFormation's limit on a template in S3, as bytes of text.
pub const MAX_TEMPLATE_BYTES: usize = 1_000_000;

/// Where the `ServiceToken` of every resource comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceToken {
    /// A template parameter of this name (`Type: String`), passed on to every nested stack.
    Parameter(String),
    /// `Fn::ImportValue` of this export name (the function's stack exports its ARN).
    Import(String),
}

impl ServiceToken {
    fn value(&self) -> Value {
        match self {
            Self::Parameter(name) => json!({"Ref": name}),
            Self::Import(export) => json!({"Fn::ImportValue": export}),
        }
    }

    fn parameters(&self) -> Option<Value> {
        match self {
            Self::Parameter(name) => Some(json!({name.as_str(): {
                "Type": "String",
                "Description": "The ARN of the cfn-connect-user function (its stack's ServiceToken output)",
            }})),
            Self::Import(_) => None,
        }
    }
}

/// What CloudFormation does with a user when its resource leaves the template or the stack is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DeletionPolicy {
    /// The user stays in Connect, as it was before the stack existed (`DeletionPolicy` and `UpdateReplacePolicy`
    /// `Retain` on every user and nested stack): nothing the stack does deletes an agent, not even the replacement
    /// a new `Username` makes. The default: an export brings live agents under a stack, and deleting that stack
    /// should not delete them.
    #[default]
    Retain,
    /// The function deletes the user (CloudFormation's default, written out on the nested stacks).
    Delete,
}

impl DeletionPolicy {
    fn as_str(self) -> &'static str {
        match self {
            Self::Retain => "Retain",
            Self::Delete => "Delete",
        }
    }
}

/// How the templates are laid out.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The `Description` of the template (or of the parent).
    pub description: String,
    /// Parameters every template declares besides the service token's, passed by a parent to its nested stacks
    /// (a portable export's instance and groups).
    pub parameters: Map<String, Value>,
    /// Where `ServiceToken` comes from.
    pub service_token: ServiceToken,
    /// YAML or JSON.
    pub format: Format,
    /// Kept or deleted with their resource.
    pub deletion_policy: DeletionPolicy,
    /// At most this many resources per template (at most [`MAX_RESOURCES`]).
    pub max_resources: usize,
    /// At most this many bytes per template (at most [`MAX_TEMPLATE_BYTES`]).
    pub max_bytes: usize,
}

/// A template to write: its file name relative to the main one (`None` for the main one itself) and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// `None` for the template the user asked for; the nested ones' file names otherwise.
    pub file_name: Option<String>,
    /// The template.
    pub template: Value,
    /// How many `Custom::ConnectUser` it holds.
    pub users: usize,
}

/// A nested template being laid out.
#[derive(Debug, Clone)]
struct Part {
    /// Its stack's logical id in the main template, `UsersNN`.
    stack: String,
    /// Its file name, relative to the main template.
    file: String,
    /// Its users, `(logical id, properties)`.
    users: Vec<(String, Value)>,
}

/// Bytes kept free in a main template that holds users, for each nested stack it keeps room for.
const BYTES_PER_STACK: usize = 400;

/// The resources `(logical id, properties without ServiceToken)`, sorted by logical id, as templates: laid out as
/// `previous` (an earlier export) laid them out as far as they still exist, else afresh. `stem` names new nested
/// templates: `<stem>-users-01.<ext>` and on.
pub fn lay_out(
    resources: &[(String, Value)],
    layout: &Layout,
    stem: &str,
    previous: Option<&Previous>,
) -> Result<Vec<Document>, String> {
    let max_resources = layout.max_resources.clamp(1, MAX_RESOURCES);
    let max_bytes = layout.max_bytes.min(MAX_TEMPLATE_BYTES);
    let stacks_room = (max_resources / 50).max(1);
    let by_id: BTreeMap<&str, &(String, Value)> = resources.iter().map(|r| (r.0.as_str(), r)).collect();
    let take = |ids: &[String]| -> Vec<(String, Value)> {
        ids.iter().filter_map(|id| by_id.get(id.as_str()).map(|r| (*r).clone())).collect()
    };
    let (root, mut parts) = match previous {
        Some(previous) => (
            take(&previous.root),
            previous
                .parts
                .iter()
                .map(|p| Part { stack: p.stack.clone(), file: p.file.clone(), users: take(&p.ids) })
                .collect::<Vec<_>>(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    let placed: BTreeSet<&str> =
        root.iter().chain(parts.iter().flat_map(|p| &p.users)).map(|(id, _)| id.as_str()).collect();
    let new: Vec<(String, Value)> = resources.iter().filter(|(id, _)| !placed.contains(id.as_str())).cloned().collect();

    // One template, when no earlier one was nested and everyone fits with room for the stacks to come.
    let mut root = root;
    if parts.is_empty() {
        let mut all: Vec<(String, Value)> = root.iter().chain(&new).cloned().collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        let single = template(&layout.description, layout, &all);
        let room = stacks_room * BYTES_PER_STACK;
        if all.len() + stacks_room <= max_resources && size(&single, layout.format)? + room <= max_bytes {
            return Ok(vec![Document { file_name: None, template: single, users: all.len() }]);
        }
    }
    let overflow = fill(&mut parts, new, layout, max_resources, max_bytes)?;
    let mut number =
        parts.iter().filter_map(|p| p.stack.strip_prefix("Users")?.parse::<usize>().ok()).max().unwrap_or(0);
    let chunks = chunk(&overflow, layout, max_resources, max_bytes)?;
    let width = (number + chunks.len()).to_string().len().max(2);
    for users in chunks {
        number += 1;
        let number = format!("{number:0width$}");
        let file = format!("{stem}-users-{number}.{}", layout.format.extension());
        parts.push(Part { stack: format!("Users{number}"), file, users: users.to_vec() });
    }
    parts.retain(|p| !p.users.is_empty());
    root.sort_by(|a, b| a.0.cmp(&b.0));
    if root.len() + parts.len() > MAX_RESOURCES {
        return Err(format!(
            "the main template would hold {} users and {} nested stacks, over CloudFormation's {MAX_RESOURCES} \
             resources",
            root.len(),
            parts.len()
        ));
    }
    documents(root, parts, layout, max_bytes)
}

/// Puts each of `new` into the first nested template with room for it; what has no room is returned.
fn fill(
    parts: &mut [Part],
    new: Vec<(String, Value)>,
    layout: &Layout,
    max_resources: usize,
    max_bytes: usize,
) -> Result<Vec<(String, Value)>, String> {
    let frame = size(&template(&layout.description, layout, &[]), layout.format)?;
    let mut bytes: Vec<usize> = parts
        .iter()
        .map(|p| size(&template(&layout.description, layout, &p.users), layout.format))
        .collect::<Result<_, _>>()?;
    let mut overflow = Vec::new();
    for user in new {
        let own = own_size(&user, layout, frame)?;
        match parts.iter().zip(&bytes).position(|(p, b)| p.users.len() < max_resources && b + own <= max_bytes) {
            Some(at) => {
                bytes[at] += own;
                parts[at].users.push(user);
            }
            None => overflow.push(user),
        }
    }
    for part in parts.iter_mut() {
        part.users.sort_by(|a, b| a.0.cmp(&b.0));
    }
    Ok(overflow)
}

/// The main template (its users and a stack for each part) first, then the parts'.
fn documents(
    root: Vec<(String, Value)>,
    parts: Vec<Part>,
    layout: &Layout,
    max_bytes: usize,
) -> Result<Vec<Document>, String> {
    let mut documents = Vec::with_capacity(parts.len() + 1);
    let mut main = template(&layout.description, layout, &root);
    if let Some(description) = main.get_mut("Description") {
        *description = json!(format!("{} ({} nested stacks)", layout.description, parts.len()));
    }
    for part in &parts {
        let description = format!("{} (nested stack {})", layout.description, part.stack);
        let nested = template(&description, layout, &part.users);
        let written = size(&nested, layout.format)?;
        if written > max_bytes {
            return Err(format!(
                "the nested template {} came to {written} bytes, over the limit of {max_bytes}",
                part.file
            ));
        }
        documents.push(Document { file_name: Some(part.file.clone()), template: nested, users: part.users.len() });
        let mut properties = json!({"TemplateURL": part.file});
        let mut passed: Map<String, Value> =
            layout.parameters.keys().map(|name| (name.clone(), json!({"Ref": name}))).collect();
        if let ServiceToken::Parameter(name) = &layout.service_token {
            passed.insert(name.clone(), json!({"Ref": name}));
        }
        if !passed.is_empty() {
            properties["Parameters"] = Value::Object(passed);
        }
        // Both policies, explicitly: a nested stack holds stateful resources, and its replacement would delete them.
        let policy = layout.deletion_policy.as_str();
        main["Resources"][&part.stack] = json!({"Type": "AWS::CloudFormation::Stack", "Properties": properties,
            "DeletionPolicy": policy, "UpdateReplacePolicy": policy});
    }
    let written = size(&main, layout.format)?;
    if written > max_bytes {
        return Err(format!("the main template came to {written} bytes, over the limit of {max_bytes}"));
    }
    documents.insert(0, Document { file_name: None, template: main, users: root.len() });
    Ok(documents)
}

fn template(description: &str, layout: &Layout, resources: &[(String, Value)]) -> Value {
    let token = layout.service_token.value();
    let resources: Map<String, Value> = resources
        .iter()
        .map(|(id, properties)| {
            let mut properties = properties.clone();
            if let Some(p) = properties.as_object_mut() {
                p.insert("ServiceToken".into(), token.clone());
            }
            let mut resource = json!({"Type": "Custom::ConnectUser", "Properties": properties});
            // Both: a replacement (a new Username) then keeps the user it replaces too.
            if layout.deletion_policy == DeletionPolicy::Retain {
                resource["DeletionPolicy"] = json!("Retain");
                resource["UpdateReplacePolicy"] = json!("Retain");
            }
            (id.clone(), resource)
        })
        .collect();
    let mut template = json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": description,
        "Resources": resources,
    });
    let mut parameters = layout.parameters.clone();
    if let Some(Value::Object(token)) = layout.service_token.parameters() {
        parameters.extend(token);
    }
    if !parameters.is_empty() {
        template["Parameters"] = Value::Object(parameters);
    }
    template
}

fn size(template: &Value, format: Format) -> Result<usize, String> {
    template::render(template, format).map(|t| t.len())
}

/// What one resource adds to a template: measured as what it adds to an empty one (`frame` bytes), with a few bytes of
/// margin (the frame's `Resources: {}` becomes `Resources:` once there is one).
fn own_size(resource: &(String, Value), layout: &Layout, frame: usize) -> Result<usize, String> {
    Ok(size(&template(&layout.description, layout, std::slice::from_ref(resource)), layout.format)?
        .saturating_sub(frame)
        + 16)
}

/// Consecutive runs of resources, each within both limits once written.
fn chunk<'a>(
    resources: &'a [(String, Value)],
    layout: &Layout,
    max_resources: usize,
    max_bytes: usize,
) -> Result<Vec<&'a [(String, Value)]>, String> {
    // A template's size is its frame plus its resources'.
    let frame = size(&template(&layout.description, layout, &[]), layout.format)?;
    let mut chunks = Vec::new();
    let (mut start, mut bytes) = (0, frame);
    for (i, resource) in resources.iter().enumerate() {
        let own = own_size(resource, layout, frame)?;
        if own + frame > max_bytes {
            return Err(format!(
                "the resource {} alone passes the template size limit of {max_bytes} bytes",
                resource.0
            ));
        }
        if i > start && (i - start == max_resources || bytes + own > max_bytes) {
            chunks.push(&resources[start..i]);
            (start, bytes) = (i, frame);
        }
        bytes += own;
    }
    if start < resources.len() {
        chunks.push(&resources[start..]);
    }
    // The estimate is generous; the written text, which `documents` measures, is what counts.
    Ok(chunks)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn layout(max_resources: usize, max_bytes: usize) -> Layout {
        Layout {
            description: "Users".into(),
            parameters: Map::new(),
            service_token: ServiceToken::Parameter("ServiceToken".into()),
            format: Format::Yaml,
            deletion_policy: DeletionPolicy::Retain,
            max_resources,
            max_bytes,
        }
    }

    fn resources(n: usize) -> Vec<(String, Value)> {
        (0..n)
            .map(|i| (format!("User{i:04}"), json!({"Username": format!("user{i}"), "AdoptExisting": "true"})))
            .collect()
    }

    #[test]
    fn few_users_make_one_template_with_the_service_token_parameter() {
        let docs = lay_out(&resources(3), &layout(500, MAX_TEMPLATE_BYTES), "out", None).unwrap();
        assert_eq!(docs.len(), 1);
        let t = &docs[0].template;
        assert_eq!(t["Resources"]["User0001"]["Properties"]["ServiceToken"], json!({"Ref": "ServiceToken"}));
        assert_eq!(t["Parameters"]["ServiceToken"]["Type"], "String");
        assert_eq!(t["Resources"]["User0001"]["DeletionPolicy"], "Retain");
        assert_eq!(t["Resources"]["User0001"]["UpdateReplacePolicy"], "Retain");
    }

    #[test]
    fn more_than_the_resource_limit_makes_nested_stacks_in_order() {
        let docs = lay_out(&resources(1001), &layout(500, MAX_TEMPLATE_BYTES), "out", None).unwrap();
        let names: Vec<_> = docs.iter().map(|d| d.file_name.clone()).collect();
        assert_eq!(
            names,
            [
                None,
                Some("out-users-01.yaml".into()),
                Some("out-users-02.yaml".into()),
                Some("out-users-03.yaml".into())
            ]
        );
        assert_eq!(docs.iter().map(|d| d.users).collect::<Vec<_>>(), [0, 500, 500, 1]);
        let parent = &docs[0].template;
        assert_eq!(parent["Resources"]["Users02"]["Properties"]["TemplateURL"], "out-users-02.yaml");
        assert_eq!(
            parent["Resources"]["Users02"]["Properties"]["Parameters"]["ServiceToken"],
            json!({"Ref": "ServiceToken"})
        );
        assert!(docs[2].template["Resources"].get("User0500").is_some());
        assert_eq!(parent["Resources"]["Users01"]["DeletionPolicy"], "Retain");
        assert_eq!(parent["Resources"]["Users01"]["UpdateReplacePolicy"], "Retain");
    }

    #[test]
    fn the_size_limit_splits_too_and_every_part_fits() {
        let docs = lay_out(&resources(300), &layout(500, 8_000), "out", None).unwrap();
        assert!(docs.len() > 3, "{}", docs.len());
        for doc in &docs[1..] {
            assert!(template::render(&doc.template, Format::Yaml).unwrap().len() <= 8_000);
        }
        assert_eq!(docs[1..].iter().map(|d| d.users).sum::<usize>(), 300);
    }

    #[test]
    fn an_imported_token_needs_no_parameter() {
        let mut l = layout(1, MAX_TEMPLATE_BYTES);
        l.service_token = ServiceToken::Import("cfn-connect-user-ServiceToken".into());
        l.deletion_policy = DeletionPolicy::Delete;
        let docs = lay_out(&resources(2), &l, "out", None).unwrap();
        assert!(docs.iter().all(|d| d.template.get("Parameters").is_none()));
        assert!(docs[0].template["Resources"]["Users01"]["Properties"].get("Parameters").is_none());
        assert_eq!(
            docs[1].template["Resources"]["User0000"]["Properties"]["ServiceToken"],
            json!({"Fn::ImportValue": "cfn-connect-user-ServiceToken"})
        );
    }
}
