"""Issue 14: age-standardised use per gemeente, checked against a hand computation on a tiny made-up input."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from jaarverslag.chapters import populatie
from jaarverslag.chapters import zorgconsumptie_standaard as zs
from jaarverslag.data.population import load_standardisation_data
from jaarverslag.models.standardisation import exact_poisson_interval, spread, standardise

from conftest import ROOT


def _poisson_cdf(k: int, mean: float) -> float:
    """P(X <= k) for X ~ Poisson(mean), summed term by term (no statistics library)."""
    return sum(math.exp(i * math.log(mean) - mean - math.lgamma(i + 1)) for i in range(k + 1))


def _solve(f, lo: float, hi: float) -> float:
    """Bisection for a decreasing f with f(lo) > 0 > f(hi)."""
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if f(mid) > 0 else (lo, mid)
    return (lo + hi) / 2


def _hand_interval(o: int, level: float = 0.95) -> tuple[float, float]:
    """Exact Poisson limits by definition: P(X >= o | lower) = a/2 and P(X <= o | upper) = a/2."""
    a = 1 - level
    lower = 0.0 if o == 0 else _solve(lambda m: _poisson_cdf(o - 1, m) - (1 - a / 2), 1e-9, 10 * o + 10)
    upper = _solve(lambda m: _poisson_cdf(o, m) - a / 2, 1e-9, 10 * o + 20)
    return lower, upper


@pytest.mark.parametrize("o", [0, 1, 2, 7, 210])
def test_exact_poisson_interval_matches_its_definition(o):
    lo, hi = exact_poisson_interval(o, 95)
    hand_lo, hand_hi = _hand_interval(o)
    assert lo == pytest.approx(hand_lo, abs=1e-6) and hi == pytest.approx(hand_hi, rel=1e-7)


def test_exact_poisson_interval_known_values():
    # O = 0: the upper limit solves exp(-m) = 0.025; O = 2: the textbook limits 0.2422 and 7.2247.
    assert exact_poisson_interval(0) == (0.0, pytest.approx(-math.log(0.025)))
    lo, hi = exact_poisson_interval(2)
    assert round(lo, 4) == 0.2422 and round(hi, 4) == 7.2247


def _tiny():
    # Two gemeenten, two age groups. Region: young 120 help requests / 1,200 inhabitants (rate 0.1),
    # old 260 / 1,300 (rate 0.2). Expected A = 1000*0.1 + 500*0.2 = 200; B = 200*0.1 + 800*0.2 = 180.
    bevolking = pd.DataFrame(
        {
            "gemeente": ["A", "A", "B", "B"],
            "leeftijdsgroep": ["jong", "oud", "jong", "oud"],
            "bevolking": [1000, 500, 200, 800],
        }
    )
    regio = pd.DataFrame({"leeftijdsgroep": ["jong", "oud"], "aantal": [120, 260]})
    observed = pd.Series({"A": 210, "B": 2})
    return standardise(observed, bevolking, regio, 2099, 95)


def test_smr_expected_rates_and_dispersion_by_hand():
    s = _tiny()
    t = s.per_gemeente.set_index("gemeente")
    assert t.at["A", "verwacht"] == pytest.approx(200) and t.at["B", "verwacht"] == pytest.approx(180)
    assert t.at["A", "smr"] == pytest.approx(210 / 200) and t.at["B", "smr"] == pytest.approx(2 / 180)
    lo, hi = _hand_interval(2)
    assert t.at["B", "smr_ondergrens"] == pytest.approx(lo / 180, rel=1e-6)
    assert t.at["B", "smr_bovengrens"] == pytest.approx(hi / 180, rel=1e-6)
    region = 380 / 2500 * 1000  # all help requests over the whole population: 152 per 1,000
    assert s.regio_per_1000 == pytest.approx(region)
    assert t.at["A", "ruw_per_1000"] == pytest.approx(210 / 1500 * 1000)
    assert t.at["A", "gestandaardiseerd_per_1000"] == pytest.approx(1.05 * region)
    assert s.dispersie == pytest.approx(((210 - 200) ** 2 / 200 + (2 - 180) ** 2 / 180) / 1)


def test_spread_compares_the_variance_of_crude_and_standardised_rates():
    s = _tiny()
    sp = spread(s)
    crude = [210 / 1500 * 1000, 2 / 1000 * 1000]
    std = [210 / 200 * 152, 2 / 180 * 152]
    var = lambda xs: sum((x - sum(xs) / len(xs)) ** 2 for x in xs) / len(xs)  # noqa: E731
    assert sp.ruw_variantie == pytest.approx(var(crude)) and sp.gestandaardiseerd_variantie == pytest.approx(var(std))
    assert sp.verklaard == pytest.approx(1 - var(std) / var(crude))
    assert spread(s, zonder=("B",)).gemeenten == ["A"]


def test_2021_the_standard_reproduces_the_region_and_the_book_rate():
    data = load_standardisation_data(2021, ROOT)
    s = standardise(data.waargenomen, data.bevolking, data.regio, 2021)
    # The region's age-specific rates applied to the region's own population give back every help request,
    # and the standard's crude rate is the all-ages rate of the population page (one quantity, one value).
    assert s.per_gemeente["verwacht"].sum() == pytest.approx(data.regio["aantal"].sum())
    assert s.per_gemeente["waargenomen"].sum() + data.onbekend == data.regio["aantal"].sum()
    h = populatie.hulpvragen(2021, ROOT)
    assert s.regio_per_1000 == pytest.approx(populatie.per_1000_alle_leeftijden(h))
    assert data.bevolking_jaar == 2021 and set(data.bevolking["leeftijdsgroep"]) == set(data.regio["leeftijdsgroep"])


def test_a_year_without_counts_per_gemeente_and_age_gets_the_sentence(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert zs.result(2020, ROOT) is None
    values = zs.page_values(2020, ROOT)
    assert "niet voor leeftijd worden gestandaardiseerd" in values["std_resultaat_zin"]
