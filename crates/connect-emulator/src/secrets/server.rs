//! The HTTP side of the Secrets Manager stand-in: the AWS JSON 1.1 protocol, one operation. Every request is
//! `POST /` with `X-Amz-Target: secretsmanager.<Operation>` and a JSON body; errors carry their code both in the
//! `x-amzn-ErrorType` header and in the body's `__type`, as Secrets Manager sends them, so the SDK decodes them
//! into its typed errors (and `AccessDeniedException`, which Secrets Manager does not model, into a generic error
//! with that code).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::store::{SecretValue, Store};
use super::{SecretsCall, SecretsManager};

/// The only operation the stand-in implements.
pub(super) const GET_SECRET_VALUE: &str = "GetSecretValue";
const TARGET_PREFIX: &str = "secretsmanager.";
const CONTENT_TYPE: &str = "application/x-amz-json-1.1";
/// The role the emulated Lambda runs as, named by IAM's denials (the Connect emulator names the same one).
const CALLER: &str = "assumed-role/cfn-connect-user-role/cfn-connect-user";

/// What tests may switch on, and what they may read back.
#[derive(Debug, Default)]
pub(super) struct Control {
    /// Secrets (by ARN) whose reads IAM denies.
    pub denied: Vec<String>,
    /// Every read is denied, as for a role without any `secretsmanager:GetSecretValue` permission.
    pub deny_all: bool,
    pub calls: Vec<SecretsCall>,
}

/// State shared by the server and the test handle.
#[derive(Debug, Default)]
pub(super) struct Shared {
    pub store: Mutex<Store>,
    pub control: Mutex<Control>,
}

impl Shared {
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn control(&self) -> MutexGuard<'_, Control> {
        self.control.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One error answer: Secrets Manager's code, its HTTP status, and a message.
struct ApiError {
    code: &'static str,
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self { code, status: StatusCode::BAD_REQUEST, message: message.into() }
    }
}

/// `POST /`: dispatches on `X-Amz-Target`, answers, and records the call (never the value).
pub(super) async fn serve(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let operation = target.strip_prefix(TARGET_PREFIX).unwrap_or(target).to_owned();
    let region = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(signed_region)
        .unwrap_or_else(|| SecretsManager::REGION.to_owned());
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let secret_id = request.get("SecretId").and_then(Value::as_str).map(str::to_owned);
    let result = if operation != GET_SECRET_VALUE || !target.starts_with(TARGET_PREFIX) {
        Err(ApiError::bad_request("UnknownOperationException", format!("unknown operation {target:?}")))
    } else {
        get_secret_value(&shared, &request, &region)
    };
    let (status, error) = match &result {
        Ok(_) => (200, None),
        Err(e) => (e.status.as_u16(), Some(e.code.to_owned())),
    };
    shared.control().calls.push(SecretsCall { operation, secret_id, region, status, error });
    match result {
        Ok(value) => respond(StatusCode::OK, None, &value),
        Err(e) => respond(e.status, Some(e.code), &json!({ "__type": e.code, "Message": e.message })),
    }
}

fn get_secret_value(shared: &Shared, request: &Value, region: &str) -> Result<Value, ApiError> {
    let Some(secret_id) = request.get("SecretId").and_then(Value::as_str).filter(|s| (1..=2048).contains(&s.len()))
    else {
        return Err(ApiError::bad_request(
            "ValidationException",
            "1 validation error detected: Value at 'secretId' failed to satisfy constraint: Member must have length \
             between 1 and 2048",
        ));
    };
    let optional = |name: &str| request.get(name).and_then(Value::as_str).filter(|s| !s.is_empty());
    let (version_id, stage) = (optional("VersionId"), optional("VersionStage"));
    let store = shared.store();
    let found = store.find(secret_id, region);
    // IAM decides before the service looks: a denied caller cannot learn whether the secret exists.
    let resource = found.map_or_else(|| qualified(secret_id, region), |s| s.arn.clone());
    {
        let control = shared.control();
        if control.deny_all || control.denied.contains(&resource) {
            let action = "secretsmanager:GetSecretValue";
            return Err(ApiError::bad_request(
                "AccessDeniedException",
                format!(
                    "User: arn:aws:sts::{}:{CALLER} is not authorized to perform: {action} on resource: {resource} \
                     because no identity-based policy allows the {action} action",
                    SecretsManager::ACCOUNT
                ),
            ));
        }
    }
    let Some(secret) = found else {
        return Err(ApiError::bad_request(
            "ResourceNotFoundException",
            "Secrets Manager can't find the specified secret.",
        ));
    };
    let Some(version) = secret.version(version_id, stage) else {
        let message = match (version_id, stage) {
            (Some(id), None) => format!("Secrets Manager can't find the specified secret value for VersionId: {id}"),
            (_, stage) => format!(
                "Secrets Manager can't find the specified secret value for staging label: {}",
                stage.unwrap_or(super::store::CURRENT)
            ),
        };
        return Err(ApiError::bad_request("ResourceNotFoundException", message));
    };
    let mut answer = json!({
        "ARN": secret.arn,
        "Name": secret.name,
        "VersionId": version.id,
        "VersionStages": version.stages,
        "CreatedDate": version.created,
    });
    match &version.value {
        SecretValue::String(s) => answer["SecretString"] = json!(s),
        SecretValue::Binary(b) => answer["SecretBinary"] = json!(base64(b)),
    }
    Ok(answer)
}

/// The ARN IAM evaluates for a secret that does not exist: a name becomes an ARN of the caller's account.
fn qualified(secret_id: &str, region: &str) -> String {
    if secret_id.starts_with("arn:") {
        secret_id.to_owned()
    } else {
        format!("arn:aws:secretsmanager:{region}:{}:secret:{secret_id}", SecretsManager::ACCOUNT)
    }
}

fn respond(status: StatusCode, error_type: Option<&str>, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    if let Ok(id) = HeaderValue::from_str(&request_id()) {
        headers.insert("x-amzn-requestid", id);
    }
    if let Some(error_type) = error_type.and_then(|t| HeaderValue::from_str(t).ok()) {
        headers.insert("x-amzn-errortype", error_type);
    }
    response
}

fn request_id() -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
    format!("5e000000-0000-4000-8000-{:012x}", nanos & 0xffff_ffff_ffff)
}

/// Seconds since the epoch, to the millisecond, as Secrets Manager's `CreatedDate`.
pub(super) fn epoch_now() -> f64 {
    let millis = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or_default();
    millis as f64 / 1000.0
}

/// The region of a SigV4 `Authorization` header's credential scope
/// (`AWS4-HMAC-SHA256 Credential=AKID/20261202/us-east-1/secretsmanager/aws4_request, ...`).
fn signed_region(authorization: &str) -> Option<String> {
    let scope = authorization.split("Credential=").nth(1)?;
    let scope = scope.split([',', ' ']).next()?;
    let region = scope.split('/').nth(2)?;
    (!region.is_empty()).then(|| region.to_owned())
}

/// Standard base64 with padding, the encoding of a JSON blob; small enough not to need a crate.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_pads_like_the_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
    }

    #[test]
    fn reads_the_region_of_the_credential_scope() {
        let header = "AWS4-HMAC-SHA256 Credential=AKID/20261202/eu-west-2/secretsmanager/aws4_request, \
                      SignedHeaders=host, Signature=abc";
        assert_eq!(signed_region(header).as_deref(), Some("eu-west-2"));
        assert_eq!(signed_region("Bearer x"), None);
    }
}
