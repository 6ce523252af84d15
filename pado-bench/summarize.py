#!/usr/bin/env python3
"""Turns one run of pado-bench/run-all.sh into results.json, results.md and chart.svg.

Reads, from the results folder given as the only argument:
  load.tsv    run-load.sh's rows: echo scenarios (11 columns) and per-server rows for handshakes, the fixed-rate
              latency run and the broadcast (3 columns);
  memory.md   IdleMemoryPeers' Markdown table;
  machine.txt what run-all.sh recorded about the machine, the JDK, the date and the command.
Writes, into the same folder:
  results.json every number, with pado's ratio against the best peer in each scenario;
  results.md   the tables that docs/BENCHMARKS.md shows;
  chart.svg    pado against the best peer, one bar per scenario (a plain SVG, no plotting library).

The "best peer" is the best server that is not pado (pado, pado-vt, pado-deflate... are all pado) in the same
scenario of the same run. Higher is better for rates, lower for latency and memory; every ratio is written so that
above 1 means pado is ahead.
"""
import json
import os
import re
import sys

PADO_PREFIX = "pado"


def is_pado(server):
    return server == PADO_PREFIX or server.startswith(PADO_PREFIX + "-")


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def read_load(path):
    echo, extra = [], {}
    if not os.path.exists(path):
        return echo, extra
    for line in open(path, encoding="utf-8"):
        cols = line.rstrip("\n").split("\t")
        if len(cols) >= 9:
            row = {
                "server": cols[0], "compression": cols[1] == "true", "connections": int(cols[2]),
                "in_flight": int(cols[3]), "payload": int(cols[4]), "messages_per_s": number(cols[5]),
                "p50_us": number(cols[6]), "p99_us": number(cols[7]), "p999_us": number(cols[8]),
                "server_cpu_pct": number(cols[9]) if len(cols) > 9 else None,
                "generator_cpu_pct": number(cols[10]) if len(cols) > 10 else None,
                "server_alloc_bytes_per_message": number(cols[11]) if len(cols) > 11 else None,
            }
            echo.append(row)
        elif len(cols) == 3:
            server, kind, value = cols
            fields = value.split()
            entry = extra.setdefault(server, {})
            if kind == "rate20k":
                names = ("achieved_per_s", "p50_us", "p99_us", "p999_us", "generator_cpu_pct")
                entry["fixed_rate"] = {n: number(v) for n, v in zip(names, fields)}
            elif kind == "handshakes":
                entry["handshakes_per_s"] = number(fields[0]) if fields else None
                entry["handshake_generator_cpu_pct"] = number(fields[1]) if len(fields) > 1 else None
                entry["handshake_server_cpu_pct"] = number(fields[2]) if len(fields) > 2 else None
                entry["handshake_server_alloc_bytes"] = number(fields[3]) if len(fields) > 3 else None
                rate, cpu = entry["handshakes_per_s"], entry["handshake_server_cpu_pct"]
                # The server's CPU time per cycle: its capacity when the generator, not the server, sets the rate
                entry["handshake_server_cpu_us"] = cpu * 1e4 / rate if rate and cpu is not None else None
            elif kind == "broadcast":
                entry["broadcast_deliveries_per_s"] = number(fields[0]) if fields else None
    return echo, extra


def read_memory(path):
    rows = []
    if not os.path.exists(path):
        return rows
    for line in open(path, encoding="utf-8"):
        m = re.match(r"\|\s*([\w-]+)\s*\|\s*(\d+)\s*\|\s*([-\d.]+) KiB\s*\|\s*([-\d.]+) KiB\s*\|\s*([-\d.]+) KiB", line)
        if m:
            rows.append({"server": m.group(1), "connections": int(m.group(2)), "heap_kib": float(m.group(3)),
                         "native_kib": float(m.group(4)), "total_kib": float(m.group(5))})
    return rows


