#!/usr/bin/env bash
# Polling vs WebSocket, measured (docs/WHY-WEBSOCKET.md): builds the pado command and runs `bin/pado compare` with
# the given options (default: 20 clients per transport, 10 messages/s for 5 s, polling every 250 ms).
#   scripts/compare.sh [--record] [--clients N] [--seconds S] [--rate R] [--interval-ms I]
# --record: the output also goes to docs/results/compare/ (stamped), as compare.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
record=false
args=()
for arg in "$@"; do
    case "$arg" in
        --record) record=true ;;
        *) args+=("$arg") ;;
    esac
done
mvn -B -ntp -q -pl pado-cli -am package -DskipTests -Djacoco.skip=true
if ! $record; then
    exec bin/pado compare ${args[@]+"${args[@]}"}
fi
folder="$(scripts/results.py new compare scripts/compare.sh "$@")"
status=0
# The table as printed (stdout), after the command line; the server's log lines (stderr) stay on the terminal
{ echo "\$ bin/pado compare${args[*]:+ ${args[*]}}"; bin/pado compare ${args[@]+"${args[@]}"}; } \
    | tee "$folder/compare.txt" || status=$?
scripts/results.py finish "$folder" "$status"
echo "recorded: $folder"
exit "$status"
