//! Global Resiliency traffic distribution groups and their users: Describe, List, Associate, Disassociate and
//! ListTrafficDistributionGroupUsers, the home region, the status, the errors that keep a client from repeating a
//! write blindly, DeleteUser refused while a user is associated, and faults.

use aws_sdk_connect::Client;
use aws_sdk_connect::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_connect::operation::associate_traffic_distribution_group_user::AssociateTrafficDistributionGroupUserError;
use aws_sdk_connect::types::TrafficDistributionGroupStatus as SdkStatus;
use connect_emulator::{Emulator, ErrorCode, Fault, Seed, TrafficDistributionGroupStatus as Status};

use crate::{TestResult, create_user, signed_for, single_shot};

const GROUP: &str = Seed::TRAFFIC_DISTRIBUTION_GROUP_1;

async fn associate(client: &Client, group: &str, user: &str) -> Result<(), Box<dyn std::error::Error>> {
    client
        .associate_traffic_distribution_group_user()
        .traffic_distribution_group_id(group)
        .instance_id(Seed::INSTANCE_1)
        .user_id(user)
        .send()
        .await?;
    Ok(())
}

/// The error code `associate` answers.
async fn associate_code(client: &Client, group: &str, instance: &str, user: &str) -> Option<String> {
    let sent = client
        .associate_traffic_distribution_group_user()
        .traffic_distribution_group_id(group)
        .instance_id(instance)
        .user_id(user)
        .send()
        .await;
    sent.err().and_then(|e| e.into_service_error().code().map(str::to_owned))
}

#[tokio::test]
async fn describe_and_list_traffic_distribution_groups() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    let seed = emulator.seed().clone();
    let arn = seed.traffic_distribution_group_arn(Seed::TRAFFIC_DISTRIBUTION_GROUP_DEFAULT);
    assert_eq!(
        arn,
        format!(
            "arn:aws:connect:us-east-1:123456789012:traffic-distribution-group/{}",
            Seed::TRAFFIC_DISTRIBUTION_GROUP_DEFAULT
        )
    );
    for ident in [Seed::TRAFFIC_DISTRIBUTION_GROUP_DEFAULT, arn.as_str()] {
        let out = client.describe_traffic_distribution_group().traffic_distribution_group_id(ident).send().await?;
        let group = out.traffic_distribution_group().expect("a group");
        assert_eq!((group.id(), group.arn()), (Some(Seed::TRAFFIC_DISTRIBUTION_GROUP_DEFAULT), Some(arn.as_str())));
        assert_eq!(group.name(), Some("cfn-connect-user-1-default"));
        assert_eq!(group.instance_arn(), Some(seed.instance_arn(Seed::INSTANCE_1).as_str()));
        assert_eq!((group.status(), group.is_default()), (Some(&SdkStatus::Active), true));
    }

    // Signed for us-east-1: the groups of that region, of one instance when asked.
    let all = client.list_traffic_distribution_groups().send().await?;
    let ids: Vec<_> = all.traffic_distribution_group_summary_list().iter().filter_map(|g| g.id()).collect();
    assert_eq!(ids, [Seed::TRAFFIC_DISTRIBUTION_GROUP_DEFAULT, GROUP]);
    let second = &all.traffic_distribution_group_summary_list()[1];
    assert_eq!((second.is_default(), second.status()), (false, Some(&SdkStatus::Active)));
    let of_2 = client.list_traffic_distribution_groups().instance_id(Seed::INSTANCE_2).send().await?;
    assert!(of_2.traffic_distribution_group_summary_list().is_empty());
    let unknown = client.list_traffic_distribution_groups().instance_id("a1b2c3d4-0000-4000-8000-00000000ffff");
    assert!(unknown.send().await?.traffic_distribution_group_summary_list().is_empty());

    // Pages of at most 10.
    for i in 0..11 {
        emulator.add_traffic_distribution_group(
            Seed::INSTANCE_1,
            &format!("extra-{i}"),
            Seed::REGION,
            Status::Active,
            false,
        )?;
    }
    let groups: Vec<_> = client
        .list_traffic_distribution_groups()
        .instance_id(seed.instance_arn(Seed::INSTANCE_1))
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await?;
    assert_eq!(groups.len(), 13);
    let first = client.list_traffic_distribution_groups().max_results(5).send().await?;
    assert_eq!(first.traffic_distribution_group_summary_list().len(), 5);
    assert!(first.next_token().is_some());
    let error = client.list_traffic_distribution_groups().max_results(11).send().await.expect_err("over 10");
    assert!(error.into_service_error().is_invalid_request_exception());

    let missing = client
        .describe_traffic_distribution_group()
        .traffic_distribution_group_id("e1000000-0000-4000-8000-0000000000ff");
    assert!(missing.send().await.expect_err("unknown").into_service_error().is_resource_not_found_exception());
    Ok(())
}

