//! The Connect emulator as a standalone server, for trying the Lambda under other tools: prints its endpoint URL
//! as the first line of stdout, then a summary of the seed, and serves until Ctrl-C.
//!
//! Usage: `connect-emulator [--port N] [--users N] [--awkward-users]`; `--users` seeds instance 1 with N users of
//! varied shapes (deterministic, see `EmulatorBuilder::with_users`), an instance to try `connect-users export` and
//! `plan` on; `--awkward-users` adds users whose names and tags an untyped format misreads
//! (`EmulatorBuilder::with_awkward_users`).

use std::process::ExitCode;

use connect_emulator::Emulator;

const USAGE: &str = "usage: connect-emulator [--port N] [--users N] [--awkward-users]";

/// `(port, users, awkward users)` from the arguments; port 0 picks a free one.
fn parse_args(args: &[String]) -> Result<(u16, usize, bool), String> {
    let (mut port, mut users, mut awkward) = (0, 0, false);
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
            _ => return Err(USAGE.to_owned()),
        }
    }
    Ok((port, users, awkward))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (port, users, awkward) = match parse_args(&args) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let mut builder = Emulator::builder().port(port).with_users(users);
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
        for id in instance.hierarchy_groups {
            println!("  hierarchy group  {id}");
        }
        for (name, values) in instance.predefined_attributes {
            println!("  attribute        {name} = {}", values.join(", "));
        }
    }
    if users > 0 {
        println!("{users} users seeded in instance {}", seed.instance_arn(connect_emulator::Seed::INSTANCE_1));
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
