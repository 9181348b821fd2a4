"""The browser tests' shared machinery, and one survey of the built site that their checks all read.

Each page is loaded once per width (every page of every year at desktop width, every chapter page at phone
width) and everything the checks in test_browser.py, test_a11y.py and test_phone.py need is collected on that
visit; the tests assert on their own slice of it. Several tabs load at once, so one tab's wait for a quiet
network overlaps another tab's checks.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from jaarverslag.build.pdf import CHROMIUM_QUIET_FLAGS

from conftest import ROOT, copy_project, run_build

CHROMIUM = shutil.which("chromium")
ARTEFACTS = ROOT / "test-artefacts"
CHROMIUM_ARGS = list(CHROMIUM_QUIET_FLAGS)
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "telefoon": {"width": 390, "height": 844}}
PHONE, DESKTOP = VIEWPORTS["telefoon"], VIEWPORTS["desktop"]
TABS = 2  # pages loading at once, to hide the network waits
AXE_TABS = 2  # pages axe-core runs on at once (each tab has its own renderer process)
REDIRECT = 'http-equiv="refresh"'  # a year's index.html sends the reader on to its book/index.html
SUB_PATH = "/jaarverslag/"
PAYLOAD = "<script>alert(1)</script>"  # put into a text from data/ by sub_path_build

# WCAG 2.1 levels A and AA; "region" (every piece of content inside a landmark) is axe's best practice,
# enabled on top because the sidebar once failed it.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "rules": {"region": {"enabled": True}},
    "resultTypes": ["violations"],
}

# What the checks of test_browser.py read from a page, in one round trip. Content tables only: Sphinx's
# own index page lays out with a table of its own.
PAGE_FACTS_JS = """() => ({
  missingAlt: [...document.images].filter(i => !(i.getAttribute('alt') || '').trim()).map(i => i.src),
  lang: document.documentElement.lang,
  headings: [...document.querySelectorAll('article.bd-article :is(h1, h2, h3, h4, h5, h6)')]
    .map(h => Number(h.tagName[1])),
  badTables: [...document.querySelectorAll('article.bd-article table:not(.indextable)')]
    .filter(t => !t.querySelector('caption') || !t.querySelector('th'))
    .map(t => t.id || t.className || 'table'),
})"""

# Per table: does its scroll box fit, is the scroll hint above it visible, is its caption's text inside the box.
# Per chart image: the smallest text size recorded for the PNG the browser chose, natural and shown width.
LAYOUT_FACTS_JS = """() => ({
  width: document.documentElement.scrollWidth,
  tables: [...document.querySelectorAll('article.bd-article table')].map(t => {
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
  }),
  figures: [...document.querySelectorAll('article.bd-article figure img')].map(i => {
    const chosen = [...i.parentElement.querySelectorAll('source')]
      .find(s => new URL(s.srcset, document.baseURI).href === i.currentSrc) || i;
    return {src: i.currentSrc.split('/').pop(), textPx: Number(chosen.dataset.kleinsteTekstPx),
            natural: i.naturalWidth, shown: i.getBoundingClientRect().width};
  }),
})"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class _SubPathHandler(_QuietHandler):
    """Serve a folder at SUB_PATH only, as a host that publishes the site in a subfolder does."""

    def translate_path(self, path: str) -> str:
        if not urlparse(path).path.startswith(SUB_PATH):
            return str(Path(self.directory) / "__niet_onder_het_voorvoegsel__")
        return super().translate_path("/" + path[len(SUB_PATH) :])


