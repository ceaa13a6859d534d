//! The seeded instances as real Connect has them: `DescribeInstance`, the identity-management type of each and the
//! rules it puts on `CreateUser` and `UpdateUserIdentityInfo`, and the region each lives in, checked against the
//! region a request is signed for.

use aws_sdk_connect::Client;
use aws_sdk_connect::config::retry::RetryConfig;
use aws_sdk_connect::config::{Credentials, Region};
use aws_sdk_connect::error::ProvideErrorMetadata;
use aws_sdk_connect::operation::create_user::CreateUserError;
use aws_sdk_connect::operation::create_user::builders::CreateUserFluentBuilder;
use aws_sdk_connect::types::{DirectoryType, InstanceStatus, UserIdentityInfo};
use connect_emulator::{Emulator, IdentityManagement, Seed};

use crate::{TestResult, create_user, single_shot};

/// A single-attempt client that signs its requests for `region`.
fn client_in(emulator: &Emulator, region: &'static str) -> Client {
    let config = aws_sdk_connect::Config::builder()
        .endpoint_url(emulator.endpoint_url())
        .region(Region::new(region))
        .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "emulator-tests"))
        .retry_config(RetryConfig::disabled())
        .behavior_version_latest()
        .build();
    Client::from_conf(config)
}

#[tokio::test]
async fn describe_instance_reports_each_seeded_instance() -> TestResult {
    let emulator = Emulator::start().await?;
    let seed = emulator.seed().clone();
    let cases = [
        (Seed::INSTANCE_1, Seed::REGION, DirectoryType::ConnectManaged),
        (Seed::INSTANCE_2, Seed::REGION, DirectoryType::ConnectManaged),
        (Seed::INSTANCE_SAML, Seed::REGION, DirectoryType::Saml),
        (Seed::INSTANCE_DIRECTORY, Seed::REGION, DirectoryType::ExistingDirectory),
        (Seed::INSTANCE_EU, Seed::REGION_EU, DirectoryType::ConnectManaged),
    ];
    assert_eq!(seed.instances.len(), cases.len());
    for (id, region, kind) in cases.clone() {
        let client = client_in(&emulator, region);
        for ident in [id.to_owned(), seed.instance_arn(id)] {
            let out = client.describe_instance().instance_id(ident).send().await?;
            let instance = out.instance().expect("an instance");
            assert_eq!(instance.id(), Some(id));
            assert_eq!(instance.arn(), Some(seed.instance_arn(id).as_str()));
            assert!(instance.arn().is_some_and(|arn| arn.starts_with(&format!("arn:aws:connect:{region}:"))));
            assert_eq!(instance.identity_management_type(), Some(&kind));
            assert_eq!(instance.instance_status(), Some(&InstanceStatus::Active));
            assert!(instance.instance_alias().is_some_and(|a| !a.is_empty()));
            assert_eq!((instance.inbound_calls_enabled(), instance.outbound_calls_enabled()), (Some(true), Some(true)));
        }
        let seeded = seed.instance(id).expect("seeded");
        assert_eq!((seeded.region, seeded.identity_management.as_str()), (region, kind.as_str()));
    }
    assert_eq!(
        seed.instance(Seed::INSTANCE_1).map(|i| i.identity_management),
        Some(IdentityManagement::ConnectManaged)
    );

    let client = single_shot(&emulator);
    let missing = client.describe_instance().instance_id("a1b2c3d4-0000-4000-8000-00000000ffff").send().await;
    assert!(missing.expect_err("unknown").into_service_error().is_resource_not_found_exception());

    // Logged like every operation, as a read.
    let calls: Vec<_> = emulator.calls().into_iter().filter(|c| c.operation == "DescribeInstance").collect();
    assert_eq!(calls.len(), 2 * cases.len() + 1);
    assert!(calls.iter().all(|c| !c.is_write()));
    assert_eq!(calls.last().map(|c| c.status), Some(404));
    assert!(emulator.write_calls().is_empty());
    Ok(())
}

fn create_in(client: &Client, instance: &str, username: &str) -> CreateUserFluentBuilder {
    let (routing, security) = match instance {
        Seed::INSTANCE_SAML => (Seed::INSTANCE_SAML_ROUTING_PROFILE, Seed::INSTANCE_SAML_SECURITY_PROFILE),
        Seed::INSTANCE_DIRECTORY => {
            (Seed::INSTANCE_DIRECTORY_ROUTING_PROFILE, Seed::INSTANCE_DIRECTORY_SECURITY_PROFILE)
        }
        _ => (Seed::ROUTING_PROFILE_1, Seed::SECURITY_PROFILE_AGENT),
    };
    client
        .create_user()
        .instance_id(instance)
        .username(username)
        .routing_profile_id(routing)
        .security_profile_ids(security)
}

