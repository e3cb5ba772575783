"""Tasks used only by the job tests (importable by worker processes they start)."""

import time
from pathlib import Path

from django_tasks import task

from kg.models import Chapter


@task()
def slow_marker(marker: str, seconds: float, slug: str) -> str:
    """Say it started (a file), take a while, then write one row idempotently."""
    Path(marker).write_text("started")
    time.sleep(seconds)
    Chapter.objects.get_or_create(slug=slug, defaults={"number": 900, "title": slug})
    return slug
