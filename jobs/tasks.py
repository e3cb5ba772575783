"""Background jobs. Each is idempotent: running one twice leaves the database as once."""

from pathlib import Path

from django_tasks import task

from kg.ingest import IngestResult


class IngestFailed(Exception):
    """The file could not be ingested; the message is the one-line reason."""


@task()
def ingest_file(path: str, force: bool = False) -> dict:
    """Ingest one PDF (or Markdown file) by path; the path must be readable by every worker."""
    from kg.ingest import ingest_paths
    from papers.services import paper_ingest

    file = Path(path)
    if file.suffix.lower() == ".pdf":
        results = [paper_ingest(path=file, force=force)]
    else:
        results = ingest_paths([file], force=force)
    failed = [result for result in results if result.failed]
    if failed:
        raise IngestFailed("; ".join(result.line() for result in failed))
    return summary(results)


def summary(results: list[IngestResult]) -> dict:
    return {"results": [{"path": r.path, "status": r.status, "detail": r.detail} for r in results]}
