"""A real build: papermill executes every notebook per year, Jupyter Book builds each year, the site is published."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from jaarverslag.build import provenance
from jaarverslag.data.load import report_years
from jaarverslag.data.paths import data_dir

from conftest import run_build

CHAPTER_PAGES = (
    "book/index.html",
    "book/verrichtingen.html",
    "notebooks/verrichtingen.html",
    "book/methode.html",
    "book/codeboek.html",
)


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_every_year_is_published_with_its_chapters(built_project):
    site = built_project / "site"
    years = report_years(built_project)
    assert years == [2019, 2020, 2021]
    for year in years:
        for page in CHAPTER_PAGES:
            assert (site / str(year) / page).is_file(), f"{year}/{page}"
        assert (site / str(year) / "tabellen" / "verrichtingen_per_post.csv").is_file()
        assert (site / str(year) / "figuren" / "verrichtingen_per_post.png").is_file()


def test_switcher_lists_every_year_and_index_sends_to_the_newest(built_project):
    site = built_project / "site"
    entries = json.loads(_text(site / "switcher.json"))
    assert [e["version"] for e in entries] == ["2021", "2020", "2019"]
    assert all(e["url"] == f"/{e['version']}/" for e in entries)
    assert [e["version"] for e in entries if e.get("preferred")] == ["2021"]
    assert 'url=/2021/"' in _text(site / "index.html")
    page = _text(site / "2020" / "book" / "verrichtingen.html")
    assert '"json_url": "/switcher.json"' in page.replace("'", '"') or "/switcher.json" in page
    assert "version-switcher" in page


def test_2021_chapter_shows_the_glued_total_and_per_post_figures(built_project):
    page = _text(built_project / "site" / "2021" / "book" / "verrichtingen.html")
    for figure in ("100.036", "46.040", "53.023", "973"):
        assert figure in page
    assert "98.087" in page  # the printed 2020 total, as a footnote
    assert 'alt="Staafdiagram' in page


def test_year_without_comparison_year_says_so(built_project):
    page = _text(built_project / "site" / "2019" / "book" / "verrichtingen.html")
    assert "2018 zijn niet beschikbaar" in page


def test_outputs_stay_out_of_the_source_folders(built_project):
    assert not list((built_project / "notebooks").glob("*.ipynb"))
    assert not list(data_dir(built_project).rglob("*.ipynb"))


def _fake_site(project: Path) -> Path:
    site = project / "site"
    (site / "2021").mkdir(parents=True)
    (site / "2021" / "index.html").write_text("oude site", encoding="utf-8")
    return site


def test_bad_data_stops_the_build_and_leaves_the_site(project):
    site = _fake_site(project)
    path = project / "data" / "2021" / "verrichtingen.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",3550,", ",3.550,"), encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 1
    assert "data/2021/verrichtingen.csv" in result.stderr and "kolom 'aantal'" in result.stderr
    assert sorted(p.name for p in site.iterdir()) == ["2021"]
    assert _text(site / "2021" / "index.html") == "oude site"


def test_failing_notebook_names_year_notebook_and_cell_and_leaves_the_site(cached_copy):
    project = cached_copy  # the session build's runs: only the broken notebook runs, so the build fails fast
    site = _fake_site(project)
    notebook = project / "notebooks" / "verrichtingen.md"
    notebook.write_text(
        _text(notebook) + "\n```{code-cell} ipython3\nraise RuntimeError('kapot')\n```\n", encoding="utf-8"
    )
    result = run_build(project, "--jaar", "2021")  # the faked year itself: no kept year is rebuilt beside it
    assert result.returncode == 1
    assert "jaar 2021, notebook verrichtingen.ipynb, cel" in result.stderr
    assert "RuntimeError: kapot" in result.stderr
    assert _text(site / "2021" / "index.html") == "oude site"


def test_url_prefix_is_a_setting(cached_copy):
    from test_site_size import missing_assets

    project = cached_copy  # the session build's notebook runs: only the book and the site are new here
    result = run_build(project, "--jaar", "2019", "--basis", "/jaarverslag")
    assert result.returncode == 0, result.stderr
    entries = json.loads(_text(project / "site" / "switcher.json"))
    assert entries[0]["url"] == "/jaarverslag/2019/"
    assert "url=/jaarverslag/2019/" in _text(project / "site" / "index.html")
    # Served under /jaarverslag/, every stylesheet, script, font, icon and the switcher file is found.
    assert not missing_assets(project / "site", "/jaarverslag/")


COLOURED_SATURATION = 100  # of 255
MIN_COLOURED_PIXELS = 500
REMOTE_LOAD = re.compile(
    r"""<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?//"""
    r"""|<link\b(?=[^>]*\brel\s*=\s*["']?(?:stylesheet|preload|modulepreload|icon|manifest))[^>]*\bhref\s*=\s*["']?(?:https?:)?//"""
    r"""|url\(\s*["']?(?:https?:)?//|@import\s+["'](?:https?:)?//|import\(\s*["'](?:https?:)?//""",
    re.IGNORECASE,
)


