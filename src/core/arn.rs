//! Amazon Connect ARNs as types: an instance, a resource inside an instance, a user.
//!
//! Parsing is the only way to get one, so the rest of the crate never re-checks the shape.

use std::fmt;

/// Why a string is not the ARN that was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArnError {
    /// The value (carried as given) is not a Connect instance ARN.
    #[error("expected arn:<partition>:connect:<region>:<12-digit account>:instance/<id>, got {0:?}")]
    NotAnInstance(String),
    /// The value is not an ARN of the expected kind of resource inside an instance.
    #[error("expected <InstanceArn>/{kind}/<id>, got {value:?}")]
    NotAChild {
        /// The expected kind's ARN segment, as [`ResourceKind::segment`] gives it.
        kind: &'static str,
        /// The value as given.
        value: String,
    },
    /// The value is not the ARN of a traffic distribution group.
    #[error("expected arn:<partition>:connect:<region>:<12-digit account>:traffic-distribution-group/<id>, got {0:?}")]
    NotATrafficDistributionGroup(String),
    /// A well-formed resource ARN of an instance other than the template's `InstanceArn`.
    #[error("belongs to instance {actual}, not to InstanceArn {expected}")]
    OtherInstance {
        /// The template's `InstanceArn`.
        expected: String,
        /// The instance the resource ARN names.
        actual: String,
    },
}

/// The head every AWS ARN shares, `arn:<partition>:<service>:<region>:<account>:<resource>`, checked: a
/// partition of the `aws` family, a 12-digit account. The region is given as written (some services have none);
/// [`is_region`] checks one. Each ARN type of the crate judges its service and resource.
pub(crate) struct ArnHead<'a> {
    pub(crate) partition: &'a str,
    pub(crate) service: &'a str,
    pub(crate) region: &'a str,
    pub(crate) account: &'a str,
    pub(crate) resource: &'a str,
}

impl<'a> ArnHead<'a> {
    /// Splits `value`; `None` when it is no ARN of an AWS partition and account.
    pub(crate) fn split(value: &'a str) -> Option<Self> {
        let mut parts = value.splitn(6, ':');
        let (Some("arn"), Some(partition), Some(service), Some(region), Some(account), Some(resource)) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let partition_ok = partition.starts_with("aws") && is_lower(partition);
        let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
        (partition_ok && account_ok).then_some(Self { partition, service, region, account, resource })
    }
}

fn is_lower(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A region as ARNs write it: `us-east-1`.
pub(crate) fn is_region(s: &str) -> bool {
    !s.is_empty() && is_lower(s)
}

/// `arn:<partition>:connect:<region>:<account>:instance/<instance id>`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InstanceArn {
    arn: String,
    id_start: usize,
}

fn is_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 100 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

impl InstanceArn {
    /// Parses `arn:<partition>:connect:<region>:<12-digit account>:instance/<id>`.
    pub fn parse(value: &str) -> Result<Self, ArnError> {
        let bad = || ArnError::NotAnInstance(value.to_owned());
        let head = ArnHead::split(value).filter(|h| h.service == "connect" && is_region(h.region)).ok_or_else(bad)?;
        let id = head.resource.strip_prefix("instance/").filter(|id| is_id(id)).ok_or_else(bad)?;
        Ok(Self { id_start: value.len() - id.len(), arn: value.to_owned() })
    }

    /// The whole ARN, as parsed.
    pub fn as_str(&self) -> &str {
        &self.arn
    }

    /// The instance id, which is what the Connect API's `InstanceId` path member takes.
    pub fn id(&self) -> &str {
        &self.arn[self.id_start..]
    }

    /// The ARN's fields, by position: `arn:<partition>:connect:<region>:<account>:…`. Parsing checked them.
    fn field(&self, index: usize) -> &str {
        self.arn.split(':').nth(index).unwrap_or_default()
    }

    /// The partition, e.g. `aws` or `aws-cn`.
    pub fn partition(&self) -> &str {
        self.field(1)
    }

    /// The region the instance lives in, e.g. `us-east-1`: its users are reached through that region's endpoint.
    pub fn region(&self) -> &str {
        self.field(3)
    }

    /// The 12-digit account that owns the instance.
    pub fn account(&self) -> &str {
        self.field(4)
    }

    /// The ARN of a resource of this instance with the given id.
    pub fn child(&self, kind: ResourceKind, id: &str) -> ResourceArn {
        ResourceArn { arn: format!("{}/{}/{}", self.arn, kind.segment(), id), instance: self.clone(), kind }
    }
}

impl fmt::Display for InstanceArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.arn)
    }
}

