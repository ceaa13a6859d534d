//! The presigned response URL: a write credential, so it is a type that never prints its query string.
//!
//! It also knows when it was signed and when it expires (SigV4 `X-Amz-Date` + `X-Amz-Expires`, SigV2
//! `Expires`), and it only exists for a destination this handler may PUT to (docs/protocol.md §5).
//!
//! # The allow-list
//!
//! The URL is attacker-controlled: whoever can invoke the function chooses it, and the function has network
//! access inside the account. So it is parsed with a WHATWG URL parser (the `url` crate, the one `reqwest`
//! uses), and every rule is applied to the **parser's** view of it: the host after percent-decoding, IDNA
//! and IPv4 normalisation (`http://0x7f.1/` is `127.0.0.1`), with `\` read as `/` and userinfo split off.
//! What is checked is also what is sent: [`ResponseUrl::expose`] returns the parser's serialisation, so no
//! second parser can read a different authority out of the same text.
//!
//! Accepted:
//!
//! - `https` to a DNS name ending in `.amazonaws.com` or `.amazonaws.com.cn` (S3 in an AWS partition),
//!   on the default port only: presigned S3 URLs never carry a port, and refusing others keeps the
//!   function from being pointed at a non-HTTPS service that happens to live under an AWS name. The name
//!   must be plain: labels of ASCII letters, digits, `-` and `_` (IDNA names arrive as `xn--` labels), no
//!   empty label, hence **no trailing dot** — CloudFormation never sends one, and a fully-qualified
//!   `s3.amazonaws.com.` would be a second spelling of the same host to reason about for no gain.
//! - With [`UrlPolicy::allow_loopback`] only: `http` or `https` to `localhost`, `[::1]` or any address of
//!   `127.0.0.0/8`, on any port. The whole `/8` is the local host (RFC 1122), so no other machine is
//!   reachable through it; test servers bind to `127.0.0.1` on an ephemeral port.
//!
//! No userinfo (`user:pass@`) is accepted anywhere: S3 never needs it, and it is the classic way of making a
//! URL look like it goes somewhere it does not.

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use url::{Host, Position, Url};

/// The DNS suffixes of S3 endpoints in the AWS partitions (commercial and GovCloud, then China).
const AWS_SUFFIXES: [&str; 2] = [".amazonaws.com", ".amazonaws.com.cn"];
/// What an error message says about an allow-listed destination.
const ALLOWED: &str = "an S3 endpoint of an AWS partition (*.amazonaws.com, *.amazonaws.com.cn)";
/// A host shown in an error is cut here: it is attacker-chosen text going into a log line.
const MAX_SHOWN_HOST: usize = 255;

/// Why a ResponseURL is refused. The messages name the scheme and host only, never the path or the query
/// (which hold the signature), nor any userinfo.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// Not an absolute URL with a host, as the WHATWG parser reads it.
    #[error("ResponseURL refused: it is not an absolute URL with a host")]
    NotAUrl,
    /// A scheme or host outside the allow-list.
    #[error("ResponseURL refused: {scheme}://{host} is not {ALLOWED}")]
    Refused {
        /// The scheme, lowercased by the parser.
        scheme: String,
        /// The host as the parser reads it (empty when it has none).
        host: String,
    },
    /// Plain `http` to an AWS endpoint: the body would travel in clear text.
    #[error("ResponseURL refused: http://{host} is an AWS endpoint but not https")]
    Insecure {
        /// The host as the parser reads it.
        host: String,
    },
    /// An allow-listed AWS host on a port other than 443.
    #[error("ResponseURL refused: {scheme}://{host}:{port} uses a port other than 443")]
    Port {
        /// The scheme, lowercased by the parser.
        scheme: String,
        /// The host as the parser reads it.
        host: String,
        /// The explicit port.
        port: u16,
    },
    /// A user name or password before the host (`user:pass@host`); the userinfo itself is not shown.
    #[error("ResponseURL refused: {scheme}://{host} carries a user name or password")]
    Userinfo {
        /// The scheme, lowercased by the parser.
        scheme: String,
        /// The host as the parser reads it.
        host: String,
    },
    /// A loopback destination while `ALLOW_LOOPBACK_RESPONSE_URL` is not `true`.
    #[error(
        "ResponseURL refused: {scheme}://{host} is a loopback address, accepted only with \
         ALLOW_LOOPBACK_RESPONSE_URL=true (local runs and tests)"
    )]
    LoopbackNotAllowed {
        /// The scheme, lowercased by the parser.
        scheme: String,
        /// The host as the parser reads it.
        host: String,
    },
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

