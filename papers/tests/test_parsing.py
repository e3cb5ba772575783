"""The parser on small PDFs built in the test: headings, distractors, text cleanup, metadata, outlines."""

import pymupdf
import pytest

from papers.parsing import parse_pdf
from papers.parsing.layout import normalise
from papers.tests.pdfs import LOREM, SIMPLE_OUTLINE, ReportWriter, simple_report


@pytest.fixture
def report() -> bytes:
    return simple_report().tobytes()


def tree(paper) -> list[tuple[str, str, int, int]]:
    return [(s.number, s.title, s.level, s.page) for s in paper.sections]


def by_number(paper, number: str):
    return next(s for s in paper.sections if s.number == number)


def test_numbered_headings_levels_and_pages(report):
    paper = parse_pdf(report)
    assert paper.outline_source == "layout"
    assert tree(paper) == [
        ("", "Abstract", 1, 1),
        ("1", "Introduction", 1, 1),
        ("2", "Architecture", 1, 1),
        ("2.1", "Attention Layers", 2, 1),
        ("2.1.1", "Rotary Position Embedding", 3, 1),
        ("3", "Pre-training", 1, 2),
        ("3.1", "Data", 2, 2),
        ("3.2", "Hyper-Parameters", 2, 2),
        ("4", "Conclusion", 1, 2),
        ("", "References", 1, 2),
        ("A", "Contributions", 1, 3),
        ("A.1", "Core Contributors", 2, 3),
    ]


def test_distractors_are_not_sections(report):
    titles = " ".join(s.title for s in parse_pdf(report).sections)
    for distractor in ("Thinking Budget", "Small", "Large", "Model", "Table 1", "Example Technical Report", "Alice"):
        assert distractor not in titles


def test_run_in_lead_stays_in_its_paragraph(report):
    intro = by_number(parse_pdf(report), "1")
    assert "Thinking Budget. Large language models" in intro.text


def test_kinds_references_apart_and_appendix(report):
    paper = parse_pdf(report)
    kinds = {s.title: s.kind for s in paper.sections}
    assert kinds["Abstract"] == "abstract"
    assert kinds["References"] == "references"
    assert kinds["Contributions"] == kinds["Core Contributors"] == "appendix"
    assert kinds["Conclusion"] == "body"
    conclusion = by_number(paper, "4")
    assert "Another paper" not in conclusion.text
    references = next(s for s in paper.sections if s.kind == "references")
    assert "A. Author. A paper about models." in references.text
    assert "Appendix" not in references.text  # the divider heading belongs to no section's text


def test_text_cleanup(report):
    paper = parse_pdf(report)
    attention = by_number(paper, "2.1")
    assert "architectures after the break" in attention.text
    assert "Table 1: Model sizes of the two variants." in attention.text  # caption kept with its section
    everything = " ".join(s.text for s in paper.sections)
    assert "Example Technical Report" not in everything  # running header
    assert "\n2\n" not in everything and not any(s.text.endswith(" 2") for s in paper.sections)


def test_footnotes_kept_apart(report):
    section = by_number(parse_pdf(report), "2.1.1")
    assert "https://example.com/code" in section.footnotes
    assert "example.com" not in section.text


def test_page_ranges_cover_subsections(report):
    paper = parse_pdf(report)
    assert by_number(paper, "2").page_end == 1
    assert by_number(paper, "3").page_end == 2
    assert all(s.page_end >= s.page for s in paper.sections)


def test_heading_boxes_are_on_the_heading(report):
    paper = parse_pdf(report)
    doc = pymupdf.open(stream=report, filetype="pdf")
    section = by_number(paper, "3.1")
    words = doc[section.page - 1].get_text("text", clip=pymupdf.Rect(section.bbox))
    assert "Data" in words


def test_metadata_title_authors_arxiv():
    w = ReportWriter()
    w.title("Scaling Mixture Models", "Dana Li, Evan Wu", arxiv="2501.01234")
    w.heading("", "Abstract", size=12)
    w.paragraph(LOREM)
    w.heading("1", "Introduction")
    w.paragraph(LOREM)
    w.heading("2", "Method")
    w.paragraph(LOREM)
    paper = parse_pdf(w.tobytes())
    assert paper.title == "Scaling Mixture Models"
    assert paper.authors == ["Dana Li", "Evan Wu"]
    assert paper.arxiv_id == "2501.01234"
    assert paper.abstract.startswith("Large language models are trained")


