//! The use cases: Create, Update and Delete of one Connect user through the [`Connect`] port, with the
//! rules of ownership, adoption, replacement and idempotency. The decisions themselves are the core's
//! (`props`, `identity`, `placement`, `plan`, `physical_id`); this module sequences the calls and turns their
//! results into an [`Outcome`].
//!
//! Real Amazon Connect is eventually consistent and can fail after a write took effect (docs/real-connect.md
//! §1–§2), so the sequencing is patient where that matters and nowhere else:
//! - a user this request created, or found by the name `CreateUser` reported taken, may answer not-found for a
//!   while: calls on it, and the lookup by name, are repeated within the [`Windows::visibility`] window;
//! - a Delete's not-found counts as gone only once it persists for [`Windows::gone`];
//! - a write that failed in a way that may have committed (a 5xx, a lost connection) is not repeated blindly: the
//!   live user is read again and planned again, at most [`Windows::replans`] times. A `CreateUser` that may have
//!   committed is repeated: if it did, Connect says the name is taken, and the owner tag makes the user ours.
//!
//! Everywhere else not-found means gone, as it always did.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use serde_json::Value;
use tokio::time::Instant;
use tracing::{info, warn};

use super::password;
use super::ports::{Connect, ConnectError, ErrorKind, Secrets};
use super::supervise::Mode;
use crate::core::arn::{InstanceArn, UserArn};
use crate::core::backoff::Backoff;
use crate::core::event::{Envelope, Request, RequestType};
use crate::core::identity::{self, IdentityManagement};
use crate::core::model::{LiveUser, OWNER_TAG_KEY, OldTemplate, UserSpec};
use crate::core::owner::{foreign_owner, hand_over_command, owner_tag_value};
use crate::core::physical_id::{self, PhysicalId};
use crate::core::placement::{self, Home};
use crate::core::plan::{self, Call, Decision};
use crate::core::props::{self, Invalid, PropertyError};
use crate::core::response::Outcome;

/// How long the lifecycle waits out Amazon Connect's eventual consistency, and how often it plans again after a
/// write that may have committed (docs/real-connect.md §1–§2). Every window also ends a little before the request's
/// deadline, so that its end is reported in its own words rather than as a timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Windows {
    /// How long after `CreateUser` the user it made (or the user holding the name it found taken) may stay
    /// invisible: calls on it that answer not-found, and a lookup by name that finds nothing, are repeated.
    pub visibility: Duration,
    /// How long a Delete's not-found must persist before the user counts as gone.
    pub gone: Duration,
    /// The pauses between the repeats of both windows.
    pub pause: Backoff,
    /// How many times a write that failed and may have committed is followed by reading the user again and
    /// planning again (or, for `CreateUser`, by repeating it) before the failure is final.
    pub replans: u32,
    /// How long validation waits for `DescribeInstance` before going on without the identity-management rules.
    pub describe_instance: Duration,
}

impl Default for Windows {
    /// What real Connect needs: a new user is normally visible within seconds (search lags longest), and the
    /// Delete right after a failed Create must not mistake a lagging user for a gone one.
    fn default() -> Self {
        Self {
            visibility: Duration::from_secs(30),
            gone: Duration::from_secs(10),
            pause: Backoff { base: Duration::from_millis(500), cap: Duration::from_secs(4) },
            replans: 3,
            describe_instance: Duration::from_secs(10),
        }
    }
}

/// What one request's work is given besides the request and the ports.
#[derive(Debug, Clone)]
pub struct Work {
    /// Who answers CloudFormation: in provider mode a request that fails after its own `CreateUser` deletes that
    /// user again (docs/protocol.md §7).
    pub mode: Mode,
    /// How patient the work is with Connect.
    pub windows: Windows,
    /// The account and partition the function runs in (from its ARN), when known: instances elsewhere are
    /// refused before any call.
    pub home: Option<Home>,
    /// When the work is abandoned: every wait ends before it.
    pub deadline: SystemTime,
}

/// A window's end is kept this far from the deadline.
const WINDOW_MARGIN: Duration = Duration::from_secs(2);

