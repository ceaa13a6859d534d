//! One resource's plan: the function's own decision (`cfn_connect_user::core::decision`), with each read it asks for
//! answered from Connect as the function's lifecycle answers it. Where the function sends `CreateUser` without looking
//! first and learns from Connect that the name is taken, the plan looks the name up instead and decides from what it
//! finds, as the function then does.

use std::collections::BTreeMap;

use cfn_connect_user::app::{ErrorKind, groups_holding};
use cfn_connect_user::core::arn::{InstanceArn, UserArn};
use cfn_connect_user::core::decision::{self, Also, Decision, Owner, Read, Request, Seen, Situation};
use cfn_connect_user::core::identity::IdentityManagement;
use cfn_connect_user::core::model::{LiveUser, OWNER_TAG_KEY, UserSpec};
use cfn_connect_user::core::names::Resolved;
use cfn_connect_user::core::physical_id::PhysicalId;
use cfn_connect_user::core::plan::Call;
use cfn_connect_user::core::props;
use serde_json::Value;

use super::collect::{Found, Policy};
use super::paths;
use crate::export::connect_failure;
use crate::reader::ReadOnly;

/// More steps than any decision takes; a bound, so that no mistake can loop forever.
const MAX_STEPS: usize = 16;

/// What becomes of one resource.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The function's decision (for a resource that left the template, of the Delete CloudFormation sends).
    Decided(Decision),
    /// The resource left the template and its `DeletionPolicy` (or its nested stack's) is `Retain`: CloudFormation
    /// sends nothing, and the user stays as it is.
    Retained,
}

/// What CloudFormation does with the user a replacement replaces.
#[derive(Debug, Clone, PartialEq)]
pub enum OldUser {
    /// `UpdateReplacePolicy: Retain`: nothing, the user stays.
    Retained(UserArn),
    /// It sends a Delete, and the function decides this.
    Decided(UserArn, Decision),
}

/// One call of a plan, with the property paths behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedCall {
    /// The Connect operation.
    pub operation: &'static str,
    /// The property paths that ask for it.
    pub paths: Vec<String>,
}

/// One resource's plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    /// The nested stack's logical ids from the top (`Users01`), empty for the template itself.
    pub stack: Vec<String>,
    /// The resource's logical id.
    pub logical_id: String,
    /// The template's username, when it gives one.
    pub username: Option<String>,
    /// Whether the resource left the template (it is in the previous one only).
    pub removed: bool,
    /// What becomes of it.
    pub verdict: Verdict,
    /// The Connect writes, in the function's order, `CreateUser` or `DeleteUser` included.
    pub calls: Vec<PlannedCall>,
    /// The user a replacement replaces, and what becomes of it.
    pub old_user: Option<OldUser>,
}

impl Planned {
    /// `Users01/UserMariaGarcia0`.
    pub fn address(&self) -> String {
        let mut parts = self.stack.clone();
        parts.push(self.logical_id.clone());
        parts.join("/")
    }

    /// The decision, unless CloudFormation never asks the function.
    pub fn decision(&self) -> Option<&Decision> {
        match &self.verdict {
            Verdict::Decided(decision) => Some(decision),
            Verdict::Retained => None,
        }
    }
}

/// What is known of a resource's owner tag: its stack's id given or not.
#[derive(Debug, Clone)]
pub struct OwnerOf {
    /// The owner tag (a stand-in when unknown).
    pub tag: cfn_connect_user::core::owner::OwnerTag,
    /// Whether it is the real one.
    pub known: bool,
}

/// The reads of one resource's plan, each user read once.
pub struct Reads<'a> {
    reader: &'a ReadOnly,
    users: BTreeMap<String, LiveUser>,
}

impl<'a> Reads<'a> {
    /// Reads through `reader`.
    pub fn new(reader: &'a ReadOnly) -> Self {
        Self { reader, users: BTreeMap::new() }
    }

    /// `DescribeUser` of `user` (and what else `also` asks for), or absent.
    async fn user(&mut self, user: &UserArn, also: &Also) -> Result<Seen, String> {
        let kept = self.users.get(user.as_str()).filter(|live| {
            (!also.proficiencies || live.proficiencies.is_some())
                && (also.groups.is_empty() || live.traffic_distribution_groups.is_some())
        });
        if let Some(live) = kept {
            return Ok(Seen::Found(Box::new(live.clone())));
        }
        let mut live = match self.reader.read_user(user, also.proficiencies).await {
            Ok(live) => live,
            Err(e) if e.kind == ErrorKind::NotFound => return Ok(Seen::Absent),
            Err(e) => return Err(connect_failure(&e)),
        };
        if !also.groups.is_empty() {
            let reader = self.reader;
            let listed = |group| async move { reader.group_users(&group).await };
            let groups = groups_holding(user, &also.groups, listed).await;
            live.traffic_distribution_groups = Some(groups.map_err(|e| connect_failure(&e))?);
        }
        self.users.insert(user.to_string(), live.clone());
        Ok(Seen::Found(Box::new(live)))
    }

