"""Parse one PDF without touching the database: `manage.py parse_pdf FILE --json [--ignore-outline]`.

Prints the paper's title, authors, page count and section tree (number, title, level, 1-based page)
in document order. A file that cannot be parsed gives one line on stderr naming it and the reason,
and a non-zero exit status.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from papers.parsing import ParseError, parse_pdf


class Command(BaseCommand):
    help = "Parse a PDF into metadata and a numbered section tree, without writing to the database."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The PDF to parse.")
        parser.add_argument("--json", action="store_true", help="Print JSON (title, authors, pages, sections).")
        parser.add_argument(
            "--ignore-outline", action="store_true", help="Find headings from the page layout even with an outline."
        )
        parser.add_argument("--text", action="store_true", help="With --json: include section text and footnotes.")

    def handle(self, *args, file: Path, json: bool, ignore_outline: bool, text: bool, verbosity: int, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: cannot read ({exc.strerror or exc})") from exc
        try:
            paper = parse_pdf(data, filename=file.name, ignore_outline=ignore_outline)
        except ParseError as exc:
            raise CommandError(f"{file}: {exc}") from exc
        if json:
            payload = paper.to_json(with_text=text)
            self.stdout.write(_dumps(payload))
            return
        if verbosity >= 1:
            self.stdout.write(f"{paper.title} ({paper.pages} pages, headings from the {paper.outline_source})")
        for section in paper.sections:
            indent = "  " * (section.level - 1)
            pages = f"p{section.page}" + (f"-{section.page_end}" if section.page_end != section.page else "")
            label = f"{section.number} {section.title}".strip()
            self.stdout.write(f"{indent}{label}  [{pages}]")


def _dumps(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=2)
