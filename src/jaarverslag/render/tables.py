"""Tables for the book: an accessible HTML table (caption, header cells, escaped text) and the same table as CSV."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape, unescape
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import HTML

from jaarverslag.data.paths import ASSET_PREFIX, TABLE_FOLDER
from jaarverslag.render import suppression
from jaarverslag.render.fmt import csv_number, getal, round_half_up

# Dutch Excel opens ';'-separated UTF-8 with a BOM and a decimal comma without an import wizard.
CSV_OPTIONS = {"sep": ";", "decimal": ",", "encoding": "utf-8-sig", "index": False, "lineterminator": "\n"}
EMPTY_CELL = "–"
UNCERTAIN_MARK = " †"
NUMBER_CLASS = ' class="jv-getal"'  # right-aligned via the book's CSS


def _is_missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value))


def cell(value) -> str:
    """Format one cell for the page: Dutch numbers, escaped text, a dash for empty."""
    if _is_missing(value):
        return EMPTY_CELL
    if isinstance(value, str):
        return escape(value)
    return escape(getal(value))


def csv_value(value):
    """Return a cell as the CSV holds it: a number in Excel's Dutch form (decimal comma, ASCII minus, no noise)."""
    if isinstance(value, (bool, np.bool_)):
        return "ja" if value else "nee"
    if _is_missing(value) or not isinstance(value, (int, float, np.integer, np.floating)):
        return value
    return csv_number(value)


def _formatted(value, formatter: Callable | None) -> str:
    if formatter is None or _is_missing(value) or suppression.is_label(value):
        return cell(value)
    return escape(formatter(value))


def _is_number_column(values: pd.Series) -> bool:
    """Say whether a column holds numbers (hidden-cell labels such as "<10" among them count as numbers)."""
    if pd.api.types.is_numeric_dtype(values):
        return True
    cells = [v for v in values if not _is_missing(v)]
    return bool(cells) and all(
        suppression.is_label(v) or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in cells
    )


# One number as a page prints it: "1.409,5", "−1,8", "+2,3", "186" (a cell holding only that is a number).
PRINTED_NUMBER = re.compile(r"([+−-]?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?")


def _printed_value(text: str, percent_allowed: bool):
    """Return the number a text cell prints ('1.409,5' -> 1409.5), or None when the cell is more than one number."""
    body = text.strip()
    if percent_allowed and body.endswith("%"):
        body = body[:-1].rstrip()
    m = PRINTED_NUMBER.fullmatch(body)
    if m is None or (m.group(2).startswith("0") and len(m.group(2)) > 1):  # a code such as "0147" stays text
        return None
    sign = -1 if m.group(1) in ("-", "−") else 1
    whole = int(m.group(2).replace(".", ""))
    return sign * (float(f"{whole}.{m.group(3)}") if m.group(3) else whole)


def _shown_decimals(shown: str) -> int | None:
    """Return how many decimals a page cell shows its number with, or None when it shows no number."""
    m = PRINTED_NUMBER.search(unescape(shown))
    return None if m is None else len(m.group(3) or "")


def as_shown(frame: pd.DataFrame, formatters: dict[str, Callable] | None = None, round_floats: bool = True):
    """Return the table as its CSV holds it: numbers rounded to the decimals the page shows, printed numbers as numbers.

    A percent sign is dropped only in a column whose heading names the unit ("(%)").
    """
    formatters = formatters or {}
    out = frame.copy()
    for column in frame.columns:
        percent_allowed = "%" in str(column)
        formatter = formatters.get(column)
        cells = [_csv_cell(v, formatter, percent_allowed, round_floats) for v in frame[column]]
        if any(c is not v for c, v in zip(cells, frame[column])):
            out[column] = pd.Series(cells, index=frame.index, dtype=object)
    return out


