"""The trace index: every section and note tokenized once, with BM25 statistics.

Built in process from the rows and cached on `content_version()`, so every process sees
a change on its next trace and no other store is needed (SQLite and PostgreSQL alike).
"""

import math
import re
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from kg.notes.plain import plain_text
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
    head_length: int = 0
    parent_length: int = 0
    number: str = ""
    key: str = ""
    summary: bool = False  # abstract, introduction or conclusion: restates the whole paper
    has_children: bool = False
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
    tag_pattern: re.Pattern | None = None


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
    vocabulary: dict[str, set[str]] = field(default_factory=dict)  # kind -> every term its texts use
    bank_entries: list = field(default_factory=list)  # kg.trace.neighbours.BankEntry
    family: re.Pattern | None = None  # the reports' family names ("DeepSeek", "Qwen")
    page_texts: dict[int, list[str]] = field(default_factory=dict)  # paper pk -> folded page texts
    # Filled as questions are traced: what depends on the text alone is computed once.
    sentence_pages: dict[tuple[int, int], int | None] = field(default_factory=dict)
    term_scores: dict[tuple[str, int], float] = field(default_factory=dict)

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
    fresh: dict[tuple, tuple] = {}
    section_doc: dict[int, int] = {}
    note_doc: dict[int, int] = {}
    paper_rows = list(Paper.objects.order_by("pk"))
    tags = Counter(version_tag(paper_name(p.title, p.filename)) for p in paper_rows)
    unique = {tag for tag, n in tags.items() if tag and n == 1}
    papers = {p.pk: PaperInfo(p.pk, p.slug, p.title, p.filename, *paper_pattern(p.title, p.filename, unique))
              for p in paper_rows}
    names = [paper_name(p.title, p.filename).lower() for p in paper_rows]
    families = sorted({m.group() for name in names if (m := re.match(r"[a-z]{4,}", name))})
    sections = list(Section.objects.exclude(kind=Section.Kind.REFERENCES).order_by("paper_id", "order"))
    titles = {s.pk: (s.title, s.parent_id) for s in Section.objects.only("title", "parent_id")}
    for section in sections:
        section_doc[section.pk] = len(docs)
        docs.append(_doc("section", section.pk, section.title, section.text, _ancestors(section.parent_id, titles),
                         paper_id=section.paper_id, number=section.number, key=section.key,
                         page_start=section.page_start, page_end=section.page_end, fresh=fresh,
                         summary=section.kind == Section.Kind.ABSTRACT or bool(_SUMMARY.match(section.title))))
    parents = {s.parent_id for s in sections if s.parent_id}
    for doc in docs:
        doc.has_children = doc.pk in parents
    for note in Note.objects.order_by("pk"):
        note_doc[note.pk] = len(docs)
        docs.append(_doc("note", note.pk, note.title, note_text(note.body), " ".join(note.aliases or []),
                         slug=note.slug, fresh=fresh))

    _tokenized.clear()
    _tokenized.update(fresh)
    postings: dict[str, list[int]] = defaultdict(list)
    vocabulary: dict[str, set[str]] = {"section": set(), "note": set()}
    for i, doc in enumerate(docs):
        for term in doc.body.keys() | doc.head.keys() | doc.parent.keys():
            postings[term].append(i)
            vocabulary[doc.kind].add(term)
    n = max(len(docs), 1)
    idf = {term: math.log(1 + (n - len(ids) + 0.5) / (len(ids) + 0.5)) for term, ids in postings.items()}

    concepts = list(Concept.objects.all())
    matcher, concept_ids = build_matcher()
    rows = defaultdict(list)
    for m in Mention.objects.values("concept_id", "section_id", "note_id", "defines", "score", "count"):
        target = section_doc.get(m["section_id"]) if m["section_id"] else note_doc.get(m["note_id"])
        if target is not None:
            rows[m["concept_id"]].append((target, m["defines"], m["score"] or 0.0, m["count"]))
    mentions = {concept: concept_strengths(items) for concept, items in rows.items()}
    related: dict[int, list[int]] = defaultdict(list)
    for source, target in ConceptRelation.objects.values_list("source_id", "target_id"):
        related[source].append(target)
        related[target].append(source)
    # Load the dictionary and jieba's model with the index, not on the first Chinese question.
    cedict()
    tokenize("中文分词")
    bank = {fold_question(text): pk for pk, text in Question.objects.values_list("pk", "text")}
    index = Index(
        version=version, docs=docs, postings=dict(postings), idf=idf,
        avg_body=_avg(d.length for d in docs), avg_head=_avg(d.head_length for d in docs),
        avg_parent=_avg(d.parent_length for d in docs), papers=papers, matcher=matcher, concept_ids=concept_ids,
        concept_slugs={c.pk: c.slug for c in concepts}, concept_names={c.pk: c.all_names for c in concepts},
        mentions=dict(mentions), related=dict(related), section_doc=section_doc, note_doc=note_doc, bank=bank,
        vocabulary=vocabulary,
    )
    from kg.trace.neighbours import bank_entries

    curated: dict[int, tuple[str, list[int]]] = {}
    for question_id, text, section_id in Question.sections.through.objects.values_list(
            "question_id", "question__text", "section_id"):
        curated.setdefault(question_id, (text, []))[1].append(section_id)
    index.bank_entries = bank_entries(index, curated)
    from kg.trace.pages import page_texts

    index.page_texts = {p.pk: page_texts(p) for p in paper_rows}
    if families:
        index.family = re.compile(rf"(?<![a-z])({'|'.join(map(re.escape, families))})", re.IGNORECASE)
    return index


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


# Tokenized texts of the last build, so a rebuild after a small change only reads what changed.
_tokenized: dict[tuple, tuple] = {}


def _doc(kind: str, pk: int, title: str, text: str, parent: str, *, fresh: dict, **extra) -> Doc:
    key = (kind, pk, title, parent, hash(text))
    parts = _tokenized.get(key)
    if parts is None:
        sentences = split_sentences(text or "")
        body = Counter()
        for sentence in sentences:
            body.update(sentence.terms)
        parts = (sentences, body, Counter(tokenize(title)), Counter(tokenize(parent)))
    fresh[key] = parts
    sentences, body, head, parent_terms = parts
    return Doc(kind, pk, title, text or "", sentences, body, head, parent_terms, sum(body.values()),
               head_length=sum(head.values()), parent_length=sum(parent_terms.values()), **extra)


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


def note_text(body: str) -> str:
    """A note's prose as a reader sees it: no front matter, code blocks or Markdown syntax."""
    return plain_text(body)


def fold_question(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())
