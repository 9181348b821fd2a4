"""Deriving the book's tables from the record files with DuckDB: one SQL query per table (sql/<tabel>.sql).

The queries read the typed views contacten, oproepen and visites (records.typed_views) and small
helper tables registered here from the codebook and the reference tables, so every category list,
weight and norm limit keeps its one definition.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from jaarverslag.data.codebook import categories, spec
from jaarverslag.data.paths import build_dir, data_dir
from jaarverslag.data.registrations import records
from jaarverslag.data.validate import PANDAS_DTYPE, Problem, read_table

if TYPE_CHECKING:  # DuckDB loads only when records are read: notebooks import this package too
    import duckdb

SQL_FOLDER = Path(__file__).with_name("sql")
DERIVED_FOLDER = "registraties"  # _build/registraties/<jaar>/<tabel>.csv
STAMP = "afgeleid.json"
CONTACT_TABLES = (
    "verrichtingen",
    "verrichtingen_totaal",
    "hulpvragen_leeftijd",
    "hulpvragen_leeftijd_totaal",
    "zorgconsumptie",
    "zorgconsumptie_totaal",
    "consulteenheden",
    "consulteenheden_totaal",
    "zorgconsumptie_per_1000",
    "binnenlopers",
    "binnenlopers_totaal",
    "icpc_top",
)
NORM_TABLE = "branchenormen"
POPULATION_TABLE = "inwoners_gemeente"  # the denominator of zorgconsumptie_per_1000 stays a typed table
# Which records measure which norm: (record file, the line or urgency it selects). Norms not listed
# (fiat and handling times) are not in the records and get status ontbreekt.
NORM_SOURCES = {
    "tel_spoedlijn_30s": ("oproepen", "spoedlijn"),
    "tel_patientenlijn_2min": ("oproepen", "reguliere lijn"),
    "tel_patientenlijn_10min": ("oproepen", "reguliere lijn"),
    "u1_visite_20min": ("visites", "U1"),
    "u1_visite_30min": ("visites", "U1"),
    "u2_visite_1u": ("visites", "U2"),
    "u2_visite_2u": ("visites", "U2"),
}
# Tables only registrations can give (the sections of issue 14): no typed CSV, no codebook entry; derived
# beside the book tables into _build/registraties/<jaar>/ when their record files are present, and read
# with registrations.section_table. Each maps to the record files its query needs.
SECTION_TABLES = {
    "telefonie": ("oproepen",),
    "telefonie_uur": ("oproepen",),
    "aanrijtijden": ("visites", "contacten"),
    "aanrijtijden_verdeling": ("visites", "contacten"),
    "drukte": ("contacten",),
    "urgentie": ("contacten",),
}
SECONDS = {"seconden": 1, "minuten": 60, "uren": 3600}
REFERENCE_TABLES = ("verrichting_soort", "normen", "icpc", records.POSTCODE4_TABLE)
OPEN_AGE = 200  # upper bound of the open age group ("80+"), beyond the codebook's maximum age


def sql_file(naam: str) -> Path:
    return SQL_FOLDER / f"{naam}.sql"


def _age_groups(groups: list[str]) -> pd.DataFrame:
    """Return one row per whole year of age with its group: "0-10" holds 0 to 9, "80+" 80 and older."""
    rows = []
    for group in groups:
        low, _, high = group.replace("+", "-").partition("-")
        for age in range(int(low), int(high) if high else OPEN_AGE):
            rows.append((age, group))
    return pd.DataFrame(rows, columns=["leeftijd", "groep"])


def _register_helpers(
    con: duckdb.DuckDBPyConnection, jaar: int, root: Path | None, present: set[str], population: pd.DataFrame | None
) -> None:
    """Register the codebook lists, reference tables and constants the queries join with."""
    from jaarverslag.data.load import load_table
    from jaarverslag.data.metrics import CONSULTEENHEID_WEIGHTS

    lists = categories(root)
    volgorde = pd.DataFrame(
        [(name, str(value), i) for name, values in lists.items() for i, value in enumerate(values)],
        columns=["lijst", "waarde", "positie"],
    )
    normen = load_table("normen", None, root)
    limits = {
        row.norm_id: int(row.grens_waarde * SECONDS[row.grens_eenheid])
        for row in normen.itertuples()
        if pd.notna(row.grens_waarde) and row.grens_eenheid in SECONDS
    }
    norm_bron = pd.DataFrame(
        [(norm, bron, selectie, limits[norm]) for norm, (bron, selectie) in NORM_SOURCES.items()],
        columns=["norm_id", "bron", "selectie", "grens_s"],
    )
    helpers = {
        "volgorde": volgorde,
        "leeftijd_groep": _age_groups(lists["leeftijdsgroep_hulpvraag"]),
        "gewicht": pd.DataFrame(
            [(soort, int(round(2 * w))) for soort, w in CONSULTEENHEID_WEIGHTS.items()], columns=["soort", "halven"]
        ),
        "norm_bron": norm_bron,
        "aanwezig": pd.DataFrame([(b, b in present) for b in ("oproepen", "visites")], columns=["bron", "aanwezig"]),
        "verrichting_soort": load_table("verrichting_soort", None, root)[["verrichting", "soort"]].astype(str),
        "icpc": load_table("icpc", None, root)[["code", "omschrijving"]].astype(str),
        "inwoners_gemeente": (
            population[["gemeente", "inwoners_x1000"]].dropna().astype({"gemeente": str, "inwoners_x1000": "int64"})
            if population is not None
            else pd.DataFrame({"gemeente": pd.Series(dtype=str), "inwoners_x1000": pd.Series(dtype="int64")})
        ),
    }
    for name, frame in helpers.items():
        con.register(f"{name}_df", frame)
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM {name}_df")
        con.unregister(f"{name}_df")


def tables_fed(present: set[str], population_available: bool) -> list[str]:
    """Return the book tables these record files feed (in a fixed order)."""
    tables = []
    if "contacten" in present:
        tables += [t for t in CONTACT_TABLES if t != "zorgconsumptie_per_1000" or population_available]
    if "oproepen" in present or "visites" in present:
        tables.append(NORM_TABLE)
    return tables


def sections_fed(present: set[str]) -> list[str]:
    """Return the section tables these record files feed (in a fixed order)."""
    return [naam for naam, needed in SECTION_TABLES.items() if set(needed) <= present]


def run_section_queries(con: duckdb.DuckDBPyConnection, jaar: int, names: list[str]) -> dict[str, pd.DataFrame]:
    """Run each section table's query; return the results (counts as integers, empty percentiles as <NA>)."""
    out = {}
    for naam in names:
        frame = con.execute(sql_file(naam).read_text(encoding="utf-8"), {"jaar": jaar}).df()
        for column in frame.columns:
            if pd.api.types.is_numeric_dtype(frame[column]):
                frame[column] = frame[column].astype("Int64")
        out[naam] = frame
    return out


