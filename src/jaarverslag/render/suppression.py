"""How hidden cells of registration-derived figures look on the page, in sentences and in the CSV downloads."""

from __future__ import annotations

from collections.abc import Hashable, Iterable

import pandas as pd

from jaarverslag.data.registrations.disclosure import PAGES_SUPPORT, PRIMARY, SECONDARY, SMALL_CELL_THRESHOLD
from jaarverslag.render.text import join_list

LABELS = {PRIMARY: f"<{SMALL_CELL_THRESHOLD}", SECONDARY: "×"}
IN_SENTENCE = {PRIMARY: f"minder dan {SMALL_CELL_THRESHOLD}", SECONDARY: "een afgeschermd aantal"}
DERIVED = LABELS[SECONDARY]  # a change or share computed from a hidden count
CAPTION_NOTE = (
    f" ({LABELS[PRIMARY]}: minder dan {SMALL_CELL_THRESHOLD}, afgeschermd; {LABELS[SECONDARY]}: afgeschermd, "
    "zodat een klein aantal niet uit de andere getallen is terug te rekenen; zie Methode en verantwoording)"
)


def is_label(value) -> bool:
    """Say whether a table cell is a hidden-cell label rather than a value."""
    return isinstance(value, str) and value in LABELS.values()


def label(state: str | None, value):
    """Return the value, or its label when the cell is hidden."""
    return LABELS[state] if state else value


def words(state: str | None, shown: str) -> str:
    """Return a count as a sentence shows it: the formatted number, or what stands for it when hidden."""
    return IN_SENTENCE[state] if state else shown


def hide(
    table: pd.DataFrame,
    states: dict[Hashable, str],
    keys: list[str],
    counts: Iterable[str] = (),
    derived: Iterable[str] = (),
) -> pd.DataFrame:
    """Return a published table with its hidden cells labelled.

    The state of a row is looked up by the tuple of its `keys` columns (as text); a hidden row shows its
    label in each of `counts` and "×" in each of `derived` (a change, share, rate or weight computed from it).
    """
    if not states:
        return table
    wanted = {tuple(str(v) for v in (key if isinstance(key, tuple) else (key,))): s for key, s in states.items()}
    table = table.copy()
    columns = [*counts, *derived]
    for column in columns:
        table[column] = table[column].astype(object)
    for position, row in enumerate(zip(*(table[k] for k in keys))):
        state = wanted.get(tuple(str(v) for v in row))
        if state:
            for column in counts:
                table.iat[position, table.columns.get_loc(column)] = LABELS[state]
            for column in derived:
                table.iat[position, table.columns.get_loc(column)] = DERIVED
    return table


def hide_cells(
    table: pd.DataFrame,
    states: dict[Hashable, str],
    keys: list[str],
    columns: dict[str, Hashable],
    derived: bool = False,
) -> pd.DataFrame:
    """Return a wide table with its hidden cells labelled, where each column stands for the last key of a cell.

    columns: column -> that key (a soort per column, say); a hidden cell shows its label, or "×" when the column
    holds a figure computed from the count (derived: a rate, a weight).
    """
    if not states:
        return table
    for column, key in columns.items():
        kind = {"derived": [column]} if derived else {"counts": [column]}
        table = hide(table.assign(_cel=key), states, [*keys, "_cel"], **kind)
    return table.drop(columns="_cel")


def number(state: str | None, value, formatter) -> str:
    """Return a figure as text: formatted, or its label when hidden."""
    return LABELS[state] if state else formatter(value)


def label_bars(ax, bars, states: list[str | None], horizontal: bool = True) -> None:
    """Flatten the bars of hidden counts (their height is not shown) and write the label at their base instead.

    The axis is rescaled afterwards, so its range does not give a hidden bar's length away either.
    """
    if not any(states):
        return
    for bar, state in zip(bars, states):
        if not state:
            continue
        if horizontal:
            bar.set_width(0)
            x, y, ha, va = bar.get_x(), bar.get_y() + bar.get_height() / 2, "left", "center"
        else:
            bar.set_height(0)
            x, y, ha, va = bar.get_x() + bar.get_width() / 2, bar.get_y(), "center", "bottom"
        text = f" {LABELS[state]}"
        ax.annotate(text, (x, y), ha=ha, va=va, fontsize=9, style="italic", color="#444444", annotation_clip=False)
    ax.relim()
    ax.autoscale_view()


# The registration-fed tables as a reader knows them (their _totaal tables and the consulteenheden and rates,
# computed from zorgconsumptie, go with them).
READER_NAMES = {
    "verrichtingen": "de verrichtingen per post en soort",
    "binnenlopers": "de binnenlopers",
    "icpc_top": "de meest gestelde diagnoses",
    "branchenormen": "de branchenormen",
    "hulpvragen_leeftijd": "de hulpvragen per leeftijdsgroep",
    "zorgconsumptie": "de zorgconsumptie per gemeente (met de consulteenheden en het gebruik per 1.000 inwoners)",
}


def coverage_sentence() -> str:
    """Return which registration-fed tables the book can show with hidden cells, and which stop the build instead."""
    shown = [READER_NAMES[n] for n in READER_NAMES if n in PAGES_SUPPORT]
    blocked = [READER_NAMES[n] for n in READER_NAMES if n not in PAGES_SUPPORT]
    text = f"Zo afgeschermd staan {join_list(shown)} in het boek, ook in de kerncijfers en het meerjarenoverzicht."
    if "hulpvragen_leeftijd" in PAGES_SUPPORT:
        text += (
            " In de trendmodellen krijgt een leeftijdsgroep met een afgeschermd aantal geen eigen aantal, cijfer per "
            "1.000, verhouding, interval of punt in de diagnostiek; de groei over alle leeftijden samen, met zijn "
            "interval, en de toets blijven staan: het zijn afgeronde samenvattingen over alle leeftijdsgroepen. De "
            "vooruitblik en de standaardisatie voor leeftijd vervallen in zo'n jaar: hun verwachte aantallen wegen "
            "elke leeftijdsgroep met een eigen, openbare bevolking en zouden een afgeschermd aantal teruggeven."
        )
    if "zorgconsumptie" in PAGES_SUPPORT:
        text += (
            " Heeft een gemeente een afgeschermd aantal, dan zijn ook haar consulteenheden en haar cijfer per 1.000 "
            "inwoners afgeschermd, in de tabellen, de grafiek, de kaart en het zorgconsumptiemodel: samen met het "
            "totaal van de gemeente zouden ze het kleine aantal teruggeven. Het model rekent wel met alle gemeenten. "
            "Is het totaal van een gemeente afgeschermd, dan vervalt de standaardisatie voor leeftijd."
        )
    if blocked:
        text += (
            f" Voor {join_list(blocked)} kan dat nog niet, ook niet in de modellen en de vooruitblik die erop "
            "rekenen: heeft zo'n tabel uit de registraties een klein aantal, dan wordt er niets gebouwd. Zo "
            "publiceren de modellen geen enkele waargenomen of geschatte waarde per cel die een klein aantal "
            "verraadt."
        )
    return text
