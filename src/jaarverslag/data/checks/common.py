"""Shared by the cross-table checks: the labels of totals and the comparison helpers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from jaarverslag.data.ledger import Finding, differs, table_file
from jaarverslag.data.load import load_table

SHT_TOTAL = "SHT"
ALL_GEMEENTEN = "Alle gemeenten"
ALL_TYPES = "Alle soorten"
TOTAAL = "Totaal"
# Weights of one hulpvraag in consulteenheden. The report does not print them; all nine printed
# values per gemeente follow exactly from these (see data/codebook/consulteenheden.yml).
FORMULA_TEXT = "0,5 x advies/telefonisch consult + 1 x consult + 1,5 x visite, afgerond met een half naar boven"
ICPC_DECIMALS = 1  # the ICPC shares are printed with one decimal ("4,1%")


# --- helpers -------------------------------------------------------------------------------


def sum_by(frame: pd.DataFrame, by: str | list[str], kolom: str = "aantal") -> pd.Series:
    """Sum a column per group; a group with an empty (ontbreekt) part has no sum (NA)."""
    grouped = frame.groupby(by, sort=False)[kolom]
    sums = grouped.sum().astype("Float64")
    return sums.mask(grouped.apply(lambda s: s.isna().any()))


def printed_values(frame: pd.DataFrame, key: str, kolom: str = "aantal") -> tuple[pd.Series, dict]:
    """Return a table's printed values by key, and each key's data row (the message names its line)."""
    return frame.set_index(key)[kolom], row_numbers(frame, key)


def row_numbers(frame: pd.DataFrame, key: str) -> dict:
    """Return the data row of each value of `key` in a frame as lees_tabel read it (rows keep their index)."""
    return {value: int(index) for index, value in frame[key].items()}


def compare(
    jaar: int,
    controle: str,
    gedrukt: pd.Series,
    berekend: pd.Series,
    tabel: str,
    bestanden: tuple[str, ...],
    uitleg: Callable[[str], str],
    missing_is_zero: bool = True,
    kolom: str = "aantal",
    rows: dict | None = None,
) -> list[Finding]:
    """Compare printed values with computed ones per subject; subjects without a printed value are skipped.

    A subject with a printed value but no parts at all counts as computed 0 (when
    missing_is_zero), so a total without its parts is found too. `kolom` and `rows` (subject ->
    data row) say where in `tabel` the printed value stands.
    """
    out = []
    for onderwerp, printed in gedrukt.items():
        if pd.isna(printed):
            continue
        computed = berekend.get(onderwerp, 0 if missing_is_zero else pd.NA)
        if pd.isna(computed) or not differs(printed, computed):
            continue
        out.append(
            Finding(
                jaar,
                controle,
                str(onderwerp),
                float(printed),
                float(computed),
                tabel,
                uitleg(str(onderwerp)),
                bestanden,
                column=kolom,
                row=(rows or {}).get(onderwerp),
            )
        )
    return out


def parts_against_printed(
    jaar: int,
    root: Path | None,
    controle: str,
    parts_table: str,
    totals_table: str,
    key: str,
    uitleg: Callable[[str], str],
    kolom: str = "aantal",
    except_row: str | None = None,
) -> list[Finding]:
    """Sum the parts table per key and compare with the printed totals table keyed the same way.

    `except_row` names a printed row that is not a sum of these parts (the SHT total beside the posts).
    """
    parts = sum_by(load_table(parts_table, jaar, root), key, kolom)
    printed, rows = printed_values(load_table(totals_table, jaar, root), key, kolom)
    if except_row is not None:
        printed = printed[printed.index != except_row]
    return compare(
        jaar,
        controle,
        printed,
        parts,
        totals_table,
        (table_file(parts_table, jaar, root),),
        uitleg,
        kolom=kolom,
        rows=rows,
    )


def single_value(frame: pd.DataFrame, kolom: str, waarde: str, value: str = "aantal"):
    """Return the value in the single row where kolom == waarde, or NA when there is no such row."""
    rows = frame.loc[frame[kolom] == waarde, value]
    return rows.iloc[0] if len(rows) else pd.NA


def grand_total(totals: pd.DataFrame) -> tuple[object, int | None]:
    """Return the printed grand total of zorgconsumptie_totaal (Alle gemeenten, Alle soorten) and its data row."""
    rows = totals.index[(totals["gemeente"] == ALL_GEMEENTEN) & (totals["soort"] == ALL_TYPES)]
    return (totals.at[rows[0], "aantal"], int(rows[0])) if len(rows) else (pd.NA, None)
