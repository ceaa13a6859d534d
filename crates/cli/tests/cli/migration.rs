//! Migrating without fear: exports that read back the same in every YAML, re-exports that move nobody, a plan that
//! never guesses whose a user is and follows CloudFormation's policies, an export that says so (exit 3) when the
//! function would refuse some of it, and templates only their owner can read.

use std::collections::BTreeMap;
use std::path::Path;

use cfn_connect_user::adapters::SdkConnect;
use cfn_connect_user::app::Connect;
use cfn_connect_user::core::model::OWNER_TAG_KEY;
use cfn_connect_user::core::owner::OwnerTag;
use cfn_connect_user::core::plan;
use cfn_connect_user::core::props;
use connect_emulator::{Emulator, Seed};
use serde_json::{Value, json};

use crate::support::{Rig, TempDir, as_sent, instance_arn, resources, stack_id, write_attempts, writes};
use connect_users::template::{self, Format};

/// A user made in the console: no owner tag.
async fn console_user(rig: &Rig, username: &str) {
    let seed = Seed::new();
    let properties = as_sent(&json!({
        "InstanceArn": instance_arn(),
        "Username": username,
        "Password": "Welcome-2026-Agent",
        "RoutingProfileArn": seed.routing_profile_arn(Seed::INSTANCE_1, Seed::ROUTING_PROFILE_1),
        "SecurityProfileArns": [seed.security_profile_arn(Seed::INSTANCE_1, Seed::SECURITY_PROFILE_AGENT)],
        "IdentityInfo": {"FirstName": "New", "LastName": "Hire"},
    }));
    let spec = props::parse(&properties).unwrap();
    let mut request = plan::new_user(&spec, &OwnerTag::new("console", "none"));
    request.tags.remove(OWNER_TAG_KEY);
    SdkConnect::for_endpoint(&rig.emulator.endpoint_url(), Seed::REGION).create_user(&request).await.unwrap();
}

/// Username → (logical id, the file holding it) of the export whose main template is `main`.
fn layout(main: &Path) -> BTreeMap<String, (String, String)> {
    let parent = template::read(main).unwrap();
    let mut files = vec![main.file_name().unwrap().to_string_lossy().into_owned()];
    for resource in parent["Resources"].as_object().unwrap().values() {
        if resource["Type"] == "AWS::CloudFormation::Stack" {
            files.push(resource["Properties"]["TemplateURL"].as_str().unwrap().to_owned());
        }
    }
    let mut placed = BTreeMap::new();
    for file in files {
        let t = template::read(&main.parent().unwrap().join(&file)).unwrap();
        for (id, resource) in t["Resources"].as_object().unwrap() {
            if resource["Type"] == "Custom::ConnectUser" {
                let username = resource["Properties"]["Username"].as_str().unwrap().to_owned();
                placed.insert(username, (id.clone(), file.clone()));
            }
        }
    }
    placed
}

#[tokio::test]
async fn awkward_names_read_back_from_the_yaml_export_as_from_the_json_one() {
    let rig = Rig::on(Emulator::builder().with_users(5).with_awkward_users().start().await.unwrap()).await;
    let (yaml_dir, json_dir) = (TempDir::new("awkward-yaml"), TempDir::new("awkward-json"));
    rig.export(&yaml_dir, &[]).await;
    let json_out = json_dir.join("users.json");
    let (code, _, stderr) = rig
        .run(&["export", "--instance-arn", &instance_arn(), "-o", json_out.to_str().unwrap(), "--format", "json"])
        .await;
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(yaml_dir.join("users.yaml")).unwrap();
    let (from_yaml, from_json) = (template::parse(&text).unwrap(), template::read(&json_out).unwrap());
    assert_eq!(from_yaml, from_json);
    assert_eq!(from_yaml["Resources"].as_object().unwrap().len(), 5 + connect_emulator::AWKWARD.len());
    // Each value YAML 1.1 would read as something else is written quoted, never plain.
    for line in [
        "Username: \"no\"",
        "LastName: \"No\"",
        "Username: \"1_000\"",
        "FirstName: \"1:20\"",
        "Username: \"2001-12-14\"",
        "FirstName: \"~\"",
        "LastName: \"#\"",
        "FirstName: \": \"",
        "FirstName: \"- x\"",
        "- Key: \"=\"",
        "Value: \"1:20\"",
        "- Key: \"yes\"",
        "AWSTemplateFormatVersion: \"2010-09-09\"",
    ] {
        assert!(text.contains(line), "{line} is not in the export:\n{text}");
    }
    for plain in ["LastName: No\n", "Username: no\n", "Username: 1_000\n", "- Key: =\n", ": yes\n", ": null\n"] {
        assert!(!text.contains(plain), "{plain:?} is written plain");
    }
}

