//! Unit tests of the update plan: what differs → which calls, in which order.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;

use super::*;
use crate::core::arn::{ResourceKind, UserArn};
use crate::core::model::{Named, PhoneType, VoiceEnhancementMode};

const INSTANCE: &str = "arn:aws:connect:us-east-1:123456789012:instance/a1b2c3d4-0000-4000-8000-000000000001";
const OTHER_INSTANCE: &str = "arn:aws:connect:us-east-1:123456789012:instance/a1b2c3d4-0000-4000-8000-000000000002";
const STACK: &str = "arn:aws:cloudformation:us-east-1:123456789012:stack/s/stack-guid";

fn owner() -> OwnerTag {
    OwnerTag::new(STACK, "MyUser")
}

fn instance() -> InstanceArn {
    InstanceArn::parse(INSTANCE).unwrap()
}

fn rp(id: &str) -> ResourceArn {
    instance().child(ResourceKind::RoutingProfile, id)
}

fn sp(id: &str) -> ResourceArn {
    instance().child(ResourceKind::SecurityProfile, id)
}

fn group(id: &str) -> ResourceArn {
    instance().child(ResourceKind::AgentGroup, id)
}

fn key(name: &str, value: &str) -> ProficiencyKey {
    ProficiencyKey { attribute_name: name.to_owned(), attribute_value: value.to_owned() }
}

