"""Backup and restore of the whole library as one deterministic zip archive.

`archive_export(path=...)` writes every exported table as JSON lines (rows in primary-key order,
keys sorted) plus the stored files (paper PDFs, note attachments), with fixed timestamps, so the
same library always gives the same bytes. `archive_import(path=...)` restores it into an empty
database, SQLite or PostgreSQL, keeping primary keys.
"""

from kg.backup.export import archive_export
from kg.backup.restore import ArchiveError, archive_import

__all__ = ["ArchiveError", "archive_export", "archive_import"]
