//! Real Connect's harsher behaviours, each switched on for one test and driven through the SDK: the visibility
//! lag after `CreateUser`, "commit, then fail", `UpdateUserPhoneConfig` writing every channel's ACW limit, the
//! users-per-instance quota and IAM denials; and that none of them is on unless asked for.

use std::time::Duration;

use aws_sdk_connect::Client;
use aws_sdk_connect::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_connect::operation::create_user::CreateUserError;
use aws_sdk_connect::types::{
    AfterContactWorkConfig, AfterContactWorkConfigPerChannel, Channel, StringComparisonType, StringCondition,
    UserIdentityInfo, UserPhoneConfig, UserProficiency, UserProficiencyDisassociate, UserSearchCriteria,
};
use connect_emulator::{Emulator, ErrorCode, Fault, Seed};
use serde_json::json;

use crate::{TestResult, client, create_user, single_shot};

/// A lag no test waits out: the tests that use it end it with `make_visible*`.
const LONG_LAG: Duration = Duration::from_secs(600);

/// The HTTP status and `x-amzn-ErrorType` header of a service error.
fn status_and_type<E>(error: &SdkError<E>) -> (Option<u16>, Option<String>) {
    let raw = error.raw_response();
    let status = raw.map(|r| r.status().as_u16());
    let error_type = raw.and_then(|r| r.headers().get("x-amzn-errortype")).map(str::to_owned);
    (status, error_type)
}

/// The error code of a call expected to fail, as the SDK decoded it.
async fn code_of<T, E: ProvideErrorMetadata + std::fmt::Debug>(
    call: impl std::future::Future<Output = Result<T, SdkError<E>>>,
) -> String {
    match call.await {
        Ok(_) => "success".to_owned(),
        Err(error) => error.code().unwrap_or("no code").to_owned(),
    }
}

/// Usernames `SearchUsers` (by username prefix) and `ListUsers` return for instance 1.
async fn listed(client: &Client, prefix: &str) -> Result<(Vec<String>, Vec<String>), Box<dyn std::error::Error>> {
    let condition = StringCondition::builder()
        .field_name("Username")
        .value(prefix)
        .comparison_type(StringComparisonType::StartsWith)
        .build();
    let searched = client
        .search_users()
        .instance_id(Seed::INSTANCE_1)
        .search_criteria(UserSearchCriteria::builder().string_condition(condition).build())
        .send()
        .await?;
    let searched = searched.users().iter().filter_map(|u| u.username().map(str::to_owned)).collect();
    let all = client.list_users().instance_id(Seed::INSTANCE_1).send().await?;
    let all = all.user_summary_list().iter().filter_map(|u| u.username().map(str::to_owned)).collect();
    Ok((searched, all))
}

