#!/usr/bin/env bash
# pado at two commits, in turns: every pado scenario of the matrix (echo on both dispatches and with compression,
# handshakes, fixed-rate latency, broadcast, memory per idle connection) run against the server of one commit, then
# the other, ROUNDS times, the order swapped every round so that neither always goes first. Prints each run, then the
# median per commit and scenario and NEW/OLD; writes pado-bench/target/commits/runs.tsv and medians.md.
#   pado-bench/run-commits.sh [--quick] OLD NEW [ROUNDS]
#   pado-bench/run-commits.sh 3027916 HEAD 3
# Each commit's benchmarks.jar is built in a worktree under pado-bench/target/commits/. The load generators are this
# checkout's (the C one when a compiler is there), so both commits meet the same load. Same pinning and JVM flags as
# run-load.sh: server on CPU 0, generator on CPU 1. Loopback only; every run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
java_bin="$(bin/java21)"
source pado-bench/bench-lib.sh
seconds=10; warmup=5; hs_warmup=$handshake_warmup_seconds; broadcasts=1000; idle_connections=10000
if [[ "${1:-}" == --quick ]]; then
    seconds=3; warmup=2; hs_warmup=2; broadcasts=100; idle_connections=1000; shift
fi
[[ $# -ge 2 ]] || { sed -n '5,6p' "$0" >&2; exit 2; }
old=$(git rev-parse --short "$1") new=$(git rev-parse --short "$2") rounds=${3:-3}
work=pado-bench/target/commits
mkdir -p "$work"
ulimit -n 65536 2>/dev/null || true

# jar_of COMMIT: builds (once) and prints the path of COMMIT's benchmarks jar.
jar_of() {
    local tree="$work/$1"
    if [[ ! -f "$tree/pado-bench/target/benchmarks.jar" ]]; then
        [[ -d "$tree" ]] || git worktree add --detach "$tree" "$1" > /dev/null 2>&1
        local maven=mvn
        [[ -x "$tree/scripts/mvn" ]] && maven=scripts/mvn # relative to the tree, where it runs
        (cd "$tree" && "$maven" -B -ntp -q -o package -DskipTests -Dfuzz.skip -pl pado-bench -am > build.log 2>&1) \
            || { echo "run-commits: building $1 failed, see $tree/build.log" >&2; exit 1; }
    fi
    echo "$root/$tree/pado-bench/target/benchmarks.jar"
}
old_jar=$(jar_of "$old")
new_jar=$(jar_of "$new")
this_jar=pado-bench/target/benchmarks.jar
[[ -f "$this_jar" ]] || this_jar=$new_jar # the generators' jar
c_generator=false
if build_c_generator; then c_generator=true; fi
echo "old $old, new $new, $rounds rounds; generator: $($c_generator && echo C || echo Java); load $(cut -d' ' -f1-3 /proc/loadavg)"

# echo_load PORT DEFLATE CONNS INFLIGHT PAYLOAD: "messages/s p50 p99 p999 generator_cpu"
echo_load() {
    if [[ "$2" == false ]] && $c_generator; then
        taskset -c 1 pado-bench/target/loadgen "$1" "$3" "$4" "$5" "$seconds" "$warmup" | tail -1
    else
        taskset -c 1 "$java_bin" "${jvm[@]}" -Dpado.load.deflate="$2" -cp "$this_jar" \
            io.pado.bench.load.LoadGenerator "$1" "$3" "$4" "$5" "$seconds" "$warmup" | tail -1
    fi
}

out=$work/runs.tsv
: > "$out"
record() { # ROUND COMMIT SCENARIO VALUE SERVER_CPU
    printf '%s\t%s\t%s\t%s\t%s\n' "$@" | tee -a "$out"
}
port=9470

# one_round ROUND COMMIT JAR: every scenario against COMMIT's servers
one_round() {
    local round=$1 commit=$2 jar=$3 server log ticks started result rate
    for server in pado pado-vt pado-deflate; do
        log=$(mktemp)
        start_commit_server "$server" "$port" "$log"
        local deflate=false scenarios=("100 4 16" "100 4 512" "100 4 16384" "1000 1 512")
        if [[ "$server" == pado-deflate ]]; then deflate=true; scenarios=("100 4 512" "100 4 16384"); fi
        [[ "$seconds" == 3 ]] && scenarios=("100 4 512")
        for scenario in "${scenarios[@]}"; do
            read -r conns inflight payload <<< "$scenario"
            ticks=$(cpu_ticks "$server_pid"); started=$(date +%s%N)
            result=$(echo_load "$port" "$deflate" "$conns" "$inflight" "$payload")
            read -r rate _ <<< "$result"
            record "$round" "$commit" "$server echo $conns x $inflight x $payload" "$rate" \
                "$(server_cpu_since "$ticks" "$started" "$server_pid")"
        done
        if [[ "$server" == pado ]]; then
            handshake_load "$port" "$hs_warmup" 0 > /dev/null
            ticks=$(cpu_ticks "$server_pid"); started=$(date +%s%N)
            read -r rate _ <<< "$(handshake_load "$port" "$seconds" 0 | tail -1)"
            record "$round" "$commit" "pado handshakes" "$rate" "$(server_cpu_since "$ticks" "$started" "$server_pid")"
            ticks=$(cpu_ticks "$server_pid"); started=$(date +%s%N)
            rate=$(taskset -c 1 "$java_bin" "${jvm[@]}" -cp "$this_jar" io.pado.bench.load.BroadcastLoad \
                "$port" 1000 "$broadcasts" 64 | tail -1)
            record "$round" "$commit" "pado broadcast 1000 x 64 B" "$rate" \
                "$(server_cpu_since "$ticks" "$started" "$server_pid")"
        fi
        kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
        rm -f "$log"
        port=$((port + 1))
    done
    # Memory per idle connection (KiB of live heap, then RSS), in child JVMs of the commit's own jar
    "$java_bin" -cp "$jar" io.pado.bench.load.IdleMemoryPeers "$idle_connections" pado 2>/dev/null | grep '^| pado |' \
        | awk -F'|' '{ gsub(/ |KiB/, "", $4); gsub(/ |KiB/, "", $5); print $4, $5 }' | {
            read -r heap rss || true
            record "$round" "$commit" "pado idle heap KiB/conn (lower is better)" "${heap:--}" "-"
            record "$round" "$commit" "pado idle RSS KiB/conn (lower is better)" "${rss:--}" "-"
        }
}

# start_commit_server SERVER PORT LOG, with $jar: like bench-lib's start_server, from another jar
start_commit_server() {
    taskset -c 0 "$java_bin" "${jvm[@]}" -cp "$jar" io.pado.bench.load.EchoServers "$1" "$2" > "$3" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do grep -q '^ready' "$3" && break; sleep 0.1; done
}

for round in $(seq "$rounds"); do
    if (( round % 2 )); then order=("$old" "$new"); else order=("$new" "$old"); fi
    for commit in "${order[@]}"; do
        if [[ "$commit" == "$old" ]]; then one_round "$round" "$commit" "$old_jar"; else one_round "$round" "$commit" "$new_jar"; fi
    done
done

python3 - "$out" "$old" "$new" > "$work/medians.md" <<'EOF'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
old, new = sys.argv[2], sys.argv[3]
values = {}
for _, commit, scenario, value, _ in rows:
    try:
        values.setdefault((scenario, commit), []).append(float(value))
    except ValueError:
        pass
scenarios = list(dict.fromkeys(r[2] for r in rows))
print(f"| scenario | {old} (median) | {new} (median) | {new}/{old} | runs |")
print("|---|---:|---:|---:|---:|")
for s in scenarios:
    a, b = values.get((s, old), []), values.get((s, new), [])
    if not a or not b:
        continue
    ma, mb = statistics.median(a), statistics.median(b)
    ratio = mb / ma if ma else float("nan")
    # Lower is better for memory: a regression is a ratio above 1.05 there, below 0.95 elsewhere
    worse = ratio > 1.05 if "lower is better" in s else ratio < 0.95
    print(f"| {s} | {ma:,.1f} | {mb:,.1f} | {ratio:.3f}{' ⚠' if worse else ''} | {len(a)}+{len(b)} |")
EOF
echo
cat "$work/medians.md"
