"""A value rebuilt once per content version: the graph, the search index, the trace index.

The first build in a process blocks its callers. After that, when the content version moves
on and the last build took longer than `slow_s`, callers keep the previous value while one
thread builds the new one: answers a few seconds stale after an edit, never a request held
for the length of a build (12 s for the trace index at 1,000 papers).
"""

import gc
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import connections

from kg.memory import release

T = TypeVar("T")
log = logging.getLogger(__name__)


class VersionedCache(Generic[T]):
    def __init__(self, build: Callable[[int], T], *, slow_s: float = 2.0):
        self.build = build
        self.slow_s = slow_s
        self.version: int | None = None
        self.value: T | None = None
        self.seconds = 0.0  # how long the last build took
        self.building = False
        self._lock = threading.Lock()

    def get(self, version: int) -> T:
        value = self.value
        if value is not None and self.version == version:
            return value
        with self._lock:
            if self.value is not None and self.version == version:
                return self.value
            previous = self.value
            if previous is not None and self.seconds > self.slow_s:
                if not self.building:
                    self.building = True
                    threading.Thread(target=self._rebuild_in_background, args=(version,), daemon=True).start()
                return previous
            self.value = None  # the old value goes before the new one is built: one in memory
            self._rebuild(version)
            return self.value  # type: ignore[return-value]

    def _rebuild(self, version: int) -> None:
        started = time.perf_counter()
        value = self.build(version)
        self.value, self.version, self.seconds = value, version, time.perf_counter() - started
        del value
        release()
        # Hundreds of thousands of long-lived objects without reference cycles (freed by
        # reference counting when replaced): a full collection walking them stopped every
        # thread of a worker for 330 ms at 1,000 papers. Frozen, the collector skips them.
        gc.freeze()

    def _rebuild_in_background(self, version: int) -> None:
        try:
            self._rebuild(version)
        except Exception:  # the previous value keeps answering; the next request tries again
            log.exception("rebuilding a cache for content version %s failed", version)
        finally:
            connections.close_all()  # this thread's own connections, before anyone sees it done
            self.building = False

    def clear(self) -> None:
        with self._lock:
            self.version, self.value, self.seconds, self.building = None, None, 0.0, False


class Recent:
    """The most recently used `size` results of a slow function, kept with the index they were
    computed from (so a new content version starts empty). Safe across threads."""

    def __init__(self, size: int = 256):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()  # outside the lock: a slow result does not hold up the others
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
