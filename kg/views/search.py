"""The search page: one box, live results through htmx, ranked, matching words highlighted."""

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from kg import search as search_index
from kg.pagecache import cached_page, keep_page, page_key

KIND_CHOICES = ("concept", "note", "section", "question")
FRAGMENT_SECONDS = 600  # the index version in the key retires a fragment; this only frees memory


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    kinds = {kind} if kind in KIND_CHOICES else None
    index = search_index.current_index()
    # A signed-out reader's whole page is kept per index version (kg.pagecache): a hit renders nothing.
    key = page_key(request, "search", accepted={"q", "kind"}, versions=(index.version,))
    cached = cached_page(request, key)
    if cached is not None:
        return cached
    hits, terms, error, version = [], [], "", None
    if query:
        try:
            hits, terms = search_index.search(query, kinds=kinds, limit=40, index=index)
            version = index.version
        except search_index.QueryError as exc:
            error = str(exc)
    context = {"query": query, "kind": kind if kinds else "", "hits": hits, "terms": terms, "error": error,
               "kinds": KIND_CHOICES, "fragment_seconds": FRAGMENT_SECONDS,
               # The hits' HTML is the same for every reader of one index: rendering 40 of them
               # costs more than the search, so it is kept per index version, query and language.
               "hits_key": [version, query, kind, get_language()] if version is not None else None}
    template = "kg/search.html#results" if getattr(request, "htmx", False) else "kg/search.html"
    return keep_page(request, TemplateResponse(request, template, context, status=400 if error else 200), key)
