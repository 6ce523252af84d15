#!/usr/bin/env bash
# pado at two commits, in quick turns: for each echo scenario of run-commits.sh and for handshakes, PAIRS times, a fresh
# server of each commit is started (both on CPU 0, both warmed), then the load (on CPU 1) goes to one, then the other.
# Only the loaded server works, so each is alone on its core as in run-commits.sh, but the two meet the same machine.
# Every run alternates inside one generator run (loadgen --alternate; for the compressed echo, which needs a deflater,
# LoadGenerator --alternate): SLICE ms to one server, SLICE ms to the other, for 2 x S seconds, so that even a machine
# whose speed drifts from second to second slows both alike.
#   pado-bench/run-paired.sh [--pairs N] [--seconds S] [--slice MS] [--only WORD] [--out DIR | --record] BASE COMMIT
#   pado-bench/run-paired.sh --record 3027916 HEAD
# --only WORD: only the scenarios whose name holds WORD (e.g. pado-vt, handshakes). Comparing a commit with itself
# (BASE BASE) shows how still the ratio is. Rows go to runs.tsv in run-commits.sh's format (its "round" column is the
# pair; the median of the slice ratios of each alternating run to slices.tsv; for the echo runs, the median over the
# run's seconds of the heap each server allocated per echoed message, from its allocation probe, to alloc.tsv),
# medians and ratios to medians.md
# (commits-table.py); --record: to a stamped folder docs/results/commits/<date>-<commit>/ ("commits" tables). Jars
# are built as run-commits.sh builds them. Loopback only; every run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
java_bin="$(bin/java21)"
source pado-bench/bench-lib.sh
seconds=5; pairs=6; slice_ms=250; warmup_seconds=6; work=pado-bench/target/commits out_dir= record=false only=
all_args=("$@")
while [[ "${1:-}" == --* ]]; do
    case "$1" in
        --pairs) pairs=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --slice) slice_ms=$2; shift 2 ;;
        --only) only=$2; shift 2 ;;
        --out) out_dir=$2; shift 2 ;;
        --record) record=true; shift ;;
        *) sed -n '8,9p' "$0" >&2; exit 2 ;;
    esac
