#!/usr/bin/env python3
"""The medians of a run-commits.sh run: one column per commit (in the order of their first run), then each later
commit's ratio to the first; a ratio worse than 5 % is marked with ⚠. A run-paired.sh run (it leaves a slices.tsv
beside runs.tsv) has two more columns for its two commits: the median over its pairs of the second commit's rate over
the first's in the same pair, and, for the runs that alternated inside one generator run, the median over them of each
run's median slice ratio; both marked the same way. When an alloc.tsv is there too, two more: each commit's median
over its pairs of the heap its server allocated per echoed message. Usage: commits-table.py runs.tsv"""
import os
import statistics
import sys


def medians_beside(path, name, key, value):
    """key(fields) -> the median of value(fields) over the rows of the file NAME beside runs.tsv (fields: a row's
    tab-separated cells); None if there is no such file. A cell that is no number (a run that measured nothing,
    "-") counts as no row."""
    beside = os.path.join(os.path.dirname(path), name)
    if not os.path.exists(beside):
        return None
    found = {}
    for line in open(beside, encoding="utf-8"):
        if line.strip():
            fields = line.rstrip("\n").split("\t")
            try:
                found.setdefault(key(fields), []).append(float(value(fields)))
            except ValueError:
                pass
    return {k: statistics.median(v) for k, v in found.items()}


def slice_ratios(path):
    """Scenario -> the median of its runs' median slice ratios (slices.tsv: pair, scenario, ratio, slices); {} if
    none."""
    return medians_beside(path, "slices.tsv", lambda f: f[1], lambda f: f[2]) or {}


def allocations(path):
    """(scenario, commit) -> the median of its B/msg values (alloc.tsv: pair, commit, scenario, B/msg); None if no
    file."""
    return medians_beside(path, "alloc.tsv", lambda f: (f[2], f[1]), lambda f: f[3])


def paired_ratios(rows, base, other):
    """Scenario -> the median over pairs (rounds) of other's value over base's in the same pair."""
    by_pair = {}
    for pair, commit, scenario, value, _ in rows:
        try:
            by_pair.setdefault((scenario, pair), {})[commit] = float(value)
        except ValueError:
            pass
    found = {}
    for (scenario, _), values in by_pair.items():
        if values.get(base) and other in values:
            found.setdefault(scenario, []).append(values[other] / values[base])
    return {s: statistics.median(r) for s, r in found.items()}


def mark(ratio):
    return f"{ratio:.3f}{' ⚠' if ratio < 0.95 else ''}"


def table(path):
    rows = [line.rstrip("\n").split("\t") for line in open(path, encoding="utf-8") if line.strip()]
    commits = list(dict.fromkeys(r[1] for r in rows))
    scenarios = list(dict.fromkeys(r[2] for r in rows))
    values = {}
    for _, commit, scenario, value, _ in rows:
        try:
            values.setdefault((scenario, commit), []).append(float(value))
        except ValueError:
            pass  # a run that failed to measure counts as no run
    base = commits[0]
    by_slice = slice_ratios(path)
    by_pair = paired_ratios(rows, base, commits[-1]) if by_slice else {}
    extra_head = f" {commits[-1]}/{base}, paired (median) | slices (median) |" if by_slice else ""
    allocs = allocations(path)
    if allocs is not None:
        extra_head += "".join(f" {c} B/msg (median) |" for c in commits)
    lines = ["| scenario | " + " | ".join(f"{c} (median)" for c in commits) + " | "
             + " | ".join(f"{c}/{base}" for c in commits[1:]) + " | runs |" + extra_head,
             "|---|" + "---:|" * (2 * len(commits) + (2 if by_slice else 0)
                                 + (len(commits) if allocs is not None else 0))]
    for s in scenarios:
        medians = [statistics.median(values[(s, c)]) if values.get((s, c)) else None for c in commits]
        if any(m is None for m in medians):
            continue
        ratios = []
        for m in medians[1:]:
            ratio = m / medians[0] if medians[0] else float("nan")
            # Lower is better for memory: a regression is a ratio above 1.05 there, below 0.95 elsewhere
            worse = ratio > 1.05 if "lower is better" in s else ratio < 0.95
            ratios.append(f"{ratio:.3f}{' ⚠' if worse else ''}")
        runs = "+".join(str(len(values[(s, c)])) for c in commits)
        extra = ""
        if by_slice:
            extra = "".join(" – |" if r is None else f" {mark(r)} |" for r in (by_pair.get(s), by_slice.get(s)))
        if allocs is not None:
            extra += "".join(" – |" if allocs.get((s, c)) is None else f" {allocs[(s, c)]:,.1f} |" for c in commits)
        lines.append(f"| {s} | " + " | ".join(f"{m:,.1f}" for m in medians) + " | " + " | ".join(ratios)
                     + f" | {runs} |" + extra)
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(sys.argv[1]))
