//! What the tests share: an emulator seeded with users, the read-only client on it, the real handler (with the
//! CloudFormation response receiver) to deploy templates through, and temporary directories.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use cfn_connect_user::adapters::{HttpSender, SdkConnect, http_client};
use cfn_connect_user::app::{Handler, Invocation, Mode, Pacer, Retrying};
use cfn_connect_user::core::backoff::Backoff;
use cfn_connect_user::core::response_url::UrlPolicy;
use clap::Parser;
use connect_emulator::receiver::{Receiver, Recorded};
use connect_emulator::{Emulator, Seed};
use connect_users::args::Cli;
use connect_users::progress::Progress;
use connect_users::reader::ReadOnly;
use connect_users::{run, template};
use serde_json::{Value, json};

pub fn quick() -> Backoff {
    Backoff { base: Duration::from_millis(5), cap: Duration::from_millis(50) }
}

pub fn instance_arn() -> String {
    Seed::new().instance_arn(Seed::INSTANCE_1)
}

/// A stack id per nested stack (or the template itself): each has its own GUID, as in CloudFormation.
pub fn stack_id(n: usize) -> String {
    format!("arn:aws:cloudformation:us-east-1:123456789012:stack/contact-centre-{n}/6e0a3f10-cd7a-11ef-8a4b-{n:012x}")
}

/// A fresh directory under the target directory's tmp, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        let dir =
            PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("connect-users-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The emulator, the read-only client of the tool, and the real handler.
pub struct Rig {
    pub emulator: Emulator,
    pub reader: ReadOnly,
    pub receiver: Receiver,
    pub handler: Handler<Retrying<SdkConnect>, HttpSender>,
    requests: std::sync::atomic::AtomicU32,
    /// Where exports keep their state unless a test names the file: never the crate's directory.
    scratch: TempDir,
}

impl Rig {
    pub async fn with_users(n: usize) -> Self {
        Self::on(Emulator::builder().with_users(n).start().await.unwrap()).await
    }

    pub async fn on(emulator: Emulator) -> Self {
        let sdk = SdkConnect::for_endpoint(&emulator.endpoint_url(), "us-east-1");
        let reader = ReadOnly::new(sdk.clone(), Pacer::default(), quick());
        let receiver = Receiver::start().await.unwrap();
        let handler =
            Handler::new(Retrying::new(sdk, quick()), HttpSender::new(http_client().unwrap(), quick()), Mode::Respond)
                .with_url_policy(UrlPolicy { allow_loopback: true });
        let scratch = TempDir::new(&format!("rig-{}", emulator.addr().port()));
        Self { emulator, reader, receiver, handler, requests: Default::default(), scratch }
    }

    /// Runs the command line in-process; (exit code, stdout, stderr).
    pub async fn run(&self, args: &[&str]) -> (u8, String, String) {
        let n = self.requests.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let state = self.scratch.join(&format!("state-{n}.jsonl"));
        let mut args: Vec<&str> = args.to_vec();
        if args.first() == Some(&"export") && !args.contains(&"--state-file") {
            args.extend(["--state-file", state.to_str().unwrap()]);
        }
        let cli = Cli::try_parse_from(std::iter::once("connect-users").chain(args.iter().copied())).unwrap();
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let progress = Progress::to(indicatif::ProgressDrawTarget::hidden());
        let code = run::run(cli, &self.reader, &progress, &mut stdout, &mut stderr).await;
        (code, String::from_utf8(stdout).unwrap(), String::from_utf8(stderr).unwrap())
    }

    /// `export` of instance 1 into `dir/users.yaml` with `extra` options; the summary on stderr.
    pub async fn export(&self, dir: &TempDir, extra: &[&str]) -> String {
        let output = dir.join("users.yaml");
        let instance = instance_arn();
        let mut args = vec!["export", "--instance-arn", &instance, "--output", output.to_str().unwrap()];
        args.extend(extra);
        let (code, _, stderr) = self.run(&args).await;
        assert_eq!(code, 0, "{stderr}");
        stderr
    }

    /// `plan --output json` of `template`; (exit code, the plan).
    pub async fn plan(&self, template: &Path, extra: &[&str]) -> (u8, Value) {
        let mut args = vec!["plan", "--template", template.to_str().unwrap(), "--output", "json"];
        args.extend(extra);
        let (code, stdout, stderr) = self.run(&args).await;
        let plan = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout} {stderr}"));
        (code, plan)
    }

    /// Sends one request through the real handler and returns CloudFormation's one response.
    pub async fn send(
        &self,
        kind: &str,
        stack: &str,
        logical_id: &str,
        properties: Value,
        old: Option<Value>,
        physical: Option<&str>,
    ) -> Recorded {
        let n = self.requests.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let request_id = format!("5f0a9a2e-3b1c-4d5e-8f70-{n:012}");
        let mut event = json!({
            "RequestType": kind,
            "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:cfn-connect-user",
            "ResponseURL": self.receiver.url(),
            "StackId": stack,
            "RequestId": request_id,
            "LogicalResourceId": logical_id,
            "ResourceType": "Custom::ConnectUser",
            "ResourceProperties": properties,
        });
        if let Some(old) = old {
            event["OldResourceProperties"] = old;
        }
        if let Some(id) = physical {
            event["PhysicalResourceId"] = json!(id);
        }
        let mark = self.receiver.mark();
        let started = SystemTime::now();
        let result = self.handler.handle(event, Invocation::new(started, started + Duration::from_secs(300))).await;
        assert!(result.is_ok(), "{result:?}");
        self.receiver.sole_response_since(mark, &request_id, 1)
    }
}

