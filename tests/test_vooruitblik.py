"""Vooruitblik: the projection arithmetic on hand-computed cases, the scenarios on the real data,
a real papermill run with changed parameters, and a real build of the chapter with a scenario file."""

from __future__ import annotations

import ast
import dataclasses
import math
import os
import re
from pathlib import Path

import jupytext
import pandas as pd
import pytest

from jaarverslag.build.parameters import parameters_cell
from jaarverslag.chapters import upstream as up
from jaarverslag.chapters import vooruitblik as vb
from jaarverslag.data.load import load_table
from jaarverslag.models import projection as pj
from jaarverslag.render import vooruitblik_tables as vt
from jaarverslag.render import vooruitblik_text as vz
from jaarverslag.render.tables import CSV_OPTIONS

from conftest import ROOT, copy_project, run_build

NOTEBOOK = ROOT / "notebooks" / "vooruitblik.md"
LEEFTIJD_NOTEBOOK = ROOT / "notebooks" / "model_leeftijd.md"


# --- arithmetic on hand-computed cases --------------------------------------------------------------------


def test_yearly_factor_compounds_to_the_total_change():
    assert pj.yearly_factor(21, 2) == pytest.approx(1.1)  # 1,1 × 1,1 = 1,21
    assert pj.yearly_factor(-19, 2) == pytest.approx(0.9)
    with pytest.raises(pj.ProjectionError) as fout:
        pj.yearly_factor(10, 0)
    assert vz.error_message(fout.value) == "een periode van 0 jaar kan geen jaarlijkse groei geven"


def test_yearly_outflow_from_a_share_leaving_within_a_period():
    assert pj.uitstroom_per_year(19, 2) == pytest.approx(0.1)  # 0,9 × 0,9 = 0,81 stay after two years
    assert pj.uitstroom_per_year(0, 6) == 0


def test_pool_loses_a_share_and_gains_a_fixed_inflow_each_year():
    pool = pj.capacity(100, 0.1, 5, 2021, 2023)
    assert list(pool.index) == [2021, 2022, 2023]
    assert list(pool) == pytest.approx([100, 95, 90.5])  # 100·0,9+5 = 95; 95·0,9+5 = 90,5


def test_threshold_year_is_the_first_year_at_or_above_it():
    index = pd.Series([100.0, 105.0, 110.0, 126.0], index=[2021, 2022, 2023, 2024])
    assert pj.threshold_year(index, 10) == 2023
    assert pj.threshold_year(index, 25) == 2024
    assert pj.threshold_year(index, 30) is None


def test_rate_trend_stops_after_its_years():
    assert pj.trend_factor(1.1, 2, 3) == pytest.approx(1.21)
    assert pj.trend_factor(1.1, 5, 3) == pytest.approx(1.331)
    assert pj.trend_factor(1.1, 5, 0) == 1


def test_population_projection_by_hand(monkeypatch):
    # One gemeente: 60 young, 40 old (30 + 10). Total +21% in 2 years (1,1 a year); share old ×1,25 a year.
    monkeypatch.setattr(pj, "OUDEREN_PERIODE", (2023, 2024))
    basis = pd.DataFrame(
        {"gemeente": ["A"] * 3, "leeftijdsgroep": ["0-4", "65-69", "80-84"], "inwoners": [60.0, 30.0, 10.0]}
    )
    out = pj.project_bevolking(basis, {"A": 21.0}, 2, 25.0, 2021, 2022)
    year2 = out[out["jaar"] == 2022].set_index("leeftijdsgroep")["inwoners"]
    # 2022: total 110, share old 0,4 × 1,25 = 0,5: 55 young and 55 old, old split 3:1 as in the base year
    assert year2.to_dict() == pytest.approx({"0-4": 55.0, "65-69": 41.25, "80-84": 13.75})
    assert out[out["jaar"] == 2021]["inwoners"].tolist() == pytest.approx([60.0, 30.0, 10.0])


