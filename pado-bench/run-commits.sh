#!/usr/bin/env bash
# pado at two or more commits, in turns: every pado scenario of the matrix (echo on both dispatches and with
# compression, handshakes, broadcast, memory per idle connection) run against a fresh server of each commit in turn,
# scenario by scenario, ROUNDS times (default 3), the order reversed every other time so that no commit always goes
# first. Prints each run, then the median per commit and scenario and each commit's ratio to the first
# (commits-table.py); writes runs.tsv, machine.txt and medians.md to pado-bench/target/commits/, or to DIR; --record:
# to a stamped folder docs/results/commits/<date>-<commit>/ (scripts/results.py), whose table tables.py makes.
#   pado-bench/run-commits.sh [--quick] [--rounds N] [--seconds S] [--out DIR | --record] BASE COMMIT [COMMIT...]
#   pado-bench/run-commits.sh 3027916 HEAD
# Each commit's benchmarks.jar is built in a worktree under pado-bench/target/commits/. The load generators are this
# checkout's (the C one when a compiler is there), so both commits meet the same load. Same pinning and JVM flags as
# run-load.sh: server on CPU 0, generator on CPU 1. Loopback only; every run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
java_bin="$(bin/java21)"
source pado-bench/bench-lib.sh
seconds=10; warmup=5; hs_warmup=$handshake_warmup_seconds; broadcasts=1000; idle_connections=10000
rounds=3 work=pado-bench/target/commits out_dir= record=false
all_args=("$@")
while [[ "${1:-}" == --* ]]; do
    case "$1" in
        --quick) seconds=3; warmup=2; hs_warmup=2; broadcasts=100; idle_connections=1000; shift ;;
        --rounds) rounds=$2; shift 2 ;;
        --seconds) seconds=$2; warmup=$(( ($2 + 1) / 2 )); shift 2 ;;
        --out) out_dir=$2; shift 2 ;;
        --record) record=true; shift ;;
        *) sed -n '8,9p' "$0" >&2; exit 2 ;;
    esac