#[tokio::test]
async fn users_join_and_leave_a_group() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    let group_arn = emulator.seed().traffic_distribution_group_arn(GROUP);
    let mut users = Vec::new();
    for name in ["ann", "bob", "cy"] {
        users.push(create_user(&client, name).await?);
    }
    associate(&client, GROUP, &users[0].0).await?;
    associate(&client, &group_arn, &users[1].1).await?;
    associate(&client, GROUP, &users[2].0).await?;
    associate(&client, Seed::TRAFFIC_DISTRIBUTION_GROUP_DEFAULT, &users[2].0).await?;

    let mut listed = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_traffic_distribution_group_users()
            .traffic_distribution_group_id(GROUP)
            .max_results(2)
            .set_next_token(token)
            .send()
            .await?;
        assert!(page.traffic_distribution_group_user_summary_list().len() <= 2);
        listed.extend(
            page.traffic_distribution_group_user_summary_list().iter().filter_map(|u| u.user_id()).map(str::to_owned),
        );
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    let mut ids: Vec<_> = users.iter().map(|(id, _)| id.clone()).collect();
    ids.sort();
    assert_eq!(listed, ids);
    assert_eq!(emulator.traffic_distribution_group_users(&group_arn), Some(ids));
    let default_arn = emulator.seed().traffic_distribution_group_arn(Seed::TRAFFIC_DISTRIBUTION_GROUP_DEFAULT);
    assert_eq!(emulator.traffic_distribution_groups_of(&users[2].1), [default_arn, group_arn.clone()]);

    client
        .disassociate_traffic_distribution_group_user()
        .traffic_distribution_group_id(&group_arn)
        .instance_id(emulator.seed().instance_arn(Seed::INSTANCE_1))
        .user_id(&users[0].0)
        .send()
        .await?;
    assert_eq!(emulator.traffic_distribution_group_users(GROUP).map(|u| u.len()), Some(2));
    assert!(emulator.traffic_distribution_groups_of(&users[0].0).is_empty());
    // The user's own view is unchanged: associations are apart from DescribeUser.
    let described = emulator.describe(&users[1].0).expect("a user");
    assert!(described.get("TrafficDistributionGroups").is_none());

    let calls = emulator.calls();
    let associations: Vec<_> =
        calls.iter().filter(|c| c.operation == "AssociateTrafficDistributionGroupUser").collect();
    assert_eq!(associations.len(), 4);
    assert!(associations.iter().all(|c| c.is_write() && c.status == 200));
    assert_eq!(associations[0].user.as_deref(), Some(users[0].0.as_str()));
    let leave = calls.iter().find(|c| c.operation == "DisassociateTrafficDistributionGroupUser").expect("logged");
    assert_eq!(
        (leave.user.as_deref(), leave.body["UserId"].as_str()),
        (Some(users[0].0.as_str()), Some(users[0].0.as_str()))
    );
    assert!(calls.iter().filter(|c| c.operation == "ListTrafficDistributionGroupUsers").all(|c| !c.is_write()));
    Ok(())
}

