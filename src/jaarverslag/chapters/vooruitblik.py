"""Vooruitblik: scenarios to 2040 for demand (help requests), GP capacity and the pressure between them.

The projection is a scenario, not a forecast: no age-specific population projection is available
offline, so the population is projected from documented assumptions (each a papermill parameter
of notebooks/vooruitblik.md), and the age-specific rates of the report year are carried forward.
Three scenarios share one set of parameters: ``midden`` uses every central value, ``laag`` the
bounds that give the least pressure and ``hoog`` the bounds that give the most.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from jaarverslag.render import fmt
from jaarverslag.models import modellen as md

# --- sources and fixed facts ------------------------------------------------------------------------------

OUDEREN_VANAF = 65  # CBS's definition of "ouderen": 65 years and older
OUDEREN_PERIODE = (2023, 2040)  # seed 001 §3: the share of elderly in Twente grows by about a third in this period
NZA_NORM_PATIENTEN_PER_FTE = 2095  # seed 001 §2 and §4: registered patients per full-time GP (NZa norm)
DREMPELS_PCT = (10, 25)  # the pressure thresholds the board asked for: 10% and 25% above today's level
SCENARIOS = ("laag", "midden", "hoog")  # laag = least pressure, hoog = most pressure
SCENARIO_NAMEN = {"laag": "laag (minste druk)", "midden": "midden", "hoog": "hoog (meeste druk)"}
# Which parameter of a laag/midden/hoog triple each scenario takes: a higher value raises pressure,
# except for the inflow share, where a higher value lowers it.
GRENS_MEER_DRUK = {"laag": "_min_pct", "midden": "_pct", "hoog": "_max_pct"}
GRENS_MINDER_DRUK = {"laag": "_max_pct", "midden": "_pct", "hoog": "_min_pct"}
TREND_GRENS = {"laag": "ondergrens", "midden": "verhouding", "hoog": "bovengrens"}  # columns of the age model
POOL_GROEPEN = ("Huisartslid", "Hidha of waarnemer")  # GPs who take out-of-hours shifts on their own
AIOS_GROEP = "AIOS"  # GPs in training: they take shifts under supervision, so they are inflow, not pool
TABEL_JAREN_STAP = 5  # the projection table shows the base year and every fifth year
PER_DUIZEND = 1000

T_PROGNOSE = "bevolkingsprognose"
T_HUISARTSEN = "huisartsen"

# Defaults of the notebook's parameters cell. tests/test_vooruitblik.py checks the cell repeats these
# values, so the page can say which parameters differ from the default scenario.
STANDAARD = {
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
    "uitstroom_min_pct": 21.0,
    "uitstroom_max_pct": 21.0,
    "opleidingsduur_jaren": 3,
    "instroom_aandeel_pct": 75.0,
    "instroom_aandeel_min_pct": 50.0,
    "instroom_aandeel_max_pct": 100.0,
}


class VooruitblikFout(ValueError):
    """A scenario parameter or an input table makes the projection impossible; the message is Dutch."""


# --- the arithmetic (unit-tested on hand-computed cases) ----------------------------------------------------


def jaarfactor(verandering_pct: float, jaren: int) -> float:
    """Return the constant yearly growth factor that compounds to verandering_pct over jaren years."""
    if jaren <= 0:
        raise VooruitblikFout(f"een periode van {jaren} jaar kan geen jaarlijkse groei geven")
    return (1 + verandering_pct / 100) ** (1 / jaren)


def uitstroom_per_jaar(uitstroom_pct: float, jaren: int) -> float:
    """Return the yearly share leaving, when uitstroom_pct of a group leaves within jaren years."""
    return 1 - jaarfactor(-uitstroom_pct, jaren)


def is_oud(band: str) -> bool:
    """Return whether a CBS age band lies wholly at or above OUDEREN_VANAF."""
    return md.band_grenzen(band)[0] >= OUDEREN_VANAF


def projecteer_bevolking(basis: pd.DataFrame, groei: dict[str, float], prognose_jaren: int,
                         ouderen_groei_pct: float, basisjaar: int, tot_jaar: int) -> pd.DataFrame:
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
        raise VooruitblikFout(f"geen groei van het aantal inwoners voor {', '.join(ontbreekt)}")
    oud = basis["leeftijdsgroep"].map(is_oud)
    aandeel_factor = jaarfactor(ouderen_groei_pct, OUDEREN_PERIODE[1] - OUDEREN_PERIODE[0])
    delen = []
    for gemeente, rijen in basis.groupby("gemeente", sort=True):
        oude_band = oud.loc[rijen.index]
        totaal = rijen["inwoners"].sum()
        mix_oud = rijen["inwoners"].where(oude_band, 0) / rijen.loc[oude_band, "inwoners"].sum()
        mix_jong = rijen["inwoners"].where(~oude_band, 0) / rijen.loc[~oude_band, "inwoners"].sum()
        aandeel_basis = rijen.loc[oude_band, "inwoners"].sum() / totaal
        totaal_factor = jaarfactor(groei[gemeente], prognose_jaren)
        for jaar in range(basisjaar, tot_jaar + 1):
            stap = jaar - basisjaar
            totaal_jaar = totaal * totaal_factor**stap
            aandeel = aandeel_basis * aandeel_factor**stap
            if aandeel >= 1:
                raise VooruitblikFout(f"met {fmt.getal(ouderen_groei_pct, 1)}% groei zou in {jaar} in {gemeente} "
                                      "iedereen oudere zijn; kies een kleinere ouderen_groei_pct")
            inwoners = totaal_jaar * (aandeel * mix_oud + (1 - aandeel) * mix_jong)
            delen.append(pd.DataFrame({"jaar": jaar, "gemeente": gemeente,
                                       "leeftijdsgroep": rijen["leeftijdsgroep"].to_numpy(),
                                       "inwoners": inwoners.to_numpy()}))
    return pd.concat(delen, ignore_index=True)


def capaciteit(start: float, uitstroom_jaar: float, instroom_jaar: float, basisjaar: int, tot_jaar: int) -> pd.Series:
    """Return the GP pool per year: each year a share leaves and a fixed number of newly trained GPs joins."""
    waarden, pool = [], float(start)
    for _ in range(basisjaar, tot_jaar + 1):
        waarden.append(pool)
        pool = pool * (1 - uitstroom_jaar) + instroom_jaar
    return pd.Series(waarden, index=pd.RangeIndex(basisjaar, tot_jaar + 1, name="jaar"), name="huisartsen")


def drempeljaar(index: pd.Series, drempel_pct: float) -> int | None:
    """Return the first year whose pressure index (base year = 100) is at least 100 + drempel_pct, else None."""
    boven = index[index >= 100 + drempel_pct - 1e-9]
    return None if boven.empty else int(boven.index[0])


def trend_factor(verhouding: float, stap: int, trend_jaren: int) -> float:
    """Return the rate multiplier after stap years when a one-year rate ratio holds for trend_jaren years, then stops."""
    return verhouding ** min(stap, trend_jaren)


# --- scenario assumptions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Aannames:
    """One scenario's assumptions, each resolved to a single value."""

    ouderen_groei_pct: float
    groei: dict[str, float]  # gemeente -> change of the total over the forecast period, percent
    trend: str  # which rate ratio of the age model: geen, verhouding, ondergrens or bovengrens
    uitstroom_pct: float
    instroom_aandeel_pct: float


