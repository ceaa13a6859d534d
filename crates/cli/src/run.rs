//! One run of the command line: the options turned into an export, a plan or a diff, their output, and the exit
//! code (0 success; 1 an error, or a plan with a refused resource; 2 a plan with changes, or with resources whose
//! owner cannot be told, or a diff that found differences, under `--detailed-exitcode`, as `terraform plan` does;
//! 3 an export written with users the function would refuse as they are).

use std::io::Write;
use std::path::PathBuf;

use cfn_connect_user::core::arn::InstanceArn;

use crate::args::{Cli, Command, DiffArgs, ExportArgs, Output, PlanArgs};
use crate::diff;
use crate::export::portable::INSTANCE_PARAMETER;
use crate::export::{self, layout};
use crate::plan::{self, render};
use crate::progress::Progress;
use crate::reader::ReadOnly;
use crate::select::Selection;
use cfn_connect_user::core::decision::Action;

/// Exit code: success, no changes.
pub const OK: u8 = 0;
/// Exit code: an error, or a plan that the function would refuse in part.
pub const FAILED: u8 = 1;
/// Exit code: a plan with changes, or a diff with differences, under `--detailed-exitcode`.
pub const CHANGES: u8 = 2;
/// Exit code: an export written, with users the function would refuse as they are (the summary lists them).
pub const REFUSALS: u8 = 3;

/// Runs `cli` against Connect through `reader`; the template or the plan goes to `stdout`, messages and the
/// summary to `stderr`.
pub async fn run(
    cli: Cli,
    reader: &ReadOnly,
    progress: &Progress,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    let result = match cli.command {
        Command::Export(args) => run_export(args, reader, progress, stdout, stderr).await,
        Command::Plan(args) => run_plan(args, reader, progress, stdout, stderr).await,
        Command::Diff(args) => run_diff(args, reader, progress, stdout, stderr).await,
    };
    progress.finish();
    match result {
        Ok(code) => code,
        Err(message) => {
            let _ = writeln!(stderr, "error: {message}");
            FAILED
        }
    }
}

/// An instance ARN given as `flag`.
fn instance_arg(flag: &str, value: &str) -> Result<InstanceArn, String> {
    InstanceArn::parse(value).map_err(|_| {
        format!("{flag}: expected arn:<partition>:connect:<region>:<account>:instance/<id>, got {value:?}")
    })
}

/// The export's options from the command line.
pub fn export_options(args: &ExportArgs) -> Result<export::Options, String> {
    let instance = instance_arg("--instance-arn", &args.instance_arn)?;
    if args.portable && args.service_token_import.is_none() && args.service_token_parameter == INSTANCE_PARAMETER {
        return Err(format!(
            "--service-token-parameter: {INSTANCE_PARAMETER} is the portable template's instance parameter; choose \
             another name"
        ));
    }
    let output = (args.output.as_os_str() != "-").then(|| args.output.clone());
    // Re-exporting over the last export keeps its layout, unless told not to.
    let previous = match (&args.previous, &output) {
        (Some(previous), _) => Some(previous.clone()),
        (None, Some(output)) if !args.fresh_layout && output.is_file() => Some(output.clone()),
        _ => None,
    };
    let state = args.state_file.clone().unwrap_or_else(|| {
        let mut name = output.clone().unwrap_or_else(|| PathBuf::from("connect-users")).into_os_string();
        name.push(".export-state.jsonl");
        PathBuf::from(name)
    });
    let service_token = match &args.service_token_import {
        Some(export) => layout::ServiceToken::Import(export.clone()),
        None => layout::ServiceToken::Parameter(args.service_token_parameter.clone()),
    };
    Ok(export::Options {
        instance,
        output,
        format: args.format,
        service_token,
        deletion_policy: args.deletion_policy,
        selection: Selection::new(&args.usernames, &args.username_regexes, &args.routing_profiles)?,
        include_managed: args.include_managed,
        state,
        resume: args.resume,
        concurrency: usize::from(args.concurrency),
        max_resources: usize::from(args.max_resources),
        max_bytes: layout::MAX_TEMPLATE_BYTES,
        previous,
        portable: args.portable,
    })
}

async fn run_export(
    args: ExportArgs,
    reader: &ReadOnly,
    progress: &Progress,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<u8, String> {
    let options = export_options(&args)?;
    if options.deletion_policy == layout::DeletionPolicy::Delete {
        let _ = writeln!(
            stderr,
            "warning: --deletion-policy delete: removing a user's resource, deleting the stack, replacing a user, or \
             the rollback of a failed first deployment (which deletes every resource the deployment made) deletes \
             agents that existed before the stack; the default, retain, never does"
        );
    }
    let outcome = export::export(reader, &options, progress, stdout).await;
    progress.finish();
    let report = outcome.map_err(|e| {
        if options.state.exists() {
            format!(
                "{e}\nthe users read so far are kept in {}: run again with --resume to go on",
                options.state.display()
            )
        } else {
            e
        }
    })?;
    for line in report.summary() {
        let _ = writeln!(stderr, "{line}");
    }
    Ok(if report.problems.is_empty() { OK } else { REFUSALS })
}

async fn run_plan(
    args: PlanArgs,
    reader: &ReadOnly,
    progress: &Progress,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<u8, String> {
    let options = plan::Options {
        template: args.template.clone(),
        parameters: args.parameter_map(),
        stack_ids: args.stack_id_map(),
        previous: args.previous_template.clone(),
        concurrency: usize::from(args.concurrency),
        instance: args.instance_arn.as_deref().map(|arn| instance_arg("--instance-arn", arn)).transpose()?,
    };
    let planned = plan::plan(reader, &options, progress).await?;
    progress.finish();
    let mut notes = Vec::new();
    let updates = planned.iter().any(|p| matches!(render::action(p), Action::Update | Action::NoChange));
    if updates && args.previous_template.is_none() {
        notes.push(
            "what the deployed template set and this one no longer sets (tags, proficiencies, the hierarchy group) \
             is removed by the function's Update; give the deployed template with --previous-template to see it"
                .to_owned(),
        );
    }
    let text = match args.output {
        Output::Text => render::text(&planned, &notes),
        Output::Json => format!("{:#}\n", render::json(&planned, &notes)),
    };
    stdout.write_all(text.as_bytes()).map_err(|e| format!("cannot write the plan: {e}"))?;
    let _ = writeln!(stderr, "{} Connect calls", reader.calls());
    let totals = render::totals(&planned);
    Ok(if totals.refused > 0 {
        FAILED
    } else if args.detailed_exitcode && totals.changes > 0 {
        CHANGES
    } else {
        OK
    })
}

async fn run_diff(
    args: DiffArgs,
    reader: &ReadOnly,
    progress: &Progress,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<u8, String> {
    let options = diff::Options {
        from: instance_arg("--from", &args.from)?,
        to: instance_arg("--to", &args.to)?,
        selection: Selection::new(&args.usernames, &args.username_regexes, &[])?,
        concurrency: usize::from(args.concurrency),
    };
    let compared = diff::diff(reader, &options, progress).await?;
    progress.finish();
    let text = match args.output {
        Output::Text => diff::text(&compared, &options),
        Output::Json => format!("{:#}\n", diff::json(&compared, &options)),
    };
    stdout.write_all(text.as_bytes()).map_err(|e| format!("cannot write the diff: {e}"))?;
    let _ = writeln!(stderr, "{} Connect calls", reader.calls());
    Ok(if args.detailed_exitcode && compared.differs() { CHANGES } else { OK })
}
