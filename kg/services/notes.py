"""Writes for notes: ingest Markdown files and vaults, web edits, and "link it".

A note ingested from a folder is known by `source_path` = "<folder name>/<path in folder>";
ingesting the folder again adds, updates, renames (same content at a new path keeps its
row, so links to it survive) and removes notes under that prefix only. Every change
rebuilds the note's links and mentions, re-resolves links into notes, and moves the
content version on.
"""

import re
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from kg.ingest import IngestResult
from kg.linking import sentence_around
from kg.models import Attachment, Chapter, Note, NoteLink
from kg.notes import source as note_source
from kg.notes.files import AttachmentFile, NoteFile, read_note_file
from kg.notes.slugs import assign_slugs, slug_from, unique_slug
from kg.notes.wikilinks import find_wikilinks
from kg.text import has_han
from kg.versioning import content_changed

_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)


def notes_ingest_folder(*, root: Path, files: list[Path]) -> list[IngestResult]:
    """Ingest a folder of notes (a vault); notes under it that are gone are removed."""
    prefix = root.resolve().name
    notes = [read_note_file(f, root=root, source_path=f"{prefix}/{f.relative_to(root).as_posix()}") for f in files]
    return _ingest(notes, prefix=prefix, remove_missing=True)


def notes_ingest_files(*, files: list[Path]) -> list[IngestResult]:
    """Ingest single note files; nothing else is removed."""
    notes = [read_note_file(f, root=f.parent, source_path=f"{f.resolve().parent.name}/{f.name}") for f in files]
    return _ingest(notes, prefix=None, remove_missing=False)


@transaction.atomic
def _ingest(notes: list[NoteFile], *, prefix: str | None, remove_missing: bool) -> list[IngestResult]:
    from kg.services.linking import mentions_refresh_for_note

    results: dict[str, IngestResult] = {}
    for note in notes:
        if note.error:
            results[note.source_path] = IngestResult(str(note.file), "failed", note.error)
    good = [n for n in notes if not n.error]
    seen = {n.source_path for n in notes}  # a note that failed to read keeps its old row
    under = Note.objects.filter(source_path__startswith=f"{prefix}/") if prefix else Note.objects.none()
    by_path = {n.source_path: n for n in Note.objects.filter(source_path__in=[n.source_path for n in notes])}

    # Renames: the same content at a new path, the old path gone.
    gone = {n.source_path: n for n in under if n.source_path not in seen} if remove_missing else {}
    gone_by_hash = {n.content_hash: n for n in gone.values()}
    renamed: dict[str, str] = {}
    for note in good:
        if note.source_path not in by_path and note.content_hash in gone_by_hash:
            row = gone_by_hash.pop(note.content_hash)
            renamed[note.source_path] = gone.pop(row.source_path).source_path
            by_path[note.source_path] = row
    removed = []
    for path, row in sorted(gone.items()):
        row.delete()
        removed.append(IngestResult(path, "removed"))

    rel = {n.source_path: n.source_path.split("/", 1)[-1] if prefix else n.source_path for n in good}
    wanted = assign_slugs({rel[n.source_path]: n.source.get_str("slug") for n in good})
    changed: list[Note] = []
    used_slugs: dict[str, str] = {}
    for note in good:
        row = by_path.get(note.source_path)
        slug = wanted[rel[note.source_path]]
        if used_slugs.get(slug):
            results[note.source_path] = IngestResult(
                str(note.file), "failed", f"slug {slug!r} is already used by {used_slugs[slug]}")
            continue
        own = row.pk if row else None
        slug = unique_slug(slug, lambda s, own=own: Note.objects.filter(slug=s).exclude(pk=own).exists())
        used_slugs[slug] = note.source_path
        if row and row.content_hash == note.content_hash and row.slug == slug and note.source_path not in renamed:
            results[note.source_path] = IngestResult(str(note.file), "unchanged")
            continue
        status = "updated" if row else "new"
        with transaction.atomic():
            row = _write_note(row or Note(), source=note.source, slug=slug, source_path=note.source_path,
                              content_hash=note.content_hash, stem=note.file.stem)
            _sync_attachments(row, note.attachments)
        changed.append(row)
        detail = f"renamed from {renamed[note.source_path]}" if note.source_path in renamed else ""
        results[note.source_path] = IngestResult(str(note.file), status, detail)

    if changed or removed:
        notelinks_resolve_all()
        for row in changed:
            mentions_refresh_for_note(note=row)
        content_changed()
    return [results[n.source_path] for n in notes] + removed