/// What the work is doing now, and the user it has made so far: read by the handler when the work
/// panics or runs out of time, so even then the response names the step and keeps the right id.
#[derive(Debug, Clone, Default)]
pub struct Progress(Arc<Mutex<ProgressState>>);

#[derive(Debug, Clone, Default)]
struct ProgressState {
    step: String,
    physical_id: Option<String>,
}

impl Progress {
    /// Records what the work does now.
    pub fn step(&self, step: impl Into<String>) {
        if let Ok(mut state) = self.0.lock() {
            state.step = step.into();
        }
    }

    fn created(&self, arn: &UserArn) {
        if let Ok(mut state) = self.0.lock() {
            state.physical_id = Some(arn.to_string());
        }
    }

    /// The user it created was deleted again: a deadline from now on must not name it.
    fn deleted(&self) {
        if let Ok(mut state) = self.0.lock() {
            state.physical_id = None;
        }
    }

    /// (what it was doing, the id of a user it created if any).
    pub fn snapshot(&self) -> (String, Option<String>) {
        self.0.lock().map(|s| (s.step.clone(), s.physical_id.clone())).unwrap_or_default()
    }
}

/// A request that succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Done {
    physical_id: String,
    data: BTreeMap<String, String>,
}

/// A request that failed: the reason, and the PhysicalResourceId to answer with when it is not the
/// request's default (a Create's marker, an Update's or Delete's own id).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Failure {
    reason: String,
    physical_id: Option<String>,
}

impl Failure {
    fn new(reason: impl Into<String>) -> Self {
        Self { reason: reason.into(), physical_id: None }
    }

    fn with_id(reason: impl Into<String>, physical_id: &UserArn) -> Self {
        Self { reason: reason.into(), physical_id: Some(physical_id.to_string()) }
    }
}

impl From<ConnectError> for Failure {
    fn from(e: ConnectError) -> Self {
        Self::new(explain(&e))
    }
}

/// The reason for a failed Connect call: the operation, Connect's code and message, and what to do about it
/// where that is known (docs/real-connect.md §5).
fn explain(e: &ConnectError) -> String {
    match e.kind {
        ErrorKind::AccessDenied => format!(
            "{e}; the function's role lacks the IAM permission connect:{}: add it to the role's policy (the README \
             lists every action the function needs)",
            e.operation
        ),
        ErrorKind::Quota if e.operation == "CreateUser" => format!(
            "{e}; a service quota is reached: the instance holds as many users as its 'Users per instance' quota \
             allows (500 unless raised), and waiting will not change that; raise the 'Users per instance' service \
             quota or delete users"
        ),
        ErrorKind::Quota => format!(
            "{e}; a service quota is reached, and waiting will not change that; raise the quota in Service Quotas \
             (Amazon Connect) or remove what counts against it"
        ),
        _ => e.to_string(),
    }
}

/// The reason for a call on a user that is still not found at the end of its visibility window.
fn not_visible(e: &ConnectError, arn: &UserArn, window: Duration) -> String {
    let secs = window.as_secs();
    match e.operation {
        "DescribeUser" | "ListUserProficiencies" => format!(
            "{e}: the user {arn} did not become visible within {secs} s of its creation (Amazon Connect is \
             eventually consistent); retry the deployment"
        ),
        _ => format!(
            "{e}: still not found {secs} s after the user {arn} was created: either it did not become visible in \
             that time (Amazon Connect is eventually consistent) or a resource the call names does not exist"
        ),
    }
}

/// Runs one request to its end and says how it ended.
pub async fn run<C: Connect>(
    connect: &C,
    secrets: Option<&dyn Secrets>,
    request: &Request,
    envelope: &Envelope,
    progress: &Progress,
    work: &Work,
) -> Outcome {
    let cx = Cx {
        connect,
        secrets,
        progress,
        work,
        owner: owner_tag_value(&envelope.stack_id, &envelope.logical_resource_id),
    };
    match execute(&cx, request).await {
        Ok(Done { physical_id, data }) => Outcome::Success { physical_id, data },
        Err(Failure { reason, physical_id }) => Outcome::Failed {
            physical_id: physical_id.unwrap_or_else(|| physical_id::for_failure(Some(request), envelope)),
            reason,
        },
    }
}

