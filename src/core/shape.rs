//! The string shapes of the properties (username, password, e-mail, E.164 number, tag key), in plain code.
//!
//! The schema writes some of them with look-ahead patterns the `regex` crate cannot run, and the Connect
//! API model's own copies of two are broken as published; these implement the intent.
//!
//! A leaf below `props` and `password_secret`: the password rules apply to `Password` and to the value read
//! from `PasswordSecretArn` alike.

/// 1–64 characters of `[a-zA-Z0-9_.@-]` (length checked by the caller).
pub(crate) fn is_username(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'@' | b'-'))
}

/// What a password lacks: empty when it is 8–64 characters without whitespace and has a lower-case letter,
/// an upper-case letter and a digit. The phrases never quote the password or give its length.
pub(crate) fn password_problems(s: &str) -> Vec<&'static str> {
    let mut problems = Vec::new();
    let len = s.chars().count();
    if len < 8 {
        problems.push("it is too short");
    } else if len > 64 {
        problems.push("it is too long");
    }
    if s.chars().any(char::is_whitespace) {
        problems.push("it contains whitespace");
    }
    if !s.bytes().any(|b| b.is_ascii_lowercase()) {
        problems.push("it has no lower-case letter");
    }
    if !s.bytes().any(|b| b.is_ascii_uppercase()) {
        problems.push("it has no upper-case letter");
    }
    if !s.bytes().any(|b| b.is_ascii_digit()) {
        problems.push("it has no digit");
    }
    problems
}

/// `local@domain.tld`: local part `[a-zA-Z0-9._%+-]+`, domain `[a-zA-Z0-9.-]+`, TLD `[a-zA-Z]{2,63}`.
pub(crate) fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    // The TLD has no dot, so the last dot is the only place the domain can split.
    let Some((host, tld)) = domain.rsplit_once('.') else { return false };
    !local.is_empty()
        && local.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-'))
        && !host.is_empty()
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
        && (2..=63).contains(&tld.len())
        && tld.bytes().all(|b| b.is_ascii_alphabetic())
}

/// E.164: `+`, then 2–15 digits, the first not 0.
pub(crate) fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else { return false };
    (2..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0')
}

/// Connect's tag key alphabet, `[\p{L}\p{Z}\p{N}_.:/=+\-@]` (length and `aws:` checked by the caller).
pub(crate) fn is_tag_key_char(c: char) -> bool {
    // `is_whitespace` minus the control characters approximates `\p{Z}` (tab and newline are `Cc`, not `Z`).
    c.is_alphanumeric()
        || (c.is_whitespace() && !c.is_control())
        || matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(is_username("john.doe@example.com_x-1"));
        assert!(!is_username("john doe"));
        assert!(!is_username("jöhn"));
    }

    #[test]
    fn passwords() {
        assert!(password_problems("Passw0rd").is_empty());
        assert!(password_problems("Pa$$w0rd!~é").is_empty());
        assert_eq!(password_problems("Pa0"), ["it is too short"]);
        assert_eq!(password_problems(&format!("Pa0{}", "x".repeat(62))), ["it is too long"]);
        assert_eq!(password_problems("Pass w0rd"), ["it contains whitespace"]);
        assert_eq!(password_problems("password1"), ["it has no upper-case letter"]);
        assert_eq!(password_problems("PASSWORD1"), ["it has no lower-case letter"]);
        assert_eq!(password_problems("Password"), ["it has no digit"]);
    }

    #[test]
    fn emails() {
        for good in ["john.doe@example.com", "a+b%c_d-e@sub.example-1.co", "x@y.museum"] {
            assert!(is_email(good), "{good}");
        }
        for bad in [
            "",
            "john",
            "@example.com",
            "john@",
            "john@example",
            "john@example.c",
            "john@.com",
            "john@example.c0m",
            "jo hn@example.com",
            "john@exa@mple.com",
            "jöhn@example.com",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn e164_numbers() {
        for good in ["+12", "+14155550123", "+123456789012345"] {
            assert!(is_e164(good), "{good}");
        }
        for bad in ["", "+", "+1", "14155550123", "+04155550123", "+1234567890123456", "+1 415", "+1-415"] {
            assert!(!is_e164(bad), "{bad}");
        }
    }

    #[test]
    fn tag_key_characters() {
        assert!("Cost Center_1.a:b/c=d+e-f@g".chars().all(is_tag_key_char));
        assert!("Kostenstelle-ü-日本".chars().all(is_tag_key_char));
        assert!(!is_tag_key_char('*'));
        assert!(!is_tag_key_char('\t'));
        assert!(!is_tag_key_char('#'));
    }
}
