"""The read-only JSON API: concepts, graph neighbourhoods, typed paths and search.

Bad parameters get a 4xx with {"error": "..."}; nothing here returns a traceback.
"""

import json
import threading
from collections import OrderedDict

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from kg import search as search_index
from kg import selectors
from kg.graph import analysis, current_graph
from kg.models import Concept
from kg.views.params import BadParameter, parse_center, parse_depth, parse_kinds

API_OTHER_SECTIONS = 50
NEIGHBOURHOODS_CACHED = 256  # serialised graph neighbourhoods kept per process, most recent first

_neighbourhoods: OrderedDict[tuple, bytes] = OrderedDict()
_neighbourhoods_lock = threading.Lock()


def error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def graph_payload(sub) -> dict:
    """Nodes and edges as the API documents them; concepts carry community and importance."""
    communities, rank = analysis.communities(), analysis.importance()
    nodes = []
    for node, data in sub.nodes(data=True):
        item = {"id": node, **{k: v for k, v in data.items() if v not in (None, "")}}
        if data["kind"] == "concept":
            item["community"] = communities.get(node, -1)
            item["importance"] = round(rank.get(node, 0.0), 6)
        nodes.append(item)
    edges = [{"source": u, "target": v, "type": d["type"], "weight": d.get("weight", 1.0)}
             for u, v, d in sub.edges(data=True)]
    return {"nodes": nodes, "edges": edges}


@require_GET
def concept_detail(request: HttpRequest, slug: str) -> JsonResponse:
    try:
        concept = selectors.concept_for_page(slug)
    except Concept.DoesNotExist:
        return error(f"unknown concept: {slug[:80]}", 404)
    relations = [{"type": r.type, "target": r.target.slug, "direction": "out"} for r in concept.outgoing.all()]
    relations += [{"type": r.type, "target": r.source.slug, "direction": "in"} for r in concept.incoming.all()]
    sections = [
        {"paper": {"title": m.section.paper.title, "filename": m.section.paper.filename, "slug": m.section.paper.slug},
         "number": m.section.number, "title": m.section.title, "page": m.section.page_start,
         "defines": m.defines, "score": m.score, "url": m.section.get_absolute_url()}
        for part in selectors.concept_section_mentions(concept, others_limit=API_OTHER_SECTIONS)[:2] for m in part
    ]
    return JsonResponse({
        "slug": concept.slug, "name": concept.name, "acronym": concept.acronym, "name_zh": concept.name_zh,
        "aliases": concept.aliases, "summary": concept.summary, "relations": relations, "sections": sections,
        "notes": [{"slug": n.slug, "title": n.title, "url": n.get_absolute_url()}
                  for n in selectors.concept_notes(concept)],
        "questions": [{"id": q.pk, "text": q.text, "lang": q.lang, "url": q.get_absolute_url()}
                      for q in concept.questions.all()],
    }, json_dumps_params={"ensure_ascii": False})


@require_GET
def graph(request: HttpRequest) -> JsonResponse:
    try:
        center = parse_center(request.GET.get("center"))
        depth = parse_depth(request.GET.get("depth"))
        kinds = parse_kinds(request.GET.get("kinds"))
        # The JSON is a function of the graph version and the parameters: serve it again from
        # here (one version query) instead of cutting and serialising the neighbourhood per request.
        version = current_graph().graph.get("version")
        key = (version, center, depth, tuple(sorted(kinds)) if kinds else None)
        with _neighbourhoods_lock:
            cached = _neighbourhoods.get(key)
            if cached is not None:
                _neighbourhoods.move_to_end(key)
        if cached is not None:
            return HttpResponse(cached, content_type="application/json")
        sub = analysis.neighbourhood(center, depth=depth, kinds=kinds)
    except BadParameter as exc:
        return error(str(exc))
    except analysis.GraphError as exc:
        return error(str(exc), 404 if "unknown" in str(exc) else 400)
    payload = graph_payload(sub)
    payload.update(center=center, depth=depth, version=version)
    body = json.dumps(payload, ensure_ascii=False).encode()
    with _neighbourhoods_lock:
        _neighbourhoods[key] = body
        while len(_neighbourhoods) > NEIGHBOURHOODS_CACHED:
            _neighbourhoods.popitem(last=False)
    return HttpResponse(body, content_type="application/json")


@require_GET
def path(request: HttpRequest) -> JsonResponse:
    source, target = request.GET.get("from", "").strip(), request.GET.get("to", "").strip()
    if not source or not target:
        return error("both from and to are required (concept slugs)")
    try:
        steps = analysis.typed_path(f"concept:{source[:100]}", f"concept:{target[:100]}")
    except analysis.GraphError as exc:
        return error(str(exc), 404)
    g = current_graph()
    return JsonResponse({
        "from": source, "to": target, "found": bool(steps) or source == target,
        "steps": [{
            "source": s["source"], "target": s["target"], "type": s["type"], "forward": s["forward"],
            "sections": [{"id": n, "label": g.nodes[n]["label"], "url": g.nodes[n]["url"],
                          "paper": g.nodes[n].get("paper", "")} for n in s["sections"]],
        } for s in steps],
    }, json_dumps_params={"ensure_ascii": False})


@require_GET
def search(request: HttpRequest) -> JsonResponse:
    try:
        kinds = parse_kinds(request.GET.get("kinds"))
        hits, terms = search_index.search(request.GET.get("q", ""), kinds=kinds)
    except (BadParameter, search_index.QueryError) as exc:
        return error(str(exc))
    return JsonResponse({"query": request.GET["q"], "terms": terms, "results": [h.as_dict() for h in hits]},
                        json_dumps_params={"ensure_ascii": False})
