//! The supervision of one invocation: the one place where any end of a request — success, error, panic,
//! deadline — becomes exactly one response, PUT through the [`ResponseSender`] port or returned to the CDK
//! Provider framework in provider mode.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};
use tracing::{Instrument, error, info, info_span, warn};

use super::lifecycle::{self, Progress, Windows, Work};
use super::ports::{Connect, Delivery, ResponseSender, Secrets};
use crate::core::deadline::{Deadlines, Limit, deadlines};
use crate::core::event::{Envelope, Payload, Request, unwrap_sns};
use crate::core::physical_id;
use crate::core::placement::Home;
use crate::core::response::{self, Outcome};
use crate::core::response_url::{ResponseUrl, UrlPolicy};

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
#[derive(Debug, Clone)]
pub struct Invocation {
    /// When the invocation started.
    pub started: SystemTime,
    /// Lambda's deadline for it.
    pub deadline: SystemTime,
    /// Lambda's request id, put on every log line of the invocation.
    pub lambda_request_id: Option<String>,
    /// The X-Ray trace id, when tracing is on.
    pub xray_trace_id: Option<String>,
    /// The ARN the function was invoked by: its account and partition are the only ones its role can reach.
    pub invoked_function_arn: Option<String>,
}

impl Invocation {
    /// An invocation started at `started` that Lambda ends at `deadline`, without runtime ids.
    pub fn new(started: SystemTime, deadline: SystemTime) -> Self {
        Self { started, deadline, lambda_request_id: None, xray_trace_id: None, invoked_function_arn: None }
    }
}

/// Why an invocation fails (which makes Lambda retry it, or the Provider framework report it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandlerError {
    /// Provider mode: the request failed; the message is the Reason CloudFormation shows.
    #[error("{0}")]
    Failed(String),
    /// The request carries no usable ResponseURL, so nobody can be told.
    #[error("no response can be sent: {0}")]
    Unanswerable(String),
    /// Network errors or 5xx from the response URL until the deadline: Lambda's retry may deliver it.
    #[error("the response could not be delivered before the deadline: {0}")]
    Undelivered(String),
}

/// The handler and what it holds across invocations: the Connect port and the response sender.
pub struct Handler<C, S> {
    connect: Arc<C>,
    sender: Arc<S>,
    mode: Mode,
    url_policy: UrlPolicy,
    /// Secrets Manager for `PasswordSecretArn`; without it such a template answers FAILED.
    secrets: Option<Arc<dyn Secrets>>,
    /// How patient the lifecycle is with Connect's eventual consistency.
    windows: Windows,
}

impl<C, S> Clone for Handler<C, S> {
    fn clone(&self) -> Self {
        Self {
            connect: self.connect.clone(),
            sender: self.sender.clone(),
            mode: self.mode,
            url_policy: self.url_policy,
            secrets: self.secrets.clone(),
            windows: self.windows,
        }
    }
}

/// The right to answer one request, once: consumed by [`Responder::send`], so a second response cannot be
/// written, and built only where the mode and the URL allow a PUT.
struct Responder<S> {
    url: ResponseUrl,
    sender: Arc<S>,
}

impl<S: ResponseSender> Responder<S> {
    async fn send(self, body: Vec<u8>, deadline: SystemTime) -> Delivery {
        self.sender.put(&self.url, body, deadline).await
    }
}

impl<C: Connect, S: ResponseSender> Handler<C, S> {
    /// A handler over the two ports, answering as `mode` says.
    pub fn new(connect: C, sender: S, mode: Mode) -> Self {
        Self {
            connect: Arc::new(connect),
            sender: Arc::new(sender),
            mode,
            url_policy: UrlPolicy::default(),
            secrets: None,
            windows: Windows::default(),
        }
    }

    /// How long the lifecycle waits for a new user to become visible and for a Delete's not-found to persist
    /// (by default what real Connect needs; tests shorten them).
    pub fn with_windows(mut self, windows: Windows) -> Self {
        self.windows = windows;
        self
    }

    /// Where `PasswordSecretArn` is read (by default nowhere: such a template answers FAILED).
    pub fn with_secrets(mut self, secrets: impl Secrets) -> Self {
        self.secrets = Some(Arc::new(secrets));
        self
    }

    /// Where responses may go besides `https` to AWS (by default nowhere).
    pub fn with_url_policy(mut self, url_policy: UrlPolicy) -> Self {
        self.url_policy = url_policy;
        self
    }

    /// Handles one invocation payload: a request, or an SNS notification carrying requests.
    pub async fn handle(&self, payload: Value, invocation: Invocation) -> Result<Value, HandlerError> {
        self.handle_payload(Payload::from_value(payload), invocation).await
    }

    /// Handles one invocation payload as the runtime received it, text that may be more than a JSON parser
    /// accepts (docs/protocol.md §2).
    pub async fn handle_text(&self, text: &str, invocation: Invocation) -> Result<Value, HandlerError> {
        self.handle_payload(Payload::read(text), invocation).await
    }