def _title(source: note_source.NoteSource, stem: str) -> str:
    heading = _H1.search(source.body)
    return (source.get_str("title") or (heading.group(1) if heading else "") or stem)[:300]


def _write_note(row: Note, *, source: note_source.NoteSource, slug: str, source_path: str, content_hash: str,
                stem: str, title: str = "") -> Note:
    row.slug = slug
    row.title = title or _title(source, stem)
    row.body = source.text
    row.lang = (source.get_str("lang") or ("zh" if has_han(source.body) else "en"))[:10]
    row.source_path = source_path
    row.front_matter = source.front_matter
    row.aliases = source.get_list("aliases")
    row.tags = source.get_list("tags")
    row.content_hash = content_hash
    chapter = source.get_str("chapter")
    row.chapter = Chapter.objects.filter(slug=chapter).first() if chapter else None
    row.save()
    _write_links(row, source)
    return row


def _write_links(note: Note, source: note_source.NoteSource) -> None:
    """The note's wikilinks as rows, unresolved; `notelinks_resolve_all` resolves them."""
    note.links.all().delete()
    body = source.body
    rows = [
        NoteLink(
            source=note,
            target_text=link.target[:500],
            anchor=link.anchor[:300],
            display=link.display[:300],
            position=source.body_offset + link.start,
            context=sentence_around(body, link.start, link.end)[:500],
        )
        for link in find_wikilinks(body)
        if not link.embed
    ]
    NoteLink.objects.bulk_create(rows)


def _sync_attachments(note: Note, files: list[AttachmentFile]) -> None:
    keep = {f.path for f in files}
    note.attachments.exclude(path__in=keep).delete()
    existing = {a.path: a for a in note.attachments.all()}
    for f in files:
        row = existing.get(f.path)
        if row and row.sha256 == f.sha256:
            continue
        name = f"attachments/{f.sha256[:2]}/{f.sha256}{f.suffix}"
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(f.data))
        row = row or Attachment(note=note, path=f.path)
        row.file.name, row.sha256 = name, f.sha256
        row.save()


def notelinks_resolve_all(*, resolver=None, paper=None, note=None) -> int:
    """Resolve every note link against the notes, concepts and sections there are now; returns how many changed.

    With `paper` (just ingested), only the § links that could point into it: those naming it
    and those that pointed into it. With `note` (just written), only its own links, those that
    pointed to it and those naming it by any of its names now. Nothing else can have changed,
    and in a large library the other links are most of the work.
    """
    from kg.notes.store import note_ref, resolver_from_db
    from kg.notes.wikilinks import SECTION_SIGN, Resolver, WikiLink, may_name_paper

    resolver = resolver or resolver_from_db()
    links = NoteLink.objects.only("id", "source_id", "target_text", "anchor", "display", "position",
                                  "target_note_id", "target_concept_id", "target_section_id")
    notes = Note.objects.all()
    if paper is not None:
        inside = set(paper.sections.values_list("pk", flat=True))
        links = [link for link in links.filter(target_text__contains=SECTION_SIGN)
                 if link.target_section_id in inside
                 or may_name_paper(link.target_text, title=paper.title, filename=paper.filename)]
    elif note is not None:
        naming = Resolver(notes=[note_ref(note)])  # knows only this note
        links = [link for link in links if link.source_id == note.pk or link.target_note_id == note.pk
                 or naming.may_name_a_note(link.target_text)]
    if paper is not None or note is not None:
        notes = notes.filter(pk__in={link.source_id for link in links})  # the sources of those links only
    refs = {n.pk: note_ref(n) for n in notes.only("id", "slug", "source_path", "title", "aliases")}
    changed = []
    for link in links:
        wiki = WikiLink("", link.target_text, link.anchor, link.display, link.position, link.position)
        res = resolver.resolve(wiki, source=refs.get(link.source_id))
        target = (res.id if res.kind == "note" else None, res.id if res.kind == "concept" else None,
                  res.id if res.kind == "section" else None)
        if (link.target_note_id, link.target_concept_id, link.target_section_id) != target:
            link.target_note_id, link.target_concept_id, link.target_section_id = target
            changed.append(link)
    NoteLink.objects.bulk_update(changed, ["target_note", "target_concept", "target_section"], batch_size=500)
    return len(changed)


