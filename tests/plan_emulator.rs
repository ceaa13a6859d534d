//! The plan against the harsh emulator: for arbitrary templates A and B and arbitrary drift made outside the
//! stack, creating the user from A, drifting it, then applying plan(B, A, live) makes the live user what B asks
//! for — on every channel, those B never mentions included — and a second plan is empty.
//!
//! The emulator is as harsh as Connect where a plan can go wrong: a new user stays invisible after `CreateUser`
//! (until the test ends the lag), and `UpdateUserPhoneConfig` writes its after-contact-work limit to every
//! channel the user has. The drift is made with the SDK directly, as a console user or another tool would, and
//! the user the plan must produce is computed here from the emulator's stored truth before the plan — each
//! setting B sets laid over it, the rest kept — not from the plan's own reasoning.
//!
//! `PROPTEST_CASES` sets the case count ([`DEFAULT_CASES`] by default).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use aws_sdk_connect::config::{Credentials, Region};
use aws_sdk_connect::types as sdk;
use cfn_connect_user::adapters::SdkConnect;
use cfn_connect_user::app::{Connect, ErrorKind, Retrying};
use cfn_connect_user::core::arn::UserArn;
use cfn_connect_user::core::model::{LiveUser, OWNER_TAG_KEY, UserSpec};
use cfn_connect_user::core::owner::OwnerTag;
use cfn_connect_user::core::plan::{self, Diff};
use cfn_connect_user::core::props;
use connect_emulator::connect::{Emulator, Seed};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use crate::support::{STACK_ID, fast_backoff};

/// Cases per run unless `PROPTEST_CASES` says otherwise: each case starts an emulator and makes a few dozen
/// calls over HTTP.
pub const DEFAULT_CASES: u32 = 32;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_CASES)
}

const INSTANCE: &str = "arn:aws:connect:us-east-1:123456789012:instance/a1b2c3d4-0000-4000-8000-000000000001";
const CHANNELS: &[&str] = &["VOICE", "CHAT", "TASK", "EMAIL"];
/// Connect takes phone numbers, persistent connection and voice enhancement for VOICE only.
const VOICE_ONLY: &[&str] = &["VOICE"];
const TAG_KEYS: &[&str] = &["team", "site", "shift", "cost centre"];
const DIRECTORY_USER_ID: &str = "dir-user-0001";
/// Long enough never to end by itself during a case: the test ends it.
const LAG: Duration = Duration::from_secs(3600);

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
        prop::collection::btree_map(prop::sample::select(TAG_KEYS.to_vec()), "[a-z]{0,6}", 0..4)
            .prop_map(|tags| Value::Array(tags.iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect())),
    );
    // Properties the plan must leave alone or never send: a password (Connect cannot change one), a directory
    // user id (it cannot change in place; the test keeps B's equal to A's), a reconcile token.
    let extras = (
        maybe(Just(json!("Welcome-2026-Agent"))),
        maybe(Just(json!(DIRECTORY_USER_ID))),
        maybe("[a-z0-9]{1,8}".prop_map(Value::from)),
    );
    (routing, security, group, identity, channel_settings(), proficiencies, tags, extras).prop_map(
        |(routing, security, group, identity, channels, proficiencies, tags, (password, directory, token))| {
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
                ("Password", password),
                ("DirectoryUserId", directory),
                ("ReconcileToken", token),
            ]);
            props.extend(channels);
            Value::Object(props)
        },
    )
}

/// The predefined attributes of the seeded instance, as (name, value) pairs.
fn attributes() -> Vec<(&'static str, &'static str)> {
    Seed::new().instances[0]
        .predefined_attributes
        .iter()
        .flat_map(|(name, values)| values.iter().map(move |v| (*name, *v)))
        .collect()
}

