#!/usr/bin/env bash
# Builds the deployment package as `sam build` does (cargo lambda, arm64, release profile) and checks its size
# against the budget: at most 4 MiB zipped, as Lambda receives it. Installs what it needs on first use:
# cargo-lambda from PyPI (its wheel ships the prebuilt binary and pulls in `ziglang`, the cross-linker: 14 s),
# or, where pip cannot install it, from crates.io (19 minutes on two cores); the aarch64 standard library through
# rustup.
#
#   scripts/package.sh        → target/lambda/cfn-connect-user/bootstrap.zip
#
# Not part of .ci/run: the aarch64 standard library comes from static.rust-lang.org, which is not a package
# registry CI can reach, and on two cores the script would add a second LTO build of the SDK for another target
# (13 minutes here). Run it before a release.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly BUDGET=$((4 * 1024 * 1024))

if ! command -v cargo-lambda >/dev/null; then
    python3 -m pip install --quiet cargo-lambda || cargo install cargo-lambda --locked
fi
python3 -c 'import ziglang' 2>/dev/null || python3 -m pip install --quiet ziglang
rustup target list --installed | grep -qx aarch64-unknown-linux-gnu || rustup target add aarch64-unknown-linux-gnu

cargo lambda build --release --arm64 --locked --bin cfn-connect-user --output-format zip

package=target/lambda/cfn-connect-user/bootstrap.zip
python3 - "$package" "$BUDGET" <<'PY'
import os, sys, zipfile
package, budget = sys.argv[1], int(sys.argv[2])
unzipped = sum(i.file_size for i in zipfile.ZipFile(package).infolist())
zipped = os.path.getsize(package)
mib = lambda n: f"{n} bytes ({n / 2**20:.2f} MiB)"
print(f"{package}: bootstrap {mib(unzipped)}, zipped {mib(zipped)}; budget {budget / 2**20:.0f} MiB")
sys.exit("the package is over its budget" if zipped > budget else 0)
PY
