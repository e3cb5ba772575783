"""The concept and note pages at scale (issue 8): lists cut in SQL with a count and a "show all N"
link that works without JavaScript, constant queries whatever the library size, and the concept
page's cache: fresh after any edit, never one reader's HTML (or CSRF token) for another."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kg.graph import analysis
from kg.models import Concept
from kg.tests import factories
from kg.versioning import content_changed

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def grow(library, start, count):
    """`count` more sections, notes (linked and not) and questions about MLA, then a new version."""
    mla = library["mla"]
    for i in range(start, start + count):
        s = factories.section(library["v2"], f"9.{i}", f"Extra section {i}", text=f"MLA again {i}.")
        factories.mention(mla, section=s, count=1, score=0.01, context=f"section context {i}")
        linked = factories.note(f"linked-{i}", title=f"Linked note {i}", body=f"[[mla]] {i}")
        factories.mention(mla, note=linked, explicit=True, score=0.1, context=f"linked context {i}")
        factories.notelink(linked, position=1, target_text="mla-note", target_note=library["mla_note"],
                           context=f"note link {i}")
        plain = factories.note(f"plain-{i}", title=f"Plain note {i}", body=f"MLA named, not linked {i}")
        factories.mention(mla, note=plain, score=0.05, context=f"unlinked context {i}")
        factories.question(f"Extra question {i}?", chapter=library["arch"], concepts=[mla])
    content_changed()


def cold_queries(client, url, **headers) -> int:
    """Queries of one request rendered from scratch (no page or fragment cached; graph warm)."""
    assert client.get(url, **headers).status_code == 200
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **headers).status_code == 200
    return len(ctx.captured_queries)


PAGES = [
    "/concepts/mla/", "/concepts/mla/?backlinks=all", "/concepts/mla/?all=sections", "/concepts/mla/?all=unlinked",
    "/concepts/mla/?all=side-notes&page=2", "/concepts/mla/?to=grpo", "/notes/mla-note/",
    "/notes/mla-note/?all=notes",
]


def test_concept_and_note_pages_run_the_same_queries_cold_for_n_and_3n_rows(client, library):
    grow(library, 0, 5)
    small = {url: cold_queries(client, url) for url in PAGES}
    grow(library, 5, 30)
    large = {url: cold_queries(client, url) for url in PAGES}
    assert small == large
    assert max(small.values()) <= 25, small  # the note page includes the link resolver, read once per version


def test_signed_in_pages_run_the_same_queries_for_n_and_3n_rows(client, library, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader", password="pw-123456-x"))
    urls = ["/concepts/mla/?backlinks=all", "/concepts/mla/?all=unlinked"]
    grow(library, 0, 5)
    small = {url: cold_queries(client, url) for url in urls}
    grow(library, 5, 30)
    assert small == {url: cold_queries(client, url) for url in urls}


def test_lists_are_cut_with_a_count_and_a_show_all_link(client, library, monkeypatch):
    from kg import backlinks
    from kg.views import concepts

    monkeypatch.setattr(concepts, "NOTES_SHOWN", 3)
    monkeypatch.setattr(concepts, "OTHER_SECTIONS_SHOWN", 4)
    grow(library, 0, 40)
    page = client.get("/concepts/mla/").content.decode()
    # Sidebar notes: 3 of 81 (1 + 40 linked + 40 unlinked), with a plain link and its htmx twin.
    assert '<h2>Notes <span class="count">81</span></h2>' in page
    assert 'href="?all=side-notes#notes" hx-get="?all=side-notes&amp;part=lists"' in page
    assert "Show all 81" in page and "Show all 42" in page  # sections naming MLA: 2 defining + 40
    assert page.count("section context") == 4  # the four strongest other sections only
    opened = client.get("/concepts/mla/?backlinks=all").content.decode()
    assert "30 of 42 shown" in opened and 'href="?backlinks=all&amp;all=sections#backlinks-panel"' in opened
    assert "20 of 40 shown" in opened and 'href="?backlinks=all&amp;all=unlinked#backlinks-panel"' in opened

    monkeypatch.setattr(backlinks, "SHOW_ALL_PAGE", 25)
    cache.clear()
    first = client.get("/concepts/mla/?all=sections").content.decode()
    assert "1–25 of 42" in first and first.count("section context") >= 25 - 2
    assert 'href="?backlinks=all&amp;all=sections&amp;page=2#backlinks-panel"' in first
    second = client.get("/concepts/mla/?all=sections&page=2").content.decode()
    assert "26–42 of 42" in second and "page=1#backlinks-panel" in second and "page=3" not in second
    part = client.get("/concepts/mla/?all=sections&page=2&part=backlinks", **HTMX).content.decode()
    assert "<html" not in part and "26–42 of 42" in part and 'id="backlinks-panel"' in part
    notes = client.get("/concepts/mla/?all=side-notes&page=4").content.decode()
    assert "76–81 of 81" in notes and "Plain note 9" in notes
    lists = client.get("/concepts/mla/?all=side-notes&part=lists", **HTMX).content.decode()
    assert lists.strip().startswith('<div id="concept-lists">') and "1–25 of 81" in lists


def test_note_page_unlinked_mentions_come_from_stored_mentions_cut_with_show_all(client, library, monkeypatch):
    from kg import backlinks

    grow(library, 0, 25)
    # mla-note links and defines MLA: other notes naming MLA without linking the note are its unlinked mentions.
    page = client.get("/notes/mla-note/").content.decode()
    assert 'Unlinked mentions <span class="count">25</span>' in page and "20 of 25 shown" in page
    assert "unlinked context 24" in page  # the stored sentence around the mention
    assert 'href="?all=unlinked#backlinks-panel" hx-get="?all=unlinked&amp;part=backlinks"' in page
    assert "20 of 26 shown" in page and 'href="?all=notes#backlinks-panel"' in page  # notes linking it
    monkeypatch.setattr(backlinks, "SHOW_ALL_PAGE", 10)
    second = client.get("/notes/mla-note/?all=unlinked&page=2").content.decode()
    assert "11–20 of 25" in second and "page=3#backlinks-panel" in second and "page=1#backlinks-panel" in second
    part = client.get("/notes/mla-note/?all=unlinked", **HTMX).content.decode()
    assert "<html" not in part and "1–10 of 25" in part
    linked = client.get("/notes/mla-note/?all=notes&page=3").content.decode()
    assert "21–26 of 26" in linked


def test_an_edit_shows_on_the_next_request(client, library, django_user_model):
    from kg.services.notes import note_create

    assert "shrink the KV cache" in client.get("/concepts/mla/").content.decode()
    assert "shrink the KV cache" in client.get("/concepts/mla/").content.decode()  # from the cache now
    Concept.objects.filter(slug="mla").update(summary="A brand new summary.")
    content_changed()
    page = client.get("/concepts/mla/").content.decode()
    assert "A brand new summary." in page and "shrink the KV cache" not in page
    # A note written through the service moves the version too.
    user = django_user_model.objects.create_user("w", password="pw-123456-x")
    note_create(title="Fresh MLA note", body="[[concept:mla]] is new here.", user=user)
    assert "Fresh MLA note" in client.get("/concepts/mla/").content.decode()


def test_cached_pages_carry_each_readers_own_csrf_token(library):
    from kg.pagecache import CSRF_STAND_IN

    first, second = Client(), Client()
    a, b = first.get("/concepts/mla/"), second.get("/concepts/mla/")  # b is served from the cache
    ta, tb = TOKEN.search(a.content.decode()).group(1), TOKEN.search(b.content.decode()).group(1)
    assert ta != tb and CSRF_STAND_IN not in b.content.decode()
    # Each token is valid for its own reader: the language form posts.
    for client, token in ((first, ta), (second, tb)):
        client.handler.enforce_csrf_checks = True
        assert client.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
                           ).status_code == 302


def test_signed_in_html_is_never_served_to_another_reader(library, django_user_model):
    plain = factories.note("plain", title="Plain note", body="MLA named.")
    factories.mention(library["mla"], note=plain, context="MLA named.")
    content_changed()
    user = django_user_model.objects.create_user("alice", password="pw-123456-x")
    alice, anonymous = Client(), Client()
    alice.force_login(user)
    mine = alice.get("/concepts/mla/?backlinks=all").content.decode()
    assert "Signed in as alice" in mine and "Link it" in mine
    theirs = anonymous.get("/concepts/mla/?backlinks=all").content.decode()
    assert "alice" not in theirs and "Link it" not in theirs
    anonymous.get("/concepts/mla/")  # an anonymous page cached first ...
    again = alice.get("/concepts/mla/?backlinks=all").content.decode()
    assert "Signed in as alice" in again and "Link it" in again  # ... never shown to a signed-in reader
    assert "Signed in as alice" in alice.get("/concepts/mla/").content.decode()


def test_language_and_htmx_are_kept_apart(client, library):
    english = client.get("/concepts/mla/").content.decode()
    chinese = client.get("/concepts/mla/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'lang="en"' in english and 'lang="zh-hans"' in chinese
    part = client.get("/concepts/mla/?backlinks=all&part=backlinks", **HTMX).content.decode()
    full = client.get("/concepts/mla/?backlinks=all&part=backlinks").content.decode()
    assert "<html" not in part and "<html" in full


def test_unknown_path_targets_are_not_cached(client, library):
    body = client.get("/concepts/mla/?to=nowhere-" + "x" * 50).content.decode()
    assert "unknown concept" in body
    assert not any("nowhere" in str(v) for v in getattr(cache, "_cache", {}).values())


def test_importance_rank_is_the_place_in_the_importance_order(library):
    rank = analysis.importance()
    ordered = sorted(rank, key=lambda n: (-rank[n], n))
    assert [analysis.importance_rank(n) for n in ordered] == list(range(1, len(ordered) + 1))
    assert analysis.importance_rank("note:mla-note") is None


def test_the_compiled_version_read_follows_the_row(db):
    from kg.versioning import content_version

    assert content_version() == 0  # no row yet
    content_changed()
    content_changed()
    assert content_version() == 2


def test_whole_lists_are_rendered_each_time_not_kept(client, library):
    client.get("/concepts/mla/")  # builds the graph: keys drawn from it settle on its version
    client.get("/concepts/mla/")
    kept = len(cache._cache)  # LocMemCache: the page and its fragments
    for url in ["/concepts/mla/?all=sections", "/concepts/mla/?all=sections&page=2", "/concepts/mla/?all=side-notes",
                "/concepts/mla/?all=unlinked&page=3"]:
        assert client.get(url).status_code == 200
    assert len(cache._cache) == kept


def neighbours(page: str) -> str:
    return page.split('class="chips"')[1].split("</ul>")[0]


def test_parts_drawn_from_a_stale_graph_are_redone_when_the_new_graph_lands(client, library, monkeypatch):
    """kg.caching answers from the previous graph while a thread builds the new one: what the
    page drew from that graph must not stay cached once the new graph is there."""
    import kg.caching
    from kg.graph import build

    assert client.get("/concepts/mla/").status_code == 200  # graph at this version, page cached
    newcomer = factories.concept("flash-mla", name="FlashMLA kernel")
    factories.relation(newcomer, library["mla"], "related-to")
    Concept.objects.filter(slug="mla").update(summary="Summary after the edit.")
    content_changed()

    class Held:  # the background build, started but not finished yet
        def __init__(self, target, args, daemon):
            self.target, self.args = target, args

        def start(self):
            Held.pending = self

    monkeypatch.setattr(kg.caching.threading, "Thread", Held)
    build._graphs.slow_s = 2.0  # background rebuilds on (the test fixtures turn them off)
    build._graphs.seconds = 99.0  # as if the last build had been slow
    stale = client.get("/concepts/mla/").content.decode()
    assert "Summary after the edit." in stale  # rows are read fresh
    assert "FlashMLA kernel" not in neighbours(stale)  # still the old graph
    build._graphs._rebuild(*Held.pending.args)  # the new graph lands (what the thread would do)
    fresh = client.get("/concepts/mla/").content.decode()
    assert "FlashMLA kernel" in neighbours(fresh)


def test_with_a_version_ttl_other_processes_edits_show_within_it_and_own_at_once(transactional_db, settings):
    from django.db import connection

    from kg import versioning
    from kg.versioning import content_version

    settings.CONTENT_VERSION_TTL_MS = 60_000
    versioning._seen.clear()
    content_changed()
    assert content_version() == 1
    with connection.cursor() as cursor:  # another process moves the version on
        cursor.execute("UPDATE kg_contentversion SET version = 5 WHERE id = 1")
    assert content_version() == 1  # not read again within the TTL: no query
    content_changed()  # this process's own change: seen on its next read
    assert content_version() == 6
    settings.CONTENT_VERSION_TTL_MS = 0
    with connection.cursor() as cursor:
        cursor.execute("UPDATE kg_contentversion SET version = 9 WHERE id = 1")
    assert content_version() == 9
