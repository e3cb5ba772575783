import pytest
from django.db import IntegrityError

from kg.models import Concept, ConceptRelation, Mention


@pytest.mark.django_db
def test_relation_cannot_point_to_itself():
    mla = Concept.objects.create(slug="mla", name="Multi-head Latent Attention")
    with pytest.raises(IntegrityError):
        ConceptRelation.objects.create(source=mla, target=mla, type="improves-on")


@pytest.mark.django_db
def test_concept_slug_must_be_kebab_case():
    with pytest.raises(IntegrityError):
        Concept.objects.create(slug="Cold_Start", name="Cold start")


@pytest.mark.django_db
def test_mention_needs_exactly_one_target():
    mla = Concept.objects.create(slug="mla", name="MLA")
    with pytest.raises(IntegrityError):
        Mention.objects.create(concept=mla)