/// Everything the steps of one request share.
struct Cx<'a, C> {
    connect: &'a C,
    secrets: Option<&'a dyn Secrets>,
    progress: &'a Progress,
    work: &'a Work,
    /// This resource's owner tag value.
    owner: String,
}

impl<C> Cx<'_, C> {
    /// The end of a window of `window` starting now, kept [`WINDOW_MARGIN`] before the deadline.
    fn window_end(&self, window: Duration) -> Instant {
        let left = self.work.deadline.duration_since(SystemTime::now()).unwrap_or_default();
        Instant::now() + window.min(left.saturating_sub(WINDOW_MARGIN))
    }

    fn patience(&self, until: Instant) -> Patience {
        Patience { until, pause: self.work.windows.pause, attempt: 0 }
    }
}

/// The repeats of one window.
struct Patience {
    until: Instant,
    pause: Backoff,
    attempt: u32,
}

impl Patience {
    /// Pauses before the next repeat and says `true`; says `false` at once when the window is over.
    async fn wait(&mut self) -> bool {
        let now = Instant::now();
        if now >= self.until {
            return false;
        }
        self.attempt = self.attempt.saturating_add(1);
        tokio::time::sleep(self.pause.delay(self.attempt).min(self.until - now)).await;
        true
    }
}

/// Runs `call` on a user; when the user is new (`fresh` holds the end of its visibility window), a not-found is
/// repeated until the window ends, as the lag of a new user rather than its absence (docs/real-connect.md §1).
async fn patiently<C, T, F, Fut>(cx: &Cx<'_, C>, fresh: Option<Instant>, mut call: F) -> Result<T, ConnectError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ConnectError>>,
{
    let mut patience = fresh.map(|until| cx.patience(until));
    loop {
        let e = match call().await {
            Err(e) if e.kind == ErrorKind::NotFound => e,
            other => return other,
        };
        let Some(patience) = &mut patience else { return Err(e) };
        if !patience.wait().await {
            return Err(e);
        }
        info!(error = %e, "not found yet: a new user can take seconds to become visible; trying again");
    }
}

/// [`explain`], or [`not_visible`] for a not-found on a new user whose window is over.
fn explain_on<C>(cx: &Cx<'_, C>, e: &ConnectError, arn: &UserArn, fresh: Option<Instant>) -> String {
    match fresh {
        Some(_) if e.kind == ErrorKind::NotFound => not_visible(e, arn, cx.work.windows.visibility),
        _ => explain(e),
    }
}

async fn execute<C: Connect>(cx: &Cx<'_, C>, request: &Request) -> Result<Done, Failure> {
    let physical_id = request.physical_resource_id.as_deref().unwrap_or_default();
    match request.kind {
        RequestType::Create => {
            let spec = validate(cx, &request.properties, true).await?;
            create_settled(cx, &spec).await
        }
        RequestType::Update => {
            let spec = validate(cx, &request.properties, false).await?;
            let old = props::old_template(&request.old_properties);
            update(cx, &spec, &old, physical_id).await
        }
        RequestType::Delete => delete(cx, physical_id).await,
    }
}

/// Validates the template: the rules of its properties, whether its instance is within the function's reach, and
/// the rules of the instance's identity-management type, every problem in one reason (docs/connect-user.md §1,
/// docs/real-connect.md §4 and §6). The only call is `DescribeInstance`, which the port keeps per instance, and
/// not even that for an instance out of reach.
///
/// `create` says the request is a Create, whose template goes to `CreateUser` (see [`identity::Facts::creates`]).
async fn validate<C: Connect>(cx: &Cx<'_, C>, properties: &Value, create: bool) -> Result<UserSpec, Failure> {
    cx.progress.step("validating the properties");
    let mut problems = Vec::new();
    let instance = props::instance_arn(properties);
    let mut reachable = true;
    if let (Some(instance), Some(home)) = (&instance, &cx.work.home)
        && let Err(e) = placement::check(home, instance)
    {
        problems.push(PropertyError { path: "InstanceArn".to_owned(), message: e.to_string() });
        reachable = false;
    }
    let kind = match &instance {
        Some(instance) if reachable => identity_type(cx, instance).await,
        _ => None,
    };
    let facts = props::identity_facts(properties, create);
    let typed = kind.map(|kind| identity::check(&facts, kind)).unwrap_or_default();
    match props::parse(properties) {
        Ok(spec) if problems.is_empty() && typed.is_empty() => return Ok(spec),
        Ok(_) => {}
        Err(Invalid(errors)) => problems.extend(errors),
    }
    problems.extend(typed);
    Err(Failure::new(Invalid(problems).to_string()))
}

/// The instance's identity-management type, or `None` when it cannot be known: `DescribeInstance` denied, failing
/// or slow (it gets [`Windows::describe_instance`], and never the time the request's own calls need). Then Connect
/// applies those rules itself, and its own error is reported.
async fn identity_type<C: Connect>(cx: &Cx<'_, C>, instance: &InstanceArn) -> Option<IdentityManagement> {
    cx.progress.step("calling DescribeInstance");
    let until = cx.window_end(cx.work.windows.describe_instance);
    let described = tokio::time::timeout_at(until, cx.connect.describe_instance(instance));
    let result = match described.await {
        Ok(Ok(info)) => return info.identity_management,
        Ok(Err(e)) => explain(&e),
        Err(_) => format!("DescribeInstance: no answer within {} s", cx.work.windows.describe_instance.as_secs()),
    };
    warn!(
        error = %result,
        "the instance's identity-management type is unknown; its rules are left to Amazon Connect"
    );
    cx.progress.step("validating the properties");
    None
}

fn data(spec: &UserSpec, arn: &UserArn) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("UserArn".to_owned(), arn.to_string()),
        ("UserId".to_owned(), arn.user_id().to_owned()),
        ("InstanceArn".to_owned(), spec.instance.to_string()),
        ("Username".to_owned(), spec.username.clone()),
    ])
}

