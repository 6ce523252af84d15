#!/usr/bin/env python3
"""Makes the generated parts of README.md and docs/*.md: measured tables from the raw results committed under
docs/results/, and the guide's code from the compiled example sources.

    scripts/tables.py            # rewrites every generated part in place
    scripts/tables.py --check    # changes nothing; exit 1 and a diff if a document differs from what it would write

A measured table sits between two marker comments that name what it shows and the run it comes from:

    <!-- table:conformance-server docs/results/conformance/2026-12-07-abc1234 -->
    (generated: never edit by hand)
    <!-- /table -->

A code block of the guide sits between markers that name a tagged region of a source file, whose lines between
`// tag::NAME[]` and `// end::NAME[]` it shows (less their common indentation; lines of other tags' markers are left
out). Every ```java block of docs/GUIDE.md must be one:

    <!-- snippet:pado/src/test/java/io/pado/examples/EchoServer.java#echo-server -->
    ```java
    ...
    ```
    <!-- /snippet -->

GeneratedDocsTest (in pado) runs --check on every build. The tables are below in TABLES, each a function of a run's
folder (see scripts/results.py for what a folder holds). Standard library only.
"""
import difflib
import glob
import importlib.util
import json
import os
import re
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCUMENTS = ["README.md"] + sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "docs", "*.md")))
GUIDE = "docs/GUIDE.md"
TABLE = re.compile(r"^<!-- table:(?P<name>[\w-]+) (?P<folder>\S+) -->\n(?P<body>.*?)^<!-- /table -->$", re.M | re.S)
SNIPPET = re.compile(r"^<!-- snippet:(?P<file>[^#\s]+)#(?P<tag>[\w-]+) -->\n(?P<body>.*?)^<!-- /snippet -->$",
                     re.M | re.S)
TAG_LINE = re.compile(r"^\s*// (tag|end)::([\w-]+)\[\]\s*$")


class Problem(Exception):
    """A marker that cannot be filled: a missing run, file or tag."""


def load(name, path):
    """A module from a file of this repository (the run scripts' own Python, so tables and their reports agree)."""
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


summary = load("autobahn_summary", "scripts/autobahn-summary.py")
bench = load("summarize", "pado-bench/summarize.py")
jmh = load("jmh_table", "pado-bench/jmh-table.py")
cluster = load("cluster_table", "scripts/cluster-table.py")
commits = load("commits_table", "pado-bench/commits-table.py")
alloc = load("alloc_table", "pado-bench/alloc-table.py")


# ---- a run's folder -------------------------------------------------------------------------------------------------

def read_text(folder, name):
    path = os.path.join(ROOT, folder, name)
    if not os.path.isfile(path):
        raise Problem(f"{folder}/{name} does not exist")
    with open(path, encoding="utf-8") as f:
        return f.read()


def read_json(folder, name):
    return json.loads(read_text(folder, name))


def stamp(folder):
    s = read_json(folder, "stamp.json")
    if "finished" not in s:
        raise Problem(f"{folder}: the run did not finish (stamp.json has no end)")
    return s


def minutes(seconds):
    return f"{seconds} s" if seconds < 120 else f"{seconds / 60:.0f} min"


