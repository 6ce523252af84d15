#!/usr/bin/env bash
# Runs the Autobahn|Testsuite against the pado server and then the pado client: every case (sections 1-10, 12 and 13;
# the suite has no 11), strict (only OK or INFORMATIONAL, with a clean close, passes). The suite must be present
# (AUTOBAHN_TESTSUITE, see scripts/autobahn.sh; this script installs nothing); it checks UTF-8 with the faster
# validator of scripts/autobahn-wstest.py. Server and suite are pinned to different cores.
#
#   scripts/conformance.sh                  # all 517 cases, server then client
#   scripts/conformance.sh --record         # the same, and the two index.json go to docs/results/conformance/
#   scripts/conformance.sh '9.*,12.1.*'     # some case patterns (with or without --record)
#   scripts/conformance.sh --parallel       # both sides at once, unpinned: about half the wall time on 2 cores
#
# Reports: target/autobahn/{server,client}/report/. Exit status 0 when every case passed on both sides.
set -euo pipefail
cd "$(dirname "$0")/.."
server_port="${PADO_AUTOBAHN_PORT:-9002}"
client_port="$((server_port + 1))"
export AUTOBAHN_TIMEOUT="${AUTOBAHN_TIMEOUT:-3600}"
all_cases="1.*,2.*,3.*,4.*,5.*,6.*,7.*,8.*,9.*,10.*,12.*,13.*"

record=false
parallel=false
cases="$all_cases"
for arg in "$@"; do
    case "$arg" in
        --record) record=true ;;
        --parallel) parallel=true ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        -*) echo "conformance.sh: unknown option $arg" >&2; exit 2 ;;
        *) cases="$arg" ;;
    esac
done
scripts/mvn -B -ntp -q -pl pado -am test-compile -Djacoco.skip=true
folder=""
commit="$(git rev-parse HEAD)" # what was built, even if HEAD moves during the run
if $record; then
    folder="$(scripts/results.py new conformance scripts/conformance.sh "$@")"
fi
java_bin="$(bin/java21)"
classpath="pado/target/test-classes:pado/target/classes:pado-protocol/target/classes"

# Pinned one side at a time: the program on CPU 0, the suite on CPU 1. With --parallel, both sides share both cores.
pin_program=(taskset -c 0)
pin_suite=(taskset -c 1)
if $parallel; then
    pin_program=()
    pin_suite=()
fi
mkdir -p target/autobahn

# server_side / client_side: run one side, write its wall seconds to target/autobahn/SIDE.seconds; status as the suite's
server_side() {
    local started=$SECONDS status=0
    ${pin_program[@]+"${pin_program[@]}"} "$java_bin" -cp "$classpath" io.pado.conformance.AutobahnServer \
        "$server_port" &
    server_pid=$!
    for _ in $(seq 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$server_port") 2>/dev/null && break
        sleep 0.2 # waiting for a port to open; bounded to 10 s
    done
    AUTOBAHN_OUT=target/autobahn/server ${pin_suite[@]+"${pin_suite[@]}"} scripts/autobahn.sh server \
        "ws://127.0.0.1:$server_port" "$cases" || status=$?
    kill "$server_pid" 2>/dev/null || true
    echo $((SECONDS - started)) > target/autobahn/server.seconds
    return "$status"
}
client_side() {
    local started=$SECONDS status=0
    AUTOBAHN_OUT=target/autobahn/client ${pin_suite[@]+"${pin_suite[@]}"} scripts/autobahn.sh client "$client_port" \
        "$cases" -- ${pin_program[@]+"${pin_program[@]}"} "$java_bin" -cp "$classpath" \
        io.pado.conformance.AutobahnClient || status=$?
    echo $((SECONDS - started)) > target/autobahn/client.seconds
    return "$status"
}

status=0
if $parallel; then
    server_side &
    side_pid=$!
    trap 'kill "$side_pid" 2>/dev/null || true' EXIT
    client_side || status=$?
    wait "$side_pid" || status=$?
else
    trap 'kill "${server_pid:-}" 2>/dev/null || true' EXIT
    server_side || status=$?
    client_side || status=$?
fi
server_seconds=$(cat target/autobahn/server.seconds)
client_seconds=$(cat target/autobahn/client.seconds)
echo "conformance: server side ${server_seconds}s, client side ${client_seconds}s$($parallel && echo ', at once')"

if $record; then
    # Each index.json as the suite wrote it, plus a "_pado" entry saying what ran (autobahn-summary.py skips it)
    for side in server client; do
        seconds=$server_seconds
        [[ $side == client ]] && seconds=$client_seconds
        PYTHONPATH="$AUTOBAHN_TESTSUITE/autobahntestsuite:$AUTOBAHN_TESTSUITE" \
            "${AUTOBAHN_PYTHON:-/usr/bin/python3}" - "target/autobahn/$side/report/index.json" "$folder/$side-index.json" \
            "$side" "$cases" "$seconds" "$commit" "${AUTOBAHN_VALIDATOR:-fast}" <<'PY' || status=2
import json, sys
source, target, side, cases, seconds, commit, validator = sys.argv[1:]
import os, subprocess
import autobahn, autobahntestsuite, twisted
with open(source, encoding="utf-8") as f:
    index = json.load(f)
suite_root = os.environ["AUTOBAHN_TESTSUITE"]
suite_commit = "unknown (not a git checkout)"
if os.path.exists(os.path.join(suite_root, ".git")):
    suite_commit = subprocess.run(["git", "-C", suite_root, "rev-parse", "--short", "HEAD"], capture_output=True,
                                  text=True).stdout.strip()
meta = {"commit": commit, "side": side, "cases": cases, "wall_seconds": int(seconds),
        "suite": f"ricardo-valero/autobahn-testsuite (Python 3 port) {autobahntestsuite.__version__}, "
                 f"commit: {suite_commit}",
        "python": sys.version.split()[0], "autobahn": autobahn.__version__, "twisted": twisted.__version__,
        "utf8_validator": validator}
with open(target, "w", encoding="utf-8") as f:
    json.dump({"_pado": meta, **index}, f, indent=1, sort_keys=True)
    f.write("\n")
PY
    done
    scripts/results.py finish "$folder" "$status"
    echo "recorded: $folder"
fi
exit "$status"