/// The kinds of instance resources that a user refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceKind {
    /// A routing profile: `routing-profile/<id>`.
    RoutingProfile,
    /// A security profile: `security-profile/<id>`.
    SecurityProfile,
    /// A user hierarchy group: `agent-group/<id>`.
    AgentGroup,
    /// A user: `agent/<id>`.
    Agent,
}

impl ResourceKind {
    /// The path segment that names this kind in an ARN, e.g. `routing-profile`.
    pub fn segment(self) -> &'static str {
        match self {
            Self::RoutingProfile => "routing-profile",
            Self::SecurityProfile => "security-profile",
            Self::AgentGroup => "agent-group",
            Self::Agent => "agent",
        }
    }
}

/// `<InstanceArn>/<kind>/<id>`: a routing profile, security profile, hierarchy group or user.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceArn {
    arn: String,
    instance: InstanceArn,
    kind: ResourceKind,
}

impl ResourceArn {
    /// Parses `<InstanceArn>/<kind>/<id>`, whatever the instance.
    pub fn parse(value: &str, kind: ResourceKind) -> Result<Self, ArnError> {
        let bad = || ArnError::NotAChild { kind: kind.segment(), value: value.to_owned() };
        let marker = format!("/{}/", kind.segment());
        let at = value.rfind(&marker).ok_or_else(bad)?;
        let instance = InstanceArn::parse(&value[..at]).map_err(|_| bad())?;
        let id = &value[at + marker.len()..];
        if !is_id(id) {
            return Err(bad());
        }
        Ok(instance.child(kind, id))
    }

    /// Parses and checks that the resource lives in `instance`.
    pub fn parse_in(value: &str, kind: ResourceKind, instance: &InstanceArn) -> Result<Self, ArnError> {
        let arn = Self::parse(value, kind)?;
        if arn.instance != *instance {
            return Err(ArnError::OtherInstance { expected: instance.to_string(), actual: arn.instance.to_string() });
        }
        Ok(arn)
    }

    /// The whole ARN.
    pub fn as_str(&self) -> &str {
        &self.arn
    }

    /// The instance the resource belongs to.
    pub fn instance(&self) -> &InstanceArn {
        &self.instance
    }

    /// What kind of resource this is.
    pub fn kind(&self) -> ResourceKind {
        self.kind
    }

    /// The resource id (the part after `<kind>/`), which is what the Connect API takes.
    pub fn id(&self) -> &str {
        let segment = self.kind.segment();
        &self.arn[self.instance.as_str().len() + segment.len() + 2..]
    }
}

impl fmt::Display for ResourceArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.arn)
    }
}

/// A user's ARN, `<InstanceArn>/agent/<user id>`: the PhysicalResourceId of every resource this handler manages.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UserArn(ResourceArn);

impl UserArn {
    /// Parses `<InstanceArn>/agent/<user id>`.
    pub fn parse(value: &str) -> Result<Self, ArnError> {
        ResourceArn::parse(value, ResourceKind::Agent).map(Self)
    }

    /// The ARN of the user with id `user_id` in `instance`.
    pub fn new(instance: &InstanceArn, user_id: &str) -> Self {
        Self(instance.child(ResourceKind::Agent, user_id))
    }

    /// The whole ARN.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The instance the user belongs to.
    pub fn instance(&self) -> &InstanceArn {
        self.0.instance()
    }

    /// The user id, which is what the Connect API's `UserId` path member takes.
    pub fn user_id(&self) -> &str {
        self.0.id()
    }
}

impl fmt::Display for UserArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `arn:<partition>:connect:<region>:<account>:traffic-distribution-group/<id>`: a Global Resiliency traffic
/// distribution group, which lives in its home region (its ARN's), outside any instance's ARN.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TrafficDistributionGroupArn {
    arn: String,
    id_start: usize,
}

impl TrafficDistributionGroupArn {
    /// Parses `arn:<partition>:connect:<region>:<12-digit account>:traffic-distribution-group/<id>`.
    pub fn parse(value: &str) -> Result<Self, ArnError> {
        let bad = || ArnError::NotATrafficDistributionGroup(value.to_owned());
        let head = ArnHead::split(value).filter(|h| h.service == "connect" && is_region(h.region)).ok_or_else(bad)?;
        let id = head.resource.strip_prefix("traffic-distribution-group/").filter(|id| is_id(id)).ok_or_else(bad)?;
        Ok(Self { id_start: value.len() - id.len(), arn: value.to_owned() })
    }

    /// The whole ARN.
    pub fn as_str(&self) -> &str {
        &self.arn
    }

    /// The group's id.
    pub fn id(&self) -> &str {
        &self.arn[self.id_start..]
    }