def test_population_projection_refuses_an_impossible_share_and_a_missing_gemeente(monkeypatch):
    monkeypatch.setattr(pj, "OUDEREN_PERIODE", (2023, 2024))
    basis = pd.DataFrame({"gemeente": ["A", "A"], "leeftijdsgroep": ["0-4", "65-69"], "inwoners": [40.0, 60.0]})
    with pytest.raises(pj.ProjectionError) as fout:
        pj.project_bevolking(basis, {"A": 0.0}, 14, 100.0, 2021, 2022)  # share 0,6 → 1,2
    assert fout.value.details == {"ouderen_groei_pct": 100.0, "jaar": 2022, "gemeente": "A"}
    assert vz.error_message(fout.value) == (
        "met 100,0% groei zou in 2022 in A iedereen oudere zijn; kies een kleinere ouderen_groei_pct"
    )
    with pytest.raises(pj.ProjectionError) as fout:
        pj.project_bevolking(basis, {"B": 0.0}, 14, 10.0, 2021, 2022)
    assert vz.error_message(fout.value) == "geen groei van het aantal inwoners voor A"


def test_gemeente_growth_uses_the_forecast_its_interval_or_the_parameters():
    prognose = pd.DataFrame(
        {
            "gemeente": ["X", "Y", "Z"],
            "verandering_pct": [6.9, -4.4, math.nan],
            "ondergrens_pct": [2.9, math.nan, math.nan],
            "bovengrens_pct": [11.1, math.nan, math.nan],
        }
    )
    g = pj.gemeente_growth(prognose, groei_onbekend_pct=1.0, marge_pct=4.0).set_index("gemeente")
    assert g.loc["X", ["laag", "midden", "hoog"]].tolist() == [2.9, 6.9, 11.1]
    assert g.loc["Y", ["laag", "midden", "hoog"]].tolist() == pytest.approx([-8.4, -4.4, -0.4])
    assert g.loc["Z", ["laag", "midden", "hoog"]].tolist() == pytest.approx([-3.0, 1.0, 5.0])
    assert g["uit_prognose"].tolist() == [True, True, False]  # Z takes the parameter groei_onbekend_pct
    assert g["eigen_interval"].tolist() == [True, False, False]  # Y and Z take ± marge_pct


def test_scenarios_take_the_bounds_that_lower_or_raise_pressure():
    groei = pd.DataFrame({"gemeente": ["X"], "laag": [-1.0], "midden": [0.0], "hoog": [1.0]})
    p = dict(pj.DEFAULTS, uitstroom_min_pct=15.0, uitstroom_max_pct=27.0, trend_leeftijd=True)
    s = pj.scenario_assumptions(p, groei)
    assert tuple(s[n].ouderen_groei_pct for n in pj.SCENARIOS) == (25.0, 33.3, 40.0)
    assert (s["laag"].uitstroom_pct, s["hoog"].uitstroom_pct) == (15.0, 27.0)
    # more inflow, less pressure
    assert (s["laag"].instroom_aandeel_pct, s["hoog"].instroom_aandeel_pct) == (100.0, 50.0)
    assert (s["laag"].groei, s["hoog"].groei) == ({"X": -1.0}, {"X": 1.0})
    assert (s["laag"].trend, s["midden"].trend, s["hoog"].trend) == ("ondergrens", "verhouding", "bovengrens")
    assert pj.scenario_assumptions(pj.DEFAULTS, groei)["hoog"].trend == "geen"


@pytest.mark.parametrize(
    "wijziging, melding",
    [
        ({"ouderen_groei_min_pct": 35.0}, "ouderen_groei_min_pct ≤ ouderen_groei_pct"),
        ({"instroom_aandeel_max_pct": 120.0}, "instroom_aandeel_max_pct moet tussen 0 en 100"),
        ({"uitstroom_jaren": 0}, "uitstroom_jaren moet minstens 1"),
        ({"bevolking_marge_pct": -1.0}, "bevolking_marge_pct mag niet negatief"),
    ],
)
def test_bad_scenario_parameters_are_refused_by_name(wijziging, melding):
    with pytest.raises(vb.VooruitblikError, match=re.escape(melding)):
        vb.check_parameters({**pj.DEFAULTS, **wijziging})


def test_the_notebook_parameters_cell_repeats_the_package_defaults():
    cell = parameters_cell(NOTEBOOK)
    assert set(cell) == {"jaar", "upstream"} | set(pj.DEFAULTS)
    assert ast.literal_eval(cell["upstream"].standaard) == list(vb.UPSTREAM)
    for naam, standaard in pj.DEFAULTS.items():
        assert ast.literal_eval(cell[naam].standaard) == standaard, naam
        assert type(standaard).__name__ == cell[naam].annotatie, naam
    assert set(vz.PARAMETER_MEANINGS) == set(pj.DEFAULTS)


