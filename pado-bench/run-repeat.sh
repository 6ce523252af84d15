#!/usr/bin/env bash
# The two scenarios that swing most between runs on a shared VM, repeated in turns so that every server meets the
# same noise: handshake + close cycles per second (64 at once), and latency at a fixed 20,000 messages/s (100
# connections, 512 B). Each round starts every server afresh, warms it with 5 s of echo, then runs both. Prints each
# run, then the median per server (with the server's CPU time and heap allocation per handshake + close cycle), and
# writes pado-bench/target/repeat.tsv.
#   pado-bench/run-repeat.sh [ROUNDS] [SERVER...]     # default: 3 rounds of pado pado-vt netty vertx java-websocket
# Build first: mvn -B -ntp -q package -DskipTests. Same pinning and JVM flags as run-load.sh; loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
java_bin="$(bin/java21)"
jar=pado-bench/target/benchmarks.jar
source pado-bench/bench-lib.sh
[[ -f "$jar" ]] || { echo "run-repeat: build first: mvn -B -ntp -q package -DskipTests" >&2; exit 2; }
rounds=${1:-3}; shift || true
servers=("$@")
[[ ${#servers[@]} -gt 0 ]] || servers=(pado pado-vt netty vertx java-websocket)
c_generator=false
if build_c_generator; then
    c_generator=true
fi

# echo PORT CONNECTIONS IN_FLIGHT PAYLOAD SECONDS WARMUP RATE: one load run (RATE 0: closed loop)
echo_load() {
    if $c_generator; then
        taskset -c 1 pado-bench/target/loadgen "$@"
    else
        taskset -c 1 "$java_bin" "${jvm[@]}" -Dpado.load.rate="$7" -cp "$jar" io.pado.bench.load.LoadGenerator \
            "${@:1:6}"
    fi
}
out=pado-bench/target/repeat.tsv
: > "$out"
port=9170
for round in $(seq "$rounds"); do
    for server in "${servers[@]}"; do
        log=$(mktemp)
        start_server "$server" "$port" "$log"
        # Warm-up: the echo path's JIT, as in run-load.sh where these scenarios follow the echo runs
        echo_load "$port" 100 4 512 5 0 0 > /dev/null
        # As in run-load.sh: a handshake warm-up run of its own, then the measured run, with the server's CPU
        # taken over the measured run alone
        handshake_load "$port" "$handshake_warmup_seconds" 0 > /dev/null
        ticks_before=$(cpu_ticks "$server_pid"); started=$(date +%s%N)
        cycles=$(handshake_load "$port" 10 0 | tail -1)
        hs_cpu=$(server_cpu_since "$ticks_before" "$started" "$server_pid")
        hs_alloc=$(grep '^alloc-open' "$log" | awk '{ print $2 }' | sort -n \
            | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "nan" }')
        latency=$(echo_load "$port" 100 1 512 10 5 20000 | tail -1)
        kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
        rm -f "$log"
        read -r hs hs_gen <<< "$cycles"
        read -r rate p50 p99 p999 _ <<< "$latency"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$server" "$hs" "$hs_gen" "$rate" "$p50" "$p99" \
            "$p999" "$hs_cpu" "$hs_alloc" | tee -a "$out"
        port=$((port + 1))
    done
done
python3 - "$out" <<'EOF'
import statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
print()
print("| server | handshakes/s (median) | server CPU µs/cycle | alloc B/cycle | p50 µs | p99 µs | p99.9 µs "
      "| p99 runs | p99.9 runs |")
print("|---|---:|---:|---:|---:|---:|---:|---|---|")
for server in dict.fromkeys(r[1] for r in rows):
    mine = [r for r in rows if r[1] == server]
    med = lambda i: statistics.median(float(r[i]) for r in mine)
    runs = lambda i: " · ".join(f"{float(r[i]):,.0f}" for r in mine)
    # server CPU % over the run x 10^4 / cycles per second = µs of server CPU per cycle
    cpu_us = statistics.median(float(r[8]) * 1e4 / float(r[2]) for r in mine)
    print(f"| {server} | {med(2):,.0f} | {cpu_us:,.1f} | {med(9):,.0f} | {med(5):,.0f} | {med(6):,.0f} | {med(7):,.0f} "
          f"| {runs(6)} | {runs(7)} |")
EOF
