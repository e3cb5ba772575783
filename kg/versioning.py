"""The one place that knows the current content version.

Every cache (graph, rendered pages, trace indexes) keys on this number, so a
change made in one process is seen by every other process sharing the database
(on its next request, or within CONTENT_VERSION_TTL_MS when that is set).
"""

import time

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F

from kg.models import ContentVersion

_SQL: dict[str, tuple[str, tuple]] = {}
_seen: dict[str, tuple[int, float]] = {}  # database alias -> (version, when read)


def content_version(using: str = "default") -> int:
    """The current version: one query, which every cached page makes on every request, or
    none while the last read is younger than CONTENT_VERSION_TTL_MS.

    The SQL comes from the ORM (so it follows the model) but is compiled once per process and
    database: building the query each time cost 0.25 ms, a quarter of a page served from cache.
    """
    ttl = settings.CONTENT_VERSION_TTL_MS / 1000
    if ttl > 0 and using in _seen:
        version, read_at = _seen[using]
        if time.monotonic() - read_at < ttl:
            return version
    version = _read(using)
    # Inside a transaction the row may be this transaction's own, uncommitted: not for others.
    if ttl > 0 and not connections[using].in_atomic_block:
        _seen[using] = (version, time.monotonic())
    return version


def _read(using: str) -> int:
    connection = connections[using]
    key = f"{using}:{connection.vendor}"
    if key not in _SQL:
        _SQL[key] = ContentVersion.objects.using(using).filter(pk=1).values_list("version")[:1].query.sql_with_params()
    sql, params = _SQL[key]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return (row[0] if row else 0) or 0


def content_changed() -> None:
    """Move the version on; call inside the transaction that changed content."""
    with transaction.atomic():
        updated = ContentVersion.objects.filter(pk=1).update(version=F("version") + 1)
        if not updated:
            ContentVersion.objects.get_or_create(pk=1, defaults={"version": 1})
        # This process sees its own change on its next read, once it is committed (read before,
        # the old version would be kept for another CONTENT_VERSION_TTL_MS).
        transaction.on_commit(_seen.clear)
