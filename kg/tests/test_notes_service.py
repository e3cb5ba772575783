"""Ingesting note folders and files: idempotent, renames, deletions, errors with lines, attachments."""

import pytest
from django.core.exceptions import ValidationError

from kg.models import Attachment, Mention, Note, NoteLink
from kg.services.notes import note_create, note_link_mention, note_update, notes_ingest_files
from kg.tests.notes_factories import ingest_vault, note_text, standard_concepts, write_files
from kg.versioning import content_version

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

pytestmark = pytest.mark.django_db


@pytest.fixture
def vault(tmp_path):
    standard_concepts()
    return write_files(tmp_path / "vault", {
        "README.md": "# Home\n\nSee [[mla]] and [[architecture/README]].",
        "architecture/README.md": "# Architecture\n",
        "architecture/mla.md": note_text(
            "MLA 笔记", "MLA 压缩 KV cache，见 [[MoE]] 和 [[GRPO|组相对]]。\n![fig](img/f.png)\n", concepts="[mla]"),
        "architecture/img/f.png": PNG,
        "rlhf/README.md": "# RLHF\n[[README]] [[nowhere]]",
    })


def statuses(results):
    return {r.path.split("vault/")[-1]: r.status for r in results}


def test_folder_ingest_creates_notes_with_slugs_links_and_mentions(vault):
    version = content_version()
    results = ingest_vault(vault)
    assert set(statuses(results).values()) == {"new"}
    assert set(Note.objects.values_list("slug", flat=True)) == {"readme", "architecture-readme", "mla",
                                                                 "rlhf-readme"}
    mla = Note.objects.get(slug="mla")
    assert mla.title == "MLA 笔记" and mla.source_path == "vault/architecture/mla.md" and mla.lang == "zh"
    links = {link.target_text: link for link in NoteLink.objects.filter(source=mla)}
    assert links["MoE"].target_concept.slug == "moe" and links["GRPO"].target_concept.slug == "grpo"
    assert "组相对" not in links["GRPO"].context or "GRPO" in links["GRPO"].context
    mentions = {m.concept.slug: m for m in Mention.objects.filter(note=mla).select_related("concept")}
    assert mentions["mla"].explicit and mentions["mla"].defines  # front matter concepts
    assert mentions["moe"].explicit and not mentions["kv-cache"].explicit
    assert Attachment.objects.get(note=mla).path == "img/f.png"
    rlhf = Note.objects.get(slug="rlhf-readme")
    by_text = {link.target_text: link for link in rlhf.links.all()}
    assert by_text["README"].target_note.slug == "rlhf-readme"  # same folder wins
    assert by_text["nowhere"].is_broken
    assert content_version() > version


def test_ingesting_twice_changes_nothing(vault):
    ingest_vault(vault)
    version = content_version()
    rows = list(Note.objects.values_list("id", "slug", "content_hash"))
    results = ingest_vault(vault)
    assert set(statuses(results).values()) == {"unchanged"}
    assert list(Note.objects.values_list("id", "slug", "content_hash")) == rows
    assert content_version() == version


def test_rename_keeps_the_row_and_links_into_it(vault):
    ingest_vault(vault)
    mla = Note.objects.get(slug="mla")
    (vault / "architecture/mla.md").rename(vault / "architecture/mla-v2.md")
    results = statuses(ingest_vault(vault))
    assert results["architecture/mla-v2.md"] == "updated"
    renamed = Note.objects.get(pk=mla.pk)
    assert renamed.slug == "mla-v2" and renamed.source_path == "vault/architecture/mla-v2.md"
    link = NoteLink.objects.get(source__slug="readme", target_text="mla")
    assert link.target_note is None and link.target_concept.slug == "mla"  # re-resolved: the note name is gone


def test_deleted_file_removes_the_note_and_its_links(vault):
    ingest_vault(vault)
    mla = Note.objects.get(slug="mla")
    (vault / "architecture/mla.md").unlink()
    results = ingest_vault(vault)
    assert ("vault/architecture/mla.md", "removed") in [(r.path, r.status) for r in results]
    assert not Note.objects.filter(pk=mla.pk).exists()
    assert not NoteLink.objects.filter(source_id=mla.pk).exists()
    assert not Mention.objects.filter(note_id=mla.pk).exists()


def test_deletions_are_scoped_to_the_ingested_folder(vault, tmp_path):
    ingest_vault(vault)
    other = write_files(tmp_path / "other", {"solo.md": "# Solo\n"})
    ingest_vault(other)
    assert Note.objects.filter(slug="mla").exists() and Note.objects.filter(slug="solo").exists()


def test_bad_files_fail_with_their_line_and_the_others_go_on(vault):
    write_files(vault, {"bad-yaml.md": "---\ntitle: x\ntags: [a\n---\n", "bad-utf8.md": b"# ok\n\xff\xfe\n"})
    results = {r.path.rsplit("/", 1)[-1]: r for r in ingest_vault(vault)}
    assert results["bad-yaml.md"].status == "failed" and results["bad-yaml.md"].detail.startswith("line 3:")
    assert results["bad-utf8.md"].status == "failed" and results["bad-utf8.md"].detail.startswith("line 2:")
    assert results["mla.md"].status == "new"
    assert not Note.objects.filter(slug__in=["bad-yaml", "bad-utf8"]).exists()