fn names() -> UserIdentityInfo {
    UserIdentityInfo::builder().first_name("Jane").last_name("Doe").build()
}

/// Sends the request and returns the error code and message it was refused with.
async fn refused(request: CreateUserFluentBuilder) -> (String, String) {
    let error = request.send().await.expect_err("refused").into_service_error();
    let code = match &error {
        CreateUserError::InvalidParameterException(_) => "InvalidParameterException",
        CreateUserError::InvalidRequestException(_) => "InvalidRequestException",
        other => panic!("unexpected error {other:?}"),
    };
    (code.to_owned(), error.message().unwrap_or_default().to_owned())
}

const PARAMETER: &str = "InvalidParameterException";
const REQUEST: &str = "InvalidRequestException";

#[tokio::test]
async fn create_user_follows_the_identity_management_type() -> TestResult {
    let emulator = Emulator::builder().identity_management_rules(true).start().await?;
    let client = single_shot(&emulator);
    let password = "Passw0rdPassw0rd";

    // CONNECT_MANAGED: a password and both names, usernames up to 20 characters.
    let i1 = Seed::INSTANCE_1;
    let (code, message) = refused(create_in(&client, i1, "nopassword").identity_info(names())).await;
    assert_eq!(code, PARAMETER);
    assert!(message.contains("Password or PasswordSecretArn is required"), "{message}");
    let (code, message) = refused(create_in(&client, i1, "nonames").password(password)).await;
    assert_eq!(code, PARAMETER);
    assert!(message.contains("FirstName") && message.contains("LastName"), "{message}");
    let long = "a".repeat(21);
    let (code, message) = refused(create_in(&client, i1, &long).password(password).identity_info(names())).await;
    assert_eq!(code, PARAMETER);
    assert!(message.contains("at most 20 characters"), "{message}");
    let (code, message) =
        refused(create_in(&client, i1, "jane@example").password(password).identity_info(names())).await;
    assert_eq!(code, PARAMETER);
    assert!(message.contains("e-mail"), "{message}");
    create_in(&client, i1, &"a".repeat(20)).password(password).identity_info(names()).send().await?;
    create_in(&client, i1, "jane@example.com").password(password).identity_info(names()).send().await?;

    // SAML: no password, e-mail or directory user id; names required; usernames up to 64 characters.
    let saml = Seed::INSTANCE_SAML;
    let (code, message) = refused(create_in(&client, saml, "pw").password(password).identity_info(names())).await;
    assert_eq!(code, REQUEST);
    assert!(message.contains("Password or PasswordSecretArn is not allowed"), "{message}");
    assert!(message.contains("SAML"), "{message}");
    let with_email = UserIdentityInfo::builder().first_name("J").last_name("D").email("j@example.com").build();
    let (code, message) = refused(create_in(&client, saml, "mail").identity_info(with_email)).await;
    assert_eq!(code, REQUEST);
    assert!(message.contains("IdentityInfo.Email is not allowed"), "{message}");
    let (code, message) =
        refused(create_in(&client, saml, "dir").identity_info(names()).directory_user_id("d-1")).await;
    assert_eq!(code, REQUEST);
    assert!(message.contains("DirectoryUserId is not allowed"), "{message}");
    let (code, _) = refused(create_in(&client, saml, "nonames")).await;
    assert_eq!(code, PARAMETER);
    let (code, _) = refused(create_in(&client, saml, &"s".repeat(65)).identity_info(names())).await;
    assert_eq!(code, PARAMETER);
    let out = create_in(&client, saml, &"s".repeat(64)).identity_info(names()).send().await?;
    let saml_user = out.user_id().unwrap_or_default().to_owned();

    // EXISTING_DIRECTORY: no password; names optional; a directory user id is fine.
    let directory = Seed::INSTANCE_DIRECTORY;
    let (code, _) = refused(create_in(&client, directory, "pw").password(password)).await;
    assert_eq!(code, REQUEST);
    let (code, _) = refused(create_in(&client, directory, &"d".repeat(21))).await;
    assert_eq!(code, PARAMETER);
    let out = create_in(&client, directory, "diruser").directory_user_id("d-1").send().await?;
    let directory_user = out.user_id().unwrap_or_default().to_owned();

    // UpdateUserIdentityInfo: the same rules for names and e-mail.
    let update = |instance: &str, user: &str, info: UserIdentityInfo| {
        client.update_user_identity_info().instance_id(instance).user_id(user).identity_info(info).send()
    };
    let error = update(
        saml,
        &saml_user,
        UserIdentityInfo::builder().first_name("J").last_name("D").email("j@example.com").build(),
    )
    .await
    .expect_err("e-mail on SAML")
    .into_service_error();
    assert!(error.is_invalid_request_exception(), "{error:?}");
    let error = update(saml, &saml_user, UserIdentityInfo::builder().first_name("J").build())
        .await
        .expect_err("no last name")
        .into_service_error();
    assert!(error.is_invalid_parameter_exception(), "{error:?}");
    update(saml, &saml_user, UserIdentityInfo::builder().first_name("J").last_name("D").build()).await?;
    update(directory, &directory_user, UserIdentityInfo::builder().email("d@example.com").build()).await?;

    // Switched off at run time, the instance types no longer constrain the request.
    emulator.set_identity_management_rules(false);
    create_in(&client, saml, "free").password(password).send().await?;
    Ok(())
}

