"""`make nieuw-jaar JAAR=2022`: empty templates for a new report year, never overwriting; templates count as missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from jaarverslag import cli
from jaarverslag.data import checks, metrics
from jaarverslag.data.codebook import codebook
from jaarverslag.data.comparisons import PRINTED_ONLY_TABLES
from jaarverslag.data.load import is_available, load_table
from jaarverslag.data.narrative import FILES as NARRATIVE_FILES
from jaarverslag.data.new_year import YearExistsError, make_year
from jaarverslag.data.paths import ROOT_ENV, report_years
from jaarverslag.data.report import valideer

JAAR = 2022


def _per_year_tables(root: Path) -> list:
    """The tables nieuw-jaar makes for a year without a printed report (2022: the codebook cites the 2021 report)."""
    return sorted(
        (s for s in codebook(root).values() if s.per_jaar and s.formaat == "csv" and s.naam not in PRINTED_ONLY_TABLES),
        key=lambda s: s.naam,
    )


@pytest.fixture
def nieuw(project):
    """A project copy with data/2022/ made by nieuw-jaar."""
    return make_year(JAAR, project)


def test_every_per_year_table_is_a_header_only_template(nieuw, project):
    folder = project / "data" / str(JAAR)
    tables = _per_year_tables(project)
    assert len(tables) > 20
    for table in tables:
        assert (folder / table.bestand).read_text(encoding="utf-8") == ",".join(table.column_names) + "\n"
    assert {p.name for p in folder.glob("*.csv")} == {t.bestand for t in tables}
    assert JAAR in report_years(project)
    assert not [p for p in (project / "data").iterdir() if p.name.startswith(".")]  # no staging folder left


def test_narrative_files_say_in_dutch_what_to_write(nieuw, project):
    folder = project / "data" / str(JAAR) / "tekst"
    assert (
        {p.stem for p in folder.glob("*.md")} == set(NARRATIVE_FILES) == {"voorwoord", "hoogtepunten", "samenwerking"}
    )
    for path in folder.glob("*.md"):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("<!--") and text.rstrip().endswith("-->"), path.name  # a comment: not shown in the book
        assert "Schrijf hier" in text or "Zet hier" in text or "Beschrijf hier" in text
        assert str(JAAR) in text


def test_instructions_name_every_table_with_title_row_and_codebook_page(nieuw, project):
    text = nieuw.uitleg()
    for table in _per_year_tables(project):
        assert f"data/{JAAR}/{table.bestand}: {table.titel}" in text
        assert " ".join(table.rij.split()) in text
        assert f"data/codebook/{table.naam}.yml" in text
    assert "book/codeboek.html#codeboek-binnenlopers-totaal" in text  # Sphinx's id for the table's label
    assert "alleen de kopregel" in text and "niet beschikbaar" in text
    assert f"data/{JAAR}/tekst/voorwoord.md" in text and f"make validate JAAR={JAAR}" in text


def test_refuses_to_overwrite_an_existing_year_folder(nieuw, project):
    filled = project / "data" / str(JAAR) / "verrichtingen.csv"
    filled.write_text(filled.read_text(encoding="utf-8") + "2022,Hengelo,Visite,3000,zeker,\n", encoding="utf-8")
    with pytest.raises(YearExistsError, match="bestaat al; make nieuw-jaar overschrijft niets"):
        make_year(JAAR, project)
    assert "3000" in filled.read_text(encoding="utf-8")
    with pytest.raises(YearExistsError, match="data/2021/ bestaat al"):
        make_year(2021, project)
    assert len(load_table("verrichtingen", 2021, project)) == 32


def test_refuses_an_existing_empty_folder_and_a_bad_year(project):
    (project / "data" / "2023").mkdir()
    with pytest.raises(YearExistsError):
        make_year(2023, project)
    with pytest.raises(ValueError, match="vier cijfers"):
        make_year(22, project)


def test_command_line(project, monkeypatch, capsys):
    monkeypatch.setenv(ROOT_ENV, str(project))
    assert cli.main(["nieuw-jaar", "--jaar", str(JAAR)]) == 0
    out = capsys.readouterr().out
    assert f"Map data/{JAAR}/ aangemaakt" in out and "Verrichtingen per spoedpost en soort" in out
    assert cli.main(["nieuw-jaar", "--jaar", str(JAAR)]) == 1
    err = capsys.readouterr().err
    assert "Niets aangemaakt" in err and f"data/{JAAR}/ bestaat al" in err


def test_a_header_only_table_is_not_available(nieuw, project):
    for table in _per_year_tables(project):
        assert not is_available(table.naam, JAAR, project), table.naam
    # a chapter that compares with last year sees no previous year
    _, has_previous = metrics.with_previous_year("verrichtingen", 2021, ["post", "verrichting"], root=project)
    assert has_previous
    path = project / "data" / "2020" / "verrichtingen.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    _, has_previous = metrics.with_previous_year("verrichtingen", 2021, ["post", "verrichting"], root=project)
    assert not has_previous


def test_reference_tables_stay_available_even_on_one_line(project):
    # the municipal boundaries are one line of GeoJSON: the header-only rule is for CSV tables only
    assert is_available("gemeentegrenzen", None, project)


def test_validate_lists_the_templates_as_missing_not_as_errors(nieuw, project):
    report = valideer(root=project)
    assert report.ok, report.tekst()
    assert report.ontbrekend[JAAR] == sorted(t.naam for t in _per_year_tables(project))
    assert [t.naam for t in nieuw.tabellen] == report.ontbrekend[JAAR]
    assert f"Nog niet aanwezig of nog niet ingevuld voor {JAAR} (" in report.tekst()
    assert checks.findings(JAAR, project) == []


def test_a_filled_table_must_be_correct(nieuw, project):
    folder = project / "data" / str(JAAR)
    with open(folder / "verrichtingen.csv", "a", encoding="utf-8") as handle:
        handle.write("2022,Hengelo,Visite,3.000,zeker,\n")
    text = "\n".join(p.tekst() for p in valideer(root=project).problemen)
    assert f"data/{JAAR}/verrichtingen.csv, regel 2, kolom 'aantal', waarde '3.000'" in text

    (folder / "verrichtingen.csv").write_text(
        "jaar,post,verrichting,aantal,status,toelichting\n2022,Hengelo,Visite,3000,zeker,\n", encoding="utf-8"
    )
    report = valideer(root=project)
    assert report.ok, report.tekst()
    assert "verrichtingen" not in report.ontbrekend[JAAR]

    with open(folder / "verrichtingen_totaal.csv", "a", encoding="utf-8") as handle:
        handle.write("2022,Hengelo,3001,zeker,\n")
    text = "\n".join(p.tekst() for p in valideer(root=project).problemen)
    assert "post Hengelo wijkt af van het gedrukte totaal: in de tabel 3001, berekend 3000 (controle" in text
    assert "Oplossing: verbeter de gegevens: dit getal of data/2022/verrichtingen.csv" in text


def test_a_template_year_builds_with_every_chapter_saying_what_is_missing(nieuw, project):
    from conftest import run_build

    result = run_build(project, "--jaar", str(JAAR))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    site = project / "site" / str(JAAR)
    pages = sorted((site / "book").glob("*.html"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "Traceback" not in text and ">nan<" not in text.lower() and ">None<" not in text, page.name
    assert "niet beschikbaar" in (site / "book" / "verrichtingen.html").read_text(encoding="utf-8")
    assert f"Voor {JAAR} is geen tekst over het voorwoord aanwezig" in (site / "book" / "index.html").read_text(
        encoding="utf-8"
    )
