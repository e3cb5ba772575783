"""The question bank (filters by chapter, tag, concept, language; the URL carries them) and a question page."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from kg import selectors
from kg.models import Chapter, Question

FILTERS = ("chapter", "tag", "concept", "lang")
LANGS = (("zh", "中文"), ("en", "English"))
PER_PAGE = 50


@require_GET
def question_list(request: HttpRequest) -> TemplateResponse:
    chosen = {name: request.GET.get(name, "").strip()[:80] for name in FILTERS}
    page = Paginator(selectors.questions_filtered(**chosen), PER_PAGE).get_page(request.GET.get("page"))
    filters = urlencode({k: v for k, v in chosen.items() if v})
    context = {
        "questions": page.object_list,
        "page": page,
        "filters": filters,
        "chosen": chosen,
        "chapters": Chapter.objects.order_by("number"),
        "tags": Question.Tag.choices,
        "concepts": selectors.concept_choices(),
        "langs": LANGS,
    }
    template = "kg/questions.html#results" if getattr(request, "htmx", False) else "kg/questions.html"
    return TemplateResponse(request, template, context)


@require_GET
def question_detail(request: HttpRequest, pk: int) -> TemplateResponse:
    try:
        question = selectors.question_for_page(pk)
    except Question.DoesNotExist:
        raise Http404("no such question") from None
    concepts = list(question.concepts.all())
    curated = list(question.sections.all())
    curated_ids = {s.id for s in curated}
    suggested = [m for m in selectors.defining_sections_for(concepts) if m.section_id not in curated_ids]
    context = {"question": question, "concepts": concepts, "curated": curated, "suggested": suggested,
               "tag_labels": dict(Question.Tag.choices)}
    return TemplateResponse(request, "kg/question.html", context)
