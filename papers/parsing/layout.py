"""Page layout: every page extracted once into `Line`s in reading order (regions.py then sorts out page furniture).

One `page.get_text("dict")` call per page is the only PyMuPDF work; everything else is plain Python
over its spans, kept to one pass per line because the parse must stay within a few times the cost
of bare text extraction.
"""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import pymupdf

# Whitespace kept as printed; no images (we never look at them); clip to the page's media box.
TEXT_FLAGS = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP

NUMBER_TOKEN = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,4}|[A-Z](?:\.\d{1,2}){0,4})\.?$")
TITLE_START = re.compile(r"[^\W\d_]|\d+[^\W\d_]")  # "Overview", "3D Parallelism"
DOT_LEADER = re.compile(r"(?:\.\s?){4,}")


@dataclass(slots=True)
class Line:
    """One printed line: text, box, dominant style, and the spans it came from."""

    page: int  # 0-based
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    size: float  # size of the span carrying most characters
    bold: bool  # most characters bold
    spans: list = field(repr=False)  # (text, size, bold, flags) tuples
    role: str = "body"  # body, footnote, furniture, figure
    right: float = 0.0  # right edge of the text column the line sits in

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (round(self.x0, 1), round(self.y0, 1), round(self.x1, 1), round(self.y1, 1))

    def lead(self) -> tuple[str, float, int]:
        """The leading run of bold spans: its text, its largest size, how many spans it takes.

        A section number set in regular weight before a bold title belongs to the run.
        """
        parts, size, count = [], 0.0, 0
        for text, span_size, bold, _flags in self.spans:
            stripped = text.strip()
            if not bold and stripped and not (count == 0 and NUMBER_TOKEN.match(stripped)):
                break
            parts.append(text)
            size = max(size, span_size) if stripped and bold else size
            count += 1
        return normalise("".join(parts)).strip(), size, count


@dataclass(slots=True)
class Page:
    number: int  # 0-based
    width: float
    height: float
    lines: list[Line]
    two_column: bool = False


# Invisible or unprintable: soft hyphen, zero-width characters, replacement char, C0 controls (NUL breaks PostgreSQL).
INVISIBLE = dict.fromkeys([0xAD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0xFFFD, *range(0x09), *range(0x0B, 0x20)])


def normalise(text: str) -> str:
    """NFKC (ligatures, math alphanumerics, full-width forms) and no invisible characters."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.translate(INVISIBLE)


def _make_line(page_no: int, raw: dict) -> Line | None:
    spans = []
    weight: dict[float, int] = {}
    bold_chars = chars = 0
    prev_x1 = None
    for span in raw["spans"]:
        text = span["text"]
        flags = span["flags"]
        size = span["size"]
        font = span["font"]
        bold = bool(flags & 16) or "Bold" in font or "Semibold" in font
        sx0, _, sx1, _ = span["bbox"]
        # Spans set apart without a space character ("F" in math, then "denotes") still read as two words.
        if prev_x1 is not None and sx0 - prev_x1 > 0.2 * size and text[:1] != " " and spans[-1][0][-1:] != " ":
            spans.append((" ", size, bold, flags))
        prev_x1 = sx1
        spans.append((text, size, bold, flags))
        stripped = len(text) - text.count(" ")
        if stripped:
            chars += stripped
            weight[size] = weight.get(size, 0) + stripped
            if bold:
                bold_chars += stripped
    if not chars:
        return None
    x0, y0, x1, y1 = raw["bbox"]
    text = normalise("".join(s[0] for s in spans)).strip()
    size = round(max(weight, key=weight.__getitem__), 1)
    return Line(page_no, x0, y0, x1, y1, text, size, bold_chars * 2 > chars, spans)


def _merge_rows(lines: list[Line]) -> list[Line]:
    """Join fragments printed on one row: a section number set apart from its title, split words."""
    lines.sort(key=lambda line: (round((line.y0 + line.y1) / 2), line.x0))
    merged: list[Line] = []
    for line in lines:
        if merged:
            prev = merged[-1]
            overlap = min(prev.y1, line.y1) - max(prev.y0, line.y0)
            gap = line.x0 - prev.x1
            same_row = overlap > 0.6 * min(prev.y1 - prev.y0, line.y1 - line.y0)
            number_gap = NUMBER_TOKEN.match(prev.text) and gap < 2.5 * prev.size and TITLE_START.match(line.text)
            run_in = prev.bold and prev.text.endswith((".", ":")) and gap < 1.3 * prev.size  # "Lead." + quad
            marker = len(line.text) <= 3 and line.size < 0.8 * prev.size and gap < 1.5 * prev.size  # "Title¹"
            if same_row and gap >= -1 and (gap < 0.8 * prev.size or number_gap or run_in or marker):
                joiner = "" if gap < 0.1 * prev.size else " "
                if len(line.text) > len(prev.text):  # the longer part sets the line's style
                    prev.size, prev.bold = line.size, line.bold
                prev.text = f"{prev.text}{joiner}{line.text}"
                prev.spans = prev.spans + ([(" ", prev.size, prev.bold, 0)] if joiner else []) + line.spans
                prev.x1, prev.y0, prev.y1 = line.x1, min(prev.y0, line.y0), max(prev.y1, line.y1)
                continue
        merged.append(line)
    return merged


def _set_right_edges(lines: list[Line]) -> None:
    """Justified lines end at the column's right margin: the most common right edge."""
    if not lines:
        return
    long_lines = [ln for ln in lines if len(ln.text) > 30]
    edges = Counter(round(ln.x1) for ln in long_lines)
    if edges and edges.most_common(1)[0][1] >= 0.3 * len(long_lines):
        edge = float(edges.most_common(1)[0][0])
    else:  # ragged right: the longest line shows the margin
        edge = max(ln.x1 for ln in long_lines or lines)
    for line in lines:
        line.right = edge


