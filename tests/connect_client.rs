//! The Connect client edge against the emulator over real HTTP: conversions both ways, every write
//! call, the exact-name lookup, error mapping, and the retry policy under injected faults.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::time::Duration;

use cfn_connect_user::adapters::SdkConnect;
use cfn_connect_user::app::{Connect, ErrorKind, Retrying};
use cfn_connect_user::core::arn::{InstanceArn, ResourceArn, ResourceKind, UserArn};
use cfn_connect_user::core::backoff::Backoff;
use cfn_connect_user::core::model::{
    AfterContactWorkConfig, AfterContactWorkPerChannel, AutoAcceptConfig, Channel, ChannelConfigs, IdentityInfo,
    PhoneConfig, PhoneNumberConfig, PhoneType, Proficiencies, ProficiencyKey, Tags, VoiceEnhancementMode,
};
use cfn_connect_user::core::plan::{Call, NewUser};
use cfn_connect_user::core::secret::Secret;
use connect_emulator::connect::{Emulator, ErrorCode, Fault, Seed};

use crate::support::fast_pacer;

const PASSWORD: &str = "Agent-Passw0rd-2026";

struct Env {
    emulator: Emulator,
    connect: SdkConnect,
    instance: InstanceArn,
}

impl Env {
    async fn start() -> Env {
        let emulator = Emulator::start().await.expect("emulator starts");
        let connect = SdkConnect::for_endpoint(&emulator.endpoint_url(), Seed::REGION);
        let instance = InstanceArn::parse(&emulator.seed().instance_arn(Seed::INSTANCE_1)).expect("instance ARN");
        Env { emulator, connect, instance }
    }

    fn retrying(&self) -> Retrying<SdkConnect> {
        Retrying::new(self.connect.clone(), quick()).with_pacer(fast_pacer())
    }

    fn child(&self, kind: ResourceKind, id: &str) -> ResourceArn {
        self.instance.child(kind, id)
    }

    /// A user with only what `CreateUser` requires.
    fn minimal(&self, username: &str) -> NewUser {
        NewUser {
            instance: self.instance.clone(),
            username: username.to_owned(),
            password: None,
            identity_info: None,
            phone_config: None,
            channels: ChannelConfigs::default(),
            directory_user_id: None,
            hierarchy_group: None,
            security_profiles: vec![self.child(ResourceKind::SecurityProfile, Seed::SECURITY_PROFILE_AGENT)],
            routing_profile: self.child(ResourceKind::RoutingProfile, Seed::ROUTING_PROFILE_1),
            tags: Tags::new(),
        }
    }

    /// Every member `CreateUser` takes, with the voice settings in `PhoneConfig`.
    fn full_with_phone_config(&self, username: &str) -> NewUser {
        NewUser {
            password: Some(Secret::new(PASSWORD)),
            identity_info: Some(IdentityInfo {
                first_name: Some("Jane".into()),
                last_name: Some("Roe".into()),
                email: Some("jane.roe@example.com".into()),
                secondary_email: Some("jane@example.org".into()),
                mobile: Some("+15555550101".into()),
            }),
            phone_config: Some(PhoneConfig {
                phone_type: Some(PhoneType::DeskPhone),
                auto_accept: Some(true),
                after_contact_work_time_limit: Some(45),
                desk_phone_number: Some("+15555550102".into()),
                persistent_connection: Some(true),
            }),
            channels: ChannelConfigs {
                voice_enhancement: Some(BTreeMap::from([(Channel::Voice, VoiceEnhancementMode::NoiseSuppression)])),
                ..ChannelConfigs::default()
            },
            directory_user_id: Some("dir-jane".into()),
            hierarchy_group: Some(self.child(ResourceKind::AgentGroup, Seed::HIERARCHY_GROUP_1)),
            security_profiles: vec![
                self.child(ResourceKind::SecurityProfile, Seed::SECURITY_PROFILE_AGENT),
                self.child(ResourceKind::SecurityProfile, Seed::SECURITY_PROFILE_QA),
            ],
            tags: Tags::from([("team".into(), "support".into()), ("cost-centre".into(), "42".into())]),
            ..self.minimal(username)
        }
    }

    /// Every member `CreateUser` takes, with the voice settings in the per-channel lists.
    fn full_with_channels(&self, username: &str) -> NewUser {
        NewUser { phone_config: None, channels: full_channels(), ..self.full_with_phone_config(username) }
    }
}

