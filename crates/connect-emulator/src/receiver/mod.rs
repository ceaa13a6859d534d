//! The response receiver: a local stand-in for the presigned S3 URL that CloudFormation puts in `ResponseURL`.
//! It records every request, checks each response document the way CloudFormation and S3 do (so no test can
//! forget to), answers scripted faults on demand, and tells tests exactly which PUTs one request made
//! ([`Receiver::sole_response_since`]), or lets them await delivered responses without polling.
//! Test and local-run support only: the Lambda binary must never link it.
//!
//! It speaks HTTP/1.1 itself, on raw sockets, so that it can see what a framework would hide (a
//! `Content-Length` that does not match the body, chunked uploads) and can hang or drop a connection on demand.
//! One request per connection (`Connection: close`).
//!
//! ```no_run
//! # async fn example() -> std::io::Result<()> {
//! use connect_emulator::receiver::{Receiver, Reply};
//!
//! let receiver = Receiver::start().await?;
//! let response_url = receiver.url(); // goes into the request's "ResponseURL"
//! receiver.reply_with(vec![Reply::Status(500)]); // the first PUT fails, the retry succeeds
//! let mark = receiver.mark();
//! // ... run the handler on a request with RequestId "r-1" carrying `response_url`, until it returns ...
//! // Exactly two PUTs for "r-1" since the mark, one document, the second delivered; a third PUT would panic.
//! let response = receiver.sole_response_since(mark, "r-1", 2);
//! assert_eq!(response.status(), "SUCCESS");
//! assert_eq!(response.data_value("UserId"), Some("u-1"));
//! # Ok(()) }
//! ```

mod checks;
mod expect;
mod http;
mod s3;

use std::collections::VecDeque;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use checks::{check_document, check_headers, check_url};
pub use expect::Mark;
use http::Conn;
pub use s3::amz_date;
pub(crate) use s3::random_hex;
use s3::{epoch_secs, response_path, s3_redirect, s3_request_timeout, s3_response, sigv2_query, sigv4_query};

/// CloudFormation rejects response bodies larger than this.
pub const MAX_BODY_BYTES: usize = 4096;
/// CloudFormation rejects physical ids longer than this.
pub const MAX_PHYSICAL_ID_BYTES: usize = 1024;
/// How long `next`/`delivered` wait before failing the test instead of hanging it forever.
const WAIT_LIMIT: Duration = Duration::from_secs(120);

/// A scripted answer for one upcoming request (see [`Receiver::reply_with`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// Answer with this status code (an S3-style XML error body for non-2xx).
    Status(u16),
    /// Never answer; the connection stays open until the receiver is dropped.
    Hang,
    /// Drop the connection without answering.
    Close,
    /// S3's `400 Bad Request` with the XML error code `RequestTimeout`: the upload stalled on S3's side.
    /// Unlike other 400s, a new attempt may succeed.
    RequestTimeout,
    /// A redirect with this status (301, 302, 307, 308…) whose `Location` is the same path and query on
    /// `to` — the shape of S3's redirects to a regional endpoint. Point `to` at a second receiver to see
    /// whether a client follows it.
    Redirect {
        /// The 3xx status.
        status: u16,
        /// Where `Location` points.
        to: SocketAddr,
    },
}

/// One request as the receiver saw it, with the checks it failed.
#[derive(Clone)]
pub struct Recorded {
    pub method: String,
    pub path_and_query: String,
    /// Header names as sent (look up with [`Recorded::header`], case-insensitive).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The status code sent back (`400` for [`Reply::RequestTimeout`]); `0` when none was (a [`Reply::Hang`]
    /// or [`Reply::Close`]).
    pub status_answered: u16,
    /// Every rule of CloudFormation or S3 the request broke; empty for a valid response.
    pub problems: Vec<String>,
    /// The `x-amz-request-id` header sent back (also sent, and recorded, for Hang/Close though never seen).
    pub s3_request_id: String,
    /// When the request had been read in full.
    pub received_at: SystemTime,
    document: Value,
}

