"""Where sentences sit on a PDF page, as boxes for the highlighted page images.

MuPDF runs on the user's file in the same forked child with limits as parsing and
rendering; the answer is cached by file hash, page and sentences, so it never goes stale.
"""

import hashlib
import json
import re

from django.conf import settings
from django.core.cache import cache

from papers.isolation import MB, run_isolated
from papers.models import Paper
from papers.parsing.types import ParseError

WINDOW = 6  # words searched at a time: lines break and hyphenate sentences on the page
MAX_BOXES = 19  # the renderer takes 20; one is the heading


def sentence_boxes(*, paper: Paper, page: int, sentences: list[str]) -> list[tuple[float, float, float, float]]:
    """Boxes (PDF points) covering `sentences` where they appear on `page`; [] when not found or not stored."""
    sentences = [" ".join(s.split())[:400] for s in sentences if s and s.strip()]
    if not sentences or not paper.file or not 1 <= page <= paper.page_count:
        return []
    key = "hl:" + hashlib.sha256(json.dumps([paper.sha256, page, sentences]).encode()).hexdigest()
    found = cache.get(key)
    if found is not None:
        return found
    try:
        path = paper.file.path
    except (NotImplementedError, ValueError):
        return []

    def work() -> bytes:
        import pymupdf

        boxes = []
        with pymupdf.open(path) as doc:
            pdf_page = doc[page - 1]
            for sentence in sentences:
                words = re.findall(r"\S+", sentence.strip(".… "))
                # Overlapping windows, so a phrase broken by a line end is still caught by its neighbour.
                for start in range(0, max(len(words) - WINDOW // 2, 1), WINDOW // 2):
                    chunk = " ".join(words[start:start + WINDOW])
                    if len(chunk) < 12:
                        continue
                    for rect in pdf_page.search_for(chunk)[:2]:
                        box = [round(rect.x0, 1), round(rect.y0, 1), round(rect.x1, 1), round(rect.y1, 1)]
                        if box not in boxes:
                            boxes.append(box)
        return json.dumps(boxes[:MAX_BOXES]).encode()

    try:
        found = [tuple(b) for b in json.loads(run_isolated(work, timeout=settings.PDF_PARSE_TIMEOUT,
                                                           memory_bytes=512 * MB, what="highlighting"))]
    except (ParseError, ValueError):
        found = []
    cache.set(key, found, None)
    return found
