//! Maps an HTTP method and URI to the Connect operation it invokes, with its decoded path labels and query
//! parameters, exactly as `aws-sdk-connect` builds them (labels percent-encoded, one path segment each).

use std::fmt;

/// The Connect operations the emulator serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    DescribeInstance,
    CreateUser,
    DescribeUser,
    DeleteUser,
    UpdateUserIdentityInfo,
    UpdateUserPhoneConfig,
    UpdateUserRoutingProfile,
    UpdateUserSecurityProfiles,
    UpdateUserHierarchy,
    UpdateUserConfig,
    AssociateUserProficiencies,
    DisassociateUserProficiencies,
    UpdateUserProficiencies,
    ListUserProficiencies,
    ListUsers,
    SearchUsers,
    TagResource,
    UntagResource,
    ListRoutingProfiles,
    SearchRoutingProfiles,
    ListSecurityProfiles,
    SearchSecurityProfiles,
    ListUserHierarchyGroups,
    SearchUserHierarchyGroups,
    DescribeUserHierarchyGroup,
    DescribeTrafficDistributionGroup,
    ListTrafficDistributionGroups,
    AssociateTrafficDistributionGroupUser,
    DisassociateTrafficDistributionGroupUser,
    ListTrafficDistributionGroupUsers,
}

impl Operation {
    pub fn name(self) -> &'static str {
        match self {
            Self::DescribeInstance => "DescribeInstance",
            Self::CreateUser => "CreateUser",
            Self::DescribeUser => "DescribeUser",
            Self::DeleteUser => "DeleteUser",
            Self::UpdateUserIdentityInfo => "UpdateUserIdentityInfo",
            Self::UpdateUserPhoneConfig => "UpdateUserPhoneConfig",
            Self::UpdateUserRoutingProfile => "UpdateUserRoutingProfile",
            Self::UpdateUserSecurityProfiles => "UpdateUserSecurityProfiles",
            Self::UpdateUserHierarchy => "UpdateUserHierarchy",
            Self::UpdateUserConfig => "UpdateUserConfig",
            Self::AssociateUserProficiencies => "AssociateUserProficiencies",
            Self::DisassociateUserProficiencies => "DisassociateUserProficiencies",
            Self::UpdateUserProficiencies => "UpdateUserProficiencies",
            Self::ListUserProficiencies => "ListUserProficiencies",
            Self::ListUsers => "ListUsers",
            Self::SearchUsers => "SearchUsers",
            Self::TagResource => "TagResource",
            Self::UntagResource => "UntagResource",
            Self::ListRoutingProfiles => "ListRoutingProfiles",
            Self::SearchRoutingProfiles => "SearchRoutingProfiles",
            Self::ListSecurityProfiles => "ListSecurityProfiles",
            Self::SearchSecurityProfiles => "SearchSecurityProfiles",
            Self::ListUserHierarchyGroups => "ListUserHierarchyGroups",
            Self::SearchUserHierarchyGroups => "SearchUserHierarchyGroups",
            Self::DescribeUserHierarchyGroup => "DescribeUserHierarchyGroup",
            Self::DescribeTrafficDistributionGroup => "DescribeTrafficDistributionGroup",
            Self::ListTrafficDistributionGroups => "ListTrafficDistributionGroups",
            Self::AssociateTrafficDistributionGroupUser => "AssociateTrafficDistributionGroupUser",
            Self::DisassociateTrafficDistributionGroupUser => "DisassociateTrafficDistributionGroupUser",
            Self::ListTrafficDistributionGroupUsers => "ListTrafficDistributionGroupUsers",
        }
    }

    /// Whether the instance is in the body (the searches) rather than in the path.
    pub fn instance_in_body(self) -> bool {
        matches!(
            self,
            Self::SearchUsers
                | Self::SearchRoutingProfiles
                | Self::SearchSecurityProfiles
                | Self::SearchUserHierarchyGroups
        )
    }

    /// Whether the operation addresses a traffic distribution group (or lists them) rather than an instance.
    pub fn is_traffic(self) -> bool {
        matches!(
            self,
            Self::DescribeTrafficDistributionGroup
                | Self::ListTrafficDistributionGroups
                | Self::AssociateTrafficDistributionGroupUser
                | Self::DisassociateTrafficDistributionGroupUser
                | Self::ListTrafficDistributionGroupUsers
        )
    }

    /// Whether the operation changes state (reads: Describe, List, Search).
    pub fn is_write(name: &str) -> bool {
        !(name.starts_with("Describe") || name.starts_with("List") || name.starts_with("Search"))
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A routed request: the operation, its path labels (decoded) and query parameters (decoded, in order).
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub operation: Operation,
    /// `InstanceId`, the `resourceArn` of the tag operations, or the `TrafficDistributionGroupId`.
    pub target: String,
    pub user: Option<String>,
    /// The `HierarchyGroupId` of `DescribeUserHierarchyGroup`.
    pub resource: Option<String>,
    pub query: Vec<(String, String)>,
}

