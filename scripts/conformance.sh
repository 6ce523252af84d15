#!/usr/bin/env bash
# Runs the Autobahn|Testsuite against the pado server and then the pado client, when the suite is present
# (AUTOBAHN_TESTSUITE, see scripts/autobahn.sh; this script installs nothing). Server and suite are pinned to
# different cores. Usage: scripts/conformance.sh [cases]   (default: sections 1-10; "12.*,13.*" for compression)
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${1:-}"
server_port="${PADO_AUTOBAHN_PORT:-9002}"
client_port="$((server_port + 1))"

mvn -B -ntp -q -pl pado -am test-compile -Djacoco.skip=true
java_bin="$(bin/java21)"
classpath="pado/target/test-classes:pado/target/classes:pado-protocol/target/classes"

taskset -c 0 "$java_bin" -cp "$classpath" io.pado.conformance.AutobahnServer "$server_port" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$server_port") 2>/dev/null && break
    sleep 0.2 # waiting for a port to open; bounded to 10 s
done

status=0
AUTOBAHN_OUT=target/autobahn/server taskset -c 1 scripts/autobahn.sh server "ws://127.0.0.1:$server_port" $cases \
    || status=$?
AUTOBAHN_OUT=target/autobahn/client taskset -c 1 scripts/autobahn.sh client "$client_port" $cases -- \
    taskset -c 0 "$java_bin" -cp "$classpath" io.pado.conformance.AutobahnClient || status=$?
exit "$status"
