//! The Amazon Connect emulator: the [`Emulator`] handle tests hold (start, endpoint, fault injection, call log,
//! direct reads of the state, changes to the resources users point at) over the HTTP server and the in-memory
//! store, which can start with a population of users of varied shapes ([`EmulatorBuilder::with_users`]).
//!
//! The operations served, each with the call log, faults, denials, the rate limit and the region check:
//! - instances: `DescribeInstance`;
//! - users: `CreateUser`, `DescribeUser`, `DeleteUser`, `UpdateUserIdentityInfo`, `UpdateUserPhoneConfig`,
//!   `UpdateUserRoutingProfile`, `UpdateUserSecurityProfiles`, `UpdateUserHierarchy`, `UpdateUserConfig`,
//!   `ListUsers`, `SearchUsers`;
//! - proficiencies: `AssociateUserProficiencies`, `DisassociateUserProficiencies`, `UpdateUserProficiencies`,
//!   `ListUserProficiencies`;
//! - tags (of users): `TagResource`, `UntagResource`;
//! - what users point at, found by name: `ListRoutingProfiles`, `SearchRoutingProfiles`, `ListSecurityProfiles`,
//!   `SearchSecurityProfiles`, `ListUserHierarchyGroups`, `SearchUserHierarchyGroups`, `DescribeUserHierarchyGroup`
//!   (tests add, rename and delete these through the handle, e.g. [`Emulator::add_routing_profile`]);
//! - Global Resiliency: `DescribeTrafficDistributionGroup`, `ListTrafficDistributionGroups`,
//!   `AssociateTrafficDistributionGroupUser`, `DisassociateTrafficDistributionGroupUser`,
//!   `ListTrafficDistributionGroupUsers` (tests add groups and set their status through the handle, e.g.
//!   [`Emulator::add_traffic_distribution_group`]).
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
//! - The profile searches take `StringCondition`s on `name` and `resourceID`, the hierarchy group search also on
//!   `parentId` and `levelId` ("1" to "5"), combined with `AndConditions`/`OrConditions`; their `SearchFilter` is
//!   ignored. Names need not be unique.
//! - A traffic distribution group is found only from its home region (no replica regions). Association and
//!   disassociation check that the instance is the group's and the user is one of its users (else
//!   `ResourceNotFoundException`); a user already associated is a `ResourceConflictException`, and disassociating
//!   one that is not associated a `ResourceNotFoundException`, so a client must not repeat either blindly.
//!   Disassociation works whatever the group's status. `ListTrafficDistributionGroups` of an instance that does
//!   not exist is empty (the operation has no not-found error), and the traffic distribution group operations
//!   answer `InvalidRequestException` where others answer `InvalidParameterException` (their model has none).
//!
//! Real Connect is harsher than a strongly consistent, single-region, quota-free service. Each of its harsher
//! behaviours can be switched on per test, through the builder or a setter; all are off by default except the
//! region check:
//! - a visibility lag after `CreateUser` ([`EmulatorBuilder::visibility_lag`]): the new user answers
//!   `ResourceNotFoundException` to every operation and is absent from `ListUsers`/`SearchUsers`, while its
//!   username is already taken; tests end it without sleeping ([`Emulator::make_visible_now`]);
//! - "commit, then fail" ([`Fault::CommitThenError`], [`Fault::CommitThenDrop`], [`Fault::CommitThenHang`]);
//! - `UpdateUserPhoneConfig` writing its ACW limit to every channel
//!   ([`EmulatorBuilder::phone_config_writes_all_channels`]);
//! - the identity-management rules of each instance's type ([`EmulatorBuilder::identity_management_rules`];
//!   `DescribeInstance` always reports the type);
//! - a users-per-instance quota answering `LimitExceededException` ([`EmulatorBuilder::users_per_instance`]);
//! - regions: a request signed for another region than the instance's does not find it (on by default,
//!   [`EmulatorBuilder::region_check`]);
//! - IAM denials, per operation ([`Emulator::deny`], or [`Fault::Error`] of [`ErrorCode::AccessDenied`]).
//!
//! Some are always on, being what a careful client must handle anyway:
//! - the profile and hierarchy group searches compare case-insensitively, `EXACT` included, so a client that needs a
//!   case-sensitive match must check the names it gets back (unlike `SearchUsers`, which compares as stored);
//! - only an `ACTIVE` traffic distribution group takes a user: associating one with a group in any other status
//!   answers `ResourceNotFoundException`, as Connect does while a group is being created or deleted;
//! - `DeleteUser` of a user still associated with a traffic distribution group answers `InvalidRequestException`
//!   naming the group. Whether Connect refuses is undocumented; refusing is the conservative model, under which a
//!   client disassociates first.

mod error;
mod faults;
mod handlers;
mod harsh;
mod identity;
mod model;
mod population;
mod resources;
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
pub use population::AWKWARD;
pub use seed::{IdentityManagement, Seed, SeedHierarchyGroup, SeedInstance, SeedTrafficDistributionGroup};
pub use state::TrafficDistributionGroupStatus;

