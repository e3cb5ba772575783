"""Writes for papers: ingest a PDF into a Paper and its Section tree, whole or not at all.

Idempotent by SHA-256: the same bytes twice add nothing. `force` re-parses in place and
keeps the rows of sections that still exist (matched by number, then title), so note
links, mentions and trace verdicts pointing at them stay valid.
"""

import hashlib
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from kg.ingest import IngestResult
from papers.isolation import MB, parse_pdf_isolated
from papers.models import Paper, Section
from papers.parsing import PARSER_VERSION, ParsedPaper, ParsedSection, ParseError

# The header may follow a little junk, but must start within the first KiB (PDF 1.7, 7.5.2).
PDF_MAGIC = b"%PDF-"
RESERVED_SLUGS = {"upload"}  # taken by papers/urls.py
SLUG_NOISE = re.compile(r"\b(technical report|tech report|report|paper)\b", re.IGNORECASE)


@dataclass
class PaperIngest:
    result: IngestResult
    paper: Paper | None = None


def paper_ingest(*, path: Path, force: bool = False) -> IngestResult:
    """Ingest one PDF file; returns new, unchanged, updated or failed with a one-line reason."""
    try:
        size = path.stat().st_size
        if size > settings.PDF_MAX_BYTES:
            return IngestResult(str(path), "failed", _too_big(size))
        data = path.read_bytes()
    except OSError as exc:
        return IngestResult(str(path), "failed", f"cannot read file ({exc.strerror or exc})")
    return paper_ingest_bytes(data=data, filename=path.name, label=str(path), force=force).result


def paper_ingest_bytes(*, data: bytes, filename: str, label: str = "", force: bool = False) -> PaperIngest:
    """Ingest a PDF given as bytes (an upload); returns the result and the paper, if any."""
    label = label or filename
    problem = pdf_problem(data)
    if problem:
        return PaperIngest(IngestResult(label, "failed", problem))
    sha256 = hashlib.sha256(data).hexdigest()
    existing = Paper.objects.filter(sha256=sha256).first()
    if existing and not force:
        _restore_file(existing, data)
        return PaperIngest(IngestResult(label, "unchanged"), existing)
    try:
        parsed = parse_pdf_isolated(
            data,
            filename=filename,
            timeout=settings.PDF_PARSE_TIMEOUT,
            max_pages=settings.PDF_MAX_PAGES,
            memory_bytes=getattr(settings, "PDF_PARSE_MEMORY_MB", 1024) * MB,
        )
    except ParseError as exc:
        return PaperIngest(IngestResult(label, "failed", str(exc)))
    return _store(data=data, sha256=sha256, filename=filename, label=label, parsed=parsed, force=force)


def _restore_file(paper: Paper, data: bytes) -> None:
    """Put the stored copy back if it went missing (media wiped), so pages still render."""
    if paper.file and default_storage.exists(paper.file.name):
        return
    name = default_storage.save(f"papers/{uuid.uuid4().hex}.pdf", ContentFile(data))
    if Paper.objects.filter(pk=paper.pk).update(file=name):
        paper.file.name = name
    else:
        default_storage.delete(name)


def pdf_problem(data: bytes) -> str:
    """Why `data` cannot be a PDF we accept, judged from size and magic bytes; "" when fine."""
    if len(data) > settings.PDF_MAX_BYTES:
        return _too_big(len(data))
    if not data:
        return "empty file"
    if PDF_MAGIC not in data[:1024]:
        start = data[:40].decode("latin-1").split("\n")[0].strip()
        kind = "an HTML page" if b"<html" in data[:2048].lower() or b"<!doctype" in data[:2048].lower() else "data"
        return f"not a PDF: the file is {kind} (starts with {start[:30]!r})"
    return ""


def _too_big(size: int) -> str:
    return f"file is {size / MB:.1f} MB, over the limit of {settings.PDF_MAX_BYTES / MB:.0f} MB (PDF_MAX_BYTES)"


def _store(*, data: bytes, sha256: str, filename: str, label: str, parsed: ParsedPaper, force: bool) -> PaperIngest:
    stored_name = default_storage.save(f"papers/{uuid.uuid4().hex}.pdf", ContentFile(data))
    keep_file = False
    try:
        for attempt in range(3):
            try:
                paper, status = _write(
                    sha256=sha256, filename=filename, stored_name=stored_name, parsed=parsed, force=force
                )
                keep_file = paper.file.name == stored_name
                return PaperIngest(IngestResult(label, status), paper)
            except IntegrityError:
                # A concurrent ingest stored the same bytes first (unique sha256): that is
                # success for us. Otherwise it may have taken our slug: try a fresh one.
                paper = Paper.objects.filter(sha256=sha256).first()
                if paper:
                    return PaperIngest(IngestResult(label, "unchanged"), paper)
                if attempt == 2:
                    raise
    except Exception as exc:
        reason = " ".join(f"could not store the paper ({type(exc).__name__}: {exc})".split())[:300]
        return PaperIngest(IngestResult(label, "failed", reason))
    finally:
        if not keep_file:
            default_storage.delete(stored_name)


