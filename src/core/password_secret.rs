//! `PasswordSecretArn` and `PasswordSecretJsonKey`: where a user's password lives in Secrets Manager, and the
//! pure step from what `GetSecretValue` answered to the password.
//!
//! The value is a [`Secret`] from the moment the adapter reads it; everything here that can fail says what is
//! wrong with the secret's *shape* (binary, not JSON, no such key, not a string, breaks the password rules) and
//! never quotes what it holds. The caller names the secret's ARN and key in the reason.

use std::fmt;

use serde_json::{Map, Value};

use super::arn::{ArnHead, is_region};
use super::scalar;
use super::secret::Secret;
use super::shape::password_problems;

/// `arn:<partition>:secretsmanager:<region>:<12-digit account>:secret:<name>`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SecretArn {
    arn: String,
    region: (usize, usize),
}

/// The value is not a Secrets Manager secret ARN; carries the value as given (an ARN is not secret).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected arn:<partition>:secretsmanager:<region>:<12-digit account>:secret:<name>, got {0:?}")]
pub struct NotASecretArn(pub String);

/// Secrets Manager's limit on a `SecretId`.
const MAX_ARN_CHARS: usize = 2048;
/// Secrets Manager's limit on a secret's name (the ARN adds six characters to it, which the name rule admits).
const MAX_NAME_CHARS: usize = 512 + 7;

fn is_name(s: &str) -> bool {
    (1..=MAX_NAME_CHARS).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'+' | b'=' | b'.' | b'@' | b'-'))
}

impl SecretArn {
    /// Parses a secret ARN, with or without the six characters Secrets Manager appends to the name (both are
    /// what `GetSecretValue` accepts; only the full one matches an IAM policy exactly).
    pub fn parse(value: &str) -> Result<Self, NotASecretArn> {
        let bad = || NotASecretArn(value.to_owned());
        if value.len() > MAX_ARN_CHARS {
            return Err(bad());
        }
        let head =
            ArnHead::split(value).filter(|h| h.service == "secretsmanager" && is_region(h.region)).ok_or_else(bad)?;
        let name = head.resource.strip_prefix("secret:").ok_or_else(bad)?;
        if !is_name(name) {
            return Err(bad());
        }
        let (partition, region) = (head.partition, head.region);
        let start = "arn:".len() + partition.len() + ":secretsmanager:".len();
        Ok(Self { arn: value.to_owned(), region: (start, start + region.len()) })
    }

    /// The whole ARN, as parsed: what `GetSecretValue` is asked for.
    pub fn as_str(&self) -> &str {
        &self.arn
    }

    /// The secret's region: a secret is read from its own region's endpoint.
    pub fn region(&self) -> &str {
        &self.arn[self.region.0..self.region.1]
    }
}

impl fmt::Display for SecretArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.arn)
    }
}

/// Where the template's password is: a secret, and the JSON key inside it when the secret is a JSON object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordSecret {
    /// `PasswordSecretArn`.
    pub arn: SecretArn,
    /// `PasswordSecretJsonKey`; `None`: the whole `SecretString` is the password.
    pub json_key: Option<String>,
}

/// Names the secret and the key, the way every failure reason does: `PasswordSecretArn arn:…` and, when set,
/// `PasswordSecretJsonKey "password"`.
impl fmt::Display for PasswordSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PasswordSecretArn {}", self.arn)?;
        if let Some(key) = &self.json_key {
            write!(f, " (PasswordSecretJsonKey {key:?})")?;
        }
        Ok(())
    }
}

/// What `GetSecretValue` answered for the current version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretValue {
    /// `SecretString`, held as a secret from the moment it was read.
    String(Secret),
    /// `SecretBinary`: the bytes are not kept, a password cannot be binary.
    Binary,
}

/// Why the secret's value is not a usable password. No variant carries or prints any part of the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordSecretError {
    /// The secret holds `SecretBinary`.
    #[error("the secret holds SecretBinary, not SecretString; store the password as a string")]
    Binary,
    /// `PasswordSecretJsonKey` is set, but the `SecretString` is not a JSON object.
    #[error("the secret's SecretString is not a JSON object, so it has no key {0:?}")]
    NotJson(String),
    /// The JSON object has no such key.
    #[error("the secret's JSON object has no key {0:?}")]
    MissingKey(String),
    /// The key's value is not a JSON string.
    #[error("the value of the key {key:?} in the secret's JSON object is {kind}, not a string")]
    NotAString {
        /// `PasswordSecretJsonKey`.
        key: String,
        /// What the value is instead (`a number`, `an object`…), never the value.
        kind: &'static str,
    },
    /// The password breaks Connect's password rules; the problems are described, never quoted.
    #[error(
        "the password in the secret must be 8 to 64 characters without whitespace, with a lower-case letter, an \
         upper-case letter and a digit ({0})"
    )]
    Rules(String),
}

