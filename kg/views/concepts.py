"""The concept page: names, summary, relations, defining sections side by side, mentions, notes,
questions, backlinks, local graph and "how is this related to ...?"."""

from itertools import groupby

from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from kg import selectors
from kg.backlinks import backlinks_for_concept
from kg.graph import analysis, current_graph
from kg.models import Concept

OTHER_SECTIONS_SHOWN = 25


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def path_steps(source: str, target_slug: str) -> tuple[list[dict], str]:
    """The typed chain to `target_slug` with node attributes filled in, or an error message."""
    try:
        steps = analysis.typed_path(f"concept:{source}", f"concept:{target_slug}")
    except analysis.GraphError as exc:
        return [], str(exc)
    g = current_graph()
    for step in steps:
        step["source_node"] = g.nodes[step["source"]]
        step["target_node"] = g.nodes[step["target"]]
        step["section_nodes"] = [g.nodes[s] for s in step["sections"]]
    return steps, ""


@require_GET
def concept_detail(request: HtmxHttpRequest, slug: str) -> TemplateResponse:
    try:
        concept = selectors.concept_for_page(slug)
    except Concept.DoesNotExist:
        raise Http404("no such concept") from None
    defining, others, other_count = selectors.concept_section_mentions(concept, others_limit=OTHER_SECTIONS_SHOWN)
    # Stable sort: within each paper the selector's best-first order is kept.
    defining.sort(key=lambda m: m.section.paper.title)
    by_paper = [(paper, list(ms)) for paper, ms in groupby(defining, key=lambda m: m.section.paper)]
    show_backlinks = request.GET.get("backlinks") == "all"
    to = request.GET.get("to", "").strip()
    steps, path_error = path_steps(concept.slug, to) if to else ([], "")
    node = f"concept:{concept.slug}"
    g = current_graph()
    neighbours = sorted(
        {other for other in [*g.successors(node), *g.predecessors(node)] if g.nodes[other]["kind"] == "concept"},
        key=lambda n: g.nodes[n]["label"].lower(),
    )
    seen = {concept.name.casefold(), concept.acronym.casefold(), concept.name_zh.casefold()}
    aliases = [a for a in concept.aliases if a.casefold() not in seen and not seen.add(a.casefold())]
    context = {
        "concept": concept,
        "aliases": aliases,
        "node": node,
        "defining_by_paper": by_paper,
        "other_mentions": others,
        "other_count": other_count,
        "notes": selectors.concept_notes(concept),
        "backlinks": backlinks_for_concept(concept=concept),
        "show_backlinks": show_backlinks,
        "to": to,
        "steps": steps,
        "path_error": path_error,
        "neighbours": [g.nodes[n] for n in neighbours],
        "importance_rank": _rank(node),
        "all_concepts": selectors.concept_choices(),
    }
    template = "kg/concept.html"
    if request.htmx and request.GET.get("part") in {"backlinks", "path"}:
        template += "#" + request.GET["part"]
    return TemplateResponse(request, template, context)


def _rank(node: str) -> int | None:
    rank = analysis.importance()
    ordered = sorted(rank, key=lambda n: -rank[n])
    return ordered.index(node) + 1 if node in rank else None
