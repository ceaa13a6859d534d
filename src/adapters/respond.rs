//! The response PUT to the presigned URL: the [`ResponseSender`] port over `reqwest` (docs/protocol.md §5).
//!
//! No Content-Type (legacy SigV2 URLs sign it), a byte-exact Content-Length, the status checked. Transient
//! failures — network errors, 5xx, 429, 408 and S3's `400 RequestTimeout` — are retried with backoff and
//! jitter until the deadline; any other 4xx is final. Redirects are never followed: a 3xx is final too.

use std::time::{Duration, SystemTime};

use tracing::{error, info, warn};

use crate::app::ports::{Delivery, ResponseSender};
use crate::core::backoff::Backoff;
use crate::core::response_url::ResponseUrl;

/// Cap on one PUT attempt; S3 answers in milliseconds when it answers at all.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// How much of a `400` body is read to find S3's error code: its XML error is a few hundred bytes, and a
/// hostile server must not make the function buffer more.
const MAX_ERROR_BODY_BYTES: usize = 4 * 1024;

/// The HTTP client for responses, built once per execution environment.
///
/// Redirects are disabled: the ResponseURL passed an allow-list, and following a `Location` would send the
/// document (and the function's network position) wherever the answering server chooses.
pub fn http_client() -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder().connect_timeout(CONNECT_TIMEOUT).redirect(reqwest::redirect::Policy::none()).build()
}

/// Sends responses over HTTP with one client shared by every request of the execution environment.
#[derive(Debug, Clone)]
pub struct HttpSender {
    client: reqwest::Client,
    backoff: Backoff,
}

impl HttpSender {
    /// A sender over `client` that waits as `backoff` says between attempts.
    pub fn new(client: reqwest::Client, backoff: Backoff) -> Self {
        Self { client, backoff }
    }
}

impl ResponseSender for HttpSender {
    async fn put(&self, url: &ResponseUrl, body: Vec<u8>, deadline: SystemTime) -> Delivery {
        let mut attempts = 0;
        let last_error = loop {
            attempts += 1;
            let remaining = deadline.duration_since(SystemTime::now()).unwrap_or_default();
            let result = self
                .client
                .put(url.expose())
                .header(reqwest::header::CONTENT_LENGTH, body.len())
                .body(body.clone())
                .timeout(remaining.min(ATTEMPT_TIMEOUT).max(Duration::from_millis(50)))
                .send()
                .await;
            let retryable = match result {
                Ok(answer) => {
                    let status = answer.status().as_u16();
                    let s3_request_id = s3_request_id(&answer);
                    match classify(answer).await {
                        Verdict::Delivered => {
                            info!(status, attempts, s3_request_id, url = %url, "response delivered");
                            return Delivery::Delivered { status, attempts };
                        }
                        Verdict::Redirected => {
                            error!(status, attempts, s3_request_id, url = %url,
                                "the response URL answered with a redirect, which is not followed; not retried");
                            return Delivery::Rejected { status, attempts };
                        }
                        Verdict::Rejected => {
                            error!(status, attempts, s3_request_id, url = %url,
                                "response rejected by the response URL; it is expired or invalid, so not retried");
                            return Delivery::Rejected { status, attempts };
                        }
                        Verdict::Transient(why) => why,
                    }
                }
                // reqwest's errors carry the URL; strip it, since its query string is a credential.
                Err(e) => describe(&e.without_url()),
            };
            let delay = self.backoff.delay(attempts);
            let left = deadline.duration_since(SystemTime::now()).unwrap_or_default();
            if left <= delay {
                break retryable;
            }
            warn!(attempts, error = %retryable, delay_ms = delay.as_millis() as u64, "response PUT failed; retrying");
            tokio::time::sleep(delay).await;
        };
        error!(attempts, error = %last_error, url = %url, "response could not be delivered before the deadline");
        Delivery::Undelivered { last_error, attempts }
    }
}

/// What one answer means for the delivery.
enum Verdict {
    /// 2xx.
    Delivered,
    /// 3xx: not followed, and not retried (the URL will redirect again).
    Redirected,
    /// A final 4xx: the URL is expired or forged and stays so.
    Rejected,
    /// Worth another attempt; says what went wrong.
    Transient(String),
}

/// Sorts an answer; reads (a bounded prefix of) the body only for a `400`, whose S3 error code decides.
async fn classify(answer: reqwest::Response) -> Verdict {
    let status = answer.status();
    let code = status.as_u16();
    if status.is_success() {
        Verdict::Delivered
    } else if status.is_redirection() {
        Verdict::Redirected
    } else if code == 408 || code == 429 {
        Verdict::Transient(format!("HTTP {code}"))
    } else if code == 400 {
        // S3 answers `400 RequestTimeout` when the upload stalled on its side: a new attempt can succeed.
        if s3_error_code(answer).await.as_deref() == Some("RequestTimeout") {
            Verdict::Transient("HTTP 400 RequestTimeout".to_owned())
        } else {
            Verdict::Rejected
        }
    } else if status.is_client_error() {
        Verdict::Rejected
    } else {
        // 5xx, and whatever else a server may invent: not a verdict on the URL.
        Verdict::Transient(format!("HTTP {code}"))
    }
}

/// The `<Code>` of an S3 XML error body, read from at most [`MAX_ERROR_BODY_BYTES`]; `None` when the body
/// cannot be read (then the answer stays a plain, final `400`).
async fn s3_error_code(mut answer: reqwest::Response) -> Option<String> {
    let mut body = Vec::new();
    while body.len() < MAX_ERROR_BODY_BYTES {
        match answer.chunk().await {
            Ok(Some(chunk)) => {
                let room = MAX_ERROR_BODY_BYTES - body.len();
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Ok(None) | Err(_) => break,
        }
    }
    let text = String::from_utf8_lossy(&body);
    let start = text.find("<Code>")? + "<Code>".len();
    let len = text[start..].find("</Code>")?;
    Some(text[start..start + len].trim().to_owned())
}

fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    let mut text = format!("{kind}: {e}");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(&format!(": {s}"));
        source = s.source();
    }
    text
}

fn s3_request_id(answer: &reqwest::Response) -> Option<String> {
    answer.headers().get("x-amz-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned)
}
