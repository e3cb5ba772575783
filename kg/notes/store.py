"""Notes meet the database: the resolver over current rows, and cached rendering of a note."""

import hashlib

from django.core.cache import cache
from django.urls import NoReverseMatch, reverse

from kg.models import Concept, Note
from kg.notes import source as note_source
from kg.notes.render import Rendered, RenderedLink, render_markdown
from kg.notes.wikilinks import ConceptRef, NoteRef, PaperRef, Resolution, Resolver, SectionRef, WikiLink
from kg.versioning import content_version

RENDER_CACHE_SECONDS = 24 * 3600


def concept_url(slug: str) -> str:
    try:
        return reverse("concept", kwargs={"slug": slug})
    except NoReverseMatch:  # the concept pages are routed by another module; keep links stable meanwhile
        return f"/concepts/{slug}/"


def note_path(source_path: str) -> str:
    return source_path.removesuffix(".md").removesuffix(".markdown") if source_path else ""


def note_ref(note: Note) -> NoteRef:
    return NoteRef(note.pk, note.slug, note_path(note.source_path), note.title, tuple(note.aliases or ()),
                   note.get_absolute_url())


def _url_pattern(name: str, **kwargs: str) -> str:
    """The URL of `name` with placeholder arguments, to fill in by str.replace (reverse is slow in loops)."""
    return reverse(name, kwargs=kwargs)


def _sections_of(paper_id: int) -> list[SectionRef]:
    from papers.models import Section

    pattern = _url_pattern("section", slug="PAPER-SLUG", key="SECTION-KEY")
    rows = Section.objects.filter(paper_id=paper_id).order_by("order").values_list(
        "id", "number", "key", "title", "paper__slug")  # not the text: resolving needs only the headings
    return [SectionRef(pk, number, key, title, pattern.replace("PAPER-SLUG", paper).replace("SECTION-KEY", key),
                       f"§{number} {title}" if number else title)
            for pk, number, key, title, paper in rows]


def resolver_from_db(*, with_notes: bool = True) -> Resolver:
    """A resolver over the notes, concepts and papers in the database now. Without notes it
    resolves § references and concepts only: what re-ingesting a paper needs, without
    reading every note of a large library."""
    from papers.models import Paper

    notes = [note_ref(n) for n in Note.objects.only("id", "slug", "source_path", "title", "aliases")] if with_notes \
        else []
    concept_pattern = concept_url("CONCEPT-SLUG")
    concepts = [
        ConceptRef(c.pk, c.slug, tuple(c.all_names), concept_pattern.replace("CONCEPT-SLUG", c.slug))
        for c in Concept.objects.only("id", "slug", "name", "acronym", "name_zh", "aliases")
    ]
    papers = [PaperRef(p.pk, p.title, p.filename) for p in Paper.objects.only("id", "title", "filename")]
    return Resolver(notes=notes, concepts=concepts, papers=papers, sections_of=_sections_of)


def attachment_map(note: Note) -> dict[str, str]:
    """Note-relative image path -> URL of the stored attachment."""
    return {
        a.path: reverse("note_attachment", kwargs={"slug": note.slug, "pk": a.pk})
        for a in note.attachments.all()
    }


def render_note(note: Note, *, text: str | None = None, resolver: Resolver | None = None) -> Rendered:
    """The note's Markdown (or `text`, for a preview) as safe HTML; cached by content version and source."""
    text = note.body if text is None else text
    body = _body_of(text)
    version = content_version()
    attachments = attachment_map(note) if note.pk else {}
    digest = hashlib.sha256(f"{note.pk}|{note.slug}|{note.source_path}|{sorted(attachments.items())}|{body}".encode())
    key = f"note-html:{version}:{digest.hexdigest()}"
    cached = cache.get(key)
    if cached is not None:
        html, links = cached
        return Rendered(html, [RenderedLink(WikiLink(*link), Resolution(*res)) for link, res in links])
    rendered = render_markdown(
        body,
        resolver=resolver or resolver_from_db(),
        source=note_ref(note) if note.pk else None,
        attachments=attachments,
    )
    links = [(_fields(item.link), _fields(item.resolution)) for item in rendered.links]
    cache.set(key, (rendered.html, links), RENDER_CACHE_SECONDS)
    return rendered


def _fields(obj) -> tuple:
    return tuple(getattr(obj, name) for name in obj.__dataclass_fields__)


def _body_of(text: str) -> str:
    """The Markdown after the front matter; a preview with broken front matter renders whole."""
    try:
        return note_source.parse(text).body
    except note_source.NoteSourceError:
        return text
