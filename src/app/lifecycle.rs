//! The use cases: Create, Update and Delete of one Connect user through the [`Connect`] port, with the
//! rules of ownership, adoption, replacement and idempotency. The decisions themselves are the core's
//! (`props`, `plan`, `physical_id`); this module sequences the calls and turns their results into an
//! [`Outcome`].

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tracing::{info, warn};

use super::ports::{Connect, ConnectError, ErrorKind};
use super::supervise::Mode;
use crate::core::arn::UserArn;
use crate::core::event::{Envelope, Request, RequestType};
use crate::core::model::{OWNER_TAG_KEY, OldTemplate, UserSpec};
use crate::core::owner::{foreign_owner, hand_over_command, owner_tag_value};
use crate::core::physical_id::{self, PhysicalId};
use crate::core::plan::{self, Call, Decision};
use crate::core::props;
use crate::core::response::Outcome;

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
        Self::new(e.to_string())
    }
}

/// Runs one request to its end and says how it ended. `mode` tells who answers CloudFormation: in provider
/// mode a request that fails after its own `CreateUser` deletes that user again (docs/protocol.md §7).
pub async fn run<C: Connect>(
    connect: &C,
    request: &Request,
    envelope: &Envelope,
    progress: &Progress,
    mode: Mode,
) -> Outcome {
    match execute(connect, request, envelope, progress, mode).await {
        Ok(Done { physical_id, data }) => Outcome::Success { physical_id, data },
        Err(Failure { reason, physical_id }) => Outcome::Failed {
            physical_id: physical_id.unwrap_or_else(|| physical_id::for_failure(Some(request), envelope)),
            reason,
        },
    }
}

async fn execute<C: Connect>(
    connect: &C,
    request: &Request,
    envelope: &Envelope,
    progress: &Progress,
    mode: Mode,
) -> Result<Done, Failure> {
    let owner = owner_tag_value(&envelope.stack_id, &envelope.logical_resource_id);
    let physical_id = request.physical_resource_id.as_deref().unwrap_or_default();
    match request.kind {
        RequestType::Create => {
            progress.step("validating the properties");
            let spec = props::parse(&request.properties).map_err(|e| Failure::new(e.to_string()))?;
            create_settled(connect, &spec, &owner, progress, mode).await
        }
        RequestType::Update => {
            progress.step("validating the properties");
            let spec = props::parse(&request.properties).map_err(|e| Failure::new(e.to_string()))?;
            let old = props::old_template(&request.old_properties);
            update(connect, &spec, &old, physical_id, &owner, progress, mode).await
        }
        RequestType::Delete => delete(connect, physical_id, &owner, progress).await,
    }
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
async fn create_settled<C: Connect>(
    connect: &C,
    spec: &UserSpec,
    owner: &str,
    progress: &Progress,
    mode: Mode,
) -> Result<Done, Failure> {
    match create(connect, spec, owner, progress).await {
        Ok(done) => Ok(done),
        Err(CreateFailure::NoUser(reason)) => Err(Failure::new(reason)),
        Err(CreateFailure::Adopted(reason, arn)) => Err(Failure::with_id(reason, &arn)),
        Err(CreateFailure::Created(reason, arn)) => match mode {
            Mode::Respond => Err(Failure::with_id(reason, &arn)),
            Mode::Return => Err(clean_up(connect, reason, &arn, progress).await),
        },
    }
}

/// Provider mode: deletes the user this request created, in a couple of attempts (each retried through the
/// port until the request's deadline), and says in the reason whether that worked.
async fn clean_up<C: Connect>(connect: &C, reason: String, arn: &UserArn, progress: &Progress) -> Failure {
    progress.step("calling DeleteUser (deleting the user this request created)");
    let mut attempt = 1;
    loop {
        match connect.delete_user(arn).await {
            Ok(()) => {
                progress.deleted();
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
                    format!("{reason}; the user it created ({arn}) could not be deleted: {e}; delete it by hand"),
                    arn,
                );
            }
        }
    }
}

async fn create<C: Connect>(
    connect: &C,
    spec: &UserSpec,
    owner: &str,
    progress: &Progress,
) -> Result<Done, CreateFailure> {
    progress.step("calling CreateUser");
    let new_user = plan::new_user(spec, owner);
    let arn = match connect.create_user(&new_user).await {
        Ok(arn) => arn,
        Err(e) if e.kind == ErrorKind::Duplicate => return adopt(connect, spec, owner, progress).await,
        Err(e) => return Err(CreateFailure::NoUser(e.to_string())),
    };
    progress.created(&arn);
    info!(user_arn = %arn, "user created");
    // Only a user that carries this resource's owner tag may ever be deleted on its behalf. The request that
    // made it says so; a read could answer not-found while the new user is not visible yet.
    let tagged = new_user.tags.get(OWNER_TAG_KEY).is_some_and(|v| v == owner);
    let failed = |reason: String| {
        if tagged { CreateFailure::Created(reason, arn.clone()) } else { CreateFailure::Adopted(reason, arn.clone()) }
    };
    for call in plan::after_create(spec) {
        apply(connect, &arn, &call, progress).await.map_err(|e| failed(e.to_string()))?;
    }
    Ok(Done { physical_id: arn.to_string(), data: data(spec, &arn) })
}

