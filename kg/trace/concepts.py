"""Concepts named in a question, by any of their English, acronym or Chinese names.

`recognise` is the one switch point: it uses the linking matcher when that is importable
and this module's own alias scan otherwise, so the rest of tracing never cares which.
"""

import re
import unicodedata
from dataclasses import dataclass

from kg.text import has_han


@dataclass(frozen=True)
class Alias:
    concept_id: int
    slug: str
    name: str


@dataclass(frozen=True)
class Recognised:
    concept_id: int
    slug: str
    start: int
    end: int


def alias_table(concepts) -> list[tuple[re.Pattern, Alias]]:
    """Patterns for every name of every concept, longest names first."""
    table = []
    for concept in concepts:
        for name in concept.all_names:
            pattern = _pattern(name, acronym=name == concept.acronym)
            if pattern:
                table.append((len(name), pattern, Alias(concept.pk, concept.slug, name)))
    table.sort(key=lambda item: (-item[0], item[2].slug))
    return [(pattern, alias) for _, pattern, alias in table]


def _pattern(name: str, *, acronym: bool) -> re.Pattern | None:
    name = name.strip()
    if not name:
        return None
    if has_han(name):
        # Chinese has no word boundaries; spaces between parts are optional ("KL 散度" = "KL散度").
        parts = [re.escape(part) for part in unicode_fold(name).split()]
        return re.compile(r"\s*".join(parts), re.IGNORECASE)
    if len(name) < 2:
        return None
    words = [re.escape(word) for word in re.split(r"[\s\-]+", name) if word]
    body = r"[\s\-]*".join(words)
    flags = 0 if acronym else re.IGNORECASE
    # Latin names need edges that are not letters or digits ("MLA" is not in "MLAB").
    return re.compile(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])", flags)


def scan(question: str, table: list[tuple[re.Pattern, Alias]]) -> list[Recognised]:
    """Non-overlapping matches, longest name first, in question order."""
    text = unicode_fold(question)
    taken: list[tuple[int, int]] = []
    found: dict[str, Recognised] = {}
    for pattern, alias in table:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < b and a < end for a, b in taken):
                continue
            taken.append((start, end))
            found.setdefault(alias.slug, Recognised(alias.concept_id, alias.slug, start, end))
    return sorted(found.values(), key=lambda r: r.start)


def unicode_fold(text: str) -> str:
    """Full-width forms to ASCII without lowercasing, so acronyms stay case-sensitive."""
    return unicodedata.normalize("NFKC", text)