#[tokio::test]
async fn association_errors_keep_a_client_from_repeating_blindly() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    let (user, _) = create_user(&client, "dana").await?;
    let (other, _) = create_user(&client, "eli").await?;
    let (conflict, not_found) =
        (Some("ResourceConflictException".to_owned()), Some("ResourceNotFoundException".to_owned()));

    associate(&client, GROUP, &user).await?;
    assert_eq!(associate_code(&client, GROUP, Seed::INSTANCE_1, &user).await, conflict);
    let typed = client
        .associate_traffic_distribution_group_user()
        .traffic_distribution_group_id(GROUP)
        .instance_id(Seed::INSTANCE_1)
        .user_id(&user)
        .send()
        .await
        .expect_err("conflict")
        .into_service_error();
    assert!(typed.is_resource_conflict_exception(), "{typed:?}");
    assert!(typed.message().is_some_and(|m| m.contains(&user)));

    // Unknown user, another instance than the group's, unknown group.
    let unknown_user = "00000000-0000-4000-8000-000000000000";
    assert_eq!(associate_code(&client, GROUP, Seed::INSTANCE_1, unknown_user).await, not_found);
    assert_eq!(associate_code(&client, GROUP, Seed::INSTANCE_2, &other).await, not_found);
    let unknown_group = "e1000000-0000-4000-8000-0000000000ff";
    assert_eq!(associate_code(&client, unknown_group, Seed::INSTANCE_1, &other).await, not_found);

    // Only an ACTIVE group takes users; disassociation works whatever the status.
    for status in [
        Status::CreationInProgress,
        Status::CreationFailed,
        Status::PendingDeletion,
        Status::DeletionFailed,
        Status::UpdateInProgress,
    ] {
        emulator.set_traffic_distribution_group_status(GROUP, status)?;
        assert_eq!(associate_code(&client, GROUP, Seed::INSTANCE_1, &other).await, not_found, "{status}");
        let described =
            client.describe_traffic_distribution_group().traffic_distribution_group_id(GROUP).send().await?;
        assert_eq!(
            described.traffic_distribution_group().and_then(|g| g.status()).map(|s| s.as_str()),
            Some(status.as_str())
        );
    }
    let disassociate = |user: &str| {
        client
            .disassociate_traffic_distribution_group_user()
            .traffic_distribution_group_id(GROUP)
            .instance_id(Seed::INSTANCE_1)
            .user_id(user)
            .send()
    };
    disassociate(&user).await?;
    let again = disassociate(&user).await.expect_err("not associated").into_service_error();
    assert!(again.is_resource_not_found_exception(), "{again:?}");
    let creating = emulator.add_traffic_distribution_group(
        Seed::INSTANCE_1,
        "new",
        Seed::REGION,
        Status::CreationInProgress,
        false,
    )?;
    assert_eq!(associate_code(&client, &creating, Seed::INSTANCE_1, &user).await, not_found);
    emulator.set_traffic_distribution_group_status(&creating, Status::Active)?;
    associate(&client, &creating, &user).await?;

    // A body without UserId: the operation's model has no InvalidParameterException.
    let missing = client
        .associate_traffic_distribution_group_user()
        .traffic_distribution_group_id(GROUP)
        .instance_id(Seed::INSTANCE_1)
        .send()
        .await
        .expect_err("no user")
        .into_service_error();
    assert!(missing.is_invalid_request_exception(), "{missing:?}");
    assert!(missing.message().is_some_and(|m| m.contains("UserId is required")));
    Ok(())
}

#[tokio::test]
async fn a_group_is_found_only_from_its_home_region() -> TestResult {
    let emulator = Emulator::start().await?;
    let (us, eu) = (signed_for(&emulator, Seed::REGION), signed_for(&emulator, Seed::REGION_EU));
    let not_found = Some("ResourceNotFoundException");
    let describe = |client: &Client, group: &str| {
        client.describe_traffic_distribution_group().traffic_distribution_group_id(group).send()
    };

    let e = describe(&eu, GROUP).await.expect_err("other region").into_service_error();
    assert_eq!(e.code(), not_found);
    let eu_arn = emulator.seed().traffic_distribution_group_arn(Seed::TRAFFIC_DISTRIBUTION_GROUP_EU);
    assert!(eu_arn.starts_with("arn:aws:connect:eu-west-2:"), "{eu_arn}");
    assert_eq!(describe(&us, &eu_arn).await.expect_err("other region").into_service_error().code(), not_found);
    let out = describe(&eu, &eu_arn).await?;
    let group = out.traffic_distribution_group().expect("a group");
    assert_eq!(group.instance_arn(), Some(emulator.seed().instance_arn(Seed::INSTANCE_EU).as_str()));
    let listed = eu.list_traffic_distribution_groups().send().await?;
    let ids: Vec<_> = listed.traffic_distribution_group_summary_list().iter().filter_map(|g| g.id()).collect();
    assert_eq!(ids, [Seed::TRAFFIC_DISTRIBUTION_GROUP_EU]);

    let (user, _) = create_user(&us, "roamer").await?;
    assert_eq!(associate_code(&eu, GROUP, Seed::INSTANCE_1, &user).await.as_deref(), not_found);
    let users = eu.list_traffic_distribution_group_users().traffic_distribution_group_id(GROUP).send().await;
    assert_eq!(users.expect_err("other region").into_service_error().code(), not_found);

    // A group the test adds lives in the region it names.
    let west = emulator.add_traffic_distribution_group(Seed::INSTANCE_1, "west", "us-west-2", Status::Active, false)?;
    assert!(west.starts_with("arn:aws:connect:us-west-2:123456789012:traffic-distribution-group/"), "{west}");
    assert_eq!(describe(&us, &west).await.expect_err("other region").into_service_error().code(), not_found);
    describe(&signed_for(&emulator, "us-west-2"), &west).await?;

    emulator.set_region_check(false);
    describe(&us, &eu_arn).await?;
    Ok(())
}

