"""Headings from the embedded outline, with the printed numbers the outline leaves out.

Each outline entry gives a title, a level and a page (and usually a target point). The heading is
located on that page by its title; the number printed before it (`2.1.2.`, `B.`, `Appendix C`) is
read from the same line.
"""

import re

import pymupdf

from papers.parsing.headings import HEADING, Heading
from papers.parsing.layout import Line

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


def _locate(title: str, lines: list[tuple[int, Line, tuple]], target_y: float | None):
    """The line holding `title`: (stream index, line, number, lines the title wraps over)."""
    want = words(title)
    if not want:
        return None
    best = None
    for pos, (index, line, (number, body, _)) in enumerate(lines):
        if not body or body[:1] != want[:1]:
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
        distance = abs(line.y0 - target_y) if target_y is not None else 0.0
        rank = (0 if number else 1, distance)
        if best is None or rank < best[0]:
            best = (rank, (index, line, number, used))
    return best[1] if best else None


def outline_headings(doc: pymupdf.Document, toc: list, stream: list[Line]) -> list[Heading]:
    """One heading per outline entry, in document order; numbers recovered from the page text."""
    by_page: dict[int, list[tuple[int, Line, tuple]]] = {}
    wanted = {entry[2] - 1 + shift for entry in toc for shift in (-1, 0, 1)}
    for index, line in enumerate(stream):
        if line.role == "body" and line.page in wanted:
            by_page.setdefault(line.page, []).append((index, line, _split(line)))
    headings = []
    for entry in toc:
        level, title, page_no = entry[0], " ".join(entry[1].split()), entry[2] - 1
        printed = HEADING.match(title)  # some outlines carry the number: "2.1 Naming"
        outline_number = ""
        if printed:
            outline_number, title = printed["app"] or printed["num"], printed["title"]
        dest = entry[3] if len(entry) > 3 else {}
        target_y = None
        point = dest.get("to") if isinstance(dest, dict) else None
        if point is not None and 0 <= page_no < len(doc):
            target_y = doc[page_no].rect.height - point.y
        found = None
        for candidate_page in (page_no, page_no + 1, page_no - 1):
            found = _locate(title, by_page.get(candidate_page, []), target_y if candidate_page == page_no else None)
            if found:
                break
        if found is None:
            headings.append(Heading(outline_number, title, level, -1, 0, max(page_no, 0), None, 0.0, False))
            continue
        index, line, number, used = found
        number = number or outline_number
        headings.append(Heading(number, title, level, index, used, line.page, line.bbox, line.size, line.bold))
    return headings
