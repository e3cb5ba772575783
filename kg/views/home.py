"""The home page: search, chapters and their concepts, recent papers and notes."""

from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from kg import selectors
from papers import selectors as paper_selectors


@require_GET
def home(request: HttpRequest) -> TemplateResponse:
    context = {
        "chapters": selectors.chapters_with_concepts(),
        "recent_papers": paper_selectors.papers_recent(limit=6),
        "recent_notes": selectors.notes_recent(limit=6),
    }
    return TemplateResponse(request, "kg/home.html", context)
