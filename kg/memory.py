"""Give freed memory back to the operating system after building a large cache.

An index build allocates and frees millions of small objects (term counters, rows); glibc
keeps the freed heap pages, so a worker's resident memory would stay at its build-time
peak. `malloc_trim` returns them; elsewhere (no glibc) this does nothing.
"""

import ctypes
import ctypes.util
import gc

_libc = None


def release() -> None:
    global _libc
    gc.collect()
    if _libc is None:
        name = ctypes.util.find_library("c")
        _libc = ctypes.CDLL(name) if name else False
    trim = getattr(_libc, "malloc_trim", None)
    if trim is not None:
        trim(0)
