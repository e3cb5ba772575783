"""Figures measured in this process against the bench database: size, relink, graph build, queries.

Call `django.setup()` first (the harness does, with DATABASE_URL pointing at the bench database).
"""

import statistics
import time
from pathlib import Path
from urllib.parse import quote


def median_time(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(max(repeat, 1)):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def endpoints() -> dict[str, str]:
    """The pages timed under load; the first is the trivial reference view."""
    return {
        "livez": "/livez",
        "concept page": "/concepts/mla/",
        "graph json depth 2": "/api/graph?center=concept:mla&depth=2",
        "search": "/search/?q=" + quote("GRPO critic 优势"),
        "trace": "/api/trace?q=" + quote("为什么 MLA 能减少 KV cache"),
    }


def library_size() -> dict:
    from django.db.models import Sum
    from django.db.models.functions import Length

    from kg.models import Mention, Note, NoteLink, Question
    from papers.models import Paper, Section

    return {
        "papers": Paper.objects.count(),
        "pages": Paper.objects.aggregate(n=Sum("page_count"))["n"] or 0,
        "sections": Section.objects.count(),
        "notes": Note.objects.count(),
        "questions": Question.objects.count(),
        "mentions": Mention.objects.count(),
        "note_links": NoteLink.objects.count(),
        "text_mb": round(((Section.objects.aggregate(n=Sum(Length("text")))["n"] or 0)
                          + (Note.objects.aggregate(n=Sum(Length("body")))["n"] or 0)) / 1e6, 2),
    }


def relink() -> None:
    """`manage.py relink` without the printing: every mention recomputed, the version moved on."""
    from kg.services.linking import mentions_refresh_all
    from kg.versioning import content_changed

    mentions_refresh_all()
    content_changed()


def graph_build() -> None:
    from kg.graph import build_graph

    build_graph()


def reingest(pdf: Path) -> None:
    """Ingest one report again (forced): parse, rewrite its sections, relink them, re-resolve links."""
    from papers.services import paper_ingest

    result = paper_ingest(path=pdf, force=True)
    if result.status not in {"new", "updated", "unchanged"}:
        raise RuntimeError(f"re-ingest failed: {result.line()}")


def count_terms() -> float:
    """Seconds to count the terms of every text not counted yet (`kg.corpus`), as `relink`
    and `ingest` do once after new texts arrive: the tokenizing cost of a library."""
    from kg.corpus import corpus_refresh

    started = time.perf_counter()
    corpus_refresh()
    return round(time.perf_counter() - started, 3)


def uncached_latency(*, questions: int = 20) -> dict[str, dict]:
    """Search and trace of distinct questions one at a time in this process, past the
    result caches (warm indexes): what a question nobody asked before costs."""
    from kg import search
    from kg.models import Question
    from kg.trace.index import get_index
    from kg.trace.tracing import _trace

    texts = list(Question.objects.order_by("pk").values_list("text", flat=True)[:questions])
    search_index, trace_index = search.current_index(), get_index()
    out = {}
    for name, run in (("search", lambda q: search._search(search_index, q, kinds=None, limit=20)),
                      ("trace", lambda q: _trace(q, 10, trace_index, None, True))):
        if texts:
            run(texts[0])  # the first call loads dictionaries
        times = []
        for text in texts:
            started = time.perf_counter()
            run(text)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        out[name] = {"n": len(times), "p50_ms": round(statistics.median(times), 1) if times else None,
                     "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 1) if times else None}
    return out


def timings(*, repeat: int, reingest_pdf: Path | None) -> dict:
    figures = {"relink_s": round(median_time(relink, repeat), 3),
               "graph_build_s": round(median_time(graph_build, repeat), 3)}
    if reingest_pdf:
        figures["reingest_s"] = round(median_time(lambda: reingest(reingest_pdf), repeat), 3)
        figures["reingest_file"] = reingest_pdf.name
    return figures


def query_counts(paths: dict[str, str]) -> dict[str, dict]:
    """Status, queries and body size of one warm request to each path, through Django's test client.

    The version is read on every request here (CONTENT_VERSION_TTL_MS=0), so the count does
    not depend on how long the warm-up took; two warm-up requests, because a page's first
    request may build the graph its cache keys name."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    counts = {}
    with override_settings(CONTENT_VERSION_TTL_MS=0):
        for name, path in paths.items():
            client.get(path)
            client.get(path)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            counts[name] = {"status": response.status_code, "queries": len(queries),
                            "kb": round(len(response.content) / 1024, 1)}
    return counts
