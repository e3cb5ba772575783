"""The parse: open the PDF, read every page once, find headings, cut the text into sections."""

import pymupdf

from papers.parsing.headings import Heading, find_headings, special_headings
from papers.parsing.layout import Line, Page, body_size, extract_pages
from papers.parsing.metadata import (
    RUN_IN_ABSTRACT,
    abstract_prose,
    extract_title_authors,
    find_arxiv_id,
    run_in_abstract,
)
from papers.parsing.outline import fill_from_layout, outline_headings, outline_is_partial
from papers.parsing.regions import mark_figures, mark_footnotes, mark_furniture, toc_pages
from papers.parsing.text import compounds, join_lines
from papers.parsing.types import ParsedPaper, ParsedSection, ParseError

pymupdf.TOOLS.mupdf_display_errors(False)
pymupdf.TOOLS.mupdf_display_warnings(False)

MIN_CHARS_PER_PAGE = 20  # below this on average the PDF is scanned images without a text layer


def open_pdf(data: bytes) -> pymupdf.Document:
    if not data:
        raise ParseError("empty file")
    if b"%PDF-" not in data[:1024]:
        raise ParseError("not a PDF (no %PDF- header)")
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # PyMuPDF raises FileDataError, RuntimeError, ValueError... for broken files
        raise ParseError(f"not a readable PDF ({_reason(exc)})") from exc
    try:
        if doc.needs_pass:
            raise ParseError("encrypted PDF (password required)")
        if doc.page_count == 0:
            raise ParseError("PDF has no pages")
    except ParseError:
        doc.close()
        raise
    except Exception as exc:  # a broken page tree fails on first use, not on open
        doc.close()
        raise ParseError(f"damaged PDF ({_reason(exc)})") from exc
    return doc


def _reason(exc: Exception) -> str:
    return " ".join(str(exc).split())[:160] or exc.__class__.__name__


def _read(doc: pymupdf.Document) -> tuple[list[Page], list]:
    try:
        pages = extract_pages(doc)
        toc = doc.get_toc()
    except Exception as exc:
        raise ParseError(f"damaged PDF ({_reason(exc)})") from exc
    chars = sum(len(line.text) for page in pages for line in page.lines)
    if chars < MIN_CHARS_PER_PAGE * len(pages):
        raise ParseError("no text layer (scanned pages?); OCR it first")
    return pages, toc


def _merge_specials(headings: list[Heading], specials: list[Heading]) -> list[Heading]:
    """Outline headings plus the named ones outlines leave out (Abstract, References), in stream order."""
    taken = {h.line_index for h in headings if h.line_index >= 0}
    titles = {h.title.lower() for h in headings}
    merged = headings + [s for s in specials if s.line_index not in taken and s.title.lower() not in titles]
    return sorted(merged, key=lambda h: h.line_index)


def _mark_dividers(headings: list[Heading]) -> set[int]:
    """A bare "Appendix" heading right before the first (top-level) appendix section only divides.

    It gets no section of its own; before "A.1" with no "A" heading it stays, as the parent.

    Returns the ids of the headings that start the appendix.
    """
    appendix_starts = set()
    for k, heading in enumerate(headings):
        nxt = headings[k + 1] if k + 1 < len(headings) else None
        close = nxt is not None and nxt.line_index - heading.line_index <= 3 and nxt.level == 1
        if heading.kind == "appendix" and not heading.number and close:
            heading.divider = True
            appendix_starts.add(id(nxt))
    return appendix_starts


def _assign_kinds(headings: list[Heading], appendix_starts: set[int]) -> None:
    """abstract, references, appendix (lettered, or after an "Appendix" divider) or body; subsections inherit."""
    mode = "body"
    top = "body"
    for heading in headings:
        title = heading.title.lower()
        if id(heading) in appendix_starts:
            mode = "appendix"
        if heading.kind == "references" or (heading.level == 1 and title in ("references", "bibliography")):
            heading.kind, mode = "references", "body"
        elif heading.kind == "abstract":
            pass
        elif heading.level == 1:
            first = heading.number.split(".")[0]
            lettered = first.isalpha() or heading.kind == "appendix" or title.startswith("appendix")
            heading.kind = "appendix" if lettered or mode == "appendix" else "body"
        else:
            heading.kind = top
        if heading.level == 1:
            top = heading.kind


