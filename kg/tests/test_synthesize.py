import pytest
from django.core.management import CommandError, call_command

from kg.models import Concept, Mention, Note, Question
from papers.models import Paper, Section


@pytest.fixture
def vocabulary(db):
    Concept.objects.create(slug="mla", name="Multi-head Latent Attention", acronym="MLA", name_zh="多头潜在注意力")
    Concept.objects.create(slug="grpo", name="Group Relative Policy Optimization", acronym="GRPO")


def snapshot():
    return (
        list(Paper.objects.order_by("slug").values_list("slug", "title")),
        list(Section.objects.order_by("paper__slug", "order").values_list("title", "text")[:20]),
        list(Note.objects.order_by("slug").values_list("slug", "body")),
    )


@pytest.mark.django_db
def test_synthesize_builds_a_library_in_proportion(vocabulary):
    call_command("synthesize", papers=3, notes=5, seed=3, verbosity=0)
    assert Paper.objects.count() == 3
    assert Section.objects.count() == 150
    assert Mention.objects.filter(section__isnull=False).count() >= 300
    assert Note.objects.count() == 5 and Question.objects.count() == 5
    assert Note.objects.filter(lang="zh").exists() or Note.objects.filter(lang="en").count() == 5


@pytest.mark.django_db
def test_same_seed_gives_the_same_library(vocabulary):
    call_command("synthesize", papers=2, notes=3, seed=5, verbosity=0)
    first = snapshot()
    Paper.objects.all().delete(), Note.objects.all().delete(), Question.objects.all().delete()
    call_command("synthesize", papers=2, notes=3, seed=5, verbosity=0)
    assert snapshot() == first


@pytest.mark.django_db
def test_needs_a_vocabulary_and_a_fresh_seed(vocabulary):
    call_command("synthesize", papers=1, notes=0, seed=1, verbosity=0)
    with pytest.raises(CommandError, match="seed 1 exists"):
        call_command("synthesize", papers=1, notes=0, seed=1, verbosity=0)
    Concept.objects.all().delete()
    with pytest.raises(CommandError, match="no concepts"):
        call_command("synthesize", papers=1, notes=0, seed=2, verbosity=0)


@pytest.mark.django_db
def test_synthetic_links_are_resolved_as_the_notes_service_would(vocabulary):
    """Each stored NoteLink target is what the resolver makes of the link written in the body."""
    from kg.models import NoteLink
    from kg.notes.store import resolver_from_db
    from kg.services.notes import notelinks_resolve_all

    call_command("synthesize", papers=3, notes=6, seed=4, verbosity=0)
    links = NoteLink.objects.all()
    assert links.count() >= 6 * 3
    kinds = {("section" if link.target_section_id else "note" if link.target_note_id else "concept")
             for link in links}
    assert kinds == {"section", "note", "concept"}
    for link in links:
        assert f"[[{link.target_text}]]" == link.source.body[link.position:link.position + len(link.target_text) + 4]
    before = list(links.order_by("id").values_list("target_note", "target_concept", "target_section"))
    assert notelinks_resolve_all(resolver=resolver_from_db()) == 0
    from kg.services.questions import questions_resolve_sections

    assert questions_resolve_sections(resolver=resolver_from_db()) == 0
    assert list(links.order_by("id").values_list("target_note", "target_concept", "target_section")) == before


@pytest.mark.django_db
def test_synthetic_questions_are_about_concepts_and_have_notes(vocabulary):
    call_command("synthesize", papers=2, notes=10, seed=6, verbosity=0)
    assert not Question.objects.filter(concepts__isnull=True).exists()
    assert not Question.objects.filter(note__isnull=True).exists()
    assert Mention.objects.filter(note__isnull=False).count() >= 10
    cited = Question.objects.exclude(section_refs=[])
    assert cited.exists() and all(q.sections.count() == 1 for q in cited)
    assert not Question.objects.filter(section_refs=[], sections__isnull=False).exists()
