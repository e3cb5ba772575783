"""Load the bundled content folder (vocabulary, notes, questions). Placeholder until the loader lands."""

from pathlib import Path

from kg.ingest import IngestResult


def content_ingest(*, root: Path, force: bool = False) -> list[IngestResult]:
    return [IngestResult(str(root), "skipped", "content loader not built yet")]
