//! The glue to the Lambda runtime: each invocation's payload and deadline handed to the [`Handler`], and
//! its [`HandlerError`] turned into the error the runtime reports.
//!
//! The payload is taken as raw JSON (`serde_json::Value`), never as a typed event: a request that fits no
//! struct must still reach the handler, which answers it FAILED.

use std::time::SystemTime;

use lambda_runtime::{Diagnostic, LambdaEvent, service_fn};
use serde_json::Value;

use crate::app::ports::{Connect, ResponseSender};
use crate::app::{Handler, HandlerError, Invocation};

impl From<HandlerError> for Diagnostic {
    fn from(e: HandlerError) -> Self {
        let error_type = match e {
            HandlerError::Failed(_) => "ConnectUserFailed",
            HandlerError::Unanswerable(_) => "UnanswerableRequest",
            HandlerError::Undelivered(_) => "ResponseUndelivered",
        };
        Self { error_type: error_type.to_owned(), error_message: e.to_string() }
    }
}

/// Serves invocations until the runtime stops.
pub async fn run<C: Connect, S: ResponseSender>(handler: Handler<C, S>) -> Result<(), lambda_runtime::Error> {
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let handler = handler.clone();
        let invocation = Invocation { started: SystemTime::now(), deadline: event.context.deadline() };
        async move { handler.handle(event.payload, invocation).await }
    }))
    .await
}
