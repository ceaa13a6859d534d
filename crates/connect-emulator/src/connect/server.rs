//! The HTTP side: an HTTP/1.1 accept loop on hyper (its own, so a fault can drop a connection mid-request and a
//! stopped emulator takes its open connections with it) and the per-request pipeline: route, latency, rate limit,
//! denials and faults, handler, call log, and the answer in Connect's wire format. It also reads the region of the
//! request's SigV4 credential scope, which the store checks against the instance's.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Map, Value, json};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

use super::error::{ApiError, ErrorCode};
use super::faults::{CallRecord, Control, Fault, Verdict};
use super::handlers::{self, Request as HandlerRequest};
use super::routes::{self, Operation, Route};
use super::state::Store;

/// State shared by the server and the test handle.
#[derive(Debug)]
pub struct Shared {
    pub store: Mutex<Store>,
    pub control: Mutex<Control>,
}

impl Shared {
    pub fn control(&self) -> MutexGuard<'_, Control> {
        self.control.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn store(&self) -> MutexGuard<'_, Store> {
        handlers::lock(&self.store)
    }
}

/// Returned by the service to make hyper close the connection without answering.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped by an injected fault")]
pub struct Dropped;

/// Serves `listener` until the returned task is aborted; aborting it also ends every open connection.
pub fn spawn(listener: TcpListener, shared: Arc<Shared>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut connections = JoinSet::new();
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else {
                        // Out of file descriptors or similar: give the system a moment instead of spinning.
                        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                        continue;
                    };
                    let shared = Arc::clone(&shared);
                    let reset = Arc::new(AtomicBool::new(false));
                    let io = ResettableStream { stream, reset: Arc::clone(&reset) };
                    connections.spawn(async move {
                        let service = service_fn(move |request| {
                            serve(Arc::clone(&shared), Arc::clone(&reset), request)
                        });
                        // A dropped connection or a client that went away ends here; nothing to report.
                        let _ = http1::Builder::new().serve_connection(TokioIo::new(io), service).await;
                    });
                }
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
            }
        }
    })
}

/// A connection that closes with a TCP reset instead of a FIN once `reset` is set, so the client sees
/// "connection reset by peer" (an I/O error) rather than a clean end of stream.
struct ResettableStream {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
}

impl Drop for ResettableStream {
    fn drop(&mut self) {
        if self.reset.load(Ordering::SeqCst) {
            // Zero linger makes the close send RST; failing to set it still closes the connection.
            let _ = self.stream.set_zero_linger();
        }
    }
}

impl AsyncRead for ResettableStream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for ResettableStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

