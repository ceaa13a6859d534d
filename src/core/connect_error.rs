//! A failed call to AWS in the project's own words: a Connect call ([`ConnectError`]: its operation, Connect's
//! code and message, and the class, [`ErrorKind`], that decides whether it is retried and what the lifecycle makes
//! of it; docs/real-connect.md §5), or the `GetSecretValue` of `PasswordSecretArn` ([`SecretsError`]). The ports of
//! `app` answer with them; the adapters build them.

use std::fmt;

/// What kind of failure a Connect call had: decides whether it is retried and what the lifecycle makes of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// `ResourceNotFoundException`: the user, instance or a referenced resource does not exist.
    NotFound,
    /// `DuplicateResourceException`: the username is taken.
    Duplicate,
    /// `ThrottlingException`, `TooManyRequestsException`, or an unnamed HTTP 429: a rate limit, worth waiting out.
    Throttled,
    /// `LimitExceededException`, `ServiceQuotaExceededException`: a service quota (users per instance) is
    /// reached; waiting will not fix it (docs/real-connect.md §5).
    Quota,
    /// `AccessDeniedException`: the function's role lacks the IAM action; final.
    AccessDenied,
    /// `InternalServiceException` or any HTTP 5xx.
    Server,
    /// The request or its response was lost: connection refused or dropped, timeouts.
    Network,
    /// Connect (or the SDK, before sending) rejected the input.
    Invalid,
    /// Anything else (unexpected answers, unknown codes): final.
    Other,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// One Connect call failed. Displays as `"{operation}: {code}: {message}"`, the shape of a CloudFormation reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{operation}: {code}: {message}")]
pub struct ConnectError {
    /// The Connect operation (`CreateUser`).
    pub operation: &'static str,
    /// The class that decides retries and meaning.
    pub kind: ErrorKind,
    /// Connect's error code (`ResourceNotFoundException`), or one of this crate's (`NetworkError`, `Timeout`, `InvalidInput`).
    pub code: String,
    /// Connect's message, or this crate's description of what went wrong.
    pub message: String,
}

impl ConnectError {
    /// An error of `operation`.
    pub fn new(operation: &'static str, kind: ErrorKind, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { operation, kind, code: code.into(), message: message.into() }
    }

    /// Throttling, server errors and lost requests may succeed when tried again; everything else is final.
    pub fn is_retryable(&self) -> bool {
        matches!(self.kind, ErrorKind::Throttled | ErrorKind::Server | ErrorKind::Network)
    }
}

/// What kind of failure a `GetSecretValue` call had: decides the hint in the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretsErrorKind {
    /// `ResourceNotFoundException`: no such secret in its region, or no current version.
    NotFound,
    /// `AccessDeniedException`: the function's role may not read the secret (or use its KMS key).
    AccessDenied,
    /// `DecryptionFailure`: Secrets Manager could not decrypt the value with the secret's KMS key.
    Decryption,
    /// Anything else: throttling or network errors the SDK's retries did not absorb, invalid requests, 5xx.
    Other,
}

/// One `GetSecretValue` call failed. Displays as `"GetSecretValue: {code}: {message}"`. Secrets Manager's
/// messages name the secret and the caller, never the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("GetSecretValue: {code}: {message}")]
pub struct SecretsError {
    /// The class that decides the hint in the reason.
    pub kind: SecretsErrorKind,
    /// Secrets Manager's error code (`ResourceNotFoundException`), or this crate's (`NetworkError`, `Timeout`).
    pub code: String,
    /// Secrets Manager's message, or this crate's description of what went wrong.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_throttling_server_errors_and_lost_requests_are_retried() {
        let retried = |kind| ConnectError::new("CreateUser", kind, "Code", "message").is_retryable();
        for kind in [ErrorKind::Throttled, ErrorKind::Server, ErrorKind::Network] {
            assert!(retried(kind), "{kind}");
        }
        for kind in [
            ErrorKind::NotFound,
            ErrorKind::Duplicate,
            ErrorKind::Quota,
            ErrorKind::AccessDenied,
            ErrorKind::Invalid,
            ErrorKind::Other,
        ] {
            assert!(!retried(kind), "{kind}");
        }
    }

    #[test]
    fn errors_read_as_a_reason_does() {
        assert_eq!(ErrorKind::Throttled.to_string(), "Throttled");
        let e = ConnectError::new("DeleteUser", ErrorKind::NotFound, "ResourceNotFoundException", "no such user");
        assert_eq!(e.to_string(), "DeleteUser: ResourceNotFoundException: no such user");
        let s = SecretsError {
            kind: SecretsErrorKind::AccessDenied,
            code: "AccessDeniedException".into(),
            message: "m".into(),
        };
        assert_eq!(s.to_string(), "GetSecretValue: AccessDeniedException: m");
    }
}
