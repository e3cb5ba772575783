"""Headings from the page layout alone.

A heading is a line that (1) starts with a section number (`3`, `3.2`, `A.1.1`, `Appendix B`),
(2) is set apart from body text by weight or size, and (3) fits the numbering of the headings
around it. Styles are compared per depth, so a bold numbered list item or a bold table cell that
happens to start with a number falls out, and the numbering is checked as a chain (`4.3` must
follow `4.2` or `4`), so stray matches cannot break the sequence. Unnumbered front and back matter
(Abstract, References, Appendix, ...) is recognised by name and style.
"""

import re
from collections import Counter
from dataclasses import dataclass

from papers.parsing.layout import DOT_LEADER, Line, Page
from papers.parsing.numbering import HEADING, best_chain

CAPTION = re.compile(r"^(?:Figure|Fig\.|Table|Algorithm|Listing|Equation)\s*\d", re.IGNORECASE)
TRAILING_PAGE = re.compile(r"\s\d{1,3}$")
SPECIAL = {
    "abstract": "abstract",
    "references": "references",
    "bibliography": "references",
    "reference": "references",
    "acknowledgments": "body",
    "acknowledgements": "body",
    "acknowledgment": "body",
    "acknowledgement": "body",
    "appendix": "appendix",
    "appendices": "appendix",
}


@dataclass
class Heading:
    number: str
    title: str
    level: int
    line_index: int  # index in the document's line stream
    lines_used: int  # how many stream lines the heading occupies (wrapped titles)
    page: int  # 0-based
    bbox: tuple[float, float, float, float]
    size: float
    bold: bool
    rest: str = ""  # body text that follows a run-in heading on its own line
    kind: str = "body"
    divider: bool = False  # only marks where the appendix starts; no section of its own


def _clean_title(title: str) -> str:
    title = re.sub(r"\s+", " ", title).strip()
    return title.rstrip(" .:")


def _styled(line: Line, body: float) -> tuple[str, float] | None:
    """The heading-styled leading text of a line (bold run or the whole line if larger), or None."""
    lead, size, count = line.lead()
    if count == len(line.spans) or (lead and len(lead) >= 0.98 * len(line.text)):
        return line.text, max(size, line.size)
    if lead and HEADING.match(lead):
        return lead, size
    if line.size >= body * 1.12 and not line.bold:
        return line.text, line.size
    letters = [ch for ch in line.text if ch.isalpha()]
    if len(letters) >= 3 and all(ch.isupper() for ch in letters):
        # Capitals or small caps ("1 INTRODUCTION" set as I + NTRODUCTION): the capital's size counts.
        return line.text, max(span[1] for span in line.spans if span[0].strip())
    return None


def _without_marker(line: Line, title: str, size: float) -> str:
    """A footnote marker raised after the title ("Introduction¹", "Data*") is not part of it."""
    last = next((span for span in reversed(line.spans) if span[0].strip()), None)
    if last is None or last[1] >= 0.8 * size:
        return title
    mark = last[0].strip()
    if len(mark) <= 3 and all(ch.isdigit() or ch in "*†‡§¶," for ch in mark) and title.endswith(mark):
        return title[: -len(mark)].rstrip()
    return title


def _continuation(stream: list[Line], i: int, head: Line) -> int:
    """How many following lines continue a wrapped heading title."""
    used = 0
    prev = head
    for nxt in stream[i + 1 : i + 3]:
        if (
            nxt.page != head.page
            or nxt.bold != head.bold
            or abs(nxt.size - head.size) > 0.3
            or nxt.y0 - prev.y1 > 0.6 * head.size
            or nxt.x0 < head.x0 - 2
            or HEADING.match(nxt.text)
            or prev.text.endswith((".", ":"))
        ):
            break
        used += 1
        prev = nxt
    return used


