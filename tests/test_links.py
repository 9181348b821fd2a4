"""No broken internal link: every href/src of every page of every year, the switcher and /, also under a sub-path."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

import test_browser
from browser_survey import CHROMIUM, REDIRECT, SUB_PATH, Tabs, serve_under_sub_path, sub_path_build, visits

browser = test_browser.browser  # the browser tests' own fixture, shared
LINK_ATTRIBUTES = ("href", "src")
NOT_FETCHED = ("mailto:", "data:", "javascript:", "tel:")


class _Links(HTMLParser):
    """Collect a page's links (href, src, srcset) and its anchor targets (id, name)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        found = dict(attrs)
        self.ids.update(v for k, v in attrs if k == "id" or (tag == "a" and k == "name"))
        self.links += [found[k] for k in LINK_ATTRIBUTES if found.get(k)]
        if found.get("srcset"):
            self.links += [part.split()[0] for part in found["srcset"].split(",") if part.strip()]


def _parse(text: str) -> _Links:
    parser = _Links()
    parser.feed(text)
    return parser


def site_pages(site: Path) -> list[Path]:
    """Return every HTML page of the site (the years' pages, their search and index pages, and /)."""
    return sorted(p for p in site.rglob("*.html") if "_sources" not in p.parts and "_static" not in p.parts)


def broken_links(site: Path, basis: str) -> list[str]:
    """Return every link of the site served at basis that leaves basis, names no file, or no anchor on its page."""
    parsed = {page: _parse(page.read_text(encoding="utf-8")) for page in site_pages(site)}

    def local(url: str) -> Path | None:
        path = unquote(urlparse(url).path)
        if not path.startswith(basis):
            return None
        target = site / path[len(basis) :]
        return target / "index.html" if target.is_dir() else target

    problems = []
    for page, links in parsed.items():
        page_url = "http://site" + basis + page.relative_to(site).as_posix()
        for link in links.links:
            url = urljoin(page_url, link)
            if link.startswith(NOT_FETCHED) or urlparse(url).netloc != "site":
                continue
            target = local(url)
            where = f"{page.relative_to(site)}: {link}"
            if target is None:
                problems.append(f"{where} (buiten {basis})")
            elif not target.is_file():
                problems.append(f"{where} (bestaat niet)")
            elif (
                urlparse(url).fragment
                and target in parsed
                and unquote(urlparse(url).fragment) not in parsed[target].ids
            ):
                problems.append(f"{where} (anker ontbreekt)")
    for entry in json.loads((site / "switcher.json").read_text(encoding="utf-8")):
        target = local(urljoin("http://site" + basis, entry["url"]))
        if target is None or not target.is_file():
            problems.append(f"switcher.json: {entry['url']}")
    return problems


def test_every_internal_link_of_every_year_resolves(built_project):
    site = built_project / "site"
    pages = site_pages(site)
    assert len(pages) >= 3 * 17 and site / "index.html" in pages
    assert broken_links(site, "/") == []


def test_the_crawl_finds_a_broken_link(tmp_path):
    site = tmp_path / "site"
    (site / "2021" / "book").mkdir(parents=True)
    (site / "switcher.json").write_text('[{"url": "/2021/"}]', encoding="utf-8")
    (site / "2021" / "index.html").write_text('<a href="book/a.html#x">a</a>', encoding="utf-8")
    (site / "2021" / "book" / "a.html").write_text(
        '<p id="y"></p><a href="over.html">o</a><img src="/figuren/f.png"><a href="#y">y</a>', encoding="utf-8"
    )
    assert broken_links(site, "/") == [
        "2021/book/a.html: over.html (bestaat niet)",
        "2021/book/a.html: /figuren/f.png (bestaat niet)",
        "2021/index.html: book/a.html#x (anker ontbreekt)",
    ]
    assert broken_links(site, SUB_PATH)[0] == "2021/book/a.html: over.html (bestaat niet)"
    assert "switcher.json: /2021/" in broken_links(site, SUB_PATH)


@pytest.fixture(scope="module")
def sub_path_site(built_project, tmp_path_factory) -> Path:
    """A 2021-only build of a copy served under SUB_PATH (shared with test_browser.py's escape check)."""
    return sub_path_build(built_project, tmp_path_factory.mktemp("subpad")) / "site"


def test_links_work_under_a_sub_path(sub_path_site):
    assert broken_links(sub_path_site, SUB_PATH) == []
    assert json.loads((sub_path_site / "switcher.json").read_text(encoding="utf-8"))[0]["url"] == f"{SUB_PATH}2021/"


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed; browser tests skipped")
def test_pages_under_a_sub_path_load_everything_from_it(browser, sub_path_site):
    """Every 2021 page under the sub-path in chromium: no failed request (CSS, scripts, figures, switcher.json)."""
    for origin in serve_under_sub_path(sub_path_site):
        with urllib.request.urlopen(f"{origin}{SUB_PATH}") as response:  # / of the sub-path leads to the year
            assert f"{SUB_PATH}2021/" in response.read().decode()
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"{origin}/2021/book/index.html")  # nothing is served outside the sub-path
        pages = [p.relative_to(sub_path_site).as_posix() for p in site_pages(sub_path_site)]
        assert len(pages) >= 17
        urls = {f"{origin}{SUB_PATH}{relative}": relative for relative in pages}
        redirects = {u for u, p in urls.items() if REDIRECT in (sub_path_site / p).read_text(encoding="utf-8")}
        problems = []
        context = browser.new_context()
        try:
            tabs = Tabs(context)
            for url, page, watch in visits(tabs, urls, redirects=redirects):
                problems += [f"{urls[url]}: {kind}: {x}" for kind in ("failed", "errors") for x in getattr(watch, kind)]
                tabs.release(page)
        finally:
            context.close()
        page = browser.new_page()
        page.goto(f"{origin}{SUB_PATH}2021/book/verrichtingen.html")
        page.wait_for_load_state("networkidle")
        page.locator("button.version-switcher__button").first.click()
        # the switcher keeps the chapter, under the sub-path
        href = page.locator(".version-switcher__menu a").first.get_attribute("href")
        assert href == f"{SUB_PATH}2021/book/verrichtingen.html"
        page.close()
        assert not problems, "\n".join(problems)
