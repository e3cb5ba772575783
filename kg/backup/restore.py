"""Reading an archive back into an empty database, whole or not at all."""

import contextlib
import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction

from kg.backup.spec import FORMAT, VERSION, concrete_fields, exported_models, m2m_fields, table_name

BATCH = 1000
Progress = Callable[[str], None]


class ArchiveError(Exception):
    """The archive cannot be restored here; the message is one line saying why."""


def library_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in exported_models()}


def archive_import(*, path: Path, progress: Progress | None = None) -> dict[str, int]:
    """Restore the archive at `path` into this (empty) database; returns the rows of each table."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ArchiveError(f"{path} is not a readable archive ({exc})") from None
    with archive:
        manifest = _manifest(archive)
        present = {label: n for label, n in library_counts().items() if n}
        if present:
            held = ", ".join(f"{n} {label}" for label, n in present.items())
            raise ArchiveError(f"the database is not empty ({held}); import restores only into an empty database")
        written: list[str] = []
        try:
            counts = _restore(archive, manifest, written, progress)
        except BaseException:
            for name in written:  # the rows rolled back; their files go too
                default_storage.delete(name)
            raise
    return counts


def _manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError):
        raise ArchiveError("archive has no valid manifest.json; it was not written by `manage.py export`") from None
    if manifest.get("format") != FORMAT:
        raise ArchiveError(f"archive format is {manifest.get('format')!r}, expected {FORMAT!r}")
    if manifest.get("version") != VERSION:
        raise ArchiveError(f"archive version {manifest.get('version')} is not supported (this build reads {VERSION})")
    return manifest


@transaction.atomic
def _restore(archive: zipfile.ZipFile, manifest: dict, written: list[str], progress: Progress | None) -> dict:
    from kg.versioning import content_changed

    counts: dict[str, int] = {}
    for model in exported_models():
        label = model._meta.label
        counts[label] = _restore_table(archive, model, written)
        expected = manifest["tables"].get(label, 0)
        if counts[label] != expected:
            raise ArchiveError(f"{table_name(model)} holds {counts[label]} rows but the manifest says {expected}")
        if progress:
            progress(label)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), exported_models()):
            cursor.execute(statement)
    _check_paper_files()
    content_changed()
    counts["files"] = len(written)
    return counts


def _rows(archive: zipfile.ZipFile, model: type[models.Model]) -> Iterator[dict]:
    name = table_name(model)
    try:
        handle = archive.open(name)
    except KeyError:
        raise ArchiveError(f"archive lacks {name}") from None
    with handle:
        for number, line in enumerate(handle, start=1):
            try:
                yield json.loads(line)
            except ValueError:
                raise ArchiveError(f"{name} line {number} is not JSON") from None


def _restore_table(archive: zipfile.ZipFile, model: type[models.Model], written: list[str]) -> int:
    fields = concrete_fields(model)
    many = m2m_fields(model)
    objects: list[models.Model] = []
    links: dict[str, list[tuple[int, int]]] = {field.name: [] for field in many}
    total = 0
    with _timestamps_as_stored(model):
        for row in _rows(archive, model):
            obj = model()
            for field in fields:
                if field.attname not in row:
                    raise ArchiveError(f"{table_name(model)} row {row.get('id')} lacks {field.attname}")
                value = row[field.attname]
                if isinstance(field, models.FileField):
                    value = _restore_file(archive, value, written) if value else ""
                elif value is not None and not field.is_relation:
                    value = field.to_python(value)
                setattr(obj, field.attname, value)
            for field in many:
                links[field.name].extend((obj.pk, other) for other in row.get(field.name, []))
            objects.append(obj)
            if len(objects) >= BATCH:
                model._base_manager.bulk_create(objects)
                total += len(objects)
                objects.clear()
        model._base_manager.bulk_create(objects)
        total += len(objects)
    for field in many:
        through = field.remote_field.through
        source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
        through.objects.bulk_create(
            [through(**{source: own, target: other}) for own, other in links[field.name]], batch_size=BATCH
        )
    return total


def _restore_file(archive: zipfile.ZipFile, name: str, written: list[str]) -> str:
    member = f"files/{name}"
    try:
        info = archive.getinfo(member)
    except KeyError:
        raise ArchiveError(f"archive lacks the stored file {member}") from None
    if default_storage.exists(name):
        raise ArchiveError(f"MEDIA_ROOT already holds {name}; restore into an empty media folder")
    with archive.open(info) as source:
        saved = default_storage.save(name, source)
    written.append(saved)
    if saved != name:
        raise ArchiveError(f"could not store {name} under its own name (got {saved})")
    return saved


def _check_paper_files() -> None:
    from papers.models import Paper

    for paper in Paper.objects.exclude(file="").only("slug", "sha256", "file"):
        digest = hashlib.sha256()
        with default_storage.open(paper.file.name, "rb") as handle:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
        if digest.hexdigest() != paper.sha256:
            raise ArchiveError(f"the PDF of paper {paper.slug} does not match its SHA-256; the archive is damaged")


@contextlib.contextmanager
def _timestamps_as_stored(model: type[models.Model]):
    """auto_now / auto_now_add would overwrite archived times with now(): turn them off meanwhile."""
    changed = []
    for field in model._meta.concrete_fields:
        for flag in ("auto_now", "auto_now_add"):
            if getattr(field, flag, False):
                setattr(field, flag, False)
                changed.append((field, flag))
    try:
        yield
    finally:
        for field, flag in changed:
            setattr(field, flag, True)
