"""Whatever `make validate` accepts, `make book` builds: a header-only or deleted table in a made-up year.

The made-up years 2022 and 2023 are copies of 2021 (without the tables only a printed report has). The
matrix empties tables of 2022: each table alone, and every combination with the tables a cross-table check
reads together with it (data/checks `needs`), each either header-only (the "not yet filled in" template of
`make nieuw-jaar`) or deleted; also the whole year header-only and the whole year deleted. In every state
`make validate` must pass (the made-up years; every year once, filled in), and every notebook that reads
one of the emptied files must run without an exception: for 2022 (this year missing) in every state,
saying "niet beschikbaar" (or its chapter's own words) where it did not with the table filled in; for 2023
(last year missing) with each table alone and the whole year emptied.

The notebooks run in-process (their code cells, with the parameters papermill injects), not through a build;
a notebook whose files are in the same state runs once, and `make validate`'s check of one file runs once per
distinct content of that file (its cross-table checks in every state). One real papermill run proves the
notebook that crashed with KeyError 'Coronapost' now runs.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import matplotlib
import pytest

from jaarverslag.build.parameters import run_parameters
from jaarverslag.data import checks, load
from jaarverslag.data.comparisons import PRINTED_ONLY_TABLES
from jaarverslag.data.paths import READS_ENV, ROOT_ENV
from jaarverslag.data.report import valideer
from jaarverslag.render import charts, page

from conftest import ROOT, copy_project

matplotlib.use("Agg")

SOURCE_YEAR = 2021
THIS_YEAR, NEXT_YEAR = 2022, 2023  # the matrix empties tables of THIS_YEAR; NEXT_YEAR sees them as last year
MISSING_TEXT = "niet beschikbaar"
HEADER_ONLY, DELETED = "kopregel", "weg"
MATRIX_DPI = 30


# --- made-up years --------------------------------------------------------------------------------------------


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _rewrite_cell(path: Path, row: int, column: str, value: object) -> None:
    """Set one data cell (row 0 = first line under the header) of a plain CSV file."""
    rows = _rows(path)
    rows[row + 1][rows[0].index(column)] = str(value)
    _write_rows(path, rows)


def _add(path: Path, where: dict[str, str], n: int) -> None:
    """Add n to the count (column aantal) of the one row matching where."""
    rows = _rows(path)
    matches = [r for r in rows[1:] if all(r[rows[0].index(k)] == v for k, v in where.items())]
    assert len(matches) == 1, (path.name, where)
    column = rows[0].index("aantal")
    matches[0][column] = str(int(matches[0][column]) + n)
    _write_rows(path, rows)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _no_half_consult_units(folder: Path) -> None:
    """Turn one consult into a visit in each gemeente whose consulteenheden end in a half, in every split by soort.

    The 2021 report rounds those halves up per gemeente but not in its total, a contradiction only a printed
    report may keep; a consult more as a visit (+0,5) makes them whole without changing any gemeente's figure.
    """
    rows = _rows(folder / "zorgconsumptie.csv")
    header = rows[0]
    weights = {"Advies/telefonisch consult": 1, "Consult": 2, "Visite": 3}  # twice the consulteenheden weights
    doubled: dict[str, int] = {}
    for r in rows[1:]:
        gemeente, soort, aantal = r[header.index("gemeente")], r[header.index("soort")], r[header.index("aantal")]
        doubled[gemeente] = doubled.get(gemeente, 0) + weights[soort] * int(aantal)
    halves = [g for g, units in doubled.items() if units % 2]
    for gemeente in halves:
        _add(folder / "zorgconsumptie.csv", {"gemeente": gemeente, "soort": "Consult"}, -1)
        _add(folder / "zorgconsumptie.csv", {"gemeente": gemeente, "soort": "Visite"}, 1)
    _add(folder / "verrichtingen.csv", {"post": "Hengelo", "verrichting": "Consult huisarts"}, -len(halves))
    _add(folder / "verrichtingen.csv", {"post": "Hengelo", "verrichting": "Visite"}, len(halves))
    _add(folder / "hulpvragen_leeftijd.csv", {"leeftijdsgroep": "0-10", "soort": "Consult"}, -len(halves))
    _add(folder / "hulpvragen_leeftijd.csv", {"leeftijdsgroep": "0-10", "soort": "Visite"}, len(halves))


def made_up_year(root: Path, jaar: int) -> Path:
    """Copy the previous year's tables and texts to a new year, then make the copy agree with itself.

    A year without a printed report has no afwijkingen.csv or gedrukte_vergelijkingen.csv, and its tables
    must agree: no half consulteenheden, every printed total that does not follow from its parts gets the
    computed value, and the staff count changes by the printed inflow minus outflow.
    """
    source, target = root / "data" / str(jaar - 1), root / "data" / str(jaar)
    shutil.copytree(source, target)
    for name in PRINTED_ONLY_TABLES:
        (target / f"{name}.csv").unlink(missing_ok=True)
    for path in target.glob("*.csv"):
        header, *lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        assert header.startswith("jaar,"), path.name
        path.write_text(header + "".join(re.sub(rf"^{jaar - 1},", f"{jaar},", line) for line in lines), "utf-8")
    _no_half_consult_units(target)
    for _ in range(3):  # a corrected total can be the part of another total
        for finding in checks.findings(jaar, root):
            if finding.controle == "verloop_vs_medewerkers":
                staff = target / "medewerkers.csv"
                first = next(csv.DictReader(io.StringIO(staff.read_text(encoding="utf-8"))))
                _rewrite_cell(staff, 0, "aantal", int(first["aantal"]) + int(finding.gedrukt - finding.berekend))
            elif finding.controle == "aandeel_boven_100":  # no count fits a share above 100%: cap the share
                _rewrite_cell(target / f"{finding.tabel}.csv", finding.row, "aandeel_pct", "100")
            else:
                assert finding.row is not None and finding.column is not None, finding
                _rewrite_cell(target / f"{finding.tabel}.csv", finding.row, finding.column, _number(finding.berekend))
    assert not checks.findings(jaar, root), "the made-up year still contradicts itself"
    return target


# --- running a notebook's code in-process ----------------------------------------------------------------------


def run_notebook(root: Path, notebook: Path, jaar: int, folder: Path) -> dict[str, str]:
    """Execute a notebook's code cells as papermill would (the injected parameters after the parameters cell).

    Returns every glued value as text (an HTML block as its markup); figures and tables land in folder.
    """
    import matplotlib.pyplot as plt

    glued: dict[str, object] = {}
    folder.mkdir(parents=True, exist_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(page, "glue_all", glued.update)
        mp.setattr(charts, "FIGURE_DPI", MATRIX_DPI)  # every figure is still drawn and saved, only smaller
        mp.chdir(folder)
        namespace: dict[str, object] = {}
        for cell in (c for c in jupytext.read(notebook).cells if c.cell_type == "code"):
            exec(compile(cell.source, f"{notebook.name}", "exec"), namespace)  # noqa: S102 - the project's notebook
            if "parameters" in cell.metadata.get("tags", []):
                namespace.update(run_parameters(root, notebook, jaar))
        plt.close("all")
    return {key: str(getattr(value, "data", value)) for key, value in glued.items()}


# Where a chapter already had its own words for a missing table (as on the published 2019 and 2020 pages), or
# falls back on another source, the matrix expects those words instead; None: the page leaves an optional split
# out, as the published 2020 page does.
ALREADY_MISSING = "al niet beschikbaar"  # a CHAPTER_WORDS value: the figures fed are missing with data too
CHAPTER_WORDS: dict[tuple[str, str], str | None] = {
    ("dossierinzage", "projecten"): "zijn geen ICT-projecten vastgelegd",
    ("dossierinzage", "dossierinzage_totaal"): "ontbreekt het SHT-totaal",
    ("model_leeftijd", "hulpvragen_leeftijd"): "geen hulpvragen per leeftijdsgroep en soort",
    ("model_zorgconsumptie", "consulteenheden"): "teruggerekend",  # from the printed rate and denominator
    ("populatie", "hulpvragen_leeftijd"): None,  # the counts table without the columns per soort
    ("vooruitblik", "hulpvragen_leeftijd"): "niet naar soort gesplitst",  # no projection of consulteenheden
    ("zorgconsumptie", "hulpvragen_leeftijd_totaal"): "niet voor leeftijd worden gestandaardiseerd",
    # The rates per soort beside the national ones: in the made-up year they already say "niet beschikbaar"
    # (no CBS population of that year), so emptying the table cannot change them; they must still say it.
    ("kerncijfers", "hulpvragen_leeftijd"): ALREADY_MISSING,
}


def says_missing(notebook: str, tables: set[str], filled: dict[str, str], emptied: dict[str, str]) -> bool:
    """Whether a value now says "niet beschikbaar" (or the chapter's own words) where it did not with data."""
    own = [CHAPTER_WORDS[(notebook, t)] for t in tables if (notebook, t) in CHAPTER_WORDS]
    if None in own and emptied != filled:
        return True
    if ALREADY_MISSING in own and any(MISSING_TEXT in value for value in emptied.values()):
        return True
    words = [MISSING_TEXT, *(w.lower() for w in own if w)]
    return any(
        value.lower().count(word) > filled.get(key, "").lower().count(word)
        for key, value in emptied.items()
        for word in words
    )


# --- the matrix -------------------------------------------------------------------------------------------------

State = frozenset  # of (table, HEADER_ONLY | DELETED)


def _tables() -> list[str]:
    """The tables of a made-up year: the source year's, without the printed-report ones."""
    return sorted(p.stem for p in (ROOT / "data" / str(SOURCE_YEAR)).glob("*.csv") if p.stem not in PRINTED_ONLY_TABLES)


def states() -> list[State]:
    """Every table alone and every combination within a cross-table check's tables, each header-only or deleted."""
    tables = _tables()
    groups = {(t,) for t in tables} | {tuple(t for t in c.needs if t in tables) for c in checks.CHECKS.values()}
    found: set[State] = set()
    for group in filter(None, groups):
        for kinds in itertools.product((None, HEADER_ONLY, DELETED), repeat=len(group)):
            state = State((t, k) for t, k in zip(group, kinds) if k)
            if state:
                found.add(state)
    return sorted(found, key=lambda s: (len(s), sorted(s))) + WHOLE_YEAR


WHOLE_YEAR = [State((t, kind) for t in _tables()) for kind in (HEADER_ONLY, DELETED)]


def state_id(state: State) -> str:
    if state in WHOLE_YEAR:
        return f"alle-tabellen-{next(iter(state))[1]}"
    return "+".join(f"{t}-{k}" for t, k in sorted(state))


@dataclass
class Matrix:
    """The made-up project, what each notebook reads of THIS_YEAR, its values with every table filled, and runs."""

    root: Path
    work: Path
    original: dict[str, bytes]
    reads: dict[tuple[int, str], frozenset[str]] = field(default_factory=dict)
    filled: dict[tuple[int, str], dict[str, str]] = field(default_factory=dict)
    runs: dict[tuple[int, str, State], dict[str, str]] = field(default_factory=dict)
    mtime_ns: int = 1_600_000_000 * 10**9

    def notebooks(self) -> list[Path]:
        return sorted((self.root / "notebooks").glob("*.md"))

    def write(self, table: str, content: bytes | None) -> None:
        """Write (or delete) a table of THIS_YEAR with a fresh modification time, so no cached read is reused."""
        path = self.root / "data" / str(THIS_YEAR) / f"{table}.csv"
        if content is None:
            path.unlink(missing_ok=True)
            return
        path.write_bytes(content)
        self.mtime_ns += 10**9
        os.utime(path, ns=(self.mtime_ns, self.mtime_ns))

    def apply(self, state: State) -> None:
        for table, kind in state:
            self.write(table, None if kind == DELETED else self.original[table].splitlines(keepends=True)[0])

    def restore(self) -> None:
        for table, content in self.original.items():
            self.write(table, content)


def checked_once(read_table):
    """make validate's check of one file, run once per distinct content: the states below write most tables back
    with the same bytes, and the check reads nothing but the file (the cross-table checks always run)."""
    results: dict[tuple, object] = {}

    def check(spec, path: Path, jaar: int | None, root: Path | None = None):
        key = (spec.naam, str(path), jaar, str(root), path.read_bytes())
        if key not in results:
            results[key] = read_table(spec, path, jaar, root)
        return results[key]

    return check


@pytest.fixture(scope="module")
def matrix(tmp_path_factory) -> Matrix:
    """The made-up project with every notebook run once for both made-up years, every table filled in."""
    root = copy_project(tmp_path_factory.mktemp("ontbrekend") / "project")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ROOT_ENV, str(root))
        mp.setattr(load, "read_table", checked_once(load.read_table))  # what make validate checks a file with
        for jaar in (THIS_YEAR, NEXT_YEAR):
            made_up_year(root, jaar)
        folder = root / "data" / str(THIS_YEAR)
        m = Matrix(root, root.parent / "runs", {p.stem: p.read_bytes() for p in folder.glob("*.csv")})
        assert sorted(m.original) == _tables()
        rapport = valideer(root=root)  # every year, as make validate; the states below change 2022 only
        assert rapport.ok, rapport.tekst()
        reads_file = root.parent / "gelezen.txt"
        for jaar in (THIS_YEAR, NEXT_YEAR):
            for notebook in m.notebooks():
                reads_file.write_text("", encoding="utf-8")
                mp.setenv(READS_ENV, str(reads_file))
                m.filled[(jaar, notebook.stem)] = run_notebook(root, notebook, jaar, m.work / "gevuld")
                mp.delenv(READS_ENV)
                read = {Path(line) for line in reads_file.read_text(encoding="utf-8").split()}
                m.reads[(jaar, notebook.stem)] = frozenset(p.stem for p in read if p.parent == folder)
        yield m