def test_a_note_that_turns_bad_keeps_its_old_row(vault):
    ingest_vault(vault)
    (vault / "architecture/mla.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    results = statuses(ingest_vault(vault))
    assert results["architecture/mla.md"] == "failed"
    assert Note.objects.get(slug="mla").title == "MLA 笔记"


def test_oversized_note_fails(vault, settings):
    settings.NOTE_MAX_BYTES = 100
    write_files(vault, {"big.md": "x" * 200})
    results = {r.path.rsplit("/", 1)[-1]: r for r in ingest_vault(vault)}
    assert results["big.md"].status == "failed" and "limit" in results["big.md"].detail


def test_single_file_ingest(vault):
    (result,) = notes_ingest_files(files=[vault / "architecture/mla.md"])
    assert result.status == "new"
    assert Note.objects.get(slug="mla").source_path == "architecture/mla.md"


def test_web_create_update_and_link_it(db, django_user_model):
    standard_concepts()
    user = django_user_model.objects.create_user("u", password="pw-123456-x")
    note = note_create(title="我的笔记", body="GRPO 不需要 critic。后来又说 GRPO。", user=user)
    assert note.slug == "我的笔记"
    mention = Mention.objects.get(note=note, concept__slug="grpo")
    assert not mention.explicit and mention.count == 2
    assert note_link_mention(note=note, concept_slug="grpo", user=user)
    note.refresh_from_db()
    assert note.body == "[[GRPO]] 不需要 critic。后来又说 GRPO。"
    assert Mention.objects.get(note=note, concept__slug="grpo").explicit
    note = note_update(note=note, title="改名", body="没有概念了", user=user)
    assert note.title == "改名" and not Mention.objects.filter(note=note).exists()
    with pytest.raises(ValidationError):
        note_update(note=note, title="x", body="---\ntitle: [\n---\n", user=user)
    assert not note_link_mention(note=note, concept_slug="grpo", user=user)


def test_ingesting_one_paper_re_resolves_only_the_section_links_that_may_point_into_it():
    from kg.services.notes import notelinks_resolve_all
    from kg.services.questions import questions_resolve_sections
    from kg.tests import factories

    v2 = factories.paper("deepseek-v2", title="DeepSeek-V2 Technical Report", filename="DeepSeek_V2.pdf")
    v3 = factories.paper("deepseek-v3", title="DeepSeek-V3 Technical Report", filename="DeepSeek_V3.pdf")
    v2_mla = factories.section(v2, "2.1", "Multi-Head Latent Attention")
    v3_mtp = factories.section(v3, "2.2", "Multi-Token Prediction")
    moved = factories.section(v2, "3", "Renamed later")
    note = factories.note("links")
    naming_v2 = factories.notelink(note, position=0, target_text="DeepSeek-V2 §2.1")
    naming_v3 = factories.notelink(note, position=1, target_text="DeepSeek-V3 §2.2")  # left as it is: stale on purpose
    pointing_in = factories.notelink(note, position=2, target_text="Some old name §3", target_section=moved)
    plain = factories.notelink(note, position=3, target_text="links")
    asks_v2 = factories.question("Why MLA?", section_refs=["DeepSeek-V2 §2.1"])
    asks_v3 = factories.question("Why MTP?", section_refs=["DeepSeek-V3 §2.2"])

    assert notelinks_resolve_all(paper=v2) == 2
    questions_resolve_sections(paper=v2)
    for link in (naming_v2, naming_v3, pointing_in, plain):
        link.refresh_from_db()
    assert naming_v2.target_section == v2_mla
    assert pointing_in.target_section is None  # it pointed into the paper and no longer resolves
    assert naming_v3.target_section is None and plain.target_note is None  # not the paper's: not touched
    assert list(asks_v2.sections.all()) == [v2_mla] and not asks_v3.sections.exists()

    notelinks_resolve_all()  # everything, as `relink` does
    naming_v3.refresh_from_db()
    assert naming_v3.target_section == v3_mtp


def test_writing_a_note_re_resolves_only_the_links_it_can_change(django_user_model):
    from kg.services.notes import note_create, note_update
    from kg.tests import factories

    user = django_user_model.objects.create_user("writer", password="pw-12345-long")
    other = factories.note("other", title="Other")
    naming = factories.notelink(other, position=0, target_text="Decoupled RoPE")
    elsewhere = factories.notelink(other, position=1, target_text="Other")  # stale on purpose: not this note's
    created = note_create(title="Decoupled RoPE", body="See [[Other]].", user=user)
    naming.refresh_from_db()
    elsewhere.refresh_from_db()
    assert naming.target_note == created  # it names the new note
    assert elsewhere.target_note is None  # nothing about the new note can change it: not touched
    assert created.links.get().target_note == other  # the note's own links are resolved

    note_update(note=created, title="Partial RoPE", body="See [[Other]].", user=user)
    naming.refresh_from_db()
    assert naming.target_note is None  # it pointed to the note, whose title changed
