//! The rules an instance's identity-management type puts on its users (docs/real-connect.md §4), checked
//! before any write so that every problem is reported at once, each naming the type that forbids or requires it:
//!
//! | rule | CONNECT_MANAGED | SAML | EXISTING_DIRECTORY |
//! |---|---|---|---|
//! | `Password` or `PasswordSecretArn` | required (one of them) | error if given | error if given |
//! | `Username` length | ≤ 20 | ≤ 64 | ≤ 20 |
//! | `IdentityInfo.FirstName`, `LastName` | required | required | optional |
//! | `IdentityInfo.Email` | optional | error if given | optional |
//! | `DirectoryUserId` | not checked (Connect decides) | error if given | optional |
//!
//! The API reference contradicts itself on `Email` for SAML (the operation calls it required, the member an
//! error); this follows the member. The type itself comes from `DescribeInstance`, which the app asks for.
//! The rules that hold whatever the type (`@` in a username only as an e-mail address, the names in Unicode NFC)
//! are the properties' own, in `props`.

use std::fmt;

use super::problem::PropertyError;

/// How an instance manages its users' identities: `DescribeInstance`'s `IdentityManagementType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentityManagement {
    /// `CONNECT_MANAGED`: Connect keeps the users and their passwords.
    ConnectManaged,
    /// `SAML`: users sign in through a SAML identity provider; Connect holds no password.
    Saml,
    /// `EXISTING_DIRECTORY`: users come from an AWS Directory Service directory.
    ExistingDirectory,
}

impl IdentityManagement {
    /// Every type, in declaration order.
    pub const ALL: [IdentityManagement; 3] = [Self::ConnectManaged, Self::Saml, Self::ExistingDirectory];

    /// The Connect API's name for the type, e.g. `SAML`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ConnectManaged => "CONNECT_MANAGED",
            Self::Saml => "SAML",
            Self::ExistingDirectory => "EXISTING_DIRECTORY",
        }
    }

    /// The inverse of `as_str`; `None` for a type this crate does not know (its rules are then not checked).
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == value)
    }

    /// The longest username the type allows.
    pub fn longest_username(self) -> usize {
        match self {
            Self::Saml => 64,
            Self::ConnectManaged | Self::ExistingDirectory => 20,
        }
    }
}

impl fmt::Display for IdentityManagement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the rules look at, as the template gives it: which members are given, and the username. Read leniently
/// from the raw properties (`props::identity_facts`), so that these problems are reported beside any other.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts<'a> {
    /// The request sends this template to `CreateUser`: a Create that does not ask to adopt a user. Only then is
    /// a password required: an Update never sends one, and an adopted user keeps the one it has.
    pub creates: bool,
    /// `Username`, when it is a string.
    pub username: Option<&'a str>,
    /// `Password` is given.
    pub password: bool,
    /// `PasswordSecretArn` is given.
    pub password_secret: bool,
    /// `IdentityInfo.FirstName` is given and not empty.
    pub first_name: bool,
    /// `IdentityInfo.LastName` is given and not empty.
    pub last_name: bool,
    /// `IdentityInfo.Email` is given.
    pub email: bool,
    /// `DirectoryUserId` is given.
    pub directory_user_id: bool,
}

/// Every rule of `kind` that the template breaks, each under its property path and naming `kind`, e.g.
/// `Password: not allowed, the instance uses SAML for identity management`. No value is quoted: the names are
/// personal data.
pub fn check(facts: &Facts<'_>, kind: IdentityManagement) -> Vec<PropertyError> {
    let mut problems = Vec::new();
    let because = format!("the instance uses {kind} for identity management");
    let mut add = |path: &str, what: String| problems.push(PropertyError { path: path.to_owned(), message: what });
    match kind {
        IdentityManagement::ConnectManaged if facts.creates && !facts.password && !facts.password_secret => {
            add("Password", format!("required (or PasswordSecretArn), {because}"));
        }
        IdentityManagement::Saml | IdentityManagement::ExistingDirectory => {
            if facts.password {
                add("Password", format!("not allowed, {because}"));
            }
            if facts.password_secret {
                add("PasswordSecretArn", format!("not allowed, {because}"));
            }
        }
        IdentityManagement::ConnectManaged => {}
    }
    let longest = kind.longest_username();
    // Beyond 64 characters the property's own rule has already said so.
    if let Some(length) = facts.username.map(|u| u.chars().count())
        && (longest + 1..=64).contains(&length)
    {
        add("Username", format!("must be at most {longest} characters, {because} (got {length})"));
    }
    if kind != IdentityManagement::ExistingDirectory {
        if !facts.first_name {
            add("IdentityInfo.FirstName", format!("required, {because}"));
        }
        if !facts.last_name {
            add("IdentityInfo.LastName", format!("required, {because}"));
        }
    }
    if kind == IdentityManagement::Saml {
        if facts.email {
            add("IdentityInfo.Email", format!("not allowed, {because}"));
        }
        if facts.directory_user_id {
            add("DirectoryUserId", format!("not allowed, {because}"));
        }
    }
    problems
}

