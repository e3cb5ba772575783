"""Backlinks: what links to a concept, note or section, grouped by kind, each with the
sentence around the link; and, apart, the unlinked mentions (text naming it without a link).

Each selector reads in a fixed number of queries and returns a `Backlinks` for the
`kg/_backlinks.html` partial.
"""

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from kg.models import Concept, Mention, Note, NoteLink, Question
from papers.models import Section

SECTIONS_SHOWN = 30


@dataclass
class BacklinkItem:
    title: str
    url: str
    context: str = ""
    badge: str = ""  # "defines", a relation type, ...
    note_slug: str = ""  # for unlinked mentions in notes: where "link it" edits


@dataclass
class BacklinkGroup:
    kind: str  # notes, sections, questions, concepts
    label: str
    items: list[BacklinkItem] = field(default_factory=list)
    total: int = 0  # may exceed len(items) when the list is cut


@dataclass
class Backlinks:
    groups: list[BacklinkGroup]
    unlinked: list[BacklinkItem]
    concept_slug: str = ""  # set for concepts: "link it" links the mention to this concept

    @property
    def count(self) -> int:
        return sum(g.total for g in self.groups)

    @property
    def nonempty_groups(self) -> list[BacklinkGroup]:
        return [g for g in self.groups if g.total]

    def group(self, kind: str) -> BacklinkGroup:
        return next(g for g in self.groups if g.kind == kind)


def _url(name: str, **kwargs) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:  # a page another module has not routed yet
        return ""


def _section_title(section: Section) -> str:
    return f"{section.paper.title.split(':')[0][:60]} · {section.label}"


def _question_items(questions) -> list[BacklinkItem]:
    return [BacklinkItem(q.text, _url("question", pk=q.pk), badge=q.lang) for q in questions]


def _link_items(links) -> list[BacklinkItem]:
    return [BacklinkItem(link.source.title, link.source.get_absolute_url(), link.context) for link in links]


def backlinks_for_concept(*, concept: Concept, sections_shown: int = SECTIONS_SHOWN) -> Backlinks:
    notes = Mention.objects.filter(concept=concept, note__isnull=False).select_related("note")
    linked = [m for m in notes if m.explicit]
    unlinked = [m for m in notes if not m.explicit]
    sections = Mention.objects.filter(concept=concept, section__isnull=False)
    section_rows = sections.select_related("section__paper").order_by("-defines", "-score", "section__order")
    questions = Question.objects.filter(concepts=concept).order_by("id")
    relations = concept.incoming.select_related("source").order_by("type", "source__name")
    return Backlinks(
        groups=[
            BacklinkGroup("notes", _("Notes"), [
                BacklinkItem(m.note.title, m.note.get_absolute_url(), m.context, _("defines") if m.defines else "")
                for m in sorted(linked, key=lambda m: (not m.defines, -m.score, m.note.title))], len(linked)),
            BacklinkGroup("sections", _("Paper sections"), [
                BacklinkItem(_section_title(m.section), m.section.get_absolute_url(), m.context,
                             _("defines") if m.defines else "")
                for m in section_rows[:sections_shown]], sections.count()),
            BacklinkGroup("questions", _("Questions"), _question_items(questions), questions.count()),
            BacklinkGroup("concepts", _("Concepts"), [
                BacklinkItem(r.source.name, r.source.get_absolute_url(),
                             f"{r.source.name} {r.get_type_display()} {concept.name}", r.type)
                for r in relations], len(relations)),
        ],
        unlinked=[BacklinkItem(m.note.title, m.note.get_absolute_url(), m.context, note_slug=m.note.slug)
                  for m in sorted(unlinked, key=lambda m: m.note.title)],
        concept_slug=concept.slug,
    )


def backlinks_for_note(*, note: Note) -> Backlinks:
    from kg.linking import Matcher, sentence_around
    from kg.notes.source import NoteSource, NoteSourceError, parse
    from kg.notes.wikilinks import WIKILINK, mask_code

    links = list(NoteLink.objects.filter(target_note=note).exclude(source=note).select_related("source"))
    questions = Question.objects.filter(note=note).order_by("id")
    # Unlinked: other notes naming this note's title or aliases in text, and not linking it.
    matcher = Matcher([("note", [note.title, *(note.aliases or [])], "")])
    linking = {link.source_id for link in links}
    unlinked = []
    for other in Note.objects.exclude(pk__in=[note.pk, *linking]).only("id", "slug", "title", "body"):
        try:
            body = parse(other.body).body
        except NoteSourceError:
            body = NoteSource(text=other.body).body
        masked = WIKILINK.sub(lambda m: " " * len(m.group()), mask_code(body))
        hits = matcher.find(masked)
        if hits:
            unlinked.append(BacklinkItem(other.title, other.get_absolute_url(),
                                         sentence_around(body, hits[0].start, hits[0].end)))
    return _linked_from_notes_and_questions(links, questions, unlinked=unlinked)


def backlinks_for_section(*, section: Section) -> Backlinks:
    links = list(NoteLink.objects.filter(target_section=section).select_related("source"))
    questions = section.curated_questions.order_by("id")
    return _linked_from_notes_and_questions(links, questions, unlinked=[])


def _linked_from_notes_and_questions(links: list[NoteLink], questions, *, unlinked: list) -> Backlinks:
    """Notes and sections are linked only from notes and questions; the other groups stay empty."""
    return Backlinks(
        groups=[
            BacklinkGroup("notes", _("Notes"), _link_items(links), len(links)),
            BacklinkGroup("sections", _("Paper sections"), [], 0),
            BacklinkGroup("questions", _("Questions"), _question_items(questions), questions.count()),
            BacklinkGroup("concepts", _("Concepts"), [], 0),
        ],
        unlinked=unlinked,
    )
