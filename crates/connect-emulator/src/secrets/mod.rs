//! A minimal AWS Secrets Manager: `GetSecretValue` over the service's JSON 1.1 protocol, enough for
//! `aws-sdk-secretsmanager` to read a password the way the handler does for `PasswordSecretArn`.
//!
//! It is its own server on its own port, beside the Connect emulator rather than behind it: the SDK reaches it
//! through `AWS_ENDPOINT_URL_SECRETS_MANAGER` (or a client's `endpoint_url`), exactly as a real deployment
//! reaches Secrets Manager through its own endpoint, and the Connect emulator's routes stay Connect's alone.
//!
//! - `POST /` with `X-Amz-Target: secretsmanager.GetSecretValue`, body `{"SecretId", "VersionId"?,
//!   "VersionStage"?}`; the answer `{"ARN", "Name", "VersionId", "SecretString" | "SecretBinary",
//!   "VersionStages", "CreatedDate"}` of the version asked for, by default `AWSCURRENT`.
//! - `SecretId` is a full ARN, a partial ARN (without the six characters Secrets Manager appends to the name) or
//!   a name. Secrets belong to a region: a request signed (SigV4 scope) for another region does not find them,
//!   so a client must be built for the secret's own region. Unsigned requests are in [`SecretsManager::REGION`].
//! - Errors as Secrets Manager sends them (status 400, `x-amzn-ErrorType` and `__type`):
//!   `ResourceNotFoundException`, `AccessDeniedException` (IAM's message naming the action and the secret),
//!   `ValidationException`, and `UnknownOperationException` for any other target.
//! - Seeded secrets ([`SecretsManager::PLAIN`], [`SecretsManager::JSON`], [`SecretsManager::BINARY`],
//!   [`SecretsManager::JSON_WITHOUT_KEY`], [`SecretsManager::EU`]); tests add their own
//!   ([`SecretsManager::put_string`]), deny reads ([`SecretsManager::deny`]) and read the call log, which never
//!   holds a value.
//!
//! ```no_run
//! # async fn example() -> std::io::Result<()> {
//! use connect_emulator::secrets::SecretsManager;
//!
//! let secrets = SecretsManager::start().await?;
//! // AWS_ENDPOINT_URL_SECRETS_MANAGER=secrets.endpoint_url()
//! let arn = SecretsManager::arn(SecretsManager::JSON);
//! secrets.deny(&arn); // reads of it now answer AccessDeniedException
//! # Ok(()) }
//! ```

mod server;
mod store;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::routing::post;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use server::{Shared, epoch_now};
pub use store::SecretValue;
use store::arn_suffix;

/// One request the stand-in received. It records which secret was asked for, never what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretsCall {
    /// The operation of `X-Amz-Target` (`GetSecretValue`), or the header as sent when it names no operation.
    pub operation: String,
    /// The request's `SecretId`.
    pub secret_id: Option<String>,
    /// The region the request was signed for ([`SecretsManager::REGION`] when unsigned).
    pub region: String,
    /// The HTTP status answered.
    pub status: u16,
    /// The error code answered, if any.
    pub error: Option<String>,
}

