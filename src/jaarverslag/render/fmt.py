"""Dutch number formatting for the book (10.862; 3,2%; 98,7%)."""

from __future__ import annotations

import math

import pandas as pd

from jaarverslag.data.rounding import round_half_up

MISSING_TEXT = "niet beschikbaar"


def _is_missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def getal(value, decimalen: int = 0) -> str:
    """Format a number the Dutch way: point for thousands, comma for decimals."""
    if _is_missing(value):
        return MISSING_TEXT
    text = f"{float(value):,.{decimalen}f}" if decimalen else f"{round_half_up(value):,d}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def procent(value, decimalen: int = 1) -> str:
    """Format a percentage (already in 0–100) as '3,2%'."""
    return MISSING_TEXT if _is_missing(value) else f"{getal(value, decimalen)}%"


def verandering(value, decimalen: int = 1) -> str:
    """Format a relative change in percent with its sign: '+2,0%', '−4,5%'."""
    if _is_missing(value):
        return MISSING_TEXT
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{getal(abs(value), decimalen)}%"
