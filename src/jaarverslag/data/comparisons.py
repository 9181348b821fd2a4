"""Printed comparisons with last year (gedrukte_vergelijkingen): recomputed from this and last year's table.

Rule (codebook gedrukte_vergelijkingen): x and v are the summed `aantal` of the selected rows
in data/<jaar>/ and data/<jaar-1>/; verhouding_pct = x / v x 100, verandering_pct =
(x / v - 1) x 100, verschil_aantal = x - v; rounded to `decimalen` decimals, half away from zero.
data.checks registers `findings` below as the check "gedrukte_vergelijking".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from jaarverslag.data.ledger import LEDGER_TABLE, Finding, differs, table_file
from jaarverslag.data.load import is_available, load_table
from jaarverslag.data.rounding import round_half_up

CHECK_NAME = "gedrukte_vergelijking"
TABLE = "gedrukte_vergelijkingen"
# Tables that only a year transcribed from a printed report has (data.ledger.printed_report).
PRINTED_ONLY_TABLES = (LEDGER_TABLE, TABLE)
SELECTION_SEPARATOR = ";"  # conditions "kolom=waarde" separated by ";"
MEASURES: dict[str, Callable[[float, float], float]] = {  # keyed by the codebook's values of `maat`
    "verhouding_pct": lambda x, v: x / v * 100,
    "verandering_pct": lambda x, v: (x / v - 1) * 100,
    "verschil_aantal": lambda x, v: x - v,
}


def parse_selection(tekst: str) -> dict[str, str]:
    """Parse a selection 'kolom=waarde;kolom=waarde' into a dict."""
    pairs = [part.split("=", 1) for part in str(tekst).split(SELECTION_SEPARATOR) if part.strip()]
    if any(len(p) != 2 for p in pairs):
        raise ValueError(f"selectie {tekst!r} is niet van de vorm kolom=waarde;kolom=waarde")
    return {k.strip(): v.strip() for k, v in pairs}


def _selected_sum(naam: str, jaar: int, conditions: dict[str, str], root: Path | None) -> tuple[float, str | None]:
    """Return the summed `aantal` of the selected rows, or NaN with the reason in Dutch (the table must exist)."""
    where = table_file(naam, jaar, root)
    frame = load_table(naam, jaar, root)
    unknown = [k for k in conditions if k not in frame.columns]
    if unknown:
        return math.nan, f"kolom {', '.join(unknown)} bestaat niet in {where}"
    mask = pd.Series(True, index=frame.index)
    for kolom, waarde in conditions.items():
        mask &= frame[kolom].astype("string") == waarde
    values = frame.loc[mask, "aantal"]
    if values.empty:
        return math.nan, f"de selectie vindt geen rij in {where}"
    if values.isna().any():
        return math.nan, f"de geselecteerde rij in {where} heeft geen aantal (status ontbreekt)"
    return float(values.sum()), None


def recompute(row, jaar: int, root: Path | None = None) -> tuple[float, str | None]:
    """Recompute one row of gedrukte_vergelijkingen: (value rounded as printed, None), or (NaN, why not).

    When this year's or last year's table is missing the result is (NaN, None): not checkable yet.
    """
    try:
        conditions = parse_selection(row.selectie)
    except ValueError as err:
        return math.nan, str(err)
    if not (is_available(row.tabel, jaar, root) and is_available(row.tabel, jaar - 1, root)):
        return math.nan, None  # a missing table is listed by the validation, not an error here
    x, why = _selected_sum(row.tabel, jaar, conditions, root)
    if why:
        return math.nan, why
    v, why = _selected_sum(row.tabel, jaar - 1, conditions, root)
    if why:
        return math.nan, why
    if row.maat != "verschil_aantal" and v == 0:
        return math.nan, f"het aantal in {jaar - 1} is 0, dus een percentage bestaat niet"
    return float(round_half_up(MEASURES[row.maat](x, v), int(row.decimalen))), None


def findings(jaar: int, root: Path | None = None) -> list[Finding]:
    """Return a finding for every printed comparison that does not follow from this year's and last year's table."""
    out = []
    for row in load_table(TABLE, jaar, root).itertuples():
        if pd.isna(row.gedrukt):
            continue
        computed, why = recompute(row, jaar, root)
        if math.isnan(computed) and not why:
            continue  # one of the two years' tables is not there yet: nothing to check
        subject = f"{row.tabel}: {row.selectie} ({row.maat})"
        files = (table_file(row.tabel, jaar, root), table_file(row.tabel, jaar - 1, root))
        if why:
            out.append(
                Finding(
                    jaar,
                    CHECK_NAME,
                    subject,
                    float(row.gedrukt),
                    math.nan,
                    TABLE,
                    f"de vergelijking is niet na te rekenen: {why}",
                    files,
                    oplossing="controleer tabel en selectie van deze rij (kolom=waarde, gescheiden door "
                    f"'{SELECTION_SEPARATOR}') en of beide jaren die rij hebben",
                    column="selectie",
                    row=int(row.Index),
                )
            )
        elif differs(row.gedrukt, computed):
            out.append(
                Finding(
                    jaar,
                    CHECK_NAME,
                    subject,
                    float(row.gedrukt),
                    computed,
                    TABLE,
                    f"de gedrukte vergelijking van {row.selectie} volgt niet uit {row.tabel} van {jaar} en "
                    f"{jaar - 1} ({row.maat}, afgerond op {row.decimalen} decimalen, een half naar boven)",
                    files,
                    column="gedrukt",
                    row=int(row.Index),
                )
            )
    return out
