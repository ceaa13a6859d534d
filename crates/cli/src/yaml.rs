//! YAML out, readable the same by YAML 1.1 and YAML 1.2 parsers alike: CloudFormation's dialect is YAML 1.1, and so
//! is the AWS CLI's parser (`aws cloudformation package` and `deploy` rewrite templates with PyYAML), where a plain
//! `No`, `yes`, `on` is a boolean, `1_000` an integer, `1:20` the sexagesimal 80, `2001-12-14` a timestamp and `=` a
//! "value" key. So a string is written plain only when it is plainly a string in every reading — an ASCII letter
//! first, then letters, digits and a few punctuation marks, and none of the words 1.1 reads as booleans or null —
//! and double-quoted otherwise, with every character that a YAML stream may not hold, or that 1.1 reads as a line
//! break, escaped. Block style, two spaces a level; `{}` and `[]` for empty collections.

use serde_json::{Map, Value};

/// How keys are ordered among their siblings: by this rank.
pub type Rank = fn(&str) -> (usize, &str);

/// `value` as a YAML document, ending with a newline.
pub fn emit(value: &Value, rank: Rank) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => mapping(&mut out, map, 0, rank),
        Value::Array(items) if !items.is_empty() => sequence(&mut out, items, 0, rank),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn sorted(map: &Map<String, Value>, rank: Rank) -> Vec<(&String, &Value)> {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_by(|a, b| rank(a.0).cmp(&rank(b.0)));
    entries
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn mapping(out: &mut String, map: &Map<String, Value>, at: usize, rank: Rank) {
    for (key, value) in sorted(map, rank) {
        indent(out, at);
        entry(out, key, value, at, rank);
    }
}

/// `key: value`, the key already indented; nested collections below it.
fn entry(out: &mut String, key: &str, value: &Value, at: usize, rank: Rank) {
    out.push_str(&string(key));
    out.push(':');
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            mapping(out, map, at + 2, rank);
        }
        // A sequence under a key may stand at the key's own indentation.
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            sequence(out, items, at, rank);
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn sequence(out: &mut String, items: &[Value], at: usize, rank: Rank) {
    for item in items {
        indent(out, at);
        match item {
            Value::Object(map) if !map.is_empty() => {
                out.push_str("- ");
                for (n, (key, value)) in sorted(map, rank).into_iter().enumerate() {
                    if n > 0 {
                        indent(out, at + 2);
                    }
                    entry(out, key, value, at + 2, rank);
                }
            }
            Value::Array(inner) if !inner.is_empty() => {
                out.push_str("-\n");
                sequence(out, inner, at + 2, rank);
            }
            other => {
                out.push_str("- ");
                out.push_str(&scalar(other));
                out.push('\n');
            }
        }
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(_) => "[]".to_owned(),
        Value::Object(_) => "{}".to_owned(),
    }
}

/// The words YAML 1.1 reads as booleans (`y` and `n` included, which PyYAML leaves out and other 1.1 parsers do not)
/// and as null, compared case-insensitively.
const NOT_STRINGS: &[&str] = &["y", "yes", "n", "no", "true", "false", "on", "off", "null"];

/// Whether `s` may be written plain: it reads back as this very string in YAML 1.1 and 1.2, as a key and as a value.
pub fn plain(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else { return false };
    // A letter first rules out every number, date, time and indicator of both versions; the rest keeps to
    // characters that never start a comment (` #`), a mapping (`: `) or a flow collection.
    first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '@' | '+' | '-' | ':'))
        && !s.ends_with(':')
        && !NOT_STRINGS.iter().any(|word| word.eq_ignore_ascii_case(s))
}

/// `s` plain when [`plain`] allows, else double-quoted.
pub fn string(s: &str) -> String {
    if plain(s) { s.to_owned() } else { quoted(s) }
}

