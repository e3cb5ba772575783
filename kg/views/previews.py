"""Hover previews: a small card for any concept, note, section or question, loaded on hover."""

from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from kg.graph import analysis, current_graph
from kg.models import Concept, Note, Question
from papers.models import Section


def _object_for(node: str):
    kind, _, rest = node.partition(":")
    if kind == "concept":
        return Concept.objects.select_related("chapter").filter(slug=rest).first()
    if kind == "note":
        return Note.objects.filter(slug=rest).first()
    if kind == "section":
        slug, _, key = rest.partition(":")
        return Section.objects.select_related("paper").filter(paper__slug=slug, key=key).first()
    if kind == "question" and rest.isdigit():
        return Question.objects.filter(pk=int(rest)).first()
    return None


@require_GET
def preview(request: HttpRequest, node: str) -> TemplateResponse:
    obj = _object_for(node)
    if obj is None:
        raise Http404("nothing to preview")
    g = current_graph()
    degree = g.degree(node) if node in g else 0
    data = analysis.node_summary(node) if node in g else {"kind": node.split(":")[0]}
    context = {"obj": obj, "node": node, "kind": data["kind"], "data": data, "degree": degree}
    template = "kg/preview.html#card" if getattr(request, "htmx", False) else "kg/preview.html"
    return TemplateResponse(request, template, context)