# --- the scenarios on the real data ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def basis_2021() -> pj.Baseline:
    return vb.load_baseline(2021)


@pytest.fixture(scope="module")
def standaard(basis_2021) -> pj.Vooruitblik:
    return vb.run_projection(basis_2021, pj.DEFAULTS)


def test_base_year_reproduces_the_reports_counts(standaard):
    hulpvragen = load_table("hulpvragen_leeftijd_totaal", 2021)["aantal"].sum()
    artsen = load_table("huisartsen", 2021).set_index("groep")["aantal"]
    for s in pj.SCENARIOS:
        assert pj.waarde(standaard, s, 2021, "hulpvragen") == pytest.approx(hulpvragen)
        assert pj.waarde(standaard, s, 2021, "huisartsen") == artsen[list(vb.POOL_GROUPS)].sum()
        assert pj.waarde(standaard, s, 2021, "druk_index") == pytest.approx(100)
    cbs = load_table("cbs_bevolking_leeftijd")
    assert (
        pj.waarde(standaard, "midden", 2021, "bevolking")
        == cbs[cbs["peildatum"].astype(str).str[:4] == "2021"]["inwoners"].sum()
    )


def test_the_band_orders_the_scenarios(standaard):
    eind = standaard.parameters["tot_jaar"]
    laag, mid, hoog = (pj.waarde(standaard, s, eind, "druk_index") for s in pj.SCENARIOS)
    assert laag < mid < hoog
    laag, mid, hoog = (pj.waarde(standaard, s, eind, "huisartsen") for s in pj.SCENARIOS)
    assert laag > mid > hoog


def test_more_elderly_means_more_demand_and_more_inflow_less_pressure(basis_2021, standaard):
    eind = pj.DEFAULTS["tot_jaar"]
    ouder = vb.run_projection(basis_2021, {**pj.DEFAULTS, "ouderen_groei_pct": 40.0})
    assert pj.waarde(ouder, "midden", eind, "hulpvragen") > pj.waarde(standaard, "midden", eind, "hulpvragen")
    assert pj.waarde(ouder, "midden", eind, "ouderen_aandeel") > pj.waarde(standaard, "midden", eind, "ouderen_aandeel")
    meer = vb.run_projection(basis_2021, {**pj.DEFAULTS, "instroom_aandeel_pct": 100.0})
    assert pj.waarde(meer, "midden", eind, "huisartsen") > pj.waarde(standaard, "midden", eind, "huisartsen")
    assert pj.waarde(meer, "midden", eind, "druk_index") < pj.waarde(standaard, "midden", eind, "druk_index")
    assert pj.waarde(meer, "midden", eind, "hulpvragen") == pj.waarde(standaard, "midden", eind, "hulpvragen")


def test_rate_trend_from_the_age_model_widens_the_band(basis_2021, standaard):
    eind = pj.DEFAULTS["tot_jaar"]
    trend = vb.run_projection(basis_2021, {**pj.DEFAULTS, "trend_leeftijd": True})

    def breedte(v):
        return pj.waarde(v, "hoog", eind, "hulpvragen") - pj.waarde(v, "laag", eind, "hulpvragen")

    assert breedte(trend) > breedte(standaard)
    assert "leeftijdsmodel (2020–2021)" in vz.trend_zin(trend)


def test_worked_example_matches_the_projection(standaard):
    stappen = vt.worked_example(standaard).set_index("Stap")["Uitkomst"]
    from jaarverslag.render import fmt

    assert stappen["Huisartsen die diensten doen 2022"] == fmt.getal(
        pj.waarde(standaard, "midden", 2022, "huisartsen"), 1
    )
    assert stappen["Huisartsleden 2022"] == fmt.getal(pj.waarde(standaard, "midden", 2022, "leden"), 1)
    assert stappen["Druk 2022"] == fmt.getal(pj.waarde(standaard, "midden", 2022, "druk_index"), 1)


def test_a_year_without_age_groups_says_so():
    with pytest.raises(vb.VooruitblikError, match="Voor 2019 zijn geen hulpvragen per leeftijdsgroep"):
        vb.load_baseline(2019)


# --- the age model comes with the settings of Trendmodellen (upstream) -------------------------------------


