//! The ports: what the use cases need from the outside world, as traits in the project's own types —
//! Amazon Connect ([`Connect`], its error [`ConnectError`]), the response URL ([`ResponseSender`]) and
//! Secrets Manager for `PasswordSecretArn` ([`Secrets`]).
//! The adapters implement them; tests may too.

use std::fmt;
use std::future::Future;
use std::time::SystemTime;

use crate::core::arn::{InstanceArn, UserArn};
use crate::core::model::{InstanceInfo, LiveUser, Proficiencies};
use crate::core::plan::{Call, NewUser};
use crate::core::response_url::ResponseUrl;

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

/// The Connect operations the lifecycle needs, in the project's own types.
///
/// Identifiers are taken from the ARN types: the instance of an existing user is the part of its ARN
/// before `/agent/`.
pub trait Connect: Send + Sync + 'static {
    /// `CreateUser`; the new user's ARN as Connect returns it.
    fn create_user(&self, user: &NewUser) -> impl Future<Output = Result<UserArn, ConnectError>> + Send;

    /// `DescribeUser`, with ids turned into ARNs of the user's instance. `proficiencies` is `None`.
    fn describe_user(&self, user: &UserArn) -> impl Future<Output = Result<LiveUser, ConnectError>> + Send;

    /// `ListUserProficiencies`, every page.
    fn list_proficiencies(&self, user: &UserArn) -> impl Future<Output = Result<Proficiencies, ConnectError>> + Send;

    /// The user of `instance` whose username is exactly `username`, if any.
    fn find_user(
        &self,
        instance: &InstanceArn,
        username: &str,
    ) -> impl Future<Output = Result<Option<UserArn>, ConnectError>> + Send;

    /// One write call on an existing user.
    fn apply(&self, user: &UserArn, call: &Call) -> impl Future<Output = Result<(), ConnectError>> + Send;

    /// `DeleteUser`.
    fn delete_user(&self, user: &UserArn) -> impl Future<Output = Result<(), ConnectError>> + Send;

    /// `DescribeInstance`: what the lifecycle needs to know of the instance (its identity-management type, whose
    /// rules are checked before any write). An implementation may keep the answer, a denial included, for the
    /// execution environment: it does not change while the function runs. When it fails, the lifecycle goes on
    /// without those rules and leaves them to Connect.
    fn describe_instance(
        &self,
        instance: &InstanceArn,
    ) -> impl Future<Output = Result<InstanceInfo, ConnectError>> + Send;
}

/// How a response delivery ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// A 2xx answer.
    Delivered {
        /// The HTTP status.
        status: u16,
        /// How many PUTs it took.
        attempts: u32,
    },
    /// A 4xx answer (the URL is expired or forged, and stays so) or a 3xx (redirects are never followed). Lambda's
    /// retry cannot help.
    Rejected {
        /// The HTTP status.
        status: u16,
        /// How many PUTs it took.
        attempts: u32,
    },
    /// Network errors or 5xx until the deadline: a retried invocation may still deliver.
    Undelivered {
        /// The last attempt's error, without the URL's query string.
        last_error: String,
        /// How many PUTs were tried.
        attempts: u32,
    },
}

/// Delivers response documents to presigned URLs.
pub trait ResponseSender: Send + Sync + 'static {
    /// PUTs `body` to `url`, retrying what may succeed later, until `deadline`.
    fn put(&self, url: &ResponseUrl, body: Vec<u8>, deadline: SystemTime) -> impl Future<Output = Delivery> + Send;
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

/// A boxed, sendable future: [`Secrets`] is held as a trait object, so the handler needs no type parameter
/// for a port that most templates never use.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Secrets Manager, for `PasswordSecretArn`: the one read the lifecycle needs, in the project's own types.
pub trait Secrets: Send + Sync + 'static {
    /// `GetSecretValue` of the secret's current version (`AWSCURRENT`), asked of the secret's own region. The
    /// value is a [`crate::core::secret::Secret`] from the moment it is read.
    fn get_secret_value<'a>(
        &'a self,
        secret: &'a crate::core::password_secret::SecretArn,
    ) -> BoxFuture<'a, Result<crate::core::password_secret::SecretValue, SecretsError>>;
}
