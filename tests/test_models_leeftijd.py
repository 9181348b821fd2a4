"""Age-group growth model: recovery of known rate ratios, the printed figures, the fallback, the chapter's settings."""

from __future__ import annotations

import inspect

import jupytext
import numpy as np
import pandas as pd
import pytest

from jaarverslag.chapters import model_leeftijd
from jaarverslag.data.population import ModelError, bevolking_per_group, group_ages, load_age_data
from jaarverslag.models import leeftijd as ml
from jaarverslag.models.glm import AUTO_OVERDISPERSED_FAMILY
from jaarverslag.models.simulation import simulate_counts
from jaarverslag.render import fmt
from jaarverslag.render import model_text as mx

from conftest import ROOT

SEED = 20211231  # fixed seed for every simulation in this file
GROUPS = ["0-10", "10-20", "20-40", "40-60", "60-80", "80+"]
RATE_REF = np.array([0.40, 0.18, 0.23, 0.17, 0.22, 0.57])


def age_design(rate_ref: np.ndarray, ratio: np.ndarray, population: float = 50_000.0) -> pd.DataFrame:
    """Two years × six age groups with known rates per inhabitant and known rate ratios."""
    rows = []
    for g, r0, rr in zip(GROUPS, rate_ref, ratio):
        rows.append({"leeftijdsgroep": g, "jaar": 2020, "bevolking": population, "mu": population * r0})
        rows.append(
            {"leeftijdsgroep": g, "jaar": 2021, "bevolking": population * 1.01, "mu": population * 1.01 * r0 * rr}
        )
    return pd.DataFrame(rows)


# --- recovery -----------------------------------------------------------------------------------------


def test_age_model_recovers_known_rate_ratios_poisson():
    ratio = np.array([1.20, 1.05, 1.00, 0.98, 0.95, 0.92])
    frame = age_design(RATE_REF, ratio)
    frame["aantal"] = simulate_counts(frame["mu"], SEED)
    # 99.8% intervals: all six cover with probability 0.988; nominal 95% coverage is tested below over many seeds.
    model = ml.age_growth(frame, 2021, 2020, familie="poisson", betrouwbaarheid=0.998)
    table = model.per_groep
    assert (table["ondergrens"] <= ratio).all() and (ratio <= table["bovengrens"]).all()
    # Poisson data: growth differs between groups by construction and the test sees it.
    assert model.toets.p_waarde < 0.001


def test_age_model_interval_coverage_is_nominal():
    """Over many simulated data sets, 95% intervals cover the true ratio about 95% of the time."""
    ratio = np.array([1.20, 1.05, 1.00, 0.98, 0.95, 0.92])
    frame = age_design(RATE_REF, ratio, population=5_000.0)
    covered = []
    for rep in range(300):
        frame["aantal"] = simulate_counts(frame["mu"], SEED + rep)
        t = ml.age_growth(frame, 2021, 2020, "poisson").per_groep
        covered.extend(((t["ondergrens"] <= ratio) & (ratio <= t["bovengrens"])).tolist())
    coverage = np.mean(covered)
    assert 0.93 <= coverage <= 0.97, coverage  # 1800 intervals: binomial sd about 0.005


def test_age_model_common_growth_under_overdispersion():
    """With overdispersed counts and a common true growth, 'auto' detects it and quasi-Poisson covers the truth."""
    common = 1.05
    frame = age_design(RATE_REF, np.full(6, common))
    covered_quasi, covered_poisson, detected = [], [], []
    for rep in range(200):
        frame["aantal"] = simulate_counts(frame["mu"], SEED + rep, phi=30.0)
        auto = ml.age_growth(frame, 2021, 2020, "auto")
        poisson = ml.age_growth(frame, 2021, 2020, "poisson")
        detected.append(auto.familie == AUTO_OVERDISPERSED_FAMILY)
        g = auto.gemeenschappelijk
        covered_quasi.append(g["ondergrens"] <= common <= g["bovengrens"])
        g = poisson.gemeenschappelijk
        covered_poisson.append(g["ondergrens"] <= common <= g["bovengrens"])
    assert np.mean(detected) > 0.9
    assert np.mean(covered_quasi) >= 0.90
    assert np.mean(covered_poisson) < 0.7  # ignoring overdispersion gives intervals that are far too narrow


def test_interaction_test_is_flagged_when_dispersion_comes_from_the_tested_differences():
    frame = age_design(np.full(6, 0.2), np.array([1.2, 1.0, 1.0, 1.0, 1.0, 0.9]))
    frame["aantal"] = frame["mu"].round()
    model = ml.age_growth(frame, 2021, 2020, "quasipoisson")
    assert not model.toets.identificeerbaar and model.toets.p_familie is None
    assert model.toets.phi_kritiek == pytest.approx(model.toets.statistiek / 11.0705, rel=1e-4)  # chi²(5; 0,95)
    assert "niet te maken" in mx.toets_zin(model.toets, 0.95, "de groei", "leeftijdsgroepen")


