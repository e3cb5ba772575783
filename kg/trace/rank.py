"""Fusion of the signals into one ranking, and the coverage that says whether anything answers.

- lexical: BM25 of the query units over a section's text, its heading (weighted up: a
  heading is the author's own summary) and its ancestors' headings;
- concepts: how strongly each section or note is about the recognised concepts (Mention
  rows from linking), with a smaller share for concepts related to them;
- papers: a question naming a report prefers that report's sections;
- curated: a bank question's curated and confirmed sections come first (see tracing).
Scores are normalised by the best lexical score so the weights mean the same for every query.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from kg.trace.index import Index
from kg.trace.query import Query

K1, B_BODY, B_HEAD = 1.2, 0.75, 0.3
HEAD_WEIGHT, PARENT_WEIGHT = 2.0, 0.5
EXTRA_TERMS = 0.25  # a unit's second and later matching terms count a quarter
CONCEPT_WEIGHT, RELATED_SHARE = 0.35, 0.3
OTHER_PAPER = 0.55  # factor for sections of reports the question does not name
NOTE_WHEN_PAPER_NAMED = 0.8


@dataclass
class Scored:
    doc: int
    score: float
    lexical: float
    concept: float
    coverage: float
    matched: set[int] = field(default_factory=set)
    pinned: int = 0  # 2: confirmed by a user, 1: curated in the bank; pinned results come first


def rank(query: Query, index: Index) -> list[Scored]:
    lexical, matched = _lexical(query, index)
    concept = _concepts(query, index)
    best = max(lexical.values(), default=0.0) or 1.0
    total_importance = sum(unit.importance for unit in query.units) or 1.0
    named = set(query.papers)
    scored = []
    for doc_index in lexical.keys() | concept.keys():
        doc = index.docs[doc_index]
        units = matched.get(doc_index, set())
        coverage = sum(query.units[u].importance for u in units) / total_importance
        score = lexical.get(doc_index, 0.0) / best + CONCEPT_WEIGHT * concept.get(doc_index, 0.0)
        if named:
            if doc.kind == "section" and doc.paper_id not in named:
                score *= OTHER_PAPER
            elif doc.kind == "note":
                score *= NOTE_WHEN_PAPER_NAMED
        scored.append(Scored(doc_index, score, lexical.get(doc_index, 0.0) / best, concept.get(doc_index, 0.0),
                             coverage, units))
    scored.sort(key=lambda s: (-s.score, s.doc))
    return scored


def _lexical(query: Query, index: Index) -> tuple[dict[int, float], dict[int, set[int]]]:
    per_unit: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for u, unit in enumerate(query.units):
        for term, weight in unit.terms.items():
            idf = index.idf.get(term)
            if not idf:
                continue
            for doc_index in index.postings[term]:
                doc = index.docs[doc_index]
                value = _bm25(doc.body.get(term, 0), doc.length, index.avg_body, B_BODY)
                value += HEAD_WEIGHT * _bm25(doc.head.get(term, 0), sum(doc.head.values()), index.avg_head, B_HEAD)
                value += PARENT_WEIGHT * _bm25(doc.parent.get(term, 0), sum(doc.parent.values()),
                                               index.avg_parent, B_HEAD)
                if value > 0:
                    per_unit[doc_index][u].append(weight * idf * value)
    lexical: dict[int, float] = {}
    matched: dict[int, set[int]] = {}
    for doc_index, units in per_unit.items():
        total = 0.0
        for values in units.values():
            values.sort(reverse=True)
            total += values[0] + EXTRA_TERMS * sum(values[1:])
        lexical[doc_index] = total
        matched[doc_index] = set(units)
    return lexical, matched


def _bm25(tf: int, length: int, average: float, b: float) -> float:
    if not tf:
        return 0.0
    return tf * (K1 + 1) / (tf + K1 * (1 - b + b * length / average))


def _concepts(query: Query, index: Index) -> dict[int, float]:
    if not query.concepts:
        return {}
    share = 1.0 / len(query.concepts)
    signal: dict[int, float] = defaultdict(float)
    own = {c.concept_id for c in query.concepts}
    for concept in own:
        for doc_index, strength in index.mentions.get(concept, []):
            signal[doc_index] += share * strength
        for other in set(index.related.get(concept, [])) - own:
            for doc_index, strength in index.mentions.get(other, []):
                signal[doc_index] += share * RELATED_SHARE * strength / max(len(index.related[concept]), 1) ** 0.5
    return {doc_index: min(value, 1.0) for doc_index, value in signal.items()}
