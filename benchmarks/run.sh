#!/usr/bin/env bash
# Reproduces docs/benchmarks.md: starts the local hub and Mosquitto on loopback, runs every scenario of hub-bench
# against them, prints the table of figures and writes the plots. Everything it starts is stopped on exit.
#
#   benchmarks/run.sh                 # the full run (about 22 minutes on the 2-core VM)
#   QUICK=1 benchmarks/run.sh         # a short run with small counts, to check the setup
#
# Settings (environment): BENCH_ADDRESS (default 127.0.0.71), MOSQUITTO_PORT (18883), PLOTS (docs/benchmarks),
# HUB_JAR (local-hub/target/local-hub.jar), SCENARIOS (default "connect telemetry methods sdk-roundtrip"; "fleet" is
# the 19,000-device run: SCENARIOS=fleet BENCH_ADDRESS=127.0.23.3 benchmarks/run.sh), FLEET_DEVICES (19000),
# FLEET_SENDERS (2000), FLEET_SOURCES (127.0.23.10-13), QUIET_WAIT_ROUNDS (20 waits of 30 s for other builds to end).
set -euo pipefail
cd "$(dirname "$0")/.."

ADDRESS=${BENCH_ADDRESS:-127.0.0.71}
MOSQUITTO_PORT=${MOSQUITTO_PORT:-18883}
PLOTS=${PLOTS:-docs/benchmarks}
HUB_JAR=${HUB_JAR:-local-hub/target/local-hub.jar}
BENCH_JAR=benchmarks/target/hub-bench.jar
SCENARIOS=${SCENARIOS:-connect telemetry methods sdk-roundtrip}

# 10,000 devices need 10,000 sockets in each process; 20,000 is this machine's hard limit.
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true

if ! command -v mosquitto >/dev/null; then
    echo "Installing Mosquitto (Debian package mosquitto)..."
    apt-get update && apt-get install -y mosquitto
fi
# Rebuild when a jar is missing or older than any source or pom: a stale hub-bench.jar once wrote "-" in the memory
# column long after the code measured it.
stale_jars() {
    [[ ! -f "$HUB_JAR" || ! -f "$BENCH_JAR" ]] && return 0
    local oldest=$HUB_JAR
    [[ "$BENCH_JAR" -ot "$HUB_JAR" ]] && oldest=$BENCH_JAR
    [[ -n "$(find pom.xml common local-hub benchmarks \( -path '*/src/*' -o -name pom.xml \) -type f -newer "$oldest" -print -quit)" ]]
}
if stale_jars; then
    echo "Building the hub and hub-bench (a jar is missing or older than the sources)..."
    ./mvnw -q -B -DskipTests -pl local-hub,benchmarks -am package
fi

WORK=$(mktemp -d)
HUB_PID=""
MOSQUITTO_PID=""
stop_servers() {
    set +e  # stop everything even if one of them is already gone
    for pid in $HUB_PID $MOSQUITTO_PID; do
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    rm -rf "$WORK"
}
trap stop_servers EXIT

# Figures are only comparable on a quiet machine: wait (at most 10 minutes) for other builds and test runs to end.
for _ in $(seq 1 "${QUIET_WAIT_ROUNDS:-20}"); do
    if pgrep -f surefirebooter >/dev/null || pgrep -f plexus-classworlds >/dev/null; then
        echo "Waiting 30 s for other builds to finish (pgrep surefirebooter / plexus-classworlds)..."
        sleep 30
    else
        break
    fi
done
if pgrep -f surefirebooter >/dev/null || pgrep -f plexus-classworlds >/dev/null; then
    echo "WARNING: other builds are still running; figures of this run are disturbed."
fi

# start_hub [extra `local-hub start` options]: (re)starts the hub on the same data directory, so that it keeps its CA
# and devices; the telemetry scenario runs once as started by default and once with --telemetry-retention 0.
start_hub() {
    if [[ -n "$HUB_PID" ]]; then
        kill "$HUB_PID"; wait "$HUB_PID" 2>/dev/null || true
    fi
    echo "Starting the local hub on $ADDRESS:8883 (MQTT) and :8443 (HTTPS) $*, data in $WORK/hub"
    java ${HUB_JAVA_OPTS:-} -jar "$HUB_JAR" start --bind "$ADDRESS" --data-dir "$WORK/hub" "$@" >"$WORK/hub.log" 2>&1 &
    HUB_PID=$!
    for _ in $(seq 1 60); do
        grep -q "listening" "$WORK/hub.log" && break
        kill -0 "$HUB_PID" 2>/dev/null || { cat "$WORK/hub.log"; exit 1; }
        sleep 1
    done
    grep -q "listening" "$WORK/hub.log" || { echo "The hub did not start within 60 s"; cat "$WORK/hub.log"; exit 1; }
    grep "listening" "$WORK/hub.log"
}
start_hub

