#!/usr/bin/env python3
"""Writes the measured-run table of docs/CLUSTER.md from a results directory of scripts/cluster-bench.sh.

    scripts/cluster-table.py docs/results/cluster/<date>-<commit> docs/CLUSTER.md

The table goes between the lines '<!-- cluster-table:begin -->' and '<!-- cluster-table:end -->'; nothing in it is
typed by hand: every number comes from runs.tsv, the machine line from machine.txt.
"""
import csv
import os
import sys
from pathlib import Path

BEGIN, END = "<!-- cluster-table:begin -->", "<!-- cluster-table:end -->"


def main(results: Path, doc: Path) -> None:
    machine = dict(line.split("\t", 1) for line in (results / "machine.txt").read_text().splitlines() if "\t" in line)
    with open(results / "runs.tsv", newline="") as f:
        runs = list(csv.DictReader(f, delimiter="\t"))
    lines = [
        BEGIN,
        f"Commit `{machine['commit'][:7]}`, {machine['date']}; {machine['cores']} cores ({machine['cpu']}), "
        f"{machine['java']}; nats-server {machine['nats-server'].split()[-1]}, redis-server "
        f"{machine['redis-server'].replace('v=', '')}; load average at start {machine['load_average_at_start']}; "
        f"{machine['pinning']}. Raw: [`{results}/runs.tsv`]({os.path.relpath(results, doc.parent)}/runs.tsv), "
        f"command `{machine['command']}`.",
        "",
        "| broker | nodes | members | asked msg/s | acked msg/s | deliveries/s | p50 ms | p99 ms | max ms | missing | duplicates |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        lines.append(f"| {r['broker']} | {r['nodes']} | {r['members']} | {r['rate']} | {r['msgs_per_s']} | "
                     f"{r['deliveries_per_s']} | {r['p50_ms']} | {r['p99_ms']} | {r['max_ms']} | {r['missing']} | "
                     f"{r['duplicates']} |")
    lines.append(END)
    text = doc.read_text()
    start, end = text.index(BEGIN), text.index(END) + len(END)
    doc.write_text(text[:start] + "\n".join(lines) + text[end:])
    print(f"cluster-table: {len(runs)} runs from {results} into {doc}", file=sys.stderr)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
