//! SDK errors → [`ConnectError`]: the class of each Connect error code and HTTP status, cause chains
//! with URL query strings cut, and the scrubbing of the password and personal data that Connect may echo.

use std::error::Error as StdError;

use aws_sdk_connect::error::{BuildError, ProvideErrorMetadata, SdkError};

use super::timeouts::{ATTEMPT_TIMEOUT, CONNECT_TIMEOUT};
use crate::app::ports::{ConnectError, ErrorKind};
use crate::core::model::IdentityInfo;

/// What stands in for the password in an error, as in every log line.
pub(super) const PASSWORD_PLACEHOLDER: &str = "***";

/// The error of a response that does not carry what the operation promises.
pub(super) fn unexpected(operation: &'static str, what: &str) -> ConnectError {
    ConnectError::new(operation, ErrorKind::Other, "UnexpectedResponse", what)
}

/// A request the SDK refused to build (a required member missing): the input is at fault, not Connect.
pub(super) fn build_error(operation: &'static str) -> impl Fn(BuildError) -> ConnectError {
    move |e| ConnectError::new(operation, ErrorKind::Invalid, "InvalidInput", e.to_string())
}

/// The kind of a Connect error, from its code and, for codes this crate does not know, its HTTP status.
pub(super) fn kind_of(code: &str, status: u16) -> ErrorKind {
    match code {
        "ResourceNotFoundException" => ErrorKind::NotFound,
        "DuplicateResourceException" => ErrorKind::Duplicate,
        "ThrottlingException" | "TooManyRequestsException" => ErrorKind::Throttled,
        // Also HTTP 429, but a quota: retrying until the deadline would turn "your instance is full" into a timeout.
        "LimitExceededException" | "ServiceQuotaExceededException" => ErrorKind::Quota,
        "AccessDeniedException" => ErrorKind::AccessDenied,
        "InternalServiceException" => ErrorKind::Server,
        "InvalidParameterException" | "InvalidRequestException" => ErrorKind::Invalid,
        _ if status == 429 => ErrorKind::Throttled,
        _ if status >= 500 => ErrorKind::Server,
        _ => ErrorKind::Other,
    }
}

/// Maps an SDK error of `operation` to a [`ConnectError`].
pub(super) fn sdk_error<E>(operation: &'static str) -> impl Fn(SdkError<E>) -> ConnectError
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    move |err| match &err {
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            let code = service.err().code().filter(|c| !c.is_empty()).map(str::to_owned);
            let code = code.unwrap_or_else(|| format!("HTTP {status}"));
            let message = service.err().message().filter(|m| !m.is_empty()).map(str::to_owned);
            let message = message.unwrap_or_else(|| format!("Amazon Connect answered HTTP {status} without a message"));
            ConnectError::new(operation, kind_of(&code, status), code, message)
        }
        SdkError::TimeoutError(_) => ConnectError::new(
            operation,
            ErrorKind::Network,
            "Timeout",
            format!("no response within {} s", ATTEMPT_TIMEOUT.as_secs()),
        ),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => ConnectError::new(
            operation,
            ErrorKind::Network,
            "Timeout",
            format!("could not connect within {} s: {}", CONNECT_TIMEOUT.as_secs(), causes(&err)),
        ),
        // A request the HTTP client itself refused (a malformed endpoint): trying again cannot help.
        SdkError::DispatchFailure(failure) if failure.is_user() => {
            ConnectError::new(operation, ErrorKind::Other, "DispatchFailure", causes(&err))
        }
        SdkError::DispatchFailure(_) => ConnectError::new(operation, ErrorKind::Network, "NetworkError", causes(&err)),
        SdkError::ResponseError(response) if response.raw().status().is_server_error() => {
            let status = response.raw().status().as_u16();
            ConnectError::new(
                operation,
                ErrorKind::Server,
                format!("HTTP {status}"),
                format!("unreadable response: {}", causes(&err)),
            )
        }
        SdkError::ResponseError(_) => ConnectError::new(
            operation,
            ErrorKind::Network,
            "NetworkError",
            format!("the response could not be read: {}", causes(&err)),
        ),
        SdkError::ConstructionFailure(_) => {
            ConnectError::new(operation, ErrorKind::Invalid, "InvalidInput", causes(&err))
        }
        _ => ConnectError::new(operation, ErrorKind::Other, "SdkError", causes(&err)),
    }
}

