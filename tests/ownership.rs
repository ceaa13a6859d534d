//! Ownership (docs/connect-user.md §3.5–§3.6, §4.2, §5) and provider-mode clean-up (docs/protocol.md §7).
