# What run-load.sh, run-repeat.sh and run-echo-repeat.sh share; sourced from the repository root, after java_bin and
# jar are set.
# The JVM flags and pinning are run-load.sh's: each server on CPU 0, the load generator on CPU 1.

jvm=(-Xms1g -Xmx1g -XX:+UseParallelGC)

# Builds the C load generator into pado-bench/target/loadgen; fails when there is no C compiler.
build_c_generator() {
    command -v cc > /dev/null && cc -O2 -o pado-bench/target/loadgen pado-bench/src/main/c/loadgen.c
}

# start_server SERVER PORT LOG [JVM_FLAG...]: starts EchoServers' SERVER on CPU 0 with the bench JVM flags and
# JVM_FLAGs (or "uws": uWebSockets' peer, which build-uws.sh builds), its output in LOG, sets server_pid, and waits
# for it to print "ready" (10 s at most).
start_server() {
    if [[ "$1" == uws ]]; then
        [[ -x pado-bench/target/uws-peer ]] || { echo "uws: build it first: UWS_HOME=… pado-bench/build-uws.sh" >&2; return 2; }
        taskset -c 0 pado-bench/target/uws-peer "$2" > "$3" 2>&1 &
    else
        taskset -c 0 "$java_bin" "${jvm[@]}" "${@:4}" -cp "$jar" io.pado.bench.load.EchoServers "$1" "$2" > "$3" 2>&1 &
    fi
    server_pid=$!
    for _ in $(seq 100); do grep -q '^ready' "$3" && break; sleep 0.1; done
}

# The CPU time process PID has used so far, in clock ticks (user + system).
cpu_ticks() {
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# server_cpu_since TICKS STARTED_NS PID: the CPU PID used since then, in % of one core.
server_cpu_since() {
    echo $(( ($(cpu_ticks "$3") - $1) * 100 * 1000000000 / $(getconf CLK_TCK) / ($(date +%s%N) - $2) ))
}

# handshake_load PORT SECONDS WARMUP: handshake + close cycles against PORT, 64 at once (with fewer, round trips rather
# than either side's CPU set the rate), with the C generator if $c_generator is true, else HandshakeLoad; prints
# "cycles/s generator-CPU%".
handshake_load() {
    if $c_generator; then
        taskset -c 1 pado-bench/target/loadgen --handshakes "$1" 64 "$2" "$3"
    else
        taskset -c 1 "$java_bin" "${jvm[@]}" -cp "$jar" io.pado.bench.load.HandshakeLoad "$1" 64 "$2" "$3"
    fi
}

# Netty's handshake path needed 10-15 s of cycles to reach its full rate here (5k, 14k, then 30k cycles/s in
# successive 5 s windows after an echo warm-up): handshake runs warm up this long, in a run of their own, so that a
# measured window never catches a server's ramp.
handshake_warmup_seconds=15

# alloc_median LOG FROM SKIP: the median of the allocation probe's per-second "alloc B/msg" lines in LOG after line
# FROM, the first SKIP seconds' lines left out; "-" if there are none. (awk, not grep, picks the lines: a run in which
# no second reached the probe's 1,000 messages prints none, and a grep without a match would end the script under
# pipefail)
alloc_median() {
    tail -n +"$(($2 + 1))" "$1" | awk '/^alloc / { print $2 }' | tail -n +"$(($3 + 1))" | sort -n \
        | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "-" }'
}

# alloc_per_message LOG FROM: alloc_median with the warm-up seconds ($warmup) skipped.
alloc_per_message() {
    alloc_median "$1" "$2" "$warmup"
}

# The scenarios run-commits.sh and run-paired.sh compare between commits: echo ("SERVER CONNECTIONS IN_FLIGHT
# PAYLOAD") on both dispatches and with compression, and the handshake runs ("handshakes").
commit_units=("pado 100 4 16" "pado 100 4 512" "pado 100 4 16384" "pado 1000 1 512" handshakes
    "pado-vt 100 4 16" "pado-vt 100 4 512" "pado-vt 100 4 16384" "pado-vt 1000 1 512"
    "pado-deflate 100 4 512" "pado-deflate 100 4 16384")

# commit_jar WORK COMMIT: builds (once) COMMIT's benchmarks jar in a worktree WORK/COMMIT and prints its path (for
# run-commits.sh and run-paired.sh); from the repository root.
commit_jar() {
    local tree="$1/$2"
    if [[ ! -f "$tree/pado-bench/target/benchmarks.jar" ]]; then
        [[ -d "$tree" ]] || git worktree add --detach "$tree" "$2" > /dev/null 2>&1
        local maven=mvn
        [[ -x "$tree/scripts/mvn" ]] && maven=scripts/mvn # relative to the tree, where it runs
        (cd "$tree" && "$maven" -B -ntp -q -o package -DskipTests -Dfuzz.skip -pl pado-bench -am > build.log 2>&1) \
            || { echo "building $2 failed, see $tree/build.log" >&2; return 1; }
    fi
    echo "$(pwd)/$tree/pado-bench/target/benchmarks.jar"
}

# finish_commits_run RUNS_TSV OUT_DIR RECORD: the medians of a run-commits.sh or run-paired.sh run (commits-table.py)
# to OUT_DIR/medians.md and the screen; with RECORD true, OUT_DIR's stamp is finished.
finish_commits_run() {
    python3 pado-bench/commits-table.py "$1" > "$2/medians.md"
    echo
    cat "$2/medians.md"
    if $3; then
        scripts/results.py finish "$2" 0
        echo "recorded: $2"
    fi
}