def _leeftijd_standaard() -> dict:
    """The defaults of model_leeftijd's parameters cell, read by the build's parser (not the chapter's)."""
    return {k: ast.literal_eval(p.standaard) for k, p in parameters_cell(LEEFTIJD_NOTEBOOK).items() if k != "jaar"}


def _trendmodellen(familie: str, betrouwbaarheid: int = 95) -> pd.DataFrame:
    """The age model of the Trendmodellen chapter for 2021 (reference year 2020), fitted directly."""
    from jaarverslag.data.population import load_age_data
    from jaarverslag.models.leeftijd import age_growth

    gegevens = load_age_data(2021, 2020, "dichtstbijzijnde")
    model = age_growth(gegevens.tellingen, 2021, 2020, familie, betrouwbaarheid / 100)
    return model.per_groep[["leeftijdsgroep", "verhouding", "ondergrens", "bovengrens"]]


def test_by_hand_the_upstream_list_gives_the_age_notebooks_defaults():
    assert vb.age_model_settings(["model_leeftijd"]) == _leeftijd_standaard()


def test_the_vooruitblik_fits_the_age_model_with_the_upstream_settings(basis_2021):
    poisson = vb.load_baseline(2021, upstream={"model_leeftijd": {**_leeftijd_standaard(), "familie": "poisson"}})
    pd.testing.assert_frame_equal(poisson.groei_model, _trendmodellen("poisson"))
    pd.testing.assert_frame_equal(basis_2021.groei_model, _trendmodellen("auto"))
    # issue 15: the family only widens the common growth; the per-group intervals are Poisson in both
    pd.testing.assert_frame_equal(poisson.groei_model, basis_2021.groei_model)
    smal = vb.load_baseline(2021, upstream={"model_leeftijd": {**_leeftijd_standaard(), "betrouwbaarheid": 80}})
    pd.testing.assert_frame_equal(smal.groei_model, _trendmodellen("auto", 80))
    assert (smal.groei_model["bovengrens"] < basis_2021.groei_model["bovengrens"]).all()


