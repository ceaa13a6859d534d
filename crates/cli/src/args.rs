//! The command line: `connect-users export`, `plan` and `diff`, their options, and how each run is set up
//! (the Connect client from the standard AWS configuration: region, credentials, profile, and
//! `AWS_ENDPOINT_URL_CONNECT`; calls go to each instance's own region).

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::export::layout::DeletionPolicy;
use crate::template::Format;

/// From a live Amazon Connect instance to CloudFormation, and back: `export` writes a template of
/// `Custom::ConnectUser` resources that adopt the instance's users as they are (`--portable`: for any instance);
/// `plan` shows what the cfn-connect-user function would do with a template's users now, in any instance; `diff`
/// compares two instances' agents. Only reads Connect, never writes.
#[derive(Debug, Parser)]
#[command(name = "connect-users", version)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
    /// How long one Connect read may take, retries of throttling, server errors and lost connections included,
    /// before the command gives up on it (each retry is a warning on stderr).
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 120,
        value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub call_timeout: u64,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a CloudFormation template with one Custom::ConnectUser (AdoptExisting) per user of an instance.
    Export(ExportArgs),
    /// Show the Connect calls the function would make for each Custom::ConnectUser of a template.
    Plan(PlanArgs),
    /// List, per agent, what differs between two instances (test and production, primary and replica).
    Diff(DiffArgs),
}

/// `connect-users export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The instance, arn:PARTITION:connect:REGION:ACCOUNT:instance/ID.
    #[arg(long, value_name = "ARN")]
    pub instance_arn: String,
    /// The template file; nested templates, when needed, go beside it. `-` writes one template to stdout.
    #[arg(long, short, value_name = "FILE", default_value = "connect-users.yaml")]
    pub output: PathBuf,
    /// The template's format.
    #[arg(long, value_enum, default_value_t = Format::Yaml)]
    pub format: Format,
    /// The template parameter that receives the function's ARN (ServiceToken).
    #[arg(long, value_name = "NAME", default_value = "ServiceToken", conflicts_with = "service_token_import")]
    pub service_token_parameter: String,
    /// Take ServiceToken from Fn::ImportValue of this export (e.g. the function stack's exported ARN) instead of a
    /// parameter.
    #[arg(long, value_name = "EXPORT")]
    pub service_token_import: Option<String>,
    /// What deleting a user's resource or the stack (or replacing the user) does to the user: `retain` leaves it
    /// in Connect (DeletionPolicy and UpdateReplacePolicy Retain on every resource), `delete` lets the function
    /// delete it — and a failed first deployment's rollback then deletes every agent it had taken over.
    #[arg(long, value_enum, default_value_t = DeletionPolicy::Retain)]
    pub deletion_policy: DeletionPolicy,
    /// Only users whose username matches this glob (`*`, `?`, `[a-z]`, `[!x]`; the whole username,
    /// case-sensitively). Repeatable: a user matching any pattern is taken.
    #[arg(long = "username", value_name = "GLOB")]
    pub usernames: Vec<String>,
    /// Only users whose username matches this regular expression (anywhere, unless anchored with ^ and $).
    /// Repeatable.
    #[arg(long = "username-regex", value_name = "REGEX")]
    pub username_regexes: Vec<String>,
    /// Only users in this routing profile (id or ARN). Repeatable.
    #[arg(long = "routing-profile", value_name = "ID_OR_ARN")]
    pub routing_profiles: Vec<String>,
    /// Also export users whose connect-user-resource:owner tag says a stack manages them already.
    #[arg(long)]
    pub include_managed: bool,
    /// Continue an interrupted export from its state file, reading only the users it does not have yet.
    #[arg(long)]
    pub resume: bool,
    /// The state file of the export [default: the output file's name with `.export-state.jsonl` added;
    /// `connect-users.export-state.jsonl` for stdout].
    #[arg(long, value_name = "FILE")]
    pub state_file: Option<PathBuf>,
    /// Users read at once (all calls share one adaptive pacer).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// At most this many resources per template (CloudFormation allows 500); beyond it, nested stacks.
    #[arg(long, value_name = "N", default_value_t = 500, value_parser = clap::value_parser!(u16).range(1..=500))]
    pub max_resources: u16,
    /// The main template of an earlier export: every user it holds keeps its logical id and its stack, so that a
    /// re-export moves nobody between stacks [default: the output file, when it exists].
    #[arg(long, value_name = "FILE", conflicts_with = "fresh_layout")]
    pub previous: Option<PathBuf>,
    /// Lay the users out anew, ignoring an earlier export at the output path. Users whose logical id or stack then
    /// changes are handed over between resources: refused under Retain, deleted under Delete.
    #[arg(long)]
    pub fresh_layout: bool,
    /// A template for any instance: profiles by name (RoutingProfileName, SecurityProfileNames, HierarchyGroupPath)
    /// instead of ARNs, the instance as the parameter ConnectInstanceArn, and each traffic distribution group as a
    /// parameter, all defaulting to the exported instance's.
    #[arg(long)]
    pub portable: bool,
}

