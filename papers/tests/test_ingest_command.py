"""`manage.py ingest` on PDFs: one line per file, the batch goes on, non-zero exit on failure."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from papers.models import Paper
from papers.tests.pdf_factory import HTML, make_pdf

pytestmark = pytest.mark.django_db


def ingest(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("ingest", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_failure_is_one_line_the_batch_goes_on_and_the_exit_is_non_zero(tmp_path):
    folder = tmp_path / "papers"
    (folder / "nested").mkdir(parents=True)
    (folder / "a-html.pdf").write_bytes(HTML)
    (folder / "b-good.pdf").write_bytes(make_pdf())
    (folder / "nested" / "c-truncated.pdf").write_bytes(make_pdf()[:200])
    err = StringIO()
    out = StringIO()

    with pytest.raises(CommandError, match=r"^2 file\(s\) failed$"):
        call_command("ingest", str(folder), stdout=out, stderr=err)

    failed = err.getvalue().strip().splitlines()
    assert len(failed) == 2
    assert failed[0].startswith("failed    ") and "a-html.pdf: not a PDF: the file is an HTML page" in failed[0]
    assert "c-truncated.pdf: truncated PDF (the end of the file is missing)" in failed[1]
    assert f"new       {folder / 'b-good.pdf'}" in out.getvalue()
    assert Paper.objects.count() == 1


def test_second_run_is_unchanged_and_succeeds(tmp_path):
    pdf = tmp_path / "tiny.pdf"
    pdf.write_bytes(make_pdf())
    ingest(pdf)
    out, err = ingest(pdf, "--verbosity", "2")
    assert f"unchanged {pdf}" in out
    assert "1 unchanged" in out
    assert err == ""


def test_force_reports_updated(tmp_path):
    pdf = tmp_path / "tiny.pdf"
    pdf.write_bytes(make_pdf())
    ingest(pdf)
    out, _ = ingest(pdf, "--force")
    assert f"updated   {pdf}" in out
    assert Paper.objects.count() == 1


def test_missing_file_fails(tmp_path):
    with pytest.raises(CommandError):
        ingest(tmp_path / "nope.pdf")


@pytest.mark.papers
def test_reference_reports_ingest(shared_papers):
    out, err = ingest(shared_papers)
    assert err == ""
    assert Paper.objects.count() == len(list(shared_papers.glob("*.pdf")))
    slugs = set(Paper.objects.values_list("slug", flat=True))
    assert {"deepseek-v2", "deepseek-v3", "deepseek-r1", "qwen3"} <= slugs
    for paper in Paper.objects.all():
        assert paper.sections.count() >= 10, paper.slug


def test_pdf_only_leaves_the_markdown_beside_the_reports_alone(tmp_path):
    from kg.models import Note

    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "report.pdf").write_bytes(make_pdf())
    (folder / "README.md").write_text("# Where these reports come from\n", encoding="utf-8")

    ingest("--pdf-only", folder)
    assert Paper.objects.count() == 1 and Note.objects.count() == 0

    ingest(folder)
    assert Note.objects.count() == 1  # without the flag a folder's Markdown is a notes vault
