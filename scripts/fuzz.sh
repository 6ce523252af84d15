#!/usr/bin/env bash
# Coverage-guided fuzzing (Jazzer) of one of pado-protocol's parsers, for longer than the few seconds of the build.
#   scripts/fuzz.sh TARGET DURATION [--keep]
# TARGET: request-head (RequestParser, ServerHandshake), response-head (ResponseParser, ClientHandshake), extensions
# (ExtensionOffer, negotiateExtensions, permessage-deflate), frames (frame.FrameReader) or engine (Connection, with
# permessage-deflate; its JVM has a 256 MiB heap).
# DURATION: as Jazzer reads it, e.g. 300s, 10m, 1h.
# The corpus grows in pado-protocol/target/fuzz/.cifuzz-corpus; a finding (crash-*) is written to
# pado-protocol/target/fuzz and the run fails. --keep then merges the inputs that add coverage into the committed
# corpus (src/test/resources/io/pado/protocol/fuzz/*Inputs), which every build replays. See docs/RELIABILITY.md.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    echo "usage: scripts/fuzz.sh request-head|response-head|extensions|frames|engine DURATION [--keep]" >&2
    exit 2
}
(( $# >= 2 )) || usage
target=$1 duration=$2 keep=${3:-}
case "$target" in
    request-head) class=RequestParserFuzzer method=requestHead ;;
    response-head) class=ResponseParserFuzzer method=responseHead ;;
    extensions) class=ExtensionNegotiationFuzzer method=negotiate ;;
    frames) class=FrameReaderFuzzer method=frames ;;
    engine) class=ConnectionFuzzer method=engine ;;
    *) usage ;;
esac
[[ -z "$keep" || "$keep" == --keep ]] || usage

module=pado-protocol
fuzz=$module/target/fuzz
corpus=$fuzz/.cifuzz-corpus/io.pado.protocol.fuzz.$class/$method
inputs=$module/src/test/resources/io/pado/protocol/fuzz/${class}Inputs/$method
mkdir -p "$fuzz" # before counting what is in it: with pipefail, find on a missing directory ends the script
before=$(find "$fuzz" -maxdepth 1 -name 'crash-*' | wc -l)
log=$fuzz/$target.log
start=$(date +%s)
status=0
# The lifecycle up to test-compile selects the JDK 21+ toolchain; then the target's own surefire execution runs.
scripts/mvn -B -ntp -pl "$module" test-compile "surefire:test@fuzz-$target" -Djacoco.skip=true -Dfuzz.duration="$duration" \
    -Dfuzz.jit= \
    > "$log" 2>&1 || status=$?
grep -E '^#[0-9]+.*(DONE|pulse)|Done [0-9]+ runs|Tests run:|FAIL|ERROR\]|crash-' "$log" | head -40 || true
echo "fuzz.sh: $target ran $(( $(date +%s) - start )) s (log: $log); corpus: $(ls "$corpus" 2>/dev/null | wc -l)" \
    "inputs in $corpus"
after=$(find "$fuzz" -maxdepth 1 -name 'crash-*' 2>/dev/null | wc -l)
if (( after > before )) || (( status != 0 )); then
    echo "fuzz.sh: FINDING (or failure): see the output above and $fuzz/crash-*; replay one by copying it into $inputs" >&2
    exit 1
fi
if [[ "$keep" == --keep ]]; then
    # libFuzzer's merge: of the new inputs, only those that reach code (edges, not hit counts: -use_counters=0) the
    # committed ones do not are copied in, so that the corpus stays small enough to replay in every build.
    scripts/mvn -B -ntp -q -pl "$module" dependency:build-classpath -Dmdep.outputFile=target/fuzz/classpath.txt \
        -Dmdep.includeScope=test >/dev/null
    count=$(ls "$inputs" | wc -l)
    (cd "$module" && "$(../bin/java21)" -XX:+EnableDynamicAgentLoading -Xmx1g -Djava.io.tmpdir=target \
        -cp "target/test-classes:target/classes:$(cat target/fuzz/classpath.txt)" com.code_intelligence.jazzer.Jazzer \
        --target_class="io.pado.protocol.fuzz.$class" --target_method="$method" -merge=1 -use_counters=0 \
        "${inputs#"$module"/}" "${corpus#"$module"/}" 2>&1 | grep -E 'MERGE-OUTER: [0-9]+ new files' || true)
    echo "fuzz.sh: committed corpus $inputs: $count -> $(ls "$inputs" | wc -l) inputs"
fi