done
[[ $# -eq 2 ]] || { sed -n '8,9p' "$0" >&2; exit 2; }
base=$(git rev-parse --short "$1"); other=$(git rev-parse --short "$2")
label_base=$base label_other=$other
[[ "$base" == "$other" ]] && label_other="$other-again"
out_dir=${out_dir:-$work/paired}
mkdir -p "$work" "$out_dir"
ulimit -n 65536 2>/dev/null || true

jar_base=$(commit_jar "$work" "$base"); jar_other=$(commit_jar "$work" "$other")
this_jar=pado-bench/target/benchmarks.jar
[[ -f "$this_jar" ]] || this_jar=$jar_other
build_c_generator || { echo "run-paired: needs a C compiler for its load generator" >&2; exit 2; }
if $record; then # stamped after the builds, so that its wall time is the runs'
    out_dir=$(scripts/results.py new commits pado-bench/run-paired.sh "${all_args[@]}")
fi
echo "paired: $label_base and $label_other; $pairs pairs of $seconds s runs; $(nproc) CPUs;" \
    "$(date -u +%FT%TZ); load before $(cut -d' ' -f1-3 /proc/loadavg); runs alternate every $slice_ms ms" \
    | tee "$out_dir/machine.txt"
out=$out_dir/runs.tsv slices=$out_dir/slices.tsv allocs=$out_dir/alloc.tsv
: > "$out"; : > "$slices"; : > "$allocs"
record() { # PAIR COMMIT SCENARIO VALUE SERVER_CPU
    printf '%s\t%s\t%s\t%s\t%s\n' "$@" | tee -a "$out"
}

# load PORT UNIT SECONDS WARMUP: one generator run on CPU 1; prints its rate (messages or handshakes per second).
load() {
    local server conns inflight payload
    if [[ "$2" == handshakes ]]; then
        taskset -c 1 pado-bench/target/loadgen --handshakes "$1" 64 "$3" "$4" | tail -1 | cut -d' ' -f1
        return
    fi
    read -r server conns inflight payload <<< "$2"
    if [[ "$server" == pado-deflate ]]; then # the compressed runs need the Java generator's deflater
        taskset -c 1 "$java_bin" "${jvm[@]}" -Dpado.load.deflate=true -cp "$this_jar" \
            io.pado.bench.load.LoadGenerator "$1" "$conns" "$inflight" "$payload" "$3" "$4" | tail -1 | cut -d' ' -f1
    else
        taskset -c 1 pado-bench/target/loadgen "$1" "$conns" "$inflight" "$payload" "$3" "$4" | tail -1 | cut -d' ' -f1
    fi
}

# scenario_name UNIT: the scenario as run-commits.sh names it
scenario_name() {
    if [[ "$1" == handshakes ]]; then echo "pado handshakes"; return; fi
    local server conns inflight payload
    read -r server conns inflight payload <<< "$1"
    echo "$server echo $conns x $inflight x $payload"
}

# start_pair UNIT: fresh servers of both commits on CPU 0 (the one started first alternates), warmed; sets pids and
# logs (the servers' output, for their allocation probes)
start_pair() {
    local server=pado k
    [[ "$1" != handshakes ]] && server=${1%% *}
    pids=() logs=()
    for k in "${order[@]}"; do
        logs[k]=$(mktemp)
        taskset -c 0 "$java_bin" "${jvm[@]}" -cp "${jars[k]}" io.pado.bench.load.EchoServers "$server" \
            $((port + k)) > "${logs[k]}" 2>&1 &
        pids[k]=$!
    done
    for k in 0 1; do
        for _ in $(seq 100); do grep -q '^ready' "${logs[k]}" && break; sleep 0.1; done
    done
    # Warm both (JIT), the handshake path longer: see handshake_warmup_seconds in bench-lib.sh
    local warm=$warmup_seconds
    [[ "$1" == handshakes ]] && warm=$handshake_warmup_seconds
    for k in "${order[@]}"; do load $((port + k)) "$1" "$warm" 0 > /dev/null; done
}

jars=("$jar_base" "$jar_other"); labels=("$label_base" "$label_other")
port=9570
for unit in "${commit_units[@]}"; do
    server=pado; [[ "$unit" != handshakes ]] && server=${unit%% *}
    name=$(scenario_name "$unit")
    [[ -z "$only" || "$name" == *"$only"* ]] || continue
    # Each run's own warm-up: the generator's connections (and the Java generator's JIT, for compression)
    run_warmup=1; [[ "$server" == pado-deflate ]] && run_warmup=3
    for pair in $(seq "$pairs"); do
        # Fresh servers for every pair, so that one JVM's luck (its JIT's choices, its memory's layout) is one
        # pair's, not the whole scenario's; which commit goes first swaps every other pair.
        order=(0 1); (( pair % 2 == 0 )) && order=(1 0)
        start_pair "$unit"
        # Both servers in one generator run, SLICE ms each in turns; the CPU of each over the whole run
        first=${order[0]} second=${order[1]}
        generator=(pado-bench/target/loadgen --alternate)
        [[ "$server" == pado-deflate ]] && generator=("$java_bin" "${jvm[@]}" -Dpado.load.deflate=true -cp "$this_jar" \
            io.pado.bench.load.LoadGenerator --alternate)
        if [[ "$unit" == handshakes ]]; then
            what=(--handshakes $((port + first)) $((port + second)) 64)
        else
            read -r _ conns inflight payload <<< "$unit"
            what=($((port + first)) $((port + second)) "$conns" "$inflight" "$payload")
        fi
        t0=$(cpu_ticks "${pids[0]}"); t1=$(cpu_ticks "${pids[1]}"); started=$(date +%s%N)
        from0=$(wc -l < "${logs[0]}"); from1=$(wc -l < "${logs[1]}")
        read -r rate_first rate_second ratio count < <(taskset -c 1 "${generator[@]}" \
            "${what[@]}" $((2 * seconds)) "$run_warmup" "$slice_ms" | tail -1)
        cpu0=$(server_cpu_since "$t0" "$started" "${pids[0]}"); cpu1=$(server_cpu_since "$t1" "$started" "${pids[1]}")
        rates=(); rates[first]=${rate_first:--}; rates[second]=${rate_second:--}
        # The generator's ratio is its second server's over its first's: turned to COMMIT's over BASE's
        (( first == 1 )) && ratio=$(awk -v r="${ratio:-0}" 'BEGIN { if (r > 0) printf "%.4f", 1 / r; else print "-" }')
        record "$pair" "$label_base" "$name" "${rates[0]}" "$cpu0"
        record "$pair" "$label_other" "$name" "${rates[1]}" "$cpu1"
        printf '%s\t%s\t%s\t%s\n' "$pair" "$name" "${ratio:--}" "${count:--}" >> "$slices"
        if [[ "$unit" != handshakes ]]; then # the generator's warm-up and the first measured second left out
            printf '%s\t%s\t%s\t%s\n' "$pair" "$label_base" "$name" \
                "$(alloc_median "${logs[0]}" "$from0" $((run_warmup + 1)))" >> "$allocs"
            printf '%s\t%s\t%s\t%s\n' "$pair" "$label_other" "$name" \
                "$(alloc_median "${logs[1]}" "$from1" $((run_warmup + 1)))" >> "$allocs"
        fi
        kill "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true
        rm -f "${logs[@]}"
        port=$((port + 2))
    done
done

finish_commits_run "$out" "$out_dir" "$record"