/// The problem of a template that creates a user with no password on an instance of a type that needs one, once
/// that shows: when the template takes over a user (`AdoptExisting`, which needs no password) and no user holds the
/// name, or when an Update replaces its user. `why` says why a user is created. `None` when `kind` needs no password.
pub fn password_to_create(kind: IdentityManagement, facts: &Facts<'_>, why: &str) -> Option<PropertyError> {
    (kind == IdentityManagement::ConnectManaged && !facts.password && !facts.password_secret).then(|| PropertyError {
        path: "Password".to_owned(),
        message: format!(
            "required (or PasswordSecretArn) to create a user, the instance uses {kind} for identity management, and \
             {why}"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_connect_managed_needs_a_password_to_create_once_the_need_shows() {
        let bare = Facts { username: Some("jane"), ..Facts::default() };
        let problem = password_to_create(IdentityManagement::ConnectManaged, &bare, "no user is named jane");
        assert_eq!(
            problem.map(|p| p.to_string()).as_deref(),
            Some(
                "Password: required (or PasswordSecretArn) to create a user, the instance uses CONNECT_MANAGED for \
                 identity management, and no user is named jane"
            )
        );
        for given in [Facts { password: true, ..bare }, Facts { password_secret: true, ..bare }] {
            assert_eq!(password_to_create(IdentityManagement::ConnectManaged, &given, "x"), None);
        }
        for kind in [IdentityManagement::Saml, IdentityManagement::ExistingDirectory] {
            assert_eq!(password_to_create(kind, &bare, "x"), None);
        }
    }

    fn named<'a>(username: &'a str) -> Facts<'a> {
        Facts { creates: true, username: Some(username), first_name: true, last_name: true, ..Facts::default() }
    }

    fn shown(problems: &[PropertyError]) -> Vec<String> {
        problems.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn connect_managed_needs_a_password_names_and_a_short_username() {
        let ok = Facts { password: true, email: true, directory_user_id: true, ..named("jane") };
        assert_eq!(check(&ok, IdentityManagement::ConnectManaged), []);
        let secret = Facts { password_secret: true, ..named("jane") };
        assert_eq!(check(&secret, IdentityManagement::ConnectManaged), []);
        let long = "j".repeat(25);
        let bad = Facts { creates: true, username: Some(&long), ..Facts::default() };
        assert_eq!(
            shown(&check(&bad, IdentityManagement::ConnectManaged)),
            [
                "Password: required (or PasswordSecretArn), the instance uses CONNECT_MANAGED for identity management",
                "Username: must be at most 20 characters, the instance uses CONNECT_MANAGED for identity management \
                 (got 25)",
                "IdentityInfo.FirstName: required, the instance uses CONNECT_MANAGED for identity management",
                "IdentityInfo.LastName: required, the instance uses CONNECT_MANAGED for identity management",
            ]
        );
    }

    #[test]
    fn saml_forbids_passwords_email_and_directory_id_and_allows_long_usernames() {
        let longest = "j".repeat(64);
        assert_eq!(check(&named(&longest), IdentityManagement::Saml), []);
        let bad = Facts { password: true, password_secret: true, email: true, directory_user_id: true, ..named("j") };
        assert_eq!(
            shown(&check(&bad, IdentityManagement::Saml)),
            [
                "Password: not allowed, the instance uses SAML for identity management",
                "PasswordSecretArn: not allowed, the instance uses SAML for identity management",
                "IdentityInfo.Email: not allowed, the instance uses SAML for identity management",
                "DirectoryUserId: not allowed, the instance uses SAML for identity management",
            ]
        );
    }

    #[test]
    fn existing_directory_needs_no_names_and_takes_no_password() {
        let bare = Facts { username: Some("jane"), email: true, directory_user_id: true, ..Facts::default() };
        assert_eq!(check(&bare, IdentityManagement::ExistingDirectory), []);
        let long = "j".repeat(21);
        let bad = Facts { password: true, username: Some(&long), ..Facts::default() };
        assert_eq!(
            shown(&check(&bad, IdentityManagement::ExistingDirectory)),
            [
                "Password: not allowed, the instance uses EXISTING_DIRECTORY for identity management",
                "Username: must be at most 20 characters, the instance uses EXISTING_DIRECTORY for identity \
                 management (got 21)",
            ]
        );
    }

    #[test]
    fn a_password_is_required_only_of_a_template_that_creates_a_user() {
        let update = Facts { creates: false, ..named("jane") };
        assert_eq!(check(&update, IdentityManagement::ConnectManaged), []);
        // Forbidden is forbidden whatever the request: a replacement would send it.
        let saml = Facts { creates: false, password: true, ..named("jane") };
        assert_eq!(check(&saml, IdentityManagement::Saml).len(), 1);
    }

    #[test]
    fn a_username_past_64_is_left_to_the_property_rule() {
        let username = "j".repeat(65);
        let long = Facts { password: true, ..named(&username) };
        assert_eq!(check(&long, IdentityManagement::ConnectManaged), []);
    }

    #[test]
    fn types_round_trip_and_unknown_ones_are_none() {
        for kind in IdentityManagement::ALL {
            assert_eq!(IdentityManagement::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(IdentityManagement::parse("SOMETHING_NEW"), None);
    }
}
