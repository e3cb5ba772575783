"""The printed table and the targets of issue 8, from the report dict that `kg.bench` writes as JSON."""

from dataclasses import dataclass

INGEST_RATIO = 6.0
PAGE_P99_MS = 150.0
TRACE_P99_MS = 250.0
SCALE_P95_MS = 200.0
GRAPH_BUILD_S = 10.0
WORKER_RSS_MB = 500.0
REINGEST_GROWTH = 1.5  # re-ingesting one report may cost this much more in the big library
TOTAL_S = 600.0
REFERENCE = "livez"
PAGES = ("concept page", "graph json depth 2", "search")
HALF_THROUGHPUT = ("concept page", "graph json depth 2")


@dataclass
class Target:
    figure: str
    value: str
    target: str
    met: bool


def _fmt_s(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.2f} s"


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.1f}x" if a is not None and b else "-"


def targets(report: dict) -> list[Target]:
    out: list[Target] = []
    ingest = report.get("ingest") or {}
    if ingest.get("ratio") is not None:
        out.append(Target("ingest 4 reports vs bare get_text()", f"{ingest['ratio']:.2f}x",
                          f"<= {INGEST_RATIO:g}x", ingest["ratio"] <= INGEST_RATIO))
    stages = report.get("stages") or []
    loaded = [s for s in stages if s.get("load")]
    for stage in loaded:
        load = stage["load"]
        errors = sum(row["errors"] for row in load.values())
        out.append(Target(f"[{stage['label']}] HTTP errors (all endpoints)", str(errors), "0", errors == 0))
        for name, status in (stage.get("warm_status") or {}).items():
            if status != 200:
                out.append(Target(f"[{stage['label']}] {name} answers when cold (warm-up)",
                                  str(status or "timeout"), "200", False))
    if loaded:
        first = loaded[0]
        load, base = first["load"], first["load"].get(REFERENCE, {}).get("rps", 0)
        for name in HALF_THROUGHPUT:
            if name in load and base:
                share = load[name]["rps"] / base
                out.append(Target(f"[{first['label']}] {name} throughput vs livez", f"{share:.2f}",
                                  ">= 0.50", share >= 0.5))
        for name in (*PAGES, "trace"):
            if name in load:
                limit = TRACE_P99_MS if name == "trace" else PAGE_P99_MS
                p99 = load[name]["p99_ms"]
                out.append(Target(f"[{first['label']}] {name} p99", f"{p99:.0f} ms", f"< {limit:g} ms", p99 < limit))
    if len(loaded) > 1:
        last = loaded[-1]
        for name in (*PAGES, "trace"):
            if name in last["load"]:
                p95 = last["load"][name]["p95_ms"]
                out.append(Target(f"[{last['label']}] {name} p95", f"{p95:.0f} ms", f"< {SCALE_P95_MS:g} ms",
                                  p95 < SCALE_P95_MS))
        for name, row in (last.get("uncached") or {}).items():
            if row.get("p95_ms") is not None:
                out.append(Target(f"[{last['label']}] {name} p95, new questions one at a time",
                                  f"{row['p95_ms']:.0f} ms", f"< {SCALE_P95_MS:g} ms", row["p95_ms"] < SCALE_P95_MS))
        out.append(Target(f"[{last['label']}] largest gunicorn worker RSS", f"{last['worker_rss_mb']:.0f} MB",
                          f"< {WORKER_RSS_MB:g} MB", last["worker_rss_mb"] < WORKER_RSS_MB))
        if last.get("worker_pss_mb"):
            out.append(Target(f"[{last['label']}] largest gunicorn worker PSS", f"{last['worker_pss_mb']:.0f} MB",
                              f"< {WORKER_RSS_MB:g} MB", last["worker_pss_mb"] < WORKER_RSS_MB))
        small, big = loaded[0].get("queries") or {}, last.get("queries") or {}
        changed = [name for name in small if name in big and small[name]["queries"] != big[name]["queries"]]
        out.append(Target(f"queries per page, {loaded[0]['label']} -> {last['label']}",
                          "changed: " + ", ".join(changed) if changed else "same on every page",
                          "constant", not changed))
    if len(stages) > 1:
        first, last = stages[0]["timings"], stages[-1]["timings"]
        build = last.get("graph_build_s")
        if build is not None:
            out.append(Target(f"[{stages[-1]['label']}] graph build", _fmt_s(build), f"< {GRAPH_BUILD_S:g} s",
                              build < GRAPH_BUILD_S))
        if first.get("reingest_s") and last.get("reingest_s"):
            growth = last["reingest_s"] / first["reingest_s"]
            out.append(Target(f"re-ingest {first.get('reingest_file', 'one report')}, "
                              f"{stages[-1]['label']} vs {stages[0]['label']}", f"{growth:.2f}x",
                              f"<= {REINGEST_GROWTH:g}x", growth <= REINGEST_GROWTH))
    total = report.get("total_s")
    if total is not None:
        out.append(Target("whole `make bench` run", f"{total:.0f} s", f"< {TOTAL_S:g} s", total < TOTAL_S))
    return out