/// The `Custom::ConnectUser` resources of a template and its nested stacks: (stack index, logical id, properties
/// as CloudFormation sends them: ServiceToken resolved, every scalar a string).
pub fn resources(main: &Path) -> Vec<(usize, String, Value)> {
    let template = template::read(main).unwrap();
    let mut out = Vec::new();
    let stacks: Vec<PathBuf> =
        match template["Resources"].as_object().unwrap().values().find(|r| r["Type"] == "AWS::CloudFormation::Stack") {
            None => vec![main.to_owned()],
            Some(_) => template["Resources"]
                .as_object()
                .unwrap()
                .values()
                .map(|r| main.parent().unwrap().join(r["Properties"]["TemplateURL"].as_str().unwrap()))
                .collect(),
        };
    for (n, path) in stacks.iter().enumerate() {
        let t = template::read(path).unwrap();
        for (id, resource) in t["Resources"].as_object().unwrap() {
            let mut properties = as_sent(&resource["Properties"]);
            properties["ServiceToken"] = json!("arn:aws:lambda:us-east-1:123456789012:function:cfn-connect-user");
            out.push((n, id.clone(), properties));
        }
    }
    out
}

/// Every scalar as a string, as CloudFormation sends a custom resource's properties.
pub fn as_sent(value: &Value) -> Value {
    match value {
        Value::Bool(b) => json!(b.to_string()),
        Value::Number(n) => json!(n.to_string()),
        Value::Array(items) => Value::Array(items.iter().map(as_sent).collect()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), as_sent(v))).collect()),
        other => other.clone(),
    }
}

/// Every user of instance 1 as the emulator holds it, by username, without what a tag write changes.
pub fn users_without_tags(emulator: &Emulator, usernames: &[String]) -> BTreeMap<String, Value> {
    usernames
        .iter()
        .map(|u| {
            let mut user = emulator.find_by_username(Seed::INSTANCE_1, u).unwrap();
            let object = user.as_object_mut().unwrap();
            object.remove("Tags");
            object.remove("LastModifiedTime");
            (u.clone(), user)
        })
        .collect()
}

/// Every write call the emulator saw since its call log was cleared, refused ones included: a tool that never
/// writes never even tries.
pub fn write_attempts(emulator: &Emulator) -> Vec<connect_emulator::CallRecord> {
    emulator.calls().into_iter().filter(|c| c.is_write()).collect()
}

/// The write calls that succeeded since the call log was cleared: what the function changed.
pub fn writes(emulator: &Emulator) -> Vec<connect_emulator::CallRecord> {
    write_attempts(emulator).into_iter().filter(|c| (200..300).contains(&c.status)).collect()
}

/// The `--stack-id` options that name the stack of every template of an export written to `main`, as
/// [`resources`] numbers them: the template's own (stack 0) when it has no nested stack, else each nested stack's.
pub fn stack_ids(main: &Path) -> Vec<String> {
    let template = template::read(main).unwrap();
    let nested: Vec<&String> = template["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::CloudFormation::Stack")
        .map(|(id, _)| id)
        .collect();
    if nested.is_empty() {
        return vec!["--stack-id".to_owned(), stack_id(0)];
    }
    nested.iter().enumerate().flat_map(|(n, id)| ["--stack-id".to_owned(), format!("{id}={}", stack_id(n))]).collect()
}
