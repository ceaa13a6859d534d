//! Pure checks of single values against the Connect API model (lengths, patterns, enums), written as plain code
//! because several model patterns use look-ahead or are broken as published. Each returns `Some(problem)` or `None`.

use std::collections::BTreeMap;

/// The most tags a resource can carry.
pub const MAX_TAGS: usize = 50;
/// The longest after-contact-work time limit Connect accepts, in seconds (24 days).
pub const MAX_ACW_SECONDS: i64 = 2_000_000;
/// The proficiency level range of `ProficiencyLevel`.
pub const LEVEL_RANGE: std::ops::RangeInclusive<f64> = 1.0..=5.0;

/// A problem list that checks append to.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<String>);

impl Problems {
    pub fn push(&mut self, problem: impl Into<String>) {
        self.0.push(problem.into());
    }

    pub fn check(&mut self, problem: Option<String>) {
        if let Some(problem) = problem {
            self.0.push(problem);
        }
    }

    pub fn into_result(self) -> Result<(), super::error::ApiError> {
        super::error::ApiError::from_problems(self.0)
    }
}

pub fn length(path: &str, value: &str, min: usize, max: usize) -> Option<String> {
    let len = value.chars().count();
    (len < min || len > max).then(|| format!("{path} must be {min} to {max} characters long, got {len}"))
}

/// `Password`, as the model intends: 8–64 non-whitespace characters with a lower-case letter, an upper-case letter
/// and a digit.
pub fn password(value: &str) -> Option<String> {
    let len = value.chars().count();
    let ok = (8..=64).contains(&len)
        && !value.chars().any(char::is_whitespace)
        && value.chars().any(|c| c.is_ascii_lowercase())
        && value.chars().any(|c| c.is_ascii_uppercase())
        && value.chars().any(|c| c.is_ascii_digit());
    // The value is secret: the message never repeats it.
    (!ok).then(|| {
        "Password must be 8 to 64 characters without whitespace, with at least one lower-case letter, one \
         upper-case letter and one digit"
            .to_owned()
    })
}

/// E.164: `+`, then 2–15 digits, the first not 0.
pub fn is_e164(value: &str) -> bool {
    let Some(digits) = value.strip_prefix('+') else { return false };
    (2..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0')
}

pub fn phone_number(path: &str, value: &str) -> Option<String> {
    (!is_e164(value)).then(|| format!("{path} must be an E.164 phone number (+ then 2 to 15 digits), got {value:?}"))
}

/// The model's e-mail pattern: `[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,63}`, at most 265 characters.
pub fn is_email(value: &str) -> bool {
    if value.len() > 265 {
        return false;
    }
    let Some((local, domain)) = value.split_once('@') else { return false };
    let local_ok = !local.is_empty() && local.chars().all(|c| c.is_ascii_alphanumeric() || "._%+-".contains(c));
    let Some((host, tld)) = domain.rsplit_once('.') else { return false };
    let host_ok = !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-".contains(c));
    let tld_ok = (2..=63).contains(&tld.len()) && tld.chars().all(|c| c.is_ascii_alphabetic());
    local_ok && host_ok && tld_ok
}

pub fn email(path: &str, value: &str) -> Option<String> {
    (!is_email(value)).then(|| format!("{path} must be an e-mail address of at most 265 characters, got {value:?}"))
}

/// Usernames: 1–100 characters of `[a-zA-Z0-9_.@-]`.
pub fn username(value: &str) -> Option<String> {
    if let Some(problem) = length("Username", value, 1, 100) {
        return Some(problem);
    }
    (!value.chars().all(|c| c.is_ascii_alphanumeric() || "_.@-".contains(c)))
        .then(|| format!("Username may contain only letters, digits and _.@-, got {value:?}"))
}

/// `^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`, 1–128 characters.
pub fn tag_key(value: &str) -> Option<String> {
    if let Some(problem) = length("tag key", value, 1, 128) {
        return Some(problem);
    }
    if value.starts_with("aws:") {
        return Some(format!("tag key {value:?} must not start with aws:"));
    }
    let allowed = |c: char| {
        c.is_alphabetic() || c.is_numeric() || (c.is_whitespace() && !c.is_control()) || "_.:/=+-@".contains(c)
    };
    (!value.chars().all(allowed)).then(|| format!("tag key {value:?} contains characters that are not allowed"))
}

pub fn tag_value(key: &str, value: &str) -> Option<String> {
    (value.chars().count() > 256).then(|| format!("the value of tag {key:?} must be at most 256 characters"))
}

/// A `TagMap`: 1–50 entries, each key and value valid.
pub fn tags(tags: &BTreeMap<String, String>, problems: &mut Problems) {
    if tags.is_empty() || tags.len() > MAX_TAGS {
        problems.push(format!("Tags must hold 1 to {MAX_TAGS} tags, got {}", tags.len()));
    }
    for (key, value) in tags {
        problems.check(tag_key(key));
        problems.check(tag_value(key, value));
    }
}

pub fn acw_seconds(path: &str, value: i64) -> Option<String> {
    (!(0..=MAX_ACW_SECONDS).contains(&value))
        .then(|| format!("{path} must be between 0 and {MAX_ACW_SECONDS} seconds, got {value}"))
}

pub fn level(path: &str, value: f64) -> Option<String> {
    (!LEVEL_RANGE.contains(&value)).then(|| format!("{path} must be between 1.0 and 5.0, got {value}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords() {
        assert!(password("Passw0rd").is_none());
        assert!(password("Pa$$w0rd!").is_none());
        assert!(password("password1").is_some());
        assert!(password("PASSWORD1").is_some());
        assert!(password("Password").is_some());
        assert!(password("Pa1").is_some());
        assert!(password("Pass w0rd").is_some());
        assert!(password(&format!("Aa1{}", "x".repeat(62))).is_some());
    }

    #[test]
    fn phone_numbers() {
        assert!(is_e164("+12065550100"));
        assert!(is_e164("+44"));
        assert!(!is_e164("+4"));
        assert!(!is_e164("+0123"));
        assert!(!is_e164("12065550100"));
        assert!(!is_e164("+1234567890123456"));
        assert!(!is_e164("+1-206"));
    }

    #[test]
    fn emails() {
        assert!(is_email("jane.doe+x@example.co.uk"));
        assert!(!is_email("jane@example"));
        assert!(!is_email("@example.com"));
        assert!(!is_email("jane@example.c0m"));
    }

    #[test]
    fn tag_keys() {
        assert!(tag_key("team:owner/cost-center=1 a@b").is_none());
        assert!(tag_key("Équipe").is_none());
        assert!(tag_key("aws:cloudformation").is_some());
        assert!(tag_key("").is_some());
        assert!(tag_key("a*b").is_some());
        assert!(tag_key(&"k".repeat(129)).is_some());
    }
}
