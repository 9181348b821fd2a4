"""Loading validated tables: the one way notebooks and tests read data/."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from jaarverslag.data.codebook import REFERENCE_FOLDER, TableSpec, spec
from jaarverslag.data.paths import READS_ENV, project_root, report_years  # noqa: F401 - verslagjaren re-exported
from jaarverslag.data.validate import Problem, read_table


def record_read(path: Path) -> None:
    """Note that the running notebook read (or looked for) this file."""
    target = os.environ.get(READS_ENV)
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(f"{path}\n")


class DataError(ValueError):
    """A data file does not meet its codebook entry."""

    def __init__(self, problemen: list[Problem]):
        self.problemen = problemen
        super().__init__("\n".join(p.tekst() for p in problemen))


class MissingTableError(FileNotFoundError):
    """A table is not (yet) available for a report year."""


Tabel = pd.DataFrame

_cache: dict[tuple[Path, int | None, float], pd.DataFrame] = {}


class SourceConflictError(DataError):
    """A table of a year has two sources: its typed CSV and the year's registrations."""


# What a derived table reads besides the record files (data/referentie/ tables; the year's inwoners).
DERIVATION_INPUTS = {
    "hulpvragen_leeftijd": ("verrichting_soort",),
    "zorgconsumptie": ("verrichting_soort",),
    "zorgconsumptie_totaal": ("verrichting_soort",),
    "consulteenheden": ("verrichting_soort",),
    "consulteenheden_totaal": ("verrichting_soort",),
    "zorgconsumptie_per_1000": ("verrichting_soort", "inwoners_gemeente"),
    "icpc_top": ("icpc",),
    "branchenormen": ("normen",),
}


def _derived_source(naam: str, jaar: int | None, root: Path | None) -> Path | None:
    """Return the derived file when the year's registrations feed this table (None: its typed CSV is the source).

    Records every record file that could feed the table (present or not) for the execution cache, so
    changing, adding or removing one re-runs exactly the notebooks that read what it feeds. Both a typed
    CSV and registrations for one table and year stop with a message naming both files.
    """
    table = spec(naam, root)
    if not table.per_jaar or jaar is None:
        return None
    from jaarverslag.data import registrations

    for path in registrations.watched_paths(naam, jaar, root):
        record_read(path)
    feeding = registrations.feeding_files(naam, jaar, root)
    if not feeding:
        return None
    root = root or project_root()
    typed = table.pad(jaar, root)
    if typed.is_file():
        raise SourceConflictError([registrations.conflict_problem(naam, typed, feeding, root)])
    for other in DERIVATION_INPUTS.get(naam, ()):
        record_read(spec(other, root).pad(jaar, root))
    _, problems = registrations.derive_year(jaar, root)
    if problems:
        raise DataError(problems)
    return registrations.derived_path(naam, jaar, root)


def is_available(naam: str, jaar: int | None = None, root: Path | None = None) -> bool:
    """Say whether a table's file exists for a report year and is filled in (a header-only template is not).

    A table the year's registrations feed is available (its records are checked when it is loaded).
    """
    table = spec(naam, root)
    path = table.pad(jaar, root)
    record_read(path)  # its later appearance (or filling in) must re-run the notebook that asked
    if table.per_jaar and jaar is not None:
        from jaarverslag.data import registrations

        for watched in registrations.watched_paths(naam, jaar, root):
            record_read(watched)
        if registrations.feeding_files(naam, jaar, root):
            return True
    return path.is_file() and not (table.formaat == "csv" and _header_only(path))


def _header_only(path: Path) -> bool:
    """Say whether a CSV file holds a header row and no data rows (an empty template of `make nieuw-jaar`)."""
    return len([line for line in path.read_bytes().splitlines() if line.strip()]) == 1


def load_table(naam: str, jaar: int | None = None, root: Path | None = None) -> pd.DataFrame:
    """Return one validated table; raise TabelOntbreekt or DataFout with Dutch messages."""
    root = root or project_root()
    table = spec(naam, root)
    path = table.pad(jaar, root)
    record_read(path)
    path = _derived_source(naam, jaar, root) or path
    if not path.is_file():
        where = f"{jaar}" if table.per_jaar else REFERENCE_FOLDER
        raise MissingTableError(f"Tabel '{naam}' ontbreekt voor {where}: {path.relative_to(root)} bestaat niet.")
    key = (path, jaar, path.stat().st_mtime)
    if key not in _cache:
        frame, problems = read_table(table, path, jaar, root)
        if problems:
            raise DataError(problems)
        _cache[key] = frame
    return _cache[key].copy()


def check_table(table: TableSpec, path: Path, jaar: int | None, root: Path) -> list[Problem]:
    """Validate one table file; keep it for load_table when it is clean, so a validation reads each file once."""
    frame, problems = read_table(table, path, jaar, root)
    if not problems:
        _cache[(path, jaar, path.stat().st_mtime)] = frame
    return problems


def load_years(naam: str, jaren: list[int], root: Path | None = None) -> pd.DataFrame:
    """Return one table for several years stacked, skipping years where it is missing."""
    frames = [load_table(naam, j, root) for j in jaren if is_available(naam, j, root)]
    if not frames:
        raise MissingTableError(f"Tabel '{naam}' ontbreekt voor alle jaren {jaren}.")
    return pd.concat(frames, ignore_index=True)
