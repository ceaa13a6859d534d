//! The presigned response URL: a write credential, so it is a type that never prints its query string.
//!
//! It also knows when it expires (SigV4 `X-Amz-Date` + `X-Amz-Expires`, SigV2 `Expires`) and whether it is
//! a destination this handler may PUT to (https, or http to a loopback address for local runs and tests).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Why a ResponseURL is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// Not an absolute URL with a host and an http(s) scheme.
    #[error("ResponseURL is not an absolute http(s) URL")]
    NotAUrl,
    /// Plain http to a host that is not loopback; carries the URL with its query string redacted.
    #[error("ResponseURL must use https (http only to a loopback address), got {0}")]
    Insecure(String),
}

/// Where a response may be PUT besides `https` to AWS: plain `http` to a loopback address, for the local
/// runner, tests and `sam local` only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UrlPolicy {
    /// `ALLOW_LOOPBACK_RESPONSE_URL=true`: plain http to 127.0.0.1, `[::1]` or `localhost` is accepted.
    pub allow_loopback: bool,
}

impl UrlPolicy {
    /// The policy the value of `ALLOW_LOOPBACK_RESPONSE_URL` selects: only `true` (any case) allows loopback.
    pub fn from_env_value(value: Option<&str>) -> Self {
        Self { allow_loopback: value.is_some_and(|v| v.trim().eq_ignore_ascii_case("true")) }
    }
}

/// A ResponseURL that passed the scheme and host checks.
#[derive(Clone, PartialEq, Eq)]
pub struct ResponseUrl {
    raw: String,
    /// Length of `scheme://host/path`, the part that is safe to log.
    public_len: usize,
}

impl ResponseUrl {
    /// Accepts an absolute https URL, or http to a loopback address.
    pub fn parse(raw: &str, policy: UrlPolicy) -> Result<Self, UrlError> {
        let (scheme, rest) = raw.split_once("://").ok_or(UrlError::NotAUrl)?;
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..authority_end];
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let host = if let Some(bracketed) = host_port.strip_prefix('[') {
            bracketed.split_once(']').map(|(h, _)| h).ok_or(UrlError::NotAUrl)?
        } else {
            host_port.split_once(':').map_or(host_port, |(h, _)| h)
        };
        if host.is_empty() {
            return Err(UrlError::NotAUrl);
        }
        let public_len = raw.find(['?', '#']).unwrap_or(raw.len());
        let url = Self { raw: raw.to_owned(), public_len };
        match scheme.to_ascii_lowercase().as_str() {
            "https" => Ok(url),
            "http" if policy.allow_loopback && is_loopback(host) => Ok(url),
            "http" => Err(UrlError::Insecure(url.to_string())),
            _ => Err(UrlError::NotAUrl),
        }
    }

    /// The full URL, signature included: for the HTTP client only.
    pub fn expose(&self) -> &str {
        &self.raw
    }

    fn query_param(&self, name: &str) -> Option<&str> {
        let query = self.raw.split_once('?')?.1;
        let query = query.split_once('#').map_or(query, |(q, _)| q);
        query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == name).then_some(v)
        })
    }

    /// When the signature stops being accepted, if the URL says.
    pub fn expires_at(&self) -> Option<SystemTime> {
        if let (Some(date), Some(expires)) = (self.query_param("X-Amz-Date"), self.query_param("X-Amz-Expires")) {
            let signed = parse_amz_date(date)?;
            let seconds: u64 = expires.parse().ok()?;
            return signed.checked_add(Duration::from_secs(seconds));
        }
        let epoch: u64 = self.query_param("Expires")?.parse().ok()?;
        UNIX_EPOCH.checked_add(Duration::from_secs(epoch))
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host == "::1"
        || host.parse::<std::net::Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

/// `YYYYMMDD'T'HHMMSS'Z'` → time.
fn parse_amz_date(value: &str) -> Option<SystemTime> {
    let b = value.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> { value.get(range)?.parse().ok() };
    let (year, month, day) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hour, minute, second) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    UNIX_EPOCH.checked_add(Duration::from_secs(u64::try_from(seconds).ok()?))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl fmt::Display for ResponseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw[..self.public_len])?;
        if self.public_len < self.raw.len() { f.write_str("?<redacted>") } else { Ok(()) }
    }
}

impl fmt::Debug for ResponseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResponseUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIGV4: &str = "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3Aaws%3Acloudformation/x?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261128T230601Z&X-Amz-SignedHeaders=host&X-Amz-Expires=7200&X-Amz-Credential=AKIA%2F20261128%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=deadbeef";

    #[test]
    fn display_and_debug_hide_the_signature() {
        let Ok(url) = ResponseUrl::parse(SIGV4, UrlPolicy::default()) else { panic!("valid url") };
        for shown in [url.to_string(), format!("{url:?}")] {
            assert!(!shown.contains("deadbeef") && !shown.contains("X-Amz-Credential"), "{shown}");
            assert!(shown.contains("s3.amazonaws.com/arn%3Aaws%3Acloudformation/x?<redacted>"), "{shown}");
        }
        assert_eq!(url.expose(), SIGV4);
    }

    #[test]
    fn sigv4_expiry_is_date_plus_expires() {
        let Ok(url) = ResponseUrl::parse(SIGV4, UrlPolicy::default()) else { panic!("valid url") };
        // 2026-11-28T23:06:01Z is 1_795_907_161 s after the epoch.
        assert_eq!(url.expires_at(), Some(UNIX_EPOCH + Duration::from_secs(1_795_907_161 + 7200)));
    }

    #[test]
    fn sigv2_expiry_is_the_expires_epoch() {
        let Ok(url) = ResponseUrl::parse(
            "https://bucket.s3.amazonaws.com/k?AWSAccessKeyId=A&Expires=1795914361&Signature=s",
            UrlPolicy::default(),
        ) else {
            panic!("valid url")
        };
        assert_eq!(url.expires_at(), Some(UNIX_EPOCH + Duration::from_secs(1_795_914_361)));
    }

    #[test]
    fn no_expiry_when_the_url_has_none_or_garbage() {
        for raw in ["https://h/p", "https://h/p?X-Amz-Date=yesterday&X-Amz-Expires=60", "https://h/p?Expires=soon"] {
            let Ok(url) = ResponseUrl::parse(raw, UrlPolicy::default()) else { panic!("valid url {raw}") };
            assert_eq!(url.expires_at(), None, "{raw}");
        }
    }

    #[test]
    fn only_https_or_loopback_http() {
        for ok in ["https://example.com/x", "http://127.0.0.1:8080/x?a=b", "http://localhost/x", "http://[::1]:9/x"] {
            assert!(ResponseUrl::parse(ok, UrlPolicy { allow_loopback: true }).is_ok(), "{ok}");
        }
        assert!(
            matches!(ResponseUrl::parse("http://example.com/x?sig=1", UrlPolicy { allow_loopback: true }), Err(UrlError::Insecure(s)) if !s.contains("sig=1"))
        );
        for bad in ["", "example.com", "ftp://127.0.0.1/x", "https:///x", "http://10.0.0.1/x"] {
            assert!(ResponseUrl::parse(bad, UrlPolicy { allow_loopback: true }).is_err(), "{bad}");
        }
    }

    #[test]
    fn civil_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(parse_amz_date("20261128T230601Z"), Some(UNIX_EPOCH + Duration::from_secs(1_795_907_161)));
    }
}
