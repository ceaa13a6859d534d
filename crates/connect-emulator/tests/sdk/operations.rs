//! Each operation's semantics through the SDK.

use aws_sdk_connect::operation::describe_user::DescribeUserError;
use aws_sdk_connect::operation::update_user_routing_profile::UpdateUserRoutingProfileError;
use aws_sdk_connect::types::{
    AfterContactWorkConfig, AfterContactWorkConfigPerChannel, AutoAcceptConfig, Channel, PersistentConnectionConfig,
    PhoneNumberConfig, PhoneType, StringComparisonType, StringCondition, UserIdentityInfo, UserPhoneConfig,
    UserProficiency, UserProficiencyDisassociate, UserSearchCriteria, VoiceEnhancementConfig, VoiceEnhancementMode,
};
use connect_emulator::{Emulator, Seed};
use serde_json::json;

use crate::{TestResult, client, create_user, single_shot};

#[tokio::test]
async fn create_describe_delete_round_trip() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = client(&emulator);
    let seed = emulator.seed();
    let created = client
        .create_user()
        .instance_id(seed.instance_arn(Seed::INSTANCE_1))
        .username("jane.doe@example.com")
        .password("Secr3tPassword")
        .identity_info(
            UserIdentityInfo::builder()
                .first_name("Jane")
                .last_name("Doe")
                .email("jane@example.com")
                .mobile("+12065550100")
                .build(),
        )
        .phone_config(
            UserPhoneConfig::builder()
                .phone_type(PhoneType::DeskPhone)
                .desk_phone_number("+12065550123")
                .auto_accept(true)
                .after_contact_work_time_limit(30)
                .build(),
        )
        .directory_user_id("dir-1")
        .routing_profile_id(seed.routing_profile_arn(Seed::INSTANCE_1, Seed::ROUTING_PROFILE_1_SALES))
        .security_profile_ids(seed.security_profile_arn(Seed::INSTANCE_1, Seed::SECURITY_PROFILE_AGENT))
        .security_profile_ids(Seed::SECURITY_PROFILE_QA)
        .hierarchy_group_id(seed.hierarchy_group_arn(Seed::INSTANCE_1, Seed::HIERARCHY_GROUP_2))
        .tags("team", "support")
        .send()
        .await?;
    let id = created.user_id().unwrap_or_default();
    let arn = created.user_arn().unwrap_or_default();
    assert_eq!(id.len(), 36);
    assert_eq!(id.matches('-').count(), 4);
    assert_eq!(arn, seed.user_arn(Seed::INSTANCE_1, id));

    let user = client.describe_user().instance_id(Seed::INSTANCE_1).user_id(id).send().await?;
    let user = user.user().expect("a user");
    assert_eq!(user.id(), Some(id));
    assert_eq!(user.arn(), Some(arn));
    assert_eq!(user.username(), Some("jane.doe@example.com"));
    assert_eq!(user.routing_profile_id(), Some(Seed::ROUTING_PROFILE_1_SALES));
    assert_eq!(user.security_profile_ids(), [Seed::SECURITY_PROFILE_AGENT, Seed::SECURITY_PROFILE_QA]);
    assert_eq!(user.hierarchy_group_id(), Some(Seed::HIERARCHY_GROUP_2));
    assert_eq!(user.directory_user_id(), Some("dir-1"));
    assert_eq!(user.tags().and_then(|t| t.get("team")).map(String::as_str), Some("support"));
    let identity = user.identity_info().expect("identity info");
    assert_eq!((identity.first_name(), identity.mobile()), (Some("Jane"), Some("+12065550100")));
    let phone = user.phone_config().expect("phone config");
    assert_eq!(phone.phone_type(), &PhoneType::DeskPhone);
    assert_eq!(phone.desk_phone_number(), Some("+12065550123"));
    assert!(phone.auto_accept());
    assert_eq!(phone.after_contact_work_time_limit(), 30);
    assert!(user.last_modified_time().is_some_and(|t| t.secs() > 1_600_000_000));
    assert_eq!(user.last_modified_region(), Some("us-east-1"));
    // The per-channel view of the same settings.
    assert_eq!(user.phone_number_configs()[0].phone_number(), Some("+12065550123"));
    assert!(user.auto_accept_configs()[0].auto_accept());

    let raw = emulator.describe(arn).expect("stored");
    assert!(raw.get("Password").is_none());
    assert_eq!(emulator.password_of(id).as_deref(), Some("Secr3tPassword"));
    assert_eq!(
        emulator.find_by_username(Seed::INSTANCE_1, "jane.doe@example.com").map(|u| u["Id"].clone()),
        Some(json!(id))
    );
    assert_eq!(emulator.user_count(), 1);

    client.delete_user().instance_id(Seed::INSTANCE_1).user_id(arn).send().await?;
    assert_eq!(emulator.user_count(), 0);
    let gone = single_shot(&emulator).describe_user().instance_id(Seed::INSTANCE_1).user_id(id).send().await;
    assert!(matches!(gone.map_err(|e| e.into_service_error()), Err(DescribeUserError::ResourceNotFoundException(_))));
    Ok(())
}

