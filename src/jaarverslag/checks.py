"""Checks across tables: parts against printed totals and other rules the report must obey.

Each check returns findings; a finding recorded in that year's afwijkingen.csv (same
check, subject, printed and computed value) is accepted and shown as a footnote, any
other finding fails validation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jaarverslag.data import beschikbaar, lees_tabel

SHT_TOTAL = "SHT"


@dataclass(frozen=True)
class Bevinding:
    """One place where a printed figure does not follow from its parts."""

    jaar: int
    controle: str
    onderwerp: str
    gedrukt: float
    berekend: float
    tabel: str
    uitleg: str

    def sleutel(self) -> tuple:
        return (self.jaar, self.controle, self.onderwerp, float(self.gedrukt), float(self.berekend))


Check = Callable[[int, Path | None], list[Bevinding]]
CHECKS: dict[str, Check] = {}


def check(naam: str, needs: tuple[str, ...]):
    """Register a cross-table check that runs when all tables it needs are present."""

    def register(func: Callable[[int, Path | None], list[Bevinding]]) -> Check:
        def run(jaar: int, root: Path | None) -> list[Bevinding]:
            if not all(beschikbaar(t, jaar, root) for t in needs):
                return []
            return func(jaar, root)

        run.needs = needs  # type: ignore[attr-defined]
        CHECKS[naam] = run
        return run

    return register


@check("som_verrichtingen_post", needs=("verrichtingen", "verrichtingen_totaal"))
def _procedures_per_post(jaar: int, root: Path | None) -> list[Bevinding]:
    parts = lees_tabel("verrichtingen", jaar, root).groupby("post")["aantal"].sum()
    printed = lees_tabel("verrichtingen_totaal", jaar, root).set_index("post")["aantal"]
    return [
        Bevinding(jaar, "som_verrichtingen_post", post, float(printed[post]), float(parts.get(post, 0)),
                  "verrichtingen_totaal", f"som van de verrichtingen van post {post} wijkt af van het gedrukte totaal")
        for post in printed.index
        if post != SHT_TOTAL and pd.notna(printed[post]) and printed[post] != parts.get(post, 0)
    ]


@check("som_verrichtingen_sht", needs=("verrichtingen", "verrichtingen_totaal"))
def _procedures_sht(jaar: int, root: Path | None) -> list[Bevinding]:
    total = lees_tabel("verrichtingen", jaar, root)["aantal"].sum()
    printed = lees_tabel("verrichtingen_totaal", jaar, root).set_index("post")["aantal"]
    if SHT_TOTAL not in printed.index or pd.isna(printed[SHT_TOTAL]) or printed[SHT_TOTAL] == total:
        return []
    return [Bevinding(jaar, "som_verrichtingen_sht", SHT_TOTAL, float(printed[SHT_TOTAL]), float(total),
                      "verrichtingen_totaal", "som van alle verrichtingen wijkt af van het gedrukte SHT-totaal")]


def recorded(jaar: int, root: Path | None = None) -> pd.DataFrame:
    """Return the discrepancies recorded for a year (empty when none)."""
    if not beschikbaar("afwijkingen", jaar, root):
        return pd.DataFrame(columns=["jaar", "controle", "onderwerp", "gedrukt", "berekend", "toelichting"])
    return lees_tabel("afwijkingen", jaar, root)


def findings(jaar: int, root: Path | None = None) -> list[Bevinding]:
    """Run every cross-table check for one year."""
    return [b for run in CHECKS.values() for b in run(jaar, root)]


def unrecorded(jaar: int, root: Path | None = None) -> list[Bevinding]:
    """Return findings that afwijkingen.csv does not record with exactly these values."""
    known = {(int(r.jaar), r.controle, r.onderwerp, float(r.gedrukt), float(r.berekend))
             for r in recorded(jaar, root).itertuples(index=False)}
    return [b for b in findings(jaar, root) if b.sleutel() not in known]


def stale_records(jaar: int, root: Path | None = None) -> list[tuple]:
    """Return recorded discrepancies that no check finds any more (the data were corrected)."""
    found = {b.sleutel() for b in findings(jaar, root)}
    rows = recorded(jaar, root)
    return [(int(r.jaar), r.controle, r.onderwerp, float(r.gedrukt), float(r.berekend))
            for r in rows.itertuples(index=False)
            if r.controle in CHECKS and (int(r.jaar), r.controle, r.onderwerp, float(r.gedrukt), float(r.berekend)) not in found]