def test_number_in_its_own_span():
    w = ReportWriter()
    w.title("Split Numbers", "Team")
    for number, title in [("1", "Introduction"), ("2", "Approach"), ("2.1", "3D Parallelism"), ("3", "Results")]:
        w.heading(number, title, split=True, size=12 if "." not in number else 10.5)
        w.paragraph(LOREM)
    paper = parse_pdf(w.tobytes())
    assert [(s.number, s.title, s.level) for s in paper.sections] == [
        ("1", "Introduction", 1),
        ("2", "Approach", 1),
        ("2.1", "3D Parallelism", 2),
        ("3", "Results", 1),
    ]


def test_number_in_regular_weight_before_a_bold_title():
    w = ReportWriter()
    w.title("Regular Numbers", "Team")
    for number, title in [("1", "Introduction"), ("2", "Method"), ("2.1", "Data"), ("3", "Results")]:
        w.heading(number, title, regular_number=True, size=12 if "." not in number else 10.5)
        w.paragraph(LOREM)
    paper = parse_pdf(w.tobytes())
    assert [(s.number, s.title, s.level) for s in paper.sections] == [
        ("1", "Introduction", 1),
        ("2", "Method", 1),
        ("2.1", "Data", 2),
        ("3", "Results", 1),
    ]


def test_two_column_reading_order_and_headings():
    w = ReportWriter(columns=2, header="Proceedings of Something")
    w.title("Two Columns", "Team")
    w.heading("1", "Introduction", size=12)
    w.paragraph("LEFTSTART " + LOREM * 3)
    w.heading("2", "Method", size=12)
    w.paragraph(LOREM * 4)
    w.next_column()
    w.heading("3", "Experiments", size=12)
    w.paragraph("RIGHTSTART " + LOREM * 2)
    w.footnote("2", "https://example.org/footnote")
    w.heading("3.1", "Setup", size=10.5)
    w.paragraph(LOREM)
    w.new_page()
    w.heading("4", "Conclusion", size=12)
    w.paragraph(LOREM)
    paper = parse_pdf(w.tobytes())
    assert [s.number for s in paper.sections] == ["1", "2", "3", "3.1", "4"]
    assert by_number(paper, "1").text.startswith("LEFTSTART")
    assert by_number(paper, "3").text.startswith("RIGHTSTART")
    assert "RIGHTSTART" not in by_number(paper, "2").text
    assert "example.org/footnote" not in " ".join(s.text for s in paper.sections)
    assert any("https://example.org/footnote" in s.footnotes for s in paper.sections)


def test_bold_numbered_list_items_are_not_headings():
    w = ReportWriter()
    w.title("Lists", "Team")
    w.heading("1", "Introduction")
    w.paragraph(LOREM)
    for item in ("1 First point we make", "2 Second point we make", "3 Third point we make"):
        w.heading("", item, size=10)  # bold, body-sized, numbered: a list, not sections
        w.paragraph(LOREM)
    w.heading("2", "Method")
    w.paragraph(LOREM)
    paper = parse_pdf(w.tobytes())
    assert [s.title for s in paper.sections] == ["Introduction", "Method"]


def test_outline_path_recovers_numbers_and_boxes(report):
    w = simple_report()
    w.set_outline(SIMPLE_OUTLINE)
    data = w.tobytes()
    paper = parse_pdf(data)
    assert paper.outline_source == "outline"
    numbered = [(s.number, s.title, s.level) for s in paper.sections if s.kind not in ("abstract", "references")]
    assert numbered == [
        ("1", "Introduction", 1),
        ("2", "Architecture", 1),
        ("2.1", "Attention Layers", 2),
        ("2.1.1", "Rotary Position Embedding", 3),
        ("3", "Pre-training", 1),
        ("3.1", "Data", 2),
        ("3.2", "Hyper-Parameters", 2),
        ("4", "Conclusion", 1),
        ("A", "Contributions", 1),
        ("A.1", "Core Contributors", 2),
    ]
    assert all(s.bbox is not None for s in paper.sections)
    assert any(s.kind == "references" for s in paper.sections)  # outlines omit it; the layout adds it
    layout = parse_pdf(data, ignore_outline=True)
    assert layout.outline_source == "layout"
    assert [s.number for s in layout.sections] == [s.number for s in paper.sections]


