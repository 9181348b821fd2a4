"""Dutch sentence helpers shared by every chapter: one home for listings, signed differences and the like."""

from __future__ import annotations

import pandas as pd

from jaarverslag.render import fmt


def join_list(delen: list[str]) -> str:
    """Join parts the Dutch way: 'a', 'a en b', 'a, b en c'."""
    return delen[0] if len(delen) == 1 else ", ".join(delen[:-1]) + " en " + delen[-1]


def verschil(value, decimalen: int = 0) -> str:
    """Format a difference with its sign: '+10', '−30', '±0'; a missing value says so."""
    if value is None or pd.isna(value):
        return fmt.MISSING_TEXT
    return ("+" if value > 0 else "−" if value < 0 else "±") + fmt.getal(abs(value), decimalen)


def ledger_notes(jaar: int, controles: tuple[str, ...], geen: str, root=None) -> str:
    """Return the year's recorded contradictions of the printed report for these checks, or `geen` when none."""
    from jaarverslag.data import ledger

    notes = [
        f"Let op ({jaar}): {row.toelichting}"
        for row in ledger.recorded(jaar, root).itertuples(index=False)
        if row.controle in controles
    ]
    return " ".join(notes) or geen