#[tokio::test]
async fn an_instance_is_found_only_from_its_own_region() -> TestResult {
    let emulator = Emulator::start().await?;
    let seed = emulator.seed().clone();
    let eu = client_in(&emulator, Seed::REGION_EU);
    let us = client_in(&emulator, Seed::REGION);

    let created = eu
        .create_user()
        .instance_id(Seed::INSTANCE_EU)
        .username("londoner")
        .routing_profile_id(Seed::INSTANCE_EU_ROUTING_PROFILE)
        .security_profile_ids(Seed::INSTANCE_EU_SECURITY_PROFILE)
        .send()
        .await?;
    let id = created.user_id().unwrap_or_default().to_owned();
    let arn = created.user_arn().unwrap_or_default().to_owned();
    assert_eq!(arn, seed.user_arn(Seed::INSTANCE_EU, &id));
    assert!(arn.starts_with("arn:aws:connect:eu-west-2:123456789012:instance/"), "{arn}");
    let described = eu.describe_user().instance_id(Seed::INSTANCE_EU).user_id(&id).send().await?;
    assert_eq!(described.user().and_then(|u| u.last_modified_region()), Some(Seed::REGION_EU));
    eu.tag_resource().resource_arn(&arn).tags("k", "v").send().await?;

    // Signed for us-east-1, the EU instance does not exist, whichever way it is named.
    let not_found = Some("ResourceNotFoundException");
    let e = us.describe_instance().instance_id(Seed::INSTANCE_EU).send().await.expect_err("other region");
    assert_eq!(e.into_service_error().code(), not_found);
    let e = us.describe_user().instance_id(seed.instance_arn(Seed::INSTANCE_EU)).user_id(&id).send().await;
    assert_eq!(e.expect_err("other region").into_service_error().code(), not_found);
    let e = us.list_users().instance_id(Seed::INSTANCE_EU).send().await.expect_err("other region");
    assert_eq!(e.into_service_error().code(), not_found);
    let e = us.search_users().instance_id(Seed::INSTANCE_EU).send().await.expect_err("other region");
    assert_eq!(e.into_service_error().code(), not_found);
    let e = us.tag_resource().resource_arn(&arn).tags("k", "w").send().await.expect_err("other region");
    assert_eq!(e.into_service_error().code(), not_found);
    let e = us
        .create_user()
        .instance_id(Seed::INSTANCE_EU)
        .username("visitor")
        .routing_profile_id(Seed::INSTANCE_EU_ROUTING_PROFILE)
        .security_profile_ids(Seed::INSTANCE_EU_SECURITY_PROFILE)
        .send()
        .await
        .expect_err("other region");
    assert_eq!(e.into_service_error().code(), not_found);

    // And the other way round: the us-east-1 instances are unknown to a request signed for eu-west-2.
    let e = create_user(&eu, "tourist").await.expect_err("other region");
    let e = e.downcast::<aws_sdk_connect::error::SdkError<CreateUserError>>()?.into_service_error();
    assert!(e.is_resource_not_found_exception(), "{e:?}");
    create_user(&us, "local").await?;
    assert_eq!(emulator.user_count(), 2);

    // The check can be switched off for a test that does not care about regions.
    emulator.set_region_check(false);
    us.describe_user().instance_id(Seed::INSTANCE_EU).user_id(&id).send().await?;
    Ok(())
}
