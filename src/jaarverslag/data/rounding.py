"""The printed report's rounding rule, used by the checks and by the book alike."""

from __future__ import annotations

import math


def round_half_up(value: float, decimals: int = 0) -> int | float:
    """Round half away from zero, as the printed report does (2,5 → 3), not banker's rounding."""
    factor = 10**decimals
    scaled = abs(float(value)) * factor
    rounded = math.floor(scaled + 0.5 + 1e-9) / factor
    rounded = math.copysign(rounded, float(value))
    return int(rounded) if decimals == 0 else rounded