/// How a creation failed: before any user of ours existed, or after (then the rollback must delete it).
enum CreateFailure {
    /// No user of this resource exists, or one that must not be named (a stranger's, until it carries our tag).
    NoUser(String),
    /// This request's `CreateUser` made the user, with this resource's owner tag.
    Created(String, UserArn),
    /// A user that existed before this request (our own from an earlier attempt, or adopted), now owner-tagged.
    Adopted(String, UserArn),
}

/// Provider mode deletes the user it created this many times at most before giving up on it.
const CLEAN_UP_ATTEMPTS: u32 = 2;
/// Between two clean-up attempts: a user created seconds ago may not be visible to `DeleteUser` yet
/// (docs/real-connect.md §1).
const CLEAN_UP_PAUSE: Duration = Duration::from_secs(1);

/// Creates the template's user (or adopts it) and turns a failure into the request's [`Failure`].
///
/// In ordinary mode a user that exists after a failure is named, so CloudFormation's rollback Delete removes it.
/// In provider mode the CDK framework answers a failure with the request's own PhysicalResourceId (its marker for
/// a Create, the old user's ARN for an Update) and never forwards a Delete of the new user, which would be
/// orphaned. So there, a user that this request's `CreateUser` made is deleted again before failing — for a
/// Create, and equally for the replacement (or marker re-creation) of an Update: the new user was made by this
/// request, with this resource's owner tag, and nothing else refers to it; the old user is never touched. A user
/// that existed before the request (adopted, or ours from an earlier attempt) is left as it is.
async fn create_settled<C: Connect>(cx: &Cx<'_, C>, spec: &UserSpec) -> Result<Done, Failure> {
    match create(cx, spec).await {
        Ok(done) => Ok(done),
        Err(CreateFailure::NoUser(reason)) => Err(Failure::new(reason)),
        Err(CreateFailure::Adopted(reason, arn)) => Err(Failure::with_id(reason, &arn)),
        Err(CreateFailure::Created(reason, arn)) => match cx.work.mode {
            Mode::Respond => Err(Failure::with_id(reason, &arn)),
            Mode::Return => Err(clean_up(cx, reason, &arn).await),
        },
    }
}

