//! The invocation payload, read in the order that keeps a response possible:
//! SNS records → raw request → envelope (ids and ResponseURL) → typed request.
//!
//! The runtime never deserializes a typed event: a payload that does not fit a struct must still be
//! answered FAILED, so everything here works on `serde_json::Value` and tolerates unknown fields.

use std::time::Duration;

use serde_json::Value;

/// What a response needs, pulled out before anything else is interpreted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Envelope {
    /// As sent; checked by `ResponseUrl::parse` when a PUT is due.
    pub response_url: Option<String>,
    /// `StackId`, verbatim; empty when missing.
    pub stack_id: String,
    /// `RequestId`, verbatim; empty when missing.
    pub request_id: String,
    /// `LogicalResourceId`, verbatim; empty when missing.
    pub logical_resource_id: String,
    /// `PhysicalResourceId`; `None` when missing or empty (a Create).
    pub physical_resource_id: Option<String>,
    /// `RequestType` as sent, for logs, even when it is not one this handler knows.
    pub request_type: String,
}

impl Envelope {
    /// Never fails: missing fields become empty and are reported by [`Request::parse`].
    pub fn read(raw: &Value) -> Self {
        let text = |key: &str| raw.get(key).and_then(Value::as_str).map(str::to_owned);
        Self {
            response_url: text("ResponseURL").filter(|u| !u.is_empty()),
            stack_id: text("StackId").unwrap_or_default(),
            request_id: text("RequestId").unwrap_or_default(),
            logical_resource_id: text("LogicalResourceId").unwrap_or_default(),
            physical_resource_id: text("PhysicalResourceId").filter(|p| !p.is_empty()),
            request_type: text("RequestType").unwrap_or_default(),
        }
    }
}

/// CloudFormation's `RequestType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestType {
    /// `Create`: make a new user.
    Create,
    /// `Update`: bring the user to the new template, or replace it.
    Update,
    /// `Delete`: remove the user.
    Delete,
}

/// A request whose envelope is known and whose shape is sound; properties are validated later.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// `RequestType`.
    pub kind: RequestType,
    /// `ResourceProperties`, not yet validated; an empty object for a Delete that sends none.
    pub properties: Value,
    /// Update only.
    pub old_properties: Value,
    /// Update and Delete only.
    pub physical_resource_id: Option<String>,
    /// `ServiceTimeout` (top-level, else in the properties), in whole seconds; `None` = not set.
    pub service_timeout: Option<Duration>,
}

