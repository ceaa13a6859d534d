//! `export` on its own: what it writes for each shape of user, its options (format, stdout, ServiceToken,
//! selections, users already managed, the resource limit), and resuming an interrupted export.

use std::collections::BTreeSet;

use connect_emulator::{Emulator, ErrorCode, Fault, Seed};
use serde_json::{Value, json};

use crate::support::{Rig, TempDir, instance_arn, resources, stack_id, write_attempts};
use connect_users::template;

fn by_username(resources: &[(usize, String, Value)], username: &str) -> Value {
    resources.iter().find(|(_, _, p)| p["Username"] == username).map(|(_, _, p)| p.clone()).unwrap()
}

#[tokio::test]
async fn each_user_is_written_as_connect_holds_it() {
    let rig = Rig::with_users(100).await;
    let dir = TempDir::new("shapes");
    rig.export(&dir, &[]).await;
    let exported = resources(&dir.join("users.yaml"));
    assert_eq!(exported.len(), 100);
    for (_, id, properties) in &exported {
        let username = properties["Username"].as_str().unwrap();
        let live = rig.emulator.find_by_username(Seed::INSTANCE_1, username).unwrap();
        assert_eq!(properties["InstanceArn"], instance_arn());
        assert!(
            properties["RoutingProfileArn"].as_str().unwrap().ends_with(live["RoutingProfileId"].as_str().unwrap())
        );
        assert_eq!(properties["IdentityInfo"], live["IdentityInfo"], "{id}");
        let tags: BTreeSet<(String, String)> = live["Tags"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| !k.starts_with("aws:"))
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        let written: BTreeSet<(String, String)> = properties["Tags"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| (t["Key"].as_str().unwrap().to_owned(), t["Value"].as_str().unwrap().to_owned()))
            .collect();
        assert_eq!(written, tags, "{id}");
        let levels = live["UserProficiencyList"].as_array().unwrap().len();
        assert_eq!(properties["UserProficiencies"].as_array().map_or(0, Vec::len), levels, "{id}");
        assert_eq!(properties.get("HierarchyGroupArn").is_some(), live.get("HierarchyGroupId").is_some(), "{id}");
        let lists = live["AutoAcceptConfigs"].as_array().unwrap().len() > 1
            || live["AutoAcceptConfigs"][0].get("AgentFirstCallbackAutoAccept").is_some();
        assert_eq!(properties.get("PhoneConfig").is_none(), lists, "{id}: PhoneConfig unless only lists can say it");
    }
    // Spot checks of the shapes.
    let desk = by_username(&exported, "agent00002");
    assert_eq!(desk["PhoneConfig"]["PhoneType"], "DESK_PHONE");
    assert_eq!(desk["PhoneConfig"]["DeskPhoneNumber"], "+12065550014");
    assert_eq!(
        desk["UserProficiencies"][1],
        json!({"AttributeName": "Skill", "AttributeValue": "Technical", "Level": "3.7"})
    );
    let enhanced = by_username(&exported, "jose.smith5");
    assert_eq!(enhanced["PhoneConfig"]["PersistentConnection"], "true");
    assert_eq!(
        enhanced["VoiceEnhancementConfigs"],
        json!([{"Channel": "VOICE", "VoiceEnhancementMode": "NOISE_SUPPRESSION"}])
    );
    assert_eq!(write_attempts(&rig.emulator), []);
}

#[tokio::test]
async fn options_choose_the_format_the_service_token_and_the_users() {
    let rig = Rig::with_users(40).await;
    let instance = instance_arn();
    let (code, stdout, stderr) = rig
        .run(&[
            "export",
            "--instance-arn",
            &instance,
            "-o",
            "-",
            "--format",
            "json",
            "--service-token-import",
            "cfn-connect-user-ServiceToken",
            "--username",
            "agent*",
            "--username-regex",
            "^maria",
        ])
        .await;
    assert_eq!(code, 0, "{stderr}");
    let t: Value = serde_json::from_str(&stdout).unwrap();
    assert!(t.get("Parameters").is_none());
    let usernames: BTreeSet<&str> =
        t["Resources"].as_object().unwrap().values().map(|r| r["Properties"]["Username"].as_str().unwrap()).collect();
    assert!(usernames.iter().all(|u| u.starts_with("agent") || u.starts_with("maria")), "{usernames:?}");
    assert_eq!(usernames.len(), 8 + 3, "{usernames:?}");
    let any = t["Resources"].as_object().unwrap().values().next().unwrap();
    assert_eq!(any["Properties"]["ServiceToken"], json!({"Fn::ImportValue": "cfn-connect-user-ServiceToken"}));
    assert!(stderr.contains("40 users listed, 11 selected, 11 exported"), "{stderr}");

    let sales = Seed::new().routing_profile_arn(Seed::INSTANCE_1, Seed::ROUTING_PROFILE_1_SALES);
    let (code, stdout, stderr) =
        rig.run(&["export", "--instance-arn", &instance, "-o", "-", "--routing-profile", &sales]).await;
    assert_eq!(code, 0, "{stderr}");
    let t = template::parse(&stdout).unwrap();
    let resources = t["Resources"].as_object().unwrap();
    assert_eq!(resources.len(), 13, "users 2, 5, 8… are in Sales");
    assert!(resources.values().all(|r| r["Properties"]["RoutingProfileArn"] == sales.as_str()));
    assert!(stderr.contains("27 left out in other routing profiles"), "{stderr}");

    // Above the resource limit, stdout cannot hold the templates.
    let (code, _, stderr) = rig.run(&["export", "--instance-arn", &instance, "-o", "-", "--max-resources", "30"]).await;
    assert_eq!(code, 1);
    assert!(stderr.contains("40 users need 2 templates"), "{stderr}");
    assert_eq!(write_attempts(&rig.emulator), []);
}