#[tokio::test]
async fn a_new_user_has_default_voice_settings() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = client(&emulator);
    let (id, _) = create_user(&client, "plain").await?;
    let user = emulator.describe(&id).expect("stored");
    assert_eq!(
        user["PhoneConfig"],
        json!({"PhoneType": "SOFT_PHONE", "AutoAccept": false, "AfterContactWorkTimeLimit": 0})
    );
    assert_eq!(user["AutoAcceptConfigs"], json!([{"Channel": "VOICE", "AutoAccept": false}]));
    assert_eq!(
        user["AfterContactWorkConfigs"],
        json!([{"Channel": "VOICE", "AfterContactWorkConfig": {"AfterContactWorkTimeLimit": 0}}])
    );
    assert_eq!(user["PhoneNumberConfigs"], json!([{"Channel": "VOICE", "PhoneType": "SOFT_PHONE"}]));
    assert!(user.get("PersistentConnectionConfigs").is_none());
    assert!(user.get("HierarchyGroupId").is_none());
    assert_eq!(user["UserProficiencyList"], json!([]));
    Ok(())
}

#[tokio::test]
async fn identifiers_are_ids_or_arns_and_stay_in_their_instance() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    let seed = emulator.seed().clone();
    let (id, arn) = create_user(&client, "arns").await?;
    let by_arns = client.describe_user().instance_id(seed.instance_arn(Seed::INSTANCE_1)).user_id(&arn).send().await?;
    assert_eq!(by_arns.user().and_then(|u| u.id()), Some(id.as_str()));

    let other = seed.routing_profile_arn(Seed::INSTANCE_2, Seed::INSTANCE_2_ROUTING_PROFILE);
    let refused = client
        .update_user_routing_profile()
        .instance_id(Seed::INSTANCE_1)
        .user_id(&id)
        .routing_profile_id(other)
        .send()
        .await;
    assert!(matches!(
        refused.map_err(|e| e.into_service_error()),
        Err(UpdateUserRoutingProfileError::ResourceNotFoundException(_))
    ));
    let unknown = client
        .update_user_routing_profile()
        .instance_id(Seed::INSTANCE_1)
        .user_id(&id)
        .routing_profile_id("nope")
        .send()
        .await;
    assert!(unknown.is_err());
    // The user is not visible through the other instance.
    let elsewhere = client.describe_user().instance_id(Seed::INSTANCE_2).user_id(&id).send().await;
    assert!(matches!(
        elsewhere.map_err(|e| e.into_service_error()),
        Err(DescribeUserError::ResourceNotFoundException(_))
    ));
    Ok(())
}

#[tokio::test]
async fn updates_change_what_they_name() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = client(&emulator);
    let seed = emulator.seed().clone();
    let (id, arn) = create_user(&client, "updated").await?;
    let i1 = Seed::INSTANCE_1;

    client
        .update_user_identity_info()
        .instance_id(i1)
        .user_id(&id)
        .identity_info(UserIdentityInfo::builder().first_name("Ann").secondary_email("ann@example.org").build())
        .send()
        .await?;
    client
        .update_user_routing_profile()
        .instance_id(i1)
        .user_id(&arn)
        .routing_profile_id(Seed::ROUTING_PROFILE_1_SALES)
        .send()
        .await?;
    client
        .update_user_security_profiles()
        .instance_id(i1)
        .user_id(&id)
        .security_profile_ids(Seed::SECURITY_PROFILE_MANAGER)
        .security_profile_ids(seed.security_profile_arn(i1, Seed::SECURITY_PROFILE_QA))
        .send()
        .await?;
    client
        .update_user_hierarchy()
        .instance_id(i1)
        .user_id(&id)
        .hierarchy_group_id(Seed::HIERARCHY_GROUP_1)
        .send()
        .await?;
    let user = emulator.describe(&id).expect("stored");
    assert_eq!(user["IdentityInfo"], json!({"FirstName": "Ann", "SecondaryEmail": "ann@example.org"}));
    assert_eq!(user["RoutingProfileId"], Seed::ROUTING_PROFILE_1_SALES);
    assert_eq!(user["SecurityProfileIds"], json!([Seed::SECURITY_PROFILE_MANAGER, Seed::SECURITY_PROFILE_QA]));
    assert_eq!(user["HierarchyGroupId"], Seed::HIERARCHY_GROUP_1);

    // Without a group, the user leaves its group.
    client.update_user_hierarchy().instance_id(i1).user_id(&id).send().await?;
    assert!(emulator.describe(&id).expect("stored").get("HierarchyGroupId").is_none());
    Ok(())
}