fn full_channels() -> ChannelConfigs {
    ChannelConfigs {
        auto_accept: Some(BTreeMap::from([
            (Channel::Voice, AutoAcceptConfig { auto_accept: true, agent_first_callback_auto_accept: Some(true) }),
            (Channel::Chat, AutoAcceptConfig { auto_accept: false, agent_first_callback_auto_accept: None }),
        ])),
        after_contact_work: Some(BTreeMap::from([
            (
                Channel::Voice,
                AfterContactWorkPerChannel {
                    config: AfterContactWorkConfig { time_limit: Some(60) },
                    agent_first_callback: Some(AfterContactWorkConfig { time_limit: Some(30) }),
                },
            ),
            (
                Channel::Chat,
                AfterContactWorkPerChannel {
                    config: AfterContactWorkConfig { time_limit: Some(15) },
                    agent_first_callback: None,
                },
            ),
        ])),
        phone_number: Some(BTreeMap::from([(
            Channel::Voice,
            PhoneNumberConfig { phone_type: PhoneType::DeskPhone, phone_number: Some("+15555550103".into()) },
        )])),
        persistent_connection: Some(BTreeMap::from([(Channel::Voice, true)])),
        voice_enhancement: Some(BTreeMap::from([(Channel::Voice, VoiceEnhancementMode::VoiceIsolation)])),
    }
}

fn quick() -> Backoff {
    Backoff { base: Duration::from_millis(2), cap: Duration::from_millis(10) }
}

fn count(emulator: &Emulator, operation: &str) -> usize {
    emulator.calls().iter().filter(|c| c.operation == operation).count()
}

#[tokio::test]
async fn a_user_created_with_phone_config_describes_as_sent() {
    let env = Env::start().await;
    let sent = env.full_with_phone_config("jane.roe");
    let arn = env.connect.create_user(&sent).await.expect("created");
    assert_eq!(arn.instance(), &env.instance);

    let live = env.connect.describe_user(&arn).await.expect("described");
    assert_eq!(live.arn, arn);
    assert_eq!(live.username, sent.username);
    assert_eq!(Some(live.identity_info), sent.identity_info);
    assert_eq!(Some(live.phone_config), sent.phone_config);
    assert_eq!(live.directory_user_id, sent.directory_user_id);
    assert_eq!(live.hierarchy_group, sent.hierarchy_group);
    assert_eq!(live.routing_profile, sent.routing_profile);
    assert_eq!(live.security_profiles, sent.security_profiles);
    assert_eq!(live.tags, sent.tags);
    assert_eq!(live.proficiencies, None);
    // PhoneConfig and the VOICE entries are one setting in Connect: every list is read, as maps.
    let expected = ChannelConfigs {
        auto_accept: Some(BTreeMap::from([(
            Channel::Voice,
            AutoAcceptConfig { auto_accept: true, agent_first_callback_auto_accept: None },
        )])),
        after_contact_work: Some(BTreeMap::from([(
            Channel::Voice,
            AfterContactWorkPerChannel {
                config: AfterContactWorkConfig { time_limit: Some(45) },
                agent_first_callback: None,
            },
        )])),
        phone_number: Some(BTreeMap::from([(
            Channel::Voice,
            PhoneNumberConfig { phone_type: PhoneType::DeskPhone, phone_number: Some("+15555550102".into()) },
        )])),
        persistent_connection: Some(BTreeMap::from([(Channel::Voice, true)])),
        voice_enhancement: Some(BTreeMap::from([(Channel::Voice, VoiceEnhancementMode::NoiseSuppression)])),
    };
    assert_eq!(live.channels, expected);
    assert_eq!(env.emulator.password_of(arn.as_str()).as_deref(), Some(PASSWORD));
}

#[tokio::test]
async fn a_user_created_with_channel_lists_describes_as_sent() {
    let env = Env::start().await;
    let sent = env.full_with_channels("jane.channels");
    let arn = env.connect.create_user(&sent).await.expect("created");
    let live = env.connect.describe_user(&arn).await.expect("described");
    assert_eq!(live.channels, sent.channels);
    assert_eq!(
        live.phone_config,
        PhoneConfig {
            phone_type: Some(PhoneType::DeskPhone),
            auto_accept: Some(true),
            after_contact_work_time_limit: Some(60),
            desk_phone_number: Some("+15555550103".into()),
            persistent_connection: Some(true),
        }
    );
    assert_eq!(Some(live.identity_info), sent.identity_info);
    assert_eq!(live.security_profiles, sent.security_profiles);
    assert_eq!(live.tags, sent.tags);
}