def numbered_candidates(stream: list[Line], body: float, skip_pages: set[int]) -> list[Heading]:
    """Lines that start with a section number, set as a heading, alone on their row; wrapped titles joined."""
    found = []
    for i, line in enumerate(stream):
        if line.role != "body" or line.page in skip_pages or len(line.text) > 220:
            continue
        if not HEADING.match(line.text):
            continue
        styled = _styled(line, body)
        if styled is None or not alone_on_row(stream, i):
            continue
        text, size = styled
        match = HEADING.match(text)
        if match is None or size < body * 0.95:
            continue
        number = match["app"] or match["num"]
        title = match["title"]
        if DOT_LEADER.search(title) or CAPTION.match(title) or (text == line.text and TRAILING_PAGE.search(title)):
            continue
        if sum(ch.isalpha() for ch in title) < 0.5 * len(title.replace(" ", "")):
            continue
        rest = line.text[len(text) :].strip() if text != line.text else ""
        if not rest:
            title = _without_marker(line, title, size)
        used = 0 if rest else _continuation(stream, i, line)
        x1, y1 = line.x1, line.y1
        for extra in stream[i + 1 : i + 1 + used]:
            joiner = "" if title.endswith("-") else " "
            title = f"{title}{joiner}{extra.text}"
            x1, y1 = max(x1, extra.x1), extra.y1
        title = _clean_title(title)
        if len(title.split()) > 25 or title.endswith(","):
            continue
        heading = Heading(
            number=number,
            title=title,
            level=len(number.split(".")),
            line_index=i,
            lines_used=1 + used,
            page=line.page,
            bbox=(round(line.x0, 1), round(line.y0, 1), round(x1, 1), round(y1, 1)),
            size=round(size * 2) / 2,
            bold=line.bold or bool(rest),
            rest=rest,
        )
        found.append(heading)
    return found


def consistent_styles(candidates: list[Heading], top: float | None) -> list[Heading]:
    """Keep the candidates set in their depth's heading size.

    Top-level headings must be set in `top`; deeper levels take their most common size among
    candidates no larger than the top level.
    """
    if top is None:
        return []
    by_depth: dict[int, Counter] = {}
    for c in candidates:
        if c.level > 1 and c.size <= top + 0.3:
            by_depth.setdefault(c.level, Counter())[c.size] += 1
    sizes = {depth: counter.most_common(1)[0][0] for depth, counter in by_depth.items()}
    sizes[1] = top
    return [c for c in candidates if c.level in sizes and abs(c.size - sizes[c.level]) <= 0.6]


def numbered_chain(candidates: list[Heading], body: float) -> list[Heading]:
    """The best numbering chain over each choice of top-level heading size.

    Headings weigh more the larger they are set, so two chapter headings outweigh a bold numbered
    list of three in body size, and a figure's few large numbered labels lose to the many real
    headings whose sizes they do not share.
    """
    counts = Counter(c.size for c in candidates if c.level == 1)
    options = [size for size, count in counts.items() if count >= 2] or list(counts) or [None]
    best: list[Heading] = []
    best_score = float("-inf")
    for top in options:
        kept = consistent_styles(candidates, top)
        weights = [1 + min(1.0, 2 * max(0.0, c.size / body - 1)) for c in kept]
        indices, score = best_chain([c.number for c in kept], weights)
        if score > best_score:
            best, best_score = [kept[i] for i in indices], score
    return best


def special_headings(stream: list[Line], body: float, skip_pages: set[int]) -> list[Heading]:
    """Abstract, References, Acknowledgments, Appendix: unnumbered, known by name and set as headings."""
    found = []
    for i, line in enumerate(stream):
        if line.role != "body" or line.page in skip_pages or len(line.text) > 40:
            continue
        key = re.sub(r"[^a-z]", "", line.text.lower())
        if key not in SPECIAL:
            continue
        if not (line.bold or line.size >= body * 1.12 or line.text.isupper()) or not alone_on_row(stream, i):
            continue
        title = _clean_title(line.text)
        found.append(
            Heading("", title, 1, i, 1, line.page, line.bbox, line.size, line.bold, kind=SPECIAL[key])
        )
    return found


