"""The models' input tables: CBS population per report age group, help requests and consulteenheden per year.

Table loading that the trend models, the population chapter and the Vooruitblik share; no statistics here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

# Table names in data/codebook/.
T_AGE_TOTAL = "hulpvragen_leeftijd_totaal"
T_AGE_TYPE = "hulpvragen_leeftijd"
T_BEVOLKING = "cbs_bevolking_leeftijd"
T_PER_1000 = "zorgconsumptie_per_1000"
T_CONSULTEENHEDEN = "consulteenheden"
T_CONSUMPTION_TYPE = "zorgconsumptie"
T_DENOMINATOR = "inwoners_gemeente"
UNKNOWN = "Onbekend"
PER_THOUSAND = 1000  # rates are expressed per this many inhabitants
FALLBACKS = ("dichtstbijzijnde", "aantallen")  # when a year's population by age is missing


class ModelError(ValueError):
    """A model cannot be fitted on the data given; the message is Dutch and meant for the page."""


def band_bounds(label: str) -> tuple[float, float]:
    """Return [lower, upper) years of an age label like '0-4', '0-10', '80+' or '95+'."""
    label = str(label).replace(" jaar", "").strip()
    if label.endswith("+"):
        return float(label[:-1]), math.inf
    lo, hi = (float(x) for x in re.split(r"\s*-\s*", label))
    return lo, hi


def group_ages(bevolking: pd.DataFrame, groepen: list[str]) -> pd.DataFrame:
    """Sum 5-year CBS bands into the report's age groups; bands must not straddle a group boundary."""
    # Report groups are written '0-10', '10-20': 0-10 means ages 0 up to 10 (0-9); CBS bands '0-4' mean 0..4 inclusive.
    group_bounds = {g: band_bounds(g) for g in groepen}

    def which(band: str) -> str:
        lo, hi = band_bounds(band)
        hi = hi + 1 if math.isfinite(hi) else hi  # '0-4' covers [0, 5)
        for g, (glo, ghi) in group_bounds.items():
            if lo >= glo and hi <= ghi:
                return g
        raise ValueError(f"leeftijdsband {band!r} past niet in één leeftijdsgroep van het verslag")

    out = bevolking.copy()
    out["groep"] = out["leeftijdsgroep"].astype(str).map(which)
    return out


def cbs_bevolking(root: Path | None = None) -> pd.DataFrame:
    """Return the CBS population per gemeente and 5-year band with a `jaar` column (the year of its 1 January)."""
    from jaarverslag.data.load import load_table

    cbs = load_table(T_BEVOLKING, None, root)
    cbs["jaar"] = cbs["peildatum"].astype(str).str[:4].astype(int)
    return cbs


def bevolking_per_group(groepen: list[str], root: Path | None = None) -> pd.DataFrame:
    """Return the CBS population per report age group and year (1 January): jaar, leeftijdsgroep, bevolking."""
    cbs = group_ages(cbs_bevolking(root), groepen)
    out = cbs.groupby(["jaar", "groep"], sort=False)["inwoners"].sum().reset_index()
    out = out.rename(columns={"groep": "leeftijdsgroep", "inwoners": "bevolking"})
    out["bevolking"] = out["bevolking"].astype(float)
    return out


def nearest_year(year: int, available: list[int]) -> int:
    """Return the available year closest to year (the earlier one on a tie)."""
    return min(available, key=lambda a: (abs(a - year), a))


@dataclass(frozen=True)
class AgeData:
    """The age model's input and how each year's population was obtained."""

    tellingen: pd.DataFrame  # jaar, leeftijdsgroep, aantal, bevolking
    per_soort: pd.DataFrame  # jaar, leeftijdsgroep, soort, aantal, bevolking (years that have types)
    bevolking_bron: pd.DataFrame  # jaar, bron (text), terugval (bool)
    jaren: list[int]
    groepen: list[str] = field(default_factory=list)


