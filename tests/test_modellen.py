"""Trend models: recovery of known parameters from simulated data, the printed figures, determinism, geography."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from jaarverslag import lees_tabel
from jaarverslag.data import geo
from jaarverslag.render import fmt
from jaarverslag.models import modellen as md

SEED = 20211231  # fixed seed for every simulation in this file
GROUPS = ["0-10", "10-20", "20-40", "40-60", "60-80", "80+"]


# --- simulation helpers ---------------------------------------------------------------------------


def age_design(rate_ref: np.ndarray, ratio: np.ndarray, population: float = 50_000.0) -> pd.DataFrame:
    """Two years × six age groups with known rates per inhabitant and known rate ratios."""
    rows = []
    for g, r0, rr in zip(GROUPS, rate_ref, ratio):
        rows.append({"leeftijdsgroep": g, "jaar": 2020, "bevolking": population, "mu": population * r0})
        rows.append({"leeftijdsgroep": g, "jaar": 2021, "bevolking": population * 1.01, "mu": population * 1.01 * r0 * rr})
    return pd.DataFrame(rows)


def municipality_design(n_gemeenten: int, years: list[int], seed: int) -> tuple[pd.DataFrame, np.ndarray, dict]:
    """Gemeente × year rows from a main-effects truth; returns frame, true gemeente log-effects and year log-effects."""
    rng = np.random.default_rng(seed)
    gemeenten = [f"G{i:02d}" for i in range(n_gemeenten)]
    gamma = rng.normal(0, 0.15, n_gemeenten)
    gamma[0] = 0.0
    tau = {years[0]: 0.0, **{y: -0.1 * (k + 1) for k, y in enumerate(years[1:])}}
    population = rng.integers(15_000, 160_000, n_gemeenten).astype(float)
    rows = [{"gemeente": g, "jaar": y, "inwoners": population[i], "mu": population[i] * 0.2 * math.exp(gamma[i] + tau[y])}
            for i, g in enumerate(gemeenten) for y in years]
    return pd.DataFrame(rows), gamma, tau


# --- recovery tests -----------------------------------------------------------------------------------


def test_age_model_recovers_known_rate_ratios_poisson():
    rate_ref = np.array([0.40, 0.18, 0.23, 0.17, 0.22, 0.57])
    ratio = np.array([1.20, 1.05, 1.00, 0.98, 0.95, 0.92])
    frame = age_design(rate_ref, ratio)
    frame["aantal"] = md.simuleer_tellingen(frame["mu"], SEED)
    # 99.8% intervals: all six cover with probability 0.988; nominal 95% coverage is tested below over many seeds.
    model = md.leeftijd_groei(frame, 2021, 2020, familie="poisson", betrouwbaarheid=0.998)
    table = model.per_groep
    assert (table["ondergrens"] <= ratio).all() and (ratio <= table["bovengrens"]).all()
    # Poisson data: growth differs between groups by construction and the test sees it.
    assert model.toets.p_waarde < 0.001


def test_age_model_interval_coverage_is_nominal():
    """Over many simulated data sets, 95% intervals cover the true ratio about 95% of the time."""
    rate_ref = np.array([0.40, 0.18, 0.23, 0.17, 0.22, 0.57])
    ratio = np.array([1.20, 1.05, 1.00, 0.98, 0.95, 0.92])
    frame = age_design(rate_ref, ratio, population=5_000.0)
    covered = []
    for rep in range(300):
        frame["aantal"] = md.simuleer_tellingen(frame["mu"], SEED + rep)
        t = md.leeftijd_groei(frame, 2021, 2020, "poisson").per_groep
        covered.extend(((t["ondergrens"] <= ratio) & (ratio <= t["bovengrens"])).tolist())
    coverage = np.mean(covered)
    assert 0.93 <= coverage <= 0.97, coverage  # 1800 intervals: binomial sd about 0.005


def test_age_model_common_growth_under_overdispersion():
    """With overdispersed counts and a common true growth, 'auto' detects it and quasi-Poisson covers the truth."""
    rate_ref = np.array([0.40, 0.18, 0.23, 0.17, 0.22, 0.57])
    common = 1.05
    frame = age_design(rate_ref, np.full(6, common))
    covered_quasi, covered_poisson, detected = [], [], []
    for rep in range(200):
        frame["aantal"] = md.simuleer_tellingen(frame["mu"], SEED + rep, phi=30.0)
        auto = md.leeftijd_groei(frame, 2021, 2020, "auto")
        poisson = md.leeftijd_groei(frame, 2021, 2020, "poisson")
        detected.append(auto.familie == "quasipoisson")
        g = auto.gemeenschappelijk
        covered_quasi.append(g["ondergrens"] <= common <= g["bovengrens"])
        g = poisson.gemeenschappelijk
        covered_poisson.append(g["ondergrens"] <= common <= g["bovengrens"])
    assert np.mean(detected) > 0.9
    assert np.mean(covered_quasi) >= 0.90
    assert np.mean(covered_poisson) < 0.7  # ignoring overdispersion gives intervals that are far too narrow


def test_consumption_model_recovers_year_and_gemeente_effects_with_overdispersion():
    years = [2019, 2020, 2021]
    frame, gamma, tau = municipality_design(30, years, SEED)
    frame["consulteenheden"] = md.simuleer_tellingen(frame["mu"], SEED, phi=4.0)
    model = md.zorgconsumptie_model(frame, 2021, 2019, "auto", 0.95)
    assert model.familie == "quasipoisson"
    assert 2.0 < model.dispersie.phi < 7.0  # true phi 4 (58 df)
    for row in model.jaareffect.itertuples():
        true = math.exp(tau[row.jaar])
        assert row.ondergrens <= true <= row.bovengrens, (row.jaar, true)
    # gemeente against the region: true ratio = exp(gamma + tau_2021) / true regional rate of 2021
    last = frame[frame["jaar"] == 2021]
    true_region = (last["mu"].sum() / last["inwoners"].sum())
    true_ratio = (last["mu"] / last["inwoners"] / true_region).to_numpy()
    effect = model.gemeente_effect
    inside = (effect["ondergrens"].to_numpy() <= true_ratio) & (true_ratio <= effect["bovengrens"].to_numpy())
    assert inside.mean() >= 0.85  # 30 intervals at 95%; the regional rate is treated as known


def test_negative_binomial_alpha_is_recovered():
    rng = np.random.default_rng(SEED)
    mu = rng.uniform(200, 2000, 4000)
    alpha = 0.05
    y = rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mu))
    assert md.nb_alpha(y, mu, len(y)) == pytest.approx(alpha, rel=0.15)
    assert md.nb_alpha(mu, mu, 10) == 0.0  # no excess spread: Poisson


def test_distance_model_recovers_decay():
    rng = np.random.default_rng(SEED)
    n = 25
    afstanden = pd.DataFrame({"gemeente": [f"G{i:02d}" for i in range(n)], "afstand_km": rng.uniform(0, 40, n)})
    true_per_10km = 0.85
    rows = [{"gemeente": g, "jaar": y, "inwoners": 40_000.0,
             "mu": 40_000 * 0.2 * true_per_10km ** (d / 10) * (0.9 if y == 2020 else 1.0)}
            for g, d in zip(afstanden["gemeente"], afstanden["afstand_km"]) for y in (2019, 2020)]
    frame = pd.DataFrame(rows)
    frame["consulteenheden"] = md.simuleer_tellingen(frame["mu"], SEED)
    result = md.afstand_model(frame, afstanden, "auto", 0.95, 2019)
    e = result.per_eenheid
    assert e["ondergrens"] <= true_per_10km <= e["bovengrens"]
    assert result.halvering_km == pytest.approx(math.log(0.5) * 10 / math.log(e["verhouding"]))
    assert result.rest_toets.p_waarde > 0.001  # distance explains the gemeente differences by construction


def test_simulation_is_seeded():
    mu = np.full(10, 100.0)
    assert np.array_equal(md.simuleer_tellingen(mu, 1), md.simuleer_tellingen(mu, 1))
    assert np.array_equal(md.simuleer_tellingen(mu, 1, phi=3), md.simuleer_tellingen(mu, 1, phi=3))


# --- dispersion, test and funnel mechanics --------------------------------------------------------


def test_dispersion_check_and_family_choice():
    d = md.Dispersie(pearson_chi2=30.0, deviantie=29.0, df=10)
    assert d.phi == 3.0 and d.overgedispergeerd
    assert md.kies_familie("auto", d) == md.AUTO_OVERDISPERSED_FAMILY
    assert md.kies_familie("auto", md.Dispersie(10.0, 10.0, 10)) == "poisson"
    assert md.kies_familie("negbin", d) == "negbin"
    with pytest.raises(ValueError):
        md.kies_familie("gauss", d)
    assert not md.Dispersie(0.0, 0.0, 0).schatbaar


def test_interaction_test_is_flagged_when_dispersion_comes_from_the_tested_differences():
    frame = age_design(np.full(6, 0.2), np.array([1.2, 1.0, 1.0, 1.0, 1.0, 0.9]))
    frame["aantal"] = frame["mu"].round()
    model = md.leeftijd_groei(frame, 2021, 2020, "quasipoisson")
    assert not model.toets.identificeerbaar and model.toets.p_familie is None
    assert model.toets.phi_kritiek == pytest.approx(model.toets.statistiek / 11.0705, rel=1e-4)  # chi²(5; 0,95)


def test_funnel_limits_follow_the_formula():
    frame = pd.DataFrame({"gemeente": ["A", "B", "C", "D"], "jaar": 2021, "inwoners": [10_000.0, 20_000, 40_000, 80_000],
                          "consulteenheden": [2_000.0, 4_000, 8_000, 16_000]})
    f = md.funnel(frame, 2021, phi_gewichten=0.9, familie="poisson")
    assert f.regionaal_per_1000 == pytest.approx(200.0)
    row = f.grenzen.iloc[0]
    half = 1.959964 * math.sqrt(0.9 * 0.2 / row["inwoners"]) * 1000
    assert row["boven_0.95"] == pytest.approx(200 + half, rel=1e-5)
    assert (f.punten["oordeel"] == "binnen de grenzen").all()


def test_weighted_units_variance_factor():
    assert md.gewichten_dispersie({"Consult": 100}) == 1.0
    assert md.gewichten_dispersie({"Advies/telefonisch consult": 100, "Visite": 100}) == pytest.approx(
        (0.25 * 100 + 2.25 * 100) / (0.5 * 100 + 1.5 * 100))


# --- the shipped data and the printed report --------------------------------------------------------


def test_consulteenheden_weights_reproduce_printed_units_2021():
    # seeds/000_4b7b462fe0c6bb31.txt, section "Zorgconsumptie per gemeente", row "consulteenheden":
    # 0,5 × advies/telefonisch consult + 1 × consult + 1,5 × visite, rounded half up to whole units (Dinkelland
    # 3.703,5 is printed as 3.704), equals the printed units of every gemeente.
    counts = lees_tabel(md.T_CONSUMPTIE_SOORT, 2021)
    counts["eenheden"] = md.consulteenheden(counts)
    computed = counts.groupby(counts["gemeente"].astype(str))["eenheden"].sum()
    printed = lees_tabel(md.T_EENHEDEN, 2021).set_index("gemeente")["consulteenheden"]
    for gemeente, value in printed.items():
        assert fmt.round_half_up(computed[str(gemeente)]) == value, gemeente


@pytest.mark.parametrize("jaar", [2019, 2020, 2021])
def test_fitted_rates_reproduce_printed_per_1000(jaar):
    # seeds/000_4b7b462fe0c6bb31.txt, "Zorgconsumptie per gemeente", rows "<jaar> eenheden per 1.000 inwoners".
    # Rounding rule: round half up to whole units per 1,000 (fmt.round_half_up), as the report prints.
    data = md.gegevens_zorgconsumptie(jaar)
    model = md.zorgconsumptie_model(data.tabel, jaar, 2019, "auto", 0.95)
    fitted = model.fitted[model.fitted["jaar"] == jaar].set_index("gemeente")["per_1000_model"]
    printed = lees_tabel(md.T_PER_1000, jaar).set_index("gemeente")["consulteenheden_per_1000"]
    for gemeente, value in printed.items():
        assert fmt.round_half_up(fitted[str(gemeente)]) == value, gemeente


def test_regional_rate_of_the_model_is_units_over_inhabitants():
    data = md.gegevens_zorgconsumptie(2021)
    model = md.zorgconsumptie_model(data.tabel, 2021, 2019, "auto", 0.95)
    reg = model.regionaal
    assert np.allclose(reg["per_1000_model"], reg["per_1000"], rtol=1e-9)
    # 2021: the printed units of the eight gemeenten (sum 72.706; the printed total 75.025 includes 2.320 of
    # onbekend and one unit of rounding) over the printed denominators (sum 393 thousand).
    row = reg.set_index("jaar").loc[2021]
    assert row["consulteenheden"] == 72_706 and row["inwoners"] == 393_000


def test_worked_example_matches_the_model():
    data = md.gegevens_leeftijd(2021, 2020)
    model = md.leeftijd_groei(data.tellingen, 2021, 2020, "poisson")
    row = model.per_groep.set_index("leeftijdsgroep").loc["0-10"]
    ratio, lo, hi = md.verhouding_met_de_hand(row.aantal, row.aantal_ref, row.bevolking, row.bevolking_ref)
    assert (ratio, lo, hi) == pytest.approx((row.verhouding, row.ondergrens, row.bovengrens), rel=1e-8)
    # seeds/000_4b7b462fe0c6bb31.txt, "Leeftijdscategorieën hulpvragen": 0-10 jaar 19.122 (2021) and 15.993 (2020)
    assert (row.aantal, row.aantal_ref) == (19_122, 15_993)
    # the printed growth column (120%) is the count ratio; per inhabitant it is a little higher (fewer children)
    assert fmt.round_half_up(row.aantal / row.aantal_ref * 100) == 120
    assert row.verhouding > row.aantal / row.aantal_ref


def test_population_bands_sum_to_the_report_age_groups():
    pop = md.bevolking_per_groep(GROUPS)
    totals = pop.groupby("jaar")["bevolking"].sum()
    assert totals[2021] == 404_885 and totals[2020] == 404_365  # shared/reference/README.md
    with pytest.raises(ValueError):
        md.groepeer_leeftijd(pd.DataFrame({"leeftijdsgroep": ["5-14"], "inwoners": [1]}), GROUPS)


def test_fitting_the_shipped_data_is_deterministic():
    def run():
        age = md.gegevens_leeftijd(2021, 2020)
        a = md.leeftijd_groei(age.tellingen, 2021, 2020, "auto")
        cons = md.gegevens_zorgconsumptie(2021)
        c = md.zorgconsumptie_model(cons.tabel, 2021, 2019, "auto", 0.95, geo.afstanden(),
                                    md.gewichten_dispersie(cons.soorten[2021]))
        return a, c

    (a1, c1), (a2, c2) = run(), run()
    pd.testing.assert_frame_equal(a1.per_groep, a2.per_groep, check_exact=True)
    pd.testing.assert_frame_equal(c1.trend, c2.trend, check_exact=True)
    pd.testing.assert_frame_equal(c1.funnel.punten, c2.funnel.punten, check_exact=True)
    assert c1.afstand.per_eenheid.equals(c2.afstand.per_eenheid)
    assert a1.toets == a2.toets


def test_missing_population_uses_the_documented_fallback(project):
    path = project / "data" / "referentie" / "cbs_bevolking_leeftijd.csv"
    cbs = pd.read_csv(path, dtype=str)
    cbs[~cbs["peildatum"].str.startswith("2021")].to_csv(path, index=False)
    nearest = md.gegevens_leeftijd(2021, 2020, "dichtstbijzijnde", root=project)
    source = nearest.bevolking_bron.set_index("jaar")
    assert bool(source.loc[2021, "terugval"]) and "1 januari 2020" in source.loc[2021, "bron"]
    assert not bool(source.loc[2020, "terugval"])
    counts_only = md.gegevens_leeftijd(2021, 2020, "aantallen", root=project)
    assert counts_only.tellingen["bevolking"].isna().all()
    model = md.leeftijd_groei(counts_only.tellingen, 2021, 2020, "poisson")
    assert not model.met_bevolking
    row = model.per_groep.set_index("leeftijdsgroep").loc["0-10"]
    assert row.verhouding == pytest.approx(19_122 / 15_993)


def test_model_without_previous_year_says_so_in_dutch():
    data = md.gegevens_leeftijd(2020, 2019)
    assert data.jaren == [2020]
    with pytest.raises(md.ModelFout, match="2019"):
        md.leeftijd_groei(data.tellingen, 2020, 2019)


# --- geography --------------------------------------------------------------------------------------


def test_haversine_and_centroid():
    assert geo.haversine_km(geo.Punt(52.0, 6.0), geo.Punt(53.0, 6.0)) == pytest.approx(111.2, abs=0.1)
    square = {"type": "Polygon", "coordinates": [[[6.0, 52.0], [6.2, 52.0], [6.2, 52.2], [6.0, 52.2], [6.0, 52.0]]]}
    p = geo.referentiepunt(square)
    assert (p.lat, p.lon) == pytest.approx((52.1, 6.1), abs=1e-6)
    assert geo.punt_in_polygoon(p, square) and not geo.punt_in_polygoon(geo.Punt(52.3, 6.1), square)


def test_spoedposten_lie_in_their_municipality():
    grenzen = {f["properties"]["gemeente"]: f["geometry"] for f in geo.lees_grenzen()["features"]}
    for post in lees_tabel(geo.SPOEDPOSTEN_TABEL).itertuples():
        assert geo.punt_in_polygoon(geo.Punt(post.lat, post.lon), grenzen[str(post.spoedpost)]), post.spoedpost


def test_distances_are_plausible():
    d = geo.afstanden().set_index("gemeente")
    assert len(d) == 8
    assert d.loc["Enschede", "dichtstbijzijnde_post"] == "Enschede" and d.loc["Hengelo", "dichtstbijzijnde_post"] == "Hengelo"
    assert d["afstand_km"].max() < 30  # the region is about 40 km across
    for gemeente, geometry in ((f["properties"]["gemeente"], f["geometry"]) for f in geo.lees_grenzen()["features"]):
        point = geo.Punt(d.loc[gemeente, "lat"], d.loc[gemeente, "lon"])
        assert geo.punt_in_polygoon(point, geometry), gemeente  # a centroid can fall outside a concave shape