def controleer_parameters(p: dict) -> None:
    """Check the scenario parameters; raise VooruitblikFout with a Dutch message naming the parameter."""
    for naam in ("ouderen_groei", "uitstroom", "instroom_aandeel"):
        laag, mid, hoog = p[f"{naam}_min_pct"], p[f"{naam}_pct"], p[f"{naam}_max_pct"]
        if not laag <= mid <= hoog:
            raise VooruitblikFout(f"parameters {naam}_min_pct ≤ {naam}_pct ≤ {naam}_max_pct moeten oplopen; "
                                  f"nu {laag} / {mid} / {hoog}")
    for naam in ("uitstroom_pct", "uitstroom_min_pct", "uitstroom_max_pct",
                 "instroom_aandeel_pct", "instroom_aandeel_min_pct", "instroom_aandeel_max_pct"):
        if not 0 <= p[naam] <= 100:
            raise VooruitblikFout(f"parameter {naam} moet tussen 0 en 100 liggen, niet {p[naam]}")
    for naam in ("uitstroom_jaren", "opleidingsduur_jaren"):
        if p[naam] < 1:
            raise VooruitblikFout(f"parameter {naam} moet minstens 1 zijn, niet {p[naam]}")
    if p["trend_jaren"] < 0:
        raise VooruitblikFout(f"parameter trend_jaren mag niet negatief zijn, niet {p['trend_jaren']}")
    if p["bevolking_marge_pct"] < 0:
        raise VooruitblikFout(f"parameter bevolking_marge_pct mag niet negatief zijn, niet {p['bevolking_marge_pct']}")


def gemeente_groei(prognose: pd.DataFrame, groei_onbekend_pct: float, marge_pct: float) -> pd.DataFrame:
    """Return per gemeente the change of the total (laag, midden, hoog) and where each value came from."""
    rijen = []
    for r in prognose.itertuples():
        if pd.isna(r.verandering_pct):
            mid, herkomst = groei_onbekend_pct, "parameter groei_onbekend_pct (geen prognose in de bron)"
        else:
            mid, herkomst = float(r.verandering_pct), "PBL/CBS-prognose 2022"
        if pd.notna(r.ondergrens_pct) and pd.notna(r.bovengrens_pct):
            laag, hoog = float(r.ondergrens_pct), float(r.bovengrens_pct)
            band = "interval van de prognose"
        else:
            laag, hoog = mid - marge_pct, mid + marge_pct
            band = "± parameter bevolking_marge_pct"
        rijen.append({"gemeente": r.gemeente, "laag": laag, "midden": mid, "hoog": hoog,
                      "herkomst": herkomst, "band": band})
    return pd.DataFrame(rijen)


def scenario_aannames(p: dict, groei: pd.DataFrame) -> dict[str, Aannames]:
    """Return the three scenarios: laag takes the bounds with the least pressure, hoog those with the most."""
    controleer_parameters(p)
    return {s: Aannames(
        ouderen_groei_pct=p["ouderen_groei" + GRENS_MEER_DRUK[s]],
        groei=dict(zip(groei["gemeente"], groei[s])),
        trend=TREND_GRENS[s] if p["trend_leeftijd"] else "geen",
        uitstroom_pct=p["uitstroom" + GRENS_MEER_DRUK[s]],
        instroom_aandeel_pct=p["instroom_aandeel" + GRENS_MINDER_DRUK[s]],
    ) for s in SCENARIOS}


