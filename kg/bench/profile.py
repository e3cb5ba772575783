"""Where a page's time goes: `python -m kg.bench.profile PATH [--repeat 20] [--cold]`.

Requests PATH through Django's test client against the database in DATABASE_URL (the
bench database after `make bench`: postgres://postgres@127.0.0.1:5432/mianjing_bench), warm
unless --cold (then the result and fragment caches are bypassed by clearing them before each
request), and prints a pyinstrument profile of the timed requests with the median time.
"""

import argparse
import os
import statistics
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="e.g. '/api/trace?q=为什么 MLA 能减少 KV cache'")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--cold", action="store_true", help="clear the result and page caches before each request")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kg.settings")
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client
    from pyinstrument import Profiler

    from kg import search
    from kg.trace.index import get_index

    client = Client(HTTP_HOST="localhost")
    client.get(args.path)  # build the indexes and the graph outside the profile

    def forget() -> None:
        cache.clear()
        search.current_index().results.clear()
        get_index().results.clear()

    times = []
    profiler = Profiler()
    for _ in range(args.repeat):
        if args.cold:
            forget()
        profiler.start()
        started = time.perf_counter()
        status = client.get(args.path).status_code
        times.append((time.perf_counter() - started) * 1000)
        profiler.stop()
    print(f"{args.path}: status {status}, median {statistics.median(times):.1f} ms over {args.repeat} "
          f"{'cold' if args.cold else 'warm'} requests")
    print(profiler.output_text(unicode=False, color=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
