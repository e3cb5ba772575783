"""The trace page, its JSON API and the verdict form: a question to the sections that answer it."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from kg.models import Question
from kg.services.traces import trace_verdict_clear, trace_verdict_set
from kg.trace.present import present
from kg.trace.tracing import TraceInputError, trace_question
from papers.models import Section


@require_GET
def trace_page(request: HttpRequest) -> TemplateResponse:
    question = request.GET.get("q", "").strip()
    top = request.GET.get("top", "10")
    context = {"question": question, "top": top, "trace": None, "results": [], "error": ""}
    status = 200
    if question:
        try:
            trace = trace_question(question, top=top)
        except TraceInputError as exc:
            context["error"], status = str(exc), 400
        else:
            context.update(trace=trace, results=present(trace.results), related=_related_questions(trace))
    template = "kg/trace.html#results" if getattr(request, "htmx", False) else "kg/trace.html"
    return TemplateResponse(request, template, context, status=status)


@require_GET
def trace_api(request: HttpRequest) -> JsonResponse:
    try:
        trace = trace_question(request.GET.get("q", ""), top=request.GET.get("top", "10"))
    except TraceInputError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(trace.as_dict(), json_dumps_params={"ensure_ascii": False})


@login_required
@require_POST
def trace_verdict(request: HttpRequest, pk: int):
    question = get_object_or_404(Question, pk=pk)
    section = get_object_or_404(Section.objects.with_paper(), paper__slug=request.POST.get("paper", ""),
                                key=request.POST.get("key", ""))
    verdict = request.POST.get("verdict", "")
    if verdict not in ("confirm", "reject", "clear"):
        return HttpResponseBadRequest("verdict must be confirm, reject or clear")
    if verdict == "clear":
        trace_verdict_clear(question=question, section=section)
    else:
        trace_verdict_set(question=question, section=section, confirmed=verdict == "confirm", user=request.user)
    if getattr(request, "htmx", False):
        from kg.templatetags.trace_tags import question_trace_context

        context = question_trace_context(question, request)
        return TemplateResponse(request, "kg/_trace_results.html", context)
    return redirect(question.get_absolute_url() + "#traced")


def _related_questions(trace) -> list[Question]:
    """Bank questions about the same concepts, for the side of the page."""
    if not trace.concepts:
        return []
    return list(Question.objects.filter(concepts__slug__in=trace.concepts).exclude(text=trace.question)
                .distinct().order_by("id")[:8])
