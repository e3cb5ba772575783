"""Finding an evidence sentence's PDF page from the page texts."""

from kg.trace.pages import fold, locate

PAGES = [fold(t) for t in (
    "1 Introduction. Large models are costly to serve.",
    "The KV cache grows with the sequence. Low-rank joint compres-\nsion of keys and values shrinks it.",
    "Table 3: results. We compare against MHA and GQA baselines.",
)]


def test_the_page_holding_the_sentence_opening_is_found_across_line_breaks():
    assert locate(PAGES, "Low-rank joint compression of keys and values shrinks it.", 1, 3) == 2


def test_a_page_next_to_the_section_range_is_tried_last():
    assert locate(PAGES, "We compare against MHA and GQA baselines.", 1, 2) == 3


def test_nothing_found_or_too_short_gives_none():
    assert locate(PAGES, "A sentence that is on no page at all.", 1, 3) is None
    assert locate(PAGES, "KV cache", 1, 3) is None
    assert locate([], "Low-rank joint compression of keys and values", 1, 3) is None