/// Provider mode: deletes the user this request created, in a couple of attempts (each retried through the
/// port until the request's deadline, and patient with a user that is not visible yet), and says in the reason
/// whether that worked.
async fn clean_up<C: Connect>(cx: &Cx<'_, C>, reason: String, arn: &UserArn) -> Failure {
    cx.progress.step("calling DeleteUser (deleting the user this request created)");
    let fresh = Some(cx.window_end(cx.work.windows.visibility));
    let mut attempt = 1;
    loop {
        match patiently(cx, fresh, || cx.connect.delete_user(arn)).await {
            Ok(()) => {
                cx.progress.deleted();
                info!(user_arn = %arn, "provider mode: the user this request created was deleted again");
                return Failure::new(format!("{reason}; the user it created was deleted again"));
            }
            Err(e) if attempt < CLEAN_UP_ATTEMPTS => {
                warn!(user_arn = %arn, error = %e, attempt, "provider mode: the user this request created could not be deleted yet");
                attempt += 1;
                tokio::time::sleep(CLEAN_UP_PAUSE).await;
            }
            Err(e) => {
                warn!(user_arn = %arn, error = %e, "provider mode: the user this request created could not be deleted");
                return Failure::with_id(
                    format!(
                        "{reason}; the user it created ({arn}) could not be deleted: {}; delete it by hand",
                        explain(&e)
                    ),
                    arn,
                );
            }
        }
    }
}

async fn create<C: Connect>(cx: &Cx<'_, C>, spec: &UserSpec) -> Result<Done, CreateFailure> {
    let (progress, owner) = (cx.progress, cx.owner.as_str());
    let mut new_user = plan::new_user(spec, owner);
    // Read only now: no other call needs the password, and a secret read is a secret exposed for less time.
    if let Some(source) = &spec.password_secret {
        progress.step("calling GetSecretValue (PasswordSecretArn)");
        match password::read(cx.secrets, source).await {
            Ok(password) => new_user.password = Some(password),
            // Adoption needs no password: when the name is taken, the secret's failure must not stop a repeated
            // Create (or AdoptExisting) from taking over the user, nor hide why a stranger's user is not taken.
            Err(reason) => {
                return match cx.connect.find_user(&spec.instance, &spec.username).await {
                    Ok(Some(_)) => adopt(cx, spec).await,
                    _ => Err(CreateFailure::NoUser(reason)),
                };
            }
        }
    }
    let mut repeats = 0;
    let arn = loop {
        progress.step("calling CreateUser");
        match cx.connect.create_user(&new_user).await {
            Ok(arn) => break arn,
            Err(e) if e.kind == ErrorKind::Duplicate => return adopt(cx, spec).await,
            // It may have committed. If it did, the repeat is told the name is taken, and the owner tag makes the
            // user this resource's to adopt (docs/real-connect.md §2).
            Err(e) if e.is_retryable() && repeats < cx.work.windows.replans => {
                repeats += 1;
                warn!(error = %e, repeats, "CreateUser failed and may have taken effect; repeating it");
                tokio::time::sleep(cx.work.windows.pause.delay(repeats)).await;
            }
            Err(e) => return Err(CreateFailure::NoUser(explain(&e))),
        }
    };
    let fresh = Some(cx.window_end(cx.work.windows.visibility));
    progress.created(&arn);
    info!(user_arn = %arn, "user created");
    // Only a user that carries this resource's owner tag may ever be deleted on its behalf. The request that
    // made it says so; a read could answer not-found while the new user is not visible yet.
    let mut tagged = new_user.tags.get(OWNER_TAG_KEY).is_some_and(|v| v == owner);
    let result = converge(cx, spec, &OldTemplate::default(), &arn, plan::after_create(spec), fresh, &mut tagged).await;
    match result {
        Ok(()) => Ok(Done { physical_id: arn.to_string(), data: data(spec, &arn) }),
        Err(reason) if tagged => Err(CreateFailure::Created(reason, arn)),
        Err(reason) => Err(CreateFailure::Adopted(reason, arn)),
    }
}

