//! The response document CloudFormation reads, and the rules it must obey:
//! verbatim ids, a non-empty Reason on FAILED, a physical id of 1–1024 bytes, flat string `Data` on
//! SUCCESS only, and a body of at most 4096 bytes (the Reason is shortened to fit).

use std::collections::BTreeMap;

use serde::Serialize;

use super::event::Envelope;
use super::physical_id::failed_create_marker;

/// CloudFormation's limit on the whole response body.
pub const MAX_BODY_BYTES: usize = 4096;
/// CloudFormation's limit on a PhysicalResourceId.
pub const MAX_PHYSICAL_ID_BYTES: usize = 1024;
/// In provider mode the CDK framework wraps the reason with a log-group line of its own.
pub const MAX_PROVIDER_REASON_BYTES: usize = 3072;
const CUT_MARK: &str = " […]";

/// How a request ended, before it is dressed as a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The user's ARN (or the id CloudFormation sent, for a Delete), and the `Fn::GetAtt` values.
    Success {
        /// The `PhysicalResourceId` to answer with.
        physical_id: String,
        /// The `Data` attributes, readable with `Fn::GetAtt`.
        data: BTreeMap<String, String>,
    },
    /// The id to keep or to answer with, and what went wrong, as the stack events will show it.
    Failed {
        /// The `PhysicalResourceId` to answer with; empty makes the body use the failed-Create marker.
        physical_id: String,
        /// The `Reason`, shortened to fit the body when needed.
        reason: String,
    },
}