#[tokio::test]
async fn phone_config_and_channel_lists_are_one_state() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = client(&emulator);
    let (id, _) = create_user(&client, "phones").await?;
    let i1 = Seed::INSTANCE_1;

    client
        .update_user_phone_config()
        .instance_id(i1)
        .user_id(&id)
        .phone_config(
            UserPhoneConfig::builder()
                .phone_type(PhoneType::DeskPhone)
                .desk_phone_number("+442071234567")
                .auto_accept(true)
                .after_contact_work_time_limit(45)
                .persistent_connection(true)
                .build(),
        )
        .send()
        .await?;
    let user = emulator.describe(&id).expect("stored");
    assert_eq!(user["AutoAcceptConfigs"], json!([{"Channel": "VOICE", "AutoAccept": true}]));
    assert_eq!(
        user["PhoneNumberConfigs"],
        json!([{"Channel": "VOICE", "PhoneType": "DESK_PHONE", "PhoneNumber": "+442071234567"}])
    );
    assert_eq!(user["PersistentConnectionConfigs"], json!([{"Channel": "VOICE", "PersistentConnection": true}]));
    assert_eq!(user["AfterContactWorkConfigs"][0]["AfterContactWorkConfig"]["AfterContactWorkTimeLimit"], 45);

    client
        .update_user_config()
        .instance_id(i1)
        .user_id(&id)
        .auto_accept_configs(AutoAcceptConfig::builder().channel(Channel::Voice).auto_accept(false).build()?)
        .auto_accept_configs(AutoAcceptConfig::builder().channel(Channel::Chat).auto_accept(true).build()?)
        .after_contact_work_configs(
            AfterContactWorkConfigPerChannel::builder()
                .channel(Channel::Task)
                .after_contact_work_config(AfterContactWorkConfig::builder().after_contact_work_time_limit(120).build())
                .build()?,
        )
        .phone_number_configs(
            PhoneNumberConfig::builder().channel(Channel::Voice).phone_type(PhoneType::SoftPhone).build()?,
        )
        .persistent_connection_configs(
            PersistentConnectionConfig::builder().channel(Channel::Voice).persistent_connection(false).build()?,
        )
        .voice_enhancement_configs(
            VoiceEnhancementConfig::builder()
                .channel(Channel::Voice)
                .voice_enhancement_mode(VoiceEnhancementMode::NoiseSuppression)
                .build()?,
        )
        .send()
        .await?;
    let described = client.describe_user().instance_id(i1).user_id(&id).send().await?;
    let user = described.user().expect("a user");
    let phone = user.phone_config().expect("phone config");
    assert!(!phone.auto_accept());
    assert_eq!(phone.phone_type(), &PhoneType::SoftPhone);
    assert_eq!(phone.after_contact_work_time_limit(), 45, "VOICE's ACW is untouched by a TASK entry");
    assert_eq!(phone.persistent_connection(), Some(false));
    assert_eq!(user.auto_accept_configs().len(), 2);
    assert_eq!(user.after_contact_work_configs().len(), 2);
    assert_eq!(user.voice_enhancement_configs()[0].voice_enhancement_mode(), &VoiceEnhancementMode::NoiseSuppression);

    // The VOICE phone-number entry was replaced as a whole: no desk number any more.
    assert!(phone.desk_phone_number().is_none());

    // A PhoneConfig without AutoAccept or time limit resets both; without DeskPhoneNumber, the number stays.
    let desk = UserPhoneConfig::builder()
        .phone_type(PhoneType::DeskPhone)
        .desk_phone_number("+442071234567")
        .auto_accept(true);
    client.update_user_phone_config().instance_id(i1).user_id(&id).phone_config(desk.build()).send().await?;
    client
        .update_user_phone_config()
        .instance_id(i1)
        .user_id(&id)
        .phone_config(UserPhoneConfig::builder().phone_type(PhoneType::SoftPhone).build())
        .send()
        .await?;
    let user = emulator.describe(&id).expect("stored");
    assert_eq!(user["PhoneConfig"]["AutoAccept"], false);
    assert_eq!(user["PhoneConfig"]["AfterContactWorkTimeLimit"], 0);
    assert_eq!(user["PhoneConfig"]["PhoneType"], "SOFT_PHONE");
    assert_eq!(user["PhoneConfig"]["DeskPhoneNumber"], "+442071234567");
    assert_eq!(user["PhoneConfig"]["PersistentConnection"], false);
    assert_eq!(user["AutoAcceptConfigs"][1], json!({"Channel": "CHAT", "AutoAccept": true}));
    Ok(())
}

