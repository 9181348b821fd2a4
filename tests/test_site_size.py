"""The published site stays small and self-contained: years share their theme and MathJax files.

Size is the sum of the apparent sizes of every file in site/ (each path counted, as a copy to a web
server or a tar of site/ holds them; no hard-link or block rounding discount).
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlparse

import pytest

from jaarverslag.build import publish

MB = 1024 * 1024
SITE_LIMIT = 50 * MB  # three years, both PDFs per year included
YEAR_LIMIT = 12 * MB  # what one more year adds: its own folder (pages, figures, tables, notebooks, PDFs)
ASSET = re.compile(
    r"""<(?:script|img|source|iframe|embed)\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']"""
    r"""|<link\b[^>]*?\bhref\s*=\s*["']([^"']+)["']"""
    r"""|["']json_url["']\s*:\s*["']([^"']+)["']""",
    re.IGNORECASE,
)
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")


def _resolve(site: Path, basis: str, page_url: str, reference: str) -> str | None:
    """Return a problem with one reference of a page served under basis, or None when the file is there."""
    if reference.startswith(("data:", "#", "mailto:", "javascript:")):
        return None
    url = urlparse(urljoin(page_url, reference))
    if url.scheme not in ("", "http") or url.netloc not in ("", "site"):
        return f"{reference}: buiten de site"
    if not url.path.startswith(basis):
        return f"{reference}: buiten het URL-voorvoegsel {basis}"
    target = site / url.path[len(basis) :]
    if url.path.endswith("/"):
        target = target / "index.html"
    return None if target.is_file() else f"{reference}: ontbreekt ({target.relative_to(site)})"


def missing_assets(site: Path, basis: str = "/") -> list[str]:
    """Return every stylesheet, script, image, icon, font and switcher file a page or CSS file asks for but is absent.

    Pages are taken as served under basis (http://site<basis><path>), so a sub-path is checked as a reader meets it.
    """
    problems = []
    for path in sorted(site.rglob("*")):
        if path.suffix not in (".html", ".css") or not path.is_file():
            continue
        relative = PurePosixPath(path.relative_to(site).as_posix())
        page_url = f"http://site{basis}{relative}"
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".html":
            references = [next(g for g in m.groups() if g) for m in ASSET.finditer(text)]
        else:
            references = CSS_URL.findall(text)
        for reference in references:
            problem = _resolve(site, basis, page_url, reference.strip())
            if problem:
                problems.append(f"{relative}: {problem}")
    return problems


def test_the_checker_finds_a_missing_asset_and_one_outside_the_prefix(tmp_path):
    site = tmp_path / "site"
    (site / "2021" / "book").mkdir(parents=True)
    (site / "_static" / "abc").mkdir(parents=True)
    (site / "_static" / "abc" / "x.css").write_text("a { background: url(img/er-niet.png) }", encoding="utf-8")
    (site / "2021" / "book" / "p.html").write_text(
        '<link rel="stylesheet" href="../../_static/abc/x.css?v=1"><script src="../_static/weg.js"></script>'
        '<img src="/2021/figuren/a.png"><a href="nergens.html">tekst</a>',
        encoding="utf-8",
    )
    problems = missing_assets(site, "/jaarverslag/")
    assert any("_static/weg.js: ontbreekt" in p for p in problems)
    assert any("img/er-niet.png: ontbreekt" in p for p in problems)
    assert any("/2021/figuren/a.png: buiten het URL-voorvoegsel" in p for p in problems)
    assert not any("nergens.html" in p for p in problems)  # links are the link check's business, not assets
    assert not any(p.startswith("2021/book/p.html") and "x.css" in p for p in problems)
    assert len(problems) == 3


def test_every_asset_of_every_page_is_in_the_site(built_project):
    site = built_project / "site"
    assert not missing_assets(site, "/")


def test_years_share_one_copy_of_theme_and_mathjax(built_project):
    site = built_project / "site"
    bundles = sorted(p.name for p in (site / publish.STATIC).iterdir())
    assert len(bundles) == 1, bundles  # every year built by the same code: one shared bundle
    for year in publish.jaren_in_site(site):
        own = [p.name for p in (site / str(year) / publish.STATIC).rglob("*") if p.is_file()]
        assert own == list(publish.PER_YEAR_STATIC), (year, own)
        assert publish.published_state(site, year)["static"] == bundles[0]
    shared = site / publish.STATIC / bundles[0]
    assert (shared / "mathjax" / "tex-chtml.js").is_file()
    assert not (shared / "mathjax" / "tex-svg-full.js").exists()  # a MathJax bundle no page loads
    assert not list(shared.rglob("*.map"))


def test_three_year_site_is_at_most_50_mb_and_a_year_adds_at_most_12_mb(built_project):
    site = built_project / "site"
    years = publish.jaren_in_site(site)
    assert len(years) == 3
    sizes = publish.site_sizes(site)
    report = ", ".join(f"{name} {size / MB:.1f} MB" for name, size in sizes.items())
    assert sizes["totaal"] <= SITE_LIMIT, report
    for year in years:  # what one more year adds: its own folder (the shared bundle is there already)
        assert sizes[str(year)] <= YEAR_LIMIT, report


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("2021/book/index.html", '<script src="../../_static/b/x.js"></script>'),
        ("2021/search.html", '<script src="../_static/b/x.js"></script>'),
    ],
)
def test_pages_are_pointed_at_the_shared_bundle_at_their_own_depth(page, expected):
    up = "../" * (len(PurePosixPath(page).parts) - 2)
    text = f'<script src="{up}_static/x.js"></script>'
    assert publish.shared_references(text, PurePosixPath(page).relative_to("2021"), "b") == expected
    kept = f'<script src="{up}_static/documentation_options.js?v=1"></script>'
    assert publish.shared_references(kept, PurePosixPath(page).relative_to("2021"), "b") == kept