impl Outcome {
    /// True for `Success`.
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Success { .. })
    }

    /// The physical id of either variant.
    pub fn physical_id(&self) -> &str {
        match self {
            Self::Success { physical_id, .. } | Self::Failed { physical_id, .. } => physical_id,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Document<'a> {
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    physical_resource_id: &'a str,
    stack_id: &'a str,
    request_id: &'a str,
    logical_resource_id: &'a str,
    /// Always false: `Data` holds no secret.
    no_echo: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a BTreeMap<String, String>>,
}

/// The serialized body, guaranteed to be at most [`MAX_BODY_BYTES`].
pub fn body(envelope: &Envelope, outcome: &Outcome) -> Vec<u8> {
    let (status, reason, physical_id, data) = match outcome {
        Outcome::Success { physical_id, data } => ("SUCCESS", None, physical_id.as_str(), Some(data)),
        Outcome::Failed { physical_id, reason } => ("FAILED", Some(reason.as_str()), physical_id.as_str(), None),
    };
    let marker = failed_create_marker(envelope);
    let physical_id = if physical_id.is_empty() { marker.as_str() } else { cut(physical_id, MAX_PHYSICAL_ID_BYTES) };
    let reason = reason.map(|r| if r.trim().is_empty() { "request failed (no reason given)" } else { r });
    let render = |reason: Option<&str>, data: Option<&BTreeMap<String, String>>, cap: usize| {
        serde_json::to_vec(&Document {
            status,
            reason,
            physical_resource_id: cut(physical_id, cap),
            stack_id: cut(&envelope.stack_id, cap),
            request_id: cut(&envelope.request_id, cap / 4),
            logical_resource_id: cut(&envelope.logical_resource_id, cap / 2),
            no_echo: false,
            data,
        })
        .unwrap_or_default()
    };
    // The copied ids are sent whole (`usize::MAX`): CloudFormation matches the response to its request by them.
    let full = render(reason, data, usize::MAX);
    if full.len() <= MAX_BODY_BYTES {
        return full;
    }
    if let Some(reason) = reason {
        // Escaping makes the cost of a reason byte vary, so search for the longest head that fits. Each reason
        // byte costs at least one body byte, so no head of MAX_BODY_BYTES fits: the search never renders more.
        let (mut fits, mut too_long) = (0, reason.len().min(MAX_BODY_BYTES));
        let shortened = |keep: usize| format!("{}{CUT_MARK}", cut(reason, keep));
        while too_long - fits > 1 {
            let mid = (fits + too_long) / 2;
            if render(Some(&shortened(mid)), data, usize::MAX).len() <= MAX_BODY_BYTES {
                fits = mid;
            } else {
                too_long = mid;
            }
        }
        let body = render(Some(&shortened(fits)), data, usize::MAX);
        if body.len() <= MAX_BODY_BYTES {
            return body;
        }
    }
    // Only ids or Data beyond any real-world size get here: drop Data and cap every copied field, above the size of
    // any real one (StackId and PhysicalResourceId 512 bytes, LogicalResourceId 256, RequestId 128). JSON escapes a
    // control character as six bytes, so ids made of them may still not fit: a quarter of those caps always does.
    let reason = reason.map(|_| "request failed; the reason was too long to send");
    let capped = render(reason, None, 512);
    if capped.len() <= MAX_BODY_BYTES { capped } else { render(reason, None, 128) }
}

/// `text` cut to at most `max` bytes at a character boundary.
pub fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The reason as the CDK Provider framework will receive it: under [`MAX_PROVIDER_REASON_BYTES`].
pub fn provider_reason(reason: &str) -> String {
    if reason.len() <= MAX_PROVIDER_REASON_BYTES {
        return reason.to_owned();
    }
    format!("{}{CUT_MARK}", cut(reason, MAX_PROVIDER_REASON_BYTES - CUT_MARK.len()))
}

/// The document a provider-mode invocation returns to the CDK framework: `aws_lambda_events`' type of the
/// Provider framework's `onEvent` answer. (A failure is not returned but raised, with [`provider_reason`].)
pub fn provider_result(outcome: &Outcome) -> serde_json::Value {
    let mut result = aws_lambda_events::cloudformation::provider::CloudFormationCustomResourceResponse::<
        BTreeMap<String, String>,
    >::default();
    result.physical_resource_id = Some(outcome.physical_id().to_owned());
    if let Outcome::Success { data, .. } = outcome {
        result.data = data.clone();
    }
    serde_json::to_value(result).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn envelope() -> Envelope {
        Envelope {
            response_url: None,
            stack_id: "arn:aws:cloudformation:us-east-1:123456789012:stack/s/guid".into(),
            request_id: "r-1".into(),
            logical_resource_id: "User".into(),
            physical_resource_id: None,
            request_type: "Create".into(),
        }
    }

    fn parsed(body: &[u8]) -> Value {
        serde_json::from_slice(body).unwrap_or(Value::Null)
    }

    #[test]
    fn success_copies_ids_and_flat_data() {
        let data = BTreeMap::from([("UserArn".to_owned(), "arn:u".to_owned())]);
        let doc = parsed(&body(&envelope(), &Outcome::Success { physical_id: "arn:u".into(), data }));
        assert_eq!(doc["Status"], "SUCCESS");
        assert_eq!(doc["StackId"], envelope().stack_id);
        assert_eq!(doc["RequestId"], "r-1");
        assert_eq!(doc["LogicalResourceId"], "User");
        assert_eq!(doc["PhysicalResourceId"], "arn:u");
        assert_eq!(doc["Data"]["UserArn"], "arn:u");
        assert!(doc.get("Reason").is_none());
    }

    #[test]
    fn failed_has_a_reason_no_data_and_never_an_empty_id() {
        let doc = parsed(&body(&envelope(), &Outcome::Failed { physical_id: String::new(), reason: " ".into() }));
        assert_eq!(doc["Status"], "FAILED");
        assert_eq!(doc["PhysicalResourceId"], "User-create-failed-r-1");
        assert!(doc["Reason"].as_str().is_some_and(|r| !r.trim().is_empty()));
        assert!(doc.get("Data").is_none());
    }

    #[test]
    fn a_20_kb_multibyte_reason_is_cut_to_fit_at_a_char_boundary() {
        let reason = "é→😀\"\\\n".repeat(20 * 1024 / 12);
        let bytes = body(&envelope(), &Outcome::Failed { physical_id: "p".into(), reason: reason.clone() });
        assert!(bytes.len() <= MAX_BODY_BYTES, "{}", bytes.len());
        let doc = parsed(&bytes);
        let sent = doc["Reason"].as_str().unwrap_or_default();
        assert!(sent.ends_with(CUT_MARK), "{sent}");
        assert!(reason.starts_with(sent.trim_end_matches(CUT_MARK)));
        assert!(bytes.len() > MAX_BODY_BYTES - 200, "cut far more than needed: {}", bytes.len());
    }

    #[test]
    fn an_outcome_says_whether_it_succeeded_and_which_id_it_answers_with() {
        let success = Outcome::Success { physical_id: "arn:u".into(), data: BTreeMap::new() };
        let failed = Outcome::Failed { physical_id: "arn:v".into(), reason: "r".into() };
        assert!(success.is_success());
        assert!(!failed.is_success());
        assert_eq!((success.physical_id(), failed.physical_id()), ("arn:u", "arn:v"));
    }

    /// The longest ids CloudFormation sends: a 128-character stack name, a UUID, a 255-character logical id.
    fn longest_real_envelope() -> Envelope {
        Envelope {
            stack_id: format!(
                "arn:aws-us-gov:cloudformation:us-gov-west-1:123456789012:stack/{}/6e0a3f10-cd7a-11ef-8a4b-0e1b2c3d4e5f",
                "S".repeat(128)
            ),
            request_id: "0f1e2d3c-4b5a-4697-8877-665544332211".into(),
            logical_resource_id: "L".repeat(255),
            ..envelope()
        }
    }

    fn assert_ids_copied(doc: &Value, envelope: &Envelope) {
        assert_eq!(doc["StackId"], envelope.stack_id);
        assert_eq!(doc["RequestId"], envelope.request_id);
        assert_eq!(doc["LogicalResourceId"], envelope.logical_resource_id);
    }

    #[test]
    fn real_ids_are_copied_whole_whatever_else_is_cut() {
        let e = longest_real_envelope();
        let user = "arn:aws-us-gov:connect:us-gov-west-1:123456789012:instance/a1b2c3d4-0000-4000-8000-000000000001\
                    /agent/0f1e2d3c-4b5a-4697-8877-665544332211";
        let long_reason = Outcome::Failed { physical_id: user.into(), reason: "r".repeat(20_000) };
        let bytes = body(&e, &long_reason);
        assert!(bytes.len() <= MAX_BODY_BYTES, "{}", bytes.len());
        let doc = parsed(&bytes);
        assert!(doc["Reason"].as_str().is_some_and(|r| r.ends_with(CUT_MARK)), "{doc}");
        assert_ids_copied(&doc, &e);
        assert_eq!(doc["PhysicalResourceId"], user);

        // Data of absurd size is dropped, the ids are kept.
        let data = BTreeMap::from([("Huge".to_owned(), "d".repeat(10_000))]);
        let bytes = body(&e, &Outcome::Success { physical_id: user.into(), data });
        assert!(bytes.len() <= MAX_BODY_BYTES, "{}", bytes.len());
        let doc = parsed(&bytes);
        assert_eq!((&doc["Status"], doc.get("Data")), (&Value::from("SUCCESS"), None));
        assert_ids_copied(&doc, &e);
        assert_eq!(doc["PhysicalResourceId"], user);
    }

    #[test]
    fn ids_of_any_length_are_copied_whole_while_the_body_has_room() {
        let mut e = envelope();
        e.request_id = "r".repeat(2000);
        e.logical_resource_id = "l".repeat(1500);
        let doc = parsed(&body(&e, &Outcome::Failed { physical_id: "p".into(), reason: "no".into() }));
        assert_ids_copied(&doc, &e);
        assert_eq!(doc["Reason"], "no");
    }

    #[test]
    fn oversized_ids_are_capped_to_fit() {
        let mut e = envelope();
        e.stack_id = "s".repeat(5000);
        e.request_id = "q".repeat(5000);
        e.logical_resource_id = "l".repeat(5000);
        let bytes = body(&e, &Outcome::Failed { physical_id: "p".repeat(5000), reason: "r".repeat(5000) });
        assert!(bytes.len() <= MAX_BODY_BYTES);
        let doc = parsed(&bytes);
        assert_eq!(doc["Status"], "FAILED");
        assert_eq!(doc["Reason"], "request failed; the reason was too long to send");
        // Each id keeps its head, up to a cap above the size of any real one.
        let kept = |field: &str| doc[field].as_str().map(str::len);
        assert_eq!(kept("StackId"), Some(512));
        assert_eq!(kept("PhysicalResourceId"), Some(512));
        assert_eq!(kept("LogicalResourceId"), Some(256));
        assert_eq!(kept("RequestId"), Some(128));
    }

    #[test]
    fn ids_that_escape_to_six_bytes_a_character_still_fit() {
        let mut e = envelope();
        e.stack_id = "\u{1}".repeat(5000);
        e.request_id = "\u{1}".repeat(5000);
        e.logical_resource_id = "\u{1}".repeat(5000);
        let bytes = body(&e, &Outcome::Failed { physical_id: "\u{1}".repeat(5000), reason: "r".repeat(5000) });
        assert!(bytes.len() <= MAX_BODY_BYTES, "{}", bytes.len());
        let doc = parsed(&bytes);
        assert_eq!(doc["Status"], "FAILED");
        assert!(doc["PhysicalResourceId"].as_str().is_some_and(|p| !p.is_empty()), "{doc}");
    }

    #[test]
    fn cut_keeps_whole_characters_only() {
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(cut("abcd", 3), "abc");
        // `é` is two bytes and `😀` four: a cut inside one steps back before it, never past it.
        assert_eq!(cut("aé", 2), "a");
        assert_eq!(cut("a😀b", 4), "a");
        assert_eq!(cut("😀", 3), "");
    }

    #[test]
    fn the_provider_result_carries_the_id_and_data() {
        let data = BTreeMap::from([("UserArn".to_owned(), "arn:u".to_owned())]);
        assert_eq!(
            provider_result(&Outcome::Success { physical_id: "arn:u".into(), data }),
            serde_json::json!({"PhysicalResourceId": "arn:u", "Data": {"UserArn": "arn:u"}, "NoEcho": false})
        );
    }

    #[test]
    fn provider_reason_stays_under_3_kb() {
        assert!(provider_reason(&"ü".repeat(4000)).len() <= MAX_PROVIDER_REASON_BYTES);
        assert_eq!(provider_reason("short"), "short");
    }
}
