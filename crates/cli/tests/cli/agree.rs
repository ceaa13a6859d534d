//! `plan` and the function make the same decision and the same calls: for random templates, previous templates and
//! users as Connect holds them (absent, untagged, this resource's in either form of its owner tag, another's), the
//! plan is rendered first, then the request CloudFormation would send runs through the real handler, and the writes
//! Connect saw are the calls the plan listed, in order — or both refuse, with the same reason. Templates name their
//! profiles and hierarchy group by ARN or by name, and may put the user in a traffic distribution group.
//!
//! `PROPTEST_CASES` sets the number of cases (1,000 by default).

use std::collections::BTreeMap;

use cfn_connect_user::adapters::SdkConnect;
use cfn_connect_user::app::Connect;
use cfn_connect_user::core::model::OWNER_TAG_KEY;
use cfn_connect_user::core::owner::OwnerTag;
use cfn_connect_user::core::plan;
use cfn_connect_user::core::props;
use connect_emulator::{Emulator, Seed};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{Value, json};

use crate::support::{Rig, TempDir, as_sent, instance_arn, stack_id, writes};
use connect_users::template::{self, Format};

const LOGICAL_ID: &str = "UserJane";

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(1000)
}

/// The owner tag a user carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tagged {
    None,
    Made,
    TakenOver,
    Another,
}

fn tagged() -> impl Strategy<Value = Tagged> {
    prop_oneof![2 => Just(Tagged::None), 2 => Just(Tagged::Made), 2 => Just(Tagged::TakenOver), 1 => Just(Tagged::Another)]
}

/// A user as Connect holds it: its settings (a template's, of the same shape; `None`: the template's own, so that
/// many cases have nothing to change), and its owner tag.
#[derive(Debug, Clone)]
struct Held {
    settings: Option<Value>,
    tag: Tagged,
}

/// The template's settings (every property but the username, the password and `AdoptExisting`): a few values of
/// each kind, so that a template and a user often agree and often differ.
fn settings() -> impl Strategy<Value = Value> {
    let seed = Seed::new();
    let rp = |id: &str| seed.routing_profile_arn(Seed::INSTANCE_1, id);
    let sp = |id: &str| seed.security_profile_arn(Seed::INSTANCE_1, id);
    let routing = prop::sample::select(vec![rp(Seed::ROUTING_PROFILE_1), rp(Seed::ROUTING_PROFILE_1_SALES)]);
    let security = prop::sample::subsequence(
        vec![sp(Seed::SECURITY_PROFILE_AGENT), sp(Seed::SECURITY_PROFILE_MANAGER), sp(Seed::SECURITY_PROFILE_QA)],
        1..=3,
    );
    let group = |id: &str| format!("{}/agent-group/{id}", instance_arn());
    let hierarchy =
        prop::option::of(prop::sample::select(vec![group(Seed::HIERARCHY_GROUP_1), group(Seed::HIERARCHY_GROUP_2)]));
    let identity = (prop::sample::select(vec!["Jane", "Janet"]), prop::option::of(Just("jane@example.com")));
    let phone = prop::option::of((any::<bool>(), prop::sample::select(vec![0u32, 30, 120]), any::<bool>()));
    let tags = prop::sample::subsequence(vec![("team", "a"), ("team2", "b"), ("site", "x")], 0..=3);
    let group = prop::option::of(Just(seed.traffic_distribution_group_arn(Seed::TRAFFIC_DISTRIBUTION_GROUP_1)));
    let team = prop::sample::select(vec!["a", "b"]);
    let levels = prop::sample::subsequence(vec![("Language", "English"), ("Skill", "Sales")], 0..=2);
    let level = prop::sample::select(vec!["1", "2.5", "4"]);
    (routing, security, hierarchy, identity, phone, tags, team, (levels, level), group).prop_map(
        move |(routing, security, hierarchy, (first, email), phone, tags, team, (levels, level), group)| {
            let mut p = json!({
                "InstanceArn": instance_arn(),
                "RoutingProfileArn": routing,
                "SecurityProfileArns": security,
                "IdentityInfo": {"FirstName": first, "LastName": "Doe"},
            });
            if let Some(email) = email {
                p["IdentityInfo"]["Email"] = json!(email);
            }
            if let Some(group) = hierarchy {
                p["HierarchyGroupArn"] = json!(group);
            }
            if let Some((auto_accept, limit, desk)) = phone {
                p["PhoneConfig"] = json!({"PhoneType": if desk { "DESK_PHONE" } else { "SOFT_PHONE" },
                    "AutoAccept": auto_accept, "AfterContactWorkTimeLimit": limit});
                if desk {
                    p["PhoneConfig"]["DeskPhoneNumber"] = json!("+12065550100");
                }
            }
            if !tags.is_empty() {
                let tags: Vec<Value> =
                    tags.iter().map(|(k, v)| json!({"Key": k, "Value": if *k == "team" { team } else { v }})).collect();
                p["Tags"] = json!(tags);
            }
            if let Some(group) = group {
                p["TrafficDistributionGroupArns"] = json!([group]);
            }
            if !levels.is_empty() {
                let levels: Vec<Value> = levels
                    .iter()
                    .map(|(name, value)| json!({"AttributeName": name, "AttributeValue": value, "Level": level}))
                    .collect();
                p["UserProficiencies"] = json!(levels);
            }
            as_sent(&p)
        },
    )
}

