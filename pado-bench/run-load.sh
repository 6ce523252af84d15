#!/usr/bin/env bash
# Echo load runs: the same echo server written with pado and its peers, one at a time, server pinned to CPU 0 and
# the load generator to CPU 1, identical JVM flags. Prints a Markdown table and writes target/load.tsv, with the CPU
# each side used: a generator near 100 % while the server is not is the bottleneck, and the table says so.
#   pado-bench/run-load.sh [--quick]
# Build first: mvn -B -ntp -q package -DskipTests. Loopback only; every run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
java_bin="$(bin/java21)"
jar=pado-bench/target/benchmarks.jar
[[ -f "$jar" ]] || { echo "run-load: build first: mvn -B -ntp -q package -DskipTests" >&2; exit 2; }
source pado-bench/bench-lib.sh
seconds=10; warmup=5; hs_warmup=$handshake_warmup_seconds; broadcasts=1000
plain_servers=(pado pado-vt netty jetty vertx java-websocket)
plain_scenarios=("100 4 16" "100 4 512" "100 4 16384" "1000 1 512")
deflate_servers=(pado-deflate pado-deflate-context netty-deflate jetty)
deflate_scenarios=("100 4 512" "100 4 16384")
if [[ "${1:-}" == "--quick" ]]; then
    seconds=3; warmup=2; hs_warmup=2; broadcasts=100; plain_scenarios=("100 4 512"); deflate_scenarios=("100 4 512")
fi
port=9070
out=pado-bench/target/load.tsv
# The C load generator (loadgen.c) for the uncompressed echo, fixed-rate and handshake runs when a C compiler is
# there: no JIT or GC of its own to add to the latencies, and less CPU per message or handshake than the Java one,
# which the compressed runs still use (they need a deflater) and which stands in when there is no compiler.
mkdir -p pado-bench/target
c_generator=false
if build_c_generator; then
    c_generator=true
fi
if $c_generator; then
    echo "load generator: C (pado-bench/target/loadgen) for uncompressed echo, fixed rate and handshakes; Java for" \
        "compressed"
else
    echo "load generator: Java (LoadGenerator, HandshakeLoad) for everything: no C compiler"
fi
echo
: > "$out"
echo "| server | compression | connections | in flight | payload | messages/s | p50 µs | p99 µs | p99.9 µs | server CPU % | generator CPU % | server alloc B/msg |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"


# run SERVER DEFLATE(true|false) SCENARIO...
run() {
    local server=$1 deflate=$2; shift 2
    local log
    log=$(mktemp)
    taskset -c 0 "$java_bin" "${jvm[@]}" -cp "$jar" io.pado.bench.load.EchoServers "$server" "$port" > "$log" 2>&1 &
    local pid=$!
    running_server=$pid
    trap 'kill "${running_server:-}" 2>/dev/null || true' EXIT # a run that fails leaves no server behind
    for _ in $(seq 100); do grep -q '^ready' "$log" && break; sleep 0.1; done # wait for the port, 10 s at most
    for scenario in "$@"; do
        read -r conns inflight payload <<< "$scenario"
        local ticks_before ticks_after started ended
        ticks_before=$(cpu_ticks "$pid"); started=$(date +%s%N); log_from=$(wc -l < "$log")
        if [[ "$deflate" == false ]] && $c_generator; then
            result=$(taskset -c 1 pado-bench/target/loadgen "$port" "$conns" "$inflight" "$payload" "$seconds" \
                "$warmup" | tail -1)
        else
            result=$(taskset -c 1 "$java_bin" "${jvm[@]}" -Dpado.load.deflate="$deflate" -cp "$jar" \
                io.pado.bench.load.LoadGenerator "$port" "$conns" "$inflight" "$payload" "$seconds" "$warmup" \
                | tail -1)
        fi
        ticks_after=$(cpu_ticks "$pid"); ended=$(date +%s%N)
        # The server's CPU over the whole run (warm-up included), in % of one core: 100 means its core was saturated.
        server_cpu=$(( (ticks_after - ticks_before) * 100 * 1000000000 / $(getconf CLK_TCK) / (ended - started) ))
        read -r rate p50 p99 p999 gen_cpu <<< "$result"
        alloc=$(alloc_per_message "$log" "$log_from")
        if [[ "$deflate" == true ]]; then p50=-; p99=-; p999=-; fi
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$server" "$deflate" "$conns" "$inflight" \
            "$payload" "$rate" "$p50" "$p99" "$p999" "$server_cpu" "$gen_cpu" "$alloc" >> "$out"
        echo "| $server | $deflate | $conns | $inflight | $payload | $rate | $p50 | $p99 | $p999 | $server_cpu | $gen_cpu | $alloc |"
    done
    if [[ "$deflate" == false ]]; then
        # The handshake warm-up is a run of its own, longer than the echo runs' (see bench-lib.sh); the server's CPU
        # is then taken over the measured run alone.
        handshake_load "$port" "$hs_warmup" 0 > /dev/null
        local hs_ticks_before hs_started hs_log_from
        hs_ticks_before=$(cpu_ticks "$pid"); hs_started=$(date +%s%N); hs_log_from=$(wc -l < "$log")
        cycles=$(handshake_load "$port" "$seconds" 0 | tail -1)
        # The server's CPU over the measured run, in % of one core, and the median heap it allocated per opened
        # connection (the probe's alloc-open lines)
        cycles="$cycles $(server_cpu_since "$hs_ticks_before" "$hs_started" "$pid")"
        cycles="$cycles $(tail -n +"$((hs_log_from + 1))" "$log" | awk '/^alloc-open / { print $2 }' | sort -n \
            | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "-" }')"
        if $c_generator; then
            latency=$(taskset -c 1 pado-bench/target/loadgen "$port" 100 1 512 "$seconds" "$warmup" 20000 | tail -1)
        else
            latency=$(taskset -c 1 "$java_bin" "${jvm[@]}" -Dpado.load.rate=20000 -cp "$jar" \
                io.pado.bench.load.LoadGenerator "$port" 100 1 512 "$seconds" "$warmup" | tail -1)
        fi
        broadcast=$(taskset -c 1 "$java_bin" "${jvm[@]}" -cp "$jar" io.pado.bench.load.BroadcastLoad \
            "$port" 1000 "$broadcasts" 64 | tail -1)
        printf '%s\thandshakes\t%s\n%s\trate20k\t%s\n%s\tbroadcast\t%s\n' "$server" "$cycles" "$server" \
            "$latency" "$server" "$broadcast" >> "$out"
        extra+=("| $server | $cycles | $latency | $broadcast |")
    fi
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rm -f "$log"
    port=$((port + 1))
}

extra=()
for server in "${plain_servers[@]}"; do run "$server" false "${plain_scenarios[@]}"; done
for server in "${deflate_servers[@]}"; do run "$server" true "${deflate_scenarios[@]}"; done
echo
echo "Handshake + close cycles per second (64 at once), the generator's and the server's CPU %, the server's heap"
echo "allocation per cycle in bytes, and a fixed 20,000 messages/s over 100 connections"
echo "(512 B): achieved rate, p50, p99, p99.9 in µs; and a broadcast of $broadcasts messages of 64 B to 1,000"
echo "connections: deliveries per second."
echo
echo "| server | cycles/s | rate p50 p99 p99.9 | broadcast deliveries/s |"
echo "|---|---:|---|---:|"
printf '%s\n' "${extra[@]}"