async fn serve(
    shared: Arc<Shared>,
    reset: Arc<AtomicBool>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Dropped> {
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    let region = request.headers().get("authorization").and_then(|v| v.to_str().ok()).and_then(signed_region);
    let body = request.into_body().collect().await.map_err(|_| Dropped)?.to_bytes();
    let Some(route) = routes::route(&method, &path, query.as_deref()) else {
        let message = format!("no operation matches {method} {path}");
        shared.control().record(CallRecord { operation: "Unknown".into(), status: 404, user: None, body: Value::Null });
        return Ok(respond(404, Some("UnknownOperationException"), &json!({ "Message": message })));
    };
    let operation = route.operation.name();
    let latency = shared.control().latency(operation);
    if let Some(latency) = latency {
        tokio::time::sleep(latency).await;
    }
    let logged_body = log_body(&route, &body);
    let verdict = shared.control().admit(operation, Instant::now());
    let record = |status: u16, user: Option<String>| CallRecord {
        operation: operation.to_owned(),
        status,
        user: user.or_else(|| addressed_user(&route, &body)),
        body: logged_body.clone(),
    };
    let handler_request = HandlerRequest {
        route: &route,
        body: &body,
        now: epoch_now(),
        clock: tokio::time::Instant::now(),
        region: region.as_deref(),
    };
    let result = match verdict {
        Verdict::Throttle => Err(ApiError::new(ErrorCode::Throttling, "Rate exceeded")),
        Verdict::Fault(Fault::Error(ErrorCode::AccessDenied)) => {
            let message = access_denied_message(&shared, &route, &body, region.as_deref());
            Err(ApiError::new(ErrorCode::AccessDenied, message))
        }
        Verdict::Fault(Fault::Error(code)) => Err(ApiError::new(code, code.default_message())),
        Verdict::Fault(Fault::ErrorWithMessage(code, message)) => Err(ApiError::new(code, message)),
        Verdict::Fault(Fault::DropConnection) => {
            shared.control().record(record(0, None));
            reset.store(true, Ordering::SeqCst);
            return Err(Dropped);
        }
        Verdict::Fault(Fault::Hang) => {
            shared.control().record(record(0, None));
            std::future::pending::<Infallible>().await;
            return Err(Dropped);
        }
        Verdict::Fault(Fault::CommitThenError(code)) => {
            let outcome = handlers::handle(&shared.store, &handler_request);
            let (committed, created) = commit_outcome(&route, &outcome);
            shared.control().record_after_commit(record(code.status(), created), committed);
            let body = json!({ "Message": code.default_message() });
            return Ok(respond(code.status(), Some(code.as_str()), &body));
        }
        Verdict::Fault(Fault::CommitThenDrop) => {
            let outcome = handlers::handle(&shared.store, &handler_request);
            let (committed, created) = commit_outcome(&route, &outcome);
            shared.control().record_after_commit(record(0, created), committed);
            reset.store(true, Ordering::SeqCst);
            return Err(Dropped);
        }
        Verdict::Fault(Fault::CommitThenHang) => {
            let outcome = handlers::handle(&shared.store, &handler_request);
            let (committed, created) = commit_outcome(&route, &outcome);
            shared.control().record_after_commit(record(0, created), committed);
            std::future::pending::<Infallible>().await;
            return Err(Dropped);
        }
        Verdict::Proceed => handlers::handle(&shared.store, &handler_request),
    };
    let response = match result {
        Ok(value) => {
            let created = value.get("UserId").and_then(Value::as_str).map(str::to_owned);
            shared.control().record(record(200, created));
            respond(200, None, &value)
        }
        Err(error) => {
            shared.control().record(record(error.code.status(), None));
            respond(error.code.status(), Some(error.code.as_str()), &json!({ "Message": error.message }))
        }
    };
    Ok(response)
}

/// Whether a call whose answer a fault replaces took effect, and the user `CreateUser` made.
fn commit_outcome(route: &Route, outcome: &Result<Value, ApiError>) -> (bool, Option<String>) {
    match outcome {
        Ok(value) => {
            let created = value.get("UserId").and_then(Value::as_str).map(str::to_owned);
            (Operation::is_write(route.operation.name()), created)
        }
        Err(_) => (false, None),
    }
}

/// The region of a SigV4 `Authorization` header's credential scope
/// (`AWS4-HMAC-SHA256 Credential=AKID/20261202/us-east-1/connect/aws4_request, ...`).
fn signed_region(authorization: &str) -> Option<String> {
    let scope = authorization.split("Credential=").nth(1)?;
    let scope = scope.split([',', ' ']).next()?;
    let region = scope.split('/').nth(2)?;
    (!region.is_empty()).then(|| region.to_owned())
}

/// The role the emulated Lambda runs as, named by IAM's denials.
const CALLER: &str = "assumed-role/cfn-connect-user-role/cfn-connect-user";

/// IAM's message for a denied call: the caller, the action `connect:<Operation>` and the resource it addressed,
/// so that a client can report the permission that is missing.
fn access_denied_message(shared: &Shared, route: &Route, body: &[u8], region: Option<&str>) -> String {
    let store = shared.store();
    let account = store.seed.account;
    let instance = handlers::addressed_instance(route, body);
    let instance_arn = if instance.starts_with("arn:") {
        instance.clone()
    } else if store.seed.instance(&instance).is_some() {
        store.seed.instance_arn(&instance)
    } else {
        format!("arn:aws:connect:{}:{account}:instance/{instance}", region.unwrap_or(store.seed.region))
    };
    let traffic_group = |ident: &str| match ident {
        arn if arn.starts_with("arn:") => arn.to_owned(),
        id => match store.traffic_groups.get(id) {
            Some(group) => group.arn.clone(),
            None => format!(
                "arn:aws:connect:{}:{account}:traffic-distribution-group/{id}",
                region.unwrap_or(store.seed.region)
            ),
        },
    };
    let resource = match (route.operation, route.user.as_deref()) {
        (Operation::TagResource | Operation::UntagResource, _) => route.target.clone(),
        (Operation::ListTrafficDistributionGroups, _) => traffic_group("*"),
        (operation, _) if operation.is_traffic() => traffic_group(&route.target),
        (Operation::DescribeUserHierarchyGroup, _) => match route.resource.as_deref().unwrap_or_default() {
            arn if arn.starts_with("arn:") => arn.to_owned(),
            id => format!("{instance_arn}/agent-group/{id}"),
        },
        (_, Some(user)) if user.starts_with("arn:") => user.to_owned(),
        (_, Some(user)) => format!("{instance_arn}/agent/{user}"),
        (_, None) => instance_arn,
    };
    let action = format!("connect:{}", route.operation.name());
    format!(
        "User: arn:aws:sts::{account}:{CALLER} is not authorized to perform: {action} on resource: {resource} \
         because no identity-based policy allows the {action} action"
    )
}

fn addressed_user(route: &Route, body: &[u8]) -> Option<String> {
    match route.operation {
        Operation::TagResource | Operation::UntagResource => Some(route.target.clone()),
        Operation::AssociateTrafficDistributionGroupUser => serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|v| v.get("UserId").and_then(Value::as_str).map(str::to_owned)),
        _ => route.user.clone(),
    }
}

