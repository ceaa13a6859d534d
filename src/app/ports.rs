//! The ports: what the use cases need from the outside world, as traits in the project's own types —
//! Amazon Connect ([`Connect`], its error [`ConnectError`]), the response URL ([`ResponseSender`]) and
//! Secrets Manager for `PasswordSecretArn` ([`Secrets`]).
//! The adapters implement them; tests may too.

use std::collections::BTreeSet;
use std::future::Future;
use std::time::SystemTime;

use crate::core::arn::{InstanceArn, ResourceArn, TrafficDistributionGroupArn, UserArn};
pub use crate::core::connect_error::{ConnectError, ErrorKind, SecretsError, SecretsErrorKind};
use crate::core::model::{InstanceInfo, LiveUser, Proficiencies};
use crate::core::names::NameKind;
use crate::core::plan::{Call, NewUser};
use crate::core::response_url::ResponseUrl;

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

    /// The resources of `kind` in `instance` named `name` (for a hierarchy group, whose path is `name`), as
    /// `(name or path, ARN)`: Connect's search, which may match more loosely than exactly (the caller keeps the
    /// exact matches). Every page.
    fn find_named(
        &self,
        instance: &InstanceArn,
        kind: NameKind,
        name: &str,
    ) -> impl Future<Output = Result<Vec<(String, ResourceArn)>, ConnectError>> + Send;

    /// Every resource of `kind` in `instance`, as `(name or path, ARN)`: what a name that matches nothing is compared
    /// with, to say which names are closest.
    fn list_named(
        &self,
        instance: &InstanceArn,
        kind: NameKind,
    ) -> impl Future<Output = Result<Vec<(String, ResourceArn)>, ConnectError>> + Send;

    /// `DescribeTrafficDistributionGroup`, in the group's home region: its status (`ACTIVE`, `PENDING_DELETION`…).
    fn group_status(
        &self,
        group: &TrafficDistributionGroupArn,
    ) -> impl Future<Output = Result<String, ConnectError>> + Send;

    /// `ListTrafficDistributionGroupUsers`, every page, in the group's home region: the ids of its users.
    fn group_users(
        &self,
        group: &TrafficDistributionGroupArn,
    ) -> impl Future<Output = Result<BTreeSet<String>, ConnectError>> + Send;
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