    /// The group's home region, where its API calls are made.
    pub fn region(&self) -> &str {
        self.arn.split(':').nth(3).unwrap_or_default()
    }

    /// The account that owns it.
    pub fn account(&self) -> &str {
        self.arn.split(':').nth(4).unwrap_or_default()
    }

    /// The partition.
    pub fn partition(&self) -> &str {
        self.arn.split(':').nth(1).unwrap_or_default()
    }
}

impl fmt::Display for TrafficDistributionGroupArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.arn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_traffic_distribution_group_arn_tells_its_home_region_and_id() {
        let arn =
            "arn:aws:connect:eu-west-2:123456789012:traffic-distribution-group/e5000000-0000-4000-8000-00000000000a";
        let group = TrafficDistributionGroupArn::parse(arn).map_err(|e| e.to_string());
        assert_eq!(
            group.as_ref().map(|g| (g.region(), g.id(), g.account(), g.partition())),
            Ok(("eu-west-2", "e5000000-0000-4000-8000-00000000000a", "123456789012", "aws"))
        );
        for bad in [
            "arn:aws:connect:eu-west-2:123456789012:instance/i-1",
            "arn:aws:connect:eu-west-2:123456789012:traffic-distribution-group/",
            "arn:aws:connect::123456789012:traffic-distribution-group/g-1",
            "arn:aws:s3:eu-west-2:123456789012:traffic-distribution-group/g-1",
        ] {
            assert_eq!(
                TrafficDistributionGroupArn::parse(bad),
                Err(ArnError::NotATrafficDistributionGroup(bad.to_owned())),
                "{bad}"
            );
        }
    }

    const INSTANCE: &str = "arn:aws:connect:us-east-1:123456789012:instance/a1b2c3d4-0000-4000-8000-000000000001";

    #[test]
    fn instance_parses_and_exposes_its_id() {
        let arn = InstanceArn::parse(INSTANCE).map_err(|e| e.to_string());
        assert_eq!(arn.as_ref().map(|a| a.id()), Ok("a1b2c3d4-0000-4000-8000-000000000001"));
    }

    #[test]
    fn instance_exposes_partition_region_and_account() {
        let Ok(arn) = InstanceArn::parse("arn:aws-cn:connect:cn-north-1:210987654321:instance/i-1") else {
            panic!("instance")
        };
        assert_eq!((arn.partition(), arn.region(), arn.account()), ("aws-cn", "cn-north-1", "210987654321"));
    }

    #[test]
    fn instance_rejects_other_shapes() {
        for bad in [
            "",
            "arn:aws:s3:::bucket",
            "arn:aws:connect:us-east-1:12345:instance/x",
            "arn:aws:connect:us-east-1:123456789012:instance/",
            "arn:aws:connect:us-east-1:123456789012:instance/a/b",
            "arn:aws:connect:us-east-1:123456789012:user/a",
            "arn:aws:ecs:us-east-1:123456789012:instance/i-1",
            "arn:aws:connect::123456789012:instance/i-1",
            "arn:aws:connect:US-EAST-1:123456789012:instance/i-1",
        ] {
            assert!(InstanceArn::parse(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn children_must_belong_to_the_instance() {
        let Ok(instance) = InstanceArn::parse(INSTANCE) else { panic!("instance") };
        let same = format!("{INSTANCE}/routing-profile/rp-1");
        let other = "arn:aws:connect:us-east-1:123456789012:instance/other/routing-profile/rp-1";
        assert_eq!(
            ResourceArn::parse_in(&same, ResourceKind::RoutingProfile, &instance).map(|a| a.id().to_owned()),
            Ok("rp-1".to_owned())
        );
        assert_eq!(
            ResourceArn::parse_in(&same, ResourceKind::RoutingProfile, &instance).map(|a| a.to_string()),
            Ok(same.clone()),
            "a resource ARN displays as parsed"
        );
        assert!(matches!(
            ResourceArn::parse_in(other, ResourceKind::RoutingProfile, &instance),
            Err(ArnError::OtherInstance { .. })
        ));
        assert!(ResourceArn::parse_in(&same, ResourceKind::SecurityProfile, &instance).is_err());
    }

    #[test]
    fn user_arn_round_trips() {
        let text = format!("{INSTANCE}/agent/u-1");
        let Ok(user) = UserArn::parse(&text) else { panic!("user arn") };
        assert_eq!(user.user_id(), "u-1");
        assert_eq!(user.instance().as_str(), INSTANCE);
        assert_eq!(user.to_string(), text);
        assert!(UserArn::parse("MyUser-create-failed-123").is_err());
    }
}
