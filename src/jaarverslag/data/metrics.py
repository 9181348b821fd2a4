"""Metrics computed once and shared by notebooks and tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jaarverslag.data.load import is_available, load_table
from jaarverslag.data.rounding import round_half_up

# Consulteenheden weight each contact by its effort: advice/telephone 0.5, consult 1, visit 1.5
# (the printed municipal figures reproduce exactly; 1.5 matches the NZa tariff ratio visit/consult).
CONSULTEENHEID_WEIGHTS = {"Advies/telefonisch consult": 0.5, "Consult": 1.0, "Visite": 1.5}


def index_pct(nu, vorig) -> float | None:
    """Return this year as a percentage of last year (the report's 'groei/afname' column), unrounded."""
    if vorig is None or pd.isna(vorig) or vorig == 0 or pd.isna(nu):
        return None
    return float(nu) / float(vorig) * 100


def printed_index(nu, vorig) -> int | None:
    """Return the growth index as the report prints it: whole percent, rounded half up."""
    value = index_pct(nu, vorig)
    return None if value is None else round_half_up(value)


def verandering_pct(nu, vorig) -> float | None:
    """Return the relative change in percent (index minus 100)."""
    value = index_pct(nu, vorig)
    return None if value is None else value - 100


def with_previous_year(
    naam: str, jaar: int, sleutel: list[str], waarde: str = "aantal", root: Path | None = None
) -> tuple[pd.DataFrame, bool]:
    """Return the year's table with the previous year's value beside it, and whether that year exists.

    Rows present in only one of the two years keep an empty value for the other.
    """
    nu = load_table(naam, jaar, root)[[*sleutel, waarde]]
    if not is_available(naam, jaar - 1, root):
        nu[f"{waarde}_vorig_jaar"] = pd.array([pd.NA] * len(nu), dtype="Int64")
        return nu, False
    vorig = load_table(naam, jaar - 1, root)[[*sleutel, waarde]].rename(columns={waarde: f"{waarde}_vorig_jaar"})
    merged = nu.merge(vorig, on=sleutel, how="outer", sort=False)
    return merged, True


def weighted_consulteenheden(
    aantallen: pd.DataFrame, gewichten: dict[str, float] = CONSULTEENHEID_WEIGHTS
) -> pd.Series:
    """Return the consulteenheden of each row (columns soort, aantal): aantal times its soort's weight, unrounded."""
    return aantallen["aantal"].astype(float) * aantallen["soort"].astype(str).map(gewichten)


def consulteenheden(advies, consult, visite) -> int:
    """Return consulteenheden as the report prints them: the weighted sum of the three soorten, rounded half up."""
    counts = pd.DataFrame(
        {"soort": list(CONSULTEENHEID_WEIGHTS), "aantal": [float(advies), float(consult), float(visite)]}
    )
    return round_half_up(float(weighted_consulteenheden(counts).sum()))


@dataclass(frozen=True)
class PostTotals:
    """A year's totals per post and for SHT (summed from the posts), with last year where known."""

    jaar: int
    per_post: pd.DataFrame  # post, aantal, aantal_vorig_jaar, verandering_pct, ...
    totaal: int
    totaal_vorig_jaar: int | None
    vorig_jaar_beschikbaar: bool

    @property
    def verandering_pct(self) -> float | None:
        return verandering_pct(self.totaal, self.totaal_vorig_jaar)
