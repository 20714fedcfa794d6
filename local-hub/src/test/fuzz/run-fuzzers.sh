#!/usr/bin/env bash
# Fuzzes every Jazzer target of the local hub (@FuzzTest methods in classes named *FuzzTarget), one after the other,
# each for a fixed number of executions, and prints per target: executions, time, coverage (libFuzzer's "cov", edges
# of the instrumented code reached, and "ft", features), corpus size and findings. A finding is written as
# crash-<sha1> into that target's inputs directory under src/test/resources, where every build runs it again
# (./mvnw verify, surefire execution fuzz-targets, regression mode).
#
#   local-hub/src/test/fuzz/run-fuzzers.sh [EXECUTIONS] [Class#method ...]
#
# EXECUTIONS defaults to 1000000 (libFuzzer's -runs). FUZZ_MAX_SECONDS caps each target's fuzzing time on a loaded
# machine (-max_total_time; the table then shows how many executions it reached). Run it under `nice -n 10` on a
# shared machine. Each target runs in its own JVM with Jazzer's own driver (one Maven start for the class path, not
# one per target). Logs and the grown corpus: local-hub/target/fuzz/.
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
./mvnw -B -q -o -pl local-hub test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$logs/classpath.txt" >/dev/null
classpath="$module/target/test-classes:$module/target/classes:$(cat "$logs/classpath.txt")"
# The same instrumentation as the build's fuzz-targets execution (local-hub/pom.xml).
instrument='io.github.iothubquickstart.localhub.**:com.google.gson.**:org.apache.qpid.proton.codec.**:org.apache.qpid.proton.message.**:io.netty.handler.codec.http.websocketx.**'

printf '%-62s %10s %9s %6s %6s %7s %s\n' target executions seconds cov ft corpus findings
for target in "${targets[@]}"; do
  class="${target%%#*}"
  method="${target##*#}"
  file="$(cd "$module/src/test/java" && find . -name "$class.java" | head -1)"
  package_dir="$(dirname "${file#./}")"
  inputs="$module/src/test/resources/$package_dir/${class}Inputs/$method"
  corpus="$logs/corpus/$class/$method"
  mkdir -p "$inputs" "$corpus"
  log="$logs/$class.$method.log"
  started=$(date +%s)
  # -report_slow_units: under load the first inputs take seconds while Jazzer instruments the classes they reach.
  # Not fatal: a finding ends the target's run (and is kept in $inputs); the table is what this script is for.
  java -cp "$classpath" com.code_intelligence.jazzer.Jazzer \
    --target_class="$(echo "$package_dir" | tr / .).$class" --target_method="$method" \
    --instrumentation_includes="$instrument" --custom_hook_includes="$instrument" \
    -runs="$executions" ${FUZZ_MAX_SECONDS:+-max_total_time=$FUZZ_MAX_SECONDS} -artifact_prefix="$inputs/" \
    -report_slow_units=600 \
    "$corpus" "$inputs" >"$log" 2>&1 || true
  seconds=$(( $(date +%s) - started ))
  # libFuzzer's last status line ("#1000000 DONE cov: .. ft: .. corp: n/..") and its "Done N runs in S second(s)".
  last=$(grep -aE '^#[0-9]+' "$log" | tail -1 || true)
  runs=$(grep -aoE 'Done [0-9]+ runs' "$log" | tail -1 | grep -oE '[0-9]+' || echo "${last%%[[:space:]]*}" | tr -d '#')
  fuzz_seconds=$(grep -aoE 'runs in [0-9]+ second' "$log" | tail -1 | grep -oE '[0-9]+' || echo "?")
  cov=$(echo "$last" | grep -oE 'cov: [0-9]+' | grep -oE '[0-9]+' || echo "?")
  ft=$(echo "$last" | grep -oE 'ft: [0-9]+' | grep -oE '[0-9]+' || echo "?")
  size=$(echo "$last" | grep -oE 'corp: [0-9]+' | grep -oE '[0-9]+' || echo "?")
  # Findings only: crash-, timeout- and oom- inputs (a slow-unit report while the JVM warms up is none).
  findings=$(grep -acE 'Test unit written to .*/(crash|timeout|oom|leak)-' "$log" || true)
  printf '%-62s %10s %9s %6s %6s %7s %s\n' "$target" "${runs:-?}" "${fuzz_seconds}/${seconds}" "$cov" "$ft" "$size" \
    "$findings$( [ "$findings" != 0 ] && echo " (see $log)" || true)"
done
