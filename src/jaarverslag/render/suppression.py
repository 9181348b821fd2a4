"""How hidden cells of registration-derived figures look on the page, in sentences and in the CSV downloads."""

from __future__ import annotations

from jaarverslag.data.registrations.disclosure import PRIMARY, SECONDARY, SMALL_CELL_THRESHOLD

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