/// The password in what `GetSecretValue` answered: the whole `SecretString`, or the string under `json_key` of
/// the JSON object it holds; checked against Connect's password rules.
pub fn password(value: SecretValue, json_key: Option<&str>) -> Result<Secret, PasswordSecretError> {
    let SecretValue::String(text) = value else { return Err(PasswordSecretError::Binary) };
    let password = match json_key {
        None => text,
        Some(key) => {
            let mut object: Map<String, Value> = serde_json::from_str(text.expose())
                // The parser's message can quote the text; only the fact is reported.
                .map_err(|_| PasswordSecretError::NotJson(key.to_owned()))?;
            match object.remove(key) {
                None => return Err(PasswordSecretError::MissingKey(key.to_owned())),
                Some(Value::String(s)) => Secret::new(s),
                Some(other) => {
                    return Err(PasswordSecretError::NotAString { key: key.to_owned(), kind: scalar::kind(&other) });
                }
            }
        }
    };
    let problems = password_problems(password.expose());
    if !problems.is_empty() {
        return Err(PasswordSecretError::Rules(problems.join(", ")));
    }
    Ok(password)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::core::props;

    const PASSWORD: &str = "S3cret-Value-x";

    fn string(s: &str) -> SecretValue {
        SecretValue::String(Secret::new(s))
    }

    #[test]
    fn the_limits_are_secrets_managers_own() {
        let arn_with = |region: &str, name: &str| format!("arn:aws:secretsmanager:{region}:123456789012:secret:{name}");
        // A name of 512 characters plus the six Secrets Manager appends and their hyphen: the longest it makes.
        let longest_name = "n".repeat(519);
        assert!(SecretArn::parse(&arn_with("us-east-1", &longest_name)).is_ok());
        assert!(SecretArn::parse(&arn_with("us-east-1", &format!("{longest_name}n"))).is_err());
        // A `SecretId` of 2048 characters is taken, one more is not (the region is what grows it here: ARNs
        // bound its length no more than Secrets Manager does).
        let fill = |total: usize| {
            let short = arn_with("r", "pw");
            arn_with(&format!("r{}", "1".repeat(total - short.len())), "pw")
        };
        assert_eq!(fill(2048).len(), 2048);
        assert!(SecretArn::parse(&fill(2048)).is_ok());
        assert!(SecretArn::parse(&fill(2049)).is_err());
    }

    #[test]
    fn parses_secret_arns_and_their_region() {
        for good in [
            "arn:aws:secretsmanager:eu-west-2:123456789012:secret:connect/agents/jane-AbC123",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:pw",
            "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:a_b+c=d.e@f-g",
            "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:x",
        ] {
            let arn = SecretArn::parse(good).unwrap_or_else(|e| panic!("{good}: {e}"));
            assert_eq!(arn.as_str(), good);
            assert_eq!(arn.to_string(), good);
        }
        let arn = SecretArn::parse("arn:aws:secretsmanager:eu-west-2:123456789012:secret:pw-AbC123").unwrap();
        assert_eq!(arn.region(), "eu-west-2");
        let gov = SecretArn::parse("arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:x").unwrap();
        assert_eq!(gov.region(), "us-gov-west-1");
    }

    #[test]
    fn rejects_what_is_not_a_secret_arn() {
        for bad in [
            "",
            "connect/agents/jane",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret",
            "arn:aws:secretsmanager:us-east-1:12345678901:secret:pw",
            "arn:aws:secretsmanager::123456789012:secret:pw",
            "arn:aws:secretsmanager:US-EAST-1:123456789012:secret:pw",
            "arn:aws:ssm:us-east-1:123456789012:parameter/pw",
            "arn:aws:secretsmanager:us-east-1:123456789012:rotation:pw",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:pw with space",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:pw:extra",
            "arn:gcp:secretsmanager:us-east-1:123456789012:secret:pw",
        ] {
            assert_eq!(SecretArn::parse(bad), Err(NotASecretArn(bad.to_owned())), "{bad}");
        }
        let long = format!("arn:aws:secretsmanager:us-east-1:123456789012:secret:{}", "a".repeat(600));
        assert!(SecretArn::parse(&long).is_err());
    }

    #[test]
    fn names_the_secret_and_the_key() {
        let arn = SecretArn::parse("arn:aws:secretsmanager:us-east-1:123456789012:secret:pw-AbC123").unwrap();
        let plain = PasswordSecret { arn: arn.clone(), json_key: None };
        assert_eq!(
            plain.to_string(),
            "PasswordSecretArn arn:aws:secretsmanager:us-east-1:123456789012:secret:pw-AbC123"
        );
        let keyed = PasswordSecret { arn, json_key: Some("password".into()) };
        assert!(keyed.to_string().ends_with(r#"pw-AbC123 (PasswordSecretJsonKey "password")"#));
    }

    #[test]
    fn the_whole_string_or_the_key_of_a_json_object() {
        assert_eq!(password(string(PASSWORD), None).map(|s| s.expose().to_owned()), Ok(PASSWORD.to_owned()));
        let json = format!(r#"{{"username":"jane","password":"{PASSWORD}"}}"#);
        assert_eq!(password(string(&json), Some("password")).map(|s| s.expose().to_owned()), Ok(PASSWORD.to_owned()));
    }

    #[test]
    fn every_failure_says_what_is_wrong_and_never_quotes_the_value() {
        let cases = [
            (SecretValue::Binary, None, PasswordSecretError::Binary),
            (string(PASSWORD), Some("password"), PasswordSecretError::NotJson("password".into())),
            (string(&format!(r#"["{PASSWORD}"]"#)), Some("password"), PasswordSecretError::NotJson("password".into())),
            (
                string(&format!(r#"{{"pw":"{PASSWORD}"}}"#)),
                Some("password"),
                PasswordSecretError::MissingKey("password".into()),
            ),
            (
                string(r#"{"password":12345678}"#),
                Some("password"),
                PasswordSecretError::NotAString { key: "password".into(), kind: "a number" },
            ),
            (string("short1A"), None, PasswordSecretError::Rules("it is too short".into())),
            (
                string(r#"{"password":"all lower case"}"#),
                Some("password"),
                PasswordSecretError::Rules(
                    "it contains whitespace, it has no upper-case letter, it has no digit".into(),
                ),
            ),
        ];
        for (value, key, expected) in cases {
            let error = password(value, key).expect_err("must fail");
            assert_eq!(error, expected);
            let text = format!("{error} {error:?}");
            for fragment in [PASSWORD, "12345678", "short1A", "all lower case"] {
                assert!(!text.contains(fragment), "{text}");
            }
        }
    }

    const INSTANCE: &str = "arn:aws:connect:us-east-1:123456789012:instance/a1b2c3d4-0000-4000-8000-000000000001";
    const SECRET: &str = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:connect/agents/jane-AbC123";

    fn template(extra: serde_json::Value) -> serde_json::Value {
        let mut props = serde_json::json!({
            "InstanceArn": INSTANCE,
            "Username": "jane.doe",
            "RoutingProfileArn": format!("{INSTANCE}/routing-profile/rp-1"),
            "SecurityProfileArns": [format!("{INSTANCE}/security-profile/sp-1")],
        });
        for (key, value) in extra.as_object().unwrap() {
            props[key] = value.clone();
        }
        props
    }

    fn problems(extra: serde_json::Value) -> Vec<String> {
        props::parse(&template(extra)).expect_err("invalid").0.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn the_properties_parse_into_the_spec() {
        let spec = props::parse(&template(serde_json::json!({"PasswordSecretArn": SECRET}))).unwrap();
        assert_eq!(
            spec.password_secret,
            Some(PasswordSecret { arn: SecretArn::parse(SECRET).unwrap(), json_key: None })
        );
        assert_eq!(spec.password, None);
        let spec =
            props::parse(&template(serde_json::json!({"PasswordSecretArn": SECRET, "PasswordSecretJsonKey": "pw"})))
                .unwrap();
        assert_eq!(spec.password_secret.map(|s| s.json_key), Some(Some("pw".to_owned())));
        assert!(
            props::PROPERTIES.contains(&"PasswordSecretArn") && props::PROPERTIES.contains(&"PasswordSecretJsonKey")
        );
    }

    #[test]
    fn password_and_secret_exclude_each_other() {
        let found = problems(serde_json::json!({"Password": "Welcome-2026-Agent", "PasswordSecretArn": SECRET}));
        assert_eq!(found, ["PasswordSecretArn: excludes Password: set Password or PasswordSecretArn, not both"]);
        // Even a Password that is itself invalid is named, and never quoted.
        let found = problems(serde_json::json!({"Password": "short", "PasswordSecretArn": SECRET}));
        assert!(found.iter().any(|p| p.starts_with("PasswordSecretArn: excludes Password")), "{found:?}");
        assert!(found.iter().all(|p| !p.contains("short\"")), "{found:?}");
    }

    #[test]
    fn the_key_needs_the_secret_and_the_secret_a_secret_arn() {
        assert_eq!(
            problems(serde_json::json!({"PasswordSecretJsonKey": "password"})),
            ["PasswordSecretJsonKey: applies only with PasswordSecretArn: set PasswordSecretArn, or remove it"]
        );
        let found = problems(serde_json::json!({"PasswordSecretArn": "connect/agents/jane"}));
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("PasswordSecretArn: expected a Secrets Manager secret ARN"), "{found:?}");
        assert!(found[0].ends_with(r#"got "connect/agents/jane""#), "{found:?}");
        let found = problems(serde_json::json!({"PasswordSecretArn": SECRET, "PasswordSecretJsonKey": ""}));
        assert_eq!(found, ["PasswordSecretJsonKey: must not be empty"]);
        let found = problems(serde_json::json!({"PasswordSecretArn": 42}));
        assert_eq!(found, ["PasswordSecretArn: expected a string, got 42"]);
    }

    #[test]
    fn a_json_key_is_looked_up_exactly() {
        let json = format!(r#"{{"Password":"{PASSWORD}"}}"#);
        assert_eq!(password(string(&json), Some("password")), Err(PasswordSecretError::MissingKey("password".into())));
    }
}
