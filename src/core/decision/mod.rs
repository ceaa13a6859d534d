//! The one decision of the product: from a request (its template, the previous template, its PhysicalResourceId),
//! what Connect holds (the user the id names, the user holding the template's username), this resource's owner tag
//! and the instance's identity-management type, to what happens: create, take over, update, replace, nothing,
//! refuse (with the reason CloudFormation shows), delete, or leave a user in place — and the Connect calls that do
//! it. Pure: the caller reads, writes and waits.
//!
//! Two callers, one answer. The function's lifecycle (`app::lifecycle`) executes each [`Decision`]; `connect-users
//! plan` renders it. A decision that needs to know more asks for a read ([`Decision::Read`]) and is made again with
//! its answer, so the lifecycle reads only what the case needs, and the plan, which reads everything up front, gets
//! the answer the lifecycle reaches. The one speculative step is the function's: a Create that does not take users
//! over sends `CreateUser` without looking first (one call instead of two); when Connect answers that the name is
//! taken, the holder is read and the decision made again, which is what the plan decides from the holder directly.
//!
//! The rules (docs/connect-user.md §3–§5, docs/real-connect.md §2):
//!
//! | the template's user | owner tag of the user holding the name | decision |
//! |---|---|---|
//! | nobody holds the name | — | `CreateUser` (a take-over on `CONNECT_MANAGED` without a password: refused) |
//! | held | another resource's | refused, never taken |
//! | held | none, `AdoptExisting` | take over: the owner tag's take-over form, then what differs |
//! | held | none, no `AdoptExisting` | refused: the name is taken |
//! | held | this resource's plain form | a repeated Create's own user (answerable: it made it); reconcile |
//! | held | this resource's take-over form | an earlier delivery's take-over: still a take-over, never answerable as made |
//!
//! `AdoptExisting` and every replacement look the name up before `CreateUser`: a take-over never depends on the order
//! in which Connect checks a `CreateUser` (a password-less one may be refused before the name is looked at), and a
//! user a replacement finds before it creates one is the resource's own or a stranger's, never one it made.

#[cfg(test)]
mod tests;

use serde_json::Value;

use std::collections::BTreeMap;

use super::arn::{InstanceArn, TrafficDistributionGroupArn, UserArn};
use super::failure::{Failure, Holder};
use super::identity::{self, IdentityManagement};
use super::model::{LiveUser, OWNER_TAG_KEY, OldTemplate, UserSpec};
use super::names::{Resolved, Wanted};
use super::owner::{OwnerTag, Provenance};
use super::physical_id::PhysicalId;
use super::placement::{self, Home};
use super::plan::{self, Call, Diff, NewUser};
use super::props::{self, Invalid, PropertyError, Unparsed};

/// The status a traffic distribution group must have for a user to join it.
const ACTIVE: &str = "ACTIVE";

/// A request, as the decision sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Request<'a> {
    /// A Create: the template.
    Create {
        /// `ResourceProperties`.
        properties: &'a Value,
    },
    /// An Update: the template, the previous one, and the resource's id.
    Update {
        /// `ResourceProperties`.
        properties: &'a Value,
        /// `OldResourceProperties`.
        old: &'a Value,
        /// `PhysicalResourceId`.
        physical: PhysicalId,
    },
    /// A Delete: the id counts, and the traffic distribution groups the user is to leave first; the properties are
    /// never validated (they may come from an older template or version, and must never block a stack's deletion).
    Delete {
        /// `PhysicalResourceId`.
        physical: PhysicalId,
        /// `ResourceProperties`, read leniently for `TrafficDistributionGroupArns` alone.
        properties: &'a Value,
    },
}

/// What is known of one user in Connect.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Seen {
    /// Not read yet.
    #[default]
    Unread,
    /// Read, and not there.
    Absent,
    /// Read: this user.
    Found(Box<LiveUser>),
}

