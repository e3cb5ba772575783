"""Fixtures for the kg tests: fresh graph, search, trace and page-fragment caches, and a small library of rows."""

import uuid

import pytest

from kg.tests.factories import small_library

PG = "postgres://postgres@127.0.0.1:5432"


@pytest.fixture(autouse=True)
def fresh_caches():
    """The test database rolls back, so content versions repeat between tests: start every test cold."""
    from django.core.cache import cache as fragments  # rendered page parts, keyed on the version too

    from kg import search
    from kg.graph import build
    from kg.trace import index

    for cache in (build, search, index):
        cache.clear_cache()
    fragments.clear()
    # Every rebuild in the caller's thread: a background one (kg.caching, for slow builds on a
    # loaded machine) would read outside the test's transaction and outlive the test.
    # test_search and test_caching turn it back on where they test it.
    for versioned in (build._graphs, search._indexes, index._indexes):
        versioned.slow_s = float("inf")
    yield
    for cache in (build, search, index):
        cache.clear_cache()
    fragments.clear()


@pytest.fixture
def library(db) -> dict:
    return small_library()


@pytest.fixture
def empty_postgres():
    """The URL of a new, empty PostgreSQL database of the test's own, dropped afterwards."""
    psycopg = pytest.importorskip("psycopg")
    name = f"mj_test_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(f"{PG}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL at 127.0.0.1:5432 ({exc})")
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
