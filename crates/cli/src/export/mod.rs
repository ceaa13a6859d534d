//! `connect-users export`: every user of an instance (or those selected) → a CloudFormation template with one
//! `Custom::ConnectUser` each, `AdoptExisting: "true"`, whose properties are the live user's, so that deploying it
//! adopts each user with one write (the owner tag) and changes nothing else.
//!
//! The steps: `DescribeInstance` (its identity-management type decides what a template may hold), the instance's
//! traffic distribution groups and their users (and, for `--portable`, its names: [`portable`]), `ListUsers`
//! page by page, then for each selected user `DescribeUser` and, when it is kept, `ListUserProficiencies`, a few
//! at a time and all through one pacer. Each user read is recorded in the state file at once ([`state`]), so an
//! interrupted export resumes where it stopped. Users whose owner tag says a stack already manages them are left
//! out (`--include-managed` keeps them: their resources would be refused, which `plan` then shows).

pub mod layout;
pub mod names;
pub mod portable;
pub mod previous;
pub mod properties;
pub mod state;

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use cfn_connect_user::adapters::UserSummary;
use cfn_connect_user::app::{ConnectError, ErrorKind};
use cfn_connect_user::core::arn::InstanceArn;
use cfn_connect_user::core::identity::IdentityManagement;
use cfn_connect_user::core::model::OWNER_TAG_KEY;
use cfn_connect_user::core::owner::Held;
use serde_json::Value;
use tokio::sync::mpsc;

use crate::catalog::Catalog;
use crate::progress::Progress;
use crate::reader::ReadOnly;
use crate::select::Selection;
use crate::template::{self, Format};
use layout::{Layout, ServiceToken};
use state::{Entry, Skip, StateFile};

/// What to export, and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// The instance.
    pub instance: InstanceArn,
    /// The template file; `None` writes it to stdout (one template only).
    pub output: Option<PathBuf>,
    /// YAML or JSON.
    pub format: Format,
    /// Where `ServiceToken` comes from.
    pub service_token: ServiceToken,
    /// Whether a user stays in Connect when its resource or the stack is deleted.
    pub deletion_policy: layout::DeletionPolicy,
    /// Which users.
    pub selection: Selection,
    /// Keep users that a stack already manages (their owner tag is set).
    pub include_managed: bool,
    /// The state file of this export.
    pub state: PathBuf,
    /// Continue the export whose state is in `state`.
    pub resume: bool,
    /// Users read at once.
    pub concurrency: usize,
    /// At most this many resources per template.
    pub max_resources: usize,
    /// At most this many bytes per template.
    pub max_bytes: usize,
    /// The main template of an earlier export whose logical ids and placement this one keeps.
    pub previous: Option<PathBuf>,
    /// Names instead of ARNs, and the instance and groups as parameters ([`portable`]).
    pub portable: bool,
}

/// What an export did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Users `ListUsers` returned.
    pub listed: usize,
    /// Users the username patterns selected.
    pub selected: usize,
    /// Of those, read by an earlier run of a resumed export.
    pub resumed: usize,
    /// Users in the template(s).
    pub exported: usize,
    /// Users left out, by reason, with their usernames.
    pub skipped: BTreeMap<Skip, Vec<String>>,
    /// `(logical id, username, problems)` of the exported users the function would refuse as they are.
    pub problems: Vec<(String, String, Vec<String>)>,
    /// The files written (none for stdout), the main template first.
    pub files: Vec<PathBuf>,
    /// The templates written, when several (the main one is then a parent of nested stacks).
    pub nested: usize,
    /// Connect operations asked for by this run.
    pub calls: u64,
    /// How long it took.
    pub elapsed: Duration,
    /// The pacer's rate at the end, when it was pacing.
    pub rate: Option<f64>,
    /// The earlier export whose layout was kept, and how many of its users kept their places.
    pub kept: Option<(PathBuf, usize)>,
    /// Of the users exported that a stack manages already (`--include-managed`): how many it made, how many it took
    /// over.
    pub managed: (usize, usize),
    /// `(logical id, username, why)` of the users of a portable export that keep an ARN of the exported instance.
    pub unportable: Vec<(String, String, Vec<String>)>,
}

