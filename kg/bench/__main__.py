"""`make bench`: every benchmark in one run, one table, the same figures as JSON.

Each figure is a median over repeated runs and is printed beside the reference it is
compared with in the same run (this machine is shared and noisy: read the ratios).

    python -m kg.bench [PAPERS_DIR] [--seconds 20] [--mid-papers 100] [--scale-papers 1000] [--scale-notes 5000]

Steps: ingest vs bare get_text() (papers.evaluation.bench_ingest, SQLite); a fresh
PostgreSQL database `mianjing_bench` with content/ and the reports; relink, graph build,
re-ingest of one report and wrk against gunicorn; the same after adding synthetic papers
(`manage.py synthesize`), first a few, then up to --scale-papers.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from kg.bench import library
from kg.bench.report import lines

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


def load_figures(*, env: dict[str, str], port: int, seconds: int) -> dict:
    from kg.bench.http import Server, wrk

    paths = library.endpoints()
    started = time.perf_counter()
    with Server(port=port, env=env) as server:
        start_s = round(time.perf_counter() - started, 1)  # the master builds the caches before forking
        started = time.perf_counter()
        warmed = server.warm(list(paths.values()))
        warm_s = round(time.perf_counter() - started, 1)
        load = {}
        for name, path in paths.items():
            status = warmed[path][0]
            if status != 200:  # an error or a timeout while warming: say so, measure the rest
                print(f"bench: {name} answered {status or 'nothing'} while warming; not loaded", file=sys.stderr)
                continue
            load[name] = wrk(port=port, path=path, seconds=seconds).as_dict()
        return {"load": load, "worker_rss_mb": round(server.worker_rss_mb(), 1),
                "worker_pss_mb": round(server.worker_pss_mb(), 1), "start_s": start_s, "warm_s": warm_s,
                "warm_status": {name: warmed[path][0] for name, path in paths.items()},
                "server": {"workers": server.workers, "threads": server.threads}}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smallest_pdf(folder: Path) -> Path | None:
    pdfs = sorted(folder.glob("*.pdf"), key=lambda p: p.stat().st_size)
    return pdfs[0] if pdfs else None


class Phases(dict):
    """Wall time per step, printed at the end: where the ten minutes go."""

    def __init__(self):
        super().__init__()
        self.mark = time.perf_counter()

    def done(self, name: str) -> None:
        now = time.perf_counter()
        self[name] = round(now - self.mark, 1)
        self.mark = now


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("papers_dir", nargs="?", default="../shared/papers", type=Path)
    parser.add_argument("--seconds", type=int, default=20, help="wrk duration per endpoint")
    parser.add_argument("--mid-papers", type=int, default=100, help="synthetic papers of the middle row (0: none)")
    parser.add_argument("--scale-papers", type=int, default=1000)
    parser.add_argument("--scale-notes", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of relink/graph build on the 4 reports")
    parser.add_argument("--repeat-large", type=int, default=1, help="the same on the synthetic libraries")
    parser.add_argument("--skip-ingest-bench", action="store_true", help="reuse bench-results/ingest.json")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--port", type=int, default=0, help="for gunicorn; 0: any free port")
    args = parser.parse_args(argv)
    if not args.papers_dir.is_dir():
        print(f"bench: no papers folder at {args.papers_dir}", file=sys.stderr)
        return 2

    phases = Phases()
    RESULTS.mkdir(exist_ok=True)
    secret = os.environ.get("SECRET_KEY") or "bench-only-secret-key"
    report: dict = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "seconds_per_endpoint": args.seconds,
                    "connections": 50, "repeat_small": args.repeat, "repeat_large": args.repeat_large, "stages": []}

    ingest_json = RESULTS / "ingest.json"
    if not args.skip_ingest_bench:
        subprocess.run([sys.executable, "-m", "papers.evaluation.bench_ingest", str(args.papers_dir),
                        "--output", str(ingest_json)], cwd=ROOT, check=True, env={**os.environ, "SECRET_KEY": secret})
    report["ingest"] = json.loads(ingest_json.read_text()) if ingest_json.exists() else {}
    phases.done("ingest bench")

    # The Docker image's settings (Dockerfile): persistent connections, the version reused for a second.
    env = {**os.environ, "DATABASE_URL": fresh_postgres(args.postgres), "DEBUG": "false", "SECRET_KEY": secret,
           "CONN_MAX_AGE": "60", "CONTENT_VERSION_TTL_MS": "1000", "DJANGO_SETTINGS_MODULE": "kg.settings"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    manage("migrate", "--noinput", "--verbosity", "0", env=env)
    manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    manage("ingest", "--verbosity", "0", "content", str(args.papers_dir), env=env)
    phases.done("load content + reports")

    os.environ.update(env)
    import django

    django.setup()
    reingest_pdf = smallest_pdf(args.papers_dir)

    def stage(label: str, *, repeat: int, load: bool) -> None:
        counted = library.count_terms()
        phases.done(f"{label}: count terms")
        row: dict = {"label": label, "size": library.library_size(),
                     "timings": {"term_counts_s": counted,
                                 **library.timings(repeat=repeat, reingest_pdf=reingest_pdf)}}
        phases.done(f"{label}: timings")
        if load:
            row["queries"] = library.query_counts(library.endpoints())
            row["uncached"] = library.uncached_latency()
            row.update(load_figures(env=env, port=args.port or free_port(), seconds=args.seconds))
            report["server"] = row.pop("server")
            phases.done(f"{label}: HTTP")
        report["stages"].append(row)
        save(report, phases)

    stage(f"{row_label(0)}", repeat=args.repeat, load=True)
    added_papers = added_notes = 0
    steps = [(args.mid_papers, False)] if 0 < args.mid_papers < args.scale_papers else []
    steps.append((args.scale_papers, True))
    for seed, (papers, load) in enumerate(steps, start=7):
        notes = round(args.scale_notes * papers / args.scale_papers) if args.scale_papers else 0
        manage("synthesize", "--papers", str(papers - added_papers), "--notes", str(notes - added_notes),
               "--seed", str(seed), "--verbosity", "0", env=env)
        added_papers, added_notes = papers, notes
        phases.done(f"synthesize +{papers}")
        stage(row_label(papers), repeat=args.repeat_large, load=load)

    save(report, phases)
    print("\n" + "\n".join(lines(report)))
    print(f"\nwritten: {RESULTS / 'bench.json'}")
    return 0


def save(report: dict, phases: "Phases") -> None:
    """Written after every stage, so a run cut short still leaves its figures."""
    report["phases"] = dict(phases)
    report["total_s"] = round(sum(phases.values()), 1)
    (RESULTS / "bench.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")


def row_label(synthetic_papers: int) -> str:
    return "4 reports" if not synthetic_papers else f"+{synthetic_papers:,} synthetic"


if __name__ == "__main__":
    sys.exit(main())
