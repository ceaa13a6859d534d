//! The one place where any end of a request — success, error, panic, deadline — becomes exactly
//! one response: PUT to the ResponseURL, or returned to the CDK Provider framework in provider mode.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};
use tracing::{Instrument, error, info, info_span, warn};

use crate::core::deadline::{Deadlines, Limit, deadlines};
use crate::core::event::{Envelope, Request, unwrap_sns};
use crate::core::response::{self, Outcome};
use crate::core::response_url::ResponseUrl;

use super::backoff::Backoff;
use super::connect::Connect;
use super::lifecycle::{self, Progress};
use super::sender::{Delivery, Responder};

/// Where the outcome goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// PUT to the request's ResponseURL (plain custom resources, SAM, CDK `CustomResource`).
    Respond,
    /// Return it to the caller: the CDK Provider framework's `onEvent` contract.
    Return,
}

impl Mode {
    /// `RESPONSE_MODE=return` selects provider mode; anything else, or nothing, the ordinary mode.
    pub fn from_env_value(value: Option<&str>) -> Self {
        match value {
            Some(v) if v.trim().eq_ignore_ascii_case("return") => Self::Return,
            _ => Self::Respond,
        }
    }
}

/// What the runtime tells about one invocation.
#[derive(Debug, Clone, Copy)]
pub struct Invocation {
    pub started: SystemTime,
    pub deadline: SystemTime,
}

/// Why an invocation fails (which makes Lambda retry it, or the Provider framework report it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandlerError {
    /// Provider mode: the request failed; the message is the Reason CloudFormation shows.
    #[error("{0}")]
    Failed(String),
    #[error("no response can be sent: {0}")]
    Unanswerable(String),
    #[error("the response could not be delivered before the deadline: {0}")]
    Undelivered(String),
}

impl From<HandlerError> for lambda_runtime::Diagnostic {
    fn from(e: HandlerError) -> Self {
        let error_type = match e {
            HandlerError::Failed(_) => "ConnectUserFailed",
            HandlerError::Unanswerable(_) => "UnanswerableRequest",
            HandlerError::Undelivered(_) => "ResponseUndelivered",
        };
        Self { error_type: error_type.to_owned(), error_message: e.to_string() }
    }
}

/// The handler and what it holds across invocations: the Connect client and the HTTP client.
pub struct Handler<C> {
    connect: Arc<C>,
    http: reqwest::Client,
    mode: Mode,
    send_backoff: Backoff,
}

impl<C> Clone for Handler<C> {
    fn clone(&self) -> Self {
        Self {
            connect: self.connect.clone(),
            http: self.http.clone(),
            mode: self.mode,
            send_backoff: self.send_backoff,
        }
    }
}

impl<C: Connect> Handler<C> {
    pub fn new(connect: C, http: reqwest::Client, mode: Mode) -> Self {
        Self { connect: Arc::new(connect), http, mode, send_backoff: Backoff::default() }
    }

    /// The backoff between response PUT attempts (tests shorten it).
    pub fn with_send_backoff(mut self, backoff: Backoff) -> Self {
        self.send_backoff = backoff;
        self
    }

    /// Handles one invocation payload: a request, or an SNS notification carrying requests.
    pub async fn handle(&self, payload: Value, invocation: Invocation) -> Result<Value, HandlerError> {
        let mut results = Vec::new();
        let mut tasks = Vec::new();
        for request in unwrap_sns(payload) {
            match request {
                Ok(raw) => {
                    let this = self.clone();
                    tasks.push(tokio::spawn(async move { this.handle_request(raw, invocation).await }));
                }
                Err(e) => {
                    error!(error = %e, "an SNS record carries no request; it cannot be answered");
                    results.push(Err(HandlerError::Unanswerable(e)));
                }
            }
        }
        for task in tasks {
            results
                .push(task.await.unwrap_or_else(|e| Err(HandlerError::Unanswerable(format!("internal error: {e}")))));
        }
        match results.len() {
            1 => results.pop().unwrap_or(Ok(Value::Null)),
            _ => {
                let answers: Result<Vec<Value>, HandlerError> = results.into_iter().collect();
                answers.map(Value::Array)
            }
        }
    }

