"""Accessibility: axe-core finds no WCAG 2.1 A/AA violation on any page of any year (Debian's chromium)."""

from __future__ import annotations

import pytest

import test_browser

# WCAG 2.1 levels A and AA; "region" (every piece of content inside a landmark) is axe's best practice,
# enabled on top because the sidebar once failed it.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "rules": {"region": {"enabled": True}},
    "resultTypes": ["violations"],
}

browser, site_url = test_browser.browser, test_browser.site_url  # the browser tests' own fixtures, shared
pytestmark = pytest.mark.skipif(
    test_browser.CHROMIUM is None, reason="Debian's chromium is not installed; browser tests skipped"
)


REDIRECT = 'http-equiv="refresh"'


def axe_violations(page) -> list[str]:
    """Run the packaged axe-core on a loaded page; return one line per violated rule with its first nodes."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])}x): " + "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
        for v in found
    ]


def test_axe_core_comes_with_the_package_and_fetches_nothing():
    from axe_playwright_python import base

    assert base.AXE_FILE_PATH.is_file()
    assert base.AXE_SCRIPT.lstrip().startswith("/*! axe v4.")
    assert "unpkg.com" not in base.AXE_SCRIPT and "cdn.jsdelivr" not in base.AXE_SCRIPT


def test_every_page_of_every_year_has_no_axe_violation(browser, built_project, site_url):
    pages = test_browser._pages(built_project / "site")
    assert len(pages) >= 3 * 15
    problems = []
    page = browser.new_page()
    for relative in pages:
        page.goto(f"{site_url}/{relative}", wait_until="load")
        if REDIRECT in (built_project / "site" / relative).read_text(encoding="utf-8"):
            # A year's index.html sends the reader on (meta refresh): axe runs on the page it lands on, once
            # the navigation is over (axe on the leaving page fails at random: its context is destroyed).
            page.wait_for_url("**/book/index.html", wait_until="load")
        problems += [f"{relative}: {v}" for v in axe_violations(page)]
    page.close()
    assert not problems, "\n".join(problems)


def test_axe_reports_a_nameless_toggle_and_low_contrast(browser, site_url):
    """The check can fail: undo the fixes on a live page and axe names both rules again."""
    page = browser.new_page()
    page.goto(f"{site_url}/2020/book/verrichtingen.html", wait_until="load")
    assert axe_violations(page) == []
    page.evaluate(
        "document.querySelector('summary[aria-label]').removeAttribute('aria-label');"
        "document.querySelector('.bd-header-announcement a').style.color = '#f0f0f0';"
    )
    rules = {line.split(" ")[0] for line in axe_violations(page)}
    assert {"summary-name", "color-contrast"} <= rules
    page.close()
