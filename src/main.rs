//! The Lambda entry point: wiring only. Logging, the Connect client and the HTTP client are built
//! once per execution environment, before the first invocation.

use std::time::SystemTime;

use cfn_connect_user::edge::backoff::Backoff;
use cfn_connect_user::edge::connect::{Retrying, SdkConnect};
use cfn_connect_user::edge::handler::{Handler, Invocation, Mode};
use cfn_connect_user::edge::logging::{self, LogSettings};
use cfn_connect_user::edge::sender;
use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::Value;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    logging::init(&LogSettings::from_env());
    let connect = Retrying::new(SdkConnect::from_env().await, Backoff::default());
    let mode = Mode::from_env_value(std::env::var("RESPONSE_MODE").ok().as_deref());
    let handler = Handler::new(connect, sender::http_client()?, mode);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let handler = handler.clone();
        let invocation = Invocation { started: SystemTime::now(), deadline: event.context.deadline() };
        async move { handler.handle(event.payload, invocation).await }
    }))
    .await
}