    /// The user holding `username`, read, or absent.
    async fn holder(&mut self, instance: &InstanceArn, username: &str, also: &Also) -> Result<Seen, String> {
        match self.reader.find_user(instance, username).await.map_err(|e| connect_failure(&e))? {
            // Deleted between the search and the read: nobody holds the name.
            Some(user) => self.user(&user, also).await,
            None => Ok(Seen::Absent),
        }
    }

    /// The user the resource's template (as `properties` give it) names, by its instance and username.
    async fn named_by(&mut self, properties: &Value) -> Result<Option<LiveUser>, String> {
        let (Some(instance), Some(username)) =
            (props::instance_arn(properties), properties.get("Username").and_then(Value::as_str))
        else {
            return Ok(None);
        };
        match self.holder(&instance, username, &Also::default()).await? {
            Seen::Found(live) => Ok(Some(*live)),
            _ => Ok(None),
        }
    }

    fn read(&self, user: &UserArn) -> Option<&LiveUser> {
        self.users.get(user.as_str())
    }
}

/// Runs the decision to its end, answering its reads.
async fn drive(
    reads: &mut Reads<'_>,
    request: &Request<'_>,
    owner: &OwnerOf,
    identity: Option<IdentityManagement>,
    mut current: Seen,
) -> Result<Decision, String> {
    let (mut holder, mut create_sent) = (Seen::Unread, false);
    let (mut names, mut groups) = (Resolved::default(), BTreeMap::new());
    for _ in 0..MAX_STEPS {
        let situation = Situation {
            request,
            owner: Owner { tag: &owner.tag, known: owner.known },
            identity,
            home: None,
            current: &current,
            holder: &holder,
            names: &names,
            groups: &groups,
            create_sent,
        };
        match decision::decide(&situation) {
            Decision::Read(Read::Names { instance, wanted }) => {
                for name in wanted {
                    let found = reads.reader.resolve(&instance, &name).await.map_err(|e| connect_failure(&e))?;
                    names.insert(name, found);
                }
            }
            Decision::Read(Read::Groups(wanted)) => {
                for group in wanted {
                    let status = reads.reader.group_status(&group).await.map_err(|e| connect_failure(&e))?;
                    groups.insert(group, status);
                }
            }
            Decision::Read(Read::Current { user, also }) => current = reads.user(&user, &also).await?,
            Decision::Read(Read::Holder { instance, username, also }) => {
                holder = reads.holder(&instance, &username, &also).await?;
            }
            // The function sends this `CreateUser` without looking; if the name is taken, Connect says so, and the
            // function reads the holder and decides again.
            Decision::Create(creation) if holder == Seen::Unread => {
                let spec = &creation.spec;
                holder = reads.holder(&spec.instance, &spec.username, &Also::of(spec, &Default::default())).await?;
                if holder == Seen::Absent {
                    return Ok(Decision::Create(creation));
                }
                create_sent = true;
            }
            other => return Ok(other),
        }
    }
    Err(format!("the decision did not settle within {MAX_STEPS} steps"))
}

