//! `connect-users` through the real SDK against the Connect emulator seeded with varied users: export, its
//! deployment through the real handler, plan against the handler's own calls, resume, the progress bar, and the
//! read-only guarantee.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod agree;
mod deploy;
mod export;
mod measure;
mod migration;
mod plan;
mod portable;
mod terminal;
