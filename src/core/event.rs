//! The invocation payload, read in the order that keeps a response possible:
//! text → SNS records → raw request → envelope (ids and ResponseURL) → typed request.
//!
//! The runtime never deserializes a typed event: a payload that does not fit a struct must still be
//! answered FAILED, so everything here works on `serde_json::Value` and tolerates unknown fields. The text
//! itself is read field by field when a whole-document parse fails (nesting beyond serde_json's 128 levels,
//! a number out of range), so such a request still yields its envelope and is answered (docs/protocol.md §2).

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde_json::Value;
use serde_json::value::RawValue;

/// A payload read from its text: every top-level field that could be read, and those that could not.
#[derive(Clone, PartialEq, Default)]
pub struct Payload {
    /// The document, or, when it could not be read whole, an object of the top-level fields that could.
    pub value: Value,
    /// Top-level fields that could not be read, each with why (`ResourceProperties` nested too deeply).
    pub unreadable: Vec<(String, String)>,
}

impl Payload {
    /// A payload that is already a JSON value: nothing unreadable.
    pub fn from_value(value: Value) -> Self {
        Self { value, unreadable: Vec::new() }
    }

    /// Reads a payload's text. A document that does not parse whole is read field by field: skipping a value
    /// (which is how each field is first taken) knows no depth limit and does not convert numbers, so only the
    /// fields that really cannot be read are lost. Text that is not even a JSON object yields `Null`.
    pub fn read(text: &str) -> Self {
        let whole = match serde_json::from_str::<Value>(text) {
            Ok(value) => return Self::from_value(value),
            Err(e) => e,
        };
        let Ok(fields) = serde_json::from_str::<BTreeMap<String, Box<RawValue>>>(text) else {
            return Self { value: Value::Null, unreadable: vec![("payload".to_owned(), unreadable_reason(&whole))] };
        };
        let mut object = serde_json::Map::new();
        let mut unreadable = Vec::new();
        for (key, raw) in fields {
            match serde_json::from_str::<Value>(raw.get()) {
                Ok(value) => {
                    object.insert(key, value);
                }
                Err(e) => unreadable.push((key, unreadable_reason(&e))),
            }
        }
        Self { value: Value::Object(object), unreadable }
    }
}

/// Says why a value could not be read, in words for the stack events (never quoting the value).
fn unreadable_reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if text.contains("recursion limit") {
        "nested too deeply (more than 128 levels)".to_owned()
    } else if text.contains("number out of range") {
        "holds a number out of range".to_owned()
    } else {
        format!("is not valid JSON ({})", text.split(" at line").next().unwrap_or(&text))
    }
}

impl fmt::Debug for Payload {
    // The payload holds the presigned URL and the password: only its shape is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields: Vec<&str> =
            self.value.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
        f.debug_struct("Payload").field("fields", &fields).field("unreadable", &self.unreadable).finish()
    }
}

/// What a response needs, pulled out before anything else is interpreted.
#[derive(Clone, PartialEq, Eq, Default)]
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
#[derive(Clone, PartialEq)]
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
    /// The request passed the checks above but not CloudFormation's shape (a field of the wrong type, a
    /// missing `ResourceType`), as `aws_lambda_events` reads it.
    #[error("the request does not have CloudFormation's shape: {0}")]
    Shape(String),
    /// A field of the payload could not be read at all (see [`Payload::read`]).
    #[error("{field} could not be read: it {reason}")]
    Unreadable {
        /// The top-level field.
        field: String,
        /// Why, in words.
        reason: String,
    },
}

impl Request {
    /// Types a payload read from text: as [`Request::parse`], and a field that could not be read fails the
    /// request, except the properties of a Delete, which never reads them.
    pub fn from_payload(payload: &Payload) -> Result<Self, RequestError> {
        let request = Self::parse(&payload.value);
        let is_delete = matches!(&request, Ok(r) if r.kind == RequestType::Delete);
        let blocking = payload.unreadable.iter().find(|(field, _)| {
            !(is_delete && matches!(field.as_str(), "ResourceProperties" | "OldResourceProperties"))
        });
        match blocking {
            Some((field, reason)) => Err(RequestError::Unreadable { field: field.clone(), reason: reason.clone() }),
            None => request,
        }
    }

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
        match (kind, object.get("OldResourceProperties")) {
            (RequestType::Update, None) => return Err(RequestError::Missing("OldResourceProperties")),
            (RequestType::Update, Some(p)) if !p.is_object() => {
                return Err(RequestError::NotAnObjectField("OldResourceProperties"));
            }
            _ => {}
        }
        let physical_resource_id = object.get("PhysicalResourceId").and_then(Value::as_str).map(str::to_owned);
        if kind != RequestType::Create && physical_resource_id.as_deref().is_none_or(str::is_empty) {
            return Err(RequestError::Missing("PhysicalResourceId"));
        }
        let service_timeout = match object.get("ServiceTimeout").or_else(|| properties.get("ServiceTimeout")) {
            None | Some(Value::Null) => None,
            Some(value) => Some(seconds(value).ok_or_else(|| RequestError::BadServiceTimeout(value.to_string()))?),
        };
        // Everything a clear reason needs has been checked above; the request's shape is the ecosystem's own. A
        // Delete's unusable properties are replaced first: it never reads them.
        let mut shaped = object.clone();
        shaped.insert("ResourceProperties".to_owned(), properties);
        let (kind, properties, old_properties, physical_resource_id) = typed(Value::Object(shaped))?;
        Ok(Self { kind, properties, old_properties, physical_resource_id, service_timeout })
    }
}

