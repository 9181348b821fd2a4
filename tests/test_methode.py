"""Issue 15: one total per meaning across the book, the methods page's claims, no workshop words, no 'phi nan'."""

from __future__ import annotations

import re

import pytest

from jaarverslag.build.errata import glued_values
from jaarverslag.build.parameters import source_notebooks
from jaarverslag.chapters import model_leeftijd, model_zorgconsumptie
from jaarverslag.data import ledger
from jaarverslag.data.load import load_table
from jaarverslag.render import fmt

from conftest import ROOT


@pytest.fixture(scope="module")
def glued_2021(built_project) -> dict[str, dict[str, str]]:
    """Every value each 2021 page glues (its chapters' page_values), as the session build's notebooks recorded them."""
    folder = built_project / "_build" / "nb" / "2021"
    return {
        nb.stem: {key: value for key, (_, value) in glued_values(folder / nb.stem / f"{nb.stem}.ipynb").items()}
        for nb in source_notebooks(built_project)
    }


@pytest.fixture(scope="module")
def pages_2021(glued_2021) -> dict[str, str]:
    """Every page's glued text (sentences, and tables and figures as their markup), per notebook."""
    return {name: "\n".join(values.values()) for name, values in glued_2021.items()}


def test_one_2020_total_per_meaning_across_the_book(pages_2021):
    """Every page that shows the disputed printed 2020 total also names the total the book compares with."""
    gedrukt, posten = ledger.disputed_sht_total(2020, ROOT)
    assert posten == load_table("verrichtingen", 2020, ROOT)["aantal"].sum()  # the book's choice: sum of the posts
    g, p = fmt.getal(gedrukt), fmt.getal(posten)
    shown = [name for name, text in pages_2021.items() if g in text]
    assert shown, "the age tables add up to the printed total somewhere"
    for name in shown:
        assert p in pages_2021[name], f"{name} shows {g} without the footnote naming {p}"
    # the comparisons of the total itself use the sum of the posts: +2,3%, never +2,0%
    change = fmt.verandering(
        100 * (load_table("verrichtingen_totaal", 2021, ROOT).set_index("post")["aantal"]["SHT"] / posten - 1)
    )
    assert change in pages_2021["kerncijfers"] and change in pages_2021["verrichtingen"]
    assert change in pages_2021["populatie"]  # said beside the age table's +2,0%
    assert p in pages_2021["model_leeftijd"]  # the methods page's explanation, glued from the age model


def test_one_word_for_the_landing_pages_count(glued_2021):
    """The landing page glues the kerncijfers and the vooruitblik summary: 100.036 is called verrichtingen only."""
    totaal = fmt.getal(load_table("verrichtingen_totaal", 2021, ROOT).set_index("post")["aantal"]["SHT"])
    assert f"{totaal} verrichtingen" in glued_2021["kerncijfers"]["samenvatting"]
    landing_vooruitblik = glued_2021["vooruitblik"]["samenvatting"]
    assert totaal not in landing_vooruitblik


def _selected_sum(tabel: str, jaar: int, conditions: dict[str, str]) -> float:
    frame = load_table(tabel, jaar, ROOT)
    for kolom, waarde in conditions.items():
        frame = frame[frame[kolom].astype(str) == waarde]
    return float(frame["aantal"].sum())


def test_no_printed_growth_figure_lies_on_a_half():
    """The methods page says the rounding rule of the growth figures cannot be checked: none falls on a half."""
    rows = load_table("gedrukte_vergelijkingen", 2021, ROOT)
    exact = []
    for r in rows.itertuples():
        conditions = dict(part.split("=", 1) for part in r.selectie.split(";"))
        x, v = (_selected_sum(r.tabel, j, conditions) for j in (2021, 2020))
        value = {"verhouding_pct": x / v * 100, "verandering_pct": (x / v - 1) * 100, "verschil_aantal": x - v}[r.maat]
        scaled = abs(value) * 10 ** int(r.decimalen)
        exact.append(abs(scaled - int(scaled) - 0.5) < 1e-9)
    assert len(exact) == len(rows) and not any(exact)
    # the consulteenheden do show half-up: 0,5 × 57.073 + 35.913 + 1,5 × 7.050 = 75.024,5, printed 75.025
    totaal = load_table("consulteenheden_totaal", 2021, ROOT)["consulteenheden"].iloc[0]
    assert totaal == 75_025 and 0.5 * 57_073 + 35_913 + 1.5 * 7_050 == 75_024.5


@pytest.mark.parametrize("jaar", [2019, 2020, 2021])
def test_no_calculation_page_prints_phi_nan(jaar):
    printed = model_leeftijd.kerncijfers(model_leeftijd.model_run(jaar, ROOT)) + model_zorgconsumptie.kerncijfers(
        model_zorgconsumptie.model_run(jaar, ROOT)
    )
    assert not re.search(r"\bnan\b", printed), printed


@pytest.mark.parametrize("page", ["trendmodellen", "vooruitblik", "methode"])
def test_reader_text_has_no_workshop_words(page):
    """Issue 16 for the pages of issue 15: no file names, code names, True/False or 'notebook' in the prose."""
    text = (ROOT / "book" / f"{page}.md").read_text(encoding="utf-8")
    prose = re.sub(r"\{glue[^`]*`[^`]*`|```\{glue\}[^`]*```|\]\([^)]*\)|\{(?:doc|ref)\}`[^`]*`", "", text)
    assert not re.search(r"\bnotebooks?\b", prose, re.IGNORECASE), page
    assert not re.search(r"\w+\.(?:csv|py|md|yml)\b|`[a-z_]+_[a-z_]+`|True/False|make (?:book|validate)", prose), page