/// A ResponseURL that passed the allow-list (see the module documentation).
#[derive(Clone, PartialEq, Eq)]
pub struct ResponseUrl {
    /// Deliberately not printable: its query is the signature.
    url: Url,
}

impl ResponseUrl {
    /// Accepts `https` to an S3 endpoint of an AWS partition, or — when `policy` allows it — `http(s)` to a
    /// loopback address; refuses everything else, before any request is made.
    pub fn parse(raw: &str, policy: UrlPolicy) -> Result<Self, UrlError> {
        let url = Url::parse(raw).map_err(|_| UrlError::NotAUrl)?;
        let scheme = url.scheme().to_owned();
        let shown = shown_host(&url);
        if scheme != "https" && scheme != "http" {
            return Err(UrlError::Refused { scheme, host: shown });
        }
        let host = url.host().ok_or(UrlError::NotAUrl)?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(UrlError::Userinfo { scheme, host: shown });
        }
        if is_loopback(&host) {
            return if policy.allow_loopback {
                Ok(Self { url })
            } else {
                Err(UrlError::LoopbackNotAllowed { scheme, host: shown })
            };
        }
        let Host::Domain(name) = host else { return Err(UrlError::Refused { scheme, host: shown }) };
        if !is_aws_endpoint(name) {
            return Err(UrlError::Refused { scheme, host: shown });
        }
        if scheme != "https" {
            return Err(UrlError::Insecure { host: shown });
        }
        if let Some(port) = url.port() {
            return Err(UrlError::Port { scheme, host: shown, port });
        }
        Ok(Self { url })
    }

    /// The full URL, signature included: for the HTTP client only. It is the parser's serialisation of
    /// what was checked, which for a presigned URL is the text CloudFormation sent.
    pub fn expose(&self) -> &str {
        self.url.as_str()
    }

    /// The first value of a query parameter, percent-decoded.
    fn query_param(&self, name: &str) -> Option<Cow<'_, str>> {
        self.url.query_pairs().find_map(|(key, value)| (key == name).then_some(value))
    }

    /// When CloudFormation signed the URL: the SigV4 `X-Amz-Date`. `None` for a SigV2 URL or an unreadable
    /// date, which has no signing time.
    pub fn signed_at(&self) -> Option<SystemTime> {
        parse_amz_date(&self.query_param("X-Amz-Date")?)
    }

    /// When the signature stops being accepted, if the URL says.
    pub fn expires_at(&self) -> Option<SystemTime> {
        if let (Some(date), Some(expires)) = (self.query_param("X-Amz-Date"), self.query_param("X-Amz-Expires")) {
            let signed = parse_amz_date(&date)?;
            let seconds: u64 = expires.parse().ok()?;
            return signed.checked_add(Duration::from_secs(seconds));
        }
        let epoch: u64 = self.query_param("Expires")?.parse().ok()?;
        UNIX_EPOCH.checked_add(Duration::from_secs(epoch))
    }
}

