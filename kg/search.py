"""One search box over concepts (any alias), notes, sections and questions, in English, Chinese or both.

An in-process BM25 index built from the rows and their stored term counts (`kg.corpus`,
made with the shared tokenizer) and cached per content version, so SQLite and PostgreSQL
give the same results in the same order. Postings are numpy arrays, so a query costs a few
array operations per term; texts stay in the database and are read for the shown hits.
"""

import html
import math
import re
from array import array
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain

import numpy as np
from django.utils.safestring import SafeString, mark_safe

from kg import corpus
from kg.caching import Recent, VersionedCache
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


@dataclass(slots=True)
class Doc:
    id: str
    kind: str
    title: str
    url: str
    pk: int | None = None
    subtitle: str = ""
    names: tuple[str, ...] = ()
    summary: str = ""  # a concept's summary; section and note texts are read for the shown hits only


@dataclass
class Index:
    """Term postings in compressed-row form (each term's docs and counts are one slice of
    two arrays) with per-doc lengths and ranking constants, all as numpy arrays."""

    docs: list[Doc] = field(default_factory=list)
    version: int | None = None  # the content version it was built from
    terms: dict[str, int] = field(default_factory=dict)
    starts: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    doc_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    tfs: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    lengths: np.ndarray = field(default_factory=lambda: np.zeros(0))
    boosts: np.ndarray = field(default_factory=lambda: np.zeros(0))
    kinds: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    id_order: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # rank of each doc's id
    named: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # docs with names to match
    avg_length: float = 1.0
    results: Recent = field(default_factory=Recent)  # recent queries' hits

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        row = self.terms.get(term)
        if row is None:
            return self.doc_ids[:0], self.tfs[:0]
        a, b = self.starts[row], self.starts[row + 1]
        return self.doc_ids[a:b], self.tfs[a:b]


def _documents() -> list[Doc]:
    concept_url = _filler(_url_pattern("concept", slug="{slug}"))
    note_url = _filler(_url_pattern("note", slug="{slug}"))
    section_url = _filler(_url_pattern("section", slug="{slug}", key="{key}"))
    question_url = _filler(_url_pattern("question", pk="{pk}"))
    docs = []
    for c in Concept.objects.values("pk", "slug", "name", "acronym", "name_zh", "aliases", "summary"):
        names = tuple(dict.fromkeys(n.strip() for n in [c["name"], c["acronym"], c["name_zh"], *c["aliases"]] if n))
        title = f"{c['name']} ({c['acronym']})" if c["acronym"] else c["name"]
        docs.append(Doc(node_id("concept", c["slug"]), "concept", title, concept_url(slug=c["slug"]), c["pk"],
                        subtitle=c["name_zh"], names=names, summary=c["summary"]))
    for pk, slug, title, aliases in Note.objects.order_by("pk").values_list("pk", "slug", "title", "aliases"):
        docs.append(Doc(node_id("note", slug), "note", title, note_url(slug=slug), pk, names=tuple(aliases or ())))
    sections = Section.objects.order_by("pk").values_list("pk", "paper__slug", "paper__title", "key", "number", "title")
    for pk, slug, paper_title, key, number, title in sections.iterator(chunk_size=5000):
        label = f"§{number} {title}" if number else title
        docs.append(Doc(node_id("section", slug, key), "section", label, section_url(slug=slug, key=key), pk,
                        subtitle=paper_title))
    for pk, text in Question.objects.order_by("pk").values_list("pk", "text"):
        docs.append(Doc(node_id("question", pk), "question", text, question_url(pk=pk), pk))
    return docs


def build_index() -> Index:
    """Every doc's terms: its title and names (repeated: a title says what a text is about)
    and its text's stored term counts (`kg.corpus`)."""
    docs = _documents()
    position = {(doc.kind, doc.pk): i for i, doc in enumerate(docs)}
    bodies = chain(
        corpus.counts_for({("concept", doc.pk): doc.summary for doc in docs if doc.kind == "concept"}).items(),
        ((("note", pk), counts) for pk, counts in corpus.note_counts()),
        ((("section", pk), counts) for pk, counts in corpus.section_counts(Section.objects.all())),
    )
    seen = set()
    terms: dict[str, int] = {}
    term_ids, doc_ids, tfs = array("i"), array("i"), array("i")
    lengths = np.zeros(len(docs))

    def add(i: int, body: dict[str, int]) -> None:
        doc = docs[i]
        counts = Counter(tokenize(" ".join([doc.title, *doc.names]))) if doc.title or doc.names else Counter()
        length = TITLE_REPEAT * sum(counts.values()) + sum(body.values())
        for term in counts:
            counts[term] *= TITLE_REPEAT
        counts.update(body)
        lengths[i] = length or 1
        for term, tf in counts.items():
            term_ids.append(terms.setdefault(term, len(terms)))
            doc_ids.append(i)
            tfs.append(tf)

    for key, body in bodies:
        i = position.get(key)
        if i is not None:
            seen.add(i)
            add(i, body)
    for i in range(len(docs)):
        if i not in seen:  # questions: a title and nothing else
            add(i, {})
    term_arr = np.frombuffer(term_ids, dtype=np.int32) if term_ids else np.zeros(0, np.int32)
    doc_arr = np.frombuffer(doc_ids, dtype=np.int32) if doc_ids else np.zeros(0, np.int32)
    tf_arr = np.frombuffer(tfs, dtype=np.int32) if tfs else np.zeros(0, np.int32)
    order = np.lexsort((doc_arr, term_arr))
    starts = np.zeros(len(terms) + 1, dtype=np.int64)
    np.cumsum(np.bincount(term_arr, minlength=len(terms)), out=starts[1:])
    ids = sorted(range(len(docs)), key=lambda i: docs[i].id)
    id_order = np.empty(len(docs), dtype=np.int64)
    id_order[ids] = np.arange(len(docs))
    return Index(
        docs=docs, terms=terms, starts=starts, doc_ids=doc_arr[order], tfs=tf_arr[order], lengths=lengths,
        boosts=np.array([KIND_BOOST[d.kind] for d in docs]),
        kinds=np.array([KINDS.index(d.kind) for d in docs], dtype=np.int8), id_order=id_order,
        named=np.array([bool(d.names) for d in docs], dtype=bool),
        avg_length=float(lengths.mean()) if len(docs) else 1.0,
    )


