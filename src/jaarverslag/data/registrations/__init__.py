"""Registrations: the year's record files (contacts, calls, visits) as an input of the book, aggregated with DuckDB.

Public interface:
- `derive_tables(jaar, root)`: every book table the year's record files feed, checked and validated,
  as pandas frames in the typed table's columns and dtypes (what load_table returns);
- `derive_from_files(jaar, contacten=..., oproepen=..., visites=..., root=...)`: the same queries on
  explicit files or a hive-partitioned Parquet archive (no checks; for the benchmark and archives);
- `check_records(jaar, root)`: every problem in the year's record files, in Dutch;
- `fed_tables(jaar, root)`, `feeding_files(naam, jaar, root)`: which book tables come from records;
- `section_table(naam, jaar, root)`: a table only registrations can give (SECTION_TABLES), or None.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jaarverslag.data.registrations.derive import (
    CONTACT_TABLES,
    NORM_TABLE,
    POPULATION_TABLE,
    SECTION_TABLES,
    RecordError,
    derive_from_files,
    derive_year,
    derived_path,
    sections_fed,
    sql_file,
    tables_fed,
)
from jaarverslag.data.registrations.records import (
    RECORD_FORMAT,
    candidate_paths,
    carries_postcode4,
    postcode4_path,
    present,
    record_specs,
)
from jaarverslag.data.validate import Problem

__all__ = [
    "CONTACT_TABLES",
    "NORM_TABLE",
    "RECORD_FORMAT",
    "SECTION_TABLES",
    "RecordError",
    "check_records",
    "conflict_problem",
    "derive_from_files",
    "derive_tables",
    "derived_path",
    "fed_tables",
    "section_table",
    "feeding_files",
    "source_problems",
    "sql_file",
    "watched_paths",
]
FEEDABLE = (*CONTACT_TABLES, NORM_TABLE)


def _population_available(jaar: int, root: Path | None) -> bool:
    from jaarverslag.data.load import is_available

    return is_available(POPULATION_TABLE, jaar, root)


def fed_tables(jaar: int, root: Path | None = None) -> list[str]:
    """Return the book tables the year's record files feed (empty without records)."""
    names = set(present(jaar, root))
    if not names:
        return []
    return tables_fed(names, "contacten" in names and _population_available(jaar, root))


def feeding_files(naam: str, jaar: int, root: Path | None = None) -> list[Path]:
    """Return the record files a book table is derived from this year; empty when it comes from its typed CSV."""
    if naam not in FEEDABLE or naam not in fed_tables(jaar, root):
        return []
    files = present(jaar, root)
    if naam == NORM_TABLE:
        wanted = ["oproepen", "visites"] + (["contacten"] if "visites" in files else [])
    else:
        wanted = ["contacten"]
    return [files[n].path for n in wanted if n in files]


def watched_paths(naam: str, jaar: int, root: Path | None = None) -> list[Path]:
    """Return every record-file path (present or not) whose change can change where or how a table comes from.

    With a contacts file that carries postcode4, the postcode4 -> gemeente table is one of them.
    """
    if naam not in FEEDABLE:
        return []
    specs = record_specs(root)
    kinds = ["oproepen", "visites", "contacten"] if naam == NORM_TABLE else ["contacten"]
    paths = [p for kind in kinds if kind in specs for p in candidate_paths(specs[kind], jaar, root)]
    return paths + _mapping_paths(jaar, root)


def _mapping_paths(jaar: int, root: Path | None) -> list[Path]:
    """Return the postcode4 -> gemeente table when the year's contacts file carries postcode4 (else nothing)."""
    contacts = present(jaar, root).get("contacten")
    return [postcode4_path(root)] if contacts and carries_postcode4(contacts.path) else []


# What a section table reads besides the record files (data/referentie/ tables).
SECTION_INPUTS = {"telefonie_uur": ("normen",), "aanrijtijden": ("normen",), "aanrijtijden_verdeling": ("normen",),
                  "drukte": ("verrichting_soort",), "urgentie": ("verrichting_soort",)}  # fmt: skip


def section_table(naam: str, jaar: int, root: Path | None = None) -> pd.DataFrame | None:
    """Return a section table of the year derived from its registrations, or None when the year has no such records.

    Records every record file that could feed it (present or not) for the execution cache, like load_table.
    """
    from jaarverslag.data.codebook import spec
    from jaarverslag.data.load import DataError, record_read

    specs = record_specs(root)
    needed = SECTION_TABLES[naam]
    for kind in needed:
        for path in candidate_paths(specs[kind], jaar, root):
            record_read(path)
    for path in _mapping_paths(jaar, root) if "contacten" in needed else []:
        record_read(path)
    files = present(jaar, root)
    if naam not in sections_fed(set(files)):
        return None
    for other in SECTION_INPUTS.get(naam, ()):
        record_read(spec(other, root).pad(None, root))
    _, problems = derive_year(jaar, root)
    if problems:
        raise DataError(problems)
    frame = pd.read_csv(derived_path(naam, jaar, root), dtype_backend="numpy_nullable")
    for column in frame.columns:
        if pd.api.types.is_string_dtype(frame[column]) or frame[column].dtype == object:
            frame[column] = frame[column].astype(str)
    return frame


def check_records(jaar: int, root: Path | None = None) -> list[Problem]:
    """Return every problem of the year's record files and of the tables derived from them (empty: all good)."""
    return derive_year(jaar, root)[1]


def derive_tables(jaar: int, root: Path | None = None) -> dict[str, pd.DataFrame]:
    """Return every book table the year's records feed, checked and validated, as load_table would return it."""
    from jaarverslag.data.codebook import spec
    from jaarverslag.data.validate import read_table

    tables, problems = derive_year(jaar, root)
    if problems:
        raise RecordError(problems)
    out = {}
    for naam in tables:
        frame, problems = read_table(spec(naam, root), derived_path(naam, jaar, root), jaar, root)
        if problems:
            raise RecordError(problems)
        out[naam] = frame
    return out


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def conflict_problem(naam: str, typed: Path, feeding: list[Path], root: Path) -> Problem:
    """Return the message for a table with two sources this year: its typed CSV and the registrations."""
    records = " en ".join(_relative(p, root) for p in feeding)
    return Problem(
        _relative(typed, root),
        f"de tabel {naam} heeft twee bronnen: dit bestand en de registraties ({records}), die deze tabel ook leveren",
        f"kies één bron per tabel en jaar: verwijder of verplaats {_relative(typed, root)} om de tabel uit de "
        "registraties af te leiden, of haal de registraties weg om dit bestand te gebruiken",
    )


def source_problems(jaar: int, root: Path, publication: bool = True) -> list[Problem]:
    """Return every problem of the year's registrations: the records, tables with two sources, and (publication)
    small counts that a page cannot hide yet."""
    if not present(jaar, root) and not (root / "data" / str(jaar) / "registraties").is_dir():
        return []
    from jaarverslag.data.codebook import spec

    problems = []
    for naam in fed_tables(jaar, root):
        typed = spec(naam, root).pad(jaar, root)
        if typed.is_file():
            problems.append(conflict_problem(naam, typed, feeding_files(naam, jaar, root), root))
    problems += check_records(jaar, root)
    if not problems and publication:
        from jaarverslag.data.registrations.disclosure import publication_problems

        problems += publication_problems(jaar, root)
    return problems
