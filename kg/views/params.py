"""Parsing of the graph and search parameters shared by pages and the JSON API.

Each parser raises BadParameter with a message for the user; pages show it, the API
returns it as a 400.
"""

from kg.graph import NODE_KINDS

MAX_DEPTH = 3


class BadParameter(ValueError):
    pass


def parse_depth(raw: str | None, default: int = 1) -> int:
    if raw in (None, ""):
        return default
    try:
        depth = int(raw)
    except ValueError:
        raise BadParameter(f"depth must be a whole number from 1 to {MAX_DEPTH}, not {raw[:20]!r}") from None
    if not 1 <= depth <= MAX_DEPTH:
        raise BadParameter(f"depth must be from 1 to {MAX_DEPTH}, not {depth}")
    return depth


def parse_kinds(raw: str | None) -> set[str] | None:
    if not raw:
        return None
    kinds = {k.strip() for k in raw.split(",") if k.strip()}
    unknown = sorted(kinds - set(NODE_KINDS))
    if unknown:
        raise BadParameter(f"unknown kinds: {', '.join(u[:20] for u in unknown)} (known: {', '.join(NODE_KINDS)})")
    return kinds or None


def parse_center(raw: str | None) -> str | None:
    """A node id (`concept:mla`, `section:deepseek-v3:2.1.1`), or a bare concept slug."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if len(raw) > 300:
        raise BadParameter("center is too long")
    return raw if raw.split(":", 1)[0] in NODE_KINDS and ":" in raw else f"concept:{raw}"
