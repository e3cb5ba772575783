"""Reads for the knowledge graph: each brings its own select_related/prefetch_related."""

from django.db.models import Prefetch, QuerySet

from kg.models import Chapter, Concept, Note


def chapters_with_concepts() -> QuerySet[Chapter]:
    return Chapter.objects.prefetch_related(Prefetch("concepts", queryset=Concept.objects.order_by("name")))


def notes_recent(*, limit: int = 10) -> QuerySet[Note]:
    return Note.objects.order_by("-updated_at")[:limit]
