"""The concept page: names, summary, relations, defining sections side by side, mentions, notes,
questions, backlinks, local graph and "how is this related to ...?".

The page is the hottest one of the site and its parts grow with the library (MLA is named in
1,300 sections at 1,000 papers), so:

- every list is cut in SQL with a count and a "show all N" link (`?all=<list>&page=<n>`, pages
  of `SHOW_ALL_PAGE`), plain links that htmx turns into a swap;
- the context is lazy (`ConceptPage`'s cached properties): a part whose HTML comes from the
  cache runs none of its queries;
- the heavy parts are cached as rendered HTML (`{% cache %}` in the template, Django's cache
  framework) under a key made of the content version (`kg.versioning.content_version()`, read
  first, so an edit anywhere shows on the next request), the language, the path and the query
  parameters the part depends on. A part that carries anything of the user's (the "Link it"
  forms with their CSRF token, for signed-in users) or free user input (an unknown `to`) is
  never cached; its key is "" and the template renders it directly;
- for signed-out readers the whole page is kept too (`kg.pagecache`: same key parts, plus htmx
  or not and the full path, with the reader's own CSRF token put in each response): a hit is
  one query, the version (`make bench` compares it with `/livez`).
"""

from functools import cached_property
from itertools import groupby

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from kg import backlinks as backlinks_lists
from kg import selectors
from kg.graph import analysis, current_graph
from kg.graph.build import held_version
from kg.models import Concept
from kg.pagecache import cached_page, keep_page, page_key
from kg.versioning import content_version

OTHER_SECTIONS_SHOWN = 25
NOTES_SHOWN = 15
QUESTIONS_SHOWN = 15
MAX_PAGE = 10_000  # beyond any list
BACKLINK_LISTS = {"notes", "sections", "questions", "unlinked"}
SIDE_LISTS = {"side-notes", "side-questions"}
FRAGMENT_SECONDS = 3600  # the version in the key retires a fragment; this only frees memory


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def path_steps(source: str, target_slug: str) -> tuple[list[dict], str]:
    """The typed chain to `target_slug` with node attributes filled in, or an error message."""
    try:
        steps = analysis.typed_path(f"concept:{source}", f"concept:{target_slug}")
    except analysis.GraphError as exc:
        return [], str(exc)
    g = current_graph()
    for step in steps:
        step["source_node"] = g.nodes[step["source"]]
        step["target_node"] = g.nodes[step["target"]]
        step["section_nodes"] = [g.nodes[s] for s in step["sections"]]
    return steps, ""


def concept_choices(version: int) -> list[tuple[str, str]]:
    """(slug, name) of every concept for the path picker, read once per content version per process."""
    return cache.get_or_set(f"kg:concept-choices:{version}", selectors.concept_choices, FRAGMENT_SECONDS)


def _page_number(value: str | None) -> int:
    return min(int(value), MAX_PAGE) if value and value.isdigit() and int(value) > 0 else 1


class ConceptPage:
    """The parts of one concept page, each read on first use: a cached fragment never asks."""

    def __init__(self, concept: Concept, *, expand: str = "", page: int = 1, to: str = ""):
        self.concept, self.expand, self.page, self.to = concept, expand, page, to
        self.node = f"concept:{concept.slug}"

    def _window(self, kind: str, shown: int) -> tuple[int, int]:
        """(limit, offset) of a sidebar list: its first `shown`, or one page of it when expanded."""
        if self.expand != kind:
            return shown, 0
        return backlinks_lists.SHOW_ALL_PAGE, (self.page - 1) * backlinks_lists.SHOW_ALL_PAGE

    @cached_property
    def _sections(self):
        return selectors.concept_section_mentions(self.concept, others_limit=OTHER_SECTIONS_SHOWN)

    @cached_property
    def defining_by_paper(self) -> list:
        # Stable sort: within each paper the selector's best-first order is kept.
        defining = sorted(self._sections[0], key=lambda m: m.section.paper.title)
        return [(paper, list(ms)) for paper, ms in groupby(defining, key=lambda m: m.section.paper)]

    @cached_property
    def other_mentions(self) -> list:
        return self._sections[1]

    @cached_property
    def other_count(self) -> int:
        return self._sections[2]

    @cached_property
    def aliases(self) -> list[str]:
        c = self.concept
        seen = {c.name.casefold(), c.acronym.casefold(), c.name_zh.casefold()}
        return [a for a in c.aliases if a.casefold() not in seen and not seen.add(a.casefold())]

    @cached_property
    def importance_rank(self) -> int | None:
        return analysis.importance_rank(self.node)

    @cached_property
    def _relations(self):
        return selectors.concept_relations(self.concept)

    @cached_property
    def outgoing(self) -> list:
        return self._relations[0]

    @cached_property
    def incoming(self) -> list:
        return self._relations[1]

    @cached_property
    def neighbours(self) -> list[dict]:
        g = current_graph()
        node = self.node
        found = {other for other in [*g.successors(node), *g.predecessors(node)] if g.nodes[other]["kind"] == "concept"}
        return [g.nodes[n] for n in sorted(found, key=lambda n: g.nodes[n]["label"].lower())]

    @cached_property
    def _notes(self):
        limit, offset = self._window("side-notes", NOTES_SHOWN)
        return selectors.concept_notes_page(self.concept, limit=limit, offset=offset)

    @cached_property
    def notes(self) -> list:
        return self._notes[0]

    @cached_property
    def notes_total(self) -> int:
        return self._notes[1]

    @cached_property
    def _questions(self):
        limit, offset = self._window("side-questions", QUESTIONS_SHOWN)
        return selectors.concept_questions_page(self.concept, limit=limit, offset=offset)

    @cached_property
    def questions(self) -> list:
        return self._questions[0]

    @cached_property
    def questions_total(self) -> int:
        return self._questions[1]

    def side_list(self, kind: str, shown: list, total: int) -> dict:
        """Where a sidebar list stands: its first items, or page n of the whole list."""
        page = self.page if self.expand == kind else 0
        first = (page - 1) * backlinks_lists.SHOW_ALL_PAGE + 1 if page else 1
        return {"kind": kind, "page": page, "total": total, "cut": total > len(shown), "first": first,
                "last": first + len(shown) - 1, "prev": page - 1 if page > 1 else None,
                "next": page + 1 if page and first + len(shown) - 1 < total else None}

    @cached_property
    def backlinks(self):
        expand = self.expand if self.expand in BACKLINK_LISTS else ""
        return backlinks_lists.backlinks_for_concept(concept=self.concept, expand=expand, page=self.page,
                                                     more_url="?backlinks=all&all=")

    @cached_property
    def _path(self) -> tuple[list[dict], str]:
        return path_steps(self.concept.slug, self.to) if self.to else ([], "")

    @cached_property
    def steps(self) -> list[dict]:
        return self._path[0]

    @cached_property
    def path_error(self) -> str:
        return self._path[1]

    @cached_property
    def sections_total(self) -> int:
        """Sections naming the concept, defining or not: the backlinks list "show all" opens."""
        return self.backlinks.group("sections").total

    @cached_property
    def notes_list(self) -> dict:
        return self.side_list("side-notes", self.notes, self.notes_total)

    @cached_property
    def questions_list(self) -> dict:
        return self.side_list("side-questions", self.questions, self.questions_total)


