import threading
import time

import pymupdf
import pytest
from django.db import DatabaseError, connection

from kg.models import ContentVersion, Note, NoteLink, TraceVerdict
from kg.versioning import content_version
from papers import isolation
from papers.models import Paper, Section
from papers.services import paper_ingest, paper_ingest_bytes, paper_slug
from papers.tests.pdf_factory import HTML, encrypted_pdf, make_pdf, scanned_pdf, zero_page_pdf

pytestmark = pytest.mark.django_db


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def database_state() -> tuple:
    return (
        Paper.objects.count(),
        Section.objects.count(),
        ContentVersion.objects.values_list("version", flat=True).first(),
    )


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT / "papers"
    return sorted(root.iterdir()) if root.exists() else []


def test_ingest_stores_paper_sections_and_file(tmp_path, settings):
    before = content_version()
    result = paper_ingest(path=write(tmp_path, "tiny.pdf", make_pdf()))

    assert result.status == "new", result.line()
    paper = Paper.objects.get()
    assert paper.slug == "tinymodel-v1"
    assert paper.page_count == 2
    assert paper.filename == "tiny.pdf"
    assert len(paper.sha256) == 64
    sections = list(paper.sections.order_by("order"))
    assert len(sections) >= 3
    assert [s.order for s in sections] == list(range(len(sections)))
    assert len({s.key for s in sections}) == len(sections)
    for section in sections:
        assert 1 <= section.page_start <= section.page_end <= paper.page_count
        if section.parent:
            assert section.parent.level < section.level
            assert section.parent.order < section.order
    # Stored under a generated name, not the uploaded one.
    assert [p.name for p in stored_files(settings)] == [paper.file.name.split("/")[-1]]
    assert "tiny" not in paper.file.name
    assert content_version() > before


def test_same_file_twice_adds_nothing(tmp_path, settings):
    path = write(tmp_path, "tiny.pdf", make_pdf())
    assert paper_ingest(path=path).status == "new"
    state = database_state()

    result = paper_ingest(path=path)
    copy = paper_ingest(path=write(tmp_path, "copy-under-another-name.pdf", path.read_bytes()))

    assert (result.status, copy.status) == ("unchanged", "unchanged")
    assert database_state() == state
    assert len(stored_files(settings)) == 1


def test_unchanged_ingest_restores_a_missing_stored_file(tmp_path, settings):
    path = write(tmp_path, "tiny.pdf", make_pdf())
    paper_ingest(path=path)
    for stored in stored_files(settings):
        stored.unlink()

    assert paper_ingest(path=path).status == "unchanged"
    paper = Paper.objects.get()
    assert (settings.MEDIA_ROOT / paper.file.name).read_bytes() == path.read_bytes()


def test_force_reparses_in_place_and_keeps_links(tmp_path, settings):
    path = write(tmp_path, "tiny.pdf", make_pdf())
    paper_ingest(path=path)
    paper = Paper.objects.get()
    target = paper.sections.exclude(number="").order_by("-order").first()
    note = Note.objects.create(slug="mla-note", title="MLA note")
    link = NoteLink.objects.create(
        source=note, target_text=f"TinyModel-V1 §{target.number}", position=0, target_section=target
    )
    section_ids = set(paper.sections.values_list("pk", flat=True))

    result = paper_ingest(path=path, force=True)

    assert result.status == "updated", result.line()
    assert Paper.objects.count() == 1
    link.refresh_from_db()
    assert link.target_section_id == target.pk
    assert set(paper.sections.values_list("pk", flat=True)) == section_ids
    assert len(stored_files(settings)) == 1