impl Route {
    /// All values of query parameter `name`.
    pub fn query_all(&self, name: &str) -> Vec<String> {
        self.query.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }

    pub fn query_one(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Routes `method` and the raw `path` and `query` of a request; `None` when no operation matches.
pub fn route(method: &str, path: &str, query: Option<&str>) -> Option<Route> {
    let segments: Vec<String> = path.trim_start_matches('/').split('/').map(|s| percent_decode(s, false)).collect();
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    use Operation::*;
    let (operation, target, user) = match (method, segs.as_slice()) {
        ("GET", ["instance", instance]) => (DescribeInstance, *instance, None),
        ("PUT", ["users", instance]) => (CreateUser, *instance, None),
        ("GET", ["users", instance, user]) => (DescribeUser, *instance, Some(*user)),
        ("DELETE", ["users", instance, user]) => (DeleteUser, *instance, Some(*user)),
        ("GET", ["users", instance, user, "proficiencies"]) => (ListUserProficiencies, *instance, Some(*user)),
        ("POST", ["users", instance, user, action]) => {
            let operation = match *action {
                "identity-info" => UpdateUserIdentityInfo,
                "phone-config" => UpdateUserPhoneConfig,
                "routing-profile" => UpdateUserRoutingProfile,
                "security-profiles" => UpdateUserSecurityProfiles,
                "hierarchy" => UpdateUserHierarchy,
                "config" => UpdateUserConfig,
                "associate-proficiencies" => AssociateUserProficiencies,
                "disassociate-proficiencies" => DisassociateUserProficiencies,
                "proficiencies" => UpdateUserProficiencies,
                _ => return None,
            };
            (operation, *instance, Some(*user))
        }
        ("GET", ["users-summary", instance]) => (ListUsers, *instance, None),
        ("POST", ["search-users"]) => (SearchUsers, "", None),
        ("POST", ["tags", arn]) => (TagResource, *arn, None),
        ("DELETE", ["tags", arn]) => (UntagResource, *arn, None),
        ("GET", ["routing-profiles-summary", instance]) => (ListRoutingProfiles, *instance, None),
        ("POST", ["search-routing-profiles"]) => (SearchRoutingProfiles, "", None),
        ("GET", ["security-profiles-summary", instance]) => (ListSecurityProfiles, *instance, None),
        ("POST", ["search-security-profiles"]) => (SearchSecurityProfiles, "", None),
        ("GET", ["user-hierarchy-groups-summary", instance]) => (ListUserHierarchyGroups, *instance, None),
        ("POST", ["search-user-hierarchy-groups"]) => (SearchUserHierarchyGroups, "", None),
        ("GET", ["user-hierarchy-groups", instance, _]) => (DescribeUserHierarchyGroup, *instance, None),
        ("GET", ["traffic-distribution-group", group]) => (DescribeTrafficDistributionGroup, *group, None),
        ("GET", ["traffic-distribution-groups"]) => (ListTrafficDistributionGroups, "", None),
        ("PUT", ["traffic-distribution-group", group, "user"]) => (AssociateTrafficDistributionGroupUser, *group, None),
        ("DELETE", ["traffic-distribution-group", group, "user"]) => {
            (DisassociateTrafficDistributionGroupUser, *group, None)
        }
        ("GET", ["traffic-distribution-group", group, "user"]) => (ListTrafficDistributionGroupUsers, *group, None),
        _ => return None,
    };
    if segs.iter().any(|s| s.is_empty()) && !operation.instance_in_body() {
        return None;
    }
    let resource = match (operation, segs.as_slice()) {
        (DescribeUserHierarchyGroup, [_, _, group]) => Some((*group).to_owned()),
        _ => None,
    };
    let query = parse_query(query.unwrap_or_default());
    // The user of DisassociateTrafficDistributionGroupUser is a query parameter.
    let user = match operation {
        DisassociateTrafficDistributionGroupUser => query.iter().find(|(k, _)| k == "UserId").map(|(_, v)| v.clone()),
        _ => user.map(str::to_owned),
    };
    Some(Route { operation, target: target.to_owned(), user, resource, query })
}

fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k, true), percent_decode(v, true))
        })
        .collect()
}

