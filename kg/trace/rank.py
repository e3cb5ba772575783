"""Fusion of the signals into one ranking, and the coverage that says whether anything answers.

- lexical: BM25 of the query units over a section's text, its heading (weighted up: a
  heading is the author's own summary) and its ancestors' headings;
- concepts: how strongly each section or note is about the recognised concepts (Mention
  rows from linking), with a smaller share for concepts related to them;
- papers: a question naming a report prefers that report's sections;
- curated: a bank question's curated and confirmed sections come first (see tracing).
Scores are normalised by the best lexical score so the weights mean the same for every query.
"""

from dataclasses import dataclass

import numpy as np

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
    pinned: int = 0  # 2: confirmed by a user, 1: curated in the bank; pinned results come first


def rank(query: Query, index: Index, *, exclude_question: int | None = None, limit: int = 200,
         include: set[int] = frozenset()) -> list[Scored]:
    """The `limit` best sections and notes (and every doc of `include`), best first.

    Each kind is normalised by its own best lexical score and coverage, so Chinese notes
    matching a Chinese question word for word do not push the English sections that answer
    it off the list. Every signal is an array over all docs: a question costs a few array
    operations per term, not a loop over the library.
    """
    n = len(index.docs)
    lexical, covered = _lexical(query, index)
    concept, concept_hit = _concepts(query, index)
    neighbours = np.zeros(n)
    for doc_index, value in neighbour_signal(query, index, exclude=exclude_question).items():
        neighbours[doc_index] = value
    candidates = (lexical > 0) | concept_hit | (neighbours > 0)
    is_note = index.is_note
    best_section = lexical[candidates & ~is_note].max(initial=0.0) or 1.0
    best_note = lexical[candidates & is_note].max(initial=0.0) or 1.0
    # Chinese words the English sections cannot match at all (fillers the bridge has no
    # rendering for) do not count against sections; every unit counts against notes, which
    # are written in both languages, and units nothing matches count against both.
    total_section = sum(u.importance for u in query.units if _matchable(u, "section", index)) or 1.0
    total_note = sum(u.importance for u in query.units) or 1.0
    coverage = np.minimum(1.0, covered / np.where(is_note, total_note, total_section))
    lex = lexical / np.where(is_note, best_note, best_section)
    score = (lex + CONCEPT_WEIGHT * concept) * np.maximum(coverage, 0.0) ** COORD_POWER
    score += NEIGHBOUR_WEIGHT * neighbours
    score = np.where(index.summary, score * SUMMARY_PRIOR, score)
    score = np.where(index.has_children, score * PARENT_PRIOR, score)
    if query.papers:
        other = ~is_note & ~np.isin(index.paper_ids, list(query.papers))
        score = np.where(other, score * OTHER_PAPER, np.where(is_note, score * NOTE_WHEN_PAPER_NAMED, score))
    found = np.flatnonzero(candidates)
    order = found[np.lexsort((found, -score[found]))]
    chosen = list(order[:limit])
    chosen += sorted(i for i in include if i < n and i not in set(chosen) and candidates[i])
    chosen.sort(key=lambda i: (-score[i], i))
    return [Scored(int(i), float(score[i]), float(lex[i]), float(concept[i]), float(coverage[i])) for i in chosen]


def _matchable(unit, kind: str, index: Index) -> bool:
    if not has_han(unit.label):
        return True
    vocabulary = index.vocabulary[kind]
    known = [terms for terms, _ in unit.phrases if all(t in index.idf for t in terms)]
    return not known or any(all(t in vocabulary for t in terms) for terms in known)


def _lexical(query: Query, index: Index) -> tuple[np.ndarray, np.ndarray]:
    """Per doc: the lexical score, and the importance of the query's units it matches.

    Within a unit a doc's best phrase counts fully and its others a quarter each."""
    n = len(index.docs)
    lexical, covered = np.zeros(n), np.zeros(n)
    for unit in query.units:
        best, total = np.zeros(n), np.zeros(n)
        for terms, weight in unit.phrases:
            if not terms or not all(term in index.idf for term in terms):
                continue
            docs, values = index.postings.get(terms[0])
            values = values.copy()
            for term in terms[1:]:
                other_docs, other_values = index.postings.get(term)
                docs, mine, theirs = np.intersect1d(docs, other_docs, assume_unique=True, return_indices=True)
                values = values[mine] + other_values[theirs]
            if not len(docs):
                continue
            values = weight * values / len(terms) ** 0.5
            best[docs] = np.maximum(best[docs], values)
            total[docs] += values
        hit = total > 0
        lexical += np.where(hit, best + EXTRA_TERMS * (total - best), 0.0)
        covered += np.where(hit, unit.importance, 0.0)
    return lexical, covered


def field_impacts(*, idf: np.ndarray, docs: np.ndarray, tfs: list[np.ndarray], lengths: list[np.ndarray]
                  ) -> np.ndarray:
    """BM25 of each (term, doc) pair over the doc's text, heading and ancestors' headings,
    weighted by field, times the term's idf: the part of a score that depends on neither the
    question nor the user, computed once per index."""
    value = np.zeros(len(docs))
    for tf, length, weight, b in zip(tfs, lengths, (1.0, HEAD_WEIGHT, PARENT_WEIGHT), (B_BODY, B_HEAD, B_HEAD),
                                     strict=True):
        average = max(length.mean(), 1.0) if len(length) else 1.0
        tf = tf.astype(np.float64)
        norm = tf * (K1 + 1) / (tf + K1 * (1 - b + b * length[docs] / average))
        value += weight * np.where(tf > 0, norm, 0.0)
    return idf * value


def _concepts(query: Query, index: Index) -> tuple[np.ndarray, np.ndarray]:
    n = len(index.docs)
    signal, hit = np.zeros(n), np.zeros(n, dtype=bool)
    if not query.concepts:
        return signal, hit
    share = 1.0 / len(query.concepts)
    own = {c.concept_id for c in query.concepts}
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0))
    for concept in own:
        docs, strengths = index.mentions.get(concept, empty)
        np.add.at(signal, docs, share * strengths)
        hit[docs] = True
        for other in set(index.related.get(concept, [])) - own:
            docs, strengths = index.mentions.get(other, empty)
            np.add.at(signal, docs, share * RELATED_SHARE * strengths / max(len(index.related[concept]), 1) ** 0.5)
            hit[docs] = True
    return np.minimum(signal, 1.0), hit
