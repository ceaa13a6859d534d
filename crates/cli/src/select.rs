//! Which users an export takes: by username (shell-style globs, or regular expressions) and by routing profile.
//!
//! - A glob matches the whole username, case-sensitively: `*` any run of characters, `?` one character, `[abc]`,
//!   `[a-z]` and `[!abc]` one character of (or not of) a set. `agent*` takes `agent00042`, not `x.agent`.
//! - A regular expression (Rust's `regex` syntax) matches anywhere in the username unless anchored: `^agent\d+$`.
//! - Several patterns take a user that any of them matches; no pattern takes every user.
//! - A routing profile is given by id or ARN; several take a user in any of them. The routing profile is known only
//!   once the user is described, so this filter saves the `ListUserProficiencies` of the users it leaves out, not
//!   their `DescribeUser`.

use cfn_connect_user::core::arn::ResourceArn;
use regex::Regex;

/// The users an export takes.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    usernames: Vec<Regex>,
    /// The patterns as given, for the state file (a resumed export must select the same users).
    shown: Vec<String>,
    routing_profiles: Vec<String>,
}

impl Selection {
    /// From globs, regular expressions and routing profiles (ids or ARNs); an invalid pattern is an error that
    /// names it.
    pub fn new(globs: &[String], regexes: &[String], routing_profiles: &[String]) -> Result<Self, String> {
        let mut usernames = Vec::new();
        let mut shown = Vec::new();
        for glob in globs {
            usernames.push(Regex::new(&glob_to_regex(glob)).map_err(|e| format!("--username {glob:?}: {e}"))?);
            shown.push(format!("glob:{glob}"));
        }
        for pattern in regexes {
            usernames.push(Regex::new(pattern).map_err(|e| format!("--username-regex {pattern:?}: {e}"))?);
            shown.push(format!("regex:{pattern}"));
        }
        let routing_profiles = routing_profiles
            .iter()
            .map(|rp| rp.rsplit_once("/routing-profile/").map_or(rp.as_str(), |(_, id)| id).to_owned())
            .collect();
        Ok(Self { usernames, shown, routing_profiles })
    }

    /// Whether the username is selected.
    pub fn takes_username(&self, username: &str) -> bool {
        self.usernames.is_empty() || self.usernames.iter().any(|r| r.is_match(username))
    }

    /// Whether a user in this routing profile is selected.
    pub fn takes_routing_profile(&self, routing_profile: &ResourceArn) -> bool {
        self.routing_profiles.is_empty() || self.routing_profiles.iter().any(|id| id == routing_profile.id())
    }

    /// The selection in words, the same for the same options.
    pub fn describe(&self) -> String {
        let mut parts = self.shown.clone();
        parts.extend(self.routing_profiles.iter().map(|id| format!("routing-profile:{id}")));
        if parts.is_empty() { "every user".to_owned() } else { parts.join(" ") }
    }
}

/// The glob as an anchored regular expression.
fn glob_to_regex(glob: &str) -> String {
    let mut out = String::from("^");
    let mut chars = glob.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => out.push_str(".*"),
            '?' => out.push('.'),
            '[' => {
                let mut class = String::new();
                let mut closed = false;
                if chars.peek() == Some(&'!') {
                    chars.next();
                    class.push('^');
                }
                for c in chars.by_ref() {
                    if c == ']' {
                        closed = true;
                        break;
                    }
                    if c == '\\' || c == '[' || c == '^' {
                        class.push('\\');
                    }
                    class.push(c);
                }
                if closed {
                    out.push('[');
                    out.push_str(&class);
                    out.push(']');
                } else {
                    // An unclosed `[` is a literal, as in the shell.
                    out.push_str(&regex::escape(&format!("[{class}")));
                }
            }
            other => out.push_str(&regex::escape(&other.to_string())),
        }
    }
    out.push('$');
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn globs(patterns: &[&str]) -> Selection {
        Selection::new(&patterns.iter().map(|p| (*p).to_owned()).collect::<Vec<_>>(), &[], &[]).unwrap()
    }

    #[test]
    fn globs_match_whole_usernames() {
        let s = globs(&["agent*", "m?ria.*", "[jk]d[!0-4]"]);
        for taken in ["agent00042", "agent", "maria.garcia", "jd9", "kd5"] {
            assert!(s.takes_username(taken), "{taken}");
        }
        for left in ["x.agent", "mmaria.x", "jd3", "jd", "maria"] {
            assert!(!s.takes_username(left), "{left}");
        }
        assert!(globs(&["a.b"]).takes_username("a.b") && !globs(&["a.b"]).takes_username("axb"));
        assert!(globs(&["[x"]).takes_username("[x"));
    }

    #[test]
    fn regexes_search_unless_anchored_and_bad_ones_are_named() {
        let s = Selection::new(&[], &["garcia".into(), r"^agent\d+$".into()], &[]).unwrap();
        assert!(s.takes_username("maria.garcia7") && s.takes_username("agent12") && !s.takes_username("agent12x"));
        let e = Selection::new(&[], &["(".into()], &[]).unwrap_err();
        assert!(e.starts_with("--username-regex \"(\""), "{e}");
    }

    #[test]
    fn no_pattern_takes_everyone_and_routing_profiles_match_by_id() {
        let s = Selection::default();
        assert!(s.takes_username("anyone"));
        assert_eq!(s.describe(), "every user");
        let instance =
            cfn_connect_user::core::arn::InstanceArn::parse("arn:aws:connect:us-east-1:123456789012:instance/i-1")
                .unwrap();
        let rp = |id: &str| instance.child(cfn_connect_user::core::arn::ResourceKind::RoutingProfile, id);
        let s = Selection::new(&[], &[], &[format!("{}", rp("rp-1")), "rp-2".into()]).unwrap();
        assert!(s.takes_routing_profile(&rp("rp-1")) && s.takes_routing_profile(&rp("rp-2")));
        assert!(!s.takes_routing_profile(&rp("rp-3")));
        assert_eq!(s.describe(), "routing-profile:rp-1 routing-profile:rp-2");
    }
}
