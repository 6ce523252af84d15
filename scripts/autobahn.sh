#!/usr/bin/env bash
# pado's conformance driver: checks pado's server or client against the Autobahn|Testsuite's fuzzing client or
# server, and summarises the report with scripts/autobahn-summary.py. The suite is an outside tool: this script
# finds an existing checkout through AUTOBAHN_TESTSUITE, runs its wstest module as it is (through
# scripts/autobahn-wstest.py, which gives it a faster UTF-8 validator at run time), and never fetches, installs, builds
# or changes it. Run with -h for the usage text.
set -euo pipefail

usage() {
  cat <<'EOF'
usage:
  scripts/autobahn.sh server ws://127.0.0.1:PORT [cases]
      Run the suite's fuzzing client (wstest -m fuzzingclient) against a WebSocket server that
      is already running at that URL.  Results are recorded for agent $AUTOBAHN_AGENT (pado).

  scripts/autobahn.sh client [port] [cases] [-- command [args...]]
      Start the suite's fuzzing server (wstest -m fuzzingserver) on 127.0.0.1:port (default
      9001) and wait for a client under test to drive it.  With "-- command", run that command
      (the client's test driver) once the server listens, with AUTOBAHN_URL, AUTOBAHN_AGENT and
      AUTOBAHN_CASE_COUNT in its environment, then stop the server.  Without a command, wait
      until the server stops (the client's last request asks it to write the reports and shut
      down) or Ctrl-C.

  cases: comma-separated case patterns, default "1.*,2.*,...,10.*" (sections 1-10; the suite
         has no section 11, so "11.*" matches nothing).  Compression is "12.*,13.*"; "*" is all.

environment:
  AUTOBAHN_TESTSUITE   suite checkout (required): the repository root, or the directory holding
                       the autobahntestsuite package
  AUTOBAHN_PYTHON      Python 3 with twisted, autobahn, txaio and jinja2 (default /usr/bin/python3)
  AUTOBAHN_AGENT       agent name in the reports (default pado)
  AUTOBAHN_OUT         output directory (default target/autobahn/<mode> in the repository); the
                       spec, the wstest log and the report (report/index.json, report/index.html)
                       go there; its report/ directory is replaced on each run
  AUTOBAHN_EXCLUDE     comma-separated case patterns to exclude (default none)
  AUTOBAHN_TIMEOUT     seconds before the run is abandoned (default 1800)
  AUTOBAHN_SUMMARY_ARGS  extra arguments for scripts/autobahn-summary.py (e.g. --allow-non-strict)
  AUTOBAHN_VALIDATOR   fast (default): the suite checks UTF-8 with scripts/autobahn-wstest.py's validator
                       (CPython's decoder; checked against the suite's own before each run); suite: with its
                       own (wsaccel's or autobahn's pure-Python one: 0.35-0.8 s per MiB of text)

Every socket is on loopback: the server URL must name 127.0.0.1, localhost or [::1]; the suite's
fuzzing server, which listens on every interface, runs with the client driver in a network
namespace that has only a loopback interface (unshare and ip; as root, or with user namespaces).
Exit status: that of scripts/autobahn-summary.py (0 all passed, 1 failing cases, 2 no results),
or 2 on a usage or set-up error.
EOF
}

die() { echo "autobahn.sh: $*" >&2; exit 2; }

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(cd "$script_dir/.." && pwd)"

[[ $# -ge 1 ]] || { usage >&2; exit 2; }
mode="$1"; shift
case "$mode" in
  -h|--help|help) usage; exit 0 ;;
  server|client) ;;
  *) usage >&2; die "unknown mode '$mode'" ;;
esac