#[tokio::test]
async fn delete_user_is_refused_while_the_user_is_in_a_group() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    let (user, arn) = create_user(&client, "member").await?;
    associate(&client, GROUP, &arn).await?;
    let delete = || client.delete_user().instance_id(Seed::INSTANCE_1).user_id(&user).send();
    let refused = delete().await.expect_err("associated").into_service_error();
    assert!(refused.is_invalid_request_exception(), "{refused:?}");
    let message = refused.message().unwrap_or_default();
    assert!(message.contains("cfn-connect-user-1-agents") && message.contains(GROUP), "{message}");
    assert_eq!(emulator.user_count(), 1);

    // Whatever the group's status, until the user leaves.
    emulator.set_traffic_distribution_group_status(GROUP, Status::PendingDeletion)?;
    assert!(delete().await.is_err());
    client
        .disassociate_traffic_distribution_group_user()
        .traffic_distribution_group_id(GROUP)
        .instance_id(Seed::INSTANCE_1)
        .user_id(&arn)
        .send()
        .await?;
    delete().await?;
    assert_eq!(emulator.user_count(), 0);
    Ok(())
}

#[tokio::test]
async fn faults_apply_to_the_traffic_operations() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    let (user, _) = create_user(&client, "faulted").await?;

    // Committed, then failed: the association exists, and repeating it is a conflict.
    emulator.fail_next("AssociateTrafficDistributionGroupUser", 1, Fault::CommitThenError(ErrorCode::InternalService));
    let error = associate(&client, GROUP, &user).await.expect_err("injected");
    let error = error.downcast::<SdkError<AssociateTrafficDistributionGroupUserError>>()?.into_service_error();
    assert!(error.is_internal_service_exception(), "{error:?}");
    assert_eq!(emulator.traffic_distribution_group_users(GROUP), Some(vec![user.clone()]));
    assert_eq!(emulator.committed_writes(), ["CreateUser", "AssociateTrafficDistributionGroupUser"]);
    assert_eq!(emulator.write_calls(), ["CreateUser"]);
    assert_eq!(
        associate_code(&client, GROUP, Seed::INSTANCE_1, &user).await.as_deref(),
        Some("ResourceConflictException")
    );

    // An injected conflict arrives typed; the SDK's retries absorb a throttle.
    emulator.fail_next("DisassociateTrafficDistributionGroupUser", 1, Fault::Error(ErrorCode::ResourceConflict));
    let disassociate = client
        .disassociate_traffic_distribution_group_user()
        .traffic_distribution_group_id(GROUP)
        .instance_id(Seed::INSTANCE_1)
        .user_id(&user);
    let error = disassociate.clone().send().await.expect_err("injected").into_service_error();
    assert!(error.is_resource_conflict_exception(), "{error:?}");
    emulator.fail_next("DisassociateTrafficDistributionGroupUser", 1, Fault::Error(ErrorCode::Throttling));
    crate::client(&emulator)
        .disassociate_traffic_distribution_group_user()
        .traffic_distribution_group_id(GROUP)
        .instance_id(Seed::INSTANCE_1)
        .user_id(&user)
        .send()
        .await?;
    assert_eq!(emulator.traffic_distribution_group_users(GROUP), Some(Vec::new()));

    // IAM names the group's ARN.
    emulator.deny("DescribeTrafficDistributionGroup");
    let denied = client.describe_traffic_distribution_group().traffic_distribution_group_id(GROUP).send().await;
    let denied = denied.expect_err("denied").into_service_error();
    assert!(denied.is_access_denied_exception(), "{denied:?}");
    let message = denied.message().unwrap_or_default();
    assert!(message.contains("connect:DescribeTrafficDistributionGroup"), "{message}");
    assert!(message.contains(&emulator.seed().traffic_distribution_group_arn(GROUP)), "{message}");
    Ok(())
}
