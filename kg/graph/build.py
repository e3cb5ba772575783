"""Build the graph from rows with a handful of bulk `values()` queries, cached per content version."""

import gc
import math
import re
import weakref
from urllib.parse import quote, unquote

import networkx as nx
from django.urls import NoReverseMatch, reverse

from kg.caching import VersionedCache
from kg.models import Concept, ConceptRelation, Mention, Note, NoteLink, Question
from kg.versioning import content_version
from papers.models import Paper, Section

NODE_KINDS = ("concept", "note", "paper", "section", "question")

# Values computed from a graph (PageRank, communities), dropped with the graph they describe.
_derived: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def node_id(kind: str, *parts: object) -> str:
    """`concept:mla`, `note:<slug>`, `paper:<slug>`, `section:<paper-slug>:<key>`, `question:<id>`."""
    return ":".join([kind, *(str(p) for p in parts)])


def _url_pattern(name: str, **placeholders: str) -> str:
    """A reversed URL with placeholders, filled in per node by `str.replace` (fast for 50k rows)."""
    try:
        # The converters quote the braces of the placeholders; unquote so `fill` finds them.
        return unquote(reverse(name, kwargs=placeholders))
    except NoReverseMatch:  # the page is not routed (yet); keep the documented shape
        fallback = {"concept": "/concepts/{slug}/", "note": "/notes/{slug}/", "paper": "/papers/{slug}/",
                    "section": "/papers/{slug}/sections/{key}/", "question": "/questions/{pk}/"}[name]
        return fallback.format(**placeholders)


def _filler(pattern: str):
    def fill(**values: object) -> str:
        url = pattern
        for key, value in values.items():
            url = url.replace(f"{{{key}}}", quote(str(value), safe=""))
        return url

    return fill


def short_title(title: str) -> str:
    """"DeepSeek-V2: A Strong, ..." -> "DeepSeek-V2"; "Qwen3 Technical Report" -> "Qwen3"."""
    head = title.split(":")[0].strip()
    head = re.sub(r"\s+(technical report|report)$", "", head, flags=re.IGNORECASE)
    return head[:40] or title[:40]


def mention_weight(count: int, defines: bool) -> float:
    """More mentions count for more, with diminishing returns; a definition counts double."""
    return round((1.0 + math.log1p(max(count, 1))) * (2.0 if defines else 1.0), 4)


def build_graph() -> nx.MultiDiGraph:
    """The whole graph: concepts, notes, papers, sections, questions and their typed edges."""
    # Hundreds of thousands of small dicts and no cycles: the cyclic collector would run
    # over and over while they are made and find nothing, so it waits until the end.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build()
    finally:
        if enabled:
            gc.enable()


