"""The trace index: every section and note tokenized once, with BM25 statistics.

Built in process from the rows and cached on `content_version()`, so every process sees
a change on its next trace and no other store is needed (SQLite and PostgreSQL alike).
"""

import math
import re
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from kg.text import tokenize
from kg.trace.concepts import build_matcher
from kg.trace.sentences import Sentence, split_sentences


@dataclass
class Doc:
    kind: str  # "section" or "note"
    pk: int
    title: str
    text: str
    sentences: list[Sentence]
    body: Counter
    head: Counter
    parent: Counter
    length: int
    paper_id: int | None = None
    number: str = ""
    key: str = ""
    page_start: int = 1
    page_end: int = 1
    slug: str = ""


@dataclass
class PaperInfo:
    pk: int
    slug: str
    title: str
    filename: str
    pattern: re.Pattern | None


@dataclass
class Index:
    version: int
    docs: list[Doc]
    postings: dict[str, list[int]]
    idf: dict[str, float]
    avg_body: float
    avg_head: float
    avg_parent: float
    papers: dict[int, PaperInfo]
    matcher: object  # kg.linking.Matcher
    concept_ids: dict[str, int]
    concept_slugs: dict[int, str]
    concept_names: dict[int, list[str]]
    mentions: dict[int, list[tuple[int, float]]]  # concept -> [(doc index, strength 0..1)]
    related: dict[int, list[int]]
    section_doc: dict[int, int]  # Section pk -> doc index
    note_doc: dict[int, int]
    bank: dict[str, int] = field(default_factory=dict)  # folded question text -> Question pk

    @property
    def max_idf(self) -> float:
        return math.log(1 + len(self.docs))

    def term_idf(self, term: str) -> float:
        return self.idf.get(term, 0.0)


_lock = threading.Lock()
_cached: Index | None = None


def get_index() -> Index:
    """The index for the current content version, rebuilt when content changed."""
    global _cached
    from kg.versioning import content_version

    version = content_version()
    index = _cached
    if index is not None and index.version == version:
        return index
    with _lock:
        if _cached is None or _cached.version != version:
            _cached = build_index(version)
        return _cached


def clear_cache() -> None:
    global _cached
    _cached = None


def build_index(version: int) -> Index:
    from kg.models import Concept, ConceptRelation, Mention, Note, Question
    from kg.trace.lexicon import cedict
    from papers.models import Paper, Section

    docs: list[Doc] = []
    section_doc: dict[int, int] = {}
    note_doc: dict[int, int] = {}
    papers = {p.pk: PaperInfo(p.pk, p.slug, p.title, p.filename, paper_pattern(p.title, p.filename))
              for p in Paper.objects.all()}
    sections = list(Section.objects.exclude(kind=Section.Kind.REFERENCES).order_by("paper_id", "order"))
    titles = {s.pk: (s.title, s.parent_id) for s in Section.objects.only("title", "parent_id")}
    for section in sections:
        section_doc[section.pk] = len(docs)
        docs.append(_doc("section", section.pk, section.title, section.text, _ancestors(section.parent_id, titles),
                         paper_id=section.paper_id, number=section.number, key=section.key,
                         page_start=section.page_start, page_end=section.page_end))
    for note in Note.objects.order_by("pk"):
        note_doc[note.pk] = len(docs)
        docs.append(_doc("note", note.pk, note.title, note.body, " ".join(note.aliases or []), slug=note.slug))

    postings: dict[str, list[int]] = defaultdict(list)
    for i, doc in enumerate(docs):
        for term in doc.body.keys() | doc.head.keys() | doc.parent.keys():
            postings[term].append(i)
    n = max(len(docs), 1)
    idf = {term: math.log(1 + (n - len(ids) + 0.5) / (len(ids) + 0.5)) for term, ids in postings.items()}

    concepts = list(Concept.objects.all())
    matcher, concept_ids = build_matcher()
    mentions: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for m in Mention.objects.values("concept_id", "section_id", "note_id", "defines", "score", "count"):
        target = section_doc.get(m["section_id"]) if m["section_id"] else note_doc.get(m["note_id"])
        if target is not None:
            mentions[m["concept_id"]].append((target, mention_strength(m["defines"], m["score"], m["count"])))
    related: dict[int, list[int]] = defaultdict(list)
    for source, target in ConceptRelation.objects.values_list("source_id", "target_id"):
        related[source].append(target)
        related[target].append(source)
    # Load the dictionary and jieba's model with the index, not on the first Chinese question.
    cedict()
    tokenize("中文分词")
    bank = {fold_question(text): pk for pk, text in Question.objects.values_list("pk", "text")}
    return Index(
        version=version, docs=docs, postings=dict(postings), idf=idf,
        avg_body=_avg(d.length for d in docs), avg_head=_avg(sum(d.head.values()) for d in docs),
        avg_parent=_avg(sum(d.parent.values()) for d in docs), papers=papers, matcher=matcher, concept_ids=concept_ids,
        concept_slugs={c.pk: c.slug for c in concepts}, concept_names={c.pk: c.all_names for c in concepts},
        mentions=dict(mentions), related=dict(related), section_doc=section_doc, note_doc=note_doc, bank=bank,
    )


def mention_strength(defines: bool, score: float, count: int) -> float:
    """How strongly a mention says "this text is about the concept", from 0 to 1."""
    if defines:
        return 1.0
    if score and score > 0:
        return min(1.0, 0.3 + score)
    return min(0.6, 0.15 * count)


def _doc(kind: str, pk: int, title: str, text: str, parent: str, **extra) -> Doc:
    sentences = split_sentences(text or "")
    body = Counter()
    for sentence in sentences:
        body.update(sentence.terms)
    return Doc(kind, pk, title, text or "", sentences, body, Counter(tokenize(title)), Counter(tokenize(parent)),
               sum(body.values()), **extra)


def _ancestors(parent_id: int | None, titles: dict[int, tuple[str, int | None]]) -> str:
    names = []
    while parent_id and parent_id in titles and len(names) < 4:
        title, parent_id = titles[parent_id]
        names.append(title)
    return " ".join(names)


def _avg(values) -> float:
    values = list(values)
    return max(sum(values) / len(values), 1.0) if values else 1.0


_NAME_NOISE = re.compile(r"\b(technical report|tech report|report|paper)\b", re.IGNORECASE)


def paper_pattern(title: str, filename: str) -> re.Pattern | None:
    """A pattern for the paper's short name ("DeepSeek-V3", "Qwen3") with optional separators."""
    name = _NAME_NOISE.sub(" ", (title or "").split(":")[0]).strip()
    if not name or len(name.split()) > 3:
        name = re.sub(r"[_\-]+", " ", re.sub(r"\.pdf$", "", filename or "", flags=re.IGNORECASE))
        name = _NAME_NOISE.sub(" ", name).strip()
    runs = re.findall(r"[a-z]+|\d+", name.lower())
    if not runs or len("".join(runs)) < 3:
        return None
    body = r"[\s\-_]*".join(re.escape(run) for run in runs)
    return re.compile(rf"(?<![a-z0-9]){body}(?![a-z0-9])", re.IGNORECASE)


def fold_question(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())
