"""Rebuild every concept mention and re-resolve every link: `manage.py relink`.

Then counts the terms of every text the search and trace indexes have not seen yet
(`kg.corpus`), so the next server to start builds its indexes without tokenizing.

Prints how many mentions were stored and how long the pass took (the figure the notes
issue reports: one pass over all paper sections and all notes).
"""

import time

from django.core.management.base import BaseCommand

from kg.corpus import corpus_refresh
from kg.models import Note
from kg.services.linking import mentions_refresh_all
from kg.versioning import content_changed
from papers.models import Section


class Command(BaseCommand):
    help = "Rebuild all concept mentions (paper sections and notes) and re-resolve note links and question sections."

    def handle(self, *args, verbosity: int, **options):
        sections, notes = Section.objects.count(), Note.objects.count()
        started, cpu_started = time.perf_counter(), time.process_time()
        count = mentions_refresh_all()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        content_changed()
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(
                f"relink: {count} mentions in {sections} sections and {notes} notes, "
                f"{elapsed:.2f} s ({cpu:.2f} s CPU)"))
        started = time.perf_counter()
        counted = corpus_refresh()
        if verbosity >= 1:
            self.stdout.write(f"term counts: {counted['texts']} texts, {counted['dropped']} stale dropped, "
                              f"{time.perf_counter() - started:.2f} s")