/// The body for the call log: the JSON body without the password, or the query parameters.
fn log_body(route: &Route, body: &[u8]) -> Value {
    if let Ok(mut value) = serde_json::from_slice::<Value>(body) {
        if let Some(password) = value.get_mut("Password") {
            *password = json!("********");
        }
        return value;
    }
    if route.query.is_empty() {
        return Value::Null;
    }
    let mut out = Map::new();
    for (key, value) in &route.query {
        if key == "tagKeys" {
            let list = out.entry(key.clone()).or_insert_with(|| json!([]));
            if let Some(list) = list.as_array_mut() {
                list.push(json!(value));
            }
        } else {
            out.insert(key.clone(), json!(value));
        }
    }
    Value::Object(out)
}

fn respond(status: u16, error_type: Option<&str>, body: &Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert("content-type", hyper::header::HeaderValue::from_static("application/json"));
    if let Ok(id) = hyper::header::HeaderValue::from_str(&request_id()) {
        headers.insert("x-amzn-requestid", id);
    }
    if let Some(error_type) = error_type.and_then(|t| hyper::header::HeaderValue::from_str(t).ok()) {
        headers.insert("x-amzn-errortype", error_type);
    }
    response
}

fn request_id() -> String {
    use std::hash::{BuildHasher, RandomState};
    let n = RandomState::new().hash_one(Instant::now());
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        n >> 32,
        (n >> 16) & 0xffff,
        n & 0xfff,
        (n >> 4) & 0xfff,
        n & 0xffff_ffff_ffff
    )
}

/// Seconds since the epoch, to the millisecond, as Connect's timestamps.
pub fn epoch_now() -> f64 {
    let millis = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or_default();
    millis as f64 / 1000.0
}

/// The address of a fresh listener on `addr`.
pub async fn bind(addr: SocketAddr) -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    Ok((listener, local))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_region_of_the_credential_scope() {
        let header = "AWS4-HMAC-SHA256 Credential=AKIDTEST/20261202/eu-west-2/connect/aws4_request, \
                      SignedHeaders=host;x-amz-date, Signature=abc";
        assert_eq!(signed_region(header).as_deref(), Some("eu-west-2"));
        assert_eq!(signed_region("Bearer token"), None);
        assert_eq!(signed_region("AWS4-HMAC-SHA256 Credential=AKID/20261202//connect/aws4_request"), None);
    }
}
