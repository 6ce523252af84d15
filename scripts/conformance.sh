#!/usr/bin/env bash
# Runs the Autobahn|Testsuite against the pado server and then the pado client, when the suite is present
# (AUTOBAHN_TESTSUITE, see scripts/autobahn.sh; this script installs nothing). Server and suite are pinned to
# different cores.
#
#   scripts/conformance.sh                  # sections 1-10
#   scripts/conformance.sh '12.*,13.*'      # one group of case patterns, one report per side
#   scripts/conformance.sh compression      # sections 12 and 13 as twelve groups (12.1 ... 13.7), each with its own
#                                           # report under target/autobahn/{server,client}-12.1 ..., so a long run
#                                           # keeps what it finished; groups that already have a report are skipped
#
# The Python suite is slow on the compression sections (hours for all 432 cases on two cores): each group gets
# AUTOBAHN_TIMEOUT seconds (default here 7200).
set -euo pipefail
cd "$(dirname "$0")/.."
server_port="${PADO_AUTOBAHN_PORT:-9002}"
client_port="$((server_port + 1))"
export AUTOBAHN_TIMEOUT="${AUTOBAHN_TIMEOUT:-7200}"

groups=("${1:-}")
split=false
if [[ "${1:-}" == compression ]]; then
    groups=(12.1 12.2 12.3 12.4 12.5 13.1 13.2 13.3 13.4 13.5 13.6 13.7)
    split=true
fi

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
for group in "${groups[@]}"; do
    cases="$group"
    server_out=target/autobahn/server
    client_out=target/autobahn/client
    if $split; then
        cases="$group.*"
        server_out="target/autobahn/server-$group"
        client_out="target/autobahn/client-$group"
    fi
    if ! $split || [[ ! -f "$server_out/report/index.json" ]]; then
        AUTOBAHN_OUT="$server_out" taskset -c 1 scripts/autobahn.sh server "ws://127.0.0.1:$server_port" $cases \
            || status=$?
    fi
    if ! $split || [[ ! -f "$client_out/report/index.json" ]]; then
        AUTOBAHN_OUT="$client_out" taskset -c 1 scripts/autobahn.sh client "$client_port" $cases -- \
            taskset -c 0 "$java_bin" -cp "$classpath" io.pado.conformance.AutobahnClient || status=$?
    fi
done
exit "$status"
