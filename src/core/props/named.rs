//! The properties that give one of the instance's resources by ARN or by name — `RoutingProfileArn` or
//! `RoutingProfileName`, `SecurityProfileArns` or `SecurityProfileNames`, `HierarchyGroupArn` or
//! `HierarchyGroupPath` — and `TrafficDistributionGroupArns`. A name resolves through [`Naming`]: to its ARN when
//! the caller has resolved it, to a problem when it matched nothing or several things, and otherwise into the list
//! of names still to resolve.

use serde_json::Value;

use super::keys::MAX_SECURITY_PROFILES;
use super::reader::{Errors, Field, Obj};
use super::rules::{arn_message, resource_arn};
use crate::core::arn::{InstanceArn, ResourceArn, TrafficDistributionGroupArn};
use crate::core::names::{self, Found, NameKind, Resolved, Wanted};
use crate::core::scalar::{ARN_ECHO_CHARS, quote};

/// The longest name of a routing profile, security profile or hierarchy level accepted.
const MAX_NAME: usize = 256;
/// Connect's hierarchies have at most five levels.
const MAX_LEVELS: usize = 5;
/// Traffic distribution groups per user accepted (a user usually needs one).
const MAX_GROUPS: usize = 10;

/// How names resolve during one parse: the names resolved so far, and those still to resolve.
pub(super) struct Naming<'r> {
    pub names: &'r Resolved,
    pub pending: Vec<Wanted>,
}

impl Naming<'_> {
    /// The ARN `name` resolved to; a problem under `path` when it matched nothing or several things; `None` and a
    /// pending name when it has not been resolved.
    fn resolve(
        &mut self,
        e: &mut Errors,
        path: &str,
        kind: NameKind,
        name: &str,
        instance: Option<&InstanceArn>,
    ) -> Option<ResourceArn> {
        match self.names.get(kind, name) {
            Some(Found::One(arn)) => Some(arn.clone()),
            Some(found) => {
                if let Some(problem) = instance.and_then(|i| names::problem(kind, name, found, i)) {
                    e.add(path, problem);
                }
                None
            }
            None => {
                let wanted = Wanted { kind, name: name.to_owned() };
                if !self.pending.contains(&wanted) {
                    self.pending.push(wanted);
                }
                None
            }
        }
    }
}

/// Which of the two properties of one reference a template sets.
enum Given<'a> {
    Arn(Field<'a>),
    Name(Field<'a>),
    Neither,
}

/// The ARN property or the name property of `kind`, never both; `required` when one of them must be set.
fn given<'a>(e: &mut Errors, top: &Obj<'a>, kind: NameKind, required: bool) -> Given<'a> {
    match (top.opt(kind.arn_property()), top.opt(kind.property())) {
        (Some(_), Some(name)) => {
            e.add(&name.path, format!("excludes {}: give the {kind} by ARN or by name, not both", kind.arn_property()));
            Given::Neither
        }
        (Some(arn), None) => Given::Arn(arn),
        (None, Some(name)) => Given::Name(name),
        (None, None) => {
            if required {
                e.add(kind.arn_property(), format!("required (or {})", kind.property()));
            }
            Given::Neither
        }
    }
}

/// A name: a non-empty string of at most [`MAX_NAME`] characters.
fn name<'a>(e: &mut Errors, f: &Field<'a>) -> Option<&'a str> {
    let s = f.string(e)?;
    let length = s.chars().count();
    if length == 0 || length > MAX_NAME {
        e.add(&f.path, format!("expected 1 to {MAX_NAME} characters, got {length}"));
        return None;
    }
    Some(s)
}

/// `RoutingProfileArn` or `RoutingProfileName`: the routing profile, and its name when given by name.
pub(super) fn routing_profile(
    e: &mut Errors,
    top: &Obj,
    instance: Option<&InstanceArn>,
    naming: &mut Naming,
) -> Option<(ResourceArn, Option<String>)> {
    let kind = NameKind::RoutingProfile;
    match given(e, top, kind, true) {
        Given::Arn(f) => resource_arn(e, &f, kind.resource_kind(), instance).map(|arn| (arn, None)),
        Given::Name(f) => {
            let name = name(e, &f)?;
            naming.resolve(e, &f.path, kind, name, instance).map(|arn| (arn, Some(name.to_owned())))
        }
        Given::Neither => None,
    }
}

