"""One search box over concepts (any alias), notes, sections and questions, in English, Chinese or both.

An in-process BM25 index built from rows with `kg.text.tokenize` (the shared tokenizer) and
cached per content version, so SQLite and PostgreSQL give the same results in the same order.
"""

import html
import math
import re
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connections
from django.utils.safestring import SafeString, mark_safe

from kg.graph.build import _filler, _url_pattern, node_id
from kg.models import Concept, Note, Question
from kg.text import has_han, normalise, stem, tokenize
from kg.versioning import content_version
from papers.models import Section

MAX_QUERY = 200
KINDS = ("concept", "note", "section", "question")
KIND_BOOST = {"concept": 1.6, "note": 1.2, "question": 1.1, "section": 1.0}
TITLE_REPEAT = 3
K1, B = 1.2, 0.75
_WORD = re.compile(r"[A-Za-z0-9]+(?:[.\-+][A-Za-z0-9]+)*")


class QueryError(ValueError):
    """An empty or over-long query; the message is for the user."""


@dataclass
class Doc:
    id: str
    kind: str
    title: str
    url: str
    text: str
    subtitle: str = ""
    names: tuple[str, ...] = ()
    length: int = 0


@dataclass
class Index:
    docs: list[Doc] = field(default_factory=list)
    postings: dict[str, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    avg_length: float = 1.0


def _documents() -> list[Doc]:
    concept_url = _filler(_url_pattern("concept", slug="{slug}"))
    note_url = _filler(_url_pattern("note", slug="{slug}"))
    section_url = _filler(_url_pattern("section", slug="{slug}", key="{key}"))
    question_url = _filler(_url_pattern("question", pk="{pk}"))
    docs = []
    for c in Concept.objects.values("slug", "name", "acronym", "name_zh", "aliases", "summary"):
        names = tuple(dict.fromkeys(n.strip() for n in [c["name"], c["acronym"], c["name_zh"], *c["aliases"]] if n))
        title = f"{c['name']} ({c['acronym']})" if c["acronym"] else c["name"]
        docs.append(Doc(node_id("concept", c["slug"]), "concept", title, concept_url(slug=c["slug"]),
                        c["summary"], subtitle=c["name_zh"], names=names))
    for n in Note.objects.values("slug", "title", "body", "aliases"):
        docs.append(Doc(node_id("note", n["slug"]), "note", n["title"], note_url(slug=n["slug"]), n["body"],
                        names=tuple(n["aliases"] or ())))
    sections = Section.objects.values_list("paper__slug", "paper__title", "key", "number", "title", "text")
    for slug, paper_title, key, number, title, text in sections.iterator(chunk_size=2000):
        label = f"§{number} {title}" if number else title
        docs.append(Doc(node_id("section", slug, key), "section", label, section_url(slug=slug, key=key), text,
                        subtitle=paper_title))
    for q in Question.objects.values("id", "text"):
        docs.append(Doc(node_id("question", q["id"]), "question", q["text"], question_url(pk=q["id"]), ""))
    return docs


# Tokenising is the slow part (jieba); a document whose text did not change keeps its terms
# from the previous build, so a rebuild after an edit only tokenises what changed.
_terms: dict[str, tuple[int, Counter, int]] = {}


def _doc_terms(doc: Doc) -> tuple[Counter, int]:
    fingerprint = hash((doc.title, doc.names, doc.text))
    cached = _terms.get(doc.id)
    if cached and cached[0] == fingerprint:
        return cached[1], cached[2]
    terms = tokenize(" ".join([doc.title, *doc.names])) * TITLE_REPEAT + tokenize(doc.text)
    counts = Counter(terms)
    _terms[doc.id] = (fingerprint, counts, len(terms) or 1)
    return counts, len(terms) or 1


def build_index() -> Index:
    index = Index(docs=_documents())
    total = 0
    for position, doc in enumerate(index.docs):
        counts, doc.length = _doc_terms(doc)
        total += doc.length
        for term, tf in counts.items():
            index.postings[term].append((position, tf))
    index.avg_length = total / len(index.docs) if index.docs else 1.0
    live = {doc.id for doc in index.docs}
    for gone in [key for key in _terms if key not in live]:
        del _terms[gone]
    return index


SLOW_BUILD_S = 2.0
_lock = threading.Lock()
_cache: dict[str, object] = {"version": None, "index": None, "seconds": 0.0, "building": False}


def _rebuild(version: int) -> None:
    started = time.perf_counter()
    index = build_index()
    _cache.update(index=index, version=version, seconds=time.perf_counter() - started)


def _rebuild_in_background(version: int) -> None:
    try:
        _rebuild(version)
    finally:
        _cache["building"] = False
        connections.close_all()


def current_index() -> Index:
    """The index for the current content version.

    A large library whose last build was slow keeps answering from the previous index while
    a thread builds the new one (results a few seconds stale, never a blocked request).
    """
    version = content_version()
    if _cache["version"] == version and _cache["index"] is not None:
        return _cache["index"]  # type: ignore[return-value]
    with _lock:
        if _cache["version"] == version and _cache["index"] is not None:
            return _cache["index"]  # type: ignore[return-value]
        if _cache["index"] is not None and _cache["seconds"] > SLOW_BUILD_S:  # type: ignore[operator]
            if not _cache["building"]:
                _cache["building"] = True
                threading.Thread(target=_rebuild_in_background, args=(version,), daemon=True).start()
            return _cache["index"]  # type: ignore[return-value]
        _rebuild(version)
    return _cache["index"]  # type: ignore[return-value]


def clear_cache() -> None:
    _cache.update(version=None, index=None, seconds=0.0, building=False)
    _terms.clear()


def clean_query(query: str | None) -> str:
    query = (query or "").strip()
    if not query:
        raise QueryError("the query is empty")
    if len(query) > MAX_QUERY:
        raise QueryError(f"the query is longer than {MAX_QUERY} characters")
    return query


@dataclass
class Hit:
    doc: Doc
    score: float
    snippet: SafeString
    title_html: SafeString

    def as_dict(self) -> dict:
        return {"id": self.doc.id, "kind": self.doc.kind, "title": self.doc.title, "subtitle": self.doc.subtitle,
                "url": self.doc.url, "score": round(self.score, 4), "snippet": str(self.snippet)}


def search(query: str, *, kinds: set[str] | None = None, limit: int = 20) -> tuple[list[Hit], list[str]]:
    """Ranked hits for `query` and the query terms used. Raises QueryError on an empty or long query."""
    query = clean_query(query)
    index = current_index()
    terms = list(dict.fromkeys(tokenize(query)))
    scores: dict[int, float] = defaultdict(float)
    covered: dict[int, float] = defaultdict(float)
    n_docs = len(index.docs) or 1
    total_idf = 0.0
    for term in terms:
        postings = index.postings.get(term, [])
        if not postings:
            continue
        idf = math.log(1 + (n_docs - len(postings) + 0.5) / (len(postings) + 0.5))
        total_idf += idf
        for position, tf in postings:
            doc = index.docs[position]
            norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * doc.length / index.avg_length))
            scores[position] += idf * norm
            covered[position] += idf
    folded = normalise(query)
    for position in list(scores):
        doc = index.docs[position]
        # A text that has all the query's words beats one that repeats a few of them.
        coverage = covered[position] / total_idf if total_idf else 0.0
        scores[position] *= (0.3 + 0.7 * coverage) ** 2
        # A concept named (by any alias) in the query is what the user is after.
        if any(_contains_name(folded, normalise(name)) for name in doc.names):
            scores[position] += 4.0 * coverage + 2.0
        scores[position] *= KIND_BOOST[doc.kind]
    ranked = sorted(scores.items(), key=lambda item: (-round(item[1], 9), index.docs[item[0]].id))
    hits = []
    for position, score in ranked:
        doc = index.docs[position]
        if kinds and doc.kind not in kinds:
            continue
        hits.append(Hit(doc, score, snippet(doc.text, terms), highlight(doc.title, terms)))
        if len(hits) >= limit:
            break
    return hits, terms