/// `CreateUser` said the username is taken: take the user over if it is ours (a repeated Create, or a
/// `CreateUser` that committed and then failed) or the template asks for it (`AdoptExisting`), never otherwise.
///
/// The user may have been created a moment ago (by this request's own `CreateUser`, whose answer was lost), so
/// it may not be visible yet: the lookup and the calls on the user are patient for the visibility window.
async fn adopt<C: Connect>(cx: &Cx<'_, C>, spec: &UserSpec) -> Result<Done, CreateFailure> {
    let (progress, owner) = (cx.progress, cx.owner.as_str());
    let taken = |detail: &str| {
        CreateFailure::NoUser(format!(
            "a user named {:?} already exists in {} and was not created by this resource ({detail}); \
             set AdoptExisting: \"true\" to manage it with this stack, or choose another Username",
            spec.username, spec.instance
        ))
    };
    progress.step("looking up the existing user (CreateUser: DuplicateResourceException)");
    let visible_by = cx.window_end(cx.work.windows.visibility);
    let mut patience = cx.patience(visible_by);
    let arn = loop {
        match cx.connect.find_user(&spec.instance, &spec.username).await {
            Ok(Some(arn)) => break arn,
            // Search is an index, and lags behind the user store the longest.
            Ok(None) if patience.wait().await => info!("the user holding the name is not visible to a search yet"),
            Ok(None) => {
                return Err(CreateFailure::NoUser(format!(
                    "CreateUser answered that a user named {:?} already exists in {}, but no user by that name \
                     became visible to SearchUsers within {} s (Amazon Connect is eventually consistent), so whether \
                     this resource created it cannot be told; retry the deployment",
                    spec.username,
                    spec.instance,
                    cx.work.windows.visibility.as_secs()
                )));
            }
            Err(e) => return Err(CreateFailure::NoUser(explain(&e))),
        }
    };
    progress.step("reading the existing user");
    let fresh = Some(visible_by);
    let mut live = patiently(cx, fresh, || cx.connect.describe_user(&arn))
        .await
        .map_err(|e| CreateFailure::NoUser(explain_on(cx, &e, &arn, fresh)))?;
    // Another resource's user is never taken, AdoptExisting or not: its owner decides, by removing the tag.
    if let Some(held) = foreign_owner(&live.tags, owner) {
        return Err(CreateFailure::NoUser(format!(
            "a user named {:?} already exists in {} and was not created by this resource: its {OWNER_TAG_KEY} tag \
             names another stack or logical resource ({held:?}), and such a user is never taken over; to hand it \
             over to this resource, remove that tag ({}) and set AdoptExisting: \"true\", or choose another Username",
            spec.username,
            spec.instance,
            hand_over_command(arn.as_str())
        )));
    }
    let ours = live.tags.get(OWNER_TAG_KEY).is_some_and(|v| v == owner);
    if !ours && !spec.adopt_existing {
        return Err(taken("it has no owner tag"));
    }
    info!(user_arn = %arn, ours, "adopting the existing user");
    // Until the owner tag is on it, a stranger's user must not be named in a failure: the rollback would delete it.
    let failed = |reason: String, tagged: bool| {
        if ours || tagged { CreateFailure::Adopted(reason, arn.clone()) } else { CreateFailure::NoUser(reason) }
    };
    if spec.proficiencies.is_some() {
        progress.step("calling ListUserProficiencies");
        live.proficiencies = Some(
            patiently(cx, fresh, || cx.connect.list_proficiencies(&arn))
                .await
                .map_err(|e| failed(explain_on(cx, &e, &arn, fresh), false))?,
        );
    }
    match plan::plan(spec, &OldTemplate::default(), &live, owner) {
        Decision::Reconcile(calls) => {
            let mut tagged = ours;
            let result = converge(cx, spec, &OldTemplate::default(), &arn, calls, fresh, &mut tagged).await;
            match result {
                Ok(()) => Ok(Done { physical_id: arn.to_string(), data: data(spec, &arn) }),
                Err(reason) => Err(failed(reason, tagged)),
            }
        }
        Decision::Refuse(reason) => Err(failed(format!("cannot adopt the existing user: {reason}"), false)),
        Decision::Replace => {
            Err(failed(format!("the existing user {arn} does not match the template's instance and username"), false))
        }
    }
}

