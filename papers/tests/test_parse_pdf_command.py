"""`manage.py parse_pdf`: JSON out, no database, one clear line for a bad file."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from papers.tests.pdfs import SIMPLE_OUTLINE, simple_report

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def report_file(tmp_path) -> Path:
    writer = simple_report()
    writer.set_outline(SIMPLE_OUTLINE)
    path = tmp_path / "report.pdf"
    path.write_bytes(writer.tobytes())
    return path


def run(*args) -> dict:
    out = StringIO()
    call_command("parse_pdf", *args, stdout=out)
    return json.loads(out.getvalue())


def test_json_has_title_authors_pages_and_sections(report_file):
    data = run(str(report_file), "--json")
    assert data["title"] == "An Example Technical Report"
    assert data["authors"] == ["Alice Zhang", "Bob Li", "Carol Wang"]
    assert data["pages"] == 3
    assert data["outline_source"] == "outline"
    assert data["sections"][1] == {"number": "1", "title": "Introduction", "level": 1, "page": 1}
    assert {"number": "2.1", "title": "Attention Layers", "level": 2, "page": 1} in data["sections"]


def test_ignore_outline_uses_the_layout(report_file):
    data = run(str(report_file), "--json", "--ignore-outline")
    assert data["outline_source"] == "layout"
    numbers = [s["number"] for s in data["sections"]]
    assert numbers.index("2.1.1") > numbers.index("2.1")  # in document order
    assert "A.1" in numbers


def test_text_option_adds_section_text(report_file):
    data = run(str(report_file), "--json", "--text")
    assert "Large language models" in data["sections"][1]["text"]


def test_tree_output(report_file):
    out = StringIO()
    call_command("parse_pdf", str(report_file), "--ignore-outline", stdout=out)
    lines = out.getvalue().splitlines()
    assert "headings from the layout" in lines[0]
    assert "  2.1 Attention Layers  [p1]" in lines
    assert "    2.1.1 Rotary Position Embedding  [p1]" in lines


def test_bad_file_is_one_line_naming_it(tmp_path):
    bad = tmp_path / "page.pdf"
    bad.write_text("<html>not a pdf</html>")
    with pytest.raises(CommandError, match=r"page\.pdf: not a PDF"):
        call_command("parse_pdf", str(bad), "--json")


def test_bad_file_exit_status_and_stderr(tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + b"\x00" * 50)
    result = subprocess.run(
        [sys.executable, "manage.py", "parse_pdf", str(bad), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"SECRET_KEY": "test", "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "broken.pdf" in lines[0]
