"""A question turned into weighted query units: what it asks about, in the library's terms.

Each unit is one thing the question names: an English word, a Chinese word with its
English renderings, or a recognised concept with all its names. A unit's alternatives are
phrases (the terms of one name or one sense); a phrase matches a text only when all its
terms are there, so "cold-start data" does not match every text about data. Coverage of
units is what says whether the library answers the question at all.
"""

import re
from dataclasses import dataclass, field

from kg.text import has_han, tokenize
from kg.trace import lexicon
from kg.trace.concepts import Recognised, recognise, unicode_fold
from kg.trace.index import Index

# Weights: the question's own words, a concept's other names, dictionary renderings,
# and the parts of a hyphenated word ("post" and "train" of "post-training").
OWN, CONCEPT_OTHER, TRANSLATION, PART, PAPER_NAME = 1.0, 0.6, 0.55, 0.5, 0.5
_WORD = re.compile(r"[A-Za-z0-9]+(?:[.\-+'][A-Za-z0-9]+)*")
# How questions are asked, not what they ask about: these words never decide a match.
QUESTION_WORDS = frozenset("""did does do done doing let lets much many own while happen happens happened mean means
    meant kind kinds way ways work works explain describe tell show give get got make made trick tricks idea main
    role purpose exactly actually really need needs needed differ difference different between your you its
    would could should might must may about over under other others some any all more most less one two
    were was been being has have had having am""".split())
_CHUNK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


Phrase = tuple[tuple[str, ...], float]  # (terms, weight)


@dataclass
class Unit:
    label: str
    phrases: list[Phrase]
    concept_id: int | None = None
    importance: float = 0.0

    @property
    def terms(self) -> set[str]:
        return {term for terms, _ in self.phrases for term in terms}


@dataclass
class Query:
    question: str
    units: list[Unit]
    concepts: list[Recognised]
    papers: list[int] = field(default_factory=list)
    family: bool = False  # names the reports' family ("DeepSeek", "Qwen") without a report

    @property
    def anchored(self) -> bool:
        """Whether the question names something of the library: a concept, a report or its family."""
        return bool(self.concepts or self.papers or self.family)


def build_query(question: str, index: Index) -> Query:
    text = unicode_fold(question)
    concepts = recognise(text, index.matcher, index.concept_ids)
    papers, paper_spans = _named_papers(text, index)
    # A concept overlapping a paper's name ("DeepSeek-V3" as a model) is the paper signal, not a topic.
    concepts = [c for c in concepts if not any(c.start < b and a < c.end for a, b in paper_spans)]
    spans = [(c.start, c.end) for c in concepts] + paper_spans

    units: list[Unit] = [_concept_unit(c, text, index) for c in concepts]
    # The names also appear in headings ("Distillation from DeepSeek-R1"): a weak lexical hint
    # that does not count towards coverage.
    units.extend(Unit(text[a:b], [(tuple(tokenize(text[a:b])), PAPER_NAME)], importance=-1.0)
                 for a, b in paper_spans if tokenize(text[a:b]))
    for chunk in _uncovered(text, spans):
        for match in _CHUNK.finditer(chunk):
            piece = match.group()
            if has_han(piece):
                units.extend(_han_units(piece))
            else:
                units.extend(_latin_units(piece))
    units = _dedupe(units)
    for unit in units:
        if unit.importance < 0:
            unit.importance = 0.0
            continue
        known = [index.term_idf(term) for term in unit.terms if term in index.idf]
        unit.importance = max(known) if known else index.max_idf
        if unit.label.isdigit():  # years and counts are everywhere in citations and tables
            unit.importance *= 0.5
    # A Chinese word nothing in the library uses is more often a segmentation slip ("调大会")
    # than a topic the library lacks: it counts, but no more than half an average known word.
    known_units = [u.importance for u in units if u.importance and any(t in index.idf for t in u.terms)]
    typical = sum(known_units) / len(known_units) if known_units else index.max_idf
    for unit in units:
        if unit.importance and has_han(unit.label) and not any(t in index.idf for t in unit.terms):
            unit.importance = min(unit.importance, 0.5 * typical)
    family = bool(index.family and index.family.search(text))
    return Query(question, units, concepts, papers, family)


def _named_papers(text: str, index: Index) -> tuple[list[int], list[tuple[int, int]]]:
    """Reports the question names: by full short name; by version tag alone ("R1") only
    when no report is named in full ("How did DeepSeek-V3 use R1" is about DeepSeek-V3)."""
    full = {pk: [m.span() for m in p.pattern.finditer(text)] for pk, p in index.papers.items() if p.pattern}
    full = {pk: spans for pk, spans in full.items() if spans}
    if full:
        return sorted(full), [span for spans in full.values() for span in spans]
    tags = {pk: [m.span() for m in p.tag_pattern.finditer(text)] for pk, p in index.papers.items() if p.tag_pattern}
    tags = {pk: spans for pk, spans in tags.items() if spans}
    return sorted(tags), [span for spans in tags.values() for span in spans]


def _concept_unit(concept: Recognised, text: str, index: Index) -> Unit:
    said = text[concept.start:concept.end]
    phrases = _Phrases()
    phrases.add(tokenize(said), OWN)
    for name in index.concept_names.get(concept.concept_id, []):
        phrases.add(tokenize(name), CONCEPT_OTHER)
    return Unit(said, phrases.items(), concept_id=concept.concept_id)


class _Phrases:
    """Distinct phrases, each keeping its highest weight, in the order first seen."""

    def __init__(self):
        self._weights: dict[tuple[str, ...], float] = {}

    def add(self, terms: list[str], weight: float) -> None:
        key = tuple(dict.fromkeys(terms))
        if key:
            self._weights[key] = max(self._weights.get(key, 0.0), weight)

    def items(self) -> list[Phrase]:
        return list(self._weights.items())


def _latin_units(chunk: str) -> list[Unit]:
    units = []
    for word in _WORD.findall(chunk):
        if word.lower() in QUESTION_WORDS or len(word) < 2:
            continue
        terms = tokenize(word)
        if terms:
            phrases = _Phrases()
            phrases.add(terms[:1], OWN)
            for part in terms[1:]:
                phrases.add([part], PART)
            units.append(Unit(word, phrases.items()))
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
        phrases = _Phrases()
        phrases.add([word], OWN)
        renderings = lexicon.senses(word)
        if renderings:
            share = TRANSLATION / max(1.0, len(renderings) ** 0.5)
            for sense in renderings:
                phrases.add(tokenize(sense), share)
        units.append(Unit(word, phrases.items()))
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
        key = (unit.concept_id, frozenset(terms for terms, _ in unit.phrases))
        if key not in seen:
            seen.add(key)
            out.append(unit)
    return out