def _reading_order(page: Page) -> None:
    """Sort lines top to bottom, and on two-column pages left column before right within each band."""
    lines, mid = page.lines, page.width / 2
    left = [ln for ln in lines if ln.x1 <= mid + 4]
    right = [ln for ln in lines if ln.x0 >= mid - 4]
    total = sum(len(ln.text) for ln in lines) or 1
    right_chars = sum(len(ln.text) for ln in right)
    left_chars = sum(len(ln.text) for ln in left)
    if right_chars > 0.2 * total and left_chars > 0.2 * total and len(right) >= 8:
        starts = Counter(round(ln.x0 / 3) for ln in right)
        page.two_column = starts.most_common(1)[0][1] >= 0.4 * len(right)
    if not page.two_column:
        lines.sort(key=lambda ln: (round(ln.y0), ln.x0))
        _set_right_edges(lines)
        return
    _set_right_edges(left)
    _set_right_edges(right)
    ordered: list[Line] = []
    band_left: list[Line] = []
    band_right: list[Line] = []
    for line in sorted(lines, key=lambda ln: (ln.y0, ln.x0)):
        if line.x1 <= mid + 4:
            band_left.append(line)
        elif line.x0 >= mid - 4:
            band_right.append(line)
        else:  # spans both columns: closes the band above it
            ordered += band_left + band_right + [line]
            band_left, band_right = [], []
    page.lines = ordered + band_left + band_right


def extract_pages(doc: pymupdf.Document) -> list[Page]:
    pages = []
    for page in doc:
        lines = []
        for block in page.get_text("dict", flags=TEXT_FLAGS)["blocks"]:
            for raw in block.get("lines", ()):
                if raw["dir"][1] != 0:  # rotated margin stamps (arXiv id) are read separately
                    continue
                line = _make_line(page.number, raw)
                if line is not None:
                    lines.append(line)
        rect = page.rect
        result = Page(page.number, rect.width, rect.height, _merge_rows(lines))
        _reading_order(result)
        pages.append(result)
    return pages


def body_size(pages: list[Page]) -> float:
    """The font size carrying most characters: the body text size."""
    weight: Counter = Counter()
    for page in pages:
        for line in page.lines:
            weight[round(line.size * 2) / 2] += len(line.text)
    return weight.most_common(1)[0][0] if weight else 10.0
