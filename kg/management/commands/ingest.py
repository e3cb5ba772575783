"""Ingest PDFs, Markdown notes and content folders: `manage.py ingest PATH [PATH ...]`.

Prints one line per file (new, unchanged, updated, removed, failed: why) and exits
non-zero when any file failed. Running it again on the same files adds nothing. New
texts' terms are counted for the search and trace indexes (`kg.corpus`) before it ends.
"""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from kg.corpus import corpus_refresh
from kg.ingest import collect, ingest_paths


class Command(BaseCommand):
    help = "Ingest PDF papers, Markdown notes (files or vaults) and content folders, idempotently."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="Files or folders (walked recursively).")
        parser.add_argument("--force", action="store_true", help="Re-parse PDFs even when unchanged.")
        parser.add_argument(
            "--pdf-only", action="store_true",
            help="In plain folders take only the PDFs (PAPERS_DIR: a README beside the reports is not a note).",
        )

    def handle(self, *args, paths: list[Path], force: bool, pdf_only: bool, verbosity: int, **options):
        papers_dir = Path(settings.PAPERS_DIR)
        for path in paths:
            if path.resolve() == papers_dir.resolve() and not (path.is_dir() and collect(path, ".pdf")):
                self.stdout.write(
                    f"No PDFs in {path}: put the reports there, "
                    "or run `python manage.py fetch_papers` to download them."
                )
        paths = [p for p in paths if not (p.resolve() == papers_dir.resolve() and not p.is_dir())]

        show_bar = verbosity >= 1 and sys.stderr.isatty()
        bar = tqdm(desc="ingest", unit="file", disable=not show_bar, leave=False)
        try:
            results = ingest_paths(paths, force=force, pdf_only=pdf_only, progress=lambda _path: bar.update(1))
        finally:
            bar.close()

        for result in results:
            if result.failed:
                self.stderr.write(self.style.ERROR(result.line()))
            elif verbosity >= 2 or (verbosity >= 1 and result.status != "unchanged"):
                self.stdout.write(result.line())
        counts: dict[str, int] = {}
        for result in results:
            counts[result.status] = counts.get(result.status, 0) + 1
        if verbosity >= 1:
            summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing to ingest"
            self.stdout.write(self.style.SUCCESS(f"ingest: {summary}") if not counts.get("failed") else summary)
        if counts.keys() - {"unchanged", "failed"}:
            # Count the new texts' terms now rather than in the first request after a server starts.
            corpus_refresh()
        if counts.get("failed"):
            raise CommandError(f"{counts['failed']} file(s) failed")


