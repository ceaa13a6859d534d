//! The supervision of one invocation: the one place where any end of a request — success, error, panic,
//! deadline — becomes exactly one response, PUT through the [`ResponseSender`] port or returned to the CDK
//! Provider framework in provider mode.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};
use tracing::{Instrument, error, info, info_span, warn};

use super::lifecycle::{self, Claim, Progress, Settled, Windows, Work};
use super::names::NameCache;
use super::ports::{Connect, Delivery, ResponseSender, Secrets};
use crate::core::deadline::{Deadlines, deadlines, settle_until};
use crate::core::event::{Envelope, Payload, Request, unwrap_sns};
use crate::core::failure::{Failure, Settlement};
pub use crate::core::mode::Mode;
use crate::core::physical_id;
use crate::core::placement::Home;
use crate::core::response::{self, Outcome};
use crate::core::response_url::{ResponseUrl, UrlPolicy};

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
    /// The names resolved in this execution environment.
    names: Arc<NameCache>,
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
            names: self.names.clone(),
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
            names: Arc::default(),
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
            let mode = self.mode.for_request(envelope.response_url.is_some());
            let responder = self.responder(&envelope, mode)?;
            let request = Request::from_payload(&payload);
            let limits = deadlines(
                invocation.started,
                invocation.deadline,
                request.as_ref().ok().and_then(|r| r.service_timeout),
                responder.as_ref().and_then(|r| r.url.expires_at()),
                responder.as_ref().and_then(|r| r.url.signed_at()),
            );
            let (outcome, outstanding) = match request {
                Err(e) => {
                    let physical_id = physical_id::for_failure(None, &envelope, None);
                    (Outcome::Failed { physical_id, reason: format!("invalid request: {e}") }, None)
                }
                Ok(request) => {
                    let function_arn = invocation.invoked_function_arn.as_deref();
                    self.supervise(request, &envelope, mode, invocation.started, limits, function_arn).await
                }
            };
            match &outcome {
                Outcome::Success { physical_id, .. } => info!(physical_id, "SUCCESS"),
                Outcome::Failed { physical_id, reason } => warn!(physical_id, reason, "FAILED"),
            }
            let Some(responder) = responder else { return provider_answer(&outcome) };
            let delivery = responder.send(response::body(&envelope, &outcome), limits.send).await;
            if let (Delivery::Rejected { status, .. }, Some(claim)) = (&delivery, outstanding) {
                self.undo_unannounced(claim, *status, &limits).await;
            }
            delivered_answer(&outcome, delivery)
        }
        .instrument(span)
        .await
    }

    /// The responder of a request, or none in provider mode (`mode`, the request's, decided once).
    fn responder(&self, envelope: &Envelope, mode: Mode) -> Result<Option<Responder<S>>, HandlerError> {
        let (Some(url), Mode::Respond) = (&envelope.response_url, mode) else { return Ok(None) };
        match ResponseUrl::parse(url, self.url_policy) {
            Ok(url) => Ok(Some(Responder { url, sender: self.sender.clone() })),
            Err(e) => {
                error!(error = %e, "the ResponseURL is unusable; no response can be sent");
                Err(HandlerError::Unanswerable(e.to_string()))
            }
        }
    }

    /// Runs the lifecycle on its own task, so a panic is caught and the deadline can abandon it; then, if it
    /// failed, settles the user it made or took over, the same way whichever way it failed (lifecycle::settle).
    async fn supervise(
        &self,
        request: Request,
        envelope: &Envelope,
        mode: Mode,
        started: SystemTime,
        limits: Deadlines,
        function_arn: Option<&str>,
    ) -> (Outcome, Option<Claim>) {
        let progress = Progress::default();
        progress.step("starting");
        let work = Work {
            windows: self.windows,
            home: function_arn.and_then(Home::from_function_arn),
            deadline: limits.work,
            held: limits.held,
            names: self.names.clone(),
        };
        let mut task = tokio::spawn({
            let (connect, envelope, progress, request) =
                (self.connect.clone(), envelope.clone(), progress.clone(), request.clone());
            let secrets = self.secrets.clone();
            async move { lifecycle::run(&*connect, secrets.as_deref(), &request, &envelope, &progress, &work).await }
                .in_current_span()
        });
        // The work ends at `limits.work`, or earlier, at `limits.held`, while a failure would leave the clean-up calls
        // to make (a `CreateUser` in flight, above all): the clean-up then has that time however late the work ends.
        let mut claims = progress.watch_claim();
        let failure = loop {
            let cleanup_calls = claims.borrow_and_update().as_ref().is_some_and(|c| c.settles_with_calls(mode));
            let ends = if cleanup_calls { limits.held } else { limits.work };
            tokio::select! {
                joined = &mut task => break match joined {
                    Ok(Ok(done)) => {
                        let (_, made) = progress.snapshot();
                        return (Outcome::Success { physical_id: done.physical_id, data: done.data }, made);
                    }
                    Ok(Err(failure)) => failure,
                    Err(join) => {
                        let (step, _) = progress.snapshot();
                        let detail =
                            join.try_into_panic().map(|p| panic_message(p.as_ref())).unwrap_or_else(|e| e.to_string());
                        error!(panic = %detail, step, "the handler panicked");
                        Failure::Panicked { step, detail }
                    }
                },
                () = tokio::time::sleep_until(until(ends)) => {
                    task.abort();
                    // An aborted task stops at its next await; until it has, it could still record a user.
                    let _ = tokio::time::timeout_at(until(limits.send), &mut task).await;
                    let (step, _) = progress.snapshot();
                    let elapsed = SystemTime::now().duration_since(started).unwrap_or_default().as_secs();
                    error!(elapsed_s = elapsed, step, "timed out");
                    break Failure::TimedOut { elapsed, step, limit: limits.binding };
                }
                Ok(()) = claims.changed() => {}
            }
        };
        let (_, claim) = progress.snapshot();
        let by = settle_until(SystemTime::now(), &limits, mode);
        let Settled { named, settlement } =
            lifecycle::settle(&*self.connect, claim, mode, self.windows.pause, until(by)).await;
        let outcome = Outcome::Failed {
            physical_id: physical_id::for_failure(Some(&request), envelope, named.as_ref()),
            reason: format!("{failure}{settlement}"),
        };
        (outcome, named.map(Claim::Made))
    }

    /// The response URL refused the response for good (an expired or forged URL): CloudFormation will never learn of
    /// the user this request made or took over, and no rollback will ever name it. So it is undone as provider mode
    /// undoes a failed Create's user: deleted if made, given back if taken over.
    async fn undo_unannounced(&self, claim: Claim, status: u16, limits: &Deadlines) {
        error!(status, "the response was refused; undoing what CloudFormation will never learn of");
        let by = settle_until(SystemTime::now(), limits, Mode::Return);
        let settled = lifecycle::settle(&*self.connect, Some(claim), Mode::Return, self.windows.pause, until(by)).await;
        match settled.settlement {
            Settlement::Deleted | Settlement::Released => info!(settlement = %settled.settlement, "undone"),
            _ => error!(settlement = %settled.settlement, "could not be undone"),
        }
    }
}

/// What a provider-mode invocation returns: the result document, or the failure whose message is the Reason.
fn provider_answer(outcome: &Outcome) -> Result<Value, HandlerError> {
    match outcome {
        Outcome::Success { .. } => Ok(response::provider_result(outcome)),
        Outcome::Failed { reason, .. } => Err(HandlerError::Failed(response::provider_reason(reason))),
    }
}

/// What an ordinary-mode invocation returns once the PUT is over: success when CloudFormation got the response or
/// refused it for good (Lambda's retry cannot help), an error when it may still be delivered by a retry.
fn delivered_answer(outcome: &Outcome, delivery: Delivery) -> Result<Value, HandlerError> {
    match delivery {
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
