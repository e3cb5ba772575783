"""`manage.py relink` rebuilds every mention and prints the count and time."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from kg.models import Concept, Mention, TextTerms
from kg.services.linking import mentions_refresh_for_paper
from kg.tests.notes_factories import ingest_vault, make_paper, note_text, standard_concepts, write_files

pytestmark = pytest.mark.django_db


def test_relink_rebuilds_mentions_after_a_vocabulary_edit(tmp_path):
    standard_concepts()
    paper = make_paper(sections=[("1", "Intro", "We adopt Rotary Position Embedding and MLA.")])
    mentions_refresh_for_paper(paper=paper)
    ingest_vault(write_files(tmp_path / "v", {"a.md": note_text("A", "RoPE 很重要，MLA 也是。")}))
    assert not Mention.objects.filter(concept__slug="rope").exists()
    Concept.objects.create(slug="rope", name="Rotary Position Embedding", acronym="RoPE")  # an admin edit
    out = StringIO()
    call_command("relink", stdout=out)
    line, counted = out.getvalue().strip().splitlines()
    assert re.fullmatch(r"relink: \d+ mentions in 1 sections and 1 notes, [\d.]+ s \([\d.]+ s CPU\)", line), line
    assert re.fullmatch(r"term counts: 2 texts, 0 stale dropped, [\d.]+ s", counted), counted
    assert TextTerms.objects.count() == 2  # the next index build tokenizes nothing
    assert int(line.split()[1]) == Mention.objects.count()
    assert set(Mention.objects.filter(concept__slug="rope").values_list("section__number", "note__slug")) == {
        ("1", None), (None, "a")}


def test_relink_is_quiet_at_verbosity_zero():
    out = StringIO()
    call_command("relink", verbosity=0, stdout=out)
    assert out.getvalue() == ""