# --- loading the base year ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Basis:
    """What the projection starts from: the report year's rates, population and GPs."""

    jaar: int
    tarieven: pd.DataFrame  # leeftijdsgroep, hulpvragen, consulteenheden, bevolking
    bevolking: pd.DataFrame  # gemeente, leeftijdsgroep (CBS band), inwoners
    bevolking_jaar: int  # the CBS year used (the report year, or the nearest one available)
    prognose: pd.DataFrame  # the bevolkingsprognose table
    prognose_jaren: int
    pool: int  # GPs taking shifts on their own in the report year
    pool_onzeker: bool
    aios: int
    groei_model: pd.DataFrame | None = None  # leeftijdsgroep, verhouding, ondergrens, bovengrens (or None)
    groei_referentiejaar: int | None = None
    opmerkingen: list[str] = field(default_factory=list)


def laad_basis(jaar: int, root: Path | None = None) -> Basis:
    """Load the report year's rates per age group, the CBS population, the forecast table and the GP counts.

    Raises VooruitblikFout (Dutch, saying what is missing) when the year lacks what the projection needs.
    """
    from jaarverslag.data.load import TabelOntbreekt, beschikbaar, lees_tabel

    try:
        gegevens = md.gegevens_leeftijd(jaar, jaar - 1, "dichtstbijzijnde", root)
    except (md.ModelFout, TabelOntbreekt) as fout:
        raise VooruitblikFout(str(fout)) from fout
    if jaar not in gegevens.jaren:
        raise VooruitblikFout(f"Voor {jaar} zijn geen hulpvragen per leeftijdsgroep beschikbaar.")
    if not beschikbaar(T_HUISARTSEN, jaar, root):
        raise VooruitblikFout(f"Voor {jaar} zijn geen aantallen huisartsen beschikbaar (data/{jaar}/huisartsen.csv).")
    tel = gegevens.tellingen[gegevens.tellingen["jaar"] == jaar].set_index("leeftijdsgroep")
    if tel["bevolking"].isna().any():
        raise VooruitblikFout("Er is geen CBS-bevolking naar leeftijd om de hulpvragen per inwoner te berekenen.")
    tarieven = pd.DataFrame({"hulpvragen": tel["aantal"], "bevolking": tel["bevolking"]})
    soort = gegevens.per_soort
    soort = soort[soort["jaar"] == jaar] if len(soort) else soort
    opmerkingen = []
    if len(soort):
        tarieven["consulteenheden"] = md.consulteenheden(soort).groupby(soort["leeftijdsgroep"]).sum()
    else:
        tarieven["consulteenheden"] = math.nan
        opmerkingen.append(f"Voor {jaar} zijn de hulpvragen per leeftijdsgroep niet naar soort gesplitst; "
                           "daarom is er geen projectie van consulteenheden.")
    tarieven = tarieven.reset_index()

    cbs = md.cbs_bevolking(root)
    cbs_jaar = md.dichtstbijzijnde_jaar(jaar, sorted(set(cbs["jaar"])))
    if cbs_jaar != jaar:
        opmerkingen.append(f"De CBS-bevolking van {jaar} ontbreekt; de projectie begint met de bevolking op "
                           f"1 januari {cbs_jaar}.")
    bevolking = cbs[cbs["jaar"] == cbs_jaar][["gemeente", "leeftijdsgroep", "inwoners"]].reset_index(drop=True)
    bevolking["inwoners"] = bevolking["inwoners"].astype(float)

    if not beschikbaar(T_PROGNOSE, None, root):
        raise VooruitblikFout(f"De tabel {T_PROGNOSE} (data/referentie/{T_PROGNOSE}.csv) ontbreekt.")
    prognose = lees_tabel(T_PROGNOSE, None, root)
    perioden = set(zip(prognose["van_jaar"], prognose["tot_jaar"]))
    if len(perioden) != 1:
        raise VooruitblikFout(f"De tabel {T_PROGNOSE} moet één periode hebben voor alle gemeenten, niet {sorted(perioden)}.")
    van, tot = perioden.pop()

    artsen = lees_tabel(T_HUISARTSEN, jaar, root).set_index("groep")
    pool_rijen = artsen.loc[[g for g in POOL_GROEPEN if g in artsen.index]]
    if len(pool_rijen) != len(POOL_GROEPEN) or pool_rijen["aantal"].isna().any() or AIOS_GROEP not in artsen.index \
            or pd.isna(artsen.loc[AIOS_GROEP, "aantal"]):
        raise VooruitblikFout(f"data/{jaar}/huisartsen.csv mist een aantal voor {', '.join(POOL_GROEPEN)} of {AIOS_GROEP}.")

    groei_model, ref = None, None
    if set(gegevens.jaren) == {jaar - 1, jaar} and gegevens.tellingen["bevolking"].notna().all():
        model = md.leeftijd_groei(gegevens.tellingen, jaar, jaar - 1)
        groei_model = model.per_groep[["leeftijdsgroep", "verhouding", "ondergrens", "bovengrens"]].copy()
        ref = jaar - 1
    return Basis(jaar=jaar, tarieven=tarieven, bevolking=bevolking, bevolking_jaar=cbs_jaar, prognose=prognose,
                 prognose_jaren=int(tot - van), pool=int(pool_rijen["aantal"].sum()),
                 pool_onzeker=bool((pool_rijen["status"] != "zeker").any()), aios=int(artsen.loc[AIOS_GROEP, "aantal"]),
                 groei_model=groei_model, groei_referentiejaar=ref, opmerkingen=opmerkingen)


# --- the projection ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Vooruitblik:
    """The three scenarios year by year, and the years in which pressure passes the thresholds."""

    basis: Basis
    parameters: dict
    groei: pd.DataFrame  # per gemeente: laag, midden, hoog, herkomst, band
    aannames: dict[str, Aannames]  # per scenario
    projectie: pd.DataFrame  # scenario, jaar, bevolking, ouderen_aandeel, hulpvragen, consulteenheden,
    #                          huisartsen, nza_fte, druk, druk_index
    drempels: pd.DataFrame  # scenario, drempel_pct, jaar (or NA)
    instroom: dict[str, float]  # scenario -> newly trained GPs joining per year