impl Recorded {
    /// The body parsed as JSON (`Value::Null` when it is not JSON).
    pub fn json(&self) -> Value {
        self.document.clone()
    }

    /// `"SUCCESS"`, `"FAILED"`, or whatever string the body held (`""` when none).
    pub fn status(&self) -> &str {
        self.str_field("Status").unwrap_or("")
    }

    pub fn reason(&self) -> Option<&str> {
        self.str_field("Reason")
    }

    pub fn physical_id(&self) -> Option<&str> {
        self.str_field("PhysicalResourceId")
    }

    pub fn stack_id(&self) -> Option<&str> {
        self.str_field("StackId")
    }

    pub fn request_id(&self) -> Option<&str> {
        self.str_field("RequestId")
    }

    pub fn logical_id(&self) -> Option<&str> {
        self.str_field("LogicalResourceId")
    }

    pub fn no_echo(&self) -> Option<bool> {
        self.document.get("NoEcho").and_then(Value::as_bool)
    }

    /// The `Data` object, if the body has one.
    pub fn data(&self) -> Option<&Map<String, Value>> {
        self.document.get("Data").and_then(Value::as_object)
    }

    /// One string value of `Data`.
    pub fn data_value(&self, key: &str) -> Option<&str> {
        self.data().and_then(|data| data.get(key)).and_then(Value::as_str)
    }

    /// A request header by name, case-insensitive.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Whether it was answered 2xx, i.e. CloudFormation would have taken it.
    pub fn is_delivered(&self) -> bool {
        (200..300).contains(&self.status_answered)
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Panics, listing the problems, unless the request was a valid response.
    #[track_caller]
    pub fn assert_valid(&self) {
        if !self.problems.is_empty() {
            panic!("invalid CloudFormation response:\n{}", describe_problems(std::slice::from_ref(self)));
        }
    }

    fn str_field(&self, key: &str) -> Option<&str> {
        self.document.get(key).and_then(Value::as_str)
    }
}

impl fmt::Debug for Recorded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorded")
            .field("method", &self.method)
            .field("path_and_query", &self.path_and_query)
            .field("headers", &self.headers)
            .field("body", &self.body_text())
            .field("status_answered", &self.status_answered)
            .field("problems", &self.problems)
            .field("s3_request_id", &self.s3_request_id)
            .finish()
    }
}

/// A URL of the receiver's shape on a local port where nothing listens, for "connection refused" cases.
pub fn dead_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(9);
    let now = SystemTime::now();
    let date = amz_date(now);
    format!(
        "http://127.0.0.1:{port}{}?{}",
        response_path(0),
        sigv4_query(&date, &random_hex(64), Duration::from_secs(7200))
    )
}

/// The receiver's handle; the server stops when it is dropped.
pub struct Receiver {
    addr: SocketAddr,
    signature: String,
    shared: Arc<Shared>,
    server: JoinHandle<()>,
}

struct Shared {
    state: Mutex<State>,
    /// Bumped on every recorded request, so waiters wake without polling.
    changed: watch::Sender<u64>,
}

#[derive(Default)]
struct State {
    recorded: Vec<Recorded>,
    script: VecDeque<Reply>,
    issued: Vec<Issued>,
    /// How many delivered responses `next` has handed out.
    next_cursor: usize,
    url_count: u64,
}

struct Issued {
    path_and_query: String,
    expires_at: SystemTime,
}

