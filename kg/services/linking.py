"""Concept detection writes: Mention rows for sections and notes.

The paper and note services call these after they write. One matcher (kg.linking) finds
every concept name; explicit links (wikilinks to concepts, front matter `concepts`) make a
note's mention explicit. Sections are ranked per concept: defining sections first (the
heading names the concept or the text introduces its acronym), then by `score`, the
smoothed share of the text that names the concept.
"""

from django.db import transaction

from kg.linking import MentionSummary, matcher_for_concepts, summarise, vocabulary_rows
from kg.models import Concept, Mention, Note, NoteLink
from kg.notes import source as note_source
from kg.notes.wikilinks import WIKILINK, mask_code
from papers.models import Paper, Section


class _Vocabulary:
    def __init__(self):
        rows = vocabulary_rows()
        self.matcher = matcher_for_concepts(rows)
        self.ids = dict(Concept.objects.values_list("slug", "id"))
        self.acronyms = {slug: acronym for slug, _names, acronym in rows if acronym}


def _section_mentions(vocab: _Vocabulary, sections) -> list[Mention]:
    rows = []
    for section_id, title, text in sections:
        found = summarise(vocab.matcher, text, heading=title, acronyms=vocab.acronyms)
        rows.extend(
            Mention(concept_id=vocab.ids[s.key], section_id=section_id, count=max(s.count, 1),
                    first_offset=s.first_offset, context=s.context[:500], defines=s.defines, score=s.score)
            for s in found.values() if s.key in vocab.ids
        )
    return rows


def _note_mentions(vocab: _Vocabulary, note: Note, links: list[tuple[int, str]] | None = None) -> list[Mention]:
    """`links`: (concept id, context) of the note's wikilinks to concepts, in order (read here when None)."""
    # The row keeps its parsed front matter; only find where the Markdown starts.
    source = note_source.NoteSource(text=note.body, front_matter=note.front_matter or {},
                                    body_offset=note_source.body_offset(note.body))
    # Linked text is an explicit mention, not an unlinked one: blank links and code before matching.
    masked = WIKILINK.sub(lambda m: " " * len(m.group()), mask_code(source.body))
    found = summarise(vocab.matcher, masked, heading=note.title, acronyms=vocab.acronyms, context_text=source.body)
    declared = {slug for slug in source.get_list("concepts") if slug in vocab.ids}
    if links is None:
        links = list(note.links.filter(target_concept__isnull=False).order_by("position")
                     .values_list("target_concept_id", "context"))
    linked: dict[int, str] = {}
    for concept_id, context in links:
        linked.setdefault(concept_id, context)
    slug_of = {v: k for k, v in vocab.ids.items()}
    for concept_id, context in linked.items():
        summary = found.setdefault(slug_of[concept_id], MentionSummary(slug_of[concept_id]))
        if not summary.count:  # named only by the title, or not in the text at all: the link's sentence says more
            summary.context = context
    for slug in declared:
        found.setdefault(slug, MentionSummary(slug, context=note.title))
    rows = []
    for summary in found.values():
        concept_id = vocab.ids.get(summary.key)
        if concept_id is None:
            continue
        rows.append(Mention(
            concept_id=concept_id, note_id=note.pk, count=max(summary.count, 1),
            first_offset=source.body_offset + summary.first_offset, context=summary.context[:500],
            explicit=concept_id in linked or summary.key in declared,
            defines=summary.key in declared or summary.defines, score=summary.score,
        ))
    return rows


@transaction.atomic
def mentions_refresh_for_paper(*, paper: Paper) -> int:
    """Recompute the mentions of every section of `paper`; returns how many were stored.

    Also re-resolves what may point into the paper (note links with §, curated question
    sections), since sections may have appeared or been renumbered.
    """
    from kg.notes.store import resolver_from_db
    from kg.services.notes import notelinks_resolve_all
    from kg.services.questions import questions_resolve_sections

    vocab = _Vocabulary()
    Mention.objects.filter(section__paper=paper).delete()
    rows = _section_mentions(vocab, Section.objects.filter(paper=paper).values_list("id", "title", "text"))
    Mention.objects.bulk_create(rows, batch_size=1000)
    resolver = resolver_from_db(with_notes=False)  # only § references are resolved again
    notelinks_resolve_all(resolver=resolver, paper=paper)
    questions_resolve_sections(resolver=resolver, paper=paper)
    return len(rows)


@transaction.atomic
def mentions_refresh_for_note(*, note: Note) -> int:
    """Recompute the mentions (detected and explicit) of one note."""
    Mention.objects.filter(note=note).delete()
    rows = _note_mentions(_Vocabulary(), note)
    Mention.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


@transaction.atomic
def mentions_refresh_all() -> int:
    """Recompute every mention in the library (`manage.py relink`); returns how many were stored."""
    from kg.notes.store import resolver_from_db
    from kg.services.notes import notelinks_resolve_all
    from kg.services.questions import questions_resolve_sections

    resolver = resolver_from_db()
    notelinks_resolve_all(resolver=resolver)
    questions_resolve_sections(resolver=resolver)
    vocab = _Vocabulary()
    Mention.objects.all().delete()
    rows = _section_mentions(vocab, Section.objects.values_list("id", "title", "text").iterator(chunk_size=200))
    links: dict[int, list[tuple[int, str]]] = {}
    concept_links = NoteLink.objects.filter(target_concept__isnull=False).order_by("position")
    for note_id, concept_id, context in concept_links.values_list("source_id", "target_concept_id", "context"):
        links.setdefault(note_id, []).append((concept_id, context))
    for note in Note.objects.all():
        rows.extend(_note_mentions(vocab, note, links.get(note.pk, [])))
    Mention.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
