"""Dutch number formatting for the book (10.862; 3,2%; 98,7%)."""

from __future__ import annotations

import math
import sys

from jaarverslag.data.rounding import round_half_up

MISSING_TEXT = "niet beschikbaar"


MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
MONTHS_SHORT = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def day_month(day) -> str:
    """Return a date as Dutch day and month: 25 januari."""
    return f"{day.day} {MONTHS[day.month - 1]}"


def _is_missing(value) -> bool:
    # pd.NA exists only once pandas is loaded; not importing it here keeps the build's command line quick to start.
    pandas = sys.modules.get("pandas")
    return (
        value is None or (pandas is not None and value is pandas.NA) or (isinstance(value, float) and math.isnan(value))
    )


def getal(value, decimalen: int = 0) -> str:
    """Format a number the Dutch way: point for thousands, comma for decimals."""
    if _is_missing(value):
        return MISSING_TEXT
    text = f"{float(value):,.{decimalen}f}" if decimalen else f"{round_half_up(value):,d}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percent(value, decimalen: int = 1) -> str:
    """Format a percentage (already in 0–100) as '3,2%'."""
    return MISSING_TEXT if _is_missing(value) else f"{getal(value, decimalen)}%"


# The book's one way to show a change: relative to last year, signed, one decimal ('+2,3%', '−14,3%', '±0,0%').
CHANGE_DECIMALS = 1
# Below this count (in either year) a percentage change says little (28 → 8 is "−71,4%"): give the counts.
MIN_COUNT_FOR_CHANGE = 50


def verandering(value, decimalen: int = CHANGE_DECIMALS) -> str:
    """Format a relative change in percent with its sign: '+2,0%', '−4,5%'."""
    if _is_missing(value):
        return MISSING_TEXT
    value = round_half_up(float(value), decimalen)
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{getal(abs(value), decimalen)}%"


def change_shown(nu, vorig) -> bool:
    """Say whether a percentage change of two counts is shown: both present and at least MIN_COUNT_FOR_CHANGE."""
    return not (_is_missing(nu) or _is_missing(vorig)) and min(float(nu), float(vorig)) >= MIN_COUNT_FOR_CHANGE


def count_change(nu, vorig) -> float | None:
    """Return the relative change of two counts in percent, or None when the counts are too small (or missing)."""
    return (float(nu) / float(vorig) - 1) * 100 if change_shown(nu, vorig) and float(vorig) else None


def shown(values, decimalen: int):
    """Return numbers rounded (half up) to the decimals the page shows them with, for a table and its CSV."""
    import pandas as pd  # here, not at the top: the build's command line starts without pandas

    return pd.array([None if _is_missing(v) else round_half_up(float(v), decimalen) for v in values], dtype="Float64")


def shown_count_change(nu, vorig) -> float | None:
    """Return the change of two counts rounded as the page shows it (for tables and their CSV), or None."""
    change = count_change(nu, vorig)
    return None if change is None else round_half_up(change, CHANGE_DECIMALS)


SMALL_COUNT_NOTE = (
    f"bij aantallen onder de {MIN_COUNT_FOR_CHANGE} staat geen procentuele verandering, alleen de aantallen"
)


# The report prints percentages with as many decimals as it has, at most two (98%, 98,7%, 99,09%).
PRINTED_MAX_DECIMALS = 2
SOURCE_MISSING_TEXT = "ontbreekt in de bron"


def printed_decimals(value) -> int:
    """Return how many decimals (at most two) a printed number has: 0 for 106, 1 for 82,2, 2 for 99,09."""
    return next(
        d
        for d in range(PRINTED_MAX_DECIMALS + 1)
        if round(float(value), d) == round(float(value), PRINTED_MAX_DECIMALS)
    )


def printed_percent(value) -> str:
    """Format a percentage with the decimals it was printed with: '98%', '98,7%', '99,09%'; missing says so."""
    return SOURCE_MISSING_TEXT if _is_missing(value) else percent(value, printed_decimals(value))


def percentage_points(value) -> str:
    """Format a difference of two printed percentages with its sign and its own decimals: '+3,7', '−0,4', '±0'."""
    if _is_missing(value):
        return MISSING_TEXT
    value = round(float(value), PRINTED_MAX_DECIMALS)
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{getal(abs(value), printed_decimals(value))}"


# A CSV number keeps at most this many decimals: enough for every figure the book shows, and it drops
# binary noise such as -0.3999999999999915 (tables round to what the page shows before they get here).
CSV_MAX_DECIMALS = 6


def csv_number(value) -> str:
    """Format a number for a CSV download in Dutch Excel's dialect: '100036', '3,04', '-0,4' (no thousands point)."""
    if _is_missing(value):
        return ""
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    text = f"{round(float(value), CSV_MAX_DECIMALS):.{CSV_MAX_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text.replace(".", ",")


# Branchenorm results: whole percents, the coarsest precision the report prints them with (68%; others 64,46%
# or 66,6%), so no value shows more precision than the least precise one has. Verdicts use the printed value.
NORM_RESULT_DECIMALS = 0


def norm_result(value) -> str:
    """Format a branchenorm result in whole percents: '64%' for a printed 64,46; missing says so."""
    return SOURCE_MISSING_TEXT if _is_missing(value) else percent(round_half_up(float(value), NORM_RESULT_DECIMALS), 0)


def norm_result_points(value) -> str:
    """Format a difference of two branchenorm results in whole procentpunten with its sign: '−4', '+1', '±0'."""
    if _is_missing(value):
        return MISSING_TEXT
    value = round_half_up(float(value), NORM_RESULT_DECIMALS)
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{getal(abs(value), NORM_RESULT_DECIMALS)}"
