#!/usr/bin/env python3
"""The tables of a run-alloc.sh run: the heap allocated per echoed message by scenario and JVM flags (alloc.tsv), and
the heaviest allocation sites of each scenario's JFR recording (sites.tsv).

    alloc-table.py FOLDER                      # alloc.md's Markdown, from FOLDER/alloc.tsv and FOLDER/sites.tsv
    jfr print --events jdk.ObjectAllocationSample --stack-depth 24 REC | alloc-table.py --sites SCENARIO
                                               # sites.tsv rows: SCENARIO, share %, class, frames
A sample's weight is the bytes it stands for. The recording's own allocations (frames of jdk.jfr or of the JDK's
event classes, jdk.internal.event) and the allocation probe's (EchoServers.probeAllocation) are summed into one row
of their own, not left out of the shares."""
import collections
import os
import re
import statistics
import sys

UNITS = {"bytes": 1, "byte": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}
SITES = 5
FRAMES = 4
MEASUREMENT = "(the recording's and the probe's own)"


def sites(text, scenario):
    """sites.tsv rows for one recording, heaviest first: the SITES heaviest sites, then the measurement's own."""
    weights = collections.Counter()
    own = 0.0
    for event in text.split("jdk.ObjectAllocationSample")[1:]:
        cls = re.search(r"objectClass = (\S+)", event)
        weight = re.search(r"weight = ([\d.,]+) (\w+)", event)
        if not cls or not weight:
            continue
        value = float(weight.group(1).replace(",", "")) * UNITS.get(weight.group(2), 1)
        frames = re.findall(r"^\s+([\w.$<>]+)\(", event, re.M)
        if any(f.startswith(("jdk.jfr.", "jdk.internal.event.")) or f.endswith("EchoServers.probeAllocation")
               for f in frames):
            own += value
            continue
        short = [f.rsplit(".", 2)[-2] + "." + f.rsplit(".", 1)[-1] if f.count(".") >= 1 else f for f in frames]
        weights[(cls.group(1), " ← ".join(short[:FRAMES]))] += value
    total = sum(weights.values()) + own
    rows = []
    for (cls, where), value in weights.most_common(SITES):
        rows.append(f"{scenario}\t{100 * value / total:.1f}\t{cls}\t{where}")
    if own:
        rows.append(f"{scenario}\t{100 * own / total:.1f}\t-\t{MEASUREMENT}")
    return "\n".join(rows)


def table(folder):
    """Markdown: bytes per echoed message, then the sites."""
    lines = ["| scenario | JVM flags added | heap B per echoed message (median) | messages/s |", "|---|---|---:|---:|"]
    with open(os.path.join(folder, "alloc.tsv"), encoding="utf-8") as f:
        for row in f:
            if row.strip():
                server, conns, inflight, payload, flags, per_message, rate = row.rstrip("\n").split("\t")
                flags = "–" if flags == "-" else f"`{flags}`"
                lines.append(f"| {server} echo {conns} x {inflight} x {payload} | {flags} | {per_message} | "
                             f"{int(float(rate)):,} |" if rate not in ("", "-") else f"| {server} echo {conns} x "
                             f"{inflight} x {payload} | {flags} | {per_message} | – |")
    lines += ["", "| scenario | share of the sampled bytes | class | where (innermost first) |", "|---|---:|---|---|"]
    with open(os.path.join(folder, "sites.tsv"), encoding="utf-8") as f:
        for row in f:
            if row.strip():
                scenario, share, cls, where = row.rstrip("\n").split("\t")
                server, conns, inflight, payload = scenario.split()
                lines.append(f"| {server} echo {conns} x {inflight} x {payload} | {share} % | "
                             f"{'–' if cls == '-' else '`' + cls + '`'} | {where} |")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--sites":
        print(sites(sys.stdin.read(), sys.argv[2]))
    elif len(sys.argv) == 2:
        print(table(sys.argv[1]))
    else:
        sys.exit(__doc__)
