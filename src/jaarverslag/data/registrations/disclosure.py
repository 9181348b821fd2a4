"""Small-cell protection for figures derived from registrations (AVG): which published cells must be hidden.

The derived tables stay exact (they are validated and feed the models); this module only says, per
cell, whether the book may show it. A count from 1 to SMALL_CELL_THRESHOLD - 1 is hidden ("primair",
shown as "<10"). Where the hidden cell is one part of a published sum (the parts of a table add up to
a total the book shows), a second cell of that sum is hidden too ("secundair", complementary
suppression): the smallest other non-zero part, repeated until no sum has exactly one hidden part, so
no total minus the other parts gives a hidden count back. A published total is itself a member of its
sum (table_states): a small total is hidden, and a hidden total counts as a hidden member. Figures
computed from a hidden cell (a change, a share) are hidden with it by the page that shows them
(render/suppression.py).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

SMALL_CELL_THRESHOLD = 10  # counts 1 to 9 are never published from registrations
PRIMARY = "primair"
SECONDARY = "secundair"

# Per derived table: the key columns of a cell, and the columns that define its published sums (one
# sum per value of each listed column, over the other key column). Without such a column, the table's
# cells add up to one published total.
STRUCTURE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "binnenlopers": (("post",), ()),  # the posts add up to the SHT total
    "verrichtingen": (("post", "verrichting"), ("post", "verrichting")),
    "hulpvragen_leeftijd": (("leeftijdsgroep", "soort"), ("leeftijdsgroep", "soort")),
    "zorgconsumptie": (("gemeente", "soort"), ("gemeente", "soort")),
    "icpc_top": (("post", "diagnose"), ("post",)),  # each list's sum is published ("samen goed voor ...")
}
# Tables whose every page can show hidden cells; any other registration-fed table with a small count
# stops the build (fail closed) until its pages can (see publication_problems). branchenormen: a result
# over fewer than SMALL_CELL_THRESHOLD calls or visits is hidden (hidden_norms).
# hulpvragen_leeftijd: the populatie page and the age model hide per group and cell; the vooruitblik and the age
# standardisation of zorgconsumptie, whose projected and expected totals would give a hidden count back, are withheld.
# zorgconsumptie: a gemeente with a hidden cell has its consulteenheden, rates and model figures hidden too
# (hidden_rows); the consulteenheden and rates per gemeente are computed from it and have no counts of their own.
PAGES_SUPPORT = ("binnenlopers", "verrichtingen", "icpc_top", "branchenormen", "hulpvragen_leeftijd", "zorgconsumptie")
COUNT_COLUMN = "aantal"
TOTAL = "totaal"  # the key of a published sum in table_states ("totaal" in place of the summed key)


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
    """Return the hidden cells of one derived table, keyed by the tuple of its key columns.

    Each published sum takes part as a cell of its own (TOTAL in the summed key's place), so a small total is
    hidden too and a hidden total counts as the second hidden member of its sum.
    """
    keys, sums = STRUCTURE.get(naam, (tuple(c for c in frame.columns if c not in _NON_KEY), ()))
    values = {tuple(row[k] for k in keys): row[COUNT_COLUMN] for _, row in frame.iterrows()}
    cells = list(values)
    groups: list[list[tuple]] = []

    def add_sum(members: list[tuple], total: tuple) -> None:
        values[total] = sum(int(values[m]) for m in members if not pd.isna(values[m]))
        groups.append([*members, total])

    if not sums:
        add_sum(cells, tuple(TOTAL for _ in keys))
    for column in sums:
        position = keys.index(column)
        by_value: dict[object, list[tuple]] = {}
        for key in cells:
            by_value.setdefault(key[position], []).append(key)
        for value, members in by_value.items():
            total = tuple(value if i == position else TOTAL for i in range(len(keys)))
            add_sum(members, total)
    if len(sums) == 2:  # a two-way table with both margins: the margins add up to the grand total
        grand = tuple(TOTAL for _ in keys)
        for position in range(2):
            margin = [k for k in values if k != grand and k[position] == TOTAL]
            add_sum(margin, grand)
    return suppress(values, groups)


_NON_KEY = ("jaar", COUNT_COLUMN, "status", "toelichting", "aandeel_pct", "rang")


def hidden_cells(naam: str, jaar: int, root: Path | None = None) -> dict[tuple, str]:
    """Return the cells of a table the book must hide this year (empty when the table is not from registrations)."""
    from jaarverslag.data import registrations
    from jaarverslag.data.load import load_table

    if not registrations.feeding_files(naam, jaar, root):
        return {}
    return table_states(naam, load_table(naam, jaar, root))


def hidden_rows(states: dict[tuple, str]) -> dict[str, str]:
    """Return the first key of every row holding a hidden cell, primair when one of its cells is.

    A row's weighted sum or rate (consulteenheden per gemeente, say) and its row total give a hidden cell back
    together, so such figures are hidden for the whole row; the published sums stay out (TOTAL).
    """
    rows: dict[str, str] = {}
    for key, state in states.items():
        if key[0] != TOTAL and rows.get(str(key[0])) != PRIMARY:
            rows[str(key[0])] = state
    return rows


def row_totals(states: dict[tuple, str]) -> dict[str, str]:
    """Return the first key of every row whose published total is hidden (gemeente or age group -> state)."""
    return {str(k[0]): s for k, s in states.items() if k[-1] == TOTAL and k[0] != TOTAL}


def hidden_margin(states: dict[tuple, str]) -> bool:
    """Say whether a sum over the first key is hidden (then a weighted grand total would give it back too)."""
    return any(key[0] == TOTAL for key in states)


@dataclass(frozen=True)
class Hidden:
    """The cells of one table the book must hide, this year and last year (key -> primair/secundair)."""

    dit_jaar: dict = field(default_factory=dict)
    vorig_jaar: dict = field(default_factory=dict)

    def any(self, key) -> bool:
        return key in self.dit_jaar or key in self.vorig_jaar

    def __bool__(self) -> bool:
        return bool(self.dit_jaar or self.vorig_jaar)


def hidden_both_years(naam: str, jaar: int, root: Path | None = None) -> Hidden:
    """Return the hidden cells of a table this year and last year, keyed by the tuple of its key columns."""
    return Hidden(hidden_cells(naam, jaar, root), hidden_cells(naam, jaar - 1, root))


def hidden_norms(jaar: int, root: Path | None = None) -> set[tuple[str, str]]:
    """Return the (norm_id, post) results computed over 1 to SMALL_CELL_THRESHOLD - 1 calls or visits this year."""
    from jaarverslag.data import registrations

    if not registrations.feeding_files(registrations.NORM_TABLE, jaar, root):
        return set()
    registrations.derive_year(jaar, root)  # the denominators are written beside the derived table
    path = registrations.derive.denominator_path(jaar, root)
    if not path.is_file():  # no denominators: nothing can say the results are large enough (fail closed)
        raise FileNotFoundError(f"{path}: de noemers van de branchenormen ontbreken")
    noemers = pd.read_csv(path)
    return {(str(r.norm_id), str(r.post)) for r in noemers.itertuples(index=False) if is_small(r.noemer)}


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
