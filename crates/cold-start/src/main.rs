//! The cold-start benchmark driver: starts the release binary and the baseline, interleaved, on the fake Runtime
//! API exactly as Lambda starts a `provided.al2023` function, times process start → first `GET …/invocation/next`,
//! then drives the real binary through Create → Update → Delete and reads its peak RSS. Prints Markdown.
//!
//! `cold-start [--runs N] [--events DIR] [REAL_BINARY [BASELINE_BINARY]]`
//! (defaults: 20 runs, `events/`, `target/release/cfn-connect-user`, `target/release/baseline-lambda`).

use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use connect_emulator::connect::Emulator;
use connect_emulator::receiver::Receiver;
use connect_emulator::runtime_api::{FakeRuntime, Invocation};
use serde_json::Value;
use tokio::process::{Child, Command};

/// Beyond this, a start is a hang, not a measurement.
const START_LIMIT: Duration = Duration::from_secs(30);
/// The invocation deadline given to each lifecycle request, as CloudFormation's ServiceTimeout would.
const INVOCATION_TIMEOUT: Duration = Duration::from_secs(300);
const MIB: f64 = 1024.0 * 1024.0;

struct Options {
    runs: usize,
    events: PathBuf,
    real: PathBuf,
    baseline: PathBuf,
}

/// The shared parties: the real binary talks to the emulator; the baseline gets the same environment.
struct Bench {
    emulator: Emulator,
    receiver: Receiver,
}

/// One cold start: time to the first poll and the peak RSS by then.
struct Start {
    init: Duration,
    hwm_kib: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let options = parse_args()?;
    for binary in [&options.real, &options.baseline] {
        if !binary.is_file() {
            return Err(format!("{} not found; build it with `cargo build --release`", binary.display()));
        }
    }
    let bench = Bench {
        emulator: Emulator::start().await.map_err(|e| format!("starting the Connect emulator: {e}"))?,
        receiver: Receiver::start().await.map_err(|e| format!("starting the response receiver: {e}"))?,
    };

    // Warm the page cache and the loader for both, so the first measured run is not a disk read.
    bench.start(&options.real).await?;
    bench.start(&options.baseline).await?;

    let mut real = Vec::with_capacity(options.runs);
    let mut baseline = Vec::with_capacity(options.runs);
    for run in 0..options.runs {
        // Alternate which goes first, so neither always follows the other's exit.
        if run % 2 == 0 {
            real.push(bench.start(&options.real).await?);
            baseline.push(bench.start(&options.baseline).await?);
        } else {
            baseline.push(bench.start(&options.baseline).await?);
            real.push(bench.start(&options.real).await?);
        }
    }
    let lifecycle = bench.lifecycle(&options.real, &options.events).await?;

    let real_init = Summary::of(real.iter().map(|s| s.init));
    let base_init = Summary::of(baseline.iter().map(|s| s.init));
    let real_idle = median_u64(real.iter().map(|s| s.hwm_kib));
    let base_idle = median_u64(baseline.iter().map(|s| s.hwm_kib));
    let (real_size, real_zip) = (file_size(&options.real)?, zipped_size(&options.real)?);
    let (base_size, base_zip) = (file_size(&options.baseline)?, zipped_size(&options.baseline)?);

    println!("Cold start: {} interleaved runs each, load average {}", options.runs, load_average());
    println!();
    println!("| | cfn-connect-user | baseline-lambda | ratio | target |");
    println!("|---|---:|---:|---:|---|");
    println!(
        "| init, min (ms) | {} | {} | {:.2} | |",
        ms(real_init.min),
        ms(base_init.min),
        ratio(real_init.min, base_init.min)
    );
    println!(
        "| init, median (ms) | {} | {} | {:.2} | ≤ 1.2× |",
        ms(real_init.median),
        ms(base_init.median),
        ratio(real_init.median, base_init.median)
    );
    println!(
        "| init, p90 (ms) | {} | {} | {:.2} | |",
        ms(real_init.p90),
        ms(base_init.p90),
        ratio(real_init.p90, base_init.p90)
    );
    println!(
        "| peak RSS at first poll, median (MiB) | {:.1} | {:.1} | {:.2} | |",
        kib_to_mib(real_idle),
        kib_to_mib(base_idle),
        real_idle as f64 / base_idle.max(1) as f64
    );
    println!("| peak RSS, Create → Update → Delete (MiB) | {:.1} | | | < 20 MiB |", kib_to_mib(lifecycle));
    println!(
        "| binary, stripped (bytes) | {real_size} | {base_size} | {:.2} | |",
        real_size as f64 / base_size.max(1) as f64
    );
    println!(
        "| `zip -9` (bytes) | {real_zip} ({:.2} MiB) | {base_zip} ({:.2} MiB) | {:.2} | ≤ 4 MiB |",
        real_zip as f64 / MIB,
        base_zip as f64 / MIB,
        real_zip as f64 / base_zip.max(1) as f64
    );
    Ok(())
}

fn parse_args() -> Result<Options, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut runs = 20;
    let mut events = root.join("events");
    let mut binaries = Vec::new();
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--runs") => {
                let n = args.next().and_then(|n| n.to_str().and_then(|n| n.parse().ok()));
                runs = n.filter(|n| *n > 0).ok_or("--runs needs a positive number")?;
            }
            Some("--events") => events = args.next().map(PathBuf::from).ok_or("--events needs a directory")?,
            Some("-h" | "--help") => {
                return Err("usage: cold-start [--runs N] [--events DIR] [REAL_BINARY [BASELINE_BINARY]]".into());
            }
            _ => binaries.push(PathBuf::from(arg)),
        }
    }
    let mut binaries = binaries.into_iter();
    let real = binaries.next().unwrap_or_else(|| root.join("target/release/cfn-connect-user"));
    let baseline = binaries.next().unwrap_or_else(|| root.join("target/release/baseline-lambda"));
    Ok(Options { runs, events, real, baseline })
}

