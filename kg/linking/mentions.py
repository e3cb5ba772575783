"""From hits to mentions: one summary a concept a text, with its context, defining flag and score."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.linking.matcher import Hit, Matcher

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|[。！？；\n]")
_WORD = re.compile(r"[A-Za-z0-9]+|[\u3400-\u9fff]")
# "Multi-head Latent Attention (MLA)", "多头潜在注意力（MLA）": a full name introducing its acronym.
_ACRONYM_AFTER = r"\s*[\(（]\s*{}s?\s*[\)）,;，；]"
CONTEXT_CHARS = 300
HEADING_BONUS = 1.0


@dataclass
class MentionSummary:
    key: str
    count: int = 0
    first_offset: int = 0
    context: str = ""
    defines: bool = False
    score: float = 0.0
    offsets: list[int] = field(default_factory=list)


def sentence_around(text: str, start: int, end: int | None = None, *, limit: int = CONTEXT_CHARS) -> str:
    """The sentence holding text[start:end], whitespace collapsed, clipped to `limit` characters."""
    end = start if end is None else end
    left = 0
    for m in _SENTENCE_END.finditer(text, max(0, start - limit), start):
        left = m.end()
    right_match = _SENTENCE_END.search(text, end, min(len(text), end + limit))
    right = right_match.end() if right_match else min(len(text), end + limit)
    left = max(left, start - limit)
    sentence = " ".join(text[left:right].split())
    if len(sentence) > limit:
        sentence = sentence[:limit - 1] + "…"
    return sentence


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def density(count: int, words: int) -> float:
    """Mentions per 100 words, smoothed so a two-line section naming a concept once is not 'all about it'."""
    return round(100.0 * count / (words + 150), 4)


def introduces_acronym(text: str, hit: Hit, acronym: str) -> int:
    """Where "(ACR)" ends when the full name at `hit` introduces its acronym, else 0."""
    if not acronym or hit.text == acronym or hit.name == acronym:
        return 0
    match = re.match(_ACRONYM_AFTER.format(re.escape(acronym)), text[hit.end:hit.end + len(acronym) + 8])
    return hit.end + match.end() if match else 0


def summarise(
    matcher: Matcher,
    text: str,
    *,
    heading: str = "",
    acronyms: dict[str, str] | None = None,
    hits: Iterable[Hit] | None = None,
    context_text: str | None = None,
) -> dict[str, MentionSummary]:
    """Every concept named in `text` (or `hits` already found in it), keyed by concept key.

    A concept is *defined* when `heading` names it or the text introduces its acronym. The score is
    mentions per 100 words (smoothed), plus HEADING_BONUS when the heading names the concept.
    Contexts are cut from `context_text` (same offsets as `text`, e.g. before masking) when given.
    """
    context_text = text if context_text is None else context_text
    acronyms = acronyms or {}
    found: dict[str, MentionSummary] = {}
    introduced_at: dict[str, int] = {}  # "Full Name (ACR)" is one mention, not two
    for hit in matcher.find(text) if hits is None else hits:
        if introduced_at.get(hit.key, -1) >= hit.start:
            continue
        summary = found.get(hit.key)
        if summary is None:
            summary = found[hit.key] = MentionSummary(hit.key, first_offset=hit.start,
                                                     context=sentence_around(context_text, hit.start, hit.end))
        summary.count += 1
        summary.offsets.append(hit.start)
        introduced = introduces_acronym(text, hit, acronyms.get(hit.key, ""))
        if introduced:
            summary.defines = True
            introduced_at[hit.key] = introduced - 1
    titled: set[str] = set()
    if heading:
        for hit in matcher.find(heading):
            summary = found.get(hit.key)
            if summary is None:
                summary = found[hit.key] = MentionSummary(hit.key, count=0, context=" ".join(heading.split()))
            summary.defines = True
            titled.add(hit.key)
    words = word_count(text)
    for summary in found.values():
        # A section headed by the concept outranks one that only introduces its acronym (an abstract).
        summary.score = density(max(summary.count, 1), words) + (HEADING_BONUS if summary.key in titled else 0.0)
    return found