/// This resource's owner tag, and whether it is known. The function always knows it (the request carries the stack
/// id and logical id); `connect-users plan` without the stack's id does not, and then a user with any owner tag is
/// [`Decision::OwnerUnknown`] instead of a guess. `tag` is then a stand-in, shown in the calls that would write it.
#[derive(Debug, Clone, Copy)]
pub struct Owner<'a> {
    /// The owner tag, or its stand-in.
    pub tag: &'a OwnerTag,
    /// Whether `tag` is the resource's real one.
    pub known: bool,
}

/// Everything a decision is made from.
#[derive(Debug, Clone, Copy)]
pub struct Situation<'a> {
    /// The request.
    pub request: &'a Request<'a>,
    /// This resource's owner tag.
    pub owner: Owner<'a>,
    /// The instance's identity-management type, when `DescribeInstance` told it.
    pub identity: Option<IdentityManagement>,
    /// The function's account and partition, when known: an instance elsewhere is refused before any call.
    pub home: Option<&'a Home>,
    /// The user the PhysicalResourceId names (Update, Delete).
    pub current: &'a Seen,
    /// The user holding the template's username.
    pub holder: &'a Seen,
    /// The names the template uses, resolved in its instance so far.
    pub names: &'a Resolved,
    /// The statuses of the traffic distribution groups read so far.
    pub groups: &'a BTreeMap<TrafficDistributionGroupArn, String>,
    /// This request sent `CreateUser` for the template, and Connect then answered that the name is taken (the
    /// answer of a `CreateUser` that did commit can be lost, and its repeat told so): a holder with this resource's
    /// plain owner tag is then one this request made, even for a replacement.
    pub create_sent: bool,
}

/// What to do next.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Read this, then decide again.
    Read(Read),
    /// `CreateUser`, then the calls that follow it.
    Create(Box<Creation>),
    /// Bring an existing user to the template with these calls (none when it matches).
    Converge(Box<Convergence>),
    /// Fail the request, for this reason; nothing is written.
    Refuse(Failure),
    /// `DeleteUser` of this user, after it leaves the traffic distribution groups its resource put it in.
    Delete(Deletion),
    /// A Delete that leaves Connect as it is.
    Leave(Left),
    /// The user holding the name (or named by the id) carries an owner tag, and this resource's own is not known, so
    /// whether it is this resource's cannot be told. Only a caller without the stack's id meets it.
    OwnerUnknown {
        /// The user.
        user: UserArn,
        /// The owner tag's value it carries.
        tag: String,
    },
}

/// A read a decision needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read {
    /// The names the template uses, resolved in its instance (Connect's search of each kind).
    Names {
        /// The template's instance.
        instance: InstanceArn,
        /// The names to resolve.
        wanted: Vec<Wanted>,
    },
    /// `DescribeUser` of the user the PhysicalResourceId names, with `ListUserProficiencies` when `proficiencies`.
    Current {
        /// The user.
        user: UserArn,
        /// What else to read of it.
        also: Also,
    },
    /// `SearchUsers` for the template's username, then `DescribeUser` of the user found.
    Holder {
        /// The template's instance.
        instance: InstanceArn,
        /// The template's username.
        username: String,
        /// What else to read of it.
        also: Also,
    },
    /// `DescribeTrafficDistributionGroup` of each group the user is to join: whether it is `ACTIVE`.
    Groups(Vec<TrafficDistributionGroupArn>),
}

/// What a read of a user takes besides `DescribeUser`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Also {
    /// `ListUserProficiencies` (the template or the previous one has proficiencies).
    pub proficiencies: bool,
    /// Whether the user is in each of these groups (`ListTrafficDistributionGroupUsers`): the template's and the
    /// previous one's.
    pub groups: Vec<TrafficDistributionGroupArn>,
}

impl Also {
    /// What a plan of `spec` against a user, the previous template `old`, needs read.
    pub fn of(spec: &UserSpec, old: &OldTemplate) -> Self {
        let mut groups = old.traffic_distribution_groups.clone();
        for group in spec.traffic_distribution_groups.iter().flatten() {
            if !groups.contains(group) {
                groups.push(group.clone());
            }
        }
        Self { proficiencies: spec.proficiencies.is_some() || !old.proficiency_keys.is_empty(), groups }
    }
}

