"""A person's walk through the site in Debian's Chromium: home, Chinese search, a concept and its
backlinks, the graph (click a node, change depth), the language switch, phone width and dark theme.

Each test saves a screenshot under test-output/.
"""

import os
from pathlib import Path

import pytest

from kg.tests.factories import small_library

CHROMIUM = "/usr/bin/chromium"
OUT = Path(__file__).resolve().parents[2] / "test-output"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed"),
]


@pytest.fixture
def site(live_server, transactional_db):
    small_library()  # database work outside the sync_playwright() block
    return live_server.url


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
        yield page
        browser.close()
        assert not errors, errors  # no script errors, no CSP violations


def wait_until(page, check, timeout_s=15.0):
    """Poll from Python: wait_for_function evaluates strings in the page, which our CSP forbids."""
    for _ in range(int(timeout_s * 10)):
        if check():
            return
        page.wait_for_timeout(100)
    raise AssertionError("timed out waiting")


def shot(page, name):
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)


def test_home(site, browser_page):
    page = browser_page
    page.goto(site + "/")
    assert page.locator("h1").first.inner_text().startswith("From an interview question")
    assert page.locator(".top-concepts li").count() == 5
    shot(page, "01-home")


def test_search_in_chinese_live(site, browser_page):
    page = browser_page
    page.goto(site + "/search/")
    page.fill("main input[name=q]", "GRPO 为什么不需要 critic")
    page.wait_for_selector("#results .hit-title[href='/concepts/grpo/']")
    assert "q=GRPO" in page.url  # the URL follows the live search
    assert page.locator("#results mark").count() >= 2
    shot(page, "02-search-chinese")


def test_concept_and_backlinks(site, browser_page):
    page = browser_page
    page.goto(site + "/")
    page.click(".top-concepts a[href='/concepts/mla/']")
    page.wait_for_url("**/concepts/mla/")
    assert page.locator(".def-card").count() == 2  # DeepSeek-V2 and V3 side by side
    page.wait_for_selector(".cy-local[data-nodes]", state="attached")
    page.click(".show-backlinks")
    page.wait_for_selector("#backlinks-panel .backlinks-sections")
    assert "/concepts/mla/" in page.url
    shot(page, "03-concept-backlinks")


def test_graph_click_node_and_change_depth(site, browser_page):
    page = browser_page
    page.goto(site + "/graph/?center=concept:mla&depth=1")
    page.wait_for_selector("#cy[data-nodes]", state="attached")
    one = int(page.get_attribute("#cy", "data-nodes"))
    page.select_option("select[name=depth]", "2")
    wait_until(page, lambda: int(page.get_attribute("#cy", "data-nodes") or 0) > one)
    assert "depth=2" in page.url
    page.wait_for_selector("#listing a[href='/papers/deepseek-v2/sections/2/']")
    shot(page, "04-graph-depth-2")
    box = page.locator("#cy").bounding_box()
    pos = page.evaluate("(() => { const p = document.getElementById('cy')._cy.getElementById('concept:mha')"
                        ".renderedPosition(); return [p.x, p.y]; })()")
    page.mouse.move(box["x"] + pos[0], box["y"] + pos[1])
    page.wait_for_selector("#graph-hover:not([hidden]) .preview-card")
    shot(page, "05-graph-hover")
    page.mouse.click(box["x"] + pos[0], box["y"] + pos[1])
    page.wait_for_url("**/concepts/mha/")


def test_switch_language(site, browser_page):
    page = browser_page
    page.goto(site + "/concepts/mla/")
    page.click(".lang button")
    page.wait_for_selector("html[lang='zh-hans']")
    assert "/concepts/mla/" in page.url
    assert page.inner_text(".crumbs").startswith("首页")
    assert "论文中的定义" in page.inner_text("main")
    shot(page, "06-concept-chinese")


def test_phone_width_and_dark_theme(site, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site + "/concepts/mla/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways at phone width ({width}px)"
    shot(page, "07-concept-phone")
    page.click(".theme-toggle")
    assert page.get_attribute("html", "data-theme") in {"dark", "light"}
    page.emulate_media(color_scheme="dark")
    page.evaluate("document.documentElement.setAttribute('data-theme', 'dark')")
    page.goto(site + "/questions/")
    shot(page, "08-questions-phone-dark")
