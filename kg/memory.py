"""Keep a long-running process's memory close to what it holds (glibc; elsewhere no-ops).

An index build allocates and frees millions of small objects (term counters, rows), and
glibc keeps freed heap pages, so a worker would stay at its build-time peak: `release`
hands them back. Each thread also gets its own malloc arena by default (up to eight per
core), each growing its own heap: `limit_arenas` caps them.
"""

import ctypes
import ctypes.util
import gc
from functools import cache

M_ARENA_MAX = -8  # glibc's mallopt parameter


@cache
def _libc():
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name) if name else None


def release() -> None:
    gc.collect()
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is not None:
        trim(0)


def limit_arenas(count: int = 2) -> None:
    """Call before threads start; forked processes inherit it."""
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is not None:
        mallopt(M_ARENA_MAX, count)