/// `properties` with the seeded profiles and hierarchy groups by name instead of by ARN.
fn by_name(properties: &Value) -> Value {
    let seed = Seed::new();
    let names: BTreeMap<String, &str> = [
        (seed.routing_profile_arn(Seed::INSTANCE_1, Seed::ROUTING_PROFILE_1), "Basic Routing Profile"),
        (seed.routing_profile_arn(Seed::INSTANCE_1, Seed::ROUTING_PROFILE_1_SALES), "Sales"),
        (seed.security_profile_arn(Seed::INSTANCE_1, Seed::SECURITY_PROFILE_AGENT), "Agent"),
        (seed.security_profile_arn(Seed::INSTANCE_1, Seed::SECURITY_PROFILE_MANAGER), "CallCenterManager"),
        (seed.security_profile_arn(Seed::INSTANCE_1, Seed::SECURITY_PROFILE_QA), "QualityAnalyst"),
        (format!("{}/agent-group/{}", instance_arn(), Seed::HIERARCHY_GROUP_1), "Europe/Berlin/Team 4"),
        (format!("{}/agent-group/{}", instance_arn(), Seed::HIERARCHY_GROUP_2), "Americas/Seattle"),
    ]
    .into_iter()
    .collect();
    let name = |arn: &Value| json!(names[arn.as_str().unwrap()]);
    let mut p = properties.clone();
    let map = p.as_object_mut().unwrap();
    if let Some(arn) = map.remove("RoutingProfileArn") {
        map.insert("RoutingProfileName".into(), name(&arn));
    }
    if let Some(arns) = map.remove("SecurityProfileArns") {
        map.insert("SecurityProfileNames".into(), arns.as_array().unwrap().iter().map(name).collect());
    }
    if let Some(arn) = map.remove("HierarchyGroupArn") {
        map.insert("HierarchyGroupPath".into(), name(&arn));
    }
    p
}

/// A template of the resource: settings (by ARN or by name), a username, and what it says of passwords and
/// take-overs.
fn template() -> impl Strategy<Value = Value> {
    (settings(), prop::sample::select(vec!["jane", "jane.b"]), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
        |(mut p, username, password, adopt, named)| {
            if named {
                p = by_name(&p);
            }
            p["Username"] = json!(username);
            if password {
                p["Password"] = json!("Welcome-2026-Agent");
            }
            if adopt {
                p["AdoptExisting"] = json!("true");
            }
            p
        },
    )
}

