"""Paper and section pages."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from papers import selectors
from papers.models import Paper, Section


@require_GET
def paper_list(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "papers/paper_list.html", {"papers": selectors.papers_recent(limit=1000)})


@require_GET
def paper_detail(request: HttpRequest, slug: str) -> TemplateResponse:
    paper = get_object_or_404(Paper, slug=slug)
    sections = paper.sections.order_by("order")
    return TemplateResponse(request, "papers/paper.html", {"paper": paper, "sections": sections})


@require_GET
def section_detail(request: HttpRequest, slug: str, key: str) -> TemplateResponse:
    section = get_object_or_404(Section.objects.with_paper(), paper__slug=slug, key=key)
    return TemplateResponse(request, "papers/section.html", {"section": section, "paper": section.paper})