def table_stamp(folder, document):
    """What ran, where and when: from stamp.json."""
    s = stamp(folder)
    m = s["machine"]
    changed = f", with {s['changed_files']} uncommitted changes" if s.get("changed_files") else ""
    rows = [
        ("command", f"`{s['command']}`: {minutes(s['wall_seconds'])}, exit status {s['exit_status']}"),
        ("commit", f"{s['commit'][:7]}{changed}"),
        ("date", f"{s['date'][:10]} {s['date'][11:16]} UTC"),
        ("machine", f"`nproc` = {m['nproc']}, {m['cpu']}, {m['ram_gib']} GiB RAM, {m['os']}, Linux {m['kernel']}"),
        ("JDK", f"{s['jdk']['run']}; the default java (Maven's): {s['jdk']['default']}"),
        ("load average", f"{' / '.join(map(str, s['load_start']))} at the start, "
                         f"{' / '.join(map(str, s['load_end']))} at the end (1, 5, 15 minutes)"),
        ("raw files", f"[`{folder}/`]({os.path.relpath(folder, os.path.dirname(document) or '.')}/)"),
    ]
    if s["kind"] == "conformance":
        meta = read_json(folder, "server-index.json")["_pado"]
        rows.insert(1, ("suite", f"{meta['suite']}, autobahn {meta['autobahn']}, Twisted {meta['twisted']}, "
                                 f"Python {meta['python']}, UTF-8 validator: {meta['utf8_validator']}"))
    return "\n".join(["| | |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows])


# ---- conformance ----------------------------------------------------------------------------------------------------

def conformance(folder, side):
    index = read_json(folder, f"{side}-index.json")
    meta = index.pop("_pado")
    cases = index["pado"]
    sections = summary.tally(cases)
    lines = ["| section | cases | OK | NON-STRICT | INFORMATIONAL | UNIMPLEMENTED | FAILED | close OK "
             "| close not OK | passed (strict) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    totals = [0] * 9
    for section, row in sections.items():
        ids = [c for c in cases if c.split(".", 1)[0] == section]
        passed = sum(1 for c in ids if not summary.is_failure(cases[c], False))
        close_ok = row["c"].get("OK", 0)
        values = [row["total"]] + [row["b"].get(b, 0) for b in summary.BEHAVIOURS] \
            + [close_ok, row["total"] - close_ok, passed]
        totals = [t + v for t, v in zip(totals, values)]
        lines.append(f"| {section} {summary.SECTION_NAMES.get(section, '?')} | "
                     + " | ".join(str(v) for v in values) + " |")
    lines.append("| **all** | " + " | ".join(f"**{t}**" for t in totals) + " |")
    not_ok = sorted((c for c, r in cases.items() if r.get("behavior") != "OK" or r.get("behaviorClose") != "OK"),
                    key=summary.case_key)
    lines.append("")
    if not_ok:
        lines.append("Not OK: " + ", ".join(
            f"{c} ({cases[c].get('behavior')}, close {cases[c].get('behaviorClose')}, "
            f"{'FAILS' if summary.is_failure(cases[c], False) else 'passes'})" for c in not_ok) + ".")
    else:
        lines.append("Every case OK, every close clean.")
    lines.append(f"Cases {meta['cases']}; this side ran {minutes(meta['wall_seconds'])}.")
    return "\n".join(lines)


# ---- benchmarks -----------------------------------------------------------------------------------------------------

def bench_results(folder):
    return read_json(folder, "results.json")


def table_bench_ratios(folder):
    return "\n".join(bench.ratio_table(bench.comparisons_from_json(bench_results(folder))))


def table_bench_echo(folder):
    return "\n".join(bench.echo_table(bench_results(folder)["echo"]))


def table_bench_servers(folder):
    return "\n".join(bench.servers_table(bench_results(folder)["servers"]))


def table_bench_memory(folder):
    return "\n".join(bench.memory_table(bench_results(folder)["memory"]))


def table_bench_jmh(folder):
    return jmh.tables(read_json(folder, "jmh.json"), heading="####").strip("\n")


# ---- soak, scaling, comparison --------------------------------------------------------------------------------------

SOAK_ROWS = {"connections": "connections", "sessions": "sessions", "heapUsed (MiB)": "heap used after GC (MiB)",
             "directCount": "direct buffers", "directBytes (MiB)": "direct buffer bytes (MiB)",
             "nmtCommitted (MiB)": "NMT committed (MiB)", "rss (MiB)": "RSS (MiB)",
             "rssTrimmed (MiB)": "RSS after trim_native_heap (MiB)", "fds": "file descriptors",
             "threads": "platform threads"}


def table_soak_report(folder):
    """The soak client's counts and its verdict, as it printed them: every failed check, the passed ones counted."""
    log = read_text(folder, "soak.log").splitlines()
    keep = [line for line in log if re.match(r"(soak|warm-up|well-behaved|hostile|server closes|FAIL|  failure)", line)]
    passed = sum(1 for line in log if line.startswith("PASS  "))
    verdict = [line for line in log if line.startswith("SOAK ")]
    if not verdict:
        raise Problem(f"{folder}/soak.log has no verdict (SOAK PASSED or SOAK FAILED)")
    return "\n".join(["```"] + keep + [f"({passed} checks passed)", verdict[-1], "```"])


def table_soak_memory(folder):
    """The server's stats: fresh, after the warm-up round, after the soak round."""
    log = read_text(folder, "soak.log").splitlines()
    rows = [line for line in log if line.startswith("| ") and not line.startswith("| server |")]
    if not rows:
        raise Problem(f"{folder}/soak.log has no server stats table")
    out = ["| server | fresh | after warm-up | after soak | growth (soak − warm-up) |", "|---|---:|---:|---:|---:|"]
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        out.append("| " + " | ".join([SOAK_ROWS.get(cells[0], cells[0])] + cells[1:]) + " |")
    return "\n".join(out)


def table_scaling(folder):
    rows = [line for line in read_text(folder, "scale.log").splitlines() if line.startswith("|")]
    if len(rows) < 3:
        raise Problem(f"{folder}/scale.log has no results table")
    return "\n".join(rows)


def table_compare(folder, document):
    """scripts/compare-run.sh's run: the machine line and what bin/pado compare printed (run.txt)."""
    machine = dict(line.split("\t", 1) for line in read_text(folder, "machine.txt").splitlines() if "\t" in line)
    link = os.path.relpath(folder, os.path.dirname(document) or ".")
    where = (f"{machine['cores']} cores ({machine['cpu']}), {machine['os']}, {machine['java']}, everything on "
             f"127.0.0.1, load average {machine['load_average_at_start']} at the start and "
             f"{machine['load_average_at_end']} at the end, {machine['date'][:10]}, commit {machine['commit'][:7]}; "
             f"raw result in [`{folder}`]({link}/run.txt):")
    return ("\n".join(textwrap.wrap(where, 116, break_on_hyphens=False)) + "\n\n```\n"
            + f"$ {machine['command'].strip()}\n{read_text(folder, 'run.txt')}```")


# ---- wss:// and many connections (issue 22) -------------------------------------------------------------------------

# run-connections.sh's columns in connections.tsv, in its order
CONNECTION_COLUMNS = ["server", "connections", "open_s", "heap_b", "rss_b", "slab_b", "cpu_percent", "us_per_conn",
                      "ping_p50", "ping_p99", "ping_p999", "ping_max", "echo_p50", "lost", "hold_s"]
LOG_HEAD = re.compile(r"^# (?P<date>\S+) (?P<time>\S+) UTC commit (?P<commit>\S+) server (?P<server>\S+) connections "
                      r"(?P<connections>\d+) hold (?P<hold>\d+) s ping every (?P<ping>\d+) s active (?P<active>\d+) "
                      r"heap (?P<heap>\S+) sources (?P<sources>\d+)$")
CONNECTIONS_PER_SOURCE = 20000  # run-connections.sh: one source address per 20,000 connections


def grouped(value):
    """A number as the raw file has it, with thousands separators on its whole part: 19500 → 19,500; 17.36 stays."""
    whole, dot, fraction = value.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}{dot}{fraction}"


def connection_rows(folder):
    rows = []
    for line in read_text(folder, "connections.tsv").splitlines():
        cells = line.split("\t")
        if len(cells) != len(CONNECTION_COLUMNS):
            raise Problem(f"{folder}/connections.tsv: want {len(CONNECTION_COLUMNS)} columns, not {len(cells)}: "
                          f"{line!r}")
        rows.append(dict(zip(CONNECTION_COLUMNS, cells)))
    if not rows:
        raise Problem(f"{folder}/connections.tsv has no rows")
    return rows


def connection_log(folder, row):
    """The first line of a row's raw client log: when, at which commit, and the run's arguments."""
    name = f"connections-{row['server']}-{row['connections']}.log"
    lines = read_text(folder, name).splitlines()
    head = LOG_HEAD.match(lines[0]) if lines else None
    if not head:
        raise Problem(f"{folder}/{name} does not start with its run line")
    jdk = lines[1].split("; ", 1)[1] if len(lines) > 1 and "; " in lines[1] else "?"
    return dict(head.groupdict(), jdk=jdk)


def table_connections(folder):
    """run-connections.sh's rows (connections.tsv), with what each run was asked to do (its log's first line)."""
    lines = ["| server | connections | hold s | Ping every s | active | open all, s | heap B/conn | RSS B/conn "
             "| kernel slab B/conn (both ends) | server CPU % over the hold | µs CPU/conn/s | ping p50 µs "
             "| ping p99 µs | ping p99.9 µs | ping max µs | echo p50 µs | lost |",
             "|---|" + "---:|" * 16]
    logs = []
    for row in connection_rows(folder):
        log = connection_log(folder, row)
        logs.append(log)
        if log["server"] != row["server"] or log["connections"] != row["connections"] or log["hold"] != row["hold_s"]:
            raise Problem(f"{folder}: the log of {row['server']} {row['connections']} is not that of its row")
        lines.append(f"| {row['server']} | {grouped(row['connections'])} | {row['hold_s']} | {log['ping']} | "
                     f"{grouped(log['active'])} | " + " | ".join(grouped(row[c]) for c in CONNECTION_COLUMNS[2:14])
                     + " |")
    distinct = lambda key: ", ".join(dict.fromkeys(log[key] for log in logs))
    lines += ["", "\n".join(textwrap.wrap(
        f"From each run's log (`connections-SERVER-N.log`): started {distinct('date')} at "
        f"{min(log['time'] for log in logs)}-{max(log['time'] for log in logs)} UTC, commit {distinct('commit')}, "
        f"heap {distinct('heap')}, {distinct('jdk')}.", 116, break_on_hyphens=False))]
    return "\n".join(lines)


def tls_rows(folder):
    """run-tls.sh's tls.tsv: echo rows and handshake rows per server. Its printf had one field too few for an echo
    row, so runs made with it (09717ef's) have the row's last value, the generator's CPU, on a line of its own ("10",
    "echo" and empty cells): that line is joined back to its row."""
    echo, handshakes, order, last = {}, {}, [], None
    for line in read_text(folder, "tls.tsv").splitlines():
        cells = line.split("\t")
        if len(cells) >= 2 and cells[1] == "echo" and cells[0].isdigit() and not any(cells[2:]):
            if last is None or len(last) != 10:
                raise Problem(f"{folder}/tls.tsv: a generator CPU line with no echo row before it")
            last.append(cells[0])
            continue
        if cells[0] not in order:
            order.append(cells[0])
        if cells[1] == "echo":
            # server echo connections in-flight payload messages/s p50 p99 p99.9 server-CPU% [generator-CPU%]
            last = cells
            echo.setdefault(cells[0], []).append(cells)
        elif cells[1] in ("handshakes", "handshakes-resume"):
            # cycles/s, generator CPU %, % resumed, server CPU %
            handshakes.setdefault(cells[0], {})[cells[1]] = cells[2].split()
        else:
            raise Problem(f"{folder}/tls.tsv: unknown row {line!r}")
    return order, echo, handshakes


def tls_idle(folder):
    """IdleMemoryPeers' table as run-tls.sh printed it in tls.md: server → (connections, heap, RSS per connection)."""
    text = read_text(folder, "tls.md")
    if "Heap per idle wss:// connection" not in text:
        raise Problem(f"{folder}/tls.md has no idle memory table")
    idle = {}
    for line in text.split("Heap per idle wss:// connection", 1)[1].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 5 and cells[1].isdigit():
            idle[cells[0]] = (cells[1], cells[2], cells[3])
    return idle


def engine_kib(folder):
    for line in read_text(folder, "tls-engine.txt").splitlines():
        if line.startswith("engine-heap "):
            return line.split()[1]
    raise Problem(f"{folder}/tls-engine.txt has no engine-heap line")


def payload_name(payload):
    return f"{payload // 1024} KiB" if payload % 1024 == 0 else f"{payload} B"


def table_tls(folder):
    """run-tls.sh's rows: echo and handshake rates per server (tls.tsv), idle memory (tls.md), SSLEngine alone."""
    order, echo, handshakes = tls_rows(folder)
    idle = tls_idle(folder)
    payloads = sorted({int(r[4]) for rows in echo.values() for r in rows})
    head = read_text(folder, "tls.md").splitlines()[:2] + ["", ""]
    run = re.match(r"^# (?P<when>\S+ \S+ UTC) commit (?P<commit>\S+) (?P<command>.*); load average (?P<load>.*)$",
                   head[0])
    if not run or not head[1].startswith("load generator: "):
        raise Problem(f"{folder}/tls.md does not start with run-tls.sh's run and load generator lines")
    lines = ["\n".join(textwrap.wrap(
        f"From `tls.md`'s first lines: `pado-bench/{run['command']}` at commit {run['commit']}, {run['when']}, load "
        f"average {run['load']} (1, 5, 15 minutes) at its start; {head[1]}.", 116, break_on_hyphens=False)), "",
             "| server | " + " | ".join(f"echo {payload_name(p)}, messages/s" for p in payloads)
             + " | handshakes/s, full | handshakes/s, resumption offered | % resumed | idle connections "
               "| heap per idle connection | RSS per idle connection |",
             "|---|" + "---:|" * (len(payloads) + 6)]
    for server in order:
        rates = {int(r[4]): r[5] for r in echo.get(server, [])}
        full = handshakes.get(server, {}).get("handshakes", ["–"] * 4)
        resumed = handshakes.get(server, {}).get("handshakes-resume", ["–"] * 4)
        memory = idle.get(server, ("–", "–", "–"))
        lines.append(f"| {server} | " + " | ".join(grouped(rates[p]) if p in rates else "–" for p in payloads)
                     + f" | {full[0]} | {resumed[0]} | {resumed[2]} | {memory[0]} | {memory[1]} | {memory[2]} |")
    # The rates depend on what else the cores did: the CPU shares say how busy the server and generator were
    server_cpu = [int(r[9]) for rows in echo.values() for r in rows] \
        + [int(h[3]) for modes in handshakes.values() for h in modes.values()]
    generator_cpu = [int(r[10]) for rows in echo.values() for r in rows if len(r) > 10] \
        + [int(h[1]) for modes in handshakes.values() for h in modes.values()]
    engine = engine_kib(folder)
    lines += ["", "\n".join(textwrap.wrap(
        f"CPU over these runs (tls.tsv): servers {min(server_cpu)}-{max(server_cpu)} % of a core, the generator "
        f"{min(generator_cpu)}-{max(generator_cpu)} %. The JDK's server `SSLEngine` alone (`SslEngineMemory`, "
        f"tls-engine.txt): {engine} KiB of heap per engine"
        + (f"; pado-tls's idle connection holds {float(idle['pado-tls'][1].split()[0]) - float(engine):.2f} KiB "
           f"of heap beyond it." if "pado-tls" in idle else "."), 116, break_on_hyphens=False))]
    return "\n".join(lines)


def table_scale_projection(folders):
    """pado's per-connection figures from run-connections.sh (and the SSLEngine's from run-tls.sh), scaled to
    1,000,000 connections and set against the engine: the arithmetic of BENCHMARKS.md's projection, done here."""
    parts = folders.split(",")
    if len(parts) != 2 or not all(part.startswith("docs/results/") for part in parts):
        raise Problem(f"want two folders under docs/results/, CONNECTIONS,TLS, not {folders!r}")
    connections_folder, tls_folder = parts
    rows = connection_rows(connections_folder)
    ws = max((r for r in rows if r["server"] == "pado"), key=lambda r: int(r["connections"]), default=None)
    wss = max((r for r in rows if r["server"] == "pado-tls"), key=lambda r: int(r["connections"]), default=None)
    if not ws or not wss:
        raise Problem(f"{connections_folder}/connections.tsv needs a pado and a pado-tls row")
    ports = re.search(r"ip_local_port_range (\d+)-(\d+)", read_text(connections_folder, "machine.txt"))
    if not ports:
        raise Problem(f"{connections_folder}/machine.txt has no ip_local_port_range")
    port_count = int(ports.group(2)) - int(ports.group(1)) + 1
    n = 1_000_000
    heap, slab, cpu = int(ws["heap_b"]), int(ws["slab_b"]), float(ws["us_per_conn"])
    ping = connection_log(connections_folder, ws)["ping"]
    engine_b = float(engine_kib(tls_folder)) * 1024
    beyond_b = int(wss["heap_b"]) - engine_b
    bullets = [
        f"heap: {n:,} × {heap:,} B = {n * heap / 1e9:.2f} GB ({n * heap / 2**30:.2f} GiB), plus the JVM's baseline;",
        f"kernel: half of the {slab:,} B of slab per connection seen for both ends, {n:,} × {slab / 2:,.0f} B = "
        f"{n * slab / 2 / 1e9:.2f} GB ({n * slab / 2 / 2**30:.2f} GiB) outside the heap;",
        f"source addresses for a client on one machine: at least {-(-n // port_count)} ({n:,} / {port_count:,} "
        f"ephemeral ports, `ip_local_port_range` {ports.group(1)}-{ports.group(2)} in machine.txt); "
        f"run-connections.sh uses one per {CONNECTIONS_PER_SOURCE:,}, so {-(-n // CONNECTIONS_PER_SOURCE)};",
        f"CPU: {ws['us_per_conn']} µs per connection per second (a Ping every {ping} s) × {n:,} = "
        f"{cpu * n / 1e6:.2f} cores.",
    ]
    tls_share = (f"pado's `wss://` row ({grouped(wss['connections'])} connections): {int(wss['heap_b']):,} B of heap "
                 f"per connection, less the `SSLEngine`'s {engine_kib(tls_folder)} KiB ({engine_b:,.0f} B) = "
                 f"{beyond_b:,.0f} B ({beyond_b / 1024:.2f} KiB) beyond the engine; with the RSS growth of "
                 f"{int(wss['rss_b']):,} B, {beyond_b + int(wss['rss_b']):,.0f} B "
                 f"({(beyond_b + int(wss['rss_b'])) / 1024:.2f} KiB).")
    wrap = lambda text, first="", rest="": "\n".join(textwrap.wrap(text, 116, initial_indent=first,
                                                                    subsequent_indent=rest, break_on_hyphens=False))
    return "\n".join([f"From pado's `ws://` row ({grouped(ws['connections'])} connections), scaled to {n:,}:", ""]
                     + [wrap(bullet, "- ", "  ") for bullet in bullets] + ["", wrap(tls_share)])


TABLES = {
    "stamp": table_stamp,  # also takes the document, for the link to the folder
    "conformance-server": lambda folder: conformance(folder, "server"),
    "conformance-client": lambda folder: conformance(folder, "client"),
    "bench-ratios": table_bench_ratios,
    "bench-echo": table_bench_echo,
    "bench-servers": table_bench_servers,
    "bench-memory": table_bench_memory,
    "bench-jmh": table_bench_jmh,
    "soak-report": table_soak_report,
    "soak-memory": table_soak_memory,
    "scaling": table_scaling,
    "connections": table_connections,
    "tls": table_tls,
    "scale-projection": table_scale_projection,  # takes two folders: CONNECTIONS,TLS
    "compare": table_compare,  # also takes the document
    "cluster": cluster.table,  # also takes the document, for the link to runs.tsv
    "commits": lambda folder: commits.table(os.path.join(ROOT, folder, "runs.tsv")),
    "alloc": lambda folder: alloc.table(os.path.join(ROOT, folder)),
}
WITH_DOCUMENT = {"stamp": table_stamp, "cluster": cluster.table, "compare": table_compare}


# ---- guide snippets -------------------------------------------------------------------------------------------------

def region(path, tag):
    """The lines between // tag::TAG[] and // end::TAG[] in a source file, less their common indentation."""
    full = os.path.join(ROOT, path)
    if not os.path.isfile(full):
        raise Problem(f"{path} does not exist")
    with open(full, encoding="utf-8") as f:
        lines = f.read().splitlines()
    starts = [i for i, line in enumerate(lines) if TAG_LINE.match(line) and TAG_LINE.match(line).groups() == ("tag", tag)]
    ends = [i for i, line in enumerate(lines) if TAG_LINE.match(line) and TAG_LINE.match(line).groups() == ("end", tag)]
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        raise Problem(f"{path}: want one // tag::{tag}[] and one // end::{tag}[] after it")
    body = [line for line in lines[starts[0] + 1:ends[0]] if not TAG_LINE.match(line)]
    indent = min((len(line) - len(line.lstrip()) for line in body if line.strip()), default=0)
    return "\n".join(line[indent:] for line in body)


# ---- documents ------------------------------------------------------------------------------------------------------

def generate(text, document):
    """The document with every generated part made afresh; raises Problem on a marker it cannot fill."""
    def fill_table(m):
        name, folder = m.group("name"), m.group("folder").rstrip("/")
        if name not in TABLES:
            raise Problem(f"{document}: unknown table {name!r} (known: {', '.join(TABLES)})")
        if not folder.startswith("docs/results/"):
            raise Problem(f"{document}: table {name} must name a folder under docs/results/, not {folder!r}")
        try:
            body = WITH_DOCUMENT[name](folder, document) if name in WITH_DOCUMENT else TABLES[name](folder)
        except Problem as e:
            raise Problem(f"{document}: table {name}: {e}") from None
        return f"<!-- table:{name} {folder} -->\n\n{body}\n\n<!-- /table -->"

    def fill_snippet(m):
        try:
            code = region(m.group("file"), m.group("tag"))
        except Problem as e:
            raise Problem(f"{document}: {e}") from None
        return f"<!-- snippet:{m.group('file')}#{m.group('tag')} -->\n```java\n{code}\n```\n<!-- /snippet -->"

    return SNIPPET.sub(fill_snippet, TABLE.sub(fill_table, text))


def loose_java_blocks(text):
    """Line numbers of ```java blocks that are not inside a snippet marker."""
    covered = [(m.start(), m.end()) for m in SNIPPET.finditer(text)]
    found = []
    for m in re.finditer(r"^```java$", text, re.M):
        if not any(a <= m.start() < b for a, b in covered):
            found.append(text.count("\n", 0, m.start()) + 1)
    return found


def main(argv):
    check = argv == ["--check"]
    if argv and not check:
        sys.exit("usage: scripts/tables.py [--check]")
    problems, stale = [], []
    for document in DOCUMENTS:
        path = os.path.join(ROOT, document)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if document == GUIDE:
            problems += [f"{GUIDE}:{n}: a java block outside <!-- snippet:… --> markers" for n in loose_java_blocks(text)]
        try:
            fresh = generate(text, document)
        except Problem as e:
            problems.append(str(e))
            continue
        if fresh == text:
            continue
        stale.append(document)
        if check:
            sys.stdout.writelines(difflib.unified_diff(text.splitlines(True), fresh.splitlines(True),
                                                       f"{document} (committed)", f"{document} (generated)"))
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(fresh)
            print(f"tables.py: rewrote {document}")
    for problem in problems:
        print(f"tables.py: {problem}", file=sys.stderr)
    if check and stale:
        print("tables.py: " + ", ".join(stale) + " differ from what scripts/tables.py makes from docs/results/ and "
              "the example sources: run scripts/tables.py (never edit a generated part by hand)", file=sys.stderr)
    return 1 if problems or (check and stale) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
