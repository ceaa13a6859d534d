//! CloudFormation's stringified scalars read back as typed values, and how an offending value is quoted.
//!
//! CloudFormation sends every scalar as a string (`true` → `"true"`, `120` → `"120"`); a direct invocation
//! may send JSON values. Booleans and numbers accept both. String properties accept JSON strings only: no
//! CloudFormation request carries anything else there, so a number is a mistake worth reporting.
//!
//! A leaf below `props` and `password_secret`, which both read JSON values this way.

use serde_json::Value;

/// How many characters of an offending value a message echoes.
pub(crate) const ECHO_CHARS: usize = 60;

/// ARNs are read from their end (the id), so they are echoed longer than other values.
pub(crate) const ARN_ECHO_CHARS: usize = 200;

/// `value` as a message shows it: strings quoted and clipped, containers named, never the whole input.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => quote(s, ECHO_CHARS),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// What kind of JSON value `value` is, without its content: for personal data, which no message may quote.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// `s` in `{:?}` quotes, cut after `max` characters (the cut marked with `…`).
pub(crate) fn quote(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => format!("{s:?}"),
        Some((at, _)) => format!("{:?}…", &s[..at]),
    }
}

/// `true`/`false` as JSON or as a string, in any letter case.
pub(crate) fn boolean(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// A JSON integer or a string of one (`"120"`); fractions and exponents are not integers.
pub(crate) fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// A finite JSON number or a string of one (`"2.5"`).
pub(crate) fn number(value: &Value) -> Option<f64> {
    let n = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse::<f64>().ok(),
        _ => None,
    }?;
    n.is_finite().then_some(n)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn booleans_accept_json_and_strings() {
        for (input, expected) in [
            (json!(true), Some(true)),
            (json!("false"), Some(false)),
            (json!("TRUE"), Some(true)),
            (json!("yes"), None),
            (json!(1), None),
            (json!(null), None),
        ] {
            assert_eq!(boolean(&input), expected, "{input}");
        }
    }

    #[test]
    fn integers_accept_json_and_strings() {
        for (input, expected) in [
            (json!(120), Some(120)),
            (json!("120"), Some(120)),
            (json!("-3"), Some(-3)),
            (json!("12.5"), None),
            (json!(12.5), None),
            (json!("1e3"), None),
            (json!(" 1"), None),
            (json!(true), None),
        ] {
            assert_eq!(integer(&input), expected, "{input}");
        }
    }

    #[test]
    fn numbers_accept_json_and_strings_but_not_infinities() {
        for (input, expected) in [
            (json!(2.5), Some(2.5)),
            (json!("2.5"), Some(2.5)),
            (json!(3), Some(3.0)),
            (json!("inf"), None),
            (json!("NaN"), None),
            (json!("two"), None),
            (json!([1]), None),
        ] {
            assert_eq!(number(&input), expected, "{input}");
        }
    }

    #[test]
    fn quoting_clips_long_values_at_a_character_boundary() {
        assert_eq!(quote("abc", 5), "\"abc\"");
        assert_eq!(quote("ééééééé", 3), "\"ééé\"…");
        assert_eq!(describe(&json!("x".repeat(100))).chars().count(), ECHO_CHARS + 3);
        assert_eq!(describe(&json!({"a": 1})), "an object");
        assert_eq!(describe(&json!([1])), "a list");
        assert_eq!(describe(&json!(7)), "7");
    }
}
