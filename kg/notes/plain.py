"""A note's prose as plain text, for search and trace evidence: what a reader sees, not the syntax."""

import re

_FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.DOTALL)
_FENCE = re.compile(r"^```.*?^```[^\n]*$", re.DOTALL | re.MULTILINE)
_WIKILINK = re.compile(r"!?\[\[([^\]|#]*)(?:#[^\]|]*)?(?:\|([^\]]*))?\]\]")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE)
_QUOTE = re.compile(r"^\s{0,3}>\s?", re.MULTILINE)
_EMPHASIS = re.compile(r"(\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|`)")
_MATH = re.compile(r"\$\$?([^$]+)\$\$?")


def plain_text(markdown: str) -> str:
    """Front matter and code blocks dropped; links, emphasis, headings and math delimiters unwrapped."""
    text = _FENCE.sub("\n", _FRONT_MATTER.sub("", markdown or ""))
    text = _WIKILINK.sub(lambda m: (m.group(2) or m.group(1)).removeprefix("concept:").strip(), text)
    text = _LINK.sub(r"\1", text)
    text = _HEADING.sub("", _QUOTE.sub("", text))
    text = _MATH.sub(lambda m: m.group(1).strip(), text)
    return _EMPHASIS.sub("", text)