fn held() -> impl Strategy<Value = Option<Held>> {
    prop::option::of((prop::option::of(settings()), tagged()).prop_map(|(settings, tag)| Held { settings, tag }))
}

/// One case: the template, the previous one (an Update) or none (a Create), and the users of both usernames.
#[derive(Debug, Clone)]
struct Case {
    template: Value,
    previous: Option<Value>,
    users: BTreeMap<&'static str, Held>,
    identity_rules: bool,
}

fn case() -> impl Strategy<Value = Case> {
    (template(), prop::option::of(template()), held(), held(), any::<bool>()).prop_map(
        |(template, previous, jane, jane_b, identity_rules)| {
            let users = [("jane", jane), ("jane.b", jane_b)]
                .into_iter()
                .filter_map(|(name, held)| held.map(|h| (name, h)))
                .collect();
            Case { template, previous, users, identity_rules }
        },
    )
}

fn owner() -> OwnerTag {
    OwnerTag::new(&stack_id(0), LOGICAL_ID)
}

/// Puts `held` in Connect under `username`, as the console (or a stack) left it; `template` gives the settings it
/// has none of its own.
async fn put(connect: &SdkConnect, username: &str, held: &Held, template: &Value) -> Result<String, TestCaseError> {
    let mut properties = held.settings.clone().unwrap_or_else(|| by_arn(template));
    if let Some(p) = properties.as_object_mut() {
        p.remove("AdoptExisting");
    }
    properties["Username"] = json!(username);
    properties["Password"] = json!("Welcome-2026-Agent");
    let spec = props::parse(&properties).map_err(|e| TestCaseError::fail(format!("a held user: {e}")))?;
    let mut request = plan::new_user(&spec, &owner());
    match held.tag {
        Tagged::None => {
            request.tags.remove(OWNER_TAG_KEY);
        }
        Tagged::Made => {}
        Tagged::TakenOver => {
            request.tags.insert(OWNER_TAG_KEY.to_owned(), owner().adopted().to_owned());
        }
        Tagged::Another => {
            request.tags.insert(OWNER_TAG_KEY.to_owned(), OwnerTag::new(&stack_id(9), LOGICAL_ID).adopted().to_owned());
        }
    }
    let arn = connect.create_user(&request).await.map_err(|e| TestCaseError::fail(e.to_string()))?;
    for call in plan::after_create(&spec) {
        connect.apply(&arn, &call).await.map_err(|e| TestCaseError::fail(e.to_string()))?;
    }
    Ok(arn.to_string())
}

/// `properties` with names replaced by the seeded ARNs they stand for: how a user of that template is put in Connect.
fn by_arn(properties: &Value) -> Value {
    let seed = Seed::new();
    let mut p = properties.clone();
    let map = p.as_object_mut().unwrap();
    let routing = |name: &str| match name {
        "Sales" => Seed::ROUTING_PROFILE_1_SALES,
        _ => Seed::ROUTING_PROFILE_1,
    };
    let security = |name: &str| match name {
        "Agent" => Seed::SECURITY_PROFILE_AGENT,
        "CallCenterManager" => Seed::SECURITY_PROFILE_MANAGER,
        _ => Seed::SECURITY_PROFILE_QA,
    };
    if let Some(name) = map.remove("RoutingProfileName") {
        map.insert(
            "RoutingProfileArn".into(),
            json!(seed.routing_profile_arn(Seed::INSTANCE_1, routing(name.as_str().unwrap()))),
        );
    }
    if let Some(names) = map.remove("SecurityProfileNames") {
        let arns: Vec<String> = names
            .as_array()
            .unwrap()
            .iter()
            .map(|n| seed.security_profile_arn(Seed::INSTANCE_1, security(n.as_str().unwrap())))
            .collect();
        map.insert("SecurityProfileArns".into(), json!(arns));
    }
    if let Some(path) = map.remove("HierarchyGroupPath") {
        let id = if path == "Americas/Seattle" { Seed::HIERARCHY_GROUP_2 } else { Seed::HIERARCHY_GROUP_1 };
        map.insert("HierarchyGroupArn".into(), json!(format!("{}/agent-group/{id}", instance_arn())));
    }
    p
}

