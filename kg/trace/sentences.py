"""Sentences of a section or note, with their terms, for evidence and page lookup."""

import re
from dataclasses import dataclass

from kg.text import tokenize

# A sentence ends at . ! ? (or 。！？) unless the period closes a common abbreviation.
_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])|(?<=[。！？；])|\n\s*\n")
_ABBREV = re.compile(r"(?:\b(?:e\.g|i\.e|et al|Fig|Figs|Eq|Eqs|Sec|Tab|vs|v\.s|cf|resp|approx|No)\.)$", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_URL = re.compile(r"https?://\S+|www\.\S+")
MAX_CHARS = 600


@dataclass
class Sentence:
    text: str
    start: int  # character offset in the source text
    terms: list[str]
    termset: frozenset = frozenset()
    numeric: bool = False  # a table row rather than prose


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    start = 0
    pending_start = None
    for match in _END.finditer(text):
        piece = text[start:match.start()]
        if _ABBREV.search(piece.rstrip()):
            if pending_start is None:
                pending_start = start
            start = match.end()
            continue
        _add(sentences, text, pending_start if pending_start is not None else start, match.start())
        pending_start = None
        start = match.end()
    _add(sentences, text, pending_start if pending_start is not None else start, len(text))
    return sentences


def _add(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    raw = text[start:end]
    # Undo line-end hyphenation left by PDF extraction, then collapse whitespace.
    clean = _SPACE.sub(" ", re.sub(r"(?<=[a-z])-\n(?=[a-z])", "", raw)).strip()
    if len(clean) < 2:
        return
    shown = clean if len(clean) <= MAX_CHARS else clean[:MAX_CHARS].rsplit(" ", 1)[0] + " …"
    terms = tokenize(_URL.sub(" ", clean))  # an address is no prose: "https" is no topic
    # Table rows (digits, or Markdown cells) match terms but answer nothing in words.
    numeric = sum(ch.isdigit() for ch in clean) > 0.25 * len(clean) or clean.count("|") >= 3
    sentences.append(Sentence(shown, start, terms, frozenset(terms), numeric))
