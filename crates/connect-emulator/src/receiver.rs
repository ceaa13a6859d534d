//! The response receiver: a local stand-in for the presigned S3 URL that CloudFormation puts in `ResponseURL`.
//! It records every request, checks each response document the way CloudFormation and S3 do (so no test can
//! forget to), answers scripted faults on demand, and lets tests await delivered responses without polling.
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
//! // ... run the handler on a request carrying `response_url` ...
//! let response = receiver.next().await; // panics if a malformed response arrived meanwhile
//! assert_eq!(response.status(), "SUCCESS");
//! assert_eq!(response.data_value("UserId"), Some("u-1"));
//! assert_eq!(receiver.responses().len(), 2);
//! # Ok(()) }
//! ```

use std::collections::VecDeque;
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::BuildHasher;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

/// CloudFormation rejects response bodies larger than this.
pub const MAX_BODY_BYTES: usize = 4096;
/// CloudFormation rejects physical ids longer than this.
pub const MAX_PHYSICAL_ID_BYTES: usize = 1024;
/// How long `next`/`delivered` wait before failing the test instead of hanging it forever.
const WAIT_LIMIT: Duration = Duration::from_secs(120);
/// A client that stops sending mid-body is given up on after this long (S3 answers `RequestTimeout`).
const BODY_STALL_LIMIT: Duration = Duration::from_secs(5);
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Bodies are read up to this size so oversized ones can still be reported precisely.
const MAX_READ_BODY_BYTES: usize = 1024 * 1024;
const ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const REGION: &str = "us-east-1";

/// A scripted answer for one upcoming request (see [`Receiver::reply_with`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// Answer with this status code (an S3-style XML error body for non-2xx).
    Status(u16),
    /// Never answer; the connection stays open until the receiver is dropped.
    Hang,
    /// Drop the connection without answering.
    Close,
}

/// One request as the receiver saw it, with the checks it failed.
#[derive(Clone)]
pub struct Recorded {
    pub method: String,
    pub path_and_query: String,
    /// Header names as sent (look up with [`Recorded::header`], case-insensitive).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The status code sent back; `0` when none was (a [`Reply::Hang`] or [`Reply::Close`]).
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
        let now = SystemTime::now();
        let date_secs = epoch_secs(now);
        let query = sigv4_query(&amz_date(now), &self.signature, valid_for);
        self.issue(query, UNIX_EPOCH + Duration::from_secs(date_secs + valid_for.as_secs()))
    }

    /// A legacy SigV2 URL: `Expires` is now + `valid_for`, in epoch seconds.
    pub fn url_sigv2_expiring_in(&self, valid_for: Duration) -> String {
        let expires = epoch_secs(SystemTime::now()) + valid_for.as_secs();
        let query = format!("AWSAccessKeyId={ACCESS_KEY_ID}&Expires={expires}&Signature={}", self.signature);
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

    /// Waits for the next delivered response (each call returns a later one).
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
    /// Panics like [`Receiver::next`].
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
    let mut conn = Conn { stream, buf: Vec::new() };
    let Some(request) = conn.read_request().await else {
        return; // closed or garbled before a request line: nothing to record
    };
    let received_at = SystemTime::now();
    let s3_request_id = random_hex(16).to_uppercase();

    let (reply, detail) = {
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
            Reply::Status(code) => code,
            Reply::Hang | Reply::Close => 0,
        };
        let detail = problems.join("; ");
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
        (reply, detail)
    };
    shared.changed.send_modify(|n| *n += 1);

    match reply {
        Reply::Status(code) => {
            // The client may already have given up; nothing to do about a failed write.
            let _ = conn.write_all(s3_response(code, &s3_request_id, &detail).as_bytes()).await;
        }
        Reply::Hang => std::future::pending::<()>().await,
        Reply::Close => {}
    }
}

fn check_url(issued: &[Issued], target: &str, now: SystemTime) -> Vec<String> {
    match issued.iter().find(|i| i.path_and_query == target) {
        None => vec![
            "the URL is not one this receiver issued: its path or query was altered (S3: SignatureDoesNotMatch)"
                .to_owned(),
        ],
        Some(i) if now >= i.expires_at => vec![format!(
            "the presigned URL expired {} ms before this request (S3: Request has expired)",
            now.duration_since(i.expires_at).unwrap_or_default().as_millis()
        )],
        Some(_) => Vec::new(),
    }
}

