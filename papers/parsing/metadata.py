"""Title, authors and arXiv id as printed on the first page (these reports carry no PDF metadata)."""

import re

import pymupdf

from papers.parsing.layout import Line, Page

ARXIV = re.compile(r"arXiv\s*:\s*(\d{4}\.\d{4,5})(?:v\d+)?", re.IGNORECASE)
EMAIL_OR_URL = re.compile(r"@|https?://|www\.", re.IGNORECASE)
AFFILIATION = re.compile(
    r"\b(?:University|Institute|Laborator(?:y|ies)|Department|School|College|Inc\.|Ltd|Corporation|Academy)\b"
)
MARKERS = re.compile(r"[\d*†‡§¶♠♣♡♢]+$")
SPLIT_AUTHORS = re.compile(r"\s*(?:,|;|\band\b|&)\s*")


def title_lines(first: Page, stop: int) -> list[Line]:
    """The largest text above the first heading: the title, possibly wrapped."""
    top = [line for line in first.lines[:stop] if line.role == "body" and len(line.text) > 2]
    if not top:
        return []
    biggest = max(line.size for line in top)
    start = next(i for i, line in enumerate(top) if line.size >= biggest - 0.3)
    lines = [top[start]]
    for line in top[start + 1 :]:
        if line.size < biggest - 0.8 or line.y0 - lines[-1].y1 > line.size:
            break
        lines.append(line)
    return lines


def extract_title_authors(first: Page, stop: int) -> tuple[str, list[str]]:
    titles = title_lines(first, stop)
    if not titles:
        return "", []
    title = " ".join(line.text for line in titles)
    title = re.sub(r"\s+", " ", title).strip()
    after = [line for line in first.lines[:stop] if line.y0 >= titles[-1].y1 - 1 and line.role == "body"]
    authors: list[str] = []
    for line in after:
        words = line.text.split()
        if len(authors) > 200 or len(line.text) > 300 or (len(words) >= 12 and line.text.count(",") < 3):
            break  # running text: the author block is over
        if EMAIL_OR_URL.search(line.text) or AFFILIATION.search(line.text):
            continue
        if line.text.lower().startswith(("abstract", "correspond", "equal contribution")):
            break
        for name in SPLIT_AUTHORS.split(line.text):
            name = MARKERS.sub("", name).strip(" ,*")
            plausible = any(ch.isalpha() for ch in name) and not any(ch.isdigit() for ch in name)
            if name and plausible and len(name.split()) <= 5:
                authors.append(name)
    return title, authors


CAPTION_START = re.compile(r"^(?:Figure|Fig\.|Table)\s*\d", re.IGNORECASE)
RUN_IN_ABSTRACT = re.compile(r"^abstract\s*[.:\u2014\u2013-]\s*", re.IGNORECASE)


def run_in_abstract(pages: list[Page]) -> list[Line]:
    """An abstract set as a paragraph that starts "Abstract." or "Abstract—" (no heading of its own)."""
    for page in pages[:2]:
        lines = page.lines
        for i, line in enumerate(lines):
            if RUN_IN_ABSTRACT.match(line.text) and len(line.text) > 20:
                block = [line]
                for nxt in lines[i + 1 :]:
                    if nxt.y0 - block[-1].y1 > 0.6 * (nxt.y1 - nxt.y0) or abs(nxt.size - line.size) > 0.5:
                        break
                    block.append(nxt)
                return block
    return []


def abstract_prose(text: str) -> str:
    """The abstract's own paragraphs: the prose before the first caption or figure label."""
    kept = []
    for paragraph in text.split("\n\n"):
        letters = sum(ch.isalpha() for ch in paragraph)
        prose = len(paragraph) >= 60 and letters > 0.6 * len(paragraph) and paragraph.rstrip().endswith((".", "!", "?"))
        if CAPTION_START.match(paragraph) or (kept and not prose):
            break  # a caption, or the labels of a figure drawn right after the abstract
        kept.append(paragraph)
    return "\n\n".join(kept).strip()


def find_arxiv_id(doc: pymupdf.Document, pages: list[Page]) -> str:
    """An arXiv id printed on the first page, including the rotated stamp in the margin."""
    if not len(doc):
        return ""
    match = ARXIV.search(doc[0].get_text("text"))
    if match is None and pages:
        match = next((m for line in pages[0].lines if (m := ARXIV.search(line.text))), None)
    return match.group(1) if match else ""
