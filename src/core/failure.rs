//! Why a request failed, as kinds (not text) until the last moment, and the words each kind reads as in the
//! stack events: the reason CloudFormation shows. Also what became of a user the failed request had made or taken
//! over ([`Settlement`]), which the reason ends with.
//!
//! Reasons name the operation, Connect's code and message, and what to do about it where that is known
//! (docs/connect-user.md §6, docs/real-connect.md §5); none quotes a password or a personal value.

use std::fmt;
use std::time::Duration;

use super::arn::{InstanceArn, UserArn};
use super::connect_error::{ConnectError, ErrorKind, SecretsError, SecretsErrorKind};
use super::deadline::Limit;
use super::model::OWNER_TAG_KEY;
use super::owner::{Held, hand_over_command};
use super::password_secret::{PasswordSecret, PasswordSecretError};
use super::props::Invalid;

/// Why a request failed.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The properties break their rules; nothing was called but `DescribeInstance`.
    Invalid(Invalid),
    /// A Connect call failed for good.
    Connect(ConnectError),
    /// A call on a user made moments ago still answered not-found when its visibility window ended.
    NotVisible {
        /// The last not-found.
        error: ConnectError,
        /// The new user.
        user: UserArn,
        /// How long it was given to become visible.
        window: Duration,
    },
    /// An Update's user no longer exists: Connect does not find it.
    Gone,
    /// `CreateUser` said the username is taken, and the user holding it is not this resource's to take.
    Taken {
        /// The username.
        username: String,
        /// The instance.
        instance: InstanceArn,
        /// Why it is not taken over.
        holder: Holder,
    },
    /// `CreateUser` said the username is taken, but no user by that name became visible to a search in time.
    NotSearchable {
        /// The username.
        username: String,
        /// The instance.
        instance: InstanceArn,
        /// How long the search was repeated.
        window: Duration,
    },
    /// The plan refuses the template against the live user; the plan's own words.
    Refused(String),
    /// The plan refuses to adopt the existing user; the plan's own words.
    AdoptionRefused(String),
    /// The user found holding the name is in another instance or has another username than the template's.
    NotTheTemplatesUser(UserArn),
    /// After a write that may have committed, the user read again no longer has the template's instance and name.
    NoLongerTheTemplatesUser(UserArn),
    /// `PasswordSecretArn` could not be read or holds no usable password; names the secret and key, never the value.
    PasswordSecret {
        /// The secret and its JSON key.
        secret: PasswordSecret,
        /// What went wrong.
        cause: SecretCause,
    },
    /// The user of a Delete lives where the function's role cannot reach.
    OutOfReach {
        /// The user.
        user: UserArn,
        /// Which account or partition it is in, against the function's.
        why: String,
    },
    /// Too little time was left to send `CreateUser` and still find the user again should its answer be lost; it
    /// was not sent.
    NoTimeToCreate {
        /// The time left before the work must end.
        left: Duration,
        /// The time a clean-up may need to find the user.
        needed: Duration,
    },
    /// The handler panicked.
    Panicked {
        /// What the request was doing.
        step: String,
        /// The panic's message, cut short.
        detail: String,
    },
    /// The request ran out of time.
    TimedOut {
        /// Seconds since the invocation started.
        elapsed: u64,
        /// What the request was doing.
        step: String,
        /// The limit that ran out.
        limit: Limit,
    },
}

/// Why the password could not be had from `PasswordSecretArn`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretCause {
    /// The function has no Secrets Manager client.
    NoClient,
    /// `GetSecretValue` failed.
    Read(SecretsError),
    /// The secret was read, and holds no usable password.
    Value(PasswordSecretError),
}

impl fmt::Display for SecretCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoClient => f.write_str("no Secrets Manager client is configured, so the password cannot be read"),
            Self::Read(e) => {
                let hint = match e.kind {
                    SecretsErrorKind::NotFound => {
                        "; check the ARN, and that the secret exists in its region and has a current version"
                    }
                    SecretsErrorKind::AccessDenied => {
                        "; the function's role needs secretsmanager:GetSecretValue on this secret, and kms:Decrypt on \
                         its KMS key when that is a customer-managed key"
                    }
                    SecretsErrorKind::Decryption => {
                        "; the function's role needs kms:Decrypt on the secret's customer-managed KMS key"
                    }
                    SecretsErrorKind::Other => "",
                };
                write!(f, "{e}{hint}")
            }
            Self::Value(e) => write!(f, "{e}"),
        }
    }
}