async fn update<C: Connect>(
    cx: &Cx<'_, C>,
    spec: &UserSpec,
    old: &OldTemplate,
    physical_id: &str,
) -> Result<Done, Failure> {
    let PhysicalId::User(arn) = PhysicalId::read(physical_id) else {
        // A failed Create's marker: the template's user has to be made.
        info!(physical_id, "the physical id is not a user ARN; creating the user");
        return create_settled(cx, spec).await;
    };
    // A user from an earlier request: not-found means it is gone (it had all the time it needed to appear).
    let live = match read_live(cx, spec, old, &arn, None).await {
        Ok(live) => live,
        Err(e) if e.kind == ErrorKind::NotFound => {
            return Err(Failure::new(format!(
                "the user no longer exists ({e}); remove it from the template, or change its Username to create a new one"
            )));
        }
        Err(e) => return Err(e.into()),
    };
    match plan::plan(spec, old, &live, &cx.owner) {
        Decision::Replace => {
            info!(old_user_arn = %arn, "instance or username changed: replacing the user");
            // On failure before a new user exists, the old id stays: CloudFormation keeps the old user.
            create_settled(cx, spec).await
        }
        Decision::Refuse(reason) => {
            if let Some(held) = foreign_owner(&live.tags, &cx.owner) {
                info!(user_arn = %arn, owner = held, "the user belongs to another stack or logical resource; not changed");
            }
            Err(Failure::new(reason))
        }
        Decision::Reconcile(calls) => {
            warn_if_password_changed(spec, old);
            if calls.is_empty() {
                info!("the user already matches the template");
            }
            let mut tagged = true;
            converge(cx, spec, old, &live.arn, calls, None, &mut tagged).await.map_err(Failure::new)?;
            Ok(Done { physical_id: arn.to_string(), data: data(spec, &arn) })
        }
    }
}

/// `DescribeUser`, and `ListUserProficiencies` when the new or the old template has proficiencies; patient with
/// a new user (`fresh`).
async fn read_live<C: Connect>(
    cx: &Cx<'_, C>,
    spec: &UserSpec,
    old: &OldTemplate,
    arn: &UserArn,
    fresh: Option<Instant>,
) -> Result<LiveUser, ConnectError> {
    cx.progress.step("calling DescribeUser");
    let mut live = patiently(cx, fresh, || cx.connect.describe_user(arn)).await?;
    if spec.proficiencies.is_some() || !old.proficiency_keys.is_empty() {
        cx.progress.step("calling ListUserProficiencies");
        live.proficiencies = Some(patiently(cx, fresh, || cx.connect.list_proficiencies(arn)).await?);
    }
    Ok(live)
}

/// Brings the user to the template with `calls` (a plan of it). A write that fails in a way that may have
/// committed (a 5xx, a lost connection) is not repeated blindly — a repeat can fail for its own reasons, as a
/// second `AssociateUserProficiencies` of the same attribute does: the live user is read again and the plan made
/// again, and what committed drops out of it. At most [`Windows::replans`] times; then the failure is final.
///
/// `fresh` is the end of a new user's visibility window (see [`patiently`]). `tagged` says whether the user
/// carries this resource's owner tag, and is kept up to date.
async fn converge<C: Connect>(
    cx: &Cx<'_, C>,
    spec: &UserSpec,
    old: &OldTemplate,
    arn: &UserArn,
    mut calls: Vec<Call>,
    fresh: Option<Instant>,
    tagged: &mut bool,
) -> Result<(), String> {
    let mut replans = 0;
    loop {
        let e = match apply_all(cx, arn, &calls, fresh, tagged).await {
            Ok(()) => return Ok(()),
            Err(e) if e.is_retryable() && replans < cx.work.windows.replans => e,
            Err(e) => return Err(explain_on(cx, &e, arn, fresh)),
        };
        replans += 1;
        warn!(error = %e, replans, "a write failed and may have taken effect; reading the user and planning again");
        let live = read_live(cx, spec, old, arn, fresh).await.map_err(|e| explain_on(cx, &e, arn, fresh))?;
        *tagged |= live.tags.get(OWNER_TAG_KEY) == Some(&cx.owner);
        calls = match plan::plan(spec, old, &live, &cx.owner) {
            Decision::Reconcile(calls) => calls,
            Decision::Refuse(reason) => return Err(reason),
            Decision::Replace => {
                return Err(format!("the user {arn} no longer matches the template's instance and username"));
            }
        };
    }
}

