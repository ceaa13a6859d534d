//! Fault injection (errors, dropped connections, hangs, latency, the token bucket) and the call log.

use std::time::{Duration, Instant};

use aws_sdk_connect::error::SdkError;
use aws_sdk_connect::operation::describe_user::DescribeUserError;
use connect_emulator::{Emulator, ErrorCode, Fault, Seed};
use serde_json::json;

use crate::{TestResult, client, create_user, single_shot, with_timeout};

#[tokio::test]
async fn fail_next_counts_only_its_operation() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    let (id, _) = create_user(&client, "target").await?;
    emulator.fail_next("DescribeUser", 2, Fault::Error(ErrorCode::InternalService));
    // Other operations are unaffected and do not use up the faults.
    client.list_users().instance_id(Seed::INSTANCE_1).send().await?;
    for _ in 0..2 {
        let error =
            client.describe_user().instance_id(Seed::INSTANCE_1).user_id(&id).send().await.expect_err("injected");
        assert!(matches!(error.into_service_error(), DescribeUserError::InternalServiceException(_)));
    }
    client.describe_user().instance_id(Seed::INSTANCE_1).user_id(&id).send().await?;
    Ok(())
}

#[tokio::test]
async fn standard_retries_absorb_a_transient_fault() -> TestResult {
    let emulator = Emulator::start().await?;
    emulator.fail_next("CreateUser", 1, Fault::Error(ErrorCode::Throttling));
    create_user(&client(&emulator), "patient").await?;
    let statuses: Vec<u16> = emulator.calls().iter().map(|c| c.status).collect();
    assert_eq!(statuses, [429, 200]);
    assert_eq!(emulator.write_calls(), ["CreateUser"]);
    Ok(())
}

#[tokio::test]
async fn a_dropped_connection_is_a_dispatch_failure() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    emulator.fail_next("CreateUser", 1, Fault::DropConnection);
    let error = client
        .create_user()
        .instance_id(Seed::INSTANCE_1)
        .username("dropped")
        .routing_profile_id(Seed::ROUTING_PROFILE_1)
        .security_profile_ids(Seed::SECURITY_PROFILE_AGENT)
        .send()
        .await
        .expect_err("dropped");
    match &error {
        SdkError::DispatchFailure(failure) => assert!(failure.is_io(), "{failure:?}"),
        other => panic!("expected a dispatch failure, got {other:?}"),
    }
    assert_eq!(emulator.user_count(), 0);
    assert_eq!(emulator.calls()[0].status, 0);
    create_user(&client, "dropped").await?;
    Ok(())
}

#[tokio::test]
async fn a_hang_is_a_timeout() -> TestResult {
    let emulator = Emulator::start().await?;
    emulator.fail_next("ListUsers", 1, Fault::Hang);
    let client = with_timeout(&emulator, Duration::from_millis(300));
    let error = client.list_users().instance_id(Seed::INSTANCE_1).send().await.expect_err("hung");
    assert!(matches!(error, SdkError::TimeoutError(_)), "{error:?}");
    client.list_users().instance_id(Seed::INSTANCE_1).send().await?;
    Ok(())
}

#[tokio::test]
async fn latency_delays_the_answer() -> TestResult {
    let latency = Duration::from_millis(200);
    let emulator = Emulator::builder().latency("ListUsers", latency).start().await?;
    let client = client(&emulator);
    let started = Instant::now();
    client.list_users().instance_id(Seed::INSTANCE_1).send().await?;
    assert!(started.elapsed() >= latency);

    emulator.set_latency("DescribeUser", latency);
    let (id, _) = create_user(&client, "slow").await?;
    let started = Instant::now();
    client.describe_user().instance_id(Seed::INSTANCE_1).user_id(&id).send().await?;
    assert!(started.elapsed() >= latency);
    Ok(())
}

