"""Every chapter at phone (390 px) and desktop width: no table hides columns without a cue, no caption cut,
every chart's smallest text readable on a phone; screenshots of the newest year for a person to look at.

Chart text is judged from the PNG itself: figure_html records the smallest font the figure draws, in pixels
of that PNG (points x dpi / 72). The browser scales the PNG by shown width / natural width, so the text's CSS
size is that number times min(1, shown / natural); it must be at least MIN_TEXT_PX on a 390 px phone.
"""

from __future__ import annotations

import pytest

import test_browser
from browser_survey import CHROMIUM, DESKTOP, PHONE, VIEWPORTS, chapter_pages, layout_facts
from jaarverslag.render.charts import MIN_TEXT_PX

# the browser tests' own fixtures, shared
browser, site_url, survey = test_browser.browser, test_browser.site_url, test_browser.survey
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed; browser tests skipped")


def problems_in(facts: dict, relative: str, viewport: dict) -> list[str]:
    """Return what is wrong with a page's layout facts at this width (tables, captions, page width, chart text)."""
    problems = []
    width = facts["width"]
    if width > viewport["width"]:
        problems.append(f"{relative}: de pagina is {width} px breed (scherm {viewport['width']} px)")
    phone = viewport is PHONE
    for t in facts["tables"]:
        if t["cut"]:
            problems.append(f"{relative}: bijschrift afgesneden: {t['name']}")
        if not t["fits"] and (not t["hint"] or (phone and t["ours"])):
            problems.append(
                f"{relative}: tabel breder dan de kolom zonder {'kaarten' if phone else 'hint'}: {t['name']}"
            )
    if phone:
        for f in facts["figures"]:
            css_px = f["textPx"] * min(1.0, f["shown"] / f["natural"])
            if not css_px >= MIN_TEXT_PX:  # also catches a missing record (NaN)
                problems.append(f"{relative}: kleinste tekst in {f['src']} is {css_px:.1f} px (< {MIN_TEXT_PX})")
    return problems


def layout_problems(page, relative: str, viewport: dict) -> list[str]:
    """Return what is wrong with one loaded page at this width (tables, captions, page width, chart text)."""
    return problems_in(layout_facts(page), relative, viewport)


@pytest.mark.parametrize("name", ["telefoon", "desktop"])
def test_every_chapter_of_every_year_fits_its_width(survey, built_project, name):
    viewport = VIEWPORTS[name]
    pages = chapter_pages(built_project / "site")
    assert len(pages) >= 3 * 13
    newest = max(p.split("/")[0] for p in pages)
    problems, tables, figures = [], 0, 0
    for relative in pages:
        visit = survey[(relative, name)]
        problems += problems_in(visit.layout, relative, viewport)
        tables += len(visit.layout["tables"])
        figures += len(visit.layout["figures"])
        if relative.startswith(newest):
            assert visit.screenshot is not None and visit.screenshot.stat().st_size > 0
            if viewport is PHONE:  # the desktop check of every page is in test_a11y
                problems += [f"{relative} ({name}): axe: {v}" for v in visit.axe]
    assert tables >= 3 * 50 and figures >= 3 * 13  # 184 tables and 43 charts in 2019-2021: none escapes the check
    assert not problems, "\n".join(problems)


# Widen the page's first table by six columns, as a table with many columns would be, and let the page re-check.
WIDEN_JS = """() => {
  const table = document.querySelector('article.bd-article .jv-tabel table');
  for (const row of table.rows) {
    for (let i = 0; i < 6; i++) {
      const cell = document.createElement(row.parentElement.tagName === 'THEAD' ? 'th' : 'td');
      cell.textContent = 'Een extra kolom met een lange kop ' + i;
      cell.style.whiteSpace = 'nowrap';
      row.appendChild(cell);
    }
  }
  window.dispatchEvent(new Event('resize'));
}"""


def test_a_wide_table_gets_cards_on_a_phone_and_a_hint_on_a_desktop(browser, site_url):
    """A table made too wide becomes cards on a phone and scrolls with a hint on a desktop; without either the
    check reports it (so it can fail)."""
    for viewport, expected in ((PHONE, "jv-kaarten"), (DESKTOP, "jv-schuift")):
        page = browser.new_page(viewport=viewport)
        page.goto(f"{site_url}/2021/book/vooruitblik.html")
        page.wait_for_load_state("networkidle")
        page.evaluate(WIDEN_JS)
        page.wait_for_function(f"document.querySelector('.jv-tabel.{expected}') !== null")
        assert layout_problems(page, "vooruitblik", viewport) == []
        page.evaluate(
            "document.querySelectorAll('.jv-kaarten, .jv-schuift')"
            ".forEach(b => b.classList.remove('jv-kaarten', 'jv-schuift'));"
            "document.querySelectorAll('.jv-schuif-hint').forEach(h => h.hidden = true)"
        )
        assert any("zonder" in p for p in layout_problems(page, "vooruitblik", viewport))
        page.close()


def test_a_desktop_chart_is_too_small_on_a_phone(browser, site_url):
    """The chart check can fail: the desktop PNG of the Verrichtingen chart, shown at phone width, is too small."""
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{site_url}/2021/book/verrichtingen.html")
    page.wait_for_load_state("networkidle")
    assert layout_problems(page, "verrichtingen", PHONE) == []
    page.evaluate("document.querySelectorAll('figure source').forEach(s => s.remove())")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("[...document.querySelectorAll('figure img')].every(i => i.complete)")
    assert any("kleinste tekst" in p for p in layout_problems(page, "verrichtingen", PHONE))
    page.close()
