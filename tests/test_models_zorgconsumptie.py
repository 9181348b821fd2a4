"""Consumption model: recovery from simulated data, the funnel, distance decay, the printed figures, geography."""

from __future__ import annotations

import inspect
import math

import jupytext
import numpy as np
import pandas as pd
import pytest

from jaarverslag import load_table
from jaarverslag.chapters import model_zorgconsumptie
from jaarverslag.data import geo
from jaarverslag.data.metrics import CONSULTEENHEID_WEIGHTS, consulteenheden, weighted_consulteenheden
from jaarverslag.data.population import T_CONSULTEENHEDEN, T_CONSUMPTION_TYPE, T_PER_1000, load_consumption_data
from jaarverslag.models import zorgconsumptie as mz
from jaarverslag.models.simulation import simulate_counts
from jaarverslag.render import fmt
from jaarverslag.render import model_tables as mt
from jaarverslag.render import model_text as mx

from conftest import ROOT

SEED = 20211231  # fixed seed for every simulation in this file


def municipality_design(n_gemeenten: int, years: list[int], seed: int) -> tuple[pd.DataFrame, np.ndarray, dict]:
    """Gemeente × year rows from a main-effects truth; returns frame, true gemeente log-effects and year log-effects."""
    rng = np.random.default_rng(seed)
    gemeenten = [f"G{i:02d}" for i in range(n_gemeenten)]
    gamma = rng.normal(0, 0.15, n_gemeenten)
    gamma[0] = 0.0
    tau = {years[0]: 0.0, **{y: -0.1 * (k + 1) for k, y in enumerate(years[1:])}}
    population = rng.integers(15_000, 160_000, n_gemeenten).astype(float)
    rows = [
        {"gemeente": g, "jaar": y, "inwoners": population[i], "mu": population[i] * 0.2 * math.exp(gamma[i] + tau[y])}
        for i, g in enumerate(gemeenten)
        for y in years
    ]
    return pd.DataFrame(rows), gamma, tau


# --- recovery -----------------------------------------------------------------------------------------


def test_consumption_model_recovers_year_and_gemeente_effects_with_overdispersion():
    years = [2019, 2020, 2021]
    frame, _gamma, tau = municipality_design(30, years, SEED)
    frame["consulteenheden"] = simulate_counts(frame["mu"], SEED, phi=4.0)
    model = mz.zorgconsumptie_model(frame, 2021, 2019, "auto", 0.95)
    assert model.familie == "quasipoisson"
    assert 2.0 < model.dispersie.phi < 7.0  # true phi 4 (58 df)
    for row in model.jaareffect.itertuples():
        true = math.exp(tau[row.jaar])
        assert row.ondergrens <= true <= row.bovengrens, (row.jaar, true)
    # gemeente against the region: true ratio = exp(gamma + tau_2021) / true regional rate of 2021
    last = frame[frame["jaar"] == 2021]
    true_region = last["mu"].sum() / last["inwoners"].sum()
    true_ratio = (last["mu"] / last["inwoners"] / true_region).to_numpy()
    effect = model.gemeente_effect
    inside = (effect["ondergrens"].to_numpy() <= true_ratio) & (true_ratio <= effect["bovengrens"].to_numpy())
    assert inside.mean() >= 0.85  # 30 intervals at 95%; the regional rate is treated as known


def test_distance_model_recovers_decay():
    rng = np.random.default_rng(SEED)
    n = 25
    afstanden = pd.DataFrame({"gemeente": [f"G{i:02d}" for i in range(n)], "afstand_km": rng.uniform(0, 40, n)})
    true_per_10km = 0.85
    rows = [
        {
            "gemeente": g,
            "jaar": y,
            "inwoners": 40_000.0,
            "mu": 40_000 * 0.2 * true_per_10km ** (d / 10) * (0.9 if y == 2020 else 1.0),
        }
        for g, d in zip(afstanden["gemeente"], afstanden["afstand_km"])
        for y in (2019, 2020)
    ]
    frame = pd.DataFrame(rows)
    frame["consulteenheden"] = simulate_counts(frame["mu"], SEED)
    result = mz.distance_model(frame, afstanden, "auto", 0.95, 2019)
    e = result.per_eenheid
    assert e["ondergrens"] <= true_per_10km <= e["bovengrens"]
    assert result.halvering_km == pytest.approx(math.log(0.5) * 10 / math.log(e["verhouding"]))
    assert result.rest_toets.p_waarde > 0.001  # distance explains the gemeente differences by construction


# --- funnel and weights -------------------------------------------------------------------------------


