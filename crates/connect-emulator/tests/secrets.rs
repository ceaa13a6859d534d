//! The Secrets Manager stand-in driven by `aws-sdk-secretsmanager` itself over HTTP: the seeded secrets as the
//! SDK decodes them (string, JSON, binary), the ways of naming a secret, versions, regions, the errors as the
//! SDK's typed or generic errors, and a call log that never holds a value.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::config::retry::RetryConfig;
use aws_sdk_secretsmanager::config::{Credentials, Region};
use aws_sdk_secretsmanager::error::ProvideErrorMetadata;
use connect_emulator::secrets::{SecretValue, SecretsManager};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A client of the stand-in signing for `region`, one attempt per call so each answer is seen as sent.
fn client_in(secrets: &SecretsManager, region: &str) -> Client {
    let config = aws_sdk_secretsmanager::Config::builder()
        .endpoint_url(secrets.endpoint_url())
        .region(Region::new(region.to_owned()))
        .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "stand-in-tests"))
        .retry_config(RetryConfig::disabled())
        .behavior_version_latest()
        .build();
    Client::from_conf(config)
}

fn client(secrets: &SecretsManager) -> Client {
    client_in(secrets, SecretsManager::REGION)
}

#[tokio::test]
async fn a_plain_string_secret_is_read_whole_with_its_metadata() -> TestResult {
    let secrets = SecretsManager::start().await?;
    let arn = SecretsManager::arn(SecretsManager::PLAIN);
    let out = client(&secrets).get_secret_value().secret_id(&arn).send().await?;
    assert_eq!(out.secret_string(), Some(SecretsManager::PLAIN_PASSWORD));
    assert_eq!(out.secret_binary(), None);
    assert_eq!(out.arn(), Some(arn.as_str()));
    assert_eq!(out.name(), Some(SecretsManager::PLAIN));
    assert_eq!(out.version_stages(), ["AWSCURRENT"]);
    assert!(out.version_id().is_some_and(|v| !v.is_empty()));
    assert!(out.created_date().is_some_and(|d| d.secs() > 1_700_000_000));
    Ok(())
}

#[tokio::test]
async fn a_json_secret_holds_the_password_under_its_key() -> TestResult {
    let secrets = SecretsManager::start().await?;
    let out = client(&secrets).get_secret_value().secret_id(SecretsManager::arn(SecretsManager::JSON)).send().await?;
    let json: serde_json::Value = serde_json::from_str(out.secret_string().unwrap_or_default())?;
    assert_eq!(json[SecretsManager::JSON_KEY], SecretsManager::JSON_PASSWORD);
    let out = client(&secrets)
        .get_secret_value()
        .secret_id(SecretsManager::arn(SecretsManager::JSON_WITHOUT_KEY))
        .send()
        .await?;
    let json: serde_json::Value = serde_json::from_str(out.secret_string().unwrap_or_default())?;
    assert!(json.get(SecretsManager::JSON_KEY).is_none());
    Ok(())
}

#[tokio::test]
async fn a_binary_secret_arrives_as_bytes_and_no_string() -> TestResult {
    let secrets = SecretsManager::start().await?;
    let out = client(&secrets).get_secret_value().secret_id(SecretsManager::arn(SecretsManager::BINARY)).send().await?;
    assert_eq!(out.secret_string(), None);
    assert_eq!(out.secret_binary().map(|b| b.as_ref().to_vec()), Some(vec![0x00, 0x9f, 0x92, 0x96, 0xff]));
    Ok(())
}

#[tokio::test]
async fn a_secret_is_found_by_name_full_arn_or_partial_arn() -> TestResult {
    let secrets = SecretsManager::start().await?;
    let arn = SecretsManager::arn(SecretsManager::PLAIN);
    let partial = arn[..arn.len() - 7].to_owned();
    for id in [SecretsManager::PLAIN, arn.as_str(), partial.as_str()] {
        let out = client(&secrets).get_secret_value().secret_id(id).send().await?;
        assert_eq!(out.arn(), Some(arn.as_str()), "{id}");
    }
    Ok(())
}

#[tokio::test]
async fn a_new_version_becomes_current_and_the_old_one_previous() -> TestResult {
    let secrets = SecretsManager::start().await?;
    let arn = secrets.put_string("app/rotated", "First-Value-1");
    secrets.put_string("app/rotated", "Second-Value-2");
    let current = client(&secrets).get_secret_value().secret_id(&arn).send().await?;
    assert_eq!(current.secret_string(), Some("Second-Value-2"));
    let previous = client(&secrets).get_secret_value().secret_id(&arn).version_stage("AWSPREVIOUS").send().await?;
    assert_eq!(previous.secret_string(), Some("First-Value-1"));
    assert_eq!(previous.version_stages(), ["AWSPREVIOUS"]);
    let by_id =
        client(&secrets).get_secret_value().secret_id(&arn).version_id(previous.version_id().unwrap()).send().await?;
    assert_eq!(by_id.secret_string(), Some("First-Value-1"));
    let err = client(&secrets).get_secret_value().secret_id(&arn).version_stage("PENDING").send().await.unwrap_err();
    assert!(err.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()), "{err:?}");
    assert_eq!(secrets.current_value(&arn), Some(SecretValue::String("Second-Value-2".into())));
    Ok(())
}

