"""Page images: a PDF page rendered server-side with highlight rectangles, cached on disk.

Rendering runs MuPDF on a user's file, so it goes through the same forked child with
limits as parsing. The cache key holds the file's SHA-256, the page, the zoom and the
highlights, so an entry never goes stale and needs no invalidation.
"""

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings

from papers.isolation import MB, run_isolated
from papers.models import Paper

Box = tuple[float, float, float, float]
DEFAULT_ZOOM = 1.5
MIN_ZOOM, MAX_ZOOM = 0.5, 3.0
MAX_HIGHLIGHTS = 200  # evidence sentences come as one box per line
HIGHLIGHT = (1.0, 0.84, 0.0)  # amber, drawn under the text with partial opacity


class PageError(Exception):
    """The page cannot be rendered; the message says why in one line."""


def page_png(*, paper: Paper, page: int, highlights: list[Box] = (), zoom: float = DEFAULT_ZOOM) -> bytes:
    """PNG of `page` (1-based) of `paper` with `highlights` (PDF points) drawn; raises PageError."""
    if not 1 <= page <= paper.page_count:
        raise PageError(f"page {page} is outside 1-{paper.page_count}")
    zoom = min(max(float(zoom), MIN_ZOOM), MAX_ZOOM)
    boxes = [tuple(round(float(v), 1) for v in box) for box in list(highlights)[:MAX_HIGHLIGHTS]]
    cached = _cache_path(paper.sha256, page, boxes, zoom)
    if cached.exists():
        return cached.read_bytes()
    if not paper.file:
        raise PageError("the paper's PDF file is not stored")
    try:
        path = paper.file.path
    except (NotImplementedError, ValueError):
        raise PageError("the paper's PDF file is not on local storage") from None
    if not os.path.exists(path):
        raise PageError("the paper's PDF file is missing")

    def work() -> bytes:
        import pymupdf

        with pymupdf.open(path) as doc:
            pdf_page = doc[page - 1]
            for box in boxes:
                rect = pymupdf.Rect(box) & pdf_page.rect
                if not rect.is_empty:
                    pdf_page.draw_rect(rect, color=None, fill=HIGHLIGHT, fill_opacity=0.35, overlay=True)
            return pdf_page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False).tobytes("png")

    from papers.parsing.types import ParseError

    try:
        png = run_isolated(work, timeout=settings.PDF_PARSE_TIMEOUT, memory_bytes=512 * MB, what="rendering")
    except ParseError as exc:
        raise PageError(str(exc).replace("parser", "renderer")) from None
    _write_atomically(cached, png)
    return png


def parse_highlights(value: str) -> list[Box]:
    """`x0,y0,x1,y1;x0,y0,x1,y1` -> boxes; raises ValueError on anything else."""
    boxes = []
    for part in filter(None, value.split(";")):
        numbers = [float(n) for n in part.split(",")]
        if len(numbers) != 4 or not all(-1e5 < n < 1e5 for n in numbers):
            raise ValueError(f"a highlight is four numbers x0,y0,x1,y1, not {part[:40]!r}")
        boxes.append(tuple(numbers))
    if len(boxes) > MAX_HIGHLIGHTS:
        raise ValueError(f"at most {MAX_HIGHLIGHTS} highlights")
    return boxes


def _cache_path(sha256: str, page: int, boxes: list, zoom: float) -> Path:
    key = hashlib.sha256(repr((sha256, page, boxes, zoom)).encode()).hexdigest()
    return Path(settings.MEDIA_ROOT) / "page-cache" / sha256[:2] / f"{key}.png"


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, path)
