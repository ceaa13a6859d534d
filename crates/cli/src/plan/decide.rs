//! What the function would do with one resource, decided exactly as its lifecycle decides (src/app/lifecycle:
//! `validate`, `create`, `update`), from what Connect holds now. Pure: the reads are made by the caller, which
//! hands over the user holding the template's username (and, for a resource whose previous template named another
//! user, that user).
//!
//! | the resource | the user by its username | the function | here |
//! |---|---|---|---|
//! | new (not in the previous template) | none | `CreateUser`, then its proficiencies | create |
//! | new | this resource's owner tag | a repeated Create: reconciles it | update (or no changes) |
//! | new | no owner tag, `AdoptExisting` | takes it over: the owner tag, then what differs | adopt |
//! | new | no owner tag, no `AdoptExisting` | refuses: the name is taken | refused |
//! | new | another resource's owner tag | refuses: never taken over | refused |
//! | deployed (in the previous template, same user) | this resource's | reconciles what differs | update |
//! | deployed, another instance or username | — | a new user (as new, above); CloudFormation then deletes the old | replace |
//!
//! Without a previous template, a user carrying this resource's owner tag counts as deployed, which is what it is
//! once the stack exists. Which value the owner tag has is known exactly with `--stack-id`; otherwise a tag that
//! ends with `/<LogicalResourceId>` is taken for this resource's (the stack's id is its other part).

use cfn_connect_user::core::arn::UserArn;
use cfn_connect_user::core::failure::{Failure, Holder};
use cfn_connect_user::core::identity::{self, IdentityManagement};
use cfn_connect_user::core::model::{LiveUser, OWNER_TAG_KEY, OldTemplate, UserSpec};
use cfn_connect_user::core::owner::foreign_owner;
use cfn_connect_user::core::plan::{self, Call, Decision, NewUser};
use cfn_connect_user::core::props::{self, Invalid};
use serde_json::Value;

/// What the function would do, in the words of `terraform plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// `CreateUser` of a new user.
    Create,
    /// An existing user without an owner tag, taken over with `AdoptExisting`.
    Adopt,
    /// The resource's own user, changed in place.
    Update,
    /// A new user for the resource; CloudFormation then deletes the old one.
    Replace,
    /// Nothing to do.
    NoChange,
    /// The function would fail the request, for the reason given.
    Refused,
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
            Self::Refused => "refused",
        }
    }

    /// Whether the deployment would change Connect.
    pub fn changes(self) -> bool {
        matches!(self, Self::Create | Self::Adopt | Self::Update | Self::Replace)
    }
}

/// One resource's plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// What happens.
    pub action: Action,
    /// The `CreateUser` request, when one is sent.
    pub create: Option<NewUser>,
    /// The calls on the user, in the function's order (after `CreateUser` when there is one).
    pub calls: Vec<Call>,
    /// The user the calls go to, when it exists.
    pub user: Option<UserArn>,
    /// Why it is refused, in the function's own words.
    pub reason: Option<String>,
    /// The user a replacement leaves for CloudFormation to delete.
    pub replaced: Option<UserArn>,
}

impl Outcome {
    fn refused(reason: String) -> Self {
        Self {
            action: Action::Refused,
            create: None,
            calls: Vec::new(),
            user: None,
            reason: Some(reason),
            replaced: None,
        }
    }

    /// Whether this is an adoption whose only call is the owner tag.
    pub fn tag_only(&self) -> bool {
        matches!(self.calls.as_slice(), [Call::Tag(tags)] if tags.len() == 1 && tags.contains_key(OWNER_TAG_KEY))
    }
}

/// The previous template's view of the resource (`OldResourceProperties` of the Update).
#[derive(Debug, Clone)]
pub struct Previous {
    /// What the plan needs of it.
    pub old: OldTemplate,
    /// The user it names (`None` when it named none that exists), and whether it is the template's user now.
    pub user: Option<LiveUser>,
    /// Whether the previous template names the same instance and username as this one.
    pub same_user: bool,
}

/// What the caller read and knows for one resource.
#[derive(Debug, Clone)]
pub struct Inputs<'a> {
    /// The resolved properties, as the function receives them.
    pub properties: &'a Value,
    /// The instance's identity-management type, when `DescribeInstance` told it.
    pub identity: Option<IdentityManagement>,
    /// This resource's owner tag value.
    pub owner: &'a str,
    /// The user holding the template's username, read (with its proficiencies when the plan needs them).
    pub holder: Option<LiveUser>,
    /// The resource in the previous template, when there is one and it names this logical id.
    pub previous: Option<Previous>,
}

/// Whether a request is a Create (its template goes to `CreateUser` unless it adopts) or an Update.
fn is_create(inputs: &Inputs<'_>) -> bool {
    match &inputs.previous {
        Some(_) => false,
        None => inputs
            .holder
            .as_ref()
            .is_none_or(|live| live.tags.get(OWNER_TAG_KEY).map(String::as_str) != Some(inputs.owner)),
    }
}

