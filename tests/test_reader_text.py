"""The text the board reads holds no workshop words: no file names, paths, code names or transcription notes.

Scans the built chapter pages of every year (site/<jaar>/book/*.html; not the calculation pages, the
codebook, the methods page or 'Over dit verslag', which are the verantwoording and may name files).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

# Pages of the verantwoording: they may name files, tables and code, the chapters may not.
NOT_READER_PAGES = frozenset({"methode", "codeboek", "over"})
# The provenance box (links to the calculation page and the CSV files) belongs to the verantwoording too.
NOT_READER_SELECTORS = ("script", "style", ".jv-herkomst")

WORKSHOP_PATTERNS = {
    "bestandsnaam": re.compile(r"\b[\w-]+\.(?:csv|txt|py|md|ipynb|ya?ml|json|geojson|toml|lock)\b", re.IGNORECASE),
    "map seeds/": re.compile(r"\bseeds/"),
    "map data/": re.compile(r"\bdata/"),
    "map referentie/": re.compile(r"\breferentie/"),
    "het woord notebook": re.compile(r"\bnotebooks?\b", re.IGNORECASE),
    "naam_met_underscore": re.compile(r"\b[A-Za-z0-9]+_[A-Za-z0-9_]+\b"),
    "True/False/None": re.compile(r"\b(?:True|False|None)\b"),
    "git-opdracht": re.compile(r"\bgit\s+\w+"),
    "pip/make-opdracht": re.compile(r"\b(?:pip install|make book|python -m)\b"),
    "ruwe programma-uitvoer": re.compile(r"<NA>|\bNaN\b|\bnan\b|\b[A-Z]\w*\(\w+="),
    "werknotitie (legendavolgorde)": re.compile(r"legendavolgorde", re.IGNORECASE),
    "werknotitie (reconstructie)": re.compile(r"\bReconstructie:"),
    "werknotitie (rekensom)": re.compile(r"\d\s*=\s*[−-]?\s*\d+\s*=\s*[−-]?\s*\d"),
    "seed-verwijzing": re.compile(r"\bseed\s*\d{3}\b", re.IGNORECASE),
}


def page_text(html: str) -> str:
    """Return what a reader sees of a chapter page: the article's text plus image alt texts, whitespace folded."""
    soup = BeautifulSoup(html, "html.parser")
    article = soup.select_one("article.bd-article") or soup
    for selector in NOT_READER_SELECTORS:
        for node in article.select(selector):
            node.decompose()
    alts = [img.get("alt", "") for img in article.find_all("img")]
    text = " ".join([article.get_text(" "), *alts])
    return " ".join(text.replace("\u00ad", "").split())


def reader_pages(site: Path) -> dict[str, str]:
    """Return {'<jaar>/<page>': text} for every chapter page of every year in a built site."""
    pages = {}
    for year in sorted(p for p in site.iterdir() if p.is_dir() and p.name.isdigit()):
        for page in sorted((year / "book").glob("*.html")):
            if page.stem not in NOT_READER_PAGES:
                pages[f"{year.name}/{page.stem}"] = page_text(page.read_text(encoding="utf-8"))
    return pages


def workshop_words(text: str) -> list[tuple[str, str]]:
    """Return (kind, context) for every workshop word in a text."""
    found = []
    for kind, pattern in WORKSHOP_PATTERNS.items():
        for m in pattern.finditer(text):
            found.append((kind, text[max(0, m.start() - 40) : m.end() + 40]))
    return found


@pytest.mark.parametrize(
    "text",
    [
        "berekend uit de gevalideerde tabellen in data/; de berekening staat als notebook bij elk hoofdstuk",
        "voluit genoemd in seeds/README.md, niet in de tekst",
        "zie seeds/001_adedf9687a57d23d.txt",
        "parameter ouderen_groei_pct (True/False)",
        "haal de code op met git clone <repository>",
        "In legendavolgorde zou SHT 2021 98,5% zijn",
        "triagisten (62 naar 53 = -9 = 14 - 23, de enige passende combinatie)",
        "Telling(post='Hengelo', aantal=3)",
        "de tabel hulpvragen_leeftijd.csv",
    ],
)
def test_the_scan_finds_each_kind_of_workshop_word(text):
    assert workshop_words(text), text


@pytest.mark.parametrize(
    "text",
    [
        "In 2021 telden de spoedposten samen 100.036 verrichtingen (+2,3% ten opzichte van 2020).",
        "Download deze tabel als CSV (puntkomma-gescheiden, UTF-8)",
        "De norm is 90% binnen 30 seconden; SHT haalde 98,7% †.",
        "Het aantal daalde van 28 naar 8.",
    ],
)
def test_plain_reader_text_passes(text):
    assert workshop_words(text) == []


def test_page_text_skips_the_provenance_box_and_reads_alt_texts():
    html = (
        '<article class="bd-article"><p>Zichtbare tekst.</p><img alt="Staafdiagram van de klachten">'
        '<div class="jv-herkomst"><p>Berekening: kwaliteit.ipynb</p></div></article>'
    )
    text = page_text(html)
    assert "Staafdiagram van de klachten" in text and "kwaliteit.ipynb" not in text


# Every chapter page of the book (book/*.md) and the generated glossary; known before the build runs.
CHAPTER_PAGES = sorted(
    {p.stem for p in (Path(__file__).resolve().parents[1] / "book").glob("*.md")} - NOT_READER_PAGES
    | {"begrippenlijst"}
)


@pytest.mark.parametrize("pagina", CHAPTER_PAGES)
def test_no_workshop_words_on_the_reader_page_in_any_year(built_project, pagina):
    site = built_project / "site"
    years = sorted(p.name for p in site.iterdir() if p.is_dir() and p.name.isdigit())
    assert len(years) >= 3, years
    problems = []
    for jaar in years:
        page = site / jaar / "book" / f"{pagina}.html"
        assert page.is_file(), f"{page} ontbreekt"
        problems += [
            f"{jaar}/{pagina}: {kind}: …{context}…"
            for kind, context in workshop_words(page_text(page.read_text(encoding="utf-8")))
        ]
    assert not problems, "Werkplaatswoorden in de tekst voor de lezer:\n" + "\n".join(problems)
