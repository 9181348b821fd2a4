"""The published site in a real browser: Debian's chromium driven by Playwright (never a downloaded browser).

The every-page checks here, in test_a11y.py and in test_phone.py read one shared visit of each page per width
(browser_survey.survey); each asserts on its own slice of it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from browser_survey import (
    ARTEFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    PAYLOAD,
    SUB_PATH,
    VIEWPORTS,
    PageWatch,
    serve,
    serve_under_sub_path,
    site_pages,
    sub_path_build,
)
from browser_survey import survey as survey_of

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


@pytest.fixture(scope="module")
def site_url(built_project) -> Iterator[str]:
    yield from serve(built_project / "site")


@pytest.fixture(scope="module")
def survey(browser, built_project, site_url):
    """Every page of the session build, visited once per width (made once per test process)."""
    return survey_of(browser, built_project / "site", site_url)


def page_problems(visit) -> list[tuple[str, str]]:
    """(kind, item) for everything wrong with one visited page: its loading, images, language, headings, tables."""
    facts = visit.facts
    headings = facts["headings"]
    skipped = [f"h{a} -> h{b}" for a, b in zip(headings, headings[1:]) if b > a + 1]
    if headings and headings[0] != 1:
        skipped.insert(0, f"first heading is h{headings[0]}")
    found = []
    for kind, items in (
        ("console", visit.errors),
        ("failed", visit.failed),
        ("outside", visit.outside),
        ("dialog", visit.dialogs),
        ("no alt", facts["missingAlt"]),
        ("lang", [] if facts["lang"] == "nl" else [facts["lang"]]),
        ("heading order", skipped),
        ("table without caption or header cells", facts["badTables"]),
    ):
        found += [(kind, item) for item in items]
    return found


def test_every_page_of_every_year_loads_cleanly(survey, built_project):
    pages = site_pages(built_project / "site")
    assert len(pages) >= 3 * 6
    assert {relative for relative, width in survey if width == "desktop"} == set(pages)
    problems = []
    for (relative, width), visit in survey.items():
        where = relative if width == "desktop" else f"{relative} ({width})"
        problems += [f"{where}: {kind}: {item}" for kind, item in page_problems(visit)]
    assert not problems, "\n".join(problems)


def test_the_page_checks_find_a_broken_page(browser, tmp_path):
    """The every-page check can fail: a page with every fault, one of them a request made after load, surveyed."""
    site = tmp_path / "site"
    (site / "2021" / "book").mkdir(parents=True)
    for origin in serve(site):
        elsewhere = origin.replace("127.0.0.1", "localhost")  # the same server under another name: outside
        (site / "2021" / "book" / "kapot.html").write_text(
            '<!DOCTYPE html><html lang="en"><body><article class="bd-article"><h2>a</h2><h4>b</h4>'
            f'<table><tr><td>1</td></tr></table><img src="{elsewhere}/2021/book/kapot.html">'
            "<script>console.error('fout'); alert('hallo'); setTimeout(() => fetch('laat.json'), 300)</script>"
            "</article></body></html>",
            encoding="utf-8",
        )
        visit = survey_of(browser, site, origin, artefacts=tmp_path)[("2021/book/kapot.html", "desktop")]
    problems = page_problems(visit)
    assert {kind for kind, _ in problems} == {
        "console",
        "failed",
        "outside",
        "dialog",
        "no alt",
        "lang",
        "heading order",
        "table without caption or header cells",
    }
    assert any(kind == "failed" and item.endswith("/laat.json") for kind, item in problems)


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


def test_screenshots_of_the_newest_landing_page(survey):
    """The survey's full-page screenshots of the newest year's landing page, at both widths, in ARTEFACTS."""
    for name in VIEWPORTS:
        target = survey[("2021/book/index.html", name)].screenshot
        assert target is not None and target.parent == ARTEFACTS
        assert target.stat().st_size > 10_000


def test_text_from_data_is_escaped_and_runs_nothing(browser, built_project, tmp_path_factory):
    """A script in a text from data/ (the shared 2021-only build, served under its sub-path) shows as text."""
    project = sub_path_build(built_project, tmp_path_factory.mktemp("subpad"))
    for origin in serve_under_sub_path(project / "site"):
        page = browser.new_page()
        watch = PageWatch(page, origin)
        page.goto(f"{origin}{SUB_PATH}2021/book/verrichtingen.html")
        page.wait_for_load_state("networkidle")
        assert PAYLOAD in page.inner_text("main")
        assert not watch.dialogs
        assert page.evaluate("[...document.scripts].filter(s => s.textContent.includes('alert(1)')).length") == 0
        page.close()