#[tokio::test]
async fn a_new_user_is_invisible_during_the_lag_but_its_username_is_taken() -> TestResult {
    let emulator = Emulator::builder().visibility_lag(LONG_LAG).start().await?;
    let client = single_shot(&emulator);
    let (id, arn) = create_user(&client, "lagging").await?;
    let i1 = Seed::INSTANCE_1;
    let not_found = "ResourceNotFoundException";

    assert_eq!(code_of(client.describe_user().instance_id(i1).user_id(&id).send()).await, not_found);
    assert_eq!(code_of(client.describe_user().instance_id(i1).user_id(&arn).send()).await, not_found);
    let info = UserIdentityInfo::builder().first_name("Late").build();
    let identity = client.update_user_identity_info().instance_id(i1).user_id(&id).identity_info(info).send();
    assert_eq!(code_of(identity).await, not_found);
    let phone = client
        .update_user_phone_config()
        .instance_id(i1)
        .user_id(&id)
        .phone_config(UserPhoneConfig::builder().after_contact_work_time_limit(5).build())
        .send();
    assert_eq!(code_of(phone).await, not_found);
    let profile =
        client.update_user_routing_profile().instance_id(i1).user_id(&id).routing_profile_id(Seed::ROUTING_PROFILE_1);
    assert_eq!(code_of(profile.send()).await, not_found);
    let security = client
        .update_user_security_profiles()
        .instance_id(i1)
        .user_id(&id)
        .security_profile_ids(Seed::SECURITY_PROFILE_QA);
    assert_eq!(code_of(security.send()).await, not_found);
    let hierarchy =
        client.update_user_hierarchy().instance_id(i1).user_id(&id).hierarchy_group_id(Seed::HIERARCHY_GROUP_1);
    assert_eq!(code_of(hierarchy.send()).await, not_found);
    let acw = AfterContactWorkConfigPerChannel::builder()
        .channel(Channel::Chat)
        .after_contact_work_config(AfterContactWorkConfig::builder().after_contact_work_time_limit(9).build())
        .build()?;
    let config = client.update_user_config().instance_id(i1).user_id(&id).after_contact_work_configs(acw);
    assert_eq!(code_of(config.send()).await, not_found);
    let skill = UserProficiency::builder().attribute_name("Skill").attribute_value("Billing").level(3.0).build()?;
    let associate =
        client.associate_user_proficiencies().instance_id(i1).user_id(&id).user_proficiencies(skill.clone());
    assert_eq!(code_of(associate.send()).await, not_found);
    let update = client.update_user_proficiencies().instance_id(i1).user_id(&id).user_proficiencies(skill);
    assert_eq!(code_of(update.send()).await, not_found);
    let gone = UserProficiencyDisassociate::builder().attribute_name("Skill").attribute_value("Billing").build()?;
    let disassociate = client.disassociate_user_proficiencies().instance_id(i1).user_id(&id).user_proficiencies(gone);
    assert_eq!(code_of(disassociate.send()).await, not_found);
    assert_eq!(code_of(client.list_user_proficiencies().instance_id(i1).user_id(&id).send()).await, not_found);
    assert_eq!(code_of(client.tag_resource().resource_arn(&arn).tags("k", "v").send()).await, not_found);
    assert_eq!(code_of(client.untag_resource().resource_arn(&arn).tag_keys("k").send()).await, not_found);
    assert_eq!(code_of(client.delete_user().instance_id(i1).user_id(&id).send()).await, not_found);
    assert_eq!(listed(&client, "lag").await?, (vec![], vec![]));

    // The username is taken the moment CreateUser committed.
    let again = create_user(&client, "lagging").await.expect_err("duplicate");
    let again = again.downcast::<SdkError<CreateUserError>>()?.into_service_error();
    assert!(again.is_duplicate_resource_exception(), "{again:?}");

    // The test handle sees the stored truth, and the lag ends without sleeping.
    assert!(emulator.describe(&id).is_some());
    assert_eq!(emulator.is_visible(&id), Some(false));
    emulator.make_visible_now();
    assert_eq!(emulator.is_visible(&id), Some(true));
    client.describe_user().instance_id(i1).user_id(&id).send().await?;
    assert_eq!(listed(&client, "lag").await?, (vec!["lagging".to_owned()], vec!["lagging".to_owned()]));
    client.delete_user().instance_id(i1).user_id(&id).send().await?;
    assert_eq!(emulator.is_visible(&id), None);
    Ok(())
}

#[tokio::test]
async fn the_lag_ends_by_itself() -> TestResult {
    let emulator = Emulator::builder().visibility_lag(Duration::from_millis(300)).start().await?;
    let client = single_shot(&emulator);
    let (id, _) = create_user(&client, "patient").await?;
    let first = client.describe_user().instance_id(Seed::INSTANCE_1).user_id(&id).send().await;
    assert!(first.expect_err("not visible yet").into_service_error().is_resource_not_found_exception());
    emulator.wait_visible(&id).await;
    client.describe_user().instance_id(Seed::INSTANCE_1).user_id(&id).send().await?;
    // Waiting for a visible (or unknown) user returns at once.
    emulator.wait_visible(&id).await;
    emulator.wait_visible("no-such-user").await;
    Ok(())
}

