//! The Amazon Connect emulator: the [`Emulator`] handle tests hold (start, endpoint, fault injection, call log,
//! direct reads of the state) over the HTTP server and the in-memory store.
//!
//! Choices where Connect's documentation is silent:
//! - `AssociateUserProficiencies` of a proficiency already associated, and `UpdateUserProficiencies` of one not
//!   associated, answer `InvalidRequestException`; `DisassociateUserProficiencies` of one not associated succeeds.
//! - `UpdateUserPhoneConfig` replaces the VOICE settings: absent `AutoAccept` is false, absent
//!   `AfterContactWorkTimeLimit` is 0, absent `PhoneType` is `SOFT_PHONE`; absent `DeskPhoneNumber` and
//!   `PersistentConnection` leave the stored values as they are.
//! - A user always has VOICE entries in `AutoAcceptConfigs`, `AfterContactWorkConfigs` and `PhoneNumberConfigs`
//!   (soft phone, no auto-accept, no ACW limit unless set); an absent ACW time limit is stored as 0.
//! - `PhoneNumberConfigs`, `PersistentConnectionConfigs` and `VoiceEnhancementConfigs` accept only VOICE, as
//!   the API reference says; `DESK_PHONE` needs a phone number.
//! - The `CreateUser` conflict rule counts a per-channel list as set when it has at least one entry.
//! - Usernames are unique per instance, case-sensitively; `SearchUsers` compares case-sensitively too.
//! - Only users can be tagged; repeated security profile ids are kept once.

mod error;
mod faults;
mod handlers;
mod model;
mod routes;
mod seed;
mod server;
mod state;
mod validate;
mod wire;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::task::JoinHandle;

pub use error::{ApiError, ErrorCode};
pub use faults::{CallRecord, Fault};
pub use seed::{Seed, SeedInstance};

use faults::Control;
use server::Shared;
use state::Store;

/// A running emulator. Dropping it stops the server and closes its connections.
#[derive(Debug)]
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    seed: Seed,
    task: JoinHandle<()>,
}

/// Options for [`Emulator::builder`].
#[derive(Debug, Clone, Default)]
pub struct EmulatorBuilder {
    page_size: Option<usize>,
    rate_limit: Option<(f64, u32)>,
    latency: Vec<(String, Duration)>,
    port: u16,
}

impl EmulatorBuilder {
    /// The page size of the list and search operations when the request gives no `MaxResults`.
    pub fn page_size(mut self, n: usize) -> Self {
        self.page_size = Some(n.max(1));
        self
    }

    /// An account-wide token bucket: `burst` calls at once, refilled at `per_sec`; beyond it, `ThrottlingException`.
    pub fn rate_limit(mut self, per_sec: f64, burst: u32) -> Self {
        self.rate_limit = Some((per_sec, burst));
        self
    }

    /// Delays every call of `operation` (a Connect operation name) by `latency`.
    pub fn latency(mut self, operation: &str, latency: Duration) -> Self {
        self.latency.push((operation.to_owned(), latency));
        self
    }

    /// Listens on this port of 127.0.0.1 instead of a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    pub async fn start(self) -> std::io::Result<Emulator> {
        let seed = Seed::new();
        let mut control = Control::default();
        control.set_rate_limit(self.rate_limit);
        for (operation, latency) in &self.latency {
            control.set_latency(operation, *latency);
        }
        let shared = Arc::new(Shared {
            store: Mutex::new(Store::new(seed.clone(), self.page_size)),
            control: Mutex::new(control),
        });
        let (listener, addr) = server::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))).await?;
        let task = server::spawn(listener, Arc::clone(&shared));
        Ok(Emulator { shared, addr, seed, task })
    }
}

impl Emulator {
    /// A seeded emulator on a free port of 127.0.0.1.
    pub async fn start() -> std::io::Result<Emulator> {
        Self::builder().start().await
    }

    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// `http://127.0.0.1:PORT`, for `endpoint_url` or `AWS_ENDPOINT_URL_CONNECT`.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn seed(&self) -> &Seed {
        &self.seed
    }

    /// Makes the next `n` calls of `operation` (a Connect operation name) suffer `fault`. Queued faults of one
    /// operation apply in the order given.
    pub fn fail_next(&self, operation: &str, n: u32, fault: Fault) {
        self.shared.control().fail_next(operation, n, fault);
    }

    /// Delays every later call of `operation`; `Duration::ZERO` removes the delay.
    pub fn set_latency(&self, operation: &str, latency: Duration) {
        self.shared.control().set_latency(operation, latency);
    }

    /// Sets (a fresh, full bucket) or removes the token-bucket rate limit `(per_sec, burst)`.
    pub fn set_rate_limit(&self, limit: Option<(f64, u32)>) {
        self.shared.control().set_rate_limit(limit);
    }

    /// Every call so far, in arrival order (throttled and faulted ones included).
    pub fn calls(&self) -> Vec<CallRecord> {
        self.shared.control().calls()
    }

    /// The operation names of the successful write calls, in order.
    pub fn write_calls(&self) -> Vec<String> {
        self.calls()
            .into_iter()
            .filter(|c| c.is_write() && (200..300).contains(&c.status))
            .map(|c| c.operation)
            .collect()
    }

    pub fn clear_calls(&self) {
        self.shared.control().clear_calls();
    }

    /// How many calls the rate limit refused.
    pub fn throttled(&self) -> u64 {
        self.shared.control().throttled()
    }

    /// The user as `DescribeUser` returns it, plus `"UserProficiencyList"`; by user id or ARN, in any instance.
    pub fn describe(&self, user_id_or_arn: &str) -> Option<Value> {
        let store = self.shared.store();
        let (instance, user) = store.locate_user(user_id_or_arn)?;
        let user = store.user(&instance, &user).ok()?;
        Some(Self::full_view(user, store.seed.region))
    }

    /// [`Emulator::describe`] of the user with this username in this instance (id or ARN).
    pub fn find_by_username(&self, instance_id_or_arn: &str, username: &str) -> Option<Value> {
        let store = self.shared.store();
        let user = store.find_by_username(instance_id_or_arn, username)?;
        Some(Self::full_view(user, store.seed.region))
    }

    /// The password `CreateUser` stored (Connect never returns it; only tests may look).
    pub fn password_of(&self, user_id_or_arn: &str) -> Option<String> {
        let store = self.shared.store();
        let (instance, user) = store.locate_user(user_id_or_arn)?;
        store.user(&instance, &user).ok()?.password.clone()
    }

    /// Users in all instances.
    pub fn user_count(&self) -> usize {
        self.shared.store().user_count()
    }

    fn full_view(user: &model::User, region: &str) -> Value {
        let mut value = user.describe_json(region);
        value["UserProficiencyList"] = json!(user.proficiencies_json());
        value
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.task.abort();
    }
}
