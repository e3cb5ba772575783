"""`{% trace_for_question question %}`: the traced sections of a bank question, for its page."""

from django import template

from kg.trace.present import present
from kg.trace.tracing import trace_question

register = template.Library()


def question_trace_context(question, request) -> dict:
    trace = trace_question(question.text, bank_question_id=question.pk)
    return {"question_obj": question, "trace": trace, "results": present(trace.results), "request": request,
            "user": getattr(request, "user", None), "can_judge": bool(getattr(request, "user", None)
                                                                      and request.user.is_authenticated)}


@register.inclusion_tag("kg/_trace_results.html", takes_context=True)
def trace_for_question(context, question):
    request = context.get("request")
    result = question_trace_context(question, request)
    result["csrf_token"] = context.get("csrf_token")
    return result
