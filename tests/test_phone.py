"""Every chapter at phone (390 px) and desktop width: no table hides columns without a cue, no caption cut,
every chart's smallest text readable on a phone; screenshots of the newest year for a person to look at.

Chart text is judged from the PNG itself: figure_html records the smallest font the figure draws, in pixels
of that PNG (points x dpi / 72). The browser scales the PNG by shown width / natural width, so the text's CSS
size is that number times min(1, shown / natural); it must be at least MIN_TEXT_PX on a 390 px phone.
"""

from __future__ import annotations

import pytest

import test_browser
from jaarverslag.render.charts import MIN_TEXT_PX

browser, site_url = test_browser.browser, test_browser.site_url  # the browser tests' own fixtures, shared
pytestmark = pytest.mark.skipif(
    test_browser.CHROMIUM is None, reason="Debian's chromium is not installed; browser tests skipped"
)
PHONE, DESKTOP = test_browser.VIEWPORTS["telefoon"], test_browser.VIEWPORTS["desktop"]

# Per table: does its scroll box fit, is the scroll hint above it visible, is its caption's text inside the box.
TABLES_JS = """() => [...document.querySelectorAll('article.bd-article table')].map(t => {
  const box = t.closest('.jv-tabel, .pst-scrollable-table-container') || t.parentElement;
  const hint = box.previousElementSibling;
  let cut = false;
  if (t.caption) {
    const range = document.createRange(); range.selectNodeContents(t.caption);
    const a = range.getBoundingClientRect(), b = box.getBoundingClientRect();
    cut = a.width > 0 && (a.right > b.right + 1 || a.left < b.left - 1);
  }
  return {name: t.caption ? t.caption.textContent.trim().slice(0, 60) : (t.id || 'tabel'),
          ours: box.classList.contains('jv-tabel'), fits: box.scrollWidth <= box.clientWidth + 1,
          hint: !!(hint && hint.classList.contains('jv-schuif-hint') && hint.offsetHeight > 0), cut};
})"""
# Per chart image: the smallest text size recorded for the PNG the browser chose, natural and shown width.
FIGURES_JS = """() => [...document.querySelectorAll('article.bd-article figure img')].map(i => {
  const chosen = [...i.parentElement.querySelectorAll('source')]
    .find(s => new URL(s.srcset, document.baseURI).href === i.currentSrc) || i;
  return {src: i.currentSrc.split('/').pop(), textPx: Number(chosen.dataset.kleinsteTekstPx),
          natural: i.naturalWidth, shown: i.getBoundingClientRect().width};
})"""


def chapter_pages(site) -> list[str]:
    return [p for p in test_browser._pages(site) if "/book/" in p]


def layout_problems(page, relative: str, viewport: dict) -> list[str]:
    """Return what is wrong with one loaded page at this width (tables, captions, page width, chart text)."""
    problems = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > viewport["width"]:
        problems.append(f"{relative}: de pagina is {width} px breed (scherm {viewport['width']} px)")
    phone = viewport is PHONE
    for t in page.evaluate(TABLES_JS):
        if t["cut"]:
            problems.append(f"{relative}: bijschrift afgesneden: {t['name']}")
        if not t["fits"] and (not t["hint"] or (phone and t["ours"])):
            problems.append(
                f"{relative}: tabel breder dan de kolom zonder {'kaarten' if phone else 'hint'}: {t['name']}"
            )
    if phone:
        for f in page.evaluate(FIGURES_JS):
            css_px = f["textPx"] * min(1.0, f["shown"] / f["natural"])
            if not css_px >= MIN_TEXT_PX:  # also catches a missing record (NaN)
                problems.append(f"{relative}: kleinste tekst in {f['src']} is {css_px:.1f} px (< {MIN_TEXT_PX})")
    return problems


@pytest.mark.parametrize("name", ["telefoon", "desktop"])
def test_every_chapter_of_every_year_fits_its_width(browser, built_project, site_url, name):
    from test_a11y import axe_violations

    viewport = test_browser.VIEWPORTS[name]
    site = built_project / "site"
    pages = chapter_pages(site)
    assert len(pages) >= 3 * 13
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    problems, tables, figures = [], 0, 0
    test_browser.ARTEFACTS.mkdir(exist_ok=True)
    newest = max(p.split("/")[0] for p in pages)
    for relative in pages:
        page.goto(f"{site_url}/{relative}")
        page.wait_for_load_state("networkidle")
        problems += layout_problems(page, relative, viewport)
        tables += page.locator("article.bd-article table").count()
        figures += page.locator("article.bd-article figure img").count()
        if relative.startswith(newest):
            stem = relative.split("/")[-1].removesuffix(".html")
            page.screenshot(path=str(test_browser.ARTEFACTS / f"{stem}-{newest}-{name}.png"), full_page=True)
            if viewport is PHONE:  # the desktop check of every page is in test_a11y
                problems += [f"{relative} ({name}): axe: {v}" for v in axe_violations(page)]
    context.close()
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
