#!/usr/bin/env bash
# The chat on 1, 2 and 3 nodes over one Redis, measured (docs/SCALING.md): io.pado.chat.ChatLoad from the test
# classes, with a throwaway redis-server on a free loopback port. Every run is bounded (3 s warm-up + SECONDS).
#   pado-chat/run-scale.sh [CLIENTS] [SECONDS] [NODE COUNTS…]      # defaults: 24 10 1 2 3
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null || { echo "run-scale: needs redis-server" >&2; exit 2; }
mvn -B -ntp -q -pl pado-chat -am test-compile dependency:build-classpath -Djacoco.skip=true \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
java_bin="$(bin/java21)"
exec "$java_bin" -Xms512m -Xmx512m -cp "pado-chat/target/test-classes:pado-chat/target/classes:$(cat pado-chat/target/test-classpath.txt)" \
    io.pado.chat.ChatLoad "$@"
