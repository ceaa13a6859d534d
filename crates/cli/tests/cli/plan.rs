//! `plan` against what the function then does: for templates that change live users in every way a template can
//! (identity, phone settings, per-channel lists, routing, hierarchy, security profiles, proficiencies, tags), that
//! create a user, and that the function refuses, the calls `plan` lists are the calls the real handler makes, in
//! the same order and to the same user, and its reasons are the handler's.

use serde_json::{Value, json};

use crate::support::{Rig, TempDir, as_sent, instance_arn, resources, stack_id, write_attempts, writes};
use connect_emulator::Seed;
use connect_users::template::{self, Format};

/// The exported template of `n` users, deployed (adopted) as stack 0; (its directory, its resources).
async fn deployed(rig: &Rig, n: usize) -> (TempDir, Vec<(usize, String, Value)>) {
    let dir = TempDir::new(&format!("plan-{n}-{}", rig.emulator.endpoint_url().rsplit(':').next().unwrap()));
    rig.export(&dir, &[]).await;
    let exported = resources(&dir.join("users.yaml"));
    assert_eq!(exported.len(), n);
    for (_, id, properties) in &exported {
        let response = rig.send("Create", &stack_id(0), id, properties.clone(), None, None).await;
        assert_eq!(response.status(), "SUCCESS", "{:?}", response.reason());
    }
    (dir, exported)
}

fn write_template(path: &std::path::Path, resources: &[(String, Value)]) {
    let mut map = serde_json::Map::new();
    for (id, properties) in resources {
        map.insert(id.clone(), json!({"Type": "Custom::ConnectUser", "Properties": properties}));
    }
    let t = json!({"AWSTemplateFormatVersion": "2010-09-09", "Resources": map});
    std::fs::write(path, template::render(&t, Format::Yaml).unwrap()).unwrap();
}

/// A user of the shape `pick` accepts, not among those `taken` already.
fn find(
    exported: &[(usize, String, Value)],
    taken: &[(String, Value)],
    pick: impl Fn(&Value) -> bool,
) -> (String, Value) {
    let (_, id, p) = exported
        .iter()
        .find(|(_, id, p)| pick(p) && !taken.iter().any(|(t, _)| t == id))
        .expect("a user of that shape");
    (id.clone(), p.clone())
}