def projecteer(basis: Basis, p: dict) -> Vooruitblik:
    """Run the three scenarios from the base year to p['tot_jaar']."""
    if p["tot_jaar"] <= basis.jaar:
        raise VooruitblikFout(f"parameter tot_jaar ({p['tot_jaar']}) moet na het verslagjaar {basis.jaar} liggen")
    if p["trend_leeftijd"] and basis.groei_model is None:
        raise VooruitblikFout(f"trend_leeftijd vraagt het leeftijdsmodel {basis.jaar - 1}–{basis.jaar}, maar daarvoor "
                              "ontbreken gegevens; zet trend_leeftijd op False")
    groei = gemeente_groei(basis.prognose, p["groei_onbekend_pct"], p["bevolking_marge_pct"])
    scenarios = scenario_aannames(p, groei)
    groepen = list(basis.tarieven["leeftijdsgroep"])
    aantal_basis = basis.tarieven.set_index("leeftijdsgroep")
    delen, drempels, instroom = [], [], {}
    for naam, a in scenarios.items():
        bev = projecteer_bevolking(basis.bevolking, a.groei, basis.prognose_jaren, a.ouderen_groei_pct,
                                   basis.jaar, p["tot_jaar"])
        bev["oud"] = bev["leeftijdsgroep"].map(is_oud)
        bev = md.groepeer_leeftijd(bev, groepen)
        per_groep = bev.groupby(["jaar", "groep"])["inwoners"].sum().unstack("groep")[groepen]
        rijen = []
        for jaar, inwoners in per_groep.iterrows():
            stap = jaar - basis.jaar
            factor = pd.Series(1.0, index=groepen)
            if a.trend != "geen":
                r = basis.groei_model.set_index("leeftijdsgroep")[a.trend]
                factor = r.map(lambda v: trend_factor(v, stap, p["trend_jaren"]))[groepen]
            # rate × projected population = base count × population growth of the age group (× rate trend)
            relatief = inwoners / per_groep.loc[basis.jaar] * factor
            rijen.append({"jaar": jaar,
                          "hulpvragen": float((aantal_basis["hulpvragen"] * relatief).sum()),
                          "consulteenheden": float((aantal_basis["consulteenheden"] * relatief).sum(min_count=1)),
                          "bevolking": float(inwoners.sum()),
                          "ouderen_aandeel": float(bev[(bev["jaar"] == jaar) & bev["oud"]]["inwoners"].sum()
                                                   / inwoners.sum())})
        frame = pd.DataFrame(rijen)
        instroom[naam] = basis.aios / p["opleidingsduur_jaren"] * a.instroom_aandeel_pct / 100
        pool = capaciteit(basis.pool, uitstroom_per_jaar(a.uitstroom_pct, p["uitstroom_jaren"]), instroom[naam],
                          basis.jaar, p["tot_jaar"])
        frame["huisartsen"] = pool.to_numpy()
        frame["nza_fte"] = frame["bevolking"] / NZA_NORM_PATIENTEN_PER_FTE
        frame["druk"] = frame["hulpvragen"] / frame["huisartsen"]
        frame["druk_index"] = 100 * frame["druk"] / frame["druk"].iloc[0]
        frame.insert(0, "scenario", naam)
        delen.append(frame)
        index = frame.set_index("jaar")["druk_index"]
        drempels += [{"scenario": naam, "drempel_pct": d, "jaar": drempeljaar(index, d)} for d in DREMPELS_PCT]
    return Vooruitblik(basis, dict(p), groei, scenarios, pd.concat(delen, ignore_index=True),
                       pd.DataFrame(drempels).astype({"jaar": "Int64"}), instroom)


# --- what the page shows ------------------------------------------------------------------------------------


def waarde(v: Vooruitblik, scenario: str, jaar: int, kolom: str) -> float:
    """Return one projected value."""
    rij = v.projectie[(v.projectie["scenario"] == scenario) & (v.projectie["jaar"] == jaar)]
    return float(rij[kolom].iloc[0])


def afwijkend(p: dict) -> list[str]:
    """Return the names of the parameters that differ from the default scenario."""
    return [k for k, standaard in STANDAARD.items() if p.get(k) != standaard]


def projectie_tabel(v: Vooruitblik) -> pd.DataFrame:
    """Return the table of the three scenarios for the base year and every TABEL_JAREN_STAP years."""
    eind = v.parameters["tot_jaar"]
    jaren = sorted({v.basis.jaar, eind} | {j for j in range(v.basis.jaar + 1, eind)
                                            if j % TABEL_JAREN_STAP == 0})
    t = v.projectie[v.projectie["jaar"].isin(jaren)].copy()
    t["volgorde"] = t["scenario"].map({n: i for i, n in enumerate(SCENARIOS)})
    t = t.sort_values(["jaar", "volgorde"], kind="stable")
    t["jaar"] = t["jaar"].astype(str)  # a year, not a quantity: no thousands separator
    t["ouderen_aandeel"] = 100 * t["ouderen_aandeel"]
    kolommen = {"jaar": "Jaar", "scenario": "Scenario", "ouderen_aandeel": "Aandeel 65+ (%)",
                "hulpvragen": "Hulpvragen", "consulteenheden": "Consulteenheden", "huisartsen": "Huisartsen",
                "druk_index": f"Druk (index {v.basis.jaar} = 100)"}
    if t["consulteenheden"].isna().all():
        kolommen.pop("consulteenheden")
    return t[list(kolommen)].rename(columns=kolommen).reset_index(drop=True)