def test_the_upstream_settings_reach_the_page(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # figures and tables are written beside the notebook
    standaard = {"model_leeftijd": _leeftijd_standaard()}
    smal = {"model_leeftijd": {**_leeftijd_standaard(), "betrouwbaarheid": 80}}
    zin_auto = vb.page_values(2021, ROOT, upstream=standaard, trend_leeftijd=True)["trend_zin"]
    zin_smal = vb.page_values(2021, ROOT, upstream=smal, trend_leeftijd=True)["trend_zin"]
    assert "80+ jaar 0,92 (0,89 tot 0,94)" in zin_auto  # the Poisson interval, as on the Trendmodellen page
    assert "80+ jaar 0,92 (0,90 tot 0,93)" in zin_smal
    by_hand = vb.page_values(2021, ROOT, upstream=["model_leeftijd"], trend_leeftijd=True)
    assert by_hand["trend_zin"] == zin_auto


def test_an_earlier_reference_year_is_used_and_named():
    vroeg = {"model_leeftijd": {**_leeftijd_standaard(), "referentiejaar": 2019}}
    basis = vb.load_baseline(2021, upstream=vroeg)
    assert basis.groei_model is None and basis.groei_referentiejaar == 2019  # 2019 has no age groups
    with pytest.raises(vb.VooruitblikError, match="leeftijdsmodel 2019–2021"):
        vb.run_projection(basis, {**pj.DEFAULTS, "trend_leeftijd": True})


def test_a_ratio_over_several_years_is_carried_forward_per_year(basis_2021):
    model = pd.DataFrame({"leeftijdsgroep": ["0-10"], "verhouding": [1.21], "ondergrens": [1.0], "bovengrens": [1.44]})
    twee = dataclasses.replace(basis_2021, groei_model=model, groei_referentiejaar=2019)
    assert pj.growth_per_year(twee).iloc[0][["verhouding", "ondergrens", "bovengrens"]].tolist() == pytest.approx(
        [1.1, 1.0, 1.2]
    )
    een = dataclasses.replace(basis_2021, groei_model=model, groei_referentiejaar=2020)
    pd.testing.assert_frame_equal(pj.growth_per_year(een), model)


def test_a_missing_or_mismatched_upstream_stops_the_page():
    with pytest.raises(vb.VooruitblikError, match="noemt die notebook niet"):
        vb.load_baseline(2021, upstream=[])
    with pytest.raises(vb.VooruitblikError, match="het leeftijdsmodel kent"):
        vb.load_baseline(2021, upstream={"model_leeftijd": {**_leeftijd_standaard(), "nieuw": 1}})


def test_the_parameters_cell_parser_reads_annotated_and_plain_values(tmp_path):
    notebook = tmp_path / "nb.md"
    notebook.write_text(
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n---\n\n"
        "```{code-cell} ipython3\n:tags: [parameters]\n\njaar: int = 2021  # verslagjaar\n"
        'upstream = ["a"]  # notebooks\nfamilie: str = "auto"\n```\n',
        encoding="utf-8",
    )
    assert up.parameter_defaults(notebook) == {"jaar": 2021, "upstream": ["a"], "familie": "auto"}


def test_changed_parameters_are_named_on_the_page():
    assert vz.afwijkend_zin(pj.DEFAULTS).startswith("Deze pagina gebruikt de standaardwaarden")
    zin = vz.afwijkend_zin({**pj.DEFAULTS, "ouderen_groei_pct": 40.0})
    assert f"{vz.PARAMETER_MEANINGS['ouderen_groei_pct']}: 40,0 (standaard 33,3)" in zin
    assert "ouderen_groei_pct" not in zin  # the reader sees words, not code names (issue 16)
    tabel = vz.parameter_table({**pj.DEFAULTS, "trend_leeftijd": True}).set_index("Aanname")
    rij = tabel.loc[vz.PARAMETER_MEANINGS["trend_leeftijd"]]
    assert rij[["Gebruikt", "Gewijzigd"]].tolist() == ["ja", "gewijzigd"]
    assert tabel.loc[vz.PARAMETER_MEANINGS["tot_jaar"], "Gewijzigd"] == ""
    assert len(set(vz.PARAMETER_MEANINGS.values())) == len(vz.PARAMETER_MEANINGS)  # one row per assumption


# --- real notebook execution and a real build --------------------------------------------------------------


def _projectie_csv(folder: Path) -> pd.DataFrame:
    opts = {"sep": CSV_OPTIONS["sep"], "decimal": CSV_OPTIONS["decimal"], "encoding": CSV_OPTIONS["encoding"]}
    return pd.read_csv(folder / "tabellen" / "vooruitblik_projectie.csv", **opts)


@pytest.fixture(scope="module")
def kernels():
    """The build's own pre-imported kernel process (build/warm.py): the papermill runs below pay the imports once."""
    from jaarverslag.build import warm

    zygote = warm.Zygote()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(warm, "_address", zygote.address)
        yield warm.WarmKernelManager
    zygote.close()


def _midden(t: pd.DataFrame) -> pd.Series:
    return t[(t["Jaar"] == pj.DEFAULTS["tot_jaar"]) & (t["Scenario"] == "midden")].iloc[0]


def _run(tmp_path: Path, kernels, naam: str, **parameters) -> pd.DataFrame:
    import papermill

    work = tmp_path / naam
    work.mkdir()
    papermill.execute_notebook(
        jupytext.read(NOTEBOOK),
        str(work / "vooruitblik.ipynb"),
        parameters={"jaar": 2021, **parameters},
        cwd=str(work),
        kernel_name="python3",
        progress_bar=False,
        start_timeout=300,
        kernel_manager_class=kernels,
    )
    return _midden(_projectie_csv(work))


def test_papermill_parameters_move_the_chapter_the_right_way(tmp_path, monkeypatch, kernels, built_project):
    monkeypatch.setenv("JAARVERSLAG_ROOT", str(ROOT))
    standaard = _midden(_projectie_csv(built_project / "_build" / "nb" / "2021" / "vooruitblik"))  # the defaults
    ouder = _run(tmp_path, kernels, "ouder", ouderen_groei_pct=40.0)
    meer = _run(tmp_path, kernels, "instroom", instroom_aandeel_pct=100.0)
    druk = "Druk (index 2021 = 100)"
    assert ouder["Hulpvragen"] > standaard["Hulpvragen"] and ouder[druk] > standaard[druk]
    assert meer["Huisartsen"] > standaard["Huisartsen"] and meer[druk] < standaard[druk]
    assert meer["Hulpvragen"] == standaard["Hulpvragen"]


def test_the_notebook_takes_the_age_model_settings_the_build_injects(tmp_path, monkeypatch, kernels):
    from jaarverslag.build.parameters import run_parameters

    monkeypatch.setenv("JAARVERSLAG_ROOT", str(ROOT))
    gegeven = run_parameters(
        ROOT, NOTEBOOK, 2021, {"model_leeftijd": {"betrouwbaarheid": 80}, "vooruitblik": {"trend_leeftijd": True}}
    )
    assert gegeven["upstream"] == {"model_leeftijd": {**_leeftijd_standaard(), "betrouwbaarheid": 80}}
    _run(tmp_path, kernels, "smal", **{k: v for k, v in gegeven.items() if k != "jaar"})
    _run(tmp_path, kernels, "auto", trend_leeftijd=True)  # by hand: the plain list, model_leeftijd's defaults

    def hoog(naam: str) -> float:
        t = _projectie_csv(tmp_path / naam)
        return t[(t["Jaar"] == pj.DEFAULTS["tot_jaar"]) & (t["Scenario"] == "hoog")]["Hulpvragen"].iloc[0]

    assert hoog("smal") < hoog("auto")  # an 80% interval: a lower upper bound of the rate trend


def test_a_bad_scenario_stops_the_notebook_with_a_dutch_message(tmp_path, monkeypatch, kernels):
    from papermill.exceptions import PapermillExecutionError

    monkeypatch.setenv("JAARVERSLAG_ROOT", str(ROOT))
    with pytest.raises(PapermillExecutionError, match="ouderen_groei_min_pct ≤ ouderen_groei_pct"):
        _run(tmp_path, kernels, "fout", ouderen_groei_min_pct=50.0)


def test_build_with_a_scenario_file_shows_the_values_and_moves_the_numbers(tmp_path, built_project):
    project = copy_project(tmp_path / "project", cache_from=built_project)  # only the changed notebook re-runs
    scenario = project / "scenario.yml"
    scenario.write_text("vooruitblik:\n  ouderen_groei_pct: 40.0\n  instroom_aandeel_pct: 100.0\n", encoding="utf-8")
    result = run_build(project, "--jaar", "2021", "--parameters", str(scenario))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ouderen_groei_pct = 40.0 (standaard 33.3)" in result.stdout

    page = (project / "site" / "2021" / "book" / "vooruitblik.html").read_text(encoding="utf-8")
    ouderen = vz.PARAMETER_MEANINGS["ouderen_groei_pct"]
    assert f"gewijzigde aannames: {ouderen}: 40,0 (standaard 33,3); " in page
    assert re.search(rf"<td>{re.escape(ouderen)}</td><td>40,0</td><td>33,3</td><td>gewijzigd</td>", page)

    eind = str(pj.DEFAULTS["tot_jaar"])

    def midden(project_root: Path) -> pd.Series:
        t = _projectie_csv(project_root / "_build" / "nb" / "2021" / "vooruitblik")
        return t[(t["Jaar"].astype(str) == eind) & (t["Scenario"] == "midden")].iloc[0]

    nu, standaard = midden(project), midden(built_project)
    assert nu["Hulpvragen"] > standaard["Hulpvragen"]  # more elderly, more demand
    assert nu["Huisartsen"] > standaard["Huisartsen"]  # more inflow, more GPs
    standaard_pagina = (built_project / "site" / "2021" / "book" / "vooruitblik.html").read_text(encoding="utf-8")
    assert "Deze pagina gebruikt de standaardwaarden van alle aannames." in standaard_pagina
    assert os.path.exists(project / "site" / "2021" / "figuren" / "vooruitblik_druk.png")


# --- issue 15: outflow, sensitivity, backcast ---------------------------------------------------------------


def test_the_sources_outflow_applies_to_the_huisartsleden_only(basis_2021, standaard):
    """Seed 001's 21% within 6 years concerns practice-holding GPs; the others have their own (default 0) outflow."""
    artsen = load_table("huisartsen", 2021).set_index("groep")["aantal"]
    assert (basis_2021.leden, basis_2021.overig) == (artsen["Huisartslid"], artsen["Hidha of waarnemer"])
    u = 1 - (1 - 0.21) ** (1 / 6)
    inflow = artsen["AIOS"] / 3 * 0.75
    leden, overig = float(artsen["Huisartslid"]), float(artsen["Hidha of waarnemer"])
    for jaar in range(2021, 2041):
        assert pj.waarde(standaard, "midden", jaar, "leden") == pytest.approx(leden)
        assert pj.waarde(standaard, "midden", jaar, "overig") == pytest.approx(overig)
        leden = leden * (1 - u) + inflow
    # issue 15 recomputed about 103 for the 2040 pressure with the outflow on the 180 members only
    assert round(pj.waarde(standaard, "midden", 2040, "druk_index")) == 103


def test_the_band_covers_every_assumption_and_the_tornado_varies_one_at_a_time(basis_2021, standaard):
    p = pj.DEFAULTS
    for naam in ("ouderen_groei", "uitstroom", "uitstroom_overig", "instroom_aandeel"):
        assert p[f"{naam}_min_pct"] < p[f"{naam}_max_pct"], naam  # no assumption is fixed at one value
    g = standaard.gevoeligheid.set_index("aanname")
    assert set(g.index) == {
        "ouderen_groei_pct",
        "groei",
        "uitstroom_pct",
        "uitstroom_overig_pct",
        "instroom_aandeel_pct",
    }  # the rate trend is off by default
    # recompute one bar: only the outflow of the members at its upper bound
    hoog = vb.run_projection(basis_2021, {**p, "uitstroom_pct": p["uitstroom_max_pct"]})
    assert g.loc["uitstroom_pct", "hoog"] == pytest.approx(pj.waarde(hoog, "midden", 2040, "druk_index"))
    mid = pj.waarde(standaard, "midden", 2040, "druk_index")
    assert (g["laag"] <= mid + 1e-9).all() and (g["hoog"] >= mid - 1e-9).all()
    assert (g["laag"] >= pj.waarde(standaard, "laag", 2040, "druk_index")).all()
    assert (g["hoog"] <= pj.waarde(standaard, "hoog", 2040, "druk_index")).all()


def test_the_backcast_is_recomputed_from_the_csvs(standaard):
    """2020's counts per age group times the CBS population growth per group, against the real 2021 count."""
    cbs = pd.read_csv(ROOT / "data" / "referentie" / "cbs_bevolking_leeftijd.csv")
    cbs["jaar"] = cbs["peildatum"].str[:4].astype(int)
    start = cbs["leeftijdsgroep"].str.extract(r"^(\d+)")[0].astype(int)
    voorspeld = 0.0
    for r in pd.read_csv(ROOT / "data" / "2020" / "hulpvragen_leeftijd_totaal.csv").itertuples():
        lo = int(r.leeftijdsgroep.split("-")[0].rstrip("+"))
        hi = 200 if r.leeftijdsgroep.endswith("+") else int(r.leeftijdsgroep.split("-")[1])
        pop = {j: cbs[(cbs["jaar"] == j) & (start >= lo) & (start < hi)]["inwoners"].sum() for j in (2020, 2021)}
        voorspeld += r.aantal * pop[2021] / pop[2020]
    t = standaard.terugblik
    assert t.hulpvragen_voorspeld == pytest.approx(voorspeld, rel=1e-12)
    assert (
        t.hulpvragen_werkelijk == pd.read_csv(ROOT / "data" / "2021" / "hulpvragen_leeftijd_totaal.csv")["aantal"].sum()
    )
    artsen = pd.read_csv(ROOT / "data" / "2020" / "huisartsen.csv").set_index("groep")["aantal"]
    u = 1 - (1 - 0.21) ** (1 / 6)
    assert t.huisartsen_voorspeld == pytest.approx(
        artsen["Huisartslid"] * (1 - u) + artsen["AIOS"] / 3 * 0.75 + artsen["Hidha of waarnemer"]
    )
    zin = vz.terugblik_zin(standaard)
    assert "97.770" in zin  # the 2020 sum of the age groups is the disputed printed total: footnoted


def test_the_frozen_80_plus_share_is_stated(standaard):
    zin = vz.oudsten_zin(standaard)
    assert "80-plussers" in zin and "te laag" in zin
    a0 = pj.waarde(standaard, "midden", 2021, "oudsten_aandeel_ouderen")
    cbs = pd.read_csv(ROOT / "data" / "referentie" / "cbs_bevolking_leeftijd.csv")
    cbs = cbs[cbs["peildatum"].str.startswith("2021")]
    start = cbs["leeftijdsgroep"].str.extract(r"^(\d+)")[0].astype(int)
    assert a0 == pytest.approx(cbs[start >= 80]["inwoners"].sum() / cbs[start >= 65]["inwoners"].sum())
