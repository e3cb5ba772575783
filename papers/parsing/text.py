"""Lines into readable text: paragraphs, words broken across lines rejoined."""

import re

from papers.parsing.layout import Line

SPACES = re.compile(r"[ \t\u00a0]+")
HYPHEN_BREAK = re.compile(r"([^\W\d_]+)-$")
COMPOUND = re.compile(r"[^\W\d_]+-[^\W\d_]+")
SENTENCE_END = (".", ":", "?", "!")
URL_TAIL = re.compile(r"(?:https?://|www\.)\S*[^\s.,;:)]$")


def compounds(lines: list[Line]) -> frozenset[str]:
    """Hyphenated words printed whole somewhere in the document ("computation-communication")."""
    return frozenset(word.lower() for word in COMPOUND.findall("\n".join(line.text for line in lines)))


def _url_tail(text: str) -> bool:
    tail = text[-120:]
    return ("http" in tail or "www." in tail) and bool(URL_TAIL.search(tail))


def _ends_paragraph(prev: Line, line: Line) -> bool:
    """The next line's first word would have fitted on `prev`: so `prev` ended its paragraph."""
    if not prev.right:
        return False
    word = line.text.split(" ", 1)[0]
    return prev.x1 + (len(word) + 1) * 0.5 * prev.size < prev.right - 1


def _starts_paragraph(prev: Line, line: Line) -> bool:
    if prev.text.endswith("-") and line.text[:1].islower() and HYPHEN_BREAK.search(prev.text):
        return False  # a word broken at the line end continues, whatever the spacing
    if line.page != prev.page or line.y0 < prev.y0 - 2:  # next page or next column
        return prev.text.endswith(SENTENCE_END) and line.text[:1].isupper()
    height = max(prev.y1 - prev.y0, 1.0)
    if abs(line.y0 - prev.y0) < 0.5 * height and line.x0 > prev.x1:
        return False  # the next cell of a table row
    return line.y0 - prev.y1 > 0.6 * height or _ends_paragraph(prev, line)


def join_lines(lines: list[Line], known: frozenset[str] = frozenset()) -> str:
    """Join lines into paragraphs: a gap or a short last line ends one; hyphenation is undone."""
    out: list[str] = []
    prev: Line | None = None
    for line in lines:
        text = SPACES.sub(" ", line.text).strip()
        if not text:
            continue
        if prev is None:
            out.append(text)
        elif _starts_paragraph(prev, line):
            out.append("\n\n" + text)
        else:
            last = out[-1]
            broken = HYPHEN_BREAK.search(last) if last.endswith("-") else None
            if broken and text[:1].islower():
                head = broken.group(1)
                tail = re.match(r"[^\W\d_]+", text)
                compound = f"{head}-{tail.group(0) if tail else ''}".lower()
                # "architec-" + "tures" is one word; "computation-" + "communication" is a real compound.
                out[-1] = last if compound in known else last[:-1]
                out.append(text)
            elif last.endswith(("-", "/")) or _url_tail(last) and not _ends_paragraph(prev, line):
                out.append(text)  # a real hyphen ("Aux-Loss-" + "Free") or a URL broken at the margin
            else:
                out.append(" " + text)
        prev = line
    return "".join(out).strip()
