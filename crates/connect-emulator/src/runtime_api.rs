//! A fake AWS Lambda Runtime API: the HTTP protocol Lambda offers a custom runtime, so tests can start the real
//! release binary with `AWS_LAMBDA_RUNTIME_API=127.0.0.1:PORT`, hand it invocations with chosen deadlines, collect
//! its results and time its cold start. It does not run, time out or kill the process; the test does that.
//! Test support only: the Lambda binary must never link it.
//!
//! Routes, as `lambda_runtime` 1.5 uses them: `GET /2018-06-01/runtime/invocation/next` (long-polls; answers the
//! payload with `Lambda-Runtime-Aws-Request-Id`, `Lambda-Runtime-Deadline-Ms`, `Lambda-Runtime-Invoked-Function-Arn`
//! and `Lambda-Runtime-Trace-Id`), `POST …/invocation/{id}/response`, `POST …/invocation/{id}/error` and
//! `POST /2018-06-01/runtime/init/error`, each answered `202 {"status":"OK"}` as Lambda does.
//!
//! ```no_run
//! # async fn example() -> std::io::Result<()> {
//! use connect_emulator::runtime_api::{FakeRuntime, Invocation};
//! use std::time::Duration;
//!
//! let runtime = FakeRuntime::start().await?;
//! let mut child = std::process::Command::new("target/release/cfn-connect-user")
//!     .env_clear()
//!     .envs(runtime.lambda_env())
//!     .spawn()?;
//! let id = runtime.invoke(serde_json::json!({"RequestType": "Create"}), Duration::from_secs(30));
//! match runtime.result(&id).await {
//!     Invocation::Response(value) => println!("returned {value}"),
//!     Invocation::Error { error_type, error_message, .. } => println!("failed: {error_type}: {error_message}"),
//! }
//! child.kill()?;
//! # Ok(()) }
//! ```

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};

use crate::receiver::random_hex;

/// The function's name in the environment and in the invoked-function ARN.
pub const FUNCTION_NAME: &str = "cfn-connect-user";
pub const REGION: &str = "us-east-1";
pub const ACCOUNT_ID: &str = "123456789012";
/// How long `result`/`first_poll` wait before failing the test instead of hanging it forever.
const WAIT_LIMIT: Duration = Duration::from_secs(120);

/// How the function finished one invocation.
#[derive(Debug, Clone, PartialEq)]
pub enum Invocation {
    /// The body of `POST …/response` (a JSON string value if the body was not JSON).
    Response(Value),
    /// The body of `POST …/error`: `errorType`/`errorMessage` (falling back to the
    /// `Lambda-Runtime-Function-Error-Type` header for the type), and the body as sent.
    Error { error_type: String, error_message: String, raw: Value },
}

/// The fake's handle; the server stops when it is dropped (long-polls in progress are answered 500).
pub struct FakeRuntime {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
}

struct Shared {
    state: Mutex<Fake>,
    /// Bumped on every change, so waiters wake without polling.
    changed: watch::Sender<u64>,
    queue_tx: mpsc::UnboundedSender<Queued>,
    /// One long-poll at a time takes from the queue; `recv` is cancel-safe, so a dropped poll loses nothing.
    queue_rx: tokio::sync::Mutex<mpsc::UnboundedReceiver<Queued>>,
    shutdown: watch::Receiver<bool>,
}

#[derive(Default)]
struct Fake {
    polls: usize,
    first_poll: Option<Instant>,
    invocations: HashMap<String, Record>,
    init_error: Option<Value>,
    problems: Vec<String>,
}

struct Record {
    deadline_ms: u64,
    delivered: bool,
    result: Option<(Invocation, SystemTime)>,
}

struct Queued {
    request_id: String,
    payload: Vec<u8>,
    deadline_ms: u64,
}

