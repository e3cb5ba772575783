"""PDF parsing: bytes in, a plain `ParsedPaper` out. Touches no database.

The pipeline (one module each):
- layout.py: every page read once (`get_text("dict")`) into lines in reading order, one or two columns;
- regions.py: running heads, page numbers, footnotes, figure labels and contents pages set apart;
- headings.py + numbering.py: headings from the layout (number patterns, styles per depth, a numbering
  chain) or, by default when the PDF has one, outline.py: the embedded outline with the printed numbers
  recovered from the page text;
- document.py: sections cut from the line stream (kinds, page ranges, heading boxes), text.py: paragraphs
  and hyphenation, metadata.py: title, authors, abstract, arXiv id.

ParseError messages are one line, the reason only (callers add the file name).
"""

from papers.parsing.types import ParsedPaper, ParsedSection, ParseError

__all__ = ["ParseError", "ParsedPaper", "ParsedSection", "parse_pdf"]

PARSER_VERSION = "2"  # bump when the parse of the same bytes changes materially


def parse_pdf(data: bytes, *, filename: str = "", ignore_outline: bool = False) -> ParsedPaper:
    """Parse a PDF's bytes into metadata and a numbered section tree.

    Raises ParseError with a one-line reason for anything that is not a usable PDF.
    """
    from papers.parsing.document import parse_document

    return parse_document(data, filename=filename, ignore_outline=ignore_outline)
