"""Loading a content folder: chapters, concepts, relations, notes, questions; twice = no change; errors by line."""

import pytest

from kg.models import Chapter, Concept, ConceptRelation, Mention, Note, NoteLink, Question
from kg.services.content import content_ingest
from kg.services.linking import mentions_refresh_for_paper
from kg.tests.notes_factories import make_paper, note_text, write_files
from kg.versioning import content_version

pytestmark = pytest.mark.django_db

CHAPTERS = """- slug: architecture
  number: 1
  title: Architecture and math
  title_zh: 模型结构与数学基础
- slug: rlhf
  number: 4
  title: RLHF and alignment
"""
CONCEPTS = """- slug: mha
  name: Multi-Head Attention
  acronym: MHA
  name_zh: 多头注意力
  kind: architecture
  chapter: architecture
- slug: mla
  name: Multi-head Latent Attention
  acronym: MLA
  name_zh: 多头潜在注意力
  aliases: [Multi-Head Latent Attention]
  kind: architecture
  chapter: architecture
  summary: Compresses the KV cache.
  relations:
    - {type: improves-on, target: mha}
    - {type: related-to, target: grpo}
"""
CONCEPTS_RLHF = """- slug: grpo
  name: Group Relative Policy Optimization
  acronym: GRPO
  kind: alignment
  chapter: rlhf
  relations:
    - {type: variant-of, target: nothing-like-this}
"""
QUESTIONS = """- q: MLA 和 MHA 的 KV Cache 各是多少？
  lang: zh
  chapter: architecture
  tags: [high-frequency]
  concepts: [mla, mha]
  note: mla-note
  sections: ["DeepSeek-V2 §2.1.2"]
- q: Why does GRPO need no critic?
  lang: en
  chapter: rlhf
  tags: [hot]
  concepts: [grpo]
  note: mla-note
"""


@pytest.fixture
def content(tmp_path):
    return write_files(tmp_path / "content", {
        "chapters.yaml": CHAPTERS,
        "concepts/01-architecture.yaml": CONCEPTS,
        "concepts/04-rlhf.yaml": CONCEPTS_RLHF,
        "notes/architecture/mla.md": note_text("MLA", "[[MHA]] vs MLA, see [[DeepSeek-V2 §2.1.2]].",
                                               slug="mla-note", chapter="architecture", concepts="[mla]"),
        "questions/01.yaml": QUESTIONS,
    })


def counts():
    return [m.objects.count() for m in (Chapter, Concept, ConceptRelation, Note, NoteLink, Question, Mention)]


def test_loads_everything_and_reports_unknown_relation_targets_by_line(content):
    results = content_ingest(root=content)
    failed = [r for r in results if r.failed]
    assert [(r.path, r.detail) for r in failed] == [
        ("content/concepts/04-rlhf.yaml:7", "unknown relation target 'nothing-like-this' in relations of grpo")]
    assert counts()[:6] == [2, 3, 2, 1, 2, 2]
    mla = Concept.objects.get(slug="mla")
    assert mla.chapter.slug == "architecture" and mla.aliases == ["Multi-Head Latent Attention"]
    assert set(mla.outgoing.values_list("type", "target__slug")) == {("improves-on", "mha"), ("related-to", "grpo")}
    question = Question.objects.get(lang="zh")
    assert question.note.slug == "mla-note" and set(question.concepts.values_list("slug", flat=True)) == {"mla", "mha"}
    assert question.section_refs == ["DeepSeek-V2 §2.1.2"] and not question.sections.exists()
    assert Mention.objects.filter(note__slug="mla-note", concept__slug="mla", defines=True).exists()


def test_loading_twice_changes_nothing(content):
    content_ingest(root=content)
    before, version = counts(), content_version()
    results = content_ingest(root=content)
    assert counts() == before and content_version() == version
    assert {r.status for r in results if not r.failed} == {"unchanged"}


def test_section_citations_resolve_once_the_paper_arrives(content):
    content_ingest(root=content)
    paper = make_paper(sections=[("2.1.2", "Low-Rank Key-Value Joint Compression", "MLA compresses.")])
    mentions_refresh_for_paper(paper=paper)  # what the paper service calls after it writes
    section = paper.sections.get()
    assert list(Question.objects.get(lang="zh").sections.all()) == [section]
    assert NoteLink.objects.get(target_text="DeepSeek-V2 §2.1.2").target_section == section


def test_bad_yaml_fails_with_its_line_and_the_rest_loads(content):
    broken = CONCEPTS.replace("aliases: [Multi-Head", "aliases: [Multi: [")
    write_files(content, {"concepts/01-architecture.yaml": broken})
    results = content_ingest(root=content)
    failed = {r.path: r.detail for r in results if r.failed}
    assert any(path.startswith("content/concepts/01-architecture.yaml:") for path in failed)
    assert "not valid YAML" in next(d for p, d in failed.items() if "01-architecture" in p)
    assert Concept.objects.filter(slug="grpo").exists()  # the other file loaded
    assert not Concept.objects.filter(slug="mla").exists()


def test_bad_entries_fail_alone(content):
    write_files(content, {"questions/02.yaml": "- q: Orphan?\n  lang: en\n  chapter: rlhf\n  concepts: [nope]\n"
                                                "- q: Fine?\n  lang: en\n  chapter: rlhf\n  concepts: [grpo]\n"})
    results = content_ingest(root=content)
    failed = {r.path: r.detail for r in results if r.failed}
    assert failed["content/questions/02.yaml:1"] == "unknown concepts ['nope']"
    assert Question.objects.filter(text="Fine?").exists() and not Question.objects.filter(text="Orphan?").exists()


def test_removed_questions_and_relations_follow_content(content):
    content_ingest(root=content)
    write_files(content, {
        "questions/01.yaml": QUESTIONS.split("- q: Why")[0],
        "concepts/01-architecture.yaml": CONCEPTS.replace("    - {type: related-to, target: grpo}\n", ""),
    })
    content_ingest(root=content)
    assert Question.objects.count() == 1
    assert ConceptRelation.objects.count() == 1
