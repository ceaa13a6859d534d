//! The intrinsic functions of a template's properties, resolved as CloudFormation would before it sends them to
//! the function, as far as a tool without the stack can: `Ref` (parameters, their defaults, pseudo parameters),
//! `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Split` and `Fn::FindInMap`. What only a deployed stack knows
//! (`Fn::GetAtt` or `Ref` of a resource, `Fn::ImportValue`, a pseudo parameter) is supplied with `--parameter`,
//! keyed by what the template names: `Name=value` for `Ref Name` and `${Name}`, `Resource.Attribute=value` for
//! `Fn::GetAtt`, `ExportName=value` for `Fn::ImportValue`, `AWS::Region=value`. `Fn::If` and the other functions
//! that need conditions are not evaluated, nor is a resource's own `Condition`: every `Custom::ConnectUser` is
//! planned. Anything unresolved is an error naming what would supply it.
//!
//! Then every scalar becomes a string, as CloudFormation sends a custom resource's properties.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// What a reference could not be resolved to, and the `--parameter` key that would supply it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {what} cannot be resolved{}", hint(.key))]
pub struct Unresolved {
    /// Where in the property, e.g. `RoutingProfileArn` or `SecurityProfileArns[1]`.
    pub path: String,
    /// The function and its argument, e.g. `Fn::ImportValue "shared-routing-profile"`.
    pub what: String,
    /// The `--parameter` key that would supply it; `None` for a function that is never evaluated.
    pub key: Option<String>,
}

fn hint(key: &Option<String>) -> String {
    key.as_ref().map_or_else(
        || " (plan does not evaluate it: give the property a value the template resolves without it)".to_owned(),
        |key| format!("; supply it with --parameter {key}=VALUE"),
    )
}

/// The values references resolve to.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    values: BTreeMap<String, Value>,
    mappings: Value,
}

/// The pseudo parameters a stack's ARN tells: `arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<id>`.
pub fn pseudo_parameters(stack_id: &str) -> BTreeMap<String, String> {
    let parts: Vec<&str> = stack_id.splitn(6, ':').collect();
    let mut out = BTreeMap::new();
    if let [_, partition, _, region, account, resource] = parts.as_slice() {
        out.insert("AWS::Partition".to_owned(), (*partition).to_owned());
        out.insert("AWS::Region".to_owned(), (*region).to_owned());
        out.insert("AWS::AccountId".to_owned(), (*account).to_owned());
        if let Some(name) = resource.strip_prefix("stack/").and_then(|r| r.split('/').next()) {
            out.insert("AWS::StackName".to_owned(), name.to_owned());
        }
        out.insert("AWS::StackId".to_owned(), stack_id.to_owned());
    }
    out
}

impl Scope {
    /// The scope of `template`: its parameters from `given` or their `Default` (lists split at commas), its
    /// `Mappings`, and every other key of `given` as it is (pseudo parameters, export names, `Resource.Attribute`).
    pub fn new(template: &Value, given: &BTreeMap<String, String>) -> Self {
        let mut values: BTreeMap<String, Value> =
            given.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        if let Some(parameters) = template.get("Parameters").and_then(Value::as_object) {
            for (name, declaration) in parameters {
                let value = given.get(name).cloned().or_else(|| match declaration.get("Default") {
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(Value::Array(items)) => {
                        Some(items.iter().map(scalar_text).collect::<Option<Vec<_>>>()?.join(","))
                    }
                    Some(other) => scalar_text(other),
                    None => None,
                });
                let Some(value) = value else { continue };
                let list = declaration.get("Type").and_then(Value::as_str).is_some_and(|t| {
                    t == "CommaDelimitedList" || (t.starts_with("List<") && !t.starts_with("List<Number"))
                });
                let resolved = if list {
                    Value::Array(value.split(',').map(|s| Value::String(s.trim().to_owned())).collect())
                } else {
                    Value::String(value)
                };
                values.insert(name.clone(), resolved);
            }
        }
        Self { values, mappings: template.get("Mappings").cloned().unwrap_or(Value::Null) }
    }

