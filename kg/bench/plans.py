"""Query plans of the hot pages on PostgreSQL: `python -m kg.bench.plans` (DATABASE_URL set).

Each page is requested twice through Django's test client (the first fills the per-process
caches: graph, search and trace indexes are whole-table reads made once per content version);
every SELECT of the second request is explained, and sequential scans on the big tables
(sections, mentions, note links) are reported. kg/tests/test_query_plans.py asserts there are none.

Each query is explained twice: as the planner sees it on this database (on a small library a
sequential scan of a small table is the right plan), and with sequential scans discouraged
(`enable_seqscan = off`): a big table still read whole then has no index serving the query.
"""

import re
import sys
from dataclasses import dataclass
from urllib.parse import quote

BIG_TABLES = ("papers_section", "kg_mention", "kg_notelink")
_SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")


_INDEX_SCAN = re.compile(r"Index (?:Only )?Scan(?: Backward)? using \w+ on (\w+)")


def whole_table_reads(plan: str) -> set[str]:
    """Tables a plan reads whole: a Seq Scan, or an index scan with no Index Cond (a full index walk)."""
    tables = set(_SEQ_SCAN.findall(plan))
    lines = plan.splitlines()
    for i, line in enumerate(lines):
        match = _INDEX_SCAN.search(line)
        if not match:
            continue
        depth = len(line) - len(line.lstrip(" ->"))
        details = []
        for following in lines[i + 1:]:
            if "->" in following or len(following) - len(following.lstrip()) <= depth:
                break
            details.append(following)
        if not any("Index Cond" in d for d in details):
            tables.add(match.group(1))
    return tables


@dataclass
class PlannedQuery:
    page: str
    sql: str
    plan: str  # as the planner chooses on this database
    indexed_plan: str = ""  # with sequential scans discouraged

    @property
    def seq_scans(self) -> set[str]:
        return set(_SEQ_SCAN.findall(self.plan))

    @property
    def big_seq_scans(self) -> set[str]:
        return self.seq_scans & set(BIG_TABLES)

    @property
    def unindexed(self) -> set[str]:
        """Big tables this query reads whole even when the planner is told to prefer indexes."""
        return whole_table_reads(self.indexed_plan or self.plan) & set(BIG_TABLES)


def hot_pages(*, concept: str = "mla") -> dict[str, str]:
    """The pages of issue 8's hot paths, on rows that exist in the current database."""
    from kg.models import Chapter, Note, Question
    from papers.models import Section

    pages = {
        "concept page": f"/concepts/{concept}/",
        "concept backlinks (all)": f"/concepts/{concept}/?backlinks=all",
        "graph json depth 2": f"/api/graph?center=concept:{concept}&depth=2",
        "graph page": f"/graph/?center=concept:{concept}&depth=2",
        "search": "/search/?q=" + quote("GRPO critic 优势"),
        "trace": "/api/trace?q=" + quote("为什么 MLA 能减少 KV cache"),
        "question bank by concept": f"/questions/?concept={concept}&lang=zh",
        "question bank by tag": "/questions/?tag=high-frequency",
    }
    chapter = Chapter.objects.order_by("number").values_list("slug", flat=True).first()
    if chapter:
        pages["question bank by chapter"] = f"/questions/?chapter={chapter}"
    question = Question.objects.order_by("-id").values_list("id", flat=True).first()
    if question:
        pages["question page"] = f"/questions/{question}/"
    section = Section.objects.order_by("-id").values_list("paper__slug", "key").first()
    if section:
        pages["section page"] = f"/papers/{section[0]}/sections/{quote(section[1], safe='')}/"
        pages["paper page"] = f"/papers/{section[0]}/"
    linked = Note.objects.filter(backlinks__isnull=False).order_by("-id").values_list("slug", flat=True).first()
    if linked:
        pages["note page (backlinks)"] = f"/notes/{quote(linked)}/"
    return pages


def explain(sql: str, *, discourage_seqscan: bool = False) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if discourage_seqscan:
            cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute("EXPLAIN " + sql)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            if discourage_seqscan:
                cursor.execute("RESET enable_seqscan")


def page_plans(pages: dict[str, str]) -> tuple[dict[str, int], list[PlannedQuery]]:
    """Status of each page, and the plan of every SELECT its warm request runs."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost", raise_request_exception=False)
    statuses, planned = {}, []
    for name, url in pages.items():
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            statuses[name] = client.get(url).status_code
        for query in captured.captured_queries:
            sql = query["sql"]
            if sql.lstrip().upper().startswith("SELECT"):
                planned.append(PlannedQuery(name, sql, explain(sql), explain(sql, discourage_seqscan=True)))
    return statuses, planned


def main() -> int:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kg.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings

    if connection.vendor != "postgresql":
        print("query plans: needs PostgreSQL (DATABASE_URL=postgres://...)", file=sys.stderr)
        return 2
    # Pages, not static file hashing: no collectstatic manifest needed.
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
    statuses, planned = page_plans(hot_pages())
    bad = 0
    print(f"{'page':28} {'status':>6} {'selects':>7}  sequential scans as planned here")
    for name, status in statuses.items():
        queries = [q for q in planned if q.page == name]
        scans = sorted({t for q in queries for t in q.seq_scans})
        print(f"{name:28} {status:>6} {len(queries):>7}  {', '.join(scans) or '-'}")
        for q in queries:
            if q.big_seq_scans or q.unindexed:
                bad += bool(q.unindexed)
                verdict = "NO INDEX SERVES IT" if q.unindexed else "an index exists; seq scan chosen at this size"
                print(f"    [{verdict}] {q.sql[:300]}\n      " + q.plan.replace("\n", "\n      "))
    print(f"{bad} queries read a big table ({', '.join(BIG_TABLES)}) whole with no index to serve them")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
