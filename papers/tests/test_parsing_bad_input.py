"""ParseError, one line, for everything that is not a usable PDF."""

import pymupdf
import pytest

from papers.parsing import ParseError, parse_pdf
from papers.tests.pdfs import simple_report


@pytest.fixture
def report() -> bytes:
    return simple_report().tobytes()


class TestBadInput:
    def test_not_a_pdf(self):
        with pytest.raises(ParseError, match="not a PDF"):
            parse_pdf(b"<!doctype html><html><body>Not found</body></html>", filename="x.pdf")

    def test_empty(self):
        with pytest.raises(ParseError, match="empty"):
            parse_pdf(b"")

    def test_truncated(self, report):
        with pytest.raises(ParseError) as info:
            parse_pdf(report[:400])
        assert "\n" not in str(info.value)

    def test_encrypted(self, report):
        doc = pymupdf.open(stream=report, filetype="pdf")
        data = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
        with pytest.raises(ParseError, match="encrypted"):
            parse_pdf(data)

    def test_scanned_without_text_layer(self):
        doc = pymupdf.open()
        page = doc.new_page()
        pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 50, 50), False)
        pix.clear_with(200)
        page.insert_image(page.rect, pixmap=pix)
        with pytest.raises(ParseError, match="no text layer"):
            parse_pdf(doc.tobytes())

    def test_zero_pages(self):
        data = (
            b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n"
        )
        with pytest.raises(ParseError, match="no pages"):
            parse_pdf(data)


def test_page_tree_that_breaks_on_use():
    data = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[2 0 R]/Count 999999999>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    with pytest.raises(ParseError) as info:
        parse_pdf(data)
    assert "\n" not in str(info.value)