def compare(values, higher_is_better):
    """values: {server: value}. Returns (best pado server, its value, best peer, its value, ratio > 1 = pado ahead)."""
    pado = {s: v for s, v in values.items() if is_pado(s) and v is not None}
    peers = {s: v for s, v in values.items() if not is_pado(s) and v is not None}
    if not pado or not peers:
        return None
    pick = max if higher_is_better else min
    ps = pick(pado, key=pado.get)
    bs = pick(peers, key=peers.get)
    pv, bv = pado[ps], peers[bs]
    if pv <= 0 or bv <= 0:
        return None
    ratio = pv / bv if higher_is_better else bv / pv
    return {"pado": ps, "pado_value": pv, "peer": bs, "peer_value": bv, "ratio": ratio}


def comparisons(echo, extra, memory):
    out = []
    scenarios = {}
    for row in echo:
        key = (row["compression"], row["connections"], row["in_flight"], row["payload"])
        scenarios.setdefault(key, {})[row["server"]] = row["messages_per_s"]
    for (deflate, conns, inflight, payload), values in sorted(scenarios.items()):
        c = compare(values, True)
        if c:
            label = f"echo {'deflate ' if deflate else ''}{payload} B x {conns} conns"
            out.append({"scenario": label, "metric": "messages/s", "target": 1.2, **c})
    # What each server allocates per echoed message (the target for pado is zero): lower is better.
    allocs = {r["server"]: r.get("server_alloc_bytes_per_message") for r in echo
              if not r["compression"] and r["connections"] == 100 and r["payload"] == 512
              and r.get("server_alloc_bytes_per_message") is not None}
    pado_allocs = {s: v for s, v in allocs.items() if is_pado(s)}
    peer_allocs = {s: v for s, v in allocs.items() if not is_pado(s)}
    if pado_allocs and peer_allocs:
        ps = min(pado_allocs, key=pado_allocs.get)
        bs = min(peer_allocs, key=peer_allocs.get)
        pv, bv = pado_allocs[ps], peer_allocs[bs]
        # Zero is the target: below half a byte per message is zero here (the probe's own objects, spread thin)
        ratio = float("inf") if pv < 0.5 else bv / pv
        out.append({"scenario": "server alloc per echo, 512 B", "metric": "bytes/message", "target": None,
                    "pado": ps, "pado_value": pv, "peer": bs, "peer_value": bv, "ratio": ratio})
    for name, key, target in (("handshake + close", "handshakes_per_s", 1.2),
                              ("broadcast to 1,000", "broadcast_deliveries_per_s", 2.0)):
        c = compare({s: e.get(key) for s, e in extra.items()}, True)
        if c:
            out.append({"scenario": name, "metric": key, "target": target, **c})
    c = compare({s: e.get("handshake_server_cpu_us") for s, e in extra.items()}, False)
    if c:
        out.append({"scenario": "handshake + close, server CPU per cycle", "metric": "handshake_server_cpu_us",
                    "target": None, **c})
    for pct in ("p99_us", "p999_us"):
        # Only servers that kept up with the fixed rate count: a lower latency at a lower rate is no win.
        values = {}
        for s, e in extra.items():
            fr = e.get("fixed_rate") or {}
            if fr.get("achieved_per_s") and fr["achieved_per_s"] >= 19000:
                values[s] = fr.get(pct)
        c = compare(values, False)
        if c:
            out.append({"scenario": f"{pct[:-3]} at 20k msg/s", "metric": pct, "target": 2.0, **c})
    # RSS moves by a few MiB on its own (malloc, the JIT), so native per connection is noisy: heap is shown apart.
    plain_heap = {r["server"]: r["heap_kib"] for r in memory if "-deflate" not in r["server"]}
    c = compare(plain_heap, False)
    if c:
        out.append({"scenario": "idle memory, heap", "metric": "KiB per connection", "target": None, **c})
    plain = {r["server"]: r["total_kib"] for r in memory if "-deflate" not in r["server"]}
    c = compare(plain, False)
    if c:
        out.append({"scenario": "idle memory, heap + native", "metric": "KiB per connection", "target": None, **c})
    deflated = {r["server"]: r["total_kib"] for r in memory if "-deflate" in r["server"]}
    c = compare(deflated, False)
    if c:
        out.append({"scenario": "idle memory, deflate", "metric": "KiB per connection", "target": None, **c})
    return out