def test_force_drops_vanished_sections_and_reattaches_verdicts(tmp_path, settings, django_user_model):
    from kg.models import Question

    data = make_pdf()
    paper_ingest(path=write(tmp_path, "tiny.pdf", data))
    paper = Paper.objects.get()
    kept = paper.sections.get(number="2.1")
    question = Question.objects.create(text="What is MLA?", lang="en")
    verdict = TraceVerdict.objects.create(
        question=question, paper=paper, section_key=kept.key, section_title=kept.title, section=None, confirmed=True
    )

    paper_ingest(path=write(tmp_path, "tiny.pdf", data), force=True)

    verdict.refresh_from_db()
    assert verdict.section_id == kept.pk


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("html.pdf", lambda: HTML, "not a PDF: the file is an HTML page"),
        ("truncated.pdf", lambda: make_pdf()[:300], "truncated PDF (the end of the file is missing)"),
        ("cut-in-half.pdf", lambda: make_pdf()[: len(make_pdf()) // 2], "truncated PDF"),
        ("encrypted.pdf", encrypted_pdf, "encrypted PDF"),
        ("scan.pdf", scanned_pdf, "no text layer"),
        ("empty.pdf", lambda: b"", "empty file"),
        ("zero-pages.pdf", zero_page_pdf, ""),
    ],
)
def test_bad_input_gives_one_line_and_leaves_database_unchanged(tmp_path, settings, name, make, reason):
    paper_ingest(path=write(tmp_path, "good.pdf", make_pdf()))
    state = database_state()

    result = paper_ingest(path=write(tmp_path, name, make()))

    assert result.status == "failed"
    assert reason in result.detail
    assert "\n" not in result.line() and result.line().startswith("failed") and name in result.line()
    assert database_state() == state
    assert len(stored_files(settings)) == 1


def test_zero_pages_is_rejected_with_its_reason(tmp_path):
    result = paper_ingest(path=write(tmp_path, "zero.pdf", zero_page_pdf()))
    assert result.status == "failed"
    assert "no pages" in result.detail or "not a readable PDF" in result.detail


def test_too_many_pages(tmp_path, settings):
    settings.PDF_MAX_PAGES = 3
    result = paper_ingest(path=write(tmp_path, "long.pdf", make_pdf(pages=4)))
    assert result.status == "failed"
    assert result.detail == "PDF has 4 pages, over the limit of 3 (PDF_MAX_PAGES)"
    assert database_state()[:2] == (0, 0)


def test_too_many_bytes_is_refused_before_reading(tmp_path, settings):
    settings.PDF_MAX_BYTES = 1024 * 1024
    data = make_pdf()
    path = write(tmp_path, "big.pdf", data + b"%" + b"x" * (1024 * 1024))
    result = paper_ingest(path=path)
    assert result.status == "failed"
    assert "over the limit of 1 MB (PDF_MAX_BYTES)" in result.detail
    assert paper_ingest_bytes(data=path.read_bytes(), filename="big.pdf").result.failed
    assert database_state()[:2] == (0, 0)


def test_parse_timeout(tmp_path, settings, monkeypatch):
    settings.PDF_PARSE_TIMEOUT = 1
    monkeypatch.setattr(isolation, "_child_hook", lambda: time.sleep(30))
    started = time.monotonic()
    result = paper_ingest(path=write(tmp_path, "slow.pdf", make_pdf()))
    assert time.monotonic() - started < 10
    assert result.status == "failed"
    assert result.detail == "parsing took longer than 1 s (PDF_PARSE_TIMEOUT); stopped"
    assert database_state()[:2] == (0, 0)
    assert stored_files(settings) == []


def test_database_error_mid_write_leaves_nothing(tmp_path, settings, monkeypatch):
    def fail(*, paper):
        assert Section.objects.filter(paper=paper).exists()  # the write was under way
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr("kg.services.linking.mentions_refresh_for_paper", fail)
    result = paper_ingest(path=write(tmp_path, "tiny.pdf", make_pdf()))

    assert result.status == "failed"
    assert result.detail == "could not store the paper (DatabaseError: disk I/O error)"
    assert database_state()[:2] == (0, 0)
    assert stored_files(settings) == []


