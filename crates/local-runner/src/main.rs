//! The local runner: the handler, unmodified, on sample CloudFormation requests against the embedded
//! Connect emulator and a stand-in response URL. For each request it prints the response CloudFormation
//! would receive, the Connect calls made, and the user as Connect then holds it.
//!
//! `cargo run -p local-runner [EVENT.json ...]` (default: events/create.json, update.json, delete.json).
//! With `--json` it prints one JSON document instead, for programs (the CDK library's contract test reads it):
//! `{"emulator": {…seeded ARNs}, "steps": [{"file", "requestType", "physicalResourceIdReplaced", "response",
//! "invocationError", "connectCalls", "secretsCalls", "user"}]}`, where `user` is the user as Connect then holds
//! it (`DescribeUser`'s shape plus `UserProficiencyList`, never a password) or null. Logs go to stderr either way.
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
use serde_json::{Value, json};

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
    let mut json_output = false;
    let mut files: Vec<PathBuf> = Vec::new();
    for arg in std::env::args_os().skip(1) {
        if arg == "--json" {
            json_output = true;
        } else {
            files.push(PathBuf::from(arg));
        }
    }
    let files = if files.is_empty() { default_events() } else { files };
    let human = !json_output;

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

    let instance_arn = emulator.seed().instance_arn(connect_emulator::connect::Seed::INSTANCE_1);
    if human {
        println!("Amazon Connect emulator  {}", emulator.endpoint_url());
        println!("  instance               {instance_arn}");
        println!("Response URL stand-in    {}", receiver.url().split('?').next().unwrap_or_default());
        println!("Secrets Manager stand-in {}", secrets.endpoint_url());
        println!("  secret                 {}", SecretsManager::arn(SecretsManager::JSON));
        println!(
            "                         (PasswordSecretArn, with PasswordSecretJsonKey \"{}\")",
            SecretsManager::JSON_KEY
        );
    }

    let mut steps: Vec<Value> = Vec::new();
    let mut last_user: Option<String> = None;
    for (index, file) in files.iter().enumerate() {
        let text = std::fs::read_to_string(file).map_err(|e| format!("reading {}: {e}", file.display()))?;
        let mut event: Value =
            serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", file.display()))?;
        let kind = event.get("RequestType").and_then(Value::as_str).unwrap_or("?").to_owned();
        if human {
            println!("\n━━ {}/{}  {kind}  {} {}", index + 1, files.len(), display(file), "━".repeat(40));
        }

        event["ResponseURL"] = Value::String(receiver.url());
        // A sample Update or Delete names a placeholder user: point it at the user this run created.
        let mut replaced = false;
        if let (Some(user), Some(id)) = (&last_user, event.get("PhysicalResourceId").and_then(Value::as_str))
            && UserArn::parse(id).is_ok()
            && id != user
        {
            if human {
                println!("(PhysicalResourceId replaced by the user this run created)");
            }
            event["PhysicalResourceId"] = Value::String(user.clone());
            replaced = true;
        }

        emulator.clear_calls();
        secrets.clear_calls();
        let delivered_before = receiver.delivered_now().len();
        let started = SystemTime::now();
        let result = handler.handle(event, Invocation::new(started, started + LAMBDA_TIMEOUT)).await;
        let elapsed = started.elapsed().unwrap_or_default();

        let delivered = receiver.delivered_now();
        let response = delivered.get(delivered_before).map(|r| (r.json(), r.body.len()));
        if let Some((document, _)) = &response
            && document.get("Status").and_then(Value::as_str) == Some("SUCCESS")
        {
            last_user = document.get("PhysicalResourceId").and_then(Value::as_str).map(str::to_owned);
        }
        let calls = emulator.calls();
        let secret_reads = secrets.calls();
        let held = last_user.as_deref().and_then(|user| emulator.describe(user));

        if human {
            print_step(&response, &result, elapsed, &calls, &secret_reads, &held, last_user.is_some(), &kind);
        } else {
            steps.push(json!({
                "file": display(file),
                "requestType": kind,
                "physicalResourceIdReplaced": replaced,
                "response": response.map(|(document, _)| document),
                "invocationError": result.as_ref().err().map(ToString::to_string),
                "connectCalls": calls.iter().map(|c| json!({"operation": c.operation, "status": c.status})).collect::<Vec<_>>(),
                "secretsCalls": secret_reads
                    .iter()
                    .map(|c| json!({"operation": c.operation, "status": c.status, "secretId": c.secret_id}))
                    .collect::<Vec<_>>(),
                "user": held,
            }));
        }
    }
    if json_output {
        let document = json!({
            "emulator": {
                "instanceArn": instance_arn,
                "secretArn": SecretsManager::arn(SecretsManager::JSON),
                "secretJsonKey": SecretsManager::JSON_KEY,
            },
            "steps": steps,
        });
        println!("{}", pretty(&document));
    }
    Ok(())
}

/// The human-readable account of one request: the response, the calls made, the user as Connect holds it.
#[allow(clippy::too_many_arguments)]
fn print_step<E: std::fmt::Debug + std::fmt::Display>(
    response: &Option<(Value, usize)>,
    result: &Result<Value, E>,
    elapsed: Duration,
    calls: &[connect_emulator::connect::CallRecord],
    secret_reads: &[connect_emulator::secrets::SecretsCall],
    held: &Option<Value>,
    has_user: bool,
    kind: &str,
) {
    match response {
        Some((document, bytes)) => {
            println!("Response to CloudFormation (PUT, {bytes} bytes, {} ms):", elapsed.as_millis());
            println!("{}", indent(&pretty(document)));
        }
        None => println!("No response was delivered; the invocation returned {result:?}"),
    }
    if let Err(e) = result {
        println!("The invocation failed, so Lambda would retry it: {e}");
    }
    println!("Connect calls ({}):", calls.len());
    for call in calls {
        println!("  {:<32} HTTP {}", call.operation, call.status);
    }
    if !secret_reads.is_empty() {
        println!("Secrets Manager calls ({}):", secret_reads.len());
        for call in secret_reads {
            println!("  {:<32} HTTP {}  {}", call.operation, call.status, call.secret_id.as_deref().unwrap_or("-"));
        }
    }
    match (has_user, kind, held) {
        (true, "Delete", held) => {
            println!("The user in Connect: {}", if held.is_none() { "deleted" } else { "still there" });
        }
        (true, _, Some(held)) => println!("The user in Connect:\n{}", indent(&pretty(held))),
        _ => println!("The user in Connect: none"),
    }
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