/// A user to create.
#[derive(Debug, Clone, PartialEq)]
pub struct Creation {
    /// The validated template.
    pub spec: UserSpec,
    /// The `CreateUser` request, with the owner tag's plain form.
    pub request: NewUser,
    /// The calls that follow `CreateUser` on the new user.
    pub then: Vec<Call>,
    /// The user it replaces: an Update whose instance or username changed. CloudFormation then deletes that one,
    /// unless its `UpdateReplacePolicy` keeps it.
    pub replaces: Option<UserArn>,
}

/// An existing user to bring to the template.
#[derive(Debug, Clone, PartialEq)]
pub struct Convergence {
    /// The validated template.
    pub spec: UserSpec,
    /// What the previous template set (what the template drops is removed); empty unless an Update in place.
    pub old: OldTemplate,
    /// The user.
    pub user: UserArn,
    /// The calls, in order; empty when the user matches the template.
    pub calls: Vec<Call>,
    /// How the resource comes to the user, which says what a failure does with it.
    pub how: How,
    /// The user a replacement replaces.
    pub replaces: Option<UserArn>,
}

/// How a resource comes to the user it converges, and so what the request answers for should it fail
/// (docs/protocol.md §7, docs/connect-user.md §3.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// The resource's own user, from before this request: an Update in place, or the user a replacement's rollback
    /// goes back to. Not this request's to delete.
    Own,
    /// Made by this request (or an earlier delivery of it), `CreateUser`'s answer lost: its plain owner tag says so.
    /// A failure names it for the rollback (or deletes it, in provider mode).
    Made,
    /// A user that existed before the resource, taken over (`AdoptExisting`). `tagged`: its owner tag already
    /// carries the take-over form (an earlier delivery's take-over); otherwise this request adds it. Never named,
    /// never deleted: a failure takes the owner tag off again.
    TakenOver {
        /// The take-over form is on the user already.
        tagged: bool,
    },
}

/// A user to delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deletion {
    /// The user.
    pub user: UserArn,
    /// The groups it leaves first (`DisassociateTrafficDistributionGroupUser`): those of its resource's template
    /// that it is in.
    pub leave: Vec<TrafficDistributionGroupArn>,
}

/// Why a Delete leaves Connect as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Left {
    /// The id names no user (a failed Create's marker, an id CloudFormation made up).
    NoUser,
    /// The user is gone already.
    Gone,
    /// The user was handed over to another stack or logical resource, whose owner tag it carries.
    HandedOver {
        /// The user.
        user: UserArn,
        /// The owner tag's value.
        owner: String,
    },
}

/// What a decision comes to, in the words of `terraform plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// `CreateUser` of a new user.
    Create,
    /// A user that existed before the resource, taken over now.
    Adopt,
    /// The resource's user, changed in place.
    Update,
    /// A new user for the resource (created, or taken as the name's holder); the old one goes.
    Replace,
    /// Nothing to do.
    NoChange,
    /// The function would fail the request.
    Refuse,
    /// `DeleteUser`.
    Delete,
    /// A Delete that leaves the user in place (handed over to another resource).
    Retain,
    /// Whose the user is cannot be told without the stack's id.
    OwnerUnknown,
}

impl Action {
    /// The word shown, e.g. `adopt`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Adopt => "adopt",
            Self::Update => "update",
            Self::Replace => "replace",
            Self::NoChange => "no changes",
            Self::Refuse => "refused",
            Self::Delete => "delete",
            Self::Retain => "retain",
            Self::OwnerUnknown => "owner unknown",
        }
    }

    /// Whether it changes Connect (or, with the owner unknown, may).
    pub fn changes(self) -> bool {
        matches!(self, Self::Create | Self::Adopt | Self::Update | Self::Replace | Self::Delete | Self::OwnerUnknown)
    }
}

