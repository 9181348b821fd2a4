"""Indirect age standardisation of help requests per gemeente against the region (SMR = observed / expected).

Expected counts apply the region's age-specific rates (help requests per age group over the CBS population
of that age group, all gemeenten together) to each gemeente's own population by age:
E_g = sum_a rate_a * P_ga. SMR_g = O_g / E_g; the indirectly standardised rate is SMR_g times the region's
crude rate, so it is on the same scale as the crude rate O_g / P_g. The interval is the exact (Garwood)
Poisson interval of O_g divided by E_g: it covers only the chance variation of the count given the
population, with E_g treated as fixed. The Pearson dispersion across gemeenten (sum (O-E)^2/E over k-1)
measures how much more the gemeenten differ than Poisson chance alone; like the age model's common-growth
phi it describes the differences themselves and is not applied to a gemeente's own interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from scipy.stats import chi2

from jaarverslag.data.population import PER_THOUSAND, ModelError


def exact_poisson_interval(observed: float, betrouwbaarheid: float = 95) -> tuple[float, float]:
    """Return the exact (Garwood) two-sided interval for the mean of a Poisson count."""
    alpha = 1 - betrouwbaarheid / 100
    lower = 0.0 if observed == 0 else chi2.ppf(alpha / 2, 2 * observed) / 2
    upper = chi2.ppf(1 - alpha / 2, 2 * observed + 2) / 2
    return float(lower), float(upper)


@dataclass(frozen=True)
class Standardisation:
    """Observed and expected help requests per gemeente, SMR with interval, crude and standardised rates."""

    jaar: int
    betrouwbaarheid: float
    # per_gemeente: gemeente, waargenomen, bevolking, verwacht, smr, smr_ondergrens, smr_bovengrens,
    # ruw_per_1000, gestandaardiseerd_per_1000, gestandaardiseerd_ondergrens, gestandaardiseerd_bovengrens
    per_gemeente: pd.DataFrame
    # per_groep: leeftijdsgroep, aantal, bevolking, per_1000 (the region's age-specific rates: the standard)
    standaard: pd.DataFrame
    regio_per_1000: float  # the region's crude rate: all help requests over the whole CBS population
    dispersie: float  # Pearson chi-square over k-1 of the gemeenten's counts against their expected counts
    vrijheidsgraden: int


def standardise(
    waargenomen: pd.Series,
    bevolking: pd.DataFrame,
    regio: pd.DataFrame,
    jaar: int,
    betrouwbaarheid: float = 95,
) -> Standardisation:
    """Standardise indirectly for age.

    waargenomen: help requests per gemeente (index gemeente). bevolking: gemeente, leeftijdsgroep, bevolking
    (the groups of `regio`). regio: leeftijdsgroep, aantal (all help requests of the region per age group).
    The standard's population is the sum of `bevolking` over the gemeenten.
    """
    if waargenomen.empty:
        raise ModelError(f"Voor {jaar} zijn geen hulpvragen per gemeente beschikbaar.")
    pop = bevolking.groupby("leeftijdsgroep", sort=False)["bevolking"].sum()
    standard = regio[["leeftijdsgroep", "aantal"]].copy()
    standard["bevolking"] = standard["leeftijdsgroep"].map(pop).astype(float)
    if standard["bevolking"].isna().any() or (standard["bevolking"] <= 0).any():
        missing = ", ".join(standard.loc[~(standard["bevolking"] > 0), "leeftijdsgroep"].astype(str))
        raise ModelError(f"Voor de leeftijdsgroep(en) {missing} is geen bevolking van het werkgebied bekend.")
    standard["per_1000"] = standard["aantal"].astype(float) / standard["bevolking"] * PER_THOUSAND
    rate = dict(zip(standard["leeftijdsgroep"], standard["per_1000"] / PER_THOUSAND))
    region_rate = float(standard["aantal"].sum() / standard["bevolking"].sum() * PER_THOUSAND)
    expected_parts = bevolking.assign(e=bevolking["bevolking"].astype(float) * bevolking["leeftijdsgroep"].map(rate))
    expected = expected_parts.groupby("gemeente", sort=False)["e"].sum()
    persons = bevolking.groupby("gemeente", sort=False)["bevolking"].sum().astype(float)
    rows = []
    for gemeente, o in waargenomen.items():
        if gemeente not in expected.index:
            raise ModelError(f"Voor {gemeente} is geen bevolking naar leeftijd bekend.")
        e, n = float(expected[gemeente]), float(persons[gemeente])
        lo, hi = exact_poisson_interval(float(o), betrouwbaarheid)
        smr = float(o) / e
        rows.append(
            {
                "gemeente": gemeente,
                "waargenomen": int(o),
                "bevolking": n,
                "verwacht": e,
                "smr": smr,
                "smr_ondergrens": lo / e,
                "smr_bovengrens": hi / e,
                "ruw_per_1000": float(o) / n * PER_THOUSAND,
                "gestandaardiseerd_per_1000": smr * region_rate,
                "gestandaardiseerd_ondergrens": lo / e * region_rate,
                "gestandaardiseerd_bovengrens": hi / e * region_rate,
            }
        )
    table = pd.DataFrame(rows)
    k = len(table)
    pearson = float(((table["waargenomen"] - table["verwacht"]) ** 2 / table["verwacht"]).sum())
    dispersion = pearson / (k - 1) if k > 1 else math.nan
    return Standardisation(jaar, betrouwbaarheid, table, standard, region_rate, dispersion, k - 1)


@dataclass(frozen=True)
class Spread:
    """How far the gemeenten's rates lie apart before and after standardisation (unweighted over gemeenten)."""

    gemeenten: list[str]
    ruw_min: float
    ruw_max: float
    gestandaardiseerd_min: float
    gestandaardiseerd_max: float
    ruw_variantie: float
    gestandaardiseerd_variantie: float

    @property
    def verklaard(self) -> float:
        """Share of the variance of the crude rates that disappears after standardisation (negative: it grows)."""
        return 1 - self.gestandaardiseerd_variantie / self.ruw_variantie if self.ruw_variantie else math.nan


def spread(result: Standardisation, zonder: tuple[str, ...] = ()) -> Spread:
    """Return the range and variance of crude and standardised rates over the gemeenten, leaving out `zonder`."""
    t = result.per_gemeente[~result.per_gemeente["gemeente"].isin(zonder)]
    crude, std = t["ruw_per_1000"], t["gestandaardiseerd_per_1000"]
    return Spread(
        list(t["gemeente"]),
        float(crude.min()),
        float(crude.max()),
        float(std.min()),
        float(std.max()),
        float(crude.var(ddof=0)),
        float(std.var(ddof=0)),
    )
