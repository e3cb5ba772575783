"""`make bench`: every benchmark in one run, one table, the same figures as JSON.

Each figure is a median over repeated runs and is printed beside the reference it is
compared with in the same run (this machine is shared and noisy: read the ratios).

    python -m kg.bench [PAPERS_DIR] [--seconds 20] [--scale-papers 1000] [--scale-notes 5000]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench-results"
BENCH_DB = "mianjing_bench"


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def fresh_postgres(url_base: str) -> str:
    import psycopg

    with psycopg.connect(f"{url_base}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    return f"{url_base}/{BENCH_DB}"


def median_time(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def in_process_figures(env: dict[str, str]) -> dict:
    """Relink and graph build, timed in this process against the bench database."""
    os.environ.update(env)
    import django

    django.setup()
    from kg import graph
    from kg.models import Note
    from kg.services.linking import mentions_refresh_all
    from papers.models import Section

    sections = Section.objects.count()
    notes = Note.objects.count()
    chars = sum(len(t) for t in Section.objects.values_list("text", flat=True)) + sum(
        len(b) for b in Note.objects.values_list("body", flat=True)
    )
    return {
        "sections": sections,
        "notes": notes,
        "text_mb": round(chars / 1e6, 2),
        "relink_s": round(median_time(mentions_refresh_all), 3),
        "graph_build_s": round(median_time(graph.graph_build), 3),
    }


def load_figures(*, env: dict[str, str], port: int, seconds: int, paths: dict[str, str]) -> dict:
    from kg.bench.http import Server, wrk

    results = {}
    with Server(port=port, env=env) as server:
        for path in paths.values():
            server.warm(path)
        for name, path in paths.items():
            results[name] = wrk(port=port, path=path, seconds=seconds).__dict__
        results["worker_rss_mb"] = round(server.worker_rss_mb(), 1)
    return results


def endpoints() -> dict[str, str]:
    return {
        "livez (trivial view)": "/livez",
        "concept page": "/concepts/mla/",
        "graph json depth 2": "/api/graph?center=concept:mla&depth=2",
        "search": "/search/?q=" + quote("GRPO critic 优势"),
        "trace": "/api/trace?q=" + quote("为什么 MLA 能减少 KV cache"),
    }


def print_table(report: dict) -> None:
    print("\n== ingest ==")
    ingest = report.get("ingest") or {}
    for key, value in ingest.items():
        print(f"  {key:32} {value}")
    for label in ("library", "scale"):
        section = report.get(label)
        if not section:
            continue
        print(f"\n== {label}: {section['figures']} ==")
        load = section["load"]
        base = load["livez (trivial view)"]["rps"]
        print(f"  {'endpoint':24} {'req/s':>9} {'vs livez':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for name, row in load.items():
            if not isinstance(row, dict):
                continue
            ratio = row["rps"] / base if base else 0
            print(f"  {name:24} {row['rps']:9.1f} {ratio:9.2f} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} "
                  f"{row['p99_ms']:8.1f} {row['errors']:7d}")
        print(f"  largest worker RSS: {load['worker_rss_mb']} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("papers_dir", nargs="?", default="../shared/papers", type=Path)
    parser.add_argument("--seconds", type=int, default=20, help="wrk duration per endpoint")
    parser.add_argument("--scale-papers", type=int, default=1000)
    parser.add_argument("--scale-notes", type=int, default=5000)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    env = {**os.environ, "DATABASE_URL": fresh_postgres(args.postgres), "DEBUG": "false",
           "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-secret-key", "CONN_MAX_AGE": "60"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    RESULTS.mkdir(exist_ok=True)
    report: dict = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "seconds_per_endpoint": args.seconds}

    subprocess.run([sys.executable, "-m", "papers.evaluation.bench_ingest", str(args.papers_dir)], cwd=ROOT,
                   check=True, env={**os.environ, "SECRET_KEY": env["SECRET_KEY"]})
    ingest_json = RESULTS / "ingest.json"
    report["ingest"] = json.loads(ingest_json.read_text()) if ingest_json.exists() else {}

    manage("migrate", "--noinput", "--verbosity", "0", env=env)
    manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    manage("ingest", "--verbosity", "0", "content", str(args.papers_dir), env=env)
    figures = in_process_figures(env)
    report["library"] = {"figures": figures,
                         "load": load_figures(env=env, port=args.port, seconds=args.seconds, paths=endpoints())}

    started = time.perf_counter()
    manage("synthesize", "--papers", str(args.scale_papers), "--notes", str(args.scale_notes), "--seed", "7",
           env=env)
    synth_s = time.perf_counter() - started
    from kg import graph

    scale_figures = {"synthesize_s": round(synth_s, 1), "graph_build_s": round(median_time(graph.graph_build, 2), 2)}
    scale_figures["sections"] = figures["sections"] + args.scale_papers * 50
    report["scale"] = {"figures": scale_figures,
                       "load": load_figures(env=env, port=args.port, seconds=args.seconds, paths=endpoints())}

    (RESULTS / "bench.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print_table(report)
    print(f"\nwritten: {RESULTS / 'bench.json'}")


if __name__ == "__main__":
    main()
