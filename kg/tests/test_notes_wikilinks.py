"""Wikilink parsing and Obsidian-style resolution, paper section links included."""

from kg.notes.wikilinks import ConceptRef, NoteRef, PaperRef, Resolver, SectionRef, WikiLink, find_wikilinks, heading_id


def note(i, slug, path, title="", aliases=()):
    return NoteRef(i, slug, path, title or slug, tuple(aliases), f"/notes/{slug}/")


NOTES = [
    note(1, "readme", "vault/README"),
    note(2, "architecture-readme", "vault/architecture/README"),
    note(3, "rlhf-readme", "vault/rlhf/README"),
    note(4, "mla", "vault/architecture/mla", "MLA：多头潜在注意力", ["MLA 笔记"]),
    note(5, "a-x", "vault/a/x"),
    note(6, "b-x", "vault/b/x"),
    note(7, "grpo-note", "vault/rlhf/grpo", "GRPO 详解"),
]
CONCEPTS = [
    ConceptRef(10, "mla", ("Multi-head Latent Attention", "MLA", "多头潜在注意力"), "/concepts/mla/"),
    ConceptRef(11, "grpo", ("Group Relative Policy Optimization", "GRPO"), "/concepts/grpo/"),
    ConceptRef(12, "readme", ("Readme concept",), "/concepts/readme/"),
]
PAPERS = [
    PaperRef(20, "DeepSeek-V2: A Strong, Economical, and Efficient Mixture-of-Experts Language Model",
             "DeepSeek_V2.pdf"),
    PaperRef(21, "DeepSeek-V3 Technical Report", "DeepSeek_V3.pdf"),
    PaperRef(22, "Qwen3 Technical Report", "2505.09388.pdf"),
]
SECTIONS = {
    20: [SectionRef(30, "2.1.2", "2.1.2", "Low-Rank Key-Value Joint Compression", "/s/30/", "§2.1.2"),
         SectionRef(31, "C", "C", "Discussion About Absorbing", "/s/31/", "§C")],
    21: [SectionRef(32, "", "s0", "Abstract", "/s/32/", "Abstract")],
    22: [SectionRef(33, "4.1", "4.1", "Long-CoT Cold Start", "/s/33/", "§4.1")],
}
RESOLVER = Resolver(notes=NOTES, concepts=CONCEPTS, papers=PAPERS, sections_of=lambda pid: SECTIONS.get(pid, []))


def resolve(text, source=None):
    (link,) = find_wikilinks(text)
    return RESOLVER.resolve(link, source=source)


def test_parsing_display_anchor_embed_and_code():
    links = find_wikilinks("[[MLA|多头]] [[rope#推导]] ![[img/a.png]] `[[code]]`\n```\n[[fenced]]\n```\n[[a\\|b]]")
    assert [(x.target, x.anchor, x.display, x.embed) for x in links] == [
        ("MLA", "", "多头", False), ("rope", "推导", "", False), ("img/a.png", "", "", True), ("a", "", "b", False)]
    assert heading_id("推导 Derivation!") == "推导-derivation"


def test_shortest_unambiguous_path():
    assert resolve("[[README]]").id == 1  # the shortest path wins
    assert resolve("[[architecture/README]]").id == 2
    assert resolve("[[rlhf/README.md]]").id == 3
    inside = NOTES[3]  # a note in architecture/
    assert resolve("[[README]]", source=inside).id == 2  # same folder first


def test_ambiguous_name_is_broken_with_a_reason():
    result = resolve("[[x]]")
    assert result.broken and "ambiguous" in result.reason
    assert resolve("[[a/x]]").id == 5


def test_notes_by_slug_title_and_alias_and_note_wins_over_concept():
    assert resolve("[[grpo-note]]").id == 7
    assert resolve("[[GRPO 详解]]").id == 7
    assert resolve("[[MLA 笔记]]").id == 4
    assert (resolve("[[mla]]").kind, resolve("[[mla]]").id) == ("note", 4)  # note file mla.md wins
    assert (resolve("[[readme]]").kind, resolve("[[readme]]").id) == ("note", 1)


def test_concepts_by_slug_or_any_name():
    assert (resolve("[[GRPO]]").kind, resolve("[[GRPO]]").id) == ("note", 7)  # file rlhf/grpo.md, as Obsidian
    assert (resolve("[[Group Relative Policy Optimization]]").kind) == "concept"
    assert resolve("[[多头潜在注意力]]").id == 10
    assert resolve("[[group relative policy optimization]]").id == 11
    assert resolve("[[concept:mla]]").kind == "concept"


def test_a_note_never_links_to_itself_by_its_own_name():
    result = resolve("[[MLA]]", source=NOTES[3])
    assert (result.kind, result.id) == ("concept", 10)


def test_heading_links_get_anchors():
    assert resolve("[[mla#解耦 RoPE]]").url == "/notes/mla/#解耦-rope"
    assert resolve("[[#推导]]", source=NOTES[3]).url == "#推导"


def test_section_links_by_number_key_or_title():
    assert resolve("[[DeepSeek-V2 §2.1.2]]").id == 30
    assert resolve("[[DeepSeek-V2 §C|吸收]]").id == 31
    assert resolve("[[deepseek v3 § Abstract]]").id == 32
    assert resolve("[[Qwen3 §4.1]]").id == 33
    assert resolve("[[DeepSeek-V2 §low-rank key-value joint compression]]").id == 30


def test_broken_section_links_say_why():
    assert "no paper" in resolve("[[GPT-5 §1]]").reason
    assert "no section" in resolve("[[DeepSeek-V2 §9.9]]").reason


def test_unknown_target_is_broken():
    assert resolve("[[nothing here]]").broken
    assert RESOLVER.resolve(WikiLink("", "", "x", "", 0, 0)).broken


def test_many_section_links_compact_each_paper_once(monkeypatch):
    """Relinking resolves every § link in the library: the papers are not re-scanned per link."""
    from kg.notes import wikilinks

    calls = []
    real = wikilinks.compact
    monkeypatch.setattr(wikilinks, "compact", lambda text: calls.append(text) or real(text))
    resolver = Resolver(notes=NOTES, concepts=CONCEPTS, papers=PAPERS, sections_of=lambda pid: SECTIONS.get(pid, []))
    links = ["DeepSeek-V2 §2.1.2", "Qwen3 §4.1", "DeepSeek-V2 §C", "Nope §1"] * 50
    found = [resolver.resolve_section(link).id for link in links]
    assert found[:4] == [30, 33, 31, None]
    assert found == found[:4] * 50
    assert len(calls) <= 2 * len(PAPERS) + len(links) * 3
