#!/usr/bin/env bash
# Where pado's echo allocates, if anywhere: for each scenario below, a fresh server (EchoServers, CPU 0) under the
# C generator (CPU 1; the Java one, which has a deflater, for pado-deflate), first plain and then with each JVM flag
# set of $flag_sets, the median over the measured seconds of the heap it allocated per echoed message (its allocation
# probe) to alloc.tsv; then, once more plain, a JFR recording of allocation samples taken after the generator's
# connections are open, whose heaviest sites (the recording's own allocations and the probe's set apart) go to
# sites.tsv. alloc-table.py makes alloc.md of both.
#   pado-bench/run-alloc.sh [--seconds S] [--out DIR | --record]
# Build first: mvn -B -ntp -q package -DskipTests. Loopback only; every run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
java_bin="$(bin/java21)"
jar=pado-bench/target/benchmarks.jar
[[ -f "$jar" ]] || { echo "run-alloc: build first: mvn -B -ntp -q package -DskipTests" >&2; exit 2; }
source pado-bench/bench-lib.sh
seconds=10 warmup_seconds=6 out_dir=pado-bench/target/alloc record=false
all_args=("$@")
while [[ "${1:-}" == --* ]]; do
    case "$1" in
        --seconds) seconds=$2; shift 2 ;;
        --out) out_dir=$2; shift 2 ;;
        --record) record=true; shift ;;
        *) sed -n '8p' "$0" >&2; exit 2 ;;
    esac
done
# The loop echo (small and large messages, many connections), and one echo each on virtual threads and compressed
scenarios=("pado 100 4 512" "pado 100 4 16384" "pado 1000 1 512" "pado-vt 100 4 512" "pado-deflate 100 4 512")
# -XX:AutoBoxCacheMax: Integer.valueOf returns cached objects up to this value, not only up to 127
flag_sets=("-XX:AutoBoxCacheMax=65536")
build_c_generator || { echo "run-alloc: needs a C compiler for its load generator" >&2; exit 2; }
jdk_bin=$(dirname "$java_bin")
mkdir -p "$out_dir"
if $record; then
    out_dir=$(scripts/results.py new alloc pado-bench/run-alloc.sh "${all_args[@]}")
fi
ulimit -n 65536 2>/dev/null || true
echo "alloc: $(nproc) CPUs; $(date -u +%FT%TZ); $("$java_bin" -version 2>&1 | head -1); load before" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out_dir/machine.txt"
: > "$out_dir/alloc.tsv"; : > "$out_dir/sites.tsv"
# Allocation samples as often as the JVM offers them (the default keeps a few hundred a second); no socket events,
# whose recording allocates on the paths measured
"$jdk_bin/jfr" configure --input profile "jdk.ObjectAllocationSample#throttle=20000/s" "jdk.SocketRead#enabled=false" \
    "jdk.SocketWrite#enabled=false" --output "$out_dir/allocation.jfc" > /dev/null
port=9650

# generate SERVER PORT CONNS IN_FLIGHT PAYLOAD SECONDS WARMUP: one generator run on CPU 1; prints its last line
generate() {
    if [[ "$1" == pado-deflate ]]; then
        taskset -c 1 "$java_bin" "${jvm[@]}" -Dpado.load.deflate=true -cp "$jar" io.pado.bench.load.LoadGenerator \
            "${@:2}" | tail -1
    else
        taskset -c 1 pado-bench/target/loadgen "${@:2}" | tail -1
    fi
}

stop() {
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
    port=$((port + 1))
}

for scenario in "${scenarios[@]}"; do
    read -r server conns inflight payload <<< "$scenario"
    for flags in "" "${flag_sets[@]}"; do
        log=$(mktemp)
        read -ra extra <<< "$flags"
        start_server "$server" "$port" "$log" "${extra[@]}"
        generate "$server" "$port" "$conns" "$inflight" "$payload" "$warmup_seconds" 0 > /dev/null
        from=$(wc -l < "$log")
        rate=$(generate "$server" "$port" "$conns" "$inflight" "$payload" "$seconds" 1 | cut -d' ' -f1)
        bytes=$(alloc_median "$log" "$from" 1) # the measured run's first second (connections opening) left out
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$server" "$conns" "$inflight" "$payload" "${flags:--}" "$bytes" "$rate" \
            | tee -a "$out_dir/alloc.tsv"
        stop; rm -f "$log"
    done
    # Where: small TLABs, so that samples (taken as a thread starts a new one) come often enough to show small sites
    log=$(mktemp)
    start_server "$server" "$port" "$log" -XX:TLABSize=4k -XX:-ResizeTLAB
    generate "$server" "$port" "$conns" "$inflight" "$payload" "$warmup_seconds" 0 > /dev/null
    # A run of 3 + SECONDS s, recorded from its third second on: its connections are open by then, so that the
    # recording sees the echo, not the handshakes
    generate "$server" "$port" "$conns" "$inflight" "$payload" "$seconds" 3 > /dev/null &
    generator=$!
    sleep 3
    recording="$out_dir/$server-$conns-$inflight-$payload.jfr"
    "$jdk_bin/jcmd" "$server_pid" JFR.start name=alloc settings="$out_dir/allocation.jfc" filename="$recording" \
        > /dev/null
    wait "$generator"
    "$jdk_bin/jcmd" "$server_pid" JFR.stop name=alloc > /dev/null
    stop; rm -f "$log"
    "$jdk_bin/jfr" print --events jdk.ObjectAllocationSample --stack-depth 24 "$recording" \
        | python3 pado-bench/alloc-table.py --sites "$scenario" >> "$out_dir/sites.tsv"
    rm -f "$recording"
done
python3 pado-bench/alloc-table.py "$out_dir" > "$out_dir/alloc.md"
echo; cat "$out_dir/alloc.md"
if $record; then
    rm -f "$out_dir/allocation.jfc"
    scripts/results.py finish "$out_dir" 0
    echo "recorded: $out_dir"
fi
