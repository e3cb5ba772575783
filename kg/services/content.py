"""Load the bundled content folder: chapters, concept vocabulary, notes, questions.

Formats: content/README.md. Each YAML file reports one line (new, updated, unchanged);
a file that is not valid YAML fails whole, with its line, and changes nothing; an entry
with a bad reference fails alone (`file:line: why`) and the rest of its file loads.
Loading the same folder twice changes nothing. Concepts and chapters are never deleted
(the admin may have added some); relations of the concepts in content/ follow content/;
questions no longer in content/ are removed when every question file loaded.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import transaction

from kg.ingest import IngestResult, collect
from kg.models import Chapter, Concept, ConceptRelation


@dataclass
class Entry:
    data: dict
    line: int
    node: yaml.Node | None = None

    def line_of(self, key: str, index: int) -> int:
        """The line of item `index` of list `key` in this entry (the entry's line when unknown)."""
        for key_node, value_node in getattr(self.node, "value", []):
            is_list = getattr(key_node, "value", None) == key and isinstance(value_node, yaml.SequenceNode)
            if is_list and index < len(value_node.value):
                return value_node.value[index].start_mark.line + 1
        return self.line


class _Run:
    """One load: its results, and whether anything changed."""

    def __init__(self, root: Path):
        self.root = root
        self.results: list[IngestResult] = []
        self.changed = False

    def name(self, path: Path, line: int = 0) -> str:
        rel = path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else str(path)
        return f"{self.root.name}/{rel}" + (f":{line}" if line else "")

    def fail(self, path: Path, line: int, why: str) -> None:
        self.results.append(IngestResult(self.name(path, line), "failed", why))

    def done(self, path: Path, changed: bool, created: bool) -> None:
        self.changed |= changed
        status = "new" if created else "updated" if changed else "unchanged"
        self.results.append(IngestResult(self.name(path), status))


def read_entries(path: Path, run: _Run) -> list[Entry] | None:
    """The mappings of a YAML list file with their line numbers; None (and a failed line) if unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except UnicodeDecodeError as exc:
        run.fail(path, 0, f"not UTF-8 text (byte {exc.start})")
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        run.fail(path, mark.line + 1 if mark else 0, f"not valid YAML ({getattr(exc, 'problem', None) or exc})")
        return None
    except OSError as exc:
        run.fail(path, 0, f"cannot read file ({exc.strerror or exc})")
        return None
    if data is None:
        return []
    if not isinstance(data, list):
        run.fail(path, 1, "expected a list of entries ('- key: value')")
        return None
    entries = []
    for item, item_node in zip(data, node.value, strict=False):
        line = item_node.start_mark.line + 1
        if not isinstance(item, dict):
            run.fail(path, line, "entry is not a mapping")
            continue
        entries.append(Entry(item, line, item_node))
    return entries


def _set(row, values: dict) -> bool:
    changed = False
    for field, value in values.items():
        if getattr(row, field) != value:
            setattr(row, field, value)
            changed = True
    return changed


def upsert(model, lookup: dict, values: dict):
    """The row found by `lookup`, created or brought up to `values`; returns (row, created, changed)."""
    row = model.objects.filter(**lookup).first()
    if row is None:
        return model.objects.create(**lookup, **values), True, True
    if not _set(row, values):
        return row, False, False
    row.save()
    return row, False, True


def _text(value, limit: int) -> str:
    return str(value).strip()[:limit] if value is not None and not isinstance(value, list | dict) else ""


def _strings(value) -> list[str]:
    if isinstance(value, str):
        value = [value]
    return [str(v).strip() for v in value or [] if isinstance(v, str | int | float) and str(v).strip()]


def load_chapters(run: _Run, path: Path) -> None:
    entries = read_entries(path, run)
    if entries is None:
        return
    changed, created = False, 0
    for entry in entries:
        slug, number = _text(entry.data.get("slug"), 64), entry.data.get("number")
        if not slug or not isinstance(number, int):
            run.fail(path, entry.line, "a chapter needs a slug and a whole number")
            continue
        values = {"number": number, "title": _text(entry.data.get("title"), 200) or slug,
                  "title_zh": _text(entry.data.get("title_zh"), 200)}
        row = Chapter.objects.filter(slug=slug).first()
        if row is None:
            Chapter.objects.filter(number=number).exclude(slug=slug).update(number=10_000 + number)
            Chapter.objects.create(slug=slug, **values)
            created += 1
            changed = True
        elif _set(row, values):
            Chapter.objects.filter(number=number).exclude(pk=row.pk).update(number=10_000 + number)
            row.save()
            changed = True
    run.done(path, changed, created == len(entries) > 0)


def load_concepts(run: _Run, files: list[Path]) -> None:
    chapters = dict(Chapter.objects.values_list("slug", "id"))
    kinds = set(Concept.Kind.values)
    per_file: dict[Path, list[Entry]] = {}
    for path in files:
        entries = read_entries(path, run)
        if entries is not None:
            per_file[path] = entries
    # Concepts first (relations may point into a later file), then relations.
    status: dict[Path, list[bool]] = {}
    rows: dict[str, Concept] = {}
    for path, entries in per_file.items():
        changed, created = False, 0
        for entry in entries:
            d = entry.data
            slug = _text(d.get("slug"), 80)
            if not slug or slug != slug.lower() or " " in slug:
                run.fail(path, entry.line, f"bad concept slug {slug!r} (lowercase kebab-case)")
                continue
            kind = _text(d.get("kind"), 20) or Concept.Kind.ARCHITECTURE
            chapter = _text(d.get("chapter"), 64)
            if kind not in kinds:
                run.fail(path, entry.line, f"unknown kind {kind!r} for concept {slug}")
                continue
            if chapter and chapter not in chapters:
                run.fail(path, entry.line, f"unknown chapter {chapter!r} for concept {slug}")
                continue
            values = {"name": _text(d.get("name"), 200) or slug, "acronym": _text(d.get("acronym"), 40),
                      "name_zh": _text(d.get("name_zh"), 200), "aliases": _strings(d.get("aliases")),
                      "summary": _text(d.get("summary"), 20_000), "kind": kind,
                      "chapter_id": chapters.get(chapter)}
            row, new, touched = upsert(Concept, {"slug": slug}, values)
            created += new
            changed = changed or touched
            rows[slug] = row
        status[path] = [changed, created == len(entries) > 0]
    ids = dict(Concept.objects.values_list("slug", "id"))
    types = set(ConceptRelation.Type.values)
    for path, entries in per_file.items():
        for entry in entries:
            source = rows.get(_text(entry.data.get("slug"), 80))
            if source is None:
                continue
            wanted = set()
            for i, rel in enumerate(entry.data.get("relations") or []):
                rtype, target = (rel.get("type"), rel.get("target")) if isinstance(rel, dict) else (None, None)
                if rtype not in types or target not in ids or target == source.slug:
                    why = (f"unknown relation type {rtype!r}" if rtype not in types else
                           "relation to itself" if target == source.slug else f"unknown relation target {target!r}")
                    run.fail(path, entry.line_of("relations", i), f"{why} in relations of {source.slug}")
                    continue
                wanted.add((ids[target], rtype))
            have = set(source.outgoing.values_list("target_id", "type"))
            if have != wanted:
                source.outgoing.exclude(pk__in=[r.pk for r in source.outgoing.all()
                                                if (r.target_id, r.type) in wanted]).delete()
                ConceptRelation.objects.bulk_create(
                    [ConceptRelation(source=source, target_id=t, type=ty) for t, ty in wanted - have])
                status[path][0] = True
    for path, (changed, created) in status.items():
        run.done(path, changed, created)


@transaction.atomic
def content_ingest(*, root: Path, force: bool = False) -> list[IngestResult]:
    """Load chapters, concepts, notes and questions from `root`; `force` rebuilds every mention."""
    from kg.services.linking import mentions_refresh_all
    from kg.services.notes import notes_ingest_folder
    from kg.services.questions import load_questions, questions_resolve_sections
    from kg.versioning import content_changed

    run = _Run(root)
    if (root / "chapters.yaml").is_file():
        load_chapters(run, root / "chapters.yaml")
    concept_files = sorted((root / "concepts").glob("*.yaml")) if (root / "concepts").is_dir() else []
    if (root / "concepts.yaml").is_file():
        concept_files.insert(0, root / "concepts.yaml")
    load_concepts(run, concept_files)
    vocabulary_changed = run.changed
    notes_root = root / "notes"
    note_results = notes_ingest_folder(root=notes_root, files=collect(notes_root, ".md")) \
        if notes_root.is_dir() else []
    run.results.extend(note_results)
    if (root / "questions").is_dir():
        load_questions(run, sorted((root / "questions").glob("*.yaml")))
    notes_changed = any(r.status in ("new", "updated", "removed") for r in note_results)
    if run.changed or notes_changed or force:
        questions_resolve_sections()
        if vocabulary_changed or force:
            mentions_refresh_all()
        content_changed()
    return run.results