def serve(folder: Path, handler=_QuietHandler) -> Iterator[str]:
    """Serve folder over HTTP on a free port while the generator is open; yield its origin."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class PageWatch:
    """Collect console errors, failed requests and requests that leave the site while a page loads."""

    def __init__(self, page, origin: str):
        self.clear()
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

    def clear(self) -> None:
        """Forget what earlier pages of the same tab did."""
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.outside: list[str] = []
        self.dialogs: list[str] = []


class Tabs:
    """The tabs of one browser context, each reused for a next page once its caller releases it.

    Opening a tab starts a renderer process: about a core-second on this machine, as much as loading the page;
    a reused tab only navigates (a new document: no script state carries over). One site per Tabs: a tab's
    watch counts as outside whatever is not on the origin of the first page it loaded.
    """

    def __init__(self, context):
        self._context = context
        self._idle: list = []
        self._watches: dict = {}

    def load(self, url: str) -> tuple:
        """Start loading url in an idle tab (or a new one); return (page, watch) at once."""
        page = self._idle.pop() if self._idle else self._context.new_page()
        if page not in self._watches:
            self._watches[page] = PageWatch(page, urlparse(url)._replace(path="").geturl())
        watch = self._watches[page]
        watch.clear()
        page.goto(url, wait_until="commit")
        return page, watch

    def release(self, page) -> None:
        """Let the next page load in this tab."""
        self._idle.append(page)


def site_pages(site: Path) -> list[str]:
    """Every page of every year (relative to the site), without Sphinx's sources and static files."""
    return sorted(
        str(p.relative_to(site))
        for p in site.glob("[0-9][0-9][0-9][0-9]/**/*.html")
        if "_sources" not in p.parts and "_static" not in p.parts
    )


def chapter_pages(site: Path) -> list[str]:
    return [p for p in site_pages(site) if "/book/" in p]


def _axe_lines(found: list[dict]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])}x): " + "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
        for v in found
    ]


def axe_violations(page) -> list[str]:
    """Run the packaged axe-core on a loaded page; return one line per violated rule with its first nodes."""
    start_axe(page)
    return axe_result(page)


def start_axe(page) -> None:
    """Start the packaged axe-core on a loaded page and return at once (axe_result waits for it)."""
    from axe_playwright_python.base import AXE_SCRIPT

    page.evaluate(AXE_SCRIPT)
    # axe.run does most of its work before it returns: from a timer, so this call returns at once.
    page.evaluate(
        "options => { window.__axeRun = new Promise(go => setTimeout(go)).then(() => axe.run(document, options)); }",
        AXE_OPTIONS,
    )


def axe_result(page) -> list[str]:
    """Wait for the run start_axe began; return one line per violated rule with its first nodes."""
    return _axe_lines(page.evaluate("() => window.__axeRun.then(results => results.violations)"))


def layout_facts(page) -> dict:
    """The page's width, its tables' fit, hints and captions, and its charts' text sizes, as the browser shows them."""
    return page.evaluate(LAYOUT_FACTS_JS)


def visits(tabs: Tabs, urls: Iterable[str], *, redirects: Iterable[str] = (), loading: int = TABS) -> Iterator[tuple]:
    """Load each URL in a tab of tabs; yield (url, page, watch) once the page and all it fetched are in.

    "All it fetched": the page's load event (images included), then a quiet network (Playwright's networkidle,
    no request for 500 ms), so a request started after load is caught too. Up to `loading` pages load at once
    while the caller looks at the one yielded; the caller releases its tab (tabs.release). URLs in redirects
    are pages that send the reader on: their visit yields the page they land on (a year's book/index.html).
    """
    redirects = set(redirects)
    queue: deque = deque()
    pending = iter(urls)

    def start(url: str) -> None:
        queue.append((url, *tabs.load(url)))

    for url in pending:
        start(url)
        if len(queue) >= loading:
            break
    while queue:
        url, page, watch = queue.popleft()
        following = next(pending, None)
        if following is not None:
            start(following)
        if url in redirects:
            page.wait_for_url("**/book/index.html", wait_until="load")
        page.wait_for_load_state("load")
        page.wait_for_load_state("networkidle")
        yield url, page, watch


@dataclass
class Visit:
    """What one page showed at one width; axe and layout are None where the survey did not look."""

    relative: str
    width: str
    landed: str
    errors: list[str]
    failed: list[str]
    outside: list[str]
    dialogs: list[str]
    facts: dict
    axe: list[str] | None = None
    layout: dict | None = None
    screenshot: Path | None = None


_surveys: dict[Path, dict[tuple[str, str], Visit]] = {}  # one survey per site per test process