def typed_frame(frame: pd.DataFrame, naam: str, root: Path | None = None) -> pd.DataFrame:
    """Return a query result in the typed table's columns and dtypes (as load_table gives it)."""
    table = spec(naam, root)
    out = frame[table.column_names].copy()
    for kolom in table.kolommen:
        values = out[kolom.naam]
        if kolom.type in ("geheel", "decimaal"):
            values = pd.to_numeric(values)
        out[kolom.naam] = values.astype(PANDAS_DTYPE[kolom.type])
    return out.reset_index(drop=True)


DENOMINATORS = "branchenormen_noemers.csv"  # calls or visits behind each norm percentage (small-cell rule)


def denominator_path(jaar: int, root: Path | None = None) -> Path:
    return derived_folder(jaar, root) / DENOMINATORS


def run_queries(
    con: duckdb.DuckDBPyConnection, jaar: int, tables: list[str], root: Path | None, raw: dict | None = None
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Run each table's query; return the typed frames and problems the queries reveal (ICPC code without label).

    raw, when given, receives each query's untyped result (with any extra columns such as noemer).
    """
    frames, problems = {}, []
    for naam in tables:
        # Kept as a table: a later query may build on it (per_1000 on consulteenheden) instead of repeating it.
        query = sql_file(naam).read_text(encoding="utf-8")
        con.execute(f"CREATE OR REPLACE TABLE {naam} AS\n{query}", {"jaar": jaar})
        result = con.execute(f"SELECT * FROM {naam}").df()
        if raw is not None:
            raw[naam] = result
        if naam == "icpc_top":
            for row in result[result["diagnose"].isna()].itertuples():
                problems.append(
                    Problem(
                        "data/referentie/icpc.csv",
                        f"de ICPC-code {row.code} staat in de toplijst van {row.post} voor {jaar}, maar heeft "
                        "geen omschrijving",
                        f"voeg een regel toe: {row.code},<omschrijving zoals het boek die toont>,zeker,",
                        waarde=row.code,
                    )
                )
        frames[naam] = typed_frame(result, naam, root)
    return frames, problems


def _population(jaar: int, root: Path | None) -> pd.DataFrame | None:
    from jaarverslag.data.load import is_available, load_table

    return load_table(POPULATION_TABLE, jaar, root) if is_available(POPULATION_TABLE, jaar, root) else None


def derive_from_files(
    jaar: int,
    contacten: str | Path | None = None,
    oproepen: str | Path | None = None,
    visites: str | Path | None = None,
    root: Path | None = None,
    population: pd.DataFrame | None = None,
    secties: bool = False,
) -> dict[str, pd.DataFrame]:
    """Derive every table these record files feed, from explicit paths (or Parquet globs), without checking them.

    For files outside data/, such as the national-size benchmark or a multi-year archive partitioned
    as .../jaar=2021/post=Hengelo/*.parquet (hive partitioning; the year's partitions are selected).
    The reference tables come from the project at root; population is the year's inwoners_gemeente
    (default: the project's table for that year, when there is one). secties adds the section tables
    (SECTION_TABLES) to the book tables. Contacts with postcode4 need the project's postcode4_gemeente table.
    """
    files = {n: p for n, p in (("contacten", contacten), ("oproepen", oproepen), ("visites", visites)) if p}
    con = records.connect()
    try:
        records.open_files(con, jaar, files, records.record_specs(root), root)
        if population is None:
            population = _population(jaar, root)
        _register_helpers(con, jaar, root, set(files), population)
        frames, problems = run_queries(con, jaar, tables_fed(set(files), population is not None), root)
        if secties:
            frames.update(run_section_queries(con, jaar, sections_fed(set(files))))
    finally:
        con.close()
    if problems:
        from jaarverslag.data.load import DataError

        raise DataError(problems)
    return frames


# --- the derived files in _build/ ----------------------------------------------------------------


def derived_folder(jaar: int, root: Path | None = None) -> Path:
    return build_dir(root) / DERIVED_FOLDER / str(jaar)


def derived_path(naam: str, jaar: int, root: Path | None = None) -> Path:
    return derived_folder(jaar, root) / f"{naam}.csv"


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def input_key(jaar: int, root: Path | None = None) -> str:
    """Return one hash over everything the derivation of a year reads: records, references, codebook, queries, code."""
    data = data_dir(root)
    paths = [rf.path for rf in records.present(jaar, root).values()]
    paths += [data / "referentie" / spec(t, root).bestand for t in REFERENCE_TABLES]
    paths += [spec(POPULATION_TABLE, root).pad(jaar, root)]
    paths += sorted((data / "codebook").glob("*.yml"))
    paths += sorted(SQL_FOLDER.glob("*.sql")) + sorted(Path(__file__).parent.glob("*.py"))
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update((_digest(path) if path.is_file() else "afwezig").encode())
    return digest.hexdigest()


class RecordError(ValueError):
    """The record files of a year have problems; nothing can be derived."""

    def __init__(self, problemen: list[Problem]):
        self.problemen = problemen
        super().__init__("\n".join(p.tekst() for p in problemen))


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    frame.to_csv(tmp, index=False, lineterminator="\n")
    os.replace(tmp, path)


def derive_year(jaar: int, root: Path | None = None) -> tuple[list[str], list[Problem]]:
    """Check the year's records and write the tables they feed to _build/registraties/<jaar>/; (tables, problems).

    Reused when nothing the derivation reads changed (a stamp holds the input key). Concurrent notebook
    kernels take a lock, so the files are written once; each file is replaced atomically.
    """
    folder = derived_folder(jaar, root)
    folder.mkdir(parents=True, exist_ok=True)
    key = input_key(jaar, root)
    stamp = folder / STAMP
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.is_file():
            saved = json.loads(stamp.read_text(encoding="utf-8"))
            if saved.get("sleutel") == key:
                return saved["tabellen"], [Problem(**p) for p in saved["problemen"]]
        problems, con = records.check(jaar, root)
        tables: list[str] = []
        if con is not None:
            try:
                files = records.present(jaar, root)
                records.typed_views(con, set(files), root)
                population = _population(jaar, root)
                _register_helpers(con, jaar, root, set(files), population)
                tables = tables_fed(set(files), population is not None)
                raw: dict[str, pd.DataFrame] = {}
                frames, problems = run_queries(con, jaar, tables, root, raw)
                sections = run_section_queries(con, jaar, sections_fed(set(files)))
            finally:
                con.close()
            for old in folder.glob("*.csv"):
                old.unlink()
            for naam, frame in {**frames, **sections}.items():
                _write_csv(frame, derived_path(naam, jaar, root))
            if NORM_TABLE in raw:
                denominators = raw[NORM_TABLE][["norm_id", "post", "noemer"]].astype({"noemer": "Int64"})
                _write_csv(denominators, denominator_path(jaar, root))
            if not problems:  # the derived tables meet the same codebook rules as typed ones
                for naam in tables:
                    problems += read_table(spec(naam, root), derived_path(naam, jaar, root), jaar, root)[1]
        record = {"sleutel": key, "tabellen": tables, "problemen": [p.__dict__ for p in problems]}
        tmp = stamp.with_suffix(".tmp")
        tmp.write_text(json.dumps(record, indent=1, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, stamp)
    return tables, problems
