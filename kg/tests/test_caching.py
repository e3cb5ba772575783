"""The per-content-version cache shared by the graph, the search index and the trace index."""

import threading
import time

from kg.caching import VersionedCache


def wait_until(predicate, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "the background build did not finish"
        time.sleep(0.01)


def test_built_once_per_version_and_rebuilt_in_place_when_builds_are_fast():
    built = []
    cache = VersionedCache(lambda version: built.append(version) or f"value {version}")
    assert cache.get(1) == "value 1" and cache.get(1) == "value 1"
    assert cache.get(2) == "value 2"  # a fast build: the caller waits for the new value
    assert built == [1, 2]


def test_a_slow_cache_answers_from_the_previous_version_while_a_thread_builds():
    release = threading.Event()

    def build(version: int) -> str:
        if version == 2:
            release.wait(10)
        return f"value {version}"

    cache = VersionedCache(build, slow_s=0.5)
    cache.get(1)
    cache.seconds = 1.0  # as if the first build had been slow
    assert cache.get(2) == "value 1"  # at once, stale
    assert cache.building and cache.get(2) == "value 1"  # one build at a time
    release.set()
    wait_until(lambda: not cache.building)
    assert cache.get(2) == "value 2"


def test_a_failed_background_build_keeps_the_previous_value_and_is_tried_again():
    attempts = []

    def build(version: int) -> str:
        attempts.append(version)
        if version == 2 and len(attempts) == 2:
            raise RuntimeError("database went away")
        return f"value {version}"

    cache = VersionedCache(build, slow_s=0.5)
    cache.get(1)
    cache.seconds = 1.0
    assert cache.get(2) == "value 1"
    wait_until(lambda: not cache.building)
    assert cache.get(2) == "value 1"  # the next request starts another build
    wait_until(lambda: not cache.building)
    assert attempts == [1, 2, 2] and cache.get(2) == "value 2"


def test_clear_forgets_the_value():
    cache = VersionedCache(lambda version: object())
    first = cache.get(1)
    cache.clear()
    assert cache.get(1) is not first


def test_recent_keeps_the_most_recently_used_results():
    from kg.caching import Recent

    computed = []
    recent = Recent(size=2)

    def compute(key):
        return lambda: computed.append(key) or key.upper()

    assert recent.get("a", compute("a")) == "A" and recent.get("b", compute("b")) == "B"
    assert recent.get("a", compute("a")) == "A"  # kept: "a" is now the most recent
    recent.get("c", compute("c"))  # pushes out "b", the least recently used
    recent.get("a", compute("a"))
    recent.get("b", compute("b"))
    assert computed == ["a", "b", "c", "b"] and len(recent) == 2
    recent.clear()
    assert len(recent) == 0
