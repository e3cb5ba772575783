"""Markdown to safe HTML: CommonMark with tables, footnotes, task lists, highlighted code,
math for KaTeX, heading ids, [[wikilinks]] and images stored with the note.

`render_markdown` is pure (text, resolver, attachments in; HTML and the links it found out);
every result passes `sanitise` before it is returned.
"""

from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml, isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.state_inline import Scanned
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from kg.notes.sanitise import safe_url, sanitise
from kg.notes.wikilinks import WIKILINK, NoteRef, Resolution, Resolver, WikiLink, heading_id, parse_inner

HIGHLIGHT_MAX_CHARS = 20_000  # larger blocks are shown plain: highlighting them costs more than it helps
_FORMATTER = HtmlFormatter(nowrap=True)


@dataclass
class RenderedLink:
    link: WikiLink
    resolution: Resolution


@dataclass
class Rendered:
    html: str
    links: list[RenderedLink] = field(default_factory=list)
    broken_images: list[str] = field(default_factory=list)

    @property
    def broken(self) -> list[RenderedLink]:
        return [item for item in self.links if item.resolution.broken]


def _highlight(code: str, lang: str, _attrs) -> str:
    if not lang or len(code) > HIGHLIGHT_MAX_CHARS:
        return ""
    try:
        lexer = get_lexer_by_name(lang.split()[0], stripnl=False)
    except ClassNotFound:
        return ""
    return pygments_highlight(code, lexer, _FORMATTER)


def _math(content: str, options: dict) -> str:
    # KaTeX's auto-render finds these delimiters; the TeX itself stays escaped text.
    return rf"\[{escapeHtml(content)}\]" if options.get("display_mode") else rf"\({escapeHtml(content)}\)"


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] not in "![" or not (src.startswith("[[", pos) or src.startswith("![[", pos)):
        return False
    match = WIKILINK.match(src, pos)
    if match is None:
        return False
    if not silent:
        target, anchor, display = parse_inner(match.group(2))
        token = state.push("wikilink", "", 0)
        token.meta = {"link": WikiLink(match.group(), target, anchor, display, -1, -1, bool(match.group(1)))}
    state.pos = match.end()
    return True


def _render_wikilink(renderer, tokens, idx, options, env) -> str:
    link: WikiLink = tokens[idx].meta["link"]
    if link.embed:
        return _render_image_src(link.target, link.display or link.target, env)
    resolver: Resolver | None = env.get("resolver")
    resolution = resolver.resolve(link, source=env.get("source")) if resolver else Resolution("", reason="no resolver")
    env["links"].append(RenderedLink(link, resolution))
    text = escapeHtml(link.text)
    if resolution.broken:
        title = escapeHtml(f"Broken link: {resolution.reason}")
        return f'<a class="wikilink broken" title="{title}">{text}</a>'
    return f'<a class="wikilink {resolution.kind}" href="{escapeHtml(resolution.url)}">{text}</a>'


def _render_image_src(src: str, alt: str, env) -> str:
    url = attachment_url(src, env)
    if url is None:
        env["broken_images"].append(src)
        return f'<span class="broken image" title="Missing image">{escapeHtml(alt or src)}</span>'
    return f'<img src="{escapeHtml(url)}" alt="{escapeHtml(alt)}" loading="lazy">'


def attachment_url(src: str, env) -> str | None:
    """A relative image path becomes its attachment's URL; absolute http(s) URLs stay as they are."""
    from urllib.parse import unquote

    if safe_url(src, image=True) is None:
        return None
    if src.lower().startswith(("http://", "https://", "/")):
        return src
    key = normalise_attachment_path(unquote(src))
    return env.get("attachments", {}).get(key)


def normalise_attachment_path(path: str) -> str:
    parts: list[str] = []
    for part in path.replace("\\", "/").split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/".join(parts)


def _render_image(renderer, tokens, idx, options, env) -> str:
    token = tokens[idx]
    alt = renderer.renderInlineAsText(token.children or [], options, env)
    return _render_image_src(str(token.attrGet("src") or ""), alt, env)