/// `SecurityProfileArns` or `SecurityProfileNames`: 1 to 10 distinct security profiles, and their names when given
/// by name.
pub(super) fn security_profiles(
    e: &mut Errors,
    top: &Obj,
    instance: Option<&InstanceArn>,
    naming: &mut Naming,
) -> Option<(Vec<ResourceArn>, Option<Vec<String>>)> {
    let kind = NameKind::SecurityProfile;
    let (f, by_name) = match given(e, top, kind, true) {
        Given::Arn(f) => (f, false),
        Given::Name(f) => (f, true),
        Given::Neither => return None,
    };
    let items = f.list(e)?;
    if !(1..=MAX_SECURITY_PROFILES).contains(&items.len()) {
        let what = if by_name { "names" } else { "ARNs" };
        e.add(&f.path, format!("expected 1 to {MAX_SECURITY_PROFILES} security profile {what}, got {}", items.len()));
    }
    let (mut arns, mut names) = (Vec::with_capacity(items.len()), Vec::new());
    let mut complete = true;
    for (i, value) in items.iter().enumerate() {
        let item = f.item(i, value);
        if let Some(first) = items[..i].iter().position(|v| v == value) {
            e.add(&item.path, format!("duplicate of {}[{first}]", f.path));
            continue;
        }
        let arn = if by_name {
            name(e, &item).and_then(|n| {
                names.push(n.to_owned());
                naming.resolve(e, &item.path, kind, n, instance)
            })
        } else {
            resource_arn(e, &item, kind.resource_kind(), instance)
        };
        match arn {
            Some(arn) => arns.push(arn),
            None => complete = false,
        }
    }
    // A name not resolved yet leaves the list short: what it is is known only once it is.
    complete.then_some((arns, by_name.then_some(names)))
}

/// `HierarchyGroupArn` or `HierarchyGroupPath` (the levels' names from the top, joined with `/`), neither
/// required: the group, and its path when given by path. `Err(())` when what is given does not resolve (yet).
#[allow(clippy::type_complexity)]
pub(super) fn hierarchy_group(
    e: &mut Errors,
    top: &Obj,
    instance: Option<&InstanceArn>,
    naming: &mut Naming,
) -> Result<Option<(ResourceArn, Option<String>)>, ()> {
    let kind = NameKind::HierarchyGroup;
    match given(e, top, kind, false) {
        Given::Arn(f) => resource_arn(e, &f, kind.resource_kind(), instance).map(|arn| Some((arn, None))).ok_or(()),
        Given::Name(f) => {
            let path = name(e, &f).ok_or(())?;
            let levels: Vec<&str> = path.split('/').collect();
            if levels.len() > MAX_LEVELS || levels.iter().any(|level| level.is_empty()) {
                e.add(
                    &f.path,
                    format!(
                        "expected the names of 1 to {MAX_LEVELS} hierarchy levels from the top, joined with / (for \
                         example Europe/Berlin/Team 4), got {}",
                        quote(path, ARN_ECHO_CHARS)
                    ),
                );
                return Err(());
            }
            naming.resolve(e, &f.path, kind, path, instance).map(|arn| Some((arn, Some(path.to_owned())))).ok_or(())
        }
        Given::Neither => Ok(None),
    }
}

/// `TrafficDistributionGroupArns`: distinct traffic distribution groups of the instance's account and partition (the
/// function's role reaches no other), at most [`MAX_GROUPS`].
pub(super) fn traffic_distribution_groups(
    e: &mut Errors,
    f: &Field,
    instance: Option<&InstanceArn>,
) -> Option<Vec<TrafficDistributionGroupArn>> {
    let items = f.list(e)?;
    if items.len() > MAX_GROUPS {
        e.add(&f.path, format!("at most {MAX_GROUPS} traffic distribution groups, got {}", items.len()));
    }
    let mut groups = Vec::with_capacity(items.len());
    for (i, value) in items.iter().enumerate() {
        let item = f.item(i, value);
        if let Some(first) = items[..i].iter().position(|v| v == value) {
            e.add(&item.path, format!("duplicate of {}[{first}]", f.path));
            continue;
        }
        let Some(s) = item.string(e) else { continue };
        match TrafficDistributionGroupArn::parse(s) {
            Ok(group) => {
                if let Some(instance) = instance
                    && (group.account() != instance.account() || group.partition() != instance.partition())
                {
                    e.add(
                        &item.path,
                        format!(
                            "is in account {} of partition {}, but InstanceArn is in account {} of partition {}: a \
                             user can join only its own account's traffic distribution groups",
                            group.account(),
                            group.partition(),
                            instance.account(),
                            instance.partition()
                        ),
                    );
                } else {
                    groups.push(group);
                }
            }
            Err(err) => e.add(&item.path, arn_message(err)),
        }
    }
    Some(groups)
}

/// `TrafficDistributionGroupArns` read leniently (a Delete's properties, an old template): the groups it names that
/// parse, whatever else is wrong.
pub(super) fn groups_leniently(properties: &Value) -> Vec<TrafficDistributionGroupArn> {
    let mut groups = Vec::new();
    for value in super::reader::entries(properties, "TrafficDistributionGroupArns") {
        if let Some(group) = value.as_str().and_then(|s| TrafficDistributionGroupArn::parse(s).ok())
            && !groups.contains(&group)
        {
            groups.push(group);
        }
    }
    groups
}

#[cfg(test)]
mod tests;
