//! Request validation and the PhoneConfig/per-channel conflict rule, each answered `InvalidParameterException`.

use aws_sdk_connect::Client;
use aws_sdk_connect::error::ProvideErrorMetadata;
use aws_sdk_connect::operation::create_user::CreateUserError;
use aws_sdk_connect::operation::create_user::builders::CreateUserFluentBuilder;
use aws_sdk_connect::types::{
    AutoAcceptConfig, Channel, PersistentConnectionConfig, PhoneNumberConfig, PhoneType, UserIdentityInfo,
    UserPhoneConfig, UserProficiency,
};
use connect_emulator::{Emulator, Seed};

use crate::{TestResult, create_user, single_shot};

fn base(client: &Client, username: &str) -> CreateUserFluentBuilder {
    client
        .create_user()
        .instance_id(Seed::INSTANCE_1)
        .username(username)
        .routing_profile_id(Seed::ROUTING_PROFILE_1)
        .security_profile_ids(Seed::SECURITY_PROFILE_AGENT)
}

/// Sends the request and returns the `InvalidParameterException` message.
async fn rejected(request: CreateUserFluentBuilder) -> Result<String, Box<dyn std::error::Error>> {
    let error = request.send().await.expect_err("rejected").into_service_error();
    assert!(matches!(error, CreateUserError::InvalidParameterException(_)), "{error:?}");
    Ok(error.message().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn passwords_follow_the_intended_rule() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    for bad in ["short1A", "alllowercase1", "ALLUPPERCASE1", "NoDigitsHere", "With space1A"] {
        let message = rejected(base(&client, "pw").password(bad)).await?;
        assert!(message.contains("Password"), "{message}");
        assert!(!message.contains(bad), "the password is never echoed");
    }
    base(&client, "pw").password("Val1dPassword!").send().await?;
    Ok(())
}

#[tokio::test]
async fn phone_numbers_are_e164() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    for bad in ["12065550100", "+0123456", "+1", "+1206555010012345", "+1 206"] {
        let info = UserIdentityInfo::builder().mobile(bad).build();
        let message = rejected(base(&client, "m").identity_info(info)).await?;
        assert!(message.contains("IdentityInfo.Mobile"), "{message}");
    }
    let desk = UserPhoneConfig::builder().phone_type(PhoneType::DeskPhone).desk_phone_number("555-0100").build();
    assert!(rejected(base(&client, "m").phone_config(desk)).await?.contains("DeskPhoneNumber"));
    let no_number = UserPhoneConfig::builder().phone_type(PhoneType::DeskPhone).build();
    assert!(rejected(base(&client, "m").phone_config(no_number)).await?.contains("desk phone number is required"));
    let email = UserIdentityInfo::builder().email("not-an-email").build();
    assert!(rejected(base(&client, "m").identity_info(email)).await?.contains("IdentityInfo.Email"));
    base(&client, "m").identity_info(UserIdentityInfo::builder().mobile("+12065550100").build()).send().await?;
    Ok(())
}

#[tokio::test]
async fn tags_are_checked() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    assert!(rejected(base(&client, "t").tags("aws:reserved", "x")).await?.contains("aws:"));
    assert!(rejected(base(&client, "t").tags("bad*key", "x")).await?.contains("not allowed"));
    assert!(rejected(base(&client, "t").tags("k", "v".repeat(257))).await?.contains("256"));
    let mut many = base(&client, "t");
    for i in 0..51 {
        many = many.tags(format!("k{i}"), "v");
    }
    assert!(rejected(many).await?.contains("1 to 50"));

    let (_, arn) = create_user(&client, "tagged").await?;
    let mut fifty = client.tag_resource().resource_arn(&arn);
    for i in 0..50 {
        fifty = fifty.tags(format!("k{i}"), "v");
    }
    fifty.send().await?;
    let over = client.tag_resource().resource_arn(&arn).tags("one-more", "v").send().await;
    assert!(over.expect_err("over the limit").into_service_error().is_invalid_parameter_exception());
    let bad_untag = client.untag_resource().resource_arn(&arn).tag_keys("aws:x").send().await;
    assert!(bad_untag.expect_err("bad key").into_service_error().is_invalid_parameter_exception());
    let unknown = client.tag_resource().resource_arn(format!("{arn}0")).tags("a", "b").send().await;
    assert!(unknown.expect_err("unknown").into_service_error().is_resource_not_found_exception());
    Ok(())
}

