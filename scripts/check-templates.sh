#!/usr/bin/env bash
# Checks the deployment assets without an AWS account:
#   1. cfn-lint (pinned, from PyPI, in its own virtualenv) on template.yaml and every examples/**/*.yaml,
#      failing on any finding (error, warning or informational);
#   2. the CDK example: `npm ci`, its node:test suite (synthesizes and inspects the template), and
#      `cdk synth` through the CLI with a placeholder binary, so no Rust build is needed.
# Needs Python 3 with pip (and venv, or pip --target as a fallback) and Node 20+ with npm.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

CFN_LINT_VERSION=1.58.0
tools="$root/target/check-templates"
mkdir -p "$tools"

# --- cfn-lint -----------------------------------------------------------------------------------------
cfn_lint() {
  if [[ -x "$tools/venv/bin/cfn-lint" ]]; then
    "$tools/venv/bin/cfn-lint" "$@"
  else
    PYTHONPATH="$tools/site" python3 -c 'import sys; from cfnlint.runner import main; sys.exit(main())' "$@"
  fi
}

installed=$(cfn_lint --version 2>/dev/null || true)
# `--version` prints "<program> <version>"; the program name differs between the two install layouts.
if [[ "$installed" != *" $CFN_LINT_VERSION" ]]; then
  echo "installing cfn-lint $CFN_LINT_VERSION into $tools"
  rm -rf "$tools/venv" "$tools/site"
  export PIP_ROOT_USER_ACTION=ignore
  if python3 -m venv "$tools/venv" >/dev/null 2>&1; then
    "$tools/venv/bin/python" -m pip install --quiet --disable-pip-version-check "cfn-lint==$CFN_LINT_VERSION"
  else
    # Debian's python3 without python3-venv: install beside the tree instead.
    rm -rf "$tools/venv"
    python3 -m pip install --quiet --disable-pip-version-check --target "$tools/site" "cfn-lint==$CFN_LINT_VERSION"
  fi
fi
cfn_lint --version

templates=(template.yaml)
while IFS= read -r -d '' file; do
  templates+=("$file")
done < <(find examples \( -name node_modules -o -name cdk.out -o -name dist \) -prune -o \
  -type f \( -name '*.yaml' -o -name '*.yml' \) -print0 | sort -z)

echo "cfn-lint: ${templates[*]}"
# Exit status is non-zero on any finding; informational checks are included too.
cfn_lint --include-checks I -- "${templates[@]}"
echo "cfn-lint: ${#templates[@]} templates, no finding"

# --- CDK example --------------------------------------------------------------------------------------
node_major=$(node -p 'process.versions.node.split(".")[0]')
if ((node_major < 20)); then
  echo "Node 20 or later is needed for the CDK example (found $(node --version))" >&2
  exit 1
fi

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