#[tokio::test]
async fn the_lag_can_be_per_instance_and_changed_at_run_time() -> TestResult {
    let emulator = Emulator::builder().instance_visibility_lag(Seed::INSTANCE_2, LONG_LAG).start().await?;
    let client = single_shot(&emulator);
    let (prompt, _) = create_user(&client, "prompt").await?;
    assert_eq!(emulator.is_visible(&prompt), Some(true));
    let in_two = client
        .create_user()
        .instance_id(Seed::INSTANCE_2)
        .username("slow")
        .routing_profile_id(Seed::INSTANCE_2_ROUTING_PROFILE)
        .security_profile_ids(Seed::INSTANCE_2_SECURITY_PROFILE)
        .send()
        .await?;
    let slow = in_two.user_id().unwrap_or_default().to_owned();
    assert_eq!(emulator.is_visible(&slow), Some(false));
    assert!(emulator.make_visible(&slow));
    assert!(!emulator.make_visible(&slow), "already visible");
    client.describe_user().instance_id(Seed::INSTANCE_2).user_id(&slow).send().await?;

    emulator.set_visibility_lag(Some(LONG_LAG));
    let (late, _) = create_user(&client, "late").await?;
    assert_eq!(emulator.is_visible(&late), Some(false));
    emulator.set_visibility_lag(None);
    let (on_time, _) = create_user(&client, "on-time").await?;
    assert_eq!(emulator.is_visible(&on_time), Some(true));
    // Named by ARN this time: either identifier works.
    emulator.set_instance_visibility_lag(&emulator.seed().instance_arn(Seed::INSTANCE_2), None);
    let quick = client
        .create_user()
        .instance_id(Seed::INSTANCE_2)
        .username("quick")
        .routing_profile_id(Seed::INSTANCE_2_ROUTING_PROFILE)
        .security_profile_ids(Seed::INSTANCE_2_SECURITY_PROFILE)
        .send()
        .await?;
    assert_eq!(emulator.is_visible(quick.user_id().unwrap_or_default()), Some(true));
    Ok(())
}

#[tokio::test]
async fn commit_then_error_keeps_the_write_and_the_sdk_retry_meets_a_duplicate() -> TestResult {
    let emulator = Emulator::start().await?;
    emulator.fail_next("CreateUser", 1, Fault::CommitThenError(ErrorCode::InternalService));
    let error = create_user(&single_shot(&emulator), "committed").await.expect_err("500 after the commit");
    let error = error.downcast::<SdkError<CreateUserError>>()?;
    assert_eq!(status_and_type(&error), (Some(500), Some("InternalServiceException".to_owned())));
    let stored = emulator.find_by_username(Seed::INSTANCE_1, "committed").expect("the user was created");
    let calls = emulator.calls();
    assert_eq!(calls[0].status, 500);
    assert_eq!(calls[0].user.as_deref(), stored["Id"].as_str(), "the log names the user that was made");
    assert!(emulator.write_calls().is_empty(), "no write answered 2xx");
    assert_eq!(emulator.committed_writes(), ["CreateUser"]);

    // The SDK's standard retry repeats the write blind, and meets the user its first attempt made.
    emulator.clear_calls();
    emulator.fail_next("CreateUser", 1, Fault::CommitThenError(ErrorCode::InternalService));
    let error = create_user(&client(&emulator), "retried").await.expect_err("duplicate on retry");
    let error = error.downcast::<SdkError<CreateUserError>>()?.into_service_error();
    assert!(error.is_duplicate_resource_exception(), "{error:?}");
    let statuses: Vec<u16> = emulator.calls().iter().map(|c| c.status).collect();
    assert_eq!(statuses, [500, 409]);
    assert_eq!(emulator.user_count(), 2);
    Ok(())
}

#[tokio::test]
async fn commit_then_drop_keeps_the_write_and_a_blind_repeat_fails() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    let (id, _) = create_user(&client, "dropped").await?;
    emulator.fail_next("AssociateUserProficiencies", 1, Fault::CommitThenDrop);
    let skill = UserProficiency::builder().attribute_name("Skill").attribute_value("Sales").level(2.0).build()?;
    let associate = || {
        client
            .associate_user_proficiencies()
            .instance_id(Seed::INSTANCE_1)
            .user_id(&id)
            .user_proficiencies(skill.clone())
            .send()
    };
    match associate().await.expect_err("dropped") {
        SdkError::DispatchFailure(failure) => assert!(failure.is_io(), "{failure:?}"),
        other => panic!("expected a dispatch failure, got {other:?}"),
    }
    let user = emulator.describe(&id).expect("stored");
    assert_eq!(
        user["UserProficiencyList"],
        json!([{"AttributeName": "Skill", "AttributeValue": "Sales", "Level": 2.0}])
    );
    assert_eq!(emulator.calls().last().map(|c| c.status), Some(0));
    assert_eq!(emulator.committed_writes(), ["CreateUser", "AssociateUserProficiencies"]);
    // Repeating the write that did commit fails for its own reason.
    let again = associate().await.expect_err("already associated").into_service_error();
    assert!(again.is_invalid_request_exception(), "{again:?}");

    // A commit-then-fail whose write is refused anyway commits nothing.
    emulator.fail_next("UpdateUserRoutingProfile", 1, Fault::CommitThenDrop);
    let refused =
        client.update_user_routing_profile().instance_id(Seed::INSTANCE_1).user_id(&id).routing_profile_id("nope");
    assert!(refused.send().await.is_err());
    assert_eq!(emulator.committed_writes(), ["CreateUser", "AssociateUserProficiencies"]);
    Ok(())
}