/// `localhost`, `[::1]` or `127.0.0.0/8`, as the parser reads the host (so `0x7f.1` and `2130706433` count).
fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// A plain DNS name under an AWS partition's S3 suffix: at least one label before the suffix, no empty
/// label (so no trailing dot), labels of letters, digits, `-` and `_` (legacy bucket names) only.
fn is_aws_endpoint(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let under_aws = AWS_SUFFIXES.iter().any(|suffix| name.len() > suffix.len() && name.ends_with(suffix));
    under_aws
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// The host for an error message: the parser's reading, cut to a sane length.
fn shown_host(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match host.char_indices().nth(MAX_SHOWN_HOST) {
        Some((cut, _)) => format!("{}…", &host[..cut]),
        None => host.to_owned(),
    }
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
    /// `scheme://host[:port]/path`, then `?<redacted>` when there is a query or fragment.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url[..Position::AfterPath])?;
        if self.url.query().is_some() || self.url.fragment().is_some() { f.write_str("?<redacted>") } else { Ok(()) }
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
    const LOOPBACK: UrlPolicy = UrlPolicy { allow_loopback: true };

    fn refusal(raw: &str, policy: UrlPolicy) -> UrlError {
        match ResponseUrl::parse(raw, policy) {
            Ok(url) => panic!("{raw} was accepted as {url}"),
            Err(e) => e,
        }
    }

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
    fn a_fragment_is_redacted_too() {
        let Ok(url) = ResponseUrl::parse("https://b.s3.amazonaws.com/k#secret", UrlPolicy::default()) else {
            panic!("valid url")
        };
        assert_eq!(url.to_string(), "https://b.s3.amazonaws.com/k?<redacted>");
    }

    #[test]
    fn sigv4_expiry_is_date_plus_expires() {
        let Ok(url) = ResponseUrl::parse(SIGV4, UrlPolicy::default()) else { panic!("valid url") };
        // 2026-11-28T23:06:01Z is 1_795_907_161 s after the epoch.
        assert_eq!(url.expires_at(), Some(UNIX_EPOCH + Duration::from_secs(1_795_907_161 + 7200)));
        assert_eq!(url.signed_at(), Some(UNIX_EPOCH + Duration::from_secs(1_795_907_161)));
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
        assert_eq!(url.signed_at(), None, "a SigV2 URL carries no signing time");
    }

    #[test]
    fn query_parameters_are_percent_decoded() {
        let Ok(url) = ResponseUrl::parse(
            "https://b.s3.amazonaws.com/k?X%2DAmz%2DDate=20261128T230601Z&X-Amz-Expires=%3600",
            UrlPolicy::default(),
        ) else {
            panic!("valid url")
        };
        assert_eq!(url.signed_at(), Some(UNIX_EPOCH + Duration::from_secs(1_795_907_161)));
        // `%36` is `6`: 600 s.
        assert_eq!(url.expires_at(), Some(UNIX_EPOCH + Duration::from_secs(1_795_907_161 + 600)));
    }

    #[test]
    fn no_expiry_when_the_url_has_none_or_garbage() {
        for raw in [
            "https://b.s3.amazonaws.com/p",
            "https://b.s3.amazonaws.com/p?X-Amz-Date=yesterday&X-Amz-Expires=60",
            "https://b.s3.amazonaws.com/p?Expires=soon",
        ] {
            let Ok(url) = ResponseUrl::parse(raw, UrlPolicy::default()) else { panic!("valid url {raw}") };
            assert_eq!(url.expires_at(), None, "{raw}");
            assert_eq!(url.signed_at(), None, "{raw}");
        }
    }

    #[test]
    fn s3_endpoints_of_every_partition_are_accepted() {
        for ok in [
            "https://s3.amazonaws.com/bucket/key",
            "https://bucket.s3.amazonaws.com/key",
            "https://bucket.s3.us-east-1.amazonaws.com/key",
            "https://s3.eu-west-3.amazonaws.com/bucket/key",
            "https://bucket.s3.dualstack.ap-south-1.amazonaws.com/key",
            "https://s3-external-1.amazonaws.com/bucket/key",
            "https://s3.us-gov-west-1.amazonaws.com/bucket/key",
            "https://bucket.s3.cn-north-1.amazonaws.com.cn/key",
            "HTTPS://Bucket.S3.AmazonAWS.COM:443/key",
        ] {
            assert!(ResponseUrl::parse(ok, UrlPolicy::default()).is_ok(), "{ok}");
        }
    }

    #[test]
    fn loopback_only_when_the_policy_allows_it() {
        for ok in [
            "http://127.0.0.1:8080/x?a=b",
            "http://localhost/x",
            "http://LOCALHOST:1/x",
            "http://[::1]:9/x",
            "https://127.0.0.1/x",
            "http://127.9.8.7/x",
            "http://0x7f.1/x",
            "http://2130706433/x",
        ] {
            assert!(ResponseUrl::parse(ok, LOOPBACK).is_ok(), "{ok}");
            assert!(
                matches!(ResponseUrl::parse(ok, UrlPolicy::default()), Err(UrlError::LoopbackNotAllowed { .. })),
                "{ok}"
            );
        }
    }

    #[test]
    fn smuggled_authorities_are_refused() {
        for bad in [
            "https://s3.amazonaws.com@evil.com/",
            "https://evil.com\\@s3.amazonaws.com/",
            "https://evil.com#.amazonaws.com",
            "https://evil.com?.amazonaws.com",
            "https://evil.com/.amazonaws.com",
            "https://amazonaws.com.evil.com/",
            "https://evilamazonaws.com/",
            "https://amazonaws.com/",
            "https://.amazonaws.com/",
            "https://a..amazonaws.com/",
            "https://s3.amazonaws.com./",
            "https://s3.amazonaws.com.cn.evil.com/",
            "https://evil.com%2F.amazonaws.com/",
            "https://user:hunter2@s3.amazonaws.com/",
            "https://s3.amazonaws.com:8443/",
            "http://s3.amazonaws.com/",
            "https://169.254.169.254/latest/meta-data/",
            "https://0xa9.0xfe.0xa9.0xfe/",
            "https://[fd00:ec2::254]/",
            "ftp://s3.amazonaws.com/",
            "file:///etc/passwd",
            "s3.amazonaws.com/key",
            "",
        ] {
            let e = refusal(bad, LOOPBACK);
            assert!(!e.to_string().contains("hunter2"), "{e}");
        }
        assert!(matches!(refusal("https://u@s3.amazonaws.com/", LOOPBACK), UrlError::Userinfo { .. }));
        assert!(matches!(refusal("https://u:p@127.0.0.1/", LOOPBACK), UrlError::Userinfo { .. }));
        assert!(matches!(refusal("https://s3.amazonaws.com:8443/", LOOPBACK), UrlError::Port { port: 8443, .. }));
        assert!(matches!(refusal("http://s3.amazonaws.com/", LOOPBACK), UrlError::Insecure { .. }));
        assert!(matches!(refusal("http://[::ffff:127.0.0.1]/", LOOPBACK), UrlError::Refused { .. }));
        assert!(matches!(refusal("http://0.0.0.0/", LOOPBACK), UrlError::Refused { .. }));
    }

    #[test]
    fn the_refusal_names_scheme_and_host_only() {
        let e = refusal("https://evil.example/path-part?X-Amz-Signature=abc#frag", UrlPolicy::default());
        assert_eq!(
            e.to_string(),
            "ResponseURL refused: https://evil.example is not an S3 endpoint of an AWS partition \
             (*.amazonaws.com, *.amazonaws.com.cn)"
        );
        let e = refusal("http://s3.amazonaws.com@0x7f.1:8/p?sig=abc", UrlPolicy::default());
        assert_eq!(e.to_string(), "ResponseURL refused: http://127.0.0.1 carries a user name or password");
    }

    #[test]
    fn the_checked_url_is_the_one_sent() {
        // Whitespace and tabs are dropped, the host is normalised: the PUT goes to what was checked.
        let Ok(url) = ResponseUrl::parse(" https://B.S3.Amazon\taws.com/k?q=1 ", UrlPolicy::default()) else {
            panic!("valid url")
        };
        assert_eq!(url.expose(), "https://b.s3.amazonaws.com/k?q=1");
    }

    #[test]
    fn a_long_host_is_cut_in_the_message() {
        let raw = format!("https://{}.example/", "a".repeat(1000));
        let e = refusal(&raw, UrlPolicy::default()).to_string();
        assert!(e.len() < 400 && e.contains('…'), "{e}");
    }

    #[test]
    fn civil_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(parse_amz_date("20261128T230601Z"), Some(UNIX_EPOCH + Duration::from_secs(1_795_907_161)));
    }

    #[test]
    fn amz_dates_at_the_edges_of_each_field() {
        let at = |seconds: u64| Some(UNIX_EPOCH + Duration::from_secs(seconds));
        assert_eq!(parse_amz_date("20260101T000000Z"), at(1_767_225_600));
        assert_eq!(parse_amz_date("20261231T225959Z"), at(1_798_757_999));
        // A leap second reads as the first second of the next day.
        assert_eq!(parse_amz_date("20261231T235960Z"), parse_amz_date("20270101T000000Z"));
        for bad in [
            "",
            "20261128",
            "20261128T230601",
            "20261128T230601ZZ",
            "20261128t230601Z",
            "20261128T230601z",
            "20261128 230601Z",
            "20260028T230601Z",
            "20261328T230601Z",
            "20261100T230601Z",
            "20261132T230601Z",
            "20261128T240601Z",
            "20261128T236001Z",
            "20261128T230661Z",
            "2026-1-28T23060Z",
        ] {
            assert_eq!(parse_amz_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn only_true_allows_loopback() {
        for value in ["true", "TRUE", " True "] {
            assert!(UrlPolicy::from_env_value(Some(value)).allow_loopback, "{value:?}");
        }
        for value in [None, Some(""), Some("1"), Some("yes"), Some("false"), Some("truely")] {
            assert!(!UrlPolicy::from_env_value(value).allow_loopback, "{value:?}");
        }
    }

    #[test]
    fn aws_labels_are_letters_digits_hyphens_and_underscores() {
        assert!(ResponseUrl::parse("https://legacy_bucket.s3.amazonaws.com/k", UrlPolicy::default()).is_ok());
        for bad in
            ["https://a*b.s3.amazonaws.com/k", "https://a~b.s3.amazonaws.com/k", "https://a$b.s3.amazonaws.com/k"]
        {
            assert!(matches!(refusal(bad, UrlPolicy::default()), UrlError::Refused { .. }), "{bad}");
        }
    }
}
