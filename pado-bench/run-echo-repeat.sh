#!/usr/bin/env bash
# One echo scenario of the matrix, repeated in turns so that every server meets the same noise: each round starts
# every server afresh, warms it with the scenario itself, then measures it. Prints each run, then the median per
# server, and writes pado-bench/target/echo-repeat.tsv. Same pinning, JVM flags and generators as run-load.sh.
#   pado-bench/run-echo-repeat.sh [--deflate] CONNECTIONS IN_FLIGHT PAYLOAD [ROUNDS] [SERVER...]
#   pado-bench/run-echo-repeat.sh 1000 1 512 3 pado netty vertx
#   pado-bench/run-echo-repeat.sh --deflate 100 4 16384 3 pado-deflate pado-deflate-context netty-deflate jetty
#   pado-bench/run-echo-repeat.sh --broadcast 1000 1000 64 3 pado netty uws
# --deflate: the client offers permessage-deflate (the Java generator; the C one does not compress).
# --broadcast CONNECTIONS MESSAGES PAYLOAD: instead of echo, BroadcastLoad's deliveries per second (one warm-up
# broadcast of the same size first). Default servers: pado netty vertx; "uws" once pado-bench/build-uws.sh built it.
# Build first: mvn -B -ntp -q package -DskipTests. Loopback only; about 30 s per run.
set -euo pipefail
cd "$(dirname "$0")/.."
java_bin="$(bin/java21)"
jar=pado-bench/target/benchmarks.jar
source pado-bench/bench-lib.sh
[[ -f "$jar" ]] || { echo "run-echo-repeat: build first: mvn -B -ntp -q package -DskipTests" >&2; exit 2; }
deflate=false broadcast=false
if [[ "${1:-}" == --deflate ]]; then deflate=true; shift; fi
if [[ "${1:-}" == --broadcast ]]; then broadcast=true; shift; fi
[[ $# -ge 3 ]] || { sed -n '5,7p' "$0" >&2; exit 2; }
conns=$1 inflight=$2 payload=$3; shift 3
rounds=${1:-3}; shift || true
servers=("$@")
[[ ${#servers[@]} -gt 0 ]] || servers=(pado netty vertx)
seconds=8 warmup=5
c_generator=false
if ! $deflate && build_c_generator; then
    c_generator=true
fi

# load PORT: one warm-up-then-measure run of the scenario; prints "messages/s p50 p99 p999 generator_cpu"
# (broadcast: "deliveries/s")
load() {
    if $broadcast; then
        taskset -c 1 "$java_bin" "${jvm[@]}" -cp "$jar" io.pado.bench.load.BroadcastLoad "$1" "$conns" "$inflight" \
            "$payload" > /dev/null
        taskset -c 1 "$java_bin" "${jvm[@]}" -cp "$jar" io.pado.bench.load.BroadcastLoad "$1" "$conns" "$inflight" \
            "$payload" | tail -1
    elif $c_generator; then
        taskset -c 1 pado-bench/target/loadgen "$1" "$conns" "$inflight" "$payload" "$seconds" "$warmup" | tail -1
    else
        taskset -c 1 "$java_bin" "${jvm[@]}" -Dpado.load.deflate="$deflate" -cp "$jar" \
            io.pado.bench.load.LoadGenerator "$1" "$conns" "$inflight" "$payload" "$seconds" "$warmup" | tail -1
    fi
}

out=pado-bench/target/echo-repeat.tsv
: > "$out"
port=9270
for round in $(seq "$rounds"); do
    for server in "${servers[@]}"; do
        log=$(mktemp)
        start_server "$server" "$port" "$log"
        ticks_before=$(cpu_ticks "$server_pid"); started=$(date +%s%N)
        result=$(load "$port")
        # The server's CPU over the run (warm-up included), in % of one core
        server_cpu=$(server_cpu_since "$ticks_before" "$started" "$server_pid")
        alloc=$(alloc_per_message "$log" 0) # pado's servers print what they allocate per message; others: "-"
        kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
        rm -f "$log"
        read -r rate _ _ _ gen_cpu <<< "$result"
        gen_cpu=${gen_cpu:--} # BroadcastLoad prints the rate alone
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$server" "$rate" "$server_cpu" "$gen_cpu" "$alloc" | tee -a "$out"
        port=$((port + 1))
    done
done
if $broadcast; then scenario="broadcast: $conns connections x $inflight messages x $payload B"
elif $deflate; then scenario="$conns x $inflight x $payload B, deflate"
else scenario="$conns x $inflight x $payload B"; fi
python3 - "$out" "$scenario" <<'EOF'
import statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
print()
broadcast = sys.argv[2].startswith("broadcast")
print(f"{'' if broadcast else 'Echo '}{sys.argv[2]}, runs in turns:")
print()
print(f"| server | {'deliveries' if broadcast else 'messages'}/s (median) | runs | server CPU % (median) |"
      " generator CPU % (median) | server alloc B/msg (median) |")
print("|---|---:|---|---:|---:|---:|")
for server in dict.fromkeys(r[1] for r in rows):
    mine = [r for r in rows if r[1] == server]
    def med(i):
        values = [float(r[i]) for r in mine if r[i] != "-"]
        return f"{statistics.median(values):.0f}" if values else "-"
    runs = " · ".join(f"{float(r[2]):,.0f}" for r in mine)
    alloc = [float(r[5]) for r in mine if len(r) > 5 and r[5] != "-"]
    alloc_median = f"{statistics.median(alloc):.1f}" if alloc else "-"
    print(f"| {server} | {float(med(2)):,.0f} | {runs} | {med(3)} | {med(4)} | {alloc_median} |")
EOF