def projectie_opmaak(tabel: pd.DataFrame) -> dict:
    """Return the Dutch formatting of the projection table's columns."""
    een_decimaal = {c for c in tabel.columns if c.startswith(("Aandeel", "Druk", "Huisartsen"))}
    return {c: (lambda x: fmt.getal(x, 1)) if c in een_decimaal else (lambda x: fmt.getal(x))
            for c in tabel.columns if c not in ("Jaar", "Scenario")}


def _drempel(v: Vooruitblik, scenario: str, drempel_pct: int):
    """Return the threshold year of one scenario (NA when it is not reached)."""
    d = v.drempels
    return d[(d["scenario"] == scenario) & (d["drempel_pct"] == drempel_pct)]["jaar"].iloc[0]


def drempel_tabel(v: Vooruitblik) -> pd.DataFrame:
    """Return per scenario the first year pressure is 10% and 25% above the base year (or 'niet vóór ...')."""
    eind = v.parameters["tot_jaar"]
    rijen = []
    for s in SCENARIOS:
        rij = {"Scenario": SCENARIO_NAMEN[s]}
        for d in DREMPELS_PCT:
            j = _drempel(v, s, d)
            rij[f"+{d}% bereikt in"] = f"niet vóór {eind + 1}" if pd.isna(j) else str(int(j))
        rijen.append(rij)
    return pd.DataFrame(rijen)


def drempel_zin(v: Vooruitblik) -> str:
    """Return one sentence on when pressure passes the thresholds in the central scenario."""
    eind, basisjaar = v.parameters["tot_jaar"], v.basis.jaar
    delen = []
    for d in DREMPELS_PCT:
        jaren = {s: _drempel(v, s, d) for s in SCENARIOS}
        mid = jaren["midden"]
        tekst = (f"{d}% boven het niveau van {basisjaar} komt de druk in het middenscenario "
                 + (f"in {int(mid)}" if pd.notna(mid) else f"niet vóór {eind + 1}"))
        snel, traag = jaren["hoog"], jaren["laag"]
        tekst += (" (bandbreedte: " + (f"vanaf {int(snel)}" if pd.notna(snel) else f"niet vóór {eind + 1}") + " tot "
                  + (f"{int(traag)}" if pd.notna(traag) else f"niet vóór {eind + 1}") + ")")
        delen.append(tekst)
    return "; ".join(delen).capitalize() + "."


def _afgerond(x: float) -> float:
    """Round a projected count to hundreds: more digits would suggest a precision a scenario does not have."""
    return fmt.round_half_up(x, -2)


def samenvatting(v: Vooruitblik) -> str:
    """Return the chapter's opening sentences: demand, pool and pressure in the last year of the central scenario."""
    b, eind = v.basis.jaar, v.parameters["tot_jaar"]
    h0, h1 = waarde(v, "midden", b, "hulpvragen"), waarde(v, "midden", eind, "hulpvragen")
    lo, hi = waarde(v, "laag", eind, "hulpvragen"), waarde(v, "hoog", eind, "hulpvragen")
    p0, p1 = waarde(v, "midden", b, "huisartsen"), waarde(v, "midden", eind, "huisartsen")
    d1 = waarde(v, "midden", eind, "druk_index")
    dlo, dhi = waarde(v, "laag", eind, "druk_index"), waarde(v, "hoog", eind, "druk_index")
    return (f"In het middenscenario groeit het aantal hulpvragen van {fmt.getal(h0)} in {b} naar ongeveer "
            f"{fmt.getal(_afgerond(h1))} in {eind} "
            f"({fmt.verandering(100 * (h1 / h0 - 1))}; bandbreedte {fmt.getal(_afgerond(lo))} tot "
            f"{fmt.getal(_afgerond(hi))}). De groep huisartsen die diensten doet, gaat van {fmt.getal(p0)} naar "
            f"ongeveer {fmt.getal(p1)}. Per huisarts komt de druk in {eind} daarmee op index {fmt.getal(d1)} "
            f"({b} = 100; bandbreedte {fmt.getal(dlo)} tot {fmt.getal(dhi)}).")


# Meaning of each parameter, in the words of the page (one place for the parameter table and the tests).
BETEKENIS = {
    "tot_jaar": "laatste jaar van de projectie",
    "ouderen_groei_pct": "groei van het aandeel 65-plussers tussen 2023 en 2040, in procent",
    "ouderen_groei_min_pct": "idem, ondergrens van de bandbreedte",
    "ouderen_groei_max_pct": "idem, bovengrens van de bandbreedte",
    "groei_onbekend_pct": "verandering van het aantal inwoners 2021–2035 voor gemeenten zonder prognose, in procent",
    "bevolking_marge_pct": "bandbreedte (±) rond een prognose zonder eigen interval, in procentpunten",
    "trend_leeftijd": "ook de verandering per inwoner uit het leeftijdsmodel doortrekken (True/False)",
    "trend_jaren": "aantal jaren dat die verandering doorgaat",
    "uitstroom_pct": "deel van de huisartsen dat binnen uitstroom_jaren stopt, in procent",
    "uitstroom_jaren": "de periode waarover dat deel stopt, in jaren",
    "uitstroom_min_pct": "idem, ondergrens van de bandbreedte",
    "uitstroom_max_pct": "idem, bovengrens van de bandbreedte",
    "opleidingsduur_jaren": "duur van de huisartsopleiding: elk jaar rondt 1/opleidingsduur van de AIOS af",
    "instroom_aandeel_pct": "deel van de afgestudeerde AIOS dat diensten gaat doen, in procent",
    "instroom_aandeel_min_pct": "idem, ondergrens van de bandbreedte",
    "instroom_aandeel_max_pct": "idem, bovengrens van de bandbreedte",
}