def test_funnel_limits_follow_the_formula():
    frame = pd.DataFrame(
        {
            "gemeente": ["A", "B", "C", "D"],
            "jaar": 2021,
            "inwoners": [10_000.0, 20_000, 40_000, 80_000],
            "consulteenheden": [2_000.0, 4_000, 8_000, 16_000],
        }
    )
    f = mz.funnel(frame, 2021, phi_gewichten=0.9, familie="poisson")
    assert f.regionaal_per_1000 == pytest.approx(200.0)
    row = f.grenzen.iloc[0]
    half = 1.959964 * math.sqrt(0.9 * 0.2 / row["inwoners"]) * 1000
    assert row["boven_0.95"] == pytest.approx(200 + half, rel=1e-5)
    assert f.punten["buiten"].isna().all()
    assert (mx.funnel_verdict(f) == mx.INSIDE_LIMITS).all()


def test_funnel_verdict_names_the_widest_limit_crossed():
    frame = pd.DataFrame(
        {
            "gemeente": ["A", "B", "C", "D", "E"],
            "jaar": 2021,
            "inwoners": 20_000.0,
            "consulteenheden": [4_000.0, 4_000, 4_000, 4_000, 4_600],
        }
    )
    f = mz.funnel(frame, 2021, familie="poisson")
    verdict = mx.funnel_verdict(f)
    assert f.punten["buiten"].iloc[-1] == mz.FUNNEL_LIMITS[-1]
    assert verdict.iloc[-1] == "buiten 99,8%-grens (hoger)"
    assert verdict.iloc[0] == "binnen de grenzen"


def test_weighted_units_variance_factor():
    assert mz.weights_dispersion({"Consult": 100}) == 1.0
    assert mz.weights_dispersion({"Advies/telefonisch consult": 100, "Visite": 100}) == pytest.approx(
        (0.25 * 100 + 2.25 * 100) / (0.5 * 100 + 1.5 * 100)
    )


def test_the_printed_rule_is_the_weighted_sum_rounded_half_up():
    counts = pd.DataFrame({"soort": list(CONSULTEENHEID_WEIGHTS), "aantal": [7, 2, 1]})
    assert weighted_consulteenheden(counts).tolist() == [3.5, 2.0, 1.5]
    assert consulteenheden(7, 2, 1) == 7  # 3,5 + 2 + 1,5
    assert consulteenheden(1, 0, 0) == 1  # 0,5 rounds up, not to even
    assert consulteenheden(3, 0, 1) == 3  # 1,5 + 1,5


# --- the shipped data and the printed report --------------------------------------------------------


def test_consulteenheden_weights_reproduce_printed_units_2021():
    # seeds/000_4b7b462fe0c6bb31.txt, section "Zorgconsumptie per gemeente", row "consulteenheden":
    # 0,5 × advies/telefonisch consult + 1 × consult + 1,5 × visite, rounded half up to whole units (Dinkelland
    # 3.703,5 is printed as 3.704), equals the printed units of every gemeente.
    counts = load_table(T_CONSUMPTION_TYPE, 2021)
    counts["eenheden"] = weighted_consulteenheden(counts)
    computed = counts.groupby(counts["gemeente"].astype(str))["eenheden"].sum()
    printed = load_table(T_CONSULTEENHEDEN, 2021).set_index("gemeente")["consulteenheden"]
    for gemeente, value in printed.items():
        assert fmt.round_half_up(computed[str(gemeente)]) == value, gemeente


def test_units_worked_example_reproduces_the_printed_rate():
    denominators = load_table("inwoners_gemeente", 2021).set_index("gemeente")["inwoners_x1000"]
    printed = load_table(T_PER_1000, 2021).set_index("gemeente")["consulteenheden_per_1000"]
    steps = mt.consulteenheden_example(
        load_table(T_CONSUMPTION_TYPE, 2021),
        "Dinkelland",
        float(denominators["Dinkelland"]),
        float(printed["Dinkelland"]),
    ).set_index("Stap")["Uitkomst"]
    assert steps["Consulteenheden"] == "3.703,5"
    assert steps["Afgerond (half naar boven)"] == steps["Gedrukt in het jaarverslag"]


@pytest.mark.parametrize("jaar", [2019, 2020, 2021])
def test_fitted_rates_reproduce_printed_per_1000(jaar):
    # seeds/000_4b7b462fe0c6bb31.txt, "Zorgconsumptie per gemeente", rows "<jaar> eenheden per 1.000 inwoners".
    # Rounding rule: round half up to whole units per 1,000 (fmt.round_half_up), as the report prints.
    data = load_consumption_data(jaar)
    model = mz.zorgconsumptie_model(data.tabel, jaar, 2019, "auto", 0.95)
    fitted = model.fitted[model.fitted["jaar"] == jaar].set_index("gemeente")["per_1000_model"]
    printed = load_table(T_PER_1000, jaar).set_index("gemeente")["consulteenheden_per_1000"]
    for gemeente, value in printed.items():
        assert fmt.round_half_up(fitted[str(gemeente)]) == value, gemeente


