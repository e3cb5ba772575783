"""Hostile PDFs: zero crashes of this process, zero hangs, a clear line for every rejection."""

import pytest

from papers.evaluation.fuzz import corpus, cyclic_outline, decompression_bomb, huge_page_count, run
from papers.models import Paper, Section
from papers.services import paper_ingest_bytes

pytestmark = pytest.mark.django_db
TIMEOUT = 5


@pytest.fixture
def limits(settings):
    settings.PDF_PARSE_TIMEOUT = TIMEOUT
    settings.PDF_PARSE_MEMORY_MB = 512


def ingest(name: str, data: bytes):
    return paper_ingest_bytes(data=data, filename=name).result


def test_corpus_has_what_the_issue_asks_for():
    names = [name for name, _ in corpus(variants=300)]
    assert len([n for n in names if n.startswith("mutant-")]) == 300
    assert {"decompression-bomb.pdf", "cyclic-outline.pdf", "huge-page-count.pdf", "html-page.pdf"} <= set(names)
    kinds = {name.split("-")[2].removesuffix(".pdf") for name in names if name.startswith("mutant-")}
    assert {"truncate", "flip", "numbers", "keywords"} <= kinds


def test_fuzz_corpus_gives_no_crash_no_hang_and_clear_errors(limits):
    report = run(corpus(variants=300, seed=0), ingest, time_limit=TIMEOUT)
    print("\n".join(report.lines()))

    assert report.tried == 304
    assert report.hangs == []
    assert report.unclear == []
    assert report.rejected >= 150  # most mutants must be refused, not "parsed" into junk silently
    assert Paper.objects.count() <= report.accepted
    # Rejections wrote nothing: every stored paper is whole.
    for paper in Paper.objects.all():
        assert paper.page_count >= 1
        assert not Section.objects.filter(paper=paper, page_end__gt=paper.page_count).exists()


def test_special_cases_are_rejected_with_their_reasons(limits):
    huge = ingest("huge.pdf", huge_page_count())
    assert huge.status == "failed"
    assert huge.detail.startswith(("PDF has 100000000 pages, over the limit", "damaged PDF"))
    cyclic = ingest("cyclic.pdf", cyclic_outline())
    assert cyclic.status in {"new", "failed"}, cyclic.line()  # parsed with a sane outline, or refused


def test_decompression_bomb_is_stopped(settings):
    settings.PDF_PARSE_TIMEOUT = 1
    bomb = ingest("bomb.pdf", decompression_bomb(megabytes=256))
    assert bomb.status == "failed"
    assert bomb.detail == "parsing took longer than 1 s (PDF_PARSE_TIMEOUT); stopped"
    assert Paper.objects.count() == 0


@pytest.mark.papers
def test_mutations_of_a_real_report(limits, shared_papers):
    reference = min(shared_papers.glob("*.pdf"), key=lambda p: p.stat().st_size)
    variants = [item for item in corpus(variants=0, reference=reference) if item[0].startswith(reference.stem)]
    report = run(iter(variants), ingest, time_limit=TIMEOUT)
    print("\n".join(report.lines()))
    assert report.tried == 4
    assert report.hangs == [] and report.unclear == []
    truncated = ingest("again.pdf", variants[0][1])
    assert truncated.detail.startswith("truncated PDF")
