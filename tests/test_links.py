"""No broken internal link: every href/src of every page of every year, the switcher and /, also under a sub-path."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

import test_browser

from conftest import copy_project, run_build

SUB_PATH = "/jaarverslag/"
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


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serve a folder at SUB_PATH only, as a host that publishes the site in a subfolder does."""

    def translate_path(self, path: str) -> str:
        if not urlparse(path).path.startswith(SUB_PATH):
            return str(Path(self.directory) / "__niet_onder_het_voorvoegsel__")
        return super().translate_path("/" + path[len(SUB_PATH) :])

    def log_message(self, *args) -> None:
        pass


def _serve_under_sub_path(folder: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_SubPathHandler, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def sub_path_site(built_project, tmp_path_factory) -> Path:
    """A 2021-only build of a copy served under SUB_PATH (its notebooks from the session build's cache)."""
    project = copy_project(tmp_path_factory.mktemp("subpad") / "project")
    for folder in ("cache", "nb"):
        shutil.copytree(built_project / "_build" / folder, project / "_build" / folder)
    result = run_build(project, "--jaar", "2021", "--basis", SUB_PATH)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


def test_links_work_under_a_sub_path(sub_path_site):
    assert broken_links(sub_path_site, SUB_PATH) == []
    assert json.loads((sub_path_site / "switcher.json").read_text(encoding="utf-8"))[0]["url"] == f"{SUB_PATH}2021/"


@pytest.mark.skipif(test_browser.CHROMIUM is None, reason="Debian's chromium is not installed; browser tests skipped")
def test_pages_under_a_sub_path_load_everything_from_it(browser, sub_path_site):
    """Every 2021 page under the sub-path in chromium: no failed request (CSS, scripts, figures, switcher.json)."""
    for origin in _serve_under_sub_path(sub_path_site):
        with urllib.request.urlopen(f"{origin}{SUB_PATH}") as response:  # / of the sub-path leads to the year
            assert f"{SUB_PATH}2021/" in response.read().decode()
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"{origin}/2021/book/index.html")  # nothing is served outside the sub-path
        pages = [p.relative_to(sub_path_site).as_posix() for p in site_pages(sub_path_site)]
        problems = []
        for relative in pages:
            page = browser.new_page()
            watch = test_browser.PageWatch(page, origin)
            page.goto(f"{origin}{SUB_PATH}{relative}")
            page.wait_for_load_state("networkidle")
            problems += [f"{relative}: {kind}: {x}" for kind in ("failed", "errors") for x in getattr(watch, kind)]
            page.close()
        page = browser.new_page()
        page.goto(f"{origin}{SUB_PATH}2021/book/verrichtingen.html")
        page.wait_for_load_state("networkidle")
        page.locator("button.version-switcher__button").first.click()
        # the switcher keeps the chapter, under the sub-path
        href = page.locator(".version-switcher__menu a").first.get_attribute("href")
        assert href == f"{SUB_PATH}2021/book/verrichtingen.html"
        page.close()
        assert not problems, "\n".join(problems)
