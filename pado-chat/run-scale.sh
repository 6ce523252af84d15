#!/usr/bin/env bash
# The chat on 1, 2 and 3 nodes over one Redis, measured (docs/SCALING.md): io.pado.chat.ChatLoad from the test
# classes, with a throwaway redis-server on a free loopback port. Every run is bounded (3 s warm-up + SECONDS).
#   pado-chat/run-scale.sh [--record] [CLIENTS] [SECONDS] [NODE COUNTS…]      # defaults: 24 10 1 2 3
# --record: the table also goes to docs/results/scaling/ (stamped), as scale.log.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null || { echo "run-scale: needs redis-server" >&2; exit 2; }
record=false
args=()
for arg in "$@"; do
    case "$arg" in
        --record) record=true ;;
        *) args+=("$arg") ;;
    esac
done
mvn -B -ntp -q -pl pado-chat -am test-compile dependency:build-classpath -Djacoco.skip=true \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
java_bin="$(bin/java21)"
run() {
    echo "redis: $(redis-server --version)"
    "$java_bin" -Xms512m -Xmx512m \
        -cp "pado-chat/target/test-classes:pado-chat/target/classes:$(cat pado-chat/target/test-classpath.txt)" \
        io.pado.chat.ChatLoad ${args[@]+"${args[@]}"}
}
if ! $record; then
    run
    exit
fi
folder="$(scripts/results.py new scaling pado-chat/run-scale.sh "$@")"
status=0
run | tee "$folder/scale.log" || status=$? # the table (stdout); the log lines (stderr) stay on the terminal
scripts/results.py finish "$folder" "$status"
echo "recorded: $folder"
exit "$status"
