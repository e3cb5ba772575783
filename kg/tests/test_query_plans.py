"""Query plans of the hot pages on PostgreSQL: no sequential scan of sections, mentions or note links.

A modest synthetic library (40 papers, 2,000 sections, 200 notes with their links) over a
60-concept vocabulary, statistics refreshed, then every SELECT of a warm request to each hot
page (concept page and backlinks, graph, search, trace, question bank filters, question,
section, paper and note pages) is explained (`python -m kg.bench.plans` prints the same).
At this size PostgreSQL rightly hashes a 2,000-row table rather than probe an index 50
times, so the plans are taken with sequential scans discouraged: a big table still read
whole then (Seq Scan, or an index walked without a condition) has no index for the query.
At 1,000 papers the planner picks those indexes by itself (`make bench` then
`python -m kg.bench.plans` on the bench database shows it).
"""

import pytest
from django.db import connection

from kg.bench.plans import BIG_TABLES, PlannedQuery, explain, hot_pages, page_plans
from kg.bench.synthetic import library_synthesize
from kg.models import Chapter, Concept, ConceptRelation

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="query plans are PostgreSQL's: run with DATABASE_URL=postgres://..."),
]


@pytest.fixture
def library(db):
    chapters = [Chapter.objects.create(slug=f"chapter-{n}", number=n, title=f"Chapter {n}") for n in range(1, 5)]
    Concept.objects.create(slug="mla", name="Multi-head Latent Attention", acronym="MLA", name_zh="多头潜在注意力",
                           chapter=chapters[0])
    Concept.objects.create(slug="grpo", name="Group Relative Policy Optimization", acronym="GRPO",
                           chapter=chapters[1])
    Concept.objects.bulk_create([Concept(slug=f"concept-{n}", name=f"Concept Number {n}", chapter=chapters[n % 4])
                                 for n in range(58)])
    concepts = list(Concept.objects.order_by("id"))
    ConceptRelation.objects.bulk_create([ConceptRelation(source=a, target=b, type="related-to")
                                         for a, b in zip(concepts, concepts[1:], strict=False)])
    library_synthesize(papers=40, notes=200, seed=11)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def test_hot_pages_scan_no_big_table_sequentially(library):
    statuses, planned = page_plans(hot_pages())
    assert {"concept page", "graph json depth 2", "search", "trace", "question bank by concept", "section page",
            "note page (backlinks)"} <= statuses.keys()
    assert all(status == 200 for status in statuses.values()), statuses
    assert planned, "the pages ran no SELECT at all"
    scanning = [f"{q.page}: {q.sql[:200]}\n{q.indexed_plan}" for q in planned if q.unindexed]
    assert not scanning, f"read whole with no index to serve them, {BIG_TABLES}:\n" + "\n\n".join(scanning)


def test_the_check_sees_a_sequential_scan(library):
    """The assertion above can fail: an unindexed filter on sections is reported."""
    sql = "SELECT id FROM papers_section WHERE page_end - page_start = 1"
    query = PlannedQuery("test", sql, explain(sql), explain(sql, discourage_seqscan=True))
    assert query.unindexed == {"papers_section"}
    sql = "SELECT id FROM papers_section WHERE paper_id = 1"
    assert not PlannedQuery("test", sql, explain(sql), explain(sql, discourage_seqscan=True)).unindexed
