//! The Secrets Manager adapter: [`Secrets`] over `aws-sdk-secretsmanager`, for `PasswordSecretArn`.
//!
//! Nothing is built at cold start: the configuration is loaded, and a client built, when a request first reads a
//! secret — most templates never do, and a function whose cold start paid for a second SDK client would pay for
//! it on every deployment. Clients are kept per region, because a secret is read from its own region's endpoint
//! whatever region the function runs in.

use super::connect::causes;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::config::retry::RetryConfig;
use aws_sdk_secretsmanager::config::timeout::TimeoutConfig;
use aws_sdk_secretsmanager::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_secretsmanager::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_secretsmanager::operation::get_secret_value::GetSecretValueError;
use tokio::sync::OnceCell;

use crate::app::ports::{BoxFuture, Secrets, SecretsError, SecretsErrorKind};
use crate::core::password_secret::{SecretArn, SecretValue};
use crate::core::secret::Secret;

/// Time to open a connection to Secrets Manager.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Time for one attempt, so a hung call is retried instead of eating the request's deadline.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// Attempts of one read: the SDK's standard retry (throttling, 5xx, network errors) is enough for a single call
/// made once per created user, and keeps the crate's own retry loop to Connect, where it matters.
const MAX_ATTEMPTS: u32 = 3;

/// Where the clients' configuration comes from.
#[derive(Debug)]
enum Source {
    /// The standard configuration chain (credentials, `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_SECRETS_MANAGER`),
    /// loaded once, on first use.
    Environment(Box<OnceCell<aws_config::SdkConfig>>),
    /// An endpoint given in code (the Secrets Manager stand-in), with static dummy credentials.
    Endpoint(String),
}

/// The `aws-sdk-secretsmanager` client behind the [`Secrets`] port, one client per region, each built on first
/// use.
#[derive(Debug)]
pub struct SdkSecrets {
    source: Source,
    clients: Mutex<HashMap<String, Client>>,
}

fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder().connect_timeout(CONNECT_TIMEOUT).operation_attempt_timeout(ATTEMPT_TIMEOUT).build()
}

fn retries() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS)
}

impl SdkSecrets {
    /// Clients from the standard AWS configuration chain, which a deployed function uses; so
    /// `AWS_ENDPOINT_URL_SECRETS_MANAGER` points them elsewhere. Reads nothing until the first secret.
    pub fn from_env() -> Self {
        Self { source: Source::Environment(Box::default()), clients: Mutex::default() }
    }

    /// Clients of the Secrets Manager endpoint at `endpoint_url` (the stand-in) with static dummy credentials,
    /// configured like [`SdkSecrets::from_env`] otherwise.
    pub fn for_endpoint(endpoint_url: &str) -> Self {
        Self { source: Source::Endpoint(endpoint_url.to_owned()), clients: Mutex::default() }
    }

    /// The client of `region`, built now if it is the first read there.
    async fn client(&self, region: &str) -> Client {
        if let Some(client) = self.clients.lock().unwrap_or_else(PoisonError::into_inner).get(region) {
            return client.clone();
        }
        let config = match &self.source {
            Source::Environment(shared) => {
                let shared = shared
                    .get_or_init(|| async {
                        aws_config::defaults(BehaviorVersion::latest())
                            .retry_config(retries())
                            .timeout_config(timeouts())
                            .load()
                            .await
                    })
                    .await;
                // From the shared configuration, so the service-specific endpoint variable applies; the region is
                // the secret's, not the function's.
                aws_sdk_secretsmanager::config::Builder::from(shared).region(Region::new(region.to_owned())).build()
            }
            Source::Endpoint(url) => aws_sdk_secretsmanager::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .endpoint_url(url)
                .region(Region::new(region.to_owned()))
                .credentials_provider(Credentials::new(
                    "AKIDLOCALEMULATOR",
                    "local-emulator-secret",
                    None,
                    None,
                    "static",
                ))
                .retry_config(retries())
                .timeout_config(timeouts())
                .build(),
        };
        let client = Client::from_conf(config);
        // Two first reads at once may both build one; either is fine to keep.
        self.clients.lock().unwrap_or_else(PoisonError::into_inner).insert(region.to_owned(), client.clone());
        client
    }

