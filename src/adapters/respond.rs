//! The response PUT to the presigned URL: the [`ResponseSender`] port over `reqwest`.
//!
//! No Content-Type (legacy SigV2 URLs sign it), a byte-exact Content-Length, the status checked,
//! network errors and 5xx retried with backoff and jitter until the deadline, 4xx never retried.

use std::time::{Duration, SystemTime};

use tracing::{error, info, warn};

use crate::app::ports::{Delivery, ResponseSender};
use crate::core::backoff::Backoff;
use crate::core::response_url::ResponseUrl;

/// Cap on one PUT attempt; S3 answers in milliseconds when it answers at all.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// The HTTP client for responses, built once per execution environment.
pub fn http_client() -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder().connect_timeout(CONNECT_TIMEOUT).build()
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
                Ok(answer) if answer.status().is_success() => {
                    let status = answer.status().as_u16();
                    info!(status, attempts, s3_request_id = s3_request_id(&answer), url = %url, "response delivered");
                    return Delivery::Delivered { status, attempts };
                }
                Ok(answer) if answer.status().is_client_error() => {
                    let status = answer.status().as_u16();
                    error!(status, attempts, s3_request_id = s3_request_id(&answer), url = %url,
                        "response rejected by the response URL; it is expired or invalid, so it is not retried");
                    return Delivery::Rejected { status, attempts };
                }
                Ok(answer) => format!("HTTP {}", answer.status().as_u16()),
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