#[tokio::test]
async fn the_token_bucket_throttles() -> TestResult {
    let emulator = Emulator::builder().rate_limit(1.0, 2).start().await?;
    let client = single_shot(&emulator);
    client.list_users().instance_id(Seed::INSTANCE_1).send().await?;
    client.list_users().instance_id(Seed::INSTANCE_1).send().await?;
    let third = client.list_users().instance_id(Seed::INSTANCE_1).send().await;
    assert!(third.expect_err("throttled").into_service_error().is_throttling_exception());
    assert_eq!(emulator.throttled(), 1);
    assert_eq!(emulator.calls().last().map(|c| c.status), Some(429));

    emulator.set_rate_limit(None);
    for _ in 0..5 {
        client.list_users().instance_id(Seed::INSTANCE_1).send().await?;
    }
    emulator.set_rate_limit(Some((1.0, 1)));
    client.list_users().instance_id(Seed::INSTANCE_1).send().await?;
    assert!(client.list_users().instance_id(Seed::INSTANCE_1).send().await.is_err());
    assert_eq!(emulator.throttled(), 2);
    Ok(())
}

#[tokio::test]
async fn the_call_log_records_every_call() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    let created = client
        .create_user()
        .instance_id(Seed::INSTANCE_1)
        .username("logged")
        .password("Passw0rdPassw0rd")
        .routing_profile_id(Seed::ROUTING_PROFILE_1)
        .security_profile_ids(Seed::SECURITY_PROFILE_AGENT)
        .send()
        .await?;
    let id = created.user_id().unwrap_or_default().to_owned();
    client.describe_user().instance_id(Seed::INSTANCE_1).user_id(&id).send().await?;
    let failed = client
        .update_user_routing_profile()
        .instance_id(Seed::INSTANCE_1)
        .user_id(&id)
        .routing_profile_id("nope")
        .send()
        .await;
    assert!(failed.is_err());
    client
        .update_user_hierarchy()
        .instance_id(Seed::INSTANCE_1)
        .user_id(&id)
        .hierarchy_group_id(Seed::HIERARCHY_GROUP_1)
        .send()
        .await?;

    let calls = emulator.calls();
    let summary: Vec<(&str, u16, bool)> =
        calls.iter().map(|c| (c.operation.as_str(), c.status, c.is_write())).collect();
    assert_eq!(
        summary,
        [
            ("CreateUser", 200, true),
            ("DescribeUser", 200, false),
            ("UpdateUserRoutingProfile", 404, true),
            ("UpdateUserHierarchy", 200, true)
        ]
    );
    assert_eq!(calls[0].user.as_deref(), Some(id.as_str()));
    assert_eq!(calls[0].body["Username"], "logged");
    assert_eq!(calls[0].body["Password"], "********");
    assert_eq!(calls[3].body, json!({"HierarchyGroupId": Seed::HIERARCHY_GROUP_1}));
    assert_eq!(calls[3].user.as_deref(), Some(id.as_str()));
    assert_eq!(emulator.write_calls(), ["CreateUser", "UpdateUserHierarchy"]);

    emulator.clear_calls();
    assert!(emulator.calls().is_empty());
    client.describe_user().instance_id(Seed::INSTANCE_1).user_id(&id).send().await?;
    assert!(emulator.write_calls().is_empty());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_of_one_username_make_one_user() -> TestResult {
    fn shareable<T: Send + Sync>(_: &T) {}
    let emulator = Emulator::start().await?;
    shareable(&emulator);
    let client = single_shot(&emulator);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..20 {
        let client = client.clone();
        let username = if i % 2 == 0 { "contested".to_owned() } else { format!("solo{i}") };
        tasks.spawn(async move { create_user(&client, &username).await.is_ok() });
    }
    let successes = tasks.join_all().await.into_iter().filter(|ok| *ok).count();
    assert_eq!(successes, 11);
    assert_eq!(emulator.user_count(), 11);
    assert_eq!(emulator.calls().iter().filter(|c| c.status == 409).count(), 9);
    Ok(())
}
