"""Editing the vocabulary in the admin reruns detection, so pages show the new aliases at once."""

import pytest
from django.contrib.auth import get_user_model

from kg.models import Concept, Mention
from kg.versioning import content_version
from papers.models import Paper, Section


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_user("editor", password="a-long-passphrase-9", is_staff=True,
                                                is_superuser=True)
    client.force_login(user)
    return client


def concept_form(concept: Concept, **changes) -> dict:
    data = {
        "slug": concept.slug, "name": concept.name, "acronym": concept.acronym, "name_zh": concept.name_zh,
        "aliases": '["多头潜在注意力机制"]', "summary": concept.summary, "kind": concept.kind, "chapter": "",
        "outgoing-TOTAL_FORMS": "0", "outgoing-INITIAL_FORMS": "0", "outgoing-MIN_NUM_FORMS": "0",
        "outgoing-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


@pytest.mark.django_db(transaction=True)
def test_changing_aliases_in_the_admin_relinks_the_library(staff_client):
    concept = Concept.objects.create(slug="mla", name="Multi-head Latent Attention", kind="architecture")
    paper = Paper.objects.create(slug="p", title="P", filename="p.pdf", sha256="0" * 64, page_count=1,
                                 parser_version="t")
    section = Section.objects.create(paper=paper, order=0, number="1", key="1", title="Attention", level=1,
                                     page_start=1, page_end=1, heading_page=1, text="We use LatentAttn everywhere.")
    before = content_version()
    assert not Mention.objects.filter(concept=concept, section=section).exists()

    response = staff_client.post(f"/admin/kg/concept/{concept.pk}/change/",
                                 concept_form(concept, aliases='["LatentAttn"]'))

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Mention.objects.filter(concept=concept, section=section).exists()
    assert content_version() > before
