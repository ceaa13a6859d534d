//! A plan as people read it (text, as `terraform plan` prints one) or as programs do (`--output json`).
//!
//! Text: one block per resource that changes, may change or is refused, its calls each with the property paths behind
//! them; unchanged resources are counted, not listed. JSON: every resource, unchanged ones included:
//!
//! ```json
//! {"resources": [{"address": "Users01/UserMariaGarcia0", "logicalId": "UserMariaGarcia0", "stack": ["Users01"],
//!    "username": "maria.garcia0", "removed": false, "action": "adopt", "tagOnly": true, "user": "arn:…",
//!    "replaces": null, "oldUser": null, "ownerTag": null, "reason": null,
//!    "calls": [{"operation": "TagResource", "paths": ["owner tag (connect-user-resource:owner)"]}]}],
//!  "summary": {"create": 0, "adopt": 1, "update": 0, "replace": 0, "delete": 0, "retain": 0, "noChanges": 0,
//!    "refused": 0, "ownerUnknown": 0},
//!  "changes": true, "notes": []}
//! ```

use std::collections::BTreeMap;

use cfn_connect_user::core::arn::UserArn;
use cfn_connect_user::core::decision::{Action, Decision, Left};
use cfn_connect_user::core::owner::Held;
use serde_json::{Value, json};

use super::{OldUser, Planned, PlannedCall, Verdict};

/// How to learn a stack's id, for the "owner unknown" advice.
const STACK_ID_HINT: &str = "aws cloudformation describe-stacks --stack-name NAME --query 'Stacks[0].StackId'";

/// What a plan comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    /// Resources whose deployment would change Connect, or may (owner unknown).
    pub changes: usize,
    /// Resources the function would refuse.
    pub refused: usize,
    /// Resources with nothing to do.
    pub unchanged: usize,
}

/// What becomes of a resource.
pub fn action(planned: &Planned) -> Action {
    match &planned.verdict {
        Verdict::Retained => Action::Retain,
        Verdict::Decided(decision) => decision.action().unwrap_or(Action::NoChange),
    }
}

/// The totals of `plan`.
pub fn totals(plan: &[Planned]) -> Totals {
    let mut totals = Totals::default();
    for planned in plan {
        match action(planned) {
            Action::Refuse => totals.refused += 1,
            a if a.changes() => totals.changes += 1,
            _ => totals.unchanged += 1,
        }
    }
    totals
}

fn counts(plan: &[Planned]) -> BTreeMap<Action, usize> {
    let mut counts = BTreeMap::new();
    for planned in plan {
        *counts.entry(action(planned)).or_insert(0) += 1;
    }
    counts
}

/// The user a resource's calls go to, or that it leaves alone.
fn user(planned: &Planned) -> Option<&UserArn> {
    match planned.decision()? {
        Decision::Converge(c) => Some(&c.user),
        Decision::Delete(deletion) => Some(&deletion.user),
        Decision::OwnerUnknown { user, .. } => Some(user),
        Decision::Leave(Left::HandedOver { user, .. }) => Some(user),
        _ => None,
    }
}

fn reason(planned: &Planned) -> Option<String> {
    match planned.decision()? {
        Decision::Refuse(failure) => Some(failure.to_string()),
        _ => None,
    }
}

/// The label of a resource's plan: `adopt, tag only`, `update`, `refused: …`.
pub fn label(planned: &Planned) -> String {
    let removed = if planned.removed { " (removed from the template)" } else { "" };
    let text = match (planned.decision(), action(planned)) {
        (None, _) => "retain: DeletionPolicy Retain, so CloudFormation leaves the user in Connect".to_owned(),
        (Some(d), Action::Adopt) if d.tag_only() => "adopt, tag only".to_owned(),
        (Some(_), Action::Adopt) => "adopt, then update".to_owned(),
        (Some(_), Action::Replace) => match &planned.old_user {
            Some(OldUser::Retained(old)) => format!("replace (UpdateReplacePolicy Retain: {old} stays in Connect)"),
            Some(OldUser::Decided(old, Decision::Delete(_))) => format!("replace (CloudFormation then deletes {old})"),
            Some(OldUser::Decided(old, other)) => {
                format!("replace (CloudFormation then sends the Delete of {old}: {})", leave_text(other))
            }
            None => "replace".to_owned(),
        },
        (Some(Decision::Refuse(failure)), _) => format!("refused: {failure}"),
        (Some(Decision::OwnerUnknown { user, tag }), _) => format!(
            "owner unknown: {user} carries the owner tag {tag:?}{}; give the stack's id to tell whether it is this \
             resource's (--stack-id ARN, or --stack-id {}=ARN for this nested stack; {STACK_ID_HINT})",
            Held::read(tag).map(|held| format!(" ({held})")).unwrap_or_default(),
            if planned.stack.is_empty() { "PATH".to_owned() } else { planned.stack.join("/") }
        ),
        (Some(d @ Decision::Leave(_)), _) => leave_text(d),
        (Some(_), other) => other.as_str().to_owned(),
    };
    format!("{text}{removed}")
}

