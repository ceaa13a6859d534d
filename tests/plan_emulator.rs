//! The plan against the emulator: for arbitrary templates A and B, creating from A, then applying
//! plan(B, A, live) makes the live user match B — and a second plan is empty.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use cfn_connect_user::adapters::SdkConnect;
use cfn_connect_user::app::{Connect, Retrying};
use cfn_connect_user::core::arn::{ResourceArn, UserArn};
use cfn_connect_user::core::model::LiveUser;
use cfn_connect_user::core::owner::owner_tag_value;
use cfn_connect_user::core::plan::{self, Decision};
use cfn_connect_user::core::props;
use connect_emulator::connect::{Emulator, Seed};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use crate::support::{STACK_ID, fast_backoff};

const INSTANCE: &str = "arn:aws:connect:us-east-1:123456789012:instance/a1b2c3d4-0000-4000-8000-000000000001";
const CHANNELS: &[&str] = &["VOICE", "CHAT", "TASK", "EMAIL"];
/// Connect takes phone numbers, persistent connection and voice enhancement for VOICE only.
const VOICE_ONLY: &[&str] = &["VOICE"];

/// Where a template sets one of the settings that exist both in `PhoneConfig` and as a per-channel list.
#[derive(Debug, Clone, Copy)]
enum Place {
    Unset,
    PhoneConfig,
    PerChannel,
}

fn place() -> impl Strategy<Value = Place> {
    prop_oneof![Just(Place::Unset), Just(Place::PhoneConfig), Just(Place::PerChannel)]
}

/// A boolean as CloudFormation sends it.
fn flag() -> impl Strategy<Value = Value> {
    any::<bool>().prop_map(|b| json!(b.to_string()))
}

fn maybe(strategy: impl Strategy<Value = Value>) -> impl Strategy<Value = Option<Value>> {
    prop::option::of(strategy)
}

fn object(pairs: impl IntoIterator<Item = (&'static str, Option<Value>)>) -> Map<String, Value> {
    pairs.into_iter().filter_map(|(k, v)| v.map(|v| (k.to_owned(), v))).collect()
}

/// A per-channel list over a non-empty subset of `channels`.
fn per_channel(
    channels: &'static [&'static str],
    entry: impl Strategy<Value = Map<String, Value>> + 'static,
) -> impl Strategy<Value = Value> {
    // Boxed strategies are shared, so one entry strategy serves every channel.
    let entry = entry.boxed();
    prop::sample::subsequence(channels.to_vec(), 1..=channels.len())
        .prop_flat_map(move |channels| {
            let n = channels.len();
            (Just(channels), prop::collection::vec(entry.clone(), n))
        })
        .prop_map(|(channels, entries)| {
            let list = channels.into_iter().zip(entries).map(|(channel, mut entry)| {
                entry.insert("Channel".to_owned(), json!(channel));
                Value::Object(entry)
            });
            Value::Array(list.collect())
        })
}

fn acw_config() -> impl Strategy<Value = Value> {
    maybe((0..600u32).prop_map(|n| json!(n.to_string())))
        .prop_map(|limit| Value::Object(object([("AfterContactWorkTimeLimit", limit)])))
}

fn phone_number_entry() -> impl Strategy<Value = Map<String, Value>> {
    prop_oneof![
        maybe(Just(json!("+14155550111")))
            .prop_map(|n| object([("PhoneType", Some(json!("SOFT_PHONE"))), ("PhoneNumber", n)])),
        Just(object([("PhoneType", Some(json!("DESK_PHONE"))), ("PhoneNumber", Some(json!("+14155550122")))])),
    ]
}

