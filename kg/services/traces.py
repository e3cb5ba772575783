"""Writes for traces: a user's verdict on a traced section for a bank question."""

from django.db import transaction

from kg.models import Question, TraceVerdict
from papers.models import Section


@transaction.atomic
def trace_verdict_set(*, question: Question, section: Section, confirmed: bool, user) -> TraceVerdict:
    """Confirm or reject `section` for `question`; one verdict per question and section.

    Kept by paper and section key as well as the row, so it still applies after the paper
    is re-ingested and its section rows are re-created.
    """
    verdict, _ = TraceVerdict.objects.update_or_create(
        question=question, paper=section.paper, section_key=section.key,
        defaults={"section": section, "section_title": section.title[:500], "confirmed": confirmed, "user": user},
    )
    return verdict


@transaction.atomic
def trace_verdict_clear(*, question: Question, section: Section) -> int:
    deleted, _ = TraceVerdict.objects.filter(question=question, paper=section.paper, section_key=section.key).delete()
    return deleted