use faults::Control;
use harsh::{Settings, Visibility};
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
    settings: Settings,
    visibility: Visibility,
    denied: Vec<String>,
    /// Whether the awkward users are seeded (see [`EmulatorBuilder::with_awkward_users`]).
    awkward: bool,
    /// `(instance id, n)`: users seeded straight into the store (see [`EmulatorBuilder::with_users`]).
    users: Vec<(String, usize)>,
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

    /// Every user created stays invisible for `lag` after its `CreateUser` (see [`Emulator::make_visible_now`]).
    pub fn visibility_lag(mut self, lag: Duration) -> Self {
        self.visibility.lag = Some(lag);
        self
    }

    /// Users created in the instance (id or ARN) stay invisible for `lag`, whatever the global lag.
    pub fn instance_visibility_lag(mut self, instance_id_or_arn: &str, lag: Duration) -> Self {
        self.visibility.per_instance.insert(bare_instance_id(instance_id_or_arn).to_owned(), lag);
        self
    }

    /// `CreateUser` answers `LimitExceededException` once an instance holds `limit` users (Connect's default quota
    /// is [`Emulator::CONNECT_USERS_PER_INSTANCE`]). Without it, instances are unlimited.
    pub fn users_per_instance(mut self, limit: usize) -> Self {
        self.settings.users_per_instance = Some(limit);
        self
    }

    /// Whether `UpdateUserPhoneConfig` writes its `AfterContactWorkTimeLimit` to every channel the user has an
    /// ACW entry for, as Connect does (off: only VOICE).
    pub fn phone_config_writes_all_channels(mut self, on: bool) -> Self {
        self.settings.phone_config_all_channels = on;
        self
    }

    /// Whether `CreateUser` and `UpdateUserIdentityInfo` enforce the rules of the instance's identity-management
    /// type (password required or forbidden, username length, names, e-mail, directory user id).
    pub fn identity_management_rules(mut self, on: bool) -> Self {
        self.settings.identity_rules = on;
        self
    }

    /// Whether a request signed (SigV4 scope) for another region than the instance's answers not-found. On by
    /// default; unsigned requests are never checked.
    pub fn region_check(mut self, on: bool) -> Self {
        self.settings.region_check = on;
        self
    }

    /// Every call of `operation` answers `AccessDeniedException`, as IAM does without the permission.
    pub fn deny(mut self, operation: &str) -> Self {
        self.denied.push(operation.to_owned());
        self
    }

    /// Starts with `n` users of varied shapes in instance 1 ([`Seed::INSTANCE_1`]), put straight into the store (a
    /// thousand take milliseconds). Deterministic: the same `n` gives the same users, ids included, and a smaller
    /// `n` the first of them. The shapes are listed in `connect/population.rs`.
    pub fn with_users(self, n: usize) -> Self {
        self.with_users_in(Seed::INSTANCE_1, n)
    }

    /// Like [`EmulatorBuilder::with_users`], in the seeded instance `instance_id` (an id that is not seeded seeds
    /// nothing).
    pub fn with_users_in(mut self, instance_id: &str, n: usize) -> Self {
        self.users.push((instance_id.to_owned(), n));
        self
    }

    /// Also starts with the users of `population::AWKWARD` in instance 1: usernames, names and tags that an untyped
    /// format (YAML 1.1 above all) reads as booleans, numbers, dates or nulls when written plain.
    pub fn with_awkward_users(mut self) -> Self {
        self.awkward = true;
        self
    }

    pub async fn start(self) -> std::io::Result<Emulator> {
        let seed = Seed::new();
        let mut control = Control::default();
        control.set_rate_limit(self.rate_limit);
        for (operation, latency) in &self.latency {
            control.set_latency(operation, *latency);
        }
        for operation in &self.denied {
            control.set_denied(operation, true);
        }
        let mut store = Store::new(seed.clone(), self.page_size);
        store.settings = self.settings;
        store.visibility = self.visibility;
        for (instance, n) in &self.users {
            population::populate(&mut store, instance, *n);
        }
        if self.awkward {
            population::populate_awkward(&mut store, Seed::INSTANCE_1);
        }
        let shared = Arc::new(Shared { store: Mutex::new(store), control: Mutex::new(control) });
        let (listener, addr) = server::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))).await?;
        let task = server::spawn(listener, Arc::clone(&shared));
        Ok(Emulator { shared, addr, seed, task })
    }
}

impl Emulator {
    /// Connect's default "Users per instance" service quota.
    pub const CONNECT_USERS_PER_INSTANCE: usize = 500;

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

    /// Makes every later call of `operation` answer `AccessDeniedException` (IAM's message names the action
    /// `connect:<operation>`), until [`Emulator::allow`].
    pub fn deny(&self, operation: &str) {
        self.shared.control().set_denied(operation, true);
    }

    /// Ends [`Emulator::deny`] of `operation`.
    pub fn allow(&self, operation: &str) {
        self.shared.control().set_denied(operation, false);
    }

