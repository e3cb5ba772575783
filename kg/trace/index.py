"""The trace index: every section's and note's term impacts in flat arrays, and what the
question side needs (concepts, papers, bank questions).

Built in process from the rows and the stored term counts (`kg.corpus`), and cached on
`content_version()`, so every process sees a change on its next trace and no other store is
needed (SQLite and PostgreSQL alike). Texts stay in the database: the few shown as results
are read when they are shown.
"""

import math
import re
import threading
from array import array
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field

import numpy as np

from kg.caching import Recent, VersionedCache
from kg.text import tokenize
from kg.trace.concepts import build_matcher
from kg.trace.sentences import Sentence, split_sentences


@dataclass(slots=True)
class Doc:
    """What ranking needs of one section or note; its text and sentences are loaded only
    for the few results shown (`Index.details`), so a worker's memory does not grow with
    the library's text."""

    kind: str  # "section" or "note"
    pk: int
    title: str
    parent: str  # ancestors' headings (a note: its aliases)
    length: int = 0
    paper_id: int | None = None
    number: str = ""
    key: str = ""
    summary: bool = False  # abstract, introduction or conclusion: restates the whole paper
    has_children: bool = False
    page_start: int = 1
    page_end: int = 1
    slug: str = ""


@dataclass
class Detail:
    """A doc's text as evidence needs it: sentences with their terms, heading terms."""

    text: str
    sentences: list[Sentence]
    head: frozenset
    parent: frozenset


@dataclass
class PaperInfo:
    pk: int
    slug: str
    title: str
    filename: str
    pattern: re.Pattern | None
    tag_pattern: re.Pattern | None = None


