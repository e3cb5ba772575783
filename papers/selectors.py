"""Reads for papers and sections."""

from django.db.models import QuerySet

from papers.models import Paper


def papers_recent(*, limit: int = 10) -> QuerySet[Paper]:
    return Paper.objects.with_section_counts().order_by("-ingested_at")[:limit]
