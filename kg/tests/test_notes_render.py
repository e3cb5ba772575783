"""Markdown features of note pages: CommonMark, tables, footnotes, task lists, code, math, wikilinks, images."""

import time

from django.conf import settings

from kg.notes.render import render_markdown
from kg.notes.wikilinks import ConceptRef, NoteRef, Resolver

RESOLVER = Resolver(
    notes=[NoteRef(1, "rope", "notes/architecture/rope", "RoPE 推导", ("旋转位置编码笔记",), "/notes/rope/")],
    concepts=[ConceptRef(2, "mla", ("Multi-head Latent Attention", "MLA", "多头潜在注意力"), "/concepts/mla/")],
)


def render(text: str, **kwargs):
    return render_markdown(text, resolver=RESOLVER, **kwargs)


def test_commonmark_basics_and_heading_ids():
    html = render("# 推导 Derivation\n\n*em* **strong** ~~gone~~\n\n> quote\n\n1. one\n2. two").html
    assert '<h1 id="推导-derivation">' in html
    assert "<em>em</em>" in html and "<strong>strong</strong>" in html and "<s>gone</s>" in html
    assert "<blockquote>" in html and "<ol>" in html


def test_tables_footnotes_and_task_lists():
    html = render("| a | b |\n|--:|---|\n| 1 | 2 |\n\nText[^n].\n\n[^n]: The note.\n\n- [x] done\n- [ ] todo").html
    assert "<table>" in html and '<th style="text-align:right">a</th>' in html
    assert 'class="footnote-ref"' in html and "The note." in html
    assert html.count('type="checkbox"') == 2 and "checked" in html and "disabled" in html


def test_fenced_code_is_highlighted_and_unknown_languages_stay_plain():
    html = render("```python\ndef f(x):\n    return x\n```\n\n```nosuchlang\n<b>x</b>\n```").html
    assert '<code class="language-python"><span class="k">def</span>' in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_math_inline_and_display_become_katex_elements():
    html = render("Energy $E=mc^2$ and\n\n$$\n\\sum_i x_i < 1\n$$\n\ninline display $$a$$ here").html
    assert '<span class="math inline">\\(E=mc^2\\)</span>' in html
    assert '<div class="math block">\n\\[\\sum_i x_i &lt; 1\\]\n</div>' in html
    assert '<span class="math display">\\[a\\]</span>' in html


def test_dollar_amounts_are_not_math():
    assert "math" not in render("It costs $5 and $10.").html


def test_wikilinks_display_text_anchor_and_broken():
    result = render("[[MLA|多头]] [[rope#推导]] [[旋转位置编码笔记]] [[nowhere]] `[[in code]]`")
    html = result.html
    assert '<a class="wikilink concept" href="/concepts/mla/"' in html and ">多头</a>" in html
    assert 'href="/notes/rope/#推导"' in html
    assert html.count('class="wikilink note"') == 2
    assert '<a class="wikilink broken"' in html and "nowhere" in html
    assert [item.link.target for item in result.broken] == ["nowhere"]
    assert "[[in code]]" in html  # not a link inside code


def test_section_links_render_to_the_section():
    resolver = Resolver(
        papers=[__import__("kg.notes.wikilinks", fromlist=["PaperRef"]).PaperRef(5, "DeepSeek-V2: A Strong", "x.pdf")],
        sections_of=lambda pid: [__import__("kg.notes.wikilinks", fromlist=["SectionRef"]).SectionRef(
            9, "2.1.2", "2.1.2", "Low-Rank Compression", "/papers/deepseek-v2/sections/2.1.2/", "§2.1.2 Low-Rank")],
    )
    html = render_markdown("see [[DeepSeek-V2 §2.1.2|低秩压缩]]", resolver=resolver).html
    assert '<a class="wikilink section" href="/papers/deepseek-v2/sections/2.1.2/"' in html


def test_relative_images_resolve_to_attachments_and_missing_ones_are_marked():
    result = render("![fig](img/a.png) ![[img/b.png]] ![c](./img/../img/a.png)",
                    attachments={"img/a.png": "/notes/x/attachments/1/"})
    assert result.html.count('src="/notes/x/attachments/1/"') == 2
    assert '<span class="broken image"' in result.html and result.broken_images == ["img/b.png"]


def test_worst_case_notes_at_the_size_limit_render_without_quadratic_blowup():
    # The figure (under a second each) is printed by `python -m kg.notes.worstcase`; this test only
    # catches a quadratic path (thousands of brackets or repeated headings took minutes before the guards).
    from kg.notes.worstcase import cases

    for name, text in cases(settings.NOTE_MAX_BYTES).items():
        started = time.process_time()
        html = render(text[:settings.NOTE_MAX_BYTES]).html
        assert time.process_time() - started < 6.0, name
        assert "<script" not in html


def test_emphasis_next_to_chinese_needs_no_spaces():
    assert render("K、V **[[MLA|联合低秩压缩]]**成一个").html.count("<strong>") == 1
    assert "<strong>「强调」</strong>的" in render("**「强调」**的").html
    assert "snake_case_word" in render("snake_case_word").html
