//! Log setup for Lambda: JSON or text as `AWS_LAMBDA_LOG_FORMAT` says, the level from
//! `AWS_LAMBDA_LOG_LEVEL` (or `RUST_LOG`), and the request's ids on every line through the
//! handler's `request` span. Redaction of this crate's own lines lives in the types; the lines of other
//! crates are capped here, whatever level is asked for (see [`CAPS`]).

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// What the environment asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSettings {
    /// JSON lines (`AWS_LAMBDA_LOG_FORMAT=JSON`) rather than text.
    pub json: bool,
    /// `target=level` directives, e.g. `info,aws_smithy=warn`.
    pub filter: String,
}

impl LogSettings {
    /// The settings for these values of `AWS_LAMBDA_LOG_FORMAT`, `AWS_LAMBDA_LOG_LEVEL` and `RUST_LOG`.
    ///
    /// A known Lambda level wins over `RUST_LOG` (`FATAL` becomes `error`); the default is `info`, and unless
    /// `RUST_LOG` is set the SDK and HTTP crates are kept at `warn`.
    pub fn from_values(format: Option<&str>, lambda_level: Option<&str>, rust_log: Option<&str>) -> Self {
        let json = format.is_some_and(|f| f.eq_ignore_ascii_case("json"));
        let filter = match (lambda_level.map(str::to_ascii_lowercase).as_deref(), rust_log) {
            (Some(level @ ("trace" | "debug" | "info" | "warn" | "error")), _) => level.to_owned(),
            (Some("fatal"), _) => "error".to_owned(),
            (_, Some(filter)) if !filter.is_empty() => filter.to_owned(),
            _ => "info".to_owned(),
        };
        // The SDK's own debug lines include request details; keep them at warn unless asked by RUST_LOG.
        let filter = if rust_log.is_some_and(|f| !f.is_empty()) {
            filter
        } else {
            format!("{filter},aws_smithy=warn,aws_sdk=warn,hyper=warn")
        };
        Self { json, filter }
    }

    /// [`LogSettings::from_values`] with the process environment.
    pub fn from_env() -> Self {
        let var = |name| std::env::var(name).ok();
        Self::from_values(
            var("AWS_LAMBDA_LOG_FORMAT").as_deref(),
            var("AWS_LAMBDA_LOG_LEVEL").as_deref(),
            var("RUST_LOG").as_deref(),
        )
    }
}

/// Third-party targets and the most they may log. At lower levels they print what must never reach a log:
/// `lambda_runtime` the raw invocation payload at TRACE (the presigned URL, the password, personal data), the
/// SDK and HTTP crates request and response details, headers and credentials. Matched by prefix, so
/// `lambda_runtime` covers `lambda_runtime_api_client` and `aws_smithy` every `aws_smithy_*` crate.
pub const CAPS: &[(&str, LevelFilter)] = &[
    ("lambda_runtime", LevelFilter::INFO),
    ("aws_smithy", LevelFilter::WARN),
    ("aws_sdk", LevelFilter::WARN),
    ("aws_config", LevelFilter::WARN),
    ("aws_runtime", LevelFilter::WARN),
    ("aws_sigv4", LevelFilter::WARN),
    ("aws_credential_types", LevelFilter::WARN),
    ("aws_types", LevelFilter::WARN),
    ("hyper", LevelFilter::WARN),
    ("h2", LevelFilter::WARN),
    ("reqwest", LevelFilter::WARN),
    ("rustls", LevelFilter::WARN),
    ("tower", LevelFilter::WARN),
];

/// The cap filter: every target at any level, except those of [`CAPS`].
pub fn caps() -> Targets {
    Targets::new().with_default(LevelFilter::TRACE).with_targets(CAPS.iter().copied())
}

/// Installs the global subscriber. Lambda adds its own timestamps to text lines, so text omits them.
///
/// The filter takes `target=level` directives (`info,aws_smithy=debug`), not `EnvFilter`'s span and field
/// filters: `EnvFilter` links a regex engine, 450 KB (5%) of the deployment package. A filter that does
/// not parse falls back to `info`.
pub fn init(settings: &LogSettings) {
    let filter: Targets = settings.filter.parse().unwrap_or_else(|_| Targets::new().with_default(LevelFilter::INFO));
    let (json, text) = if settings.json {
        let json = fmt::layer().json().with_current_span(true).with_span_list(false).flatten_event(true);
        (Some(json.with_target(false).with_writer(std::io::stderr)), None)
    } else {
        (None, Some(fmt::layer().without_time().with_ansi(false).with_writer(std::io::stderr)))
    };
    // Already installed (tests): the first one stays.
    // Two filters, both of which must let a line through: the one asked for, and the caps that no setting lifts.
    drop(tracing_subscriber::registry().with(json).with(text).with(filter).with(caps()).try_init());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambda_settings_win_and_default_is_info_text() {
        assert_eq!(
            LogSettings::from_values(None, None, None),
            LogSettings { json: false, filter: "info,aws_smithy=warn,aws_sdk=warn,hyper=warn".into() }
        );
        let s = LogSettings::from_values(Some("JSON"), Some("DEBUG"), None);
        assert!(s.json && s.filter.starts_with("debug,"));
        assert_eq!(LogSettings::from_values(Some("Text"), Some("FATAL"), None).filter.split(',').next(), Some("error"));
        assert_eq!(
            LogSettings::from_values(None, None, Some("cfn_connect_user=trace")).filter,
            "cfn_connect_user=trace"
        );
    }

    #[test]
    fn every_level_makes_a_filter_that_parses() {
        for level in [None, Some("TRACE"), Some("debug"), Some("Info"), Some("WARN"), Some("error"), Some("FATAL")] {
            let settings = LogSettings::from_values(Some("JSON"), level, None);
            let filter: Result<Targets, _> = settings.filter.parse();
            assert!(filter.is_ok(), "{:?} does not parse", settings.filter);
        }
    }

    #[test]
    fn no_setting_lifts_the_caps() {
        let caps = caps();
        for target in
            ["lambda_runtime::layers::api_response", "lambda_runtime_api_client", "aws_smithy_runtime", "hyper_util"]
        {
            assert!(!caps.would_enable(target, &tracing::Level::DEBUG), "{target}");
        }
        assert!(caps.would_enable("lambda_runtime", &tracing::Level::INFO));
        assert!(caps.would_enable("cfn_connect_user::app", &tracing::Level::TRACE));
    }
}
