"""Numbers one way: one change format, small counts without percentages, CSV downloads with numbers as numbers."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from jaarverslag.chapters import kwaliteit as kw
from jaarverslag.chapters import kwaliteit_numbers as kn
from jaarverslag.render import fmt
from jaarverslag.render.tables import CSV_OPTIONS, write_csv
from test_reader_text import CHAPTER_PAGES, page_text

ROOT = Path(__file__).resolve().parents[1]

# Ways of showing a change that the book no longer uses: this year as a percentage of last year ("91%",
# "2021 als % van 2020"), or a signed percentage with other than fmt.CHANGE_DECIMALS decimals ("+2%").
OTHER_CHANGE_FORMATS = {
    "jaar als % van jaar": re.compile(r"\bals % van\b|% van het jaar ervoor|\d% van \d{4}\b"),
    "verandering zonder één decimaal": re.compile(r"(?<![\w,.])[+−±]\d+(?:,\d{2,})?%"),
    "min-streepje in een verandering": re.compile(r"(?<![\w,.])-\d+(?:,\d+)?%"),
}
# A CSV cell that holds a formatted number as text: a sign character, thousands points or a percent sign.
FORMATTED_NUMBER = re.compile(r"^[+−±]?\d{1,3}(?:\.\d{3})+(?:,\d+)?%?$|^[+−±]\d|^−|^\d+(?:,\d+)?\s?%$")
CSV_NUMBER = re.compile(r"^-?\d+(?:,(\d+))?$")
MAX_SHOWN_DECIMALS = 2  # no figure on a page has more decimals (verzuim 3,04%)
AUDIT_COLUMNS = (" onafgerond", " zoals gedrukt")  # unrounded values for auditing, in their own columns
WORKED_EXAMPLE = "_voorbeeld"  # a worked example carries intermediate steps at the precision the next step needs
COORDINATE_COLUMNS = ("(°N)", "(°O)")  # centroids in degrees: three decimals (about 100 m) so distances reproduce


def other_change_formats(text: str) -> list[tuple[str, str]]:
    """Return (kind, context) for every change shown in another way than the book's one format."""
    return [
        (kind, text[max(0, m.start() - 50) : m.end() + 30])
        for kind, pattern in OTHER_CHANGE_FORMATS.items()
        for m in pattern.finditer(text)
    ]


def _allowed_decimals(path: Path, column: str) -> int:
    """Return how many decimals a CSV column may hold (audit columns and worked examples hold more)."""
    if column.endswith(AUDIT_COLUMNS) or path.stem.endswith(WORKED_EXAMPLE):
        return 4
    return 3 if column.endswith(COORDINATE_COLUMNS) else MAX_SHOWN_DECIMALS


def csv_problems(path: Path) -> list[str]:
    """Return what is wrong with the numbers in a published CSV table: text numbers, noise, too many decimals."""
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=CSV_OPTIONS["sep"]))
    header, problems = rows[0], []
    for line, row in enumerate(rows[1:], start=2):
        for column, cell in zip(header, row):
            where = f"{path.name} regel {line}, kolom {column!r}: {cell!r}"
            if FORMATTED_NUMBER.search(cell):
                problems.append(f"{where}: getal als tekst")
            m = CSV_NUMBER.match(cell)
            if m and m.group(1):
                allowed = _allowed_decimals(path, column)
                if len(m.group(1)) > allowed:
                    problems.append(f"{where}: {len(m.group(1))} decimalen (hoogstens {allowed})")
    return problems


# --- the formats themselves ----------------------------------------------------------------------


def test_one_change_format_signed_with_one_decimal():
    assert [fmt.verandering(v) for v in (2.3, -14.2857, 0, 19.565, -0.04)] == [
        "+2,3%",
        "−14,3%",
        "±0,0%",
        "+19,6%",
        "±0,0%",
    ]
    assert fmt.CHANGE_DECIMALS == 1


def test_no_percentage_for_counts_below_the_threshold():
    n = fmt.MIN_COUNT_FOR_CHANGE
    assert fmt.count_change(8, 28) is None and fmt.count_change(52, 42) is None
    assert fmt.count_change(n, n) == 0 and fmt.count_change(n - 1, 120) is None
    assert fmt.shown_count_change(100_036, 97_770) == 2.3
    assert str(n) in fmt.SMALL_COUNT_NOTE


