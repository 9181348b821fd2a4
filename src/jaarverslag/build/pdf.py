"""The board's PDFs: the year's built HTML pages composed into one print document, printed by Debian's chromium.

Two versions per year: the bestuursversie (the chapters the board reads, part "Jaarverslag" of _toc.yml)
and the volledige versie (also part "Verantwoording": methods, calculation pages, codebook, about).
Each is printed twice: the first print's outline (one bookmark per heading) tells on which page each
chapter starts, the second fills those page numbers into the contents. Nothing is downloaded and no
server runs: chromium reads the document and the figures as files.
"""

from __future__ import annotations

import html as htmllib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import yaml

from jaarverslag.build.provenance import CALCULATION_FOLDER, commit_of, data_fingerprint, has_uncommitted

# Debian's chromium run by a program: no sandbox, GPU, background traffic, updates or first-run screens (the
# browser tests start it with these too).
CHROMIUM_QUIET_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
CHROMIUM_FLAGS = [
    "--headless",
    *CHROMIUM_QUIET_FLAGS,
    "--no-pdf-header-footer",  # page numbers and running header come from print.css's @page margin boxes
    "--generate-pdf-document-outline",  # the PDF bookmarks: one per heading
    "--allow-file-access-from-files",  # MathJax's fonts, read as files
    "--virtual-time-budget=20000",  # MathJax typesets before printing
]
CHROMIUM_TIMEOUT_S = 300
PRINT_CSS = Path("_static") / "print.css"  # in a staged book and in its HTML build
APPENDIX_PART = "Verantwoording"  # the _toc.yml part only the volledige versie prints

MATHJAX = Path("_static") / "mathjax" / "tex-chtml.js"
MAX_PASSES = 3  # contents page numbers settle after the second print; a third only if a number changed the layout
ORGANISATION = "Spoedzorg Huisartsen Twente"
# Laid out on screen at the text width (print.css), a table or figure taller than the text height cannot stay on
# one page: it is marked jv-lang and breaks between rows (header repeated); every other one is never split.
TEXT_HEIGHT = "259mm"  # A4 less print.css's @page margins
LONG_BLOCKS_SCRIPT = (
    "<script>window.addEventListener('load', () => {"
    "const probe = document.createElement('div'); probe.style.height = '" + TEXT_HEIGHT + "';"
    "document.body.append(probe); const page = probe.getBoundingClientRect().height; probe.remove();"
    "for (const el of document.querySelectorAll('.jv-hoofdstuk :is(figure, .jv-tabel, table)')) {"
    "if (el.getBoundingClientRect().height > page) el.classList.add('jv-lang'); }});</script>"
)
POINTER_MAX_CHARS = 200  # a paragraph this short whose links all leave the printed book is a pointer: not printed
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


@dataclass(frozen=True)
class Version:
    """One printed version of a year's book."""

    suffix: str  # in the file name
    name: str  # on the cover
    short: str  # in the running header
    appendices: bool  # prints part "Verantwoording"


BESTUUR = Version("", "Bestuursversie", "Bestuursversie", False)
VOLLEDIG = Version("-volledig", "Volledige versie met verantwoording", "Volledige versie", True)
VERSIONS = (BESTUUR, VOLLEDIG)


def chromium() -> str | None:
    """Return Debian's chromium binary, or None when it is not installed."""
    return shutil.which("chromium")


def pdf_name(jaar: int, version: Version = BESTUUR) -> str:
    """Return a version's file name, published at site/<jaar>/."""
    return f"jaarverslag-{jaar}{version.suffix}.pdf"


def pdf_names(jaar: int) -> list[str]:
    """Return the file names of every version of a year's PDF."""
    return [pdf_name(jaar, v) for v in VERSIONS]


def landing_line(jaar: int, available: bool) -> str:
    """Return the landing page's PDF line (HTML): both versions, or why there is none yet."""
    if not available:
        return (
            "*De PDF-versie van dit verslag is nog niet beschikbaar: deze versie is gebouwd zonder PDF "
            "(Debian's chromium ontbreekt of `--geen-pdf`).*\n"
        )
    return (
        f'<p class="jv-pdf">Het jaarverslag {jaar} als PDF: '
        f'<a href="../{pdf_name(jaar, BESTUUR)}" download>bestuursversie</a> (de hoofdstukken, om te lezen en te '
        f'archiveren) of <a href="../{pdf_name(jaar, VOLLEDIG)}" download>volledige versie</a> (met de '
        "verantwoording: methode, berekeningen, codeboek en herkomst).</p>\n"
    )


