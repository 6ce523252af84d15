#!/usr/bin/env python3
"""The measured-run table of docs/CLUSTER.md, from a results directory of scripts/cluster-bench.sh.

    scripts/cluster-table.py docs/results/cluster/<date>-<commit> docs/CLUSTER.md

points the document's '<!-- table:cluster FOLDER -->' marker at that run and runs scripts/tables.py, which makes
the table (with table() below): nothing in it is typed by hand: every number comes from runs.tsv, the machine line
from machine.txt.
"""
import csv
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def table(folder: str, document: str) -> str:
    """The table of the run in FOLDER (relative to the repository), with a link from DOCUMENT to its raw file."""
    results = ROOT / folder
    machine = dict(line.split("\t", 1) for line in (results / "machine.txt").read_text().splitlines() if "\t" in line)
    with open(results / "runs.tsv", newline="") as f:
        runs = list(csv.DictReader(f, delimiter="\t"))
    link = os.path.relpath(folder, os.path.dirname(document) or ".")
    lines = [
        f"Commit `{machine['commit'][:7]}`, {machine['date']}; {machine['cores']} cores ({machine['cpu']}), "
        f"{machine['java']}; nats-server {machine['nats-server'].split()[-1]}, redis-server "
        f"{machine['redis-server'].replace('v=', '')}; load average at start {machine['load_average_at_start']}; "
        f"{machine['pinning']}. Raw: [`{folder}/runs.tsv`]({link}/runs.tsv), command `{machine['command']}`.",
        "",
        "| broker | nodes | members | asked msg/s | acked msg/s | deliveries/s | p50 ms | p99 ms | max ms | missing | duplicates |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        lines.append(f"| {r['broker']} | {r['nodes']} | {r['members']} | {r['rate']} | {r['msgs_per_s']} | "
                     f"{r['deliveries_per_s']} | {r['p50_ms']} | {r['p99_ms']} | {r['max_ms']} | {r['missing']} | "
                     f"{r['duplicates']} |")
    return "\n".join(lines)


def main(results: str, document: str) -> None:
    path = ROOT / document
    text = path.read_text()
    marker = re.compile(r"^<!-- table:cluster \S+ -->$", re.M)
    if not marker.search(text):
        sys.exit(f"cluster-table: {document} has no <!-- table:cluster ... --> marker")
    folder = os.path.relpath(Path(results).resolve(), ROOT)
    path.write_text(marker.sub(f"<!-- table:cluster {folder} -->", text))
    subprocess.run([sys.executable, str(ROOT / "scripts" / "tables.py")], check=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
