import pymupdf
import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile

from kg.tests import factories
from papers.highlights import sentence_boxes

pytestmark = pytest.mark.django_db

SENTENCE = "For attention, we design MLA, which utilizes low-rank key-value joint compression."


def pdf_bytes() -> bytes:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), "2.1 Multi-Head Latent Attention", fontsize=14)
    page.insert_text((72, 140), SENTENCE, fontsize=10)
    return doc.tobytes()


@pytest.fixture
def paper(db):
    cache.clear()
    paper = factories.paper("tiny", page_count=1)
    paper.file.save("tiny.pdf", ContentFile(pdf_bytes()))
    return paper


def test_boxes_cover_the_sentence_on_its_page(paper):
    boxes = sentence_boxes(paper=paper, page=1, sentences=[SENTENCE])
    assert boxes
    assert all(125 < y0 < 145 and x0 >= 70 for x0, y0, _, _ in boxes)


def test_absent_sentence_and_bad_page_give_nothing(paper):
    assert sentence_boxes(paper=paper, page=1, sentences=["This sentence is nowhere on the page at all."]) == []
    assert sentence_boxes(paper=paper, page=2, sentences=[SENTENCE]) == []
    assert sentence_boxes(paper=paper, page=1, sentences=[]) == []


def test_section_page_links_the_highlighted_page(client, paper):
    section = factories.section(paper, "2.1", "Multi-Head Latent Attention", text=SENTENCE,
                                heading_bbox=[72, 88, 300, 104])
    body = client.get(section.get_absolute_url(), {"s": SENTENCE}).content.decode()
    assert "/papers/tiny/pages/1.png?hl=72.0,88.0,300.0,104.0;" in body
