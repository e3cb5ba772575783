"""Evidence: the one to three sentences of a section or note that best answer the question."""

from kg.trace.index import Detail, Doc, Index
from kg.trace.pages import locate
from kg.trace.query import Query

MAX_SENTENCES = 3
KEEP_RATIO = 0.6  # a further sentence must score at least this share of the best one


def pick_evidence(query: Query, doc: Doc, detail: Detail, index: Index) -> list[dict]:
    by_term = phrases_by_term(query)
    scored = []
    for position, sentence in enumerate(detail.sentences):
        hits = sentence.termset & by_term.keys()
        if not hits:
            continue
        best: dict[int, float] = {}
        for term in hits:
            for u, terms, weight in by_term[term]:
                if weight > best.get(u, 0.0) and sentence.termset.issuperset(terms):
                    best[u] = weight
        value = sum(query.units[u].importance * weight for u, weight in best.items())
        if sentence.numeric:
            value *= 0.3
        scored.append((value, position, sentence))
    scored.sort(key=lambda item: (-item[0], item[1]))
    if not scored:
        # Matched by heading or concept only: the opening sentence says what the section is about.
        lead = detail.sentences[:1]
        return [{"text": s.text, "page": page_of(doc, detail, s, index)} for s in lead]
    best = scored[0][0]
    chosen = [item for item in scored[:MAX_SENTENCES] if item[0] >= KEEP_RATIO * best]
    return [{"text": sentence.text, "page": page_of(doc, detail, sentence, index)} for _, _, sentence in chosen]


def local_support(query: Query, detail: Detail) -> float:
    """The share of the question (by importance) found in one place: the heading with its
    ancestors, or a single sentence."""
    total = sum(unit.importance for unit in query.units) or 1.0
    places = [detail.head | detail.parent] + [s.termset for s in detail.sentences]
    best = 0.0
    asked = query_terms(query)
    for place in places:
        if not place & asked:
            continue
        found = sum(unit.importance for unit in query.units
                    if any(place.issuperset(terms) for terms, _ in unit.phrases))
        best = max(best, found / total)
    return best


def phrases_by_term(query: Query) -> dict[str, list[tuple[int, tuple[str, ...], float]]]:
    """Each query term -> the phrases (unit, terms, weight) it opens, so a sentence is only
    checked against the phrases it could complete."""
    out: dict[str, list[tuple[int, tuple[str, ...], float]]] = {}
    for u, unit in enumerate(query.units):
        for terms, weight in unit.phrases:
            if terms:
                out.setdefault(terms[0], []).append((u, terms, weight))
    return out


def query_terms(query: Query) -> set[str]:
    return {term for unit in query.units for term in unit.terms}


def page_of(doc: Doc, detail: Detail, sentence, index: Index) -> int | None:
    """The 1-based page of a sentence: found on the PDF's page texts when the file is
    there, else estimated from its offset's share of the section's pages."""
    if doc.kind != "section":
        return None
    key = (doc.pk, sentence.start)
    if key not in index.sentence_pages:
        texts = index.page_texts.get(doc.paper_id)
        index.sentence_pages[key] = locate(texts, sentence.text, doc.page_start, doc.page_end) if texts else None
    found = index.sentence_pages[key]
    if found:
        return found
    span = doc.page_end - doc.page_start + 1
    if span <= 1 or not detail.text:
        return doc.page_start
    return min(doc.page_start + int(span * sentence.start / len(detail.text)), doc.page_end)
