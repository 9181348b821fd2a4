"""Meerjarenoverzicht: every key figure over every year in data/, recomputed here from the CSV files themselves.

The independent computation reads data/<jaar>/*.csv with the csv module (no package loader), so a loader or
chapter error cannot hide in both. A made-up year (a copy of 2021) must appear without any code change.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from jaarverslag.chapters import kerncijfers as kc
from jaarverslag.chapters import meerjaren as mj
from jaarverslag.data.paths import DRAFT_MARKER, READS_ENV, ROOT_ENV
from jaarverslag.render import fmt
from test_missing_tables import made_up_year

from conftest import ROOT


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))) if path.is_file() else []


def recompute(root: Path, jaar: int) -> dict[str, tuple[float | None, bool]]:
    """Each key figure of one year straight from its CSV files: (value or None, uncertain)."""
    folder = root / "data" / str(jaar)
    out: dict[str, tuple[float | None, bool]] = {}
    procedures = _rows(folder / "verrichtingen.csv")
    if procedures:
        out["Verrichtingen SHT"] = (sum(int(r["aantal"]) for r in procedures), False)
        for post in dict.fromkeys(r["post"] for r in procedures):
            out[f"Verrichtingen {post}"] = (sum(int(r["aantal"]) for r in procedures if r["post"] == post), False)
    inwoners = _rows(folder / "inwoners.csv")
    out["Inwoners werkgebied"] = (
        (int(inwoners[0]["inwoners"]), inwoners[0]["status"] == "onzeker") if inwoners else (None, False)
    )
    norms = {r["norm_id"]: r for r in _rows(root / "data" / "referentie" / "normen.csv")}
    results = [r for r in _rows(folder / "branchenormen.csv") if r["post"] == "SHT" and r["resultaat_pct"]]
    met = 0
    for r in results:
        norm = norms[r["norm_id"]]
        value, limit = Decimal(r["resultaat_pct"]), Decimal(norm["norm_pct"])
        met += value >= limit if norm["richting"] == "minimaal" else value <= limit
    out["Branchenormen gehaald (SHT)"] = (
        (met, any(r["status"] == "onzeker" for r in results)) if results else (None, False)
    )
    meldingen = {r["soort"]: r for r in _rows(folder / "kwaliteitsmeldingen_totaal.csv")}
    for soort, naam in (("Klacht", "Klachten"), ("Calamiteit", "Calamiteiten")):
        r = meldingen.get(soort)
        out[naam] = (int(r["aantal"]), r["status"] != "zeker") if r and r["aantal"] else (None, False)
    verzuim = _rows(folder / "ziekteverzuim.csv")
    out["Ziekteverzuim"] = (
        (float(verzuim[0]["verzuim_pct"]), verzuim[0]["status"] != "zeker") if verzuim else (None, False)
    )
    leden = [r for r in _rows(folder / "huisartsen.csv") if r["groep"] == "Huisartslid" and r["aantal"]]
    out["Huisartsleden"] = (int(leden[0]["aantal"]), leden[0]["status"] != "zeker") if leden else (None, False)
    return out


def _published_csv(folder: Path) -> list[dict[str, str]]:
    text = (folder / "tabellen" / f"{mj.TABLE_NAME}.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def _number(cell: str) -> float | None:
    return None if cell == "" else float(cell.replace(",", "."))  # the Dutch dialect: decimal comma, no thousands


@pytest.fixture
def root(project, monkeypatch, tmp_path):
    monkeypatch.setenv(ROOT_ENV, str(project))
    monkeypatch.chdir(tmp_path)  # tables and figures are written beside the notebook
    return project


def _check_against_csv_files(root: Path, folder: Path, jaren: list[int]) -> None:
    table = _published_csv(folder)
    assert sorted({int(r["Jaar"]) for r in table}) == jaren
    for jaar in jaren:
        expected = recompute(root, jaar)
        shown = {r["Kerncijfer"]: r for r in table if int(r["Jaar"]) == jaar}
        for subject, (value, uncertain) in expected.items():
            row = shown[subject]
            number = _number(row["Percentage"] if subject == "Ziekteverzuim" else row["Aantal"])
            assert number == value, (jaar, subject, row)
            if value is None:
                assert row["Niet beschikbaar omdat"], (jaar, subject)
            else:
                assert row["Onzeker"] == ("ja" if uncertain else "nee"), (jaar, subject)
                assert not row["Niet beschikbaar omdat"]
        # Every figure of the overview is one the CSV files give (or says why not).
        for subject, row in shown.items():
            if subject not in expected:
                assert row["Aantal"] == "" and row["Niet beschikbaar omdat"], (jaar, subject)


def test_every_figure_of_every_year_equals_the_csv_files(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    values = mj.page_values(2021, ROOT)
    jaren = [int(p.name) for p in (ROOT / "data").iterdir() if p.is_dir() and p.name.isdigit()]
    _check_against_csv_files(ROOT, tmp_path, sorted(jaren))
    html = values["overzicht"].data
    assert "Kerncijfers 2019–2021" in html
    assert f'{fmt.MISSING_TEXT} <span class="jv-noot">(b)</span>' in html  # (a): no Coronapost in 2019
    assert f"<li>(b) {fmt.MISSING_TEXT}: geen gegevens over 2019</li>" in html
    assert "180 †" in html  # the uncertain Huisartsleden of 2021, marked as elsewhere


def test_each_year_shows_what_its_own_landing_page_shows(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    rijen = {r.onderwerp: r for r in mj.reeksen([2019, 2020, 2021], ROOT)}
    for jaar in (2019, 2020, 2021):
        for cijfer in kc.kerncijfers(jaar, ROOT):
            subject = (
                cijfer.onderwerp.split(" (")[0] if cijfer.onderwerp.startswith("Ziekteverzuim") else cijfer.onderwerp
            )
            assert rijen[subject].waarden[jaar].tekst == cijfer.waarde, (jaar, subject)


def test_sparklines_are_written_with_alt_text_naming_every_year(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    html = mj.page_values(2021, ROOT)["overzicht"].data
    rows = mj.reeksen([2019, 2020, 2021], ROOT)
    assert len(list((tmp_path / "figuren").glob(f"{mj.TABLE_NAME}_*.png"))) == len(rows)
    assert (
        'alt="Verloop van Verrichtingen Coronapost: 1.285 in 2020 en 973 in 2021; niet beschikbaar voor 2019."' in html
    )
    assert "180 (onzeker) in 2021" in html


def test_older_years_point_to_the_newest_years_overview(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for jaar in (2019, 2020):
        values = mj.page_values(jaar, ROOT)
        assert "over 2021" in values["samenvatting"]
        assert 'href="../../2021/book/meerjaren.html"' in values["overzicht"].data
        assert not (tmp_path / "tabellen").exists()


def test_a_new_year_appears_without_code_change(root, tmp_path):
    made_up_year(root, 2022)
    values = mj.page_values(2022, root)
    assert "2019 tot en met 2022" in values["samenvatting"]
    assert "Kerncijfers 2019–2022" in values["overzicht"].data
    _check_against_csv_files(root, tmp_path, [2019, 2020, 2021, 2022])
    assert 'href="../../2022/book/meerjaren.html"' in mj.page_values(2021, root)["overzicht"].data
    # As a draft, 2022 keeps its own overview, and the final 2021 shows its own again (without the draft year).
    (root / "data" / "2022" / DRAFT_MARKER).write_text("", encoding="utf-8")
    assert "Kerncijfers 2019–2022" in mj.page_values(2022, root)["overzicht"].data
    assert "Kerncijfers 2019–2021" in mj.page_values(2021, root)["overzicht"].data


def test_the_cache_sees_a_new_year_and_a_draft_marker(root, tmp_path, monkeypatch):
    reads = tmp_path / "gelezen.txt"
    monkeypatch.setenv(READS_ENV, str(reads))
    mj.page_values(2020, root)
    seen = {Path(line).relative_to(root).as_posix() for line in reads.read_text(encoding="utf-8").split()}
    assert {"data/2021/CONCEPT.md", "data/2022/verrichtingen.csv"} <= seen