impl Bench {
    /// Spawns `binary` with a Lambda environment pointing at a fresh fake Runtime API.
    fn spawn(&self, binary: &Path, runtime: &FakeRuntime) -> Result<Child, String> {
        Command::new(binary)
            .env_clear()
            .envs(runtime.lambda_env())
            .env("AWS_ENDPOINT_URL_CONNECT", self.emulator.endpoint_url())
            .env("ALLOW_LOOPBACK_RESPONSE_URL", "true")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("starting {}: {e}", binary.display()))
    }

    /// One cold start, from spawn to the first poll; the process is killed afterwards.
    async fn start(&self, binary: &Path) -> Result<Start, String> {
        let runtime = FakeRuntime::start().await.map_err(|e| format!("starting the fake Runtime API: {e}"))?;
        let spawned = Instant::now();
        let mut child = self.spawn(binary, &runtime)?;
        let polled = tokio::select! {
            polled = runtime.first_poll() => polled,
            status = child.wait() => return Err(format!("{} exited before polling: {status:?}", binary.display())),
            () = tokio::time::sleep(START_LIMIT) => return Err(format!("{} did not poll within {START_LIMIT:?}", binary.display())),
        };
        let init = polled.saturating_duration_since(spawned);
        let hwm_kib = peak_rss_kib(&child)?;
        stop(child).await;
        Ok(Start { init, hwm_kib })
    }

    /// Create → Update → Delete of the sample events through the real binary; its peak RSS (KiB) at the end.
    async fn lifecycle(&self, binary: &Path, events: &Path) -> Result<u64, String> {
        let runtime = FakeRuntime::start().await.map_err(|e| format!("starting the fake Runtime API: {e}"))?;
        let child = self.spawn(binary, &runtime)?;
        let mut user: Option<String> = None;
        for kind in ["create", "update", "delete"] {
            let file = events.join(format!("{kind}.json"));
            let text = std::fs::read_to_string(&file).map_err(|e| format!("reading {}: {e}", file.display()))?;
            let mut event: Value =
                serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", file.display()))?;
            event["ResponseURL"] = Value::String(self.receiver.url());
            if let Some(user) = &user {
                event["PhysicalResourceId"] = Value::String(user.clone());
            }
            let id = runtime.invoke(event, INVOCATION_TIMEOUT);
            match runtime.result(&id).await {
                Invocation::Response(_) => {}
                Invocation::Error { error_type, error_message, .. } => {
                    return Err(format!("{kind}: the invocation failed: {error_type}: {error_message}"));
                }
            }
            let response = self.receiver.next().await;
            if response.status() != "SUCCESS" {
                return Err(format!("{kind}: {} ({})", response.status(), response.reason().unwrap_or_default()));
            }
            user = response.physical_id().map(str::to_owned);
        }
        let hwm = peak_rss_kib(&child)?;
        stop(child).await;
        Ok(hwm)
    }
}

async fn stop(mut child: Child) {
    // Already exited or killed: nothing left to stop.
    let _ = child.kill().await;
}

/// `VmHWM` of a live process: the peak resident set since it started.
fn peak_rss_kib(child: &Child) -> Result<u64, String> {
    let pid = child.id().ok_or("the process has already exited")?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("reading /proc/{pid}/status: {e}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| format!("no VmHWM in /proc/{pid}/status"))
}

struct Summary {
    min: Duration,
    median: Duration,
    p90: Duration,
}

impl Summary {
    fn of(samples: impl Iterator<Item = Duration>) -> Summary {
        let mut sorted: Vec<Duration> = samples.collect();
        sorted.sort();
        Summary {
            min: sorted.first().copied().unwrap_or_default(),
            median: percentile(&sorted, 50),
            p90: percentile(&sorted, 90),
        }
    }
}

/// Nearest-rank percentile of sorted samples.
fn percentile<T: Copy + Default>(sorted: &[T], p: usize) -> T {
    if sorted.is_empty() {
        return T::default();
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank.min(sorted.len()) - 1]
}

fn median_u64(samples: impl Iterator<Item = u64>) -> u64 {
    let mut sorted: Vec<u64> = samples.collect();
    sorted.sort_unstable();
    percentile(&sorted, 50)
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(f64::MIN_POSITIVE)
}

fn kib_to_mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn file_size(path: &Path) -> Result<u64, String> {
    std::fs::metadata(path).map(|m| m.len()).map_err(|e| format!("{}: {e}", path.display()))
}

/// The size of the deployment package Lambda receives: the binary as `bootstrap`, alone, in a `zip -9` archive.
fn zipped_size(binary: &Path) -> Result<u64, String> {
    let dir = std::env::temp_dir().join(format!("cold-start-zip-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let result = (|| {
        std::fs::copy(binary, dir.join("bootstrap")).map_err(|e| format!("copying {}: {e}", binary.display()))?;
        let status = std::process::Command::new("zip")
            .args(["-9", "-q", "-X", "package.zip", "bootstrap"])
            .current_dir(&dir)
            .status()
            .map_err(|e| format!("running zip (install it, e.g. `apt-get install zip`): {e}"))?;
        if !status.success() {
            return Err(format!("zip failed: {status}"));
        }
        file_size(&dir.join("package.zip"))
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<u64> = (1..=10).collect();
        assert_eq!(percentile(&samples, 50), 5);
        assert_eq!(percentile(&samples, 90), 9);
        assert_eq!(percentile(&samples, 100), 10);
        assert_eq!(percentile(&[7u64], 90), 7);
        assert_eq!(percentile::<u64>(&[], 50), 0);
    }
}
