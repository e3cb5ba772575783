"""Reads for papers and sections."""

from django.db.models import Q, QuerySet

from kg.models import Mention, Question
from papers.models import Paper, Section


def papers_recent(*, limit: int = 10) -> QuerySet[Paper]:
    return Paper.objects.with_section_counts().order_by("-ingested_at")[:limit]


# Paper and section pages: each returns rows in a fixed number of queries.


def paper_sections(paper: Paper) -> list[Section]:
    return list(paper.sections.only("id", "paper_id", "order", "number", "key", "title", "level", "parent_id",
                                    "kind", "page_start", "page_end").order_by("order"))


def paper_heatmap(paper: Paper, *, columns: int = 14) -> tuple[list[dict], dict[int, dict[str, float]], float]:
    """Which concepts appear in which sections: the paper's top concepts (columns) and scores per section."""
    rows = (Mention.objects.filter(section__paper=paper)
            .values_list("section_id", "concept__slug", "concept__acronym", "concept__name", "count", "defines"))
    totals: dict[str, float] = {}
    labels: dict[str, str] = {}
    cells: dict[int, dict[str, float]] = {}
    for section_id, slug, acronym, name, count, defines in rows:
        value = count * (2 if defines else 1)
        totals[slug] = totals.get(slug, 0) + value
        labels[slug] = acronym or name
        cells.setdefault(section_id, {})[slug] = value
    top = sorted(totals, key=lambda s: (-totals[s], s))[:columns]
    concepts = [{"slug": s, "label": labels[s]} for s in top]
    peak = max((v for row in cells.values() for s, v in row.items() if s in top), default=0)
    return concepts, cells, float(peak)


def section_neighbours(section: Section) -> dict:
    """Parent, previous and next sections in document order, and children (two queries)."""
    around = {s.order: s for s in Section.objects.filter(paper_id=section.paper_id,
                                                        order__in=[section.order - 1, section.order + 1])}
    return {
        "parent": section.parent,
        "previous": around.get(section.order - 1),
        "next": around.get(section.order + 1),
        "children": list(section.children.order_by("order")),
    }


def section_mentions(section: Section):
    return list(Mention.objects.filter(section=section).select_related("concept").order_by("-defines", "-score"))


def section_questions(section: Section, defined_concept_ids: list[int]):
    """Questions curated for this section, then questions about the concepts it defines."""

    return list(Question.objects.filter(Q(sections=section) | Q(concepts__in=defined_concept_ids))
                .distinct().order_by("id")[:30])