impl Decision {
    /// What it comes to; `None` while it needs a read.
    pub fn action(&self) -> Option<Action> {
        Some(match self {
            Self::Read(_) => return None,
            Self::Create(c) if c.replaces.is_some() => Action::Replace,
            Self::Create(_) => Action::Create,
            Self::Converge(c) if c.replaces.is_some() => Action::Replace,
            Self::Converge(c) if c.how == (How::TakenOver { tagged: false }) => Action::Adopt,
            Self::Converge(c) if c.calls.is_empty() => Action::NoChange,
            Self::Converge(_) => Action::Update,
            Self::Refuse(_) => Action::Refuse,
            Self::Delete(_) => Action::Delete,
            Self::Leave(Left::HandedOver { .. }) => Action::Retain,
            Self::Leave(_) => Action::NoChange,
            Self::OwnerUnknown { .. } => Action::OwnerUnknown,
        })
    }

    /// Whether this is a take-over whose only call is the owner tag: the user already matches the template.
    pub fn tag_only(&self) -> bool {
        matches!(self, Self::Converge(c) if c.how == (How::TakenOver { tagged: false })
            && matches!(c.calls.as_slice(), [Call::Tag(tags)] if tags.len() == 1 && tags.contains_key(OWNER_TAG_KEY)))
    }
}

/// The decision.
pub fn decide(s: &Situation<'_>) -> Decision {
    let decision = match s.request {
        Request::Create { properties } | Request::Update { properties, physical: PhysicalId::NoUser, .. } => {
            match validate(s, properties, true) {
                Ok(spec) => make(s, spec, None),
                Err(stop) => *stop,
            }
        }
        Request::Update { properties, old, physical: PhysicalId::User(user) } => match validate(s, properties, false) {
            Ok(spec) => update(s, spec, props::old_template(old), user),
            Err(stop) => *stop,
        },
        Request::Delete { physical, properties } => delete(s, physical, properties),
    };
    joinable(s, decision)
}

/// Why no user can join `group` now, when its `status` is not `ACTIVE`: the words of the refusal, whether the
/// decision sees the status first or the join itself meets it.
pub fn not_joinable(group: &TrafficDistributionGroupArn, status: &str) -> Option<String> {
    (status != ACTIVE).then(|| {
        format!(
            "the traffic distribution group {group} is {status}, not ACTIVE, so no user can join it now; deploy again \
             once it is ACTIVE, or remove it from the template"
        )
    })
}

/// `decision`, unless it makes the user join a traffic distribution group that is not `ACTIVE` (Connect refuses it,
/// saying only that it is not found) or whose status is not known yet.
fn joinable(s: &Situation<'_>, decision: Decision) -> Decision {
    let (joins, spec) = match &decision {
        Decision::Create(c) => (&c.then, &c.spec),
        Decision::Converge(c) => (&c.calls, &c.spec),
        _ => return decision,
    };
    let joining: Vec<&TrafficDistributionGroupArn> = joins
        .iter()
        .filter_map(|call| match call {
            Call::JoinTrafficDistributionGroup(group) => Some(group),
            _ => None,
        })
        .collect();
    let unknown: Vec<TrafficDistributionGroupArn> =
        joining.iter().filter(|g| !s.groups.contains_key(**g)).map(|g| (*g).clone()).collect();
    if !unknown.is_empty() {
        return Decision::Read(Read::Groups(unknown));
    }
    let listed = spec.traffic_distribution_groups.as_deref().unwrap_or_default();
    let problems: Vec<PropertyError> = joining
        .iter()
        .filter_map(|group| {
            let status = s.groups.get(*group)?;
            not_joinable(group, status).map(|message| PropertyError {
                path: format!(
                    "TrafficDistributionGroupArns[{}]",
                    listed.iter().position(|g| g == *group).unwrap_or_default()
                ),
                message,
            })
        })
        .collect();
    if problems.is_empty() { decision } else { Decision::Refuse(Failure::Invalid(Invalid(problems))) }
}