def lines(report: dict) -> list[str]:
    """The table, as printed."""
    out = [f"Mianjing Graph benchmark, {report.get('started', '')}: medians, each beside its reference "
           "measured in the same run (shared noisy machine: read the ratios)"]
    ingest = report.get("ingest") or {}
    if ingest:
        out += [
            "",
            f"== ingest: {len(ingest.get('files', []))} reports, {ingest.get('pages')} pages, "
            f"median of {ingest.get('repeat')} ==",
            f"  {'figure':34} {'median':>10} {'reference':>28} {'ratio':>7}",
            f"  {'full ingest (SQLite, isolated)':34} {_fmt_s(ingest.get('full_ingest_s')):>10} "
            f"{'bare get_text() ' + _fmt_s(ingest.get('bare_get_text_s')):>28} {ingest.get('ratio', 0):>6.2f}x",
            f"  {'pages per second':34} {ingest.get('pages_per_s', 0):>10.0f}",
            f"  {'peak RSS parent / parse child':34} "
            f"{ingest.get('peak_rss_mb_parent', 0):>6.0f} MB {ingest.get('peak_rss_mb_parse_child', 0):>6.0f} MB",
        ]
    stages = report.get("stages") or []
    if stages:
        base = stages[0]
        reingest = base["timings"].get("reingest_file", "one report")
        out += ["", "== library size: relink, graph build and re-ingest (growth vs the first row) ==",
                f"  {'library':22} {'papers':>6} {'sections':>8} {'notes':>6} {'mentions':>8} {'text MB':>7} "
                f"{'count terms':>12} {'relink':>16} {'graph build':>16} {'re-ingest ' + reingest:>24}"]
        for stage in stages:
            size, t = stage["size"], stage["timings"]

            def cell(key: str, width: int, t=t, first=stage is base) -> str:
                value = t.get(key)
                if value is None:
                    return f"{'-':>{width}}"
                growth = "" if first else f" ({_ratio(value, base['timings'].get(key))})"
                return f"{_fmt_s(value) + growth:>{width}}"

            out.append(
                f"  {stage['label']:22} {size['papers']:>6} {size['sections']:>8} {size['notes']:>6} "
                f"{size['mentions']:>8} {size['text_mb']:>7.1f} {_fmt_s(t.get('term_counts_s')):>12} "
                f"{cell('relink_s', 16)} {cell('graph_build_s', 16)} "
                f"{cell('reingest_s', 24)}"
            )
        out.append("  (count terms: tokenizing the texts no earlier build has seen, once, as relink and ingest do)")
        out.append(f"  (relink and graph build median of {report.get('repeat_small', 3)} at the first row, "
                   f"{report.get('repeat_large', 1)} at the others; sections grew "
                   f"{_ratio(stages[-1]['size']['sections'], base['size']['sections'])})")
    for stage in stages:
        if not stage.get("load"):
            continue
        server = report.get("server", {})
        out += ["", f"== HTTP under load, {stage['label']}: wrk {report.get('connections', 50)} connections x "
                    f"{report.get('seconds_per_endpoint')} s each, gunicorn {server.get('workers')} workers x "
                    f"{server.get('threads')} threads, PostgreSQL ==",
                f"  {'endpoint':20} {'req/s':>8} {'vs livez':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
                f"{'errors':>6} {'queries':>7} {'KB':>7}"]
        load, queries = stage["load"], stage.get("queries") or {}
        base_rps = load.get(REFERENCE, {}).get("rps", 0)
        for name, row in load.items():
            q = queries.get(name, {})
            out.append(f"  {name:20} {row['rps']:8.1f} {row['rps'] / base_rps if base_rps else 0:8.2f} "
                       f"{row['p50_ms']:8.1f} {row['p95_ms']:8.1f} {row['p99_ms']:8.1f} {row['errors']:6d} "
                       f"{q.get('queries', '-'):>7} {q.get('kb', '-'):>7}")
        out.append(f"  largest worker after the run: RSS {stage['worker_rss_mb']:.0f} MB, PSS "
                   f"{stage.get('worker_pss_mb', 0):.0f} MB (pages shared with the master and the other workers "
                   f"divided among them)")
        out.append(f"  start (the master builds the caches, then forks): {stage.get('start_s', 0):.0f} s; first "
                   f"requests to every worker: {stage.get('warm_s', 0):.0f} s")
        for name, row in (stage.get("uncached") or {}).items():
            out.append(f"  {name}, {row['n']} new questions one at a time past the result cache (in-process): "
                       f"p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms")
    found = targets(report)
    if found:
        out += ["", "== targets (issue 8) ==", f"  {'figure':58} {'value':>20} {'target':>12}  met"]
        out += [f"  {t.figure:58} {t.value:>20} {t.target:>12}  {'yes' if t.met else 'NO'}" for t in found]
        out.append(f"  {sum(t.met for t in found)} of {len(found)} targets met")
    phases = report.get("phases") or {}
    if phases:
        out += ["", "phases (s): " + ", ".join(f"{name} {seconds:.0f}" for name, seconds in phases.items())]
    return out
