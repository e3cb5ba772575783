"""Queue ingest jobs for many files: `manage.py enqueue_ingest PATH [PATH ...]`.

Folders are walked for PDFs. Each file becomes one job; `manage.py ingest_worker`
processes them. Paths are stored absolute, so workers must see the same file system.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from jobs.services import ingest_enqueue
from kg.ingest import collect


class Command(BaseCommand):
    help = "Queue one background ingest job per PDF found in the given files and folders."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="PDF files or folders (walked recursively).")
        parser.add_argument("--force", action="store_true", help="Re-parse PDFs even when unchanged.")

    def handle(self, *args, paths: list[Path], force: bool, verbosity: int, **options):
        missing = [str(path) for path in paths if not path.exists()]
        if missing:
            raise CommandError(f"no such file or folder: {', '.join(missing)}")
        files = [file for path in paths for file in (collect(path, ".pdf") if path.is_dir() else [path])]
        with transaction.atomic():
            ingest_enqueue(paths=files, force=force)
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(f"queued {len(files)} ingest job(s); run `manage.py ingest_worker`"))
