#!/usr/bin/env bash
# Mutation testing of the core (src/core) with cargo-mutants: does some test fail when the code is changed?
#
#   scripts/mutants.sh                                           # every file of src/core
#   scripts/mutants.sh src/core/response.rs 'src/core/plan/**'   # some of them (globs, as cargo mutants -f)
#   scripts/mutants.sh --unit-only [GLOB...]                     # phase 1 only
#
# Phase 1 runs each mutant against the core's unit tests (`cargo test --lib core::`, a few seconds a mutant).
# A mutant they miss is either listed in docs/testing.md ("Mutation testing") as equivalent — the file and the
# mutation as cargo mutants names it, without the line — or goes to phase 2, which runs it against the package's
# whole suite (`--lib --test tests`: the unit tests and the integration tests over real HTTP). Prints the counts
# of each phase (caught, missed, unviable, timeouts) and every survivor; exits non-zero when a survivor is
# neither explained nor caught by phase 2. A timeout (the mutation made the tests hang, typically a loop that
# no longer ends) is a detected mutant.
#
# The test targets are cargo arguments (`--cargo-arg`), not test arguments after `--`, so each mutant's build
# compiles only the targets that run. Mutants are built in a copy of the tree outside target/, whose first
# build compiles the dependencies (several minutes). Results: target/mutants/{unit,suite}/mutants.out/
# (caught.txt, missed.txt, unviable.txt, timeout.txt, outcomes.json, one log per mutant). Parallel jobs:
# CARGO_MUTANTS_JOBS (default 1; each job is another copy with its own first build).
# Needs `cargo install --locked cargo-mutants`.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v cargo-mutants >/dev/null || { echo "cargo-mutants not found (cargo install --locked cargo-mutants)" >&2; exit 1; }

package=cfn-connect-user
out=target/mutants
export CARGO_MUTANTS_JOBS="${CARGO_MUTANTS_JOBS:-1}"

phases=2
if [[ "${1:-}" == --unit-only ]]; then phases=1; shift; fi
files=()
for glob in "${@:-src/core/**}"; do files+=(-f "$glob"); done
common=(-p "$package" "${files[@]}" --gitignore true --test-workspace false --no-shuffle)

# The counts of one phase, from its output directory.
counts() {
  local dir="$1/mutants.out" kind n
  for kind in caught missed unviable timeout; do
    n=0
    [[ -s "$dir/$kind.txt" ]] && n=$(wc -l <"$dir/$kind.txt")
    printf ' %s %d' "$kind" "$n"
  done
  printf '\n'
}

# cargo mutants exits 2 when mutants are missed and 3 when some time out: outcomes, read from the files above.
run() {
  local status=0
  cargo mutants "$@" || status=$?
  case $status in 0 | 2 | 3) ;; *) echo "cargo mutants failed (exit $status)" >&2; exit "$status" ;; esac
}

echo "== phase 1: the core's unit tests (cargo test --lib core::)"
rm -rf "$out/unit" "$out/suite"
mkdir -p "$out"
run "${common[@]}" --cargo-arg=--lib -o "$out/unit" -- core::

# A survivor is explained when docs/testing.md names it (Markdown tables escape `|` as `\|`).
documented=$(sed 's/\\|/|/g' docs/testing.md)
explained=()
unexplained=()
if [[ -s "$out/unit/mutants.out/missed.txt" ]]; then
  while IFS= read -r name; do
    if grep -qF -- "$(sed -E 's/:[0-9]+:[0-9]+:/:/' <<<"$name")" <<<"$documented"; then
      explained+=("$name")
    else
      unexplained+=("$name")
    fi
  done <"$out/unit/mutants.out/missed.txt"
fi

if ((phases == 2 && ${#unexplained[@]} > 0)); then
  # One anchored regex per survivor, matched against its name as `cargo mutants --list` prints it.
  regexes=()
  for name in "${unexplained[@]}"; do
    # shellcheck disable=SC2001,SC2016  # sed escapes every regex metacharacter, `$` included
    regexes+=(-F "^$(sed 's/[][\\.*+?^$(){}|]/\\&/g' <<<"$name")\$")
  done
  echo "== phase 2: phase 1's unexplained survivors against the whole suite (cargo test --lib --test tests)"
  run "${common[@]}" "${regexes[@]}" --cargo-arg=--lib --cargo-arg=--test=tests -o "$out/suite"
fi

echo "== summary"
printf 'phase 1 (unit tests):'
counts "$out/unit"
for name in "${explained[@]}"; do echo "  missed, equivalent (docs/testing.md): $name"; done
for name in "${unexplained[@]}"; do echo "  missed: $name"; done
status=0
if [[ -d "$out/suite" ]]; then
  printf "phase 2 (whole suite, phase 1's unexplained survivors):"
  counts "$out/suite"
  if [[ -s "$out/suite/mutants.out/missed.txt" ]]; then
    sed 's/^/  missed: /' "$out/suite/mutants.out/missed.txt"
    status=1
  fi
elif ((${#unexplained[@]} > 0)); then
  status=1
fi
exit "$status"