@dataclass
class Chapter:
    """One book page as printed: its anchor, title, running-header name and content (HTML)."""

    docname: str
    anchor: str
    title: str
    body: str
    part: str


def toc_parts(toc_file: Path) -> list[tuple[str, list[str]]]:
    """Return the book's parts in reading order as (caption, docnames); the root page opens the first part."""
    toc = yaml.safe_load(toc_file.read_text(encoding="utf-8"))
    parts: list[tuple[str, list[str]]] = []

    def walk(entries: list[dict], names: list[str]) -> None:
        for entry in entries:
            names.append(entry["file"])
            walk(entry.get("sections", []), names)

    for i, part in enumerate(toc["parts"]):
        names = [toc["root"]] if i == 0 else []
        walk(part["chapters"], names)
        parts.append((part["caption"], names))
    if APPENDIX_PART not in [caption for caption, _ in parts]:
        raise RuntimeError(f"_toc.yml heeft geen deel '{APPENDIX_PART}' (de bijlagen van de volledige PDF)")
    return parts


def printed_pages(toc_file: Path, version: Version) -> list[tuple[str, str]]:
    """Return (part caption, docname) of every page a version prints, in reading order."""
    pages = []
    for caption, names in toc_parts(toc_file):
        if caption == APPENDIX_PART and not version.appendices:
            continue
        pages += [(caption, n) for n in names if version.appendices or not n.startswith(CALCULATION_FOLDER + "/")]
    return pages


def _anchor(docname: str, fragment: str = "") -> str:
    base = "p-" + docname.replace("/", "-")
    return f"{base}--{fragment}" if fragment else base


def _chapter(site: Path, docname: str, part: str, included: set[str]):
    """Read one built page and return it as a printed chapter: links made internal or removed, ids unique."""
    from bs4 import BeautifulSoup  # only when printing

    page = site / f"{docname}.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.bd-article")
    if article is None:
        raise RuntimeError(f"{page} heeft geen artikel (article.bd-article)")
    # Screen-only parts: heading anchors, the PDF line, the provenance block (links to files), scripts, buttons.
    for element in article.select("a.headerlink, .jv-pdf, .jv-herkomst, script, button, .toctree-wrapper"):
        element.decompose()
    for element in article.select(".pst-scrollable-table-container"):
        element.unwrap()
    headings = article.find_all("h1")
    if not headings:
        raise RuntimeError(f"{page} heeft geen titel (h1)")
    title = " ".join(headings[0].get_text(" ").split())
    for later in headings[1:]:  # one title per chapter: the outline's top level is the chapter list
        later.name = "h2"
    for element in article.find_all(id=True):
        element["id"] = _anchor(docname, element["id"])
    base = f"http://boek/{docname}.html"
    for link in article.find_all("a", href=True):
        if link.decomposed:  # in a pointer paragraph removed before
            continue
        href = link["href"]
        if href.startswith("#"):
            link["href"] = "#" + _anchor(docname, href[1:])
            continue
        if urlsplit(href).scheme in ("http", "https", "mailto"):
            continue
        target = urlsplit(urljoin(base, href))
        name = unquote(target.path).lstrip("/").removesuffix(".html")
        if target.path.endswith(".html") and name in included:
            link["href"] = "#" + _anchor(name, target.fragment)
            for attribute in ("download", "target"):
                link.attrs.pop(attribute, None)
            continue
        # A file (CSV, notebook) or a page this version does not print: the link goes, its text stays; a paragraph
        # that only points there (a download line, "De berekening staat in ...") goes as a whole.
        paragraph = link.find_parent(["p", "li"])
        if paragraph is not None and _only_points_away(paragraph, base, included):
            paragraph.decompose()
        elif link.parent is not None:
            link.unwrap()
    for item in article.find_all("li"):  # a list item whose pointer paragraph went
        if not item.decomposed and not item.get_text(strip=True) and item.find("img") is None:
            item.decompose()
    for listing in article.find_all(["ul", "ol"]):
        if not listing.decomposed and not listing.find("li"):
            listing.decompose()
    for section in reversed(article.find_all("section")):  # a section left with its heading only goes too
        children = [child.name for child in section.children if getattr(child, "name", None)]
        if not section.decomposed and "h1" not in children and all(name in HEADINGS for name in children):
            section.decompose()
    for image in article.find_all("img", src=True):
        source = urlsplit(urljoin(base, image["src"]))
        path = site / unquote(source.path).lstrip("/")
        if not path.is_file():
            raise RuntimeError(f"{page}: afbeelding {image['src']} ontbreekt")
        image["src"] = path.resolve().as_uri()
        image.attrs.pop("style", None)
    body = "".join(str(child) for child in article.children)
    return Chapter(docname, _anchor(docname), title, body, part)


