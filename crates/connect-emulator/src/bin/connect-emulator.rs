//! The Connect emulator as a standalone server, for trying the Lambda under other tools: prints its endpoint URL
//! as the first line of stdout, then a summary of the seed (ids and names of the profiles, the hierarchy groups
//! with their paths, the traffic distribution groups), and serves until Ctrl-C.
//!
//! Usage: `connect-emulator [--port N] [--users N] [--users-2 N] [--awkward-users]`; `--users` seeds instance 1 with
//! N users of varied shapes (deterministic, see `EmulatorBuilder::with_users`), an instance to try
//! `connect-users export` and `plan` on; `--users-2` seeds instance 2 (whose profiles and hierarchy have instance
//! 1's names, under other ids) with the first N of the same users, a second instance to try `connect-users diff`
//! and `plan --instance-arn` on; `--awkward-users` adds users whose names and tags an untyped format misreads
//! (`EmulatorBuilder::with_awkward_users`).

use std::process::ExitCode;

use connect_emulator::Emulator;

const USAGE: &str = "usage: connect-emulator [--port N] [--users N] [--users-2 N] [--awkward-users]";

/// What the command line asks for.
#[derive(Debug, Default, PartialEq, Eq)]
struct Args {
    /// 0 picks a free port.
    port: u16,
    /// Users of instance 1.
    users: usize,
    /// Users of instance 2.
    users_2: usize,
    awkward: bool,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let Args { mut port, mut users, mut users_2, mut awkward } = Args::default();
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        if flag == "--awkward-users" {
            awkward = true;
            continue;
        }
        let value = rest.next().ok_or_else(|| USAGE.to_owned())?;
        match flag.as_str() {
            "--port" => port = value.parse().map_err(|_| format!("not a port number: {value}"))?,
            "--users" => users = value.parse().map_err(|_| format!("not a number of users: {value}"))?,
            "--users-2" => users_2 = value.parse().map_err(|_| format!("not a number of users: {value}"))?,
            _ => return Err(USAGE.to_owned()),
        }
    }
    Ok(Args { port, users, users_2, awkward })
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Args { port, users, users_2, awkward } = match parse_args(&args) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let mut builder =
        Emulator::builder().port(port).with_users(users).with_users_in(connect_emulator::Seed::INSTANCE_2, users_2);
    if awkward {
        builder = builder.with_awkward_users();
    }
    let emulator = match builder.start().await {
        Ok(emulator) => emulator,
        Err(error) => {
            eprintln!("cannot listen on 127.0.0.1:{port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", emulator.endpoint_url());
    let seed = emulator.seed();
    println!("Amazon Connect emulator, region {}, account {}", seed.region, seed.account);
    for instance in &seed.instances {
        println!("instance {}", seed.instance_arn(instance.id));
        for (id, name) in instance.routing_profiles {
            println!("  routing profile  {id}  {name}");
        }
        for (id, name) in instance.security_profiles {
            println!("  security profile {id}  {name}");
        }
        let mut paths: Vec<_> =
            instance.hierarchy_groups.iter().map(|g| (seed.hierarchy_path(instance.id, g.id), g.id)).collect();
        paths.sort();
        for (path, id) in paths {
            println!("  hierarchy group  {id}  {}", path.join(" > "));
        }
        for (name, values) in instance.predefined_attributes {
            println!("  attribute        {name} = {}", values.join(", "));
        }
        for group in instance.traffic_distribution_groups {
            let default = if group.is_default { ", default" } else { "" };
            println!(
                "  traffic distribution group {}  {} (ACTIVE{default})",
                seed.traffic_distribution_group_arn(group.id),
                group.name
            );
        }
    }
    if users > 0 {
        println!("{users} users seeded in instance {}", seed.instance_arn(connect_emulator::Seed::INSTANCE_1));
    }
    if users_2 > 0 {
        println!("{users_2} users seeded in instance {}", seed.instance_arn(connect_emulator::Seed::INSTANCE_2));
    }
    if awkward {
        println!("awkward users seeded in instance {}", seed.instance_arn(connect_emulator::Seed::INSTANCE_1));
    }
    println!("use: AWS_ENDPOINT_URL_CONNECT={} ; Ctrl-C stops", emulator.endpoint_url());
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("cannot wait for Ctrl-C: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
