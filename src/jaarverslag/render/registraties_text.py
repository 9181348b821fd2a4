"""Words for figures only registrations give: durations, hours of the week, and the one sentence for a year without."""

from __future__ import annotations

import pandas as pd

from jaarverslag.render import fmt

# ISO weekday (1 = Monday) as the book writes it.
WEEKDAYS = {1: "maandag", 2: "dinsdag", 3: "woensdag", 4: "donderdag", 5: "vrijdag", 6: "zaterdag", 7: "zondag"}
WEEKDAYS_SHORT = {1: "ma", 2: "di", 3: "wo", 4: "do", 5: "vr", 6: "za", 7: "zo"}
# Which export each kind of record file is (for the sentence of a year without it).
RECORD_NAMES = {
    "oproepen": "de gesprekken uit de telefooncentrale (oproepen)",
    "visites": "de visites uit de rittenregistratie (visites)",
    "contacten": "de contacten uit het registratiesysteem (contacten)",
}


def duur(seconden) -> str:
    """Format a duration in seconds the Dutch way: '45 s', '3 min 5 s', '1 u 12 min'."""
    if seconden is None or pd.isna(seconden):
        return fmt.MISSING_TEXT
    s = int(seconden)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        minutes, rest = divmod(s, 60)
        return f"{minutes} min" + (f" {rest} s" if rest else "")
    hours, rest = divmod(s, 3600)
    return f"{hours} u" + (f" {rest // 60} min" if rest // 60 else "")


def uur_van_de_week(weekdag: int, uur: int) -> str:
    """Name an hour of the week: 'zaterdag 10–11 uur'."""
    return f"{WEEKDAYS[int(weekdag)]} {int(uur)}–{(int(uur) + 1)} uur"


def needs_registrations(onderwerp: str, jaar: int, bestanden: tuple[str, ...]) -> str:
    """Return the one sentence a section shows for a year without the record files it is computed from."""
    names = " en ".join(RECORD_NAMES[b] for b in bestanden)
    return (
        f"{onderwerp} zijn alleen uit de registraties te berekenen: voor {jaar} bevatten de gegevens geen "
        f"registraties met {names}, dus deze cijfers ontbreken."
    )


def csv_download(frame: pd.DataFrame, naam: str, tekst: str):
    """Write a table too long for the page as CSV only, and return the paragraph that links it."""
    from html import escape

    from IPython.display import HTML

    from jaarverslag.data.paths import ASSET_PREFIX, TABLE_FOLDER
    from jaarverslag.render.tables import write_csv

    write_csv(frame, naam)
    link = f"{ASSET_PREFIX}{TABLE_FOLDER}/{escape(naam)}.csv"
    return HTML(
        f'<p class="jv-csv">{escape(tekst)}: <a href="{link}" download>download als CSV</a> '
        "(puntkomma-gescheiden, UTF-8)</p>"
    )