def _only_points_away(paragraph, base: str, included: set[str]) -> bool:
    """Whether a paragraph or list item is a short pointer whose every link leads out of the printed book."""
    links = paragraph.find_all("a", href=True)
    if not links or len(paragraph.get_text(" ", strip=True)) > POINTER_MAX_CHARS:
        return False
    for link in links:
        href = link["href"]
        if href.startswith("#") or urlsplit(href).scheme:  # printed, or a web address: the paragraph stays
            return False
        target = urlsplit(urljoin(base, href))
        if target.path.endswith(".html") and unquote(target.path).lstrip("/").removesuffix(".html") in included:
            return False
    return True


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class Cover:
    """What the cover and the running header say about this print."""

    jaar: int
    version: Version
    draft: bool
    werkversie: bool
    fingerprint: str
    commit: str
    date: str

    @property
    def header(self) -> str:
        marks = [m for m, on in (("Concept", self.draft), ("Werkversie", self.werkversie)) if on]
        return " · ".join([f"Jaarverslag SHT {self.jaar}", self.version.short, *marks])


def _cover_html(cover: Cover) -> str:
    marks = []
    if cover.draft:
        marks.append(
            f'<p class="jv-omslag-mark">Concept: dit verslag over {cover.jaar} is nog niet vastgesteld; '
            "cijfers en teksten kunnen nog veranderen.</p>"
        )
    if cover.werkversie:
        marks.append(
            '<p class="jv-omslag-mark">Werkversie: gemaakt met wijzigingen in code of gegevens die nog niet zijn '
            "vastgelegd; niet voor publicatie.</p>"
        )
    return (
        '<section class="jv-omslag">'
        f'<p class="jv-omslag-organisatie">{ORGANISATION} (SHT)</p>'
        f'<p class="jv-omslag-titel">Jaarverslag {cover.jaar}</p>'
        f'<p class="jv-omslag-versie">{htmllib.escape(cover.version.name)}</p>'
        + "".join(marks)
        + '<p class="jv-omslag-herkomst">Huisartsenspoedposten Hengelo en Enschede<br>'
        f"Gegevens-vingerafdruk {htmllib.escape(cover.fingerprint)} · code {htmllib.escape(cover.commit)} · "
        f"gemaakt op {htmllib.escape(cover.date)}</p></section>"
    )


def _contents_html(chapters: list[Chapter], pages: dict[str, int], cover: Cover) -> str:
    items = []
    part = chapters[0].part if chapters else ""
    for chapter in chapters:
        if chapter.part != part:
            part = chapter.part
            items.append(f'<li class="jv-inhoud-deel">{htmllib.escape(part)}</li>')
        number = pages.get(chapter.anchor, 0)
        level = " jv-inhoud-sub" if chapter.docname.startswith(CALCULATION_FOLDER + "/") else ""
        items.append(
            f'<li class="jv-inhoud-regel{level}"><a href="#{chapter.anchor}">'
            f'<span class="jv-inhoud-titel">{htmllib.escape(chapter.title)}</span>'
            f'<span class="jv-inhoud-pagina">{number}</span></a></li>'
        )
    note = (
        ""
        if cover.version.appendices
        else '<p class="jv-inhoud-noot">De methode, de berekeningen, het codeboek en de herkomst van de cijfers '
        f"staan in de volledige versie ({pdf_name(cover.jaar, VOLLEDIG)}) en op de website.</p>"
    )
    return f'<nav class="jv-inhoud" id="inhoud"><h1>Inhoud</h1><ol>{"".join(items)}</ol>{note}</nav>'


