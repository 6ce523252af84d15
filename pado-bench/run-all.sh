#!/usr/bin/env bash
# The whole benchmark matrix in one command: echo throughput and latency, handshakes, broadcast (run-load.sh), memory
# per idle connection beside the peers (IdleMemoryPeers), the same over wss:// (run-tls.sh), and the JMH
# micro-benchmarks (run-jmh.sh); then
# summarize.py writes results.json, results.md (ratios against the best peer) and chart.svg.
#
#   pado-bench/run-all.sh            # full: the --no-jmh run plus the full JMH run (over an hour here in all)
#   pado-bench/run-all.sh --quick    # smoke run: 6.5 minutes here on 2 cores
#   pado-bench/run-all.sh --no-jmh   # everything but JMH: about 50 minutes here, the wss:// rows included
#   pado-bench/run-all.sh --record   # any of the above, and the raw files also go to docs/results/bench/ (stamped)
#
# Results go to pado-bench/target/results/. Servers are pinned to CPU 0 and load generators to CPU 1; everything
# listens on 127.0.0.1 and every run is bounded in time. Run it on a quiet machine: nothing else should use the CPUs.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=false; jmh=true; record=false
for arg in "$@"; do
    case "$arg" in
        --quick) quick=true ;;
        --no-jmh) jmh=false ;;
        --record) record=true ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "run-all.sh: unknown option $arg" >&2; exit 2 ;;
    esac
done
results=pado-bench/target/results
rm -rf "$results"; mkdir -p "$results"

scripts/mvn -B -ntp -q -pl pado-bench -am package -DskipTests -Djacoco.skip=true
folder=""
if $record; then
    folder="$(scripts/results.py new bench pado-bench/run-all.sh "$@")"
fi
java_bin="$(bin/java21)"
ulimit -n 65536 2>/dev/null || true # 10,000 idle connections need as many descriptors on each side

quick_flag=()
memory_connections=10000
$quick && { quick_flag=(--quick); memory_connections=2000; }
{
    echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "command: pado-bench/run-all.sh $*"
    echo "commit:  $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "cpu:     $(nproc) x $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
    echo "memory:  $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "os:      $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
    echo "java:    $("$java_bin" -version 2>&1 | head -1)"
    echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15-minute load average at the start)"
} > "$results/machine.txt"
cat "$results/machine.txt"

# CPU time the hypervisor gave to others ("steal"), in % of all CPUs: on a shared VM it says how noisy a run was.
steal_ticks() {
    awk '/^cpu / { print $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat
}
read -r steal_before total_before <<< "$(steal_ticks)"
pado-bench/run-load.sh ${quick_flag[@]+"${quick_flag[@]}"} | tee "$results/load.md"
cp pado-bench/target/load.tsv "$results/load.tsv"
read -r steal_after total_after <<< "$(steal_ticks)"
echo "steal:   $(( (steal_after - steal_before) * 100 / (total_after - total_before) ))% of CPU time taken by the" \
    "hypervisor during the load runs" | tee -a "$results/machine.txt"

"$java_bin" -cp pado-bench/target/benchmarks.jar io.pado.bench.load.IdleMemoryPeers "$memory_connections" \
    pado pado-vt netty jetty vertx java-websocket pado-deflate pado-deflate-context netty-deflate jetty-deflate | grep '^|' \
    | tee "$results/memory.md"

# The wss:// rows: TLS echo, TLS 1.3 handshakes with and without resumption, idle memory per wss:// connection
# (they need OpenSSL's headers for the C generator; without them the rest of the matrix still runs)
if pado-bench/run-tls.sh ${quick_flag[@]+"${quick_flag[@]}"} | tee "$results/tls.md"; then
    cp pado-bench/target/tls.tsv pado-bench/target/tls-engine.txt "$results/"
else
    echo "run-all: the wss:// rows failed or were skipped (see above)" | tee -a "$results/tls.md"
fi

if $jmh; then
    pado-bench/run-jmh.sh ${quick_flag[@]+"${quick_flag[@]}"}
    cp pado-bench/target/jmh.json pado-bench/target/jmh.md "$results/"
fi

python3 pado-bench/summarize.py "$results"

if $record; then
    # The raw files (run-load.sh's rows, IdleMemoryPeers' table, run-tls.sh's wss:// rows, JMH's JSON, the machine)
    # and summarize.py's results.json, from which scripts/tables.py makes the tables in docs/BENCHMARKS.md
    for file in load.tsv memory.md tls.md tls.tsv tls-engine.txt jmh.json machine.txt results.json; do
        if [[ -f "$results/$file" ]]; then cp "$results/$file" "$folder/"; fi
    done
    scripts/results.py finish "$folder" 0
    echo "recorded: $folder"
fi
