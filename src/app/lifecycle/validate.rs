//! The first step of a Create or an Update: the template's properties against every rule (docs/connect-user.md
//! §1), the instance within the function's reach (docs/real-connect.md §6), and the rules of the instance's
//! identity-management type (§4), every problem in one reason.

use serde_json::Value;
use tracing::warn;

use super::context::Cx;
use crate::app::ports::Connect;
use crate::core::arn::InstanceArn;
use crate::core::failure::{Failure, explain};
use crate::core::identity::{self, IdentityManagement};
use crate::core::model::UserSpec;
use crate::core::placement;
use crate::core::props::{self, Invalid, PropertyError};

/// Validates the template. The only call is `DescribeInstance`, which the port keeps per instance, and not even
/// that for an instance out of reach.
///
/// `create` says the request is a Create, whose template goes to `CreateUser` (see [`identity::Facts::creates`]).
pub(super) async fn validate<C: Connect>(
    cx: &Cx<'_, C>,
    properties: &Value,
    create: bool,
) -> Result<UserSpec, Failure> {
    cx.progress.step("validating the properties");
    let mut problems = Vec::new();
    let instance = props::instance_arn(properties);
    let mut reachable = true;
    if let (Some(instance), Some(home)) = (&instance, &cx.work.home)
        && let Err(e) = placement::check(home, instance)
    {
        problems.push(PropertyError { path: "InstanceArn".to_owned(), message: e.to_string() });
        reachable = false;
    }
    let kind = match &instance {
        Some(instance) if reachable => identity_type(cx, instance).await,
        _ => None,
    };
    let facts = props::identity_facts(properties, create);
    let typed = kind.map(|kind| identity::check(&facts, kind)).unwrap_or_default();
    match props::parse(properties) {
        Ok(spec) if problems.is_empty() && typed.is_empty() => return Ok(spec),
        Ok(_) => {}
        Err(Invalid(errors)) => problems.extend(errors),
    }
    problems.extend(typed);
    Err(Failure::Invalid(Invalid(problems)))
}

/// The instance's identity-management type, or `None` when it cannot be known: `DescribeInstance` denied, failing
/// or slow (it gets [`super::Windows::describe_instance`], and never the time the request's own calls need). Then
/// Connect applies those rules itself, and its own error is reported.
async fn identity_type<C: Connect>(cx: &Cx<'_, C>, instance: &InstanceArn) -> Option<IdentityManagement> {
    cx.progress.step("calling DescribeInstance");
    let until = cx.window_end(cx.work.windows.describe_instance);
    let described = tokio::time::timeout_at(until, cx.connect.describe_instance(instance));
    let result = match described.await {
        Ok(Ok(info)) => return info.identity_management,
        Ok(Err(e)) => explain(&e),
        Err(_) => format!("DescribeInstance: no answer within {} s", cx.work.windows.describe_instance.as_secs()),
    };
    warn!(
        error = %result,
        "the instance's identity-management type is unknown; its rules are left to Amazon Connect"
    );
    cx.progress.step("validating the properties");
    None
}