#[tokio::test]
async fn other_create_user_rules() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    assert!(rejected(base(&client, "bad name!")).await?.contains("Username"));
    let mut eleven = base(&client, "sp");
    for _ in 0..10 {
        eleven = eleven.security_profile_ids(Seed::SECURITY_PROFILE_QA);
    }
    assert!(rejected(eleven).await?.contains("1 to 10"));
    let twice = base(&client, "ch")
        .auto_accept_configs(AutoAcceptConfig::builder().channel(Channel::Chat).auto_accept(true).build()?)
        .auto_accept_configs(AutoAcceptConfig::builder().channel(Channel::Chat).auto_accept(false).build()?);
    assert!(rejected(twice).await?.contains("more than one entry"));
    let chat_phone = base(&client, "ch").phone_number_configs(
        PhoneNumberConfig::builder().channel(Channel::Chat).phone_type(PhoneType::SoftPhone).build()?,
    );
    assert!(rejected(chat_phone).await?.contains("only VOICE"));
    // Several problems are reported together.
    let message = rejected(base(&client, "x y").password("weak")).await?;
    assert!(message.contains("Username") && message.contains("Password"), "{message}");
    assert_eq!(emulator.user_count(), 0);
    Ok(())
}

#[tokio::test]
async fn phone_config_members_conflict_with_their_lists() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    let auto = UserPhoneConfig::builder().phone_type(PhoneType::SoftPhone).auto_accept(true).build();
    let list = AutoAcceptConfig::builder().channel(Channel::Voice).auto_accept(true).build()?;
    let message = rejected(base(&client, "c").phone_config(auto).auto_accept_configs(list.clone())).await?;
    assert!(message.contains("PhoneConfig.AutoAccept") && message.contains("AutoAcceptConfigs"), "{message}");

    // The SDK always sends PhoneType with a PhoneConfig, which conflicts with PhoneNumberConfigs.
    let soft = UserPhoneConfig::builder().phone_type(PhoneType::SoftPhone).build();
    let numbers = PhoneNumberConfig::builder().channel(Channel::Voice).phone_type(PhoneType::SoftPhone).build()?;
    let message = rejected(base(&client, "c").phone_config(soft.clone()).phone_number_configs(numbers)).await?;
    assert!(message.contains("PhoneConfig.PhoneType") && message.contains("PhoneNumberConfigs"), "{message}");

    let persistent = UserPhoneConfig::builder().phone_type(PhoneType::SoftPhone).persistent_connection(true).build();
    let list_pc = PersistentConnectionConfig::builder().channel(Channel::Voice).persistent_connection(true).build()?;
    let message = rejected(base(&client, "c").phone_config(persistent).persistent_connection_configs(list_pc)).await?;
    assert!(message.contains("PersistentConnectionConfigs"), "{message}");

    // AutoAccept=false is not serialized, so PhoneConfig and AutoAcceptConfigs go together.
    let out = base(&client, "c").phone_config(soft).auto_accept_configs(list).send().await?;
    let user = emulator.describe(out.user_id().unwrap_or_default()).expect("stored");
    assert_eq!(user["PhoneConfig"]["AutoAccept"], true);
    Ok(())
}

#[tokio::test]
async fn proficiencies_are_checked() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    let (id, _) = create_user(&client, "p").await?;
    let associate = |name: &str, value: &str, level: f32| {
        let p = UserProficiency::builder().attribute_name(name).attribute_value(value).level(level).build();
        let request = client.associate_user_proficiencies().instance_id(Seed::INSTANCE_1).user_id(&id);
        async move {
            request
                .user_proficiencies(p?)
                .send()
                .await
                .map_err(|e| -> Box<dyn std::error::Error> { Box::new(e.into_service_error()) })
        }
    };
    for (name, value, level, expect) in [
        ("Language", "English", 0.5, "between 1.0 and 5.0"),
        ("Language", "English", 5.5, "between 1.0 and 5.0"),
        ("Language", "German", 2.0, "not a predefined attribute"),
        ("Hobby", "Chess", 2.0, "not a predefined attribute"),
    ] {
        let error = associate(name, value, level).await.expect_err("rejected");
        let message = error.to_string();
        assert!(message.starts_with("InvalidParameterException") && message.contains(expect), "{message}");
    }
    associate("Language", "English", 5.0).await?;
    assert_eq!(emulator.describe(&id).expect("stored")["UserProficiencyList"].as_array().map(Vec::len), Some(1));
    Ok(())
}