#[tokio::test]
async fn a_minimal_user_reads_with_empty_but_present_lists_and_no_tags_sent() {
    let env = Env::start().await;
    let arn = env.connect.create_user(&env.minimal("min.user")).await.expect("created");
    let create = env.emulator.calls().into_iter().find(|c| c.operation == "CreateUser").expect("CreateUser call");
    assert!(create.body.get("Tags").is_none(), "no Tags member when there are none: {}", create.body);

    let live = env.connect.describe_user(&arn).await.expect("described");
    assert_eq!(live.identity_info, IdentityInfo::default());
    assert_eq!(live.hierarchy_group, None);
    assert_eq!(live.directory_user_id, None);
    assert!(live.tags.is_empty());
    assert_eq!(live.channels.persistent_connection, Some(BTreeMap::new()));
    assert_eq!(live.channels.voice_enhancement, Some(BTreeMap::new()));
    assert!(live.channels.auto_accept.is_some() && live.channels.phone_number.is_some());
    assert_eq!(env.connect.list_proficiencies(&arn).await.expect("listed"), Proficiencies::new());
}

fn key(name: &str, value: &str) -> ProficiencyKey {
    ProficiencyKey { attribute_name: name.into(), attribute_value: value.into() }
}

#[tokio::test]
async fn every_call_is_applied() {
    let env = Env::start().await;
    let mut sent = env.minimal("call.target");
    sent.tags = Tags::from([("keep".into(), "1".into()), ("drop".into(), "2".into())]);
    sent.hierarchy_group = Some(env.child(ResourceKind::AgentGroup, Seed::HIERARCHY_GROUP_1));
    let arn = env.connect.create_user(&sent).await.expect("created");
    let apply = |call: Call| {
        let (connect, arn) = (env.connect.clone(), arn.clone());
        async move { connect.apply(&arn, &call).await.unwrap_or_else(|e| panic!("{}: {e}", call.operation())) }
    };

    let identity = IdentityInfo {
        first_name: Some("Ann".into()),
        last_name: Some("Lee".into()),
        email: Some("ann.lee@example.com".into()),
        secondary_email: None,
        mobile: Some("+4930123456".into()),
    };
    apply(Call::UpdateIdentityInfo(identity.clone())).await;
    let phone = PhoneConfig {
        phone_type: Some(PhoneType::DeskPhone),
        auto_accept: Some(true),
        after_contact_work_time_limit: Some(90),
        desk_phone_number: Some("+15555550104".into()),
        persistent_connection: Some(false),
    };
    // The voice settings as VOICE entries of the per-channel lists: PhoneConfig is their view.
    let voice = ChannelConfigs {
        auto_accept: Some(BTreeMap::from([(
            Channel::Voice,
            AutoAcceptConfig { auto_accept: true, agent_first_callback_auto_accept: None },
        )])),
        after_contact_work: Some(BTreeMap::from([(
            Channel::Voice,
            AfterContactWorkPerChannel {
                config: AfterContactWorkConfig { time_limit: Some(90) },
                agent_first_callback: None,
            },
        )])),
        phone_number: Some(BTreeMap::from([(
            Channel::Voice,
            PhoneNumberConfig { phone_type: PhoneType::DeskPhone, phone_number: Some("+15555550104".into()) },
        )])),
        persistent_connection: Some(BTreeMap::from([(Channel::Voice, false)])),
        voice_enhancement: None,
    };
    apply(Call::UpdateUserConfig(voice)).await;
    let live = env.connect.describe_user(&arn).await.expect("described");
    assert_eq!(live.identity_info, identity);
    assert_eq!(live.phone_config, phone);

    let channels = ChannelConfigs {
        auto_accept: Some(BTreeMap::from([
            (Channel::Voice, AutoAcceptConfig { auto_accept: false, agent_first_callback_auto_accept: Some(true) }),
            (Channel::Task, AutoAcceptConfig { auto_accept: true, agent_first_callback_auto_accept: None }),
        ])),
        voice_enhancement: Some(BTreeMap::from([(Channel::Voice, VoiceEnhancementMode::None)])),
        ..ChannelConfigs::default()
    };
    apply(Call::UpdateUserConfig(channels.clone())).await;
    let sales = env.child(ResourceKind::RoutingProfile, Seed::ROUTING_PROFILE_1_SALES);
    apply(Call::UpdateRoutingProfile(sales.clone())).await;
    let profiles = vec![
        env.child(ResourceKind::SecurityProfile, Seed::SECURITY_PROFILE_MANAGER),
        env.child(ResourceKind::SecurityProfile, Seed::SECURITY_PROFILE_QA),
    ];
    apply(Call::UpdateSecurityProfiles(profiles.clone())).await;
    let group2 = env.child(ResourceKind::AgentGroup, Seed::HIERARCHY_GROUP_2);
    apply(Call::UpdateHierarchy(Some(group2.clone()))).await;
    apply(Call::Untag(vec!["drop".into()])).await;
    apply(Call::Tag(Tags::from([("keep".into(), "one".into()), ("new".into(), "3".into())]))).await;

    let live = env.connect.describe_user(&arn).await.expect("described");
    assert_eq!(live.channels.auto_accept, channels.auto_accept);
    assert_eq!(live.channels.voice_enhancement, channels.voice_enhancement);
    assert_eq!(live.routing_profile, sales);
    assert_eq!(live.security_profiles, profiles);
    assert_eq!(live.hierarchy_group, Some(group2));
    assert_eq!(live.tags, Tags::from([("keep".into(), "one".into()), ("new".into(), "3".into())]));

    apply(Call::UpdateHierarchy(None)).await;
    let hierarchy = env.emulator.calls().into_iter().rfind(|c| c.operation == "UpdateUserHierarchy").expect("call");
    assert!(hierarchy.body.get("HierarchyGroupId").is_none(), "{}", hierarchy.body);
    assert_eq!(env.connect.describe_user(&arn).await.expect("described").hierarchy_group, None);

    let english = key("Language", "English");
    let billing = key("Skill", "Billing");
    apply(Call::AssociateProficiencies(Proficiencies::from([(english.clone(), 2.0), (billing.clone(), 4.5)]))).await;
    apply(Call::UpdateProficiencies(Proficiencies::from([(english.clone(), 5.0)]))).await;
    apply(Call::DisassociateProficiencies(vec![billing])).await;
    assert_eq!(env.connect.list_proficiencies(&arn).await.expect("listed"), Proficiencies::from([(english, 5.0)]));

    env.connect.delete_user(&arn).await.expect("deleted");
    assert!(env.emulator.describe(arn.as_str()).is_none());
}

