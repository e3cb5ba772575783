"""Page regions that are not body text: running heads and page numbers, footnotes, figure labels, contents pages."""

import re
from collections import Counter

from papers.parsing.layout import DOT_LEADER, Line, Page

DIGITS = re.compile(r"\d+")
ROMAN_OR_INT = re.compile(r"^(?:\d{1,4}|[ivxlc]{1,6})$", re.IGNORECASE)
TOC_ENTRY = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*|[A-Z](?:\.\d{1,2})*)\.?\s+[^\W\d_][^\d]*\s\d{1,3}$")


def _furniture_key(text: str) -> str:
    return DIGITS.sub("#", text.lower()).strip()


def mark_furniture(pages: list[Page]) -> None:
    """Running headers, footers and page numbers: text in the top or bottom margin repeated across pages."""
    margin_lines = []
    counts: Counter = Counter()
    for page in pages:
        top, bottom = page.height * 0.08, page.height * 0.92
        seen = set()
        for line in page.lines:
            if line.y1 <= top or line.y0 >= bottom:
                margin_lines.append(line)
                key = _furniture_key(line.text)
                if key not in seen:
                    seen.add(key)
                    counts[key] += 1
    threshold = max(2, len(pages) // 4)
    for line in margin_lines:
        if ROMAN_OR_INT.match(line.text) or counts[_furniture_key(line.text)] >= threshold:
            line.role = "furniture"
    for page in pages:
        _mark_line_numbers(page)
    for page in pages:
        page.lines = [line for line in page.lines if line.role != "furniture"]


def _mark_line_numbers(page: Page) -> None:
    """Line numbers of a review copy: bare integers outside the text block's left or right edge."""
    long_lines = [line for line in page.lines if len(line.text) > 40]
    if len(long_lines) < 5:
        return
    left = min(line.x0 for line in long_lines)
    right = max(line.x1 for line in long_lines)
    numbers = [line for line in page.lines if line.text.isdigit() and (line.x1 < left - 2 or line.x0 > right + 2)]
    if len(numbers) >= 5:
        for line in numbers:
            line.role = "furniture"


def _footnote_start(line: Line, body: float) -> bool:
    """A small marker (1, *, †) followed by footnote-sized text, not a row of tiny figure labels."""
    spans = [s for s in line.spans if s[0].strip()]
    if len(spans) < 2 or line.size < body * 0.75:
        return False
    marker, text = spans[0], spans[1]
    mark = marker[0].strip()
    return (
        marker[1] < body * 0.8
        and (mark.isdigit() and len(mark) <= 2 or mark[:1] in "*†‡§¶")
        and text[1] >= body * 0.75
        and any(ch.isalpha() for ch in text[0])
    )


def mark_footnotes(pages: list[Page], body: float) -> None:
    """Footnotes: the small-print block at a column's foot that starts with a marker (1, *, †)."""
    for page in pages:
        if page.two_column:
            mid = page.width / 2
            columns = [[ln for ln in page.lines if ln.x1 <= mid + 4], [ln for ln in page.lines if ln.x0 >= mid - 4]]
        else:
            columns = [page.lines]
        for column in columns:
            lines = sorted(column, key=lambda ln: ln.y0)
            start = None
            for i in range(len(lines) - 1, -1, -1):
                line = lines[i]
                if line.y0 < page.height * 0.55 or line.size > body * 0.95:
                    break
                if _footnote_start(line, body):
                    start = i
            if start is not None:
                for line in lines[start:]:
                    line.role = "footnote"


def mark_figures(pages: list[Page], body: float) -> None:
    """Text drawn inside figures (axis ticks, legends) is much smaller than body text; keep it out."""
    for page in pages:
        for line in page.lines:
            if line.role == "body" and line.size < body * 0.72:
                line.role = "figure"


def toc_pages(pages: list[Page]) -> set[int]:
    """Pages of a printed table of contents: dot leaders or right-aligned page numbers on many rows."""
    found: set[int] = set()
    front = max(3, len(pages) // 5)  # a contents list sits at the front; dot leaders at the back are an index
    for page in pages:
        if page.number >= front and page.number - 1 not in found:
            break
        leaders = sum(1 for line in page.lines if DOT_LEADER.search(line.text))
        entries = sum(1 for line in page.lines if TOC_ENTRY.match(line.text))  # "2.1 Data 7"
        # Page numbers set apart at the right margin; tables have such columns too, so only with a title.
        margin_numbers = sum(1 for line in page.lines if line.x0 > page.width * 0.7 and line.text.isdigit())
        titled = any(line.text.strip().lower() in ("contents", "table of contents") for line in page.lines[:5])
        continued = page.number - 1 in found
        if (
            leaders >= 5
            or entries >= 8
            or (titled and (leaders or entries >= 3 or margin_numbers >= 3))
            or (continued and (leaders >= 3 or entries >= 5))
        ):
            found.add(page.number)
    return found