/// Who holds a username that a Create found taken, when that is why the user is not taken over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holder {
    /// A user with no owner tag, and the template does not ask to adopt it.
    Untagged,
    /// A user whose owner tag names another stack or logical resource: never taken over.
    Another {
        /// The owner tag's value.
        owner: String,
        /// The user.
        user: UserArn,
    },
}

impl From<ConnectError> for Failure {
    fn from(e: ConnectError) -> Self {
        Self::Connect(e)
    }
}

impl From<Invalid> for Failure {
    fn from(e: Invalid) -> Self {
        Self::Invalid(e)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(invalid) => write!(f, "{invalid}"),
            Self::Connect(e) => f.write_str(&explain(e)),
            Self::NotVisible { error, user, window } => {
                let secs = window.as_secs();
                match error.operation {
                    "DescribeUser" | "ListUserProficiencies" => write!(
                        f,
                        "{error}: the user {user} did not become visible within {secs} s of its creation (Amazon \
                         Connect is eventually consistent); retry the deployment"
                    ),
                    _ => write!(
                        f,
                        "{error}: still not found {secs} s after the user {user} was created: either it did not \
                         become visible in that time (Amazon Connect is eventually consistent) or a resource the \
                         call names does not exist"
                    ),
                }
            }
            Self::Gone => f.write_str(
                "the user no longer exists (Amazon Connect does not find it; it was deleted outside the stack); remove \
                 it from the template, or change its Username to create a new one",
            ),
            Self::Taken { username, instance, holder: Holder::Untagged } => write!(
                f,
                "a user named {username:?} already exists in {instance} and was not created by this resource (it has \
                 no owner tag); set AdoptExisting: \"true\" to manage it with this stack, or choose another Username"
            ),
            Self::Taken { username, instance, holder: Holder::Another { owner, user } } => {
                write!(
                    f,
                    "a user named {username:?} already exists in {instance} and was not created by this resource: its \
                     {OWNER_TAG_KEY} tag names another stack or logical resource ({owner:?}"
                )?;
                if let Some(held) = Held::read(owner) {
                    write!(f, ", {held}")?;
                }
                write!(
                    f,
                    "), and such a user is never taken over; to hand it over to this resource (say, that stack was \
                     deleted with the user retained, or its first deployment rolled back), remove that tag ({}) and \
                     set AdoptExisting: \"true\", or choose another Username",
                    hand_over_command(user.as_str())
                )
            }
            Self::NotSearchable { username, instance, window } => write!(
                f,
                "CreateUser answered that a user named {username:?} already exists in {instance}, but no user by that \
                 name became visible to SearchUsers within {} s (Amazon Connect is eventually consistent), so whether \
                 this resource created it cannot be told; retry the deployment",
                window.as_secs()
            ),
            Self::PasswordSecret { secret, cause } => write!(f, "{secret}: {cause}"),
            Self::Refused(reason) => f.write_str(reason),
            Self::AdoptionRefused(reason) => write!(f, "cannot adopt the existing user: {reason}"),
            Self::NotTheTemplatesUser(user) => {
                write!(f, "the existing user {user} does not match the template's instance and username")
            }
            Self::NoLongerTheTemplatesUser(user) => {
                write!(f, "the user {user} no longer matches the template's instance and username")
            }
            Self::OutOfReach { user, why } => write!(f, "the user {user} {why}"),
            Self::NoTimeToCreate { left, needed } => write!(
                f,
                "too little time was left to create the user safely ({} s before the request's deadline, and finding \
                 the user again should Amazon Connect's answer be lost takes up to {} s), so it was not created; deploy \
                 again, or give the request more time (the function's Timeout, the template's ServiceTimeout)",
                left.as_secs(),
                needed.as_secs()
            ),
            Self::Panicked { step, detail } => {
                write!(f, "internal error while {step}: the handler panicked ({detail})")
            }
            Self::TimedOut { elapsed, step, limit } => {
                let limit = match limit {
                    Limit::Lambda => "the Lambda function's timeout",
                    Limit::ServiceTimeout => "the template's ServiceTimeout",
                    Limit::UrlExpiry => "the response URL's expiry",
                };
                write!(f, "timed out after {elapsed} s while {step} (limit: {limit})")
            }
        }
    }
}