/// A running Secrets Manager stand-in. Dropping it stops the server.
#[derive(Debug)]
pub struct SecretsManager {
    shared: Arc<Shared>,
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl SecretsManager {
    /// The region of the seeded secrets but [`SecretsManager::EU`], and of unsigned requests; the Connect
    /// emulator's region.
    pub const REGION: &'static str = "us-east-1";
    /// `eu-west-2`, the region of [`SecretsManager::EU`].
    pub const REGION_EU: &'static str = "eu-west-2";
    /// The account of every secret; the Connect emulator's account.
    pub const ACCOUNT: &'static str = "123456789012";

    /// A secret whose `SecretString` is the password itself, [`SecretsManager::PLAIN_PASSWORD`].
    pub const PLAIN: &'static str = "connect/agents/plain-password";
    /// The value of [`SecretsManager::PLAIN`]; it meets Connect's password rules.
    pub const PLAIN_PASSWORD: &'static str = "Plain-Secret-2026x";
    /// A secret whose `SecretString` is a JSON object holding the password under [`SecretsManager::JSON_KEY`],
    /// as a generated CDK or CloudFormation secret does (`{"username": …, "password": …}`).
    pub const JSON: &'static str = "connect/agents/credentials";
    /// The key of the password in [`SecretsManager::JSON`].
    pub const JSON_KEY: &'static str = "password";
    /// The password in [`SecretsManager::JSON`]; it meets Connect's password rules.
    pub const JSON_PASSWORD: &'static str = "Json-Secret-2026y";
    /// A secret holding `SecretBinary` rather than a string.
    pub const BINARY: &'static str = "connect/agents/binary";
    /// A JSON secret without the key [`SecretsManager::JSON_KEY`] (it has `username` only).
    pub const JSON_WITHOUT_KEY: &'static str = "connect/agents/username-only";
    /// A plain-string secret in [`SecretsManager::REGION_EU`], holding [`SecretsManager::EU_PASSWORD`].
    pub const EU: &'static str = "connect/agents/eu-password";
    /// The value of [`SecretsManager::EU`].
    pub const EU_PASSWORD: &'static str = "Euro-Secret-2026z";

    /// A seeded stand-in on a free port of 127.0.0.1.
    pub async fn start() -> std::io::Result<SecretsManager> {
        Self::start_on(0).await
    }

    /// A seeded stand-in on this port of 127.0.0.1 (0: a free one).
    pub async fn start_on(port: u16) -> std::io::Result<SecretsManager> {
        let shared = Arc::new(Shared::default());
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
        let addr = listener.local_addr()?;
        let app = Router::new().route("/", post(server::serve)).with_state(Arc::clone(&shared));
        let task = tokio::spawn(async move {
            // A failing accept loop ends the stand-in; the test that uses it then fails on its own terms.
            let _ = axum::serve(listener, app).await;
        });
        let secrets = SecretsManager { shared, addr, task };
        secrets.seed();
        Ok(secrets)
    }

    fn seed(&self) {
        let json = serde_json::json!({"username": "jane.doe", Self::JSON_KEY: Self::JSON_PASSWORD}).to_string();
        self.put_string(Self::PLAIN, Self::PLAIN_PASSWORD);
        self.put_string(Self::JSON, &json);
        self.put_binary(Self::BINARY, &[0x00, 0x9f, 0x92, 0x96, 0xff]);
        self.put_string(Self::JSON_WITHOUT_KEY, r#"{"username":"jane.doe"}"#);
        self.put_string_in(Self::REGION_EU, Self::EU, Self::EU_PASSWORD);
    }

    /// `http://127.0.0.1:PORT`, for `endpoint_url` or `AWS_ENDPOINT_URL_SECRETS_MANAGER`.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The full ARN of the secret named `name` in [`SecretsManager::REGION`] (whether or not it exists).
    pub fn arn(name: &str) -> String {
        Self::arn_in(Self::REGION, name)
    }

    /// The full ARN of the secret named `name` in `region` (whether or not it exists).
    pub fn arn_in(region: &str, name: &str) -> String {
        format!("arn:aws:secretsmanager:{region}:{}:secret:{name}-{}", Self::ACCOUNT, arn_suffix(region, name))
    }

    /// Creates a string secret in [`SecretsManager::REGION`], or gives an existing one a new current version.
    /// Returns its ARN.
    pub fn put_string(&self, name: &str, value: &str) -> String {
        self.put_string_in(Self::REGION, name, value)
    }

    /// [`SecretsManager::put_string`] in `region`.
    pub fn put_string_in(&self, region: &str, name: &str, value: &str) -> String {
        self.shared.store().put(Self::ACCOUNT, region, name, SecretValue::String(value.to_owned()), epoch_now())
    }

    /// Creates a binary secret in [`SecretsManager::REGION`], or gives an existing one a new current version.
    /// Returns its ARN.
    pub fn put_binary(&self, name: &str, value: &[u8]) -> String {
        self.shared.store().put(Self::ACCOUNT, Self::REGION, name, SecretValue::Binary(value.to_vec()), epoch_now())
    }

    /// Deletes a secret (name or ARN, any region) at once; whether it existed.
    pub fn remove(&self, secret_id: &str) -> bool {
        self.shared.store().remove(secret_id)
    }

    /// The current value of a secret (name or ARN, any region), for assertions.
    pub fn current_value(&self, secret_id: &str) -> Option<SecretValue> {
        let store = self.shared.store();
        store.find_anywhere(secret_id)?.version(None, None).map(|v| v.value.clone())
    }

    /// Reads of the secret (its full ARN; a name or partial ARN of an existing secret is resolved to it) answer
    /// `AccessDeniedException` from now on, as IAM does for a role without `secretsmanager:GetSecretValue` on it.
    pub fn deny(&self, secret_id: &str) {
        let arn = self.shared.store().find_anywhere(secret_id).map_or_else(|| secret_id.to_owned(), |s| s.arn.clone());
        self.shared.control().denied.push(arn);
    }

    /// Ends [`SecretsManager::deny`] of the secret.
    pub fn allow(&self, secret_id: &str) {
        let arn = self.shared.store().find_anywhere(secret_id).map_or_else(|| secret_id.to_owned(), |s| s.arn.clone());
        self.shared.control().denied.retain(|a| *a != arn);
    }

    /// Whether every read is denied, as for a role with no Secrets Manager permission at all.
    pub fn deny_all(&self, on: bool) {
        self.shared.control().deny_all = on;
    }

    /// Every request so far, in arrival order.
    pub fn calls(&self) -> Vec<SecretsCall> {
        self.shared.control().calls.clone()
    }

    /// Forgets the calls so far.
    pub fn clear_calls(&self) {
        self.shared.control().calls.clear();
    }
}

impl Drop for SecretsManager {
    fn drop(&mut self) {
        self.task.abort();
    }
}
