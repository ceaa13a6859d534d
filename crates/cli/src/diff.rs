//! `connect-users diff --from A --to B`: whether two instances hold the same agents, set up the same way — the
//! parity check of test against production, or of a Global Resiliency primary against its replica.
//!
//! Each instance's users are read as `export` reads them (`DescribeUser`, `ListUserProficiencies`, the traffic
//! distribution groups' users) and seen as a portable export writes them: profiles and hierarchy groups by name,
//! groups by name, no ARN of the instance, no owner tag. Agents are matched by username; for each, every property
//! that differs is listed (`RoutingProfileName`, `PhoneConfig.AutoAccept`, `UserProficiencies`…). The values of
//! `IdentityInfo` and `DirectoryUserId` are personal data: that they differ is said, never what they are.
//!
//! A profile whose name other profiles share, or that the instance no longer lists, is seen by its ARN, which then
//! differs between instances: the diff cannot tell whether the two are the same.

use std::collections::BTreeMap;
use std::sync::Arc;

use cfn_connect_user::core::arn::InstanceArn;
use cfn_connect_user::core::model::LiveUser;
use serde_json::{Map, Value, json};

use crate::catalog::Catalog;
use crate::export::{connect_failure, properties};
use crate::progress::Progress;
use crate::reader::ReadOnly;
use crate::select::Selection;

/// What to compare.
#[derive(Debug, Clone)]
pub struct Options {
    /// The instance compared from.
    pub from: InstanceArn,
    /// The instance compared to.
    pub to: InstanceArn,
    /// Which usernames.
    pub selection: Selection,
    /// Users read at once.
    pub concurrency: usize,
}

/// One property of an agent that differs.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The property, `Outer.Inner` inside `IdentityInfo` and `PhoneConfig`.
    pub path: String,
    /// Its value in the first instance, `None` when unset there; `None` on both sides when private.
    pub from: Option<Value>,
    /// Its value in the second instance.
    pub to: Option<Value>,
    /// Personal data, whose values are not shown.
    pub private: bool,
}

/// How an agent differs.
#[derive(Debug, Clone, PartialEq)]
pub enum Difference {
    /// It is only in the first instance.
    OnlyInFrom,
    /// It is only in the second instance.
    OnlyInTo,
    /// It is in both, and these properties differ.
    Fields(Vec<Field>),
}

/// What a diff found.
#[derive(Debug, Clone, Default)]
pub struct Compared {
    /// The agents that differ, by username, in username order.
    pub agents: Vec<(String, Difference)>,
    /// Agents alike in both.
    pub same: usize,
    /// Agents selected in each instance.
    pub counts: (usize, usize),
}

impl Compared {
    /// Whether any agent differs.
    pub fn differs(&self) -> bool {
        !self.agents.is_empty()
    }
}

/// One instance's agents: username → property path → value.
type Roster = BTreeMap<String, BTreeMap<String, Value>>;

/// Compares the agents of the two instances.
pub async fn diff(reader: &ReadOnly, options: &Options, progress: &Progress) -> Result<Compared, String> {
    let from = roster(reader, &options.from, options, progress).await?;
    let to = roster(reader, &options.to, options, progress).await?;
    Ok(compare(&from, &to))
}

fn compare(from: &Roster, to: &Roster) -> Compared {
    let mut compared = Compared { counts: (from.len(), to.len()), ..Compared::default() };
    let mut usernames: Vec<&String> = from.keys().chain(to.keys()).collect();
    usernames.sort();
    usernames.dedup();
    for username in usernames {
        let difference = match (from.get(username), to.get(username)) {
            (Some(_), None) => Difference::OnlyInFrom,
            (None, Some(_)) => Difference::OnlyInTo,
            (Some(a), Some(b)) => {
                let fields = fields(a, b);
                if fields.is_empty() {
                    compared.same += 1;
                    continue;
                }
                Difference::Fields(fields)
            }
            (None, None) => continue,
        };
        compared.agents.push((username.clone(), difference));
    }
    compared
}

