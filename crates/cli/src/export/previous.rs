//! The layout of an earlier export: which logical id each username has, and which template holds it (the main one,
//! or the nested stack `UsersNN` and its file). A re-export keeps both for every user that still exists, because a
//! resource whose logical id or stack changes is a resource that leaves its stack and another that arrives: the
//! user would be handed over between them (refused under `Retain`, deleted under `Delete`).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::plan::RESOURCE_TYPE;
use crate::template;

/// A nested stack of an earlier export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Its logical id in the main template, e.g. `Users01`.
    pub stack: String,
    /// Its template's file name, relative to the main template.
    pub file: String,
    /// The logical ids of the users it holds.
    pub ids: Vec<String>,
}

/// An earlier export's layout.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Previous {
    /// Each username's logical id.
    pub ids: BTreeMap<String, String>,
    /// The logical ids of the users in the main template itself.
    pub root: Vec<String>,
    /// Its nested stacks, in the main template's order.
    pub parts: Vec<Part>,
}

/// Reads the export whose main template is `main`.
pub fn read(main: &Path) -> Result<Previous, String> {
    let template = template::read(main).map_err(|e| e.to_string())?;
    let mut previous = Previous::default();
    for (id, resource) in resources(&template, main)? {
        match resource.get("Type").and_then(Value::as_str) {
            Some(RESOURCE_TYPE) => {
                previous.root.push(id.clone());
                record(&mut previous.ids, id, resource);
            }
            Some("AWS::CloudFormation::Stack") => {
                let Some(file) = resource.pointer("/Properties/TemplateURL").and_then(Value::as_str) else {
                    return Err(format!("{}: {id}: TemplateURL: expected a file name", main.display()));
                };
                let path = main.parent().unwrap_or(Path::new("")).join(file);
                let nested = template::read(&path).map_err(|e| e.to_string())?;
                let mut part = Part { stack: id.clone(), file: file.to_owned(), ids: Vec::new() };
                for (id, resource) in resources(&nested, &path)? {
                    if resource.get("Type").and_then(Value::as_str) == Some(RESOURCE_TYPE) {
                        part.ids.push(id.clone());
                        record(&mut previous.ids, id, resource);
                    }
                }
                previous.parts.push(part);
            }
            _ => {}
        }
    }
    Ok(previous)
}

fn resources<'a>(template: &'a Value, path: &Path) -> Result<&'a serde_json::Map<String, Value>, String> {
    template
        .get("Resources")
        .and_then(Value::as_object)
        .ok_or_else(|| format!("{} is not a template of connect-users export: it has no Resources", path.display()))
}

fn record(ids: &mut BTreeMap<String, String>, id: &str, resource: &Value) {
    if let Some(username) = resource.pointer("/Properties/Username").and_then(Value::as_str) {
        ids.insert(username.to_owned(), id.to_owned());
    }
}
