"""Trace a question to the sections and notes that answer it: the one entry point."""

from dataclasses import dataclass

from kg.trace.evidence import local_support, pick_evidence
from kg.trace.index import Index, fold_question, get_index
from kg.trace.query import Query, build_query
from kg.trace.rank import Scored, rank

MAX_QUESTION = 1000
MAX_TOP = 50
# Answerability. A question naming a concept of the vocabulary or a report of the library
# is in the library's domain and needs little coverage; any other must be covered by the best texts, and most of it
# in one place (one sentence, or the heading): words scattered over a long text (a coding
# prompt in an appendix, "https" in a link) are no answer.
MIN_COVERAGE, MIN_SUPPORT = 0.5, 0.5
CONFIDENT_COVERAGE = 0.7
SUPPORT_DEPTH = 3
TAIL_RATIO = 0.1  # results scoring under this share of the best are noise


class TraceInputError(ValueError):
    """The question or the number of results asked for cannot be traced."""


@dataclass
class Trace:
    question: str
    concepts: list[str]
    confident: bool
    results: list[dict]
    bank_question_id: int | None = None

    def as_dict(self) -> dict:
        return {"question": self.question, "concepts": self.concepts, "confident": self.confident,
                "results": self.results}


def validate(question: str | None, top) -> tuple[str, int]:
    """The cleaned question and top, or TraceInputError with one line saying why."""
    question = (question or "").strip()
    if not question:
        raise TraceInputError("the question is empty")
    if len(question) > MAX_QUESTION:
        raise TraceInputError(f"the question is {len(question)} characters long; the limit is {MAX_QUESTION}")
    try:
        top = int(top)
    except (TypeError, ValueError):
        raise TraceInputError(f"top must be a whole number from 1 to {MAX_TOP}, not {top!r}") from None
    if not 1 <= top <= MAX_TOP:
        raise TraceInputError(f"top must be from 1 to {MAX_TOP}, not {top}")
    return question, top


def trace_question(question: str, *, top: int = 10, bank_question_id: int | None = None,
                   use_curated: bool = True) -> Trace:
    """Ranked sections and notes for `question`, best first, each with its evidence.

    A bank question (given, or found by its exact text) brings its curated sections and
    users' verdicts: confirmed sections first, rejected ones dropped.
    """
    question, top = validate(question, top)
    index = get_index()
    if bank_question_id is None:
        bank_question_id = index.bank.get(fold_question(question))
    if bank_question_id is not None:  # users' verdicts change its answer without a new content version
        return _trace(question, top, index, bank_question_id, use_curated)
    # A free question's trace depends on the content alone: the most recent few hundred are
    # kept with the index (a study group asks the same questions).
    return index.results.get((question, top, use_curated), lambda: _trace(question, top, index, None, use_curated))


def _trace(question: str, top: int, index: Index, bank_question_id: int | None, use_curated: bool) -> Trace:
    query = build_query(question, index)
    curation = _curation(index, bank_question_id) if bank_question_id is not None and use_curated else None
    # Without curation (measuring), a bank question must not find its own links as a neighbour.
    scored = rank(query, index, exclude_question=None if use_curated else bank_question_id,
                  include=curation.docs if curation else frozenset())
    if curation:
        scored = _apply_curation(scored, index, curation)

    best = scored[0] if scored else None
    pinned = best is not None and best.pinned > 0
    details = index.details(item.doc for item in scored[:SUPPORT_DEPTH])
    support = max((local_support(query, details[item.doc]) for item in scored[:SUPPORT_DEPTH]), default=0.0)
    anchored = query.anchored or bank_question_id is not None  # a bank question is about the library
    answerable = best is not None and (
        pinned or (anchored and best.coverage > 0)
        or (best.coverage >= MIN_COVERAGE and support >= MIN_SUPPORT))
    confident = answerable and (
        pinned or (anchored and best.coverage >= MIN_COVERAGE)
        or (best.coverage >= CONFIDENT_COVERAGE and support >= MIN_SUPPORT))
    results = []
    if answerable:
        # Noise is judged within each kind: a weak section list is still the section list.
        floor = {kind: TAIL_RATIO * max((i.score for i in scored if not i.pinned and index.docs[i.doc].kind == kind),
                                        default=0.0) for kind in ("section", "note")}
        kept = [item for item in scored if item.pinned or item.score >= floor[index.docs[item.doc].kind]]
        details = index.details(item.doc for item in kept[:top])
        results = [_result(item, query, index, details[item.doc]) for item in kept[:top]]
    return Trace(question, [c.slug for c in query.concepts], confident, results, bank_question_id)


@dataclass
class Curation:
    """A bank question's curated sections and users' verdicts, as doc indices."""

    curated: set[int]
    verdicts: dict[int, bool]  # doc index -> confirmed (True) or rejected (False)

    @property
    def docs(self) -> set[int]:
        return self.curated | {doc for doc, confirmed in self.verdicts.items() if confirmed}


def _curation(index: Index, question_id: int) -> Curation:
    from kg.models import Question, TraceVerdict
    from papers.models import Section

    curated = {index.section_doc[pk] for pk in Question.sections.through.objects.filter(
        question_id=question_id).values_list("section_id", flat=True) if pk in index.section_doc}
    verdicts = {}
    rows = TraceVerdict.objects.filter(question_id=question_id).values_list("paper_id", "section_key", "confirmed")
    keys = {(paper_id, key): confirmed for paper_id, key, confirmed in rows}
    if keys:
        sections = Section.objects.filter(paper_id__in={p for p, _ in keys}).values_list("pk", "paper_id", "key")
        for pk, paper_id, key in sections:
            if (paper_id, key) in keys and pk in index.section_doc:
                verdicts[index.section_doc[pk]] = keys[(paper_id, key)]
    return Curation(curated, verdicts)


def _apply_curation(scored: list[Scored], index: Index, curation: Curation) -> list[Scored]:
    by_doc = {item.doc: item for item in scored}
    for doc_index in curation.docs:
        if doc_index not in by_doc:
            by_doc[doc_index] = Scored(doc_index, 0.0, 0.0, 0.0, 1.0)
    kept = []
    for doc_index, item in by_doc.items():
        verdict = curation.verdicts.get(doc_index)
        if verdict is False:
            continue
        if verdict:
            item.pinned = 2
        elif doc_index in curation.curated:
            item.pinned = 1
        kept.append(item)
    kept.sort(key=lambda s: (-s.pinned, -s.score, s.doc))
    return kept


def _result(item: Scored, query: Query, index: Index, detail) -> dict:
    doc = index.docs[item.doc]
    evidence = pick_evidence(query, doc, detail, index)
    if doc.kind == "section":
        paper = index.papers[doc.paper_id]
        return {
            "kind": "section",
            "paper": {"title": paper.title, "filename": paper.filename, "slug": paper.slug},
            "section": {"number": doc.number, "title": doc.title, "page": doc.page_start,
                        "page_end": doc.page_end, "key": doc.key},
            "score": round(item.score, 4),
            "evidence": evidence,
        }
    return {
        "kind": "note",
        "note": {"slug": doc.slug, "title": doc.title},
        "score": round(item.score, 4),
        "evidence": [{"text": e["text"], "page": None} for e in evidence],
    }
