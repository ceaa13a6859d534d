//! What CloudFormation and S3 check on each response PUT: the presigned URL, the headers and the JSON document.

use std::time::SystemTime;

use serde_json::Value;

use super::{Issued, MAX_BODY_BYTES, MAX_PHYSICAL_ID_BYTES};

pub(super) fn check_url(issued: &[Issued], target: &str, now: SystemTime) -> Vec<String> {
    match issued.iter().find(|i| i.path_and_query == target) {
        None => vec![
            "the URL is not one this receiver issued: its path or query was altered (S3: SignatureDoesNotMatch)"
                .to_owned(),
        ],
        Some(i) if now >= i.expires_at => vec![format!(
            "the presigned URL expired {} ms before this request (S3: Request has expired)",
            now.duration_since(i.expires_at).unwrap_or_default().as_millis()
        )],
        Some(_) => Vec::new(),
    }
}

pub(super) fn check_headers(headers: &[(String, String)]) -> Vec<String> {
    headers
        .iter()
        .filter(|(name, value)| name.eq_ignore_ascii_case("content-type") && !value.trim().is_empty())
        .map(|(_, value)| format!("Content-Type is {value:?}; it must be absent or empty (legacy SigV2 URLs sign it)"))
        .collect()
}

/// Checks the response document against what CloudFormation accepts; returns it parsed (`Null` if not JSON).
pub(super) fn check_document(body: &[u8], problems: &mut Vec<String>) -> Value {
    if body.len() > MAX_BODY_BYTES {
        problems.push(format!("body is {} bytes, over CloudFormation's {MAX_BODY_BYTES}", body.len()));
    }
    let document: Value = match serde_json::from_slice(body) {
        Ok(document) => document,
        Err(err) => {
            problems.push(format!("body is not valid JSON: {err}"));
            return Value::Null;
        }
    };
    let Some(object) = document.as_object() else {
        problems.push("body is not a JSON object".to_owned());
        return document;
    };

    let status = object.get("Status").and_then(Value::as_str);
    if !matches!(status, Some("SUCCESS" | "FAILED")) {
        problems.push(format!("Status is {}, expected \"SUCCESS\" or \"FAILED\"", shown(object.get("Status"))));
    }
    for key in ["StackId", "RequestId", "LogicalResourceId"] {
        if !object.get(key).is_some_and(Value::is_string) {
            problems.push(format!("{key} is {}, expected a string", shown(object.get(key))));
        }
    }
    match object.get("PhysicalResourceId") {
        Some(Value::String(id)) if id.is_empty() => problems.push("PhysicalResourceId is empty".to_owned()),
        Some(Value::String(id)) if id.len() > MAX_PHYSICAL_ID_BYTES => {
            problems.push(format!("PhysicalResourceId is {} bytes, over {MAX_PHYSICAL_ID_BYTES}", id.len()))
        }
        Some(Value::String(_)) => {}
        other => problems.push(format!("PhysicalResourceId is {}, expected a non-empty string", shown(other))),
    }
    match object.get("Reason") {
        Some(Value::String(reason)) if reason.is_empty() && status == Some("FAILED") => {
            problems.push("Reason is empty on FAILED".to_owned());
        }
        Some(Value::String(_)) => {}
        None | Some(Value::Null) if status == Some("FAILED") => {
            problems.push(format!("Reason is {} on FAILED, expected a non-empty string", shown(object.get("Reason"))));
        }
        None | Some(Value::Null) => {}
        other => problems.push(format!("Reason is {}, expected a string", shown(other))),
    }
    match object.get("Data") {
        None | Some(Value::Null) => {}
        Some(Value::Object(data)) => {
            if status != Some("SUCCESS") {
                problems.push("Data is sent on a response that is not SUCCESS".to_owned());
            }
            for (key, value) in data {
                if !value.is_string() {
                    problems.push(format!("Data.{key} is {value}, expected a string (Data must be flat)"));
                }
            }
        }
        other => problems.push(format!("Data is {}, expected an object of strings", shown(other))),
    }
    if let Some(no_echo) = object.get("NoEcho")
        && !no_echo.is_boolean()
    {
        problems.push(format!("NoEcho is {no_echo}, expected a boolean"));
    }
    document
}

fn shown(value: Option<&Value>) -> String {
    value.map_or_else(|| "missing".to_owned(), Value::to_string)
}