# markdown-it scans from every "[" to the end of its paragraph looking for the "]" that closes a
# link, so a paragraph of thousands of unmatched brackets takes quadratic time. Brackets in such
# a paragraph are kept as text: real notes stay far below this product of brackets and length.
LINK_SCAN_BUDGET = 2_000_000


def _guarded(rule):
    def guarded(state: StateInline, silent: bool) -> bool:
        key = ("_bracket_budget", id(state.src), len(state.src))
        allowed = state.env.get(key)
        if allowed is None:
            allowed = state.env[key] = state.src.count("[") * len(state.src) <= LINK_SCAN_BUDGET
        return rule(state, silent) if allowed else False

    return guarded


def _guard_link_rules(md: MarkdownIt) -> None:
    for rule in md.inline.ruler.__rules__:
        if rule.name in ("link", "image", "footnote_inline", "footnote_ref"):
            rule.fn = _guarded(rule.fn)
    md.inline.ruler.__compile__()


def _is_cjk(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef"


def _scan_delims_cjk_friendly(self: StateInline, start: int, canSplitWord: bool) -> Scanned:
    """CommonMark's flanking rules with CJK characters counted as punctuation, so `**[[链接]]**之后`
    and `**「强调」**的` are bold as in Obsidian (CommonMark needs a space there, which Chinese never has)."""
    pos, maximum, marker = start, self.posMax, self.src[start]
    last = self.src[start - 1] if start > 0 else " "
    while pos < maximum and self.src[pos] == marker:
        pos += 1
    following = self.src[pos] if pos < maximum else " "
    last_punct = isMdAsciiPunct(ord(last)) or isPunctChar(last) or _is_cjk(last)
    next_punct = isMdAsciiPunct(ord(following)) or isPunctChar(following) or _is_cjk(following)
    last_space, next_space = isWhiteSpace(ord(last)), isWhiteSpace(ord(following))
    left = not (next_space or (next_punct and not (last_space or last_punct)))
    right = not (last_space or (last_punct and not (next_space or next_punct)))
    can_open = left and (canSplitWord or not right or last_punct)
    can_close = right and (canSplitWord or not left or next_punct)
    return Scanned(can_open, can_close, pos - start)


StateInline.scanDelims = _scan_delims_cjk_friendly  # markdown-it is used for notes only


def _heading_ids(state) -> None:
    """Give every heading an id from its text, numbered when repeated (linear, unlike a retry loop)."""
    seen: dict[str, int] = {}
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or index + 1 >= len(tokens):
            continue
        inline = tokens[index + 1]
        text = "".join(child.content for child in inline.children or [] if child.type in ("text", "code_inline"))
        base = heading_id(text)
        n = seen.get(base, 0)
        seen[base] = n + 1
        token.attrSet("id", base if n == 0 else f"{base}-{n}")


def build_markdown() -> MarkdownIt:
    md = (
        MarkdownIt("commonmark", {"html": True, "highlight": _highlight, "maxNesting": 20})
        .enable(["table", "strikethrough"])
        .use(footnote_plugin)
        .use(tasklists_plugin)
        .use(dollarmath_plugin, renderer=_math, allow_digits=False, double_inline=True)
    )
    md.core.ruler.push("heading_ids", _heading_ids)
    _guard_link_rules(md)
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    md.add_render_rule("wikilink", _render_wikilink)
    md.add_render_rule("image", _render_image)
    # $$..$$ inside a paragraph: displayed math, but a <span> so the paragraph stays valid HTML.
    md.add_render_rule("math_inline_double", lambda self, tokens, idx, options, env: (
        f'<span class="math display">{_math(tokens[idx].content.strip(), {"display_mode": True})}</span>'))
    md.validateLink = lambda url: safe_url(url) is not None
    return md


_MD = build_markdown()


def render_markdown(
    text: str,
    *,
    resolver: Resolver | None = None,
    source: NoteRef | None = None,
    attachments: dict[str, str] | None = None,
) -> Rendered:
    """Sanitised HTML for Markdown `text`; `attachments` maps note-relative paths to URLs."""
    env = {"resolver": resolver, "source": source, "attachments": attachments or {}, "links": [],
           "broken_images": []}
    html = _MD.render(text, env)
    return Rendered(sanitise(html), env["links"], env["broken_images"])