def ratio_text(ratio):
    return "∞ (pado at zero)" if ratio == float("inf") else f"{ratio:.2f}×"


def fmt(v, digits=0):
    if v is None:
        return "–"
    if digits == 0:
        return f"{v:,.0f}"
    return f"{v:,.{digits}f}"


def ratio_table(comps):
    """pado against the best peer, one row per scenario (Markdown lines)."""
    lines = ["| scenario | pado | best peer | ratio | target |", "|---|---:|---:|---:|---:|"]
    for c in comps:
        digits = 2 if "KiB" in c["metric"] else 0
        target = "–" if c["target"] is None else f"≥ {c['target']:.1f}×"
        lines.append(f"| {c['scenario']} | {c['pado']}: {fmt(c['pado_value'], digits)} | {c['peer']}: "
                     f"{fmt(c['peer_value'], digits)} | {ratio_text(c['ratio'])} | {target} |")
    return lines


def echo_table(echo):
    """Every echo run (Markdown lines)."""
    lines = ["| server | deflate | conns | in flight | payload | messages/s | p50 µs | p99 µs | p99.9 µs "
             "| server CPU % | generator CPU % | server alloc B/msg |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in echo:
        gen = r["generator_cpu_pct"]
        srv = r["server_cpu_pct"]
        flag = " ⚠" if gen is not None and srv is not None and gen >= 95 and srv < 90 else ""
        lines.append(f"| {r['server']} | {'yes' if r['compression'] else 'no'} | {r['connections']} | "
                     f"{r['in_flight']} | {r['payload']} | {fmt(r['messages_per_s'])} | {fmt(r['p50_us'], 1)} | "
                     f"{fmt(r['p99_us'], 1)} | {fmt(r['p999_us'], 1)} | {fmt(srv)} | {fmt(gen)}{flag} | "
                     f"{fmt(r['server_alloc_bytes_per_message'])} |")
    return lines


def servers_table(extra):
    """Handshakes, the fixed-rate latency run and the broadcast, one row per server (Markdown lines)."""
    lines = ["| server | handshake + close /s | generator CPU % | server CPU % | server CPU µs/cycle "
             "| server alloc B/cycle | achieved at 20k/s | p50 µs | p99 µs | p99.9 µs | broadcast deliveries/s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s, e in extra.items():
        fr = e.get("fixed_rate") or {}
        lines.append(f"| {s} | {fmt(e.get('handshakes_per_s'))} | {fmt(e.get('handshake_generator_cpu_pct'))} | "
                     f"{fmt(e.get('handshake_server_cpu_pct'))} | {fmt(e.get('handshake_server_cpu_us'), 1)} | "
                     f"{fmt(e.get('handshake_server_alloc_bytes'))} | {fmt(fr.get('achieved_per_s'))} | "
                     f"{fmt(fr.get('p50_us'), 1)} | {fmt(fr.get('p99_us'), 1)} | {fmt(fr.get('p999_us'), 1)} | "
                     f"{fmt(e.get('broadcast_deliveries_per_s'))} |")
    return lines


def memory_table(memory):
    """Memory per idle connection, one row per server (Markdown lines)."""
    lines = ["| server | connections | heap KiB | native (RSS) KiB | total KiB |", "|---|---:|---:|---:|---:|"]
    for r in memory:
        lines.append(f"| {r['server']} | {r['connections']} | {r['heap_kib']:.2f} | {r['native_kib']:.2f} | "
                     f"{r['total_kib']:.2f} |")
    return lines


def markdown(echo, extra, memory, comps, machine):
    lines = ["# pado-bench results", ""]
    if machine:
        lines += ["```", machine.strip(), "```", ""]
    lines += ["## pado against the best peer", "",
              "Ratios above 1 mean pado is ahead (for latency and memory: the peer's value divided by pado's).", ""]
    lines += ratio_table(comps)
    lines += ["", "## Echo throughput and latency", "",
              "Closed loop: each connection keeps `in flight` messages outstanding. CPU is in % of one core over the "
              "run; a generator near 100 % while the server is below it means the generator limits the rate "
              "(marked ⚠).", ""]
    lines += echo_table(echo)
    lines += ["", "## Handshakes, latency at a fixed rate, broadcast", ""]
    lines += servers_table(extra)
    if memory:
        lines += ["", "## Memory per idle connection", ""]
        lines += memory_table(memory)
    return "\n".join(lines) + "\n"


def comparisons_from_json(results):
    """The comparisons of a results.json, with a null ratio (pado at zero: JSON has no infinity) made infinite."""
    return [{**c, "ratio": float("inf") if c["ratio"] is None else c["ratio"]} for c in results["comparisons"]]


def chart(comps):
    """Horizontal bars: pado / best peer per scenario, a line at 1 (level) and a tick at each target."""
    width, left, bar_h, gap, top = 760, 230, 18, 8, 40
    rows = [c for c in comps if c["ratio"] > 0]
    height = top + len(rows) * (bar_h + gap) + 40
    finite = [c["ratio"] for c in rows if c["ratio"] != float("inf")]
    max_ratio = max(finite + [c["target"] or 0 for c in rows] + [2.0])
    scale = (width - left - 60) / max_ratio
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="10" y="22" font-size="14" font-weight="bold">pado against the best JVM peer '
           f'(same run; above 1 = pado ahead)</text>']
    for i, c in enumerate(rows):
        y = top + i * (bar_h + gap)
        w = min(c["ratio"], max_ratio) * scale  # an infinite ratio (pado at zero) fills the row
        ahead = c["ratio"] >= (c["target"] or 1.0)
        colour = "#2b7bb9" if ahead else "#e08a3c"
        svg.append(f'<text x="{left - 8}" y="{y + 13}" text-anchor="end">{c["scenario"]}</text>')
        svg.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}"/>')
        svg.append(f'<text x="{left + w + 4:.1f}" y="{y + 13}">{ratio_text(c["ratio"])} vs {c["peer"]}</text>')
        if c["target"]:
            tx = left + c["target"] * scale
            svg.append(f'<line x1="{tx:.1f}" y1="{y - 2}" x2="{tx:.1f}" y2="{y + bar_h + 2}" stroke="black" '
                       f'stroke-dasharray="3,2"/>')
    one = left + scale
    svg.append(f'<line x1="{one:.1f}" y1="{top - 6}" x2="{one:.1f}" y2="{height - 30}" stroke="#888"/>')
    svg.append(f'<text x="{one:.1f}" y="{height - 16}" text-anchor="middle">1× (level)</text>')
    svg.append(f'<text x="{width - 10}" y="{height - 16}" text-anchor="end">dashed: target; blue: target met</text>')
    svg.append("</svg>")
    return "\n".join(svg) + "\n"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: summarize.py RESULTS_DIR")
    folder = sys.argv[1]
    echo, extra = read_load(os.path.join(folder, "load.tsv"))
    memory = read_memory(os.path.join(folder, "memory.md"))
    machine_path = os.path.join(folder, "machine.txt")
    machine = open(machine_path, encoding="utf-8").read() if os.path.exists(machine_path) else ""
    comps = comparisons(echo, extra, memory)
    with open(os.path.join(folder, "results.json"), "w", encoding="utf-8") as f:
        # JSON has no infinity: a ratio against pado at zero is written as null
        plain = [{**c, "ratio": None if c["ratio"] == float("inf") else c["ratio"]} for c in comps]
        json.dump({"machine": machine, "echo": echo, "servers": extra, "memory": memory, "comparisons": plain}, f,
                  indent=2, allow_nan=False)
    with open(os.path.join(folder, "results.md"), "w", encoding="utf-8") as f:
        f.write(markdown(echo, extra, memory, comps, machine))
    if comps:
        with open(os.path.join(folder, "chart.svg"), "w", encoding="utf-8") as f:
            f.write(chart(comps))
    print(os.path.join(folder, "results.md"))


if __name__ == "__main__":
    main()