/// The template against every rule: its own (docs/connect-user.md §1), the instance within the function's reach
/// (docs/real-connect.md §6) and the instance's identity-management type (§4), every problem in one reason.
/// `create`: the request makes the template's user (a Create, or an Update of a failed Create's marker), so, unless
/// it takes a user over, the template goes to `CreateUser` and needs a password where the type does. Names the
/// template uses and that are not resolved yet are asked for, once everything else holds.
fn validate(s: &Situation<'_>, properties: &Value, create: bool) -> Result<UserSpec, Box<Decision>> {
    let mut problems = Vec::new();
    if let (Some(instance), Some(home)) = (props::instance_arn(properties), s.home)
        && let Err(e) = placement::check(home, &instance)
    {
        problems.push(PropertyError { path: "InstanceArn".to_owned(), message: e.to_string() });
    }
    let facts = props::identity_facts(properties, create);
    let typed = s.identity.map(|kind| identity::check(&facts, kind)).unwrap_or_default();
    match props::parse_with(properties, s.names) {
        Ok(spec) if problems.is_empty() && typed.is_empty() => return Ok(spec),
        Err(Unparsed::Unresolved(wanted)) if problems.is_empty() && typed.is_empty() => {
            if let Some(instance) = props::instance_arn(properties) {
                return Err(Box::new(Decision::Read(Read::Names { instance, wanted })));
            }
        }
        Ok(_) | Err(Unparsed::Unresolved(_)) => {}
        Err(Unparsed::Invalid(Invalid(errors))) => problems.extend(errors),
    }
    problems.extend(typed);
    Err(Box::new(Decision::Refuse(Failure::Invalid(Invalid(problems)))))
}

/// An Update of the resource's user: compared with the user as Connect holds it (docs/connect-user.md §4).
fn update(s: &Situation<'_>, spec: UserSpec, old: OldTemplate, user: &UserArn) -> Decision {
    let live = match s.current {
        Seen::Unread => return Decision::Read(Read::Current { user: user.clone(), also: Also::of(&spec, &old) }),
        Seen::Absent => return Decision::Refuse(Failure::Gone),
        Seen::Found(live) => live,
    };
    if let Some(unknown) = unknown_owner(s, live) {
        return unknown;
    }
    match plan::plan(&spec, &old, live, s.owner.tag) {
        Diff::Reconcile(calls) => Decision::Converge(Box::new(Convergence {
            spec,
            old,
            user: live.arn.clone(),
            calls,
            how: How::Own,
            replaces: None,
        })),
        Diff::Refuse(reason) => Decision::Refuse(Failure::Refused(reason)),
        Diff::Replace => make(s, spec, Some(live.arn.clone())),
    }
}

/// The template's user, made or taken: by `CreateUser` when nobody holds the name, else from the holder as the
/// table of this module says. `replaces` is the user a replacement replaces.
fn make(s: &Situation<'_>, spec: UserSpec, replaces: Option<UserArn>) -> Decision {
    let holder = match s.holder {
        // A take-over and a replacement look first; a plain Create asks `CreateUser` and looks only if it is refused.
        Seen::Unread if spec.adopt_existing || replaces.is_some() => {
            return Decision::Read(Read::Holder {
                instance: spec.instance.clone(),
                username: spec.username.clone(),
                also: Also::of(&spec, &OldTemplate::default()),
            });
        }
        Seen::Unread | Seen::Absent => return create(s, spec, replaces),
        Seen::Found(holder) => holder,
    };
    if let Some(unknown) = unknown_owner(s, holder) {
        return unknown;
    }
    let taken = |holder| Failure::Taken { username: spec.username.clone(), instance: spec.instance.clone(), holder };
    let how = match s.owner.tag.provenance(&holder.tags) {
        // Another resource's user is never taken, AdoptExisting or not: its owner decides, by removing the tag.
        Provenance::Another(owner) => {
            return Decision::Refuse(taken(Holder::Another { owner: owner.to_owned(), user: holder.arn.clone() }));
        }
        Provenance::Untagged if !spec.adopt_existing => return Decision::Refuse(taken(Holder::Untagged)),
        Provenance::Untagged => How::TakenOver { tagged: false },
        Provenance::TakenOver => How::TakenOver { tagged: true },
        // A replacement finds its own earlier user when it looks first (the rollback of a replacement goes back to
        // it); only after its own `CreateUser` was told the name is taken is the user one it made.
        Provenance::Made if replaces.is_some() && !s.create_sent => How::Own,
        Provenance::Made => How::Made,
    };
    match plan::plan(&spec, &OldTemplate::default(), holder, s.owner.tag) {
        Diff::Reconcile(calls) => Decision::Converge(Box::new(Convergence {
            spec,
            old: OldTemplate::default(),
            user: holder.arn.clone(),
            calls,
            how,
            replaces,
        })),
        Diff::Refuse(reason) => Decision::Refuse(Failure::AdoptionRefused(reason)),
        Diff::Replace => Decision::Refuse(Failure::NotTheTemplatesUser(holder.arn.clone())),
    }
}

