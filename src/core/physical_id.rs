//! Every rule about PhysicalResourceIds: a user's ARN names a user that exists; anything else (a failed
//! Create's marker, an id CloudFormation made up) names none, and Update and Delete act on that.

use super::arn::UserArn;
use super::event::{Envelope, Request, RequestType};

/// What a PhysicalResourceId that CloudFormation sends stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhysicalId {
    /// A Connect user: Update reconciles it, Delete deletes it.
    User(UserArn),
    /// No user stands behind the id: Update creates the template's user, Delete has nothing to do.
    NoUser,
}

impl PhysicalId {
    /// Reads an id as sent; only a well-formed user ARN names a user.
    pub fn read(id: &str) -> Self {
        UserArn::parse(id).map_or(Self::NoUser, Self::User)
    }
}

/// The id a request answers with when it made no user: deterministic for the request (a repeat computes
/// the same), and never a user ARN, so the Delete CloudFormation later sends for it makes no call.
pub fn failed_create_marker(envelope: &Envelope) -> String {
    let logical = if envelope.logical_resource_id.is_empty() { "ConnectUser" } else { &envelope.logical_resource_id };
    let request = if envelope.request_id.is_empty() { "unknown-request" } else { &envelope.request_id };
    format!("{logical}-create-failed-{request}")
}

/// The id a failed request answers with: the user it made, when it made one (so that CloudFormation's rollback
/// Delete removes it); otherwise a Create's marker, or the id CloudFormation sent (an Update or Delete keeps its
/// resource). A request too broken to parse still keeps an id it carried, since that id names an existing resource.
pub fn for_failure(request: Option<&Request>, envelope: &Envelope, made: Option<&UserArn>) -> String {
    match (made, request.map(|r| r.kind), &envelope.physical_resource_id) {
        (Some(user), _, _) => user.to_string(),
        (None, Some(RequestType::Create), _) | (None, _, None) => failed_create_marker(envelope),
        (None, _, Some(id)) => id.clone(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const USER: &str = "arn:aws:connect:us-east-1:123456789012:instance/i-1/agent/u-1";

    fn envelope(physical_id: Option<&str>) -> Envelope {
        Envelope {
            request_id: "r-1".into(),
            logical_resource_id: "User".into(),
            physical_resource_id: physical_id.map(str::to_owned),
            ..Envelope::default()
        }
    }

    fn request(kind: &str) -> Option<Request> {
        let mut raw = json!({"RequestType": kind, "StackId": "s", "RequestId": "r-1", "LogicalResourceId": "User",
            "ResourceType": "Custom::ConnectUser",
            "ResourceProperties": {}, "OldResourceProperties": {}});
        if kind != "Create" {
            raw["PhysicalResourceId"] = json!(USER);
        }
        Request::parse(&raw).ok()
    }

    #[test]
    fn only_a_user_arn_names_a_user() {
        assert!(matches!(PhysicalId::read(USER), PhysicalId::User(arn) if arn.to_string() == USER));
        for other in ["User-create-failed-r-1", "", "arn:aws:connect:us-east-1:123456789012:instance/i-1"] {
            assert_eq!(PhysicalId::read(other), PhysicalId::NoUser, "{other}");
        }
    }

    #[test]
    fn the_marker_is_deterministic_and_never_a_user() {
        let marker = failed_create_marker(&envelope(None));
        assert_eq!(marker, "User-create-failed-r-1");
        assert_eq!(marker, failed_create_marker(&envelope(None)));
        assert_eq!(PhysicalId::read(&marker), PhysicalId::NoUser);
        assert_eq!(failed_create_marker(&Envelope::default()), "ConnectUser-create-failed-unknown-request");
    }

    #[test]
    fn a_failure_keeps_the_sent_id_except_on_create() {
        assert_eq!(for_failure(request("Create").as_ref(), &envelope(Some(USER)), None), "User-create-failed-r-1");
        assert_eq!(for_failure(request("Update").as_ref(), &envelope(Some(USER)), None), USER);
        assert_eq!(for_failure(request("Delete").as_ref(), &envelope(Some(USER)), None), USER);
        assert_eq!(for_failure(None, &envelope(Some(USER)), None), USER, "a broken request keeps its id");
        assert_eq!(for_failure(None, &envelope(None), None), "User-create-failed-r-1");
    }

    #[test]
    fn a_failure_names_the_user_it_made_whatever_the_request() {
        let made = UserArn::parse("arn:aws:connect:us-east-1:123456789012:instance/i-1/agent/u-2").ok();
        let made = made.as_ref();
        let expected = "arn:aws:connect:us-east-1:123456789012:instance/i-1/agent/u-2";
        assert_eq!(for_failure(request("Create").as_ref(), &envelope(None), made), expected);
        assert_eq!(for_failure(request("Update").as_ref(), &envelope(Some(USER)), made), expected);
        assert_eq!(for_failure(None, &envelope(None), made), expected);
    }
}