def test_normalise_ligatures_and_math_letters():
    assert normalise("e\ufb03cient \ufb01ne-tuning") == "efficient fine-tuning"
    assert normalise("\U0001d44a\U0001d465") == "Wx"
    assert normalise("soft\u00adhyphen") == "softhyphen"


def test_unnumbered_headings_from_styles():
    w = ReportWriter(header="Unnumbered Report")
    w.title("A Report Without Numbers", "Some Team")
    w.heading("", "Abstract", size=12)
    w.paragraph(LOREM)
    w.heading("", "Introduction", size=14)
    w.paragraph(LOREM)
    w.paragraph(LOREM, lead="Key Idea.")
    w.heading("", "Method", size=14)
    w.paragraph(LOREM)
    w.heading("", "Data Mixture", size=11)
    w.paragraph(LOREM)
    w.table([["Model", "Layers", "Heads"], ["Small", "12", "8"], ["Large", "48", "32"]])
    w.caption("Table 1: Sizes.")
    w.heading("", "Training Recipe", size=11)
    w.paragraph(LOREM)
    w.new_page()
    w.heading("", "Results", size=14)
    w.paragraph(LOREM)
    w.references(["A. Author. Paper. 2024."])
    paper = parse_pdf(w.tobytes())
    assert [(s.title, s.level, s.page, s.kind) for s in paper.sections] == [
        ("Abstract", 1, 1, "abstract"),
        ("Introduction", 1, 1, "body"),
        ("Method", 1, 1, "body"),
        ("Data Mixture", 2, 1, "body"),
        ("Training Recipe", 2, 1, "body"),
        ("Results", 1, 2, "body"),
        ("References", 1, 2, "references"),
    ]


def test_run_in_abstract_is_the_abstract():
    w = ReportWriter()
    w.title("Run-in Abstract Paper", "Xia Yu")
    w.paragraph("We study things. " + LOREM, lead="Abstract.")
    w.heading("1", "Introduction")
    w.paragraph(LOREM)
    w.heading("2", "Method")
    w.paragraph(LOREM)
    paper = parse_pdf(w.tobytes())
    assert paper.abstract.startswith("We study things. Large language models")
    assert paper.authors == ["Xia Yu"]


def test_contents_page_without_leaders_and_appendix_without_its_own_heading():
    w = ReportWriter()
    w.title("Contents Without Leaders", "Ann Bo")
    w.heading("", "Contents", size=13)
    for number, title, page in [("1", "Introduction", 2), ("2", "Method", 2), ("2.1", "Data", 2), ("3", "Results", 3)]:
        w.heading(number, f"{title}    {page}", size=11)
    w.new_page()
    w.heading("1", "Introduction")
    w.paragraph(LOREM)
    w.heading("2", "Method")
    w.paragraph(LOREM)
    w.heading("2.1", "Data", size=11)
    w.paragraph(LOREM)
    w.heading("3", "Results")
    w.paragraph(LOREM)
    w.heading("", "Appendix")
    w.heading("A.1", "Extra Details", size=11)
    w.paragraph(LOREM)
    w.heading("A.2", "More Details", size=11)
    w.paragraph(LOREM)
    paper = parse_pdf(w.tobytes())
    assert [(s.number, s.title, s.level, s.page, s.kind) for s in paper.sections] == [
        ("1", "Introduction", 1, 2, "body"),
        ("2", "Method", 1, 2, "body"),
        ("2.1", "Data", 2, 2, "body"),
        ("3", "Results", 1, 2, "body"),
        ("", "Appendix", 1, 2, "appendix"),
        ("A.1", "Extra Details", 2, 2, "appendix"),
        ("A.2", "More Details", 2, 2, "appendix"),
    ]