def load_age_data(
    jaar: int, referentiejaar: int, terugval: str = "dichtstbijzijnde", root: Path | None = None
) -> AgeData:
    """Load help requests per age group for the two years and attach the population (with fallback)."""
    from jaarverslag.data.load import is_available, load_table

    if terugval not in FALLBACKS:
        raise ValueError(f"onbekende terugval {terugval!r}; kies uit {', '.join(FALLBACKS)}")
    years = [j for j in (referentiejaar, jaar) if is_available(T_AGE_TOTAL, j, root)]
    if not years:
        raise ModelError(f"Voor {jaar} zijn geen hulpvragen per leeftijdsgroep beschikbaar.")
    counts = pd.concat([load_table(T_AGE_TOTAL, j, root) for j in years], ignore_index=True)
    counts = counts[counts["aantal"].notna()]
    groups = list(dict.fromkeys(counts["leeftijdsgroep"].astype(str)))
    types = pd.concat(
        [load_table(T_AGE_TYPE, j, root) for j in years if is_available(T_AGE_TYPE, j, root)]
        or [pd.DataFrame(columns=["jaar", "leeftijdsgroep", "soort", "aantal"])],
        ignore_index=True,
    )
    pop = (
        bevolking_per_group(groups, root)
        if is_available(T_BEVOLKING, None, root)
        else pd.DataFrame(columns=["jaar", "leeftijdsgroep", "bevolking"])
    )
    available = sorted(set(pop["jaar"].astype(int)))
    rows, sources = [], []
    for j in years:
        if j in available:
            use, note, fallback = j, f"CBS-bevolking op 1 januari {j}", False
        elif available and terugval == "dichtstbijzijnde":
            use = nearest_year(j, available)
            note, fallback = (
                (
                    f"terugval: CBS-bevolking op 1 januari {use} (leeftijdsopbouw van het dichtstbijzijnde "
                    f"jaar; voor {j} is geen bevolking per leeftijd beschikbaar)"
                ),
                True,
            )
        else:
            use, note, fallback = (
                None,
                (
                    f"terugval: alleen aantallen (voor {j} is geen bevolking per leeftijd "
                    f"beschikbaar; de verhouding is een verhouding van aantallen)"
                ),
                True,
            )
        part = (
            pop[pop["jaar"] == use][["leeftijdsgroep", "bevolking"]]
            if use is not None
            else pd.DataFrame({"leeftijdsgroep": groups, "bevolking": [math.nan] * len(groups)})
        )
        rows.append(part.assign(jaar=j))
        sources.append({"jaar": j, "bron": note, "terugval": fallback})
    popyear = pd.concat(rows, ignore_index=True)
    if any(s["terugval"] and "alleen aantallen" in s["bron"] for s in sources):
        popyear["bevolking"] = math.nan  # counts only: both years, else the ratio mixes rates and counts
    tellingen = counts[["jaar", "leeftijdsgroep", "aantal"]].astype({"jaar": int, "leeftijdsgroep": str})
    tellingen = tellingen.merge(popyear, on=["jaar", "leeftijdsgroep"], how="left")
    tellingen["aantal"] = tellingen["aantal"].astype(float)
    per_soort = types[["jaar", "leeftijdsgroep", "soort", "aantal"]].astype({"leeftijdsgroep": str, "soort": str})
    if len(per_soort):
        per_soort = per_soort.astype({"jaar": int}).merge(popyear, on=["jaar", "leeftijdsgroep"], how="left")
        per_soort["aantal"] = per_soort["aantal"].astype(float)
    return AgeData(tellingen, per_soort, pd.DataFrame(sources), years, groups)


def hidden_gemeenten(jaar: int, root: Path | None = None) -> dict[str, str]:
    """Return the gemeenten (and Onbekend) whose consulteenheden and rates the book hides this year: small counts.

    From registrations only (typed tables hide nothing); a gemeente's consulteenheden and its total of help
    requests give its hidden counts per soort back together, so all its weighted figures go (disclosure.hidden_rows).
    """
    from jaarverslag.data.registrations import disclosure

    return disclosure.hidden_rows(disclosure.hidden_cells(T_CONSUMPTION_TYPE, jaar, root))


@dataclass(frozen=True)
class ConsumptionData:
    """The consumption model's input per gemeente and year, with where units and denominators came from."""

    tabel: pd.DataFrame  # jaar, gemeente, consulteenheden, inwoners, per_1000_gedrukt, bron_eenheden, bron_noemer
    soorten: dict[int, dict[str, float]]  # per year: regional counts per soort (for the weights' variance factor)
    jaren: list[int]


