"""Paper and section pages (uploads live in their own module)."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from papers import selectors
from papers.highlights import sentence_boxes
from papers.models import Paper, Section

PAPERS_PER_PAGE = 50


def page_image_url(section: Section, page: int, sentences: list[str]) -> str:
    """The rendered page with the section heading and `sentences` highlighted ("" if not routed)."""
    try:
        url = reverse("paper_page_image", kwargs={"slug": section.paper.slug, "page": page})
    except NoReverseMatch:
        return ""
    boxes = list(sentence_boxes(paper=section.paper, page=page, sentences=sentences))
    if page == section.heading_page and len(section.heading_bbox or []) == 4:
        boxes.insert(0, section.heading_bbox)
    if not boxes:
        return url
    return url + "?hl=" + ";".join(",".join(f"{v:.1f}" for v in box) for box in boxes[:20])


@require_GET
def paper_list(request: HttpRequest) -> TemplateResponse:
    papers = Paper.objects.with_section_counts().order_by("-ingested_at", "id")
    page = Paginator(papers, PAPERS_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "papers/paper_list.html", {"papers": page.object_list, "page": page})


@require_GET
def paper_detail(request: HttpRequest, slug: str) -> TemplateResponse:
    paper = Paper.objects.with_section_counts().filter(slug=slug).first()
    if paper is None:
        raise Http404("no such paper")
    sections = selectors.paper_sections(paper)
    concepts, cells, peak = selectors.paper_heatmap(paper)
    heat_rows = [
        {"section": s, "cells": [cells.get(s.id, {}).get(c["slug"], 0) for c in concepts]}
        for s in sections if s.id in cells
    ]
    context = {"paper": paper, "sections": sections, "heat_concepts": concepts, "heat_rows": heat_rows,
               "heat_peak": peak}
    return TemplateResponse(request, "papers/paper.html", context)


@require_GET
def section_detail(request: HttpRequest, slug: str, key: str) -> TemplateResponse:
    section = Section.objects.select_related("paper", "parent").filter(paper__slug=slug, key=key).first()
    if section is None:
        raise Http404("no such section")
    mentions = selectors.section_mentions(section)
    concepts = [m.concept for m in mentions]
    defined = [m.concept.id for m in mentions if m.defines]
    pages = list(range(section.page_start, min(section.page_end, section.page_start + 3) + 1))
    # Highlight the sentences that define its concepts, and any passed in (?s=..., e.g. trace evidence).
    sentences = [m.context for m in mentions if m.defines and m.context]
    sentences += [s[:400] for s in request.GET.getlist("s")[:3]]
    context = {
        "section": section, "paper": section.paper, "mentions": mentions, "concepts": concepts,
        "questions": selectors.section_questions(section, defined),
        "page_images": [(page, page_image_url(section, page, sentences)) for page in pages],
        **selectors.section_neighbours(section),
    }
    return TemplateResponse(request, "papers/section.html", context)
