"""The board's PDFs of the session build, checked as printed: pages as images and text (poppler), outline and
links (pypdf). The bestuursversie is what the board reads; the volledige versie adds the verantwoording."""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

from jaarverslag.build.pdf import BESTUUR, VOLLEDIG, pdf_name

pytestmark = pytest.mark.skipif(
    shutil.which("chromium") is None or shutil.which("pdftoppm") is None,
    reason="Debian's chromium and poppler-utils (pdftoppm, pdftotext, pdfinfo) are needed for the PDF checks",
)

JAAR = 2021
MAX_BOARD_PAGES = 60
A4_PT = (595.3, 841.9)  # 210 x 297 mm
SIDE_MARGIN_PT = 17 / 25.4 * 72  # print.css @page: 17 mm left and right
TOP_MARGIN_MM, BOTTOM_MARGIN_MM = 20, 18
TITLE_MIN_HEIGHT_PT = 16  # a chapter title (h1, 19 pt) is the only text this tall after the cover
MIN_WORD_HEIGHT_PT = 7.5  # about 6.5 pt type: the smallest that reads at 100 %
INK_DPI = 30
MIN_INK_PIXELS = 20  # dark pixels in a page's text area; a blank page has none
DARK_LEVEL = 200  # of 255: anything darker than near-white counts as ink
MAX_UNSPLIT_ROWS = 30  # a table of at most this many rows always fits one page, so it must not be split
BOARD_CHAPTERS = ("Verrichtingen", "Vooruitblik", "Begrippenlijst", "Branchenormen", "Het jaar in vogelvlucht")
APPENDIX_CHAPTERS = ("Methode en verantwoording", "Berekeningen", "Berekening: verrichtingen", "Codeboek")


@pytest.fixture(scope="module")
def pdfs(built_project) -> dict[str, Path]:
    folder = built_project / "site" / str(JAAR)
    found = {version.name: folder / pdf_name(JAAR, version) for version in (BESTUUR, VOLLEDIG)}
    for path in found.values():
        assert path.is_file(), path
    return found


def _run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _clean(text: str) -> str:
    return " ".join(text.replace("\xad", "").split())