# Whole lists (`all`, `page`) are rare and can be large: those pages are rendered each time.
PAGE_PARAMS = {"backlinks", "to", "part"}


def _page_cache_key(request: HtmxHttpRequest, version: int) -> str:
    """The whole-page key of a signed-out request (kg.pagecache), or "" when the page must not
    be kept: an unknown `to` is free text echoed in an error, not a key anyone may fill."""
    to = request.GET.get("to", "").strip()
    if to and not any(s == to for s, _ in concept_choices(version)):
        return ""
    return page_key(request, "concept", accepted=PAGE_PARAMS, versions=(version, held_version()))


@require_GET
def concept_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    # The version first: whatever is read after it is at least as new, so nothing is ever
    # stored under a version newer than its data, and an edit shows on the next request.
    version = content_version()
    key = _page_cache_key(request, version)
    cached = cached_page(request, key)
    if cached is not None:
        return cached  # a hit renders nothing: one query (the version) and the reader's token
    try:
        concept = selectors.concept_header(slug)
    except Concept.DoesNotExist:
        raise Http404("no such concept") from None
    expand = request.GET.get("all", "")
    expand = expand if expand in BACKLINK_LISTS | SIDE_LISTS else ""
    page_number = _page_number(request.GET.get("page"))
    show_backlinks = request.GET.get("backlinks") == "all" or expand in BACKLINK_LISTS
    to = request.GET.get("to", "").strip()
    page = ConceptPage(concept, expand=expand, page=page_number, to=to)
    known_to = not to or any(s == to for s, _ in concept_choices(version))
    signed_in = request.user.is_authenticated
    # Every fragment varies on these; the path covers the slug (and any script prefix). Parts
    # drawn from the graph vary on the graph held too (kg.graph.build.held_version).
    base = f"{version}|{get_language()}|{request.path}"
    graph_base = f"{base}|g{held_version()}"
    context = {
        "concept": concept,
        "page": page,
        "node": page.node,
        "show_backlinks": show_backlinks,
        "to": to,
        "all_concepts": lambda: concept_choices(version),  # called only when the path card is rendered
        "fragment_seconds": FRAGMENT_SECONDS,
        # A whole list (`all`) is rare and can be large: rendered each time, never kept per process.
        "fragment_keys": {
            "head": graph_base,
            "side": graph_base,
            "lists": "" if expand in SIDE_LISTS else base,
            # Signed in, the open panel has "Link it" forms with the user's CSRF token: never shared.
            "backlinks": "" if show_backlinks and signed_in or expand in BACKLINK_LISTS else
                         f"{base}|{show_backlinks}|{signed_in}",
            # An unknown `to` is free text echoed in an error: not a key anyone may fill the cache with.
            "path": f"{graph_base}|{to}" if known_to else "",
        },
    }
    template = "kg/concept.html"
    part = request.GET.get("part")
    if request.htmx and part in {"backlinks", "path", "lists"}:
        template += "#" + part
    return keep_page(request, TemplateResponse(request, template, context), key)
