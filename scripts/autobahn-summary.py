#!/usr/bin/env python3
"""Summarise an Autobahn|Testsuite report (index.json) per section.

Usage:
    scripts/autobahn-summary.py [--markdown] [--agent NAME] [--allow-non-strict] [--expected N] REPORT

REPORT is the suite's report directory (the spec's "outdir") or the index.json in it (also one that
scripts/conformance.sh --record wrote, whose "_pado" entry is skipped).

Prints, per agent found in the report (or only --agent), two tables keyed by section
(1, 2, ... 13): the number of cases per behaviour (OK, NON-STRICT, INFORMATIONAL,
UNIMPLEMENTED, FAILED) and per close behaviour, then every case that is not OK on both
counts.  --markdown prints the same as Markdown (for docs/CONFORMANCE.md).

Exit status: 0 when every case passes, 1 when a case fails, 2 on a usage or input error.
A case fails when its behaviour or close behaviour is FAILED, or when its behaviour is
neither INFORMATIONAL nor UNIMPLEMENTED and its behaviour or close behaviour is not OK
(--allow-non-strict accepts a NON-STRICT behaviour), and when the report holds fewer cases than
--expected.  Standard library only.
"""

import argparse
import json
import os
import sys

SECTION_NAMES = {
    "0": "Handshake",
    "1": "Framing",
    "2": "Pings/Pongs",
    "3": "Reserved bits",
    "4": "Opcodes",
    "5": "Fragmentation",
    "6": "UTF-8 handling",
    "7": "Close handling",
    "8": "Misc",
    "9": "Limits/performance",
    "10": "Misc",
    "12": "Compression (payloads)",
    "13": "Compression (parameters)",
}

BEHAVIOURS = ["OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED"]
CLOSE_BEHAVIOURS = ["OK", "INFORMATIONAL", "UNIMPLEMENTED", "WRONG CODE", "UNCLEAN",
                    "FAILED BY CLIENT", "FAILED"]
OTHER = "other"
LENIENT = ("INFORMATIONAL", "UNIMPLEMENTED")


def case_key(case_id):
    """Numeric sort key for ids such as '1.1.10' or '12.3.2'."""
    key = []
    for part in case_id.split("."):
        key.append((0, int(part), "") if part.isdigit() else (1, 0, part))
    return key


def is_failure(result, allow_non_strict):
    behaviour = result.get("behavior")
    close = result.get("behaviorClose")
    if behaviour == "FAILED" or close == "FAILED":
        return True
    if behaviour in LENIENT:
        return False
    if behaviour == "NON-STRICT" and allow_non_strict:
        return close != "OK"
    return behaviour != "OK" or close != "OK"


def tally(cases):
    """Return {section: {"total", "ms", "b": {beh: n}, "c": {close: n}}} ordered by section."""
    sections = {}
    for case_id, result in cases.items():
        section = case_id.split(".", 1)[0]
        row = sections.setdefault(section, {"total": 0, "ms": 0, "b": {}, "c": {}})
        row["total"] += 1
        row["ms"] += int(result.get("duration") or 0)
        behaviour = result.get("behavior")
        close = result.get("behaviorClose")
        behaviour = behaviour if behaviour in BEHAVIOURS else OTHER
        close = close if close in CLOSE_BEHAVIOURS else OTHER
        row["b"][behaviour] = row["b"].get(behaviour, 0) + 1
        row["c"][close] = row["c"].get(close, 0) + 1
    return dict(sorted(sections.items(), key=lambda kv: case_key(kv[0])))


def table_rows(sections, kind, columns):
    extra = any(row[kind].get(OTHER) for row in sections.values())
    cols = columns + ([OTHER] if extra else [])
    header = ["section", "name", "cases"] + cols
    rows = []
    total = {"total": 0, kind: {}}
    for section, row in sections.items():
        rows.append([section, SECTION_NAMES.get(section, "?"), str(row["total"])]
                    + [str(row[kind].get(c, 0)) for c in cols])
        total["total"] += row["total"]
        for c in cols:
            total[kind][c] = total[kind].get(c, 0) + row[kind].get(c, 0)
    rows.append(["all", "", str(total["total"])] + [str(total[kind][c]) for c in cols])
    return header, rows


def render(header, rows, markdown):
    out = []
    if markdown:
        out.append("| " + " | ".join(header) + " |")
        out.append("|" + "|".join("---" if i < 2 else "---:" for i in range(len(header))) + "|")
        for i, row in enumerate(rows):
            cells = row if i < len(rows) - 1 else ["**" + c + "**" if c else c for c in row]
            out.append("| " + " | ".join(cells) + " |")
    else:
        widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
        def fmt(r):
            return "  ".join(c.ljust(w) if i < 2 else c.rjust(w)
                             for i, (c, w) in enumerate(zip(r, widths))).rstrip()
        out.append(fmt(header))
        out.append("  ".join("-" * w for w in widths))
        out.extend(fmt(r) for r in rows[:-1])
        out.append("  ".join("-" * w for w in widths))
        out.append(fmt(rows[-1]))
    return "\n".join(out)


