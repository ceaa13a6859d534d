//! The rules an instance's identity-management type puts on `CreateUser` and `UpdateUserIdentityInfo`, as the
//! Connect API reference states them:
//!
//! | rule | CONNECT_MANAGED | SAML | EXISTING_DIRECTORY |
//! |---|---|---|---|
//! | `Password` or `PasswordSecretArn` | required (one of them) | error if given | error if given |
//! | `Username` length | ≤ 20 | ≤ 64 | ≤ 20 |
//! | `IdentityInfo.FirstName`, `LastName` | required | required | optional |
//! | `IdentityInfo.Email` | optional | error if given | optional |
//! | `DirectoryUserId` | not checked | error if given | optional |
//!
//! and, whatever the type, an `@` in a username only in an e-mail shape. (The reference contradicts itself on
//! `Email` for SAML; this follows the member's text, which calls it an error.)
//!
//! A member missing or too long is an `InvalidParameterException`; a member the type forbids is an
//! `InvalidRequestException` (the request is well formed, the instance refuses it). When both kinds of problem
//! occur, the answer is the `InvalidRequestException` and its message lists all of them.

use super::error::{ApiError, ErrorCode};
use super::model::IdentityInfo;
use super::seed::IdentityManagement;
use super::validate;

/// The members of a `CreateUser` the rules look at.
#[derive(Debug, Clone, Copy)]
pub struct CreateRequest<'a> {
    pub username: &'a str,
    pub password_given: bool,
    pub identity_info: Option<&'a IdentityInfo>,
    pub directory_user_id_given: bool,
}

#[derive(Debug, Default)]
struct Findings {
    invalid: Vec<String>,
    forbidden: Vec<String>,
}

impl Findings {
    fn into_result(self) -> Result<(), ApiError> {
        if !self.forbidden.is_empty() {
            let all: Vec<String> = self.forbidden.into_iter().chain(self.invalid).collect();
            return Err(ApiError::new(ErrorCode::InvalidRequest, all.join("; ")));
        }
        ApiError::from_problems(self.invalid)
    }

    fn forbid(&mut self, member: &str, kind: IdentityManagement) {
        self.forbidden.push(format!("{member} is not allowed for an instance with {kind} identity management"));
    }

    fn require(&mut self, member: &str, kind: IdentityManagement) {
        self.invalid.push(format!("{member} is required for an instance with {kind} identity management"));
    }
}

fn longest_username(kind: IdentityManagement) -> usize {
    match kind {
        IdentityManagement::Saml => 64,
        IdentityManagement::ConnectManaged | IdentityManagement::ExistingDirectory => 20,
    }
}

fn names_required(kind: IdentityManagement) -> bool {
    kind != IdentityManagement::ExistingDirectory
}

fn given(value: Option<&String>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

fn check_identity_info(kind: IdentityManagement, info: Option<&IdentityInfo>, findings: &mut Findings) {
    if names_required(kind) {
        if !given(info.and_then(|i| i.first_name.as_ref())) {
            findings.require("IdentityInfo.FirstName", kind);
        }
        if !given(info.and_then(|i| i.last_name.as_ref())) {
            findings.require("IdentityInfo.LastName", kind);
        }
    }
    if kind == IdentityManagement::Saml && info.is_some_and(|i| i.email.is_some()) {
        findings.forbid("IdentityInfo.Email", kind);
    }
}

/// The rules of `kind` for a `CreateUser` that passed the type-independent checks.
pub fn check_create(kind: IdentityManagement, request: CreateRequest<'_>) -> Result<(), ApiError> {
    let mut findings = Findings::default();
    let longest = longest_username(kind);
    let length = request.username.chars().count();
    if length > longest {
        findings.invalid.push(format!(
            "Username must be at most {longest} characters for an instance with {kind} identity management, got \
             {length}"
        ));
    }
    if request.username.contains('@') && !validate::is_email(request.username) {
        findings.invalid.push(format!("Username may contain @ only as an e-mail address, got {:?}", request.username));
    }
    match (kind, request.password_given) {
        (IdentityManagement::ConnectManaged, false) => findings.require("Password or PasswordSecretArn", kind),
        (IdentityManagement::Saml | IdentityManagement::ExistingDirectory, true) => {
            findings.forbid("Password or PasswordSecretArn", kind);
        }
        _ => {}
    }
    check_identity_info(kind, request.identity_info, &mut findings);
    if kind == IdentityManagement::Saml && request.directory_user_id_given {
        findings.forbid("DirectoryUserId", kind);
    }
    findings.into_result()
}

/// The rules of `kind` for the `IdentityInfo` of an `UpdateUserIdentityInfo`.
pub fn check_update(kind: IdentityManagement, info: &IdentityInfo) -> Result<(), ApiError> {
    let mut findings = Findings::default();
    check_identity_info(kind, Some(info), &mut findings);
    findings.into_result()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(email: Option<&str>) -> IdentityInfo {
        IdentityInfo {
            first_name: Some("Jane".into()),
            last_name: Some("Doe".into()),
            email: email.map(str::to_owned),
            ..IdentityInfo::default()
        }
    }

    fn request<'a>(username: &'a str, password: bool, info: Option<&'a IdentityInfo>) -> CreateRequest<'a> {
        CreateRequest { username, password_given: password, identity_info: info, directory_user_id_given: false }
    }

    #[test]
    fn connect_managed_needs_a_password_and_names() {
        let info = named(Some("jane@example.com"));
        assert!(check_create(IdentityManagement::ConnectManaged, request("jane", true, Some(&info))).is_ok());
        let Err(error) = check_create(IdentityManagement::ConnectManaged, request("jane", false, None)) else {
            panic!("accepted")
        };
        assert_eq!(error.code, ErrorCode::InvalidParameter);
        assert!(error.message.contains("Password or PasswordSecretArn is required"), "{}", error.message);
        assert!(error.message.contains("IdentityInfo.LastName is required"), "{}", error.message);
        let long = "a".repeat(21);
        assert!(check_create(IdentityManagement::ConnectManaged, request(&long, true, Some(&info))).is_err());
    }

    #[test]
    fn saml_forbids_password_email_and_directory_id() {
        let info = named(None);
        assert!(check_create(IdentityManagement::Saml, request(&"a".repeat(64), false, Some(&info))).is_ok());
        let with_email = named(Some("jane@example.com"));
        let mut bad = request("jane", true, Some(&with_email));
        bad.directory_user_id_given = true;
        let Err(error) = check_create(IdentityManagement::Saml, bad) else { panic!("accepted") };
        assert_eq!(error.code, ErrorCode::InvalidRequest);
        for member in ["Password or PasswordSecretArn", "IdentityInfo.Email", "DirectoryUserId"] {
            assert!(error.message.contains(&format!("{member} is not allowed")), "{}", error.message);
        }
        assert!(check_update(IdentityManagement::Saml, &with_email).is_err());
    }

    #[test]
    fn existing_directory_needs_no_names_and_no_password() {
        assert!(check_create(IdentityManagement::ExistingDirectory, request("jane", false, None)).is_ok());
        assert!(check_create(IdentityManagement::ExistingDirectory, request("jane", true, None)).is_err());
    }

    #[test]
    fn at_signs_only_in_an_email_shape() {
        let info = named(None);
        assert!(check_create(IdentityManagement::Saml, request("jane@example.com", false, Some(&info))).is_ok());
        assert!(check_create(IdentityManagement::Saml, request("jane@example", false, Some(&info))).is_err());
    }
}
