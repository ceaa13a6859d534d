//! The cold-start baseline (see `crates/cold-start`): a `lambda_runtime` function that builds the same clients
//! as the real one (the Connect client from the default AWS config chain, the rustls reqwest client) and does
//! nothing else.

use std::time::Duration;

use aws_config::BehaviorVersion;
use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::Value;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    let config = aws_config::defaults(BehaviorVersion::latest()).load().await;
    let connect = aws_sdk_connect::Client::new(&config);
    let http = reqwest::Client::builder().connect_timeout(Duration::from_secs(3)).build()?;
    lambda_runtime::run(service_fn(move |_event: LambdaEvent<Value>| {
        // Held by the handler, as the real function holds them, so they are neither dropped nor optimised away.
        let _clients = (connect.clone(), http.clone());
        async { Ok::<Value, lambda_runtime::Error>(Value::Null) }
    }))
    .await
}
