"""Concepts named in a question, by any of their English, acronym or Chinese names.

The one alias matcher (kg.linking) does the matching, so a question and a section are
read by the same rules; `recognise` is the only place tracing touches it.
"""

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Recognised:
    concept_id: int
    slug: str
    start: int
    end: int


def build_matcher():
    """The linking matcher for the current vocabulary, and slug -> concept id."""
    from kg.linking import matcher_for_concepts, vocabulary_rows
    from kg.models import Concept

    return matcher_for_concepts(vocabulary_rows()), dict(Concept.objects.values_list("slug", "pk"))


def recognise(text: str, matcher, ids: dict[str, int]) -> list[Recognised]:
    """Concepts in `text` (already folded with `unicode_fold`), each once, in text order."""
    found: dict[str, Recognised] = {}
    for hit in matcher.find(text):
        if hit.key in ids:
            found.setdefault(hit.key, Recognised(ids[hit.key], hit.key, hit.start, hit.end))
    return sorted(found.values(), key=lambda r: r.start)


def unicode_fold(text: str) -> str:
    """Full-width forms to ASCII without lowercasing, so acronyms stay case-sensitive."""
    return unicodedata.normalize("NFKC", text)