def _document(chapters: list[Chapter], pages: dict[str, int], cover: Cover, css: str, mathjax: Path | None) -> str:
    """Return the print document: cover, contents, chapters; each chapter on its own named page (running header)."""
    named = [
        "@page { @top-left { content: " + _css_string(cover.header) + "; } }",
        "@page jv-omslag { @top-left { content: none; } @top-right { content: none; } "
        "@bottom-right { content: none; } }",
        "@page jv-inhoud { @top-right { content: " + _css_string("Inhoud") + "; } }",
    ]
    sections = []
    for i, chapter in enumerate(chapters):
        named.append(f"@page jv-h{i} {{ @top-right {{ content: {_css_string(chapter.title)}; }} }}")
        sections.append(
            f'<section class="jv-hoofdstuk" id="{chapter.anchor}" style="page: jv-h{i}">{chapter.body}</section>'
        )
    script = LONG_BLOCKS_SCRIPT
    if mathjax is not None:
        script += (
            '<script>window.MathJax = {"options": {"processHtmlClass": "math"}, '
            '"chtml": {"displayAlign": "left"}};</script>'
            f'<script defer src="{mathjax.resolve().as_uri()}"></script>'
        )
    title = f"Jaarverslag SHT {cover.jaar} — {cover.version.name}"
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{htmllib.escape(title)}</title>\n"
        f'<meta name="author" content="{ORGANISATION}">\n'
        f"<style>\n{css}\n{chr(10).join(named)}\n</style>\n{script}\n</head>\n"
        '<body class="jv-druk">\n'
        + _cover_html(cover)
        + _contents_html(chapters, pages, cover)
        + "\n".join(sections)
        + "\n</body>\n</html>\n"
    )


def _print(browser: str, document: Path, target: Path, work: Path) -> None:
    target.unlink(missing_ok=True)
    result = subprocess.run(
        [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={work / 'profiel'}",
            f"--print-to-pdf={target}",
            document.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=CHROMIUM_TIMEOUT_S,
        env={**os.environ, "HOME": str(work)},
    )
    if not target.is_file() or target.stat().st_size == 0:
        raise RuntimeError(f"chromium maakte geen PDF van {document}:\n{result.stderr[-2000:]}")


def outline_pages(pdf: Path) -> list[tuple[str, int]]:
    """Return the PDF's top-level bookmarks (one per chapter title) as (title, page number from 1)."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    return [
        (" ".join(item.title.split()), reader.get_destination_page_number(item) + 1)
        for item in reader.outline
        if not isinstance(item, list)
    ]


def _chapter_pages(pdf: Path, chapters: list[Chapter]) -> dict[str, int]:
    """Return each chapter's first page, read from the outline; the outline must list exactly the chapters."""
    found = [(t, p) for t, p in outline_pages(pdf) if t != "Inhoud"]
    expected = [c.title for c in chapters]
    if [t for t, _ in found] != expected:
        raise RuntimeError(
            f"de bladwijzers van {pdf.name} zijn niet de hoofdstukken: {[t for t, _ in found]} in plaats van {expected}"
        )
    return {c.anchor: page for c, (_, page) in zip(chapters, found)}


def make_pdfs(site: Path, work: Path, jaar: int, root: Path, draft: bool, versie: str, date: str) -> list[Path]:
    """Print both versions of a year's built book (site: its HTML folder) into work/; return the PDF paths."""
    browser = chromium()
    if browser is None:
        raise FileNotFoundError("chromium ontbreekt (apt-get install chromium)")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    css = (site / PRINT_CSS).read_text(encoding="utf-8")
    made = []
    for version in VERSIONS:
        pages = printed_pages(root / "_toc.yml", version)
        included = {name for _, name in pages}
        chapters = [_chapter(site, name, part, included) for part, name in pages]
        uses_math = any('class="math' in c.body for c in chapters)
        fingerprint = data_fingerprint(root, jaar)
        cover = Cover(jaar, version, draft, has_uncommitted(versie), fingerprint, commit_of(versie), date)
        document = work / f"{pdf_name(jaar, version).removesuffix('.pdf')}.html"
        target = work / pdf_name(jaar, version)
        numbers: dict[str, int] = {}
        for _ in range(MAX_PASSES):
            document.write_text(
                _document(chapters, numbers, cover, css, site / MATHJAX if uses_math else None), encoding="utf-8"
            )
            _print(browser, document, target, work)
            found = _chapter_pages(target, chapters)
            if found == numbers:
                break
            numbers = found
        else:
            raise RuntimeError(f"de paginanummers in de inhoud van {target.name} blijven verschuiven")
        made.append(target)
    return made