/// The function's validation (`app/lifecycle/validate.rs`), without the account check the tool cannot make; the
/// error is the reason the function would give.
pub fn validate(properties: &Value, identity: Option<IdentityManagement>, create: bool) -> Result<UserSpec, String> {
    let facts = props::identity_facts(properties, create);
    let typed = identity.map(|kind| identity::check(&facts, kind)).unwrap_or_default();
    let mut problems = match props::parse(properties) {
        Ok(spec) if typed.is_empty() => return Ok(spec),
        Ok(_) => Vec::new(),
        Err(Invalid(errors)) => errors,
    };
    problems.extend(typed);
    Err(Failure::Invalid(Invalid(problems)).to_string())
}

/// The plan for one resource.
pub fn decide(inputs: Inputs<'_>) -> Outcome {
    let create = is_create(&inputs);
    let spec = match validate(inputs.properties, inputs.identity, create) {
        Ok(spec) => spec,
        Err(reason) => return Outcome::refused(reason),
    };
    match &inputs.previous {
        Some(previous) if previous.same_user => update(&spec, &previous.old, inputs.holder.as_ref(), inputs.owner),
        Some(previous) => replace(&spec, previous, inputs.holder.as_ref(), inputs.owner),
        None => make(&spec, inputs.holder.as_ref(), inputs.owner, Action::Create),
    }
}

/// An Update of the resource's own user.
fn update(spec: &UserSpec, old: &OldTemplate, live: Option<&LiveUser>, owner: &str) -> Outcome {
    let Some(live) = live else {
        return gone(&format!("no user named {:?} in {}", spec.username, spec.instance));
    };
    match plan::plan(spec, old, live, owner) {
        Decision::Reconcile(calls) => reconciled(Action::Update, calls, &live.arn),
        Decision::Refuse(reason) => Outcome::refused(Failure::Refused(reason).to_string()),
        Decision::Replace => make(spec, None, owner, Action::Replace),
    }
}

/// An Update whose previous template named another instance or username: the old user is read and planned
/// first (a user handed over to another resource is refused), then the template's user is made.
fn replace(spec: &UserSpec, previous: &Previous, holder: Option<&LiveUser>, owner: &str) -> Outcome {
    let Some(old_user) = &previous.user else { return gone("the user the previous template names is not found") };
    if let Decision::Refuse(reason) = plan::plan(spec, &previous.old, old_user, owner) {
        return Outcome::refused(Failure::Refused(reason).to_string());
    }
    let mut outcome = make(spec, holder, owner, Action::Replace);
    if outcome.action != Action::Refused {
        outcome.action = Action::Replace;
        outcome.replaced = Some(old_user.arn.clone());
    }
    outcome
}

/// The Update's user does not exist any more (the function's `Failure::Gone`).
fn gone(what: &str) -> Outcome {
    Outcome::refused(format!(
        "the user no longer exists ({what}); remove it from the template, or change its Username to create a new one"
    ))
}

/// `CreateUser`, or, when the name is taken, what `create.rs`'s adoption decides.
fn make(spec: &UserSpec, holder: Option<&LiveUser>, owner: &str, action: Action) -> Outcome {
    let Some(live) = holder else {
        return Outcome {
            action,
            create: Some(plan::new_user(spec, owner)),
            calls: plan::after_create(spec),
            user: None,
            reason: None,
            replaced: None,
        };
    };
    let taken = |holder| Failure::Taken { username: spec.username.clone(), instance: spec.instance.clone(), holder };
    if let Some(held) = foreign_owner(&live.tags, owner) {
        return Outcome::refused(taken(Holder::Another { owner: held.to_owned(), user: live.arn.clone() }).to_string());
    }
    let ours = live.tags.get(OWNER_TAG_KEY).map(String::as_str) == Some(owner);
    if !ours && !spec.adopt_existing {
        return Outcome::refused(taken(Holder::Untagged).to_string());
    }
    match plan::plan(spec, &OldTemplate::default(), live, owner) {
        Decision::Reconcile(calls) if ours => reconciled(Action::Update, calls, &live.arn),
        Decision::Reconcile(calls) => reconciled(Action::Adopt, calls, &live.arn),
        Decision::Refuse(reason) => Outcome::refused(Failure::AdoptionRefused(reason).to_string()),
        Decision::Replace => Outcome::refused(Failure::NotTheTemplatesUser(live.arn.clone()).to_string()),
    }
}

fn reconciled(action: Action, calls: Vec<Call>, user: &UserArn) -> Outcome {
    let action = if calls.is_empty() && action == Action::Update { Action::NoChange } else { action };
    Outcome { action, create: None, calls, user: Some(user.clone()), reason: None, replaced: None }
}

#[cfg(test)]
mod tests;
