"""The parser on the four reference reports (skipped where ../shared/papers is absent)."""

import json
from pathlib import Path

import pymupdf
import pytest

from papers.evaluation.scoring import UNSCORED_KINDS, UNSCORED_TITLES, match_headings, title_key
from papers.parsing import parse_pdf

pytestmark = pytest.mark.papers
REPORTS = ["DeepSeek_V2.pdf", "DeepSeek_V3.pdf", "DeepSeek_R1.pdf", "Qwen3_Technical_Report.pdf"]
HAND_MADE = Path(__file__).parent / "data" / "qwen3_outline.json"


@pytest.fixture(scope="module")
def parsed():
    """Each report parsed once per path, shared by the tests of this module."""
    cache: dict[tuple[Path, bool], object] = {}

    def get(path: Path, *, ignore_outline: bool = True):
        key = (path, ignore_outline)
        if key not in cache:
            cache[key] = parse_pdf(path.read_bytes(), filename=path.name, ignore_outline=ignore_outline)
        return cache[key]

    return get


def reference(path: Path) -> list[dict]:
    with pymupdf.open(path) as doc:
        toc = doc.get_toc()
    if toc:
        items = [{"title": t, "level": lvl, "page": p} for lvl, t, p in toc]
        return [i for i in items if title_key(i["title"]) not in UNSCORED_TITLES]
    hand_made = json.loads(HAND_MADE.read_text(encoding="utf-8"))
    assert hand_made["file"] == path.name
    return hand_made["sections"]


@pytest.mark.parametrize("name", REPORTS)
def test_layout_path_matches_reference_outline(shared_papers, parsed, name):
    paper = parsed(shared_papers / name)
    predicted = [
        {"title": s.title, "level": s.level, "page": s.page} for s in paper.sections if s.kind not in UNSCORED_KINDS
    ]
    score, extra, missed = match_headings(predicted, reference(shared_papers / name))
    assert score.f1 >= 0.97, (extra, missed)
    assert score.level_accuracy >= 0.95


@pytest.mark.parametrize("name", REPORTS[:3])
def test_outline_path_recovers_printed_numbers(shared_papers, parsed, name):
    paper = parsed(shared_papers / name, ignore_outline=False)
    assert paper.outline_source == "outline"
    layout = parsed(shared_papers / name)
    shape = lambda p: [(s.number, s.level, s.page) for s in p.sections]  # noqa: E731
    assert shape(paper) == shape(layout)
    assert all(s.bbox is not None for s in paper.sections)


def test_known_headings_of_deepseek_v3(shared_papers, parsed):
    paper = parsed(shared_papers / "DeepSeek_V3.pdf")
    sections = {s.number: s for s in paper.sections if s.number}
    moe = sections["2.1.2"]
    assert (moe.title, moe.level, moe.page) == ("DeepSeekMoE with Auxiliary-Loss-Free Load Balancing", 3, 8)
    wrapped = sections["C"]  # a title wrapped over two lines
    assert wrapped.title == "Expert Specialization Patterns of the 16B Aux-Loss-Based and Aux-Loss-Free Models"
    assert wrapped.kind == "appendix"
    assert sections["3"].page_end >= sections["3.5.2"].page
    assert paper.title == "DeepSeek-V3 Technical Report"
    assert paper.authors == ["DeepSeek-AI"]
    assert paper.abstract.startswith("We present DeepSeek-V3")


def test_references_are_their_own_section(shared_papers, parsed):
    for name in REPORTS:
        paper = parsed(shared_papers / name)
        refs = [s for s in paper.sections if s.kind == "references"]
        assert len(refs) == 1, name
        assert refs[0].title == "References"
        before = paper.sections[paper.sections.index(refs[0]) - 1]
        assert "arXiv preprint" not in before.text, name
        assert "arXiv preprint" in refs[0].text


def test_qwen3_thinking_budget_is_a_paragraph_not_a_section(shared_papers, parsed):
    paper = parsed(shared_papers / "Qwen3_Technical_Report.pdf")
    assert paper.outline_source == "layout"
    assert not any("Thinking Budget" in s.title for s in paper.sections)
    fusion = next(s for s in paper.sections if s.number == "4.3")
    assert fusion.title == "Thinking Mode Fusion"
    assert "Thinking Budget. An additional advantage" in fusion.text


def test_section_text_is_clean(shared_papers, parsed):
    paper = parsed(shared_papers / "DeepSeek_V3.pdf")
    text = "\n".join(s.text for s in paper.sections)
    assert "DeepSeekMoE architectures, which were" in paper.abstract  # "architec-" / "tures" rejoined
    assert "Multi-head Latent Attention (MLA)" in next(s for s in paper.sections if s.number == "2").text
    assert "ﬁ" not in text and "ﬀ" not in text
    evaluation = next(s for s in paper.sections if s.number == "5.3.1")
    assert "https://aider.chat" in evaluation.footnotes
    assert "https://aider.chat" not in evaluation.text


@pytest.mark.parametrize("name", REPORTS)
def test_metadata_as_printed_on_page_one(shared_papers, parsed, name):
    paper = parsed(shared_papers / name)
    titles = {
        "DeepSeek_V2.pdf": "DeepSeek-V2: A Strong, Economical, and Efficient Mixture-of-Experts Language Model",
        "DeepSeek_V3.pdf": "DeepSeek-V3 Technical Report",
        "DeepSeek_R1.pdf": "DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning",
        "Qwen3_Technical_Report.pdf": "Qwen3 Technical Report",
    }
    assert paper.title == titles[name]  # wrapped titles joined; the date line above Qwen3's title left out
    assert paper.authors in (["DeepSeek-AI"], ["Qwen Team"])
    assert len(paper.abstract) > 500
    assert paper.abstract.endswith(".")
    assert "Figure 1" not in paper.abstract