def _build() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    concept_url = _filler(_url_pattern("concept", slug="{slug}"))
    note_url = _filler(_url_pattern("note", slug="{slug}"))
    paper_url = _filler(_url_pattern("paper", slug="{slug}"))
    section_url = _filler(_url_pattern("section", slug="{slug}", key="{key}"))
    question_url = _filler(_url_pattern("question", pk="{pk}"))

    concepts: dict[int, str] = {}
    for c in Concept.objects.values("id", "slug", "name", "acronym", "name_zh", "kind", "chapter__slug"):
        nid = concepts[c["id"]] = node_id("concept", c["slug"])
        g.add_node(nid, kind="concept", label=c["acronym"] or c["name"], name=c["name"], name_zh=c["name_zh"],
                   slug=c["slug"], ckind=c["kind"], chapter=c["chapter__slug"] or "", url=concept_url(slug=c["slug"]))
    for r in ConceptRelation.objects.values_list("source_id", "target_id", "type"):
        g.add_edge(concepts[r[0]], concepts[r[1]], key=r[2], type=r[2], weight=1.0)

    notes: dict[int, str] = {}
    for n in Note.objects.values("id", "slug", "title", "lang"):
        nid = notes[n["id"]] = node_id("note", n["slug"])
        g.add_node(nid, kind="note", label=n["title"], slug=n["slug"], lang=n["lang"], url=note_url(slug=n["slug"]))

    papers: dict[int, str] = {}
    paper_slugs: dict[int, str] = {}
    paper_short: dict[int, str] = {}
    for p in Paper.objects.values("id", "slug", "title"):
        nid = papers[p["id"]] = node_id("paper", p["slug"])
        paper_slugs[p["id"]] = p["slug"]
        paper_short[p["id"]] = short_title(p["title"])
        g.add_node(nid, kind="paper", label=p["title"], short=paper_short[p["id"]], slug=p["slug"],
                   url=paper_url(slug=p["slug"]))

    sections: dict[int, str] = {}
    rows = Section.objects.values_list("id", "paper_id", "key", "number", "title", "page_start", "parent_id")
    parents = []
    for sid, pid, key, number, title, page, parent_id in rows.iterator(chunk_size=5000):
        slug = paper_slugs[pid]
        nid = sections[sid] = node_id("section", slug, key)
        label = f"{paper_short[pid]} §{number} {title}" if number else f"{paper_short[pid]} · {title}"
        g.add_node(nid, kind="section", label=label, paper=slug, key=key,
                   number=number, page=page, url=section_url(slug=slug, key=key))
        parents.append((sid, pid, parent_id))
    for sid, pid, parent_id in parents:
        parent = sections.get(parent_id) if parent_id else papers[pid]
        g.add_edge(parent or papers[pid], sections[sid], key="contains", type="contains", weight=1.0)

    mentions = Mention.objects.values_list("concept_id", "section_id", "note_id", "count", "defines", "score")
    for concept_id, section_id, note_id, count, defines, score in mentions.iterator(chunk_size=10000):
        source = sections.get(section_id) if section_id else notes.get(note_id)
        if source:
            kind = "defines" if defines else "mentions"
            g.add_edge(source, concepts[concept_id], key=kind, type=kind, weight=mention_weight(count, defines),
                       count=count, score=float(score))

    for source_id, note_id, concept_id, section_id in NoteLink.objects.values_list(
        "source_id", "target_note_id", "target_concept_id", "target_section_id"
    ):
        if section_id and section_id in sections:
            g.add_edge(notes[source_id], sections[section_id], key="cites", type="cites", weight=1.0)
        elif note_id and note_id in notes:
            g.add_edge(notes[source_id], notes[note_id], key="links-to", type="links-to", weight=1.0)
        elif concept_id:
            g.add_edge(notes[source_id], concepts[concept_id], key="links-to", type="links-to", weight=1.0)

    questions: dict[int, str] = {}
    for q in Question.objects.values("id", "text", "lang", "note_id"):
        nid = questions[q["id"]] = node_id("question", q["id"])
        g.add_node(nid, kind="question", label=q["text"], lang=q["lang"], url=question_url(pk=q["id"]))
        if q["note_id"]:
            g.add_edge(nid, notes[q["note_id"]], key="answered-by", type="answered-by", weight=1.0)
    for qid, cid in Question.concepts.through.objects.values_list("question_id", "concept_id"):
        g.add_edge(questions[qid], concepts[cid], key="about", type="about", weight=1.0)
    for qid, sid in Question.sections.through.objects.values_list("question_id", "section_id"):
        g.add_edge(questions[qid], sections[sid], key="answered-by", type="answered-by", weight=1.0)
    return g


def _versioned_graph(version: int) -> nx.MultiDiGraph:
    graph = build_graph()
    graph.graph["version"] = version
    return graph


_graphs: VersionedCache[nx.MultiDiGraph] = VersionedCache(_versioned_graph)


def held_version() -> int | None:
    """The content version of the graph this process holds now, without a query or a build.

    While a thread builds a large library's new graph the previous one keeps answering, so
    what is drawn from the graph and kept (rendered parts of a page) is keyed on this too.
    """
    return _graphs.version


def current_graph() -> nx.MultiDiGraph:
    """The graph for the current content version: one version query, a rebuild only when it
    moved (a large library's previous graph keeps answering while a thread builds: kg.caching)."""
    return _graphs.get(content_version())


def derived(name: str, compute):
    """A value computed from the current graph, cached alongside it (PageRank, communities, ...)."""
    graph = current_graph()
    store = _derived.setdefault(graph, {})
    if name not in store:
        store[name] = compute(graph)
    return store[name]


def clear_cache() -> None:
    _graphs.clear()
    _derived.clear()
