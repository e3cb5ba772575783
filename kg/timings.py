"""Page timings: `python -m kg.timings [--repeat 15]` (or `make bench-pages`).

Times every browsing page and API endpoint in-process with Django's test client against
the database in DATABASE_URL (load content and papers first), warm caches as in a running
server, and prints the median and 95th percentile in milliseconds with the query count.
Cold figures (graph build, importance and communities, search index) are printed first.
"""

import argparse
import os
import statistics
import time
from urllib.parse import quote


def pages(question_id: int | None) -> list[str]:
    urls = [
        "/", "/concepts/mla/", "/concepts/mla/?backlinks=all", "/concepts/mla/?to=grpo", "/papers/",
        "/papers/deepseek-v3/", "/papers/deepseek-v2/sections/2.1/", "/questions/", "/questions/?concept=grpo&lang=zh",
        "/graph/", "/graph/?center=concept:mla&depth=2", "/search/?q=" + quote("GRPO 为什么不需要 critic"),
        "/preview/concept:mla/", "/api/concepts/mla", "/api/graph", "/api/graph?center=concept:mla&depth=2",
        "/api/path?from=mla&to=grpo", "/api/search?q=" + quote("MLA KV cache"),
    ]
    if question_id:
        urls.insert(9, f"/questions/{question_id}/")
    return urls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="timed requests per page")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kg.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from kg import search
    from kg.graph import analysis, build
    from kg.models import Question

    def timed(fn) -> float:
        started = time.perf_counter()
        fn()
        return time.perf_counter() - started

    print(f"database: {connection.vendor}")
    print(f"cold graph build        {timed(build.current_graph) * 1000:8.0f} ms  "
          f"({build.current_graph().number_of_nodes()} nodes, {build.current_graph().number_of_edges()} edges)")
    print(f"cold importance+louvain {timed(lambda: (analysis.importance(), analysis.communities())) * 1000:8.0f} ms")
    print(f"cold search index       {timed(search.current_index) * 1000:8.0f} ms")
    # Page rendering, not static file hashing: no collectstatic manifest needed.
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
    client = Client(HTTP_HOST="localhost")
    question = Question.objects.order_by("id").values_list("id", flat=True).first()
    print(f"\n{'page':48} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for url in pages(question):
        status = client.get(url).status_code  # warm
        times = [timed(lambda u=url: client.get(u)) * 1000 for _ in range(args.repeat)]
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
        print(f"{url[:48]:48} {status:>6} {statistics.median(times):10.1f} {p95:8.1f} {len(queries):8d}")


if __name__ == "__main__":
    main()
