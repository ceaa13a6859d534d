//! The local runner: the handler, unmodified, on sample CloudFormation requests against the embedded
//! Connect emulator and a stand-in response URL. For each request it prints the response CloudFormation
//! would receive, the Connect calls made, and the user as Connect then holds it.
//!
//! `cargo run -p local-runner [EVENT.json ...]` (default: events/create.json, update.json, delete.json).
//! A template with `PasswordSecretArn` reads its password from the embedded Secrets Manager stand-in, whose
//! seeded secrets the run prints (`cargo run -p local-runner events/create-with-secret.json`).
//!
//! A crate rather than an example of the main package: an example would see the main package's
//! dev-dependencies (criterion, proptest) and build them on a fresh clone before the first run, and the
//! emulator it embeds must stay out of the main package's normal dependencies so the Lambda binary never
//! links it. As a workspace member it depends on exactly what it uses.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use cfn_connect_user::adapters::logging::{self, LogSettings};
use cfn_connect_user::adapters::{HttpSender, SdkConnect, SdkSecrets, http_client};
use cfn_connect_user::app::{Handler, Invocation, Mode};
use cfn_connect_user::app::{Pacer, Retrying};
use cfn_connect_user::core::arn::UserArn;
use cfn_connect_user::core::backoff::Backoff;
use cfn_connect_user::core::response_url::UrlPolicy;
use connect_emulator::connect::Emulator;
use connect_emulator::receiver::Receiver;
use connect_emulator::secrets::SecretsManager;
use serde_json::Value;

/// What a Lambda invocation gets by default from CloudFormation's callers: time to spare.
const LAMBDA_TIMEOUT: Duration = Duration::from_secs(300);

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn default_events() -> Vec<PathBuf> {
    let events = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../events");
    ["create.json", "update.json", "delete.json"].iter().map(|f| events.join(f)).collect()
}

async fn run() -> Result<(), String> {
    // Warnings only: the point here is the responses, but a warning (say, an unapplied password) matters.
    logging::init(&LogSettings { json: false, filter: "warn".into() });
    let files: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let files = if files.is_empty() { default_events() } else { files };

    let emulator = Emulator::start().await.map_err(|e| format!("starting the Connect emulator: {e}"))?;
    let receiver = Receiver::start().await.map_err(|e| format!("starting the response receiver: {e}"))?;
    // The Secrets Manager stand-in, seeded, for events that use PasswordSecretArn.
    let secrets = SecretsManager::start().await.map_err(|e| format!("starting the Secrets Manager stand-in: {e}"))?;
    let connect = Retrying::new(SdkConnect::for_endpoint(&emulator.endpoint_url(), "us-east-1"), Backoff::default())
        .with_pacer(Pacer::default());
    let http = http_client().map_err(|e| format!("building the HTTP client: {e}"))?;
    let handler = Handler::new(connect, HttpSender::new(http, Backoff::default()), Mode::Respond)
        .with_url_policy(UrlPolicy { allow_loopback: true })
        .with_secrets(SdkSecrets::for_endpoint(&secrets.endpoint_url()));

    println!("Amazon Connect emulator  {}", emulator.endpoint_url());
    println!("  instance               {}", emulator.seed().instance_arn(connect_emulator::connect::Seed::INSTANCE_1));
    println!("Response URL stand-in    {}", receiver.url().split('?').next().unwrap_or_default());
    println!("Secrets Manager stand-in {}", secrets.endpoint_url());
    println!("  secret                 {}", SecretsManager::arn(SecretsManager::JSON));
    println!(
        "                         (PasswordSecretArn, with PasswordSecretJsonKey \"{}\")",
        SecretsManager::JSON_KEY
    );

    let mut last_user: Option<String> = None;
    for (index, file) in files.iter().enumerate() {
        let text = std::fs::read_to_string(file).map_err(|e| format!("reading {}: {e}", file.display()))?;
        let mut event: Value =
            serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", file.display()))?;
        let kind = event.get("RequestType").and_then(Value::as_str).unwrap_or("?").to_owned();
        println!("\n━━ {}/{}  {kind}  {} {}", index + 1, files.len(), display(file), "━".repeat(40));

        event["ResponseURL"] = Value::String(receiver.url());
        // A sample Update or Delete names a placeholder user: point it at the user this run created.
        if let (Some(user), Some(id)) = (&last_user, event.get("PhysicalResourceId").and_then(Value::as_str))
            && UserArn::parse(id).is_ok()
            && id != user
        {
            println!("(PhysicalResourceId replaced by the user this run created)");
            event["PhysicalResourceId"] = Value::String(user.clone());
        }

        emulator.clear_calls();
        secrets.clear_calls();
        let delivered_before = receiver.delivered_now().len();
        let started = SystemTime::now();
        let result = handler.handle(event, Invocation::new(started, started + LAMBDA_TIMEOUT)).await;
        let elapsed = started.elapsed().unwrap_or_default();

        let delivered = receiver.delivered_now();
        match delivered.get(delivered_before) {
            Some(response) => {
                let document = response.json();
                println!(
                    "Response to CloudFormation (PUT, {} bytes, {} ms):",
                    response.body.len(),
                    elapsed.as_millis()
                );
                println!("{}", indent(&pretty(&document)));
                if document.get("Status").and_then(Value::as_str) == Some("SUCCESS") {
                    last_user = document.get("PhysicalResourceId").and_then(Value::as_str).map(str::to_owned);
                }
            }
            None => println!("No response was delivered; the invocation returned {result:?}"),
        }
        if let Err(e) = &result {
            println!("The invocation failed, so Lambda would retry it: {e}");
        }

        let calls = emulator.calls();
        println!("Connect calls ({}):", calls.len());
        for call in &calls {
            println!("  {:<32} HTTP {}", call.operation, call.status);
        }
        let secret_reads = secrets.calls();
        if !secret_reads.is_empty() {
            println!("Secrets Manager calls ({}):", secret_reads.len());
            for call in &secret_reads {
                println!("  {:<32} HTTP {}  {}", call.operation, call.status, call.secret_id.as_deref().unwrap_or("-"));
            }
        }

        match &last_user {
            Some(user) if kind != "Delete" => match emulator.describe(user) {
                Some(held) => println!("The user in Connect:\n{}", indent(&pretty(&held))),
                None => println!("The user in Connect: none"),
            },
            Some(user) => {
                let gone = emulator.describe(user).is_none();
                println!("The user in Connect: {}", if gone { "deleted" } else { "still there" });
            }
            None => println!("The user in Connect: none"),
        }
    }
    Ok(())
}

fn display(file: &Path) -> String {
    let shown = file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap_or_default();
    shown.strip_prefix(&root).unwrap_or(&shown).display().to_string()
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
}