/// The chain of causes under an SDK error, joined with `": "`, with repeats dropped and URLs cut
/// before their query strings (which may hold signatures). Every AWS SDK adapter reports its errors with it.
pub(crate) fn causes(err: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = err.source();
    while let Some(e) = next {
        let text = e.to_string();
        if !text.is_empty() && parts.last().is_none_or(|last| !last.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    if parts.is_empty() {
        parts.push(err.to_string());
    }
    strip_query_strings(&parts.join(": "))
}

pub(super) fn strip_query_strings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("http") {
        let (before, from_url) = rest.split_at(at);
        out.push_str(before);
        let end =
            from_url.find(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == ')').unwrap_or(from_url.len());
        let (url, after) = from_url.split_at(end);
        out.push_str(url.split_once('?').map_or(url, |(path, _)| path));
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The personal values of `info`, each with the placeholder that names its property path: those the Connect model
/// marks sensitive (docs/real-connect.md §7), and `Mobile` too, since a reason is also logged and no log line
/// holds a phone number.
pub(super) fn personal_values(info: &IdentityInfo) -> Vec<(&str, &'static str)> {
    [
        (&info.first_name, "<IdentityInfo.FirstName>"),
        (&info.last_name, "<IdentityInfo.LastName>"),
        (&info.email, "<IdentityInfo.Email>"),
        (&info.secondary_email, "<IdentityInfo.SecondaryEmail>"),
        (&info.mobile, "<IdentityInfo.Mobile>"),
    ]
    .into_iter()
    .filter_map(|(value, placeholder)| value.as_deref().map(|v| (v, placeholder)))
    .collect()
}

/// `error` with every occurrence of each `(value, placeholder)`'s value replaced by its placeholder, in the message
/// and the code. Empty values are ignored.
///
/// One pass over the text, trying the longest value first at each position: an e-mail address that contains the
/// last name is replaced whole, and a placeholder already written is never searched again. Matching is exact, so a
/// very short value (a one-letter name) also blanks that letter elsewhere: a less readable message is the price
/// of never quoting the value.
pub(super) fn scrub(mut error: ConnectError, values: &[(&str, &str)]) -> ConnectError {
    let mut values: Vec<(&str, &str)> = values.iter().copied().filter(|(v, _)| !v.is_empty()).collect();
    if values.is_empty() {
        return error;
    }
    values.sort_by_key(|(v, _)| std::cmp::Reverse(v.len()));
    error.message = scrub_text(&error.message, &values);
    error.code = scrub_text(&error.code, &values);
    error
}

fn scrub_text(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        match values.iter().find(|(v, _)| rest.starts_with(v)) {
            Some((value, placeholder)) => {
                out.push_str(placeholder);
                rest = &rest[value.len()..];
            }
            None => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_codes_then_status() {
        assert_eq!(kind_of("ResourceNotFoundException", 404), ErrorKind::NotFound);
        assert_eq!(kind_of("DuplicateResourceException", 409), ErrorKind::Duplicate);
        for throttle in ["ThrottlingException", "TooManyRequestsException"] {
            assert_eq!(kind_of(throttle, 400), ErrorKind::Throttled, "{throttle}");
        }
        for quota in ["LimitExceededException", "ServiceQuotaExceededException"] {
            assert_eq!(kind_of(quota, 429), ErrorKind::Quota, "{quota}");
        }
        assert_eq!(kind_of("InternalServiceException", 500), ErrorKind::Server);
        assert_eq!(kind_of("SomethingNew", 503), ErrorKind::Server);
        assert_eq!(kind_of("InvalidParameterException", 400), ErrorKind::Invalid);
        assert_eq!(kind_of("InvalidRequestException", 400), ErrorKind::Invalid);
        assert_eq!(kind_of("AccessDeniedException", 403), ErrorKind::AccessDenied);
    }

    #[test]
    fn query_strings_are_cut_from_urls() {
        assert_eq!(
            strip_query_strings("error sending to (https://host/path?X-Amz-Signature=abc) refused"),
            "error sending to (https://host/path) refused"
        );
        assert_eq!(strip_query_strings("no url here"), "no url here");
    }

    #[test]
    fn the_secret_is_scrubbed() {
        let e = ConnectError::new("CreateUser", ErrorKind::Invalid, "InvalidParameterException", "bad Pa55word!x");
        let scrubbed = scrub(e, &[("Pa55word!x", PASSWORD_PLACEHOLDER)]);
        assert_eq!(scrubbed.to_string(), "CreateUser: InvalidParameterException: bad ***");
    }

    #[test]
    fn personal_values_are_replaced_by_their_property_paths() {
        let info = IdentityInfo {
            first_name: Some("Zoë".into()),
            last_name: Some("Doe".into()),
            email: Some("zoe.Doe@example.com".into()),
            secondary_email: Some(String::new()),
            mobile: Some("+14155550123".into()),
        };
        let e = ConnectError::new(
            "UpdateUserIdentityInfo",
            ErrorKind::Invalid,
            "InvalidParameterException",
            "Email zoe.Doe@example.com is taken by Zoë Doe (Zoë); mobile +14155550123",
        );
        assert_eq!(
            scrub(e, &personal_values(&info)).to_string(),
            "UpdateUserIdentityInfo: InvalidParameterException: Email <IdentityInfo.Email> is taken by \
             <IdentityInfo.FirstName> <IdentityInfo.LastName> (<IdentityInfo.FirstName>); mobile <IdentityInfo.Mobile>"
        );
    }

    #[test]
    fn placeholders_are_not_scrubbed_again_and_codes_are_scrubbed_too() {
        // A first name that is part of a placeholder must not rewrite the placeholder.
        let values = [("jo@example.com", "<IdentityInfo.Email>"), ("Info", "<IdentityInfo.FirstName>")];
        let e = ConnectError::new("CreateUser", ErrorKind::Other, "Bad-jo@example.com", "jo@example.com, Info");
        let scrubbed = scrub(e, &values);
        assert_eq!(scrubbed.code, "Bad-<IdentityInfo.Email>");
        assert_eq!(scrubbed.message, "<IdentityInfo.Email>, <IdentityInfo.FirstName>");
        let untouched = ConnectError::new("CreateUser", ErrorKind::Other, "X", "nothing personal");
        assert_eq!(scrub(untouched.clone(), &[("", "<IdentityInfo.LastName>")]), untouched);
    }
}
