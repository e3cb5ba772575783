"""Write notes from Markdown files. Placeholder until the notes service lands."""

from pathlib import Path

from kg.ingest import IngestResult


def notes_ingest_folder(*, root: Path, files: list[Path]) -> list[IngestResult]:
    return [IngestResult(str(f), "skipped", "notes service not built yet") for f in files]


def notes_ingest_files(*, files: list[Path]) -> list[IngestResult]:
    return [IngestResult(str(f), "skipped", "notes service not built yet") for f in files]
