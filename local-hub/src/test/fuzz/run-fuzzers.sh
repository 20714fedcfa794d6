#!/usr/bin/env bash
# Fuzzes every Jazzer target of the local hub (@FuzzTest methods in classes named *FuzzTarget), one after the other,
# each for a fixed number of executions, and prints per target: executions, time, coverage (libFuzzer's "cov", edges
# of the instrumented code reached, and "ft", features) and findings. A finding is written by Jazzer as
# crash-<sha1> into that target's inputs directory under src/test/resources, where every build runs it again.
#
#   local-hub/src/test/fuzz/run-fuzzers.sh [EXECUTIONS] [Class#method ...]
#
# EXECUTIONS defaults to 1000000. FUZZ_MAX_DURATION (Jazzer's max_duration, e.g. 90s) caps each target's time on a
# loaded machine; the table then shows how many executions it reached. Run it under `nice -n 10` on a shared machine.
# Logs: local-hub/target/fuzz/.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
module="$(cd "$here/../../.." && pwd)"
root="$(cd "$module/.." && pwd)"
executions="${1:-1000000}"
shift || true
logs="$module/target/fuzz"
mkdir -p "$logs"

if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  # Every @FuzzTest method, as Class#method.
  mapfile -t targets < <(cd "$module/src/test/java" && grep -rl --include='*FuzzTarget.java' '@FuzzTest' . | sort \
    | while read -r file; do
        class="$(basename "$file" .java)"
        grep -A1 '@FuzzTest' "$file" | grep -oE 'void [a-zA-Z0-9_]+' | sed "s/void /$class#/"
      done)
fi

cd "$root"
./mvnw -B -q -o -pl local-hub test-compile >/dev/null

printf '%-66s %10s %8s %6s %7s %9s %s\n' target executions seconds cov ft corpus findings
for target in "${targets[@]}"; do
  log="$logs/${target//#/.}.log"
  started=$(date +%s)
  # JAZZER_FUZZ turns the @FuzzTest into a fuzzing run; max_executions is libFuzzer's -runs. Not fatal: a finding
  # fails the test, and the table is what this script is for.
  JAZZER_FUZZ=1 JAZZER_MAX_EXECUTIONS="$executions" JAZZER_MAX_DURATION="${FUZZ_MAX_DURATION:-2h}" \
    ./mvnw -B -o -pl local-hub surefire:test@fuzz-targets -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false \
    >"$log" 2>&1 || true
  seconds=$(( $(date +%s) - started ))
  # libFuzzer's last status line ("#1000000 DONE cov: .. ft: .. corp: n/..") and its "Done N runs in S second(s)".
  last=$(grep -aE '^#[0-9]+' "$log" | tail -1 || true)
  runs=$(grep -aoE 'Done [0-9]+ runs' "$log" | tail -1 | grep -oE '[0-9]+' || echo "${last%% *}" | tr -d '#')
  fuzz_seconds=$(grep -aoE 'runs in [0-9]+ second' "$log" | tail -1 | grep -oE '[0-9]+' || echo "?")
  cov=$(echo "$last" | grep -oE 'cov: [0-9]+' | grep -oE '[0-9]+' || echo "?")
  ft=$(echo "$last" | grep -oE 'ft: [0-9]+' | grep -oE '[0-9]+' || echo "?")
  corpus=$(echo "$last" | grep -oE 'corp: [0-9]+' | grep -oE '[0-9]+' || echo "?")
  findings=$(grep -acE 'Test unit written to|== Java Exception|FuzzerSecurityIssue' "$log" || true)
  printf '%-66s %10s %8s %6s %7s %9s %s\n' "$target" "${runs:-?}" "${fuzz_seconds}/${seconds}" "$cov" "$ft" "$corpus" \
    "$findings$( [ "$findings" != 0 ] && echo " (see $log)" )"
done