def test_group_intervals_never_use_the_common_growth_phi():
    """Issue 15: the per-group intervals are Poisson whatever the family; only the common growth is widened."""
    frame = age_design(RATE_REF, np.array([1.20, 1.05, 1.00, 0.98, 0.95, 0.92]))
    frame["aantal"] = simulate_counts(frame["mu"], SEED, phi=30.0)
    poisson = ml.age_growth(frame, 2021, 2020, "poisson")
    quasi = ml.age_growth(frame, 2021, 2020, "quasipoisson")
    assert quasi.dispersie.phi > 5  # the common-growth model sees a large phi ...
    cols = ["verhouding", "ondergrens", "bovengrens"]
    pd.testing.assert_frame_equal(quasi.per_groep[cols], poisson.per_groep[cols])  # ... and the groups ignore it
    assert quasi.gemeenschappelijk["bovengrens"] > poisson.gemeenschappelijk["bovengrens"]


def test_reference_year_parameter():
    assert ml.reference_year(2021, ml.REFERENCE_PREVIOUS_YEAR) == 2020
    assert ml.reference_year(2021, 2019) == 2019


# --- the shipped data and the printed report --------------------------------------------------------


def test_worked_example_matches_the_model():
    data = load_age_data(2021, 2020)
    model = ml.age_growth(data.tellingen, 2021, 2020, "poisson")
    row = model.per_groep.set_index("leeftijdsgroep").loc["0-10"]
    ratio, lo, hi = ml.ratio_by_hand(row.aantal, row.aantal_ref, row.bevolking, row.bevolking_ref)
    assert (ratio, lo, hi) == pytest.approx((row.verhouding, row.ondergrens, row.bovengrens), rel=1e-8)
    # seeds/000_4b7b462fe0c6bb31.txt, "Leeftijdscategorieën hulpvragen": 0-10 jaar 19.122 (2021) and 15.993 (2020)
    assert (row.aantal, row.aantal_ref) == (19_122, 15_993)
    # the printed growth column (120%) is the count ratio; per inhabitant it is a little higher (fewer children)
    assert fmt.round_half_up(row.aantal / row.aantal_ref * 100) == 120
    assert row.verhouding > row.aantal / row.aantal_ref


def test_population_bands_sum_to_the_report_age_groups():
    pop = bevolking_per_group(GROUPS)
    totals = pop.groupby("jaar")["bevolking"].sum()
    assert totals[2021] == 404_885 and totals[2020] == 404_365  # shared/reference/README.md
    with pytest.raises(ValueError):
        group_ages(pd.DataFrame({"leeftijdsgroep": ["5-14"], "inwoners": [1]}), GROUPS)


def test_fitting_the_shipped_data_is_deterministic():
    def run():
        return ml.age_growth(load_age_data(2021, 2020).tellingen, 2021, 2020, "auto")

    a1, a2 = run(), run()
    pd.testing.assert_frame_equal(a1.per_groep, a2.per_groep, check_exact=True)
    assert a1.toets == a2.toets


def test_missing_population_uses_the_documented_fallback(project):
    path = project / "data" / "referentie" / "cbs_bevolking_leeftijd.csv"
    cbs = pd.read_csv(path, dtype=str)
    cbs[~cbs["peildatum"].str.startswith("2021")].to_csv(path, index=False)
    nearest = load_age_data(2021, 2020, "dichtstbijzijnde", root=project)
    source = nearest.bevolking_bron.set_index("jaar")
    assert bool(source.loc[2021, "terugval"]) and "1 januari 2020" in source.loc[2021, "bron"]
    assert not bool(source.loc[2020, "terugval"])
    counts_only = load_age_data(2021, 2020, "aantallen", root=project)
    assert counts_only.tellingen["bevolking"].isna().all()
    model = ml.age_growth(counts_only.tellingen, 2021, 2020, "poisson")
    assert not model.met_bevolking
    row = model.per_groep.set_index("leeftijdsgroep").loc["0-10"]
    assert row.verhouding == pytest.approx(19_122 / 15_993)


def test_model_without_previous_year_says_so_in_dutch():
    data = load_age_data(2020, 2019)
    assert data.jaren == [2020]
    with pytest.raises(ModelError, match="2019"):
        ml.age_growth(data.tellingen, 2020, 2019)


# --- the chapter ------------------------------------------------------------------------------------


def test_chapter_defaults_are_the_notebooks_parameters():
    """model_run and page_values take exactly the notebook's parameters, with the notebook's defaults."""
    cell = next(
        c.source
        for c in jupytext.read(ROOT / "notebooks" / "model_leeftijd.md").cells
        if "parameters" in c.metadata.get("tags", [])
    )
    namespace: dict = {}
    exec(cell, namespace)  # plain literals only (tests/test_notebooks_source.py)
    notebook = {k: v for k, v in namespace.items() if not k.startswith("__") and k != "jaar"}
    for function in (model_leeftijd.model_run, model_leeftijd.page_values):
        keywords = {n: p.default for n, p in inspect.signature(function).parameters.items() if p.kind is p.KEYWORD_ONLY}
        assert keywords == notebook, function.__name__


