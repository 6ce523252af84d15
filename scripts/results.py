#!/usr/bin/env python3
"""Makes and stamps the folder of one recorded run: docs/results/<kind>/<date>-<commit>/stamp.json.

    folder=$(scripts/results.py new KIND COMMAND...)    # creates the folder, writes stamp.json, prints its path
    scripts/results.py finish FOLDER STATUS              # adds the end: time, wall time, load, exit status

The run scripts call this when given --record (scripts/conformance.sh, pado-bench/run-all.sh,
pado-bench/run-soak.sh, pado-bench/run-alloc.sh, pado-chat/run-scale.sh; scripts/compare-run.sh and scripts/cluster-bench.sh write their
own machine.txt instead); they copy their raw files into the folder, and
scripts/tables.py makes the tables in docs/ from them. stamp.json says what ran where: the commit (and whether the
work tree had changes outside docs/results/), the date, the command, the machine (nproc, CPU, RAM, kernel, OS),
the JDKs, and the load average at the start and at the end; the scripts make the folder after they built what they
run, so its wall time is the run's. PADO_RESULTS records somewhere else than docs/results
(for trying a script out). Standard library only.
"""
import datetime
import json
import os
import re
import subprocess
import sys

KINDS = ("conformance", "bench", "soak", "scaling", "commits", "alloc")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*command):
    """A command's output, stripped; empty when it cannot run."""
    try:
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def java_version(java):
    """'25.0.3+9 (Eclipse Adoptium)' from a java binary's properties; empty if it does not run."""
    try:
        text = subprocess.run([java, "-XshowSettings:properties", "-version"], capture_output=True, text=True,
                              timeout=60).stderr
    except (OSError, subprocess.SubprocessError):
        return ""
    props = dict(re.findall(r"^\s*(java\.runtime\.version|java\.vendor) = (.*)$", text, re.M))
    return f"{props.get('java.runtime.version', '?')} ({props.get('java.vendor', '?')})"


def load_average():
    with open("/proc/loadavg", encoding="ascii") as f:
        return [float(x) for x in f.read().split()[:3]]


def machine():
    cpu = ""
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="ascii") as f:
        kib = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1))
    os_name = ""
    if os.path.exists("/etc/os-release"):
        with open("/etc/os-release", encoding="utf-8") as f:
            found = re.search(r'^PRETTY_NAME="?([^"\n]*)', f.read(), re.M)
            os_name = found.group(1) if found else ""
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gib": round(kib / 1048576, 1), "kernel": os.uname().release,
            "os": os_name}


def new(kind, command):
    if kind not in KINDS:
        sys.exit(f"results.py: kind must be one of {', '.join(KINDS)}, not {kind!r}")
    commit = run("git", "rev-parse", "HEAD") or "unknown"
    # Changes in the work tree other than recorded results: then the commit alone does not say what ran.
    changes = [line for line in run("git", "status", "--porcelain=v1").splitlines()
               if not line[3:].startswith("docs/results/")]
    now = datetime.datetime.now(datetime.timezone.utc)
    base = os.environ.get("PADO_RESULTS", os.path.join(ROOT, "docs", "results"))
    name = f"{now:%Y-%m-%d}-{commit[:7]}"
    folder = os.path.join(base, kind, name)
    n = 1
    while os.path.exists(folder):
        n += 1
        folder = os.path.join(base, kind, f"{name}-{n}")
    os.makedirs(folder)
    java21 = run(os.path.join(ROOT, "bin", "java21"))
    stamp = {
        "kind": kind,
        "commit": commit,
        "changed_files": len(changes),
        "date": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": " ".join(command),
        "machine": machine(),
        "jdk": {"run": java_version(java21) if java21 else "", "default": java_version("java")},
        "load_start": load_average(),
    }
    write(folder, stamp)
    print(folder)


def finish(folder, status):
    stamp = read(folder)
    start = datetime.datetime.strptime(stamp["date"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    now = datetime.datetime.now(datetime.timezone.utc)
    stamp.update({"finished": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                  "wall_seconds": round((now - start).total_seconds()), "load_end": load_average(),
                  "exit_status": int(status)})
    write(folder, stamp)


def read(folder):
    with open(os.path.join(folder, "stamp.json"), encoding="utf-8") as f:
        return json.load(f)


def write(folder, stamp):
    with open(os.path.join(folder, "stamp.json"), "w", encoding="utf-8") as f:
        json.dump(stamp, f, indent=2)
        f.write("\n")


def main(argv):
    if len(argv) >= 2 and argv[0] == "new":
        new(argv[1], argv[2:])
    elif len(argv) == 3 and argv[0] == "finish":
        finish(argv[1], argv[2])
    else:
        sys.exit(__doc__.split("\n\n")[1])


if __name__ == "__main__":
    main(sys.argv[1:])