def test_regional_rate_of_the_model_is_units_over_inhabitants():
    data = load_consumption_data(2021)
    model = mz.zorgconsumptie_model(data.tabel, 2021, 2019, "auto", 0.95)
    reg = model.regionaal
    assert np.allclose(reg["per_1000_model"], reg["per_1000"], rtol=1e-9)
    # 2021: the printed units of the eight gemeenten (sum 72.706; the printed total 75.025 includes 2.320 of
    # onbekend and one unit of rounding) over the printed denominators (sum 393 thousand).
    row = reg.set_index("jaar").loc[2021]
    assert row["consulteenheden"] == 72_706 and row["inwoners"] == 393_000


def test_fitting_the_shipped_data_is_deterministic():
    def run():
        cons = load_consumption_data(2021)
        return mz.zorgconsumptie_model(
            cons.tabel, 2021, 2019, "auto", 0.95, geo.afstanden(), mz.weights_dispersion(cons.soorten[2021])
        )

    c1, c2 = run(), run()
    pd.testing.assert_frame_equal(c1.trend, c2.trend, check_exact=True)
    pd.testing.assert_frame_equal(c1.funnel.punten, c2.funnel.punten, check_exact=True)
    assert c1.afstand.per_eenheid.equals(c2.afstand.per_eenheid)


# --- the chapter ------------------------------------------------------------------------------------


def test_chapter_defaults_are_the_notebooks_parameters():
    """model_run and page_values take exactly the notebook's parameters, with the notebook's defaults."""
    cell = next(
        c.source
        for c in jupytext.read(ROOT / "notebooks" / "model_zorgconsumptie.md").cells
        if "parameters" in c.metadata.get("tags", [])
    )
    namespace: dict = {}
    exec(cell, namespace)  # plain literals only (tests/test_notebooks_source.py)
    notebook = {k: v for k, v in namespace.items() if not k.startswith("__") and k != "jaar"}
    for function in (model_zorgconsumptie.model_run, model_zorgconsumptie.page_values):
        keywords = {n: p.default for n, p in inspect.signature(function).parameters.items() if p.kind is p.KEYWORD_ONLY}
        assert keywords == notebook, function.__name__


def test_chapter_falls_back_to_the_first_year_as_base():
    run = model_zorgconsumptie.model_run(2021, basisjaar=2015)
    assert run.model.basisjaar == 2019
    assert model_zorgconsumptie.kerncijfers(run).startswith("2021: jaren [2019, 2020, 2021], basisjaar 2019")


# --- geography --------------------------------------------------------------------------------------


def test_haversine_and_centroid():
    assert geo.haversine_km(geo.Point(52.0, 6.0), geo.Point(53.0, 6.0)) == pytest.approx(111.2, abs=0.1)
    square = {"type": "Polygon", "coordinates": [[[6.0, 52.0], [6.2, 52.0], [6.2, 52.2], [6.0, 52.2], [6.0, 52.0]]]}
    p = geo.reference_point(square)
    assert (p.lat, p.lon) == pytest.approx((52.1, 6.1), abs=1e-6)
    assert geo.point_in_polygon(p, square) and not geo.point_in_polygon(geo.Point(52.3, 6.1), square)


def test_spoedposten_lie_in_their_municipality():
    grenzen = {f["properties"]["gemeente"]: f["geometry"] for f in geo.read_boundaries()["features"]}
    for post in load_table(geo.SPOEDPOSTEN_TABLE).itertuples():
        assert geo.point_in_polygon(geo.Point(post.lat, post.lon), grenzen[str(post.spoedpost)]), post.spoedpost


def test_distances_are_plausible():
    d = geo.afstanden().set_index("gemeente")
    assert len(d) == 8
    assert (
        d.loc["Enschede", "dichtstbijzijnde_post"] == "Enschede"
        and d.loc["Hengelo", "dichtstbijzijnde_post"] == "Hengelo"
    )
    assert d["afstand_km"].max() < 30  # the region is about 40 km across
    for gemeente, geometry in ((f["properties"]["gemeente"], f["geometry"]) for f in geo.read_boundaries()["features"]):
        point = geo.Point(d.loc[gemeente, "lat"], d.loc[gemeente, "lon"])
        assert geo.point_in_polygon(point, geometry), gemeente  # a centroid can fall outside a concave shape


# --- the shown funnel and distance intervals, recomputed independently from the CSVs (issue 15) -------------


def _csv(jaar: int, naam: str) -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / str(jaar) / f"{naam}.csv")


