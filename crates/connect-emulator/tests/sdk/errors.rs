//! Each error code, injected or earned, decoded by the SDK into its typed error variant with its message.

use aws_sdk_connect::error::ProvideErrorMetadata;
use aws_sdk_connect::operation::create_user::CreateUserError;
use aws_sdk_connect::operation::delete_user::DeleteUserError;
use aws_sdk_connect::operation::describe_user::DescribeUserError;
use connect_emulator::{Emulator, ErrorCode, Fault, Seed};

use crate::{TestResult, create_user, single_shot};

#[tokio::test]
async fn unknown_user_and_instance_are_resource_not_found() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    let missing_user =
        client.delete_user().instance_id(Seed::INSTANCE_1).user_id("00000000-0000-4000-8000-000000000000").send().await;
    let error = missing_user.expect_err("not found").into_service_error();
    assert!(matches!(error, DeleteUserError::ResourceNotFoundException(_)), "{error:?}");
    assert!(error.message().is_some_and(|m| m.contains("User not found")));

    let missing_instance =
        client.describe_user().instance_id("a1b2c3d4-0000-4000-8000-00000000ffff").user_id("x").send().await;
    let error = missing_instance.expect_err("not found").into_service_error();
    assert!(matches!(error, DescribeUserError::ResourceNotFoundException(_)), "{error:?}");
    Ok(())
}

#[tokio::test]
async fn every_injected_code_arrives_typed() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    let cases = [
        (ErrorCode::ResourceNotFound, 404, "ResourceNotFoundException"),
        (ErrorCode::DuplicateResource, 409, "DuplicateResourceException"),
        (ErrorCode::InvalidParameter, 400, "InvalidParameterException"),
        (ErrorCode::InvalidRequest, 400, "InvalidRequestException"),
        (ErrorCode::Throttling, 429, "ThrottlingException"),
        (ErrorCode::InternalService, 500, "InternalServiceException"),
        (ErrorCode::LimitExceeded, 429, "LimitExceededException"),
    ];
    for (code, status, name) in cases {
        emulator.fail_next("CreateUser", 1, Fault::Error(code));
        let error = create_user(&client, "faulted").await.expect_err("injected");
        let error = error.downcast::<aws_sdk_connect::error::SdkError<CreateUserError>>()?;
        assert_eq!(error.raw_response().map(|r| r.status().as_u16()), Some(status));
        let error = error.into_service_error();
        let typed = match &error {
            CreateUserError::ResourceNotFoundException(_) => "ResourceNotFoundException",
            CreateUserError::DuplicateResourceException(_) => "DuplicateResourceException",
            CreateUserError::InvalidParameterException(_) => "InvalidParameterException",
            CreateUserError::InvalidRequestException(_) => "InvalidRequestException",
            CreateUserError::ThrottlingException(_) => "ThrottlingException",
            CreateUserError::InternalServiceException(_) => "InternalServiceException",
            CreateUserError::LimitExceededException(_) => "LimitExceededException",
            _ => "unhandled",
        };
        assert_eq!(typed, name);
        assert_eq!(error.code(), Some(name));
        assert!(error.message().is_some_and(|m| !m.is_empty()));
    }
    assert_eq!(emulator.user_count(), 0, "a faulted call changes nothing");
    create_user(&client, "faulted").await?;
    Ok(())
}

#[tokio::test]
async fn an_injected_message_is_passed_through() -> TestResult {
    let emulator = Emulator::start().await?;
    let client = single_shot(&emulator);
    let (id, _) = create_user(&client, "victim").await?;
    emulator.fail_next("DeleteUser", 1, Fault::ErrorWithMessage(ErrorCode::InternalService, "boom".into()));
    let error = client.delete_user().instance_id(Seed::INSTANCE_1).user_id(&id).send().await.expect_err("injected");
    let error = error.into_service_error();
    assert!(error.is_internal_service_exception());
    assert_eq!(error.message(), Some("boom"));
    Ok(())
}