/// `PhoneConfig` and the per-channel lists: each setting with a counterpart lives in one place only.
fn channel_settings() -> impl Strategy<Value = Map<String, Value>> {
    let auto_accept = (
        place(),
        flag(),
        per_channel(
            CHANNELS,
            (flag(), maybe(flag()))
                .prop_map(|(a, first)| object([("AutoAccept", Some(a)), ("AgentFirstCallbackAutoAccept", first)])),
        ),
    );
    let acw = (
        place(),
        (0..600u32).prop_map(|n| json!(n.to_string())),
        per_channel(
            CHANNELS,
            (acw_config(), maybe(acw_config())).prop_map(|(config, first)| {
                object([("AfterContactWorkConfig", Some(config)), ("AgentFirstCallbackAfterContactWorkConfig", first)])
            }),
        ),
    );
    let phone = (
        place(),
        prop_oneof![Just((json!("SOFT_PHONE"), None)), Just((json!("DESK_PHONE"), Some(json!("+14155550100"))))],
        per_channel(VOICE_ONLY, phone_number_entry()),
    );
    let persistent =
        (place(), flag(), per_channel(VOICE_ONLY, flag().prop_map(|p| object([("PersistentConnection", Some(p))]))));
    let voice = maybe(per_channel(
        VOICE_ONLY,
        prop::sample::select(vec!["NONE", "VOICE_ISOLATION", "NOISE_SUPPRESSION"])
            .prop_map(|m| object([("VoiceEnhancementMode", Some(json!(m)))])),
    ));
    (auto_accept, acw, phone, persistent, voice, any::<bool>()).prop_map(
        |(
            (aa, aa_value, aa_list),
            (acw, acw_value, acw_list),
            (ph, (kind, desk), ph_list),
            (pc, pc_value, pc_list),
            voice,
            empty_phone_config,
        )| {
            let mut top = Map::new();
            let mut phone_config = Map::new();
            let mut put = |place: Place, fields: Vec<(&str, Value)>, list_name: &str, list: Value| match place {
                Place::Unset => {}
                Place::PhoneConfig => phone_config.extend(fields.into_iter().map(|(k, v)| (k.to_owned(), v))),
                Place::PerChannel => {
                    top.insert(list_name.to_owned(), list);
                }
            };
            put(aa, vec![("AutoAccept", aa_value)], "AutoAcceptConfigs", aa_list);
            put(acw, vec![("AfterContactWorkTimeLimit", acw_value)], "AfterContactWorkConfigs", acw_list);
            let mut phone_fields = vec![("PhoneType", kind)];
            phone_fields.extend(desk.map(|d| ("DeskPhoneNumber", d)));
            put(ph, phone_fields, "PhoneNumberConfigs", ph_list);
            put(pc, vec![("PersistentConnection", pc_value)], "PersistentConnectionConfigs", pc_list);
            if let Some(voice) = voice {
                top.insert("VoiceEnhancementConfigs".to_owned(), voice);
            }
            // An empty PhoneConfig is valid too: its AutoAccept and limit count as false and 0.
            if !phone_config.is_empty() || empty_phone_config {
                top.insert("PhoneConfig".to_owned(), Value::Object(phone_config));
            }
            top
        },
    )
}

fn template() -> impl Strategy<Value = Value> {
    let routing = prop::sample::select(vec![Seed::ROUTING_PROFILE_1, Seed::ROUTING_PROFILE_1_SALES]);
    let security = prop::sample::subsequence(
        vec![Seed::SECURITY_PROFILE_AGENT, Seed::SECURITY_PROFILE_MANAGER, Seed::SECURITY_PROFILE_QA],
        1..=3,
    )
    .prop_shuffle();
    let group = prop::option::of(prop::sample::select(vec![Seed::HIERARCHY_GROUP_1, Seed::HIERARCHY_GROUP_2]));
    let identity = maybe(
        (
            maybe("[A-Z][a-z]{1,8}".prop_map(Value::from)),
            maybe("[A-Z][a-z]{1,8}".prop_map(Value::from)),
            maybe("[a-z]{1,6}@example\\.com".prop_map(Value::from)),
            maybe("[a-z]{1,6}@example\\.org".prop_map(Value::from)),
            maybe("\\+1415555[0-9]{4}".prop_map(Value::from)),
        )
            .prop_map(|(first, last, email, secondary, mobile)| {
                Value::Object(object([
                    ("FirstName", first),
                    ("LastName", last),
                    ("Email", email),
                    ("SecondaryEmail", secondary),
                    ("Mobile", mobile),
                ]))
            }),
    );
    let attributes: Vec<(&str, &str)> = Seed::new().instances[0]
        .predefined_attributes
        .iter()
        .flat_map(|(name, values)| values.iter().map(move |v| (*name, *v)))
        .collect();
    // 1.0 to 5.0 by halves, stringified as CloudFormation sends numbers.
    let proficiencies =
        maybe(prop::collection::btree_map(prop::sample::select(attributes), 2..=10u8, 0..4).prop_map(|levels| {
            let list = levels.iter().map(|((name, value), level)| {
                json!({"AttributeName": name, "AttributeValue": value, "Level": (f32::from(*level) / 2.0).to_string()})
            });
            Value::Array(list.collect())
        }));
    let tags = maybe(
        prop::collection::btree_map(
            prop::sample::select(vec!["team", "site", "shift", "cost centre"]),
            "[a-z]{0,6}",
            0..4,
        )
        .prop_map(|tags| Value::Array(tags.iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect())),
    );
    (routing, security, group, identity, channel_settings(), proficiencies, tags).prop_map(
        |(routing, security, group, identity, channels, proficiencies, tags)| {
            let security: Vec<_> = security.iter().map(|s| format!("{INSTANCE}/security-profile/{s}")).collect();
            let mut props = object([
                ("InstanceArn", Some(json!(INSTANCE))),
                ("Username", Some(json!("prop.user"))),
                ("RoutingProfileArn", Some(json!(format!("{INSTANCE}/routing-profile/{routing}")))),
                ("SecurityProfileArns", Some(json!(security))),
                ("HierarchyGroupArn", group.map(|g| json!(format!("{INSTANCE}/agent-group/{g}")))),
                ("IdentityInfo", identity),
                ("UserProficiencies", proficiencies),
                ("Tags", tags),
            ]);
            props.extend(channels);
            Value::Object(props)
        },
    )
}

