//! S3's side: the answers it sends (XML errors included) and the pieces of a presigned URL (object path,
//! SigV4/SigV2 query, `X-Amz-Date`), plus the random hex used for ids and signatures.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const REGION: &str = "us-east-1";

pub(super) fn s3_response(code: u16, request_id: &str, detail: &str) -> String {
    let (reason, error) = match code {
        200 => ("OK", None),
        400 => ("Bad Request", Some(("InvalidRequest", detail))),
        403 if !detail.is_empty() => ("Forbidden", Some(("AccessDenied", detail))),
        403 => ("Forbidden", Some(("AccessDenied", "Access Denied"))),
        404 => ("Not Found", Some(("NoSuchKey", "The specified key does not exist."))),
        408 => ("Request Timeout", Some(("RequestTimeout", "The request timed out."))),
        429 => ("Too Many Requests", Some(("SlowDown", "Please reduce your request rate."))),
        500 => {
            ("Internal Server Error", Some(("InternalError", "We encountered an internal error. Please try again.")))
        }
        503 => ("Slow Down", Some(("SlowDown", "Please reduce your request rate."))),
        c if (200..300).contains(&c) => ("OK", None),
        _ => ("Error", Some(("Error", "Scripted error."))),
    };
    render(code, reason, error, "", request_id)
}

/// S3's answer to an upload that stalled on its side: a `400` that, unlike the others, is worth retrying.
pub(super) fn s3_request_timeout(request_id: &str) -> String {
    let message = "Your socket connection to the server was not read from or written to within the timeout \
                   period. Idle connections will be closed.";
    render(400, "Bad Request", Some(("RequestTimeout", message)), "", request_id)
}

/// A redirect to `location`, with the XML body S3 sends along with its redirects.
pub(super) fn s3_redirect(code: u16, request_id: &str, location: &str) -> String {
    let (reason, error) = match code {
        301 => (
            "Moved Permanently",
            (
                "PermanentRedirect",
                "The bucket you are attempting to access must be addressed using the specified endpoint.",
            ),
        ),
        307 => (
            "Temporary Redirect",
            ("TemporaryRedirect", "Please re-send this request to the specified temporary endpoint."),
        ),
        _ => ("Redirect", ("Redirect", "Scripted redirect.")),
    };
    render(code, reason, Some(error), &format!("Location: {location}\r\n"), request_id)
}

/// One HTTP answer in S3's shape: its headers, and an XML error body for `error` (code, message).
fn render(code: u16, reason: &str, error: Option<(&str, &str)>, headers: &str, request_id: &str) -> String {
    let host_id = random_hex(32);
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
         {headers}{extra_headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

pub(super) fn response_path(n: u64) -> String {
    // The shape of CloudFormation's object keys, percent-encoding included: a client that decodes and
    // re-encodes the URL breaks the signature.
    format!(
        "/cloudformation-custom-resource-response/useast1/arn%3Aaws%3Acloudformation%3A{REGION}%3A123456789012%3Astack/\
         test-stack/{}%7CTestResource%7C{n}-{}",
        random_hex(8),
        random_hex(12)
    )
}

pub(super) fn sigv4_query(date: &str, signature: &str, valid_for: Duration) -> String {
    let day = &date[..8];
    format!(
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={ACCESS_KEY_ID}%2F{day}%2F{REGION}%2Fs3%2Faws4_request\
         &X-Amz-Date={date}&X-Amz-Expires={}&X-Amz-SignedHeaders=host&X-Amz-Signature={signature}",
        valid_for.as_secs()
    )
}

/// The query of a legacy SigV2 presigned URL expiring at `expires` (epoch seconds).
pub(super) fn sigv2_query(expires: u64, signature: &str) -> String {
    format!("AWSAccessKeyId={ACCESS_KEY_ID}&Expires={expires}&Signature={signature}")
}

pub(super) fn epoch_secs(t: SystemTime) -> u64 {
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
