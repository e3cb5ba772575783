"""Time the full ingest of the reference reports against PyMuPDF's bare text extraction.

    python -m papers.evaluation.bench_ingest ../shared/papers [--repeat 3]

Full ingest = `paper_ingest` as `manage.py ingest` runs it: checks, parse in the isolated
child, sections and all database writes, into a throwaway SQLite database migrated here.
Bare = `page.get_text()` over the same pages. Both are medians of `--repeat` runs; the
ratio (target at most 6x), peak resident memory (target under 400 MB) and the cost of the
fork isolation are printed, and written as JSON to bench-results/ingest.json.
"""

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

TARGET_RATIO = 6.0
TARGET_RSS_MB = 400


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="Folder with the reference PDFs.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs per measurement; the median is reported (>= 3).")
    parser.add_argument("--output", type=Path, default=Path("bench-results/ingest.json"))
    args = parser.parse_args(argv)
    pdfs = sorted(args.folder.glob("*.pdf"))
    if not pdfs:
        print(f"no PDFs in {args.folder}", file=sys.stderr)
        return 2
    repeat = max(args.repeat, 3)

    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as scratch:
        _setup_django(Path(scratch))
        results = _measure(pdfs, repeat)
    _report(results)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {args.output}")
    return 0


def _setup_django(scratch: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(scratch / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kg.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def _measure(pdfs: list[Path], repeat: int) -> dict:
    import pymupdf

    from papers.isolation import parse_checked, parse_pdf_isolated, run_isolated
    from papers.models import Paper
    from papers.services import paper_ingest
    from papers.tests.pdf_factory import make_pdf

    pages = 0
    for pdf in pdfs:
        with pymupdf.open(pdf) as doc:
            pages += doc.page_count

    def bare() -> None:
        for pdf in pdfs:
            with pymupdf.open(pdf) as doc:
                for page in doc:
                    page.get_text()

    def ingest() -> None:
        Paper.objects.all().delete()
        for pdf in pdfs:
            result = paper_ingest(path=pdf)
            if result.status != "new":
                raise SystemExit(f"ingest failed: {result.line()}")

    def parse_in_process() -> None:
        for pdf in pdfs:
            parse_checked(pdf.read_bytes(), filename=pdf.name, ignore_outline=False, max_pages=10_000)

    def parse_isolated() -> None:
        for pdf in pdfs:
            parse_pdf_isolated(pdf.read_bytes(), filename=pdf.name, max_pages=10_000)

    tiny = make_pdf()
    bare_s = _median(bare, repeat)
    ingest_s = _median(ingest, repeat)
    inside_s = _median(parse_in_process, repeat)
    isolated_s = _median(parse_isolated, repeat)
    tiny_inside = _median(lambda: parse_checked(tiny, filename="", ignore_outline=False, max_pages=10), 15)
    tiny_isolated = _median(lambda: parse_pdf_isolated(tiny), 15)
    fork_only = _median(lambda: run_isolated(lambda: b"", timeout=10, memory_bytes=64 << 20), 15)
    mb = 1024  # ru_maxrss is in KiB on Linux
    return {
        "files": [pdf.name for pdf in pdfs],
        "pages": pages,
        "repeat": repeat,
        "bare_get_text_s": round(bare_s, 4),
        "full_ingest_s": round(ingest_s, 4),
        "ratio": round(ingest_s / bare_s, 2),
        "pages_per_s": round(pages / ingest_s, 1),
        "target_ratio": TARGET_RATIO,
        "parse_in_process_s": round(inside_s, 4),
        "parse_isolated_s": round(isolated_s, 4),
        "isolation_overhead_ms_per_file": round((isolated_s - inside_s) / len(pdfs) * 1000, 1),
        "isolation_overhead_ms_tiny_pdf": round((tiny_isolated - tiny_inside) * 1000, 1),
        "isolation_fork_round_trip_ms": round(fork_only * 1000, 1),
        "peak_rss_mb_parent": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / mb, 1),
        "peak_rss_mb_parse_child": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / mb, 1),
        "target_rss_mb": TARGET_RSS_MB,
    }


def _median(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _report(r: dict) -> None:
    peak = max(r["peak_rss_mb_parent"], r["peak_rss_mb_parse_child"])
    print(f"ingest benchmark: {len(r['files'])} PDFs, {r['pages']} pages, median of {r['repeat']} runs")
    print(f"  bare page.get_text():  {r['bare_get_text_s']:.3f} s")
    print(f"  full ingest:           {r['full_ingest_s']:.3f} s  ({r['pages_per_s']:.0f} pages/s)")
    verdict = "ok" if r["ratio"] <= TARGET_RATIO else "OVER TARGET"
    print(f"  ratio:                 {r['ratio']:.2f}x  (target <= {TARGET_RATIO:g}x: {verdict})")
    verdict = "ok" if peak < TARGET_RSS_MB else "OVER TARGET"
    print(
        f"  peak RSS:              {peak:.0f} MB  (parent {r['peak_rss_mb_parent']:.0f} MB, "
        f"largest parse child {r['peak_rss_mb_parse_child']:.0f} MB; target < {TARGET_RSS_MB} MB: {verdict})"
    )
    print(
        f"  isolation overhead:    {r['isolation_fork_round_trip_ms']:.1f} ms fork round trip, "
        f"{r['isolation_overhead_ms_tiny_pdf']:.1f} ms on a 2-page PDF, "
        f"{r['isolation_overhead_ms_per_file']:.1f} ms per report "
        f"(parse in process {r['parse_in_process_s']:.3f} s, isolated {r['parse_isolated_s']:.3f} s)"
    )


if __name__ == "__main__":
    sys.exit(main())
