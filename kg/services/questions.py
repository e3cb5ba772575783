"""Writes for the question bank: load questions/*.yaml, and resolve their curated section citations."""

from pathlib import Path

from kg.ingest import IngestResult
from kg.models import Chapter, Concept, Note, Question
from kg.services.content import _Run, _strings, _text, read_entries, upsert

QUESTION_TAGS = set(Question.Tag.values)


def load_questions(run: _Run, files: list[Path]) -> None:
    from kg.notes.wikilinks import SECTION_SIGN

    chapters = dict(Chapter.objects.values_list("slug", "id"))
    concepts = dict(Concept.objects.values_list("slug", "id"))
    notes = dict(Note.objects.values_list("slug", "id"))
    seen: set[str] = set()
    complete = True
    for path in files:
        entries = read_entries(path, run)
        if entries is None:
            complete = False
            continue
        changed, created = False, 0
        for entry in entries:
            d = entry.data
            text = _text(d.get("q"), 1000)
            lang = _text(d.get("lang"), 10)
            tags, slugs, refs = _strings(d.get("tags")), _strings(d.get("concepts")), _strings(d.get("sections"))
            why = (
                "a question needs its text in 'q'" if not text else
                f"lang must be zh or en, not {lang!r}" if lang not in ("zh", "en") else
                f"unknown chapter {d.get('chapter')!r}" if d.get("chapter") not in chapters else
                f"unknown tags {sorted(set(tags) - QUESTION_TAGS)}" if set(tags) - QUESTION_TAGS else
                "a question needs at least one concept" if not slugs else
                f"unknown concepts {sorted(set(slugs) - set(concepts))}" if set(slugs) - set(concepts) else
                f"unknown note {d.get('note')!r}" if d.get("note") and d.get("note") not in notes else
                f"section citations need '§': {[r for r in refs if SECTION_SIGN not in r]}"
                if any(SECTION_SIGN not in r for r in refs) else ""
            )
            if why:
                run.fail(path, entry.line, why)
                if text:
                    seen.add(text)  # a question with a typo is kept as it was, not deleted
                continue
            seen.add(text)
            values = {"lang": lang, "tags": tags, "chapter_id": chapters[d["chapter"]],
                      "note_id": notes.get(d.get("note")), "section_refs": refs}
            row, new, touched = upsert(Question, {"text": text}, values)
            created += new
            changed = changed or touched
            wanted = {concepts[s] for s in slugs}
            if set(row.concepts.values_list("id", flat=True)) != wanted:
                row.concepts.set(wanted)
                changed = True
        run.done(path, changed, created == len(entries) > 0)
    if complete:
        gone = Question.objects.exclude(text__in=seen)
        for question in gone:
            run.results.append(IngestResult(f"question: {question.text[:60]}", "removed"))
            run.changed = True
        gone.delete()


def questions_resolve_sections(*, resolver=None, paper=None) -> int:
    """Resolve every question's curated citations against the papers there are now; returns how many changed.

    With `paper` (just ingested), only the questions whose citations could point into it.
    """
    from kg.notes.store import resolver_from_db
    from kg.notes.wikilinks import may_name_paper

    resolver = resolver or resolver_from_db()
    changed = 0
    questions = Question.objects.exclude(section_refs=[]).prefetch_related("sections")
    if paper is not None:
        cites = Question.sections.through.objects.filter(section__paper=paper)
        citing = set(cites.values_list("question_id", flat=True))
        naming = {pk for pk, refs in questions.values_list("pk", "section_refs")
                  if any(may_name_paper(ref, title=paper.title, filename=paper.filename) for ref in refs)}
        questions = questions.filter(pk__in=citing | naming)
    for question in questions:
        wanted = set()
        for ref in question.section_refs:
            res = resolver.resolve_section(ref)
            if res.kind == "section":
                wanted.add(res.id)
        if {s.pk for s in question.sections.all()} != wanted:
            question.sections.set(wanted)
            changed += 1
    if paper is not None:
        return changed
    cleared = [q for q in Question.objects.filter(section_refs=[]).prefetch_related("sections") if q.sections.all()]
    for question in cleared:
        question.sections.clear()
    return changed + len(cleared)
