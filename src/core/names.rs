//! Names in place of ARNs: `RoutingProfileName`, `SecurityProfileNames` and `HierarchyGroupPath` name what each
//! instance identifies by its own ids, so that one template fits every instance (test and production, primary and
//! replica). A name is resolved in the user's instance, exactly and case-sensitively as the console shows it; it
//! must match one thing. What matched is decided here, from what Connect's search returned; the search itself is
//! the app's (and `connect-users`').
//!
//! A hierarchy group is named by its path: the names of its levels from the top, joined with `/`
//! (`Europe/Berlin/Team 4`), since a group's own name repeats under different parents.

use std::collections::BTreeMap;
use std::fmt;

use super::arn::{InstanceArn, ResourceArn, ResourceKind};

/// What kind of resource a name names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NameKind {
    /// A routing profile (`RoutingProfileName`).
    RoutingProfile,
    /// A security profile (an entry of `SecurityProfileNames`).
    SecurityProfile,
    /// A hierarchy group, by its path (`HierarchyGroupPath`).
    HierarchyGroup,
}

impl NameKind {
    /// The property that names it.
    pub fn property(self) -> &'static str {
        match self {
            Self::RoutingProfile => "RoutingProfileName",
            Self::SecurityProfile => "SecurityProfileNames",
            Self::HierarchyGroup => "HierarchyGroupPath",
        }
    }

    /// The property that gives its ARN instead.
    pub fn arn_property(self) -> &'static str {
        match self {
            Self::RoutingProfile => "RoutingProfileArn",
            Self::SecurityProfile => "SecurityProfileArns",
            Self::HierarchyGroup => "HierarchyGroupArn",
        }
    }

    /// The kind of resource ARN it resolves to.
    pub fn resource_kind(self) -> ResourceKind {
        match self {
            Self::RoutingProfile => ResourceKind::RoutingProfile,
            Self::SecurityProfile => ResourceKind::SecurityProfile,
            Self::HierarchyGroup => ResourceKind::AgentGroup,
        }
    }
}

impl fmt::Display for NameKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::RoutingProfile => "routing profile",
            Self::SecurityProfile => "security profile",
            Self::HierarchyGroup => "hierarchy group",
        })
    }
}

/// A name to resolve: what it names, and the name (for a hierarchy group, the path).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Wanted {
    /// What it names.
    pub kind: NameKind,
    /// The name, or the hierarchy path.
    pub name: String,
}

/// What a name resolved to in an instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// Exactly one thing: its ARN.
    One(ResourceArn),
    /// Nothing; the names that exist closest to it, for the reason.
    Nothing {
        /// Up to three names of the same kind, the closest first.
        closest: Vec<String>,
    },
    /// More than one thing: their ARNs.
    Several(Vec<ResourceArn>),
}

/// The names resolved for one template (its instance's), each by what it names and the name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolved(BTreeMap<Wanted, Found>);

impl Resolved {
    /// Records what `wanted` resolved to.
    pub fn insert(&mut self, wanted: Wanted, found: Found) {
        self.0.insert(wanted, found);
    }

    /// What `kind` named `name` resolved to, when it has been.
    pub fn get(&self, kind: NameKind, name: &str) -> Option<&Found> {
        self.0.get(&Wanted { kind, name: name.to_owned() })
    }

    /// Whether nothing has been resolved.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What `name` resolves to among `candidates`, the `(name or path, ARN)` pairs a search of `instance` returned: the
/// one whose name is exactly `name` (a search may match more loosely: case, or a group's own name for a path), or
/// more than one, or none. For none, `closest` is empty: the caller fills it with [`closest`] from the names that
/// exist, which only a miss needs.
pub fn pick(name: &str, candidates: &[(String, ResourceArn)]) -> Found {
    let mut matches: Vec<ResourceArn> =
        candidates.iter().filter(|(candidate, _)| candidate == name).map(|(_, arn)| arn.clone()).collect();
    matches.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    matches.dedup();
    match matches.len() {
        0 => Found::Nothing { closest: Vec::new() },
        1 => Found::One(matches.remove(0)),
        _ => Found::Several(matches),
    }
}

/// Up to three of `names` closest to `name`: by edit distance without regard to case, ties by the names' order.
pub fn closest(name: &str, names: &[String]) -> Vec<String> {
    let wanted = name.to_lowercase();
    let mut scored: Vec<(usize, &String)> = names.iter().map(|n| (distance(&wanted, &n.to_lowercase()), n)).collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, n)| n.clone()).collect()
}

/// Levenshtein distance, in characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// A hierarchy group's path: its levels' names from the top, joined with `/`.
pub fn path<'a>(levels: impl IntoIterator<Item = &'a str>) -> String {
    levels.into_iter().collect::<Vec<_>>().join("/")
}