def _csv_cell(value, formatter: Callable | None, percent_allowed: bool, round_floats: bool):
    """Return one cell as the CSV holds it: a printed number as that number, a float rounded as the page shows it."""
    if isinstance(value, str):
        parsed = _printed_value(value, percent_allowed)
        return value if parsed is None else parsed
    return _rounded_as_shown(value, formatter) if round_floats else value


def _rounded_as_shown(value, formatter: Callable | None):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (float, np.floating)) or _is_missing(value):
        return value
    decimals = _shown_decimals(_formatted(value, formatter))
    return value if decimals is None else round_half_up(float(value), decimals)


def write_csv(frame: pd.DataFrame, naam: str, map: Path | None = None) -> Path:
    """Write a table as CSV beside the executed notebook and return its path; every number as a Dutch number."""
    folder = (map or Path.cwd()) / TABLE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{naam}.csv"
    frame.apply(lambda column: column.map(csv_value)).to_csv(path, **CSV_OPTIONS)
    return path


def html(
    frame: pd.DataFrame,
    naam: str,
    bijschrift: str,
    formatters: dict[str, Callable] | None = None,
    onzeker: pd.Series | None = None,
    map: Path | None = None,
    csv_frame: pd.DataFrame | None = None,
) -> HTML:
    """Return a captioned HTML table with a CSV download link, and write the CSV (numbers as numbers).

    `onzeker` marks rows whose value could not be settled from the source: their cells get
    UNCERTAIN_MARK and the caption explains it (the CSV keeps the status column if given).
    `csv_frame` is written as the CSV instead of `frame`: the shown columns plus, where auditing
    needs them, the unrounded values in columns of their own.
    """
    formatters = formatters or {}
    shown = as_shown(frame, formatters) if csv_frame is None else as_shown(csv_frame, round_floats=False)
    write_csv(shown, naam, map)
    marks = [bool(v) for v in onzeker] if onzeker is not None else [False] * len(frame)
    numeric = [_is_number_column(frame[c]) for c in frame.columns]
    head = "".join(
        f'<th scope="col"{NUMBER_CLASS if n else ""}>{escape(str(c))}</th>' for c, n in zip(frame.columns, numeric)
    )
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td{NUMBER_CLASS if n else ''}>{_formatted(v, formatters.get(c))}"
            f"{UNCERTAIN_MARK if mark and n else ''}</td>"
            for v, n, c in zip(row, numeric, frame.columns)
        )
        + "</tr>"
        for row, mark in zip(frame.itertuples(index=False), marks)
    )
    if any(suppression.is_label(v) for c in frame.columns for v in frame[c]):
        bijschrift += suppression.CAPTION_NOTE
    if any(marks):
        bijschrift += (
            f" ({UNCERTAIN_MARK.strip()} = onzekere waarde: de bron is hier niet eenduidig; zie de toelichting)"
        )
    link = f"{ASSET_PREFIX}{TABLE_FOLDER}/{escape(naam)}.csv"
    return HTML(
        f'<div class="jv-tabel"><table class="table" id="tbl-{escape(naam)}"><caption>{escape(bijschrift)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        f'<p><a href="{link}" download>Download deze tabel als CSV</a> (puntkomma-gescheiden, UTF-8)</p></div>'
    )


def unavailable(onderwerp: str, jaar: int) -> HTML:
    """Return the one clear sentence shown in place of a chart or table whose data is missing."""
    return HTML(
        f'<p class="jv-niet-beschikbaar"><strong>Niet beschikbaar:</strong> voor {jaar} zijn geen gegevens '
        f"over {escape(onderwerp)} beschikbaar.</p>"
    )


def combine(*blokken: HTML) -> HTML:
    """Return one HTML block made of several (a figure and its table), so a page needs one glue key for both."""
    return HTML("".join(b.data for b in blokken))


def sentence_html(tekst: str) -> HTML:
    """Return a sentence as an escaped HTML paragraph (to sit in a glued block, or stand in for a table)."""
    return HTML(f"<p>{escape(tekst)}</p>")
