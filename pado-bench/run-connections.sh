#!/usr/bin/env bash
# Many concurrent connections to one server, kept alive with pings (issue 22, item 3): one EchoServers server on CPU 0
# (pado, pado-vt, netty, jetty, or their -tls forms for wss://), the C client connections.c on CPU 1.
#   pado-bench/run-connections.sh SERVER CONNECTIONS [HOLD_SECONDS [PING_SECONDS [ACTIVE [HEAP]]]]
# defaults: hold 600 s, a ping from every connection every 30 s, 1 % of the connections sending a 512-byte message
# each second, heap 4g. It reports (and appends to target/connections.tsv, with the raw client lines in
# target/connections-SERVER-CONNECTIONS.log):
#   - the time to open all connections;
#   - memory per connection: the live heap after a full GC (jcmd GC.class_histogram) and the RSS, before and after
#     opening, divided by the count; the RSS grows only by native memory (the heap is committed and touched up front);
#     and the kernel's slab (/proc/meminfo: sockets, files, epoll entries of both ends, and whatever else the
#     machine did meanwhile, so only a rough figure on a busy machine);
#   - the server's CPU over the hold, in % of one core and in µs per connection per second;
#   - ping round trips (p50, p99, p99.9, max) and the echoes of the active connections, over the hold;
#   - the connections the server closed (lost): the client pings from the first connection on, so a server's idle
#     timeout (Jetty's default is 30 s) closes none while the rest open.
# Descriptors: the server holds one per connection and so does the client, each in its own process: both need
# ulimit -n above CONNECTIONS (a hard limit only root or CAP_SYS_RESOURCE raises: /etc/security/limits.conf or
# systemd's LimitNOFILE); fs.nr_open and fs.file-max above that. Ports: the client leaves from 127.0.0.2 and up, one
# source address per 20,000 connections, so net.ipv4.ip_local_port_range (28,232 ports by default) is enough. Where
# conntrack is loaded, net.netfilter.nf_conntrack_max must exceed CONNECTIONS. Loopback only; bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 2 ]] || { sed -n '2,5p' "$0" >&2; exit 2; }
server=$1; connections=$2; hold=${3:-600}; ping=${4:-30}; active=${5:-$((connections / 100))}; heap=${6:-4g}
settle=20
java_bin="$(bin/java21)"
jar=pado-bench/target/benchmarks.jar
[[ -f "$jar" ]] || { echo "run-connections: build first: mvn -B -ntp -q -pl pado-bench -am package -DskipTests" >&2; exit 2; }
source pado-bench/bench-lib.sh
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if (( $(ulimit -n) < connections + 200 )); then
    echo "run-connections: ulimit -n is $(ulimit -n) (hard $(ulimit -Hn)): $connections connections need" \
        "$((connections + 200)) descriptors in each process; raise the hard limit first" >&2
    exit 2
fi
jvm=(-Xms"$heap" -Xmx"$heap" -XX:+AlwaysPreTouch -XX:+UseParallelGC)
client=pado-bench/target/connections
flags=()
if [[ "$server" == *-tls ]]; then
    store=pado-bench/target/tls/bench.p12
    mkdir -p pado-bench/target/tls
    [[ -f "$store" ]] || "$(dirname "$java_bin")/keytool" -genkeypair -alias bench -keyalg EC -groupname secp256r1 \
        -validity 30 -dname CN=localhost -ext SAN=dns:localhost,ip:127.0.0.1 -storetype PKCS12 -keystore "$store" \
        -storepass changeit -keypass changeit 2> /dev/null
    jvm+=(-Dpado.tls.keystore="$store")
    client=pado-bench/target/connections-tls
    cc -O2 -DPADO_TLS -o "$client" pado-bench/src/main/c/connections.c -lssl -lcrypto
    flags=(--tls)
else
    cc -O2 -o "$client" pado-bench/src/main/c/connections.c