def _check_source(body: str) -> note_source.NoteSource:
    from django.conf import settings

    size = len(body.encode("utf-8"))
    if size > settings.NOTE_MAX_BYTES:
        raise ValidationError(f"The note is {size // 1024} KiB, larger than the limit of "
                              f"{settings.NOTE_MAX_BYTES // 1024} KiB.")
    try:
        return note_source.parse(body.replace("\r\n", "\n"))
    except note_source.NoteSourceError as exc:
        raise ValidationError(str(exc)) from None


@transaction.atomic
def note_create(*, title: str, body: str, user) -> Note:
    """A note written in the web editor; its slug comes from the front matter or the title."""
    from kg.services.linking import mentions_refresh_for_note

    source = _check_source(body)
    title = title.strip() or _title(source, "")
    if not title:
        raise ValidationError("A note needs a title.")
    base = slug_from(source.get_str("slug") or title) or "note"
    slug = unique_slug(base, lambda s: Note.objects.filter(slug=s).exists())
    note = _write_note(Note(), source=source, slug=slug, source_path="", content_hash="", stem="", title=title)
    notelinks_resolve_all(note=note)
    mentions_refresh_for_note(note=note)
    content_changed()
    return note


@transaction.atomic
def note_update(*, note: Note, title: str, body: str, user) -> Note:
    """Save an edit; the slug (and so the URL) stays."""
    from kg.services.linking import mentions_refresh_for_note

    source = _check_source(body)
    title = title.strip() or note.title
    note = _write_note(note, source=source, slug=note.slug, source_path=note.source_path,
                       content_hash=note.content_hash, stem="", title=title)
    notelinks_resolve_all(note=note)
    mentions_refresh_for_note(note=note)
    content_changed()
    return note


@transaction.atomic
def note_link_mention(*, note: Note, concept_slug: str, user) -> bool:
    """Turn the first unlinked mention of a concept in the note into a [[wikilink]]; False if there is none."""
    from kg.linking import matcher_for_concepts
    from kg.notes.store import resolver_from_db
    from kg.notes.wikilinks import WIKILINK, WikiLink, mask_code

    source = note_source.parse(note.body)
    masked = WIKILINK.sub(lambda m: " " * len(m.group()), mask_code(source.body))
    hit = next((h for h in matcher_for_concepts().find(masked) if h.key == concept_slug), None)
    if hit is None:
        return False
    text = source.body[hit.start:hit.end]
    resolution = resolver_from_db().resolve(WikiLink("", text, "", "", 0, 0))
    from kg.models import Concept

    concept = Concept.objects.filter(slug=concept_slug).first()
    plain = concept is not None and resolution.kind == "concept" and resolution.id == concept.pk
    link = f"[[{text}]]" if plain else f"[[concept:{concept_slug}|{text}]]"
    start = source.body_offset + hit.start
    body = note.body[:start] + link + note.body[start + len(text):]
    note_update(note=note, title=note.title, body=body, user=user)
    return True