#[tokio::test]
async fn users_a_stack_manages_already_are_left_out_unless_asked_for() {
    let rig = Rig::with_users(10).await;
    let dir = TempDir::new("managed");
    rig.export(&dir, &["--max-resources", "4"]).await;
    let exported = resources(&dir.join("users.yaml"));
    assert_eq!(exported.iter().map(|(n, ..)| *n).max(), Some(2), "three nested stacks of 4, 4 and 2");
    let (_, id, properties) = &exported[0];
    let response = rig.send("Create", &stack_id(0), id, properties.clone(), None, None).await;
    assert_eq!(response.status(), "SUCCESS");
    let again = TempDir::new("managed-again");
    let summary = rig.export(&again, &[]).await;
    assert!(summary.contains("9 exported, 1 left out already managed by a stack"), "{summary}");
    assert!(
        summary.contains(&format!("managed users left out: {}", properties["Username"].as_str().unwrap())),
        "{summary}"
    );
    let summary = rig.export(&TempDir::new("managed-too"), &["--include-managed"]).await;
    assert!(summary.contains("10 exported"), "{summary}");
}

#[tokio::test]
async fn an_interrupted_export_resumes_without_reading_again_what_it_has() {
    let rig = Rig::with_users(120).await;
    let dir = TempDir::new("resume");
    let instance = instance_arn();
    let output = dir.join("users.yaml");
    let state = dir.join("users.yaml.export-state.jsonl");

    // Interrupted by a denial: the error says how to go on, and what was read is kept.
    rig.emulator.deny("ListUserProficiencies");
    let args = [
        "export",
        "--instance-arn",
        instance.as_str(),
        "-o",
        output.to_str().unwrap(),
        "--concurrency",
        "1",
        "--state-file",
        state.to_str().unwrap(),
    ];
    let (code, _, stderr) = rig.run(&args).await;
    assert_eq!(code, 1);
    assert!(stderr.contains("connect:ListUserProficiencies"), "{stderr}");
    assert!(stderr.contains("run again with --resume"), "{stderr}");
    rig.emulator.allow("ListUserProficiencies");
    // Without --resume, the state is never overwritten.
    let (code, _, stderr) = rig.run(&args).await;
    assert_eq!(code, 1);
    assert!(stderr.contains("add --resume to continue it"), "{stderr}");

    // A run that read everything and was cut off before its last line was written, as Ctrl-C would leave it.
    let full = TempDir::new("resume-full");
    let whole = full.join("users.yaml");
    let _ = std::fs::remove_file(&state);
    let (code, _, stderr) = rig
        .run(&[
            "export",
            "--instance-arn",
            &instance,
            "-o",
            whole.to_str().unwrap(),
            "--state-file",
            state.to_str().unwrap(),
        ])
        .await;
    assert_eq!(code, 0, "{stderr}");
    assert!(!state.exists());
    let lines: Vec<String> = {
        // Recreate the state of an interrupted run: its header and the first 50 users, the 51st cut in half.
        let (code, _, _) = rig
            .run(&[
                "export",
                "--instance-arn",
                &instance,
                "-o",
                "/nonexistent/dir/users.yaml",
                "--state-file",
                state.to_str().unwrap(),
            ])
            .await;
        assert_eq!(code, 1, "the write fails, the state stays");
        std::fs::read_to_string(&state).unwrap().lines().map(str::to_owned).collect()
    };
    assert_eq!(lines.len(), 121);
    let mut cut = lines[..51].join("\n");
    cut.push('\n');
    cut.push_str(&lines[51][..lines[51].len() / 2]);
    std::fs::write(&state, cut).unwrap();

    rig.emulator.clear_calls();
    let (code, _, stderr) = rig
        .run(&[
            "export",
            "--instance-arn",
            &instance,
            "-o",
            output.to_str().unwrap(),
            "--state-file",
            state.to_str().unwrap(),
            "--resume",
        ])
        .await;
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("50 users came from the interrupted run"), "{stderr}");
    let described = rig.emulator.calls().iter().filter(|c| c.operation == "DescribeUser").count();
    assert_eq!(described, 70, "only the users it did not have are read");
    assert_eq!(std::fs::read_to_string(&output).unwrap(), std::fs::read_to_string(&whole).unwrap());
    assert!(!state.exists());
}

#[tokio::test]
async fn a_failing_connect_call_is_reported_in_the_tools_words() {
    let emulator = Emulator::builder().with_users(3).start().await.unwrap();
    emulator.fail_next("ListUsers", 1, Fault::Error(ErrorCode::AccessDenied));
    let rig = Rig::on(emulator).await;
    let instance = instance_arn();
    let (code, _, stderr) = rig.run(&["export", "--instance-arn", &instance, "-o", "-"]).await;
    assert_eq!(code, 1);
    assert!(stderr.contains("the caller lacks the IAM permission connect:ListUsers"), "{stderr}");
    let (code, _, stderr) = rig.run(&["export", "--instance-arn", "not-an-arn"]).await;
    assert_eq!(code, 1);
    assert!(stderr.contains("--instance-arn: expected arn:"), "{stderr}");
}
