"""The bundled knowledge in content/ is product: these checks keep it loadable and correct."""

import re
from pathlib import Path

import numpy as np  # noqa: F401  (note code runs with numpy available)
import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from kg.models import Concept, ConceptRelation, Mention, Note, NoteLink, Question

CONTENT = Path(settings.CONTENT_DIR)
NOTES = sorted((CONTENT / "notes").rglob("*.md"))
FENCE = re.compile(r"^```python[^\n]*\n(.*?)^```", re.S | re.M)


def counts() -> dict[str, int]:
    return {
        "concepts": Concept.objects.count(),
        "relations": ConceptRelation.objects.count(),
        "notes": Note.objects.count(),
        "links": NoteLink.objects.count(),
        "questions": Question.objects.count(),
        "mentions": Mention.objects.count(),
    }


REQUIRED = """mha mqa gqa mla rope kv-cache paged-attention moe aux-loss-free-load-balancing mtp fp8-training
dualpipe ppo dpo grpo rlhf reward-model kl-divergence reward-hacking cold-start rejection-sampling distillation
thinking-mode-fusion thinking-budget sft lora qlora yarn scaling-law""".split()


@pytest.mark.django_db
def test_bundled_content_loads_cleanly_and_is_consistent():
    # One load for all checks: loading content/ is the slow part.
    call_command("ingest", str(CONTENT), verbosity=0)

    assert Concept.objects.count() >= 80
    assert Note.objects.count() >= 30
    assert Question.objects.count() >= 150
    assert set(Question.objects.values_list("lang", flat=True)) == {"zh", "en"}
    assert not set(REQUIRED) - set(Concept.objects.values_list("slug", flat=True))

    assert not Question.objects.filter(concepts__isnull=True).exists(), "every question has a concept"
    assert not Question.objects.filter(note__isnull=True).exists(), "every question has a note"
    orphans = Concept.objects.filter(outgoing__isnull=True, incoming__isnull=True)
    assert not list(orphans.values_list("slug", flat=True)), "no concept is an orphan"

    broken = NoteLink.objects.filter(target_note__isnull=True, target_concept__isnull=True, target_section__isnull=True)
    broken = [(link.source.slug, link.target_text) for link in broken.select_related("source")
              if "§" not in link.target_text]
    assert not broken, "every wikilink to a note or concept resolves"

    before = counts()
    call_command("ingest", str(CONTENT), verbosity=0)
    assert counts() == before, "loading twice changes nothing"


@pytest.mark.django_db
def test_every_section_citation_resolves_against_the_reference_reports(shared_papers):
    call_command("ingest", str(shared_papers), verbosity=0)
    call_command("ingest", str(CONTENT), verbosity=0)
    citations = NoteLink.objects.filter(target_text__contains="§")
    assert citations.exists()
    broken = list(citations.filter(target_section__isnull=True).values_list("source__slug", "target_text"))
    assert not broken

    cited = Question.objects.exclude(section_refs=[]).prefetch_related("sections")
    assert cited.exists()
    unresolved = [(q.text, q.section_refs) for q in cited if len(q.sections.all()) < len(set(q.section_refs))]
    assert not unresolved, "every question's curated section resolves"


@pytest.mark.parametrize("path", NOTES, ids=[p.stem for p in NOTES])
def test_note_front_matter_parses(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    front = yaml.safe_load(text.split("---\n", 2)[1])
    assert front["title"] and front["slug"] and front["lang"] in {"zh", "en"}


@pytest.mark.parametrize("path", [p for p in NOTES if FENCE.search(p.read_text(encoding="utf-8"))],
                         ids=lambda p: p.stem)
def test_runnable_code_in_notes_runs_and_its_checks_pass(path):
    namespace: dict = {"__name__": f"note_{path.stem}"}
    for block in FENCE.findall(path.read_text(encoding="utf-8")):
        exec(compile(block, str(path), "exec"), namespace)  # noqa: S102  (our own bundled content)
