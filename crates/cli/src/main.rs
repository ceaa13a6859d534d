//! The `connect-users` binary: parses the command line, builds the read-only Connect client from the standard AWS
//! configuration, sends warnings (a Connect call retried) to stderr above the progress bar, and runs the command (see
//! the library's `run`).

use std::process::ExitCode;
use std::time::Duration;

use cfn_connect_user::adapters::SdkConnect;
use cfn_connect_user::app::Pacer;
use cfn_connect_user::core::backoff::Backoff;
use clap::Parser;
use connect_users::args::Cli;
use connect_users::progress::Progress;
use connect_users::reader::ReadOnly;
use connect_users::run;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // A usage error is an error (1), so that `--detailed-exitcode`'s 2 keeps meaning "changes".
            return if e.use_stderr() { ExitCode::from(run::FAILED) } else { ExitCode::SUCCESS };
        }
    };
    let progress = Progress::stderr();
    // Warnings only, from this tool and the function's crate it reuses: the SDK's own logs stay quiet.
    let filter = tracing_subscriber::filter::Targets::new()
        .with_target("connect_users", tracing::Level::WARN)
        .with_target("cfn_connect_user", tracing::Level::WARN);
    let writer = progress.clone();
    let _ = tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_target(false).without_time().with_writer(move || writer.clone()))
        .with(filter)
        .try_init();
    let reader = ReadOnly::new(SdkConnect::from_env().await, Pacer::default(), Backoff::default())
        .with_call_limit(Duration::from_secs(cli.call_timeout));
    let code = run::run(cli, &reader, &progress, &mut std::io::stdout().lock(), &mut std::io::stderr()).await;
    ExitCode::from(code)
}
