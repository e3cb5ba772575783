"""Trace an interview question to the paper sections and notes that answer it.

    python manage.py trace "How does MLA shrink the KV cache?" --json --top 5

Prints the ranked results (or JSON with --json); stores nothing. A question that is
empty or over 1,000 characters, or --top outside 1 to 50, exits non-zero with one line.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from kg.trace.tracing import MAX_TOP, TraceInputError, trace_question


class Command(BaseCommand):
    help = "Trace a question (Chinese or English) to the paper sections and notes that answer it."

    def add_arguments(self, parser):
        parser.add_argument("question", help="the interview question")
        parser.add_argument("--json", action="store_true", help="print the trace as JSON")
        parser.add_argument("--top", type=int, default=10, help=f"how many results, 1 to {MAX_TOP} (default 10)")

    def handle(self, *args, **options):
        try:
            trace = trace_question(options["question"], top=options["top"])
        except TraceInputError as exc:
            raise CommandError(f"cannot trace: {exc}") from None
        if options["json"]:
            self.stdout.write(json.dumps(trace.as_dict(), ensure_ascii=False, indent=2))
            return
        if not trace.results:
            self.stdout.write(self.style.WARNING("Nothing in the library answers this question."))
            return
        if options["verbosity"] >= 1:
            concepts = ", ".join(trace.concepts) or "none"
            confidence = "confident" if trace.confident else "not confident"
            self.stdout.write(f"concepts: {concepts} ({confidence})")
        for rank, result in enumerate(trace.results, 1):
            if result["kind"] == "section":
                section = result["section"]
                paper = result["paper"]["title"][:40]
                label = f"{paper} §{section['number']} {section['title']} (p. {section['page']})"
            else:
                label = f"note: {result['note']['title']}"
            self.stdout.write(f"{rank:2}. {result['score']:.3f}  {label}")
            if options["verbosity"] >= 2:
                for evidence in result["evidence"]:
                    self.stdout.write(f"      > {evidence['text'][:200]}")
