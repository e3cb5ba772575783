"""PDF parsing: bytes in, a plain `ParsedPaper` out. Touches no database."""

from papers.parsing.types import ParsedPaper, ParsedSection, ParseError

__all__ = ["ParseError", "ParsedPaper", "ParsedSection", "parse_pdf"]

PARSER_VERSION = "2"  # bump when the parse of the same bytes changes materially


def parse_pdf(data: bytes, *, filename: str = "", ignore_outline: bool = False) -> ParsedPaper:
    """Parse a PDF's bytes into metadata and a numbered section tree.

    Raises ParseError with a one-line reason for anything that is not a usable PDF.
    """
    from papers.parsing.document import parse_document

    return parse_document(data, filename=filename, ignore_outline=ignore_outline)