# The suite's fuzzing server listens on every interface. In client mode the whole run, suite and client driver, goes
# into a network namespace of its own whose only interface is loopback, so nothing in it can be reached from outside.
if [[ "$mode" == client && -z "${PADO_AUTOBAHN_NETNS:-}" ]]; then
  command -v unshare >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 \
    || die "client mode needs unshare and ip (util-linux, iproute2) to keep the suite's server on loopback"
  exec unshare --net --map-root-user env PADO_AUTOBAHN_NETNS=1 \
    bash -c 'ip link set lo up && exec "$0" client "$@"' "$0" "$@"
fi

default_cases="1.*,2.*,3.*,4.*,5.*,6.*,7.*,8.*,9.*,10.*"
agent="${AUTOBAHN_AGENT:-pado}"
python="${AUTOBAHN_PYTHON:-/usr/bin/python3}"
timeout_s="${AUTOBAHN_TIMEOUT:-1800}"
out="${AUTOBAHN_OUT:-$repo_dir/target/autobahn/$mode}"
[[ "$agent" =~ ^[A-Za-z0-9._-]+$ ]] || die "AUTOBAHN_AGENT must match [A-Za-z0-9._-]+"
[[ "$timeout_s" =~ ^[0-9]+$ ]] || die "AUTOBAHN_TIMEOUT must be a number of seconds"

