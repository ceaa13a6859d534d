//! The instance's identity-management type, which the decision validates a template against (docs/real-connect.md
//! §4): one `DescribeInstance`, which the port keeps per instance, and not even that for an instance out of the
//! function's reach.

use serde_json::Value;
use tracing::warn;

use super::context::Cx;
use crate::app::ports::Connect;
use crate::core::failure::explain;
use crate::core::identity::IdentityManagement;
use crate::core::placement;
use crate::core::props;

/// The identity-management type of the template's instance, or `None` when it cannot be known: no instance in the
/// template, one out of reach (the decision refuses it), or `DescribeInstance` denied, failing or slow (it gets
/// [`super::Windows::describe_instance`], and never the time the request's own calls need: it ends well before the
/// time a `CreateUser` must be sent by). Then Connect applies those rules itself, and its own error is reported.
pub(super) async fn identity_type<C: Connect>(cx: &Cx<'_, C>, properties: &Value) -> Option<IdentityManagement> {
    let instance = props::instance_arn(properties)?;
    if let Some(home) = &cx.work.home
        && placement::check(home, &instance).is_err()
    {
        return None;
    }
    cx.progress.step("calling DescribeInstance");
    let until = cx.window_end_before_create(cx.work.windows.describe_instance);
    let described = tokio::time::timeout_at(until, cx.connect.describe_instance(&instance));
    let result = match described.await {
        Ok(Ok(info)) => return info.identity_management,
        Ok(Err(e)) => explain(&e),
        Err(_) => format!("DescribeInstance: no answer within {} s", cx.work.windows.describe_instance.as_secs()),
    };
    warn!(
        error = %result,
        "the instance's identity-management type is unknown; its rules are left to Amazon Connect"
    );
    None
}
