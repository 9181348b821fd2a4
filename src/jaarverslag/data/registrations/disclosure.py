"""Small-cell protection for figures derived from registrations (AVG): which published cells must be hidden.

The derived tables stay exact (they are validated and feed the models); this module only says, per
cell, whether the book may show it. A count from 1 to SMALL_CELL_THRESHOLD - 1 is hidden ("primair",
shown as "<10"). Where the hidden cell is one part of a published sum (the parts of a table add up to
a total the book shows), a second cell of that sum is hidden too ("secundair", complementary
suppression): the smallest other non-zero part, repeated until no sum has exactly one hidden part, so
no total minus the other parts gives a hidden count back. Figures computed from a hidden cell (a
change, a share) are hidden with it by the page that shows them.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from pathlib import Path

import pandas as pd

SMALL_CELL_THRESHOLD = 10  # counts 1 to 9 are never published from registrations
PRIMARY = "primair"
SECONDARY = "secundair"

# Per derived table: the key columns of a cell, and the columns that define its published sums (one
# sum per value of each listed column, over the other key column). Tables without a list here have no
# published sum of their cells beyond those given.
STRUCTURE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "binnenlopers": (("post",), ()),  # the posts add up to the SHT total
    "verrichtingen": (("post", "verrichting"), ("post", "verrichting")),
    "hulpvragen_leeftijd": (("leeftijdsgroep", "soort"), ("leeftijdsgroep", "soort")),
    "zorgconsumptie": (("gemeente", "soort"), ("gemeente", "soort")),
}
# Tables whose every page can show hidden cells; any other registration-fed table with a small count
# stops the build (fail closed) until its pages can (see publication_problems).
PAGES_SUPPORT = ("binnenlopers",)
COUNT_COLUMN = "aantal"


def is_small(value) -> bool:
    """Say whether a count must be hidden: from 1 up to the threshold (0 and missing are not)."""
    return not pd.isna(value) and 0 < int(value) < SMALL_CELL_THRESHOLD


def suppress(values: dict[Hashable, int], groups: Iterable[list[Hashable]]) -> dict[Hashable, str]:
    """Return the hidden cells: small counts (primair) and, per sum with one hidden part, its smallest other part."""
    states = {key: PRIMARY for key, value in values.items() if is_small(value)}
    groups = [list(g) for g in groups]
    changed = True
    while changed:
        changed = False
        for group in groups:
            hidden = [k for k in group if k in states]
            if len(hidden) != 1:
                continue
            others = sorted(
                (values[k], str(k), k) for k in group if k not in states and not pd.isna(values[k]) and values[k] > 0
            )
            if others:
                states[others[0][2]] = SECONDARY
                changed = True
    return states


def table_states(naam: str, frame: pd.DataFrame) -> dict[tuple, str]:
    """Return the hidden cells of one derived table, keyed by the tuple of its key columns."""
    keys, sums = STRUCTURE.get(naam, (tuple(c for c in frame.columns if c not in _NON_KEY), ()))
    values = {tuple(row[k] for k in keys): row[COUNT_COLUMN] for _, row in frame.iterrows()}
    groups: list[list[tuple]] = []
    if not sums:
        groups.append(list(values))
    for column in sums:
        position = keys.index(column)
        by_value: dict[object, list[tuple]] = {}
        for key in values:
            by_value.setdefault(key[position], []).append(key)
        groups += list(by_value.values())
    return suppress(values, groups)


_NON_KEY = ("jaar", COUNT_COLUMN, "status", "toelichting", "aandeel_pct", "rang")


def hidden_cells(naam: str, jaar: int, root: Path | None = None) -> dict[tuple, str]:
    """Return the cells of a table the book must hide this year (empty when the table is not from registrations)."""
    from jaarverslag.data import registrations
    from jaarverslag.data.load import load_table

    if not registrations.feeding_files(naam, jaar, root):
        return {}
    return table_states(naam, load_table(naam, jaar, root))


def publication_problems(jaar: int, root: Path | None = None) -> list:
    """Return a problem per registration-fed table with a small count that its pages cannot hide yet (fail closed)."""
    from jaarverslag.data import registrations
    from jaarverslag.data.paths import project_root
    from jaarverslag.data.validate import Problem

    root = root or project_root()
    problems = []
    for naam in registrations.fed_tables(jaar, root):
        if naam in PAGES_SUPPORT or naam.endswith("_totaal"):
            continue
        path = registrations.derived_path(naam, jaar, root)
        if not path.is_file():
            continue
        frame = pd.read_csv(path)
        counts = [c for c in ("aantal",) if c in frame.columns]
        small = [row for row in frame.itertuples(index=False) for c in counts if is_small(getattr(row, c))]
        denominators = registrations.derive.denominator_path(jaar, root) if naam == registrations.NORM_TABLE else None
        if denominators is not None and denominators.is_file():
            noemers = pd.read_csv(denominators)
            small += [r for r in noemers.itertuples(index=False) if is_small(r.noemer)]
        if small:
            problems.append(
                Problem(
                    str(path.relative_to(root)),
                    f"deze uit de registraties afgeleide tabel heeft {len(small)} cel(len) met een aantal van 1 tot en "
                    f"met {SMALL_CELL_THRESHOLD - 1} (of een percentage van zo weinig gesprekken of visites), en de "
                    "pagina's die deze tabel tonen kunnen kleine aantallen nog niet afschermen; om geen patiënt "
                    "herkenbaar te maken wordt er niets gebouwd",
                    "bouw dit jaar met de getypte tabel in plaats van de registraties, of laat de afscherming van "
                    f"kleine aantallen ook voor {naam} inbouwen (src/jaarverslag/data/registrations/disclosure.py)",
                )
            )
    return problems
