"""The one alias matcher: every name of every concept found in a text, in one pass.

Names are folded to a search key (lowercase; spaces, hyphens and line breaks become one
space) and put into one Aho-Corasick automaton. The text is folded the same way without
changing its length, so offsets in the folded text are offsets in the original. Each hit
is then checked against the rules a plain substring search cannot know:

- Latin names are whole words: no letter or digit right before or after (a hit may end in a
  plural `s`/`es`/`ies`, which are keys of their own).
- Acronyms and mixed-case single words (`MoE`, `MLA`, `RoPE`, `FP8`) match only as written;
  full names (`mixture of experts`) match in any case.
- Chinese names need no word boundary; a hit inside a longer name of another concept is
  dropped because overlapping hits are resolved longest first.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

_SEPARATORS = "-\u2010\u2011\u2012\u2013_"  # hyphens (and underscore, as in kv_cache) join words
_FOLD_SPACE = re.compile("[" + re.escape(_SEPARATORS + "\t\n\r\f\v\u00a0\u3000") + "]")  # one char -> one space
_COLLAPSE = re.compile(r"[\s\-\u2010-\u2013_]+")


@dataclass(frozen=True)
class Term:
    """One name of one concept: what the automaton looks for."""

    key: str  # the concept's identifier (its slug)
    name: str  # the name as written in the vocabulary
    case_sensitive: bool


@dataclass(frozen=True)
class Hit:
    key: str
    start: int
    end: int
    text: str  # the text as it appears
    name: str  # the vocabulary name it matched


def fold(text: str) -> str:
    """Lowercase and map separators to spaces, keeping every character's offset."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters lowercase to two (İ): fold one by one
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return _FOLD_SPACE.sub(" ", lowered)


def search_key(name: str) -> str:
    return _COLLAPSE.sub(" ", name.strip()).lower()


def is_case_sensitive(name: str, *, acronym: bool = False) -> bool:
    """Acronyms and single words with a capital after the first letter (MoE, RoPE, FP8) match as written."""
    if acronym:
        return True
    words = _COLLAPSE.split(name.strip())
    return len(words) == 1 and (any(c.isupper() for c in name[1:]) or (name.isupper() and len(name) > 1))


def is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def plural_forms(key: str) -> list[str]:
    """The key and its English plurals (`kv cache` -> `kv caches`; `strategy` -> `strategies`)."""
    if not key or not key[-1].isalpha() or not key[-1].isascii():
        return [key]
    forms = [key, key + "s"]
    if key[-1] in "sxz" or key.endswith(("ch", "sh")):
        forms.append(key + "es")
    if key[-1] == "y" and len(key) > 1 and key[-2] not in "aeiou":
        forms.append(key[:-1] + "ies")
    return forms


class Matcher:
    """Finds every concept name in a text; build once per vocabulary, reuse for every text."""

    def __init__(self, vocabulary: Iterable[tuple[str, Iterable[str], str]]):
        """`vocabulary`: (key, names, acronym) for each concept; the acronym is among or beside the names."""
        self._automaton = ahocorasick.Automaton()
        entries: dict[str, list[tuple[Term, str]]] = {}
        self.size = 0
        for key, names, acronym in vocabulary:
            all_names = dict.fromkeys(n.strip() for n in [*names, acronym or ""] if n and n.strip())
            for name in all_names:
                term = Term(key, name, is_case_sensitive(name, acronym=(name == acronym)))
                base = search_key(name)
                if len(base) < 2 and not any(ord(c) > 0x2E7F for c in base):
                    continue  # one Latin letter is never a concept name worth matching
                for form in plural_forms(base):
                    surface = form if not term.case_sensitive else name + form[len(base):]
                    entries.setdefault(form, []).append((term, surface))
                    self.size += 1
        for form, terms in entries.items():
            # Case-sensitive terms first: "MoE" as written beats a full name folded to "moe".
            terms.sort(key=lambda item: not item[0].case_sensitive)
            self._automaton.add_word(form, (len(form), terms))
        self._empty = not entries
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[Hit]:
        """Non-overlapping hits in text order; where hits overlap the longest wins."""
        if self._empty or not text:
            return []
        folded = fold(text)
        candidates: list[tuple[int, int, Term]] = []
        for end_index, (length, terms) in self._automaton.iter(folded):
            start, end = end_index - length + 1, end_index + 1
            term = self._accept(text, start, end, terms)
            if term is not None:
                candidates.append((start, end, term))
        candidates.sort(key=lambda c: (c[0] - c[1], c[0]))  # longest first, then leftmost
        taken: list[tuple[int, int, Term]] = []
        occupied = bytearray(len(text))
        for start, end, term in candidates:
            if any(occupied[start:end]):
                continue
            occupied[start:end] = b"\x01" * (end - start)
            taken.append((start, end, term))
        taken.sort(key=lambda c: c[0])
        return [Hit(t.key, s, e, text[s:e], t.name) for s, e, t in taken]

    @staticmethod
    def _accept(text: str, start: int, end: int, terms: list[tuple[Term, str]]) -> Term | None:
        if is_latin(text[start]) and start > 0 and is_latin(text[start - 1]):
            return None
        if is_latin(text[end - 1]) and end < len(text) and is_latin(text[end]):
            return None
        written = None
        for term, surface in terms:
            if not term.case_sensitive:
                return term
            if written is None:
                written = _COLLAPSE.sub(" ", text[start:end])
            if written == _COLLAPSE.sub(" ", surface):
                return term
        return None
