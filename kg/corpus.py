"""Term counts of every section and note text: the shared input of the search and trace indexes.

Tokenizing (jieba, Snowball) is the slow part of building an index: about 25 s for a
library of 1,000 papers, in every process that builds one. The counts depend on the text
alone, so they are kept in `TextTerms`, keyed by a digest of the text: a process building
an index reuses what `relink`, `ingest` or another process computed, and an edited text
simply has a new digest, so nothing can go stale.

A text's terms are those of its sentences (`kg.trace.sentences`): hyphenation undone and
web addresses dropped, exactly what trace evidence matches.
"""

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator

from django.db import DatabaseError, transaction

from kg.models import Note, TextTerms
from kg.notes.plain import plain_text
from kg.trace.sentences import split_sentences
from papers.models import Section

# Part of every digest: a change to the tokenizer or the sentence splitter must bump it,
# which retires every stored count at once.
TOKENIZER_VERSION = 1
CHUNK = 2000


def digest(text: str) -> str:
    return hashlib.blake2b(f"{TOKENIZER_VERSION}\0{text}".encode(), digest_size=16).hexdigest()


def text_counts(text: str) -> dict[str, int]:
    counts: Counter = Counter()
    for sentence in split_sentences(text or ""):
        counts.update(sentence.terms)
    return dict(counts)


def counts_for(texts: dict, *, store: bool = True) -> dict:
    """key -> term counts for each text of `texts` (key -> text), computing only what no
    process has stored yet, and storing what was computed unless `store` is false."""
    digests = {key: digest(text) for key, text in texts.items()}
    wanted = set(digests.values())
    known: dict[str, dict[str, int]] = {}
    batch = list(wanted)
    for start in range(0, len(batch), CHUNK):
        known.update(TextTerms.objects.filter(digest__in=batch[start:start + CHUNK]).values_list("digest", "counts"))
    fresh = {}
    for key, text in texts.items():
        value = digests[key]
        if value not in known:
            known[value] = fresh[value] = text_counts(text)
    if store and fresh:
        _store(fresh)
    return {key: known[value] for key, value in digests.items()}


def _store(fresh: dict[str, dict[str, int]]) -> None:
    rows = [TextTerms(digest=value, counts=counts) for value, counts in fresh.items()]
    try:
        with transaction.atomic():
            TextTerms.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    except DatabaseError:
        # A cache write: a read-only replica or a locked SQLite file costs a recount next time, nothing more.
        pass


def section_texts(queryset=None) -> Iterator[dict[int, str]]:
    """Chunks of {section pk: text} (default: every section but reference lists), so no process
    holds the whole library's text at once."""
    if queryset is None:
        queryset = Section.objects.exclude(kind=Section.Kind.REFERENCES)
    yield from _chunks(queryset.order_by("pk").values_list("pk", "text").iterator(chunk_size=CHUNK))


def note_texts(queryset=None) -> Iterator[dict[int, str]]:
    rows = (queryset if queryset is not None else Note.objects.all()).order_by("pk").values_list("pk", "body")
    # A note's prose as a reader sees it: no front matter, code blocks or Markdown syntax.
    yield from _chunks((pk, plain_text(body)) for pk, body in rows.iterator(chunk_size=CHUNK))


def texts_of(docs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The texts of a few ("section", pk) and ("note", pk) docs, as the indexes count them:
    what search snippets and trace evidence are cut from, read for the shown results only."""
    docs = list(docs)
    sections = [pk for kind, pk in docs if kind == "section"]
    notes = [pk for kind, pk in docs if kind == "note"]
    out = {}
    if sections:
        out.update((("section", pk), text or "") for pk, text in
                   Section.objects.filter(pk__in=sections).values_list("pk", "text"))
    if notes:
        out.update((("note", pk), plain_text(body)) for pk, body in
                   Note.objects.filter(pk__in=notes).values_list("pk", "body"))
    return out


def _chunks(rows: Iterable[tuple[int, str]]) -> Iterator[dict[int, str]]:
    chunk: dict[int, str] = {}
    for pk, text in rows:
        chunk[pk] = text or ""
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = {}
    if chunk:
        yield chunk


def section_counts(queryset=None, *, store: bool = True) -> Iterator[tuple[int, dict[str, int]]]:
    """(section pk, term counts), in pk order."""
    for chunk in section_texts(queryset):
        yield from counts_for(chunk, store=store).items()


def note_counts(queryset=None, *, store: bool = True) -> Iterator[tuple[int, dict[str, int]]]:
    """(note pk, term counts of its prose), in pk order."""
    for chunk in note_texts(queryset):
        yield from counts_for(chunk, store=store).items()


def corpus_refresh() -> dict[str, int]:
    """Count every text not counted yet and drop counts no text has any more: `relink` and
    `ingest` call it, so a server's first index build finds everything counted."""
    live: set[str] = set()
    for chunks in (section_texts(), note_texts()):
        for chunk in chunks:
            counts_for(chunk)
            live.update(digest(text) for text in chunk.values())
    stale = [value for value in TextTerms.objects.values_list("digest", flat=True).iterator(chunk_size=CHUNK)
             if value not in live]
    for start in range(0, len(stale), CHUNK):
        TextTerms.objects.filter(digest__in=stale[start:start + CHUNK]).delete()
    return {"texts": len(live), "dropped": len(stale)}
