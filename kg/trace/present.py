"""Results made ready for a page: links to the section, the note and the highlighted PDF page.

Highlight boxes are found at render time by searching the evidence sentence on its PDF
page (PyMuPDF `search_for`), so nothing about page geometry has to be stored.
"""

import logging
import re

from django.urls import NoReverseMatch, reverse

log = logging.getLogger(__name__)
_WORDS = re.compile(r"\S+")
NEEDLE_WORDS = 7


def present(results: list[dict], *, boxes: bool = True) -> list[dict]:
    from papers.models import Paper

    files = {}
    if boxes:
        slugs = {r["paper"]["slug"] for r in results if r["kind"] == "section"}
        files = {p.slug: p.file for p in Paper.objects.filter(slug__in=slugs).only("slug", "file")}
    out = []
    for result in results:
        item = dict(result)
        if result["kind"] == "section":
            slug, section = result["paper"]["slug"], result["section"]
            item["url"] = reverse("section", kwargs={"slug": slug, "key": section["key"]})
            evidence = result["evidence"][0] if result["evidence"] else None
            page = (evidence or {}).get("page") or section["page"]
            rects = _boxes(files.get(slug), page, evidence["text"]) if evidence and boxes else []
            item["page_url"] = page_image_url(slug, page, rects)
            item["page"] = page
        else:
            item["url"] = _reverse("note", {"slug": result["note"]["slug"]})
        out.append(item)
    return out


def page_image_url(slug: str, page: int, rects: list[tuple[float, float, float, float]]) -> str | None:
    url = _reverse("paper_page_image", {"slug": slug, "page": page})
    if url and rects:
        url += "?hl=" + ";".join(",".join(f"{v:.1f}" for v in rect) for rect in rects)
    return url


def _reverse(name: str, kwargs: dict) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def _boxes(file, page: int, sentence: str) -> list[tuple[float, float, float, float]]:
    """Rectangles of the sentence's opening words on the page, or none when not found."""
    if not file or not page:
        return []
    words = _WORDS.findall(sentence.replace("…", ""))[:NEEDLE_WORDS]
    if len(words) < 2:
        return []
    try:
        import pymupdf

        with file.open("rb") as handle, pymupdf.open(stream=handle.read(), filetype="pdf") as doc:
            if not 1 <= page <= doc.page_count:
                return []
            rects = doc[page - 1].search_for(" ".join(words))
            return [(r.x0, r.y0, r.x1, r.y1) for r in rects[:4]]
    except Exception as exc:  # a missing or unreadable file costs the highlight, not the page
        log.info("no highlight for %s p.%s: %s", getattr(file, "name", file), page, exc)
        return []