def summarise(agent, cases, markdown, allow_non_strict):
    """Print the tables for one agent; return the ids of failing cases."""
    sections = tally(cases)
    heading = "## " if markdown else "== "
    print(f"{heading}Autobahn|Testsuite results for agent `{agent}` ({len(cases)} cases)"
          if markdown else f"{heading}agent {agent}: {len(cases)} cases")
    print()
    print("### Behaviour per section" if markdown else "Behaviour per section:")
    if markdown:
        print()
    print(render(*table_rows(sections, "b", BEHAVIOURS), markdown))
    print()
    print("### Close behaviour per section" if markdown else "Close behaviour per section:")
    if markdown:
        print()
    print(render(*table_rows(sections, "c", CLOSE_BEHAVIOURS), markdown))
    print()

    not_ok = [(cid, r) for cid, r in sorted(cases.items(), key=lambda kv: case_key(kv[0]))
              if r.get("behavior") != "OK" or r.get("behaviorClose") != "OK"]
    failing = [cid for cid, r in not_ok if is_failure(r, allow_non_strict)]
    print("### Cases that are not OK" if markdown else "Cases that are not OK:")
    print()
    if not not_ok:
        print("None." if markdown else "  (none)")
    else:
        header = ["case", "behaviour", "close behaviour", "close code", "verdict"]
        rows = [[cid, str(r.get("behavior")), str(r.get("behaviorClose")),
                 str(r.get("remoteCloseCode")),
                 "FAIL" if cid in failing else "accepted"] for cid, r in not_ok]
        if markdown:
            print("| " + " | ".join(header) + " |")
            print("|" + "---|" * len(header))
            for row in rows:
                print("| " + " | ".join(row) + " |")
        else:
            widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
            for row in [header] + rows:
                print("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
    print()
    return failing


def main(argv):
    parser = argparse.ArgumentParser(
        description="Summarise an Autobahn|Testsuite index.json per section.")
    parser.add_argument("report", nargs="+",
                        help="report directory (spec outdir) or its index.json; several are merged, so the groups of "
                             "scripts/conformance.sh compression read as one run")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--agent", help="only this agent (default: every agent in the report)")
    parser.add_argument("--allow-non-strict", action="store_true",
                        help="do not count a NON-STRICT behaviour as a failure")
    parser.add_argument("--expected", type=int,
                        help="the number of cases the run was to have: fewer in the report is a failure")
    args = parser.parse_args(argv)

    index = {}
    for path in args.report:
        if os.path.isdir(path):
            path = os.path.join(path, "index.json")
        try:
            with open(path, encoding="utf-8") as f:
                part = json.load(f)
        except (OSError, ValueError) as e:
            print(f"autobahn-summary: cannot read {path}: {e}", file=sys.stderr)
            return 2
        if not isinstance(part, dict) or not part:
            print(f"autobahn-summary: {path} holds no results (did the peer run at all?)",
                  file=sys.stderr)
            return 2
        for agent, cases in part.items():
            if agent.startswith("_"):  # what scripts/conformance.sh --record writes about the run, not an agent
                continue
            index.setdefault(agent, {}).update(cases)
    path = ", ".join(args.report)

    agents = sorted(index, key=str)
    if args.agent is not None:
        if args.agent not in index:
            print(f"autobahn-summary: agent {args.agent!r} not in {path} (found: "
                  + ", ".join(map(str, agents)) + ")", file=sys.stderr)
            return 2
        agents = [args.agent]

    failing = {}
    for agent in agents:
        cases = index[agent]
        if not cases:
            print(f"autobahn-summary: agent {agent!r} has no case results", file=sys.stderr)
            return 2
        bad = summarise(agent, cases, args.markdown, args.allow_non_strict)
        if bad:
            failing[agent] = bad

    missing = {agent: args.expected - len(index[agent]) for agent in agents
               if args.expected is not None and len(index[agent]) < args.expected}
    for agent, n in missing.items():
        print(f"FAIL: agent {agent}: {n} of {args.expected} cases are not in the report")
    if failing:
        for agent, bad in failing.items():
            print(f"FAIL: agent {agent}: {len(bad)} failing case(s): " + ", ".join(bad))
        return 1
    if missing:
        return 1
    print("PASS: no failing cases" + (" (NON-STRICT accepted)" if args.allow_non_strict else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
