"""Rendered notes never execute anything: known XSS payloads and generated documents."""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.notes.render import render_markdown
from kg.notes.sanitise import safe_url, sanitise
from kg.notes.wikilinks import ConceptRef, NoteRef, Resolver

RESOLVER = Resolver(
    notes=[NoteRef(1, "rope", "notes/rope", "RoPE 推导", (), "/notes/rope/")],
    concepts=[ConceptRef(2, "mla", ("Multi-head Latent Attention", "MLA"), "/concepts/mla/")],
)

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"x\" ONERROR=\"alert(1)\">",
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"jav&#x61;script:alert(1)\">x</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<a href=\"java\tscript:alert(1)\">x</a>",
    "<a href=\" javascript:alert(1)\">x</a>",
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](jav&#x61;script:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x]: javascript:alert(1)\n\n[y][x]",
    "<javascript:alert(1)>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[x](data:image/svg+xml,<svg onload=alert(1)>)",
    "<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">",
    "[x](vbscript:msgbox(1))",
    "[x](//evil.example/)",
    "[[javascript:alert(1)]]",
    "[[javascript:alert(1)|click]]",
    "[[\" onmouseover=alert(1)]]",
    "[[x|\" onmouseover=\"alert(1)]]",
    "[[MLA|<img src=x onerror=alert(1)>]]",
    "[[rope#\" onfocus=alert(1) autofocus x=\"]]",
    "![[javascript:alert(1)]]",
    "$</span><script>alert(1)</script>$",
    "$$\n</div><script>alert(1)</script>\n$$",
    "$\\href{javascript:alert(1)}{click}$",
    "$$\\href{javascript:alert(1)}{x}$$",
    "```html\n<script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<form action=\"javascript:alert(1)\"><button>x</button></form>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<p style=\"background:url(javascript:alert(1))\">x</p>",
    "<a href=\"#\" onclick=\"alert(1)\">x</a>",
    "<base href=\"javascript:alert(1)//\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<style>@import 'javascript:alert(1)';</style>",
    "<!--><script>alert(1)</script>-->",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<table><td background=\"javascript:alert(1)\">x</td></table>",
    "[^1]\n\n[^1]: <img src=x onerror=alert(1)>",
    "| a |\n|---|\n| <script>alert(1)</script> |",
    "- [ ] <img src=x onerror=alert(1)>",
]


class _Audit(HTMLParser):
    """Collects what would run or navigate: script/svg/math tags, on* attributes, URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bad_tags: list[str] = []
        self.handlers: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "svg", "math", "iframe", "object", "embed", "base", "meta", "form", "style", "link"}:
            self.bad_tags.append(tag)
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.handlers.append(name)
            if name.lower() in {"href", "src", "action", "formaction", "background", "poster", "data", "srcset"}:
                self.urls.append(value or "")
            if name.lower() == "style":
                self.urls.append("style:" + (value or ""))


ALLOWED_URL = re.compile(r"^(https?://|mailto:|/(?!/)|#|[^:/?#]*([/?#]|$))", re.I)


def audit(html: str) -> _Audit:
    parser = _Audit()
    parser.feed(html)
    parser.close()
    return parser


def assert_safe(html: str) -> None:
    result = audit(html)
    assert not result.bad_tags, html
    assert not result.handlers, html
    for url in result.urls:
        assert ALLOWED_URL.match(url) and not url.startswith("style:"), (url, html)
        assert "javascript" not in url.lower().replace("\\", ""), url


@pytest.mark.parametrize("payload", PAYLOADS)
def test_known_payloads_render_inert(payload):
    html = render_markdown(payload, resolver=RESOLVER).html
    assert_safe(html)
    assert "<script" not in html.lower()


def test_math_stays_escaped_text_for_katex_with_trust_off():
    html = render_markdown("$\\href{javascript:alert(1)}{x}$ and $</span><script>x</script>$").html
    assert "\\(\\href{javascript:alert(1)}{x}\\)" in html  # text for KaTeX, never an <a>
    assert "&lt;/span&gt;&lt;script&gt;" in html
    assert "<a" not in html


def test_wikilink_targets_cannot_break_out_of_attributes():
    html = render_markdown('[[" onmouseover=alert(1)]] [[rope#" onfocus="x]]', resolver=RESOLVER).html
    assert_safe(html)
    assert 'href="/notes/rope/#-onfocusx"' in html


@pytest.mark.parametrize("url, ok", [
    ("https://arxiv.org/abs/2405.04434", True), ("http://x.org", True), ("mailto:a@b.org", True),
    ("/concepts/mla/", True), ("#fn1", True), ("img/a.png", True), ("../x.md", True),
    ("javascript:alert(1)", False), ("JAVASCRIPT:alert(1)", False), ("data:text/html,x", False),
    ("//evil.example/", False), ("vbscript:x", False), ("java\nscript:x", False), ("\\\\evil\\x", False),
    ("file:///etc/passwd", False), ("ftp://x", False),
])
def test_safe_url(url, ok):
    assert (safe_url(url) is not None) is ok


def test_sanitise_keeps_the_features_notes_need():
    html = sanitise('<table><tr><td style="text-align:right; color:red">1</td></tr></table>'
                    '<input type="checkbox" checked><h2 id="x">h</h2><span class="math inline">\\(x\\)</span>')
    assert 'style="text-align:right"' in html and "color" not in html
    assert 'type="checkbox"' in html and "disabled" in html
    assert 'id="x"' in html and 'class="math inline"' in html


_pieces = st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", "javascript:alert(1)",
    "[[", "]]", "|", "#", "§", "$", "$$", "`", "```", "\n", " ", "<", ">", "\"", "'", "(", ")", "[", "]", "!",
    "&#106;", "&#x61;", "&colon;", "data:text/html,", "on", "onerror=", "href=", "src=", "<a ", "<img ", "</a>",
    "*", "_", "|---|", "- [ ] ", "[^1]", "[^1]: ", "\\href{", "}", "<!--", "-->", "MLA", "rope", "http://x.org",
    "mailto:x@y", "/notes/", "//evil", "\t", "&quot;", "<details ", "<iframe ", "vbscript:", "JaVaScRiPt:",
])


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_pieces, st.text(max_size=5)), max_size=40).map("".join))
def test_generated_documents_never_carry_script_handlers_or_foreign_links(document):
    assert_safe(render_markdown(document, resolver=RESOLVER).html)
