"""Reads for the knowledge graph: each brings its own select_related/prefetch_related."""

from django.db.models import F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber

from kg.models import Chapter, Concept, ConceptRelation, Mention, Note, NoteLink, Question
from papers.models import Section


def chapters_with_concepts() -> QuerySet[Chapter]:
    return Chapter.objects.prefetch_related(Prefetch("concepts", queryset=Concept.objects.order_by("name")))


def notes_recent(*, limit: int = 10) -> QuerySet[Note]:
    return Note.objects.order_by("-updated_at")[:limit]


# Pages of the site (concept, question bank): each returns rows in a fixed number of queries.


def concept_for_page(slug: str) -> Concept:
    """One concept with its chapter, relations both ways and questions, or Concept.DoesNotExist."""
    return Concept.objects.select_related("chapter").prefetch_related(
        Prefetch("outgoing", ConceptRelation.objects.select_related("target").order_by("type", "target__name")),
        Prefetch("incoming", ConceptRelation.objects.select_related("source").order_by("type", "source__name")),
        Prefetch("questions", queryset=Question.objects.select_related("chapter", "note").order_by("id")),
    ).get(slug=slug)


SECTION_KIND_RANK = {"body": 0, "appendix": 1, "abstract": 2, "references": 3}


def concept_section_mentions(concept: Concept, *, defining_limit: int = 60, others_limit: int = 25
                             ) -> tuple[list[Mention], list[Mention], int]:
    """Mentions of `concept` in paper sections, best first: (defining, others, how many others in all).

    Among defining sections, one whose heading names the concept (DeepSeek-V2 §2.1
    "Multi-Head Latent Attention") beats an appendix or abstract that merely defines it too.
    Three queries whatever the number of mentions; the lists are cut at the limits.
    """
    names = [n.lower() for n in concept.all_names if len(n) >= 2]
    rows = (Mention.objects.filter(concept=concept, section__isnull=False)
            .select_related("section__paper", "section__parent"))
    defining = list(rows.filter(defines=True).order_by("-score", "-count", "section_id")[:defining_limit])
    others = rows.filter(defines=False)

    def key(m: Mention):
        named = any(name in m.section.title.lower() for name in names)
        return (not named, SECTION_KIND_RANK.get(m.section.kind, 1), -m.score, -m.count)

    return (sorted(defining, key=key),
            list(others.order_by("-score", "-count", "section_id")[:others_limit]),
            others.count())


# A note's body can be 32 KB: lists of notes read only what a link needs.
NOTE_LINK_FIELDS = ("note__id", "note__slug", "note__title")


def _concept_note_mentions(concept: Concept) -> QuerySet[Mention]:
    """Mentions of the concept in notes, the ones that define it first (then linked, then on-topic)."""
    return (Mention.objects.filter(concept=concept, note__isnull=False).select_related("note")
            .only("id", "note_id", "defines", "explicit", "score", *NOTE_LINK_FIELDS)
            .order_by("-defines", "-explicit", "-score", "note__title", "note_id"))


def concept_notes(concept: Concept) -> list[Note]:
    """Notes about the concept (mentioned or linked), the ones that define it first."""
    return [m.note for m in _concept_note_mentions(concept)]


def concept_notes_page(concept: Concept, *, limit: int, offset: int = 0) -> tuple[list[Note], int]:
    """One page of `concept_notes` and how many there are in all: LIMIT/OFFSET and COUNT in SQL."""
    rows = _concept_note_mentions(concept)
    return [m.note for m in rows[offset:offset + limit]], rows.count()


def concept_header(slug: str) -> Concept:
    """The concept with its chapter, for a page whose other parts may come from the cache (one query)."""
    return Concept.objects.select_related("chapter").get(slug=slug)


def concept_relations(concept: Concept) -> tuple[list[ConceptRelation], list[ConceptRelation]]:
    """Typed relations of the concept: (outgoing, incoming), by type then the other end's name."""
    outgoing = ConceptRelation.objects.filter(source=concept).select_related("target").order_by("type", "target__name")
    incoming = ConceptRelation.objects.filter(target=concept).select_related("source").order_by("type", "source__name")
    return list(outgoing), list(incoming)


def concept_questions_page(concept: Concept, *, limit: int, offset: int = 0) -> tuple[list[Question], int]:
    """Bank questions about the concept, oldest first: one page (LIMIT/OFFSET) and the total (COUNT)."""
    rows = Question.objects.filter(concepts=concept).order_by("id")
    # Counted on the link table's concept index alone (a join made PostgreSQL read every question).
    return list(rows[offset:offset + limit]), Question.concepts.through.objects.filter(concept=concept).count()


def concept_backlinks(concept: Concept):
    """Wikilinks from notes to the concept, with the sentence around each."""
    links = NoteLink.objects.filter(target_concept=concept).select_related("source")
    return links.order_by("source__title", "position")


def concepts_by_slugs(slugs: list[str]) -> list[Concept]:
    """The concepts named, in the order given (one query)."""
    found = {c.slug: c for c in Concept.objects.filter(slug__in=slugs).select_related("chapter")}
    return [found[s] for s in slugs if s in found]


def questions_filtered(*, chapter: str = "", tag: str = "", concept: str = "", lang: str = ""):
    """The question bank narrowed by any of chapter slug, tag, concept slug and language."""
    questions = Question.objects.select_related("chapter", "note").prefetch_related(
        Prefetch("concepts", queryset=Concept.objects.order_by("name"))
    )
    if chapter:
        questions = questions.filter(chapter__slug=chapter)
    if concept:
        questions = questions.filter(concepts__slug=concept)
    if lang:
        questions = questions.filter(lang=lang)
    if tag:
        # JSON containment differs between SQLite and PostgreSQL; tags are few, filter in Python by id.
        ids = [pk for pk, tags in Question.objects.values_list("id", "tags") if tag in (tags or [])]
        questions = questions.filter(id__in=ids)
    return questions.distinct().order_by("chapter__number", "id")


def question_for_page(pk: int):
    return Question.objects.select_related("chapter", "note").prefetch_related(
        Prefetch("concepts", queryset=Concept.objects.order_by("name")),
        Prefetch("sections", queryset=Section.objects.select_related("paper").order_by("paper__title", "order")),
    ).get(pk=pk)


def defining_sections_for(concepts: list[Concept], *, per_concept: int = 2):
    """The best defining (or most on-topic) sections for each concept, for a question's answer."""
    # Ranked in the database: a concept named in thousands of sections sends only its best
    # rows (each with its section's text), not all of them to be cut here.
    ranked = (Mention.objects.filter(concept__in=concepts, section__isnull=False)
              .annotate(rank=Window(RowNumber(), partition_by=F("concept_id"),
                                    order_by=[F("defines").desc(), F("score").desc(), F("id")]))
              .filter(rank__lte=per_concept).values("id"))
    return list(Mention.objects.filter(concept__in=concepts, id__in=ranked).select_related("section__paper", "concept")
                .order_by("concept_id", "-defines", "-score", "id"))


def concept_choices() -> list[tuple[str, str]]:
    """(slug, name) of every concept, for pickers."""
    return list(Concept.objects.order_by("name").values_list("slug", "name"))