#[tokio::test]
async fn empty_changes_make_no_call() {
    let env = Env::start().await;
    let arn = env.connect.create_user(&env.minimal("no.op")).await.expect("created");
    env.emulator.clear_calls();
    for call in [
        Call::Tag(Tags::new()),
        Call::Untag(Vec::new()),
        Call::AssociateProficiencies(Proficiencies::new()),
        Call::UpdateProficiencies(Proficiencies::new()),
        Call::DisassociateProficiencies(Vec::new()),
    ] {
        env.connect.apply(&arn, &call).await.expect("nothing to do");
    }
    assert!(env.emulator.calls().is_empty(), "{:?}", env.emulator.calls());
}

#[tokio::test]
async fn proficiencies_are_read_across_pages() {
    let emulator = Emulator::builder().page_size(1).start().await.expect("emulator starts");
    let connect = SdkConnect::for_endpoint(&emulator.endpoint_url(), Seed::REGION);
    let instance = InstanceArn::parse(&emulator.seed().instance_arn(Seed::INSTANCE_1)).expect("instance");
    let env = Env { emulator, connect, instance };
    let arn = env.connect.create_user(&env.minimal("many.skills")).await.expect("created");
    let all = Proficiencies::from([
        (key("Language", "English"), 1.0),
        (key("Language", "French"), 2.5),
        (key("Skill", "Sales"), 3.0),
    ]);
    env.connect.apply(&arn, &Call::AssociateProficiencies(all.clone())).await.expect("associated");
    env.emulator.clear_calls();
    assert_eq!(env.connect.list_proficiencies(&arn).await.expect("listed"), all);
    assert_eq!(count(&env.emulator, "ListUserProficiencies"), 3);
}

