"""The one place that knows the current content version.

Every cache (graph, rendered pages, trace indexes) keys on this number, so a
change made in one process is seen by every other process sharing the database.
"""

from django.db import transaction
from django.db.models import F

from kg.models import ContentVersion


def content_version() -> int:
    row = ContentVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    return row or 0


def content_changed() -> None:
    """Move the version on; call inside the transaction that changed content."""
    with transaction.atomic():
        updated = ContentVersion.objects.filter(pk=1).update(version=F("version") + 1)
        if not updated:
            ContentVersion.objects.get_or_create(pk=1, defaults={"version": 1})
