"""The one gate rendered Markdown passes before it reaches a page: an nh3 allow-list.

Tags and attributes are allowed by name; URLs only as http(s), mailto (links) or paths on
this site. Event handlers, `style` beyond text alignment, `javascript:`/`data:` URLs, SVG
and MathML are dropped; the text of <script> and <style> goes with them.
"""

import re

import nh3

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "kbd", "li", "mark", "ol", "p", "pre", "s", "section",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
ATTRIBUTES = {
    "*": {"class", "title"},
    "a": {"href", "id"},
    "img": {"src", "alt", "width", "height"},
    "input": {"checked"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "li": {"id"}, "sup": {"id"}, "ol": {"start"},
    "td": {"style"}, "th": {"style"},
    "abbr": set(), "details": {"open"},
}
URL_ATTRIBUTES = {"href", "src"}
# Relative paths are fine; a scheme anywhere before the first / ? # is not (except these).
_SAFE_URL = re.compile(r"^(?:https?://[^\s]|mailto:[^\s]|/(?!/)|#|\?|\.{0,2}/?[^:/?#\s]*(?:[/?#]|$))", re.I)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.I)


def safe_url(value: str, *, image: bool = False) -> str | None:
    """`value` if it is an http(s), mailto or site-relative URL, else None."""
    value = value.strip()
    if not value or any(ord(c) < 0x20 for c in value):
        return None
    scheme = _SCHEME.match(value)
    if scheme:
        allowed = ("http:", "https:") if image else ("http:", "https:", "mailto:")
        return value if scheme.group().lower() in allowed and _SAFE_URL.match(value) else None
    return value if _SAFE_URL.match(value) and not value.startswith("//") and "\\" not in value else None


def _filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute in URL_ATTRIBUTES:
        return safe_url(value, image=(tag == "img"))
    if attribute == "class":
        return value[:200]
    return value


_CLEANER = nh3.Cleaner(
    tags=TAGS,
    clean_content_tags={"script", "style", "svg", "math", "template", "iframe", "object", "noscript"},
    attributes=ATTRIBUTES,
    attribute_filter=_filter,
    tag_attribute_values={"input": {"type": {"checkbox"}}},
    set_tag_attribute_values={"input": {"disabled": "disabled"}},
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
    filter_style_properties={"text-align"},
    strip_comments=True,
)


def sanitise(html: str) -> str:
    return _CLEANER.clean(html)
