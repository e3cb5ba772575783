"""The search page: one box, live results through htmx, ranked, matching words highlighted."""

from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from kg import search as search_index

KIND_CHOICES = ("concept", "note", "section", "question")


@require_GET
def search_page(request: HttpRequest) -> TemplateResponse:
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    kinds = {kind} if kind in KIND_CHOICES else None
    hits, terms, error = [], [], ""
    if query:
        try:
            hits, terms = search_index.search(query, kinds=kinds, limit=40)
        except search_index.QueryError as exc:
            error = str(exc)
    context = {"query": query, "kind": kind if kinds else "", "hits": hits, "terms": terms, "error": error,
               "kinds": KIND_CHOICES}
    template = "kg/search.html#results" if getattr(request, "htmx", False) else "kg/search.html"
    return TemplateResponse(request, template, context, status=400 if error else 200)