    async fn read(&self, secret: &SecretArn) -> Result<SecretValue, SecretsError> {
        let client = self.client(secret.region()).await;
        let output = client.get_secret_value().secret_id(secret.as_str()).send().await.map_err(sdk_error)?;
        // The value becomes a Secret here, before anything else can see it; the output's own Debug redacts it.
        match (output.secret_string, output.secret_binary) {
            (Some(text), _) => Ok(SecretValue::String(Secret::new(text))),
            (None, Some(_)) => Ok(SecretValue::Binary),
            (None, None) => Err(SecretsError {
                kind: SecretsErrorKind::Other,
                code: "UnexpectedResponse".to_owned(),
                message: "the answer holds neither SecretString nor SecretBinary".to_owned(),
            }),
        }
    }
}

impl Secrets for SdkSecrets {
    fn get_secret_value<'a>(&'a self, secret: &'a SecretArn) -> BoxFuture<'a, Result<SecretValue, SecretsError>> {
        Box::pin(self.read(secret))
    }
}

/// The kind of a Secrets Manager error code.
fn kind_of(code: &str) -> SecretsErrorKind {
    match code {
        "ResourceNotFoundException" => SecretsErrorKind::NotFound,
        "AccessDeniedException" => SecretsErrorKind::AccessDenied,
        "DecryptionFailure" => SecretsErrorKind::Decryption,
        _ => SecretsErrorKind::Other,
    }
}

fn error(kind: SecretsErrorKind, code: impl Into<String>, message: impl Into<String>) -> SecretsError {
    SecretsError { kind, code: code.into(), message: message.into() }
}

/// SDK errors → [`SecretsError`]. A response that could not be read is described by its status alone: the
/// deserializer's message may quote the body, and the body is where the value is.
fn sdk_error(err: SdkError<GetSecretValueError>) -> SecretsError {
    match &err {
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            let code =
                service.err().code().filter(|c| !c.is_empty()).map_or_else(|| format!("HTTP {status}"), str::to_owned);
            let message = service
                .err()
                .message()
                .filter(|m| !m.is_empty())
                .map_or_else(|| format!("Secrets Manager answered HTTP {status} without a message"), str::to_owned);
            error(kind_of(&code), code, message)
        }
        SdkError::TimeoutError(_) => error(
            SecretsErrorKind::Other,
            "Timeout",
            format!("no response within {} s ({MAX_ATTEMPTS} attempts)", ATTEMPT_TIMEOUT.as_secs()),
        ),
        SdkError::DispatchFailure(_) => error(SecretsErrorKind::Other, "NetworkError", causes(&err)),
        SdkError::ResponseError(response) => error(
            SecretsErrorKind::Other,
            "InvalidResponse",
            format!("the response (HTTP {}) could not be read", response.raw().status().as_u16()),
        ),
        SdkError::ConstructionFailure(_) => error(SecretsErrorKind::Other, "InvalidInput", causes(&err)),
        _ => error(SecretsErrorKind::Other, "SdkError", causes(&err)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_kinds() {
        assert_eq!(kind_of("ResourceNotFoundException"), SecretsErrorKind::NotFound);
        assert_eq!(kind_of("AccessDeniedException"), SecretsErrorKind::AccessDenied);
        assert_eq!(kind_of("DecryptionFailure"), SecretsErrorKind::Decryption);
        assert_eq!(kind_of("InvalidRequestException"), SecretsErrorKind::Other);
    }

    #[test]
    fn nothing_is_built_until_the_first_read() {
        let secrets = SdkSecrets::from_env();
        assert!(matches!(&secrets.source, Source::Environment(cell) if !cell.initialized()));
        assert!(secrets.clients.lock().map(|c| c.is_empty()).unwrap_or(false));
    }
}
