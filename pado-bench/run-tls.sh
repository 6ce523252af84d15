#!/usr/bin/env bash
# The wss:// rows of the matrix: the echo servers of EchoServers over TLS (pado with both dispatches, Netty with the
# JDK's SSLEngine and, where netty-tcnative loads, with BoringSSL, Jetty, Vert.x), driven by the C load generator
# built against OpenSSL (loadgen.c with -DPADO_TLS): echo of 512 B and 16 KiB, TLS 1.3 handshake + WebSocket upgrade +
# close cycles without and with session resumption, then the heap of an idle wss:// connection on each server
# (IdleMemoryPeers) and of the JDK's SSLEngine alone (SslEngineMemory). Pinning and JVM flags are run-load.sh's.
#   pado-bench/run-tls.sh [--quick]
# Writes target/tls.tsv, target/tls-memory.md and target/tls-engine.txt; prints Markdown. Build first (run-all.sh
# does): mvn -B -ntp -q -pl pado-bench -am package -DskipTests. Needs cc and OpenSSL's headers (Debian: libssl-dev).
# The certificate is made here by keytool: EC P-256, self-signed, under pado-bench/target/tls/. Loopback only; every
# run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
java_bin="$(bin/java21)"
jar=pado-bench/target/benchmarks.jar
[[ -f "$jar" ]] || { echo "run-tls: build first: mvn -B -ntp -q -pl pado-bench -am package -DskipTests" >&2; exit 2; }
source pado-bench/bench-lib.sh
seconds=10; warmup=5; hs_warmup=$handshake_warmup_seconds; memory_connections=5000
servers=(pado-tls pado-vt-tls netty-tls netty-openssl-tls jetty-tls vertx-tls)
scenarios=("100 4 512" "100 4 16384")
if [[ "${1:-}" == "--quick" ]]; then
    seconds=3; warmup=2; hs_warmup=2; memory_connections=500
fi
port=9170
out=pado-bench/target/tls.tsv
mkdir -p pado-bench/target/tls
store=pado-bench/target/tls/bench.p12
if [[ ! -f "$store" ]]; then
    "$(dirname "$java_bin")/keytool" -genkeypair -alias bench -keyalg EC -groupname secp256r1 -validity 30 \
        -dname CN=localhost -ext SAN=dns:localhost,ip:127.0.0.1 -storetype PKCS12 -keystore "$store" \
        -storepass changeit -keypass changeit > /dev/null
fi
jvm+=(-Dpado.tls.keystore="$store")
loadgen=pado-bench/target/loadgen-tls
cc -O2 -DPADO_TLS -o "$loadgen" pado-bench/src/main/c/loadgen.c -lssl -lcrypto \
    || { echo "run-tls: the TLS load generator needs cc and OpenSSL's headers (libssl-dev)" >&2; exit 2; }
echo "# $(date -u '+%Y-%m-%d %H:%M UTC') commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
    "run-tls.sh $*; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "load generator: C with $(openssl version 2>/dev/null || echo OpenSSL), TLS 1.3, certificate not checked"
echo
: > "$out"
echo "| server | payload | messages/s | p50 µs | p99 µs | p99.9 µs | server CPU % | generator CPU % |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"

# run SERVER: echo scenarios, then handshakes without and with resumption, on one server process.
run() {
    local server=$1 log
    log=$(mktemp)
    start_server "$server" "$port" "$log"
    if ! grep -q '^ready' "$log"; then
        # netty-openssl-tls when netty-tcnative does not load here: say why and go on
        echo "| $server | did not start: $(grep -m1 -o 'netty-tcnative does not load.*' "$log" || tail -1 "$log") |"
        kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true
        rm -f "$log"; port=$((port + 1)); return
    fi
    for scenario in "${scenarios[@]}"; do
        read -r conns inflight payload <<< "$scenario"
        local ticks started result
        ticks=$(cpu_ticks "$server_pid"); started=$(date +%s%N)
        result=$(taskset -c 1 "$loadgen" --tls "$port" "$conns" "$inflight" "$payload" "$seconds" "$warmup" | tail -1)
        read -r rate p50 p99 p999 gen_cpu <<< "$result"
        server_cpu=$(server_cpu_since "$ticks" "$started" "$server_pid")
        printf '%s\techo\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$server" "$conns" "$inflight" "$payload" "$rate" \
            "$p50" "$p99" "$p999" "$server_cpu" "$gen_cpu" >> "$out"
        echo "| $server | $payload | $rate | $p50 | $p99 | $p999 | $server_cpu | $gen_cpu |"
    done
    for mode in --tls --tls-resume; do
        # A warm-up run of its own, as run-load.sh does for handshakes, then the measured one
        taskset -c 1 "$loadgen" --handshakes "$mode" "$port" 64 "$hs_warmup" 0 > /dev/null
        local hs_ticks hs_started cycles hs_cpu
        hs_ticks=$(cpu_ticks "$server_pid"); hs_started=$(date +%s%N)
        cycles=$(taskset -c 1 "$loadgen" --handshakes "$mode" "$port" 64 "$seconds" 0 | tail -1)
        # Read once, so that tls.tsv and the printed table show the same figure
        hs_cpu=$(server_cpu_since "$hs_ticks" "$hs_started" "$server_pid")
        # cycles/s, generator CPU %, % resumed, server CPU %
        extra+=("$server ${mode#--} $cycles $hs_cpu")
        printf '%s\thandshakes%s\t%s\n' "$server" "${mode#--tls}" "$cycles $hs_cpu" >> "$out"
    done
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
    rm -f "$log"
    port=$((port + 1))
}

extra=()
for server in "${servers[@]}"; do run "$server"; done
echo
echo "TLS 1.3 handshake + upgrade + close cycles per second (64 at once): a full handshake each time (tls), or the"
echo "latest session ticket offered (tls-resume); % resumed is the share the server accepted."
echo
echo "| server | mode | cycles/s | generator CPU % | % resumed | server CPU % |"
echo "|---|---|---:|---:|---:|---:|"
for row in "${extra[@]}"; do
    read -r server mode rate gen resumed cpu <<< "$row"
    echo "| $server | $mode | $rate | $gen | $resumed | $cpu |"
done
echo
echo "Heap per idle wss:// connection ($memory_connections connections), and the JDK's SSLEngine alone:"
echo
"$java_bin" -Dpado.tls.keystore="$store" -cp "$jar" io.pado.bench.load.IdleMemoryPeers "$memory_connections" \
    pado-tls netty-tls jetty-tls vertx-tls | grep '^|' | tee pado-bench/target/tls-memory.md
echo
"$java_bin" -Xmx1g -Dpado.tls.keystore="$store" -cp "$jar" io.pado.bench.load.SslEngineMemory \
    "$memory_connections" | tee pado-bench/target/tls-engine.txt