fn check_headers(headers: &[(String, String)]) -> Vec<String> {
    headers
        .iter()
        .filter(|(name, value)| name.eq_ignore_ascii_case("content-type") && !value.trim().is_empty())
        .map(|(_, value)| format!("Content-Type is {value:?}; it must be absent or empty (legacy SigV2 URLs sign it)"))
        .collect()
}

/// Checks the response document against what CloudFormation accepts; returns it parsed (`Null` if not JSON).
fn check_document(body: &[u8], problems: &mut Vec<String>) -> Value {
    if body.len() > MAX_BODY_BYTES {
        problems.push(format!("body is {} bytes, over CloudFormation's {MAX_BODY_BYTES}", body.len()));
    }
    let document: Value = match serde_json::from_slice(body) {
        Ok(document) => document,
        Err(err) => {
            problems.push(format!("body is not valid JSON: {err}"));
            return Value::Null;
        }
    };
    let Some(object) = document.as_object() else {
        problems.push("body is not a JSON object".to_owned());
        return document;
    };

    let status = object.get("Status").and_then(Value::as_str);
    if !matches!(status, Some("SUCCESS" | "FAILED")) {
        problems.push(format!("Status is {}, expected \"SUCCESS\" or \"FAILED\"", shown(object.get("Status"))));
    }
    for key in ["StackId", "RequestId", "LogicalResourceId"] {
        if !object.get(key).is_some_and(Value::is_string) {
            problems.push(format!("{key} is {}, expected a string", shown(object.get(key))));
        }
    }
    match object.get("PhysicalResourceId") {
        Some(Value::String(id)) if id.is_empty() => problems.push("PhysicalResourceId is empty".to_owned()),
        Some(Value::String(id)) if id.len() > MAX_PHYSICAL_ID_BYTES => {
            problems.push(format!("PhysicalResourceId is {} bytes, over {MAX_PHYSICAL_ID_BYTES}", id.len()))
        }
        Some(Value::String(_)) => {}
        other => problems.push(format!("PhysicalResourceId is {}, expected a non-empty string", shown(other))),
    }
    match object.get("Reason") {
        Some(Value::String(reason)) if reason.is_empty() && status == Some("FAILED") => {
            problems.push("Reason is empty on FAILED".to_owned());
        }
        Some(Value::String(_)) => {}
        None | Some(Value::Null) if status == Some("FAILED") => {
            problems.push(format!("Reason is {} on FAILED, expected a non-empty string", shown(object.get("Reason"))));
        }
        None | Some(Value::Null) => {}
        other => problems.push(format!("Reason is {}, expected a string", shown(other))),
    }
    match object.get("Data") {
        None | Some(Value::Null) => {}
        Some(Value::Object(data)) => {
            if status != Some("SUCCESS") {
                problems.push("Data is sent on a response that is not SUCCESS".to_owned());
            }
            for (key, value) in data {
                if !value.is_string() {
                    problems.push(format!("Data.{key} is {value}, expected a string (Data must be flat)"));
                }
            }
        }
        other => problems.push(format!("Data is {}, expected an object of strings", shown(other))),
    }
    if let Some(no_echo) = object.get("NoEcho")
        && !no_echo.is_boolean()
    {
        problems.push(format!("NoEcho is {no_echo}, expected a boolean"));
    }
    document
}

fn shown(value: Option<&Value>) -> String {
    value.map_or_else(|| "missing".to_owned(), Value::to_string)
}