impl FakeRuntime {
    /// Binds `127.0.0.1:0` and starts serving on the current tokio runtime.
    pub async fn start() -> std::io::Result<FakeRuntime> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (changed, _) = watch::channel(0);
        let (queue_tx, queue_rx) = mpsc::unbounded_channel();
        let (shutdown, shutdown_rx) = watch::channel(false);
        let shared = Arc::new(Shared {
            state: Mutex::new(Fake::default()),
            changed,
            queue_tx,
            queue_rx: tokio::sync::Mutex::new(queue_rx),
            shutdown: shutdown_rx.clone(),
        });
        let app = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next_invocation))
            .route("/2018-06-01/runtime/invocation/{id}/response", post(invocation_response))
            .route("/2018-06-01/runtime/invocation/{id}/error", post(invocation_error))
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .with_state(shared.clone());
        let mut stop = shutdown_rx;
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stop.wait_for(|stopped| *stopped).await;
                })
                .await;
        });
        Ok(FakeRuntime { addr, shared, shutdown })
    }

    /// `127.0.0.1:PORT`, the value of `AWS_LAMBDA_RUNTIME_API`.
    pub fn address(&self) -> String {
        self.addr.to_string()
    }

    /// The environment Lambda gives a `provided.al2023` function process, pointing at this fake.
    /// Credentials are dummies; add `AWS_ENDPOINT_URL_CONNECT` etc. as the test needs.
    pub fn lambda_env(&self) -> Vec<(String, String)> {
        let stream = format!("2025/01/01/[$LATEST]{}", random_hex(32));
        [
            ("AWS_LAMBDA_RUNTIME_API", self.address()),
            ("AWS_LAMBDA_FUNCTION_NAME", FUNCTION_NAME.to_owned()),
            ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".to_owned()),
            ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128".to_owned()),
            ("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{FUNCTION_NAME}")),
            ("AWS_LAMBDA_LOG_STREAM_NAME", stream),
            ("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand".to_owned()),
            ("AWS_EXECUTION_ENV", "AWS_Lambda_provided.al2023".to_owned()),
            ("AWS_REGION", REGION.to_owned()),
            ("AWS_DEFAULT_REGION", REGION.to_owned()),
            ("AWS_ACCESS_KEY_ID", "ASIAFAKERUNTIMEKEYID".to_owned()),
            ("AWS_SECRET_ACCESS_KEY", "fake-runtime-secret-access-key".to_owned()),
            ("AWS_SESSION_TOKEN", "fake-runtime-session-token".to_owned()),
            ("_HANDLER", "bootstrap".to_owned()),
            ("LAMBDA_TASK_ROOT", "/var/task".to_owned()),
            ("LAMBDA_RUNTIME_DIR", "/var/runtime".to_owned()),
            ("TZ", ":UTC".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    /// The ARN sent in `Lambda-Runtime-Invoked-Function-Arn`.
    pub fn function_arn(&self) -> String {
        format!("arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{FUNCTION_NAME}")
    }

    /// Queues an invocation whose deadline is now + `timeout`; returns its request id.
    pub fn invoke(&self, payload: Value, timeout: Duration) -> String {
        self.invoke_raw(payload.to_string().into_bytes(), timeout)
    }

    /// Like [`FakeRuntime::invoke`] with a payload sent byte for byte (e.g. not JSON at all).
    pub fn invoke_raw(&self, payload: Vec<u8>, timeout: Duration) -> String {
        let request_id = uuid_like();
        let deadline_ms = epoch_ms(SystemTime::now() + timeout);
        self.shared
            .lock()
            .invocations
            .insert(request_id.clone(), Record { deadline_ms, delivered: false, result: None });
        // The receiving half lives in `shared` as long as we do, so this cannot fail.
        let _ = self.shared.queue_tx.send(Queued { request_id: request_id.clone(), payload, deadline_ms });
        request_id
    }

    /// The `Lambda-Runtime-Deadline-Ms` of an invocation.
    pub fn deadline_ms(&self, request_id: &str) -> Option<u64> {
        self.shared.lock().invocations.get(request_id).map(|r| r.deadline_ms)
    }

    /// Whether the function has fetched the invocation yet.
    pub fn was_delivered(&self, request_id: &str) -> bool {
        self.shared.lock().invocations.get(request_id).is_some_and(|r| r.delivered)
    }

    /// Waits for the function's response or error for `request_id`.
    ///
    /// Panics on an id `invoke` never returned, if the process reports an init error, or after two minutes.
    pub async fn result(&self, request_id: &str) -> Invocation {
        self.result_with_time(request_id).await.0
    }

    /// Like [`FakeRuntime::result`], with the time it was posted (to compare with the deadline).
    pub async fn result_with_time(&self, request_id: &str) -> (Invocation, SystemTime) {
        self.wait_until(&format!("the result of invocation {request_id}"), |state| {
            let Some(record) = state.invocations.get(request_id) else {
                return Err(format!("no invocation {request_id} was queued"));
            };
            if let Some(result) = &record.result {
                return Ok(Some(result.clone()));
            }
            match &state.init_error {
                Some(error) => Err(format!("the process reported an init error: {error}")),
                None => Ok(None),
            }
        })
        .await
    }

    /// When the first `GET …/invocation/next` arrived: the end of the process's cold start.
    pub async fn first_poll(&self) -> Instant {
        self.wait_until("the first poll", |state| Ok(state.first_poll)).await
    }

    /// The body of `POST /runtime/init/error`, if the process sent one.
    pub async fn init_error(&self) -> Option<Value> {
        self.shared.lock().init_error.clone()
    }

    /// How many `GET …/invocation/next` have arrived.
    pub fn polls(&self) -> usize {
        self.shared.lock().polls
    }

    /// Protocol misuse seen so far: results for unknown or undelivered invocations, second results.
    pub fn problems(&self) -> Vec<String> {
        self.shared.lock().problems.clone()
    }

    async fn wait_until<T>(&self, what: &str, mut ready: impl FnMut(&Fake) -> Result<Option<T>, String>) -> T {
        let mut changes = self.shared.changed.subscribe();
        let limit = tokio::time::sleep(WAIT_LIMIT);
        tokio::pin!(limit);
        loop {
            let outcome = ready(&self.shared.lock());
            match outcome {
                Ok(Some(found)) => return found,
                Ok(None) => {}
                Err(failure) => panic!("while waiting for {what}: {failure}"),
            }
            tokio::select! {
                _ = changes.changed() => {}
                () = &mut limit => panic!(
                    "no {what} within {} s ({} polls so far)",
                    WAIT_LIMIT.as_secs(),
                    self.polls()
                ),
            }
        }
    }
}

impl Drop for FakeRuntime {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Fake> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn update(&self, change: impl FnOnce(&mut Fake)) {
        change(&mut self.lock());
        self.changed.send_modify(|n| *n += 1);
    }
}

async fn next_invocation(State(shared): State<Arc<Shared>>) -> Response {
    shared.update(|state| {
        state.polls += 1;
        state.first_poll.get_or_insert_with(Instant::now);
    });
    let mut shutdown = shared.shutdown.clone();
    let queued = tokio::select! {
        queued = async { shared.queue_rx.lock().await.recv().await } => queued,
        _ = shutdown.wait_for(|stopped| *stopped) => None,
    };
    let Some(queued) = queued else {
        return runtime_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "ServiceException",
            "the runtime API is shutting down",
        );
    };
    shared.update(|state| {
        if let Some(record) = state.invocations.get_mut(&queued.request_id) {
            record.delivered = true;
        }
    });
    let trace_id = format!(
        "Root=1-{:08x}-{};Parent={};Sampled=0",
        SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs(),
        random_hex(24),
        random_hex(16)
    );
    let arn = format!("arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{FUNCTION_NAME}");
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE.as_str(), "application/json".to_owned()),
            ("Lambda-Runtime-Aws-Request-Id", queued.request_id),
            ("Lambda-Runtime-Deadline-Ms", queued.deadline_ms.to_string()),
            ("Lambda-Runtime-Invoked-Function-Arn", arn),
            ("Lambda-Runtime-Trace-Id", trace_id),
        ],
        queued.payload,
    )
        .into_response()
}