fn leave_text(decision: &Decision) -> String {
    match decision {
        Decision::Leave(Left::HandedOver { owner, .. }) => format!(
            "retain: the user was handed over to another stack or logical resource (owner tag {owner:?}), and the \
             function leaves it in place"
        ),
        Decision::Leave(_) => "no changes: the user is gone already".to_owned(),
        Decision::Delete(_) => "delete".to_owned(),
        Decision::OwnerUnknown { tag, .. } => format!("owner unknown (owner tag {tag:?})"),
        Decision::Refuse(failure) => format!("refused: {failure}"),
        other => other.action().map_or("", Action::as_str).to_owned(),
    }
}

/// The plan as text.
pub fn text(plan: &[Planned], notes: &[String]) -> String {
    let mut out = String::new();
    for planned in plan.iter().filter(|p| action(p) != Action::NoChange || p.removed) {
        let username = planned.username.as_deref().map(|u| format!(" ({u})")).unwrap_or_default();
        out.push_str(&format!("{}{username}: {}\n", planned.address(), label(planned)));
        for PlannedCall { operation, paths } in &planned.calls {
            out.push_str(&format!("    {operation:<30} {}\n", paths.join(", ")));
        }
    }
    let counts = counts(plan);
    let n = |action| counts.get(&action).copied().unwrap_or(0);
    out.push_str(&format!(
        "Plan: {} to create, {} to adopt, {} to update, {} to replace, {} to delete, {} to retain, {} refused, {} with \
         owner unknown, {} unchanged.\n",
        n(Action::Create),
        n(Action::Adopt),
        n(Action::Update),
        n(Action::Replace),
        n(Action::Delete),
        n(Action::Retain),
        n(Action::Refuse),
        n(Action::OwnerUnknown),
        n(Action::NoChange)
    ));
    for note in notes {
        out.push_str(&format!("Note: {note}\n"));
    }
    out
}

fn calls_json(calls: &[PlannedCall]) -> Vec<Value> {
    calls.iter().map(|c| json!({"operation": c.operation, "paths": c.paths})).collect()
}

fn action_key(action: Action) -> &'static str {
    match action {
        Action::NoChange => "no-changes",
        Action::OwnerUnknown => "owner-unknown",
        other => other.as_str(),
    }
}

/// The plan as JSON.
pub fn json(plan: &[Planned], notes: &[String]) -> Value {
    let resources: Vec<Value> = plan
        .iter()
        .map(|planned| {
            let old_user = planned.old_user.as_ref().map(|old| match old {
                OldUser::Retained(user) => json!({"user": user.as_str(), "action": "retain", "calls": []}),
                OldUser::Decided(user, decision) => json!({
                    "user": user.as_str(),
                    "action": decision.action().map_or("no-changes", action_key),
                    "calls": match decision {
                        Decision::Delete(_) => json!([{"operation": "DeleteUser", "paths": ["(the replaced user)"]}]),
                        _ => json!([]),
                    },
                }),
            });
            let owner_tag = match planned.decision() {
                Some(Decision::OwnerUnknown { tag, .. }) => Some(tag.clone()),
                _ => None,
            };
            json!({
                "address": planned.address(),
                "logicalId": planned.logical_id,
                "stack": planned.stack,
                "username": planned.username,
                "removed": planned.removed,
                "action": action_key(action(planned)),
                "tagOnly": planned.decision().is_some_and(Decision::tag_only),
                "user": user(planned).map(ToString::to_string),
                "replaces": match &planned.old_user {
                    Some(OldUser::Retained(u) | OldUser::Decided(u, _)) => Some(u.to_string()),
                    None => None,
                },
                "oldUser": old_user,
                "ownerTag": owner_tag,
                "reason": reason(planned),
                "calls": calls_json(&planned.calls),
            })
        })
        .collect();
    let counts = counts(plan);
    let n = |action| counts.get(&action).copied().unwrap_or(0);
    json!({
        "resources": resources,
        "summary": {
            "create": n(Action::Create),
            "adopt": n(Action::Adopt),
            "update": n(Action::Update),
            "replace": n(Action::Replace),
            "delete": n(Action::Delete),
            "retain": n(Action::Retain),
            "noChanges": n(Action::NoChange),
            "refused": n(Action::Refuse),
            "ownerUnknown": n(Action::OwnerUnknown),
        },
        "changes": totals(plan).changes > 0,
        "notes": notes,
    })
}
