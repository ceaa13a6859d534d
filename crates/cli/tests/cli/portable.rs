//! One roster, two instances: `export --portable` of instance A, deployed to instance B through the real handler,
//! `plan --instance-arn B` with no changes after it, and `diff --from A --to B` that says the two are the same —
//! until an agent is changed in B, which `diff` then names with the property, exit 2.

use std::collections::BTreeMap;

use cfn_connect_user::adapters::SdkConnect;
use cfn_connect_user::app::Connect;
use cfn_connect_user::core::arn::{ResourceArn, ResourceKind, TrafficDistributionGroupArn, UserArn};
use cfn_connect_user::core::plan::Call;
use connect_emulator::TrafficDistributionGroupStatus;
use connect_emulator::connect::{Emulator, Seed};
use connect_users::plan::collect::collect;
use connect_users::template;
use serde_json::{Value, json};

use crate::support::{Rig, TempDir, as_sent, stack_id, write_attempts};

/// Users in A; B has the first [`IN_B`] of the same population.
const USERS: usize = 20;
const IN_B: usize = 18;
/// The group's name, the same in both instances (as a primary's and its replica's are).
const GROUP: &str = "cfn-connect-user-1-agents";

fn operator(emulator: &Emulator) -> SdkConnect {
    SdkConnect::for_endpoint(&emulator.endpoint_url(), Seed::REGION)
}

