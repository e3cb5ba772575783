"""Crawl every page reachable from the home page in Chromium, under the real
Content-Security-Policy, and see no CSP violation and no JavaScript error.

Violations are caught twice: by a `securitypolicyviolation` listener installed before any page
script runs, and by Chromium's console errors ("Refused to execute inline script ...").
"""

import os
from collections import Counter, deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import Resolver404, resolve

from kg.tests.factories import small_library
from kg.tests.urlwalk import endpoints
from papers.services import paper_ingest
from papers.tests.pdf_factory import make_pdf

CHROMIUM = "/usr/bin/chromium"
MAX_PAGES = 120
# Pages of one kind (one URL pattern) visited at most: breadth over every kind of page.
PER_ROUTE = 3
# Not pages to read: downloads, the admin, signing out, raw files.
SKIP_PREFIXES = ("/admin/", "/accounts/logout", "/static/", "/media/", "/i18n/", "/api/", "/livez", "/healthz")
SKIP_SUFFIXES = (".pdf", ".json", ".graphml", ".csv", ".zip", ".png", ".svg")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed"),
]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${where}`);
});
"""


@pytest.fixture
def site(live_server, transactional_db, tmp_path):
    small_library()
    pdf = tmp_path / "tiny.pdf"
    pdf.write_bytes(make_pdf(title="Crawl-V1 Technical Report", pages=3))
    assert paper_ingest(path=pdf).status == "new"  # a paper with its PDF: page images, viewer
    return live_server.url


@pytest.fixture
def signed_in(transactional_db) -> Client:
    """Signed in, so the crawl also reaches the editor, the upload form and trace confirmation."""
    user = get_user_model().objects.create_superuser("crawler", "c@example.org", "Crawl-Passw0rd!")
    client = Client()
    client.force_login(user)
    return client


def console_error(message, path: str, problems: list[str]) -> None:
    # A sub-resource the fixture data cannot provide (a page image of a paper without its PDF)
    # is a network error, not a script error or a policy violation.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        problems.append(f"{path}: console: {message.text}")


def route_of(path: str) -> str:
    try:
        return resolve(path).route
    except Resolver404:
        return path


def crawlable(path: str) -> bool:
    return not path.startswith(SKIP_PREFIXES) and not path.lower().endswith(SKIP_SUFFIXES)


def test_every_reachable_page_runs_without_csp_violations_or_js_errors(site, signed_in):
    from playwright.sync_api import sync_playwright

    host = urlsplit(site).netloc
    problems: list[str] = []
    visited: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(RECORD_VIOLATIONS)
        context.add_cookies([{"name": "sessionid", "value": signed_in.cookies["sessionid"].value, "url": site}])
        page = context.new_page()
        current = {"path": "/"}
        page.on("pageerror", lambda exc: problems.append(f"{current['path']}: JS error: {exc}"))
        page.on("console", lambda msg: console_error(msg, current["path"], problems))
        # From the home page, plus every page that needs no argument (a form's target, say).
        start = ["/"] + [f"/{e.route}" for e in endpoints() if "<" not in e.route and crawlable(f"/{e.route}")
                         and signed_in.get(f"/{e.route}").status_code < 400]  # pages, not POST-only endpoints
        queue, seen = deque(dict.fromkeys(start)), set(start)
        per_route: Counter = Counter(route_of(path) for path in seen)
        while queue and len(visited) < MAX_PAGES:
            path = queue.popleft()
            current["path"] = path
            response = page.goto(site + path, wait_until="networkidle")
            visited.append(path)
            if response is None or response.status >= 400:
                problems.append(f"{path}: HTTP {response.status if response else 'no response'}")
                continue
            page.wait_for_timeout(150)  # let deferred scripts (htmx, the graph) start
            problems.extend(f"{path}: CSP: {v}" for v in page.evaluate("window.__cspViolations || []"))
            for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
                url = urldefrag(href).url
                parts = urlsplit(url)
                if parts.netloc != host:
                    continue
                link = parts.path + (f"?{parts.query}" if parts.query else "")
                if crawlable(parts.path) and link not in seen and per_route[route_of(parts.path)] < PER_ROUTE:
                    seen.add(link)
                    per_route[route_of(parts.path)] += 1
                    queue.append(link)
        browser.close()
    routes = sorted({route_of(path.split("?")[0]) for path in visited})
    print(f"\ncrawled {len(visited)} pages of {len(routes)} kinds, {len(problems)} problems: {routes}")
    assert len(visited) >= 5, visited
    assert not problems, "\n".join(problems[:20])


def test_the_crawler_sees_a_violation_when_there_is_one(live_server, transactional_db, settings):
    """The control: an inline script on a page is reported, so a clean crawl means something."""
    from playwright.sync_api import sync_playwright

    settings.TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = ""
    seen: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        context = browser.new_context()
        context.add_init_script(RECORD_VIOLATIONS)
        page = context.new_page()
        page.on("console", lambda msg: msg.type == "error" and seen.append(msg.text))
        page.goto(live_server.url + "/livez")
        # Same origin, same policy: inject an inline script the way a template would.
        page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';
                                 document.body.appendChild(s); }""")
        page.wait_for_timeout(200)
        violations = page.evaluate("window.__cspViolations")
        ran = page.evaluate("window.ran === 1")
        browser.close()
    assert not ran
    assert violations or any("Content Security Policy" in line for line in seen)