def _contains_name(text: str, name: str) -> bool:
    if len(name) < 2:
        return False
    if has_han(name):
        return name in text
    return re.search(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])", text) is not None


def _pattern(terms: list[str]) -> re.Pattern | None:
    # A lone Chinese character ("不") would light up every other word; highlight words only.
    han = sorted((t for t in terms if has_han(t) and len(t) > 1), key=len, reverse=True)
    parts = [re.escape(t) for t in han]
    parts.append(_WORD.pattern)
    return re.compile("|".join(parts)) if terms else None


def _marks(text: str, terms: list[str]) -> list[tuple[int, int]]:
    pattern = _pattern(terms)
    if pattern is None:
        return []
    wanted = set(terms)
    spans = []
    for match in pattern.finditer(text):
        word = match.group()
        if has_han(word) or normalise(word) in wanted or stem(normalise(word)) in wanted:
            spans.append(match.span())
    return spans


def highlight(text: str, terms: list[str]) -> SafeString:
    """`text` escaped, with every word matching a query term in <mark>."""
    out, last = [], 0
    for start, end in _marks(text, terms):
        out += [html.escape(text[last:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
        last = end
    out.append(html.escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of text was escaped above


def snippet(text: str, terms: list[str], *, width: int = 220) -> SafeString:
    """About `width` characters around the first matching word, highlighted."""
    text = " ".join(text.split())
    marks = _marks(text, terms)
    start = max(0, marks[0][0] - width // 3) if marks else 0
    piece = text[start:start + width]
    prefix = "…" if start else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(prefix + highlight(piece, terms) + suffix)  # noqa: S308 - highlight escapes