    async fn handle_payload(&self, payload: Payload, invocation: Invocation) -> Result<Value, HandlerError> {
        let mut results = Vec::new();
        let mut tasks = Vec::new();
        for request in unwrap_sns(payload) {
            match request {
                Ok(raw) => {
                    let (this, invocation) = (self.clone(), invocation.clone());
                    tasks.push(tokio::spawn(
                        async move { this.handle_request(raw, invocation).await }.in_current_span(),
                    ));
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

    async fn handle_request(&self, payload: Payload, invocation: Invocation) -> Result<Value, HandlerError> {
        let envelope = Envelope::read(&payload.value);
        let span = info_span!(
            "request",
            RequestType = %envelope.request_type,
            StackId = %envelope.stack_id,
            LogicalResourceId = %envelope.logical_resource_id,
            RequestId = %envelope.request_id,
            AwsRequestId = invocation.lambda_request_id.as_deref(),
            XRayTraceId = invocation.xray_trace_id.as_deref(),
        );
        async move {
            let responder = self.responder(&envelope)?;
            let request = Request::from_payload(&payload);
            let limits = deadlines(
                invocation.started,
                invocation.deadline,
                request.as_ref().ok().and_then(|r| r.service_timeout),
                responder.as_ref().and_then(|r| r.url.expires_at()),
                responder.as_ref().and_then(|r| r.url.signed_at()),
            );
            let outcome = match request {
                Err(e) => Outcome::Failed {
                    physical_id: physical_id::for_failure(None, &envelope),
                    reason: format!("invalid request: {e}"),
                },
                Ok(request) => {
                    let function_arn = invocation.invoked_function_arn.as_deref();
                    self.supervise(request, &envelope, invocation.started, limits, function_arn).await
                }
            };
            match &outcome {
                Outcome::Success { physical_id, .. } => info!(physical_id, "SUCCESS"),
                Outcome::Failed { physical_id, reason } => warn!(physical_id, reason, "FAILED"),
            }
            answer(&envelope, outcome, responder, limits.send).await
        }
        .instrument(span)
        .await
    }

    /// The responder of a request, or none in provider mode. The Provider framework still passes a
    /// ResponseURL, so only the environment can say which mode this is.
    fn responder(&self, envelope: &Envelope) -> Result<Option<Responder<S>>, HandlerError> {
        let (Some(url), Mode::Respond) = (&envelope.response_url, self.mode) else { return Ok(None) };
        match ResponseUrl::parse(url, self.url_policy) {
            Ok(url) => Ok(Some(Responder { url, sender: self.sender.clone() })),
            Err(e) => {
                error!(error = %e, "the ResponseURL is unusable; no response can be sent");
                Err(HandlerError::Unanswerable(e.to_string()))
            }
        }
    }

    /// Runs the lifecycle on its own task, so a panic is caught and the deadline can abandon it.
    async fn supervise(
        &self,
        request: Request,
        envelope: &Envelope,
        started: SystemTime,
        limits: Deadlines,
        function_arn: Option<&str>,
    ) -> Outcome {
        let progress = Progress::default();
        progress.step("starting");
        let fallback_id = physical_id::for_failure(Some(&request), envelope);
        let work = Work {
            mode: self.mode,
            windows: self.windows,
            home: function_arn.and_then(Home::from_function_arn),
            deadline: limits.work,
        };
        let task = tokio::spawn({
            let (connect, envelope, progress) = (self.connect.clone(), envelope.clone(), progress.clone());
            let secrets = self.secrets.clone();
            async move { lifecycle::run(&*connect, secrets.as_deref(), &request, &envelope, &progress, &work).await }
                .in_current_span()
        });
        let abort = task.abort_handle();
        let reason = match tokio::time::timeout_at(until(limits.work), task).await {
            Ok(Ok(outcome)) => return outcome,
            Ok(Err(join)) => {
                let (step, _) = progress.snapshot();
                let detail = join.try_into_panic().map(|p| panic_message(p.as_ref())).unwrap_or_else(|e| e.to_string());
                error!(panic = %detail, step, "the handler panicked");
                format!("internal error while {step}: the handler panicked ({detail})")
            }
            Err(_) => {
                abort.abort();
                let (step, _) = progress.snapshot();
                let elapsed = SystemTime::now().duration_since(started).unwrap_or_default().as_secs();
                let limit = match limits.binding {
                    Limit::Lambda => "the Lambda function's timeout",
                    Limit::ServiceTimeout => "the template's ServiceTimeout",
                    Limit::UrlExpiry => "the response URL's expiry",
                };
                error!(elapsed_s = elapsed, step, "timed out");
                format!("timed out after {elapsed} s while {step} (limit: {limit})")
            }
        };
        // A user made before the panic or the deadline is named, so the rollback's Delete removes it.
        let (_, created) = progress.snapshot();
        Outcome::Failed { physical_id: created.unwrap_or(fallback_id), reason }
    }
}

/// Sends the outcome where it goes, and says what the invocation returns.
async fn answer<S: ResponseSender>(
    envelope: &Envelope,
    outcome: Outcome,
    responder: Option<Responder<S>>,
    deadline: SystemTime,
) -> Result<Value, HandlerError> {
    let Some(responder) = responder else {
        return match outcome {
            Outcome::Success { .. } => Ok(response::provider_result(&outcome)),
            Outcome::Failed { reason, .. } => Err(HandlerError::Failed(response::provider_reason(&reason))),
        };
    };
    match responder.send(response::body(envelope, &outcome), deadline).await {
        Delivery::Delivered { .. } | Delivery::Rejected { .. } => Ok(json!({
            "Status": if outcome.is_success() { "SUCCESS" } else { "FAILED" },
            "PhysicalResourceId": outcome.physical_id(),
        })),
        Delivery::Undelivered { last_error, .. } => Err(HandlerError::Undelivered(last_error)),
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