/// Runs the calls in order until one fails.
async fn apply_all<C: Connect>(
    cx: &Cx<'_, C>,
    arn: &UserArn,
    calls: &[Call],
    fresh: Option<Instant>,
    tagged: &mut bool,
) -> Result<(), ConnectError> {
    for call in calls {
        cx.progress.step(format!("calling {}", call.operation()));
        patiently(cx, fresh, || cx.connect.apply(arn, call)).await?;
        *tagged |= matches!(call, Call::Tag(tags) if tags.get(OWNER_TAG_KEY) == Some(&cx.owner));
    }
    Ok(())
}

fn warn_if_password_changed(spec: &UserSpec, old: &OldTemplate) {
    if spec.password.is_some() && spec.password != old.password {
        warn!("Password changed in the template; the Connect API cannot change a password, so it is not applied");
    }
}

/// Deletes the user, unless another stack or logical resource owns it now: then it was handed over, and its
/// new owner decides its fate. A user with this resource's owner tag, or none, is deleted.
///
/// Not-found, from `DescribeUser` as from `DeleteUser`, counts as gone only once it persists for
/// [`Windows::gone`]: the Delete that follows a failed Create may meet a user that exists but is not visible yet,
/// and must not leave it behind (docs/real-connect.md §1). A `DeleteUser` that failed and may have committed is
/// followed by reading the user again.
async fn delete<C: Connect>(cx: &Cx<'_, C>, physical_id: &str) -> Result<Done, Failure> {
    let done = Done { physical_id: physical_id.to_owned(), data: BTreeMap::new() };
    let PhysicalId::User(arn) = PhysicalId::read(physical_id) else {
        info!(physical_id, "the physical id is not a user ARN; nothing to delete");
        return Ok(done);
    };
    if let Some(home) = &cx.work.home
        && let Err(e) = placement::check(home, arn.instance())
    {
        return Err(Failure::with_id(format!("the user {arn} {e}"), &arn));
    }
    let mut gone: Option<Patience> = None;
    let mut replans = 0;
    loop {
        cx.progress.step("calling DescribeUser");
        let not_found = match cx.connect.describe_user(&arn).await {
            Ok(live) => {
                if let Some(held) = foreign_owner(&live.tags, &cx.owner) {
                    info!(
                        user_arn = %arn,
                        owner = held,
                        "the user was handed over to another stack or logical resource; it is left in place, not deleted"
                    );
                    return Ok(done);
                }
                cx.progress.step("calling DeleteUser");
                match cx.connect.delete_user(&arn).await {
                    Ok(()) => return Ok(done),
                    Err(e) if e.kind == ErrorKind::NotFound => e,
                    Err(e) if e.is_retryable() && replans < cx.work.windows.replans => {
                        replans += 1;
                        warn!(error = %e, replans, "DeleteUser failed and may have taken effect; reading the user again");
                        continue;
                    }
                    Err(e) => return Err(Failure::with_id(explain(&e), &arn)),
                }
            }
            Err(e) if e.kind == ErrorKind::NotFound => e,
            Err(e) => return Err(Failure::with_id(explain(&e), &arn)),
        };
        let patience = gone.get_or_insert_with(|| cx.patience(cx.window_end(cx.work.windows.gone)));
        if !patience.wait().await {
            info!(error = %not_found, "the user is gone");
            return Ok(done);
        }
        info!(error = %not_found, "not found; making sure the user is gone rather than not visible yet");
    }
}
