"""Concept detection shared by notes and paper sections: (vocabulary, text) -> mentions.

`matcher_for_concepts()` builds the automaton once per vocabulary (cached by its content,
so an admin edit is seen at once) and `summarise` turns hits into per-concept mentions.
"""

import hashlib
import threading

from kg.linking.matcher import Hit, Matcher, fold, search_key
from kg.linking.mentions import MentionSummary, sentence_around, summarise

__all__ = ["Hit", "Matcher", "MentionSummary", "fold", "matcher_for_concepts", "search_key", "sentence_around",
           "summarise", "vocabulary_rows"]

_lock = threading.Lock()
_cache: dict[str, Matcher] = {}


def vocabulary_rows() -> list[tuple[str, list[str], str]]:
    """(slug, names, acronym) of every concept, from the database."""
    from kg.models import Concept

    rows = Concept.objects.order_by("slug").values_list("slug", "name", "acronym", "name_zh", "aliases")
    return [(slug, [name, name_zh, *(a for a in (aliases or []) if isinstance(a, str))], acronym)
            for slug, name, acronym, name_zh, aliases in rows]


def matcher_for_concepts(rows: list[tuple[str, list[str], str]] | None = None) -> Matcher:
    """The matcher for the current vocabulary, built once for each distinct vocabulary."""
    rows = vocabulary_rows() if rows is None else rows
    digest = hashlib.sha256(repr(rows).encode()).hexdigest()
    with _lock:
        matcher = _cache.get(digest)
        if matcher is None:
            _cache.clear()  # only the current vocabulary is worth keeping
            matcher = _cache[digest] = Matcher(rows)
    return matcher
