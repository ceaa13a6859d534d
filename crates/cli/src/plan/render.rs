//! A plan as people read it (text, as `terraform plan` prints one) or as programs do (`--output json`).
//!
//! Text: one block per resource that changes or is refused, its calls each with the property paths behind them;
//! unchanged resources are counted, not listed. JSON: every resource, unchanged ones included:
//!
//! ```json
//! {"resources": [{"address": "Users01/UserMariaGarcia0", "logicalId": "UserMariaGarcia0", "stack": ["Users01"],
//!    "username": "maria.garcia0", "action": "adopt", "tagOnly": true, "user": "arn:…", "replaces": null,
//!    "reason": null, "calls": [{"operation": "TagResource", "paths": ["owner tag (connect-user-resource:owner)"]}]}],
//!  "summary": {"create": 0, "adopt": 1, "update": 0, "replace": 0, "noChanges": 0, "refused": 0},
//!  "changes": true}
//! ```

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Planned;
use super::decide::Action;

/// What a plan comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    /// Resources whose deployment would change Connect.
    pub changes: usize,
    /// Resources the function would refuse.
    pub refused: usize,
    /// Resources with nothing to do.
    pub unchanged: usize,
}

/// The totals of `plan`.
pub fn totals(plan: &[Planned]) -> Totals {
    let mut totals = Totals::default();
    for planned in plan {
        match planned.outcome.action {
            Action::Refused => totals.refused += 1,
            Action::NoChange => totals.unchanged += 1,
            _ => totals.changes += 1,
        }
    }
    totals
}

fn counts(plan: &[Planned]) -> BTreeMap<Action, usize> {
    let mut counts = BTreeMap::new();
    for planned in plan {
        *counts.entry(planned.outcome.action).or_insert(0) += 1;
    }
    counts
}

/// The operations of a resource's plan, `CreateUser` first when it is sent, each with its paths.
pub fn calls(planned: &Planned) -> Vec<(&'static str, Vec<String>)> {
    let mut out = Vec::new();
    if planned.outcome.create.is_some() {
        out.push(("CreateUser", vec!["(the template's properties)".to_owned()]));
    }
    for (i, call) in planned.outcome.calls.iter().enumerate() {
        out.push((call.operation(), planned.paths.get(i).cloned().unwrap_or_default()));
    }
    out
}

/// The label of a resource's plan: `adopt, tag only`, `update`, `refused`…
pub fn label(planned: &Planned) -> String {
    let outcome = &planned.outcome;
    match outcome.action {
        Action::Adopt if outcome.tag_only() => "adopt, tag only".to_owned(),
        Action::Adopt => "adopt, then update".to_owned(),
        Action::Replace => match &outcome.replaced {
            Some(old) => format!("replace (CloudFormation then deletes {old})"),
            None => "replace".to_owned(),
        },
        other => other.as_str().to_owned(),
    }
}

/// The plan as text.
pub fn text(plan: &[Planned], notes: &[String]) -> String {
    let mut out = String::new();
    for planned in plan.iter().filter(|p| p.outcome.action != Action::NoChange) {
        let username = planned.username.as_deref().map(|u| format!(" ({u})")).unwrap_or_default();
        match &planned.outcome.reason {
            Some(reason) => out.push_str(&format!("{}{username}: refused: {reason}\n", planned.address())),
            None => out.push_str(&format!("{}{username}: {}\n", planned.address(), label(planned))),
        }
        for (operation, paths) in calls(planned) {
            out.push_str(&format!("    {operation:<30} {}\n", paths.join(", ")));
        }
    }
    let counts = counts(plan);
    let n = |action| counts.get(&action).copied().unwrap_or(0);
    out.push_str(&format!(
        "Plan: {} to create, {} to adopt, {} to update, {} to replace, {} refused, {} unchanged.\n",
        n(Action::Create),
        n(Action::Adopt),
        n(Action::Update),
        n(Action::Replace),
        n(Action::Refused),
        n(Action::NoChange)
    ));
    for note in notes {
        out.push_str(&format!("Note: {note}\n"));
    }
    out
}

/// The plan as JSON.
pub fn json(plan: &[Planned], notes: &[String]) -> Value {
    let resources: Vec<Value> = plan
        .iter()
        .map(|planned| {
            let outcome = &planned.outcome;
            json!({
                "address": planned.address(),
                "logicalId": planned.logical_id,
                "stack": planned.stack,
                "username": planned.username,
                "action": match outcome.action {
                    Action::NoChange => "no-changes",
                    other => other.as_str(),
                },
                "tagOnly": outcome.action == Action::Adopt && outcome.tag_only(),
                "user": outcome.user.as_ref().map(ToString::to_string),
                "replaces": outcome.replaced.as_ref().map(ToString::to_string),
                "reason": outcome.reason,
                "calls": calls(planned)
                    .into_iter()
                    .map(|(operation, paths)| json!({"operation": operation, "paths": paths}))
                    .collect::<Vec<_>>(),
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
            "noChanges": n(Action::NoChange),
            "refused": n(Action::Refused),
        },
        "changes": totals(plan).changes > 0,
        "notes": notes,
    })
}