/// `connect-users diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The instance compared from, arn:PARTITION:connect:REGION:ACCOUNT:instance/ID.
    #[arg(long, value_name = "ARN")]
    pub from: String,
    /// The instance compared to.
    #[arg(long, value_name = "ARN")]
    pub to: String,
    /// Only users whose username matches this glob (as for export). Repeatable.
    #[arg(long = "username", value_name = "GLOB")]
    pub usernames: Vec<String>,
    /// Only users whose username matches this regular expression. Repeatable.
    #[arg(long = "username-regex", value_name = "REGEX")]
    pub username_regexes: Vec<String>,
    /// Exit 0 when the instances' agents are the same, 2 when they differ, 1 on an error.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// The output's format.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    pub output: Output,
    /// Users read at once, in each instance (all calls share one adaptive pacer).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}

/// `connect-users plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The template (YAML or JSON; nested stacks are read from the local files their TemplateURL names).
    #[arg(long, value_name = "FILE")]
    pub template: PathBuf,
    /// A value for what the template references: a parameter (`Name=value`), a pseudo parameter
    /// (`AWS::Region=…`), an export of Fn::ImportValue (`ExportName=value`), or Fn::GetAtt (`Resource.Attr=value`).
    /// Repeatable.
    #[arg(long = "parameter", value_name = "KEY=VALUE", value_parser = key_value)]
    pub parameters: Vec<(String, String)>,
    /// The stack's id (ARN), when it exists: its resources' owner tags are then known exactly, and so are
    /// AWS::Region, AWS::AccountId, AWS::Partition and AWS::StackName. A nested stack has an id of its own, given as
    /// PATH=ARN with its path of logical ids (`Users01`, `Outer/Inner`). Repeatable. Without the id of a resource's
    /// stack, a user that carries an owner tag is planned as "owner unknown", never guessed.
    #[arg(long = "stack-id", value_name = "[PATH=]ARN", value_parser = stack_id)]
    pub stack_ids: Vec<(Vec<String>, String)>,
    /// The deployed template (`aws cloudformation get-template`), so that what this one drops (tags,
    /// proficiencies, the hierarchy group) and renames are planned as the function's Update does.
    #[arg(long, value_name = "FILE")]
    pub previous_template: Option<PathBuf>,
    /// Plan every resource against this instance, whatever its InstanceArn says: a portable export (or any template
    /// naming its profiles and hierarchy) planned for test, production or a replica before it is deployed there.
    #[arg(long, value_name = "ARN")]
    pub instance_arn: Option<String>,
    /// Exit 0 when there are no changes, 2 when there are, 1 on an error or a refused resource.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// The output's format.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    pub output: Output,
    /// Resources planned at once (all calls share one adaptive pacer).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}

/// How `plan` and `diff` print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// For people.
    Text,
    /// For programs.
    Json,
}

/// `ARN` (the template's own stack) or `PATH=ARN` (a nested stack, by its logical ids joined with `/`).
fn stack_id(arg: &str) -> Result<(Vec<String>, String), String> {
    let (path, arn) = match arg.split_once('=') {
        Some((path, arn)) => (path.split('/').map(str::to_owned).collect::<Vec<_>>(), arn),
        None => (Vec::new(), arg),
    };
    if path.iter().any(String::is_empty) {
        return Err(format!(
            "expected ARN or PATH=ARN (PATH the nested stack's logical ids joined with /), got {arg:?}"
        ));
    }
    if !(arn.starts_with("arn:") && arn.contains(":cloudformation:") && arn.contains(":stack/")) {
        return Err(format!(
            "expected a stack id, arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<id>, got {arn:?}"
        ));
    }
    Ok((path, arn.to_owned()))
}

fn key_value(arg: &str) -> Result<(String, String), String> {
    match arg.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err(format!("expected KEY=VALUE, got {arg:?}")),
    }
}

impl PlanArgs {
    /// The `--parameter` values by key; a later one wins.
    pub fn parameter_map(&self) -> BTreeMap<String, String> {
        self.parameters.iter().cloned().collect()
    }

    /// The `--stack-id` values by stack path; a later one wins.
    pub fn stack_id_map(&self) -> BTreeMap<Vec<String>, String> {
        self.stack_ids.iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parameters_are_key_value_pairs() {
        assert_eq!(key_value("AWS::Region=us-east-1"), Ok(("AWS::Region".into(), "us-east-1".into())));
        assert_eq!(key_value("a=b=c"), Ok(("a".into(), "b=c".into())));
        assert!(key_value("novalue").is_err() && key_value("=x").is_err());
    }

    #[test]
    fn stack_ids_name_the_top_stack_or_a_nested_one_by_its_path() {
        let arn = "arn:aws:cloudformation:us-east-1:123456789012:stack/users/6e0a3f10-cd7a-11ef-8a4b-0e1b2c3d4e5f";
        assert_eq!(stack_id(arn), Ok((vec![], arn.to_owned())));
        assert_eq!(stack_id(&format!("Users01={arn}")), Ok((vec!["Users01".to_owned()], arn.to_owned())));
        assert_eq!(stack_id(&format!("A/B={arn}")), Ok((vec!["A".to_owned(), "B".to_owned()], arn.to_owned())));
        for bad in ["users", "Users01=users", &format!("={arn}"), &format!("A//B={arn}")] {
            assert!(stack_id(bad).is_err(), "{bad}");
        }
    }
}
