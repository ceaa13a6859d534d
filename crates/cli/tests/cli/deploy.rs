//! The migration end to end on a thousand varied users of a `CONNECT_MANAGED` instance that enforces its
//! identity-management rules (a `CreateUser` without a password is refused before the name is looked at):
//! `export` (no passwords: none can be read), `plan` before the deployment (adopt, tag only, for every user), the
//! deployment of every exported resource as a Create through the real handler (one write attempt per user, the owner
//! tag's take-over form, and nothing else changed), and `plan` after it (no changes, exit 0). The tool itself never
//! tries a write.

use std::collections::BTreeSet;

use cfn_connect_user::core::model::OWNER_TAG_KEY;
use cfn_connect_user::core::owner::OwnerTag;
use connect_emulator::Emulator;
use serde_json::Value;

use crate::support::{Rig, TempDir, resources, stack_id, stack_ids, users_without_tags, write_attempts, writes};

const USERS: usize = 1000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_connect_managed_users_are_exported_planned_adopted_with_one_tag_each_and_planned_again_as_unchanged()
 {
    let emulator = Emulator::builder().with_users(USERS).identity_management_rules(true).start().await.unwrap();
    let rig = Rig::on(emulator).await;
    let dir = TempDir::new("thousand");
    let summary = rig.export(&dir, &[]).await;
    assert!(summary.contains("1000 users listed, 1000 selected, 1000 exported"), "{summary}");
    assert!(summary.contains("a parent template with 2 nested stacks"), "{summary}");
    assert!(!summary.contains("would be refused"), "{summary}");
    let main = dir.join("users.yaml");
    for file in ["users.yaml", "users-users-01.yaml", "users-users-02.yaml"] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    assert!(!dir.join("users.yaml.export-state.jsonl").exists(), "a finished export leaves no state");
    let exported = resources(&main);
    assert_eq!(exported.len(), USERS);
    let usernames: Vec<String> = exported.iter().map(|(_, _, p)| p["Username"].as_str().unwrap().to_owned()).collect();
    assert_eq!(usernames.iter().collect::<BTreeSet<_>>().len(), USERS);
    for (_, id, properties) in &exported {
        assert_eq!(properties["AdoptExisting"], "true", "{id}");
        assert!(properties.get("Password").is_none(), "{id}");
        for tag in properties["Tags"].as_array().into_iter().flatten() {
            let key = tag["Key"].as_str().unwrap();
            assert!(!key.starts_with("aws:") && key != OWNER_TAG_KEY, "{id}: {key}");
        }
    }
    assert_eq!(write_attempts(&rig.emulator), [], "export tried to write to Connect");

    // Before the deployment: every user is adopted with its owner tag and nothing else. No stack exists yet, and no
    // user carries an owner tag: nothing depends on the stacks' ids.
    let (code, plan) = rig.plan(&main, &["--detailed-exitcode"]).await;
    assert_eq!(code, 2, "changes");
    let planned = plan["resources"].as_array().unwrap();
    assert_eq!(planned.len(), USERS);
    for resource in planned {
        assert_eq!(resource["action"], "adopt", "{resource}");
        assert_eq!(resource["tagOnly"], true, "{resource}");
    }
    assert_eq!(plan["summary"]["adopt"], USERS);
    assert_eq!(write_attempts(&rig.emulator), [], "plan tried to write to Connect");

    // The deployment: each resource's Create through the real handler, each nested stack its own stack.
    let before = users_without_tags(&rig.emulator, &usernames);
    rig.emulator.clear_calls();
    let mut owners = BTreeSet::new();
    for (stack, id, properties) in &exported {
        let response = rig.send("Create", &stack_id(*stack), id, properties.clone(), None, None).await;
        assert_eq!(response.status(), "SUCCESS", "{id}: {:?}", response.reason());
        owners.insert((
            response.physical_id().unwrap().to_owned(),
            OwnerTag::new(&stack_id(*stack), id).adopted().to_owned(),
        ));
    }
    let attempted = write_attempts(&rig.emulator);
    assert_eq!(attempted.len(), USERS, "one write attempt per user: no CreateUser was even tried");
    assert_eq!(writes(&rig.emulator).len(), USERS);
    let mut tagged = BTreeSet::new();
    for call in &attempted {
        assert_eq!(call.operation, "TagResource", "{call:?}");
        let tags = call.body["tags"].as_object().unwrap();
        assert_eq!(tags.len(), 1, "only the owner tag: {call:?}");
        tagged.insert((call.user.clone().unwrap(), tags[OWNER_TAG_KEY].as_str().unwrap().to_owned()));
    }
    assert_eq!(tagged, owners, "each user got its own resource's owner tag, in the take-over form");
    assert_eq!(users_without_tags(&rig.emulator, &usernames), before, "nothing but the tags changed");

    // After it: nothing to do, exit 0, given the stacks' ids.
    rig.emulator.clear_calls();
    let ids = stack_ids(&main);
    let mut args: Vec<&str> = vec!["--detailed-exitcode"];
    args.extend(ids.iter().map(String::as_str));
    let (code, plan) = rig.plan(&main, &args).await;
    assert_eq!(code, 0, "{}", plan["summary"]);
    assert_eq!(plan["summary"]["noChanges"], USERS);
    assert!(plan["resources"].as_array().unwrap().iter().all(|r| r["calls"] == Value::Array(vec![])));
    assert_eq!(write_attempts(&rig.emulator), []);

    // Without them, the plan cannot tell whose the owner tags are, and says so rather than guess.
    let (code, plan) = rig.plan(&main, &["--detailed-exitcode"]).await;
    assert_eq!(code, 2, "owner unknown may change Connect");
    assert_eq!(plan["summary"]["ownerUnknown"], USERS);
}