async fn diff(rig: &Rig, from: &str, to: &str) -> (u8, Value) {
    let (code, stdout, stderr) =
        rig.run(&["diff", "--from", from, "--to", to, "--detailed-exitcode", "--output", "json"]).await;
    let diff = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout} {stderr}"));
    (code, diff)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_portable_export_of_one_instance_deploys_to_another_and_diff_then_finds_them_the_same() {
    let emulator = Emulator::builder().with_users(USERS).with_users_in(Seed::INSTANCE_2, IN_B).start().await.unwrap();
    let seed = Seed::new();
    let (a, b) = (seed.instance_arn(Seed::INSTANCE_1), seed.instance_arn(Seed::INSTANCE_2));
    // Some of A's agents are in its group; B has a group of the same name, with nobody in it yet.
    let group_a = seed.traffic_distribution_group_arn(Seed::TRAFFIC_DISTRIBUTION_GROUP_1);
    let group_b = emulator
        .add_traffic_distribution_group(
            Seed::INSTANCE_2,
            GROUP,
            Seed::REGION,
            TrafficDistributionGroupStatus::Active,
            false,
        )
        .unwrap();
    let connect = operator(&emulator);
    let listed_a = connect.list_users_page(&cfn_connect_user::core::arn::InstanceArn::parse(&a).unwrap(), None).await;
    let users_a = listed_a.unwrap().users;
    let (shared, missing): (Vec<_>, Vec<_>) =
        users_a.iter().partition(|u| emulator.find_by_username(Seed::INSTANCE_2, &u.username).is_some());
    assert_eq!(missing.len(), USERS - IN_B);
    let join = Call::JoinTrafficDistributionGroup(TrafficDistributionGroupArn::parse(&group_a).unwrap());
    for user in shared.iter().take(5) {
        connect.apply(&user.arn, &join).await.unwrap();
    }
    let rig = Rig::on(emulator).await;

    // Before: two agents only in A, five in A's group only, nothing else apart.
    let (code, before) = diff(&rig, &a, &b).await;
    assert_eq!(code, 2, "{before:#}");
    assert_eq!(before["summary"]["onlyInFrom"], USERS - IN_B, "{before:#}");
    assert_eq!(before["summary"]["onlyInTo"], 0);
    let differing: Vec<&Value> =
        before["agents"].as_array().unwrap().iter().filter(|a| a["status"] == "different").collect();
    assert_eq!(differing.len(), 5, "{before:#}");
    for agent in differing {
        assert_eq!(agent["fields"], json!([{"path": "TrafficDistributionGroups", "from": [GROUP], "to": null}]));
    }

    // The portable export: names, and the instance and the group as parameters.
    let dir = TempDir::new("portable");
    let summary = rig.export(&dir, &["--portable"]).await;
    assert!(!summary.contains("keep an ARN"), "{summary}");
    let main = dir.join("users.yaml");
    let text = std::fs::read_to_string(&main).unwrap();
    let exported = template::parse(&text).unwrap();
    assert_eq!(exported["Parameters"]["ConnectInstanceArn"]["Default"], a.as_str());
    let group_parameter = "TrafficDistributionGroupCfnConnectUser1Agents";
    assert_eq!(exported["Parameters"][group_parameter]["Default"], group_a.as_str());
    let resources = exported["Resources"].as_object().unwrap();
    assert_eq!(resources.len(), USERS);
    for (id, resource) in resources {
        let p = &resource["Properties"];
        assert_eq!(p["InstanceArn"], json!({"Ref": "ConnectInstanceArn"}), "{id}");
        assert!(p["RoutingProfileName"].is_string() && p.get("RoutingProfileArn").is_none(), "{id}: {p}");
        assert!(p["SecurityProfileNames"].is_array() && p.get("SecurityProfileArns").is_none(), "{id}: {p}");
        assert!(p.get("HierarchyGroupArn").is_none(), "{id}: {p}");
    }
    assert_eq!(text.matches(&format!("Ref: {group_parameter}")).count(), 5, "{text}");
    assert!(!text.contains("/routing-profile/") && !text.contains("/agent-group/"), "no ARN of A's: {text}");

    // Planned against B before the deployment: the agents B has are adopted; the two it lacks need a password
    // to be made there, which the plan says.
    let parameter = format!("{group_parameter}={group_b}");
    let (code, planned) =
        rig.plan(&main, &["--instance-arn", &b, "--parameter", &parameter, "--stack-id", &stack_id(0)]).await;
    assert_eq!(code, 1, "refused in part: {:#}", planned["summary"]);
    assert_eq!(planned["summary"]["adopt"], IN_B, "{:#}", planned["summary"]);
    assert_eq!(planned["summary"]["refused"], USERS - IN_B, "{:#}", planned["summary"]);

    // The deployment to B, as CloudFormation would send each resource (the parameters given), a password added
    // for the agents B lacks.
    let given =
        BTreeMap::from([("ConnectInstanceArn".to_owned(), b.clone()), (group_parameter.to_owned(), group_b.clone())]);
    let found = collect(&main, &given, &BTreeMap::new()).unwrap().found;
    for resource in &found {
        let mut properties = as_sent(&resource.properties);
        properties["ServiceToken"] = json!("arn:aws:lambda:us-east-1:123456789012:function:cfn-connect-user");
        if missing.iter().any(|m| properties["Username"] == m.username.as_str()) {
            properties["Password"] = json!("Welcome-2026-Agent");
        }
        let response = rig.send("Create", &stack_id(0), &resource.logical_id, properties, None, None).await;
        assert_eq!(response.status(), "SUCCESS", "{}: {:?}", resource.logical_id, response.reason());
        assert!(response.physical_id().unwrap().starts_with(&b), "made or adopted in B");
    }
    assert_eq!(rig.emulator.traffic_distribution_group_users(&group_b).unwrap().len(), 5);

    // After it: the template has nothing left to do in B, and the two instances' agents are the same.
    rig.emulator.clear_calls();
    let (code, planned) = rig
        .plan(
            &main,
            &["--instance-arn", &b, "--parameter", &parameter, "--stack-id", &stack_id(0), "--detailed-exitcode"],
        )
        .await;
    assert_eq!(code, 0, "{:#}", planned["summary"]);
    assert_eq!(planned["summary"]["noChanges"], USERS);
    let (code, after) = diff(&rig, &a, &b).await;
    assert_eq!(code, 0, "{after:#}");
    assert_eq!(after["summary"]["same"], USERS);
    assert_eq!(write_attempts(&rig.emulator), [], "plan and diff only read");

    // One agent changed in B: diff names it and the property.
    let username = &shared[3].username;
    let in_b = rig.emulator.find_by_username(Seed::INSTANCE_2, username).unwrap();
    let user = UserArn::parse(in_b["Arn"].as_str().unwrap()).unwrap();
    let instance_b = cfn_connect_user::core::arn::InstanceArn::parse(&b).unwrap();
    let current = in_b["RoutingProfileId"].as_str().unwrap();
    let other = [Seed::INSTANCE_2_ROUTING_PROFILE, Seed::INSTANCE_2_ROUTING_PROFILE_SALES]
        .into_iter()
        .find(|p| *p != current)
        .unwrap();
    let other = ResourceArn::parse_in(
        &seed.routing_profile_arn(Seed::INSTANCE_2, other),
        ResourceKind::RoutingProfile,
        &instance_b,
    )
    .unwrap();
    connect.apply(&user, &Call::UpdateRoutingProfile(other)).await.unwrap();
    let (code, changed) = diff(&rig, &a, &b).await;
    assert_eq!(code, 2, "{changed:#}");
    let agents = changed["agents"].as_array().unwrap();
    assert_eq!(agents.len(), 1, "{changed:#}");
    assert_eq!(agents[0]["username"], username.as_str());
    assert_eq!(agents[0]["fields"].as_array().unwrap().len(), 1, "{changed:#}");
    assert_eq!(agents[0]["fields"][0]["path"], "RoutingProfileName");
    let (_, text, _) = rig.run(&["diff", "--from", &a, "--to", &b]).await;
    assert!(text.contains(&format!("~ {username}")) && text.contains("RoutingProfileName: "), "{text}");
}