/// The last level of a hierarchy path: the group's own name, which Connect's search can look for.
pub fn leaf(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Why a name does not resolve, as a property problem reads (`RoutingProfileName: no routing profile is named
/// "Sales" in <instance>; the closest: "Sales EU", "Support"`).
pub fn problem(kind: NameKind, name: &str, found: &Found, instance: &InstanceArn) -> Option<String> {
    match found {
        Found::One(_) => None,
        Found::Nothing { closest } => {
            let hint = if closest.is_empty() {
                format!("; the instance has no {kind} at all")
            } else {
                let shown: Vec<String> = closest.iter().map(|n| format!("{n:?}")).collect();
                format!("; the closest: {}", shown.join(", "))
            };
            Some(format!("no {kind} is named {name:?} in {instance} (names are exact and case-sensitive){hint}"))
        }
        Found::Several(arns) => {
            let shown: Vec<&str> = arns.iter().map(ResourceArn::as_str).collect();
            Some(format!(
                "{} {kind}s are named {name:?} in {instance} ({}); give {} instead",
                arns.len(),
                shown.join(", "),
                kind.arn_property()
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INSTANCE: &str = "arn:aws:connect:us-east-1:123456789012:instance/i-1";

    fn instance() -> InstanceArn {
        InstanceArn::parse(INSTANCE).unwrap_or_else(|e| panic!("{e}"))
    }

    fn rp(id: &str) -> ResourceArn {
        instance().child(ResourceKind::RoutingProfile, id)
    }

    #[test]
    fn only_an_exact_case_sensitive_name_matches() {
        let candidates =
            vec![("sales".to_owned(), rp("a")), ("Sales".to_owned(), rp("b")), ("Sales EU".to_owned(), rp("c"))];
        assert_eq!(pick("Sales", &candidates), Found::One(rp("b")));
        assert_eq!(pick("SALES", &candidates), Found::Nothing { closest: vec![] });
        let twice = vec![("Sales".to_owned(), rp("b")), ("Sales".to_owned(), rp("a")), ("Sales".to_owned(), rp("b"))];
        assert_eq!(pick("Sales", &twice), Found::Several(vec![rp("a"), rp("b")]), "sorted, each ARN once");
        assert_eq!(pick("x", &[]), Found::Nothing { closest: vec![] });
    }

    #[test]
    fn the_closest_names_come_first_whatever_their_case() {
        let names: Vec<String> = ["Basic Routing Profile", "Sales", "Sales EU", "Support", "Outbound"]
            .into_iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(closest("sales", &names), ["Sales", "Sales EU", "Support"]);
        assert_eq!(closest("Basic Routing", &names)[0], "Basic Routing Profile");
        assert!(closest("x", &[]).is_empty());
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("abc", ""), 3);
        assert_eq!(distance("zoë", "zoe"), 1, "characters, not bytes");
    }

    #[test]
    fn a_path_is_the_levels_joined_and_its_leaf_the_groups_own_name() {
        assert_eq!(path(["Europe", "Berlin", "Team 4"]), "Europe/Berlin/Team 4");
        assert_eq!(leaf("Europe/Berlin/Team 4"), "Team 4");
        assert_eq!(leaf("Europe"), "Europe");
    }

    #[test]
    fn a_name_that_matches_nothing_or_several_things_reads_as_a_problem_with_what_to_do() {
        let nothing = Found::Nothing { closest: vec!["Sales EU".into(), "Support".into()] };
        assert_eq!(
            problem(NameKind::RoutingProfile, "Sale", &nothing, &instance()),
            Some(format!(
                "no routing profile is named \"Sale\" in {INSTANCE} (names are exact and case-sensitive); the \
                 closest: \"Sales EU\", \"Support\""
            ))
        );
        assert_eq!(
            problem(NameKind::SecurityProfile, "QA", &Found::Nothing { closest: vec![] }, &instance()),
            Some(format!(
                "no security profile is named \"QA\" in {INSTANCE} (names are exact and case-sensitive); the \
                 instance has no security profile at all"
            ))
        );
        let several = Found::Several(vec![rp("a"), rp("b")]);
        assert_eq!(
            problem(NameKind::RoutingProfile, "Sales", &several, &instance()),
            Some(format!(
                "2 routing profiles are named \"Sales\" in {INSTANCE} ({INSTANCE}/routing-profile/a, \
                 {INSTANCE}/routing-profile/b); give RoutingProfileArn instead"
            ))
        );
        assert_eq!(problem(NameKind::RoutingProfile, "Sales", &Found::One(rp("a")), &instance()), None);
    }

    #[test]
    fn each_kind_names_its_properties_and_resource() {
        for (kind, name, arn, resource, shown) in [
            (
                NameKind::RoutingProfile,
                "RoutingProfileName",
                "RoutingProfileArn",
                ResourceKind::RoutingProfile,
                "routing profile",
            ),
            (
                NameKind::SecurityProfile,
                "SecurityProfileNames",
                "SecurityProfileArns",
                ResourceKind::SecurityProfile,
                "security profile",
            ),
            (
                NameKind::HierarchyGroup,
                "HierarchyGroupPath",
                "HierarchyGroupArn",
                ResourceKind::AgentGroup,
                "hierarchy group",
            ),
        ] {
            assert_eq!((kind.property(), kind.arn_property(), kind.resource_kind()), (name, arn, resource));
            assert_eq!(kind.to_string(), shown);
        }
    }

    #[test]
    fn resolved_names_are_kept_by_kind_and_name() {
        let mut resolved = Resolved::default();
        assert!(resolved.is_empty());
        resolved.insert(Wanted { kind: NameKind::RoutingProfile, name: "Sales".into() }, Found::One(rp("a")));
        assert_eq!(resolved.get(NameKind::RoutingProfile, "Sales"), Some(&Found::One(rp("a"))));
        assert_eq!(resolved.get(NameKind::SecurityProfile, "Sales"), None);
        assert!(!resolved.is_empty());
    }
}
