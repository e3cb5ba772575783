"""Selectors whose ranking moved into the database (kg.selectors)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kg import selectors
from kg.tests import factories as f


@pytest.mark.django_db
def test_defining_sections_for_keeps_the_best_few_per_concept_in_one_query():
    paper = f.paper()
    mla, grpo, other = f.concept("mla"), f.concept("grpo"), f.concept("other")
    sections = [f.section(paper, str(i + 1), order=i) for i in range(6)]
    for i, (defines, score) in enumerate([(False, 0.9), (True, 0.1), (False, 0.5), (True, 0.7), (False, 0.95)]):
        f.mention(mla, section=sections[i], defines=defines, score=score)
    f.mention(grpo, section=sections[5], score=0.2)
    f.mention(other, section=sections[0], defines=True, score=1.0)
    f.mention(mla, note=f.note(), defines=True, score=5.0)  # notes are not sections
    with CaptureQueriesContext(connection) as queries:
        best = selectors.defining_sections_for([mla, grpo], per_concept=2)
        picked = [(m.concept.slug, m.section.number, m.section.paper.slug) for m in best]
    assert picked == [("mla", "4", paper.slug), ("mla", "2", paper.slug), ("grpo", "6", paper.slug)]
    assert len(queries) == 1
