#!/usr/bin/env bash
# Cold start, peak RSS and package size of the release binary, side by side with a minimal lambda_runtime
# function that builds the same SDK and HTTP clients (crates/baseline-lambda). Both run against the fake Lambda
# Runtime API as Lambda starts a provided.al2023 function; the real one also runs Create → Update → Delete
# against the Connect emulator. Prints a Markdown table.
#
#   scripts/bench-cold-start.sh [--runs N]      (default 20 interleaved runs of each)
#
# Needs `zip` for the package size. The release profile (LTO, one codegen unit) makes the first build slow.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v zip >/dev/null || { echo "zip not found (apt-get install zip)" >&2; exit 1; }
# Separate builds: Cargo unifies features across the packages of one build, and the driver's (the emulator's
# hyper server, tokio's process support) would change the measured binaries. Each function is built as it is
# deployed; the driver, whose speed is not measured, in the dev profile.
cargo build --release --locked -p cfn-connect-user
cargo build --release --locked -p baseline-lambda
cargo build --locked -p cold-start
target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
"$target/debug/cold-start" "$@" "$target/release/cfn-connect-user" "$target/release/baseline-lambda"