fn s3_response(code: u16, request_id: &str, detail: &str) -> String {
    let host_id = random_hex(32);
    let (reason, error) = match code {
        200 => ("OK", None),
        400 => ("Bad Request", Some(("InvalidRequest", detail))),
        403 if !detail.is_empty() => ("Forbidden", Some(("AccessDenied", detail))),
        403 => ("Forbidden", Some(("AccessDenied", "Access Denied"))),
        404 => ("Not Found", Some(("NoSuchKey", "The specified key does not exist."))),
        500 => {
            ("Internal Server Error", Some(("InternalError", "We encountered an internal error. Please try again.")))
        }
        503 => ("Slow Down", Some(("SlowDown", "Please reduce your request rate."))),
        c if (200..300).contains(&c) => ("OK", None),
        _ => ("Error", Some(("Error", "Scripted error."))),
    };
    let (extra_headers, body) = match error {
        None => (format!("ETag: \"{}\"\r\n", random_hex(32)), String::new()),
        Some((error_code, message)) => (
            "Content-Type: application/xml\r\n".to_owned(),
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{error_code}</Code><Message>{}</Message>\
                 <RequestId>{request_id}</RequestId><HostId>{host_id}</HostId></Error>",
                xml_escape(message)
            ),
        ),
    };
    format!(
        "HTTP/1.1 {code} {reason}\r\nx-amz-request-id: {request_id}\r\nx-amz-id-2: {host_id}\r\nServer: AmazonS3\r\n\
         {extra_headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

struct RawRequest {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Framing problems found while reading (Content-Length mismatches, chunked uploads).
    problems: Vec<String>,
}

/// A connection with its read buffer; reads use readiness + `try_read` so only tokio's `net` feature is needed.
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    /// Reads more bytes into `buf`; `Ok(0)` at end of stream.
    async fn fill(&mut self) -> std::io::Result<usize> {
        let mut chunk = [0u8; 8192];
        loop {
            self.stream.readable().await?;
            match self.stream.try_read(&mut chunk) {
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    return Ok(n);
                }
                Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => continue,
                Err(err) => return Err(err),
            }
        }
    }

    async fn fill_within_limit(&mut self) -> Option<usize> {
        match tokio::time::timeout(BODY_STALL_LIMIT, self.fill()).await {
            Ok(Ok(n)) if n > 0 => Some(n),
            _ => None,
        }
    }

    async fn write_all(&mut self, mut bytes: &[u8]) -> std::io::Result<()> {
        while !bytes.is_empty() {
            self.stream.writable().await?;
            match self.stream.try_write(bytes) {
                Ok(n) => bytes = &bytes[n..],
                Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => continue,
                Err(err) => return Err(err),
            }
        }
        Ok(())
    }

    /// Takes `n` bytes from the front of the buffer, reading more as needed; `None` if the client stalls or leaves.
    async fn take(&mut self, n: usize) -> Option<Vec<u8>> {
        while self.buf.len() < n {
            self.fill_within_limit().await?;
        }
        Some(self.buf.drain(..n).collect())
    }

    async fn take_line(&mut self) -> Option<String> {
        loop {
            if let Some(end) = find(&self.buf, b"\r\n") {
                let line = self.buf.drain(..end + 2).collect::<Vec<u8>>();
                return Some(String::from_utf8_lossy(&line[..end]).into_owned());
            }
            if self.buf.len() > MAX_HEAD_BYTES {
                return None;
            }
            self.fill_within_limit().await?;
        }
    }

    async fn read_request(&mut self) -> Option<RawRequest> {
        let head_end = loop {
            if let Some(end) = find(&self.buf, b"\r\n\r\n") {
                break end;
            }
            if self.buf.len() > MAX_HEAD_BYTES || self.fill().await.ok()? == 0 {
                return None;
            }
        };
        let head: Vec<u8> = self.buf.drain(..head_end + 4).collect();
        let head = String::from_utf8_lossy(&head[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let mut request_line = lines.next()?.split(' ');
        let method = request_line.next()?.to_owned();
        let target = request_line.next()?.to_owned();
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
            .collect();
        let header = |name: &str| headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());

        if header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
            self.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await.ok()?;
        }

        let mut problems = Vec::new();
        let chunked = header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
        let body = match (header("content-length"), chunked) {
            (_, true) => {
                problems.push(
                    "Transfer-Encoding is chunked; S3 presigned PUTs need a Content-Length (MissingContentLength)"
                        .to_owned(),
                );
                self.read_chunked(&mut problems).await
            }
            (Some(length), false) => match length.parse::<usize>() {
                Ok(length) if length > MAX_READ_BODY_BYTES => {
                    problems
                        .push(format!("Content-Length is {length}, far over {MAX_BODY_BYTES} bytes; body not read"));
                    Vec::new()
                }
                Ok(length) => self.read_exact_body(length, &mut problems).await,
                Err(_) => {
                    problems.push(format!("Content-Length is {length:?}, not a number"));
                    Vec::new()
                }
            },
            (None, false) => {
                if !self.buf.is_empty() || matches!(self.stream.try_read(&mut [0u8; 1]), Ok(n) if n > 0) {
                    problems.push("Content-Length is missing but a body was sent".to_owned());
                } else {
                    problems.push("Content-Length is missing".to_owned());
                }
                Vec::new()
            }
        };
        Some(RawRequest { method, target, headers, body, problems })
    }

    async fn read_exact_body(&mut self, length: usize, problems: &mut Vec<String>) -> Vec<u8> {
        let Some(body) = self.take(length).await else {
            let got = std::mem::take(&mut self.buf);
            problems.push(format!(
                "Content-Length is {length} but only {} bytes arrived (it must count bytes, not characters)",
                got.len()
            ));
            return got;
        };
        // A client that does not pipeline sends nothing after the body, so any bytes already here (or
        // readable right now) mean the declared length was too short.
        let mut extra = std::mem::take(&mut self.buf);
        let mut chunk = [0u8; 8192];
        while let Ok(n) = self.stream.try_read(&mut chunk) {
            if n == 0 {
                break;
            }
            extra.extend_from_slice(&chunk[..n]);
        }
        if !extra.is_empty() {
            problems.push(format!(
                "Content-Length is {length} but {} more bytes followed the body (it must count bytes, not characters)",
                extra.len()
            ));
            let mut whole = body;
            whole.extend_from_slice(&extra);
            return whole;
        }
        body
    }

    async fn read_chunked(&mut self, problems: &mut Vec<String>) -> Vec<u8> {
        let mut body = Vec::new();
        loop {
            let Some(line) = self.take_line().await else {
                problems.push("chunked body ended early".to_owned());
                return body;
            };
            let size = line.split(';').next().unwrap_or("").trim();
            let Ok(size) = usize::from_str_radix(size, 16) else {
                problems.push(format!("malformed chunk size {line:?}"));
                return body;
            };
            if size == 0 {
                // Trailers, then the blank line that ends the message.
                while let Some(trailer) = self.take_line().await {
                    if trailer.is_empty() {
                        break;
                    }
                }
                return body;
            }
            if body.len() + size > MAX_READ_BODY_BYTES {
                problems.push("chunked body too large; not read".to_owned());
                return body;
            }
            match self.take(size + 2).await {
                Some(chunk) => body.extend_from_slice(&chunk[..size]),
                None => {
                    problems.push("chunked body ended early".to_owned());
                    return body;
                }
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn response_path(n: u64) -> String {
    // The shape of CloudFormation's object keys, percent-encoding included: a client that decodes and
    // re-encodes the URL breaks the signature.
    format!(
        "/cloudformation-custom-resource-response/useast1/arn%3Aaws%3Acloudformation%3A{REGION}%3A123456789012%3Astack/\
         test-stack/{}%7CTestResource%7C{n}-{}",
        random_hex(8),
        random_hex(12)
    )
}

fn sigv4_query(date: &str, signature: &str, valid_for: Duration) -> String {
    let day = &date[..8];
    format!(
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={ACCESS_KEY_ID}%2F{day}%2F{REGION}%2Fs3%2Faws4_request\
         &X-Amz-Date={date}&X-Amz-Expires={}&X-Amz-SignedHeaders=host&X-Amz-Signature={signature}",
        valid_for.as_secs()
    )
}

fn epoch_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs()
}

/// `YYYYMMDD'T'HHMMSS'Z'` in UTC, the format of `X-Amz-Date`.
pub fn amz_date(t: SystemTime) -> String {
    let secs = epoch_secs(t);
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// Random lowercase hex (std's per-instance SipHash keys are random; good enough for test identifiers).
pub(crate) fn random_hex(len: usize) -> String {
    let mut out = String::with_capacity(len + 16);
    while out.len() < len {
        out.push_str(&format!("{:016x}", RandomState::new().hash_one(out.len())));
    }
    out.truncate(len);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amz_date_formats_known_instants() {
        assert_eq!(amz_date(UNIX_EPOCH), "19700101T000000Z");
        assert_eq!(amz_date(UNIX_EPOCH + Duration::from_secs(951_782_400)), "20000229T000000Z");
        assert_eq!(amz_date(UNIX_EPOCH + Duration::from_secs(1_735_689_599)), "20241231T235959Z");
    }

    #[test]
    fn random_hex_has_the_asked_length_and_varies() {
        let a = random_hex(64);
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, random_hex(64));
    }
}