@cache
def _words(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Every word per page as (xMin, yMin, xMax, yMax, text), from pdftotext -bbox."""
    pages = []
    for page in re.findall(r"<page [^>]*>(.*?)</page>", _run("pdftotext", "-bbox", str(pdf), "-"), re.S):
        pages.append(
            [
                (float(a), float(b), float(c), float(d), t)
                for a, b, c, d, t in re.findall(
                    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page
                )
            ]
        )
    return pages


def _titles(pdf: Path) -> list[str]:
    """The chapter titles printed on each page (the tall text), '' where none; the cover is skipped."""
    titles = []
    for number, words in enumerate(_words(pdf), start=1):
        tall = [w[4] for w in words if w[3] - w[1] >= TITLE_MIN_HEIGHT_PT]
        titles.append(_clean(" ".join(tall)) if number > 1 else "")
    return titles


def _outline(pdf: Path) -> list[tuple[str, int]]:
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    return [
        (_clean(item.title), reader.get_destination_page_number(item) + 1)
        for item in reader.outline
        if not isinstance(item, list)
    ]


def _contents(pdf: Path) -> list[tuple[str, int]]:
    """The contents pages' entries (title, page number) as printed: from page 2 up to the first chapter."""
    last = min(page for title, page in _outline(pdf) if title != "Inhoud") - 1
    text = _run("pdftotext", "-layout", "-f", "2", "-l", str(max(2, last)), str(pdf), "-")
    return [(_clean(m.group(1)), int(m.group(2))) for m in re.finditer(r"^\s*(\S.*?)\s{2,}(\d+)\s*$", text, re.M)]


def test_the_landing_page_links_both_pdfs(built_project):
    landing = (built_project / "site" / str(JAAR) / "book" / "index.html").read_text(encoding="utf-8")
    for version in (BESTUUR, VOLLEDIG):
        assert f'href="../{pdf_name(JAAR, version)}"' in landing


def test_every_page_is_a4_and_the_bestuursversie_is_short(pdfs):
    counts = {}
    for name, pdf in pdfs.items():
        info = _run("pdfinfo", "-f", "1", "-l", "9999", str(pdf))
        sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
        counts[name] = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
        assert len(sizes) == counts[name]
        for width, height in sizes:
            assert abs(float(width) - A4_PT[0]) < 2 and abs(float(height) - A4_PT[1]) < 2, (name, width, height)
    assert 10 < counts[BESTUUR.name] <= MAX_BOARD_PAGES, counts
    assert counts[VOLLEDIG.name] > counts[BESTUUR.name] + 20, counts


def test_no_page_is_blank(pdfs, tmp_path):
    """Each page has ink in its text area, not only in the running header and page number."""
    from PIL import Image

    for name, pdf in pdfs.items():
        prefix = tmp_path / name.split()[0]
        subprocess.run(["pdftoppm", "-r", str(INK_DPI), "-gray", "-png", str(pdf), str(prefix)], check=True)
        pages = sorted(tmp_path.glob(f"{prefix.name}-*.png"))
        assert len(pages) == len(_words(pdf))
        for number, path in enumerate(pages, start=1):
            image = Image.open(path).convert("L")
            top = round(TOP_MARGIN_MM / 25.4 * INK_DPI)
            bottom = image.height - round(BOTTOM_MARGIN_MM / 25.4 * INK_DPI)
            area = image.crop((0, top, image.width, bottom))
            dark = area.point(lambda v: 255 if v < DARK_LEVEL else 0).histogram()[255]
            assert dark >= MIN_INK_PIXELS, f"{name}: pagina {number} is leeg"


def test_no_text_beyond_the_margins_and_none_too_small(pdfs):
    for name, pdf in pdfs.items():
        for number, words in enumerate(_words(pdf), start=1):
            for x_min, y_min, x_max, y_max, text in words:
                assert x_max <= A4_PT[0] - SIDE_MARGIN_PT + 1, f"{name} p. {number}: {text!r} rechts buiten de marge"
                assert x_min >= SIDE_MARGIN_PT - 1, f"{name} p. {number}: {text!r} links buiten de marge"
                # formulas (volledige versie) have smaller sub- and superscripts; the board's text does not
                if name == BESTUUR.name:
                    assert y_max - y_min >= MIN_WORD_HEIGHT_PT, f"{name} p. {number}: {text!r} te klein gedrukt"


def test_bookmarks_are_the_chapters_on_their_pages(pdfs):
    for name, pdf in pdfs.items():
        outline = _outline(pdf)
        titles = [t for t, _ in outline]
        assert titles[0] == "Inhoud"
        for chapter in BOARD_CHAPTERS:
            assert any(t.startswith(chapter) for t in titles), (name, chapter, titles)
        printed = _titles(pdf)
        for title, page in outline:
            assert printed[page - 1].startswith(title), (name, title, page, printed[page - 1])
    board = [t for t, _ in _outline(pdfs[BESTUUR.name])]
    assert not [t for t in board if t.startswith(APPENDIX_CHAPTERS)], board
    full = [t for t, _ in _outline(pdfs[VOLLEDIG.name])]
    assert all(any(t.startswith(a) for t in full) for a in APPENDIX_CHAPTERS), full


def test_the_contents_give_the_page_each_chapter_title_is_printed_on(pdfs):
    for name, pdf in pdfs.items():
        contents = _contents(pdf)
        assert len(contents) >= 12, (name, contents)
        printed = _titles(pdf)
        pages = _words(pdf)
        for title, page in contents:
            assert printed[page - 1].startswith(title), (name, title, page, printed[page - 1])
            footer = _clean(" ".join(w[4] for w in pages[page - 1] if w[1] > A4_PT[1] - 18 / 25.4 * 72))
            assert footer == f"Pagina {page} van {len(pages)}", (name, page, footer)
        assert [t for t, _ in contents] == [t for t, _ in _outline(pdf) if t != "Inhoud"]


def test_the_bestuursversie_prints_no_workshop_material(pdfs):
    text = _clean(_run("pdftotext", str(pdfs[BESTUUR.name]), "-"))
    for absent in ("Download deze tabel", "Berekening:", "Pakketten: vastgelegde versie", "import ", "127.0.0.1"):
        assert absent not in text, absent
    full = _clean(_run("pdftotext", str(pdfs[VOLLEDIG.name]), "-"))
    for present in ("Codeboek", "Over dit verslag", "Berekening: verrichtingen", "page_values"):
        assert present in full, present
    assert "Download deze tabel" not in full and "127.0.0.1" not in full


def test_every_link_works_outside_the_build_machine(pdfs):
    """Links are internal (a page of the PDF) or web addresses; none to 127.0.0.1, localhost or a file."""
    from pypdf import PdfReader

    for name, pdf in pdfs.items():
        assert b"127.0.0.1" not in pdf.read_bytes() and b"localhost" not in pdf.read_bytes()
        reader = PdfReader(pdf)
        internal = 0
        for page in reader.pages:
            for annotation in page.get("/Annots") or []:
                annotation = annotation.get_object()
                if annotation.get("/Subtype") != "/Link":
                    continue
                action = annotation.get("/A")
                uri = action.get_object().get("/URI") if action is not None else None
                if uri is None:
                    internal += 1
                    assert "/Dest" in annotation or action.get_object().get("/S") == "/GoTo", annotation
                else:
                    assert str(uri).startswith(("https://", "http://")), (name, uri)
                    assert not re.match(r"https?://(127\.|localhost|0\.0\.0\.0)", str(uri)), (name, uri)
        assert internal >= 12, (name, internal)  # at least the contents


def _struct_spans(pdf: Path) -> list[tuple[str, int, set[int]]]:
    """Each table and figure of the tagged PDF: (kind, rows, pages it is printed on)."""
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject

    reader = PdfReader(pdf)
    number = {page.indirect_reference.idnum: i + 1 for i, page in enumerate(reader.pages)}

    def pages(node, found: set[int], rows: list[int]) -> None:
        node = node.get_object()
        if isinstance(node, dict):
            if isinstance(node.raw_get("/Pg") if "/Pg" in node else None, IndirectObject):
                found.add(number[node.raw_get("/Pg").idnum])
            rows[0] += node.get("/S") == "/TR"
            if "/K" in node:
                pages(node["/K"], found, rows)
        elif isinstance(node, list):
            for kid in node:
                pages(kid, found, rows)

    spans = []

    def walk(node) -> None:
        node = node.get_object()
        if isinstance(node, dict):
            if node.get("/S") in ("/Table", "/Figure"):
                found: set[int] = set()
                rows = [0]
                pages(node, found, rows)
                spans.append((str(node["/S"]), rows[0], found))
            if "/K" in node:
                walk(node["/K"])
        elif isinstance(node, list):
            for kid in node:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"])
    return spans


def test_no_figure_or_table_that_fits_a_page_is_split(pdfs):
    spans = _struct_spans(pdfs[BESTUUR.name])
    assert sum(kind == "/Table" for kind, _, _ in spans) >= 20 and sum(kind == "/Figure" for kind, _, _ in spans) >= 15
    for kind, rows, pages in spans:
        if kind == "/Figure":
            assert len(pages) == 1, (kind, pages)
        elif rows <= MAX_UNSPLIT_ROWS:
            assert len(pages) == 1, (kind, rows, pages)
