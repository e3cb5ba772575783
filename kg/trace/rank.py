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

from kg.text import has_han
from kg.trace.index import Index
from kg.trace.neighbours import neighbour_signal
from kg.trace.query import Query

K1, B_BODY, B_HEAD = 1.2, 0.75, 0.3
HEAD_WEIGHT, PARENT_WEIGHT = 3.0, 0.5
EXTRA_TERMS = 0.25  # a unit's second and later matching terms count a quarter
CONCEPT_WEIGHT, RELATED_SHARE = 0.2, 0.3
# Coordination: a text covering every thing the question names beats one that matches a few
# of them very well (Lucene's classic coord factor, weighted by each unit's importance).
COORD_POWER = 0.5
# Abstracts, introductions and conclusions mention everything once; the section that
# develops a topic answers better than the one that announces it.
SUMMARY_PRIOR = 0.8
# A section with subsections introduces them; the subsection is the more precise answer.
PARENT_PRIOR = 0.8
NEIGHBOUR_WEIGHT = 0.3  # sections curated for a similar bank question (neighbours.py)
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


def rank(query: Query, index: Index, *, exclude_question: int | None = None) -> list[Scored]:
    """Sections and notes, best first. Each kind is normalised by its own best lexical score
    and coverage, so Chinese notes matching a Chinese question word for word do not push
    the English sections that answer it off the list."""
    lexical, matched = _lexical(query, index)
    concept = _concepts(query, index)
    neighbours = neighbour_signal(query, index, exclude=exclude_question)
    best = {kind: max((v for d, v in lexical.items() if index.docs[d].kind == kind), default=0.0) or 1.0
            for kind in ("section", "note")}
    # Chinese words the English sections cannot match at all (fillers the bridge has no
    # rendering for) do not count against sections; every unit counts against notes, which
    # are written in both languages, and units nothing matches count against both.
    total = {"section": sum(u.importance for u in query.units if _matchable(u, "section", index)) or 1.0,
             "note": sum(u.importance for u in query.units) or 1.0}
    named = set(query.papers)
    scored = []
    for doc_index in lexical.keys() | concept.keys() | neighbours.keys():
        doc = index.docs[doc_index]
        units = matched.get(doc_index, set())
        coverage = min(1.0, sum(query.units[u].importance for u in units) / total[doc.kind])
        lex = lexical.get(doc_index, 0.0) / best[doc.kind]
        score = (lex + CONCEPT_WEIGHT * concept.get(doc_index, 0.0)) * coverage ** COORD_POWER
        score += NEIGHBOUR_WEIGHT * neighbours.get(doc_index, 0.0)
        if doc.summary:
            score *= SUMMARY_PRIOR
        if doc.has_children:
            score *= PARENT_PRIOR
        if named:
            if doc.kind == "section" and doc.paper_id not in named:
                score *= OTHER_PAPER
            elif doc.kind == "note":
                score *= NOTE_WHEN_PAPER_NAMED
        scored.append(Scored(doc_index, score, lex, concept.get(doc_index, 0.0), coverage, units))
    scored.sort(key=lambda s: (-s.score, s.doc))
    return scored


def _matchable(unit, kind: str, index: Index) -> bool:
    if not has_han(unit.label):
        return True
    vocabulary = index.vocabulary[kind]
    known = [terms for terms, _ in unit.phrases if all(t in index.idf for t in terms)]
    return not known or any(all(t in vocabulary for t in terms) for terms in known)


def _lexical(query: Query, index: Index) -> tuple[dict[int, float], dict[int, set[int]]]:
    per_unit: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    contribution = index.term_scores  # a term's score in a text depends on neither the question nor the user
    for u, unit in enumerate(query.units):
        for terms, weight in unit.phrases:
            if not all(term in index.idf for term in terms):
                continue
            docs = set(index.postings[terms[0]]).intersection(*(index.postings[t] for t in terms[1:]))
            for doc_index in docs:
                total = 0.0
                for term in terms:
                    key = (term, doc_index)
                    if key not in contribution:
                        contribution[key] = _term_score(term, index.docs[doc_index], index)
                    total += contribution[key]
                if total > 0:
                    per_unit[doc_index][u].append(weight * total / len(terms) ** 0.5)
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


def _term_score(term: str, doc, index: Index) -> float:
    """BM25 of one term in a doc's text, heading and ancestors' headings, weighted by field."""
    value = _bm25(doc.body.get(term, 0), doc.length, index.avg_body, B_BODY)
    value += HEAD_WEIGHT * _bm25(doc.head.get(term, 0), doc.head_length, index.avg_head, B_HEAD)
    value += PARENT_WEIGHT * _bm25(doc.parent.get(term, 0), doc.parent_length, index.avg_parent, B_HEAD)
    return index.idf[term] * value


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