    async fn handle_request(&self, raw: Value, invocation: Invocation) -> Result<Value, HandlerError> {
        let envelope = Envelope::read(&raw);
        let span = info_span!(
            "request",
            RequestType = %envelope.request_type,
            StackId = %envelope.stack_id,
            LogicalResourceId = %envelope.logical_resource_id,
            RequestId = %envelope.request_id,
        );
        async move {
            // The Provider framework still passes a ResponseURL, so only the environment can say.
            let responder = match (&envelope.response_url, self.mode) {
                (Some(url), Mode::Respond) => match ResponseUrl::parse(url) {
                    Ok(url) => Some(url),
                    Err(e) => {
                        error!(error = %e, "the ResponseURL is unusable; no response can be sent");
                        return Err(HandlerError::Unanswerable(e.to_string()));
                    }
                },
                _ => None,
            };
            let request = Request::parse(&raw);
            let limits = deadlines(
                invocation.started,
                invocation.deadline,
                request.as_ref().ok().and_then(|r| r.service_timeout),
                responder.as_ref().and_then(ResponseUrl::expires_at),
            );
            let outcome = match request {
                Err(e) => Outcome::Failed {
                    physical_id: lifecycle::default_physical_id(None, &envelope),
                    reason: format!("invalid request: {e}"),
                },
                Ok(request) => self.work(request, &envelope, invocation.started, limits).await,
            };
            match &outcome {
                Outcome::Success { physical_id, .. } => info!(physical_id, "SUCCESS"),
                Outcome::Failed { physical_id, reason } => warn!(physical_id, reason, "FAILED"),
            }
            let Some(url) = responder else {
                return match outcome {
                    Outcome::Success { .. } => Ok(response::provider_result(&outcome)),
                    Outcome::Failed { reason, .. } => Err(HandlerError::Failed(response::provider_reason(&reason))),
                };
            };
            let body = response::body(&envelope, &outcome);
            match Responder::new(url, self.http.clone(), self.send_backoff).send(body, limits.send).await {
                Delivery::Delivered { .. } | Delivery::Rejected { .. } => {
                    Ok(json!({"Status": if outcome.is_success() { "SUCCESS" } else { "FAILED" }, "PhysicalResourceId": outcome.physical_id()}))
                }
                Delivery::Undelivered { last_error, .. } => Err(HandlerError::Undelivered(last_error)),
            }
        }
        .instrument(span)
        .await
    }

    /// Runs the lifecycle on its own task, so a panic is caught and the deadline can abandon it.
    async fn work(&self, request: Request, envelope: &Envelope, started: SystemTime, limits: Deadlines) -> Outcome {
        let progress = Progress::default();
        progress.step("starting");
        let default_id = lifecycle::default_physical_id(Some(&request), envelope);
        let task = tokio::spawn({
            let (connect, envelope, progress) = (self.connect.clone(), envelope.clone(), progress.clone());
            async move { lifecycle::run(&*connect, &request, &envelope, &progress).await }.in_current_span()
        });
        let abort = task.abort_handle();
        let result = tokio::time::timeout_at(until(limits.work), task).await;
        let (step, created) = progress.snapshot();
        let failed =
            |reason: String| Outcome::Failed { physical_id: created.clone().unwrap_or(default_id.clone()), reason };
        match result {
            Ok(Ok(Ok(done))) => Outcome::Success { physical_id: done.physical_id, data: done.data, no_echo: false },
            Ok(Ok(Err(failure))) => {
                Outcome::Failed { physical_id: failure.physical_id.unwrap_or(default_id), reason: failure.reason }
            }
            Ok(Err(join)) => {
                let detail = join.try_into_panic().map(|p| panic_message(p.as_ref())).unwrap_or_else(|e| e.to_string());
                error!(panic = %detail, step, "the handler panicked");
                failed(format!("internal error while {step}: the handler panicked ({detail})"))
            }
            Err(_) => {
                abort.abort();
                let elapsed = SystemTime::now().duration_since(started).unwrap_or_default().as_secs();
                let limit = match limits.binding {
                    Limit::Lambda => "the Lambda function's timeout",
                    Limit::ServiceTimeout => "the template's ServiceTimeout",
                    Limit::UrlExpiry => "the response URL's expiry",
                };
                error!(elapsed_s = elapsed, step, "timed out");
                failed(format!("timed out after {elapsed} s while {step} (limit: {limit})"))
            }
        }
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_owned());
    response::cut(&text, 300).to_owned()
}

fn until(t: SystemTime) -> tokio::time::Instant {
    tokio::time::Instant::now() + t.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO)
}