#[tokio::test]
async fn find_user_matches_the_exact_name_only() {
    let env = Env::start().await;
    let smithers = env.connect.create_user(&env.minimal("agent.smithers")).await.expect("created");
    let other_instance = InstanceArn::parse(&env.emulator.seed().instance_arn(Seed::INSTANCE_2)).expect("instance 2");

    assert_eq!(env.connect.find_user(&env.instance, "agent.smithers").await.expect("searched"), Some(smithers));
    assert_eq!(env.connect.find_user(&env.instance, "agent.smith").await.expect("searched"), None);
    assert_eq!(env.connect.find_user(&env.instance, "Agent.Smithers").await.expect("searched"), None);
    assert_eq!(env.connect.find_user(&other_instance, "agent.smithers").await.expect("searched"), None);
}

#[tokio::test]
async fn errors_map_to_their_kinds() {
    let env = Env::start().await;
    let arn = env.connect.create_user(&env.minimal("err.user")).await.expect("created");

    let missing = UserArn::new(&env.instance, "00000000-0000-4000-8000-00000000dead");
    let e = env.connect.describe_user(&missing).await.expect_err("no such user");
    assert_eq!(
        (e.kind, e.code.as_str(), e.operation),
        (ErrorKind::NotFound, "ResourceNotFoundException", "DescribeUser")
    );
    assert!(!e.is_retryable());
    assert!(e.to_string().starts_with("DescribeUser: ResourceNotFoundException: "), "{e}");

    let e = env.connect.create_user(&env.minimal("err.user")).await.expect_err("taken");
    assert_eq!((e.kind, e.code.as_str()), (ErrorKind::Duplicate, "DuplicateResourceException"));

    let bad_level = Call::AssociateProficiencies(Proficiencies::from([(key("Skill", "Sales"), 9.0)]));
    let e = env.connect.apply(&arn, &bad_level).await.expect_err("level out of range");
    assert_eq!((e.kind, e.operation), (ErrorKind::Invalid, "AssociateUserProficiencies"));
    assert!(!e.is_retryable());

    let gone = env.child(ResourceKind::RoutingProfile, "b1000000-0000-4000-8000-0000000000ff");
    let e = env.connect.apply(&arn, &Call::UpdateRoutingProfile(gone)).await.expect_err("unknown profile");
    assert_eq!((e.kind, e.operation), (ErrorKind::NotFound, "UpdateUserRoutingProfile"));

    for (code, expected) in
        [(ErrorCode::Throttling, "ThrottlingException"), (ErrorCode::InternalService, "InternalServiceException")]
    {
        env.emulator.fail_next("DescribeUser", 1, Fault::Error(code));
        let e = env.connect.describe_user(&arn).await.expect_err("injected");
        assert_eq!(e.code, expected);
        assert!(e.is_retryable(), "{e}");
        let kind = if code == ErrorCode::InternalService { ErrorKind::Server } else { ErrorKind::Throttled };
        assert_eq!(e.kind, kind);
    }

    // A quota is not a throttle (docs/real-connect.md §5): not retried as one.
    env.emulator.fail_next("DescribeUser", 1, Fault::Error(ErrorCode::LimitExceeded));
    let e = env.connect.describe_user(&arn).await.expect_err("injected");
    assert_eq!((e.kind, e.code.as_str()), (ErrorKind::Quota, "LimitExceededException"));
    assert!(!e.is_retryable(), "{e}");

    env.emulator.fail_next("DescribeUser", 1, Fault::Error(ErrorCode::AccessDenied));
    let e = env.connect.describe_user(&arn).await.expect_err("injected");
    assert_eq!((e.kind, e.code.as_str()), (ErrorKind::AccessDenied, "AccessDeniedException"));
}

#[tokio::test]
async fn the_password_never_appears_in_an_error() {
    let env = Env::start().await;
    let echo = format!("Password {PASSWORD} is not acceptable");
    env.emulator.fail_next("CreateUser", 1, Fault::ErrorWithMessage(ErrorCode::InvalidParameter, echo));
    let user = NewUser { password: Some(Secret::new(PASSWORD)), ..env.minimal("secret.user") };
    let e = env.connect.create_user(&user).await.expect_err("injected");
    assert_eq!(e.kind, ErrorKind::Invalid);
    assert!(!format!("{e} {e:?}").contains(PASSWORD), "{e}");
    assert_eq!(e.message, "Password *** is not acceptable");
}

