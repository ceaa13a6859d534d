//! The plan against the emulator: for arbitrary templates A and B, creating from A, then applying
//! plan(B, A, live) makes the live user match B — and a second plan is empty.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use cfn_connect_user::core::owner::owner_tag_value;
use cfn_connect_user::core::plan::{self, Decision};
use cfn_connect_user::core::props;
use cfn_connect_user::edge::connect::{Connect, Retrying, SdkConnect};
use connect_emulator::connect::{Emulator, Seed};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::support::{STACK_ID, fast_backoff};

const INSTANCE: &str = "arn:aws:connect:us-east-1:123456789012:instance/a1b2c3d4-0000-4000-8000-000000000001";

fn template() -> impl Strategy<Value = Value> {
    let routing = prop::sample::select(vec![Seed::ROUTING_PROFILE_1, Seed::ROUTING_PROFILE_1_SALES]);
    let security = prop::sample::subsequence(
        vec![Seed::SECURITY_PROFILE_AGENT, Seed::SECURITY_PROFILE_MANAGER, Seed::SECURITY_PROFILE_QA],
        1..=3,
    );
    let group = prop::option::of(prop::sample::select(vec![Seed::HIERARCHY_GROUP_1, Seed::HIERARCHY_GROUP_2]));
    let identity = prop::option::of((
        prop::option::of("[A-Z][a-z]{1,8}"),
        prop::option::of("[A-Z][a-z]{1,8}"),
        prop::option::of("\\+1415555[0-9]{4}"),
    ));
    // Either the single-channel PhoneConfig or the per-channel lists, never a field beside its counterpart.
    let phone = prop_oneof![
        Just(json!(null)),
        (any::<bool>(), 0..600u32, prop::sample::select(vec!["SOFT_PHONE", "DESK_PHONE"])).prop_map(|(auto, acw, kind)| {
            let mut config = json!({"PhoneType": kind, "AutoAccept": auto.to_string(), "AfterContactWorkTimeLimit": acw.to_string()});
            if kind == "DESK_PHONE" {
                config["DeskPhoneNumber"] = json!("+14155550100");
            }
            json!({"PhoneConfig": config})
        }),
        (any::<bool>(), any::<bool>(), 0..600u32, prop::sample::select(vec!["NONE", "VOICE_ISOLATION", "NOISE_SUPPRESSION"]))
            .prop_map(|(voice, chat, acw, mode)| json!({
                "AutoAcceptConfigs": [{"Channel": "VOICE", "AutoAccept": voice.to_string()}, {"Channel": "CHAT", "AutoAccept": chat.to_string()}],
                "AfterContactWorkConfigs": [{"Channel": "CHAT", "AfterContactWorkConfig": {"AfterContactWorkTimeLimit": acw.to_string()}}],
                "VoiceEnhancementConfigs": [{"Channel": "VOICE", "VoiceEnhancementMode": mode}]
            })),
    ];
    let proficiencies = prop::collection::btree_map(
        prop::sample::select(vec![
            ("Language", "English"),
            ("Language", "Spanish"),
            ("Skill", "Billing"),
            ("Skill", "Sales"),
        ]),
        1..=5u8,
        0..3,
    );
    let tags = prop::collection::btree_map(prop::sample::select(vec!["team", "site", "shift"]), "[a-z]{1,6}", 0..3);
    (routing, security, group, identity, phone, proficiencies, tags).prop_map(
        |(routing, security, group, identity, phone, proficiencies, tags)| {
            let mut props = json!({
                "InstanceArn": INSTANCE,
                "Username": "prop.user",
                "RoutingProfileArn": format!("{INSTANCE}/routing-profile/{routing}"),
                "SecurityProfileArns": security.iter().map(|s| format!("{INSTANCE}/security-profile/{s}")).collect::<Vec<_>>(),
                "UserProficiencies": proficiencies.iter().map(|((n, v), l)| json!({"AttributeName": n, "AttributeValue": v, "Level": l.to_string()})).collect::<Vec<_>>(),
                "Tags": tags.iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect::<Vec<_>>(),
            });
            if let Some(group) = group {
                props["HierarchyGroupArn"] = json!(format!("{INSTANCE}/agent-group/{group}"));
            }
            if let Some((first, last, mobile)) = identity {
                props["IdentityInfo"] = json!({"FirstName": first, "LastName": last, "Mobile": mobile});
            }
            if let Value::Object(extra) = phone {
                props.as_object_mut().unwrap().extend(extra);
            }
            props
        },
    )
}

async fn read<C: Connect>(
    connect: &C,
    arn: &cfn_connect_user::core::arn::UserArn,
) -> cfn_connect_user::core::model::LiveUser {
    let mut live = connect.describe_user(arn).await.unwrap();
    live.proficiencies = Some(connect.list_proficiencies(arn).await.unwrap());
    live
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn applying_the_plan_makes_live_equal_desired(a in template(), b in template()) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let emulator = Emulator::start().await.unwrap();
            let connect = Retrying::new(SdkConnect::for_endpoint(&emulator.endpoint_url(), "us-east-1"), fast_backoff());
            let owner = owner_tag_value(STACK_ID, "AgentJohnDoe");
            let (spec_a, spec_b) = (props::parse(&a).unwrap(), props::parse(&b).unwrap());

            let arn = connect.create_user(&plan::new_user(&spec_a, &owner)).await.unwrap();
            for call in plan::after_create(&spec_a) {
                connect.apply(&arn, &call).await.unwrap();
            }
            let Decision::Reconcile(calls) = plan::plan(&spec_b, &props::old_template(&a), &read(&connect, &arn).await, &owner) else {
                panic!("same instance and username: no replacement");
            };
            for call in &calls {
                connect.apply(&arn, call).await.unwrap_or_else(|e| panic!("{call:?}: {e}"));
            }
            let live = read(&connect, &arn).await;
            let second = plan::plan(&spec_b, &props::old_template(&b), &live, &owner);
            prop_assert_eq!(second, Decision::Reconcile(vec![]), "a second plan must be empty");
            prop_assert_eq!(live.routing_profile.id(), spec_b.routing_profile.id());
            let ids = |v: &[cfn_connect_user::core::arn::ResourceArn]| v.iter().map(|a| a.id().to_owned()).collect::<std::collections::BTreeSet<_>>();
            prop_assert_eq!(ids(&live.security_profiles), ids(&spec_b.security_profiles));
            for (key, value) in spec_b.tags.clone().unwrap_or_default() {
                prop_assert_eq!(live.tags.get(&key), Some(&value));
            }
            let live_levels = live.proficiencies.clone().unwrap_or_default();
            for (key, level) in spec_b.proficiencies.clone().unwrap_or_default() {
                prop_assert_eq!(live_levels.get(&key), Some(&level));
            }
            Ok(())
        })?;
    }
}
