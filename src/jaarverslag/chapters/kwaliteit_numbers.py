"""Kwaliteit, the numbers: complaints, VIM reports and calamities, and G+HOK signalling, with last year where known.

The page itself (sentences, charts, the glued values) is `jaarverslag.chapters.kwaliteit`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jaarverslag.data.codebook import categories
from jaarverslag.data.load import is_available, load_table
from jaarverslag.data.metrics import with_previous_year
from jaarverslag.data.status import CERTAIN
from jaarverslag.render import fmt

SHARE_DECIMALS = 0  # shares of a classification within its soort, in whole percents

# The G+HOK indicator that counts children seen; the other indicators are signals about (child) safety.
CHILDREN = "Kinderen op de spoedposten"
# Signals expressed per this many children seen at the posts.
PER_CHILDREN = 1000


@dataclass(frozen=True)
class Comparison:
    """A year's counts per category with last year's counts beside them, or nothing when the table is missing."""

    jaar: int
    # frame: <sleutel>, aantal, status, aantal_vorig_jaar, status_vorig_jaar, verschil, verandering_pct
    frame: pd.DataFrame | None
    vorig_jaar_beschikbaar: bool

    @property
    def is_available(self) -> bool:
        return self.frame is not None


def _comparison(naam: str, jaar: int, sleutel: str, volgorde: list[str], root: Path | None) -> Comparison:
    """Return a table's counts for the year with last year, in codebook order (rows of this year only)."""
    if not is_available(naam, jaar, root):
        return Comparison(jaar, None, False)
    frame, has_previous = with_previous_year(naam, jaar, [sleutel], root=root)
    status = load_table(naam, jaar, root)[[sleutel, "status"]]
    frame = status.merge(frame, on=sleutel, how="left")  # this year's rows, also those whose value is missing
    if has_previous:
        vorig = load_table(naam, jaar - 1, root)[[sleutel, "status"]].rename(columns={"status": "status_vorig_jaar"})
        frame = frame.merge(vorig, on=sleutel, how="left")
    else:
        frame["status_vorig_jaar"] = pd.NA
    frame["verschil"] = (frame["aantal"] - frame["aantal_vorig_jaar"]).astype("Int64")
    # None for small counts (fmt.MIN_COUNT_FOR_CHANGE): the page then gives the counts, not a percentage
    changes = [fmt.count_change(n, v) for n, v in zip(frame["aantal"], frame["aantal_vorig_jaar"])]
    frame["verandering_pct"] = pd.array(changes, dtype="Float64")
    rank = {name: i for i, name in enumerate(volgorde)}
    frame = frame.sort_values(sleutel, key=lambda s: s.map(lambda v: rank.get(v, len(rank)))).reset_index(drop=True)
    columns = [sleutel, "aantal", "status", "aantal_vorig_jaar", "status_vorig_jaar", "verschil", "verandering_pct"]
    return Comparison(jaar, frame[columns], has_previous)


def meldingen(jaar: int, root: Path | None = None) -> Comparison:
    """Return the printed numbers of complaints, VIM reports and calamities with last year's."""
    return _comparison("kwaliteitsmeldingen_totaal", jaar, "soort", categories(root)["soort_melding"], root)


def signalering(jaar: int, root: Path | None = None) -> Comparison:
    """Return the G+HOK indicators (abuse reports, 'niet pluis', domestic violence, children seen) with last year's."""
    return _comparison("signalering_ghok", jaar, "indicator", categories(root)["indicator_ghok"], root)


def classificaties(jaar: int, root: Path | None = None) -> pd.DataFrame | None:
    """Return complaints, VIM reports and calamities per classification with each one's share within its soort."""
    if not is_available("kwaliteitsmeldingen", jaar, root):
        return None
    frame = load_table("kwaliteitsmeldingen", jaar, root)[["soort", "classificatie", "aantal", "status"]]
    soort_rank = {s: i for i, s in enumerate(categories(root)["soort_melding"])}
    frame = frame.sort_values("soort", key=lambda s: s.map(soort_rank), kind="stable").reset_index(drop=True)
    som = frame.groupby("soort")["aantal"].transform("sum")
    frame["aandeel_pct"] = pd.array(
        [None if pd.isna(n) or not t else float(n) / float(t) * 100 for n, t in zip(frame["aantal"], som)],
        dtype="Float64",
    )
    return frame


def per_children(vergelijking: Comparison) -> pd.DataFrame | None:
    """Return each signal per 1.000 children seen at the posts, this year and last year (unrounded)."""
    if not vergelijking.is_available or CHILDREN not in set(vergelijking.frame["indicator"]):
        return None
    frame = vergelijking.frame.set_index("indicator")
    kinderen, kinderen_vorig = frame.loc[CHILDREN, "aantal"], frame.loc[CHILDREN, "aantal_vorig_jaar"]
    signals = frame.drop(index=CHILDREN)

    def rate(n, d):
        return None if pd.isna(n) or pd.isna(d) or d == 0 else float(n) / float(d) * PER_CHILDREN

    return pd.DataFrame(
        {
            "indicator": signals.index,
            "per_1000": pd.array([rate(n, kinderen) for n in signals["aantal"]], dtype="Float64"),
            "per_1000_vorig_jaar": pd.array(
                [rate(n, kinderen_vorig) for n in signals["aantal_vorig_jaar"]], dtype="Float64"
            ),
        }
    ).reset_index(drop=True)


def meldingen_table(vergelijking: Comparison) -> pd.DataFrame:
    """Return the table of complaints, VIM reports and calamities with Dutch column names."""
    jaar = vergelijking.jaar
    frame = vergelijking.frame
    table = pd.DataFrame({"Soort": frame["soort"].astype(str)})
    if vergelijking.vorig_jaar_beschikbaar:
        table[str(jaar - 1)] = frame["aantal_vorig_jaar"]
    table[str(jaar)] = frame["aantal"]
    if vergelijking.vorig_jaar_beschikbaar:
        table["Verschil"] = frame["verschil"]
        table["Verandering"] = pd.array(
            [fmt.shown_count_change(n, v) for n, v in zip(frame["aantal"], frame["aantal_vorig_jaar"])], dtype="Float64"
        )
    return table


def signals_table(vergelijking: Comparison) -> pd.DataFrame:
    """Return the G+HOK table with Dutch column names."""
    table = meldingen_table(
        Comparison(
            vergelijking.jaar,
            vergelijking.frame.rename(columns={"indicator": "soort"}),
            vergelijking.vorig_jaar_beschikbaar,
        )
    )
    return table.rename(columns={"Soort": "Indicator"})


def classifications_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the classification table with Dutch column names."""
    return pd.DataFrame(
        {
            "Soort": frame["soort"].astype(str),
            "Classificatie": frame["classificatie"].astype(str),
            "Aantal": frame["aantal"],
            "Aandeel binnen de soort": fmt.shown(frame["aandeel_pct"], SHARE_DECIMALS),
        }
    )


def onzeker(frame: pd.DataFrame, *kolommen: str) -> pd.Series:
    """Return which rows hold a value that is not certain in any of the given status columns."""
    mask = pd.Series(False, index=frame.index)
    for column in kolommen:
        mask |= frame[column].notna() & frame[column].ne(CERTAIN)
    return mask
