"""Restore a library: `manage.py import ARCHIVE.zip` (written by `manage.py export`).

Only into an empty database (SQLite or PostgreSQL) and an empty media folder; anything else is
refused with one line and nothing is changed. Migrate first; skip loading the bundled content.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from kg.backup import ArchiveError, archive_import


class Command(BaseCommand):
    help = "Restore the library from an archive written by `manage.py export`, into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The archive (.zip) to restore.")

    def handle(self, *args, archive: Path, verbosity: int, **options):
        if not archive.is_file():
            raise CommandError(f"no archive at {archive}")
        bar = tqdm(desc="import", unit="table", disable=not (verbosity >= 1 and sys.stderr.isatty()), leave=False)
        try:
            counts = archive_import(path=archive, progress=lambda _name: bar.update(1))
        except ArchiveError as exc:
            raise CommandError(f"import refused: {exc}") from None
        finally:
            bar.close()
        if verbosity >= 1:
            summary = ", ".join(f"{n} {label}" for label, n in counts.items())
            self.stdout.write(self.style.SUCCESS(f"imported {archive}: {summary}"))