/// The reason for a failed Connect call: the operation, Connect's code and message, and what to do about it
/// where that is known (docs/real-connect.md §5).
pub fn explain(e: &ConnectError) -> String {
    match e.kind {
        ErrorKind::AccessDenied => format!(
            "{e}; the function's role lacks the IAM permission connect:{}: add it to the role's policy (the README \
             lists every action the function needs)",
            e.operation
        ),
        ErrorKind::Quota if e.operation == "CreateUser" => format!(
            "{e}; a service quota is reached: the instance holds as many users as its 'Users per instance' quota \
             allows (500 unless raised), and waiting will not change that; raise the 'Users per instance' service \
             quota or delete users"
        ),
        ErrorKind::Quota => format!(
            "{e}; a service quota is reached, and waiting will not change that; raise the quota in Service Quotas \
             (Amazon Connect) or remove what counts against it"
        ),
        _ => e.to_string(),
    }
}

/// What became of the user that a failed request had made or taken over, said at the end of its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settlement {
    /// Nothing to settle, or the user is named by the response so CloudFormation's rollback deletes it.
    Nothing,
    /// Provider mode: the user the request made was deleted again.
    Deleted,
    /// Provider mode: the user the request made could not be deleted.
    NotDeleted {
        /// The user left behind.
        user: UserArn,
        /// Why, as a reason reads.
        error: String,
    },
    /// A take-over (`AdoptExisting`) failed: the owner tag it had put on the existing user was removed again.
    Released,
    /// A take-over failed and its owner tag could not be removed.
    NotReleased {
        /// The existing user.
        user: UserArn,
        /// Why, as a reason reads.
        error: String,
    },
}