@transaction.atomic
def _write(
    *, sha256: str, filename: str, stored_name: str, parsed: ParsedPaper, force: bool
) -> tuple[Paper, str]:
    from kg.services.linking import mentions_refresh_for_paper
    from kg.versioning import content_changed

    paper = Paper.objects.select_for_update().filter(sha256=sha256).first()
    if paper and not force:  # a concurrent ingest stored it while we parsed
        return paper, "unchanged"
    fields = {
        "title": _clip(parsed.title or Path(filename).stem, 500),
        "authors": [_clip(author, 300) for author in parsed.authors],
        "abstract": _clean(parsed.abstract),
        "arxiv_id": _clip(parsed.arxiv_id, 32),
        "filename": _clip(filename, 255),
        "page_count": parsed.pages,
        "parser_version": PARSER_VERSION,
        "outline_source": parsed.outline_source if parsed.outline_source in ("outline", "layout") else "layout",
    }
    if paper is None:
        status = "new"
        paper = Paper.objects.create(
            sha256=sha256, slug=_unique_slug(parsed.title, filename), file=stored_name, **fields
        )
    else:
        status = "updated"
        for name, value in fields.items():
            setattr(paper, name, value)
        if not paper.file or not default_storage.exists(paper.file.name):
            paper.file.name = stored_name
        paper.save()
    _write_sections(paper=paper, parsed=parsed.sections, pages=max(parsed.pages, 1))
    mentions_refresh_for_paper(paper=paper)
    content_changed()
    return paper, status


def _write_sections(*, paper: Paper, parsed: list[ParsedSection], pages: int) -> None:
    """Replace the paper's sections with `parsed`, reusing the rows of sections that remain."""
    from kg.models import TraceVerdict

    old = list(paper.sections.all())
    by_key = {section.key: section for section in old if section.number}
    by_title: dict[str, list[Section]] = {}
    for section in old:
        by_title.setdefault(section.title.casefold(), []).append(section)

    # Park the old rows on keys and orders no new section uses, so reordering cannot
    # collide with the unique constraints half way through.
    # Detach parents first: deleting a dropped parent must not cascade to a kept child.
    for section in old:
        section.key, section.order, section.parent = f"~{section.pk}", 1_000_000 + section.pk, None
    Section.objects.bulk_update(old, ["key", "order", "parent"], batch_size=200)

    used: set[int] = set()
    keys: set[str] = set()
    rows: list[Section] = []
    for order, item in enumerate(parsed):
        number = _clip(item.number.strip(), 32)
        key = _key(number, order, keys)
        keys.add(key)
        match = by_key.get(key) if number else None
        if match is None or match.pk in used:
            match = next((s for s in by_title.get(item.title.casefold(), []) if s.pk not in used), None)
        row = match or Section(paper=paper)
        if match:
            used.add(match.pk)
        page = min(max(item.page, 1), pages)
        row.order, row.key, row.number = order, key, number
        row.title = _clip(item.title, 500)
        row.level = max(item.level, 1)
        row.kind = item.kind if item.kind in Section.Kind.values else Section.Kind.BODY
        row.page_start = row.heading_page = page
        row.page_end = min(max(item.page_end, page), pages)
        row.text, row.footnotes = _clean(item.text), _clean(item.footnotes)
        row.heading_bbox = [round(float(v), 2) for v in item.bbox] if item.bbox else []
        row.parent = None
        rows.append(row)

    Section.objects.filter(paper=paper).exclude(pk__in=used).delete()
    fields = ["order", "key", "number", "title", "level", "kind", "page_start", "page_end", "text", "footnotes",
              "heading_page", "heading_bbox", "parent"]
    Section.objects.bulk_update([row for row in rows if row.pk], fields, batch_size=200)
    Section.objects.bulk_create([row for row in rows if not row.pk], batch_size=200)

    stack: list[Section] = []
    for row in rows:
        while stack and stack[-1].level >= row.level:
            stack.pop()
        row.parent = stack[-1] if stack else None
        stack.append(row)
    Section.objects.bulk_update([row for row in rows if row.parent], ["parent"], batch_size=200)

    # Verdicts on a section that went away and came back (same key) point at it again.
    by_new_key = {row.key: row for row in rows}
    for verdict in TraceVerdict.objects.filter(paper=paper, section__isnull=True):
        if verdict.section_key in by_new_key:
            verdict.section = by_new_key[verdict.section_key]
            verdict.save(update_fields=["section"])


def _key(number: str, order: int, taken: set[str]) -> str:
    key = re.sub(r"[^\w.]+", "-", number).strip("-.")[:40]
    return key if key and key not in taken else f"s{order}"


def _unique_slug(title: str, filename: str) -> str:
    base = paper_slug(title) or slugify(Path(filename).stem)[:60] or "paper"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Paper.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def paper_slug(title: str) -> str:
    """The short name of a report title: "DeepSeek-V3 Technical Report" -> "deepseek-v3"."""
    name = title.split(":")[0]
    name = SLUG_NOISE.sub(" ", name)
    words = name.split()[:6]
    return slugify(" ".join(words))[:60].strip("-")


def _clip(text: str, length: int) -> str:
    return _clean(text)[:length]


def _clean(text: str) -> str:
    """Text any database stores: no NUL (PostgreSQL refuses it), no lone surrogates."""
    text = (text or "").replace("\x00", "")
    return text.encode("utf-8", "replace").decode("utf-8")