/// What [`typed`] takes from a request: kind, properties, old properties, physical id.
type TypedParts = (RequestType, Value, Value, Option<String>);

/// The request read with `aws_lambda_events`' types: CloudFormation's own shape when it carries a ResponseURL
/// (CloudFormation's requests do, and so do those the CDK Provider framework passes on, URL included); the crate's
/// `provider` shape, which has no ResponseURL field, when it carries none (a direct invocation, answered in
/// provider mode). Their `Debug` shows the raw URL and properties, so they are taken apart here and never kept.
fn typed(shaped: Value) -> Result<TypedParts, RequestError> {
    use aws_lambda_events::cloudformation::{self as cfn, provider};
    let shape = |e: serde_json::Error| {
        RequestError::Shape(e.to_string().split(" at line").next().unwrap_or_default().to_owned())
    };
    if shaped.get("ResponseURL").is_some_and(Value::is_string) {
        return match serde_json::from_value(shaped).map_err(shape)? {
            cfn::CloudFormationCustomResourceRequest::Create(r) => {
                Ok((RequestType::Create, r.resource_properties, Value::Null, None))
            }
            cfn::CloudFormationCustomResourceRequest::Update(r) => Ok((
                RequestType::Update,
                r.resource_properties,
                r.old_resource_properties,
                Some(r.physical_resource_id),
            )),
            cfn::CloudFormationCustomResourceRequest::Delete(r) => {
                Ok((RequestType::Delete, r.resource_properties, Value::Null, Some(r.physical_resource_id)))
            }
            _ => Err(RequestError::Shape("a RequestType this handler does not know".to_owned())),
        };
    }
    match serde_json::from_value(shaped).map_err(shape)? {
        provider::CloudFormationCustomResourceRequest::Create(r) => {
            Ok((RequestType::Create, r.common.resource_properties, Value::Null, None))
        }
        provider::CloudFormationCustomResourceRequest::Update(r) => Ok((
            RequestType::Update,
            r.common.resource_properties,
            r.old_resource_properties,
            Some(r.physical_resource_id),
        )),
        provider::CloudFormationCustomResourceRequest::Delete(r) => {
            Ok((RequestType::Delete, r.common.resource_properties, Value::Null, Some(r.physical_resource_id)))
        }
        _ => Err(RequestError::Shape("a RequestType this handler does not know".to_owned())),
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

/// The requests inside a payload: the payload itself, or the message of every SNS record, each read from
/// its text like the payload. An SNS notification is read as `aws_lambda_events`' `SnsEvent`; one that lacks
/// part of that shape still has each record's `Sns.Message` read, so no request it carries goes unanswered. A
/// record without a message is kept as the error text, so the caller can log it.
pub fn unwrap_sns(payload: Payload) -> Vec<Result<Payload, String>> {
    let Some(records) = payload.value.get("Records").and_then(Value::as_array) else {
        return vec![Ok(payload)];
    };
    let is_sns = |r: &Value| r.get("Sns").is_some() || r.get("EventSource").and_then(Value::as_str) == Some("aws:sns");
    if records.is_empty() || !records.iter().all(is_sns) {
        return vec![Ok(payload)];
    }
    let messages: Vec<Option<String>> =
        match serde_json::from_value::<aws_lambda_events::sns::SnsEvent>(payload.value.clone()) {
            Ok(event) => event.records.into_iter().map(|r| Some(r.sns.message)).collect(),
            Err(_) => {
                records.iter().map(|r| r.pointer("/Sns/Message").and_then(Value::as_str).map(str::to_owned)).collect()
            }
        };
    messages
        .into_iter()
        .map(|message| {
            let request = Payload::read(&message.ok_or("SNS record without Message")?);
            if request.value.is_null() {
                return Err("SNS message is not a JSON object".to_owned());
            }
            Ok(request)
        })
        .collect()
}

impl fmt::Debug for Envelope {
    // The ResponseURL is a write credential: only its scheme and host are shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = self.response_url.as_deref().map(|u| u.split(['?', '#']).next().unwrap_or_default());
        f.debug_struct("Envelope")
            .field("response_url", &url.map(|u| format!("{u}?<redacted>")))
            .field("stack_id", &self.stack_id)
            .field("request_id", &self.request_id)
            .field("logical_resource_id", &self.logical_resource_id)
            .field("physical_resource_id", &self.physical_resource_id)
            .field("request_type", &self.request_type)
            .finish()
    }
}

impl fmt::Debug for Request {
    // The properties hold the password and personal data: only their names are shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names =
            |v: &Value| -> Vec<String> { v.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default() };
        f.debug_struct("Request")
            .field("kind", &self.kind)
            .field("properties", &names(&self.properties))
            .field("old_properties", &names(&self.old_properties))
            .field("physical_resource_id", &self.physical_resource_id)
            .field("service_timeout", &self.service_timeout)
            .finish()
    }
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
        let empty = Envelope::read(&json!({"ResponseURL": "", "PhysicalResourceId": "", "RequestId": "r"}));
        assert_eq!((empty.response_url, empty.physical_resource_id), (None, None), "empty counts as missing");
        let update = Envelope::read(&json!({"PhysicalResourceId": "arn:u", "RequestType": "Update"}));
        assert_eq!((update.physical_resource_id.as_deref(), update.request_type.as_str()), (Some("arn:u"), "Update"));
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
    fn an_update_needs_old_properties_that_are_an_object() {
        let mut update = create();
        update["RequestType"] = json!("Update");
        update["PhysicalResourceId"] = json!("arn");
        update["OldResourceProperties"] = json!({"Username": "jane.doe"});
        let Ok(request) = Request::parse(&update) else { panic!("parses") };
        assert_eq!((request.kind, request.physical_resource_id.as_deref()), (RequestType::Update, Some("arn")));
        assert_eq!(request.old_properties["Username"], "jane.doe");
        update["OldResourceProperties"] = json!("garbage");
        assert_eq!(Request::parse(&update), Err(RequestError::NotAnObjectField("OldResourceProperties")));
    }

    #[test]
    fn only_a_delete_may_lack_properties() {
        for absent in [None, Some(Value::Null)] {
            let mut request = create();
            let object = request.as_object_mut().unwrap_or_else(|| panic!("object"));
            match &absent {
                None => object.remove("ResourceProperties"),
                Some(null) => object.insert("ResourceProperties".to_owned(), null.clone()),
            };
            let expected = match absent {
                None => RequestError::Missing("ResourceProperties"),
                Some(_) => RequestError::NotAnObjectField("ResourceProperties"),
            };
            assert_eq!(Request::parse(&request), Err(expected));
            request["RequestType"] = json!("Delete");
            request["PhysicalResourceId"] = json!("arn");
            assert_eq!(Request::parse(&request).map(|r| r.properties), Ok(json!({})));
        }
    }

    #[test]
    fn a_request_without_a_response_url_is_read_in_the_provider_shape() {
        for (kind, expected) in
            [("Create", RequestType::Create), ("Update", RequestType::Update), ("Delete", RequestType::Delete)]
        {
            let mut request = create();
            let object = request.as_object_mut().unwrap_or_else(|| panic!("object"));
            object.remove("ResponseURL");
            request["RequestType"] = json!(kind);
            if kind != "Create" {
                request["PhysicalResourceId"] = json!("arn");
                request["OldResourceProperties"] = json!({});
            }
            let Ok(parsed) = Request::parse(&request) else { panic!("{kind} parses") };
            assert_eq!(parsed.kind, expected);
            assert_eq!(parsed.physical_resource_id.is_some(), kind != "Create", "{kind}");
        }
    }

    #[test]
    fn service_timeout_is_a_json_number_or_a_string_at_the_top_or_in_the_properties() {
        let timeout = |request: &Value| Request::parse(request).map(|r| r.service_timeout);
        let mut number = create();
        number["ServiceTimeout"] = json!(300);
        assert_eq!(timeout(&number), Ok(Some(Duration::from_secs(300))));
        let mut in_properties = create();
        let object = in_properties.as_object_mut().unwrap_or_else(|| panic!("object"));
        object.remove("ServiceTimeout");
        in_properties["ResourceProperties"]["ServiceTimeout"] = json!(" 45 ");
        assert_eq!(timeout(&in_properties), Ok(Some(Duration::from_secs(45))));
        in_properties["ResourceProperties"]["ServiceTimeout"] = Value::Null;
        assert_eq!(timeout(&in_properties), Ok(None));
        number["ServiceTimeout"] = json!(1.5);
        assert_eq!(timeout(&number), Err(RequestError::BadServiceTimeout("1.5".into())));
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
        let requests = unwrap_sns(Payload::from_value(payload));
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[0].as_ref().map(|r| r.value["RequestId"].clone()), Ok(json!("r-1")));
        assert!(requests[1].is_err());
        assert_eq!(unwrap_sns(Payload::from_value(create())), vec![Ok(Payload::from_value(create()))]);
    }

    #[test]
    fn a_record_is_sns_by_its_sns_field_or_its_event_source() {
        let message = create().to_string();
        let by_field = json!({"Records": [{"Sns": {"Message": message}}]});
        let requests = unwrap_sns(Payload::from_value(by_field));
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].as_ref().map(|r| r.value["RequestId"].clone()), Ok(json!("r-1")));
        let by_source = json!({"Records": [{"EventSource": "aws:sns"}]});
        assert_eq!(unwrap_sns(Payload::from_value(by_source)), vec![Err("SNS record without Message".to_owned())]);
    }

    #[test]
    fn records_that_are_not_all_sns_are_the_payload_itself() {
        for payload in [
            json!({"Records": []}),
            json!({"Records": [{"eventSource": "aws:s3", "s3": {}}]}),
            json!({"Records": [{"EventSource": "aws:sns", "Sns": {"Message": "{}"}}, {"eventSource": "aws:sqs"}]}),
        ] {
            assert_eq!(unwrap_sns(Payload::from_value(payload.clone())), vec![Ok(Payload::from_value(payload))]);
        }
    }

    fn nested(depth: usize) -> String {
        format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
    }

    #[test]
    fn a_payload_nested_too_deeply_keeps_its_envelope() {
        let text = create().to_string().replacen(r#""Username":"john.doe""#, &format!(r#""Deep":{}"#, nested(5000)), 1);
        let payload = Payload::read(&text);
        assert_eq!(Envelope::read(&payload.value).request_id, "r-1");
        assert_eq!(payload.unreadable.len(), 1);
        assert_eq!(payload.unreadable[0].0, "ResourceProperties");
        let err = Request::from_payload(&payload).map(|r| r.kind);
        assert_eq!(
            err.map_err(|e| e.to_string()),
            Err("ResourceProperties could not be read: it nested too deeply (more than 128 levels)".to_owned())
        );
    }

    #[test]
    fn a_delete_does_not_need_readable_properties() {
        let mut delete = create();
        delete["RequestType"] = json!("Delete");
        delete["PhysicalResourceId"] = json!("arn");
        let text = delete.to_string().replacen(r#""Username":"john.doe""#, r#""Level":1e400"#, 1);
        let payload = Payload::read(&text);
        assert_eq!(
            payload.unreadable,
            vec![("ResourceProperties".to_owned(), "holds a number out of range".to_owned())]
        );
        assert_eq!(Request::from_payload(&payload).map(|r| r.kind), Ok(RequestType::Delete));
    }

    #[test]
    fn duplicate_keys_and_garbage_are_read_or_reported() {
        let payload = Payload::read(r#"{"RequestId":"a","RequestId":"b","StackId":"s"}"#);
        assert_eq!(payload.value["RequestId"], "b", "the last duplicate wins, as in serde_json");
        assert!(payload.unreadable.is_empty());
        let garbage = Payload::read("{not json");
        assert_eq!(garbage.value, Value::Null);
        assert_eq!(garbage.unreadable.len(), 1);
        assert_eq!(Payload::read(&nested(100_000)).value, Value::Null, "deep text that is not an object");
    }

    #[test]
    fn debug_never_shows_the_url_query_or_the_properties() {
        let Ok(request) = Request::parse(&create()) else { panic!("parses") };
        let shown = format!("{:?} {:?} {:?}", Envelope::read(&create()), request, Payload::from_value(create()));
        assert!(!shown.contains("X-Amz-Signature") && !shown.contains("john.doe"), "{shown}");
        assert!(shown.contains("Username") && shown.contains("https://h/p?<redacted>"), "{shown}");
        let payload = format!("{:?}", Payload::read(&create().to_string()));
        assert!(payload.contains("ResponseURL") && payload.contains("ResourceProperties"), "{payload}");
        assert!(!payload.contains("X-Amz-Signature") && !payload.contains("john.doe"), "{payload}");
    }
}
