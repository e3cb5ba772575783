"""The home page: search, chapters and their concepts, the most important concepts, recent papers and notes."""

from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from kg import selectors
from kg.graph import analysis, current_graph
from kg.models import Question
from papers import selectors as paper_selectors

TOP_CONCEPTS = 12


@require_GET
def home(request: HttpRequest) -> TemplateResponse:
    rank = analysis.importance()
    top = sorted(rank, key=lambda n: (-rank[n], n))[:TOP_CONCEPTS]
    g = current_graph()
    kinds = {}
    for _, kind in g.nodes(data="kind"):
        kinds[kind] = kinds.get(kind, 0) + 1
    context = {
        "chapters": selectors.chapters_with_concepts(),
        "top_concepts": selectors.concepts_by_slugs([n.split(":", 1)[1] for n in top]),
        "recent_papers": paper_selectors.papers_recent(limit=6),
        "recent_notes": selectors.notes_recent(limit=6),
        "counts": kinds,
        "question_count": Question.objects.count(),
    }
    return TemplateResponse(request, "kg/home.html", context)
