#!/usr/bin/env bash
# Soak test: a pado echo server (SoakServer, CPU 0, NMT on) against 10,000 well-behaved WebSockets and a stream of
# hostile clients (Soak, CPU 1) for 60 s after a 15 s warm-up; --quick: 1,000 connections, 10 s, 3 s warm-up;
# --tls: over wss://, with a test certificate made here by the JDK's keytool. Exits non-zero if any check fails.
# See docs/RELIABILITY.md.
#   pado-bench/run-soak.sh [--quick] [--tls] [--record]   # --record: the log also goes to docs/results/soak/ (stamped)
# Build first: mvn -B -ntp -q package -DskipTests. Loopback only; every phase is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${PADO_SOAK_RECORDING:-}" ]]; then
    soak_args=()
    record=false
    for arg in "$@"; do
        case "$arg" in
            --record) record=true ;;
            --quick | --tls) soak_args+=("$arg") ;;
            *) echo "run-soak: unknown option $arg" >&2; exit 2 ;;
        esac
    done
    if $record; then
        # The same script again, its whole output (the report, the machine, the load) kept as soak.log
        folder="$(scripts/results.py new soak pado-bench/run-soak.sh "$@")"
        status=0
        PADO_SOAK_RECORDING=1 "$0" ${soak_args[@]+"${soak_args[@]}"} 2>&1 | tee "$folder/soak.log" || status=$?
        scripts/results.py finish "$folder" "$status"
        echo "recorded: $folder"
        exit "$status"
    fi
fi
java_bin="$(bin/java21)"
jar=pado-bench/target/benchmarks.jar
[[ -f "$jar" ]] || { echo "run-soak: build first: mvn -B -ntp -q package -DskipTests" >&2; exit 2; }
# 10,000 connections take 10,000 descriptors on each side, plus the hostile ones: ask for plenty, settle for the
# hard limit (a container may cap it), and refuse to start below 12,000.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if [[ "$*" != *--quick* ]] && (( $(ulimit -n) < 12000 )); then
    echo "run-soak: ulimit -n is $(ulimit -n); 10,000 connections need 12,000 (run as root)" >&2; exit 2
fi
jvm=(-Xms1g -Xmx1g -XX:+UseParallelGC)
# The client holds 10,000 peers, and over wss:// an SSLEngine and its record buffers for each: 1 GiB ran out (a
# full --tls run died of "GC overhead limit exceeded" in the client, the server unharmed).
client_jvm=(-Xmx4g -XX:+UseParallelGC)
port=${SOAK_PORT:-9190}
work=$(mktemp -d)
log=$work/server.log
tls=()
if [[ " $* " == *" --tls "* ]]; then
    # A fresh self-signed EC certificate for localhost and 127.0.0.1, in the store SoakTls reads.
    "$(dirname "$java_bin")/keytool" -genkeypair -alias soak -keyalg EC -groupname secp256r1 -dname CN=localhost \
        -ext SAN=dns:localhost,ip:127.0.0.1 -validity 2 -storetype PKCS12 -keystore "$work/soak.p12" \
        -storepass soaksoak -keypass soaksoak 2>/dev/null
    tls=(--tls "$work/soak.p12")
fi
args=()
for a in "$@"; do [[ "$a" == --tls ]] || args+=("$a"); done
# Pre-touched heap: RSS then grows only with native memory, not with the first use of heap pages.
taskset -c 0 "$java_bin" "${jvm[@]}" -XX:+AlwaysPreTouch -XX:NativeMemoryTracking=summary -cp "$jar" io.pado.bench.soak.SoakServer \
    "$port" "${tls[@]}" > "$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q '^ready' "$log" && break; sleep 0.1; done # wait for the port, 10 s at most
grep -q '^ready' "$log" || { echo "run-soak: server did not start:" >&2; cat "$log" >&2; exit 2; }
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
taskset -c 1 "$java_bin" "${client_jvm[@]}" -cp "$jar" io.pado.bench.soak.Soak "$port" "${args[@]}" "${tls[@]}" \
    || status=$?
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