    /// Sets the visibility lag of users created from now on in instances without their own; `None` removes it.
    pub fn set_visibility_lag(&self, lag: Option<Duration>) {
        self.shared.store().visibility.lag = lag;
    }

    /// Sets the visibility lag of users created from now on in the instance (id or ARN); `None` returns the
    /// instance to the global lag.
    pub fn set_instance_visibility_lag(&self, instance_id_or_arn: &str, lag: Option<Duration>) {
        let instance_id = bare_instance_id(instance_id_or_arn);
        let per_instance = &mut self.shared.store().visibility.per_instance;
        match lag {
            Some(lag) => per_instance.insert(instance_id.to_owned(), lag),
            None => per_instance.remove(instance_id),
        };
    }

    /// Ends the visibility lag of every user now, so a test need not sleep through it.
    pub fn make_visible_now(&self) {
        self.shared.store().visibility.reveal_all();
    }

    /// Ends the visibility lag of one user (id or ARN) now; whether it was still invisible.
    pub fn make_visible(&self, user_id_or_arn: &str) -> bool {
        let mut store = self.shared.store();
        let Some((_, id)) = store.locate_user(user_id_or_arn) else { return false };
        store.visibility.reveal_due(tokio::time::Instant::now());
        store.visibility.reveal(&id)
    }

    /// Whether requests can see the user (id or ARN) yet; `None` when it does not exist.
    pub fn is_visible(&self, user_id_or_arn: &str) -> Option<bool> {
        let mut store = self.shared.store();
        let (_, id) = store.locate_user(user_id_or_arn)?;
        store.visibility.reveal_due(tokio::time::Instant::now());
        Some(!store.visibility.is_hidden(&id))
    }

    /// Waits until the user's visibility lag is over (at once when it is visible or does not exist).
    pub async fn wait_visible(&self, user_id_or_arn: &str) {
        let visible_at = {
            let store = self.shared.store();
            store.locate_user(user_id_or_arn).and_then(|(_, id)| store.visibility.visible_at(&id).map(|at| (id, at)))
        };
        if let Some((id, at)) = visible_at {
            tokio::time::sleep_until(at).await;
            self.shared.store().visibility.reveal(&id);
        }
    }

    /// Sets or removes (`None`) the users-per-instance quota.
    pub fn set_users_per_instance(&self, limit: Option<usize>) {
        self.shared.store().settings.users_per_instance = limit;
    }

    /// See [`EmulatorBuilder::phone_config_writes_all_channels`].
    pub fn set_phone_config_writes_all_channels(&self, on: bool) {
        self.shared.store().settings.phone_config_all_channels = on;
    }

    /// See [`EmulatorBuilder::identity_management_rules`].
    pub fn set_identity_management_rules(&self, on: bool) {
        self.shared.store().settings.identity_rules = on;
    }

    /// See [`EmulatorBuilder::region_check`].
    pub fn set_region_check(&self, on: bool) {
        self.shared.store().settings.region_check = on;
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

    /// The operation names of the write calls that took effect, in order: the successful ones and those a
    /// "commit, then fail" fault answered with an error or a dropped connection.
    pub fn committed_writes(&self) -> Vec<String> {
        self.shared.control().committed_writes()
    }

    pub fn clear_calls(&self) {
        self.shared.control().clear_calls();
    }

    /// How many calls the rate limit refused.
    pub fn throttled(&self) -> u64 {
        self.shared.control().throttled()
    }

    /// The user as `DescribeUser` returns it, plus `"UserProficiencyList"`; by user id or ARN, in any instance.
    /// The stored truth: a user still in its visibility lag is returned too. Its traffic distribution groups are
    /// apart: [`Emulator::traffic_distribution_groups_of`].
    pub fn describe(&self, user_id_or_arn: &str) -> Option<Value> {
        let store = self.shared.store();
        let (instance, user) = store.locate_user(user_id_or_arn)?;
        let user = store.user_any(&instance, &user).ok()?;
        Some(Self::full_view(user, store.region_of(&instance)))
    }

    /// [`Emulator::describe`] of the user with this username in this instance (id or ARN).
    pub fn find_by_username(&self, instance_id_or_arn: &str, username: &str) -> Option<Value> {
        let store = self.shared.store();
        let user = store.find_by_username(instance_id_or_arn, username)?;
        Some(Self::full_view(user, store.region_of(&user.instance_id)))
    }

    /// The password `CreateUser` stored (Connect never returns it; only tests may look).
    pub fn password_of(&self, user_id_or_arn: &str) -> Option<String> {
        let store = self.shared.store();
        let (instance, user) = store.locate_user(user_id_or_arn)?;
        store.user_any(&instance, &user).ok()?.password.clone()
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

/// The id of an instance given as id or ARN (`arn:…:instance/<id>`).
fn bare_instance_id(ident: &str) -> &str {
    ident.rsplit_once(":instance/").map_or(ident, |(_, id)| id)
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.task.abort();
    }
}
