#!/usr/bin/env bash
# pado at two commits, in quick turns: for each echo scenario of run-commits.sh and for handshakes, a server of each
# commit is started (both on CPU 0, both warmed), then the load (on CPU 1) goes to one, then the other, PAIRS times,
# S seconds each, the order swapped every other pair. Only the loaded server works, so each run is alone on its core as
# in run-commits.sh; but the runs compared stand seconds apart on warm servers, so a machine that slows down for a
# minute slows both, where run-commits.sh's runs of one scenario stand a minute or more apart.
#   pado-bench/run-paired.sh [--pairs N] [--seconds S] [--only WORD] [--out DIR | --record] BASE COMMIT
#   pado-bench/run-paired.sh --record 3027916 HEAD
# --only WORD: only the scenarios whose name holds WORD (e.g. pado-vt, handshakes). Comparing a commit with itself
# (BASE BASE) shows how still the ratio is. Rows go to runs.tsv in run-commits.sh's format (its "round" column is the
# pair), medians and ratios to medians.md (commits-table.py); --record: to a stamped folder
# docs/results/commits/<date>-<commit>/ ("commits" tables). Jars are built as run-commits.sh builds them. Loopback
# only; every run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
java_bin="$(bin/java21)"
source pado-bench/bench-lib.sh
seconds=4; pairs=6; warmup_seconds=6; work=pado-bench/target/commits out_dir= record=false only=
all_args=("$@")
while [[ "${1:-}" == --* ]]; do
    case "$1" in
        --pairs) pairs=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --only) only=$2; shift 2 ;;
        --out) out_dir=$2; shift 2 ;;
        --record) record=true; shift ;;
        *) sed -n '7,8p' "$0" >&2; exit 2 ;;
    esac
done
[[ $# -eq 2 ]] || { sed -n '7,8p' "$0" >&2; exit 2; }
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
    "$(date -u +%FT%TZ); load before $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out_dir/machine.txt"
out=$out_dir/runs.tsv
: > "$out"
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

port=9570
for unit in "${commit_units[@]}"; do
    server=pado; [[ "$unit" != handshakes ]] && server=${unit%% *}
    name=$(scenario_name "$unit")
    [[ -z "$only" || "$name" == *"$only"* ]] || continue
    jars=("$jar_base" "$jar_other"); labels=("$label_base" "$label_other"); pids=(); logs=()
    for k in 0 1; do
        logs[k]=$(mktemp)
        taskset -c 0 "$java_bin" "${jvm[@]}" -cp "${jars[k]}" io.pado.bench.load.EchoServers "$server" \
            $((port + k)) > "${logs[k]}" 2>&1 &
        pids[k]=$!
    done
    for k in 0 1; do
        for _ in $(seq 100); do grep -q '^ready' "${logs[k]}" && break; sleep 0.1; done
    done
    # Warm both (JIT), the handshake path longer: see handshake_warmup_seconds in bench-lib.sh
    warm=$warmup_seconds; [[ "$unit" == handshakes ]] && warm=$handshake_warmup_seconds
    for k in 0 1; do load $((port + k)) "$unit" "$warm" 0 > /dev/null; done
    # Each run's own warm-up: the generator's connections (and the Java generator's JIT, for compression)
    run_warmup=1; [[ "$server" == pado-deflate ]] && run_warmup=3
    for pair in $(seq "$pairs"); do
        order=(0 1); (( pair % 2 == 0 )) && order=(1 0)
        for k in "${order[@]}"; do
            ticks=$(cpu_ticks "${pids[k]}"); started=$(date +%s%N)
            rate=$(load $((port + k)) "$unit" "$seconds" "$run_warmup")
            record "$pair" "${labels[k]}" "$name" "${rate:--}" "$(server_cpu_since "$ticks" "$started" "${pids[k]}")"
        done
    done
    kill "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true
    rm -f "${logs[@]}"
    port=$((port + 2))
done

finish_commits_run "$out" "$out_dir" "$record"
