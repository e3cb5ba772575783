"""Lines into readable text: paragraphs, words broken across lines rejoined."""

import re

from papers.parsing.layout import Line

SPACES = re.compile(r"[ \t\u00a0]+")
HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])-$")


def join_lines(lines: list[Line]) -> str:
    """Join lines into paragraphs; a gap, an indent or a new page column starts a paragraph."""
    out: list[str] = []
    prev: Line | None = None
    for line in lines:
        text = SPACES.sub(" ", line.text).strip()
        if not text:
            continue
        if prev is None:
            out.append(text)
        else:
            height = max(prev.y1 - prev.y0, 1.0)
            new_paragraph = (
                line.page != prev.page
                and (text[:1].isupper() and prev.text.endswith((".", ":", "?", "!")))
                or line.page == prev.page
                and (line.y0 - prev.y1 > 0.6 * height or (line.x0 - prev.x0 > 0.8 * line.size and line.y0 > prev.y0))
            )
            last = out[-1]
            if new_paragraph:
                out.append("\n\n" + text)
            elif HYPHEN_BREAK.search(last) and text[:1].islower():
                out[-1] = last[:-1]  # "architec-" + "tures": the hyphen only broke the word
                out.append(text)
            elif last.endswith("-") or last.endswith("/"):
                out.append(text)  # "Aux-Loss-" + "Free": a real hyphen, no space
            else:
                out.append(" " + text)
        prev = line
    return "".join(out).strip()