/// Why a payload is not a request this handler can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The payload is not a JSON object.
    #[error("the request is not a JSON object")]
    NotAnObject,
    /// This required field is missing (or, for the ids, not a string; for `PhysicalResourceId`, empty).
    #[error("the request has no {0}")]
    Missing(&'static str),
    /// `RequestType` is none of `Create`, `Update`, `Delete`; carries the value as sent.
    #[error("unknown RequestType {0:?}: expected Create, Update or Delete")]
    UnknownRequestType(String),
    /// This field (`ResourceProperties` or `OldResourceProperties`) is not a JSON object.
    #[error("{0} must be a JSON object")]
    NotAnObjectField(&'static str),
    /// `ServiceTimeout` is not a whole number of seconds; carries the value as JSON.
    #[error("ServiceTimeout must be a whole number of seconds, got {0}")]
    BadServiceTimeout(String),
}

impl Request {
    /// Checks the payload's shape and types it; the properties themselves are not validated here.
    pub fn parse(raw: &Value) -> Result<Self, RequestError> {
        let object = raw.as_object().ok_or(RequestError::NotAnObject)?;
        for key in ["StackId", "RequestId", "LogicalResourceId"] {
            if !object.get(key).is_some_and(Value::is_string) {
                return Err(RequestError::Missing(key));
            }
        }
        let kind = match object.get("RequestType") {
            Some(Value::String(t)) if t == "Create" => RequestType::Create,
            Some(Value::String(t)) if t == "Update" => RequestType::Update,
            Some(Value::String(t)) if t == "Delete" => RequestType::Delete,
            Some(other) => {
                return Err(RequestError::UnknownRequestType(
                    other.as_str().map_or_else(|| other.to_string(), str::to_owned),
                ));
            }
            None => return Err(RequestError::Missing("RequestType")),
        };
        let properties = match object.get("ResourceProperties") {
            Some(p @ Value::Object(_)) => p.clone(),
            // Delete never reads properties, so it must not depend on them.
            None | Some(Value::Null) if kind == RequestType::Delete => Value::Object(Default::default()),
            None => return Err(RequestError::Missing("ResourceProperties")),
            Some(_) if kind == RequestType::Delete => Value::Object(Default::default()),
            Some(_) => return Err(RequestError::NotAnObjectField("ResourceProperties")),
        };
        let old_properties = match (kind, object.get("OldResourceProperties")) {
            (RequestType::Update, Some(p @ Value::Object(_))) => p.clone(),
            (RequestType::Update, None) => return Err(RequestError::Missing("OldResourceProperties")),
            (RequestType::Update, Some(_)) => return Err(RequestError::NotAnObjectField("OldResourceProperties")),
            _ => Value::Null,
        };
        let physical_resource_id = object.get("PhysicalResourceId").and_then(Value::as_str).map(str::to_owned);
        if kind != RequestType::Create && physical_resource_id.as_deref().is_none_or(str::is_empty) {
            return Err(RequestError::Missing("PhysicalResourceId"));
        }
        let service_timeout = match object.get("ServiceTimeout").or_else(|| properties.get("ServiceTimeout")) {
            None | Some(Value::Null) => None,
            Some(value) => Some(seconds(value).ok_or_else(|| RequestError::BadServiceTimeout(value.to_string()))?),
        };
        Ok(Self { kind, properties, old_properties, physical_resource_id, service_timeout })
    }
}

fn seconds(value: &Value) -> Option<Duration> {
    let n = match value {
        Value::Number(n) => n.as_u64()?,
        Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    Some(Duration::from_secs(n))
}

/// The requests inside a payload: the payload itself, or the message of every SNS record.
/// A record whose message is not JSON is kept as the error text, so the caller can log it.
pub fn unwrap_sns(payload: Value) -> Vec<Result<Value, String>> {
    let Some(records) = payload.get("Records").and_then(Value::as_array) else {
        return vec![Ok(payload)];
    };
    let is_sns = |r: &Value| r.get("Sns").is_some() || r.get("EventSource").and_then(Value::as_str) == Some("aws:sns");
    if records.is_empty() || !records.iter().all(is_sns) {
        return vec![Ok(payload)];
    }
    records
        .iter()
        .map(|record| {
            let message = record.pointer("/Sns/Message").and_then(Value::as_str).ok_or("SNS record without Message")?;
            serde_json::from_str(message).map_err(|e| format!("SNS message is not JSON: {e}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn create() -> Value {
        json!({
            "RequestType": "Create", "ResponseURL": "https://h/p?X-Amz-Signature=s", "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/s/guid",
            "RequestId": "r-1", "LogicalResourceId": "User", "ResourceType": "Custom::ConnectUser",
            "ResourceProperties": {"ServiceToken": "arn:aws:lambda:x", "Username": "john.doe"},
            "ServiceTimeout": "120", "SomethingNew": {"added": "later"}
        })
    }

    #[test]
    fn envelope_reads_ids_even_from_a_broken_request() {
        let envelope = Envelope::read(
            &json!({"ResponseURL": "https://h/p", "StackId": "s", "RequestId": "r", "LogicalResourceId": "L", "RequestType": 7}),
        );
        assert_eq!(envelope.response_url.as_deref(), Some("https://h/p"));
        assert_eq!(
            (envelope.stack_id.as_str(), envelope.request_id.as_str(), envelope.logical_resource_id.as_str()),
            ("s", "r", "L")
        );
        assert_eq!(Envelope::read(&json!("not an object")), Envelope::default());
    }

    #[test]
    fn create_parses_with_unknown_fields_and_string_service_timeout() {
        let Ok(request) = Request::parse(&create()) else { panic!("parses") };
        assert_eq!(request.kind, RequestType::Create);
        assert_eq!(request.service_timeout, Some(Duration::from_secs(120)));
        assert_eq!(request.properties["Username"], "john.doe");
    }

    #[test]
    fn each_broken_shape_has_its_own_error() {
        let mut unknown = create();
        unknown["RequestType"] = json!("Upsert");
        assert_eq!(Request::parse(&unknown), Err(RequestError::UnknownRequestType("Upsert".into())));
        let mut props = create();
        props["ResourceProperties"] = json!(["a"]);
        assert_eq!(Request::parse(&props), Err(RequestError::NotAnObjectField("ResourceProperties")));
        let mut update = create();
        update["RequestType"] = json!("Update");
        update["PhysicalResourceId"] = json!("arn");
        assert_eq!(Request::parse(&update), Err(RequestError::Missing("OldResourceProperties")));
        let mut no_id = create();
        no_id["RequestType"] = json!("Delete");
        assert_eq!(Request::parse(&no_id), Err(RequestError::Missing("PhysicalResourceId")));
        let mut timeout = create();
        timeout["ServiceTimeout"] = json!("soon");
        assert!(matches!(Request::parse(&timeout), Err(RequestError::BadServiceTimeout(_))));
        assert_eq!(Request::parse(&json!([])), Err(RequestError::NotAnObject));
    }

    #[test]
    fn delete_ignores_unusable_properties() {
        let mut delete = create();
        delete["RequestType"] = json!("Delete");
        delete["PhysicalResourceId"] = json!("arn");
        delete["ResourceProperties"] = json!("garbage");
        assert_eq!(Request::parse(&delete).map(|r| r.kind), Ok(RequestType::Delete));
    }

    #[test]
    fn sns_records_are_unwrapped_each() {
        let payload = json!({"Records": [
            {"EventSource": "aws:sns", "Sns": {"Message": create().to_string()}},
            {"EventSource": "aws:sns", "Sns": {"Message": "{not json"}}
        ]});
        let requests = unwrap_sns(payload);
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[0].as_ref().map(|r| r["RequestId"].clone()), Ok(json!("r-1")));
        assert!(requests[1].is_err());
        assert_eq!(unwrap_sns(create()), vec![Ok(create())]);
    }
}
