//! The Connect emulator as a standalone server, for trying the Lambda under other tools: prints its endpoint URL
//! as the first line of stdout, then a summary of the seed, and serves until Ctrl-C.
//!
//! Usage: `connect-emulator [--port N]`

use std::process::ExitCode;

use connect_emulator::Emulator;

fn parse_port(args: &[String]) -> Result<u16, String> {
    match args {
        [] => Ok(0),
        [flag, port] if flag == "--port" => port.parse().map_err(|_| format!("not a port number: {port}")),
        _ => Err("usage: connect-emulator [--port N]".to_owned()),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let port = match parse_port(&args) {
        Ok(port) => port,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let emulator = match Emulator::builder().port(port).start().await {
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
    println!("use: AWS_ENDPOINT_URL_CONNECT={} ; Ctrl-C stops", emulator.endpoint_url());
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("cannot wait for Ctrl-C: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