@pytest.mark.parametrize("state", states(), ids=state_id)
def test_validated_state_builds_and_says_not_available(matrix, state, monkeypatch):
    monkeypatch.setenv(ROOT_ENV, str(matrix.root))
    matrix.apply(state)
    try:
        rapport = valideer([THIS_YEAR, NEXT_YEAR], matrix.root)
        assert rapport.ok, rapport.tekst()
        years = (THIS_YEAR, NEXT_YEAR) if len(state) == 1 or state in WHOLE_YEAR else (THIS_YEAR,)
        for jaar, notebook in itertools.product(years, matrix.notebooks()):
            seen = State(item for item in state if item[0] in matrix.reads[(jaar, notebook.stem)])
            if not seen:
                continue  # the notebook reads none of these files: its run cannot change
            key = (jaar, notebook.stem, seen)
            if key not in matrix.runs:
                try:
                    matrix.runs[key] = run_notebook(matrix.root, notebook, jaar, matrix.work / "leeg")
                except Exception as err:  # noqa: BLE001 - the failure is the finding, with its notebook
                    pytest.fail(f"{notebook.stem} ({jaar}) with {sorted(seen)}: {type(err).__name__}: {err}")
            if jaar == THIS_YEAR:  # last year's gap shows as a dash or a missing comparison: no crash is the rule
                tables = {t for t, _ in seen}
                filled = matrix.filled[(jaar, notebook.stem)]
                changed = {k: v for k, v in matrix.runs[key].items() if filled.get(k) != v}
                assert says_missing(notebook.stem, tables, filled, matrix.runs[key]), (
                    f"{notebook.stem} ({jaar}) does not say '{MISSING_TEXT}' without {sorted(tables)}; "
                    f"changed: {changed}"
                )
    finally:
        matrix.restore()


# --- one real papermill run ---------------------------------------------------------------------------------------


def test_header_only_procedures_do_not_crash_the_real_notebook(project, tmp_path, monkeypatch):
    """The issue's case: verrichtingen.csv header-only, the ICPC top list filled (was KeyError 'Coronapost')."""
    import papermill

    monkeypatch.setenv(ROOT_ENV, str(project))
    made_up_year(project, THIS_YEAR)
    procedures = project / "data" / str(THIS_YEAR) / "verrichtingen.csv"
    procedures.write_text(procedures.read_text(encoding="utf-8").splitlines(keepends=True)[0], encoding="utf-8")
    assert valideer([THIS_YEAR], project).ok
    notebook = project / "notebooks" / "binnenlopers_icpc.md"
    out = tmp_path / "binnenlopers_icpc.ipynb"
    papermill.execute_notebook(
        jupytext.read(notebook),
        str(out),
        parameters={"jaar": THIS_YEAR},
        cwd=str(tmp_path),
        kernel_name="python3",
        progress_bar=False,
        start_timeout=300,
    )
    text = out.read_text(encoding="utf-8")
    assert "Het aandeel in alle verrichtingen is niet beschikbaar" in text
