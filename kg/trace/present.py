"""Results made ready for a page: links to the section (its evidence highlighted there),
the note, and the highlighted PDF page.

Highlight boxes come from `papers.highlights.sentence_boxes` (MuPDF in the isolated child,
cached), so nothing about page geometry is stored with the trace.
"""

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

BOXED_RESULTS = 5  # boxes for the first few sections; the rest link the plain page


def present(results: list[dict], *, boxes: bool = True) -> list[dict]:
    from papers.highlights import sentence_boxes
    from papers.models import Paper

    slugs = {r["paper"]["slug"] for r in results if r["kind"] == "section"}
    papers = {p.slug: p for p in Paper.objects.filter(slug__in=slugs)} if boxes else {}
    out, boxed = [], 0
    for result in results:
        item = dict(result)
        if result["kind"] == "section":
            slug, section, evidence = result["paper"]["slug"], result["section"], result["evidence"]
            # The section page highlights the sentences given as ?s= on its rendered pages.
            item["url"] = reverse("section", kwargs={"slug": slug, "key": section["key"]})
            if evidence:
                item["url"] += "?" + urlencode([("s", e["text"][:400]) for e in evidence[:3]])
            page = (evidence[0].get("page") if evidence else None) or section["page"]
            rects = []
            if evidence and slug in papers and boxed < BOXED_RESULTS:
                boxed += 1
                rects = sentence_boxes(paper=papers[slug], page=page,
                                       sentences=[e["text"] for e in evidence if e.get("page") == page])
            item["page"] = page
            item["page_url"] = page_image_url(slug, page, rects)
        else:
            item["url"] = _reverse("note", {"slug": result["note"]["slug"]})
        out.append(item)
    return out


def page_image_url(slug: str, page: int, rects) -> str | None:
    url = _reverse("paper_page_image", {"slug": slug, "page": page})
    if url and rects:
        url += "?hl=" + ";".join(",".join(f"{v:.1f}" for v in rect) for rect in rects)
    return url


def _reverse(name: str, kwargs: dict) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None