def test_shown_funnel_limits_recomputed_from_the_csvs():
    """DerSimonian-Laird tau² with per-gemeente weighting factor and the rounding of the denominators, by hand."""
    from scipy import stats

    units = _csv(2021, "consulteenheden").set_index("gemeente")["consulteenheden"].astype(float)
    units = units.drop("Onbekend", errors="ignore")  # no denominator for an unknown municipality
    n = _csv(2021, "inwoners_gemeente").set_index("gemeente")["inwoners_x1000"].astype(float) * 1000
    soort = _csv(2021, "zorgconsumptie")
    soort = soort[soort["gemeente"] != "Onbekend"]
    w = soort["soort"].map({"Advies/telefonisch consult": 0.5, "Consult": 1.0, "Visite": 1.5})
    phi_w = (w**2 * soort["aantal"]).groupby(soort["gemeente"]).sum() / (w * soort["aantal"]).groupby(
        soort["gemeente"]
    ).sum()
    g = units.index
    p, p0 = units / n[g], units.sum() / n[g].sum()
    var = phi_w[g] * p0 / n[g] + p0**2 * 1000**2 / 12 / n[g] ** 2
    weights = 1 / var
    q = float((weights * (p - p0) ** 2).sum())
    tau2 = max(0.0, (q - (len(g) - 1)) / (weights.sum() - (weights**2).sum() / weights.sum()))
    z = stats.norm.ppf(0.975)

    tabel = mt.gemeente_table(model_zorgconsumptie.model_run(2021).model).set_index("Gemeente")
    for gemeente in g:
        half = z * np.sqrt(var[gemeente] + tau2) / p0
        assert tabel.loc[gemeente, "95%-grens van"] == pytest.approx(1 - half, rel=1e-9)
        assert tabel.loc[gemeente, "tot"] == pytest.approx(1 + half, rel=1e-9)
        assert tabel.loc[gemeente, "Weegfactor"] == pytest.approx(phi_w[gemeente], rel=1e-12)
        assert tabel.loc[gemeente, "T.o.v. regio"] == pytest.approx(p[gemeente] / p0, rel=1e-12)


@pytest.mark.parametrize("jaar", [2019, 2020, 2021])
def test_one_verdict_per_gemeente(jaar):
    """The table's verdict is exactly whether its ratio lies within the 95% limits it shows beside it."""
    model = model_zorgconsumptie.model_run(jaar).model
    tabel = mt.gemeente_table(model)
    binnen = (tabel["95%-grens van"] <= tabel["T.o.v. regio"]) & (tabel["T.o.v. regio"] <= tabel["tot"])
    assert ((tabel["Trechter"] == mx.INSIDE_LIMITS) == binnen).all()
    assert "T.o.v. regio" in tabel and "95%-interval van" not in tabel.columns  # no second (model) interval


def test_shown_distance_interval_recomputed_cluster_robust():
    import statsmodels.api as sm
    import statsmodels.formula.api as smf
    from scipy import stats

    afstand = model_zorgconsumptie.model_run(2021).afstanden.set_index("gemeente")["afstand_km"]
    rows = []
    for jaar in (2019, 2020, 2021):
        rate = _csv(jaar, "zorgconsumptie_per_1000").set_index("gemeente")["consulteenheden_per_1000"]
        noemer = _csv(2021, "inwoners_gemeente").set_index("gemeente")["inwoners_x1000"]
        units = (
            _csv(jaar, "consulteenheden").set_index("gemeente")["consulteenheden"].astype(float)
            if (ROOT / "data" / str(jaar) / "consulteenheden.csv").exists()
            else rate * noemer
        )
        for gemeente in afstand.index:
            rows.append(
                {
                    "g": gemeente,
                    "jaar": str(jaar),
                    "y": float(units[gemeente]),
                    "n": float(noemer[gemeente]) * 1000,
                    "d": afstand[gemeente] / 10,
                }
            )
    d = pd.DataFrame(rows)
    codes = pd.factorize(d["g"])[0]
    fit = smf.glm("y ~ C(jaar) + d", d, family=sm.families.Poisson(), offset=np.log(d["n"])).fit(
        cov_type="cluster", cov_kwds={"groups": codes}
    )
    t = stats.t.ppf(0.975, 7)
    shown = model_zorgconsumptie.model_run(2021).model.afstand
    b, se = fit.params["d"], fit.bse["d"]
    assert shown.per_eenheid["ondergrens"] == pytest.approx(np.exp(b - t * se), rel=1e-6)
    assert shown.per_eenheid["bovengrens"] == pytest.approx(np.exp(b + t * se), rel=1e-6)
    lo, hi = shown.halvering_interval
    assert lo == pytest.approx(np.log(0.5) * 10 / (b - t * se), rel=1e-6)
    assert hi == pytest.approx(np.log(0.5) * 10 / (b + t * se), rel=1e-6)
    assert 20 < lo < shown.halvering_km < hi < 60  # issue 15 found about 25 to 52 km by hand
    zin = mx.afstand_zin(model_zorgconsumptie.model_run(2021).model, 57.0)
    assert "buiten de gemeten afstanden" in zin and "consulten op de post" in zin
