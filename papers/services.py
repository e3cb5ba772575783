"""Writes for papers. Placeholder until the ingest service lands."""

from pathlib import Path

from kg.ingest import IngestResult


def paper_ingest(*, path: Path, force: bool = False) -> IngestResult:
    return IngestResult(str(path), "skipped", "paper service not built yet")
