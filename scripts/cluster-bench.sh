#!/usr/bin/env bash
# The measured run of docs/CLUSTER.md: pado-cluster topics on 1 and 3 nodes, over NATS JetStream and Redis Streams,
# with few and many members; io.pado.cluster.ClusterLoad from the test classes.
#
#   scripts/cluster-bench.sh [RATE] [WARMUP_S] [MEASURE_S] [MEMBER COUNTS…]     # defaults: 1000 5 10 30 300
#
# On this 2-core machine: the broker and the load generator (clients, publishers, the clock) share CPU 0, the node
# JVMs share CPU 1 (taskset), so adding nodes adds no CPU: the 1-vs-3 comparison shows what fan-out across nodes
# costs, not how it scales out (docs/CLUSTER.md says more). Every run is bounded: warm-up + measure + <= 10 s drain.
# Raw results: docs/results/cluster/<date>-<commit>/runs.tsv and machine.txt; then scripts/cluster-table.py writes
# the table in docs/CLUSTER.md from that file.
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-1000}; warmup=${2:-5}; measure=${3:-10}; shift $(( $# < 3 ? $# : 3 )) || true
members=("$@"); ((${#members[@]})) || members=(30 300)
for tool in nats-server redis-server taskset; do
    command -v "$tool" >/dev/null || { echo "cluster-bench: needs $tool" >&2; exit 2; }
done

scripts/mvn -B -ntp -q -pl pado-cluster -am test-compile dependency:build-classpath -Djacoco.skip=true \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/cluster-classpath.txt
java_bin="$(bin/java21)"
cp="pado-cluster/target/test-classes:pado-cluster/target/classes:$(cat pado-cluster/target/cluster-classpath.txt)"

commit=$(git rev-parse --short HEAD)
stamp=$(date -u +%Y-%m-%d)
out="docs/results/cluster/$stamp-$commit"
mkdir -p "$out"
work="pado-cluster/target/cluster-bench"
rm -rf "$work"; mkdir -p "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

{
    echo "commit	$(git rev-parse HEAD)"
    echo "date	$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cpu	$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "cores	$(nproc)"
    echo "memory	$(free -g | awk '/Mem:/ {print $2 " GiB"}')"
    echo "java	$("$java_bin" -version 2>&1 | head -1)"
    echo "nats-server	$(nats-server --version)"
    echo "redis-server	$(redis-server --version | cut -d' ' -f3)"
    echo "load_average_at_start	$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "pinning	broker + load generator on CPU 0, node JVMs on CPU 1 (taskset)"
    echo "command	scripts/cluster-bench.sh $rate $warmup $measure ${members[*]}"
} > "$out/machine.txt"

free_port() { "$java_bin" -cp "$cp" io.pado.cluster.FreePort; }

start_node() { # broker-uri log -> echoes port
    taskset -c 1 "$java_bin" -Xms256m -Xmx256m -cp "$cp" io.pado.cluster.ClusterLoad node "$1" > "$2" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 300); do
        if grep -q '^port ' "$2"; then grep -m1 '^port ' "$2" | cut -d' ' -f2; return; fi
        sleep 0.1
    done
    echo "cluster-bench: a node did not start: $(cat "$2")" >&2; exit 1
}

printf 'broker\tnodes\tmembers\trate\tmsgs_per_s\tdeliveries_per_s\tp50_ms\tp99_ms\tmax_ms\tmissing\tduplicates\n' \
    > "$out/runs.tsv"
for broker in nats redis; do
    port=$(free_port)
    dir="$work/$broker-data"; mkdir -p "$dir"
    if [[ $broker == nats ]]; then
        taskset -c 0 nats-server -js -sd "$dir" -p "$port" -a 127.0.0.1 > "$work/$broker.log" 2>&1 &
        ready="Server is ready"
    else
        taskset -c 0 redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save "" --appendonly yes \
            --appendfsync always > "$work/$broker.log" 2>&1 &
        ready="Ready to accept connections"
    fi
    broker_pid=$!; pids+=($broker_pid)
    for _ in $(seq 1 100); do grep -q "$ready" "$work/$broker.log" && break; sleep 0.1; done
    uri="$broker://127.0.0.1:$port"
    for nodes in 1 3; do
        node_pids_before=${#pids[@]}
        ports=()
        for i in $(seq 1 "$nodes"); do ports+=("$(start_node "$uri" "$work/node-$broker-$nodes-$i.log")"); done
        csv=$(IFS=,; echo "${ports[*]}")
        for m in "${members[@]}"; do
            echo "cluster-bench: $broker, $nodes node(s), $m members, $rate msg/s" >&2
            taskset -c 0 "$java_bin" -Xms512m -Xmx1g -cp "$cp" io.pado.cluster.ClusterLoad load "$broker" "$csv" \
                "$m" "$rate" "$warmup" "$measure" | tail -1 >> "$out/runs.tsv"
        done
        for p in "${pids[@]:$node_pids_before}"; do kill -9 "$p" 2>/dev/null || true; done
    done
    kill -9 "$broker_pid" 2>/dev/null || true
done
echo "cluster-bench: wrote $out/runs.tsv" >&2
python3 scripts/cluster-table.py "$out" docs/CLUSTER.md
