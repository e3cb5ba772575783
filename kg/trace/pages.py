"""Which PDF page a sentence is on: the section text keeps no page breaks, so look it up.

Page texts are read once per paper file (MuPDF in the isolated child, like every other
touch of a user's PDF) and kept per process by the file's hash; a sentence's page is the
page of its section range whose text holds its opening words.
"""

import json
import logging
import re

log = logging.getLogger(__name__)
_NOT_WORD = re.compile(r"[\W_]+")
_texts: dict[str, list[str]] = {}
KEY_CHARS = 40


def fold(text: str) -> str:
    return _NOT_WORD.sub("", text.casefold())


def page_texts(paper) -> list[str]:
    """Folded text of every page of the paper's stored file; [] when there is none."""
    if paper.sha256 in _texts:
        return _texts[paper.sha256]
    found: list[str] = []
    try:
        path = paper.file.path if paper.file else ""
    except (NotImplementedError, ValueError):
        path = ""
    if path:
        from django.conf import settings

        from papers.isolation import MB, run_isolated
        from papers.parsing.types import ParseError

        def work() -> bytes:
            import pymupdf

            with pymupdf.open(path) as doc:
                return json.dumps([fold(page.get_text()) for page in doc]).encode()

        try:
            found = json.loads(run_isolated(work, timeout=settings.PDF_PARSE_TIMEOUT, memory_bytes=512 * MB,
                                            what="reading pages"))
        except (ParseError, ValueError, OSError) as exc:
            log.info("no page texts for %s: %s", paper.filename, exc)
    _texts[paper.sha256] = found
    return found


def locate(texts: list[str], sentence: str, first: int, last: int) -> int | None:
    """The 1-based page in first..last (then one page either side) holding the sentence's
    opening words, or None."""
    key = fold(sentence.replace("…", ""))[:KEY_CHARS]
    if len(key) < 12 or not texts:
        return None
    for page in [*range(first, last + 1), first - 1, last + 1]:
        if 1 <= page <= len(texts) and key in texts[page - 1]:
            return page
    return None