/// Decodes `%XX` escapes (and `+` as space in query strings); malformed escapes are kept as they are.
pub fn percent_decode(input: &str, plus_is_space: bool) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = input
                .get(i + 1..i + 3)
                .filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit()))
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(decoded) = hex {
                out.push(decoded);
                i += 3;
                continue;
            }
        }
        out.push(if plus_is_space && b == b'+' { b' ' } else { b });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_tag_operations_with_encoded_arns() {
        let arn = "arn%3Aaws%3Aconnect%3Aus-east-1%3A123456789012%3Ainstance%2Fi-1%2Fagent%2Fu-1";
        let r = route("DELETE", &format!("/tags/{arn}"), Some("tagKeys=a&tagKeys=b%20c"));
        let Some(r) = r else { panic!("no route") };
        assert_eq!(r.operation, Operation::UntagResource);
        assert_eq!(r.target, "arn:aws:connect:us-east-1:123456789012:instance/i-1/agent/u-1");
        assert_eq!(r.query_all("tagKeys"), vec!["a", "b c"]);
    }

    #[test]
    fn routes_user_operations() {
        let r = route("GET", "/users/i-1/u-1/proficiencies", Some("maxResults=5"));
        assert_eq!(
            r.map(|r| (r.operation, r.query_one("maxResults").map(str::to_owned))),
            Some((Operation::ListUserProficiencies, Some("5".to_owned())))
        );
        assert_eq!(
            route("POST", "/users/i-1/u-1/proficiencies", None).map(|r| r.operation),
            Some(Operation::UpdateUserProficiencies)
        );
        assert_eq!(route("POST", "/users/i-1/u-1/nope", None), None);
        assert_eq!(route("GET", "/instance/i-1", None).map(|r| r.operation), Some(Operation::DescribeInstance));
        assert_eq!(route("PUT", "/users/", None), None);
    }

    #[test]
    fn routes_resource_and_traffic_operations() {
        let r = route("GET", "/user-hierarchy-groups/i-1/g%2F1", None);
        assert_eq!(
            r.map(|r| (r.operation, r.target, r.resource)),
            Some((Operation::DescribeUserHierarchyGroup, "i-1".to_owned(), Some("g/1".to_owned())))
        );
        let arn = "arn%3Aaws%3Aconnect%3Aus-east-1%3A123456789012%3Atraffic-distribution-group%2Ft-1";
        let r = route("DELETE", &format!("/traffic-distribution-group/{arn}/user"), Some("UserId=u-1&InstanceId=i-1"));
        let Some(r) = r else { panic!("no route") };
        assert_eq!(r.operation, Operation::DisassociateTrafficDistributionGroupUser);
        assert_eq!(r.target, "arn:aws:connect:us-east-1:123456789012:traffic-distribution-group/t-1");
        assert_eq!(r.user.as_deref(), Some("u-1"));
        assert_eq!(
            route("GET", "/traffic-distribution-groups", Some("instanceId=i-1")).map(|r| r.operation),
            Some(Operation::ListTrafficDistributionGroups)
        );
        assert_eq!(
            route("POST", "/search-user-hierarchy-groups", None).map(|r| r.operation),
            Some(Operation::SearchUserHierarchyGroups)
        );
        assert_eq!(route("GET", "/traffic-distribution-group//user", None), None);
    }

    #[test]
    fn reads_and_writes_by_name() {
        for read in [
            Operation::SearchRoutingProfiles,
            Operation::ListSecurityProfiles,
            Operation::DescribeUserHierarchyGroup,
            Operation::DescribeTrafficDistributionGroup,
            Operation::ListTrafficDistributionGroups,
            Operation::ListTrafficDistributionGroupUsers,
        ] {
            assert!(!Operation::is_write(read.name()), "{read}");
        }
        for write in
            [Operation::AssociateTrafficDistributionGroupUser, Operation::DisassociateTrafficDistributionGroupUser]
        {
            assert!(Operation::is_write(write.name()), "{write}");
        }
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("a%2Fb%zz%4", false), "a/b%zz%4");
        assert_eq!(percent_decode("a+b", true), "a b");
    }
}
