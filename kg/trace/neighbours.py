"""Similar bank questions: their curated sections are evidence for a new question.

A candidate's question often says in other words what a bank question says; the sections
curated for that bank question then answer it too. Similarity is the cosine of the two
questions' query terms weighted by importance, so a Chinese and an English question meet
through concept aliases and dictionary renderings.
"""

import math
from dataclasses import dataclass

from kg.trace.index import Index
from kg.trace.query import Query, build_query

MIN_SIMILARITY = 0.35


@dataclass
class BankEntry:
    question_id: int
    vector: dict[str, float]
    norm: float
    docs: list[int]


def query_vector(query: Query) -> dict[str, float]:
    vector: dict[str, float] = {}
    for unit in query.units:
        for terms, weight in unit.phrases:
            for term in terms:
                value = weight * unit.importance / len(terms)
                if value > vector.get(term, 0.0):
                    vector[term] = value
    return vector


def bank_entries(index: Index, curated: dict[int, tuple[str, list[int]]]) -> list[BankEntry]:
    """Vectors of the bank questions that have curated sections (question id -> text, section ids)."""
    entries = []
    for question_id, (text, section_ids) in sorted(curated.items()):
        docs = [index.section_doc[s] for s in section_ids if s in index.section_doc]
        if docs:
            vector = query_vector(build_query(text, index))
            entries.append(BankEntry(question_id, vector, _norm(vector), docs))
    return entries


def bank_terms(entries: list[BankEntry]) -> dict[str, list[int]]:
    """Term -> the entries whose vector has it: a question is compared only with the bank
    questions it shares a term with."""
    out: dict[str, list[int]] = {}
    for position, entry in enumerate(entries):
        for term in entry.vector:
            out.setdefault(term, []).append(position)
    return out


def neighbour_signal(query: Query, index: Index, *, exclude: int | None = None) -> dict[int, float]:
    """Doc index -> similarity of the most similar bank question that curated it."""
    vector = query_vector(query)
    norm = _norm(vector)
    signal: dict[int, float] = {}
    if not norm:
        return signal
    sharing = sorted({position for term in vector for position in index.bank_terms.get(term, ())})
    for entry in (index.bank_entries[position] for position in sharing):
        if entry.question_id == exclude or not entry.norm:
            continue
        dot = sum(value * entry.vector.get(term, 0.0) for term, value in vector.items())
        similarity = dot / (norm * entry.norm)
        if similarity >= MIN_SIMILARITY:
            for doc in entry.docs:
                signal[doc] = max(signal.get(doc, 0.0), similarity)
    return signal


def _norm(vector: dict[str, float]) -> float:
    return math.sqrt(sum(v * v for v in vector.values()))