/// A user of instance 1 with ACW limits on VOICE (10), CHAT (20) and TASK (30), and none for EMAIL.
async fn user_with_three_channels(client: &Client) -> Result<String, Box<dyn std::error::Error>> {
    let entry = |channel: Channel, limit: i32| {
        AfterContactWorkConfigPerChannel::builder()
            .channel(channel)
            .after_contact_work_config(AfterContactWorkConfig::builder().after_contact_work_time_limit(limit).build())
            .build()
    };
    let out = client
        .create_user()
        .instance_id(Seed::INSTANCE_1)
        .username("channels")
        .routing_profile_id(Seed::ROUTING_PROFILE_1)
        .security_profile_ids(Seed::SECURITY_PROFILE_AGENT)
        .after_contact_work_configs(entry(Channel::Voice, 10)?)
        .after_contact_work_configs(entry(Channel::Chat, 20)?)
        .after_contact_work_configs(entry(Channel::Task, 30)?)
        .send()
        .await?;
    Ok(out.user_id().unwrap_or_default().to_owned())
}

fn acw_limits(emulator: &Emulator, id: &str) -> Vec<(String, i64)> {
    let user = emulator.describe(id).expect("stored");
    let entries = user["AfterContactWorkConfigs"].as_array().cloned().unwrap_or_default();
    entries
        .iter()
        .map(|e| {
            let limit = e["AfterContactWorkConfig"]["AfterContactWorkTimeLimit"].as_i64().unwrap_or(-1);
            (e["Channel"].as_str().unwrap_or_default().to_owned(), limit)
        })
        .collect()
}

#[tokio::test]
async fn update_user_phone_config_can_write_every_channels_acw() -> TestResult {
    let emulator = Emulator::builder().phone_config_writes_all_channels(true).start().await?;
    let client = single_shot(&emulator);
    let id = user_with_three_channels(&client).await?;
    let phone = |limit: i32| {
        client
            .update_user_phone_config()
            .instance_id(Seed::INSTANCE_1)
            .user_id(&id)
            .phone_config(UserPhoneConfig::builder().after_contact_work_time_limit(limit).build())
            .send()
    };
    phone(45).await?;
    let owned = |v: &[(&str, i64)]| v.iter().map(|(c, l)| ((*c).to_owned(), *l)).collect::<Vec<_>>();
    assert_eq!(acw_limits(&emulator, &id), owned(&[("VOICE", 45), ("CHAT", 45), ("TASK", 45)]));

    // Switched off, only VOICE changes.
    emulator.set_phone_config_writes_all_channels(false);
    phone(60).await?;
    assert_eq!(acw_limits(&emulator, &id), owned(&[("VOICE", 60), ("CHAT", 45), ("TASK", 45)]));
    Ok(())
}

#[tokio::test]
async fn the_users_quota_answers_limit_exceeded_per_instance() -> TestResult {
    let emulator = Emulator::builder().users_per_instance(2).start().await?;
    let client = single_shot(&emulator);
    let (first, _) = create_user(&client, "one").await?;
    create_user(&client, "two").await?;
    let error = create_user(&client, "three").await.expect_err("quota reached");
    let error = error.downcast::<SdkError<CreateUserError>>()?;
    assert_eq!(status_and_type(&error), (Some(429), Some("LimitExceededException".to_owned())));
    let error = error.into_service_error();
    assert!(error.is_limit_exceeded_exception(), "{error:?}");
    assert!(error.message().is_some_and(|m| m.contains("quota of 2 users")), "{error:?}");
    // A duplicate is still a duplicate at the quota.
    let duplicate = create_user(&client, "two").await.expect_err("duplicate");
    assert!(duplicate.downcast::<SdkError<CreateUserError>>()?.into_service_error().is_duplicate_resource_exception());

    // The quota counts per instance.
    client
        .create_user()
        .instance_id(Seed::INSTANCE_2)
        .username("elsewhere")
        .routing_profile_id(Seed::INSTANCE_2_ROUTING_PROFILE)
        .security_profile_ids(Seed::INSTANCE_2_SECURITY_PROFILE)
        .send()
        .await?;
    // Deleting a user makes room; lifting the quota removes the limit.
    client.delete_user().instance_id(Seed::INSTANCE_1).user_id(&first).send().await?;
    create_user(&client, "three").await?;
    emulator.set_users_per_instance(None);
    create_user(&client, "four").await?;
    emulator.set_users_per_instance(Some(Emulator::CONNECT_USERS_PER_INSTANCE));
    create_user(&client, "five").await?;
    Ok(())
}