# ---- arguments -------------------------------------------------------------------------------
url="" port="9001" cases="$default_cases"
client_cmd=()
if [[ "$mode" == server ]]; then
  [[ $# -ge 1 ]] || { usage >&2; die "server mode needs the URL of the running server"; }
  url="$1"; shift
  [[ "$url" =~ ^ws://(127\.[0-9]+\.[0-9]+\.[0-9]+|localhost|\[::1\]):[0-9]+(/.*)?$ ]] \
    || die "server URL must be ws://127.0.0.1:PORT[/path] (loopback only), got '$url'"
  if [[ $# -ge 1 ]]; then cases="$1"; shift; fi
  [[ $# -eq 0 ]] || die "unexpected arguments: $*"
else
  positional=()
  while [[ $# -gt 0 ]]; do
    if [[ "$1" == "--" ]]; then shift; client_cmd=("$@"); break; fi
    positional+=("$1"); shift
  done
  if [[ ${#positional[@]} -ge 1 ]]; then port="${positional[0]}"; fi
  if [[ ${#positional[@]} -ge 2 ]]; then cases="${positional[1]}"; fi
  [[ ${#positional[@]} -le 2 ]] || die "unexpected arguments: ${positional[*]:2}"
  [[ "$port" =~ ^[0-9]+$ && "$port" -ge 1 && "$port" -le 65535 ]] || die "bad port '$port'"
  url="ws://127.0.0.1:$port"
fi

# ---- the suite ---------------------------------------------------------------------------------
[[ -n "${AUTOBAHN_TESTSUITE:-}" ]] || die "AUTOBAHN_TESTSUITE is not set; point it at a checkout of
  the Autobahn|Testsuite (e.g. a clone of github.com/ricardo-valero/autobahn-testsuite)"
[[ -d "$AUTOBAHN_TESTSUITE" ]] || die "AUTOBAHN_TESTSUITE=$AUTOBAHN_TESTSUITE is not a directory"
suite_path=""
for candidate in "$AUTOBAHN_TESTSUITE/autobahntestsuite" "$AUTOBAHN_TESTSUITE"; do
  if [[ -f "$candidate/autobahntestsuite/wstest.py" ]]; then suite_path="$(cd "$candidate" && pwd)"; break; fi
done
[[ -n "$suite_path" ]] || die "no autobahntestsuite/wstest.py under AUTOBAHN_TESTSUITE=$AUTOBAHN_TESTSUITE"
command -v "$python" >/dev/null 2>&1 || die "AUTOBAHN_PYTHON=$python not found"
"$python" -c 'import twisted, autobahn, txaio, jinja2' 2>/dev/null \
  || die "$python lacks twisted/autobahn/txaio/jinja2 (on Debian: apt-get install python3-autobahn
  python3-twisted python3-txaio python3-jinja2, and use /usr/bin/python3)"
command -v timeout >/dev/null 2>&1 || die "needs coreutils 'timeout'"
validator="${AUTOBAHN_VALIDATOR:-fast}"
case "$validator" in
  fast) PYTHONPATH="$suite_path${PYTHONPATH:+:$PYTHONPATH}" "$python" "$script_dir/autobahn-wstest.py" --self-test \
          || die "the fast UTF-8 validator disagrees with the suite's own; run with AUTOBAHN_VALIDATOR=suite" ;;
  suite) ;;
  *) die "AUTOBAHN_VALIDATOR must be fast or suite, got '$validator'" ;;
esac

mkdir -p "$out"
out="$(cd "$out" && pwd)"
report="$out/report"
spec="$out/spec.json"
log="$out/wstest.log"
rm -rf "$report"
mkdir -p "$report"

# write_spec: the run description wstest reads (-s), made from this script's settings; exits 2 on a bad case pattern.
# closeHandshakeTimeout: the suite waits this long for the answer to a Close it sends, but its timers fire on whole
# seconds, so its default of 1 s is anywhere from 0 to 1 s and a fast answer can still be late; 2 s makes the wait at
# least 1 s.
write_spec() {
  "$python" - "$spec" "$mode" "$url" "$agent" "$report" "$cases" "${AUTOBAHN_EXCLUDE:-}" <<'PY'
import json, re, sys
path, mode, url, agent, report, cases, excluded = sys.argv[1:]

def fail(message):
    print(f"autobahn.sh: {message}", file=sys.stderr)
    sys.exit(2)

def patterns(text):
    found = [p.strip() for p in text.split(",") if p.strip()]
    for p in found:
        if not re.fullmatch(r"[0-9.*]+", p):
            fail(f"bad case pattern '{p}' (use e.g. 1.*,7.1.1)")
    return found

spec = {"outdir": report, "cases": patterns(cases), "options": {"closeHandshakeTimeout": 2}}
if not spec["cases"]:
    fail("no case patterns given")
if patterns(excluded):
    spec["exclude-cases"] = patterns(excluded)
if mode == "server":
    spec["servers"] = [{"agent": agent, "url": url}]
else:
    spec["url"] = url
with open(path, "w", encoding="utf-8") as out:
    json.dump(spec, out, indent=2)
PY
}

summarise() {
  local -a extra=()
  if [[ -n "${AUTOBAHN_SUMMARY_ARGS:-}" ]]; then read -r -a extra <<<"$AUTOBAHN_SUMMARY_ARGS"; fi
  if [[ ! -f "$report/index.json" ]]; then
    echo "autobahn.sh: no $report/index.json was written; see $log" >&2
    return 2
  fi
  # as many cases in the report as the suite said it would run: a case missing from the index fails the run
  local expected
  expected="$(sed -n 's/^Ok, will run \([0-9]*\) test cases.*/\1/p' "$log" | head -n1)"
  [[ -n "$expected" ]] && extra+=(--expected "$expected")
  local rc=0
  "$python" "$script_dir/autobahn-summary.py" --agent "$agent" ${extra[@]+"${extra[@]}"} "$report" || rc=$?
  echo "report: $report/index.html"
  return "$rc"
}

run_wstest() { # args for wstest; call it in a subshell: it execs; from $out, so nothing lands in the caller's directory
  cd "$out"
  local -a wstest=(-m autobahntestsuite.wstest)
  if [[ "$validator" == fast ]]; then wstest=("$script_dir/autobahn-wstest.py"); fi
  PYTHONPATH="$suite_path${PYTHONPATH:+:$PYTHONPATH}" exec timeout "$timeout_s" "$python" "${wstest[@]}" "$@"
}

# Stops wstest (pid $1) once its report index is whole. With some autobahn releases (Debian 12's 22.7.1), wstest fails
# on a per-case report written after the index (a close reason that is bytes) and then hangs instead of exiting; the
# index, which the summary reads, is complete by then. Polls once a second; the run's own timeout bounds it.
stop_when_reported() {
  while kill -0 "$1" 2>/dev/null; do
    # the file first: no Python start-up a second beside the suite, which some cases time
    if [[ -f "$report/index.json" ]] \
        && "$python" -c 'import json, sys; json.load(open(sys.argv[1]))' "$report/index.json" 2>/dev/null; then
      for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done # 5 s to exit by itself
      echo "autobahn.sh: wstest had not exited 5 s after writing $report/index.json; stopping it" >&2
      kill "$1" 2>/dev/null || true
      return 0
    fi
    sleep 1
  done
}

# ---- server under test: the suite is the client ---------------------------------------------------
if [[ "$mode" == server ]]; then
  write_spec
  echo "autobahn: fuzzing client -> $url, agent $agent, cases $cases (log: $log)"
  start=$SECONDS
  rc=0
  run_wstest -m fuzzingclient -s "$spec" >"$log" 2>&1 &
  wstest_pid=$!
  stop_when_reported "$wstest_pid"
  wait "$wstest_pid" || rc=$?
  if [[ $rc -eq 124 ]]; then
    echo "autobahn.sh: wstest did not finish within ${timeout_s}s; see $log" >&2
  elif [[ $rc -ne 0 && $rc -ne 143 ]]; then # 143: stopped after its report, above
    echo "autobahn.sh: wstest exited with status $rc; see $log" >&2
  fi
  if grep -q "^Connection to .* failed" "$log"; then
    echo "autobahn.sh: $(grep -m1 '^Connection to .* failed' "$log")" >&2
  fi
  echo "autobahn: ran in $((SECONDS - start))s"
  summarise
  exit $?
fi

# ---- client under test: the suite is the server ----------------------------------------------------
write_spec
# In the background the function runs in a subshell, which execs timeout: $! is the pid that passes a TERM to wstest
run_wstest -m fuzzingserver -s "$spec" -u 0 >"$log" 2>&1 &
server_pid=$!
stop_server() {
  if kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
}
# The driver asks for the reports at its end and waits for the server to close that connection: stop a server that
# hangs after writing them, so that the driver's wait ends
stop_when_reported "$server_pid" &
watcher_pid=$!
trap 'kill "$watcher_pid" 2>/dev/null; stop_server' EXIT
trap 'echo; echo "autobahn: interrupted"; stop_server' INT TERM

# wait until it listens (or dies)
for _ in $(seq 1 100); do
  kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; die "the fuzzing server exited at start-up"; }
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  sleep 0.1
done
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { cat "$log" >&2; die "the fuzzing server is not listening on 127.0.0.1:$port"; }
count="$(sed -n 's/^Ok, will run \([0-9]*\) test cases.*/\1/p' "$log" | head -n1)"

echo "autobahn: fuzzing server listening on $url (pid $server_pid), ${count:-?} cases ($cases), log: $log"

status=0
if [[ ${#client_cmd[@]} -gt 0 ]]; then
  echo "autobahn: running client driver: ${client_cmd[*]}"
  AUTOBAHN_URL="$url" AUTOBAHN_AGENT="$agent" AUTOBAHN_CASE_COUNT="${count:-}" \
    "${client_cmd[@]}" || status=$?
  [[ $status -eq 0 ]] || echo "autobahn.sh: client driver exited with status $status" >&2
  # a report the driver asked for is written, and a hung server stopped, by the watcher: give it 10 s
  for _ in $(seq 1 100); do kill -0 "$watcher_pid" 2>/dev/null || break; sleep 0.1; done
  stop_server
else
  echo "autobahn: waiting for the client (Ctrl-C to stop) ..."
  wait "$server_pid" || true
fi
trap - EXIT INT TERM
kill "$watcher_pid" 2>/dev/null || true
stop_server

rc=0
summarise || rc=$?
if [[ $status -ne 0 && $rc -eq 0 ]]; then rc=1; fi
exit "$rc"