    /// The value with every intrinsic function resolved and every scalar a string; `None` for `Ref AWS::NoValue`.
    pub fn resolve(&self, value: &Value, path: &str) -> Result<Option<Value>, Unresolved> {
        match value {
            Value::Object(map) if map.len() == 1 => {
                let (key, argument) = map.iter().next().map(|(k, v)| (k.as_str(), v)).unwrap_or(("", &Value::Null));
                if key == "Ref" || key.starts_with("Fn::") || key == "Condition" {
                    return self.function(key, argument, path);
                }
                self.object(map, path).map(Some)
            }
            Value::Object(map) => self.object(map, path).map(Some),
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    if let Some(v) = self.resolve(item, &format!("{path}[{i}]"))? {
                        out.push(v);
                    }
                }
                Ok(Some(Value::Array(out)))
            }
            Value::Null => Ok(Some(Value::Null)),
            other => Ok(Some(Value::String(scalar_text(other).unwrap_or_default()))),
        }
    }

    fn object(&self, map: &Map<String, Value>, path: &str) -> Result<Value, Unresolved> {
        let mut out = Map::new();
        for (key, value) in map {
            let inner = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            if let Some(v) = self.resolve(value, &inner)? {
                out.insert(key.clone(), v);
            }
        }
        Ok(Value::Object(out))
    }

    fn lookup(&self, key: &str, what: String, path: &str) -> Result<Value, Unresolved> {
        self.values.get(key).cloned().ok_or_else(|| Unresolved {
            path: path.to_owned(),
            what,
            key: Some(key.to_owned()),
        })
    }

    fn function(&self, name: &str, argument: &Value, path: &str) -> Result<Option<Value>, Unresolved> {
        let unsupported = || Unresolved { path: path.to_owned(), what: name.to_owned(), key: None };
        let text = |v: &Value| -> Result<String, Unresolved> {
            match self.resolve(v, path)? {
                Some(Value::String(s)) => Ok(s),
                _ => Err(unsupported()),
            }
        };
        let list = |v: &Value| -> Result<Vec<Value>, Unresolved> {
            match self.resolve(v, path)? {
                Some(Value::Array(items)) => Ok(items),
                _ => Err(unsupported()),
            }
        };
        let resolved = match (name, argument) {
            ("Ref", Value::String(target)) if target == "AWS::NoValue" => return Ok(None),
            ("Ref", Value::String(target)) => self.lookup(target, format!("Ref {target:?}"), path)?,
            ("Fn::GetAtt", Value::Array(parts)) if parts.len() == 2 => {
                let (resource, attribute) = (text(&parts[0])?, text(&parts[1])?);
                let key = format!("{resource}.{attribute}");
                self.lookup(&key, format!("Fn::GetAtt {key:?}"), path)?
            }
            ("Fn::ImportValue", export) => {
                let export = text(export)?;
                self.lookup(&export, format!("Fn::ImportValue {export:?}"), path)?
            }
            ("Fn::Sub", Value::String(body)) => Value::String(self.sub(body, &BTreeMap::new(), path)?),
            ("Fn::Sub", Value::Array(parts)) if parts.len() == 2 => {
                let body = parts[0].as_str().ok_or_else(unsupported)?;
                let mut variables = BTreeMap::new();
                for (name, value) in parts[1].as_object().ok_or_else(unsupported)? {
                    variables.insert(name.clone(), text(value)?);
                }
                Value::String(self.sub(body, &variables, path)?)
            }
            ("Fn::Join", Value::Array(parts)) if parts.len() == 2 => {
                let delimiter = text(&parts[0])?;
                let items = list(&parts[1])?;
                let items: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
                Value::String(items.ok_or_else(unsupported)?.join(&delimiter))
            }
            ("Fn::Select", Value::Array(parts)) if parts.len() == 2 => {
                let index: usize = text(&parts[0])?.parse().map_err(|_| unsupported())?;
                list(&parts[1])?.get(index).cloned().ok_or_else(unsupported)?
            }
            ("Fn::Split", Value::Array(parts)) if parts.len() == 2 => {
                let (delimiter, source) = (text(&parts[0])?, text(&parts[1])?);
                Value::Array(source.split(delimiter.as_str()).map(|s| Value::String(s.to_owned())).collect())
            }
            ("Fn::FindInMap", Value::Array(parts)) if parts.len() == 3 => {
                let keys = [text(&parts[0])?, text(&parts[1])?, text(&parts[2])?];
                let found = keys.iter().try_fold(&self.mappings, |v, k| v.get(k));
                let what = format!("Fn::FindInMap {keys:?}");
                found.cloned().ok_or(Unresolved { path: path.to_owned(), what, key: None })?
            }
            _ => return Err(unsupported()),
        };
        self.resolve(&resolved, path)
    }

    /// `Fn::Sub`'s `${Name}`, `${Resource.Attribute}` and `${!Literal}`.
    fn sub(&self, body: &str, variables: &BTreeMap<String, String>, path: &str) -> Result<String, Unresolved> {
        let mut out = String::new();
        let mut rest = body;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                return Ok(out);
            };
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else if let Some(value) = variables.get(name) {
                out.push_str(value);
            } else {
                let what = format!("${{{name}}} in Fn::Sub");
                match self.lookup(name, what.clone(), path)? {
                    Value::String(s) => out.push_str(&s),
                    Value::Array(items) => {
                        out.push_str(&items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(","));
                    }
                    _ => return Err(Unresolved { path: path.to_owned(), what, key: None }),
                }
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// A scalar as the string CloudFormation sends: `true`, `120`, `3.5`.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