def load_consumption_data(jaar: int, root: Path | None = None) -> ConsumptionData:
    """Load consulteenheden and denominators per gemeente for every report year up to jaar."""
    from jaarverslag.data.load import is_available, load_table
    from jaarverslag.data.paths import report_years

    years = [
        j
        for j in report_years(root)
        if j <= jaar and (is_available(T_PER_1000, j, root) or is_available(T_CONSULTEENHEDEN, j, root))
    ]
    denominators = {
        j: load_table(T_DENOMINATOR, j, root) for j in report_years(root) if is_available(T_DENOMINATOR, j, root)
    }
    if not years:
        raise ModelError(f"Voor {jaar} en eerder zijn geen consulteenheden per gemeente beschikbaar.")
    if not denominators:
        raise ModelError("Het aantal inwoners per gemeente (de noemer van het verslag) ontbreekt voor alle jaren.")
    frames, soorten = [], {}
    for j in years:
        use = j if j in denominators else nearest_year(j, sorted(denominators))
        noemer = denominators[use][["gemeente", "inwoners_x1000"]].astype({"gemeente": str})
        noemer["inwoners"] = noemer["inwoners_x1000"].astype(float) * PER_THOUSAND
        noemer["bron_noemer"] = (
            f"gedrukte noemer {j}" if use == j else f"terugval: gedrukte noemer van {use} (voor {j} niet gedrukt)"
        )
        printed = (
            load_table(T_PER_1000, j, root)[["gemeente", "consulteenheden_per_1000"]]
            .astype({"gemeente": str})
            .rename(columns={"consulteenheden_per_1000": "per_1000_gedrukt"})
            if is_available(T_PER_1000, j, root)
            else pd.DataFrame(columns=["gemeente", "per_1000_gedrukt"])
        )
        part = noemer.merge(printed, on="gemeente", how="left")
        if is_available(T_CONSULTEENHEDEN, j, root):
            units = load_table(T_CONSULTEENHEDEN, j, root)[["gemeente", "consulteenheden"]].astype({"gemeente": str})
            part = part.merge(units, on="gemeente", how="left")
            part["bron_eenheden"] = "geteld (tabel consulteenheden)"
        else:
            part["consulteenheden"] = part["per_1000_gedrukt"].astype(float) * part["inwoners_x1000"].astype(float)
            part["bron_eenheden"] = "teruggerekend: gedrukt getal per 1.000 × gedrukte noemer"
        if is_available(T_CONSUMPTION_TYPE, j, root):
            types = load_table(T_CONSUMPTION_TYPE, j, root)
            types = types[types["gemeente"].astype(str) != UNKNOWN]
            soorten[j] = types.groupby(types["soort"].astype(str))["aantal"].sum().astype(float).to_dict()
        part["jaar"] = j
        frames.append(part)
    table = pd.concat(frames, ignore_index=True)
    table = table[table["gemeente"] != UNKNOWN].dropna(subset=["consulteenheden", "inwoners"])
    table["consulteenheden"] = table["consulteenheden"].astype(float)
    table["per_1000_gedrukt"] = table["per_1000_gedrukt"].astype("Float64")
    return ConsumptionData(
        table[
            ["jaar", "gemeente", "consulteenheden", "inwoners", "per_1000_gedrukt", "bron_eenheden", "bron_noemer"]
        ].reset_index(drop=True),
        soorten,
        years,
    )


@dataclass(frozen=True)
class StandardisationData:
    """Inputs of the age standardisation per gemeente for one year, and which CBS year was used."""

    waargenomen: pd.Series  # help requests per gemeente (Onbekend left out), index gemeente
    onbekend: int  # help requests whose gemeente is unknown (in the region's age counts, in no gemeente)
    bevolking: pd.DataFrame  # gemeente, leeftijdsgroep (report groups), bevolking (CBS, 1 January)
    regio: pd.DataFrame  # leeftijdsgroep, aantal: the region's help requests per age group
    bevolking_jaar: int  # the CBS year used (1 January)


def load_standardisation_data(jaar: int, root: Path | None = None) -> StandardisationData:
    """Load help requests per gemeente, per age group (region) and the CBS population per gemeente and age group."""
    from jaarverslag.data.load import is_available, load_table

    needed = (T_CONSUMPTION_TYPE, T_AGE_TOTAL)
    if not all(is_available(t, jaar, root) for t in needed):
        raise ModelError(f"Voor {jaar} zijn geen hulpvragen per gemeente en per leeftijdsgroep beschikbaar.")
    if not is_available(T_BEVOLKING, None, root):
        raise ModelError("De CBS-bevolking per gemeente en leeftijd ontbreekt.")
    counts = load_table(T_CONSUMPTION_TYPE, jaar, root)
    per_gemeente = counts.groupby(counts["gemeente"].astype(str), sort=False)["aantal"].sum()
    unknown = int(per_gemeente.get(UNKNOWN, 0))
    per_gemeente = per_gemeente.drop(UNKNOWN, errors="ignore").astype(int)
    regio = load_table(T_AGE_TOTAL, jaar, root)[["leeftijdsgroep", "aantal"]].astype({"leeftijdsgroep": str})
    if regio["aantal"].isna().any():
        raise ModelError(f"Voor {jaar} ontbreekt het aantal hulpvragen van een leeftijdsgroep.")
    groups = list(regio["leeftijdsgroep"])
    cbs = group_ages(cbs_bevolking(root), groups)
    use = nearest_year(jaar, sorted(set(cbs["jaar"])))
    cbs = cbs[cbs["jaar"] == use]
    pop = cbs.groupby(["gemeente", "groep"], sort=False, observed=True)["inwoners"].sum().reset_index()
    pop = pop.rename(columns={"groep": "leeftijdsgroep", "inwoners": "bevolking"}).astype({"gemeente": str})
    pop = pop[pop["gemeente"].isin(per_gemeente.index)]
    return StandardisationData(per_gemeente, unknown, pop.reset_index(drop=True), regio, use)
