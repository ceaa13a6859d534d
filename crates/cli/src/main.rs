//! The `connect-users` binary: parses the command line, builds the read-only Connect client from the standard AWS
//! configuration, and runs the command (see the library's `run`).

use std::process::ExitCode;

use cfn_connect_user::adapters::SdkConnect;
use cfn_connect_user::app::Pacer;
use cfn_connect_user::core::backoff::Backoff;
use clap::Parser;
use connect_users::args::Cli;
use connect_users::progress::Progress;
use connect_users::reader::ReadOnly;
use connect_users::run;

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
    let reader = ReadOnly::new(SdkConnect::from_env().await, Pacer::default(), Backoff::default());
    let progress = Progress::stderr();
    let code = run::run(cli, &reader, &progress, &mut std::io::stdout().lock(), &mut std::io::stderr()).await;
    ExitCode::from(code)
}
