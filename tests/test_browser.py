"""The published site in a real browser: Debian's chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import ROOT, copy_project, run_build

CHROMIUM = shutil.which("chromium")
ARTEFACTS = ROOT / "test-artefacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HEADING_LEVELS_JS = (
    "[...document.querySelectorAll('article.bd-article :is(h1, h2, h3, h4, h5, h6)')].map(h => Number(h.tagName[1]))"
)
# Content tables only: Sphinx's own index page lays out with a table of its own.
TABLES_WITHOUT_CAPTION_OR_HEADER_JS = (
    "[...document.querySelectorAll('article.bd-article table:not(.indextable)')]"
    ".filter(t => !t.querySelector('caption') || !t.querySelector('th'))"
    ".map(t => t.id || t.className || 'table')"
)
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "telefoon": {"width": 390, "height": 844}}

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium); browser tests skipped"
)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _serve(folder: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def site_url(built_project) -> Iterator[str]:
    yield from _serve(built_project / "site")


class PageWatch:
    """Collect console errors, failed requests and requests that leave the site while a page loads."""

    def __init__(self, page, origin: str):
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        # A load the page itself cancels (a redirect page leaving before its icon arrived) is not a failure.
        page.on(
            "requestfailed", lambda r: r.failure != "net::ERR_ABORTED" and self.failed.append(f"{r.failure} {r.url}")
        )
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.status} {r.url}"))
        page.on(
            "request",
            lambda r: (
                urlparse(r.url).netloc not in (urlparse(origin).netloc, "")
                and not r.url.startswith("data:")
                and self.outside.append(r.url)
            ),
        )
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))


def _pages(site: Path) -> list[str]:
    return sorted(
        str(p.relative_to(site))
        for p in site.glob("[0-9][0-9][0-9][0-9]/**/*.html")
        if "_sources" not in p.parts and "_static" not in p.parts
    )


def test_every_page_of_every_year_loads_cleanly(browser, built_project, site_url):
    pages = _pages(built_project / "site")
    assert len(pages) >= 3 * 6
    problems = []
    for relative in pages:
        page = browser.new_page()
        watch = PageWatch(page, site_url)
        page.goto(f"{site_url}/{relative}")
        page.wait_for_load_state("networkidle")
        missing_alt = page.evaluate(
            "[...document.images].filter(i => !(i.getAttribute('alt') || '').trim()).map(i => i.src)"
        )
        lang = page.evaluate("document.documentElement.lang")
        headings = page.evaluate(HEADING_LEVELS_JS)
        skipped = [f"h{a} -> h{b}" for a, b in zip(headings, headings[1:]) if b > a + 1]
        if headings and headings[0] != 1:
            skipped.insert(0, f"first heading is h{headings[0]}")
        bad_tables = page.evaluate(TABLES_WITHOUT_CAPTION_OR_HEADER_JS)
        for kind, found in (
            ("console", watch.errors),
            ("failed", watch.failed),
            ("outside", watch.outside),
            ("no alt", missing_alt),
            ("lang", [] if lang == "nl" else [lang]),
            ("heading order", skipped),
            ("table without caption or header cells", bad_tables),
        ):
            problems += [f"{relative}: {kind}: {item}" for item in found]
        page.close()
    assert not problems, "\n".join(problems)


def test_root_opens_the_newest_year_with_its_headline_figures(browser, site_url):
    page = browser.new_page()
    page.goto(f"{site_url}/")
    # Two redirects (/ -> /2021/ -> /2021/book/index.html): wait for the last page, fully loaded.
    page.wait_for_url("**/2021/book/index.html", wait_until="load")
    text = page.inner_text("main")
    assert "100.036" in text
    page.close()


def test_switcher_lists_every_year_and_keeps_the_chapter(browser, site_url):
    page = browser.new_page()
    page.goto(f"{site_url}/2020/book/verrichtingen.html")
    page.wait_for_load_state("networkidle")
    page.locator("button.version-switcher__button").first.click()
    items = page.locator(".version-switcher__menu a")
    assert sorted(items.all_inner_texts()) == ["2019", "2020", "2021 (nieuwste)"]
    page.locator(".version-switcher__menu a", has_text="2019").first.click()
    page.wait_for_url("**/2019/book/verrichtingen.html")
    assert "2019" in page.inner_text("main")
    page.close()


def test_screenshots_of_the_newest_landing_page(browser, site_url):
    ARTEFACTS.mkdir(exist_ok=True)
    for name, viewport in VIEWPORTS.items():
        page = browser.new_page(viewport=viewport)
        page.goto(f"{site_url}/2021/book/index.html")
        page.wait_for_load_state("networkidle")
        target = ARTEFACTS / f"landing-2021-{name}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000
        page.close()


def test_text_from_data_is_escaped_and_runs_nothing(browser, tmp_path, built_project):
    project = copy_project(tmp_path / "project", cache_from=built_project)  # the changed table's readers re-run
    payload = "<script>alert(1)</script>"
    path = project / "data" / "2020" / "afwijkingen.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("niet verklaard.", f"niet verklaard. {payload}"), encoding="utf-8"
    )
    result = run_build(project, "--jaar", "2021")
    assert result.returncode == 0, result.stderr
    for url in _serve(project / "site"):
        page = browser.new_page()
        watch = PageWatch(page, url)
        page.goto(f"{url}/2021/book/verrichtingen.html")
        page.wait_for_load_state("networkidle")
        assert payload in page.inner_text("main")
        assert not watch.dialogs
        assert page.evaluate("[...document.scripts].filter(s => s.textContent.includes('alert(1)')).length") == 0
        page.close()