#[tokio::test]
async fn a_missing_secret_is_the_typed_not_found_error() -> TestResult {
    let secrets = SecretsManager::start().await?;
    let arn = SecretsManager::arn("connect/agents/nobody");
    let err = client(&secrets).get_secret_value().secret_id(&arn).send().await.unwrap_err();
    let service = err.as_service_error().expect("a service error");
    assert!(service.is_resource_not_found_exception(), "{service:?}");
    assert_eq!(service.message(), Some("Secrets Manager can't find the specified secret."));
    assert!(secrets.remove(SecretsManager::PLAIN));
    let err = client(&secrets).get_secret_value().secret_id(SecretsManager::PLAIN).send().await.unwrap_err();
    assert!(err.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()));
    Ok(())
}

#[tokio::test]
async fn a_denied_read_is_access_denied_naming_the_action_and_the_secret() -> TestResult {
    let secrets = SecretsManager::start().await?;
    let arn = SecretsManager::arn(SecretsManager::JSON);
    secrets.deny(SecretsManager::JSON);
    let err = client(&secrets).get_secret_value().secret_id(&arn).send().await.unwrap_err();
    let service = err.as_service_error().expect("a service error");
    assert_eq!(service.code(), Some("AccessDeniedException"));
    let message = service.message().unwrap_or_default();
    assert!(message.contains("secretsmanager:GetSecretValue") && message.contains(&arn), "{message}");
    // Other secrets are still readable; allow() ends the denial.
    client(&secrets).get_secret_value().secret_id(SecretsManager::PLAIN).send().await?;
    secrets.allow(&arn);
    client(&secrets).get_secret_value().secret_id(&arn).send().await?;
    // deny_all: a role with no permission at all, even for a secret that does not exist.
    secrets.deny_all(true);
    let err = client(&secrets).get_secret_value().secret_id("no/such/secret").send().await.unwrap_err();
    assert_eq!(err.as_service_error().and_then(|e| e.code()), Some("AccessDeniedException"));
    Ok(())
}

#[tokio::test]
async fn a_secret_is_read_only_in_its_own_region() -> TestResult {
    let secrets = SecretsManager::start().await?;
    let arn = SecretsManager::arn_in(SecretsManager::REGION_EU, SecretsManager::EU);
    let err = client(&secrets).get_secret_value().secret_id(&arn).send().await.unwrap_err();
    assert!(err.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()), "{err:?}");
    let out = client_in(&secrets, SecretsManager::REGION_EU).get_secret_value().secret_id(&arn).send().await?;
    assert_eq!(out.secret_string(), Some(SecretsManager::EU_PASSWORD));
    let regions: Vec<String> = secrets.calls().into_iter().map(|c| c.region).collect();
    assert_eq!(regions, [SecretsManager::REGION, SecretsManager::REGION_EU]);
    Ok(())
}

#[tokio::test]
async fn other_operations_are_unknown() -> TestResult {
    let secrets = SecretsManager::start().await?;
    let err = client(&secrets).describe_secret().secret_id(SecretsManager::PLAIN).send().await.unwrap_err();
    assert_eq!(err.as_service_error().and_then(|e| e.code()), Some("UnknownOperationException"));
    Ok(())
}

#[tokio::test]
async fn the_call_log_names_the_secret_and_never_its_value() -> TestResult {
    let secrets = SecretsManager::start().await?;
    let arn = SecretsManager::arn(SecretsManager::PLAIN);
    client(&secrets).get_secret_value().secret_id(&arn).send().await?;
    client(&secrets).get_secret_value().secret_id("no/such/secret").send().await.unwrap_err();
    let calls = secrets.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(
        (calls[0].operation.as_str(), calls[0].status, calls[0].secret_id.as_deref()),
        ("GetSecretValue", 200, Some(arn.as_str()))
    );
    assert_eq!((calls[1].status, calls[1].error.as_deref()), (400, Some("ResourceNotFoundException")));
    assert!(!format!("{calls:?}").contains(SecretsManager::PLAIN_PASSWORD));
    secrets.clear_calls();
    assert!(secrets.calls().is_empty());
    Ok(())
}
