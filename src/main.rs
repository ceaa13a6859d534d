//! The Lambda entry point: wiring only. Logging, the Connect client and the HTTP client are built
//! once per execution environment, before the first invocation; the Secrets Manager client only when a
//! request first reads a secret.

use cfn_connect_user::adapters::logging::{self, LogSettings};
use cfn_connect_user::adapters::{HttpSender, SdkConnect, SdkSecrets, http_client, runtime};
use cfn_connect_user::app::{Handler, Mode, Pacer, Retrying};
use cfn_connect_user::core::backoff::Backoff;
use cfn_connect_user::core::response_url::UrlPolicy;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    logging::init(&LogSettings::from_env());
    // One pacer for the execution environment: Connect's rate limit is the account's, so every call slows down
    // when any is throttled (docs/real-connect.md §5).
    let pacer = Pacer::default();
    let connect = Retrying::new(SdkConnect::from_env().await, Backoff::default()).with_pacer(pacer);
    let sender = HttpSender::new(http_client()?, Backoff::default());
    let mode = Mode::from_env_value(std::env::var("RESPONSE_MODE").ok().as_deref());
    let url_policy = UrlPolicy::from_env_value(std::env::var("ALLOW_LOOPBACK_RESPONSE_URL").ok().as_deref());
    // Builds nothing yet: the Secrets Manager client is made when a template with PasswordSecretArn needs it.
    let secrets = SdkSecrets::from_env();
    runtime::run(Handler::new(connect, sender, mode).with_url_policy(url_policy).with_secrets(secrets)).await
}