/// `s` double-quoted. Escaped: the quote and the backslash; control characters (C0, DEL, C1); the characters YAML 1.1
/// reads as line breaks (NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR); the byte-order mark; and the non-characters
/// U+FFFE and U+FFFF, which a YAML stream may not hold.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || (0x7f..=0x9f).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02X}", c as u32));
            }
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;
    use regex::Regex;
    use serde_json::json;

    use super::*;

    fn by_name(key: &str) -> (usize, &str) {
        (0, key)
    }

    /// PyYAML's implicit resolvers (YAML 1.1, `yaml/resolver.py`), with the `y`/`n` booleans of the YAML 1.1 type
    /// repository that PyYAML leaves out: the tags a plain scalar gets read as.
    fn yaml_1_1_type(plain: &str) -> Option<&'static str> {
        let resolvers = [
            ("bool", r"^(?:y|Y|n|N|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$"),
            (
                "float",
                r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
            ),
            (
                "int",
                r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$",
            ),
            ("merge", r"^(?:<<)$"),
            ("null", r"^(?:~|null|Null|NULL|)$"),
            (
                "timestamp",
                r"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$",
            ),
            ("value", r"^(?:=)$"),
        ];
        resolvers.into_iter().find(|(_, pattern)| Regex::new(pattern).unwrap().is_match(plain)).map(|(tag, _)| tag)
    }

    /// Values that YAML 1.1 reads as something else when written plain, or that no plain scalar can hold.
    const HOSTILE: &[&str] = &[
        "No",
        "no",
        "NO",
        "yes",
        "Yes",
        "on",
        "Off",
        "y",
        "n",
        "Y",
        "true",
        "False",
        "null",
        "Null",
        "~",
        "",
        "1_000",
        "1:20",
        "190:20:30",
        "2001-12-14",
        "2001-12-14t21:59:43.10-05:00",
        "0x1F",
        "0o17",
        "017",
        "0b101",
        "1e3",
        "1.5",
        ".5",
        ".inf",
        "-.inf",
        ".NaN",
        "=",
        "<<",
        ": ",
        ":",
        "a: b",
        "#",
        "a #b",
        "- x",
        "-",
        "-x",
        "?x",
        "@x",
        "`x",
        "!x",
        "&x",
        "*x",
        "|",
        ">",
        "%x",
        "'x",
        "\"x",
        "[x]",
        "{x}",
        "a,b",
        " x",
        "x ",
        "x\ny",
        "tab\there",
        "\u{85}",
        "\u{2028}",
        "\u{feff}x",
        "Zoë",
        "Ó Briain",
        "x:",
    ];

    #[test]
    fn every_hostile_value_is_quoted_and_every_plain_one_is_a_string_in_yaml_1_1() {
        for value in HOSTILE {
            assert!(!plain(value), "{value:?} would be written plain");
            assert!(string(value).starts_with('"'), "{value:?}");
        }
        for value in
            ["maria.garcia7", "jd@example.com", "arn:aws:connect:us-east-1:1:instance/i-1", "Custom::ConnectUser"]
        {
            assert!(plain(value), "{value:?}");
            assert_eq!(yaml_1_1_type(value), None, "{value:?}");
        }
    }

    #[test]
    fn quoting_escapes_what_a_stream_may_not_hold_or_reads_as_a_line_break() {
        assert_eq!(quoted("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(quoted("x\ny\tz\r"), r#""x\ny\tz\r""#);
        assert_eq!(quoted("\u{1}\u{7f}\u{85}"), r#""\x01\x7F\x85""#);
        assert_eq!(quoted("\u{2028}\u{2029}\u{feff}\u{ffff}"), r#""\u2028\u2029\uFEFF\uFFFF""#);
        assert_eq!(quoted("Zoë 😀"), "\"Zoë 😀\"");
    }

    #[test]
    fn a_template_reads_back_as_it_was() {
        let template = json!({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"U": {
            "Type": "Custom::ConnectUser", "Properties": {"Username": "no", "Level": 3.7, "AutoAccept": true,
            "Tags": [{"Key": "=", "Value": "1:20"}, {"Key": "yes", "Value": ""}], "Empty": {}, "None": [],
            "Nested": [["a", "b"], [], {"k": ["v"]}], "Null": null}}}});
        let text = emit(&template, by_name);
        let back: serde_json::Value = serde_norway::from_str(&text).unwrap();
        assert_eq!(back, template, "{text}");
        assert!(text.contains("AWSTemplateFormatVersion: \"2010-09-09\"\n"), "{text}");
        assert!(text.contains("Username: \"no\"\n"), "{text}");
        assert!(text.contains("- Key: \"=\"\n"), "{text}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn a_plain_string_is_a_string_in_yaml_1_1(s in "[A-Za-z0-9_.:/@+ #,=~<>!-]{0,12}") {
            if plain(&s) {
                prop_assert_eq!(yaml_1_1_type(&s), None, "{:?}", s);
            }
        }

        #[test]
        fn any_string_reads_back_as_itself_as_key_and_as_value(s in any::<String>()) {
            let value = json!({&s: [s.clone(), {&s: &s}]});
            let back: serde_json::Value = serde_norway::from_str(&emit(&value, by_name)).unwrap();
            prop_assert_eq!(back, value);
        }
    }
}
