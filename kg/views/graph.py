"""The graph page (Cytoscape.js on top of a server-rendered neighbourhood list) and graph downloads."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from kg.graph import NODE_KINDS, analysis, current_graph, to_graphml, to_node_link
from kg.views.params import BadParameter, parse_center, parse_depth, parse_kinds

PAGE_LIST_LIMIT = 400


def _params(request: HttpRequest) -> tuple[str | None, int, set[str] | None, str]:
    center = parse_center(request.GET.get("center"))
    depth = parse_depth(request.GET.get("depth"))
    kinds = parse_kinds(",".join(request.GET.getlist("kinds")))
    community = request.GET.get("community", "").strip()
    if community and not community.isdigit():
        raise BadParameter("community must be a number")
    return center, depth, kinds, community


@require_GET
def graph_page(request: HttpRequest) -> TemplateResponse:
    error = ""
    try:
        center, depth, kinds, community = _params(request)
        sub = analysis.neighbourhood(center, depth=depth, kinds=kinds)
    except (BadParameter, analysis.GraphError) as exc:
        error, center, depth, kinds, community = str(exc), None, 1, None, ""
        sub = analysis.neighbourhood(None)
    communities = analysis.communities()
    rank = analysis.importance()
    nodes = []
    for node, data in sub.nodes(data=True):
        group = communities.get(node, -1)
        if community and data["kind"] == "concept" and str(group) != community:
            continue
        nodes.append({"id": node, **data, "community": group, "importance": rank.get(node, 0.0)})
    nodes.sort(key=lambda n: (n.get("distance", 0), n["kind"] != "concept", -n["importance"], n["label"].lower()))
    g = current_graph()
    query = request.GET.urlencode()
    context = {
        "center": center, "center_node": g.nodes[center] if center else None, "depth": depth,
        "kinds": kinds or set(NODE_KINDS) if center else kinds or {"concept"},
        "all_kinds": NODE_KINDS, "community": community,
        "communities": sorted(set(communities.values())),
        "nodes": nodes[:PAGE_LIST_LIMIT], "node_count": len(nodes), "edge_count": sub.number_of_edges(),
        "total_nodes": g.number_of_nodes(), "error": error, "query": query,
        "concept_total": sum(1 for _, kind in g.nodes(data="kind") if kind == "concept"),
        "concept_options": sorted(
            ((n, d["label"], d.get("name", "")) for n, d in g.nodes(data=True) if d["kind"] == "concept"),
            key=lambda item: item[1].lower(),
        ),
    }
    template = "kg/graph.html#listing" if getattr(request, "htmx", False) else "kg/graph.html"
    return TemplateResponse(request, template, context, status=400 if error else 200)


@require_GET
def graph_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The whole graph (`?all=1`), a neighbourhood (`?center=...&depth=...`), or the concept layer."""
    if fmt not in {"graphml", "json"}:
        return JsonResponse({"error": "format must be graphml or json"}, status=404)
    try:
        center, depth, kinds, _ = _params(request)
        if request.GET.get("all") == "1":
            sub = current_graph()
        else:
            sub = analysis.neighbourhood(center, depth=depth, kinds=kinds, limit=100_000)
    except BadParameter as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    except analysis.GraphError as exc:
        return JsonResponse({"error": str(exc)}, status=404)
    name = (center or "concepts").replace(":", "-").replace("/", "-")
    if fmt == "graphml":
        response = HttpResponse(to_graphml(sub), content_type="application/graphml+xml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="mianjing-{name}.graphml"'
        return response
    response = JsonResponse(to_node_link(sub), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="mianjing-{name}.json"'
    return response