fi
sources=$(( (connections + 19999) / 20000 ))
port=9270
raw=pado-bench/target/connections-$server-$connections.log
log=$(mktemp)
start_server "$server" "$port" "$log"
grep -q '^ready' "$log" || { echo "run-connections: $server did not start" >&2; cat "$log" >&2; exit 1; }
jcmd="$(dirname "$java_bin")/jcmd"
heap_live() { "$jcmd" "$server_pid" GC.class_histogram | awk '/^Total/ { print $3 }'; }
rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$server_pid/status"; }
slab_kib() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }
"$jcmd" "$server_pid" System.trim_native_heap > /dev/null
heap_before=$(heap_live); rss_before=$(rss_kib); slab_before=$(slab_kib)

{
    echo "# $(date -u '+%Y-%m-%d %H:%M UTC') commit $(git rev-parse --short HEAD) server $server connections" \
        "$connections hold $hold s ping every $ping s active $active heap $heap sources $sources"
    echo "# cpu $(nproc) x $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); $("$java_bin" -version 2>&1 | head -1)"
} > "$raw"
taskset -c 1 "$client" ${flags[@]+"${flags[@]}"} "$port" "$connections" "$sources" "$settle" "$hold" "$ping" \
    "$active" >> "$raw" 2>&1 &
client_pid=$!
# Wait for a line of the client's (or for it to end), at most $2 seconds
await_line() {
    local deadline=$(( $(date +%s) + $2 ))
    until grep -q "^$1" "$raw"; do
        kill -0 "$client_pid" 2>/dev/null || { echo "run-connections: the client ended:" >&2; tail -3 "$raw" >&2; \
            kill "$server_pid"; exit 1; }
        (( $(date +%s) < deadline )) || { echo "run-connections: no '$1' within $2 s" >&2; kill "$client_pid" \
            "$server_pid"; exit 1; }
        sleep 0.2 # the pace of polling a file, not a wait for an event
    done
}
await_line open 620
"$jcmd" "$server_pid" System.trim_native_heap > /dev/null
heap_open=$(heap_live); rss_open=$(rss_kib); slab_open=$(slab_kib)
await_line hold-start $((settle + 30))
ticks=$(cpu_ticks "$server_pid"); started=$(date +%s%N)
wait "$client_pid"
cpu_ticks_held=$(( $(cpu_ticks "$server_pid") - ticks )); held_ns=$(( $(date +%s%N) - started ))
cpu_percent=$(awk -v t="$cpu_ticks_held" -v hz="$(getconf CLK_TCK)" -v ns="$held_ns" \
    'BEGIN { printf "%.1f", t / hz / (ns / 1e9) * 100 }')
echo "# server heap_live_bytes $heap_before $heap_open rss_kib $rss_before $rss_open slab_kib $slab_before $slab_open" \
    "hold_cpu_percent $cpu_percent" >> "$raw"
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
rm -f "$log"

read -r _ open_n open_s < <(grep '^open' "$raw")
read -r -a h < <(grep '^hold ' "$raw")
heap_b=$(( (heap_open - heap_before) / connections ))
rss_b=$(( (rss_open - rss_before) * 1024 / connections ))
slab_b=$(( (slab_open - slab_before) * 1024 / connections ))
us_per_conn=$(awk -v p="$cpu_percent" -v n="$connections" 'BEGIN { printf "%.3f", p / 100 * 1e6 / n }')
# hold line: hold S pings N pongs N rtt_us P50 P99 P999 MAX echoes N echo_us P50 P99 server_pings N lost N
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$server" "$connections" "$open_s" "$heap_b" \
    "$rss_b" "$slab_b" "$cpu_percent" "$us_per_conn" "${h[7]}" "${h[8]}" "${h[9]}" "${h[10]}" "${h[14]}" "${h[19]}" \
    "$hold" >> pado-bench/target/connections.tsv
echo "| server | connections | open s | heap B/conn | RSS B/conn | kernel slab B/conn | hold CPU % | µs CPU/conn/s |" \
    "ping p50 µs | p99 | p99.9 | max | echo p50 µs | lost |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
echo "| $server | $connections | $open_s | $heap_b | $rss_b | $slab_b | $cpu_percent | $us_per_conn | ${h[7]} |" \
    "${h[8]} | ${h[9]} | ${h[10]} | ${h[14]} | ${h[19]} |"
