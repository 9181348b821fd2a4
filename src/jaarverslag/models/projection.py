"""Scenario arithmetic of the Vooruitblik: population, demand, GP pool and pressure up to the last projection year.

The projection is a scenario, not a forecast: no age-specific population projection is available
offline, so the population is projected from documented assumptions (each a parameter of
notebooks/vooruitblik.md), and the age-specific rates of the report year are carried forward.
Three scenarios share one set of parameters: ``midden`` uses every central value, ``laag`` the
bounds that give the least pressure and ``hoog`` the bounds that give the most.
Frames in, dataclasses out; the chapter checks the parameters and words the results.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from jaarverslag.data.population import band_bounds, group_ages

ELDERLY_MIN_AGE = 65  # CBS's definition of "ouderen": 65 years and older
OUDEREN_PERIODE = (2023, 2040)  # seed 001 §3: the share of elderly in Twente grows by about a third in this period
NZA_NORM_PATIENTS_PER_FTE = 2095  # seed 001 §2 and §4: registered patients per full-time GP (NZa norm)
THRESHOLDS_PCT = (10, 25)  # the pressure thresholds the board asked for: 10% and 25% above today's level
SCENARIOS = ("laag", "midden", "hoog")  # laag = least pressure, hoog = most pressure
# Which parameter of a laag/midden/hoog triple each scenario takes: a higher value raises pressure,
# except for the inflow share, where a higher value lowers it.
BOUNDS_MORE_PRESSURE = {"laag": "_min_pct", "midden": "_pct", "hoog": "_max_pct"}
BOUNDS_LESS_PRESSURE = {"laag": "_max_pct", "midden": "_pct", "hoog": "_min_pct"}
TREND_BOUND = {"laag": "ondergrens", "midden": "verhouding", "hoog": "bovengrens"}  # columns of the age model
NO_TREND = "geen"  # the rates per inhabitant stay at the report year's level
TREND_COLUMNS = ("verhouding", "ondergrens", "bovengrens")
INDEX_BASE = 100  # the pressure index of the base year
THRESHOLD_TOLERANCE = 1e-9  # a threshold counts as reached when the index is this close below it

# Defaults of the notebook's parameters cell (the default scenario). tests/test_vooruitblik.py checks the
# cell repeats these values, so the page can say which parameters differ from the default scenario.
DEFAULTS = {
    "tot_jaar": 2040,
    "ouderen_groei_pct": 33.3,
    "ouderen_groei_min_pct": 25.0,
    "ouderen_groei_max_pct": 40.0,
    "groei_onbekend_pct": 0.0,
    "bevolking_marge_pct": 4.0,
    "trend_leeftijd": False,
    "trend_jaren": 3,
    "uitstroom_pct": 21.0,
    "uitstroom_jaren": 6,
    "uitstroom_min_pct": 15.0,
    "uitstroom_max_pct": 27.0,
    "uitstroom_overig_pct": 0.0,
    "uitstroom_overig_min_pct": 0.0,
    "uitstroom_overig_max_pct": 21.0,
    "opleidingsduur_jaren": 3,
    "instroom_aandeel_pct": 75.0,
    "instroom_aandeel_min_pct": 50.0,
    "instroom_aandeel_max_pct": 100.0,
}


class ProjectionError(ValueError):
    """The inputs make the projection impossible; `reason` names the case and `details` holds its values."""

    def __init__(self, reason: str, **details):
        super().__init__(f"{reason}: {details}")
        self.reason = reason
        self.details = details


# --- the arithmetic (unit-tested on hand-computed cases) ----------------------------------------------------


def yearly_factor(verandering_pct: float, jaren: int) -> float:
    """Return the constant yearly growth factor that compounds to verandering_pct over jaren years."""
    if jaren <= 0:
        raise ProjectionError("period", jaren=jaren)
    return (1 + verandering_pct / 100) ** (1 / jaren)


def uitstroom_per_year(uitstroom_pct: float, jaren: int) -> float:
    """Return the yearly share leaving, when uitstroom_pct of a group leaves within jaren years."""
    return 1 - yearly_factor(-uitstroom_pct, jaren)


def is_elderly(band: str) -> bool:
    """Return whether a CBS age band lies wholly at or above OUDEREN_VANAF."""
    return band_bounds(band)[0] >= ELDERLY_MIN_AGE


def project_bevolking(
    basis: pd.DataFrame,
    groei: dict[str, float],
    prognose_jaren: int,
    ouderen_groei_pct: float,
    basisjaar: int,
    tot_jaar: int,
) -> pd.DataFrame:
    """Project the population per gemeente and 5-year band from basisjaar to tot_jaar.

    basis: gemeente, leeftijdsgroep (CBS band such as '65-69' or '95+'), inwoners in basisjaar.
    groei: change of each gemeente's total in percent over prognose_jaren years.
    Each gemeente's total grows at a constant yearly rate; the share aged OUDEREN_VANAF and over
    grows at the yearly rate that gives ouderen_groei_pct over OUDEREN_PERIODE. Within the elderly
    and within the younger bands, the base year's age mix is kept.
    Returns jaar, gemeente, leeftijdsgroep, inwoners.
    """
    ontbreekt = sorted(set(basis["gemeente"]) - set(groei))
    if ontbreekt:
        raise ProjectionError("no_growth", gemeenten=ontbreekt)
    oud = basis["leeftijdsgroep"].map(is_elderly)
    aandeel_factor = yearly_factor(ouderen_groei_pct, OUDEREN_PERIODE[1] - OUDEREN_PERIODE[0])
    delen = []
    for gemeente, rijen in basis.groupby("gemeente", sort=True):
        oude_band = oud.loc[rijen.index]
        totaal = rijen["inwoners"].sum()
        mix_oud = rijen["inwoners"].where(oude_band, 0) / rijen.loc[oude_band, "inwoners"].sum()
        mix_jong = rijen["inwoners"].where(~oude_band, 0) / rijen.loc[~oude_band, "inwoners"].sum()
        aandeel_basis = rijen.loc[oude_band, "inwoners"].sum() / totaal
        totaal_factor = yearly_factor(groei[gemeente], prognose_jaren)
        for jaar in range(basisjaar, tot_jaar + 1):
            stap = jaar - basisjaar
            totaal_jaar = totaal * totaal_factor**stap
            aandeel = aandeel_basis * aandeel_factor**stap
            if aandeel >= 1:
                raise ProjectionError("all_elderly", ouderen_groei_pct=ouderen_groei_pct, jaar=jaar, gemeente=gemeente)
            inwoners = totaal_jaar * (aandeel * mix_oud + (1 - aandeel) * mix_jong)
            delen.append(
                pd.DataFrame(
                    {
                        "jaar": jaar,
                        "gemeente": gemeente,
                        "leeftijdsgroep": rijen["leeftijdsgroep"].to_numpy(),
                        "inwoners": inwoners.to_numpy(),
                    }
                )
            )
    return pd.concat(delen, ignore_index=True)


def capacity(start: float, uitstroom_jaar: float, instroom_jaar: float, basisjaar: int, tot_jaar: int) -> pd.Series:
    """Return a GP group per year: each year a share leaves and a fixed number of newly trained GPs joins."""
    waarden, pool = [], float(start)
    for _ in range(basisjaar, tot_jaar + 1):
        waarden.append(pool)
        pool = pool * (1 - uitstroom_jaar) + instroom_jaar
    return pd.Series(waarden, index=pd.RangeIndex(basisjaar, tot_jaar + 1, name="jaar"), name="huisartsen")


def pool_per_year(
    leden: float,
    overig: float,
    uitstroom_leden_jaar: float,
    uitstroom_overig_jaar: float,
    instroom_jaar: float,
    basisjaar: int,
    tot_jaar: int,
) -> pd.DataFrame:
    """Return the two GP groups per year: members (the source's outflow, plus the inflow) and the others.

    Seed 001's outflow concerns practice-holding GPs (huisartsleden); the hidha's and waarnemers have
    their own assumed outflow and no inflow (newly trained GPs are counted with the members).
    """
    a = capacity(leden, uitstroom_leden_jaar, instroom_jaar, basisjaar, tot_jaar)
    b = capacity(overig, uitstroom_overig_jaar, 0.0, basisjaar, tot_jaar)
    return pd.DataFrame({"leden": a, "overig": b, "huisartsen": a + b})


def threshold_year(index: pd.Series, drempel_pct: float) -> int | None:
    """Return the first year whose pressure index (base year = 100) is at least 100 + drempel_pct, else None."""
    boven = index[index >= INDEX_BASE + drempel_pct - THRESHOLD_TOLERANCE]
    return None if boven.empty else int(boven.index[0])


def trend_factor(verhouding: float, stap: int, trend_jaren: int) -> float:
    """Return the rate multiplier after stap years when a one-year rate ratio holds for trend_jaren years, then 1."""
    return verhouding ** min(stap, trend_jaren)


def equilibrium(instroom_jaar: float, uitstroom_jaar: float) -> float:
    """Return the pool size at which yearly outflow equals the yearly inflow."""
    return instroom_jaar / uitstroom_jaar


# --- scenario assumptions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assumptions:
    """One scenario's assumptions, each resolved to a single value."""

    ouderen_groei_pct: float
    groei: dict[str, float]  # gemeente -> change of the total over the forecast period, percent
    trend: str  # which rate ratio of the age model: geen, verhouding, ondergrens or bovengrens
    uitstroom_pct: float  # huisartsleden (practice-holding GPs), the source's group
    uitstroom_overig_pct: float  # hidha's and waarnemers (own assumption)
    instroom_aandeel_pct: float


def gemeente_growth(prognose: pd.DataFrame, groei_onbekend_pct: float, marge_pct: float) -> pd.DataFrame:
    """Return per gemeente the change of the total (laag, midden, hoog) and where each value came from.

    Columns: gemeente, laag, midden, hoog, uit_prognose (the central value is the forecast's, not the
    parameter groei_onbekend_pct), eigen_interval (the bounds are the forecast's, not ± marge_pct).
    """
    rijen = []
    for r in prognose.itertuples():
        uit_prognose = not pd.isna(r.verandering_pct)
        mid = float(r.verandering_pct) if uit_prognose else groei_onbekend_pct
        eigen_interval = bool(pd.notna(r.ondergrens_pct) and pd.notna(r.bovengrens_pct))
        if eigen_interval:
            laag, hoog = float(r.ondergrens_pct), float(r.bovengrens_pct)
        else:
            laag, hoog = mid - marge_pct, mid + marge_pct
        rijen.append(
            {
                "gemeente": r.gemeente,
                "laag": laag,
                "midden": mid,
                "hoog": hoog,
                "uit_prognose": uit_prognose,
                "eigen_interval": eigen_interval,
            }
        )
    return pd.DataFrame(rijen)


def scenario_assumptions(p: dict, groei: pd.DataFrame) -> dict[str, Assumptions]:
    """Return the three scenarios: laag takes the bounds with the least pressure, hoog those with the most."""
    return {
        s: Assumptions(
            ouderen_groei_pct=p["ouderen_groei" + BOUNDS_MORE_PRESSURE[s]],
            groei=dict(zip(groei["gemeente"], groei[s])),
            trend=TREND_BOUND[s] if p["trend_leeftijd"] else NO_TREND,
            uitstroom_pct=p["uitstroom" + BOUNDS_MORE_PRESSURE[s]],
            uitstroom_overig_pct=p["uitstroom_overig" + BOUNDS_MORE_PRESSURE[s]],
            instroom_aandeel_pct=p["instroom_aandeel" + BOUNDS_LESS_PRESSURE[s]],
        )
        for s in SCENARIOS
    }


def non_default(p: dict) -> list[str]:
    """Return the names of the parameters that differ from the default scenario."""
    return [k for k, standaard in DEFAULTS.items() if p.get(k) != standaard]


# --- the base year and the projection -----------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    """What the projection starts from: the report year's rates, population and GPs."""

    jaar: int
    tarieven: pd.DataFrame  # leeftijdsgroep, hulpvragen, bevolking, consulteenheden
    bevolking: pd.DataFrame  # gemeente, leeftijdsgroep (CBS band), inwoners
    bevolking_jaar: int  # the CBS year used (the report year, or the nearest one available)
    prognose: pd.DataFrame  # the bevolkingsprognose table
    prognose_jaren: int
    pool: int  # GPs taking shifts on their own in the report year (leden + overig)
    pool_onzeker: bool
    aios: int
    leden: int = 0  # huisartsleden (practice-holding GPs): the group seed 001's outflow concerns
    overig: int = 0  # hidha's and waarnemers
    vorig_jaar: dict | None = None  # last year's leden, overig, aios (for the backcast), when known
    tellingen_vorig: pd.DataFrame | None = None  # leeftijdsgroep, aantal, bevolking, bevolking_nu of last year
    totaal_vorig_betwist: tuple[float, float] | None = None  # last year's (printed, sum of posts) when they differ
    groei_model: pd.DataFrame | None = None  # leeftijdsgroep, verhouding, ondergrens, bovengrens (or None)
    groei_referentiejaar: int | None = None  # the age model's reference year (also when it could not be fitted)
    opmerkingen: list[str] = field(default_factory=list)  # notes on the base year, for the page


def growth_per_year(basis: Baseline) -> pd.DataFrame:
    """Return the age model's rate ratios per year: the model's own when it compares with the year before.

    A model against an earlier reference year measures the change over several years; its ratios
    (and interval bounds) are turned into the constant yearly ratio that compounds to them.
    """
    jaren = basis.jaar - basis.groei_referentiejaar
    per_jaar = basis.groei_model.copy()
    if jaren != 1:
        for kolom in TREND_COLUMNS:
            per_jaar[kolom] = per_jaar[kolom] ** (1 / jaren)
    return per_jaar


@dataclass(frozen=True)
class Backcast:
    """The projection rules run from last year to the report year, against what really happened."""

    van: int
    naar: int
    hulpvragen_start: float
    hulpvragen_voorspeld: float  # last year's counts per age group × population growth of the group
    hulpvragen_werkelijk: float
    huisartsen_start: float | None = None
    huisartsen_voorspeld: float | None = None  # one year of outflow and inflow (central scenario)
    huisartsen_werkelijk: float | None = None

    @property
    def druk_voorspeld(self) -> float | None:
        """Pressure index of the report year as the rules predict it (last year = 100)."""
        if self.huisartsen_voorspeld is None:
            return None
        return (
            INDEX_BASE
            * (self.hulpvragen_voorspeld / self.huisartsen_voorspeld)
            / (self.hulpvragen_start / self.huisartsen_start)
        )

    @property
    def druk_werkelijk(self) -> float | None:
        """Pressure index of the report year as it was (last year = 100)."""
        if self.huisartsen_werkelijk is None:
            return None
        return (
            INDEX_BASE
            * (self.hulpvragen_werkelijk / self.huisartsen_werkelijk)
            / (self.hulpvragen_start / self.huisartsen_start)
        )


@dataclass(frozen=True)
class Vooruitblik:
    """The three scenarios year by year, the years in which pressure passes the thresholds, and the checks."""

    basis: Baseline
    parameters: dict
    groei: pd.DataFrame  # per gemeente: laag, midden, hoog, uit_prognose, eigen_interval
    aannames: dict[str, Assumptions]  # per scenario
    projectie: pd.DataFrame  # scenario, jaar, bevolking, ouderen_aandeel, oudsten_aandeel_ouderen, hulpvragen,
    #                          consulteenheden, leden, overig, huisartsen, nza_fte, druk, druk_index
    drempels: pd.DataFrame  # scenario, drempel_pct, jaar (or NA)
    instroom: dict[str, float]  # scenario -> newly trained GPs joining per year
    gevoeligheid: pd.DataFrame | None = None  # aanname, laag, hoog: last year's pressure index, one at a time
    terugblik: Backcast | None = None


OLDEST_MIN_AGE = 80  # the 80-plus share within the elderly is held at the base year's value (stated on the page)
# One-at-a-time sensitivity: each assumption alone at its bound, the rest central (Assumptions fields).
SENSITIVITY_FIELDS = (
    "ouderen_groei_pct",
    "groei",
    "trend",
    "uitstroom_pct",
    "uitstroom_overig_pct",
    "instroom_aandeel_pct",
)


@dataclass(frozen=True)
class _Population:
    """One population projection as the scenario rules read it: per year and model age group, and the elderly."""

    per_groep: pd.DataFrame  # jaar x groep: inwoners
    ouderen: dict[int, float]  # jaar -> inwoners aged OUDEREN_VANAF and over
    oudsten: dict[int, float]  # jaar -> inwoners aged OLDEST_MIN_AGE and over


def _population(basis: Baseline, p: dict, a: Assumptions) -> _Population:
    """Project the population under a scenario's growth assumptions (the part of _project the rest does not change)."""
    groepen = list(basis.tarieven["leeftijdsgroep"])
    bev = project_bevolking(
        basis.bevolking, a.groei, basis.prognose_jaren, a.ouderen_groei_pct, basis.jaar, p["tot_jaar"]
    )
    bev["oud"] = bev["leeftijdsgroep"].map(is_elderly)
    bev["oudst"] = bev["leeftijdsgroep"].map(lambda band: band_bounds(band)[0] >= OLDEST_MIN_AGE)
    bev = group_ages(bev, groepen)
    per_groep = bev.groupby(["jaar", "groep"])["inwoners"].sum().unstack("groep")[groepen]
    ouderen, oudsten = {}, {}
    for jaar in per_groep.index:
        dit_jaar = bev[bev["jaar"] == jaar]
        ouderen[jaar] = dit_jaar.loc[dit_jaar["oud"], "inwoners"].sum()
        oudsten[jaar] = dit_jaar.loc[dit_jaar["oudst"], "inwoners"].sum()
    return _Population(per_groep, ouderen, oudsten)


def _project(
    basis: Baseline, p: dict, a: Assumptions, trend: pd.DataFrame | None, populations: dict | None = None
) -> tuple[pd.DataFrame, float]:
    """Return one scenario's years (population, demand, GP groups, pressure) and its yearly inflow.

    populations: projections already made for these basis and p, by growth assumptions (most scenarios of the
    sensitivity table share the central one's).
    """
    groepen = list(basis.tarieven["leeftijdsgroep"])
    aantal_basis = basis.tarieven.set_index("leeftijdsgroep")
    populations = {} if populations is None else populations
    key = (tuple(sorted(a.groei.items())), a.ouderen_groei_pct)
    if key not in populations:
        populations[key] = _population(basis, p, a)
    population = populations[key]
    per_groep = population.per_groep
    rijen = []
    for jaar, inwoners in per_groep.iterrows():
        stap = jaar - basis.jaar
        factor = pd.Series(1.0, index=groepen)
        if a.trend != NO_TREND:
            factor = trend[a.trend].map(lambda v, stap=stap: trend_factor(v, stap, p["trend_jaren"]))[groepen]
        # rate × projected population = base count × population growth of the age group (× rate trend)
        relatief = inwoners / per_groep.loc[basis.jaar] * factor
        ouderen = population.ouderen[jaar]
        rijen.append(
            {
                "jaar": jaar,
                "hulpvragen": float((aantal_basis["hulpvragen"] * relatief).sum()),
                "consulteenheden": float((aantal_basis["consulteenheden"] * relatief).sum(min_count=1)),
                "bevolking": float(inwoners.sum()),
                "ouderen_aandeel": float(ouderen / inwoners.sum()),
                "oudsten_aandeel_ouderen": float(population.oudsten[jaar] / ouderen),
            }
        )
    frame = pd.DataFrame(rijen)
    instroom = basis.aios / p["opleidingsduur_jaren"] * a.instroom_aandeel_pct / 100
    pool = pool_per_year(
        basis.leden,
        basis.overig,
        uitstroom_per_year(a.uitstroom_pct, p["uitstroom_jaren"]),
        uitstroom_per_year(a.uitstroom_overig_pct, p["uitstroom_jaren"]),
        instroom,
        basis.jaar,
        p["tot_jaar"],
    )
    for kolom in ("leden", "overig", "huisartsen"):
        frame[kolom] = pool[kolom].to_numpy()
    frame["nza_fte"] = frame["bevolking"] / NZA_NORM_PATIENTS_PER_FTE
    frame["druk"] = frame["hulpvragen"] / frame["huisartsen"]
    frame["druk_index"] = INDEX_BASE * frame["druk"] / frame["druk"].iloc[0]
    return frame, instroom


def sensitivity(
    basis: Baseline, p: dict, scenarios: dict[str, Assumptions], trend, populations: dict | None = None
) -> pd.DataFrame:
    """Return per assumption the last year's pressure index with only that assumption at its laag and hoog bound."""
    rijen = []
    for veld in SENSITIVITY_FIELDS:
        if getattr(scenarios["laag"], veld) == getattr(scenarios["hoog"], veld):
            continue  # no range for this assumption (e.g. the rate trend switched off)
        uit = {}
        for s in ("laag", "hoog"):
            a = replace(scenarios["midden"], **{veld: getattr(scenarios[s], veld)})
            frame, _ = _project(basis, p, a, trend, populations)
            uit[s] = float(frame["druk_index"].iloc[-1])
        rijen.append({"aanname": veld, **uit})
    return pd.DataFrame(rijen, columns=["aanname", "laag", "hoog"])


def backcast(basis: Baseline, p: dict, a: Assumptions) -> Backcast | None:
    """Run the rules one year, from last year to the report year, with the real populations; None without data."""
    t = basis.tellingen_vorig
    if t is None or t.empty:
        return None
    start = float(t["aantal"].sum())
    voorspeld = float((t["aantal"] * t["bevolking_nu"] / t["bevolking"]).sum())
    werkelijk = float(basis.tarieven["hulpvragen"].sum())
    v = basis.vorig_jaar
    if v is None:
        return Backcast(basis.jaar - 1, basis.jaar, start, voorspeld, werkelijk)
    instroom = v["aios"] / p["opleidingsduur_jaren"] * a.instroom_aandeel_pct / 100
    leden = v["leden"] * (1 - uitstroom_per_year(a.uitstroom_pct, p["uitstroom_jaren"])) + instroom
    overig = v["overig"] * (1 - uitstroom_per_year(a.uitstroom_overig_pct, p["uitstroom_jaren"]))
    return Backcast(
        basis.jaar - 1,
        basis.jaar,
        start,
        voorspeld,
        werkelijk,
        float(v["leden"] + v["overig"]),
        float(leden + overig),
        float(basis.pool),
    )


def run_projection(basis: Baseline, p: dict) -> Vooruitblik:
    """Run the three scenarios from the base year to p['tot_jaar'] (parameters already checked)."""
    groei = gemeente_growth(basis.prognose, p["groei_onbekend_pct"], p["bevolking_marge_pct"])
    scenarios = scenario_assumptions(p, groei)
    trend = growth_per_year(basis).set_index("leeftijdsgroep") if p["trend_leeftijd"] else None
    delen, drempels, instroom = [], [], {}
    populations: dict = {}  # one projection per distinct growth assumptions, shared by the scenarios
    for naam, a in scenarios.items():
        frame, instroom[naam] = _project(basis, p, a, trend, populations)
        frame.insert(0, "scenario", naam)
        delen.append(frame)
        index = frame.set_index("jaar")["druk_index"]
        drempels += [{"scenario": naam, "drempel_pct": d, "jaar": threshold_year(index, d)} for d in THRESHOLDS_PCT]
    return Vooruitblik(
        basis,
        dict(p),
        groei,
        scenarios,
        pd.concat(delen, ignore_index=True),
        pd.DataFrame(drempels).astype({"jaar": "Int64"}),
        instroom,
        sensitivity(basis, p, scenarios, trend, populations),
        backcast(basis, p, scenarios["midden"]),
    )


def waarde(v: Vooruitblik, scenario: str, jaar: int, kolom: str) -> float:
    """Return one projected value."""
    rij = v.projectie[(v.projectie["scenario"] == scenario) & (v.projectie["jaar"] == jaar)]
    return float(rij[kolom].iloc[0])


def drempel(v: Vooruitblik, scenario: str, drempel_pct: int):
    """Return the threshold year of one scenario (NA when it is not reached)."""
    d = v.drempels
    return d[(d["scenario"] == scenario) & (d["drempel_pct"] == drempel_pct)]["jaar"].iloc[0]
