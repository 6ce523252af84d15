#!/usr/bin/env bash
# The measured run of docs/WHY-WEBSOCKET.md: `bin/pado compare` (short and long polling, each with a TCP connection
# per request and with keep-alive, beside WebSocket) against an embedded chat server, recorded with the machine.
#
#   scripts/compare-run.sh [pado compare options…]      # defaults: pado compare's (20 clients, 10 msg/s, 5 s)
#   scripts/compare-run.sh --doc-only docs/results/compare/<date>-<commit>   # the document from a recorded run
#
# Builds pado-cli/target/pado.jar from the work tree (which must be clean, so that the commit names the code), runs
# once (bounded: the run's seconds plus at most 5 s to stop), writes docs/results/compare/<date>-<commit>/run.txt and
# machine.txt, and puts run.txt and the machine line between the markers of docs/WHY-WEBSOCKET.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == --doc-only ]]; then
    out="${2:?the directory of a recorded run}"
else
if ! git diff --quiet HEAD --; then
    echo "compare-run: commit first: the result names the commit it measured" >&2
    exit 2
fi
scripts/mvn -B -ntp -q package -DskipTests -Djacoco.skip=true -pl pado-cli -am
java_bin="$(bin/java21)"

commit=$(git rev-parse --short HEAD)
stamp=$(date -u +%Y-%m-%d)
out="docs/results/compare/$stamp-$commit"
mkdir -p "$out"
{
    echo "commit	$(git rev-parse HEAD)"
    echo "date	$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cpu	$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "cores	$(nproc)"
    echo "memory	$(free -g | awk '/Mem:/ {print $2 " GiB"}')"
    echo "os	$(. /etc/os-release && echo "$PRETTY_NAME")"
    echo "java	$("$java_bin" -version 2>&1 | head -1)"
    echo "load_average_at_start	$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "command	bin/pado compare $*"
} > "$out/machine.txt"
bin/pado compare "$@" | tee "$out/run.txt"
echo "load_average_at_end	$(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
fi

# The table is scripts/tables.py's, from run.txt and machine.txt: point the document's marker at this run
sed -i "s#^<!-- table:compare docs/results/compare/[^ ]* -->\$#<!-- table:compare $out -->#" docs/WHY-WEBSOCKET.md
python3 scripts/tables.py
echo "compare-run: $out; docs/WHY-WEBSOCKET.md updated"