async fn read<C: Connect>(connect: &C, arn: &UserArn) -> LiveUser {
    let mut live = connect.describe_user(arn).await.unwrap();
    live.proficiencies = Some(connect.list_proficiencies(arn).await.unwrap());
    live
}

fn ids(arns: &[ResourceArn]) -> BTreeSet<String> {
    arns.iter().map(|a| a.id().to_owned()).collect()
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
            let spec_a = props::parse(&a).map_err(|e| TestCaseError::fail(format!("A invalid: {e}")))?;
            let spec_b = props::parse(&b).map_err(|e| TestCaseError::fail(format!("B invalid: {e}")))?;

            let arn = connect.create_user(&plan::new_user(&spec_a, &owner)).await.unwrap();
            for call in plan::after_create(&spec_a) {
                connect.apply(&arn, &call).await.unwrap();
            }
            // Created from A, the user already is A.
            let created = plan::plan(&spec_a, &props::old_template(&a), &read(&connect, &arn).await, &owner);
            prop_assert_eq!(created, Decision::Reconcile(vec![]), "a plan right after the create must be empty");

            let old = props::old_template(&a);
            let Decision::Reconcile(calls) = plan::plan(&spec_b, &old, &read(&connect, &arn).await, &owner) else {
                panic!("same instance and username: no replacement");
            };
            for call in &calls {
                connect.apply(&arn, call).await.unwrap_or_else(|e| panic!("{call:?}: {e}"));
            }
            let live = read(&connect, &arn).await;
            let second = plan::plan(&spec_b, &props::old_template(&b), &live, &owner);
            prop_assert_eq!(second, Decision::Reconcile(vec![]), "a second plan must be empty");

            prop_assert_eq!(live.routing_profile.id(), spec_b.routing_profile.id());
            prop_assert_eq!(ids(&live.security_profiles), ids(&spec_b.security_profiles));
            // A group the old template set and the new one drops is removed.
            let group = |g: &Option<ResourceArn>| g.as_ref().map(|g| g.id().to_owned());
            prop_assert_eq!(group(&live.hierarchy_group), group(&spec_b.hierarchy_group));
            if let Some(wanted) = &spec_b.identity_info {
                prop_assert_eq!(&live.identity_info.overlaid_with(wanted), &live.identity_info);
            }
            let (tags_a, tags_b) = (spec_a.tags.clone().unwrap_or_default(), spec_b.tags.clone().unwrap_or_default());
            for (key, value) in &tags_b {
                prop_assert_eq!(live.tags.get(key), Some(value));
            }
            for key in tags_a.keys().filter(|k| !tags_b.contains_key(*k)) {
                prop_assert!(!live.tags.contains_key(key), "tag {} dropped by the template survives", key);
            }
            let live_levels = live.proficiencies.clone().unwrap_or_default();
            let (levels_a, levels_b) =
                (spec_a.proficiencies.clone().unwrap_or_default(), spec_b.proficiencies.clone().unwrap_or_default());
            for (key, level) in &levels_b {
                prop_assert_eq!(live_levels.get(key), Some(level));
            }
            for key in levels_a.keys().filter(|k| !levels_b.contains_key(*k)) {
                prop_assert!(!live_levels.contains_key(key), "proficiency {} dropped by the template survives", key);
            }
            Ok(())
        })?;
    }
}