#[tokio::test]
async fn a_re_export_after_new_users_that_sort_first_moves_no_user_between_stacks_or_ids() {
    let rig = Rig::with_users(30).await;
    let dir = TempDir::new("re-export");
    rig.export(&dir, &["--max-resources", "10"]).await;
    let main = dir.join("users.yaml");
    let before = layout(&main);
    assert_eq!(before.len(), 30);
    assert_eq!(before.values().map(|(_, file)| file).collect::<std::collections::BTreeSet<_>>().len(), 3);

    // New hires: one whose username sorts before everyone's, one whose id collides with an existing user's and
    // sorts before it ('-' before '0').
    console_user(&rig, "aaron.first").await;
    console_user(&rig, "agent-00002").await;
    assert_eq!(before["agent00002"].0, "UserAgent00002");
    let summary = rig.export(&dir, &["--max-resources", "10"]).await;
    assert!(summary.contains("kept the logical ids and stacks of the 30 users"), "{summary}");
    let after = layout(&main);
    assert_eq!(after.len(), 32);
    for (username, place) in &before {
        assert_eq!(&after[username], place, "{username} moved");
    }
    assert!(after["agent-00002"].0.starts_with("UserAgent00002X"), "{:?}", after["agent-00002"]);
    assert_eq!(after["aaron.first"].0, "UserAaronFirst");

    // A fresh layout would have moved users: the reason to keep the earlier one.
    let fresh = TempDir::new("re-export-fresh");
    rig.export(&fresh, &["--max-resources", "10"]).await;
    let anew = layout(&fresh.join("users.yaml"));
    assert!(before.iter().any(|(username, (id, file))| anew[username].0 != *id || anew[username].1 != *file));
}

#[tokio::test]
async fn without_its_stacks_id_the_plan_never_takes_another_stacks_user_for_this_ones() {
    // Given an exported user that another stack took over under the same logical id
    let rig = Rig::with_users(3).await;
    let dir = TempDir::new("unknown-owner");
    rig.export(&dir, &[]).await;
    let main = dir.join("users.yaml");
    let (_, id, properties) = resources(&main).remove(0);
    let response = rig.send("Create", &stack_id(7), &id, properties, None, None).await;
    assert_eq!(response.status(), "SUCCESS");

    // When the template is planned without a stack id, the owner is unknown, never "no changes"
    let (code, plan) = rig.plan(&main, &["--detailed-exitcode"]).await;
    assert_eq!(code, 2, "changes may happen");
    let resource = plan["resources"].as_array().unwrap().iter().find(|r| r["logicalId"] == id.as_str()).unwrap();
    assert_eq!(resource["action"], "owner-unknown", "{resource}");
    assert_eq!(resource["ownerTag"], OwnerTag::new(&stack_id(7), &id).adopted());
    let (_, text, _) = rig.run(&["plan", "--template", main.to_str().unwrap()]).await;
    assert!(text.contains("owner unknown") && text.contains("--stack-id"), "{text}");

    // And with a stack's id it is exact: another stack's user is refused, the owning stack's unchanged
    let (code, plan) = rig.plan(&main, &["--stack-id", &stack_id(8)]).await;
    assert_eq!(code, 1);
    let resource = plan["resources"].as_array().unwrap().iter().find(|r| r["logicalId"] == id.as_str()).unwrap();
    assert_eq!(resource["action"], "refused");
    let (code, plan) = rig.plan(&main, &["--stack-id", &stack_id(7), "--detailed-exitcode"]).await;
    let resource = plan["resources"].as_array().unwrap().iter().find(|r| r["logicalId"] == id.as_str()).unwrap();
    assert_eq!(resource["action"], "no-changes", "{resource}");
    assert_eq!(code, 2, "the other two are still to adopt");
    assert_eq!(write_attempts(&rig.emulator).len(), 1, "the one TagResource of the deployment, and nothing of plan");
}

fn write_template(path: &Path, resources: &[(&str, Value, Option<&str>, Option<&str>)]) {
    let mut map = serde_json::Map::new();
    for (id, properties, deletion, replace) in resources {
        let mut resource = json!({"Type": "Custom::ConnectUser", "Properties": properties});
        if let Some(policy) = deletion {
            resource["DeletionPolicy"] = json!(policy);
        }
        if let Some(policy) = replace {
            resource["UpdateReplacePolicy"] = json!(policy);
        }
        map.insert((*id).to_owned(), resource);
    }
    let t = json!({"AWSTemplateFormatVersion": "2010-09-09", "Resources": map});
    std::fs::write(path, template::render(&t, Format::Yaml).unwrap()).unwrap();
}

