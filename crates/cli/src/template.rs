//! CloudFormation templates in and out. In: YAML or JSON (JSON is YAML too), with the short-form tags
//! (`!Ref`, `!Sub`, `!GetAtt`, `!ImportValue` and every other `!Fn`) turned into the long form (`{"Ref": …}`,
//! `{"Fn::Sub": …}`), so the rest of the tool sees one shape. Out: YAML (that YAML 1.1 reads as YAML 1.2 does, see
//! [`crate::yaml`]) or JSON, keys in the order a reader expects (`Parameters` before `Resources`, `Type` before
//! `Properties`, `InstanceArn` and `Username` first), the rest in alphabetical order, so the same input always gives
//! the same bytes.

use std::path::Path;

use cfn_connect_user::core::props::PROPERTIES;
use serde_json::Value;
use serde_norway::value::TaggedValue;

/// How a template is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// YAML, as most hand-written templates are.
    #[default]
    Yaml,
    /// JSON, pretty-printed.
    Json,
}

impl Format {
    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Yaml => "yaml",
            Self::Json => "json",
        }
    }
}

/// Why a template could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The text is neither YAML nor JSON.
    #[error("{path} is not a YAML or JSON template: {message}")]
    Syntax {
        /// The file.
        path: String,
        /// The parser's message.
        message: String,
    },
}

/// Reads the template at `path`.
pub fn read(path: &Path) -> Result<Value, ReadError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ReadError::Io { path: shown.clone(), source })?;
    parse(&text).map_err(|message| ReadError::Syntax { path: shown, message })
}

/// Parses a template's text, short-form tags into the long form.
pub fn parse(text: &str) -> Result<Value, String> {
    let yaml: serde_norway::Value = serde_norway::from_str(text).map_err(|e| e.to_string())?;
    from_yaml(yaml)
}

fn from_yaml(yaml: serde_norway::Value) -> Result<Value, String> {
    use serde_norway::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => serde_json::to_value(&n).map_err(|e| e.to_string())?,
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(from_yaml).collect::<Result<_, _>>()?),
        Y::Mapping(map) => {
            let mut out = serde_json::Map::new();
            for (key, value) in map {
                let key = match key {
                    Y::String(s) => s,
                    Y::Bool(b) => b.to_string(),
                    Y::Number(n) => n.to_string(),
                    other => return Err(format!("a mapping key must be a scalar, got {other:?}")),
                };
                out.insert(key, from_yaml(value)?);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => long_form(*tagged)?,
    })
}

/// `!Ref x` → `{"Ref": x}`, `!GetAtt a.b` → `{"Fn::GetAtt": ["a", "b"]}`, `!Condition c` → `{"Condition": c}`,
/// any other `!Name v` → `{"Fn::Name": v}`.
fn long_form(tagged: TaggedValue) -> Result<Value, String> {
    let TaggedValue { tag, value } = tagged;
    let name = tag.to_string();
    let name = name.trim_start_matches('!');
    let value = from_yaml(value)?;
    let (key, value) = match name {
        "Ref" | "Condition" => (name.to_owned(), value),
        "GetAtt" => match value {
            Value::String(s) => {
                let (resource, attribute) =
                    s.split_once('.').ok_or_else(|| format!("!GetAtt {s:?}: expected Resource.Attribute"))?;
                ("Fn::GetAtt".to_owned(), serde_json::json!([resource, attribute]))
            }
            other => ("Fn::GetAtt".to_owned(), other),
        },
        other => (format!("Fn::{other}"), value),
    };
    Ok(Value::Object(serde_json::Map::from_iter([(key, value)])))
}

/// Where a key goes among its siblings: the listed ones first, in this order, then the others alphabetically.
const KEY_ORDER: &[&str] = &[
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Parameters",
    "Conditions",
    "Resources",
    "Outputs",
    "Type",
    "Default",
    "Properties",
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "TemplateURL",
    "ServiceToken",
];
/// The keys of the objects inside the properties, in the order of the API reference.
const INNER_ORDER: &[&str] = &[
    "FirstName",
    "LastName",
    "Email",
    "SecondaryEmail",
    "Mobile",
    "Channel",
    "PhoneType",
    "AutoAccept",
    "AfterContactWorkTimeLimit",
    "DeskPhoneNumber",
    "PhoneNumber",
    "PersistentConnection",
    "AgentFirstCallbackAutoAccept",
    "AfterContactWorkConfig",
    "AgentFirstCallbackAfterContactWorkConfig",
    "VoiceEnhancementMode",
    "AttributeName",
    "AttributeValue",
    "Level",
    "Key",
    "Value",
];

