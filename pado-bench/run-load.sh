#!/usr/bin/env bash
# Echo load runs: the same echo server written with pado and its peers, one at a time, server pinned to CPU 0 and
# the load generator to CPU 1, identical JVM flags. Prints a Markdown table and writes target/load.tsv.
#   pado-bench/run-load.sh [--quick]
# Build first: mvn -B -ntp -q package -DskipTests. Loopback only; every run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
java_bin="$(bin/java21)"
jar=pado-bench/target/benchmarks.jar
[[ -f "$jar" ]] || { echo "run-load: build first: mvn -B -ntp -q package -DskipTests" >&2; exit 2; }
jvm=(-Xms1g -Xmx1g -XX:+UseParallelGC)
seconds=10; warmup=5
plain_servers=(pado pado-vt netty jetty)
plain_scenarios=("100 4 16" "100 4 512" "100 4 16384" "1000 1 512")
deflate_servers=(pado-deflate pado-deflate-context netty-deflate jetty)
deflate_scenarios=("100 4 512" "100 4 16384")
if [[ "${1:-}" == "--quick" ]]; then
    seconds=3; warmup=2; plain_scenarios=("100 4 512"); deflate_scenarios=("100 4 512")
fi
port=9070
out=pado-bench/target/load.tsv
mkdir -p pado-bench/target
: > "$out"
echo "| server | compression | connections | in flight | payload | messages/s | p50 µs | p99 µs | p99.9 µs |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"

# run SERVER DEFLATE(true|false) SCENARIO...
run() {
    local server=$1 deflate=$2; shift 2
    local log
    log=$(mktemp)
    taskset -c 0 "$java_bin" "${jvm[@]}" -cp "$jar" io.pado.bench.load.EchoServers "$server" "$port" > "$log" 2>&1 &
    local pid=$!
    for _ in $(seq 100); do grep -q '^ready' "$log" && break; sleep 0.1; done # wait for the port, 10 s at most
    for scenario in "$@"; do
        read -r conns inflight payload <<< "$scenario"
        result=$(taskset -c 1 "$java_bin" "${jvm[@]}" -Dpado.load.deflate="$deflate" -cp "$jar" \
            io.pado.bench.load.LoadGenerator "$port" "$conns" "$inflight" "$payload" "$seconds" "$warmup" | tail -1)
        read -r rate p50 p99 p999 <<< "$result"
        if [[ "$deflate" == true ]]; then p50=-; p99=-; p999=-; fi
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$server" "$deflate" "$conns" "$inflight" "$payload" \
            "$rate" "$p50" "$p99" "$p999" >> "$out"
        echo "| $server | $deflate | $conns | $inflight | $payload | $rate | $p50 | $p99 | $p999 |"
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rm -f "$log"
    port=$((port + 1))
}

for server in "${plain_servers[@]}"; do run "$server" false "${plain_scenarios[@]}"; done
for server in "${deflate_servers[@]}"; do run "$server" true "${deflate_scenarios[@]}"; done