/// `CreateUser` said the username is taken: take the user over if it is ours (a repeated Create)
/// or the template asks for it (`AdoptExisting`), never otherwise.
async fn adopt<C: Connect>(
    connect: &C,
    spec: &UserSpec,
    owner: &str,
    progress: &Progress,
) -> Result<Done, CreateFailure> {
    let taken = |detail: &str| {
        CreateFailure::NoUser(format!(
            "a user named {:?} already exists in {} and was not created by this resource ({detail}); \
             set AdoptExisting: \"true\" to manage it with this stack, or choose another Username",
            spec.username, spec.instance
        ))
    };
    progress.step("looking up the existing user (CreateUser: DuplicateResourceException)");
    let arn = match connect.find_user(&spec.instance, &spec.username).await {
        Ok(Some(arn)) => arn,
        Ok(None) => return Err(taken("Connect reports the name taken but no user by that exact name was found")),
        Err(e) => return Err(CreateFailure::NoUser(e.to_string())),
    };
    progress.step("reading the existing user");
    let mut live = connect.describe_user(&arn).await.map_err(|e| CreateFailure::NoUser(e.to_string()))?;
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
        live.proficiencies = Some(connect.list_proficiencies(&arn).await.map_err(|e| failed(e.to_string(), false))?);
    }
    match plan::plan(spec, &OldTemplate::default(), &live, owner) {
        Decision::Reconcile(calls) => {
            let mut tagged = ours;
            for call in calls {
                apply(connect, &arn, &call, progress).await.map_err(|e| failed(e.to_string(), tagged))?;
                tagged |= matches!(&call, Call::Tag(tags) if tags.contains_key(OWNER_TAG_KEY));
            }
            Ok(Done { physical_id: arn.to_string(), data: data(spec, &arn) })
        }
        Decision::Refuse(reason) => Err(failed(format!("cannot adopt the existing user: {reason}"), false)),
        Decision::Replace => {
            Err(failed(format!("the existing user {arn} does not match the template's instance and username"), false))
        }
    }
}

async fn update<C: Connect>(
    connect: &C,
    spec: &UserSpec,
    old: &OldTemplate,
    physical_id: &str,
    owner: &str,
    progress: &Progress,
    mode: Mode,
) -> Result<Done, Failure> {
    let PhysicalId::User(arn) = PhysicalId::read(physical_id) else {
        // A failed Create's marker: the template's user has to be made.
        info!(physical_id, "the physical id is not a user ARN; creating the user");
        return create_settled(connect, spec, owner, progress, mode).await;
    };
    progress.step("calling DescribeUser");
    let mut live = match connect.describe_user(&arn).await {
        Ok(live) => live,
        Err(e) if e.kind == ErrorKind::NotFound => {
            return Err(Failure::new(format!(
                "the user no longer exists ({e}); remove it from the template, or change its Username to create a new one"
            )));
        }
        Err(e) => return Err(e.into()),
    };
    if spec.proficiencies.is_some() || !old.proficiency_keys.is_empty() {
        progress.step("calling ListUserProficiencies");
        live.proficiencies = Some(connect.list_proficiencies(&arn).await?);
    }
    match plan::plan(spec, old, &live, owner) {
        Decision::Replace => {
            info!(old_user_arn = %arn, "instance or username changed: replacing the user");
            // On failure before a new user exists, the old id stays: CloudFormation keeps the old user.
            create_settled(connect, spec, owner, progress, mode).await
        }
        Decision::Refuse(reason) => {
            if let Some(held) = foreign_owner(&live.tags, owner) {
                info!(user_arn = %arn, owner = held, "the user belongs to another stack or logical resource; not changed");
            }
            Err(Failure::new(reason))
        }
        Decision::Reconcile(calls) => {
            warn_if_password_changed(spec, old);
            if calls.is_empty() {
                info!("the user already matches the template");
            }
            for call in &calls {
                apply(connect, &live.arn, call, progress).await?;
            }
            Ok(Done { physical_id: arn.to_string(), data: data(spec, &arn) })
        }
    }
}

fn warn_if_password_changed(spec: &UserSpec, old: &OldTemplate) {
    if spec.password.is_some() && spec.password != old.password {
        warn!("Password changed in the template; the Connect API cannot change a password, so it is not applied");
    }
}

/// Deletes the user, unless another stack or logical resource owns it now: then it was handed over, and its
/// new owner decides its fate. A user with this resource's owner tag, or none, is deleted.
async fn delete<C: Connect>(connect: &C, physical_id: &str, owner: &str, progress: &Progress) -> Result<Done, Failure> {
    let done = Done { physical_id: physical_id.to_owned(), data: BTreeMap::new() };
    let PhysicalId::User(arn) = PhysicalId::read(physical_id) else {
        info!(physical_id, "the physical id is not a user ARN; nothing to delete");
        return Ok(done);
    };
    let already_gone = |e: ConnectError| {
        info!(error = %e, "the user is already gone");
        Ok(done.clone())
    };
    progress.step("calling DescribeUser");
    match connect.describe_user(&arn).await {
        Ok(live) => {
            if let Some(held) = foreign_owner(&live.tags, owner) {
                info!(
                    user_arn = %arn,
                    owner = held,
                    "the user was handed over to another stack or logical resource; it is left in place, not deleted"
                );
                return Ok(done);
            }
        }
        Err(e) if e.kind == ErrorKind::NotFound => return already_gone(e),
        Err(e) => return Err(Failure::with_id(e.to_string(), &arn)),
    }
    progress.step("calling DeleteUser");
    match connect.delete_user(&arn).await {
        Ok(()) => Ok(done),
        Err(e) if e.kind == ErrorKind::NotFound => already_gone(e),
        Err(e) => Err(Failure::with_id(e.to_string(), &arn)),
    }
}

async fn apply<C: Connect>(connect: &C, user: &UserArn, call: &Call, progress: &Progress) -> Result<(), ConnectError> {
    progress.step(format!("calling {}", call.operation()));
    connect.apply(user, call).await
}