/// Runs an export; `stdout` receives the template when there is no output file.
pub async fn export(
    reader: &ReadOnly,
    options: &Options,
    progress: &Progress,
    stdout: &mut dyn std::io::Write,
) -> Result<Report, String> {
    let started = Instant::now();
    let instance = options.instance.as_str();
    let selection =
        format!("{}{}", options.selection.describe(), if options.include_managed { ", managed too" } else { "" });
    let (mut state, mut done) = if options.resume {
        StateFile::resume(&options.state, instance, &selection)?
    } else {
        (StateFile::create(&options.state, instance, &selection)?, BTreeMap::new())
    };
    let kind = reader.describe_instance(&options.instance).await.map_err(|e| connect_failure(&e))?.identity_management;
    let catalog =
        Arc::new(Catalog::read(reader, &options.instance, options.portable).await.map_err(|e| connect_failure(&e))?);
    let listed = reader.list_users(&options.instance, |n| progress.listed(n)).await.map_err(|e| connect_failure(&e))?;
    let selected: Vec<UserSummary> =
        listed.iter().filter(|u| options.selection.takes_username(&u.username)).cloned().collect();
    let resumed = selected.iter().filter(|u| done.contains_key(u.arn.as_str())).count();
    let to_read: VecDeque<UserSummary> =
        selected.iter().filter(|u| !done.contains_key(u.arn.as_str())).cloned().collect();
    if resumed > 0 {
        progress.note(&format!("resuming: {resumed} of {} users already read", selected.len()));
    }
    progress.counting("reading users", selected.len(), resumed);
    let read = read_all(reader, options, kind, &catalog, to_read, progress, &mut state).await;
    progress.finish();
    for entry in read? {
        done.insert(entry.arn().to_owned(), entry);
    }

    let mut report = Report { listed: listed.len(), selected: selected.len(), resumed, ..Report::default() };
    let mut exported: Vec<(String, Value, Vec<String>)> = Vec::new();
    let mut owners: BTreeMap<String, String> = BTreeMap::new();
    // Only what this run's listing still holds: a user deleted since the interrupted run is gone.
    for user in &selected {
        match done.remove(user.arn.as_str()) {
            Some(Entry::Exported { username, properties, problems, owner, .. }) => {
                if let Some(owner) = owner {
                    owners.insert(username.clone(), owner);
                }
                exported.push((username, properties, problems));
            }
            Some(Entry::Skipped { username, why, .. }) => report.skipped.entry(why).or_default().push(username),
            None => {}
        }
    }
    let earlier = match &options.previous {
        Some(path) => Some(previous::read(path).map_err(|e| {
            format!("{e}\nthe earlier export's layout is kept so that no user changes stack; pass --fresh-layout to lay the users out anew")
        })?),
        None => None,
    };
    let mut earlier_ids = earlier.as_ref().map(|e| e.ids.clone()).unwrap_or_default();
    report.managed = managed_ids(&owners, &mut earlier_ids);
    let ids = names::logical_ids(exported.iter().map(|(username, ..)| username.as_str()), &earlier_ids);
    if let (Some(path), Some(earlier)) = (&options.previous, &earlier) {
        let kept = exported.iter().filter(|(username, ..)| earlier.ids.contains_key(username)).count();
        report.kept = Some((path.clone(), kept));
    }
    let portable = options.portable.then(|| {
        let used = exported.iter().flat_map(|(_, properties, _)| groups_in(properties)).collect();
        portable::Portable::new(&options.instance, &catalog, &used)
    });
    let mut resources: Vec<(String, Value)> = Vec::with_capacity(exported.len());
    for (username, properties, problems) in exported {
        let id = ids.get(&username).cloned().unwrap_or_else(|| names::base_id(&username));
        if !problems.is_empty() {
            report.problems.push((id.clone(), username.clone(), problems));
        }
        let properties = match &portable {
            Some(portable) => {
                let (properties, kept) = portable.apply(&properties, &catalog);
                if !kept.is_empty() {
                    report.unportable.push((id.clone(), username, kept));
                }
                properties
            }
            None => properties,
        };
        resources.push((id, properties));
    }
    resources.sort_by(|a, b| a.0.cmp(&b.0));
    report.problems.sort();
    report.unportable.sort();
    report.exported = resources.len();

    let description = match &portable {
        Some(_) => format!(
            "The users of an Amazon Connect instance, portable: exported from {instance} by connect-users export \
             --portable"
        ),
        None => format!("The users of Amazon Connect instance {instance}, exported by connect-users export"),
    };
    let layout = Layout {
        description,
        parameters: portable.as_ref().map(|p| p.parameters().clone()).unwrap_or_default(),
        service_token: options.service_token.clone(),
        format: options.format,
        deletion_policy: options.deletion_policy,
        max_resources: options.max_resources,
        max_bytes: options.max_bytes,
    };
    let stem = options
        .output
        .as_deref()
        .and_then(Path::file_stem)
        .map_or_else(|| "connect-users".to_owned(), |s| s.to_string_lossy().into_owned());
    let documents = layout::lay_out(&resources, &layout, &stem, earlier.as_ref())?;
    if documents.len() > 1 {
        report.nested = documents.len() - 1;
    }
    write(&documents, options, stdout, &mut report)?;
    state.finish()?;
    report.calls = reader.calls();
    report.rate = reader.rate();
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Reads the users, `concurrency` at a time, recording each in the state file as it is done. On the first error
/// the others stop, and what was read stays recorded for `--resume`.
async fn read_all(
    reader: &ReadOnly,
    options: &Options,
    kind: Option<IdentityManagement>,
    catalog: &Arc<Catalog>,
    to_read: VecDeque<UserSummary>,
    progress: &Progress,
    state: &mut StateFile,
) -> Result<Vec<Entry>, String> {
    let queue = Arc::new(Mutex::new(to_read));
    let (sender, mut receiver) = mpsc::channel::<Result<Entry, String>>(64);
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..options.concurrency.max(1) {
        let (queue, sender, reader, catalog) =
            (Arc::clone(&queue), sender.clone(), reader.clone(), Arc::clone(catalog));
        let (selection, include_managed) = (options.selection.clone(), options.include_managed);
        workers.spawn(async move {
            loop {
                let next = queue.lock().unwrap_or_else(PoisonError::into_inner).pop_front();
                let Some(user) = next else { return };
                let entry = read_one(&reader, &user, kind, &catalog, &selection, include_managed).await;
                let failed = entry.is_err();
                if sender.send(entry).await.is_err() || failed {
                    return;
                }
            }
        });
    }
    drop(sender);
    let mut entries = Vec::new();
    while let Some(entry) = receiver.recv().await {
        let entry = entry?;
        state.append(&entry)?;
        progress.one_done();
        entries.push(entry);
    }
    Ok(entries)
}

async fn read_one(
    reader: &ReadOnly,
    user: &UserSummary,
    kind: Option<IdentityManagement>,
    catalog: &Catalog,
    selection: &Selection,
    include_managed: bool,
) -> Result<Entry, String> {
    let skipped = |why| Entry::Skipped { arn: user.arn.to_string(), username: user.username.clone(), why };
    let mut live = match reader.read_user(&user.arn, false).await {
        Ok(live) => live,
        Err(e) if e.kind == ErrorKind::NotFound => return Ok(skipped(Skip::Deleted)),
        Err(e) => return Err(format!("{}: {}", user.username, connect_failure(&e))),
    };
    if live.tags.contains_key(OWNER_TAG_KEY) && !include_managed {
        return Ok(skipped(Skip::Managed));
    }
    if !selection.takes_routing_profile(&live.routing_profile) {
        return Ok(skipped(Skip::RoutingProfile));
    }
    match reader.proficiencies(&user.arn).await {
        Ok(levels) => live.proficiencies = Some(levels),
        Err(e) if e.kind == ErrorKind::NotFound => return Ok(skipped(Skip::Deleted)),
        Err(e) => return Err(format!("{}: {}", user.username, connect_failure(&e))),
    }
    live.traffic_distribution_groups = Some(catalog.groups_of(user.arn.user_id()));
    let (properties, problems) = properties::properties(&live, kind);
    let owner = live.tags.get(OWNER_TAG_KEY).cloned();
    Ok(Entry::Exported { arn: user.arn.to_string(), username: live.username, properties, problems, owner })
}

fn write(
    documents: &[layout::Document],
    options: &Options,
    stdout: &mut dyn std::io::Write,
    report: &mut Report,
) -> Result<(), String> {
    let Some(output) = &options.output else {
        if documents.len() > 1 {
            return Err(format!(
                "{} users need {} templates (CloudFormation allows {} resources and 1 MB per template): give a file \
                 with --output to write them",
                report.exported,
                documents.len() - 1,
                layout::MAX_RESOURCES
            ));
        }
        for document in documents {
            let text = template::render(&document.template, options.format)?;
            stdout.write_all(text.as_bytes()).map_err(|e| format!("cannot write the template: {e}"))?;
        }
        return Ok(());
    };
    let directory = output.parent().unwrap_or(Path::new(""));
    for document in documents {
        let path = document.file_name.as_ref().map_or_else(|| output.clone(), |name| directory.join(name));
        let text = template::render(&document.template, options.format)?;
        state::write_private(&path, text.as_bytes()).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        report.files.push(path);
    }
    Ok(())
}

/// Users a stack manages already keep the logical id their owner tag names (either form), unless an earlier export
/// gave them one or another user has it: deployed into that stack, such a resource is the one that owns the user.
/// Returns (made by a stack, taken over by one).
fn managed_ids(owners: &BTreeMap<String, String>, ids: &mut BTreeMap<String, String>) -> (usize, usize) {
    let mut counts = (0, 0);
    for (username, owner) in owners {
        let Some(held) = Held::read(owner) else { continue };
        if held.taken_over {
            counts.1 += 1;
        } else {
            counts.0 += 1;
        }
        if !ids.contains_key(username) && !ids.values().any(|id| id == held.logical_id) {
            ids.insert(username.clone(), held.logical_id.to_owned());
        }
    }
    counts
}

/// The traffic distribution groups `properties` names.
fn groups_in(properties: &Value) -> Vec<cfn_connect_user::core::arn::TrafficDistributionGroupArn> {
    let groups = properties.get("TrafficDistributionGroupArns").and_then(Value::as_array);
    groups
        .into_iter()
        .flatten()
        .filter_map(|g| cfn_connect_user::core::arn::TrafficDistributionGroupArn::parse(g.as_str()?).ok())
        .collect()
}

/// A failed Connect call in the words of this tool (the function's reasons speak of its own role).
pub fn connect_failure(e: &ConnectError) -> String {
    match e.kind {
        ErrorKind::AccessDenied => format!(
            "{e}; the caller lacks the IAM permission connect:{} (the README's policy for connect-users lists every \
             action it needs)",
            e.operation
        ),
        _ => e.to_string(),
    }
}

impl Report {
    /// The summary printed on stderr at the end.
    pub fn summary(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if self.nested > 0 {
            lines.push(format!(
                "{} users pass CloudFormation's limits for one template ({} resources, 1 MB): wrote a parent template \
                 with {} nested stacks",
                self.exported,
                layout::MAX_RESOURCES,
                self.nested
            ));
        }
        for file in &self.files {
            lines.push(format!("wrote {}", file.display()));
        }
        if let Some((path, kept)) = &self.kept {
            lines.push(format!(
                "kept the logical ids and stacks of the {kept} users the earlier export {} holds; {} new",
                path.display(),
                self.exported.saturating_sub(*kept)
            ));
        }
        let mut counts =
            format!("{} users listed, {} selected, {} exported", self.listed, self.selected, self.exported);
        for (why, usernames) in &self.skipped {
            let what = match why {
                Skip::Managed => format!("already managed by a stack (their {OWNER_TAG_KEY} tag is set)"),
                Skip::RoutingProfile => "in other routing profiles".to_owned(),
                Skip::Deleted => "deleted while the export ran".to_owned(),
            };
            counts.push_str(&format!(", {} left out {what}", usernames.len()));
        }
        lines.push(counts);
        if self.managed != (0, 0) {
            lines.push(format!(
                "{} exported users are managed by a stack already ({} made by it, {} taken over), each under the \
                 logical id its {OWNER_TAG_KEY} tag names: deployed into any other stack, their resources are refused",
                self.managed.0 + self.managed.1,
                self.managed.0,
                self.managed.1
            ));
        }
        if let Some(managed) = self.skipped.get(&Skip::Managed) {
            lines.push(format!("  managed users left out: {}", sample(managed)));
        }
        if !self.unportable.is_empty() {
            lines.push(format!(
                "{} exported users keep an ARN of the exported instance where no name can stand for it, and deploy \
                 only there until it is replaced:",
                self.unportable.len()
            ));
            for (id, username, kept) in &self.unportable {
                lines.push(format!("  {id} ({username}): {}", kept.join("; ")));
            }
        }
        if !self.problems.is_empty() {
            lines.push(format!(
                "{} exported users would be refused by the function as they are; fix them in Connect or in the \
                 template before deploying:",
                self.problems.len()
            ));
            for (id, username, problems) in &self.problems {
                lines.push(format!("  {id} ({username}): {}", problems.join("; ")));
            }
        }
        let seconds = self.elapsed.as_secs_f64();
        let mut timing = format!(
            "{} Connect calls in {seconds:.1} s ({:.1} calls/s)",
            self.calls,
            self.calls as f64 / seconds.max(0.001)
        );
        if self.resumed > 0 {
            timing.push_str(&format!("; {} users came from the interrupted run", self.resumed));
        }
        if let Some(rate) = self.rate {
            timing.push_str(&format!("; Connect throttled, paced at {rate:.1} calls/s at the end"));
        }
        lines.push(timing);
        lines
    }
}

/// Up to ten names, and how many more.
fn sample(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(10).map(String::as_str).collect();
    match names.len().saturating_sub(shown.len()) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}
