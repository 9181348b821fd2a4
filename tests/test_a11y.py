"""Accessibility: axe-core finds no WCAG 2.1 A/AA violation on any page of any year (Debian's chromium).

axe runs once per page, in the shared survey (browser_survey.survey): at desktop width on every page of every
year, at phone width on every chapter of the newest year (asserted in test_phone.py).
"""

from __future__ import annotations

import pytest

import test_browser
from browser_survey import CHROMIUM, axe_violations

# the browser tests' own fixtures, shared
browser, site_url, survey = test_browser.browser, test_browser.site_url, test_browser.survey
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed; browser tests skipped")


def test_axe_core_comes_with_the_package_and_fetches_nothing():
    from axe_playwright_python import base

    assert base.AXE_FILE_PATH.is_file()
    assert base.AXE_SCRIPT.lstrip().startswith("/*! axe v4.")
    assert "unpkg.com" not in base.AXE_SCRIPT and "cdn.jsdelivr" not in base.AXE_SCRIPT


def test_every_page_of_every_year_has_no_axe_violation(survey):
    desktop = {relative: visit for (relative, width), visit in survey.items() if width == "desktop"}
    assert len(desktop) >= 3 * 15
    problems = []
    for relative, visit in sorted(desktop.items()):
        # A year's index.html sends the reader on (meta refresh): axe ran on the page it lands on, on that
        # page's own visit (axe on the leaving page fails at random: its context is destroyed).
        checked = visit if visit.axe is not None else desktop.get(visit.landed)
        assert checked is not None and checked.axe is not None, f"{relative}: axe liep niet ({visit.landed})"
        problems += [f"{relative}: {v}" for v in checked.axe]
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
