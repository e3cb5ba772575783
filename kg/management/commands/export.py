"""Back up the whole library: `manage.py export ARCHIVE.zip`.

Papers with their PDFs, sections, notes with attachments, concepts, relations, questions,
confirmed traces and accounts, as one zip. The same library always gives the same bytes.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from kg.backup import archive_export
from kg.backup.export import ExportError


class Command(BaseCommand):
    help = "Write the whole library (rows and stored files) to one zip archive."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="Where to write the archive (a .zip file).")

    def handle(self, *args, archive: Path, verbosity: int, **options):
        if not archive.parent.is_dir():
            raise CommandError(f"folder {archive.parent} does not exist")
        bar = tqdm(desc="export", unit="part", disable=not (verbosity >= 1 and sys.stderr.isatty()), leave=False)
        try:
            counts = archive_export(path=archive, progress=lambda _name: bar.update(1))
        except (ExportError, OSError) as exc:
            raise CommandError(f"export failed: {exc}") from None
        finally:
            bar.close()
        if verbosity >= 1:
            summary = ", ".join(f"{n} {label}" for label, n in counts.items())
            self.stdout.write(self.style.SUCCESS(f"exported to {archive}: {summary}"))
