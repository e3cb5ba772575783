"""Build the per-process caches before serving: the graph (with importance), the search
index and the trace index.

`gunicorn.conf.py` calls it in the master once the application is loaded and before the
workers are forked, so every worker starts warm and shares those pages with the others
instead of spending seconds (minutes, at 1,000 papers) building its own copy.
"""

import gc
import time

from django.db import connections


def warm_caches() -> float:
    """Build every cache for the current content version; returns the seconds it took."""
    from kg import search
    from kg.graph import analysis, current_graph
    from kg.trace.index import get_index

    started = time.perf_counter()
    try:
        current_graph()
        analysis.importance()
        search.current_index()
        get_index()
    finally:
        # A forked worker must not share the master's database connection.
        connections.close_all()
    # What the master built is read, never changed, by the workers: keep the collector from
    # touching (and so copying) those pages in each of them.
    gc.freeze()
    return time.perf_counter() - started