#[tokio::test]
async fn create_with_channel_lists_only() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = client(&emulator);
    let out = client
        .create_user()
        .instance_id(Seed::INSTANCE_1)
        .username("lists")
        .routing_profile_id(Seed::ROUTING_PROFILE_1)
        .security_profile_ids(Seed::SECURITY_PROFILE_AGENT)
        .auto_accept_configs(
            AutoAcceptConfig::builder()
                .channel(Channel::Voice)
                .auto_accept(true)
                .agent_first_callback_auto_accept(true)
                .build()?,
        )
        .phone_number_configs(
            PhoneNumberConfig::builder()
                .channel(Channel::Voice)
                .phone_type(PhoneType::DeskPhone)
                .phone_number("+3312345678")
                .build()?,
        )
        .send()
        .await?;
    let user = emulator.describe(out.user_id().unwrap_or_default()).expect("stored");
    assert_eq!(
        user["PhoneConfig"],
        json!({"PhoneType": "DESK_PHONE", "AutoAccept": true, "AfterContactWorkTimeLimit": 0, "DeskPhoneNumber": "+3312345678"})
    );
    assert_eq!(
        user["AutoAcceptConfigs"],
        json!([{"Channel": "VOICE", "AutoAccept": true, "AgentFirstCallbackAutoAccept": true}])
    );
    Ok(())
}

#[tokio::test]
async fn tags_merge_and_untag_removes() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = client(&emulator);
    let (id, arn) = create_user(&client, "tagged").await?;
    client.tag_resource().resource_arn(&arn).tags("a", "1").tags("b", "2").send().await?;
    client.tag_resource().resource_arn(&arn).tags("b", "3").tags("c d", "4").send().await?;
    let user = emulator.describe(&id).expect("stored");
    assert_eq!(user["Tags"], json!({"a": "1", "b": "3", "c d": "4"}));
    client.untag_resource().resource_arn(&arn).tag_keys("a").tag_keys("c d").tag_keys("missing").send().await?;
    let described = client.describe_user().instance_id(Seed::INSTANCE_1).user_id(&id).send().await?;
    let tags = described.user().and_then(|u| u.tags()).cloned().unwrap_or_default();
    assert_eq!(tags.len(), 1);
    assert_eq!(tags.get("b").map(String::as_str), Some("3"));
    let untag_call = emulator.calls().into_iter().find(|c| c.operation == "UntagResource").expect("logged");
    assert_eq!(untag_call.body, json!({"tagKeys": ["a", "c d", "missing"]}));
    assert_eq!(untag_call.user.as_deref(), Some(arn.as_str()));
    Ok(())
}