def survey(browser, site: Path, origin: str, artefacts: Path = ARTEFACTS) -> dict[tuple[str, str], Visit]:
    """Visit the site once per width; return {(page, width): Visit}, made once per process and shared.

    Desktop: every page of every year, with axe-core (a page a redirect lands on is checked on its own visit),
    and the layout of every chapter page. Phone: every chapter page's layout, axe-core on the newest year.
    Screenshots of the newest year's chapters at both widths land in artefacts.
    """
    if site in _surveys:
        return _surveys[site]
    pages = site_pages(site)
    chapters = set(chapter_pages(site))
    newest = max(p.split("/")[0] for p in pages)
    redirects = {p for p in pages if REDIRECT in (site / p).read_text(encoding="utf-8")}
    artefacts.mkdir(exist_ok=True)
    found: dict[tuple[str, str], Visit] = {}
    for width, viewport in VIEWPORTS.items():
        context = browser.new_context(viewport=viewport)
        tabs = Tabs(context)
        running: deque = deque()  # pages whose axe run goes on while the next pages load and are looked at

        def finish(visit: Visit, page, tabs: Tabs = tabs) -> None:
            if visit.axe is not None:
                visit.axe = axe_result(page)
            if visit.relative in chapters and visit.relative.startswith(newest):
                stem = visit.relative.split("/")[-1].removesuffix(".html")
                visit.screenshot = artefacts / f"{stem}-{newest}-{visit.width}.png"
                page.screenshot(path=str(visit.screenshot), full_page=True)
            tabs.release(page)

        try:
            wanted = pages if viewport is DESKTOP else sorted(chapters)
            urls = {f"{origin}/{p}": p for p in wanted}
            for url, page, watch in visits(tabs, urls, redirects={u for u, p in urls.items() if p in redirects}):
                relative = urls[url]
                # Copies, taken before axe runs: axe re-reads the style sheets itself, and what it fetches
                # (theme.css's @import resolved against the page: a 404) is not the page's own doing.
                visit = Visit(
                    relative=relative,
                    width=width,
                    landed=page.url.removeprefix(f"{origin}/"),
                    errors=list(watch.errors),
                    failed=list(watch.failed),
                    outside=list(watch.outside),
                    dialogs=list(watch.dialogs),
                    facts=page.evaluate(PAGE_FACTS_JS),
                )
                if relative in chapters:
                    visit.layout = layout_facts(page)
                if relative not in redirects and (viewport is DESKTOP or relative.startswith(newest)):
                    start_axe(page)
                    visit.axe = []
                found[(relative, width)] = visit
                running.append((visit, page))
                if len(running) >= AXE_TABS:
                    finish(*running.popleft())
            while running:
                finish(*running.popleft())
        finally:
            context.close()
    _surveys[site] = found
    return found


def serve_under_sub_path(folder: Path) -> Iterator[str]:
    """Serve folder at SUB_PATH only (nothing outside it); yield the origin."""
    yield from serve(folder, _SubPathHandler)


_sub_path_build: dict[str, object] = {}  # one build per test process, for test_links.py and test_browser.py


def sub_path_build(built_project: Path, folder: Path) -> Path:
    """One 2021-only build of a copy, shared by two checks; return its project folder (made once per process).

    It is published under SUB_PATH (`--basis`; test_links.py) and one text from data/ (2020's afwijkingen.csv,
    shown on 2021's Verrichtingen) carries PAYLOAD (test_browser.py: escaped, runs nothing). It starts with
    the session build's notebook runs: only the readers of the changed table re-run.
    """
    if not _sub_path_build:
        project = copy_project(folder / "project", cache_from=built_project)
        path = project / "data" / "2020" / "afwijkingen.csv"
        text = path.read_text(encoding="utf-8")
        assert "niet verklaard." in text
        path.write_text(text.replace("niet verklaard.", f"niet verklaard. {PAYLOAD}"), encoding="utf-8")
        result = run_build(project, "--jaar", "2021", "--basis", SUB_PATH)
        _sub_path_build.update(project=project, returncode=result.returncode, log=result.stdout + result.stderr)
    assert _sub_path_build["returncode"] == 0, _sub_path_build["log"]
    return _sub_path_build["project"]  # type: ignore[return-value]