fn fields(a: &BTreeMap<String, Value>, b: &BTreeMap<String, Value>) -> Vec<Field> {
    let mut paths: Vec<&String> = a.keys().chain(b.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter(|path| a.get(*path) != b.get(*path))
        .map(|path| {
            let private = path.starts_with("IdentityInfo.") || path == "DirectoryUserId";
            let (from, to) = if private { (None, None) } else { (a.get(path).cloned(), b.get(path).cloned()) };
            Field { path: path.clone(), from, to, private }
        })
        .collect()
}

async fn roster(
    reader: &ReadOnly,
    instance: &InstanceArn,
    options: &Options,
    progress: &Progress,
) -> Result<Roster, String> {
    let failed = |e| format!("{instance}: {}", connect_failure(&e));
    let kind = reader.describe_instance(instance).await.map_err(failed)?.identity_management;
    let catalog = Arc::new(Catalog::read(reader, instance, true).await.map_err(failed)?);
    let listed = reader.list_users(instance, |n| progress.listed(n)).await.map_err(failed)?;
    let selected: Vec<_> = listed.into_iter().filter(|u| options.selection.takes_username(&u.username)).collect();
    progress.counting("reading users", selected.len(), 0);
    let semaphore = Arc::new(tokio::sync::Semaphore::new(options.concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for user in selected {
        let (reader, catalog, semaphore, progress) =
            (reader.clone(), Arc::clone(&catalog), Arc::clone(&semaphore), progress.clone());
        tasks.spawn(async move {
            let _permit = semaphore.acquire().await;
            let read = reader.read_user(&user.arn, true).await;
            progress.one_done();
            match read {
                Ok(mut live) => {
                    live.traffic_distribution_groups = Some(catalog.groups_of(user.arn.user_id()));
                    Ok(Some((live.username.clone(), view(&live, kind, &catalog))))
                }
                // Deleted since it was listed: not in the instance.
                Err(e) if e.kind == cfn_connect_user::app::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(format!("{}: {}", user.username, connect_failure(&e))),
            }
        });
    }
    let mut roster = Roster::new();
    while let Some(joined) = tasks.join_next().await {
        let read = joined.map_err(|e| format!("a read task failed: {e}"))?.map_err(|e| format!("{instance}: {e}"))?;
        if let Some((username, view)) = read {
            roster.insert(username, view);
        }
    }
    progress.finish();
    Ok(roster)
}

/// The user as a portable export would write it, flattened to property paths, with groups by name.
fn view(
    live: &LiveUser,
    kind: Option<cfn_connect_user::core::identity::IdentityManagement>,
    catalog: &Catalog,
) -> BTreeMap<String, Value> {
    let (properties, _) = properties::properties(live, kind);
    let name = |arn: &Value| {
        let arn = arn.as_str().unwrap_or_default();
        json!(catalog.name_of(arn).unwrap_or(arn))
    };
    let mut view = BTreeMap::new();
    for (key, value) in properties.as_object().cloned().unwrap_or_default() {
        match key.as_str() {
            "InstanceArn" | "AdoptExisting" => {}
            "RoutingProfileArn" => {
                view.insert("RoutingProfileName".to_owned(), name(&value));
            }
            "HierarchyGroupArn" => {
                view.insert("HierarchyGroupPath".to_owned(), name(&value));
            }
            "SecurityProfileArns" => {
                view.insert("SecurityProfileNames".to_owned(), sorted(value.as_array(), name));
            }
            "TrafficDistributionGroupArns" => {
                let group = |arn: &Value| {
                    let arn = arn.as_str().unwrap_or_default();
                    let name = cfn_connect_user::core::arn::TrafficDistributionGroupArn::parse(arn)
                        .ok()
                        .and_then(|g| catalog.group_name(&g).map(str::to_owned));
                    json!(name.unwrap_or_else(|| arn.to_owned()))
                };
                view.insert("TrafficDistributionGroups".to_owned(), sorted(value.as_array(), group));
            }
            "IdentityInfo" | "PhoneConfig" => {
                for (inner, value) in value.as_object().cloned().unwrap_or_default() {
                    view.insert(format!("{key}.{inner}"), value);
                }
            }
            _ => {
                view.insert(key, value);
            }
        }
    }
    view
}

fn sorted(items: Option<&Vec<Value>>, f: impl Fn(&Value) -> Value) -> Value {
    let mut items: Vec<Value> = items.into_iter().flatten().map(f).collect();
    items.sort_by_key(ToString::to_string);
    Value::Array(items)
}

/// The diff for people.
pub fn text(compared: &Compared, options: &Options) -> String {
    let mut out = format!("Agents of {} (-) compared with {} (+):\n", options.from, options.to);
    for (username, difference) in &compared.agents {
        match difference {
            Difference::OnlyInFrom => out.push_str(&format!("- {username}: only in {}\n", options.from)),
            Difference::OnlyInTo => out.push_str(&format!("+ {username}: only in {}\n", options.to)),
            Difference::Fields(fields) => {
                out.push_str(&format!("~ {username}\n"));
                for field in fields {
                    let shown = |v: &Option<Value>| v.as_ref().map_or_else(|| "(not set)".to_owned(), Value::to_string);
                    if field.private {
                        out.push_str(&format!("    {}: differs (personal data, not shown)\n", field.path));
                    } else {
                        out.push_str(&format!("    {}: {} → {}\n", field.path, shown(&field.from), shown(&field.to)));
                    }
                }
            }
        }
    }
    let (only_from, only_to, different) = tally(compared);
    out.push_str(&format!(
        "Diff: {only_from} only in the first, {only_to} only in the second, {different} different, {} the same \
         ({} agents in the first, {} in the second).\n",
        compared.same, compared.counts.0, compared.counts.1
    ));
    out
}

/// The diff for programs.
pub fn json(compared: &Compared, options: &Options) -> Value {
    let agents: Vec<Value> = compared
        .agents
        .iter()
        .map(|(username, difference)| match difference {
            Difference::OnlyInFrom => json!({"username": username, "status": "onlyInFrom"}),
            Difference::OnlyInTo => json!({"username": username, "status": "onlyInTo"}),
            Difference::Fields(fields) => {
                let fields: Vec<Value> = fields
                    .iter()
                    .map(|f| {
                        let mut field = Map::new();
                        field.insert("path".into(), json!(f.path));
                        if f.private {
                            field.insert("private".into(), json!(true));
                        } else {
                            field.insert("from".into(), f.from.clone().unwrap_or(Value::Null));
                            field.insert("to".into(), f.to.clone().unwrap_or(Value::Null));
                        }
                        Value::Object(field)
                    })
                    .collect();
                json!({"username": username, "status": "different", "fields": fields})
            }
        })
        .collect();
    let (only_from, only_to, different) = tally(compared);
    json!({
        "from": options.from.as_str(),
        "to": options.to.as_str(),
        "agents": agents,
        "summary": {"onlyInFrom": only_from, "onlyInTo": only_to, "different": different, "same": compared.same,
            "from": compared.counts.0, "to": compared.counts.1},
    })
}

fn tally(compared: &Compared) -> (usize, usize, usize) {
    let count = |f: fn(&Difference) -> bool| compared.agents.iter().filter(|(_, d)| f(d)).count();
    (
        count(|d| matches!(d, Difference::OnlyInFrom)),
        count(|d| matches!(d, Difference::OnlyInTo)),
        count(|d| matches!(d, Difference::Fields(_))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(fields: &[(&str, Value)]) -> BTreeMap<String, Value> {
        fields.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
    }

    #[test]
    fn agents_are_matched_by_username_and_compared_property_by_property_hiding_personal_data() {
        let from = Roster::from([
            ("same".to_owned(), agent(&[("RoutingProfileName", json!("Sales"))])),
            ("gone".to_owned(), agent(&[])),
            (
                "moved".to_owned(),
                agent(&[("RoutingProfileName", json!("Sales")), ("IdentityInfo.Email", json!("a@example.com"))]),
            ),
        ]);
        let to = Roster::from([
            ("same".to_owned(), agent(&[("RoutingProfileName", json!("Sales"))])),
            ("new".to_owned(), agent(&[])),
            (
                "moved".to_owned(),
                agent(&[
                    ("RoutingProfileName", json!("Basic")),
                    ("IdentityInfo.Email", json!("b@example.com")),
                    ("HierarchyGroupPath", json!("Europe")),
                ]),
            ),
        ]);
        let compared = compare(&from, &to);
        assert_eq!(compared.same, 1);
        assert_eq!(compared.counts, (3, 3));
        let fields = vec![
            Field { path: "HierarchyGroupPath".into(), from: None, to: Some(json!("Europe")), private: false },
            Field { path: "IdentityInfo.Email".into(), from: None, to: None, private: true },
            Field {
                path: "RoutingProfileName".into(),
                from: Some(json!("Sales")),
                to: Some(json!("Basic")),
                private: false,
            },
        ];
        assert_eq!(
            compared.agents,
            vec![
                ("gone".to_owned(), Difference::OnlyInFrom),
                ("moved".to_owned(), Difference::Fields(fields)),
                ("new".to_owned(), Difference::OnlyInTo),
            ]
        );
        assert!(compare(&from, &from).agents.is_empty());
    }
}
