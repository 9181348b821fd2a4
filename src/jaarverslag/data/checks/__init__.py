"""Checks across tables: parts against printed totals and other rules the report must obey.

Each check returns findings (data.ledger.Finding); the ledger says which of them
afwijkingen.csv records. A check runs only when the tables it needs are present and
filled in (a header-only template counts as absent).

Conventions: `gedrukt` is the value as the report prints it (in `tabel`); `berekend` is
the value that follows from other tables (in `bestanden`). A value with status
"ontbreekt" (empty cell) is never compared.

The registry lives here; the checks themselves, in the order they run, in
checks/procedures.py (verrichtingen, hulpvragen, zorgconsumptie) and checks/sums.py
(consulteenheden, the other tables' sums, the printed comparisons).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from jaarverslag.data.ledger import Finding
from jaarverslag.data.load import is_available

Check = Callable[[int, Path | None], list[Finding]]
CHECKS: dict[str, Check] = {}


def check(name: str, needs: tuple[str, ...]):
    """Register a cross-table check that runs when all tables it needs are present."""

    def register(func: Callable[[int, Path | None], list[Finding]]) -> Check:
        def run(jaar: int, root: Path | None) -> list[Finding]:
            if not all(is_available(t, jaar, root) for t in needs):
                return []
            return func(jaar, root)

        run.needs = needs  # type: ignore[attr-defined]
        run.__doc__ = func.__doc__
        CHECKS[name] = run
        return run

    return register


def findings(jaar: int, root: Path | None = None) -> list[Finding]:
    """Run every cross-table check for one year."""
    return [f for run in CHECKS.values() for f in run(jaar, root)]


# Importing the check modules registers their checks, in this order (after `check` exists).
from jaarverslag.data.checks import procedures, sums  # noqa: E402, F401, I001
