"""Page images with highlights, rendered in the isolated child and cached on disk."""

import pymupdf
import pytest
from django.urls import reverse

from papers import rendering
from papers.models import Paper
from papers.parsing.types import ParseError
from papers.rendering import PageError, page_png, parse_highlights
from papers.services import paper_ingest_bytes
from papers.tests.pdf_factory import make_pdf

pytestmark = pytest.mark.django_db

BOX = (72.0, 100.0, 300.0, 160.0)


@pytest.fixture
def paper() -> Paper:
    return paper_ingest_bytes(data=make_pdf(), filename="tiny.pdf").paper


def pixel(png: bytes, x: float, y: float, zoom: float) -> tuple:
    pix = pymupdf.Pixmap(png)
    return tuple(pix.pixel(int(x * zoom), int(y * zoom)))


def test_renders_a_png_of_the_page_at_the_zoom(paper):
    png = page_png(paper=paper, page=1, zoom=1.0)
    pix = pymupdf.Pixmap(png)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert (pix.width, pix.height) == (595, 842)


def test_highlight_is_drawn_inside_its_box_only(paper):
    plain = page_png(paper=paper, page=1, zoom=1.0)
    marked = page_png(paper=paper, page=1, highlights=[BOX], zoom=1.0)
    inside = (290, 105)  # blank paper within the box
    outside = (400, 700)
    assert pixel(plain, *inside, 1.0) == (255, 255, 255)
    assert pixel(marked, *inside, 1.0) != (255, 255, 255)
    assert pixel(marked, *outside, 1.0) == pixel(plain, *outside, 1.0)


def test_second_render_comes_from_the_disk_cache(paper, settings, monkeypatch):
    first = page_png(paper=paper, page=2, highlights=[BOX], zoom=1.25)
    cached = list((settings.MEDIA_ROOT / "page-cache").rglob("*.png"))
    assert len(cached) == 1 and paper.sha256[:2] == cached[0].parent.name

    def no_render(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(rendering, "run_isolated", no_render)
    assert page_png(paper=paper, page=2, highlights=[BOX], zoom=1.25) == first
    with pytest.raises(AssertionError):  # another highlight is another entry
        page_png(paper=paper, page=2, highlights=[(1, 2, 3, 4)], zoom=1.25)


def test_page_outside_the_paper_is_an_error(paper):
    with pytest.raises(PageError, match="page 3 is outside 1-2"):
        page_png(paper=paper, page=3)


def test_a_renderer_crash_is_a_page_error(paper, monkeypatch):
    def crash(*args, **kwargs):
        raise ParseError("parser crashed on this file (segmentation fault)")

    monkeypatch.setattr(rendering, "run_isolated", crash)
    with pytest.raises(PageError, match="renderer crashed"):
        page_png(paper=paper, page=1)


@pytest.mark.parametrize("value", ["1,2,3", "a,b,c,d", "1,2,3,4,5", ";".join(["1,2,3,4"] * 201), "1e9,0,0,0"])
def test_bad_highlights_are_refused(value):
    with pytest.raises(ValueError):
        parse_highlights(value)


def test_highlights_parse():
    assert parse_highlights("72,100,300,160;1.5,2,3,4") == [BOX, (1.5, 2.0, 3.0, 4.0)]
    assert parse_highlights("") == []


def test_page_image_view(client, paper):
    url = reverse("paper_page_image", kwargs={"slug": paper.slug, "page": 1})
    response = client.get(url, {"hl": "72,100,300,160"})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content[:4] == b"\x89PNG"
    assert url.endswith("/pages/1.png")


def test_page_image_view_errors(client, paper):
    url = reverse("paper_page_image", kwargs={"slug": paper.slug, "page": 1})
    assert client.get(url, {"hl": "1,2"}).status_code == 400
    assert client.get(url, {"zoom": "big"}).status_code == 400
    assert client.get(reverse("paper_page_image", kwargs={"slug": paper.slug, "page": 9})).status_code == 404
    assert client.get(reverse("paper_page_image", kwargs={"slug": "nope", "page": 1})).status_code == 404
    assert client.post(url).status_code == 405