@dataclass
class Postings:
    """Every term's docs and lexical impact (its BM25 over text, heading and ancestors'
    headings, times idf) in compressed-row form: one array slice per term."""

    terms: dict[str, int]
    starts: np.ndarray  # int64, len(terms) + 1
    docs: np.ndarray  # int32, ascending within a term
    impacts: np.ndarray  # float64

    def get(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        row = self.terms.get(term)
        if row is None:
            return _EMPTY_DOCS, _EMPTY_IMPACTS
        a, b = self.starts[row], self.starts[row + 1]
        return self.docs[a:b], self.impacts[a:b]


_EMPTY_DOCS = np.zeros(0, dtype=np.int32)
_EMPTY_IMPACTS = np.zeros(0, dtype=np.float64)
DETAILS_KEPT = 512


@dataclass
class Index:
    version: int
    docs: list[Doc]
    postings: Postings
    idf: dict[str, float]
    papers: dict[int, PaperInfo]
    matcher: object  # kg.linking.Matcher
    concept_ids: dict[str, int]
    concept_slugs: dict[int, str]
    concept_names: dict[int, list[str]]
    mentions: dict[int, tuple[np.ndarray, np.ndarray]]  # concept -> (doc indices, strength 0..1)
    related: dict[int, list[int]]
    section_doc: dict[int, int]  # Section pk -> doc index
    note_doc: dict[int, int]
    is_note: np.ndarray  # bool per doc
    summary: np.ndarray  # bool per doc
    has_children: np.ndarray  # bool per doc
    paper_ids: np.ndarray  # int64 per doc, -1 for notes
    bank: dict[str, int] = field(default_factory=dict)  # folded question text -> Question pk
    vocabulary: dict[str, set[str]] = field(default_factory=dict)  # kind -> every term its texts use
    bank_entries: list = field(default_factory=list)  # kg.trace.neighbours.BankEntry
    bank_terms: dict[str, list[int]] = field(default_factory=dict)  # term -> positions in bank_entries
    family: re.Pattern | None = None  # the reports' family names ("DeepSeek", "Qwen")
    page_texts: dict[int, list[str]] = field(default_factory=dict)  # paper pk -> folded page texts
    # Filled as questions are traced: what depends on the text alone is computed once.
    sentence_pages: dict[tuple[int, int], int | None] = field(default_factory=dict)
    results: Recent = field(default_factory=Recent)  # recent free questions' traces (tracing.py)
    _details: OrderedDict = field(default_factory=OrderedDict)
    _details_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def max_idf(self) -> float:
        return math.log(1 + len(self.docs))

    def term_idf(self, term: str) -> float:
        return self.idf.get(term, 0.0)

    def details(self, doc_indices) -> dict[int, Detail]:
        """Text, sentences and heading terms of these docs: read and split once, then kept
        for the most recently shown few hundred."""
        wanted = list(dict.fromkeys(doc_indices))
        with self._details_lock:
            found = {i: self._details[i] for i in wanted if i in self._details}
            for i in found:
                self._details.move_to_end(i)
        missing = [i for i in wanted if i not in found]
        if missing:
            from kg.corpus import texts_of

            texts = texts_of((self.docs[i].kind, self.docs[i].pk) for i in missing)
            for i in missing:
                doc = self.docs[i]
                text = texts.get((doc.kind, doc.pk), "")
                found[i] = Detail(text, split_sentences(text), frozenset(tokenize(doc.title)),
                                  frozenset(tokenize(doc.parent)))
            with self._details_lock:
                for i in missing:
                    self._details[i] = found[i]
                while len(self._details) > DETAILS_KEPT:
                    self._details.popitem(last=False)
        return found


def get_index() -> Index:
    """The index for the current content version, rebuilt when content changed (a large
    library's previous index keeps answering while a thread builds the new one: kg.caching)."""
    from kg.versioning import content_version

    return _indexes.get(content_version())


def clear_cache() -> None:
    _indexes.clear()


def build_index(version: int) -> Index:
    from kg import corpus
    from kg.models import Concept, ConceptRelation, Mention, Note, Question
    from kg.trace.lexicon import cedict
    from papers.models import Paper, Section

    docs: list[Doc] = []
    section_doc: dict[int, int] = {}
    note_doc: dict[int, int] = {}
    paper_rows = list(Paper.objects.order_by("pk"))
    tags = Counter(version_tag(paper_name(p.title, p.filename)) for p in paper_rows)
    unique = {tag for tag, n in tags.items() if tag and n == 1}
    papers = {p.pk: PaperInfo(p.pk, p.slug, p.title, p.filename, *paper_pattern(p.title, p.filename, unique))
              for p in paper_rows}
    names = [paper_name(p.title, p.filename).lower() for p in paper_rows]
    families = sorted({m.group() for name in names if (m := re.match(r"[a-z]{4,}", name))})
    indexed = Section.objects.exclude(kind=Section.Kind.REFERENCES)
    titles = dict((pk, (title, parent)) for pk, title, parent in
                  Section.objects.values_list("pk", "title", "parent_id").iterator(chunk_size=5000))
    parents: set[int] = set()
    for row in indexed.order_by("paper_id", "order").values_list(
            "pk", "title", "parent_id", "paper_id", "number", "key", "page_start", "page_end", "kind"
    ).iterator(chunk_size=5000):
        pk, title, parent_id, paper_id, number, key, page_start, page_end, kind = row
        section_doc[pk] = len(docs)
        parents.add(parent_id)
        docs.append(Doc("section", pk, title, _ancestors(parent_id, titles), paper_id=paper_id, number=number,
                        key=key, page_start=page_start, page_end=page_end,
                        summary=kind == Section.Kind.ABSTRACT or bool(_SUMMARY.match(title))))
    del titles
    for doc in docs:
        doc.has_children = doc.pk in parents
    for pk, title, slug, aliases in Note.objects.order_by("pk").values_list("pk", "title", "slug", "aliases"):
        note_doc[pk] = len(docs)
        docs.append(Doc("note", pk, title, " ".join(aliases or []), slug=slug))

    postings, idf, vocabulary = _postings(docs, [
        (section_doc, corpus.section_counts(indexed)), (note_doc, corpus.note_counts())])

    concepts = list(Concept.objects.all())
    matcher, concept_ids = build_matcher()
    rows = defaultdict(list)
    for concept_id, section_id, note_id, defines, score, count in Mention.objects.values_list(
            "concept_id", "section_id", "note_id", "defines", "score", "count").iterator(chunk_size=10000):
        target = section_doc.get(section_id) if section_id else note_doc.get(note_id)
        if target is not None:
            rows[concept_id].append((target, defines, score or 0.0, count))
    mentions = {}
    for concept, items in rows.items():
        strengths = concept_strengths(items)
        mentions[concept] = (np.array([d for d, _ in strengths], dtype=np.int64),
                             np.array([s for _, s in strengths], dtype=np.float64))
    related: dict[int, list[int]] = defaultdict(list)
    for source, target in ConceptRelation.objects.values_list("source_id", "target_id"):
        related[source].append(target)
        related[target].append(source)
    # Load the dictionary and jieba's model with the index, not on the first Chinese question.
    cedict()
    tokenize("中文分词")
    bank = {fold_question(text): pk for pk, text in Question.objects.values_list("pk", "text")}
    index = Index(
        version=version, docs=docs, postings=postings, idf=idf, papers=papers, matcher=matcher,
        concept_ids=concept_ids, concept_slugs={c.pk: c.slug for c in concepts},
        concept_names={c.pk: c.all_names for c in concepts}, mentions=mentions, related=dict(related),
        section_doc=section_doc, note_doc=note_doc,
        is_note=np.array([d.kind == "note" for d in docs], dtype=bool),
        summary=np.array([d.summary for d in docs], dtype=bool),
        has_children=np.array([d.has_children for d in docs], dtype=bool),
        paper_ids=np.array([d.paper_id if d.paper_id is not None else -1 for d in docs], dtype=np.int64),
        bank=bank, vocabulary=vocabulary,
    )
    from kg.trace.neighbours import bank_entries, bank_terms

    curated: dict[int, tuple[str, list[int]]] = {}
    for question_id, text, section_id in Question.sections.through.objects.values_list(
            "question_id", "question__text", "section_id"):
        curated.setdefault(question_id, (text, []))[1].append(section_id)
    index.bank_entries = bank_entries(index, curated)
    index.bank_terms = bank_terms(index.bank_entries)
    from kg.trace.pages import page_texts

    index.page_texts = {p.pk: page_texts(p) for p in paper_rows}
    if families:
        index.family = re.compile(rf"(?<![a-z])({'|'.join(map(re.escape, families))})", re.IGNORECASE)
    return index


def _postings(docs: list[Doc], sources) -> tuple[Postings, dict[str, float], dict[str, set[str]]]:
    """Term statistics of every doc's text (stored counts), heading and ancestors' headings,
    gathered into flat arrays and turned into per-term impacts in one vectorised pass."""
    from kg.trace.rank import field_impacts

    terms: dict[str, int] = {}
    term_ids, doc_ids = array("i"), array("i")
    body_tf, head_tf, parent_tf = array("i"), array("i"), array("i")
    n = len(docs)
    body_len = np.zeros(n)
    head_len = np.zeros(n)
    parent_len = np.zeros(n)
    for doc_of, counts in sources:
        for pk, body in counts:
            i = doc_of.get(pk)
            if i is None:
                continue
            doc = docs[i]
            head, parent = Counter(tokenize(doc.title)), Counter(tokenize(doc.parent))
            doc.length = sum(body.values())
            body_len[i], head_len[i], parent_len[i] = doc.length, sum(head.values()), sum(parent.values())
            for term in body.keys() | head.keys() | parent.keys():
                term_ids.append(terms.setdefault(term, len(terms)))
                doc_ids.append(i)
                body_tf.append(body.get(term, 0))
                head_tf.append(head.get(term, 0))
                parent_tf.append(parent.get(term, 0))
    term_arr = np.frombuffer(term_ids, dtype=np.int32) if term_ids else np.zeros(0, np.int32)
    doc_arr = np.frombuffer(doc_ids, dtype=np.int32) if doc_ids else np.zeros(0, np.int32)
    order = np.lexsort((doc_arr, term_arr))
    term_arr, doc_arr = term_arr[order], doc_arr[order]
    df = np.bincount(term_arr, minlength=len(terms))
    idf_arr = np.log(1 + (max(n, 1) - df + 0.5) / (df + 0.5))
    impacts = field_impacts(
        idf=idf_arr[term_arr], docs=doc_arr,
        tfs=[np.frombuffer(a, dtype=np.int32)[order] if a else np.zeros(0, np.int32)
             for a in (body_tf, head_tf, parent_tf)],
        lengths=[body_len, head_len, parent_len])
    starts = np.zeros(len(terms) + 1, dtype=np.int64)
    np.cumsum(df, out=starts[1:])
    names = list(terms)
    idf = {term: float(idf_arr[row]) for term, row in terms.items()}
    is_note = np.array([d.kind == "note" for d in docs], dtype=bool)
    in_notes = np.bincount(term_arr, weights=is_note[doc_arr], minlength=len(terms)) if n else df
    vocabulary = {"section": {names[r] for r in np.flatnonzero(df - in_notes > 0)},
                  "note": {names[r] for r in np.flatnonzero(in_notes > 0)}}
    return Postings(terms, starts, doc_arr.copy(), impacts), idf, vocabulary


def concept_strengths(items: list[tuple[int, bool, float, int]]) -> list[tuple[int, float]]:
    """How much each text is about one concept, 0 to 1, relative to the text most about it.

    Linking scores are unbounded and differ between concepts, so each is divided by the
    concept's best; a defining text keeps full weight, a passing mention less.
    """
    best_score = max((score for _, _, score, _ in items), default=0.0)
    best_count = max((count for _, _, _, count in items), default=0) or 1
    out = []
    for target, defines, score, count in items:
        share = score / best_score if best_score > 0 else count / best_count
        out.append((target, (share ** 0.5) * (1.0 if defines else 0.7)))
    return out


def _ancestors(parent_id: int | None, titles: dict[int, tuple[str, int | None]]) -> str:
    names = []
    while parent_id and parent_id in titles and len(names) < 4:
        title, parent_id = titles[parent_id]
        names.append(title)
    return " ".join(names)


_NAME_NOISE = re.compile(r"\b(technical report|tech report|report|paper)\b", re.IGNORECASE)


Patterns = tuple[re.Pattern | None, re.Pattern | None]


def paper_pattern(title: str, filename: str, short: set[str] | None = None) -> Patterns:
    """Patterns for the paper's short name ("DeepSeek-V3", "Qwen3") with optional separators,
    and for its version tag alone ("V3", "R1") when `short` says no other paper has it."""
    name = paper_name(title, filename)
    runs = re.findall(r"[a-z]+|\d+", name.lower())
    if not runs or len("".join(runs)) < 3:
        return None, None
    full = r"[\s\-_]*".join(re.escape(run) for run in runs)
    tag = version_tag(name)
    edge = r"(?<![a-z0-9])({})(?![a-z0-9])"
    tag_pattern = re.compile(edge.format(re.escape(tag)), re.IGNORECASE) if tag and short and tag in short else None
    return re.compile(edge.format(full), re.IGNORECASE), tag_pattern


def paper_name(title: str, filename: str) -> str:
    name = _NAME_NOISE.sub(" ", (title or "").split(":")[0]).strip()
    if not name or len(name.split()) > 3:
        name = re.sub(r"[_\-]+", " ", re.sub(r"\.pdf$", "", filename or "", flags=re.IGNORECASE))
        name = _NAME_NOISE.sub(" ", name).strip()
    return name


def version_tag(name: str) -> str:
    """The last part of a name when it is a short version tag: "DeepSeek-R1" -> "r1"."""
    parts = re.split(r"[\s\-_]+", name.lower())
    last = parts[-1] if len(parts) > 1 else ""
    return last if 2 <= len(last) <= 4 and re.fullmatch(r"[a-z]+\d+", last) else ""


_SUMMARY = re.compile(r"\s*(abstract|introduction|conclusions?)\b", re.IGNORECASE)


def fold_question(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


_indexes: VersionedCache[Index] = VersionedCache(build_index)
