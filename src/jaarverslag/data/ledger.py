"""The discrepancy ledger: findings, and the afwijkingen.csv records that accept them.

A finding is a printed value that does not follow from other tables (data.checks finds them).
A finding recorded in that year's afwijkingen.csv (same check, subject, printed and computed
value) is accepted and shown as a footnote; any other finding fails validation, and a record
that no check finds any more is stale. Only a year transcribed from a printed report has a
ledger (printed_report): in any other year the data themselves must agree.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jaarverslag.data.codebook import REFERENCE_FOLDER, codebook, spec
from jaarverslag.data.load import is_available, load_table

LEDGER_TABLE = "afwijkingen"
LEDGER_COLUMNS = ["jaar", "controle", "onderwerp", "gedrukt", "berekend", "toelichting"]
TOLERANCE = 1e-9  # rounded decimals are compared as floats
# How a per-year table's codebook `bron` cites the printed report it was transcribed from.
PRINTED_REPORT = re.compile(r"\b[Jj]aarverslag SHT (\d{4}) \(((?:seeds|reference)/[\w.-]+)\)")


@dataclass(frozen=True)
class Finding:
    """One place where a printed figure does not follow from its parts (fields as in afwijkingen.csv)."""

    jaar: int
    controle: str
    onderwerp: str
    gedrukt: float
    berekend: float  # NaN when the check could not compute it (then it can never be recorded)
    tabel: str  # the table holding the printed value
    uitleg: str
    bestanden: tuple[str, ...] = ()  # the files the computed value comes from (data/<jaar>/...)
    oplossing: str = ""  # how to fix, when the general advice does not apply
    column: str | None = None  # the column of `tabel` holding the printed value
    row: int | None = None  # its data row in `tabel` (0 = the first row under the header)

    def key(self) -> tuple:
        """Return the values that match this finding with a record: year, check, subject, printed, computed."""
        return (self.jaar, self.controle, self.onderwerp, float(self.gedrukt), float(self.berekend))


def table_file(naam: str, jaar: int | None, root: Path | None = None) -> str:
    """Return a table's file as the analyst sees it: data/<jaar>/<file> or data/referentie/<file>."""
    table = spec(naam, root)
    return f"data/{jaar if table.per_jaar else REFERENCE_FOLDER}/{table.bestand}"


def printed_report(jaar: int, root: Path | None = None) -> str | None:
    """Return the printed report a year was transcribed from, as the codebook cites it, or None.

    A printed report gives its own year and the years it compares with (the 2021 report holds
    2019-2021), so a year counts as transcribed when a per-year table's `bron` cites a report of
    that year or later; a later year has no printed report: the book is then the report itself.
    """
    cited = sorted(
        (int(year), document)
        for table in codebook(root).values()
        if table.per_jaar
        for year, document in PRINTED_REPORT.findall(table.bron)
    )
    covering = [(year, document) for year, document in cited if year >= jaar]
    return f"Jaarverslag SHT {covering[0][0]} ({covering[0][1]})" if covering else None


def differs(gedrukt, berekend) -> bool:
    """Say whether a printed value differs from the computed one (beyond float noise)."""
    return not math.isclose(float(gedrukt), float(berekend), rel_tol=0, abs_tol=TOLERANCE)


def recorded(jaar: int, root: Path | None = None) -> pd.DataFrame:
    """Return the discrepancies recorded for a year (empty when none)."""
    if not is_available(LEDGER_TABLE, jaar, root):
        return pd.DataFrame(columns=LEDGER_COLUMNS)
    return load_table(LEDGER_TABLE, jaar, root)


def record_rows(jaar: int, root: Path | None = None) -> dict[tuple, int]:
    """Return each record's key (as Finding.key) with its data row in afwijkingen.csv (0 = first under the header)."""
    return {
        (int(r.jaar), r.controle, r.onderwerp, float(r.gedrukt), float(r.berekend)): int(r.Index)
        for r in recorded(jaar, root).itertuples()
    }


def _record_keys(jaar: int, root: Path | None) -> set[tuple]:
    return set(record_rows(jaar, root))


def recorded_around(jaar: int, controles: Iterable[str], root: Path | None = None) -> list[tuple[int, object]]:
    """Return (year, row) for the recorded discrepancies of these checks in the year and the year before."""
    wanted = set(controles)
    return [
        (year, row)
        for year in (jaar - 1, jaar)
        for row in recorded(year, root).itertuples(index=False)
        if row.controle in wanted
    ]


def unrecorded(jaar: int, found: Iterable[Finding], root: Path | None = None) -> list[Finding]:
    """Return the findings that afwijkingen.csv does not record with exactly these values."""
    known = _record_keys(jaar, root)
    return [f for f in found if f.key() not in known]


def stale_records(
    jaar: int, found: Iterable[Finding], controles: Iterable[str], root: Path | None = None
) -> list[tuple]:
    """Return the records of these checks that no finding matches any more (the data were corrected)."""
    keys = {f.key() for f in found}
    names = set(controles)
    return [key for key in sorted(_record_keys(jaar, root), key=str) if key[1] in names and key not in keys]


SHT_TOTAL_CHECK = "som_verrichtingen_sht"  # the check whose record holds a year's two printed SHT totals


def disputed_sht_total(jaar: int, root: Path | None = None) -> tuple[float, float] | None:
    """Return (printed, sum of the posts) when the year's SHT total is a recorded discrepancy, else None.

    The book compares years with the sum of the posts (the computed value); tables that the report prints
    per age group or soort add up to the printed total instead, and say so in a footnote.
    """
    rows = recorded(jaar, root)
    rows = rows[rows["controle"] == SHT_TOTAL_CHECK]
    if rows.empty:
        return None
    return float(rows["gedrukt"].iloc[0]), float(rows["berekend"].iloc[0])
