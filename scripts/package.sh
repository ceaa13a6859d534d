#!/usr/bin/env bash
# Builds the release packages as Lambda receives them, with cargo-lambda (release profile, the `bootstrap`
# binary of cfn-connect-user alone in a zip):
#
#   dist/cfn-connect-user-<version>-arm64.zip  and .sha256   (what template.yaml and the CDK library deploy)
#   dist/cfn-connect-user-<version>-x86_64.zip and .sha256
#
# <version> is [package] version of Cargo.toml. Prints each package's size and fails if one is over the budget,
# 4 MiB zipped. Copies the arm64 package to cdk/assets/, where the construct library takes it as its default
# code. The .sha256 files are in `sha256sum` format: `cd dist && sha256sum -c *.sha256`.
#
#   scripts/package.sh [arm64|x86_64 ...]      (default: both)
#
# Installs what it needs on first use: cargo-lambda and ziglang (its cross-linker) from PyPI, pinned, in their
# own virtualenv under target/; the target's standard library through rustup.
#
# The builds go to $CARGO_TARGET_DIR when it is set, else to target/. Each is an LTO build of the AWS SDK for
# another target (about 7 minutes on two cores): point CARGO_TARGET_DIR elsewhere to keep the shared target
# unlocked meanwhile, or to keep a release cache apart.
#
# Not part of .ci/run: the two builds would add a quarter of an hour on two cores, and the standard library
# for the other target comes from rustup's servers rather than a package registry. The release workflow
# (.github/workflows/release.yml) runs it on every tag.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

readonly BUDGET=$((4 * 1024 * 1024))
readonly CARGO_LAMBDA_VERSION=1.9.2
readonly ZIGLANG_VERSION=0.15.1

architectures=("$@")
((${#architectures[@]})) || architectures=(arm64 x86_64)
for arch in "${architectures[@]}"; do
  [[ "$arch" == arm64 || "$arch" == x86_64 ]] || { echo "unknown architecture $arch (arm64 or x86_64)" >&2; exit 2; }
done

version=$(python3 -c 'import sys, tomllib; print(tomllib.load(open("Cargo.toml", "rb"))["package"]["version"])')

# --- tools --------------------------------------------------------------------------------------------
tools="$root/target/package-tools"
wanted="cargo-lambda $CARGO_LAMBDA_VERSION, ziglang $ZIGLANG_VERSION"
if [[ "$(cat "$tools/installed" 2>/dev/null)" != "$wanted" ]]; then
  echo "installing $wanted into $tools"
  rm -rf "$tools"
  python3 -m venv "$tools"
  PIP_ROOT_USER_ACTION=ignore "$tools/bin/python" -m pip install --quiet --disable-pip-version-check \
    "cargo-lambda==$CARGO_LAMBDA_VERSION" "ziglang==$ZIGLANG_VERSION"
  echo "$wanted" >"$tools/installed"
fi
# cargo-lambda finds zig as `python3 -m ziglang`, with the virtualenv's python first on PATH.
export PATH="$tools/bin:$PATH"
cargo lambda --version

rust_target() {
  case "$1" in
    arm64) echo aarch64-unknown-linux-gnu ;;
    x86_64) echo x86_64-unknown-linux-gnu ;;
  esac
}
for arch in "${architectures[@]}"; do
  triple=$(rust_target "$arch")
  rustup target list --installed | grep -qx "$triple" || rustup target add "$triple"
done

# --- build --------------------------------------------------------------------------------------------
target_dir="${CARGO_TARGET_DIR:-$root/target}"
mkdir -p dist
for arch in "${architectures[@]}"; do
  echo "building $arch"
  out="$target_dir/lambda-$arch"
  rm -rf "$out"
  cargo lambda build --release --locked --bin cfn-connect-user --target "$(rust_target "$arch")" \
    --output-format zip --lambda-dir "$out"
  package="dist/cfn-connect-user-$version-$arch.zip"
  cp "$out/cfn-connect-user/bootstrap.zip" "$package"
  (cd dist && sha256sum "$(basename "$package")" >"$(basename "$package").sha256")
done

if [[ " ${architectures[*]} " == *" arm64 "* ]]; then
  mkdir -p cdk/assets
  cp "dist/cfn-connect-user-$version-arm64.zip" cdk/assets/cfn-connect-user-arm64.zip
fi

# --- sizes --------------------------------------------------------------------------------------------
packages=()
for arch in "${architectures[@]}"; do packages+=("dist/cfn-connect-user-$version-$arch.zip"); done
python3 - "$BUDGET" "${packages[@]}" <<'PY'
import os, sys, zipfile
budget, packages = int(sys.argv[1]), sys.argv[2:]
mib = lambda n: f"{n:,} B ({n / 2**20:.2f} MiB)"
over = []
for package in packages:
    names = zipfile.ZipFile(package).namelist()
    if names != ["bootstrap"]:
        sys.exit(f"{package} holds {names}, not the bootstrap binary alone")
    unzipped = zipfile.ZipFile(package).getinfo("bootstrap").file_size
    zipped = os.path.getsize(package)
    print(f"{package}: zipped {mib(zipped)}, bootstrap {mib(unzipped)}")
    if zipped > budget:
        over.append(package)
print(f"budget: {budget / 2**20:.0f} MiB zipped")
sys.exit(f"over the budget: {' '.join(over)}" if over else 0)
PY
for package in "${packages[@]}"; do
  (cd dist && sha256sum --check --quiet "$(basename "$package").sha256")
  cat "$package.sha256"
done