async fn invocation_response(State(shared): State<Arc<Shared>>, Path(id): Path<String>, body: Bytes) -> Response {
    let value = serde_json::from_slice(&body).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into()));
    complete(&shared, &id, Invocation::Response(value))
}

async fn invocation_error(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let raw: Value =
        serde_json::from_slice(&body).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into()));
    let header_type = headers.get("Lambda-Runtime-Function-Error-Type").and_then(|v| v.to_str().ok());
    let error_type = raw.get("errorType").and_then(Value::as_str).or(header_type).unwrap_or("").to_owned();
    let error_message = raw.get("errorMessage").and_then(Value::as_str).unwrap_or("").to_owned();
    complete(&shared, &id, Invocation::Error { error_type, error_message, raw })
}

async fn init_error(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let raw: Value =
        serde_json::from_slice(&body).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into()));
    shared.update(|state| state.init_error = Some(raw));
    accepted()
}

fn complete(shared: &Shared, id: &str, outcome: Invocation) -> Response {
    let mut refusal = None;
    shared.update(|state| {
        refusal = match state.invocations.get_mut(id) {
            None => Some(format!("a result was posted for unknown invocation {id}")),
            Some(record) if !record.delivered => {
                Some(format!("a result was posted for invocation {id} before it was fetched"))
            }
            Some(record) if record.result.is_some() => Some(format!("a second result was posted for invocation {id}")),
            Some(record) => {
                record.result = Some((outcome, SystemTime::now()));
                None
            }
        };
        if let Some(problem) = &refusal {
            state.problems.push(problem.clone());
        }
    });
    match refusal {
        // Lambda answers a bad or repeated request id with 400 InvalidRequestID / InvalidStateTransition.
        Some(problem) => runtime_error(StatusCode::BAD_REQUEST, "InvalidRequestID", &problem),
        None => accepted(),
    }
}

fn accepted() -> Response {
    (StatusCode::ACCEPTED, axum::Json(json!({"status": "OK"}))).into_response()
}

fn runtime_error(status: StatusCode, error_type: &str, message: &str) -> Response {
    (status, axum::Json(json!({"errorType": error_type, "errorMessage": message}))).into_response()
}

fn epoch_ms(t: SystemTime) -> u64 {
    u64::try_from(t.duration_since(UNIX_EPOCH).unwrap_or_default().as_millis()).unwrap_or(u64::MAX)
}

fn uuid_like() -> String {
    let hex = random_hex(32);
    format!("{}-{}-4{}-a{}-{}", &hex[..8], &hex[8..12], &hex[13..16], &hex[17..20], &hex[20..32])
}