def test_chapter_says_why_there_is_no_model():
    run = model_leeftijd.model_run(2020)  # 2019 has no help requests per age group
    assert run.model is None and "2019" in run.reden
    assert model_leeftijd.kerncijfers(run).startswith("2020: geen leeftijdsmodel.")
    run = model_leeftijd.model_run(2021, familie="poisson")
    assert run.model.familie == "poisson" and run.ref == 2020


# --- the shown intervals, recomputed independently from the CSVs (issue 15) -------------------------------


def _counts_and_population() -> pd.DataFrame:
    """Counts per age group (2020, 2021) and the CBS population summed from the 5-year bands, read with pandas."""
    rows = []
    cbs = pd.read_csv(ROOT / "data" / "referentie" / "cbs_bevolking_leeftijd.csv")
    cbs["jaar"] = cbs["peildatum"].astype(str).str[:4].astype(int)
    lo = cbs["leeftijdsgroep"].str.extract(r"^(\d+)")[0].astype(int)
    for jaar in (2020, 2021):
        counts = pd.read_csv(ROOT / "data" / str(jaar) / "hulpvragen_leeftijd_totaal.csv")
        for r in counts.itertuples():
            start = int(r.leeftijdsgroep.split("-")[0].rstrip("+"))
            end = 200 if r.leeftijdsgroep.endswith("+") else int(r.leeftijdsgroep.split("-")[1])
            pop = cbs[(cbs["jaar"] == jaar) & (lo >= start) & (lo < end)]["inwoners"].sum()
            rows.append({"groep": r.leeftijdsgroep, "jaar": jaar, "y": r.aantal, "n": pop})
    return pd.DataFrame(rows)


@pytest.mark.filterwarnings(
    "ignore:.*:RuntimeWarning", "ignore::statsmodels.tools.sm_exceptions.PerfectSeparationWarning"
)
def test_shown_age_intervals_recomputed_with_statsmodels_from_the_csvs():
    import statsmodels.api as sm
    import statsmodels.formula.api as smf
    from scipy import stats

    d = _counts_and_population()
    d["t"] = (d["jaar"] == 2021).astype(int)
    fit = smf.glm("y ~ 0 + C(groep) + C(groep):t", d, family=sm.families.Poisson(), offset=np.log(d["n"])).fit()
    shown = model_leeftijd.model_run(2021).model.per_groep.set_index("leeftijdsgroep")
    z = stats.norm.ppf(0.975)
    for g in shown.index:
        b, se = fit.params[f"C(groep)[{g}]:t"], fit.bse[f"C(groep)[{g}]:t"]
        assert shown.loc[g, "ondergrens"] == pytest.approx(np.exp(b - z * se), rel=1e-6)
        assert shown.loc[g, "bovengrens"] == pytest.approx(np.exp(b + z * se), rel=1e-6)
        for phi in ml.SENSITIVITY_PHI:  # sensitivity band: the same interval, se × sqrt(phi)
            assert shown.loc[g, f"bovengrens_phi{phi:g}"] == pytest.approx(np.exp(b + z * se * np.sqrt(phi)), rel=1e-6)
        assert shown.loc[g, "phi_kritiek"] == pytest.approx((b / (z * se)) ** 2, rel=1e-6)


def test_shown_phi_and_its_chi_square_interval_recomputed(tmp_path, monkeypatch):
    import statsmodels.api as sm
    import statsmodels.formula.api as smf
    from scipy import stats

    d = _counts_and_population()
    fit = smf.glm("y ~ C(groep) + C(jaar)", d, family=sm.families.Poisson(), offset=np.log(d["n"])).fit()
    x2, df = float(fit.pearson_chi2), int(fit.df_resid)
    model = model_leeftijd.model_run(2021).model
    assert model.dispersie.phi == pytest.approx(x2 / df, rel=1e-8)
    lo, hi = model.dispersie.phi_interval(0.95)
    assert (lo, hi) == pytest.approx((x2 / stats.chi2.ppf(0.975, df), x2 / stats.chi2.ppf(0.025, df)), rel=1e-8)
    assert round(lo) == 33 and round(hi) == 509  # the interval issue 15 computed by hand
    monkeypatch.chdir(tmp_path)  # figures and CSV tables are written beside the caller
    page = model_leeftijd.page_values(2021, ROOT)
    assert fmt.getal(lo, 1) in page["familie_zin"] and fmt.getal(hi, 1) in page["familie_zin"]
    assert "met zekerheid" not in page["interpretatie"]  # no claim the two years cannot support
