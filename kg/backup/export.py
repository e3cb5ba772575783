"""Writing an archive: same library in, same bytes out."""

import datetime
import json
import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from kg.backup.spec import FORMAT, VERSION, concrete_fields, exported_models, file_fields, m2m_fields, table_name

# Zip entries carry a timestamp; a fixed one keeps two exports byte-identical.
EPOCH = (1980, 1, 1, 0, 0, 0)
Progress = Callable[[str], None]


class ExportError(Exception):
    """The library cannot be exported (e.g. a stored file is missing); one line why."""


class ArchiveEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (Django's drops them past milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat().replace("+00:00", "Z")
        return super().default(o)


def dumps(value) -> str:
    return json.dumps(value, cls=ArchiveEncoder, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def row_dict(obj: models.Model, model: type[models.Model]) -> dict:
    row = {}
    for field in concrete_fields(model):
        value = getattr(obj, field.attname)
        if isinstance(field, models.FileField):
            value = value.name if value else ""
        row[field.attname] = value
    for field in m2m_fields(model):
        row[field.name] = sorted(getattr(obj, f"_export_{field.name}", []))
    return row


def entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


@transaction.atomic  # one consistent snapshot of every table (REPEATABLE READ semantics per query on SQLite)
def archive_export(*, path: Path, progress: Progress | None = None) -> dict[str, int]:
    """Write the whole library to `path` (a zip); returns the row count of each table and of files."""
    path = Path(path)
    tmp = path.with_name(path.name + ".partial")
    counts: dict[str, int] = {}
    files: set[str] = set()
    try:
        with zipfile.ZipFile(tmp, "w", compresslevel=6) as archive:
            for model in exported_models():
                counts[model._meta.label] = 0
                through = _m2m_values(model)
                with archive.open(entry(table_name(model)), "w") as table:
                    for obj in model._base_manager.order_by("pk").iterator(chunk_size=2000):
                        for name, values in through.items():
                            setattr(obj, f"_export_{name}", values.get(obj.pk, []))
                        table.write((dumps(row_dict(obj, model)) + "\n").encode())
                        counts[model._meta.label] += 1
                        files.update(n for f in file_fields(model) if (n := getattr(obj, f.attname).name))
                if progress:
                    progress(model._meta.label)
            for name in sorted(files):
                if not default_storage.exists(name):
                    raise ExportError(f"stored file {name} is missing from MEDIA_ROOT; the archive would be incomplete")
                with default_storage.open(name, "rb") as source, archive.open(entry(f"files/{name}"), "w") as target:
                    shutil.copyfileobj(source, target, 1024 * 1024)
                if progress:
                    progress(name)
            # Last, so it can count everything; readers find it through the zip directory.
            manifest = {"format": FORMAT, "version": VERSION, "tables": counts, "files": len(files)}
            archive.writestr(entry("manifest.json"), dumps(manifest) + "\n")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    counts["files"] = len(files)
    return counts


def _m2m_values(model: type[models.Model]) -> dict[str, dict[int, list[int]]]:
    """For each many-to-many field, {row pk: [related pks]} in one query per field."""
    result: dict[str, dict[int, list[int]]] = {}
    for field in m2m_fields(model):
        through = field.remote_field.through
        source = field.m2m_field_name()
        target = field.m2m_reverse_field_name()
        mapping: dict[int, list[int]] = {}
        for own, other in through.objects.values_list(f"{source}_id", f"{target}_id"):
            mapping.setdefault(own, []).append(other)
        result[field.name] = mapping
    return result
