"""Every page runs a fixed number of queries whatever the data size (no N+1).

Each page is measured with N extra concepts (each with a section, mentions, a note, a
question and links) and again with 3N; the counts must be equal. Caches are warmed first,
as in a running server.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kg.tests import factories

pytestmark = pytest.mark.django_db


def grow(library, start, count):
    v2 = library["v2"]
    for i in range(start, start + count):
        c = factories.concept(f"extra-{i}", name=f"Extra concept {i}", chapter=library["arch"], aliases=[f"额外{i}"])
        factories.relation(c, library["mla"], "related-to")
        s = factories.section(v2, f"9.{i}", f"Extra section {i}", text=f"Extra concept {i} with MLA and KV cache.")
        factories.mention(c, section=s, count=2, defines=True)
        factories.mention(library["mla"], section=s, count=1)
        n = factories.note(f"extra-note-{i}", body=f"About [[extra-{i}]] and [[mla]].")
        factories.mention(c, note=n, explicit=True)
        factories.notelink(n, position=1, target_text="mla", target_concept=library["mla"], context=f"ctx {i}")
        factories.question(f"Extra question {i}?", chapter=library["arch"], tags=["hot"], concepts=[c, library["mla"]],
                           note=n, sections=[s])


def pages(library):
    q = library["q1"].pk
    return [
        "/", "/concepts/mla/", "/concepts/mla/?backlinks=all", "/concepts/mha/?to=kv-cache", "/papers/",
        "/papers/deepseek-v2/", "/papers/deepseek-v2/sections/2.1/", "/questions/", "/questions/?tag=hot&lang=en",
        f"/questions/{q}/", "/graph/", "/graph/?center=concept:mla&depth=2", "/search/?q=MLA 额外",
        "/preview/concept:mla/", "/api/concepts/mla", "/api/graph?center=concept:mla&depth=2",
        "/api/path?from=mha&to=kv-cache", "/api/search?q=MLA",
    ]


def counts(client, urls):
    result = {}
    for url in urls:
        assert client.get(url).status_code == 200, url  # warm the graph and search caches
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        result[url] = len(ctx.captured_queries)
    return result


def test_pages_run_the_same_number_of_queries_for_n_and_3n_rows(client, library):
    urls = pages(library)
    grow(library, 0, 4)
    small = counts(client, urls)
    grow(library, 4, 8)
    large = counts(client, urls)
    assert small == large
    assert max(small.values()) <= 20, small
