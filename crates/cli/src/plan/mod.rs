//! `connect-users plan`: for every `Custom::ConnectUser` of a template (and of its nested stacks, read from the
//! local files their `TemplateURL` names), what the function would do now and the Connect calls it would make, with
//! the property path behind each: create, adopt, update, replace, no changes, or refused with the function's own
//! reason; and, given the deployed template, delete or retain for each resource that left it. Decided by the
//! function's own decision (`cfn_connect_user::core::decision`) from what Connect holds; only reads are made.
//!
//! What the plan cannot know is said, never guessed:
//! - whose a user is, when it carries an owner tag and the stack's id is not given (`--stack-id`, and
//!   `--stack-id PATH=ARN` for each nested stack): "owner unknown", which counts as a change;
//! - an intrinsic function it cannot resolve: an error naming the resource and the property (`--parameter`);
//! - what the deployed template set and this one drops (tags, proficiencies, the hierarchy group), and which resources
//!   left the template: planned only with `--previous-template` (the deployed template, as `aws cloudformation
//!   get-template` gives it).

pub mod collect;
pub mod paths;
pub mod render;
pub mod resource;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use cfn_connect_user::core::arn::InstanceArn;
use cfn_connect_user::core::identity::IdentityManagement;
use cfn_connect_user::core::owner::OwnerTag;
use cfn_connect_user::core::props;

use crate::export::connect_failure;
use crate::progress::Progress;
use crate::reader::ReadOnly;
use collect::{Found, collect};
pub use resource::{OldUser, Planned, PlannedCall, Verdict};
use resource::{OwnerOf, Reads};

/// The resource type planned.
pub const RESOURCE_TYPE: &str = "Custom::ConnectUser";

/// What to plan.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The template.
    pub template: PathBuf,
    /// `--parameter` values: parameters, pseudo parameters, export names, `Resource.Attribute`.
    pub parameters: BTreeMap<String, String>,
    /// The ids of the stack (under the empty path) and of its nested stacks (under their paths of logical ids), when
    /// they exist: their resources' owner tags are then known, and so are their pseudo parameters.
    pub stack_ids: BTreeMap<Vec<String>, String>,
    /// The deployed template, to plan what this one drops.
    pub previous: Option<PathBuf>,
    /// Resources planned at once.
    pub concurrency: usize,
    /// Plan every resource, and the previous template's, against this instance instead of the one its `InstanceArn`
    /// names: one template, any instance (test, production, a replica).
    pub instance: Option<InstanceArn>,
}

/// This resource's owner tag: exact when its stack's id is given, a stand-in (and "unknown") otherwise.
fn owner_of(stack_ids: &BTreeMap<Vec<String>, String>, found: &Found) -> OwnerOf {
    match stack_ids.get(&found.stack) {
        Some(stack_id) => OwnerOf { tag: OwnerTag::new(stack_id, &found.logical_id), known: true },
        None => OwnerOf { tag: OwnerTag::new("<stack id>", &found.logical_id), known: false },
    }
}

/// The plan of every resource: the template's in its order (nested stacks in place), then those that left it.
pub async fn plan(reader: &ReadOnly, options: &Options, progress: &Progress) -> Result<Vec<Planned>, String> {
    let given = &options.parameters;
    let mut next = collect(&options.template, given, &options.stack_ids).map_err(|e| e.join("\n"))?;
    let mut previous = match &options.previous {
        Some(path) => Some(
            collect(path, given, &options.stack_ids).map_err(|e| format!("the previous template: {}", e.join("\n")))?,
        ),
        None => None,
    };
    if let Some(instance) = &options.instance {
        for found in next.found.iter_mut().chain(previous.iter_mut().flat_map(|p| p.found.iter_mut())) {
            if let Some(properties) = found.properties.as_object_mut() {
                properties.insert("InstanceArn".into(), instance.as_str().into());
            }
        }
    }
    let mut identities: BTreeMap<String, Option<IdentityManagement>> = BTreeMap::new();
    for instance in next.found.iter().filter_map(|f| props::instance_arn(&f.properties)) {
        if !identities.contains_key(instance.as_str()) {
            let info = reader.describe_instance(&instance).await.map_err(|e| connect_failure(&e))?;
            identities.insert(instance.to_string(), info.identity_management);
        }
    }
    let mut jobs: Vec<Job> = Vec::new();
    let deployed = |f: &Found| {
        previous
            .as_ref()
            .and_then(|p| p.found.iter().find(|d| d.stack == f.stack && d.logical_id == f.logical_id).cloned())
    };
    for found in &next.found {
        jobs.push(Job::InTemplate { found: found.clone(), previous: deployed(found) });
    }
    if let Some(previous) = &previous {
        for found in &previous.found {
            if !next.found.iter().any(|f| f.stack == found.stack && f.logical_id == found.logical_id) {
                jobs.push(Job::Left { found: found.clone(), policy: previous.leaving_policy(found, &next) });
            }
        }
    }
    run_all(reader, jobs, Arc::new((identities, options.stack_ids.clone())), options.concurrency, progress).await
}

/// One resource to plan.
enum Job {
    InTemplate { found: Found, previous: Option<Found> },
    Left { found: Found, policy: collect::Policy },
}

type Shared = Arc<(BTreeMap<String, Option<IdentityManagement>>, BTreeMap<Vec<String>, String>)>;

async fn run_all(
    reader: &ReadOnly,
    jobs: Vec<Job>,
    shared: Shared,
    concurrency: usize,
    progress: &Progress,
) -> Result<Vec<Planned>, String> {
    progress.counting("planning resources", jobs.len(), 0);
    let semaphore = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for (index, job) in jobs.into_iter().enumerate() {
        let (reader, shared, semaphore, progress) =
            (reader.clone(), Arc::clone(&shared), Arc::clone(&semaphore), progress.clone());
        tasks.spawn(async move {
            let _permit = semaphore.acquire().await;
            let (identities, stack_ids) = &*shared;
            let mut reads = Reads::new(&reader);
            let planned = match &job {
                Job::InTemplate { found, previous } => {
                    let identity = props::instance_arn(&found.properties)
                        .and_then(|i| identities.get(i.as_str()).copied().flatten());
                    resource::in_template(&mut reads, found, previous.as_ref(), &owner_of(stack_ids, found), identity)
                        .await
                }
                Job::Left { found, policy } => {
                    resource::left_template(&mut reads, found, *policy, &owner_of(stack_ids, found)).await
                }
            };
            progress.one_done();
            (index, planned)
        });
    }
    let mut planned: Vec<Option<Planned>> = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let (index, result) = joined.map_err(|e| format!("a plan task failed: {e}"))?;
        if planned.len() <= index {
            planned.resize(index + 1, None);
        }
        planned[index] = Some(result?);
    }
    progress.finish();
    Ok(planned.into_iter().flatten().collect())
}