impl Receiver {
    /// Binds `127.0.0.1:0` and starts serving on the current tokio runtime.
    pub async fn start() -> std::io::Result<Receiver> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (changed, _) = watch::channel(0);
        let shared = Arc::new(Shared { state: Mutex::new(State::default()), changed });
        let server = tokio::spawn(serve(listener, shared.clone()));
        Ok(Receiver { addr, signature: random_hex(64), shared, server })
    }

    /// A fresh SigV4 presigned URL, valid 7200 s from now, like CloudFormation's.
    pub fn url(&self) -> String {
        self.url_sigv4_expiring_in(Duration::from_secs(7200))
    }

    /// A SigV4 URL: `X-Amz-Date` is now (whole seconds), `X-Amz-Expires` is `valid_for` in whole seconds.
    pub fn url_sigv4_expiring_in(&self, valid_for: Duration) -> String {
        self.url_sigv4_signed_at(SystemTime::now(), valid_for)
    }

    /// A SigV4 URL signed at `signed` (whole seconds) and valid for `valid_for` after it: a request that
    /// CloudFormation signed a while before the function got it (an SNS hop, a Lambda retry).
    pub fn url_sigv4_signed_at(&self, signed: SystemTime, valid_for: Duration) -> String {
        let date_secs = epoch_secs(signed);
        let query = sigv4_query(&amz_date(signed), &self.signature, valid_for);
        self.issue(query, UNIX_EPOCH + Duration::from_secs(date_secs + valid_for.as_secs()))
    }

    /// A legacy SigV2 URL: `Expires` is now + `valid_for`, in epoch seconds.
    pub fn url_sigv2_expiring_in(&self, valid_for: Duration) -> String {
        let expires = epoch_secs(SystemTime::now()) + valid_for.as_secs();
        let query = sigv2_query(expires, &self.signature);
        self.issue(query, UNIX_EPOCH + Duration::from_secs(expires))
    }

    /// The secret signature in every URL this receiver issues, so tests can check logs never show it.
    pub fn signature(&self) -> &str {
        &self.signature
    }

    pub fn address(&self) -> SocketAddr {
        self.addr
    }

    /// Scripts the answers to the next requests, in order; requests after the script get the normal answer.
    pub fn reply_with(&self, replies: Vec<Reply>) {
        self.shared.lock().script.extend(replies);
    }

    /// Every request received so far, in order, whatever it was answered.
    pub fn responses(&self) -> Vec<Recorded> {
        self.shared.lock().recorded.clone()
    }

    /// The requests answered 2xx so far.
    pub fn delivered_now(&self) -> Vec<Recorded> {
        self.shared.lock().recorded.iter().filter(|r| r.is_delivered()).cloned().collect()
    }

    /// Waits for the next delivered response (each call returns a later one). Like [`Receiver::delivered`],
    /// it proves nothing about a PUT too many.
    ///
    /// Panics if any request with problems has arrived, or if nothing arrives within two minutes.
    pub async fn next(&self) -> Recorded {
        self.wait_until("the next delivered response", |state| {
            let found = state.recorded.iter().filter(|r| r.is_delivered()).nth(state.next_cursor).cloned();
            if found.is_some() {
                state.next_cursor += 1;
            }
            found
        })
        .await
    }

    /// Waits until `n` responses have been delivered and returns the first `n`.
    ///
    /// It says nothing of what may arrive after the `n`-th: to check that a request was answered exactly once,
    /// use [`Receiver::sole_response_since`] once its handling has returned. Panics like [`Receiver::next`].
    pub async fn delivered(&self, n: usize) -> Vec<Recorded> {
        self.wait_until(&format!("{n} delivered responses"), |state| {
            let delivered: Vec<Recorded> =
                state.recorded.iter().filter(|r| r.is_delivered()).take(n).cloned().collect();
            (delivered.len() == n).then_some(delivered)
        })
        .await
    }

    fn issue(&self, query: String, expires_at: SystemTime) -> String {
        let mut state = self.shared.lock();
        state.url_count += 1;
        let path_and_query = format!("{}?{query}", response_path(state.url_count));
        state.issued.push(Issued { path_and_query: path_and_query.clone(), expires_at });
        format!("http://{}{path_and_query}", self.addr)
    }

    async fn wait_until<T>(&self, what: &str, mut ready: impl FnMut(&mut State) -> Option<T>) -> T {
        let mut changes = self.shared.changed.subscribe();
        let limit = tokio::time::sleep(WAIT_LIMIT);
        tokio::pin!(limit);
        loop {
            let failure = {
                let mut state = self.shared.lock();
                let bad: Vec<Recorded> = state.recorded.iter().filter(|r| !r.problems.is_empty()).cloned().collect();
                if bad.is_empty() {
                    if let Some(found) = ready(&mut state) {
                        return found;
                    }
                    None
                } else {
                    Some(bad)
                }
            };
            if let Some(bad) = failure {
                panic!("while waiting for {what}, invalid responses arrived:\n{}", describe_problems(&bad));
            }
            tokio::select! {
                _ = changes.changed() => {}
                () = &mut limit => {
                    let seen = self.responses();
                    panic!("no {what} within {} s; received: {seen:#?}", WAIT_LIMIT.as_secs());
                }
            }
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        // Aborting the accept loop drops its JoinSet, which aborts every connection task (hanging ones too).
        self.server.abort();
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn describe_problems(records: &[Recorded]) -> String {
    records
        .iter()
        .map(|r| {
            let problems: String = r.problems.iter().map(|p| format!("  - {p}\n")).collect();
            format!(
                "{} {} (answered {}):\n{problems}  body: {}",
                r.method,
                r.path_and_query,
                r.status_answered,
                r.body_text()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(handle_connection(stream, shared.clone()));
                }
                // Out of file descriptors and the like: back off rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn handle_connection(stream: TcpStream, shared: Arc<Shared>) {
    let mut conn = Conn::new(stream);
    let Some(request) = conn.read_request().await else {
        return; // closed or garbled before a request line: nothing to record
    };
    let received_at = SystemTime::now();
    let s3_request_id = random_hex(16).to_uppercase();

    let (reply, detail, location) = {
        let mut state = shared.lock();
        let mut problems = request.problems;
        let url_problems = check_url(&state.issued, &request.target, received_at);
        let url_rejected = !url_problems.is_empty();
        problems.extend(url_problems);
        if !request.method.eq_ignore_ascii_case("PUT") {
            problems.push(format!("method is {}, CloudFormation expects PUT", request.method));
        }
        problems.extend(check_headers(&request.headers));
        let document = check_document(&request.body, &mut problems);
        let reply = state.script.pop_front().unwrap_or(if url_rejected {
            Reply::Status(403)
        } else if problems.is_empty() {
            Reply::Status(200)
        } else {
            Reply::Status(400)
        });
        let status_answered = match reply {
            Reply::Status(code) | Reply::Redirect { status: code, .. } => code,
            Reply::RequestTimeout => 400,
            Reply::Hang | Reply::Close => 0,
        };
        let detail = problems.join("; ");
        let location = match reply {
            Reply::Redirect { to, .. } => format!("http://{to}{}", request.target),
            _ => String::new(),
        };
        state.recorded.push(Recorded {
            method: request.method,
            path_and_query: request.target,
            headers: request.headers,
            body: request.body,
            status_answered,
            problems,
            s3_request_id: s3_request_id.clone(),
            received_at,
            document,
        });
        (reply, detail, location)
    };
    shared.changed.send_modify(|n| *n += 1);

    // The client may already have given up; nothing to do about a failed write.
    match reply {
        Reply::Status(code) => {
            let _ = conn.write_all(s3_response(code, &s3_request_id, &detail).as_bytes()).await;
        }
        Reply::RequestTimeout => {
            let _ = conn.write_all(s3_request_timeout(&s3_request_id).as_bytes()).await;
        }
        Reply::Redirect { status, .. } => {
            let _ = conn.write_all(s3_redirect(status, &s3_request_id, &location).as_bytes()).await;
        }
        Reply::Hang => std::future::pending::<()>().await,
        Reply::Close => {}
    }
}