# Mosquitto gets the same TLS: the hub's server certificate and key, on the hub's address (so the client verifies
# the same name), another port. Anonymous: it has no SAS tokens; the hub checks one on every CONNECT.
cat >"$WORK/mosquitto.conf" <<CONF
per_listener_settings false
listener $MOSQUITTO_PORT $ADDRESS
cafile $WORK/hub/ca.pem
certfile $WORK/hub/server.pem
keyfile $WORK/hub/server-key.pem
allow_anonymous true
persistence false
max_connections -1
max_inflight_messages 32
max_queued_messages 1000
set_tcp_nodelay true
user $(id -un)
log_dest stderr
log_type error
CONF
# start_mosquitto: (re)starts Mosquitto, so that a fleet measures a fresh one as it does a fresh hub.
start_mosquitto() {
    if [[ -n "$MOSQUITTO_PID" ]]; then
        kill "$MOSQUITTO_PID"; wait "$MOSQUITTO_PID" 2>/dev/null || true
    fi
    mosquitto -c "$WORK/mosquitto.conf" >"$WORK/mosquitto.log" 2>&1 &
    MOSQUITTO_PID=$!
    sleep 1
    kill -0 "$MOSQUITTO_PID" 2>/dev/null || { cat "$WORK/mosquitto.log"; exit 1; }
    echo "Mosquitto $(mosquitto -h | head -1 | awk '{print $3}') on $ADDRESS:$MOSQUITTO_PORT"
}
start_mosquitto

mkdir -p "$PLOTS"
RESULTS="$WORK/results.md"
COMMON=(--hub-data-dir "$WORK/hub" --hub-host "$ADDRESS" --results "$RESULTS" --plots "$PLOTS")
mqtt_options() { echo --hub-pid "$HUB_PID" --mosquitto "$ADDRESS:$MOSQUITTO_PORT" --mosquitto-pid "$MOSQUITTO_PID"; }
bench() { echo; echo "\$ hub-bench $*"; java ${BENCH_JAVA_OPTS:-} -jar "$BENCH_JAR" "$@"; }

# Connect storms run with the servers on core 1 and the load generator on core 0, so the figure is the server's and
# not the client's (both share the 2 cores otherwise). -a: every thread of the server, not only its main thread.
LAST_CORE=$(( $(nproc) - 1 ))
if (( LAST_CORE < 1 )); then
    PIN_REASON="only $(nproc) core"
elif ! command -v taskset >/dev/null; then
    PIN_REASON="taskset (util-linux) is missing"
else
    PIN_REASON=""
fi
pin_servers() {
    if [[ -n "$PIN_REASON" ]]; then
        echo "Connect storms not pinned to cores: $PIN_REASON."
        return
    fi
    echo "Pinning the hub ($HUB_PID) and Mosquitto ($MOSQUITTO_PID) to core 1, hub-bench to core 0"
    for pid in $HUB_PID $MOSQUITTO_PID; do taskset -a -p -c 1 "$pid" >/dev/null || echo "WARNING: taskset could not pin $pid"; done
}
unpin_servers() {
    [[ -n "$PIN_REASON" ]] && return
    for pid in $HUB_PID $MOSQUITTO_PID; do taskset -a -p -c "0-$LAST_CORE" "$pid" >/dev/null || echo "WARNING: taskset could not unpin $pid"; done
}
bench_pinned() {
    if [[ -n "$PIN_REASON" ]]; then
        bench "$@"
    else
        echo; echo "\$ taskset -c 0 hub-bench $*"; taskset -c 0 java ${BENCH_JAVA_OPTS:-} -jar "$BENCH_JAR" "$@"
    fi
}

if [[ -n "${QUICK:-}" ]]; then
    COLD=100; WARM=(--devices 200 --warmup-devices 200); TELEMETRY=(--devices 10,100 --warmup-seconds 2 --seconds 3 --rounds 2); METHODS=(--devices 10 --warmup-seconds 2 --seconds 5); SDK=(--calls 100 --warmup-calls 20)