/// One entry of an `UpdateUserConfig` made outside the stack.
#[derive(Debug, Clone)]
enum ChannelDrift {
    AutoAccept {
        channel: &'static str,
        on: bool,
        first_callback: Option<bool>,
    },
    AfterContactWork {
        channel: &'static str,
        limit: i32,
        first_callback: Option<i32>,
    },
    /// VOICE: a desk phone (with a number) or a soft phone.
    Phone {
        desk: bool,
    },
    Persistent(bool),
    Enhancement(&'static str),
}

/// A change made to the user outside the stack, through the Connect API.
#[derive(Debug, Clone)]
enum Drift {
    RoutingProfile(&'static str),
    SecurityProfiles(Vec<&'static str>),
    /// `None` takes the user out of its group.
    Hierarchy(Option<&'static str>),
    /// The whole object is replaced, as `UpdateUserIdentityInfo` does.
    IdentityInfo {
        first: Option<String>,
        last: Option<String>,
        email: Option<String>,
        mobile: Option<String>,
    },
    /// `UpdateUserPhoneConfig`, which in this emulator (as in Connect) sets the ACW limit of every channel.
    PhoneConfig {
        desk: bool,
        auto_accept: bool,
        limit: i32,
        persistent: Option<bool>,
    },
    /// One `UpdateUserConfig` with these entries (the later of two entries for one channel of a list wins).
    Channels(Vec<ChannelDrift>),
    Tag(BTreeMap<&'static str, String>),
    /// May remove the owner tag too: a user without one is this resource's to tag again.
    Untag(Vec<&'static str>),
    /// Dropped first, then set: a level for a held pair, an association for a new one.
    Proficiencies {
        drop: Vec<(&'static str, &'static str)>,
        set: BTreeMap<(&'static str, &'static str), u8>,
    },
}

fn channel_drift() -> impl Strategy<Value = ChannelDrift> {
    let channel = || prop::sample::select(CHANNELS.to_vec());
    let limit = || 0..900i32;
    prop_oneof![
        1 => (channel(), any::<bool>(), prop::option::of(any::<bool>()))
            .prop_map(|(channel, on, first_callback)| ChannelDrift::AutoAccept { channel, on, first_callback }),
        // Weighted: ACW entries on other channels than VOICE are what UpdateUserPhoneConfig would clobber.
        3 => (channel(), limit(), prop::option::of(limit()))
            .prop_map(|(channel, limit, first_callback)| ChannelDrift::AfterContactWork { channel, limit, first_callback }),
        1 => any::<bool>().prop_map(|desk| ChannelDrift::Phone { desk }),
        1 => any::<bool>().prop_map(ChannelDrift::Persistent),
        1 => prop::sample::select(vec!["NONE", "VOICE_ISOLATION", "NOISE_SUPPRESSION"]).prop_map(ChannelDrift::Enhancement),
    ]
}

fn drift() -> impl Strategy<Value = Drift> {
    let text = |pattern: &'static str| prop::option::of(pattern);
    let level_pairs = prop::collection::btree_map(prop::sample::select(attributes()), 2..=10u8, 0..3);
    prop_oneof![
        1 => prop::sample::select(vec![Seed::ROUTING_PROFILE_1, Seed::ROUTING_PROFILE_1_SALES]).prop_map(Drift::RoutingProfile),
        1 => prop::sample::subsequence(
            vec![Seed::SECURITY_PROFILE_AGENT, Seed::SECURITY_PROFILE_MANAGER, Seed::SECURITY_PROFILE_QA],
            1..=3
        )
        .prop_map(Drift::SecurityProfiles),
        1 => prop::option::of(prop::sample::select(vec![Seed::HIERARCHY_GROUP_1, Seed::HIERARCHY_GROUP_2])).prop_map(Drift::Hierarchy),
        1 => (text("[A-Z][a-z]{1,8}"), text("[A-Z][a-z]{1,8}"), text("[a-z]{1,6}@example\\.net"), text("\\+1415555[0-9]{4}"))
            .prop_map(|(first, last, email, mobile)| Drift::IdentityInfo { first, last, email, mobile }),
        1 => (any::<bool>(), any::<bool>(), 0..900i32, prop::option::of(any::<bool>()))
            .prop_map(|(desk, auto_accept, limit, persistent)| Drift::PhoneConfig { desk, auto_accept, limit, persistent }),
        3 => prop::collection::vec(channel_drift(), 1..5).prop_map(Drift::Channels),
        1 => prop::collection::btree_map(prop::sample::select([TAG_KEYS, &["drift"]].concat()), "[a-z]{0,6}", 1..3).prop_map(Drift::Tag),
        1 => prop::sample::subsequence([TAG_KEYS, &[OWNER_TAG_KEY]].concat(), 1..=3).prop_map(Drift::Untag),
        1 => (prop::sample::subsequence(attributes(), 0..=3), level_pairs).prop_map(|(drop, set)| Drift::Proficiencies { drop, set }),
    ]
}

/// A client for the drift: the SDK as another tool would use it, one attempt per call.
fn outsider(emulator: &Emulator) -> aws_sdk_connect::Client {
    let config = aws_sdk_connect::Config::builder()
        .endpoint_url(emulator.endpoint_url())
        .region(Region::new(Seed::REGION))
        .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "plan-emulator"))
        .retry_config(aws_sdk_connect::config::retry::RetryConfig::disabled())
        .behavior_version_latest()
        .build();
    aws_sdk_connect::Client::from_conf(config)
}

const DESK_NUMBER: &str = "+14155550133";

/// The entries of a drifted list, or no list at all when it has none.
fn non_empty<T>(entries: BTreeMap<&str, T>) -> Option<Vec<T>> {
    (!entries.is_empty()).then(|| entries.into_values().collect())
}

fn debug(e: impl std::fmt::Debug) -> String {
    format!("{e:?}")
}

async fn apply_drift(client: &aws_sdk_connect::Client, emulator: &Emulator, arn: &UserArn, drift: &Drift) {
    let (instance, user) = (arn.instance().id(), arn.user_id());
    let phone_type = |desk: bool| sdk::PhoneType::from(if desk { "DESK_PHONE" } else { "SOFT_PHONE" });
    let result = match drift {
        Drift::RoutingProfile(id) => client
            .update_user_routing_profile()
            .instance_id(instance)
            .user_id(user)
            .routing_profile_id(*id)
            .send()
            .await
            .map(drop)
            .map_err(debug),
        Drift::SecurityProfiles(ids) => client
            .update_user_security_profiles()
            .instance_id(instance)
            .user_id(user)
            .set_security_profile_ids(Some(ids.iter().map(|s| (*s).to_owned()).collect()))
            .send()
            .await
            .map(drop)
            .map_err(debug),
        Drift::Hierarchy(group) => client
            .update_user_hierarchy()
            .instance_id(instance)
            .user_id(user)
            .set_hierarchy_group_id(group.map(str::to_owned))
            .send()
            .await
            .map(drop)
            .map_err(debug),
        Drift::IdentityInfo { first, last, email, mobile } => {
            let info = sdk::UserIdentityInfo::builder()
                .set_first_name(first.clone())
                .set_last_name(last.clone())
                .set_email(email.clone())
                .set_mobile(mobile.clone())
                .build();
            client
                .update_user_identity_info()
                .instance_id(instance)
                .user_id(user)
                .identity_info(info)
                .send()
                .await
                .map(drop)
                .map_err(debug)
        }
        Drift::PhoneConfig { desk, auto_accept, limit, persistent } => {
            let config = sdk::UserPhoneConfig::builder()
                .phone_type(phone_type(*desk))
                .auto_accept(*auto_accept)
                .after_contact_work_time_limit(*limit)
                .set_desk_phone_number(desk.then(|| DESK_NUMBER.to_owned()))
                .set_persistent_connection(*persistent)
                .build();
            client
                .update_user_phone_config()
                .instance_id(instance)
                .user_id(user)
                .phone_config(config)
                .send()
                .await
                .map(drop)
                .map_err(debug)
        }
        Drift::Channels(entries) => {
            // One entry per channel and list: a later drift entry replaces an earlier one, as a console edit would.
            let mut auto_accept = BTreeMap::new();
            let mut acw = BTreeMap::new();
            let (mut phone, mut persistent, mut enhancement) = (None, None, None);
            for entry in entries {
                match entry {
                    ChannelDrift::AutoAccept { channel, on, first_callback } => {
                        let e = sdk::AutoAcceptConfig::builder()
                            .channel(sdk::Channel::from(*channel))
                            .auto_accept(*on)
                            .set_agent_first_callback_auto_accept(*first_callback)
                            .build()
                            .unwrap();
                        auto_accept.insert(*channel, e);
                    }
                    ChannelDrift::AfterContactWork { channel, limit, first_callback } => {
                        let config =
                            |l: i32| sdk::AfterContactWorkConfig::builder().after_contact_work_time_limit(l).build();
                        let e = sdk::AfterContactWorkConfigPerChannel::builder()
                            .channel(sdk::Channel::from(*channel))
                            .after_contact_work_config(config(*limit))
                            .set_agent_first_callback_after_contact_work_config(first_callback.map(config))
                            .build()
                            .unwrap();
                        acw.insert(*channel, e);
                    }
                    ChannelDrift::Phone { desk } => {
                        let e = sdk::PhoneNumberConfig::builder()
                            .channel(sdk::Channel::Voice)
                            .phone_type(phone_type(*desk))
                            .set_phone_number(desk.then(|| DESK_NUMBER.to_owned()))
                            .build()
                            .unwrap();
                        phone = Some(vec![e]);
                    }
                    ChannelDrift::Persistent(on) => {
                        let e = sdk::PersistentConnectionConfig::builder()
                            .channel(sdk::Channel::Voice)
                            .persistent_connection(*on)
                            .build()
                            .unwrap();
                        persistent = Some(vec![e]);
                    }
                    ChannelDrift::Enhancement(mode) => {
                        let e = sdk::VoiceEnhancementConfig::builder()
                            .channel(sdk::Channel::Voice)
                            .voice_enhancement_mode(sdk::VoiceEnhancementMode::from(*mode))
                            .build()
                            .unwrap();
                        enhancement = Some(vec![e]);
                    }
                }
            }
            client
                .update_user_config()
                .instance_id(instance)
                .user_id(user)
                .set_auto_accept_configs(non_empty(auto_accept))
                .set_after_contact_work_configs(non_empty(acw))
                .set_phone_number_configs(phone)
                .set_persistent_connection_configs(persistent)
                .set_voice_enhancement_configs(enhancement)
                .send()
                .await
                .map(drop)
                .map_err(debug)
        }
        Drift::Tag(tags) => {
            let tags = tags.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
            client.tag_resource().resource_arn(arn.as_str()).set_tags(Some(tags)).send().await.map(drop).map_err(debug)
        }
        Drift::Untag(keys) => client
            .untag_resource()
            .resource_arn(arn.as_str())
            .set_tag_keys(Some(keys.iter().map(|k| (*k).to_owned()).collect()))
            .send()
            .await
            .map(drop)
            .map_err(debug),
        Drift::Proficiencies { drop: dropped, set } => {
            if !dropped.is_empty() {
                let list = dropped
                    .iter()
                    .map(|(name, value)| {
                        sdk::UserProficiencyDisassociate::builder()
                            .attribute_name(*name)
                            .attribute_value(*value)
                            .build()
                            .unwrap()
                    })
                    .collect();
                client
                    .disassociate_user_proficiencies()
                    .instance_id(instance)
                    .user_id(user)
                    .set_user_proficiencies(Some(list))
                    .send()
                    .await
                    .unwrap();
            }
            let held = view(&emulator.describe(arn.as_str()).unwrap()).proficiencies;
            let level = |((name, value), level): (&(&str, &str), &u8)| {
                sdk::UserProficiency::builder()
                    .attribute_name(*name)
                    .attribute_value(*value)
                    .level(f32::from(*level) / 2.0)
                    .build()
                    .unwrap()
            };
            let is_held = |(name, value): &(&str, &str)| held.contains_key(&((*name).to_owned(), (*value).to_owned()));
            let (update, associate): (Vec<_>, Vec<_>) = set.iter().partition(|(key, _)| is_held(key));
            if !update.is_empty() {
                let list = update.into_iter().map(level).collect();
                client
                    .update_user_proficiencies()
                    .instance_id(instance)
                    .user_id(user)
                    .set_user_proficiencies(Some(list))
                    .send()
                    .await
                    .unwrap();
            }
            if !associate.is_empty() {
                let list = associate.into_iter().map(level).collect();
                client
                    .associate_user_proficiencies()
                    .instance_id(instance)
                    .user_id(user)
                    .set_user_proficiencies(Some(list))
                    .send()
                    .await
                    .unwrap();
            }
            Ok(())
        }
    };
    if let Err(e) = result {
        panic!("drift {drift:?}: {e}");
    }
}

/// A user as the emulator stores it, in the terms the comparison needs. The per-channel lists are keyed by
/// (list, channel), each entry without its `Channel`; `PhoneConfig` is left out, being the VOICE entries' view.
#[derive(Debug, Clone, PartialEq)]
struct View {
    routing_profile: String,
    security_profiles: BTreeSet<String>,
    hierarchy_group: Option<String>,
    /// Empty when the user has none.
    identity_info: Map<String, Value>,
    channels: BTreeMap<(String, String), Map<String, Value>>,
    tags: BTreeMap<String, String>,
    proficiencies: BTreeMap<(String, String), f64>,
}

const LISTS: &[&str] = &[
    "AutoAcceptConfigs",
    "AfterContactWorkConfigs",
    "PhoneNumberConfigs",
    "PersistentConnectionConfigs",
    "VoiceEnhancementConfigs",
];

fn view(user: &Value) -> View {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let mut channels = BTreeMap::new();
    for list in LISTS {
        for entry in user[*list].as_array().into_iter().flatten() {
            let mut entry = entry.as_object().cloned().unwrap_or_default();
            let channel = entry.remove("Channel").map(|c| text(&c)).unwrap_or_default();
            channels.insert(((*list).to_owned(), channel), entry);
        }
    }
    View {
        routing_profile: text(&user["RoutingProfileId"]),
        security_profiles: user["SecurityProfileIds"].as_array().into_iter().flatten().map(text).collect(),
        hierarchy_group: user.get("HierarchyGroupId").map(text),
        identity_info: user["IdentityInfo"].as_object().cloned().unwrap_or_default(),
        channels,
        tags: user["Tags"].as_object().into_iter().flatten().map(|(k, v)| (k.clone(), text(v))).collect(),
        proficiencies: user["UserProficiencyList"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| ((text(&p["AttributeName"]), text(&p["AttributeValue"])), p["Level"].as_f64().unwrap_or(f64::NAN)))
            .collect(),
    }
}

fn acw(limit: i64) -> Value {
    json!({"AfterContactWorkTimeLimit": limit})
}

/// What the user must be after the plan of `b` (the old template `a`) on the user `before`: every setting `b`
/// sets, laid over `before`; what `b` leaves unset as it was, except what `a` set and `b` drops (tags,
/// proficiencies, the hierarchy group). docs/connect-user.md §4.6 is the rule.
fn expected(before: &View, a: &UserSpec, b: &UserSpec, owner: &OwnerTag) -> View {
    let mut user = before.clone();
    user.routing_profile = b.routing_profile.id().to_owned();
    user.security_profiles = b.security_profiles.iter().map(|s| s.id().to_owned()).collect();
    match (&b.hierarchy_group, &a.hierarchy_group) {
        (Some(group), _) => user.hierarchy_group = Some(group.id().to_owned()),
        (None, Some(_)) => user.hierarchy_group = None,
        (None, None) => {}
    }
    if let Some(info) = &b.identity_info {
        for (key, value) in [
            ("FirstName", &info.first_name),
            ("LastName", &info.last_name),
            ("Email", &info.email),
            ("SecondaryEmail", &info.secondary_email),
            ("Mobile", &info.mobile),
        ] {
            if let Some(value) = value {
                user.identity_info.insert(key.to_owned(), json!(value));
            }
        }
    }
    lay_channels(&mut user.channels, b);

    let (tags_a, tags_b) = (a.tags.clone().unwrap_or_default(), b.tags.clone().unwrap_or_default());
    user.tags.retain(|k, _| tags_b.contains_key(k) || !tags_a.contains_key(k));
    user.tags.extend(tags_b);
    // A drift that took the owner tag off gets it back in the take-over form; one that left it, keeps it.
    user.tags.entry(OWNER_TAG_KEY.to_owned()).or_insert_with(|| owner.adopted().to_owned());
    let key = |k: &cfn_connect_user::core::model::ProficiencyKey| (k.attribute_name.clone(), k.attribute_value.clone());
    let (levels_a, levels_b) =
        (a.proficiencies.clone().unwrap_or_default(), b.proficiencies.clone().unwrap_or_default());
    let dropped: BTreeSet<_> = levels_a.keys().filter(|k| !levels_b.contains_key(*k)).map(key).collect();
    user.proficiencies.retain(|k, _| !dropped.contains(k));
    user.proficiencies.extend(levels_b.iter().map(|(k, level)| (key(k), f64::from(*level))));
    user
}

/// The held entry of `channel` in `list`, new and empty if there is none.
fn slot<'a>(
    channels: &'a mut BTreeMap<(String, String), Map<String, Value>>,
    list: &str,
    channel: &str,
) -> &'a mut Map<String, Value> {
    channels.entry((list.to_owned(), channel.to_owned())).or_default()
}

/// The per-channel lists after `b`: its entries laid over the held ones field by field (an entry's unset
/// sub-fields keep the held values; a new entry's unset ACW limit is 0), and its `PhoneConfig` as VOICE entries
/// (absent `AutoAccept` false, absent ACW limit 0). Channels and lists `b` does not name keep what they hold.
fn lay_channels(channels: &mut BTreeMap<(String, String), Map<String, Value>>, b: &UserSpec) {
    let lists = &b.channels;
    for (channel, e) in lists.auto_accept.iter().flatten() {
        let held = slot(channels, "AutoAcceptConfigs", channel.as_str());
        held.insert("AutoAccept".into(), json!(e.auto_accept));
        if let Some(first) = e.agent_first_callback_auto_accept {
            held.insert("AgentFirstCallbackAutoAccept".into(), json!(first));
        }
    }
    for (channel, e) in lists.after_contact_work.iter().flatten() {
        let held = slot(channels, "AfterContactWorkConfigs", channel.as_str());
        match e.config.time_limit {
            Some(limit) => drop(held.insert("AfterContactWorkConfig".into(), acw(limit.into()))),
            None => drop(held.entry("AfterContactWorkConfig").or_insert_with(|| acw(0))),
        }
        if let Some(first) = e.agent_first_callback {
            let held_first =
                held.get("AgentFirstCallbackAfterContactWorkConfig").map(|c| c["AfterContactWorkTimeLimit"].clone());
            let limit = first.time_limit.map(|l| json!(l)).or(held_first).unwrap_or(json!(0));
            held.insert("AgentFirstCallbackAfterContactWorkConfig".into(), json!({"AfterContactWorkTimeLimit": limit}));
        }
    }
    for (channel, e) in lists.phone_number.iter().flatten() {
        let held = slot(channels, "PhoneNumberConfigs", channel.as_str());
        held.insert("PhoneType".into(), json!(e.phone_type.as_str()));
        if let Some(number) = &e.phone_number {
            held.insert("PhoneNumber".into(), json!(number));
        }
    }
    for (channel, on) in lists.persistent_connection.iter().flatten() {
        slot(channels, "PersistentConnectionConfigs", channel.as_str())
            .insert("PersistentConnection".into(), json!(on));
    }
    for (channel, mode) in lists.voice_enhancement.iter().flatten() {
        slot(channels, "VoiceEnhancementConfigs", channel.as_str())
            .insert("VoiceEnhancementMode".into(), json!(mode.as_str()));
    }
    let Some(pc) = &b.phone_config else { return };
    if lists.auto_accept.is_none() {
        slot(channels, "AutoAcceptConfigs", "VOICE")
            .insert("AutoAccept".into(), json!(pc.auto_accept.unwrap_or(false)));
    }
    if lists.after_contact_work.is_none() {
        let limit = pc.after_contact_work_time_limit.unwrap_or(0);
        slot(channels, "AfterContactWorkConfigs", "VOICE").insert("AfterContactWorkConfig".into(), acw(limit.into()));
    }
    if lists.phone_number.is_none() {
        let held = slot(channels, "PhoneNumberConfigs", "VOICE");
        if let Some(phone_type) = pc.phone_type {
            held.insert("PhoneType".into(), json!(phone_type.as_str()));
        }
        if let Some(number) = &pc.desk_phone_number {
            held.insert("PhoneNumber".into(), json!(number));
        }
    }
    if lists.persistent_connection.is_none()
        && let Some(on) = pc.persistent_connection
    {
        slot(channels, "PersistentConnectionConfigs", "VOICE").insert("PersistentConnection".into(), json!(on));
    }
}

async fn read<C: Connect>(connect: &C, arn: &UserArn) -> LiveUser {
    let mut live = connect.describe_user(arn).await.unwrap();
    live.proficiencies = Some(connect.list_proficiencies(arn).await.unwrap());
    live
}

/// The harsh emulator: creation lag, and `UpdateUserPhoneConfig` writing every channel's ACW limit.
async fn harsh_emulator() -> Emulator {
    Emulator::builder().visibility_lag(LAG).phone_config_writes_all_channels(true).start().await.unwrap()
}

fn parse(template: &Value) -> Result<UserSpec, TestCaseError> {
    props::parse(template).map_err(|e| TestCaseError::fail(format!("invalid template: {e}")))
}

/// Creates the user from `a` the way the handler does, ending the creation lag once it is seen.
async fn create<C: Connect>(connect: &C, emulator: &Emulator, a: &UserSpec, owner: &OwnerTag) -> UserArn {
    let arn = connect.create_user(&plan::new_user(a, owner)).await.unwrap();
    let hidden = connect.describe_user(&arn).await.map_err(|e| e.kind);
    assert_eq!(hidden.map(|_| ()), Err(ErrorKind::NotFound), "the creation lag is on");
    emulator.make_visible_now();
    for call in plan::after_create(a) {
        connect.apply(&arn, &call).await.unwrap();
    }
    arn
}

/// Creates from `a`, drifts, plans `b` and applies it; checks the outcome against [`expected`].
async fn converges(mut a: Value, mut b: Value, drifts: Vec<Drift>) -> Result<(), TestCaseError> {
    // DirectoryUserId cannot change in place: B keeps A's, or sets none.
    if a.get("DirectoryUserId").is_none() {
        b.as_object_mut().unwrap().remove("DirectoryUserId");
    }
    a["Username"] = json!("prop.user");
    let emulator = harsh_emulator().await;
    let connect = Retrying::new(SdkConnect::for_endpoint(&emulator.endpoint_url(), Seed::REGION), fast_backoff());
    let owner = OwnerTag::new(STACK_ID, "AgentJohnDoe");
    let (spec_a, spec_b) = (parse(&a)?, parse(&b)?);

    let arn = create(&connect, &emulator, &spec_a, &owner).await;
    // Created from A, the user already is A.
    let created = plan::plan(&spec_a, &props::old_template(&a), &read(&connect, &arn).await, &owner);
    prop_assert_eq!(created, Diff::Reconcile(vec![]), "a plan right after the create must be empty");

    let outside = outsider(&emulator);
    for drift in &drifts {
        apply_drift(&outside, &emulator, &arn, drift).await;
    }
    let before = view(&emulator.describe(arn.as_str()).unwrap());

    let Diff::Reconcile(calls) = plan::plan(&spec_b, &props::old_template(&a), &read(&connect, &arn).await, &owner)
    else {
        return Err(TestCaseError::fail("same instance and username: no replacement, nothing refused"));
    };
    for call in &calls {
        connect.apply(&arn, call).await.map_err(|e| TestCaseError::fail(format!("{call:?}: {e}")))?;
    }
    let after = view(&emulator.describe(arn.as_str()).unwrap());
    let wanted = expected(&before, &spec_a, &spec_b, &owner);
    prop_assert_eq!(&after.channels, &wanted.channels, "every channel of every list, after {:?}", calls);
    prop_assert_eq!(&after, &wanted, "after {:?}", calls);

    let second = plan::plan(&spec_b, &props::old_template(&b), &read(&connect, &arn).await, &owner);
    prop_assert_eq!(second, Diff::Reconcile(vec![]), "a second plan must be empty");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn after_drift_the_plan_makes_live_equal_desired_on_every_channel(
        a in template(),
        b in template(),
        drifts in prop::collection::vec(drift(), 0..6),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(converges(a, b, drifts))?;
    }
}

/// The comparison on every channel is what catches `UpdateUserPhoneConfig`: a plan that changed the VOICE limit
/// through it would also rewrite CHAT's, which B never mentions, and no second plan would notice.
#[tokio::test]
async fn the_every_channel_check_catches_update_user_phone_config() {
    let emulator = harsh_emulator().await;
    let connect = Retrying::new(SdkConnect::for_endpoint(&emulator.endpoint_url(), Seed::REGION), fast_backoff());
    let owner = OwnerTag::new(STACK_ID, "AgentJohnDoe");
    let base = json!({
        "InstanceArn": INSTANCE,
        "Username": "prop.user",
        "RoutingProfileArn": format!("{INSTANCE}/routing-profile/{}", Seed::ROUTING_PROFILE_1),
        "SecurityProfileArns": [format!("{INSTANCE}/security-profile/{}", Seed::SECURITY_PROFILE_AGENT)],
    });
    let mut a = base.clone();
    a["AfterContactWorkConfigs"] =
        json!([{"Channel": "CHAT", "AfterContactWorkConfig": {"AfterContactWorkTimeLimit": "30"}}]);
    let mut b = base;
    b["PhoneConfig"] = json!({"PhoneType": "SOFT_PHONE", "AfterContactWorkTimeLimit": "120"});
    let (spec_a, spec_b) = (props::parse(&a).unwrap(), props::parse(&b).unwrap());
    let arn = create(&connect, &emulator, &spec_a, &owner).await;
    let before = view(&emulator.describe(arn.as_str()).unwrap());
    let wanted = expected(&before, &spec_a, &spec_b, &owner);
    let chat = ("AfterContactWorkConfigs".to_owned(), "CHAT".to_owned());
    assert_eq!(
        wanted.channels[&chat],
        json!({"AfterContactWorkConfig": {"AfterContactWorkTimeLimit": 30}}).as_object().cloned().unwrap()
    );

    // What a plan through UpdateUserPhoneConfig would do:
    let config = sdk::UserPhoneConfig::builder()
        .phone_type(sdk::PhoneType::SoftPhone)
        .auto_accept(false)
        .after_contact_work_time_limit(120)
        .build();
    outsider(&emulator)
        .update_user_phone_config()
        .instance_id(arn.instance().id())
        .user_id(arn.user_id())
        .phone_config(config)
        .send()
        .await
        .unwrap();
    let clobbered = view(&emulator.describe(arn.as_str()).unwrap());
    assert_ne!(clobbered.channels, wanted.channels, "the check sees CHAT rewritten");
    assert_eq!(clobbered.channels[&chat]["AfterContactWorkConfig"]["AfterContactWorkTimeLimit"], json!(120));
    // ... and no second plan would: B does not mention CHAT.
    let second = plan::plan(&spec_b, &props::old_template(&b), &read(&connect, &arn).await, &owner);
    assert_eq!(second, Diff::Reconcile(vec![]));
}
