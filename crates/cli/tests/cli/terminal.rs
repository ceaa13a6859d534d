//! The binary as people run it: the progress bar on an interactive terminal (a pseudo-terminal from util-linux's
//! `script`), and none of it when stderr is a pipe, where only the summary is written; and a Connect that keeps
//! failing, given up on with its retries shown.

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use connect_emulator::{Emulator, ErrorCode, Fault};

use crate::support::{TempDir, instance_arn};

/// The binary's environment: the emulator as Connect, placeholder credentials, no AWS configuration files.
fn environment(emulator: &Emulator) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ENDPOINT_URL_CONNECT", emulator.endpoint_url()),
        ("AWS_ACCESS_KEY_ID", "AKIDLOCALEMULATOR".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "local-emulator-secret".to_owned()),
        ("AWS_REGION", "us-east-1".to_owned()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
        ("AWS_CONFIG_FILE", "/nonexistent".to_owned()),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent".to_owned()),
        ("TERM", "xterm".to_owned()),
    ]
}

async fn run(command: Command) -> Output {
    let mut command = command;
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_progress_bar_is_drawn_on_a_terminal_and_never_into_a_pipe() {
    // Slow enough reads that the bar has something to draw.
    let emulator =
        Emulator::builder().with_users(100).latency("DescribeUser", Duration::from_millis(20)).start().await.unwrap();
    let dir = TempDir::new("terminal");
    let binary = env!("CARGO_BIN_EXE_connect-users");
    let instance = instance_arn();
    let args = |name: &str| {
        vec![
            "export".to_owned(),
            "--instance-arn".to_owned(),
            instance.clone(),
            "--output".to_owned(),
            dir.join(&format!("{name}.yaml")).to_str().unwrap().to_owned(),
        ]
    };

    let mut piped = Command::new(binary);
    piped.args(args("piped")).envs(environment(&emulator));
    let output = run(piped).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("100 users listed, 100 selected, 100 exported"), "{stderr}");
    assert!(!stderr.contains("reading users") && !stderr.contains("listing users"), "{stderr}");
    assert!(!stderr.contains('\r') && !stderr.contains('\u{1b}'), "no terminal control in a pipe: {stderr:?}");

    // `script` runs the command on a pseudo-terminal and copies what it shows to its own stdout.
    let shell_words: Vec<String> = std::iter::once(binary.to_owned())
        .chain(args("terminal"))
        .map(|w| format!("'{}'", w.replace('\'', r"'\''")))
        .collect();
    let mut on_terminal = Command::new("script");
    on_terminal
        .args(["--quiet", "--return", "--command", &shell_words.join(" "), "/dev/null"])
        .envs(environment(&emulator));
    let output = run(on_terminal).await;
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{shown}");
    assert!(shown.contains("reading users "), "{shown:?}");
    assert!(shown.contains("/100 [") && shown.contains("/s ETA "), "count, rate and time left: {shown:?}");
    assert!(shown.contains("100 users listed, 100 selected, 100 exported"), "{shown:?}");
    assert_eq!(std::fs::read(dir.join("terminal.yaml")).unwrap(), std::fs::read(dir.join("piped.yaml")).unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connect_that_keeps_failing_is_given_up_with_the_retries_shown_not_retried_forever() {
    // Given a Connect endpoint whose every answer is a server error
    let emulator = Emulator::builder().start().await.unwrap();
    emulator.fail_next("DescribeInstance", 100_000, Fault::Error(ErrorCode::InternalService));
    let dir = TempDir::new("keeps-failing");
    let output_file = dir.join("users.yaml");

    // When the command runs with a 2-second limit per call
    let mut command = Command::new(env!("CARGO_BIN_EXE_connect-users"));
    command
        .args(["export", "--instance-arn", &instance_arn(), "--output", output_file.to_str().unwrap()])
        .args(["--call-timeout", "2"])
        .envs(environment(&emulator));
    let output = run(command).await;

    // Then it stops with an error that says why and what to check, each retry a warning on stderr
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("Connect call failed, retrying"), "{stderr}");
    assert!(stderr.contains("InternalServiceException"), "{stderr}");
    assert!(
        stderr.contains("DescribeInstance: NoAnswer: no answer within 2 s, retries included")
            && stderr.contains("check the instance ARN's region"),
        "{stderr}"
    );
    assert!(!output_file.exists());
}
