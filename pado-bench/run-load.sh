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
servers=(pado pado-vt netty jetty)
seconds=10; warmup=5
scenarios=("100 4 16" "100 4 512" "100 4 16384" "1000 1 512")
if [[ "${1:-}" == "--quick" ]]; then
    seconds=3; warmup=2; scenarios=("100 4 512")
fi
port=9070
out=pado-bench/target/load.tsv
mkdir -p pado-bench/target
: > "$out"
echo "| server | connections | in flight | payload | messages/s | p50 µs | p99 µs | p99.9 µs |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for server in "${servers[@]}"; do
    log=$(mktemp)
    taskset -c 0 "$java_bin" "${jvm[@]}" -cp "$jar" io.pado.bench.load.EchoServers "$server" "$port" > "$log" 2>&1 &
    pid=$!
    for _ in $(seq 100); do grep -q '^ready' "$log" && break; sleep 0.1; done # wait for the port, 10 s at most
    for scenario in "${scenarios[@]}"; do
        read -r conns inflight payload <<< "$scenario"
        result=$(taskset -c 1 "$java_bin" "${jvm[@]}" -cp "$jar" io.pado.bench.load.LoadGenerator \
            "$port" "$conns" "$inflight" "$payload" "$seconds" "$warmup" | tail -1)
        read -r rate p50 p99 p999 <<< "$result"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$server" "$conns" "$inflight" "$payload" "$rate" "$p50" "$p99" \
            "$p999" >> "$out"
        echo "| $server | $conns | $inflight | $payload | $rate | $p50 | $p99 | $p999 |"
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rm -f "$log"
    port=$((port + 1))
done