def alone_on_row(stream: list[Line], i: int) -> bool:
    """No other text on the heading's row: table cells and run-in labels share theirs."""
    line = stream[i]
    for j in (i - 1, i + 1):
        if 0 <= j < len(stream):
            other = stream[j]
            if other.page == line.page and min(other.y1, line.y1) - max(other.y0, line.y0) > 0.5 * (line.y1 - line.y0):
                return False
    return True


def styled_headings(stream: list[Line], body: float, skip_pages: set[int]) -> list[Heading]:
    """For documents without numbered headings: short lines on their own, larger or bolder than body text.

    Each style (size, weight) used by at least two such lines is a heading level, larger first.
    """
    first_page = [line for line in stream if line.page == 0]
    title_size = max((line.size for line in first_page), default=0.0)
    found = []
    for i, line in enumerate(stream):
        if line.role != "body" or line.page in skip_pages or len(line.text) > 120 or len(line.text) < 3:
            continue
        larger = line.size >= body * 1.12
        if not (larger or (line.bold and line.size >= body * 0.97)):
            continue
        if line.page == 0 and line.size >= title_size - 0.3:
            continue  # the paper's title
        if CAPTION.match(line.text) or line.text.endswith((".", ",", ":", ";")) or not line.text[0].isalpha():
            continue
        prev = stream[i - 1] if i else None
        if prev is not None and prev.page == line.page and line.y0 - prev.y1 < 0.3 * body and not larger:
            continue  # glued to the text above: a bold phrase inside a paragraph or table
        if not alone_on_row(stream, i):
            continue
        size = round(line.size * 2) / 2
        used = _continuation(stream, i, line)
        title = " ".join([line.text, *(extra.text for extra in stream[i + 1 : i + 1 + used])])
        found.append(Heading("", _clean_title(title), 1, i, 1 + used, line.page, line.bbox, size, line.bold))
    styles = Counter((h.size, h.bold) for h in found)
    kept = sorted((style for style, count in styles.items() if count >= 2), reverse=True)
    rank = {style: min(index + 1, 3) for index, style in enumerate(kept)}
    found = [h for h in found if (h.size, h.bold) in rank]
    for heading in found:
        heading.level = rank[(heading.size, heading.bold)]
    return found


def unnumbered_top(stream: list[Line], body: float, skip_pages: set[int], chain: list[Heading]) -> list[Heading]:
    """Unnumbered headings set exactly like the numbered top-level ones ("Concept Index", "Limitations")."""
    sizes = Counter(h.size for h in chain if h.level == 1)
    if not sizes:
        return []
    size = sizes.most_common(1)[0][0]
    if size < body * 1.1:
        return []  # top-level headings no larger than body text: bold lines alone are too ambiguous
    taken = {h.line_index + k for h in chain for k in range(h.lines_used)}
    first = min(h.line_index for h in chain)  # before it: title, authors, affiliations
    found = []
    for i, line in enumerate(stream):
        if i <= first or i in taken or line.role != "body" or line.page in skip_pages or not line.bold:
            continue
        if abs(line.size - size) > 0.4 or len(line.text) > 80 or not line.text[:1].isalpha():
            continue
        if CAPTION.match(line.text) or line.text.endswith((".", ",", ";")) or HEADING.match(line.text):
            continue
        if line.text.lower() in ("contents", "table of contents"):
            continue
        kind = SPECIAL.get(re.sub(r"[^a-z]", "", line.text.lower()), "body")
        found.append(Heading("", _clean_title(line.text), 1, i, 1, line.page, line.bbox, size, True, kind=kind))
    return found


def find_headings(pages: list[Page], stream: list[Line], body: float, skip_pages: set[int]) -> list[Heading]:
    chain = numbered_chain(numbered_candidates(stream, body, skip_pages), body)
    special = special_headings(stream, body, skip_pages)
    if len(chain) < 2:
        chain = styled_headings(stream, body, skip_pages)
        taken = {h.line_index for h in chain}
        chain += [s for s in special if s.line_index not in taken]
    else:
        chain += unnumbered_top(stream, body, skip_pages, chain)
        taken = {h.line_index for h in chain}
        chain += [s for s in special if s.line_index not in taken]
    chain.sort(key=lambda h: h.line_index)
    return chain
