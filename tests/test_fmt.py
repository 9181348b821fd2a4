"""Dutch number formatting and the report's rounding rule."""

import pandas as pd
import pytest

from jaarverslag.render import fmt


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (10862, 0, "10.862"),
        (100036, 0, "100.036"),
        (3.04, 2, "3,04"),
        (1234567.891, 1, "1.234.567,9"),
        (0, 0, "0"),
        (-2266, 0, "-2.266"),
        (2.5, 0, "3"),
        (3.5, 0, "4"),
    ],
)
def test_getal(value, decimals, expected):
    assert fmt.getal(value, decimals) == expected


def test_procent_and_change():
    assert fmt.percent(3.19, 1) == "3,2%"
    assert fmt.percent(98.7) == "98,7%"
    assert fmt.verandering(2.318) == "+2,3%"
    assert fmt.verandering(-4.5) == "−4,5%"
    assert fmt.verandering(0) == "±0,0%"


def test_missing_values_never_print_nan():
    assert fmt.getal(pd.NA) == fmt.MISSING_TEXT
    assert fmt.percent(float("nan")) == fmt.MISSING_TEXT


@pytest.mark.parametrize(("value", "expected"), [(0.5, 1), (1.5, 2), (2.5, 3), (-2.5, -3), (101.49, 101)])
def test_round_half_up_is_not_bankers_rounding(value, expected):
    assert fmt.round_half_up(value) == expected
