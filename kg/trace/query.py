"""A question turned into weighted query units: what it asks about, in the library's terms.

Each unit is one thing the question names: an English word, a Chinese word with its
English renderings, or a recognised concept with the terms of all its names. A unit
matches a text when any of its terms does; coverage of units is what says whether the
library answers the question at all.
"""

import re
from dataclasses import dataclass, field

from kg.text import has_han, tokenize
from kg.trace import lexicon
from kg.trace.concepts import Recognised, recognise, unicode_fold
from kg.trace.index import Index

# Weights: the question's own words, a concept's other names, dictionary renderings,
# and the parts of a hyphenated word ("post" and "train" of "post-training").
OWN, CONCEPT_OTHER, TRANSLATION, PART = 1.0, 0.6, 0.55, 0.5
_WORD = re.compile(r"[A-Za-z0-9]+(?:[.\-+'][A-Za-z0-9]+)*")
# How questions are asked, not what they ask about: these words never decide a match.
QUESTION_WORDS = frozenset("""did does do done doing let lets much many own while happen happens happened mean means
    meant kind kinds way ways work works explain describe tell show give get got make made trick tricks idea main
    role purpose exactly actually really need needs needed differ difference different between your you its
    would could should might must may about over under other others some any all more most less one two""".split())
_CHUNK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


@dataclass
class Unit:
    label: str
    terms: dict[str, float]
    concept_id: int | None = None
    importance: float = 0.0


@dataclass
class Query:
    question: str
    units: list[Unit]
    concepts: list[Recognised]
    papers: list[int] = field(default_factory=list)


def build_query(question: str, index: Index) -> Query:
    text = unicode_fold(question)
    concepts = recognise(text, index.matcher, index.concept_ids)
    papers, paper_spans = [], []
    for pk, paper in index.papers.items():
        hits = list(paper.pattern.finditer(text)) if paper.pattern else []
        if hits:
            papers.append(pk)
            paper_spans.extend(match.span() for match in hits)
    # A concept overlapping a paper's name ("DeepSeek-V3" as a model) is the paper signal, not a topic.
    concepts = [c for c in concepts if not any(c.start < b and a < c.end for a, b in paper_spans)]
    spans = [(c.start, c.end) for c in concepts] + paper_spans

    units: list[Unit] = [_concept_unit(c, text, index) for c in concepts]
    for chunk in _uncovered(text, spans):
        for match in _CHUNK.finditer(chunk):
            piece = match.group()
            if has_han(piece):
                units.extend(_han_units(piece))
            else:
                units.extend(_latin_units(piece))
    units = _dedupe(units)
    for unit in units:
        known = [index.term_idf(term) for term in unit.terms if term in index.idf]
        unit.importance = max(known) if known else index.max_idf
    return Query(question, units, concepts, papers)


def _concept_unit(concept: Recognised, text: str, index: Index) -> Unit:
    said = text[concept.start:concept.end]
    terms = {term: OWN for term in tokenize(said)}
    for name in index.concept_names.get(concept.concept_id, []):
        for term in tokenize(name):
            terms.setdefault(term, CONCEPT_OTHER)
    return Unit(said, terms, concept_id=concept.concept_id)


def _latin_units(chunk: str) -> list[Unit]:
    units = []
    for word in _WORD.findall(chunk):
        if word.lower() in QUESTION_WORDS:
            continue
        terms = tokenize(word)
        if terms:
            unit = {terms[0]: OWN}
            for part in terms[1:]:
                unit.setdefault(part, PART)
            units.append(Unit(word, unit))
    return units


def _han_words(chunk: str) -> list[str]:
    """Segmented words, rejoining neighbours the bridge knows as one word ("强化" "学习")."""
    words = tokenize(chunk)
    out: list[str] = []
    for word in words:
        if out and lexicon.known(out[-1] + word):
            out[-1] += word
        else:
            out.append(word)
    return out


def _han_units(chunk: str) -> list[Unit]:
    units = []
    for word in _han_words(chunk):
        if word in lexicon.FILLERS:
            continue
        terms = {word: OWN}
        renderings = lexicon.senses(word)
        if renderings:
            share = TRANSLATION / max(1.0, len(renderings) ** 0.5)
            for sense in renderings:
                for term in tokenize(sense):
                    terms.setdefault(term, share)
        units.append(Unit(word, terms))
    return units


def _uncovered(text: str, spans: list[tuple[int, int]]) -> list[str]:
    pieces, pos = [], 0
    for start, end in sorted(spans):
        if start > pos:
            pieces.append(text[pos:start])
        pos = max(pos, end)
    pieces.append(text[pos:])
    return pieces


def _dedupe(units: list[Unit]) -> list[Unit]:
    seen, out = set(), []
    for unit in units:
        key = (unit.concept_id, frozenset(unit.terms))
        if key not in seen:
            seen.add(key)
            out.append(unit)
    return out
