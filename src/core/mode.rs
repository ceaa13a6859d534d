//! Who tells CloudFormation how a request ended: the function, by a PUT to the request's ResponseURL, or the CDK
//! Provider framework, from what the invocation returns (docs/protocol.md §7). Decided once per request, here;
//! everything downstream (the responder, the clean-up after a failed Create) reads that one answer.

/// Where the outcome of a request goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// PUT to the request's ResponseURL (plain custom resources, SAM, CDK `CustomResource`).
    Respond,
    /// Return it to the caller: the CDK Provider framework's `onEvent` contract.
    Return,
}

impl Mode {
    /// The function's configured mode: `RESPONSE_MODE=return` selects provider mode; anything else, or nothing,
    /// the ordinary mode.
    pub fn from_env_value(value: Option<&str>) -> Self {
        match value {
            Some(v) if v.trim().eq_ignore_ascii_case("return") => Self::Return,
            _ => Self::Respond,
        }
    }

    /// The mode of one request under this configured mode: provider mode when the function is configured for
    /// it, and also when the request carries no ResponseURL, since then nobody but the caller can be told. The
    /// Provider framework does pass a ResponseURL along, so only the configuration can say it is there.
    pub fn for_request(self, has_response_url: bool) -> Self {
        match (self, has_response_url) {
            (Self::Respond, true) => Self::Respond,
            _ => Self::Return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_return_selects_provider_mode() {
        for value in ["return", "RETURN", " Return "] {
            assert_eq!(Mode::from_env_value(Some(value)), Mode::Return, "{value:?}");
        }
        for value in [None, Some(""), Some("respond"), Some("put"), Some("returns")] {
            assert_eq!(Mode::from_env_value(value), Mode::Respond, "{value:?}");
        }
    }

    #[test]
    fn a_request_without_a_response_url_is_answered_by_returning() {
        assert_eq!(Mode::Respond.for_request(true), Mode::Respond);
        assert_eq!(Mode::Respond.for_request(false), Mode::Return);
        assert_eq!(Mode::Return.for_request(true), Mode::Return);
        assert_eq!(Mode::Return.for_request(false), Mode::Return);
    }
}