fn rank(key: &str) -> (usize, &str) {
    let position = KEY_ORDER.iter().chain(PROPERTIES).chain(INNER_ORDER).position(|k| *k == key).unwrap_or(usize::MAX);
    (position, key)
}

/// The value as an ordered YAML value (mappings keep their insertion order when written, as YAML or as JSON).
fn ordered(value: &Value) -> serde_norway::Value {
    use serde_norway::Value as Y;
    match value {
        Value::Null => Y::Null,
        Value::Bool(b) => Y::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Y::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Y::Number(u.into())
            } else {
                Y::Number(n.as_f64().unwrap_or_default().into())
            }
        }
        Value::String(s) => Y::String(s.clone()),
        Value::Array(items) => Y::Sequence(items.iter().map(ordered).collect()),
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| rank(a).cmp(&rank(b)));
            Y::Mapping(keys.into_iter().map(|k| (Y::String(k.clone()), ordered(&map[k]))).collect())
        }
    }
}

/// The template as text in `format`, ending with a newline.
pub fn render(template: &Value, format: Format) -> Result<String, String> {
    let mut text = match format {
        Format::Yaml => crate::yaml::emit(template, rank),
        Format::Json => serde_json::to_string_pretty(&ordered(template)).map_err(|e| e.to_string())?,
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    #[test]
    fn short_form_tags_become_the_long_form() {
        let text = r#"
Resources:
  User:
    Type: Custom::ConnectUser
    Properties:
      ServiceToken: !ImportValue cfn-connect-user-ServiceToken
      InstanceArn: !Ref Instance
      RoutingProfileArn: !Sub "${Instance}/routing-profile/rp-1"
      HierarchyGroupArn: !GetAtt Group.Arn
      SecurityProfileArns: !Split [",", !Ref Profiles]
      Username: !Join ["", [!Select [0, [a, b]], "-agent"]]
"#;
        let value = parse(text).unwrap();
        let props = &value["Resources"]["User"]["Properties"];
        assert_eq!(props["ServiceToken"], json!({"Fn::ImportValue": "cfn-connect-user-ServiceToken"}));
        assert_eq!(props["InstanceArn"], json!({"Ref": "Instance"}));
        assert_eq!(props["RoutingProfileArn"], json!({"Fn::Sub": "${Instance}/routing-profile/rp-1"}));
        assert_eq!(props["HierarchyGroupArn"], json!({"Fn::GetAtt": ["Group", "Arn"]}));
        assert_eq!(props["SecurityProfileArns"], json!({"Fn::Split": [",", {"Ref": "Profiles"}]}));
        assert_eq!(props["Username"], json!({"Fn::Join": ["", [{"Fn::Select": [0, ["a", "b"]]}, "-agent"]]}));
    }

    #[test]
    fn json_reads_as_well() {
        assert_eq!(
            parse(r#"{"Resources": {"A": {"Type": "T"}}}"#).unwrap(),
            json!({"Resources": {"A": {"Type": "T"}}})
        );
    }

    #[test]
    fn keys_come_in_the_readers_order_and_strings_stay_strings() {
        let template = json!({"Resources": {"U": {"Properties": {"Username": "on", "InstanceArn": "i",
            "Tags": [{"Value": "yes", "Key": "k"}], "AdoptExisting": "true",
            "IdentityInfo": {"Mobile": "+12065550100", "FirstName": "Zoë"}}, "Type": "Custom::ConnectUser"}},
            "Parameters": {}, "AWSTemplateFormatVersion": "2010-09-09"});
        let yaml = render(&template, Format::Yaml).unwrap();
        let order = [
            "AWSTemplateFormatVersion",
            "Parameters",
            "Resources",
            "Type",
            "Properties",
            "InstanceArn",
            "Username",
            "IdentityInfo",
            "FirstName",
            "Mobile",
            "Tags",
            "Key",
            "AdoptExisting",
        ];
        let positions: Vec<usize> = order.iter().map(|k| yaml.find(&format!("{k}:")).unwrap()).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{yaml}");
        // Read back (as CloudFormation would), every string is still a string.
        assert_eq!(parse(&yaml).unwrap(), template);
        assert_eq!(parse(&render(&template, Format::Json).unwrap()).unwrap(), template);
    }
}