#[tokio::test]
async fn access_denied_names_the_action_and_the_resource() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    let (id, arn) = create_user(&client, "guarded").await?;
    emulator.fail_next("UpdateUserRoutingProfile", 1, Fault::Error(ErrorCode::AccessDenied));
    let error = client
        .update_user_routing_profile()
        .instance_id(Seed::INSTANCE_1)
        .user_id(&id)
        .routing_profile_id(Seed::ROUTING_PROFILE_1_SALES)
        .send()
        .await
        .expect_err("denied");
    assert_eq!(status_and_type(&error), (Some(403), Some("AccessDeniedException".to_owned())));
    let error = error.into_service_error();
    assert_eq!(error.code(), Some("AccessDeniedException"));
    let message = error.message().unwrap_or_default();
    assert!(message.starts_with("User: arn:aws:sts::123456789012:assumed-role/"), "{message}");
    let expected = format!("is not authorized to perform: connect:UpdateUserRoutingProfile on resource: {arn} ");
    assert!(message.contains(&expected), "{message}");
    assert_eq!(emulator.describe(&id).expect("stored")["RoutingProfileId"], Seed::ROUTING_PROFILE_1);

    // A denial can last: every call of the operation, until allowed.
    emulator.deny("DescribeInstance");
    for _ in 0..2 {
        let denied = client.describe_instance().instance_id(Seed::INSTANCE_1).send().await.expect_err("denied");
        let denied = denied.into_service_error();
        assert_eq!(denied.code(), Some("AccessDeniedException"));
        let resource = emulator.seed().instance_arn(Seed::INSTANCE_1);
        assert!(
            denied.message().is_some_and(|m| m.contains(&format!("connect:DescribeInstance on resource: {resource} ")))
        );
    }
    client.describe_user().instance_id(Seed::INSTANCE_1).user_id(&id).send().await?;
    emulator.allow("DescribeInstance");
    client.describe_instance().instance_id(Seed::INSTANCE_1).send().await?;

    let denied_from_start = Emulator::builder().deny("CreateUser").start().await?;
    let error = create_user(&single_shot(&denied_from_start), "nobody").await.expect_err("denied");
    let error = error.downcast::<SdkError<CreateUserError>>()?.into_service_error();
    assert_eq!(error.code(), Some("AccessDeniedException"));
    assert_eq!(denied_from_start.user_count(), 0);
    Ok(())
}

#[tokio::test]
async fn the_harsh_behaviours_are_off_unless_asked_for() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    // Visible at once.
    let id = user_with_three_channels(&client).await?;
    client.describe_user().instance_id(Seed::INSTANCE_1).user_id(&id).send().await?;
    // UpdateUserPhoneConfig writes VOICE only.
    client
        .update_user_phone_config()
        .instance_id(Seed::INSTANCE_1)
        .user_id(&id)
        .phone_config(UserPhoneConfig::builder().after_contact_work_time_limit(45).build())
        .send()
        .await?;
    let limits: Vec<i64> = acw_limits(&emulator, &id).into_iter().map(|(_, l)| l).collect();
    assert_eq!(limits, [45, 20, 30]);
    // No identity-management rules: a SAML instance takes a password and no names.
    client
        .create_user()
        .instance_id(Seed::INSTANCE_SAML)
        .username("saml-with-password")
        .password("Passw0rdPassw0rd")
        .routing_profile_id(Seed::INSTANCE_SAML_ROUTING_PROFILE)
        .security_profile_ids(Seed::INSTANCE_SAML_SECURITY_PROFILE)
        .send()
        .await?;
    // No quota, not even Connect's default one.
    for i in 0..Emulator::CONNECT_USERS_PER_INSTANCE {
        create_user(&client, &format!("bulk{i}")).await?;
    }
    Ok(())
}
