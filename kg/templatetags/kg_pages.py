"""Template helpers for the browsing pages: localised names, concept links in text, heat-map shades."""

import html
import re

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()

RELATION_LABELS = {
    "is-a": (_("is a"), _("has kind")),
    "variant-of": (_("variant of"), _("has variant")),
    "part-of": (_("part of"), _("has part")),
    "improves-on": (_("improves on"), _("improved by")),
    "alternative-to": (_("alternative to"), _("alternative to")),
    "used-in": (_("used in"), _("uses")),
    "requires": (_("requires"), _("required by")),
    "related-to": (_("related to"), _("related to")),
    "co-mentioned": (_("discussed with"), _("discussed with")),
}

KIND_LABELS = {
    "architecture": _("Architecture"), "training": _("Training"), "alignment": _("Alignment"),
    "inference": _("Inference"), "data": _("Data"), "evaluation": _("Evaluation"), "math": _("Math"),
    "retrieval": _("Retrieval and agents"), "finetuning": _("Efficient fine-tuning"),
    "systems": _("Systems and engineering"), "model": _("Model"),
}
TAG_LABELS = {
    "high-frequency": _("High frequency"), "hot": _("Hot"), "new": _("New"),
    "project-essential": _("Project essential"),
}


@register.filter
def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


@register.filter
def tag_label(tag: str) -> str:
    return str(TAG_LABELS.get(tag, tag))


def chinese() -> bool:
    return (get_language() or "").lower().startswith("zh")


@register.filter
def cname(concept) -> str:
    """The concept's name in the reader's language, acronym in brackets."""
    name = concept.name_zh if chinese() and concept.name_zh else concept.name
    return f"{name} ({concept.acronym})" if concept.acronym and concept.acronym not in name else name


@register.filter
def ctitle(chapter) -> str:
    return chapter.title_zh if chinese() and chapter.title_zh else chapter.title


@register.filter
def relation_label(rel_type: str, incoming: bool = False) -> str:
    labels = RELATION_LABELS.get(rel_type)
    if not labels:
        return rel_type
    return str(labels[1] if incoming else labels[0])


@register.filter
def heat(value: float, maximum: float) -> str:
    """0..1 share of the maximum, one decimal, for a CSS custom property."""
    # Square root: a section with a quarter of the peak is still clearly visible.
    return f"{min(1.0, (value / maximum) ** 0.5):.2f}" if maximum else "0"


@register.simple_tag
def linkify(text: str, concepts) -> SafeString:
    """Paragraphs of `text`, escaped, with each name of each concept linked to its page.

    Longer names win ("Multi-head Latent Attention" before "Attention"); an acronym only
    matches as a whole word, as the linker matches it.
    """
    names: dict[str, object] = {}
    for concept in concepts:
        for name in concept.all_names:
            if len(name) >= 2:
                names.setdefault(name.lower(), concept)
    if not names:
        pattern = None
    else:
        alternatives = sorted(names, key=len, reverse=True)
        pattern = re.compile(
            "|".join(rf"(?<![A-Za-z0-9]){re.escape(n)}(?![A-Za-z0-9])" for n in alternatives), re.IGNORECASE
        )
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    out = []
    for paragraph in paragraphs:
        pieces, last = [], 0
        for match in pattern.finditer(paragraph) if pattern else ():
            concept = names[match.group().lower()]
            url = concept.get_absolute_url()
            pieces += [html.escape(paragraph[last:match.start()]),
                       f'<a class="mention" href="{url}" data-preview="concept:{concept.slug}">',
                       html.escape(match.group()), "</a>"]
            last = match.end()
        pieces.append(html.escape(paragraph[last:]))
        out.append("<p>" + "".join(pieces).replace("\n", " ") + "</p>")
    return mark_safe("\n".join(out))  # noqa: S308 - text escaped piece by piece above


@register.simple_tag
def page_image(section, page: int | None = None, sentences: str = "") -> str:
    """The rendered PDF page of a section with its heading highlighted, or "" until rendering is routed."""
    from django.urls import NoReverseMatch, reverse

    page = page or section.heading_page or section.page_start
    try:
        url = reverse("paper_page_image", kwargs={"slug": section.paper.slug, "page": page})
    except NoReverseMatch:
        return ""
    boxes = []
    if page == section.heading_page and len(section.heading_bbox or []) == 4:
        boxes.append(",".join(f"{v:.0f}" for v in section.heading_bbox))
    if sentences:
        boxes.append(sentences)
    return f"{url}?hl={';'.join(boxes)}" if boxes else url


_DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
_INLINE_MATH = re.compile(r"(?<![\\$])\$([^$\n]+?)\$")


@register.filter
def tex_delimiters(text: str) -> SafeString:
    """Escaped text with `$...$` and `$$...$$` turned into the \\( \\) and \\[ \\] that js/math.js typesets."""
    escaped = html.escape(text or "")
    escaped = _DISPLAY_MATH.sub(lambda m: f"\\[{m.group(1)}\\]", escaped)
    escaped = _INLINE_MATH.sub(lambda m: f"\\({m.group(1)}\\)", escaped)
    return mark_safe(escaped)  # noqa: S308 - escaped above; delimiters are plain text