/// `CreateUser` for the template, when nobody holds the name (or nobody has looked). A template with no password on an
/// instance that needs one is refused here when that shows only now: it takes users over, or it replaces one.
fn create(s: &Situation<'_>, spec: UserSpec, replaces: Option<UserArn>) -> Decision {
    let why = if replaces.is_some() {
        Some("the template replaces the user (its InstanceArn or Username changed)".to_owned())
    } else if spec.adopt_existing {
        Some(format!("AdoptExisting found no user named {:?} to take over", spec.username))
    } else {
        // A plain Create's need was checked with the rest of the template.
        None
    };
    if let (Some(kind), Some(why)) = (s.identity, why) {
        let facts = identity::Facts {
            password: spec.password.is_some(),
            password_secret: spec.password_secret.is_some(),
            ..identity::Facts::default()
        };
        if let Some(problem) = identity::password_to_create(kind, &facts, &why) {
            return Decision::Refuse(Failure::Invalid(Invalid(vec![problem])));
        }
    }
    Decision::Create(Box::new(Creation {
        request: plan::new_user(&spec, s.owner.tag),
        then: plan::after_create(&spec),
        spec,
        replaces,
    }))
}

/// A Delete: the user the id names, unless another resource owns it now (docs/connect-user.md §5); first it leaves
/// the traffic distribution groups of its template that it is in.
fn delete(s: &Situation<'_>, physical: &PhysicalId, properties: &Value) -> Decision {
    let PhysicalId::User(user) = physical else { return Decision::Leave(Left::NoUser) };
    if let Some(home) = s.home
        && let Err(e) = placement::check(home, user.instance())
    {
        return Decision::Refuse(Failure::OutOfReach { user: user.clone(), why: e.to_string() });
    }
    let groups = props::traffic_distribution_groups(properties);
    let live = match s.current {
        Seen::Unread => {
            return Decision::Read(Read::Current { user: user.clone(), also: Also { proficiencies: false, groups } });
        }
        Seen::Absent => return Decision::Leave(Left::Gone),
        Seen::Found(live) => live,
    };
    if let Some(unknown) = unknown_owner(s, live) {
        return unknown;
    }
    match s.owner.tag.foreign(&live.tags) {
        Some(owner) => Decision::Leave(Left::HandedOver { user: live.arn.clone(), owner: owner.to_owned() }),
        None => {
            let held = live.traffic_distribution_groups.clone().unwrap_or_default();
            let leave = groups.into_iter().filter(|g| held.contains(g)).collect();
            Decision::Delete(Deletion { user: live.arn.clone(), leave })
        }
    }
}

/// [`Decision::OwnerUnknown`] for a user with an owner tag, when this resource's is not known.
fn unknown_owner(s: &Situation<'_>, live: &LiveUser) -> Option<Decision> {
    let tag = live.tags.get(OWNER_TAG_KEY).filter(|_| !s.owner.known)?;
    Some(Decision::OwnerUnknown { user: live.arn.clone(), tag: tag.clone() })
}