#[tokio::test]
async fn proficiencies_associate_update_disassociate() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = client(&emulator);
    let (id, _) = create_user(&client, "skilled").await?;
    let i1 = Seed::INSTANCE_1;
    let proficiency = |name: &str, value: &str, level: f32| {
        UserProficiency::builder().attribute_name(name).attribute_value(value).level(level).build()
    };
    client
        .associate_user_proficiencies()
        .instance_id(i1)
        .user_id(&id)
        .user_proficiencies(proficiency("Language", "Spanish", 2.0)?)
        .user_proficiencies(proficiency("Skill", "Billing", 4.5)?)
        .send()
        .await?;
    client
        .update_user_proficiencies()
        .instance_id(i1)
        .user_id(&id)
        .user_proficiencies(proficiency("Skill", "Billing", 1.0)?)
        .send()
        .await?;
    let listed = client.list_user_proficiencies().instance_id(i1).user_id(&id).send().await?;
    let levels: Vec<(String, f32)> = listed
        .user_proficiency_list()
        .iter()
        .map(|p| (format!("{}={}", p.attribute_name(), p.attribute_value()), p.level()))
        .collect();
    assert_eq!(levels, [("Language=Spanish".to_owned(), 2.0), ("Skill=Billing".to_owned(), 1.0)]);
    assert!(listed.last_modified_time().is_some());

    let again = single_shot(&emulator)
        .associate_user_proficiencies()
        .instance_id(i1)
        .user_id(&id)
        .user_proficiencies(proficiency("Language", "Spanish", 3.0)?)
        .send()
        .await;
    assert!(again.map_err(|e| e.into_service_error()).is_err_and(|e| e.is_invalid_request_exception()));
    let not_associated = single_shot(&emulator)
        .update_user_proficiencies()
        .instance_id(i1)
        .user_id(&id)
        .user_proficiencies(proficiency("Language", "French", 3.0)?)
        .send()
        .await;
    assert!(not_associated.map_err(|e| e.into_service_error()).is_err_and(|e| e.is_invalid_request_exception()));

    client
        .disassociate_user_proficiencies()
        .instance_id(i1)
        .user_id(&id)
        .user_proficiencies(
            UserProficiencyDisassociate::builder().attribute_name("Language").attribute_value("Spanish").build()?,
        )
        .send()
        .await?;
    let user = emulator.describe(&id).expect("stored");
    assert_eq!(
        user["UserProficiencyList"],
        json!([{"AttributeName": "Skill", "AttributeValue": "Billing", "Level": 1.0}])
    );
    Ok(())
}

#[tokio::test]
async fn search_users_by_username() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = client(&emulator);
    let (alice, alice_arn) = create_user(&client, "alice.smith").await?;
    create_user(&client, "bob.smith").await?;
    create_user(&client, "carol").await?;
    client.tag_resource().resource_arn(&alice_arn).tags("owner", "stack-1").send().await?;
    let search = |field: &str, value: &str, comparison: StringComparisonType| {
        let criteria = UserSearchCriteria::builder()
            .string_condition(
                StringCondition::builder().field_name(field).value(value).comparison_type(comparison).build(),
            )
            .build();
        client.search_users().instance_id(Seed::INSTANCE_1).search_criteria(criteria).send()
    };
    let exact = search("Username", "alice.smith", StringComparisonType::Exact).await?;
    assert_eq!(exact.approximate_total_count(), Some(1));
    let found = &exact.users()[0];
    assert_eq!(found.id(), Some(alice.as_str()));
    assert_eq!(found.arn(), Some(alice_arn.as_str()));
    assert_eq!(found.routing_profile_id(), Some(Seed::ROUTING_PROFILE_1));
    assert_eq!(found.security_profile_ids(), [Seed::SECURITY_PROFILE_AGENT]);
    assert_eq!(found.tags().and_then(|t| t.get("owner")).map(String::as_str), Some("stack-1"));
    assert_eq!(found.phone_config().map(|p| p.phone_type()), Some(&PhoneType::SoftPhone));

    assert_eq!(search("username", "smith", StringComparisonType::Contains).await?.users().len(), 2);
    assert_eq!(search("Username", "car", StringComparisonType::StartsWith).await?.users().len(), 1);
    assert_eq!(search("Username", "alice", StringComparisonType::Exact).await?.users().len(), 0);
    let everyone = client.search_users().instance_id(Seed::INSTANCE_1).send().await?;
    assert_eq!(everyone.approximate_total_count(), Some(3));
    let other_instance = client.search_users().instance_id(Seed::INSTANCE_2).send().await?;
    assert!(other_instance.users().is_empty());
    Ok(())
}

#[tokio::test]
async fn usernames_are_unique_per_instance() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    create_user(&client, "twin").await?;
    let again = create_user(&client, "twin").await;
    let error = again.expect_err("a duplicate");
    let error = error
        .downcast::<aws_sdk_connect::error::SdkError<aws_sdk_connect::operation::create_user::CreateUserError>>()?;
    let service = error.into_service_error();
    assert!(service.is_duplicate_resource_exception());
    assert_eq!(service.to_string(), "DuplicateResourceException: User with username twin already exists");

    client
        .create_user()
        .instance_id(Seed::INSTANCE_2)
        .username("twin")
        .routing_profile_id(Seed::INSTANCE_2_ROUTING_PROFILE)
        .security_profile_ids(Seed::INSTANCE_2_SECURITY_PROFILE)
        .send()
        .await?;
    assert_eq!(emulator.user_count(), 2);
    Ok(())
}