#[tokio::test]
async fn the_plan_shows_what_leaves_the_template_and_what_a_replacement_leaves_as_the_policies_say() {
    let rig = Rig::with_users(4).await;
    let dir = TempDir::new("policies");
    rig.export(&dir, &[]).await;
    let exported = resources(&dir.join("users.yaml"));
    for (_, id, properties) in &exported {
        let response = rig.send("Create", &stack_id(0), id, properties.clone(), None, None).await;
        assert_eq!(response.status(), "SUCCESS");
    }
    let p = |n: usize| exported[n].2.clone();
    let ids: Vec<&str> = exported.iter().map(|(_, id, _)| id.as_str()).collect();
    let renamed = |n: usize| {
        let mut p = p(n);
        p["Username"] = json!(format!("renamed.{n}"));
        p["Password"] = json!("Welcome-2026-Agent");
        p.as_object_mut().unwrap().remove("AdoptExisting");
        p
    };
    // Deployed: all four. Next: 0 removed (Delete), 1 removed (Retain), 2 renamed (replacement, old user retained),
    // 3 renamed (replacement, old user deleted).
    write_template(
        &dir.join("deployed.yaml"),
        &[
            (ids[0], p(0), None, None),
            (ids[1], p(1), Some("Retain"), None),
            (ids[2], p(2), None, None),
            (ids[3], p(3), None, None),
        ],
    );
    write_template(
        &dir.join("next.yaml"),
        &[(ids[2], renamed(2), None, Some("Retain")), (ids[3], renamed(3), None, None)],
    );
    let previous = dir.join("deployed.yaml");
    rig.emulator.clear_calls();
    let args = ["--previous-template", previous.to_str().unwrap(), "--stack-id", &stack_id(0), "--detailed-exitcode"];
    let (code, plan) = rig.plan(&dir.join("next.yaml"), &args).await;
    assert_eq!(code, 2);
    let by_id = |id: &str| plan["resources"].as_array().unwrap().iter().find(|r| r["logicalId"] == id).unwrap().clone();
    let removed = by_id(ids[0]);
    assert_eq!((removed["removed"].clone(), removed["action"].clone()), (json!(true), json!("delete")), "{removed}");
    assert_eq!(removed["calls"][0]["operation"], "DeleteUser");
    let retained = by_id(ids[1]);
    assert_eq!((retained["action"].clone(), retained["calls"].clone()), (json!("retain"), json!([])), "{retained}");
    let kept_old = by_id(ids[2]);
    assert_eq!(kept_old["action"], "replace");
    assert_eq!(kept_old["oldUser"]["action"], "retain", "{kept_old}");
    assert_eq!(kept_old["calls"][0]["operation"], "CreateUser");
    let deleted_old = by_id(ids[3]);
    assert_eq!(deleted_old["oldUser"]["action"], "delete", "{deleted_old}");
    assert_eq!(plan["summary"]["delete"], 1);
    assert_eq!(plan["summary"]["retain"], 1);
    assert_eq!(plan["summary"]["replace"], 2);
    let (_, text, _) = rig
        .run(&[
            "plan",
            "--template",
            dir.join("next.yaml").to_str().unwrap(),
            "--previous-template",
            previous.to_str().unwrap(),
            "--stack-id",
            &stack_id(0),
        ])
        .await;
    assert!(text.contains("UpdateReplacePolicy Retain:") && text.contains("stays in Connect"), "{text}");
    assert!(text.contains("CloudFormation then deletes"), "{text}");
    assert!(text.contains("retain: DeletionPolicy Retain"), "{text}");
    assert_eq!(write_attempts(&rig.emulator), []);

    // What plan said is what the function does: the Delete of the removed resource deletes its user
    let gone = exported[0].2["Username"].as_str().unwrap().to_owned();
    let arn = rig.emulator.find_by_username(Seed::INSTANCE_1, &gone).unwrap()["Arn"].as_str().unwrap().to_owned();
    let response = rig.send("Delete", &stack_id(0), ids[0], p(0), None, Some(&arn)).await;
    assert_eq!(response.status(), "SUCCESS");
    assert_eq!(writes(&rig.emulator).iter().map(|c| c.operation.as_str()).collect::<Vec<_>>(), ["DeleteUser"]);
}

#[tokio::test]
async fn an_export_the_function_would_refuse_in_part_exits_3_and_its_files_are_for_their_owner_alone() {
    // A username too long for a CONNECT_MANAGED instance: Connect has it (made before the rule), a Create would not
    let rig = Rig::with_users(3).await;
    console_user(&rig, "a.username.of.25.chars.x").await;
    let dir = TempDir::new("refusals-exit");
    let output = dir.join("users.yaml");
    let (code, _, stderr) = rig
        .run(&[
            "export",
            "--instance-arn",
            &instance_arn(),
            "-o",
            output.to_str().unwrap(),
            "--deletion-policy",
            "delete",
        ])
        .await;
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("1 exported users would be refused by the function"), "{stderr}");
    assert!(stderr.contains("Username: must be at most 20 characters"), "{stderr}");
    assert!(stderr.contains("warning: --deletion-policy delete"), "{stderr}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&output).unwrap().permissions().mode() & 0o777, 0o600);
    }
}
