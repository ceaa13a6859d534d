//! The ARN-or-name properties and the traffic distribution groups: their limits, each bound on both sides.

#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};

use super::super::{Invalid, Unparsed, parse_with};
use crate::core::arn::{InstanceArn, ResourceArn, ResourceKind};
use crate::core::model::UserSpec;
use crate::core::names::{Found, NameKind, Resolved, Wanted};

const INSTANCE: &str = "arn:aws:connect:us-east-1:123456789012:instance/a1b2c3d4-0000-4000-8000-000000000001";

fn group(account: &str, partition: &str, n: usize) -> String {
    format!("arn:{partition}:connect:us-east-1:{account}:traffic-distribution-group/e1000000-0000-4000-8000-{n:012}")
}

/// A user placed by name, "Sales" and "Agent" resolved.
fn by_name() -> Value {
    json!({"InstanceArn": INSTANCE, "Username": "jane", "RoutingProfileName": "Sales", "SecurityProfileNames": ["Agent"],
        "IdentityInfo": {"FirstName": "Jane", "LastName": "Roe"}})
}

fn resolved() -> Resolved {
    let instance = InstanceArn::parse(INSTANCE).unwrap();
    let mut resolved = Resolved::default();
    for (kind, name, id) in [(NameKind::RoutingProfile, "Sales", "rp-1"), (NameKind::SecurityProfile, "Agent", "sp-1")]
    {
        let arn = ResourceArn::parse_in(
            &instance.child(kind.resource_kind(), id).to_string(),
            kind.resource_kind(),
            &instance,
        );
        resolved.insert(Wanted { kind, name: name.to_owned() }, Found::One(arn.unwrap()));
    }
    resolved
}

fn parsed(properties: &Value) -> Result<UserSpec, Unparsed> {
    parse_with(properties, &resolved())
}

/// The one problem of `properties`: (path, message).
#[track_caller]
fn problem(properties: &Value) -> (String, String) {
    match parsed(properties) {
        Err(Unparsed::Invalid(Invalid(errors))) if errors.len() == 1 => {
            (errors[0].path.clone(), errors[0].message.clone())
        }
        other => panic!("expected one problem, got {other:?}"),
    }
}

#[track_caller]
fn still_to_resolve(properties: &Value) -> Vec<Wanted> {
    match parsed(properties) {
        Err(Unparsed::Unresolved(wanted)) => wanted,
        other => panic!("expected names to resolve, got {other:?}"),
    }
}

#[test]
fn a_name_is_1_to_256_characters() {
    let with = |name: &str| {
        let mut p = by_name();
        p["RoutingProfileName"] = json!(name);
        p
    };
    let longest = "n".repeat(256);
    assert_eq!(still_to_resolve(&with(&longest)), [Wanted { kind: NameKind::RoutingProfile, name: longest.clone() }]);
    assert_eq!(
        problem(&with(&"n".repeat(257))),
        ("RoutingProfileName".to_owned(), "expected 1 to 256 characters, got 257".to_owned())
    );
    assert_eq!(problem(&with("")), ("RoutingProfileName".to_owned(), "expected 1 to 256 characters, got 0".to_owned()));
}

#[test]
fn a_hierarchy_path_is_1_to_5_non_empty_levels() {
    let with = |path: &str| {
        let mut p = by_name();
        p["HierarchyGroupPath"] = json!(path);
        p
    };
    for path in ["Europe", "A/B/C/D/E"] {
        let wanted = still_to_resolve(&with(path));
        assert_eq!(wanted, [Wanted { kind: NameKind::HierarchyGroup, name: path.to_owned() }]);
    }
    for path in ["A/B/C/D/E/F", "Europe//Team 4", "Europe/", "/Europe"] {
        let (at, message) = problem(&with(path));
        assert_eq!(at, "HierarchyGroupPath", "{path}");
        assert!(message.starts_with("expected the names of 1 to 5 hierarchy levels"), "{path}: {message}");
    }
}

#[test]
fn at_most_ten_distinct_groups_of_the_users_account_and_partition() {
    let with = |groups: Vec<String>| {
        let mut p = by_name();
        p["TrafficDistributionGroupArns"] = json!(groups);
        p
    };
    let ten: Vec<String> = (0..10).map(|n| group("123456789012", "aws", n)).collect();
    let spec = parsed(&with(ten.clone())).unwrap();
    assert_eq!(spec.traffic_distribution_groups.map(|g| g.len()), Some(10));
    let eleven: Vec<String> = (0..11).map(|n| group("123456789012", "aws", n)).collect();
    assert_eq!(
        problem(&with(eleven)),
        ("TrafficDistributionGroupArns".to_owned(), "at most 10 traffic distribution groups, got 11".to_owned())
    );
    // Another account, or another partition: either alone is refused.
    for other in [group("210987654321", "aws", 0), group("123456789012", "aws-cn", 0)] {
        let (at, message) = problem(&with(vec![other.clone()]));
        assert_eq!(at, "TrafficDistributionGroupArns[0]", "{other}");
        assert!(message.contains("a user can join only its own account's traffic distribution groups"), "{message}");
    }
    let (at, message) = problem(&with(vec![ten[0].clone(), ten[0].clone()]));
    assert_eq!(
        (at.as_str(), message.as_str()),
        ("TrafficDistributionGroupArns[1]", "duplicate of TrafficDistributionGroupArns[0]")
    );
}

#[test]
fn names_stand_for_arns_of_their_own_kind() {
    let spec = parsed(&by_name()).unwrap();
    assert_eq!(spec.routing_profile.kind(), ResourceKind::RoutingProfile);
    assert_eq!(spec.named.routing_profile.as_deref(), Some("Sales"));
    assert_eq!(spec.named.security_profiles, Some(vec!["Agent".to_owned()]));
}
