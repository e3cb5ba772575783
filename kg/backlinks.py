"""Backlinks: what links to a concept, note or section, grouped by kind, each with the
sentence around the link; and, apart, the unlinked mentions (text naming it without a link).

Each selector reads in a fixed number of queries whatever the size of the library: every list
is cut in SQL (LIMIT/OFFSET) and counted in SQL, and returns a `Backlinks` for the
`kg/_backlinks.html` partial. A group asked for in full (`expand`) comes in pages of
`SHOW_ALL_PAGE`, so "show all" stays bounded too.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from kg.models import Concept, Mention, Note, NoteLink, Question
from papers.models import Section

SECTIONS_SHOWN = 30
NOTES_SHOWN = 20
QUESTIONS_SHOWN = 20
UNLINKED_SHOWN = 20
SHOW_ALL_PAGE = 200
# A note's unlinked mentions are other notes' stored mentions of the concepts the note is
# about (links or defines); its first few are enough to say what it is about.
NOTE_SUBJECTS = 5
# Section and note bodies are large; a backlink needs only titles, keys and the stored context.
SECTION_BULK = ("section__text", "section__footnotes", "section__heading_bbox", "section__paper__abstract",
                "section__paper__authors")


@dataclass
class BacklinkItem:
    title: str
    url: str
    context: str = ""
    badge: str = ""  # "defines", a relation type, ...
    note_slug: str = ""  # for unlinked mentions in notes: where "link it" edits


@dataclass
class BacklinkGroup:
    kind: str  # notes, sections, questions, concepts, unlinked
    label: str
    items: list[BacklinkItem] = field(default_factory=list)
    total: int = 0  # may exceed len(items) when the list is cut
    page: int = 0  # 0: the first few; n >= 1: page n of the whole list ("show all")
    page_size: int = 0  # items a page holds when `page` is set (SHOW_ALL_PAGE when made)

    def __post_init__(self):
        self.page_size = self.page_size or SHOW_ALL_PAGE

    @property
    def cut(self) -> bool:
        return self.total > len(self.items)

    @property
    def first_shown(self) -> int:
        return (self.page - 1) * self.page_size + 1 if self.page > 1 else 1

    @property
    def last_shown(self) -> int:
        return self.first_shown + len(self.items) - 1

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.page and self.last_shown < self.total else None

    @property
    def prev_page(self) -> int | None:
        return self.page - 1 if self.page > 1 else None


@dataclass
class Backlinks:
    groups: list[BacklinkGroup]
    unlinked: list[BacklinkItem]
    concept_slug: str = ""  # set for concepts: "link it" links the mention to this concept
    unlinked_total: int | None = None  # None: `unlinked` is the whole list
    unlinked_page: int = 0
    more_url: str = ""  # query string a group kind is appended to for its "show all" page

    @property
    def count(self) -> int:
        return sum(g.total for g in self.groups)

    @property
    def nonempty_groups(self) -> list[BacklinkGroup]:
        return [g for g in self.groups if g.total]

    @property
    def unlinked_count(self) -> int:
        return len(self.unlinked) if self.unlinked_total is None else self.unlinked_total

    @property
    def unlinked_group(self) -> BacklinkGroup:
        return BacklinkGroup("unlinked", _("Unlinked mentions"), self.unlinked, self.unlinked_count,
                             page=self.unlinked_page)

    def group(self, kind: str) -> BacklinkGroup:
        return next(g for g in self.groups if g.kind == kind)


def _window(kind: str, shown: int, expand: str, page: int) -> tuple[int, int, int]:
    """(offset, limit, page) of one list: the first `shown`, or page `page` of it in full when expanded."""
    if kind != expand:
        return 0, shown, 0
    page = max(1, page)
    return (page - 1) * SHOW_ALL_PAGE, SHOW_ALL_PAGE, page


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


def backlinks_for_concept(*, concept: Concept, sections_shown: int = SECTIONS_SHOWN, notes_shown: int = NOTES_SHOWN,
                          questions_shown: int = QUESTIONS_SHOWN, unlinked_shown: int = UNLINKED_SHOWN,
                          expand: str = "", page: int = 1, more_url: str = "") -> Backlinks:
    """Notes linking the concept, sections and notes naming it, questions about it, related concepts.

    Six queries: the three mention counts in one aggregate, then one LIMITed query per list.
    """
    mentions = Mention.objects.filter(concept=concept)
    totals = mentions.aggregate(
        linked=Count("id", filter=Q(note__isnull=False, explicit=True)),
        unlinked=Count("id", filter=Q(note__isnull=False, explicit=False)),
        sections=Count("id", filter=Q(section__isnull=False)),
    )
    notes = mentions.filter(note__isnull=False).select_related("note").only(
        "id", "note_id", "context", "explicit", "defines", "score", "note__id", "note__slug", "note__title")

    def cut(rows, kind, shown):
        offset, limit, _page = _window(kind, shown, expand, page)
        return list(rows[offset:offset + limit]), _page

    linked, linked_page = cut(notes.filter(explicit=True).order_by("-defines", "-score", "note__title", "id"),
                              "notes", notes_shown)
    unlinked, unlinked_page = cut(notes.filter(explicit=False).order_by("note__title", "id"), "unlinked",
                                  unlinked_shown)
    section_rows, sections_page = cut(
        mentions.filter(section__isnull=False).select_related("section__paper").defer(*SECTION_BULK)
        .order_by("-defines", "-score", "section__order", "id"), "sections", sections_shown)
    questions = Question.objects.filter(concepts=concept).order_by("id")
    question_rows, questions_page = cut(questions, "questions", questions_shown)
    # Relations come from the concept vocabulary, not the library: few, shown whole.
    relations = list(concept.incoming.select_related("source").order_by("type", "source__name"))
    return Backlinks(
        groups=[
            BacklinkGroup("notes", _("Notes"), [
                BacklinkItem(m.note.title, m.note.get_absolute_url(), m.context, _("defines") if m.defines else "")
                for m in linked], totals["linked"], page=linked_page),
            BacklinkGroup("sections", _("Paper sections"), [
                BacklinkItem(_section_title(m.section), m.section.get_absolute_url(), m.context,
                             _("defines") if m.defines else "")
                for m in section_rows], totals["sections"], page=sections_page),
            BacklinkGroup("questions", _("Questions"), _question_items(question_rows),
                          Question.concepts.through.objects.filter(concept=concept).count(), page=questions_page),
            BacklinkGroup("concepts", _("Concepts"), [
                BacklinkItem(r.source.name, r.source.get_absolute_url(),
                             f"{r.source.name} {r.get_type_display()} {concept.name}", r.type)
                for r in relations], len(relations)),
        ],
        unlinked=[BacklinkItem(m.note.title, m.note.get_absolute_url(), m.context, note_slug=m.note.slug)
                  for m in unlinked],
        concept_slug=concept.slug,
        unlinked_total=totals["unlinked"],
        unlinked_page=unlinked_page,
        more_url=more_url,
    )


def backlinks_for_note(*, note: Note, links_shown: int = NOTES_SHOWN, questions_shown: int = QUESTIONS_SHOWN,
                       unlinked_shown: int = UNLINKED_SHOWN, expand: str = "", page: int = 1,
                       more_url: str = "") -> Backlinks:
    """Notes and questions linking the note, and its unlinked mentions.

    Unlinked mentions are the other notes that name what this note is about without linking
    it: the stored mentions (`Mention` rows, indexed by concept) of the concepts this note links
    or defines. Scanning every other note's text for the title grew with the library (300 ms
    at 5,000 notes); this reads only those concepts' rows, a page of them, and a count.
    """
    links = (NoteLink.objects.filter(target_note=note).exclude(source=note).select_related("source")
             .only("id", "source_id", "position", "context", "source__id", "source__slug", "source__title")
             .order_by("source__title", "position", "id"))
    offset, limit, links_page = _window("notes", links_shown, expand, page)
    link_rows = list(links[offset:offset + limit])
    links_total = links.count()
    questions = Question.objects.filter(note=note).order_by("id")
    offset, limit, questions_page = _window("questions", questions_shown, expand, page)
    question_rows = list(questions[offset:offset + limit])

    subjects = list(Mention.objects.filter(note=note).filter(Q(explicit=True) | Q(defines=True))
                    .order_by("-defines", "-explicit", "-score", "concept_id")
                    .values_list("concept_id", flat=True)[:NOTE_SUBJECTS])
    others = (Mention.objects.filter(concept_id__in=subjects, note__isnull=False).exclude(note=note)
              .exclude(note__in=NoteLink.objects.filter(target_note=note).values("source_id")))
    per_note = (others.values("note_id").annotate(best=Max("score"), title=Min("note__title"))
                .order_by("-best", "title", "note_id"))
    offset, limit, unlinked_page = _window("unlinked", unlinked_shown, expand, page)
    chosen = list(per_note[offset:offset + limit]) if subjects else []
    unlinked_total = others.aggregate(n=Count("note_id", distinct=True))["n"] if subjects else 0
    # The sentence of each chosen note's strongest mention of those concepts.
    best: dict[int, Mention] = {}
    rows = (others.filter(note_id__in=[row["note_id"] for row in chosen]).select_related("note")
            .only("id", "note_id", "context", "score", "note__id", "note__slug", "note__title")
            .order_by("note_id", "-score", "id")) if chosen else []
    for m in rows:
        best.setdefault(m.note_id, m)
    unlinked = [BacklinkItem(best[row["note_id"]].note.title, best[row["note_id"]].note.get_absolute_url(),
                             best[row["note_id"]].context) for row in chosen if row["note_id"] in best]
    backlinks = _linked_from_notes_and_questions(link_rows, question_rows, unlinked=unlinked)
    backlinks.groups[0].total, backlinks.groups[0].page = links_total, links_page
    backlinks.groups[2].total, backlinks.groups[2].page = questions.count(), questions_page
    backlinks.unlinked_total, backlinks.unlinked_page, backlinks.more_url = unlinked_total, unlinked_page, more_url
    return backlinks


def backlinks_for_section(*, section: Section) -> Backlinks:
    links = list(NoteLink.objects.filter(target_section=section).select_related("source"))
    questions = list(section.curated_questions.order_by("id"))
    return _linked_from_notes_and_questions(links, questions, unlinked=[])


def _linked_from_notes_and_questions(links: list[NoteLink], questions: list[Question], *, unlinked: list
                                     ) -> Backlinks:
    """Notes and sections are linked only from notes and questions; the other groups stay empty."""
    return Backlinks(
        groups=[
            BacklinkGroup("notes", _("Notes"), _link_items(links), len(links)),
            BacklinkGroup("sections", _("Paper sections"), [], 0),
            BacklinkGroup("questions", _("Questions"), _question_items(questions), len(questions)),
            BacklinkGroup("concepts", _("Concepts"), [], 0),
        ],
        unlinked=unlinked,
    )