def parameter_waarde(v) -> str:
    """Format a parameter value the Dutch way (33,3; True → ja)."""
    if isinstance(v, bool):
        return "ja" if v else "nee"
    if isinstance(v, float):
        return fmt.getal(v, 1)
    return str(v)


def parameter_tabel(p: dict) -> pd.DataFrame:
    """Return the parameters used, their defaults and meaning; a changed value is marked in the last column."""
    return pd.DataFrame([{"Parameter": k, "Gebruikt": parameter_waarde(p[k]), "Standaard": parameter_waarde(s),
                          "Gewijzigd": "gewijzigd" if p[k] != s else "", "Betekenis": BETEKENIS[k]}
                         for k, s in STANDAARD.items()])


def afwijkend_zin(p: dict) -> str:
    """Say whether this page uses the default scenario or which parameters were changed."""
    anders = afwijkend(p)
    if not anders:
        return "Deze pagina gebruikt de standaardwaarden van alle parameters."
    return ("Let op: deze pagina is gebouwd met gewijzigde parameters: "
            + ", ".join(f"{k} = {parameter_waarde(p[k])} (standaard {parameter_waarde(STANDAARD[k])})" for k in anders)
            + ".")


def bereik(laag: float, mid: float, hoog: float, decimalen: int = 1, eenheid: str = "%") -> str:
    """Format a central value with its range: '33,3% (25,0% tot 40,0%)'; no range when the bounds equal it."""
    def f(x):
        return fmt.getal(x, decimalen) + eenheid
    return f(mid) if laag == mid == hoog else f"{f(mid)} ({f(laag)} tot {f(hoog)})"


def gemeenten_zin(v: Vooruitblik) -> str:
    """Say the population change per gemeente used, and which values are filled in by a parameter."""
    jaren = f"{int(v.basis.prognose['van_jaar'].iloc[0])}–{int(v.basis.prognose['tot_jaar'].iloc[0])}"
    delen = [f"{r.gemeente} {fmt.verandering(r.midden)}" + ("" if r.herkomst.startswith("PBL") else " (aanname)")
             for r in v.groei.itertuples()]
    eigen = v.groei[v.groei["band"] == "interval van de prognose"]["gemeente"].tolist()
    return (f"Verandering van het aantal inwoners {jaren}: " + "; ".join(delen) + ". "
            + (f"Alleen voor {', '.join(eigen)} geeft de prognose een interval; " if eigen else "")
            + f"voor de andere gemeenten is de bandbreedte ± {fmt.getal(v.parameters['bevolking_marge_pct'], 1)} "
              "procentpunt. Na het laatste prognosejaar loopt dezelfde jaarlijkse verandering door.")


def trend_zin(v: Vooruitblik) -> str:
    """Say whether the age-specific rates are held constant or follow the age model."""
    b, p = v.basis, v.parameters
    if not p["trend_leeftijd"]:
        return (f"Het aantal hulpvragen per inwoner blijft per leeftijdsgroep gelijk aan {b.jaar}. "
                + (f"Het leeftijdsmodel ({b.groei_referentiejaar}–{b.jaar}) is niet doorgetrokken: "
                   "die verandering meet één jaar, en de coronajaren maken die ongeschikt als trend."
                   if b.groei_model is not None else ""))
    delen = "; ".join(f"{r.leeftijdsgroep} jaar {fmt.getal(r.verhouding, 2)} ({fmt.getal(r.ondergrens, 2)} tot "
                      f"{fmt.getal(r.bovengrens, 2)})" for r in b.groei_model.itertuples())
    return (f"Het aantal hulpvragen per inwoner volgt {p['trend_jaren']} jaar lang de verandering per jaar uit het "
            f"leeftijdsmodel ({b.groei_referentiejaar}–{b.jaar}): {delen}; daarna blijft het gelijk. Het laagste "
            "scenario neemt de ondergrens van het interval, het hoogste de bovengrens.")


def pool_zin(v: Vooruitblik) -> str:
    """Say how many GPs take shifts in the base year and how in- and outflow are set."""
    b, p = v.basis, v.parameters
    u = {s: 100 * uitstroom_per_jaar(a.uitstroom_pct, p["uitstroom_jaren"])
         for s, a in v.aannames.items()}
    return (f"In {b.jaar} deden {fmt.getal(b.pool)} huisartsen zelfstandig diensten (huisartsleden en hidha's of "
            f"waarnemers{'; deze aantallen zijn onzeker, zie het hoofdstuk Huisartsen en medewerkers' if b.pool_onzeker else ''}). "
            f"Van hen stopt {bereik(p['uitstroom_min_pct'], p['uitstroom_pct'], p['uitstroom_max_pct'])} binnen "
            f"{p['uitstroom_jaren']} jaar: {bereik(u['laag'], u['midden'], u['hoog'])} per jaar. Er waren "
            f"{fmt.getal(b.aios)} AIOS; bij een opleiding van {p['opleidingsduur_jaren']} jaar ronden er elk jaar "
            f"{fmt.getal(b.aios / p['opleidingsduur_jaren'], 1)} af, en van hen gaat "
            f"{bereik(p['instroom_aandeel_min_pct'], p['instroom_aandeel_pct'], p['instroom_aandeel_max_pct'], 0)} "
            f"diensten doen: {bereik(v.instroom['hoog'], v.instroom['midden'], v.instroom['laag'], 1, '')} "
            "nieuwe huisartsen per jaar.")


