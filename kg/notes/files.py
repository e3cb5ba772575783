"""Reading a note file and the images it links to, before anything is written."""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings

from kg.notes import source as note_source
from kg.notes.render import normalise_attachment_path

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# Raster images only: an SVG opened on its own would run its scripts on this site.
IMAGE_MAGIC = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
}
_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\(\s*<?([^)\s>]+)")
_WIKI_IMAGE = re.compile(r"!\[\[([^\]|#\n]+)")


@dataclass
class AttachmentFile:
    path: str  # as written in the note, normalised, relative to the note
    data: bytes
    sha256: str
    suffix: str


@dataclass
class NoteFile:
    file: Path
    source_path: str  # "<folder name>/<path in folder>", how wikilinks find it
    source: note_source.NoteSource | None = None
    error: str = ""
    attachments: list[AttachmentFile] = field(default_factory=list)
    content_hash: str = ""


def image_refs(body: str) -> list[str]:
    refs = [m.group(1) for m in _MD_IMAGE.finditer(body)] + [m.group(1).strip() for m in _WIKI_IMAGE.finditer(body)]
    return [r for r in dict.fromkeys(refs) if not re.match(r"^[a-z][a-z0-9+.\-]*:|^/", r, re.I)]


def read_note_file(file: Path, *, root: Path, source_path: str) -> NoteFile:
    """Read, decode and parse one note and its images; a problem becomes `error` ("line N: what")."""
    note = NoteFile(file=file, source_path=source_path)
    try:
        size = file.stat().st_size
        if size > settings.NOTE_MAX_BYTES:
            note.error = f"note is {size // 1024} KiB, larger than the limit of {settings.NOTE_MAX_BYTES // 1024} KiB"
            return note
        data = file.read_bytes()
    except OSError as exc:
        note.error = f"cannot read file ({exc.strerror or exc})"
        return note
    try:
        note.source = note_source.read(data)
    except note_source.NoteSourceError as exc:
        note.error = str(exc)
        return note
    note.attachments = _attachments(note.source.body, folder=file.parent, root=root)
    digest = hashlib.sha256(data)
    for attachment in note.attachments:
        digest.update(f"\0{attachment.path}\0{attachment.sha256}".encode())
    note.content_hash = digest.hexdigest()
    return note


def _attachments(body: str, *, folder: Path, root: Path) -> list[AttachmentFile]:
    found = []
    root = root.resolve()
    for ref in image_refs(body):
        written = normalise_attachment_path(unquote(ref))
        path = (folder / unquote(ref)).resolve()
        suffix = path.suffix.lower()
        if suffix not in IMAGE_MAGIC or (root != path and root not in path.parents) or not path.is_file():
            continue  # shown as a broken image; the note itself is fine
        try:
            if path.stat().st_size > ATTACHMENT_MAX_BYTES:
                continue
            data = path.read_bytes()
        except OSError:
            continue
        if not data.startswith(IMAGE_MAGIC[suffix]):
            continue
        found.append(AttachmentFile(written, data, hashlib.sha256(data).hexdigest(), suffix))
    return found
