"""Headings from the embedded outline, with the printed numbers the outline leaves out.

Each outline entry gives a title, a level and a page. The heading is located on that page (or the
next or previous one; never a contents page) by its title; the number printed before it (`2.1.2.`,
`B.`, `Appendix C`) is read from the same line.
"""

import re

from papers.parsing.headings import Heading
from papers.parsing.layout import Line
from papers.parsing.numbering import HEADING

WORDS = re.compile(r"[^\W_]+")


def words(text: str) -> str:
    return " ".join(WORDS.findall(text.lower()))


def _split(line: Line) -> tuple[str, str, str]:
    """A line's printed number, the words of its title, and all its words."""
    match = HEADING.match(line.text)
    everything = words(line.text)
    if match:
        return match["app"] or match["num"], words(match["title"]), everything
    return "", everything, everything


def _locate(title: str, lines: list[tuple[int, Line, tuple]], claimed: set[int]):
    """The line holding `title`: (stream index, line, number, lines the title wraps over).

    Numbered lines win over unnumbered ones (the heading over a mention in the text), then the
    first unclaimed one in reading order.
    """
    want = words(title)
    if not want:
        return None
    best = None
    for pos, (index, line, (number, body, _)) in enumerate(lines):
        if not body or body[:1] != want[:1] or index in claimed:
            continue
        used, joined = 1, body
        if body != want and not body.startswith(want):
            if not want.startswith(body) or len(body) < min(len(want), 12):
                continue
            while len(joined) < len(want) and pos + used < len(lines) and used < 3:
                joined = f"{joined} {lines[pos + used][2][2]}"
                used += 1
            if not joined.startswith(want):
                continue
        if number:
            return index, line, number, used
        if best is None:
            best = (index, line, number, used)
    return best


def outline_headings(toc: list, stream: list[Line], skip_pages: set[int]) -> list[Heading]:
    """One heading per outline entry ([level, title, page]), in document order; numbers from the page text."""
    by_page: dict[int, list[tuple[int, Line, tuple]]] = {}
    wanted = {entry[2] - 1 + shift for entry in toc for shift in (-1, 0, 1)}
    for index, line in enumerate(stream):
        if line.role == "body" and line.page in wanted and line.page not in skip_pages:
            by_page.setdefault(line.page, []).append((index, line, _split(line)))
    headings = []
    claimed: set[int] = set()
    for entry in toc:
        level, title, page_no = entry[0], " ".join(entry[1].split()), entry[2] - 1
        printed = HEADING.match(title)  # some outlines carry the number: "2.1 Naming"
        outline_number = ""
        if printed:
            outline_number, title = printed["app"] or printed["num"], printed["title"]
        found = None
        for candidate_page in (page_no, page_no + 1, page_no - 1):
            found = _locate(title, by_page.get(candidate_page, []), claimed)
            if found:
                break
        if found is None:
            headings.append(Heading(outline_number, title, level, -1, 0, max(page_no, 0), None, 0.0, False))
            continue
        index, line, number, used = found
        claimed.add(index)
        number = number or outline_number
        headings.append(Heading(number, title, level, index, used, line.page, line.bbox, line.size, line.bold))
    if headings and all(h.level == 1 for h in headings):
        for heading in headings:  # a flat outline over numbered subsections: the numbers give the depth
            if heading.number:
                heading.level = len(heading.number.split("."))
    return headings


def outline_is_partial(outline: list[Heading], layout: list[Heading]) -> bool:
    """The page layout shows clearly more numbered headings than the outline lists, and all of the outline's.

    Some PDFs bookmark only the chapters; then the layout's tree is the fuller, equally right one.
    """
    numbered = [h for h in layout if h.number]
    if len(numbered) < 1.3 * len(outline) + 2:
        return False
    seen = {(words(h.title), h.page) for h in layout}
    found = sum(1 for h in outline if any((words(h.title), h.page + d) in seen for d in (-1, 0, 1)))
    return found >= 0.9 * len(outline)


def fill_from_layout(outline: list[Heading], layout: list[Heading]) -> None:
    """An outline entry whose title is not printed as such (math, abbreviations) takes the layout's
    unclaimed numbered heading of the same level on its page."""
    claimed = {h.line_index for h in outline}
    for heading in outline:
        if heading.line_index >= 0:
            continue
        same_place = (h for h in layout if h.number and h.page == heading.page and h.level == heading.level)
        match = next((h for h in same_place if h.line_index not in claimed), None)
        if match:
            heading.number = heading.number or match.number
            heading.line_index, heading.lines_used, heading.bbox = match.line_index, match.lines_used, match.bbox
            claimed.add(match.line_index)
