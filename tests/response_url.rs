//! The response URL allow-list and the response PUT's handling of S3's answers (docs/protocol.md §5).