def _band(ax, v: Vooruitblik, kolom: str, kleur, label: str, lijn: str = "-", arcering: str = "//",
          marker: str = "o") -> pd.DataFrame:
    """Draw the central scenario as a line and the laag–hoog range as a hatched band; return the scenarios per year."""
    t = v.projectie.pivot(index="jaar", columns="scenario", values=kolom)
    onder, boven = t[["laag", "hoog"]].min(axis=1), t[["laag", "hoog"]].max(axis=1)
    ax.fill_between(t.index, onder, boven, color=kleur, alpha=0.2, hatch=arcering, edgecolor=kleur, lw=0,
                    label=f"{label}: bandbreedte")
    ax.plot(t.index, t["midden"], color=kleur, lw=2.2, ls=lijn, marker=marker, ms=3, label=f"{label}: middenscenario")
    return t


def _band_tekst(t: pd.DataFrame, eind: int) -> str:
    """Describe a drawn band for alt text: start, central end value and the range in the last year."""
    return (f"van {fmt.getal(t['midden'].iloc[0])} naar {fmt.getal(t['midden'].iloc[-1])} in {eind} in het "
            f"middenscenario (bandbreedte {fmt.getal(t[['laag', 'hoog']].iloc[-1].min())} tot "
            f"{fmt.getal(t[['laag', 'hoog']].iloc[-1].max())})")


