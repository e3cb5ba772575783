"""Worst-case notes at the size limit, and how long each takes to render:
`python -m kg.notes.worstcase` prints the figure (CPU seconds, so a busy machine does not blur it)."""

import os
import time


def cases(size: int) -> dict[str, str]:
    """Pathological Markdown of `size` characters: each stresses one part of the parser."""
    return {
        "brackets": "[" * size,
        "brackets closed": "[" * (size - 1) + "]",
        "wikilink openers": "[[a" * (size // 3),
        "wikilinks": "[[MLA]] " * (size // 8),
        "markdown links": "[x](y) " * (size // 7),
        "open link destinations": "[x](" * (size // 4),
        "emphasis": "*a_" * (size // 3),
        "nesting": ">" * 2000 + " x\n" + "- " * 2000 + "\n" + "x\n" * ((size - 8000) // 2),
        "inline math": "$x$ " * (size // 4),
        "dollars": "$" * size,
        "table": "|a|b|\n|-|-|\n" + "|1|2|\n" * ((size - 12) // 6),
        "backticks": "`a" * (size // 2),
        "code": "```python\n" + "x = [1, 2, 3]\n" * (size // 14) + "```\n",
        "footnote refs": "".join(f"[^{i}] " for i in range(size // 8)),
        "raw html openers": "<a" * (size // 2),
        "entities": "&amp" * (size // 4),
        "autolinks": "<http://a" * (size // 9),
        "list items": "- a\n" * (size // 4),
        "headings": "# h\n" * (size // 4),
    }


def measure(size: int) -> dict[str, float]:
    from kg.notes.render import render_markdown

    times = {}
    for name, text in cases(size).items():
        started = time.process_time()
        render_markdown(text[:size])
        times[name] = time.process_time() - started
    return times


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kg.settings")
    import django

    django.setup()
    from django.conf import settings

    size = settings.NOTE_MAX_BYTES
    times = measure(size)
    for name, seconds in sorted(times.items(), key=lambda item: -item[1]):
        print(f"{seconds:6.3f} s  {name}")
    worst = max(times, key=times.get)
    print(f"worst case at NOTE_MAX_BYTES={size}: {worst}, {times[worst]:.3f} s CPU")


if __name__ == "__main__":
    main()
