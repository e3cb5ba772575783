import os
import signal
import time

import pymupdf
import pytest

from papers import isolation
from papers.isolation import parse_checked, parse_pdf_isolated
from papers.parsing.types import ParseError
from papers.tests.pdf_factory import make_pdf


def segfault():
    os.kill(os.getpid(), signal.SIGSEGV)


def allocate_too_much():
    hoard = []
    while True:
        hoard.append(bytearray(64 * 1024 * 1024))


def hang():
    while True:
        time.sleep(1)


def spin():
    while True:
        pass


def raise_runtime_error():
    raise RuntimeError("code=2: cannot find startxref\nsecond line")


def test_isolated_parse_returns_what_the_parser_returns():
    data = make_pdf()
    inside = parse_checked(data, filename="tiny.pdf", ignore_outline=False, max_pages=300)
    isolated = parse_pdf_isolated(data, filename="tiny.pdf", timeout=30)
    assert isolated == inside


@pytest.mark.parametrize(
    ("hook", "reason"),
    [
        (segfault, "parser crashed on this file (segmentation fault)"),
        (allocate_too_much, "parser ran out of memory (over the parse memory limit)"),
        (raise_runtime_error, "parser failed (RuntimeError: code=2: cannot find startxref second line)"),
    ],
)
def test_child_failures_become_one_line_errors_and_the_parent_lives(monkeypatch, hook, reason):
    monkeypatch.setattr(isolation, "_child_hook", hook)
    with pytest.raises(ParseError) as error:
        parse_pdf_isolated(make_pdf(), timeout=20, memory_bytes=256 * isolation.MB)
    assert str(error.value) == reason
    monkeypatch.setattr(isolation, "_child_hook", None)
    assert parse_pdf_isolated(make_pdf(), timeout=20).pages == 2


@pytest.mark.parametrize("hook", [hang, spin])
def test_timeout_kills_the_child(monkeypatch, hook):
    monkeypatch.setattr(isolation, "_child_hook", hook)
    started = time.monotonic()
    with pytest.raises(ParseError, match=r"^parsing took longer than 1 s \(PDF_PARSE_TIMEOUT\); stopped$"):
        parse_pdf_isolated(make_pdf(), timeout=1)
    assert time.monotonic() - started < 5
    with pytest.raises(ChildProcessError):  # reaped: no zombie left behind
        os.waitpid(-1, os.WNOHANG)


def test_child_killed_from_outside_is_reported(monkeypatch):
    monkeypatch.setattr(isolation, "_child_hook", lambda: os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(ParseError, match=r"^parser was killed \(out of memory\?\)$"):
        parse_pdf_isolated(make_pdf(), timeout=10)


def test_memory_limit_does_not_apply_to_the_parent(monkeypatch):
    monkeypatch.setattr(isolation, "_child_hook", allocate_too_much)
    with pytest.raises(ParseError):
        parse_pdf_isolated(make_pdf(), timeout=20, memory_bytes=128 * isolation.MB)
    assert len(bytearray(512 * isolation.MB)) == 512 * isolation.MB


def test_an_interrupted_caller_leaves_no_child_behind(monkeypatch):
    def interrupt(fd, timeout):
        raise KeyboardInterrupt

    monkeypatch.setattr(isolation, "_child_hook", hang)
    monkeypatch.setattr(isolation, "_read_all", interrupt)
    with pytest.raises(KeyboardInterrupt):
        parse_pdf_isolated(make_pdf(), timeout=30)
    with pytest.raises(ChildProcessError):  # killed and reaped
        os.waitpid(-1, os.WNOHANG)


@pytest.mark.parametrize(
    "error",
    [
        lambda: pymupdf.FileDataError("cannot open broken document"),
        lambda: pymupdf.EmptyFileError("Cannot open empty file"),
        lambda: RuntimeError("code=7: Invalid number of pages"),
        lambda: pymupdf.mupdf.FzErrorFormat("cannot find object in xref"),  # not a RuntimeError
        lambda: pymupdf.mupdf.FzErrorSystem("malloc (1 GB) failed"),
        lambda: pymupdf.mupdf.FzErrorLimit("too many nested outlines"),
        lambda: ValueError("bad value"),
    ],
)
def test_every_pymupdf_error_class_becomes_a_parse_error(monkeypatch, error):
    def parse(data, **kwargs):
        raise error()

    monkeypatch.setattr("papers.parsing.parse_pdf", parse)
    expected = f"parser failed ({type(error()).__name__}: "
    with pytest.raises(ParseError) as inside:
        parse_checked(make_pdf(), filename="", ignore_outline=False, max_pages=10)
    with pytest.raises(ParseError) as isolated:
        parse_pdf_isolated(make_pdf(), timeout=20)
    assert str(inside.value).startswith(expected)
    assert str(isolated.value) == str(inside.value)