/// (operation, user) of each call `plan` lists for a resource, `CreateUser` addressed to no user.
fn planned_calls(resource: &Value) -> Vec<(String, Option<String>)> {
    let user = resource["user"].as_str().map(str::to_owned);
    resource["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let operation = c["operation"].as_str().unwrap().to_owned();
            let to = if operation == "CreateUser" { None } else { user.clone() };
            (operation, to)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_property_shows_exactly_the_calls_the_function_then_makes() {
    let rig = Rig::with_users(60).await;
    let (dir, exported) = deployed(&rig, 60).await;
    let instance = instance_arn();
    let seed = Seed::new();

    // One change of each kind, each to a user of a fitting shape.
    let mut changed: Vec<(String, Value)> = Vec::new();
    let (id, mut p) =
        find(&exported, &changed, |p| p.get("PhoneConfig").is_some() && p["PhoneConfig"]["AutoAccept"] == "false");
    p["PhoneConfig"]["AutoAccept"] = json!("true");
    p["IdentityInfo"]["Email"] = json!("new.address@example.com");
    changed.push((id, p));
    let (id, mut p) =
        find(&exported, &changed, |p| p.get("AutoAcceptConfigs").is_some_and(|l| l.as_array().unwrap().len() > 1));
    p["AutoAcceptConfigs"][0]["AutoAccept"] =
        json!(if p["AutoAcceptConfigs"][0]["AutoAccept"] == "true" { "false" } else { "true" });
    p["RoutingProfileArn"] = json!(seed.routing_profile_arn(Seed::INSTANCE_1, Seed::ROUTING_PROFILE_1_SALES));
    changed.push((id, p));
    let (id, mut p) =
        find(&exported, &changed, |p| p.get("HierarchyGroupArn").is_some() && p.get("UserProficiencies").is_some());
    p.as_object_mut().unwrap().remove("HierarchyGroupArn");
    p["UserProficiencies"][0]["Level"] = json!("1.5");
    p["SecurityProfileArns"] = json!([seed.security_profile_arn(Seed::INSTANCE_1, Seed::SECURITY_PROFILE_QA)]);
    changed.push((id, p));
    let (id, mut p) = find(&exported, &changed, |p| p.get("Tags").is_some() && p.get("UserProficiencies").is_none());
    p["Tags"] = json!([{"Key": "team", "Value": "night-shift"}]);
    p["UserProficiencies"] = json!([{"AttributeName": "Language", "AttributeValue": "Spanish", "Level": "4"}]);
    changed.push((id, p));
    // A new user.
    changed.push((
        "UserNewAgent".to_owned(),
        as_sent(&json!({"InstanceArn": instance, "Username": "new.agent", "Password": "Welcome-2026-Agent",
            "RoutingProfileArn": seed.routing_profile_arn(Seed::INSTANCE_1, Seed::ROUTING_PROFILE_1),
            "SecurityProfileArns": [seed.security_profile_arn(Seed::INSTANCE_1, Seed::SECURITY_PROFILE_AGENT)],
            "IdentityInfo": {"FirstName": "New", "LastName": "Agent"},
            "UserProficiencies": [{"AttributeName": "Skill", "AttributeValue": "Sales", "Level": 2}]})),
    ));
    let previous: Vec<(String, Value)> = exported.iter().map(|(_, id, p)| (id.clone(), p.clone())).collect();
    let unchanged = previous.iter().filter(|(id, _)| !changed.iter().any(|(c, _)| c == id)).cloned();
    let next: Vec<(String, Value)> = unchanged.chain(changed.iter().cloned()).collect();
    write_template(&dir.join("previous.yaml"), &previous);
    write_template(&dir.join("next.yaml"), &next);

    rig.emulator.clear_calls();
    let previous_arg = dir.join("previous.yaml");
    let extra = ["--previous-template", previous_arg.to_str().unwrap(), "--stack-id", &stack_id(0)];
    let (code, plan) = rig.plan(&dir.join("next.yaml"), &extra).await;
    assert_eq!(code, 0, "{plan}");
    assert_eq!(write_attempts(&rig.emulator), []);
    assert_eq!(plan["summary"]["update"], 4, "{}", plan["summary"]);
    assert_eq!(plan["summary"]["create"], 1);
    assert_eq!(plan["summary"]["noChanges"], 56);

    for (id, properties) in &changed {
        let resource = plan["resources"].as_array().unwrap().iter().find(|r| r["logicalId"] == *id).unwrap();
        let planned = planned_calls(resource);
        let old = previous.iter().find(|(p, _)| p == id).map(|(_, p)| p.clone());
        rig.emulator.clear_calls();
        let response = match &old {
            Some(old) => {
                let arn = resource["user"].as_str().unwrap();
                rig.send("Update", &stack_id(0), id, properties.clone(), Some(old.clone()), Some(arn)).await
            }
            None => rig.send("Create", &stack_id(0), id, properties.clone(), None, None).await,
        };
        assert_eq!(response.status(), "SUCCESS", "{id}: {:?}", response.reason());
        let made: Vec<(String, Option<String>)> = writes(&rig.emulator)
            .into_iter()
            .map(|c| {
                let to = if c.operation == "CreateUser" {
                    None
                } else {
                    // The tag operations address the user by ARN, the others by id.
                    let user = c.user.unwrap();
                    let id = user.rsplit('/').next().unwrap().to_owned();
                    Some(seed.user_arn(Seed::INSTANCE_1, &id))
                };
                (c.operation, to)
            })
            .collect();
        let planned: Vec<(String, Option<String>)> = planned
            .into_iter()
            .map(|(op, to)| (op, to.or_else(|| (old.is_none()).then(|| response.physical_id().unwrap().to_owned()))))
            .map(|(op, to)| if op == "CreateUser" { (op, None) } else { (op, to) })
            .collect();
        assert_eq!(made, planned, "{id}: {}", resource["calls"]);
        assert!(!made.is_empty(), "{id}");
        for call in resource["calls"].as_array().unwrap() {
            assert!(!call["paths"].as_array().unwrap().is_empty(), "{id}: {call}");
        }
    }
    // Property paths name what the template changed.
    let paths = |id: &str| -> Vec<String> {
        let r = plan["resources"].as_array().unwrap().iter().find(|r| r["logicalId"] == id).unwrap();
        r["calls"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["paths"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_owned()))
            .collect()
    };
    assert_eq!(paths(&changed[0].0), ["IdentityInfo.Email", "PhoneConfig.AutoAccept"]);
    assert!(paths(&changed[2].0).contains(&"HierarchyGroupArn (removed from the template)".to_owned()));
    assert!(paths(&changed[3].0).contains(&"Tags.team".to_owned()));

    // And now the template is what Connect holds.
    let (code, plan) = rig.plan(&dir.join("next.yaml"), &["--stack-id", &stack_id(0), "--detailed-exitcode"]).await;
    assert_eq!(code, 0, "{}", plan["summary"]);
    assert_eq!(plan["summary"]["noChanges"], 61);
}

#[tokio::test]
async fn refusals_are_shown_with_the_functions_own_reasons() {
    let rig = Rig::with_users(5).await;
    let dir = TempDir::new("refusals");
    rig.export(&dir, &[]).await;
    let exported = resources(&dir.join("users.yaml"));
    // A user handed to another stack, a user the template does not ask to adopt, an invalid template.
    let (taken_id, taken) = (&exported[0].1, exported[0].2.clone());
    let response = rig.send("Create", &stack_id(7), taken_id, taken.clone(), None, None).await;
    assert_eq!(response.status(), "SUCCESS");
    let mut stranger = exported[1].2.clone();
    stranger.as_object_mut().unwrap().remove("AdoptExisting");
    stranger["Password"] = json!("Welcome-2026-Agent");
    let mut invalid = exported[2].2.clone();
    invalid["Username"] = json!("no spaces allowed");
    let resources = vec![
        (taken_id.clone(), taken.clone()),
        (exported[1].1.clone(), stranger.clone()),
        (exported[2].1.clone(), invalid.clone()),
    ];
    write_template(&dir.join("refused.yaml"), &resources);
    let (code, plan) = rig.plan(&dir.join("refused.yaml"), &["--stack-id", &stack_id(8), "--detailed-exitcode"]).await;
    assert_eq!(code, 1, "a refused resource is an error");
    assert_eq!(plan["summary"]["refused"], 3, "{plan}");
    for (resource, (id, properties)) in plan["resources"].as_array().unwrap().iter().zip(&resources) {
        let response = rig.send("Create", &stack_id(8), id, properties.clone(), None, None).await;
        assert_eq!(response.status(), "FAILED");
        assert_eq!(resource["reason"].as_str(), response.reason(), "{id}");
    }
}

#[tokio::test]
async fn an_unresolvable_property_is_an_error_naming_it_unless_a_parameter_supplies_it() {
    let rig = Rig::with_users(1).await;
    let dir = TempDir::new("unresolved");
    let seed = Seed::new();
    let text = format!(
        "Parameters:
  Instance:
    Type: String
Resources:
  UserA:
    Type: Custom::ConnectUser
    Properties:
      ServiceToken: !ImportValue fn-arn
      InstanceArn: !Ref Instance
      Username: a.new.user
      AdoptExisting: 'true'
      Password: Welcome-2026-Agent
      RoutingProfileArn: !ImportValue shared-routing-profile
      SecurityProfileArns:
      - !Sub '${{Instance}}/security-profile/{}'
      IdentityInfo: {{FirstName: A, LastName: B}}
",
        Seed::SECURITY_PROFILE_AGENT
    );
    std::fs::write(dir.join("t.yaml"), text).unwrap();
    let template = dir.join("t.yaml");
    let (code, _, stderr) = rig.run(&["plan", "--template", template.to_str().unwrap()]).await;
    assert_eq!(code, 1);
    assert!(
        stderr.contains(
            "UserA: InstanceArn: Ref \"Instance\" cannot be resolved; supply it with --parameter Instance=VALUE"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("UserA: RoutingProfileArn: Fn::ImportValue \"shared-routing-profile\" cannot be resolved"),
        "{stderr}"
    );
    assert!(!stderr.contains("fn-arn"), "ServiceToken is CloudFormation's, never resolved: {stderr}");
    let instance = format!("Instance={}", instance_arn());
    let routing =
        format!("shared-routing-profile={}", seed.routing_profile_arn(Seed::INSTANCE_1, Seed::ROUTING_PROFILE_1));
    let (code, stdout, stderr) = rig
        .run(&["plan", "--template", template.to_str().unwrap(), "--parameter", &instance, "--parameter", &routing])
        .await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("UserA (a.new.user): create"), "{stdout}{stderr}");
}
