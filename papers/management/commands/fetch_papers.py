"""Download the reference reports from arXiv: `manage.py fetch_papers [--only ID ...]`.

Files land in PAPERS_DIR. A download goes to `<name>.part` first and resumes from there
with an HTTP Range request, so an interrupted run picks up where it stopped. Each file's
SHA-256 is printed (arXiv's copy may differ from the reference copy, which is said).
Exits non-zero on any failure, with one line saying why.
"""

import hashlib
import http.client
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm


@dataclass(frozen=True)
class Report:
    filename: str
    arxiv_id: str
    sha256: str  # of the reference copy in ../shared/papers


REPORTS = [
    Report("DeepSeek_V2.pdf", "2405.04434", "aedf0bf55b21049cd0f3a4a8b1807814ed4f5f418b75b4a4a06aa2006a494e63"),
    Report("DeepSeek_V3.pdf", "2412.19437", "1392807ef6297deefc421cea6633af0b819e15a0b7a4a6b0adba4bccdf0ab273"),
    Report("DeepSeek_R1.pdf", "2501.12948", "f03fc7290a99b48cb02f374b16f18a9b984a28170933111f0dde58822fdd5269"),
    Report(
        "Qwen3_Technical_Report.pdf", "2505.09388", "5c54b9fa76b5be63678c325c65f2c13dbdaff3f4a4a1cf1a26a2352a7afa91eb"
    ),
]
DEFAULT_BASE_URL = "https://arxiv.org/pdf/"
CHUNK = 64 * 1024


class FetchError(Exception):
    """One report could not be fetched; the message is one line."""


class Offline(FetchError):
    """The server cannot be reached at all: no point trying the other reports."""


class Command(BaseCommand):
    help = "Download the DeepSeek-V2/V3/R1 and Qwen3 reports from arXiv into PAPERS_DIR (resumable)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "ARXIV_PDF_URL", DEFAULT_BASE_URL),
            help="Where PDFs are fetched from as <base-url><arxiv id> (default: %(default)s).",
        )
        parser.add_argument("--only", nargs="+", metavar="ARXIV_ID", help="Fetch only these arXiv ids.")
        parser.add_argument("--timeout", type=float, default=30.0, help="Seconds to wait for the server.")

    def handle(self, *args, base_url: str, only: list[str] | None, timeout: float, verbosity: int, **options):
        reports = [r for r in REPORTS if not only or r.arxiv_id in only]
        if only and len(reports) != len(set(only)):
            known = ", ".join(r.arxiv_id for r in REPORTS)
            raise CommandError(f"unknown arXiv id in --only (known: {known})")
        folder = Path(settings.PAPERS_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        show_bar = verbosity >= 1 and sys.stderr.isatty()
        failures = 0
        for report in reports:
            target = folder / report.filename
            try:
                if target.exists():
                    status = "present"
                else:
                    url = base_url.rstrip("/") + "/" + report.arxiv_id
                    download(url, target, timeout=timeout, show_bar=show_bar)
                    status = "fetched"
            except Offline as exc:
                raise CommandError(str(exc)) from None
            except FetchError as exc:
                failures += 1
                self.stderr.write(self.style.ERROR(f"failed    {report.filename}: {exc}"))
                continue
            digest = sha256_of(target)
            note = "matches the reference copy" if digest == report.sha256 else "differs from the reference copy"
            if verbosity >= 1:
                self.stdout.write(f"{status:9} {report.filename}  sha256 {digest}  ({note})")
        if failures:
            raise CommandError(f"{failures} report(s) could not be fetched; run again to resume")


def download(url: str, target: Path, *, timeout: float, show_bar: bool = False) -> None:
    """Fetch `url` into `target`, resuming from `target`.part; raises FetchError."""
    part = target.with_name(target.name + ".part")
    offset = part.stat().st_size if part.exists() else 0
    if urlsplit(url).scheme not in ("http", "https"):
        raise Offline(f"the base URL must be http(s), not {url!r}")
    request = urllib.request.Request(url, headers={"User-Agent": "mianjing-graph fetch_papers"})  # noqa: S310
    if offset:
        request.add_header("Range", f"bytes={offset}-")
    try:
        response = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 - scheme checked above
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and offset:  # the part file is already whole
            return _finish(part, target)
        raise FetchError(f"HTTP {exc.code} {exc.reason} from {url}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise Offline(f"cannot reach {urlsplit(url).netloc} ({reason}); check the network and run again") from None
    with response:
        resumed = offset and response.status == 206
        if not resumed:
            offset = 0
        length = response.headers.get("Content-Length")
        total = offset + int(length) if length and length.isdigit() else None
        received = 0
        with (
            part.open("ab" if resumed else "wb") as out,
            tqdm(total=total, initial=offset, unit="B", unit_scale=True, desc=target.name, disable=not show_bar,
                 leave=False) as bar,
        ):
            try:
                while chunk := response.read(CHUNK):
                    out.write(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
            except (OSError, ValueError, http.client.HTTPException) as exc:  # IncompleteRead, reset, timeout
                raise FetchError(
                    f"download interrupted after {offset + received} bytes ({type(exc).__name__}); run again to resume"
                ) from None
        if length and length.isdigit() and received < int(length):
            raise FetchError(f"download interrupted after {offset + received} bytes; run again to resume")
    _finish(part, target)


def _finish(part: Path, target: Path) -> None:
    with part.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        part.unlink()
        raise FetchError("the server sent something that is not a PDF (a captcha or error page?)")
    part.replace(target)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
