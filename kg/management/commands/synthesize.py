"""Build a synthetic library for benchmarks: `manage.py synthesize --papers 1000 --notes 5000`.

Reproducible from --seed; needs the vocabulary loaded (`manage.py ingest content`).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from kg.bench.synthetic import library_synthesize


class Command(BaseCommand):
    help = "Add a reproducible synthetic library (papers, sections, mentions, notes, questions) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--papers", type=int, default=100)
        parser.add_argument("--notes", type=int, default=500)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, papers: int, notes: int, seed: int, verbosity: int, **options):
        if papers < 0 or notes < 0:
            raise CommandError("--papers and --notes must be zero or more")
        try:
            made = library_synthesize(papers=papers, notes=notes, seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if connection.vendor == "postgresql":
            # A bulk load leaves the planner's statistics behind until autovacuum comes round:
            # refresh them, as after a restore, so plans (and benchmarks) reflect the new size.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        if verbosity:
            self.stdout.write(self.style.SUCCESS(
                f"synthesized {made.papers} papers, {made.sections} sections, {made.mentions} mentions, "
                f"{made.notes} notes, {made.note_links} note links, {made.questions} questions (seed {seed})"
            ))