done
[[ $# -ge 2 ]] || { sed -n '8,9p' "$0" >&2; exit 2; }
commits=()
for c in "$@"; do commits+=("$(git rev-parse --short "$c")"); done
out_dir=${out_dir:-$work}
mkdir -p "$work" "$out_dir"
ulimit -n 65536 2>/dev/null || true

declare -A jars
for c in "${commits[@]}"; do jars[$c]=$(commit_jar "$work" "$c"); done
this_jar=pado-bench/target/benchmarks.jar
[[ -f "$this_jar" ]] || this_jar=${jars[${commits[-1]}]} # the generators' jar
c_generator=false
if build_c_generator; then c_generator=true; fi
if $record; then # stamped after the builds, so that its wall time is the runs'
    out_dir=$(scripts/results.py new commits pado-bench/run-commits.sh "${all_args[@]}")
fi
echo "commits ${commits[*]}; $rounds rounds of $seconds s runs; generator: $($c_generator && echo C || echo Java);" \
    "$(nproc) CPUs; $("$java_bin" -XshowSettings:properties -version 2>&1 | grep -m1 'java.runtime.version' | xargs);" \
    "$(date -u +%FT%TZ); load before $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out_dir/machine.txt"

# echo_load PORT DEFLATE CONNS INFLIGHT PAYLOAD: "messages/s p50 p99 p999 generator_cpu"
echo_load() {
    if [[ "$2" == false ]] && $c_generator; then
        taskset -c 1 pado-bench/target/loadgen "$1" "$3" "$4" "$5" "$seconds" "$warmup" | tail -1
    else
        taskset -c 1 "$java_bin" "${jvm[@]}" -Dpado.load.deflate="$2" -cp "$this_jar" \
            io.pado.bench.load.LoadGenerator "$1" "$3" "$4" "$5" "$seconds" "$warmup" | tail -1
    fi
}

out=$out_dir/runs.tsv
: > "$out"
record() { # ROUND COMMIT SCENARIO VALUE SERVER_CPU
    printf '%s\t%s\t%s\t%s\t%s\n' "$@" | tee -a "$out"
}
port=9470

# The units of one round: an echo scenario ("SERVER CONNS INFLIGHT PAYLOAD"), the handshake and broadcast runs
# ("handshakes"), memory per idle connection ("idle"). Each unit runs against every commit in turn before the next
# unit starts, so that the runs compared stand seconds apart, not minutes: a machine that slows down for a while
# then slows both.
units=("${commit_units[@]}" idle)
[[ "$seconds" == 3 ]] && units=("pado 100 4 512" handshakes "pado-vt 100 4 512" "pado-deflate 100 4 512" idle)

# run_unit ROUND COMMIT JAR UNIT: one unit against a fresh server of COMMIT
run_unit() {
    local round=$1 commit=$2 jar=$3 unit=$4 server conns inflight payload log ticks started rate deflate=false
    if [[ "$unit" == idle ]]; then
        # KiB of live heap, then RSS, per idle connection, in child JVMs of the commit's own jar
        "$java_bin" -cp "$jar" io.pado.bench.load.IdleMemoryPeers "$idle_connections" pado 2>/dev/null \
            | grep '^| pado |' | awk -F'|' '{ gsub(/ |KiB/, "", $4); gsub(/ |KiB/, "", $5); print $4, $5 }' | {
                read -r heap rss || true
                record "$round" "$commit" "pado idle heap KiB/conn (lower is better)" "${heap:--}" "-"
                record "$round" "$commit" "pado idle RSS KiB/conn (lower is better)" "${rss:--}" "-"
            }
        return
    fi
    log=$(mktemp)
    if [[ "$unit" == handshakes ]]; then server=pado; else read -r server conns inflight payload <<< "$unit"; fi
    start_commit_server "$server" "$port" "$log"
    if [[ "$unit" == handshakes ]]; then
        handshake_load "$port" "$hs_warmup" 0 > /dev/null
        ticks=$(cpu_ticks "$server_pid"); started=$(date +%s%N)
        read -r rate _ <<< "$(handshake_load "$port" "$seconds" 0 | tail -1)"
        record "$round" "$commit" "pado handshakes" "$rate" "$(server_cpu_since "$ticks" "$started" "$server_pid")"
        ticks=$(cpu_ticks "$server_pid"); started=$(date +%s%N) # broadcast on the server the handshakes warmed
        rate=$(taskset -c 1 "$java_bin" "${jvm[@]}" -cp "$this_jar" io.pado.bench.load.BroadcastLoad \
            "$port" 1000 "$broadcasts" 64 | tail -1)
        record "$round" "$commit" "pado broadcast 1000 x 64 B" "$rate" \
            "$(server_cpu_since "$ticks" "$started" "$server_pid")"
    else
        [[ "$server" == pado-deflate ]] && deflate=true
        ticks=$(cpu_ticks "$server_pid"); started=$(date +%s%N)
        read -r rate _ <<< "$(echo_load "$port" "$deflate" "$conns" "$inflight" "$payload")"
        record "$round" "$commit" "$server echo $conns x $inflight x $payload" "$rate" \
            "$(server_cpu_since "$ticks" "$started" "$server_pid")"
    fi
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
    rm -f "$log"
    port=$((port + 1))
}

# start_commit_server SERVER PORT LOG, with $jar: like bench-lib's start_server, from another jar
start_commit_server() {
    taskset -c 0 "$java_bin" "${jvm[@]}" -cp "$jar" io.pado.bench.load.EchoServers "$1" "$2" > "$3" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do grep -q '^ready' "$3" && break; sleep 0.1; done
}

reversed=(); for c in "${commits[@]}"; do reversed=("$c" "${reversed[@]}"); done
for round in $(seq "$rounds"); do
    for i in "${!units[@]}"; do
        order=("${commits[@]}")
        (( (round + i) % 2 == 0 )) && order=("${reversed[@]}") # no commit always goes first
        for commit in "${order[@]}"; do run_unit "$round" "$commit" "${jars[$commit]}" "${units[$i]}"; done
    done
done

finish_commits_run "$out" "$out_dir" "$record"