/// The plan of a resource in the template, `previous` its place in the deployed template when known.
pub async fn in_template(
    reads: &mut Reads<'_>,
    found: &Found,
    previous: Option<&Found>,
    owner: &OwnerOf,
    identity: Option<IdentityManagement>,
) -> Result<Planned, String> {
    let properties = &found.properties;
    let (decision, old_properties);
    match previous {
        Some(previous) => {
            // The resource's user is the one its deployed template names: usernames never change in Connect.
            let user = reads.named_by(&previous.properties).await?;
            let (physical, current) = match (&user, props::instance_arn(&previous.properties)) {
                (Some(live), _) => (PhysicalId::User(live.arn.clone()), Seen::Unread),
                (None, Some(instance)) => (PhysicalId::User(UserArn::new(&instance, "deleted")), Seen::Absent),
                (None, None) => (PhysicalId::NoUser, Seen::Unread),
            };
            old_properties = previous.properties.clone();
            let request = Request::Update { properties, old: &old_properties, physical };
            decision = drive(reads, &request, owner, identity, current).await?;
        }
        None => {
            // Without the deployed template, a user that carries this resource's owner tag is its deployed user.
            let holder = reads.named_by(properties).await?;
            let deployed = holder
                .filter(|live| owner.known && live.tags.get(OWNER_TAG_KEY).is_some_and(|held| owner.tag.names(held)));
            decision = match deployed {
                Some(live) => {
                    let request =
                        Request::Update { properties, old: properties, physical: PhysicalId::User(live.arn.clone()) };
                    drive(reads, &request, owner, identity, Seen::Unread).await?
                }
                None => drive(reads, &Request::Create { properties }, owner, identity, Seen::Unread).await?,
            };
        }
    }
    let calls = calls_of(&decision, reads);
    let old_user = match replaced(&decision) {
        Some(old) if found.update_replace == Policy::Retain => Some(OldUser::Retained(old.clone())),
        Some(old) => {
            // The Delete CloudFormation sends for the replaced user carries the template it had: the previous one.
            let properties = previous.map_or(&found.properties, |p| &p.properties);
            let request = Request::Delete { physical: PhysicalId::User(old.clone()), properties };
            Some(OldUser::Decided(old.clone(), drive(reads, &request, owner, identity, Seen::Unread).await?))
        }
        None => None,
    };
    Ok(Planned {
        stack: found.stack.clone(),
        logical_id: found.logical_id.clone(),
        username: username(properties),
        removed: false,
        verdict: Verdict::Decided(decision),
        calls,
        old_user,
    })
}

/// The plan of a resource that left the template: what CloudFormation does with it (`policy`), and, when it sends a
/// Delete, what the function decides.
pub async fn left_template(
    reads: &mut Reads<'_>,
    found: &Found,
    policy: Policy,
    owner: &OwnerOf,
) -> Result<Planned, String> {
    let (verdict, calls) = match policy {
        Policy::Retain => (Verdict::Retained, Vec::new()),
        Policy::Delete => {
            let physical = match reads.named_by(&found.properties).await? {
                Some(live) => PhysicalId::User(live.arn),
                // Gone already: the Delete finds nothing, as for a failed Create's marker.
                None => PhysicalId::NoUser,
            };
            let request = Request::Delete { physical, properties: &found.properties };
            let decision = drive(reads, &request, owner, None, Seen::Unread).await?;
            let calls = calls_of(&decision, reads);
            (Verdict::Decided(decision), calls)
        }
    };
    Ok(Planned {
        stack: found.stack.clone(),
        logical_id: found.logical_id.clone(),
        username: username(&found.properties),
        removed: true,
        verdict,
        calls,
        old_user: None,
    })
}

fn username(properties: &Value) -> Option<String> {
    properties.get("Username").and_then(Value::as_str).map(str::to_owned)
}

/// The user a replacement replaces.
fn replaced(decision: &Decision) -> Option<&UserArn> {
    match decision {
        Decision::Create(c) => c.replaces.as_ref(),
        Decision::Converge(c) => c.replaces.as_ref(),
        _ => None,
    }
}

/// The writes a decision makes, each with the property paths behind it.
pub fn calls_of(decision: &Decision, reads: &Reads<'_>) -> Vec<PlannedCall> {
    let each = |calls: &[Call], spec: &UserSpec, live: Option<&LiveUser>| {
        calls
            .iter()
            .map(|call| PlannedCall { operation: call.operation(), paths: paths::paths(call, spec, live) })
            .collect::<Vec<_>>()
    };
    match decision {
        Decision::Create(c) => {
            let mut calls =
                vec![PlannedCall { operation: "CreateUser", paths: vec!["(the template's properties)".to_owned()] }];
            calls.extend(each(&c.then, &c.spec, None));
            calls
        }
        Decision::Converge(c) => each(&c.calls, &c.spec, reads.read(&c.user)),
        Decision::Delete(deletion) => {
            let mut calls: Vec<PlannedCall> = deletion
                .leave
                .iter()
                .map(|group| PlannedCall {
                    operation: "DisassociateTrafficDistributionGroupUser",
                    paths: vec![format!("TrafficDistributionGroupArns ({group})")],
                })
                .collect();
            calls.push(PlannedCall { operation: "DeleteUser", paths: vec!["(the resource)".to_owned()] });
            calls
        }
        _ => Vec::new(),
    }
}