else
    # Connects: one cold storm (the first thing the fresh hub does, JIT compiling as it goes), then a warm one. A
    # fresh hub's CPU per connect fell over four storms of 5,000 (0.99, 0.64, 0.40, 0.30 ms; Mosquitto 0.32-0.46):
    # the cold storm's 1,000 plus 10,000 warm-up connects bring it to about the third and fourth storms, where it
    # levels off, and add well under a minute per server.
    COLD=1000; WARM=(--devices 10000 --warmup-devices 10000)
    # Telemetry warm-ups are long because both JVMs (the hub and hub-bench) start cold: the JIT needs ~10 s of load,
    # and G1 another ~30 s before its concurrent refinement threads go quiet (16 % of a fresh hub's CPU at 1,000 x 1
    # in its first 20 s of load, none after 40 s: docs/benchmarks.md). With 10 s the hub's first round at 1,000 x 1
    # was 0.74-0.99 x Mosquitto's and its second 1.04-1.14 x (four runs, 2026-12-07). Mosquitto needs none.
    # Two rounds per server, alternated (hub, Mosquitto, hub, Mosquitto), because the VM's speed drifts by ~15 %
    # within a run; 12 s each.
    TELEMETRY=(--devices 10,100,1000 --warmup-seconds 40 --seconds 12 --rounds 2); METHODS=(--devices 100 --warmup-seconds 10 --seconds 20); SDK=(--calls 1000 --warmup-calls 100)
fi
# The fleet: as many devices as one process may hold (the hard open-files limit here is 20,000 per process: the hub,
# Mosquitto and hub-bench each hold one socket per device), kept connected a minute with 30 s keep-alives, idle and
# then with some of them sending one message a second. From several source addresses, so ports never run short.
# In the idle run each server first connects and drops a tenth as many (FLEET_WARMUP), so its connect figures are of a
# warm JVM, as in use; the mixed run is on fresh servers, cold.
FLEET_DEVICES=${FLEET_DEVICES:-$([[ -n "${QUICK:-}" ]] && echo 1000 || echo 19000)}
FLEET_SENDERS=${FLEET_SENDERS:-$((FLEET_DEVICES * 2 / 19))}
FLEET_SOURCES=${FLEET_SOURCES:-127.0.23.10,127.0.23.11,127.0.23.12,127.0.23.13}
FLEET_HOLD=${FLEET_HOLD:-$([[ -n "${QUICK:-}" ]] && echo 10 || echo 60)}
FLEET_WARMUP=${FLEET_WARMUP:-$((FLEET_DEVICES / 10))}
FLEET=(--devices "$FLEET_DEVICES" --concurrency "${FLEET_CONCURRENCY:-50}" --timeout-seconds 900 --hold-seconds "$FLEET_HOLD"
       --keep-alive-seconds 30 --source-addresses "$FLEET_SOURCES")
for scenario in $SCENARIOS; do
    case $scenario in
        connect) pin_servers
                 bench_pinned connect "${COMMON[@]}" $(mqtt_options) --devices "$COLD"
                 bench_pinned connect "${COMMON[@]}" $(mqtt_options) "${WARM[@]}"
                 unpin_servers ;;
        telemetry) bench telemetry "${COMMON[@]}" $(mqtt_options) "${TELEMETRY[@]}" --in-flight 1
                   bench telemetry "${COMMON[@]}" $(mqtt_options) "${TELEMETRY[@]/#10,100,1000/1000}" --in-flight 32
                   # The same load on a hub that stores nothing, as Mosquitto (persistence false) does; no plots,
                   # which show the default hub.
                   start_hub --telemetry-retention 0
                   NOPLOTS=("${COMMON[@]:0:6}")
                   bench telemetry "${NOPLOTS[@]}" $(mqtt_options) --hub-label "local-hub, retention 0" "${TELEMETRY[@]}" --in-flight 1
                   bench telemetry "${NOPLOTS[@]}" $(mqtt_options) --hub-label "local-hub, retention 0" "${TELEMETRY[@]/#10,100,1000/1000}" --in-flight 32
                   start_hub ;;
        methods) for callers in 32 64; do bench methods "${COMMON[@]}" --hub-pid "$HUB_PID" "${METHODS[@]}" --callers "$callers"; done ;;
        sdk-roundtrip) bench sdk-roundtrip "${COMMON[@]}" "${SDK[@]}" ;;
        fleet) echo "Load average before the fleet: $(cut -d' ' -f1-3 /proc/loadavg)"
               bench connect "${COMMON[@]:0:6}" $(mqtt_options) "${FLEET[@]}" --warmup-devices "$FLEET_WARMUP" \
                   --histogram benchmarks/target/fleet-histogram.txt
               echo "Load average: $(cut -d' ' -f1-3 /proc/loadavg)"
               start_hub; start_mosquitto
               bench connect "${COMMON[@]:0:6}" $(mqtt_options) "${FLEET[@]}" --senders "$FLEET_SENDERS"
               echo "Load average after the fleet: $(cut -d' ' -f1-3 /proc/loadavg)" ;;
        *) echo "unknown scenario $scenario"; exit 2 ;;
    esac
done

echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GB RAM; $(java -version 2>&1 | head -1)"
echo
echo "| scenario | server | load | rate | latency p50 / p99 / p99.9 | memory | local hub / Mosquitto |"
echo "|---|---|---|---|---|---|---|"
cat "$RESULTS"
cp "$RESULTS" benchmarks/target/results.md 2>/dev/null || true