impl fmt::Display for Settlement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Nothing => Ok(()),
            Self::Deleted => f.write_str("; the user it created was deleted again"),
            Self::NotDeleted { user, error } => {
                write!(f, "; the user it created ({user}) could not be deleted: {error}; delete it by hand")
            }
            Self::Released => write!(
                f,
                "; the existing user was left without the {OWNER_TAG_KEY} tag this request had added (the settings \
                 already applied stay)"
            ),
            Self::NotReleased { user, error } => write!(
                f,
                "; the {OWNER_TAG_KEY} tag this request had added to the existing user could not be removed: {error}; \
                 remove it by hand ({})",
                hand_over_command(user.as_str())
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::password_secret::SecretArn;

    const USER: &str = "arn:aws:connect:us-east-1:123456789012:instance/i-1/agent/u-1";

    fn user() -> UserArn {
        UserArn::parse(USER).unwrap_or_else(|e| panic!("{e}"))
    }

    fn error(operation: &'static str, kind: ErrorKind, code: &str) -> ConnectError {
        ConnectError::new(operation, kind, code, "message")
    }

    #[test]
    fn access_denied_names_the_iam_action() {
        let reason = Failure::Connect(error("UpdateUserHierarchy", ErrorKind::AccessDenied, "AccessDeniedException"));
        assert!(
            reason.to_string().starts_with(
                "UpdateUserHierarchy: AccessDeniedException: message; the function's role lacks the IAM permission \
                 connect:UpdateUserHierarchy"
            ),
            "{reason}"
        );
    }

    #[test]
    fn a_quota_is_never_called_a_timeout() {
        let create = Failure::Connect(error("CreateUser", ErrorKind::Quota, "LimitExceededException")).to_string();
        assert!(create.contains("raise the 'Users per instance' service quota or delete users"), "{create}");
        let other = Failure::Connect(error("TagResource", ErrorKind::Quota, "LimitExceededException")).to_string();
        assert!(other.contains("raise the quota in Service Quotas"), "{other}");
        assert!(!other.contains("Users per instance"), "{other}");
    }

    #[test]
    fn other_errors_read_as_connect_wrote_them() {
        let e = error("DeleteUser", ErrorKind::Other, "InvalidRequestException");
        assert_eq!(Failure::Connect(e.clone()).to_string(), e.to_string());
    }

    #[test]
    fn a_user_not_visible_is_told_apart_from_a_missing_resource() {
        let window = Duration::from_secs(30);
        let read = Failure::NotVisible {
            error: error("DescribeUser", ErrorKind::NotFound, "ResourceNotFoundException"),
            user: user(),
            window,
        };
        assert!(read.to_string().contains("did not become visible within 30 s of its creation"), "{read}");
        let write = Failure::NotVisible {
            error: error("UpdateUserHierarchy", ErrorKind::NotFound, "ResourceNotFoundException"),
            user: user(),
            window,
        };
        assert!(write.to_string().contains("or a resource the call names does not exist"), "{write}");
    }

    #[test]
    fn a_password_secret_failure_names_the_secret_and_what_to_do() {
        let arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:agents/john-AbCdEf";
        let secret = PasswordSecret {
            arn: SecretArn::parse(arn).unwrap_or_else(|e| panic!("{e}")),
            json_key: Some("password".into()),
        };
        let reason = |cause| Failure::PasswordSecret { secret: secret.clone(), cause }.to_string();
        let read = |kind| SecretCause::Read(SecretsError { kind, code: "Code".into(), message: "m".into() });
        assert_eq!(
            reason(read(SecretsErrorKind::Other)),
            format!("PasswordSecretArn {arn} (PasswordSecretJsonKey \"password\"): GetSecretValue: Code: m")
        );
        assert!(
            reason(read(SecretsErrorKind::NotFound))
                .ends_with("m; check the ARN, and that the secret exists in its region and has a current version")
        );
        let denied = reason(read(SecretsErrorKind::AccessDenied));
        assert!(
            denied.contains("m; the function's role needs secretsmanager:GetSecretValue on this secret"),
            "{denied}"
        );
        let decryption = reason(read(SecretsErrorKind::Decryption));
        assert!(
            decryption.ends_with("m; the function's role needs kms:Decrypt on the secret's customer-managed KMS key")
        );
        assert!(
            reason(SecretCause::NoClient)
                .ends_with(": no Secrets Manager client is configured, so the password cannot be read")
        );
        assert!(
            reason(SecretCause::Value(PasswordSecretError::Binary))
                .ends_with(": the secret holds SecretBinary, not SecretString; store the password as a string")
        );
    }

    #[test]
    fn timeouts_name_the_limit_that_ran_out() {
        let reason = |limit| Failure::TimedOut { elapsed: 7, step: "calling CreateUser".into(), limit }.to_string();
        assert_eq!(
            reason(Limit::Lambda),
            "timed out after 7 s while calling CreateUser (limit: the Lambda function's timeout)"
        );
        assert!(reason(Limit::ServiceTimeout).ends_with("(limit: the template's ServiceTimeout)"));
        assert!(reason(Limit::UrlExpiry).ends_with("(limit: the response URL's expiry)"));
    }

    #[test]
    fn a_settlement_says_what_became_of_the_user() {
        assert_eq!(Settlement::Nothing.to_string(), "");
        assert_eq!(Settlement::Deleted.to_string(), "; the user it created was deleted again");
        let left = Settlement::NotDeleted { user: user(), error: "DeleteUser: AccessDeniedException: no".into() };
        assert_eq!(
            left.to_string(),
            format!(
                "; the user it created ({USER}) could not be deleted: DeleteUser: AccessDeniedException: no; delete it by hand"
            )
        );
        assert!(Settlement::Released.to_string().contains(OWNER_TAG_KEY));
        let tagged = Settlement::NotReleased { user: user(), error: "UntagResource: x".into() };
        assert!(tagged.to_string().ends_with(&format!("({})", hand_over_command(USER))), "{tagged}");
    }
}