def test_interrupted_force_keeps_the_old_tree(tmp_path, monkeypatch):
    path = write(tmp_path, "tiny.pdf", make_pdf())
    paper_ingest(path=path)
    before = list(Section.objects.values_list("pk", "key", "order", "parent_id", "title"))

    def fail(*, paper):
        raise DatabaseError("connection lost")

    monkeypatch.setattr("kg.services.linking.mentions_refresh_for_paper", fail)
    assert paper_ingest(path=path, force=True).failed
    assert list(Section.objects.values_list("pk", "key", "order", "parent_id", "title")) == before


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("DeepSeek-V3 Technical Report", "deepseek-v3"),
        ("Qwen3 Technical Report", "qwen3"),
        ("DeepSeek-V2: A Strong, Economical, and Efficient Mixture-of-Experts Language Model", "deepseek-v2"),
        ("DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning", "deepseek-r1"),
        ("Attention Is All You Need", "attention-is-all-you-need"),
    ],
)
def test_paper_slug_is_the_short_name(title, slug):
    assert paper_slug(title) == slug


def test_slug_is_unique_for_a_second_paper_with_the_same_title(tmp_path):
    paper_ingest(path=write(tmp_path, "a.pdf", make_pdf()))
    paper_ingest(path=write(tmp_path, "b.pdf", make_pdf(body="Different body text, so different bytes.")))
    assert sorted(Paper.objects.values_list("slug", flat=True)) == ["tinymodel-v1", "tinymodel-v1-2"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_ingests_of_one_file_store_it_once(tmp_path, settings):
    data = make_pdf()
    results, errors = [], []
    barrier = threading.Barrier(6)

    def run():
        try:
            barrier.wait()
            results.append(paper_ingest_bytes(data=data, filename="same.pdf").result.line())
        except Exception as exc:  # collected, so the assertion below shows it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(line.split()[0] for line in results) == ["new"] + ["unchanged"] * 5, results
    assert Paper.objects.count() == 1
    assert len(stored_files(settings)) == 1


def test_pymupdf_is_at_least_the_version_that_fixes_the_last_heap_overflow():
    version = tuple(int(part) for part in pymupdf.mupdf_version.split(".")[:3])
    assert version >= (1, 28, 0)
    assert tuple(int(part) for part in pymupdf.pymupdf_version.split(".")[:3]) >= (1, 28, 0)


KILLED_INGEST = """
import os, sys, time, django
from pathlib import Path
django.setup()
import kg.services.linking as linking

def stall(*, paper):
    Path(sys.argv[2]).write_text("writing")  # paper and sections are written, not committed
    time.sleep(120)

linking.mentions_refresh_for_paper = stall
from papers.services import paper_ingest
paper_ingest(path=Path(sys.argv[1]))
"""


@pytest.mark.django_db(transaction=True)
def test_ingest_killed_mid_write_leaves_nothing(tmp_path, settings):
    import os
    import signal
    import subprocess
    import sys

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    flag = tmp_path / "writing"
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(settings.MEDIA_ROOT), "SECRET_KEY": "t",
           "DJANGO_SETTINGS_MODULE": "kg.settings", "PYTHONPATH": str(settings.BASE_DIR)}
    pdf = write(tmp_path, "tiny.pdf", make_pdf())
    process = subprocess.Popen([sys.executable, "-c", KILLED_INGEST, str(pdf), str(flag)], env=env)
    try:
        deadline = time.monotonic() + 60
        while not flag.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert flag.exists(), "the ingest never reached its write"
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()

    assert (Paper.objects.count(), Section.objects.count()) == (0, 0)
    assert paper_ingest(path=pdf).status == "new"  # nothing half-written blocks a retry


def test_text_any_database_can_store(tmp_path, monkeypatch):
    from papers.parsing.types import ParsedPaper, ParsedSection

    def parse(data, **kwargs):
        return ParsedPaper("Odd\x00 Title", ["A\x00uthor"], "abs\ud800tract", "", 1, [
            ParsedSection("1", "Intro\x00", 1, 1, 1, None, text="NUL\x00 and \udfff surrogate"),
        ])

    monkeypatch.setattr("papers.services.parse_pdf_isolated", parse)
    assert paper_ingest(path=write(tmp_path, "odd.pdf", make_pdf())).status == "new"
    paper = Paper.objects.get()
    assert (paper.title, paper.authors, paper.abstract) == ("Odd Title", ["Author"], "abs?tract")
    assert paper.sections.get().text == "NUL and ? surrogate"
