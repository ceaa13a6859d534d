//! The glue to the Lambda runtime: each invocation's payload and deadline handed to the [`Handler`], and
//! its [`HandlerError`] turned into the error the runtime reports.
//!
//! The payload is taken as unparsed JSON text (`RawValue`, which skips values without serde_json's depth
//! limit or number conversion), never as a typed event or even a `Value`: a request that fits no struct, is
//! nested deeper than 128 levels or holds a number out of range must still reach the handler, which answers
//! it FAILED (docs/protocol.md §2).

use std::time::SystemTime;

use lambda_runtime::{Diagnostic, LambdaEvent, service_fn};
use serde_json::value::RawValue;

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
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Box<RawValue>>| {
        let handler = handler.clone();
        let invocation = Invocation {
            started: SystemTime::now(),
            deadline: event.context.deadline(),
            lambda_request_id: Some(event.context.request_id.clone()),
            xray_trace_id: event.context.xray_trace_id.clone(),
            // Its account and partition are the function's own: instances elsewhere are refused up front.
            invoked_function_arn: Some(event.context.invoked_function_arn.clone()).filter(|arn| !arn.is_empty()),
        };
        async move { handler.handle_text(event.payload.get(), invocation).await }
    }))
    .await
}
