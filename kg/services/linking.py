"""Concept detection writes: Mention rows for sections and notes.

The paper and note services call these after they write. One matcher (kg.linking) finds
every concept name; explicit links (wikilinks to concepts, front matter `concepts`) make a
note's mention explicit. Sections are ranked per concept: defining sections first (the
heading names the concept or the text introduces its acronym), then by `score`, the
smoothed share of the text that names the concept.
"""

from django.db import transaction

from kg.linking import MentionSummary, matcher_for_concepts, sentence_around, summarise, vocabulary_rows
from kg.models import Concept, Mention, Note
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
    for section in sections:
        found = summarise(vocab.matcher, section.text, heading=section.title, acronyms=vocab.acronyms)
        rows.extend(
            Mention(concept_id=vocab.ids[s.key], section_id=section.pk, count=max(s.count, 1),
                    first_offset=s.first_offset, context=s.context[:500], defines=s.defines, score=s.score)
            for s in found.values() if s.key in vocab.ids
        )
    return rows


def _note_mentions(vocab: _Vocabulary, note: Note) -> list[Mention]:
    try:
        source = note_source.parse(note.body)
    except note_source.NoteSourceError:  # an old row written before a rule tightened: detect in all of it
        source = note_source.NoteSource(text=note.body)
    # Linked text is an explicit mention, not an unlinked one: blank links and code before matching.
    masked = WIKILINK.sub(lambda m: " " * len(m.group()), mask_code(source.body))
    found = summarise(vocab.matcher, masked, heading=note.title, acronyms=vocab.acronyms)
    for summary in found.values():
        summary.context = sentence_around(source.body, summary.first_offset) if summary.count else summary.context
    declared = {slug for slug in source.get_list("concepts") if slug in vocab.ids}
    linked: dict[int, str] = {}
    for link in note.links.filter(target_concept__isnull=False).order_by("position"):
        linked.setdefault(link.target_concept_id, link.context)
    slug_of = {v: k for k, v in vocab.ids.items()}
    for concept_id in linked:
        found.setdefault(slug_of[concept_id], MentionSummary(slug_of[concept_id], context=linked[concept_id]))
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

    Also re-resolves what points into papers (note links with §, curated question sections),
    since sections may have appeared or been renumbered.
    """
    from kg.services.content import questions_resolve_sections
    from kg.services.notes import notelinks_resolve_all

    vocab = _Vocabulary()
    Mention.objects.filter(section__paper=paper).delete()
    rows = _section_mentions(vocab, Section.objects.filter(paper=paper).only("id", "title", "text"))
    Mention.objects.bulk_create(rows, batch_size=1000)
    notelinks_resolve_all()
    questions_resolve_sections()
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
    from kg.services.content import questions_resolve_sections
    from kg.services.notes import notelinks_resolve_all

    notelinks_resolve_all()
    questions_resolve_sections()
    vocab = _Vocabulary()
    Mention.objects.all().delete()
    rows = _section_mentions(vocab, Section.objects.only("id", "title", "text").iterator(chunk_size=200))
    for note in Note.objects.all():
        rows.extend(_note_mentions(vocab, note))
    Mention.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
