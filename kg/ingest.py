"""One ingest entry point for every file type, with one report format and one error policy.

`ingest_paths` walks files and folders and dispatches by type:
- a folder holding `concepts/` or `concepts.yaml` is a content folder (vocabulary, notes, questions);
- other folders are walked: their PDFs are papers, their Markdown files one notes vault;
- single `.pdf` and `.md` files go to the paper and note services.
Each file gets one `IngestResult`; a failure is recorded and the batch goes on.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

STATUSES = ("new", "unchanged", "updated", "removed", "failed", "skipped")


@dataclass
class IngestResult:
    path: str
    status: str  # one of STATUSES
    detail: str = ""  # for "failed": the reason, one line

    def line(self) -> str:
        return f"{self.status:9} {self.path}" + (f": {self.detail}" if self.detail else "")

    @property
    def failed(self) -> bool:
        return self.status == "failed"


Progress = Callable[[str], None]


def is_content_folder(path: Path) -> bool:
    return path.is_dir() and ((path / "concepts").is_dir() or (path / "concepts.yaml").is_file())


def collect(path: Path, suffix: str) -> list[Path]:
    hidden = lambda p: any(part.startswith(".") for part in p.relative_to(path).parts)  # noqa: E731
    return sorted(p for p in path.rglob(f"*{suffix}") if p.is_file() and not hidden(p))


def ingest_paths(
    paths: Iterable[Path], *, force: bool = False, pdf_only: bool = False, progress: Progress | None = None
) -> list[IngestResult]:
    """Ingest each path; `pdf_only` takes only the PDFs of plain folders (a folder of reports)."""
    from kg.services.content import content_ingest
    from kg.services.notes import notes_ingest_files, notes_ingest_folder
    from papers.services import paper_ingest

    results: list[IngestResult] = []
    for path in paths:
        if not path.exists():
            results.append(IngestResult(str(path), "failed", "no such file or folder"))
        elif is_content_folder(path):
            results.extend(content_ingest(root=path, force=force))
        elif path.is_dir():
            for pdf in collect(path, ".pdf"):
                results.append(paper_ingest(path=pdf, force=force))
                if progress:
                    progress(str(pdf))
            markdown = [] if pdf_only else collect(path, ".md")
            if markdown:
                results.extend(notes_ingest_folder(root=path, files=markdown))
        elif path.suffix.lower() == ".pdf":
            results.append(paper_ingest(path=path, force=force))
        elif path.suffix.lower() in {".md", ".markdown"}:
            results.extend(notes_ingest_files(files=[path]))
        else:
            results.append(IngestResult(str(path), "failed", "not a PDF or Markdown file"))
        if progress and not path.is_dir():
            progress(str(path))
    return results