def test_nothing_in_the_site_loads_from_outside(built_project):
    found = []
    for path in (built_project / "site").rglob("*"):
        if path.suffix in (".html", ".css", ".js") and ".map" not in path.suffixes:
            for match in REMOTE_LOAD.finditer(path.read_text(encoding="utf-8", errors="replace")):
                found.append(f"{path.relative_to(built_project)}: {match.group(0)[:120]}")
    assert not found, "\n".join(found)


def test_provenance_block_matches_git_and_the_data_fingerprint(built_project):
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=built_project, capture_output=True, text=True)
    page = _text(built_project / "site" / "2021" / "book" / "verrichtingen.html")
    footer = re.search(
        r'class="jv-herkomst-voet" data-jaar="(\d+)" data-vingerafdruk="(\w+)" data-code="([^"]+)"', page
    )
    assert footer, "provenance footer missing"
    assert footer.group(1) == "2021"
    assert footer.group(2) == provenance.data_fingerprint(built_project, 2021)
    if head.returncode == 0:  # the session build runs inside the repository's work tree
        assert footer.group(3) == head.stdout.strip()
    assert 'href="../uitgevoerd/verrichtingen.ipynb"' in page
    assert 'href="../tabellen/verrichtingen_per_post.csv"' in page
    assert (built_project / "site" / "2021" / "uitgevoerd" / "verrichtingen.ipynb").is_file()
    over = re.sub(r"<[^>]+>", "", _text(built_project / "site" / "2021" / "book" / "over.html"))
    assert "papermill" in over and "jupyter-book" in over and "make book JAAR=2021" in over


@pytest.mark.skipif(
    shutil.which("chromium") is None or shutil.which("pdftoppm") is None,
    reason="Debian's chromium and poppler-utils (pdftoppm, pdftotext) are needed for the PDF check",
)
def test_pdf_shows_every_chapter_with_its_figures(built_project, tmp_path):
    from PIL import Image

    pdf = built_project / "site" / "2021" / "jaarverslag-2021.pdf"
    assert pdf.is_file()
    assert 'href="../jaarverslag-2021.pdf"' in _text(built_project / "site" / "2021" / "book" / "index.html")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for title in ("Jaarverslag SHT", "Verrichtingen", "Vooruitblik"):
        assert title in text, title
    full = pdf.with_name("jaarverslag-2021-volledig.pdf")  # the appendices: tests/test_pdf.py checks both versions
    full_text = subprocess.run(["pdftotext", str(full), "-"], capture_output=True, text=True, check=True).stdout
    for title in ("Methode en verantwoording", "Codeboek", "Over dit verslag"):
        assert title in full_text, title
    assert "100.036" in text
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "pagina")], check=True)
    pages = sorted(tmp_path.glob("pagina-*.png"))
    assert len(pages) >= 3

    # A page with a chart has many strongly coloured pixels; an empty or text-only page has (almost) none.
    def coloured_pixels(path: Path) -> int:
        saturation = Image.open(path).convert("HSV").getchannel("S")
        return sum(saturation.histogram()[COLOURED_SATURATION:])

    coloured = [p for p in pages if coloured_pixels(p) > MIN_COLOURED_PIXELS]
    assert coloured, "no page shows a coloured figure"