fn write(path: &std::path::Path, properties: &Value) {
    let t = json!({"AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {LOGICAL_ID: {"Type": "Custom::ConnectUser", "Properties": properties}}});
    std::fs::write(path, template::render(&t, Format::Yaml).unwrap()).unwrap();
}

async fn agrees(case: Case, n: u64) -> Result<(), TestCaseError> {
    let emulator = Emulator::builder().identity_management_rules(case.identity_rules).start().await.unwrap();
    let rig = Rig::on(emulator).await;
    let connect = SdkConnect::for_endpoint(&rig.emulator.endpoint_url(), Seed::REGION);
    let mut arns = BTreeMap::new();
    for (username, held) in &case.users {
        arns.insert(*username, put(&connect, username, held, &case.template).await?);
    }
    let dir = TempDir::new(&format!("agree-{n}"));
    write(&dir.join("next.yaml"), &case.template);
    let mut args = vec!["--stack-id".to_owned(), stack_id(0)];
    if let Some(previous) = &case.previous {
        write(&dir.join("previous.yaml"), previous);
        args.extend(["--previous-template".to_owned(), dir.join("previous.yaml").to_str().unwrap().to_owned()]);
    }
    rig.emulator.clear_calls();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (_, planned) = rig.plan(&dir.join("next.yaml"), &args).await;
    let planned = &planned["resources"][0];
    prop_assert!(writes(&rig.emulator).is_empty(), "plan wrote");

    // The request CloudFormation sends: an Update of the deployed resource, which is the previous template's user,
    // or, without a previous template, a user carrying this resource's owner tag (as plan reads it); else a Create.
    let ours =
        |username: &str| case.users.get(username).is_some_and(|h| matches!(h.tag, Tagged::Made | Tagged::TakenOver));
    let username = |p: &Value| p["Username"].as_str().unwrap().to_owned();
    let (kind, old, physical) = match &case.previous {
        Some(previous) => {
            let arn = arns.get(username(previous).as_str()).cloned();
            // A deleted user's id: its ARN, which Connect no longer finds.
            let arn = arn.unwrap_or_else(|| format!("{}/agent/0deleted-0000-4000-8000-000000000000", instance_arn()));
            ("Update", Some(previous.clone()), Some(arn))
        }
        None if ours(&username(&case.template)) => {
            ("Update", Some(case.template.clone()), arns.get(username(&case.template).as_str()).cloned())
        }
        None => ("Create", None, None),
    };
    rig.emulator.clear_calls();
    let response = rig.send(kind, &stack_id(0), LOGICAL_ID, case.template.clone(), old, physical.as_deref()).await;
    let made: Vec<String> = writes(&rig.emulator).into_iter().map(|c| c.operation).collect();
    let listed: Vec<String> =
        planned["calls"].as_array().unwrap().iter().map(|c| c["operation"].as_str().unwrap().to_owned()).collect();
    if planned["action"] == "refused" {
        prop_assert_eq!(response.status(), "FAILED", "plan refused, the function did not: {}", planned);
        prop_assert_eq!(planned["reason"].as_str(), response.reason(), "the same reason");
        prop_assert!(made.is_empty(), "a refusal writes nothing: {:?}", made);
    } else {
        prop_assert_eq!(response.status(), "SUCCESS", "{:?} where plan said {}", response.reason(), planned);
        prop_assert_eq!(&made, &listed, "plan: {}", planned);
        if let Some(user) = planned["user"].as_str() {
            prop_assert_eq!(response.physical_id(), Some(user));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn plan_and_the_function_make_the_same_calls(case in case()) {
        static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(agrees(case, n))?;
    }
}