#[tokio::test]
async fn network_failures_are_retryable_errors() {
    let env = Env::start().await;
    let arn = env.connect.create_user(&env.minimal("net.user")).await.expect("created");

    env.emulator.fail_next("DescribeUser", 1, Fault::DropConnection);
    let e = env.connect.describe_user(&arn).await.expect_err("dropped");
    assert_eq!(e.kind, ErrorKind::Network, "{e}");
    assert!(e.is_retryable());

    // Nothing listens on port 1: the connection is refused.
    let nowhere = SdkConnect::for_endpoint("http://127.0.0.1:1", Seed::REGION);
    let e = nowhere.describe_user(&arn).await.expect_err("refused");
    assert_eq!((e.kind, e.code.as_str()), (ErrorKind::Network, "NetworkError"), "{e}");
    assert!(!e.message.contains('?'), "{e}");
}

#[tokio::test]
async fn retrying_absorbs_throttles() {
    let env = Env::start().await;
    let connect = env.retrying();
    env.emulator.fail_next("CreateUser", 3, Fault::Error(ErrorCode::Throttling));
    let arn = connect.create_user(&env.minimal("patient.user")).await.expect("created after 3 throttles");
    assert_eq!(count(&env.emulator, "CreateUser"), 4);
    assert!(env.emulator.describe(arn.as_str()).is_some());

    env.emulator.fail_next("UpdateUserRoutingProfile", 2, Fault::Error(ErrorCode::Throttling));
    let sales = env.child(ResourceKind::RoutingProfile, Seed::ROUTING_PROFILE_1_SALES);
    connect.apply(&arn, &Call::UpdateRoutingProfile(sales.clone())).await.expect("applied after 2 throttles");
    assert_eq!(count(&env.emulator, "UpdateUserRoutingProfile"), 3);

    // A write that met a server error may have committed: it is returned, for the lifecycle to read the user
    // again and plan again, never repeated blindly (docs/real-connect.md §2).
    env.emulator.fail_next("UpdateUserRoutingProfile", 1, Fault::Error(ErrorCode::InternalService));
    let e = connect.apply(&arn, &Call::UpdateRoutingProfile(sales)).await.expect_err("returned");
    assert_eq!(e.kind, ErrorKind::Server);
    assert_eq!(count(&env.emulator, "UpdateUserRoutingProfile"), 4);
}

#[tokio::test]
async fn retrying_retries_a_dropped_connection() {
    let env = Env::start().await;
    let connect = env.retrying();
    let arn = connect.create_user(&env.minimal("dropped.user")).await.expect("created");
    env.emulator.fail_next("DescribeUser", 2, Fault::DropConnection);
    let live = connect.describe_user(&arn).await.expect("described after 2 dropped connections");
    assert_eq!(live.username, "dropped.user");
    assert_eq!(count(&env.emulator, "DescribeUser"), 3);
}

#[tokio::test]
async fn retrying_gives_up_only_when_cancelled() {
    let env = Env::start().await;
    let connect = env.retrying();
    let arn = connect.create_user(&env.minimal("doomed.user")).await.expect("created");
    env.emulator.fail_next("DeleteUser", u32::MAX, Fault::Error(ErrorCode::Throttling));
    // Throttles also slow the pacer down, so the retries come slower and slower: seconds show more than one.
    let outcome = tokio::time::timeout(Duration::from_secs(2), connect.delete_user(&arn)).await;
    assert!(outcome.is_err(), "the call ended by itself: {outcome:?}");
    assert!(count(&env.emulator, "DeleteUser") >= 2, "{:?}", env.emulator.calls());
}

#[tokio::test]
async fn final_errors_are_not_retried() {
    let env = Env::start().await;
    let connect = env.retrying();
    let missing = UserArn::new(&env.instance, "00000000-0000-4000-8000-00000000beef");
    let e = connect.delete_user(&missing).await.expect_err("no such user");
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert_eq!(count(&env.emulator, "DeleteUser"), 1);
}
