//! The use cases: Create, Update and Delete of one Connect user through the [`Connect`] port, with the
//! rules of ownership, adoption, replacement and idempotency. The decisions themselves are the core's
//! (`props`, `plan`, `physical_id`); this module sequences the calls and turns their results into an
//! [`Outcome`].

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use tracing::{info, warn};

use super::ports::{Connect, ConnectError, ErrorKind};
use super::supervise::Mode;
use crate::core::arn::UserArn;
use crate::core::event::{Envelope, Request, RequestType};
use crate::core::model::{OWNER_TAG_KEY, OldTemplate, UserSpec};
use crate::core::owner::owner_tag_value;
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
/// mode a failed Create must not leave its user behind (docs/protocol.md §7).
pub async fn run<C: Connect>(
    connect: &C,
    request: &Request,
    envelope: &Envelope,
    progress: &Progress,
    mode: Mode,
) -> Outcome {
    let _ = mode; // used by the provider-mode clean-up
    match execute(connect, request, envelope, progress).await {
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
) -> Result<Done, Failure> {
    let owner = owner_tag_value(&envelope.stack_id, &envelope.logical_resource_id);
    match request.kind {
        RequestType::Create => {
            progress.step("validating the properties");
            let spec = props::parse(&request.properties).map_err(|e| Failure::new(e.to_string()))?;
            create(connect, &spec, &owner, progress).await.map_err(|f| f.into_failure())
        }
        RequestType::Update => {
            progress.step("validating the properties");
            let spec = props::parse(&request.properties).map_err(|e| Failure::new(e.to_string()))?;
            let old = props::old_template(&request.old_properties);
            update(connect, &spec, &old, request.physical_resource_id.as_deref().unwrap_or_default(), &owner, progress)
                .await
        }
        RequestType::Delete => {
            delete(connect, request.physical_resource_id.as_deref().unwrap_or_default(), progress).await
        }
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
    NoUser(String),
    WithUser(String, UserArn),
}

impl CreateFailure {
    fn into_failure(self) -> Failure {
        match self {
            Self::NoUser(reason) => Failure::new(reason),
            Self::WithUser(reason, arn) => Failure::with_id(reason, &arn),
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
    let arn = match connect.create_user(&plan::new_user(spec, owner)).await {
        Ok(arn) => arn,
        Err(e) if e.kind == ErrorKind::Duplicate => return adopt(connect, spec, owner, progress).await,
        Err(e) => return Err(CreateFailure::NoUser(e.to_string())),
    };
    progress.created(&arn);
    info!(user_arn = %arn, "user created");
    for call in plan::after_create(spec) {
        apply(connect, &arn, &call, progress).await.map_err(|e| CreateFailure::WithUser(e.to_string(), arn.clone()))?;
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
    let ours = live.tags.get(OWNER_TAG_KEY).is_some_and(|v| v == owner);
    if !ours && !spec.adopt_existing {
        return Err(taken(match live.tags.get(OWNER_TAG_KEY) {
            Some(_) => "it belongs to another stack or logical resource",
            None => "it has no owner tag",
        }));
    }
    info!(user_arn = %arn, ours, "adopting the existing user");
    // Until the owner tag is on it, a stranger's user must not be named in a failure: the rollback would delete it.
    let failed = |reason: String, tagged: bool| {
        if ours || tagged { CreateFailure::WithUser(reason, arn.clone()) } else { CreateFailure::NoUser(reason) }
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
) -> Result<Done, Failure> {
    let PhysicalId::User(arn) = PhysicalId::read(physical_id) else {
        // A failed Create's marker: the template's user has to be made.
        info!(physical_id, "the physical id is not a user ARN; creating the user");
        return create(connect, spec, owner, progress).await.map_err(|f| f.into_failure());
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
            create(connect, spec, owner, progress).await.map_err(|f| f.into_failure())
        }
        Decision::Refuse(reason) => Err(Failure::new(reason)),
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

async fn delete<C: Connect>(connect: &C, physical_id: &str, progress: &Progress) -> Result<Done, Failure> {
    let done = Done { physical_id: physical_id.to_owned(), data: BTreeMap::new() };
    let PhysicalId::User(arn) = PhysicalId::read(physical_id) else {
        info!(physical_id, "the physical id is not a user ARN; nothing to delete");
        return Ok(done);
    };
    progress.step("calling DeleteUser");
    match connect.delete_user(&arn).await {
        Ok(()) => Ok(done),
        Err(e) if e.kind == ErrorKind::NotFound => {
            info!(error = %e, "the user is already gone");
            Ok(done)
        }
        Err(e) => Err(Failure::with_id(e.to_string(), &arn)),
    }
}

async fn apply<C: Connect>(connect: &C, user: &UserArn, call: &Call, progress: &Progress) -> Result<(), ConnectError> {
    progress.step(format!("calling {}", call.operation()));
    connect.apply(user, call).await
}