def _figuur():
    """Return a new figure and axes in the book's style for a chart over the projection years."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    from jaarverslag.render import charts

    fig, ax = plt.subplots(figsize=(9, 4.8))
    return fig, ax, sns.color_palette(charts.PALETTE)


def _afwerken(fig, ax, v: Vooruitblik, titel: str, ylabel: str, legenda: str, bron: str) -> None:
    """Finish a projection chart: year axis, labels, legend and the source line."""
    import matplotlib.ticker as mticker

    from jaarverslag.render import charts

    ax.set_xlim(v.basis.jaar - 0.5, v.parameters["tot_jaar"] + 0.5)
    ax.xaxis.set_major_locator(mticker.MultipleLocator(TABEL_JAREN_STAP))
    ax.set_xlabel("Jaar")
    ax.set_ylabel(ylabel)
    ax.set_title(titel)
    ax.legend(loc=legenda, fontsize=9)
    charts.bron(fig, bron)
    fig.tight_layout(rect=(0, 0.04, 1, 1))


def vraag_grafiek(v: Vooruitblik, bron: str):
    """Return the demand chart (help requests, and consult units when available) with its alt text."""
    from jaarverslag.render import charts

    fig, ax, pal = _figuur()
    eind = v.parameters["tot_jaar"]
    t = _band(ax, v, "hulpvragen", pal[0], "Hulpvragen")
    alt = f"Lijngrafiek van de verwachte hulpvragen per jaar, {_band_tekst(t, eind)}."
    if v.projectie["consulteenheden"].notna().all():
        e = _band(ax, v, "consulteenheden", pal[2], "Consulteenheden", lijn="--", arcering="\\\\", marker="s")
        alt += f" Een gestippelde lijn toont de consulteenheden, {_band_tekst(e, eind)}."
    ax.set_ylim(bottom=0)
    charts.dutch_thousands(ax.yaxis)
    _afwerken(fig, ax, v, f"Verwachte zorgvraag bij de spoedposten, {v.basis.jaar}–{eind}", "Per jaar", "lower left",
              bron)
    return fig, alt


def capaciteit_grafiek(v: Vooruitblik, bron: str):
    """Return the GP capacity chart with the NZa-norm reference line and its alt text."""
    fig, ax, pal = _figuur()
    eind = v.parameters["tot_jaar"]
    t = _band(ax, v, "huisartsen", pal[0], "Huisartsen die diensten doen")
    n = v.projectie.pivot(index="jaar", columns="scenario", values="nza_fte")["midden"]
    ax.plot(n.index, n, color=pal[3], lw=1.8, ls="--",
            label=f"Nodig bij de NZa-norm ({fmt.getal(NZA_NORM_PATIENTEN_PER_FTE)} patiënten per fte)")
    ax.set_ylim(bottom=0)
    _afwerken(fig, ax, v, "Huisartsen die diensten doen, tegen de NZa-norm", "Huisartsen (personen) en fte",
              "lower left", bron)
    alt = (f"Lijngrafiek van het aantal huisartsen dat diensten doet, {_band_tekst(t, eind)}. Een gestreepte lijn "
           f"geeft het aantal fulltime huisartsen dat de bevolking volgens de NZa-norm nodig heeft: "
           f"{fmt.getal(n.iloc[0])} in {v.basis.jaar} en {fmt.getal(n.iloc[-1])} in {eind}.")
    return fig, alt


def druk_grafiek(v: Vooruitblik, bron: str):
    """Return the pressure-index chart with the 10% and 25% thresholds and its alt text."""
    fig, ax, pal = _figuur()
    eind = v.parameters["tot_jaar"]
    t = _band(ax, v, "druk_index", pal[1], "Druk")
    for d, stijl in zip(DREMPELS_PCT, (":", "-.")):
        ax.axhline(100 + d, color="#444444", lw=1.2, ls=stijl)
        ax.annotate(f"+{d}%", (v.basis.jaar - 0.3, 100 + d), xytext=(0, 3), textcoords="offset points", fontsize=9)
    ax.axhline(100, color="#444444", lw=0.8)
    _afwerken(fig, ax, v, "Druk: hulpvragen per huisarts die diensten doet",
              f"Hulpvragen per huisarts (index {v.basis.jaar} = 100)", "upper left", bron)
    lijnen = " en ".join(str(100 + d) for d in DREMPELS_PCT)
    alt = (f"Lijngrafiek van de druk, de hulpvragen per huisarts als index ({v.basis.jaar} = 100), met lijnen bij "
           f"{lijnen}: {_band_tekst(t, eind)}. {drempel_zin(v)}")
    return fig, alt


def vraag_zin(v: Vooruitblik) -> str:
    """Say where demand growth comes from: the rate of the oldest group, the population and the units."""
    b, eind = v.basis, v.parameters["tot_jaar"]
    t = b.tarieven
    per_1000 = PER_DUIZEND * t["hulpvragen"] / t["bevolking"]
    oudste, gemiddeld = per_1000.iloc[-1], PER_DUIZEND * t["hulpvragen"].sum() / t["bevolking"].sum()
    bev0, bev1 = waarde(v, "midden", b.jaar, "bevolking"), waarde(v, "midden", eind, "bevolking")
    oud0, oud1 = waarde(v, "midden", b.jaar, "ouderen_aandeel"), waarde(v, "midden", eind, "ouderen_aandeel")
    tekst = (f"In {b.jaar} deden inwoners van {t['leeftijdsgroep'].iloc[-1]} jaar {fmt.getal(oudste)} hulpvragen "
             f"per 1.000, tegen {fmt.getal(gemiddeld)} per 1.000 voor alle leeftijden samen "
             f"({fmt.getal(oudste / gemiddeld, 1)} keer zo veel). In het middenscenario gaat het aandeel 65-plussers "
             f"van {fmt.procent(100 * oud0)} naar {fmt.procent(100 * oud1)}, terwijl het aantal inwoners "
             f"{fmt.verandering(100 * (bev1 / bev0 - 1))} verandert.")
    if not math.isnan(waarde(v, "midden", b.jaar, "consulteenheden")):
        h = waarde(v, "midden", eind, "hulpvragen") / waarde(v, "midden", b.jaar, "hulpvragen") - 1
        e = waarde(v, "midden", eind, "consulteenheden") / waarde(v, "midden", b.jaar, "consulteenheden") - 1
        tekst += (f" De consulteenheden, die een visite zwaarder wegen dan een telefonisch advies, veranderen "
                  f"{fmt.verandering(100 * e)} tegen {fmt.verandering(100 * h)} voor de hulpvragen.")
    return tekst


def capaciteit_zin(v: Vooruitblik) -> str:
    """Say where the pool settles: the level at which yearly outflow equals inflow, in the central scenario."""
    p = v.parameters
    a = v.aannames["midden"]
    u = uitstroom_per_jaar(a.uitstroom_pct, p["uitstroom_jaren"])
    if u == 0:
        return "Zonder uitstroom groeit de groep elk jaar met de instroom."
    evenwicht = v.instroom["midden"] / u
    richting = "krimpt" if evenwicht < v.basis.pool else "groeit"
    return (f"In het middenscenario {richting} de groep naar een evenwicht van ongeveer {fmt.getal(evenwicht)} "
            f"huisartsen, het aantal waarbij elk jaar evenveel huisartsen stoppen als er bijkomen "
            f"({fmt.getal(v.instroom['midden'], 1)} per jaar); in {p['tot_jaar']} zijn het er "
            f"{fmt.getal(waarde(v, 'midden', p['tot_jaar'], 'huisartsen'))}.")


def rekenvoorbeeld(v: Vooruitblik) -> pd.DataFrame:
    """Return the first projected year of the central scenario worked out step by step (for the methods chapter)."""
    b, p = v.basis, v.parameters
    j0, j1 = b.jaar, b.jaar + 1
    a = v.aannames["midden"]
    u = uitstroom_per_jaar(a.uitstroom_pct, p["uitstroom_jaren"])
    pool0, pool1 = waarde(v, "midden", j0, "huisartsen"), waarde(v, "midden", j1, "huisartsen")
    h0, h1 = waarde(v, "midden", j0, "hulpvragen"), waarde(v, "midden", j1, "hulpvragen")
    d1 = waarde(v, "midden", j1, "druk_index")
    rijen = [
        ("Uitstroom per jaar", f"1 − (1 − {fmt.getal(a.uitstroom_pct, 1)}%)^(1/{p['uitstroom_jaren']})",
         fmt.procent(100 * u, 2)),
        ("Instroom per jaar", f"{b.aios} AIOS / {p['opleidingsduur_jaren']} jaar × {fmt.getal(a.instroom_aandeel_pct, 0)}%",
         fmt.getal(v.instroom["midden"], 2)),
        (f"Huisartsen {j1}", f"{fmt.getal(pool0)} × (1 − {fmt.procent(100 * u, 2)}) + {fmt.getal(v.instroom['midden'], 2)}",
         fmt.getal(pool1, 1)),
        (f"Hulpvragen {j1}", f"som over de leeftijdsgroepen van hulpvragen {j0} × inwoners {j1} / inwoners {j0}",
         fmt.getal(h1, 0)),
        (f"Druk {j1}", f"({fmt.getal(h1, 0)} / {fmt.getal(pool1, 1)}) / ({fmt.getal(h0, 0)} / {fmt.getal(pool0)}) × 100",
         fmt.getal(d1, 1)),
    ]
    return pd.DataFrame(rijen, columns=["Stap", "Berekening", "Uitkomst"])
