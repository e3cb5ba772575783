"""Slug rules: the front matter's `slug`, else the file name; names shared by files in
different folders (every folder's README.md) are told apart by their folders."""

from collections import Counter
from collections.abc import Callable
from pathlib import PurePosixPath

from django.utils.text import slugify

MAX_SLUG = 200


def slug_from(text: str) -> str:
    """Lowercase kebab-case, Chinese kept (`RoPE 推导` -> `rope-推导`)."""
    return slugify(text, allow_unicode=True)[:MAX_SLUG].strip("-")


def assign_slugs(paths: dict[str, str]) -> dict[str, str]:
    """{relative path: front matter slug or ""} -> {relative path: slug}, deterministic for a folder.

    A file name used by one file becomes its slug; a name used by several files is prefixed
    with each file's folder path (`architecture/README.md` -> `architecture-readme`), the
    top-level one keeping the bare name.
    """
    stems = {path: slug_from(PurePosixPath(path).stem) or "note" for path, explicit in paths.items() if not explicit}
    shared = Counter(stems.values())
    result = {}
    for path, explicit in paths.items():
        if explicit:
            result[path] = slug_from(explicit) or "note"
            continue
        stem = stems[path]
        folder = str(PurePosixPath(path).parent)
        if shared[stem] > 1 and folder not in ("", "."):
            result[path] = slug_from(f"{folder.replace('/', '-')}-{stem}")
        else:
            result[path] = stem
    return result


def unique_slug(base: str, taken: Callable[[str], bool]) -> str:
    """`base`, or `base-2`, `base-3`, ... whichever is free."""
    base = base or "note"
    if not taken(base):
        return base
    n = 2
    while taken(f"{base[:MAX_SLUG - 6]}-{n}"):
        n += 1
    return f"{base[:MAX_SLUG - 6]}-{n}"
