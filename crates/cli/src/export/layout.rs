//! The exported resources → one template, or, beyond CloudFormation's limits, several templates under a parent
//! with one nested stack (`AWS::CloudFormation::Stack`) each.
//!
//! The limits: 500 resources in a template, and 1 MB for a template read from S3 (the form nested stacks take;
//! checked here as 1,000,000 bytes of the written text, the stricter reading of "1 MB"). The users are cut into
//! templates in logical-id order, each filled until the next user would pass either limit. A nested template's
//! `TemplateURL` is its file name, relative to the parent: `aws cloudformation package` uploads each to S3 and
//! writes the parent that `aws cloudformation deploy` takes.

use serde_json::{Map, Value, json};

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

/// The resources `(logical id, properties without ServiceToken)`, sorted by logical id, as templates. `stem` names
/// the nested templates: `<stem>-users-01.<ext>` and on.
pub fn lay_out(resources: &[(String, Value)], layout: &Layout, stem: &str) -> Result<Vec<Document>, String> {
    let max_resources = layout.max_resources.clamp(1, MAX_RESOURCES);
    let max_bytes = layout.max_bytes.min(MAX_TEMPLATE_BYTES);
    let single = template(&layout.description, layout, resources);
    if resources.len() <= max_resources && size(&single, layout.format)? <= max_bytes {
        return Ok(vec![Document { file_name: None, template: single, users: resources.len() }]);
    }
    let chunks = chunk(resources, layout, max_resources, max_bytes)?;
    let width = chunks.len().to_string().len().max(2);
    let mut documents = Vec::with_capacity(chunks.len() + 1);
    let mut stacks = Map::new();
    for (n, users) in chunks.iter().enumerate() {
        let number = format!("{:0width$}", n + 1);
        let file_name = format!("{stem}-users-{number}.{}", layout.format.extension());
        let description = format!("{} (part {} of {})", layout.description, n + 1, chunks.len());
        documents.push(Document {
            file_name: Some(file_name.clone()),
            template: template(&description, layout, users),
            users: users.len(),
        });
        let mut properties = json!({"TemplateURL": file_name});
        if let ServiceToken::Parameter(name) = &layout.service_token {
            properties["Parameters"] = json!({name.as_str(): {"Ref": name}});
        }
        // Both policies, explicitly: a nested stack holds stateful resources, and its replacement would delete them.
        let policy = layout.deletion_policy.as_str();
        stacks.insert(
            format!("Users{number}"),
            json!({"Type": "AWS::CloudFormation::Stack", "Properties": properties, "DeletionPolicy": policy,
                "UpdateReplacePolicy": policy}),
        );
    }
    let mut parent = json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": format!("{} ({} nested stacks)", layout.description, chunks.len()),
        "Resources": stacks,
    });
    if let Some(parameters) = layout.service_token.parameters() {
        parent["Parameters"] = parameters;
    }
    documents.insert(0, Document { file_name: None, template: parent, users: 0 });
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
    if let Some(parameters) = layout.service_token.parameters() {
        template["Parameters"] = parameters;
    }
    template
}

fn size(template: &Value, format: Format) -> Result<usize, String> {
    template::render(template, format).map(|t| t.len())
}

/// Consecutive runs of resources, each within both limits once written.
fn chunk<'a>(
    resources: &'a [(String, Value)],
    layout: &Layout,
    max_resources: usize,
    max_bytes: usize,
) -> Result<Vec<&'a [(String, Value)]>, String> {
    // A template's size is its frame plus its resources' (each measured as what it adds to an empty template, and
    // a few bytes of margin: the frame's `Resources: {}` becomes `Resources:` once there is one).
    let frame = size(&template(&layout.description, layout, &[]), layout.format)?;
    let mut chunks = Vec::new();
    let (mut start, mut bytes) = (0, frame);
    for (i, resource) in resources.iter().enumerate() {
        let own = size(&template(&layout.description, layout, std::slice::from_ref(resource)), layout.format)?
            .saturating_sub(frame)
            + 16;
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
    // The estimate is generous; the written text is what counts.
    for part in &chunks {
        let written = size(&template(&layout.description, layout, part), layout.format)?;
        if written > max_bytes {
            return Err(format!("a nested template came to {written} bytes, over the limit of {max_bytes}"));
        }
    }
    Ok(chunks)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn layout(max_resources: usize, max_bytes: usize) -> Layout {
        Layout {
            description: "Users".into(),
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
        let docs = lay_out(&resources(3), &layout(500, MAX_TEMPLATE_BYTES), "out").unwrap();
        assert_eq!(docs.len(), 1);
        let t = &docs[0].template;
        assert_eq!(t["Resources"]["User0001"]["Properties"]["ServiceToken"], json!({"Ref": "ServiceToken"}));
        assert_eq!(t["Parameters"]["ServiceToken"]["Type"], "String");
        assert_eq!(t["Resources"]["User0001"]["DeletionPolicy"], "Retain");
        assert_eq!(t["Resources"]["User0001"]["UpdateReplacePolicy"], "Retain");
    }

    #[test]
    fn more_than_the_resource_limit_makes_nested_stacks_in_order() {
        let docs = lay_out(&resources(1001), &layout(500, MAX_TEMPLATE_BYTES), "out").unwrap();
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
        let docs = lay_out(&resources(300), &layout(500, 8_000), "out").unwrap();
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
        let docs = lay_out(&resources(2), &l, "out").unwrap();
        assert!(docs.iter().all(|d| d.template.get("Parameters").is_none()));
        assert!(docs[0].template["Resources"]["Users01"]["Properties"].get("Parameters").is_none());
        assert_eq!(
            docs[1].template["Resources"]["User0000"]["Properties"]["ServiceToken"],
            json!({"Fn::ImportValue": "cfn-connect-user-ServiceToken"})
        );
    }
}
