"""A real build: papermill executes every notebook per year, Jupyter Book builds each year, the site is published."""

import json
from pathlib import Path

from conftest import run_build

from jaarverslag.data import verslagjaren
from jaarverslag.paths import data_dir

CHAPTER_PAGES = ("book/index.html", "book/verrichtingen.html", "notebooks/verrichtingen.html",
                 "book/methode.html", "book/codeboek.html")


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_every_year_is_published_with_its_chapters(built_project):
    site = built_project / "site"
    years = verslagjaren(built_project)
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


def test_failing_notebook_names_year_notebook_and_cell_and_leaves_the_site(project):
    site = _fake_site(project)
    notebook = project / "notebooks" / "verrichtingen.md"
    notebook.write_text(_text(notebook) + "\n```{code-cell} ipython3\nraise RuntimeError('kapot')\n```\n",
                        encoding="utf-8")
    result = run_build(project, "--jaar", "2020")
    assert result.returncode == 1
    assert "jaar 2020, notebook verrichtingen.ipynb, cel" in result.stderr
    assert "RuntimeError: kapot" in result.stderr
    assert _text(site / "2021" / "index.html") == "oude site"


def test_url_prefix_is_a_setting(project):
    result = run_build(project, "--jaar", "2019", "--basis", "/jaarverslag")
    assert result.returncode == 0, result.stderr
    entries = json.loads(_text(project / "site" / "switcher.json"))
    assert entries[0]["url"] == "/jaarverslag/2019/"
    assert "url=/jaarverslag/2019/" in _text(project / "site" / "index.html")
