"""Fixtures for the kg tests: fresh graph and search caches, and a small library of rows."""

import pytest

from kg.tests.factories import small_library


@pytest.fixture(autouse=True)
def fresh_caches():
    """The test database rolls back, so content versions repeat between tests: start every test cold."""
    from kg import search
    from kg.graph import build

    build.clear_cache()
    search.clear_cache()
    yield
    build.clear_cache()
    search.clear_cache()


@pytest.fixture
def library(db) -> dict:
    return small_library()
