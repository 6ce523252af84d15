#!/usr/bin/env python3
"""Prints JMH JSON results (-rf json) as Markdown tables: one per benchmark class, one row per parameter set.

Each row shows ops/s per implementation, pado's MB/s, bytes allocated per op (gc.alloc.rate.norm, from -prof gc)
and pado's throughput divided by the best peer's in the same run (> 1: pado is faster).

    python3 jmh-table.py target/jmh.json
"""
import json
import sys
from collections import OrderedDict

SUBJECT = "pado"
# Methods that are floors to compare against, not peers: never the "best peer".
REFERENCES = {"jdkString"}
ROLES = ("Server", "Client")
SIZE_PARAMS = ("size", "messageBytes")


def split(method):
    """'nettyServer' -> ('netty', 'Server'); 'jdkDecoder' -> ('jdkDecoder', '')."""
    for role in ROLES:
        if method.endswith(role) and len(method) > len(role):
            return method[: -len(role)], role
    return method, ""


def human(x):
    if x is None:
        return "–"
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= limit:
            return f"{x / limit:.3g} {suffix}"
    return f"{x:.3g}"


def tables(results, heading="###"):
    """The Markdown tables of a JMH JSON result list, each under its class name, then a note on the columns."""
    out = []
    classes = OrderedDict()
    for r in results:
        cls, method = r["benchmark"].rsplit(".", 2)[-2:]
        impl, role = split(method)
        params = r.get("params", {})
        row_key = (role,) + tuple(sorted(params.items(), key=lambda kv: kv[0]))
        alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
        table = classes.setdefault(cls, {"impls": [], "rows": OrderedDict(), "params": []})
        if impl not in table["impls"]:
            table["impls"].append(impl)
        for name in params:
            if name not in table["params"]:
                table["params"].append(name)
        table["rows"].setdefault(row_key, {"role": role, "params": params, "cells": {}})
        table["rows"][row_key]["cells"][impl] = (r["primaryMetric"]["score"], alloc)

    for cls, table in classes.items():
        impls = sorted(table["impls"], key=lambda i: (i != SUBJECT, i))
        peers = [i for i in impls if i != SUBJECT]
        has_role = any(row["role"] for row in table["rows"].values())
        out += ["", f"{heading} {cls}", ""]
        head = (["role"] if has_role else []) + table["params"]
        head += [f"{i} ops/s" for i in impls] + [f"{SUBJECT} MB/s"] + [f"{i} B/op" for i in impls]
        head += [f"{SUBJECT} ÷ best peer"]
        out.append("| " + " | ".join(head) + " |")
        out.append("|" + "|".join("---" if k < len(head) - len(impls) * 2 - 2 else "---:" for k in range(len(head)))
                   + "|")

        def order(item):
            row = item[1]
            return (row["role"],) + tuple(
                (0, int(v)) if str(v).isdigit() else (1, str(v)) for _, v in sorted(row["params"].items()))

        for _, row in sorted(table["rows"].items(), key=order):
            cells = row["cells"]
            line = ([row["role"]] if has_role else []) + [str(row["params"].get(p, "")) for p in table["params"]]
            line += [human(cells[i][0]) if i in cells else "–" for i in impls]
            size = next((int(row["params"][p]) for p in SIZE_PARAMS if p in row["params"]), None)
            subject = cells.get(SUBJECT)
            line.append(human(subject[0] * size / 1e6) if subject and size else "–")
            line += [f"{cells[i][1]:.0f}" if i in cells and cells[i][1] is not None else "–" for i in impls]
            candidates = [(cells[i][0], i) for i in peers if i in cells and i not in REFERENCES]
            if subject and candidates:
                best, best_name = max(candidates)
                ratio = subject[0] / best
                line.append(f"{'**' if ratio < 1 else ''}{ratio:.2f}{'**' if ratio < 1 else ''} ({best_name})")
            else:
                line.append("–")
            out.append("| " + " | ".join(line) + " |")
    out += ["", "ops/s: higher is better. MB/s: payload bytes (10^6) per second. B/op: bytes allocated per operation "
            "(gc.alloc.rate.norm). Ratios below 1 (pado slower) are in bold."
            + (" jdkString (new String, not a validator) is shown as a floor and never counted as the best peer."
               if any("jdkString" in t["impls"] for t in classes.values()) else "")]
    return "\n".join(out) + "\n"


def main(path):
    with open(path, encoding="utf-8") as f:
        print(tables(json.load(f)), end="")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: jmh-table.py target/jmh.json")
    main(sys.argv[1])