def test_child_abuse_signals_show_counts_not_a_percentage():
    signals = kn.signalering(2021, ROOT)
    row = signals.frame.set_index("indicator").loc["Meldingen kindermishandeling"]
    assert (row["aantal_vorig_jaar"], row["aantal"]) == (28, 8) and pd.isna(row["verandering_pct"])
    table = kn.signals_table(signals).set_index("Indicator")
    assert pd.isna(table.loc["Meldingen kindermishandeling", "Verandering"])
    assert table.loc["Kinderen op de spoedposten", "Verandering"] == 14.2  # 25.757 / 22.563 - 1
    sentence = kw.signalering_zin(signals)
    assert "8, 20 minder dan de 28 van 2020" in sentence and "71,4" not in sentence


def test_norm_results_in_whole_percents():
    assert [fmt.norm_result(v) for v in (64.46, 66.6, 68, 99.09, 98.5)] == ["64%", "67%", "68%", "99%", "99%"]
    assert fmt.norm_result_points(-3.63) == "−4" and fmt.norm_result_points(-0.4) == "±0"


def test_the_methods_page_states_the_threshold():
    text = (ROOT / "book" / "methode.md").read_text(encoding="utf-8")
    assert f"onder de {fmt.MIN_COUNT_FOR_CHANGE}" in text and "+2,3%" in text


def test_csv_numbers_are_numbers_without_noise(tmp_path):
    frame = pd.DataFrame(
        {
            "Onderwerp": ["a", "b", "c"],
            "Aantal": pd.array([100_036, None, 7], dtype="Int64"),
            "Verschil": [-0.3999999999999915, 2.0, 3.04],
            "Gehaald": [True, False, True],
        }
    )
    path = write_csv(frame, "proef", tmp_path)
    assert path.read_text(encoding="utf-8-sig").splitlines() == [
        "Onderwerp;Aantal;Verschil;Gehaald",
        "a;100036;-0,4;ja",
        "b;;2;nee",
        "c;7;3,04;ja",
    ]
    assert csv_problems(path) == []
    (tmp_path / "fout.csv").write_text("A;B;C\n−0,4;0,3999999999999915;+2,3%\n", encoding="utf-8")
    assert len(csv_problems(tmp_path / "fout.csv")) == 3


@pytest.mark.parametrize(
    "text",
    ["2021 als % van 2020", "16.307 14.874 91% van het jaar ervoor", "een verandering van +2%", "Hengelo −26%"],
)
def test_the_scan_finds_other_change_formats(text):
    assert other_change_formats(text)


def test_the_scan_passes_the_book_format():
    assert not other_change_formats("(+2,3% ten opzichte van 2020), −14,3%, ±0,0%, ziekteverzuim 3,04%, norm ≥ 98%")


# --- the built site ------------------------------------------------------------------------------


@pytest.mark.parametrize("pagina", CHAPTER_PAGES)
def test_every_page_shows_changes_one_way(built_project, pagina):
    site = built_project / "site"
    problems = []
    for year in sorted(p for p in site.iterdir() if p.is_dir() and p.name.isdigit()):
        text = page_text((year / "book" / f"{pagina}.html").read_text(encoding="utf-8"))
        problems += [f"{year.name}/{pagina}: {kind}: …{context}…" for kind, context in other_change_formats(text)]
    assert not problems, "Verandering anders getoond dan '+2,3%':\n" + "\n".join(problems)


# A notebook writes its CSV tables as <notebook>.csv or <notebook>_<table>.csv.
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.md"))


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_csv_downloads_hold_numbers_rounded_as_shown(built_project, notebook):
    files = sorted(
        p
        for p in (built_project / "site").glob("*/tabellen/*.csv")
        if p.stem == notebook or p.stem.startswith(f"{notebook}_")
    )
    problems = [f"{path.parent.parent.name}/{problem}" for path in files for problem in csv_problems(path)]
    assert not problems, "\n".join(problems)


def test_every_notebook_publishes_csv_tables(built_project):
    files = sorted((built_project / "site").glob("*/tabellen/*.csv"))
    assert len(files) >= 40, len(files)
    orphans = [p.name for p in files if not any(p.stem == n or p.stem.startswith(f"{n}_") for n in NOTEBOOKS)]
    assert not orphans, orphans  # every CSV is checked by one of the tests above


def test_small_counts_have_no_percentage_on_the_built_page(built_project):
    text = page_text((built_project / "site" / "2021" / "book" / "kwaliteit.html").read_text(encoding="utf-8"))
    assert "28" in text and "−71,4%" not in text and "+23,8%" not in text