fn tags(pairs: &[(&str, &str)]) -> Tags {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn spec() -> UserSpec {
    UserSpec {
        instance: instance(),
        username: "john.doe".to_owned(),
        password: None,
        routing_profile: rp("rp-1"),
        security_profiles: vec![sp("sp-1")],
        directory_user_id: None,
        hierarchy_group: None,
        named: Named::default(),
        traffic_distribution_groups: None,
        identity_info: None,
        phone_config: None,
        channels: ChannelConfigs::default(),
        proficiencies: None,
        tags: None,
        adopt_existing: false,
        password_secret: None,
    }
}

fn voice<T>(entry: T) -> Option<BTreeMap<Channel, T>> {
    Some(BTreeMap::from([(Channel::Voice, entry)]))
}

/// Connect's state after `CreateUser(new_user(spec))` and `after_create(spec)`, as `DescribeUser` (plus
/// `ListUserProficiencies`) shows it. `PhoneConfig` is the VOICE channel's view of the per-channel settings.
/// Panics when the request is one Connect would reject (a `PhoneConfig` field sent with its counterpart list).
fn created(spec: &UserSpec) -> LiveUser {
    let new = new_user(spec, &owner());
    let ch = &new.channels;
    let mut aa = BTreeMap::from([(
        Channel::Voice,
        AutoAcceptConfig { auto_accept: false, agent_first_callback_auto_accept: None },
    )]);
    let mut acw = BTreeMap::from([(
        Channel::Voice,
        AfterContactWorkPerChannel {
            config: AfterContactWorkConfig { time_limit: Some(0) },
            agent_first_callback: None,
        },
    )]);
    let mut numbers =
        BTreeMap::from([(Channel::Voice, PhoneNumberConfig { phone_type: PhoneType::SoftPhone, phone_number: None })]);
    let mut persistent = BTreeMap::from([(Channel::Voice, false)]);
    let mut enhancement = BTreeMap::new();
    if let Some(pc) = &new.phone_config {
        // The SDK always sends PhoneType, and leaves out AutoAccept = false and a 0 ACW limit.
        assert!(ch.phone_number.is_none(), "PhoneType sent with PhoneNumberConfigs: {new:?}");
        assert!(!(pc.auto_accept == Some(true) && ch.auto_accept.is_some()), "AutoAccept conflict: {new:?}");
        assert!(
            !(pc.after_contact_work_time_limit.is_some_and(|l| l != 0) && ch.after_contact_work.is_some()),
            "ACW conflict: {new:?}"
        );
        assert!(!(pc.persistent_connection.is_some() && ch.persistent_connection.is_some()), "{new:?}");
        numbers.insert(
            Channel::Voice,
            PhoneNumberConfig {
                phone_type: pc.phone_type.unwrap_or_default(),
                phone_number: pc.desk_phone_number.clone(),
            },
        );
        if let Some(a) = pc.auto_accept {
            aa.insert(Channel::Voice, AutoAcceptConfig { auto_accept: a, agent_first_callback_auto_accept: None });
        }
        if let Some(l) = pc.after_contact_work_time_limit {
            acw.insert(
                Channel::Voice,
                AfterContactWorkPerChannel {
                    config: AfterContactWorkConfig { time_limit: Some(l) },
                    agent_first_callback: None,
                },
            );
        }
        if let Some(p) = pc.persistent_connection {
            persistent.insert(Channel::Voice, p);
        }
    }
    aa.extend(ch.auto_accept.clone().unwrap_or_default());
    acw.extend(ch.after_contact_work.clone().unwrap_or_default());
    numbers.extend(ch.phone_number.clone().unwrap_or_default());
    persistent.extend(ch.persistent_connection.clone().unwrap_or_default());
    enhancement.extend(ch.voice_enhancement.clone().unwrap_or_default());
    let phone_config = PhoneConfig {
        phone_type: Some(numbers[&Channel::Voice].phone_type),
        auto_accept: Some(aa[&Channel::Voice].auto_accept),
        after_contact_work_time_limit: Some(acw[&Channel::Voice].config.time_limit.unwrap_or(0)),
        desk_phone_number: numbers[&Channel::Voice].phone_number.clone(),
        persistent_connection: Some(persistent[&Channel::Voice]),
    };
    LiveUser {
        arn: UserArn::new(&new.instance, "u-1"),
        username: new.username,
        routing_profile: new.routing_profile,
        security_profiles: new.security_profiles,
        directory_user_id: new.directory_user_id,
        hierarchy_group: new.hierarchy_group,
        identity_info: new.identity_info.unwrap_or_default(),
        phone_config,
        channels: ChannelConfigs {
            auto_accept: Some(aa),
            after_contact_work: Some(acw),
            phone_number: Some(numbers),
            persistent_connection: Some(persistent),
            voice_enhancement: Some(enhancement),
        },
        proficiencies: Some(spec.proficiencies.clone().unwrap_or_default()),
        tags: new.tags,
        traffic_distribution_groups: spec
            .traffic_distribution_groups
            .as_ref()
            .map(|groups| groups.iter().cloned().collect()),
    }
}

fn calls(desired: &UserSpec, old: &OldTemplate, live: &LiveUser) -> Vec<Call> {
    match plan(desired, old, live, &owner()) {
        Diff::Reconcile(calls) => calls,
        other => panic!("expected Reconcile, got {other:?}"),
    }
}

#[test]
fn a_template_that_matches_the_live_user_makes_no_call() {
    let s = spec();
    assert_eq!(plan(&s, &OldTemplate::default(), &created(&s), &owner()), Diff::Reconcile(vec![]));
}

#[test]
fn another_username_or_instance_replaces_the_user() {
    let live = created(&spec());
    let renamed = UserSpec { username: "jane.doe".to_owned(), ..spec() };
    assert_eq!(plan(&renamed, &OldTemplate::default(), &live, &owner()), Diff::Replace);

    let other = InstanceArn::parse(OTHER_INSTANCE).unwrap();
    let moved = UserSpec {
        instance: other.clone(),
        routing_profile: other.child(ResourceKind::RoutingProfile, "rp-1"),
        security_profiles: vec![other.child(ResourceKind::SecurityProfile, "sp-1")],
        ..spec()
    };
    assert_eq!(plan(&moved, &OldTemplate::default(), &live, &owner()), Diff::Replace);
}

#[test]
fn replacement_wins_over_a_directory_user_id_change() {
    let live = LiveUser { directory_user_id: Some("a".to_owned()), ..created(&spec()) };
    let s = UserSpec { username: "jane.doe".to_owned(), directory_user_id: Some("b".to_owned()), ..spec() };
    assert_eq!(plan(&s, &OldTemplate::default(), &live, &owner()), Diff::Replace);
}

#[test]
fn a_directory_user_id_change_is_refused_with_the_way_out() {
    let live = LiveUser { directory_user_id: Some("a".to_owned()), ..created(&spec()) };
    let s = UserSpec { directory_user_id: Some("b".to_owned()), ..spec() };
    let Diff::Refuse(reason) = plan(&s, &OldTemplate::default(), &live, &owner()) else { panic!("not refused") };
    assert_eq!(
        reason,
        "DirectoryUserId cannot be changed in place (Connect has \"a\", the template asks for \"b\"); \
         change Username too to replace the user"
    );
    // A template that does not set it leaves Connect's value alone.
    assert_eq!(calls(&spec(), &OldTemplate::default(), &live), vec![]);
}

#[test]
fn identity_info_lays_the_template_over_the_live_object() {
    let mut live = created(&spec());
    live.identity_info = IdentityInfo {
        first_name: Some("John".to_owned()),
        email: Some("john@example.com".to_owned()),
        mobile: Some("+14255550100".to_owned()),
        ..IdentityInfo::default()
    };
    let same = UserSpec {
        identity_info: Some(IdentityInfo { first_name: Some("John".to_owned()), ..IdentityInfo::default() }),
        ..spec()
    };
    assert_eq!(calls(&same, &OldTemplate::default(), &live), vec![]);

    let s = UserSpec {
        identity_info: Some(IdentityInfo {
            first_name: Some("Johnny".to_owned()),
            last_name: Some("Doe".to_owned()),
            ..IdentityInfo::default()
        }),
        ..spec()
    };
    assert_eq!(
        calls(&s, &OldTemplate::default(), &live),
        vec![Call::UpdateIdentityInfo(IdentityInfo {
            first_name: Some("Johnny".to_owned()),
            last_name: Some("Doe".to_owned()),
            email: Some("john@example.com".to_owned()),
            secondary_email: None,
            mobile: Some("+14255550100".to_owned()),
        })]
    );
}

/// A live user with voice settings everywhere, and CHAT and TASK settings of their own.
fn with_voice_and_chat() -> LiveUser {
    let mut live = created(&spec());
    live.phone_config = PhoneConfig {
        phone_type: Some(PhoneType::DeskPhone),
        auto_accept: Some(true),
        after_contact_work_time_limit: Some(120),
        desk_phone_number: Some("+14255550100".to_owned()),
        persistent_connection: Some(true),
    };
    live.channels.auto_accept = Some(BTreeMap::from([
        (Channel::Voice, AutoAcceptConfig { auto_accept: true, agent_first_callback_auto_accept: Some(true) }),
        (Channel::Chat, AutoAcceptConfig { auto_accept: true, agent_first_callback_auto_accept: None }),
    ]));
    let acw = |limit: i32, callback: Option<i32>| AfterContactWorkPerChannel {
        config: AfterContactWorkConfig { time_limit: Some(limit) },
        agent_first_callback: callback.map(|l| AfterContactWorkConfig { time_limit: Some(l) }),
    };
    live.channels.after_contact_work = Some(BTreeMap::from([
        (Channel::Voice, acw(120, Some(10))),
        (Channel::Chat, acw(300, None)),
        (Channel::Task, acw(600, None)),
    ]));
    live.channels.phone_number =
        voice(PhoneNumberConfig { phone_type: PhoneType::DeskPhone, phone_number: Some("+14255550100".to_owned()) });
    live.channels.persistent_connection = voice(true);
    live
}

#[test]
fn phone_config_absent_auto_accept_and_limit_count_as_false_and_zero() {
    let live = with_voice_and_chat();
    // PhoneType, persistent connection and desk number unset: not compared, not sent. The VOICE entries keep
    // what the template does not set (the agent-first callback settings); CHAT and TASK are not written.
    let s = UserSpec { phone_config: Some(PhoneConfig::default()), ..spec() };
    assert_eq!(
        calls(&s, &OldTemplate::default(), &live),
        vec![Call::UpdateUserConfig(ChannelConfigs {
            auto_accept: voice(AutoAcceptConfig { auto_accept: false, agent_first_callback_auto_accept: Some(true) }),
            after_contact_work: voice(AfterContactWorkPerChannel {
                config: AfterContactWorkConfig { time_limit: Some(0) },
                agent_first_callback: Some(AfterContactWorkConfig { time_limit: Some(10) }),
            }),
            ..ChannelConfigs::default()
        })]
    );
}

#[test]
fn phone_config_is_sent_as_voice_entries_of_what_differs() {
    let live = created(&spec());
    let s = UserSpec {
        phone_config: Some(PhoneConfig {
            phone_type: Some(PhoneType::DeskPhone),
            auto_accept: Some(false),
            after_contact_work_time_limit: Some(0),
            desk_phone_number: Some("+14255550100".to_owned()),
            persistent_connection: Some(false),
        }),
        ..spec()
    };
    assert_eq!(
        calls(&s, &OldTemplate::default(), &live),
        vec![Call::UpdateUserConfig(ChannelConfigs {
            phone_number: voice(PhoneNumberConfig {
                phone_type: PhoneType::DeskPhone,
                phone_number: Some("+14255550100".to_owned()),
            }),
            ..ChannelConfigs::default()
        })]
    );
    // Persistent connection and desk number are compared when set; a desk number alone keeps the live type.
    let persistent = UserSpec {
        phone_config: Some(PhoneConfig { persistent_connection: Some(true), ..PhoneConfig::default() }),
        ..spec()
    };
    assert_eq!(
        calls(&persistent, &OldTemplate::default(), &live),
        vec![Call::UpdateUserConfig(ChannelConfigs {
            persistent_connection: voice(true),
            ..ChannelConfigs::default()
        })]
    );
    let desk = UserSpec {
        phone_config: Some(PhoneConfig {
            desk_phone_number: Some("+14255550199".to_owned()),
            ..PhoneConfig::default()
        }),
        ..spec()
    };
    let mut desk_live = with_voice_and_chat();
    desk_live.channels.auto_accept =
        voice(AutoAcceptConfig { auto_accept: false, agent_first_callback_auto_accept: None });
    desk_live.channels.after_contact_work = voice(AfterContactWorkPerChannel {
        config: AfterContactWorkConfig { time_limit: Some(0) },
        agent_first_callback: None,
    });
    assert_eq!(
        calls(&desk, &OldTemplate::default(), &desk_live),
        vec![Call::UpdateUserConfig(ChannelConfigs {
            phone_number: voice(PhoneNumberConfig {
                phone_type: PhoneType::DeskPhone,
                phone_number: Some("+14255550199".to_owned()),
            }),
            ..ChannelConfigs::default()
        })]
    );
}

#[test]
fn a_phone_config_change_never_writes_another_channel() {
    let live = with_voice_and_chat();
    let s = UserSpec {
        phone_config: Some(PhoneConfig {
            auto_accept: Some(true),
            after_contact_work_time_limit: Some(45),
            ..PhoneConfig::default()
        }),
        ..spec()
    };
    assert_eq!(
        calls(&s, &OldTemplate::default(), &live),
        vec![Call::UpdateUserConfig(ChannelConfigs {
            after_contact_work: voice(AfterContactWorkPerChannel {
                config: AfterContactWorkConfig { time_limit: Some(45) },
                agent_first_callback: Some(AfterContactWorkConfig { time_limit: Some(10) }),
            }),
            ..ChannelConfigs::default()
        })]
    );
}

#[test]
fn voice_settings_reported_only_in_phone_config_are_compared_there() {
    let mut live = created(&spec());
    live.channels = ChannelConfigs {
        auto_accept: Some(BTreeMap::new()),
        after_contact_work: Some(BTreeMap::new()),
        phone_number: Some(BTreeMap::new()),
        persistent_connection: Some(BTreeMap::new()),
        voice_enhancement: Some(BTreeMap::new()),
    };
    live.phone_config = PhoneConfig {
        phone_type: Some(PhoneType::SoftPhone),
        auto_accept: Some(true),
        after_contact_work_time_limit: Some(60),
        desk_phone_number: None,
        persistent_connection: Some(false),
    };
    let same = UserSpec {
        phone_config: Some(PhoneConfig {
            phone_type: Some(PhoneType::SoftPhone),
            auto_accept: Some(true),
            after_contact_work_time_limit: Some(60),
            desk_phone_number: None,
            persistent_connection: Some(false),
        }),
        ..spec()
    };
    assert_eq!(calls(&same, &OldTemplate::default(), &live), vec![]);
}

#[test]
fn a_phone_config_without_phone_type_or_desk_number_never_sets_a_phone_type() {
    // A user Connect reports with no phone type at all.
    let mut live = created(&spec());
    live.phone_config.phone_type = None;
    live.phone_config.desk_phone_number = None;
    live.channels.phone_number = Some(BTreeMap::new());
    let s =
        UserSpec { phone_config: Some(PhoneConfig { auto_accept: Some(true), ..PhoneConfig::default() }), ..spec() };
    assert_eq!(
        calls(&s, &OldTemplate::default(), &live),
        vec![Call::UpdateUserConfig(ChannelConfigs {
            auto_accept: voice(AutoAcceptConfig { auto_accept: true, agent_first_callback_auto_accept: None }),
            ..ChannelConfigs::default()
        })]
    );
}

#[test]
fn phone_config_fields_with_a_per_channel_counterpart_are_not_compared() {
    let live = with_voice_and_chat();
    let mut channels = live.channels.clone();
    channels.voice_enhancement = None;
    channels.after_contact_work = None;
    let mut s = UserSpec { phone_config: Some(PhoneConfig::default()), channels, ..spec() };
    s.phone_config = Some(PhoneConfig { after_contact_work_time_limit: Some(120), ..PhoneConfig::default() });
    // Only the ACW limit is compared; it matches.
    assert_eq!(calls(&s, &OldTemplate::default(), &live), vec![]);

    s.phone_config = Some(PhoneConfig { after_contact_work_time_limit: Some(30), ..PhoneConfig::default() });
    assert_eq!(
        calls(&s, &OldTemplate::default(), &live),
        vec![Call::UpdateUserConfig(ChannelConfigs {
            after_contact_work: voice(AfterContactWorkPerChannel {
                config: AfterContactWorkConfig { time_limit: Some(30) },
                agent_first_callback: Some(AfterContactWorkConfig { time_limit: Some(10) }),
            }),
            ..ChannelConfigs::default()
        })]
    );
}

#[test]
fn per_channel_lists_compare_per_channel_and_only_set_fields() {
    let mut live = created(&spec());
    live.channels.auto_accept = Some(BTreeMap::from([
        (Channel::Voice, AutoAcceptConfig { auto_accept: true, agent_first_callback_auto_accept: Some(true) }),
        (Channel::Chat, AutoAcceptConfig { auto_accept: false, agent_first_callback_auto_accept: None }),
    ]));
    live.channels.after_contact_work = voice(AfterContactWorkPerChannel {
        config: AfterContactWorkConfig { time_limit: Some(60) },
        agent_first_callback: Some(AfterContactWorkConfig { time_limit: Some(10) }),
    });
    live.channels.phone_number =
        voice(PhoneNumberConfig { phone_type: PhoneType::DeskPhone, phone_number: Some("+14255550100".to_owned()) });
    // Sub-fields the template leaves unset, and channels it does not list, are not compared.
    let mut s = spec();
    s.channels.auto_accept = voice(AutoAcceptConfig { auto_accept: true, agent_first_callback_auto_accept: None });
    s.channels.after_contact_work = voice(AfterContactWorkPerChannel {
        config: AfterContactWorkConfig { time_limit: None },
        agent_first_callback: None,
    });
    s.channels.phone_number = voice(PhoneNumberConfig { phone_type: PhoneType::DeskPhone, phone_number: None });
    assert_eq!(calls(&s, &OldTemplate::default(), &live), vec![]);

    // One list differs on one channel, another lacks a channel: only those channels go, filled from live; the
    // channels that match (CHAT) and the lists that match stay out.
    s.channels.auto_accept = Some(BTreeMap::from([
        (Channel::Voice, AutoAcceptConfig { auto_accept: false, agent_first_callback_auto_accept: None }),
        (Channel::Chat, AutoAcceptConfig { auto_accept: false, agent_first_callback_auto_accept: None }),
    ]));
    s.channels.voice_enhancement = Some(BTreeMap::from([(Channel::Voice, VoiceEnhancementMode::NoiseSuppression)]));
    assert_eq!(
        calls(&s, &OldTemplate::default(), &live),
        vec![Call::UpdateUserConfig(ChannelConfigs {
            auto_accept: voice(AutoAcceptConfig { auto_accept: false, agent_first_callback_auto_accept: Some(true) }),
            voice_enhancement: Some(BTreeMap::from([(Channel::Voice, VoiceEnhancementMode::NoiseSuppression)])),
            ..ChannelConfigs::default()
        })]
    );

    // A set sub-field that differs sends the list with the unset ones filled from live.
    let mut s = spec();
    s.channels.after_contact_work = voice(AfterContactWorkPerChannel {
        config: AfterContactWorkConfig { time_limit: Some(90) },
        agent_first_callback: None,
    });
    s.channels.phone_number = voice(PhoneNumberConfig { phone_type: PhoneType::SoftPhone, phone_number: None });
    assert_eq!(
        calls(&s, &OldTemplate::default(), &live),
        vec![Call::UpdateUserConfig(ChannelConfigs {
            after_contact_work: voice(AfterContactWorkPerChannel {
                config: AfterContactWorkConfig { time_limit: Some(90) },
                agent_first_callback: Some(AfterContactWorkConfig { time_limit: Some(10) }),
            }),
            phone_number: voice(PhoneNumberConfig {
                phone_type: PhoneType::SoftPhone,
                phone_number: Some("+14255550100".to_owned()),
            }),
            ..ChannelConfigs::default()
        })]
    );
}

#[test]
fn routing_profile_is_compared_by_id() {
    let live = created(&spec());
    let s = UserSpec { routing_profile: rp("rp-2"), ..spec() };
    assert_eq!(calls(&s, &OldTemplate::default(), &live), vec![Call::UpdateRoutingProfile(rp("rp-2"))]);
}

#[test]
fn hierarchy_group_is_set_changed_and_removed_only_when_the_old_template_set_it() {
    let none = created(&spec());
    let in_group = LiveUser { hierarchy_group: Some(group("g-1")), ..created(&spec()) };
    let set = UserSpec { hierarchy_group: Some(group("g-1")), ..spec() };
    let changed = UserSpec { hierarchy_group: Some(group("g-2")), ..spec() };
    let old_set = OldTemplate { hierarchy_group: true, ..OldTemplate::default() };

    assert_eq!(calls(&set, &OldTemplate::default(), &none), vec![Call::UpdateHierarchy(Some(group("g-1")))]);
    assert_eq!(calls(&set, &old_set, &in_group), vec![]);
    assert_eq!(calls(&changed, &old_set, &in_group), vec![Call::UpdateHierarchy(Some(group("g-2")))]);
    assert_eq!(calls(&spec(), &old_set, &in_group), vec![Call::UpdateHierarchy(None)]);
    // A group set outside the stack, never by the template, stays.
    assert_eq!(calls(&spec(), &OldTemplate::default(), &in_group), vec![]);
    assert_eq!(calls(&spec(), &old_set, &none), vec![]);
}

#[test]
fn security_profiles_are_compared_as_sets() {
    let live = created(&spec());
    // Adding one without removing any updates (the native handler's containsAll missed it).
    let added = UserSpec { security_profiles: vec![sp("sp-1"), sp("sp-2")], ..spec() };
    assert_eq!(
        calls(&added, &OldTemplate::default(), &live),
        vec![Call::UpdateSecurityProfiles(vec![sp("sp-1"), sp("sp-2")])]
    );
    let two = created(&added);
    let reordered = UserSpec { security_profiles: vec![sp("sp-2"), sp("sp-1")], ..spec() };
    assert_eq!(calls(&reordered, &OldTemplate::default(), &two), vec![]);
    assert_eq!(calls(&spec(), &OldTemplate::default(), &two), vec![Call::UpdateSecurityProfiles(vec![sp("sp-1")])]);
}

#[test]
fn proficiencies_are_dropped_updated_and_added_while_outside_ones_survive() {
    let mut live = created(&spec());
    live.proficiencies = Some(Proficiencies::from([
        (key("skill", "dropped"), 1.0),
        (key("skill", "kept"), 2.0),
        (key("skill", "changed"), 3.0),
        (key("skill", "outside"), 4.0),
    ]));
    let s = UserSpec {
        proficiencies: Some(Proficiencies::from([
            (key("skill", "kept"), 2.0),
            (key("skill", "changed"), 4.5),
            (key("skill", "new"), 1.5),
        ])),
        ..spec()
    };
    let old = OldTemplate {
        proficiency_keys: vec![
            key("skill", "dropped"),
            key("skill", "kept"),
            key("skill", "changed"),
            key("skill", "gone-already"),
        ],
        ..OldTemplate::default()
    };
    assert_eq!(
        calls(&s, &old, &live),
        vec![
            Call::DisassociateProficiencies(vec![key("skill", "dropped")]),
            Call::UpdateProficiencies(Proficiencies::from([(key("skill", "changed"), 4.5)])),
            Call::AssociateProficiencies(Proficiencies::from([(key("skill", "new"), 1.5)])),
        ]
    );
    // A template that stops setting proficiencies drops the old template's, not the outside ones.
    assert_eq!(
        calls(&spec(), &old, &live),
        vec![Call::DisassociateProficiencies(vec![
            key("skill", "changed"),
            key("skill", "dropped"),
            key("skill", "kept"),
        ])]
    );
    // Not read (neither template has any): nothing to do.
    live.proficiencies = None;
    assert_eq!(calls(&spec(), &OldTemplate::default(), &live), vec![]);
}

#[test]
fn tags_drop_the_old_templates_keys_set_changes_and_ensure_the_owner_tag() {
    let mut live = created(&spec());
    live.tags =
        tags(&[("dropped", "1"), ("kept", "2"), ("changed", "3"), ("outside", "4"), (OWNER_TAG_KEY, owner().plain())]);
    let s = UserSpec { tags: Some(tags(&[("kept", "2"), ("changed", "30"), ("new", "5")])), ..spec() };
    let old = OldTemplate {
        tag_keys: vec!["dropped".into(), "kept".into(), "changed".into(), "gone".into(), OWNER_TAG_KEY.into()],
        ..OldTemplate::default()
    };
    assert_eq!(
        calls(&s, &old, &live),
        vec![Call::Untag(vec!["dropped".to_owned()]), Call::Tag(tags(&[("changed", "30"), ("new", "5")]))]
    );

    // The take-over form counts as ours too: nothing to add.
    let kept = UserSpec { tags: Some(tags(&[("kept", "2")])), ..spec() };
    live.tags = tags(&[("kept", "2"), (OWNER_TAG_KEY, owner().adopted())]);
    assert_eq!(calls(&kept, &OldTemplate::default(), &live), vec![]);

    // Adoption: a user with no owner tag gets ours through TagResource, in the take-over form: only CreateUser
    // writes the plain one.
    live.tags = tags(&[("kept", "2")]);
    assert_eq!(
        calls(&kept, &OldTemplate::default(), &live),
        vec![Call::Tag(tags(&[(OWNER_TAG_KEY, owner().adopted())]))]
    );
}

#[test]
fn a_user_another_resource_owns_is_refused_before_any_call_or_replacement() {
    let mut live = created(&spec());
    live.tags = tags(&[("team", "a"), (OWNER_TAG_KEY, "other-guid/OtherUser")]);
    let Diff::Refuse(reason) = plan(&spec(), &OldTemplate::default(), &live, &owner()) else { panic!("not refused") };
    assert_eq!(
        reason,
        format!(
            "the user {arn} was handed over to another stack or logical resource (its {OWNER_TAG_KEY} tag is \
             \"other-guid/OtherUser\", this resource's is \"{plain}\"), so this resource no longer changes it; \
             remove the resource from the template (its Delete leaves the user in place), or take the user back by \
             removing that tag: aws connect untag-resource --resource-arn {arn} --tag-keys {OWNER_TAG_KEY}",
            arn = live.arn,
            plain = owner().plain()
        )
    );
    // Whatever else the template changes: no write, not even a replacement's CreateUser.
    let renamed = UserSpec { username: "jane.doe".to_owned(), tags: Some(tags(&[("team", "b")])), ..spec() };
    assert!(matches!(plan(&renamed, &OldTemplate::default(), &live, &owner()), Diff::Refuse(_)));
}

#[test]
fn a_change_in_every_family_gives_the_calls_in_the_specs_order() {
    let old_spec = UserSpec {
        hierarchy_group: Some(group("g-1")),
        proficiencies: Some(Proficiencies::from([(key("lang", "fr"), 2.0), (key("lang", "de"), 3.0)])),
        tags: Some(tags(&[("team", "a"), ("cost", "1")])),
        ..spec()
    };
    let live = created(&old_spec);
    let old = OldTemplate {
        tag_keys: vec!["team".into(), "cost".into()],
        proficiency_keys: vec![key("lang", "fr"), key("lang", "de")],
        hierarchy_group: true,
        password: None,
        traffic_distribution_groups: Vec::new(),
    };
    let new = UserSpec {
        identity_info: Some(IdentityInfo { first_name: Some("John".to_owned()), ..IdentityInfo::default() }),
        phone_config: Some(PhoneConfig { auto_accept: Some(true), ..PhoneConfig::default() }),
        channels: ChannelConfigs {
            voice_enhancement: voice(VoiceEnhancementMode::VoiceIsolation),
            ..ChannelConfigs::default()
        },
        routing_profile: rp("rp-2"),
        hierarchy_group: None,
        security_profiles: vec![sp("sp-2")],
        proficiencies: Some(Proficiencies::from([(key("lang", "de"), 5.0), (key("lang", "es"), 1.0)])),
        tags: Some(tags(&[("team", "b")])),
        ..spec()
    };
    let got: Vec<&str> = calls(&new, &old, &live).iter().map(Call::operation).collect();
    assert_eq!(
        got,
        [
            "UpdateUserIdentityInfo",
            "UpdateUserConfig",
            "UpdateUserRoutingProfile",
            "UpdateUserHierarchy",
            "UpdateUserSecurityProfiles",
            "DisassociateUserProficiencies",
            "UpdateUserProficiencies",
            "AssociateUserProficiencies",
            "UntagResource",
            "TagResource",
        ]
    );
}

#[test]
fn new_user_adds_the_owner_tag_and_passes_the_template_through() {
    let s = UserSpec {
        phone_config: Some(PhoneConfig { auto_accept: Some(true), ..PhoneConfig::default() }),
        channels: ChannelConfigs {
            after_contact_work: voice(AfterContactWorkPerChannel {
                config: AfterContactWorkConfig { time_limit: Some(30) },
                agent_first_callback: None,
            }),
            ..ChannelConfigs::default()
        },
        tags: Some(tags(&[("team", "a"), (OWNER_TAG_KEY, "forged")])),
        ..spec()
    };
    let new = new_user(&s, &owner());
    assert_eq!(new.phone_config, s.phone_config);
    assert_eq!(new.channels, s.channels);
    assert_eq!(new.tags, tags(&[("team", "a"), (OWNER_TAG_KEY, owner().plain())]));
    assert_eq!(new_user(&spec(), &owner()).tags, tags(&[(OWNER_TAG_KEY, owner().plain())]));
}

#[test]
fn new_user_folds_phone_config_into_voice_entries_when_phone_numbers_are_per_channel() {
    let numbers =
        voice(PhoneNumberConfig { phone_type: PhoneType::DeskPhone, phone_number: Some("+14255550100".into()) });
    let s = UserSpec {
        phone_config: Some(PhoneConfig {
            auto_accept: Some(true),
            after_contact_work_time_limit: Some(120),
            persistent_connection: Some(true),
            ..PhoneConfig::default()
        }),
        channels: ChannelConfigs {
            phone_number: numbers.clone(),
            auto_accept: None,
            voice_enhancement: voice(VoiceEnhancementMode::None),
            ..ChannelConfigs::default()
        },
        ..spec()
    };
    let new = new_user(&s, &owner());
    assert_eq!(new.phone_config, None);
    assert_eq!(
        new.channels,
        ChannelConfigs {
            auto_accept: voice(AutoAcceptConfig { auto_accept: true, agent_first_callback_auto_accept: None }),
            after_contact_work: voice(AfterContactWorkPerChannel {
                config: AfterContactWorkConfig { time_limit: Some(120) },
                agent_first_callback: None,
            }),
            phone_number: numbers,
            persistent_connection: voice(true),
            voice_enhancement: voice(VoiceEnhancementMode::None),
        }
    );
    // What Connect then holds matches the template.
    assert_eq!(plan(&s, &OldTemplate::default(), &created(&s), &owner()), Diff::Reconcile(vec![]));
}

#[test]
fn after_create_associates_proficiencies_only_when_there_are_some() {
    assert_eq!(after_create(&spec()), vec![]);
    assert_eq!(after_create(&UserSpec { proficiencies: Some(Proficiencies::new()), ..spec() }), vec![]);
    let p = Proficiencies::from([(key("lang", "fr"), 2.5)]);
    assert_eq!(
        after_create(&UserSpec { proficiencies: Some(p.clone()), ..spec() }),
        vec![Call::AssociateProficiencies(p)]
    );
}

fn channel_map<T: std::fmt::Debug>(entry: impl Strategy<Value = T>) -> impl Strategy<Value = BTreeMap<Channel, T>> {
    prop::collection::btree_map(prop::sample::select(Channel::ALL.to_vec()), entry, 0..=4)
}

fn phone_number() -> impl Strategy<Value = String> {
    "\\+[1-9][0-9]{1,5}"
}

fn channels() -> impl Strategy<Value = ChannelConfigs> {
    let phone_type = prop::sample::select(PhoneType::ALL.to_vec());
    let acw = (prop::option::of(0..300i32)).prop_map(|time_limit| AfterContactWorkConfig { time_limit });
    (
        prop::option::of(channel_map(
            (any::<bool>(), prop::option::of(any::<bool>()))
                .prop_map(|(a, f)| AutoAcceptConfig { auto_accept: a, agent_first_callback_auto_accept: f }),
        )),
        prop::option::of(channel_map(
            (acw.clone(), prop::option::of(acw))
                .prop_map(|(config, agent_first_callback)| AfterContactWorkPerChannel { config, agent_first_callback }),
        )),
        prop::option::of(channel_map(
            (phone_type, prop::option::of(phone_number()))
                .prop_map(|(phone_type, phone_number)| PhoneNumberConfig { phone_type, phone_number }),
        )),
        prop::option::of(channel_map(any::<bool>())),
        prop::option::of(channel_map(prop::sample::select(VoiceEnhancementMode::ALL.to_vec()))),
    )
        .prop_map(|(auto_accept, after_contact_work, phone_number, persistent_connection, voice_enhancement)| {
            ChannelConfigs { auto_accept, after_contact_work, phone_number, persistent_connection, voice_enhancement }
        })
}

fn phone_config() -> impl Strategy<Value = PhoneConfig> {
    (
        prop::option::of(prop::sample::select(PhoneType::ALL.to_vec())),
        prop::option::of(any::<bool>()),
        prop::option::of(0..300i32),
        prop::option::of(phone_number()),
        prop::option::of(any::<bool>()),
    )
        .prop_map(
            |(phone_type, auto_accept, after_contact_work_time_limit, desk_phone_number, persistent_connection)| {
                PhoneConfig {
                    phone_type,
                    auto_accept,
                    after_contact_work_time_limit,
                    desk_phone_number,
                    persistent_connection,
                }
            },
        )
}

fn identity_info() -> impl Strategy<Value = IdentityInfo> {
    let field = || prop::option::of("[A-Za-z]{1,6}");
    (field(), field(), field(), field(), prop::option::of(phone_number())).prop_map(
        |(first_name, last_name, email, secondary_email, mobile)| IdentityInfo {
            first_name,
            last_name,
            email,
            secondary_email,
            mobile,
        },
    )
}

/// A template validation would accept: in particular no `PhoneConfig` field beside its counterpart list.
fn user_spec() -> impl Strategy<Value = UserSpec> {
    let ids = |prefix: &'static str| prop::sample::select(vec![1, 2, 3]).prop_map(move |n| format!("{prefix}-{n}"));
    (
        "[a-z][a-z0-9._@-]{0,10}",
        ids("rp"),
        prop::sample::subsequence(vec!["sp-1", "sp-2", "sp-3"], 1..=3),
        prop::option::of("[a-z0-9]{1,6}"),
        prop::option::of(ids("g")),
        prop::option::of(identity_info()),
        prop::option::of(phone_config()),
        channels(),
        prop::option::of(prop::collection::btree_map(
            ("lang|skill", "[a-c]").prop_map(|(n, v)| key(&n, &v)),
            prop::sample::select(vec![1.0f32, 2.5, 5.0]),
            0..4,
        )),
        prop::option::of(prop::collection::btree_map("k[a-d]", "[a-z]{0,3}", 0..4)),
    )
        .prop_map(
            |(username, routing, security, directory, hierarchy, identity, phone, mut channels, profs, tags)| {
                if let Some(pc) = &phone {
                    if pc.phone_type.is_some() || pc.desk_phone_number.is_some() {
                        channels.phone_number = None;
                    }
                    if pc.auto_accept.is_some() {
                        channels.auto_accept = None;
                    }
                    if pc.after_contact_work_time_limit.is_some() {
                        channels.after_contact_work = None;
                    }
                    if pc.persistent_connection.is_some() {
                        channels.persistent_connection = None;
                    }
                }
                UserSpec {
                    instance: instance(),
                    username,
                    password: None,
                    routing_profile: rp(&routing),
                    security_profiles: security.into_iter().map(sp).collect(),
                    directory_user_id: directory,
                    hierarchy_group: hierarchy.map(|g| group(&g)),
                    identity_info: identity,
                    phone_config: phone,
                    channels,
                    proficiencies: profs,
                    named: Named::default(),
                    traffic_distribution_groups: None,
                    tags,
                    adopt_existing: false,
                    password_secret: None,
                }
            },
        )
}

proptest! {
    #[test]
    fn a_freshly_created_user_needs_no_call(s in user_spec()) {
        let old = OldTemplate {
            tag_keys: s.tags.iter().flat_map(|t| t.keys().cloned()).collect(),
            proficiency_keys: s.proficiencies.iter().flat_map(|p| p.keys().cloned()).collect(),
            hierarchy_group: s.hierarchy_group.is_some(),
            password: None,
            traffic_distribution_groups: Vec::new(),
        };
        let live = created(&s);
        prop_assert_eq!(plan(&s, &old, &live, &owner()), Diff::Reconcile(vec![]));
        prop_assert_eq!(plan(&s, &OldTemplate::default(), &live, &owner()), Diff::Reconcile(vec![]));
    }
}
