#!/usr/bin/env bash
# Runs pado's JMH benchmarks with -prof gc and prints a Markdown table of the results.
#
#   pado-bench/run-jmh.sh --quick               # smoke run, ~3 minutes: 1 fork, short iterations, 2 sizes
#   pado-bench/run-jmh.sh                       # full run, ~30 minutes: every size, 3 warmups + 5 iterations
#   pado-bench/run-jmh.sh Parse Encode          # only benchmarks matching these regexes
#   pado-bench/run-jmh.sh -- -p size=125        # anything after -- goes to JMH as is
#
# Writes target/jmh.json and target/jmh.md (in pado-bench/). Builds target/benchmarks.jar if it is missing or older
# than the sources. Needs a JDK 21+: $JAVA_HOME if it is one, else the newest under /usr/lib/jvm. Pins to CPU 1
# with taskset when it is available, so a run competes with fewer other processes.
set -euo pipefail
cd "$(dirname "$0")"

quick=false
patterns=()
extra=()
while (($#)); do
    case "$1" in
        --quick) quick=true ;;
        --) shift; extra=("$@"); break ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) patterns+=("$1") ;;
    esac
    shift
done

java_major() { # the feature version of a java binary, 0 if it does not run
    "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | cut -d. -f1 \
        | grep -E '^[0-9]+$' || echo 0
}

java=""
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" && $(java_major "$JAVA_HOME/bin/java") -ge 21 ]]; then
    java="$JAVA_HOME/bin/java"
else
    best=0
    for candidate in /usr/lib/jvm/*/bin/java; do
        [[ -x "$candidate" ]] || continue
        v=$(java_major "$candidate")
        if ((v >= 21 && v > best)); then
            best=$v
            java=$candidate
        fi
    done
fi
if [[ -z "$java" ]]; then
    echo "run-jmh.sh: no JDK 21+ (set JAVA_HOME, or install one under /usr/lib/jvm)" >&2
    exit 1
fi

jar=target/benchmarks.jar
if [[ ! -f $jar ]] || [[ -n $(find src pom.xml ../pado-protocol/src/main -newer "$jar" -type f -print -quit) ]]; then
    echo "run-jmh.sh: building $jar" >&2
    (cd .. && scripts/mvn -B -ntp -q -pl pado-bench -am package -DskipTests)
fi

if $quick; then
    # Two sizes for every benchmark with a size parameter: one small frame, one that needs a 16-bit length. A
    # warmup under a second is too short: pinned to one CPU, the JIT competes with the benchmark for it.
    options=(-f 1 -wi 1 -w 1s -i 1 -r 500ms -p size=126,65536)
else
    options=(-f 1 -wi 3 -w 1s -i 5 -r 1s)
fi

# JDK 23+ warns on sun.misc.Unsafe memory access, and Netty 4.2 stops using it on JDK 25+ unless it is allowed:
# allow it, so that Netty runs with the fast paths it has on JDK 21 (and JMH stops warning). Prepended, so the
# benchmarks' own @Fork(jvmArgsAppend) still apply.
jvm=()
host=()
if (($(java_major "$java") >= 23)); then
    jvm=(-jvmArgsPrepend --sun-misc-unsafe-memory-access=allow)
    host=(--sun-misc-unsafe-memory-access=allow)
fi

pin=()
if command -v taskset >/dev/null && (($(nproc) > 1)); then
    pin=(taskset -c 1)
fi

echo "run-jmh.sh: $java ($("$java" -version 2>&1 | head -1)), ${pin[*]:-not pinned}" >&2
set -x
${pin[@]+"${pin[@]}"} "$java" ${host[@]+"${host[@]}"} -jar "$jar" "${options[@]}" ${jvm[@]+"${jvm[@]}"} -prof gc -rf json -rff target/jmh.json \
    ${patterns[@]+"${patterns[@]}"} ${extra[@]+"${extra[@]}"}
{ set +x; } 2>/dev/null
python3 jmh-table.py target/jmh.json | tee target/jmh.md