def _unique_numbers(headings: list[Heading]) -> None:
    """A number printed twice keeps only its first heading (numbers are the sections' URL keys)."""
    seen = set()
    for heading in headings:
        if heading.number in seen:
            heading.number = ""
        elif heading.number:
            seen.add(heading.number)


def build_sections(headings: list[Heading], stream: list[Line], skip_pages: set[int]) -> list[ParsedSection]:
    known = compounds(stream)
    sections = []
    for k, heading in enumerate(headings):
        if heading.divider:
            continue
        start = heading.line_index + heading.lines_used
        end = headings[k + 1].line_index if k + 1 < len(headings) else len(stream)
        body, notes = [], []
        for line in stream[start:end]:
            if line.page in skip_pages:
                continue
            if line.role == "body":
                body.append(line)
            elif line.role == "footnote":
                notes.append(line)
        text = join_lines(body, known)
        if heading.rest:
            text = f"{heading.rest} {text}".strip()
        # The section runs until the next heading at its level or above; its subsections are inside it.
        stop = next((h.line_index for h in headings[k + 1 :] if h.level <= heading.level), len(stream))
        last = next(
            (
                stream[i].page
                for i in range(stop - 1, start - 1, -1)
                if stream[i].role == "body" and stream[i].page not in skip_pages
            ),
            heading.page,
        )
        sections.append(
            ParsedSection(
                number=heading.number,
                title=heading.title,
                level=heading.level,
                page=heading.page + 1,
                page_end=max(last, heading.page) + 1,
                bbox=heading.bbox,
                text=text,
                footnotes=join_lines(notes, known),
                kind=heading.kind,
            )
        )
    return sections


def _place_unlocated(headings: list[Heading], stream: list[Line]) -> None:
    """Outline entries whose title is not on the page go at the top of their page."""
    first_on_page: dict[int, int] = {}
    for index, line in enumerate(stream):
        first_on_page.setdefault(line.page, index)
    for heading in headings:
        if heading.line_index < 0:
            heading.line_index = first_on_page.get(heading.page, len(stream))


def parse_document(data: bytes, *, filename: str = "", ignore_outline: bool = False) -> ParsedPaper:
    doc = open_pdf(data)
    try:
        pages, toc = _read(doc)
        body = body_size(pages)
        mark_furniture(pages)
        mark_footnotes(pages, body)
        mark_figures(pages, body)
        skip = toc_pages(pages)
        stream = [line for page in pages for line in page.lines]
        layout = find_headings(pages, stream, body, skip)
        headings, source = layout, "layout"
        if toc and not ignore_outline:
            outlined = outline_headings(toc, stream, skip)
            if not outline_is_partial(outlined, layout):
                fill_from_layout(outlined, layout)
                _place_unlocated(outlined, stream)
                headings = _merge_specials(outlined, special_headings(stream, body, skip))
                source = "outline"
        _assign_kinds(headings, _mark_dividers(headings))
        _unique_numbers(headings)
        sections = build_sections(headings, stream, skip)
        first_heading = next((h.line_index for h in headings if h.page == 0), None)
        first_page_lines = len(pages[0].lines)
        stop = first_heading if first_heading is not None and first_heading < first_page_lines else first_page_lines
        title, authors = extract_title_authors(pages[0], stop)
        abstract = abstract_prose(next((s.text for s in sections if s.kind == "abstract"), ""))
        if not abstract:
            abstract = RUN_IN_ABSTRACT.sub("", join_lines(run_in_abstract(pages)))
        arxiv_id = find_arxiv_id(doc, pages)
        return ParsedPaper(
            title=title,
            authors=authors,
            abstract=abstract,
            arxiv_id=arxiv_id,
            pages=len(pages),
            sections=sections,
            outline_source=source,
        )
    except ParseError:
        raise
    except Exception as exc:  # a PyMuPDF failure deep inside a page still becomes one clear line
        raise ParseError(f"damaged PDF or unreadable layout ({exc.__class__.__name__}: {_reason(exc)})") from exc
    finally:
        doc.close()