SLOW_BUILD_S = 2.0


def _build(version: int) -> Index:
    index = build_index()
    index.version = version
    return index


_indexes: VersionedCache[Index] = VersionedCache(_build, slow_s=SLOW_BUILD_S)


def current_index() -> Index:
    """The index for the current content version (a large library's previous index keeps
    answering while a thread builds the new one: kg.caching)."""
    return _indexes.get(content_version())


def clear_cache() -> None:
    _indexes.clear()


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


def search(query: str, *, kinds: set[str] | None = None, limit: int = 20,
           index: Index | None = None) -> tuple[list[Hit], list[str]]:
    """Ranked hits for `query` and the query terms used. Raises QueryError on an empty or long query.

    Results are kept per index (a study group asks the same questions; the bank links to
    them) for the most recent few hundred queries."""
    query = clean_query(query)
    index = index or current_index()
    key = (query, tuple(sorted(kinds or ())), limit)
    return index.results.get(key, lambda: _search(index, query, kinds=kinds, limit=limit))


def _search(index: Index, query: str, *, kinds: set[str] | None, limit: int) -> tuple[list[Hit], list[str]]:
    terms = list(dict.fromkeys(tokenize(query)))
    n_docs = len(index.docs) or 1
    scores, covered = np.zeros(len(index.docs)), np.zeros(len(index.docs))
    total_idf = 0.0
    for term in terms:
        docs, tf = index.postings(term)
        if not len(docs):
            continue
        idf = math.log(1 + (n_docs - len(docs) + 0.5) / (len(docs) + 0.5))
        total_idf += idf
        norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * index.lengths[docs] / index.avg_length))
        scores[docs] += idf * norm
        covered[docs] += idf
    found = np.flatnonzero(covered > 0)
    if kinds:
        found = found[np.isin(index.kinds[found], [KINDS.index(k) for k in kinds if k in KINDS])]
    # A text that has all the query's words beats one that repeats a few of them.
    coverage = covered[found] / total_idf if total_idf else np.zeros(len(found))
    score = scores[found] * (0.3 + 0.7 * coverage) ** 2
    # A concept named (by any alias) in the query is what the user is after.
    folded = normalise(query)
    for j in np.flatnonzero(index.named[found]):
        if any(_contains_name(folded, normalise(name)) for name in index.docs[found[j]].names):
            score[j] += 4.0 * coverage[j] + 2.0
    score *= index.boosts[found]
    best = np.lexsort((index.id_order[found], -np.round(score, 9)))[:limit]
    docs = [index.docs[i] for i in found[best]]
    texts = corpus.texts_of((doc.kind, doc.pk) for doc in docs)
    hits = []
    for doc, value in zip(docs, score[best].tolist(), strict=True):
        text = texts.get((doc.kind, doc.pk), doc.summary)
        hits.append(Hit(doc, value, snippet(text, terms), highlight(doc.title, terms)))
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


def _iter_marks(text: str, terms: list[str]):
    pattern = _pattern(terms)
    if pattern is None:
        return
    wanted = set(terms)
    for match in pattern.finditer(text):
        word = match.group()
        if has_han(word):
            yield match.span()
            continue
        folded = normalise(word)
        if folded in wanted or stem(folded) in wanted:
            yield match.span()


def _marks(text: str, terms: list[str]) -> list[tuple[int, int]]:
    return list(_iter_marks(text, terms))


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
    first = next(_iter_marks(text, terms), None)  # a long section needs only its first match found
    start = max(0, first[0] - width // 3) if first else 0
    piece = text[start:start + width]
    prefix = "…" if start else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(prefix + highlight(piece, terms) + suffix)  # noqa: S308 - highlight escapes
