"""Backlinks: grouped by kind with context, unlinked mentions apart, right after edits, renames, deletions."""

import pytest

from kg.backlinks import backlinks_for_concept, backlinks_for_note, backlinks_for_section
from kg.models import ConceptRelation, Question
from kg.services.linking import mentions_refresh_for_paper
from kg.services.notes import note_create, note_update
from kg.services.questions import questions_resolve_sections
from kg.tests.notes_factories import ingest_vault, make_paper, note_text, standard_concepts, write_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(tmp_path):
    concepts = standard_concepts()
    paper = make_paper(sections=[
        ("2.1", "Multi-Head Latent Attention", "We use Multi-head Latent Attention (MLA). MLA caches less."),
        ("2.2", "Training", "MLA is also used in training. Nothing else."),
    ])
    mentions_refresh_for_paper(paper=paper)
    ConceptRelation.objects.create(source=concepts["mla"], target=concepts["mha"], type="improves-on")
    question = Question.objects.create(text="MLA 为什么省显存？", lang="zh", section_refs=["DeepSeek-V2 §2.1"])
    question.concepts.add(concepts["mla"])
    questions_resolve_sections()
    vault = write_files(tmp_path / "vault", {
        "mla.md": note_text("MLA 笔记", "[[MLA]] 低秩压缩 [[DeepSeek-V2 §2.1]]。"),
        "mha.md": note_text("MHA", "MHA 不如 MLA。这里提到 MLA 笔记 但没链接。"),
        "index.md": "# 索引\n见 [[MLA 笔记|MLA 的笔记]]。",
    })
    ingest_vault(vault)
    return {"vault": vault, "paper": paper, "question": question, **concepts}


def titles(group):
    return [item.title for item in group.items]


def test_concept_backlinks_grouped_with_context(library):
    backlinks = backlinks_for_concept(concept=library["mla"])
    assert titles(backlinks.group("notes")) == ["MLA 笔记"]
    assert backlinks.group("notes").items[0].context.startswith("[[MLA]]")
    sections = backlinks.group("sections")
    assert sections.total == 2 and sections.items[0].badge == "defines"  # the defining section ranks first
    assert "2.1" in sections.items[0].title
    assert titles(backlinks.group("questions")) == ["MLA 为什么省显存？"]
    assert backlinks.group("concepts").total == 0
    assert [item.title for item in backlinks.unlinked] == ["MHA"]
    assert backlinks.unlinked[0].note_slug == "mha" and "MLA" in backlinks.unlinked[0].context
    mha = backlinks_for_concept(concept=library["mha"])
    assert titles(mha.group("concepts")) == ["Multi-head Latent Attention"]
    assert mha.group("concepts").items[0].badge == "improves-on"


def test_note_backlinks_and_unlinked_mentions(library):
    from kg.models import Note

    backlinks = backlinks_for_note(note=Note.objects.get(slug="mla"))
    assert titles(backlinks.group("notes")) == ["索引"]
    assert backlinks.group("notes").items[0].context == "见 [[MLA 笔记|MLA 的笔记]]。"
    assert [item.title for item in backlinks.unlinked] == ["MHA"]


def test_section_backlinks(library):
    section = library["paper"].sections.get(number="2.1")
    backlinks = backlinks_for_section(section=section)
    assert titles(backlinks.group("notes")) == ["MLA 笔记"]
    assert titles(backlinks.group("questions")) == ["MLA 为什么省显存？"]
    assert backlinks.count == 2


def test_counts_follow_edits(library, django_user_model):
    from kg.models import Note

    user = django_user_model.objects.create_user("u", password="pw-123456-x")
    index = Note.objects.get(slug="index")
    note_update(note=index, title="索引", body="不再链接。", user=user)
    assert backlinks_for_note(note=Note.objects.get(slug="mla")).count == 0
    note_create(title="新", body="[[concept:mla]] 和 [[mla]]", user=user)
    assert backlinks_for_concept(concept=library["mla"]).group("notes").total == 2
    assert backlinks_for_note(note=Note.objects.get(slug="mla")).count == 1


def test_counts_follow_renames_and_deletions(library):
    from kg.models import Note

    vault = library["vault"]
    (vault / "index.md").rename(vault / "start.md")
    ingest_vault(vault)
    backlinks = backlinks_for_note(note=Note.objects.get(slug="mla"))
    assert titles(backlinks.group("notes")) == ["索引"]  # the renamed note still links
    (vault / "mla.md").unlink()
    ingest_vault(vault)
    concept = backlinks_for_concept(concept=library["mla"])
    assert concept.group("notes").total == 0
    assert [item.title for item in concept.unlinked] == ["MHA"]
    section = library["paper"].sections.get(number="2.1")
    assert backlinks_for_section(section=section).group("notes").total == 0
