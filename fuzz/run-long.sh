#!/usr/bin/env bash
# Runs the robustness property tests for a long time (default: one hour)
# and reports how many programs were tried and what failed.
#
#   fuzz/run-long.sh [SECONDS]
#
# The harnesses are proptest tests, not cargo-fuzz targets: cargo-fuzz needs
# a nightly toolchain (for -Zsanitizer), which this project's machines
# cannot fetch. They are:
#   - lang/tests/robustness.rs: arbitrary bytes and text, glued snippets
#     (the front end never panics, every span is in range);
#   - compiler/tests/robustness.rs: programs glued from fragments of real
#     syntax, and mutants of every .dg file of the repository (check and
#     eval of any program end with a result and diagnostics).
# CI runs them briefly (PROPTEST_CASES in .ci/run). Here they run in rounds
# of many cases, each round with a fresh random seed, until the time is up.
# A failure is shrunk by proptest and saved in the tests'
# *.proptest-regressions files, which later runs replay first; this script
# stops at the first failing round and prints it.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-3600}"
cases_per_round="${CASES_PER_ROUND:-2000}"
log="${TMPDIR:-/tmp}/digitc-fuzz-$$.log"

cargo test --release --locked -p digit-lang --test robustness --no-run
cargo test --release --locked -p digit-compiler --test robustness --no-run

start=$(date +%s)
rounds=0
executions=0
while (( $(date +%s) - start < seconds )); do
  for crate in digit-lang digit-compiler; do
    if ! PROPTEST_CASES="$cases_per_round" cargo test --release --locked -q -p "$crate" \
        --test robustness -- never_panic >"$log" 2>&1; then
      cat "$log"
      echo "FAILED in round $rounds of $crate after $(( $(date +%s) - start )) s; see $log"
      exit 1
    fi
    tests=$(awk '/test result: ok\./ { n += $4 } END { print n + 0 }' "$log")
    executions=$(( executions + tests * cases_per_round ))
  done
  rounds=$(( rounds + 1 ))
  echo "round $rounds: about $executions programs in $(( $(date +%s) - start )) s, no failure"
done
rm -f "$log"
echo "done: $rounds rounds, about $executions programs, no failure"
