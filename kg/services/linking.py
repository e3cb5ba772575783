"""Concept detection writes: Mention rows for sections and notes.

Placeholder until the linking service lands; the paper and note services call these
after they write, so the names and arguments are the contract.
"""

from kg.models import Note
from papers.models import Paper


def mentions_refresh_for_paper(*, paper: Paper) -> int:
    """Recompute the mentions of every section of `paper`; returns how many were stored."""
    return 0


def mentions_refresh_for_note(*, note: Note) -> int:
    """Recompute the mentions (detected and explicit) of one note."""
    return 0


def mentions_refresh_all() -> int:
    """Recompute every mention in the library (`manage.py relink`)."""
    return 0
