"""Parse untrusted PDFs in a forked child with memory, time and page limits.

The child is forked from this process, which has already imported PyMuPDF, so isolation
costs a fork and a pipe (milliseconds), not a fresh interpreter. Whatever happens in the
child (a MuPDF segfault, running out of memory, an endless loop) becomes a `ParseError`
with one line saying why, and the calling web or worker process lives on.

The child sends its result back as JSON rather than pickle: a child compromised by a
malicious file must not be able to run code in the parent by crafting the reply.
"""

import contextlib
import faulthandler
import json
import os
import resource
import select
import signal
import time
from collections.abc import Callable
from dataclasses import asdict

import pymupdf

from papers.parsing.types import ParsedPaper, ParsedSection, ParseError

# Tests set this to make the child misbehave (segfault, allocate, sleep) before parsing.
_child_hook: Callable[[], None] | None = None

MB = 1024 * 1024
OK, FAILED = b"+", b"-"
TRUNCATED = "truncated PDF (the end of the file is missing): download it again"


def check_document(data: bytes, *, max_pages: int) -> None:
    """Cheap structural checks before the parser runs; raises ParseError with the reason."""
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # FileDataError, RuntimeError, EmptyFileError and MuPDF format errors alike
        if b"%%EOF" not in data[-2048:]:
            raise ParseError(TRUNCATED) from None
        raise ParseError(f"not a readable PDF ({_one_line(exc)})") from None
    with doc:
        try:
            _check_open_document(doc, data, max_pages)
        except ParseError:
            raise
        except Exception as exc:  # the page tree or fonts of a damaged file
            raise ParseError(f"damaged PDF ({_one_line(exc)})") from None


def _check_open_document(doc: pymupdf.Document, data: bytes, max_pages: int) -> None:
    # MuPDF repairs what it can; a file cut short still "opens" with pages missing.
    if doc.is_repaired and b"%%EOF" not in data[-2048:]:
        raise ParseError(TRUNCATED)
    if doc.needs_pass or doc.is_encrypted:
        raise ParseError("encrypted PDF: remove the password first")
    if doc.page_count == 0:
        raise ParseError("PDF has no pages")
    if doc.page_count > max_pages:
        raise ParseError(f"PDF has {doc.page_count} pages, over the limit of {max_pages} (PDF_MAX_PAGES)")
    # Scanned PDFs carry images and no fonts: there is no text to parse.
    if not any(doc.get_page_fonts(number) for number in range(doc.page_count)):
        raise ParseError("PDF has no text layer (a scan?): run OCR on it first")


def parse_checked(data: bytes, *, filename: str, ignore_outline: bool, max_pages: int) -> ParsedPaper:
    """Checks, then the parser, in this process. Every exception becomes a ParseError."""
    from papers.parsing import parse_pdf

    check_document(data, max_pages=max_pages)
    try:
        parsed = parse_pdf(data, filename=filename, ignore_outline=ignore_outline)
    except ParseError:
        raise
    except MemoryError:
        raise ParseError("parser ran out of memory") from None
    except Exception as exc:
        raise ParseError(f"parser failed ({type(exc).__name__}: {_one_line(exc)})") from None
    if not parsed.title and not any(section.text.strip() for section in parsed.sections):
        raise ParseError("PDF has no text layer (a scan?): run OCR on it first")
    return parsed


def parse_pdf_isolated(
    data: bytes,
    *,
    filename: str = "",
    ignore_outline: bool = False,
    timeout: float = 60,
    max_pages: int = 300,
    memory_bytes: int = 1024 * MB,
) -> ParsedPaper:
    """Parse `data` in a forked child; return the ParsedPaper or raise ParseError (one line).

    `memory_bytes` is the address space the child may add to what it inherits.
    """
    _import_parser()

    def work() -> bytes:
        parsed = parse_checked(data, filename=filename, ignore_outline=ignore_outline, max_pages=max_pages)
        return json.dumps(asdict(parsed)).encode()

    return _from_json(json.loads(run_isolated(work, timeout=timeout, memory_bytes=memory_bytes, what="parsing")))


def run_isolated(work: Callable[[], bytes], *, timeout: float, memory_bytes: int, what: str = "parsing") -> bytes:
    """Run `work` in a forked child under the limits and return its bytes.

    Raises ParseError with one line for whatever went wrong in the child: an exception
    (its own ParseError message, or its type and message), a crash, running out of
    memory, or taking longer than `timeout` seconds (the child is then killed).
    """
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never returns
        os.close(read_fd)
        _child(write_fd, work, timeout, memory_bytes)
    os.close(write_fd)
    try:
        payload, timed_out = _read_all(read_fd, timeout)
    except BaseException:  # interrupted (Ctrl-C, worker shutdown): leave no child behind
        _kill(pid)
        raise
    finally:
        os.close(read_fd)
    if timed_out:
        _kill(pid)
        raise ParseError(f"{what} took longer than {timeout:g} s (PDF_PARSE_TIMEOUT); stopped")
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        raise ParseError(_signal_reason(os.WTERMSIG(status), timeout))
    if payload[:1] == OK:
        return payload[1:]
    if payload[:1] == FAILED:
        raise ParseError(payload[1:].decode(errors="replace"))
    raise ParseError(f"parser exited without a result (exit status {os.WEXITSTATUS(status)})")


def _import_parser() -> None:
    """Import the parser here, once: imported in a child, every file would pay for it again."""
    with contextlib.suppress(ImportError):  # the child reports it as the file's parse error
        import papers.parsing.document  # noqa: F401


def _child(write_fd: int, work: Callable[[], bytes], timeout: float, memory_bytes: int) -> None:
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        # The parent records a crash as the file's error; no traceback dump into its log.
        faulthandler.disable()
        limit = _address_space() + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        # A CPU-time backstop in case the parent is gone and nobody enforces the timeout.
        cpu = int(timeout) + 5
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if _child_hook is not None:
            _child_hook()
        payload = OK + work()
    except ParseError as exc:
        payload = FAILED + _one_line(exc).encode()
    except MemoryError:
        payload = FAILED + b"parser ran out of memory (over the parse memory limit)"
    except BaseException as exc:  # noqa: BLE001 - the child reports everything and exits
        payload = FAILED + f"parser failed ({type(exc).__name__}: {_one_line(exc)})".encode()
    try:
        view = memoryview(payload)
        while view:
            written = os.write(write_fd, view)
            view = view[written:]
    finally:
        os._exit(0)


def _read_all(fd: int, timeout: float) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return b"", True
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def _signal_reason(signum: int, timeout: float) -> str:
    if signum == signal.SIGSEGV:
        return "parser crashed on this file (segmentation fault)"
    if signum == signal.SIGXCPU:
        return f"parsing used more than {timeout:g} s of CPU (PDF_PARSE_TIMEOUT); stopped"
    if signum == signal.SIGKILL:
        return "parser was killed (out of memory?)"
    return f"parser crashed on this file ({signal.Signals(signum).name})"


def _address_space() -> int:
    """Bytes of virtual memory this process uses now (the child inherits all of it)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _from_json(data: dict) -> ParsedPaper:
    sections = []
    for item in data.pop("sections"):
        if item.get("bbox") is not None:
            item["bbox"] = tuple(item["bbox"])
        sections.append(ParsedSection(**item))
    return ParsedPaper(**data, sections=sections)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:300]
