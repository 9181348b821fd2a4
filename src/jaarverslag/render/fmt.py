"""Dutch number formatting for the book (10.862; 3,2%; 98,7%)."""

from __future__ import annotations

import math
import sys

from jaarverslag.data.rounding import round_half_up

MISSING_TEXT = "niet beschikbaar"


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


def verandering(value, decimalen: int = 1) -> str:
    """Format a relative change in percent with its sign: '+2,0%', '−4,5%'."""
    if _is_missing(value):
        return MISSING_TEXT
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{getal(abs(value), decimalen)}%"


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