def test_outline_with_chapters_only_gives_way_to_the_fuller_layout(report):
    w = simple_report()
    w.set_outline([[1, "Introduction", 1], [1, "Architecture", 1], [1, "Pre-training", 2], [1, "Conclusion", 2]])
    paper = parse_pdf(w.tobytes())
    assert paper.outline_source == "layout"
    assert "2.1.1" in [s.number for s in paper.sections]


def test_outline_entry_not_printed_verbatim_takes_the_layout_heading(report):
    w = simple_report()
    outline = [entry[:] for entry in SIMPLE_OUTLINE]
    outline[2][1] = "Attention (in math form)"
    w.set_outline(outline)
    paper = parse_pdf(w.tobytes())
    assert paper.outline_source == "outline"
    section = next(s for s in paper.sections if s.title == "Attention (in math form)")
    assert (section.number, section.level, section.page) == ("2.1", 2, 1)
    assert section.bbox is not None


def test_footnote_marker_after_a_heading_is_not_in_its_title():
    w = ReportWriter()
    w.title("Markers", "Team")
    w.heading("1", "Introduction")
    w.page.insert_text((w.x + 86, w.y - 16), "1", fontname="tiro", fontsize=7)  # a little apart, raised
    w.paragraph(LOREM)
    w.heading("2", "Method")
    w.paragraph(LOREM)
    paper = parse_pdf(w.tobytes())
    assert [(s.number, s.title) for s in paper.sections] == [("1", "Introduction"), ("2", "Method")]


def test_small_caps_headings_without_bold():
    w = ReportWriter()
    w.title("Small Caps", "Team")
    headings = [("1", "INTRODUCTION", 12), ("2", "METHOD", 12), ("2.1", "DATA", 10), ("3", "RESULTS", 12)]
    for number, title, size in headings:
        w._room(40)
        w.y += size
        w._line(w.x, number, "tiro", size)
        x = w.x + 2.2 * size
        w._line(x, title[0], "tiro", size)  # the capital, then the rest in smaller capitals
        w._line(x + pymupdf.get_text_length(title[0], fontname="tiro", fontsize=size), title[1:], "tiro", size * 0.8)
        w.y += size
        w.paragraph(LOREM)
    paper = parse_pdf(w.tobytes())
    assert [(s.number, s.title, s.level) for s in paper.sections] == [
        ("1", "INTRODUCTION", 1),
        ("2", "METHOD", 1),
        ("2.1", "DATA", 2),
        ("3", "RESULTS", 1),
    ]


def test_review_line_numbers_in_the_margin_are_dropped():
    w = ReportWriter()
    w.title("Under Review", "Anonymous")
    w.heading("1", "Introduction")
    w.paragraph(LOREM * 2)
    w.heading("2", "Method")
    w.paragraph(LOREM * 2)
    for k, y in enumerate(range(150, 400, 13)):
        w.page.insert_text((40, y), f"{k + 1:03d}", fontname="tiro", fontsize=9)
    paper = parse_pdf(w.tobytes())
    assert [s.number for s in paper.sections] == ["1", "2"]
    assert not any(ch.isdigit() for s in paper.sections for ch in s.text)


def test_flat_outline_takes_levels_from_printed_numbers():
    w = simple_report()
    w.set_outline([[1, title, page] for _level, title, page in SIMPLE_OUTLINE])
    paper = parse_pdf(w.tobytes())
    assert paper.outline_source == "outline"
    levels = {s.number: s.level for s in paper.sections if s.number}
    assert levels == {"1": 1, "2": 1, "2.1": 2, "2.1.1": 3, "3": 1, "3.1": 2, "3.2": 2, "4": 1, "A": 1, "A.1": 2}


def test_large_numbered_labels_in_a_figure_lose_to_the_real_headings():
    w = simple_report()
    w.page.insert_text((100, 300), "1 Pretrain", fontname="tibo", fontsize=16)  # a pipeline diagram's boxes
    w.page.insert_text((100, 360), "2 Finetune", fontname="tibo", fontsize=16)
    paper = parse_pdf(w.tobytes())
    numbers = [s.number for s in paper.sections if s.number]
    assert numbers == ["1", "2", "2.1", "2.1.1", "3", "3.1", "3.2", "4", "A", "A.1"]
    assert not any("Pretrain" in s.title or "Finetune" in s.title for s in paper.sections)
