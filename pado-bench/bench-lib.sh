# What run-repeat.sh and run-echo-repeat.sh share; sourced from the repository root, after java_bin and jar are set.
# The JVM flags and pinning are run-load.sh's: each server on CPU 0, the load generator on CPU 1.

jvm=(-Xms1g -Xmx1g -XX:+UseParallelGC)

# Builds the C load generator into pado-bench/target/loadgen; fails when there is no C compiler.
build_c_generator() {
    command -v cc > /dev/null && cc -O2 -o pado-bench/target/loadgen pado-bench/src/main/c/loadgen.c
}

# start_server SERVER PORT LOG: starts EchoServers' SERVER on CPU 0, its output in LOG, sets server_pid, and waits
# for it to print "ready" (10 s at most).
start_server() {
    taskset -c 0 "$java_bin" "${jvm[@]}" -cp "$jar" io.pado.bench.load.EchoServers "$1" "$2" > "$3" 2>&1 &
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
