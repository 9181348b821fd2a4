"""The record files of a year (data/<jaar>/registraties/): finding them, opening them in DuckDB, checking them.

Every record file is read as text columns first (view raw_<name>), so one set of SQL checks covers
Parquet and CSV alike; the typed views (contacten, oproepen, visites) the queries use are built on
top of those only after the checks passed (a contacts file with postcode4 instead of gemeente gets its
gemeente there, in one step through the reference table postcode4_gemeente: POSTCODE4_STEP). Row numbers
are only needed for a message, so they are computed only for a file that has a problem (a CSV file is
then copied into a table, whose rowid keeps the file's order; a Parquet file gives its own row numbers).
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from jaarverslag.data.codebook import TableSpec, codebook
from jaarverslag.data.codebook import spec as table_spec
from jaarverslag.data.paths import data_dir
from jaarverslag.data.population import UNKNOWN
from jaarverslag.data.validate import Problem

if TYPE_CHECKING:  # DuckDB loads only when records are read: notebooks import this package too
    import duckdb

FOLDER = "registraties"
RECORD_FORMAT = "registratie"  # `formaat` of a record file's codebook entry
SUFFIXES = (".parquet", ".csv")
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
EXAMPLES_PER_PROBLEM = 10  # rows listed per kind of problem and file; the rest is counted
MAX_VISIT_SECONDS = 24 * 3600  # arrival more than a day after the request is an export error
CSV_CHUNK = 1 << 20

# Column names that are a direct identifier, after lower-casing and dropping everything but letters
# and digits; refused whatever the values are (AVG: such data never enters the book's inputs).
IDENTIFIER_NAMES = {
    "bsn": "een burgerservicenummer (BSN)",
    "burgerservicenummer": "een burgerservicenummer (BSN)",
    "sofinummer": "een burgerservicenummer (BSN)",
    "naam": "een naam",
    "voornaam": "een naam",
    "achternaam": "een naam",
    "voorletters": "een naam",
    "patientnaam": "een naam",
    "geboortedatum": "een geboortedatum",
    "gebdatum": "een geboortedatum",
    "geboortedag": "een geboortedatum",
    "adres": "een adres",
    "straat": "een adres",
    "straatnaam": "een adres",
    "huisnummer": "een adres",
    "woonadres": "een adres",
    "postcode": "een postcode",
    "postcode6": "een postcode",
    "telefoonnummer": "een telefoonnummer",
    "telefoon": "een telefoonnummer",
    "email": "een e-mailadres",
}
# Value patterns of a direct identifier, checked in every free-text column (and any unknown column).
BSN_SQL = (
    "CASE WHEN length({c}) = 9 AND regexp_full_match({c}, '[0-9]{{9}}') THEN ("
    + " + ".join(f"{9 - i} * TRY_CAST(substr({{c}}, {i + 1}, 1) AS INTEGER)" for i in range(8))
    + " - TRY_CAST(substr({c}, 9, 1) AS INTEGER)) % 11 = 0 ELSE false END"
)
IDENTIFIER_VALUES = {
    "een burgerservicenummer (BSN: negen cijfers die de elfproef halen)": BSN_SQL,
    # (the length test first: the regular expression then runs on few values of a national-size file)
    "een zescijferige postcode": "length({c}) IN (6, 7) AND regexp_full_match({c}, '[1-9][0-9]{{3}} ?[A-Za-z]{{2}}')",
    "een volledige datum (mogelijk een geboortedatum)": (
        "length({c}) = 10 AND "
        "regexp_full_match({c}, '(19|20)[0-9]{{2}}-[01][0-9]-[0-3][0-9]|[0-3][0-9]-[01][0-9]-(19|20)[0-9]{{2}}')"
    ),
}
# The same shapes in Python, so a message never echoes a value that may identify a patient.
IDENTIFIER_REGEXES = (
    re.compile(r"[0-9]{9}"),
    re.compile(r"[1-9][0-9]{3} ?[A-Za-z]{2}"),
    re.compile(r"(19|20)[0-9]{2}-[01][0-9]-[0-3][0-9]|[0-3][0-9]-[01][0-9]-(19|20)[0-9]{2}"),
)
HIDDEN_VALUE = "(niet getoond: de vorm van een persoonsgegeven)"
ICPC_CHAPTERS = "ABDFHKLNPRSTUWXYZ"  # the chapters of ICPC-1
ICPC_PATTERN = rf"[{ICPC_CHAPTERS}][0-9]{{2}}(\.[0-9]{{2}})?"
# Codebook key of a record file: groups of columns of which a file carries exactly one (gemeente or postcode4).
ALTERNATIVES = "een_van"
POSTCODE4 = "postcode4"
POSTCODE4_TABLE = "postcode4_gemeente"  # reference table (data/referentie/) mapping a postcode4 to its gemeente
# A Dutch postcode's four digits as written: the whole numbers 1000 to 9999 of the reference table's codebook entry.
POSTCODE4_PATTERN = "[1-9][0-9]{3}"
# The one step from postcode4 to gemeente, a view the typed view contacten reads instead of raw_contacten: the
# PC4 area's gemeente in postcode4_gemeente when the contacts' gemeente column allows it ({allowed}: the
# werkgebied and Onbekend), otherwise Onbekend: an empty postcode4 (not recorded) or an area outside the
# werkgebied, the codebook's rule for gemeente. A postcode missing from the table never gets here (check refuses
# it). postcode4 itself stops here: no query and no derived table sees it.
POSTCODE4_STEP = """
CREATE OR REPLACE VIEW contacten_gemeente AS
SELECT r.* EXCLUDE (postcode4),
       CASE WHEN list_contains({allowed}, k.gemeente) THEN k.gemeente ELSE {unknown} END AS gemeente
FROM raw_contacten AS r LEFT JOIN postcode4_gemeente AS k ON r.postcode4 = k.postcode4
"""


@dataclass(frozen=True)
class RecordFile:
    """One present record file: which kind it is and where it is."""

    spec: TableSpec
    path: Path
    carried: tuple[str, ...] = ()  # of the codebook's alternative columns (een_van), those the file has

    @property
    def name(self) -> str:
        """Return the view name: contacten, oproepen or visites."""
        return Path(self.spec.bestand).name

    @property
    def columns(self) -> list[str]:
        """Return the codebook columns this file must have: of each group of alternatives the one it carries."""
        dropped = set()
        for group in alternatives(self.spec):
            keep = [c for c in group if c in self.carried][:1] or group[:1]
            dropped |= set(group) - set(keep)
        return [c for c in self.spec.column_names if c not in dropped]

    def with_header(self, header: list[str]) -> RecordFile:
        """Return this file with the alternative columns its header carries."""
        return replace(self, carried=tuple(c for group in alternatives(self.spec) for c in group if c in header))


def alternatives(table: TableSpec) -> list[list[str]]:
    """Return the codebook's groups of columns of which a record file carries exactly one (key een_van)."""
    groups = [[str(c) for c in group] for group in table.extra.get(ALTERNATIVES) or ()]
    odd = sorted({c for g in groups for c in g} - set(table.column_names))
    if odd or any(len(g) < 2 for g in groups):
        raise ValueError(f"{table.naam}.yml: {ALTERNATIVES} moet groepen van kolommen van de tabel noemen, niet {odd}")
    return groups


def record_specs(root: Path | None = None) -> dict[str, TableSpec]:
    """Return the codebook entries of the record files by short name (contacten, oproepen, visites)."""
    return {Path(s.bestand).name: s for s in codebook(root).values() if s.formaat == RECORD_FORMAT}


def folder(jaar: int, root: Path | None = None) -> Path:
    """Return data/<jaar>/registraties/."""
    return data_dir(root) / str(jaar) / FOLDER


def candidate_paths(spec: TableSpec, jaar: int, root: Path | None = None) -> list[Path]:
    """Return every path a record file may have (one per allowed suffix), present or not."""
    base = data_dir(root) / str(jaar) / spec.bestand
    return [base.with_suffix(s) for s in SUFFIXES]


def present(jaar: int, root: Path | None = None) -> dict[str, RecordFile]:
    """Return the record files present for a year by short name (a name given twice is reported by check)."""
    found = {}
    for name, spec in record_specs(root).items():
        paths = [p for p in candidate_paths(spec, jaar, root) if p.is_file()]
        if paths:
            found[name] = RecordFile(spec, paths[0])
    return found


def _display(path: Path, root: Path | None) -> str:
    try:
        return str(path.relative_to(root)) if root else str(path)
    except ValueError:
        return str(path)


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _normalized(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def connect() -> duckdb.DuckDBPyConnection:
    """Return an in-memory DuckDB connection with the project's settings (file order kept, no progress bar)."""
    import duckdb

    con = duckdb.connect(":memory:")
    con.execute("SET preserve_insertion_order = true")
    with contextlib.suppress(duckdb.Error):  # inside a Jupyter kernel DuckDB refuses it without ipywidgets
        con.execute("SET enable_progress_bar = false")
    return con


def _source_sql(path: Path, row_numbers: bool = False) -> str:
    """Return the table function reading one record file with every column as text."""
    if path.suffix == ".parquet":
        return f"read_parquet({_quote(str(path))}{', file_row_number = true' if row_numbers else ''})"
    return (
        f"read_csv({_quote(str(path))}, header = true, delim = ',', quote = '\"', escape = '\"', "
        "all_varchar = true, strict_mode = true, null_padding = false)"
    )


class _Collector:
    """Problems of one record file, with a limited number of example rows per kind of problem."""

    def __init__(self, display: str, is_csv: bool):
        self.display = display
        self.is_csv = is_csv
        self.problems: list[Problem] = []

    def row_label(self, index: int) -> int:
        """Return the message's regel: the CSV line (header is line 1) or the Parquet row (first row is 1)."""
        return index + 2 if self.is_csv else index + 1

    def add(self, fout: str, oplossing: str, regel: int | None = None, kolom: str | None = None, waarde=None):
        self.problems.append(
            Problem(
                self.display, fout, oplossing, regel=regel, kolom=kolom, waarde=None if waarde is None else str(waarde)
            )
        )


def _check_encoding(path: Path, out: _Collector) -> bool:
    """Say whether a CSV file is UTF-8 throughout (read in chunks, so a national file never sits in memory)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, line = 0, 1
    with open(path, "rb") as handle:
        while chunk := handle.read(CSV_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as err:
                at = offset + err.start
                with open(path, "rb") as again:
                    line = again.read(at).count(b"\n") + 1
                out.add(
                    f"het bestand is geen UTF-8 (byte {at} is niet te lezen) en ook geen Parquet",
                    "exporteer als CSV in UTF-8 (met komma's) of als Parquet",
                    regel=line,
                )
                return False
            offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        out.add("het bestand eindigt midden in een teken: geen geldige UTF-8", "exporteer het bestand opnieuw")
        return False
    return True


def _columns(con: duckdb.DuckDBPyConnection, rf: RecordFile, out: _Collector) -> list[str] | None:
    """Return the file's column names, or None (with a problem) when DuckDB cannot read it as its format."""
    import duckdb

    if rf.path.suffix == ".csv" and not _check_encoding(rf.path, out):
        return None
    try:
        return [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {_source_sql(rf.path)}").fetchall()]
    except duckdb.Error as err:
        kind = "Parquet" if rf.path.suffix == ".parquet" else "CSV (komma-gescheiden, UTF-8)"
        reason = str(err).strip().splitlines()[0].replace(str(rf.path), rf.path.name)[:300]
        out.add(
            f"het bestand is geen geldig {kind}-bestand ({reason})",
            "exporteer het opnieuw als Parquet of als CSV in UTF-8 met komma's en een kopregel",
        )
        return None


def _privacy_and_columns(con: duckdb.DuckDBPyConnection, rf: RecordFile, columns: list[str], out: _Collector) -> bool:
    """Refuse identifier columns (by name and by value) and wrong or missing columns; say whether all is well."""
    expected = rf.spec.column_names
    groups = alternatives(rf.spec)
    listed = _column_list(rf.spec)
    ok = True
    for column in columns:
        what = IDENTIFIER_NAMES.get(_normalized(column))
        if what:
            ok = False
            out.add(
                f"de kolom '{column}' bevat {what}: een direct identificerend gegeven, dat niet in de registraties "
                "mag staan (AVG)",
                "verwijder de kolom uit de export en bewaar dit bestand niet langer dan nodig; het boek gebruikt "
                f"alleen de kolommen {', '.join(expected)}",
                regel=1 if rf.path.suffix == ".csv" else None,
                kolom=column,
            )
    # Free text can hold anything: the codebook's text columns and unknown columns are scanned whole; of a
    # category only the values outside its list (numbers and timestamps are refused by their own rules).
    kinds = {k.naam: k for k in rf.spec.kolommen}
    scanned = [
        c
        for c in columns
        if not IDENTIFIER_NAMES.get(_normalized(c)) and (c not in kinds or kinds[c].type in ("tekst", "categorie"))
    ]
    if scanned:
        tests = []
        for column in scanned:
            value = f"CAST({_ident(column)} AS VARCHAR)"
            allowed = kinds[column].waarden if column in kinds else None
            outside = f"NOT list_contains({_allowed(allowed)}, {value}) AND " if allowed else ""
            tests += [(column, what, outside + pattern.format(c=value)) for what, pattern in IDENTIFIER_VALUES.items()]
        counts = con.execute(
            "SELECT "
            + ", ".join(f"count(*) FILTER (WHERE {sql})" for _, _, sql in tests)
            + f" FROM {_source_sql(rf.path)}"
        ).fetchone()
        for (column, what, _), count in zip(tests, counts):
            if count:
                ok = False
                out.add(
                    f"{count} waarde(n) in kolom '{column}' hebben de vorm van {what}: mogelijk een direct "
                    "identificerend gegeven (AVG); de waarden worden hier niet getoond",
                    "vervang ze door pseudoniemen (bijvoorbeeld een volgnummer met letters ervoor) of verwijder de "
                    "kolom; staat er echt geen persoonsgegeven, gebruik dan een andere vorm",
                    kolom=column,
                )
    for column in columns:
        if column not in expected and not IDENTIFIER_NAMES.get(_normalized(column)):
            ok = False
            out.add(
                f"kolom '{column}' is onbekend",
                f"verwijder de kolom; de kolommen moeten zijn: {listed}",
                regel=1 if rf.path.suffix == ".csv" else None,
                kolom=column,
            )
    for column in expected:
        if column not in columns and not any(column in group for group in groups):
            ok = False
            out.add(
                f"kolom '{column}' ontbreekt",
                f"de kolommen moeten zijn: {listed} (zie het codeboek)",
                regel=1 if rf.path.suffix == ".csv" else None,
                kolom=column,
            )
    for group in groups:
        carried = [c for c in group if c in columns]
        if len(carried) != 1:
            ok = False
            either = " of ".join(f"'{c}'" for c in group)
            out.add(
                f"het bestand heeft zowel de kolom {' als '.join(carried)}: het mag er maar één hebben"
                if carried
                else f"de kolom {either} ontbreekt: het bestand moet er precies één hebben",
                f"lever precies één van de kolommen {either} (zie het codeboek); de kolommen moeten zijn: {listed}",
                regel=1 if rf.path.suffix == ".csv" else None,
                kolom=" / ".join(group),
            )
    return ok


def _column_list(table: TableSpec) -> str:
    """Return the columns a file must have for a message, alternatives as 'gemeente of postcode4'."""
    groups = alternatives(table)
    names = []
    for column in table.column_names:
        group = next((g for g in groups if column in g), None)
        if group is None:
            names.append(column)
        elif column == group[0]:
            names.append(" of ".join(group))
    return ", ".join(names)


def _raw_view(con: duckdb.DuckDBPyConnection, rf: RecordFile, source: str | None = None, where: str = "") -> None:
    """Create raw_<name>: every codebook column as trimmed text, empty as NULL."""
    columns = ", ".join(f"nullif(trim(CAST({_ident(c)} AS VARCHAR)), '') AS {_ident(c)}" for c in rf.columns)
    source = source or _source_sql(rf.path)
    con.execute(f"CREATE OR REPLACE VIEW raw_{rf.name} AS SELECT {columns} FROM {source} {where}")


def _allowed(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(_quote(v) for v in values) + "]"


def _cell_checks(rf: RecordFile, jaar: int) -> list[tuple[str, str, str, str]]:
    """Return (column, SQL condition that marks a bad cell, what is wrong, how to fix) for every column rule."""
    spec = rf.spec
    checks = []
    for k in spec.kolommen:
        if k.naam not in rf.columns:
            continue  # the alternative column (een_van) the file does not carry
        c = _ident(k.naam)
        if k.verplicht:
            checks.append((k.naam, f"{c} IS NULL", "deze cel is leeg maar verplicht", "vul een waarde in"))
        if k.waarden is not None:
            checks.append(
                (
                    k.naam,
                    f"{c} IS NOT NULL AND NOT list_contains({_allowed(k.waarden)}, {c})",
                    "deze waarde is onbekend",
                    f"gebruik een van: {', '.join(k.waarden)} (zie het codeboek)",
                )
            )
        if k.type == "geheel":
            checks.append(
                (
                    k.naam,
                    f"{c} IS NOT NULL AND NOT regexp_full_match({c}, '-?[0-9]{{1,9}}')",
                    "dit is geen geheel getal",
                    "schrijf een geheel getal zonder punten of tekst",
                )
            )
            number = f"TRY_CAST({c} AS BIGINT)"
            if k.min is not None:
                checks.append(
                    (
                        k.naam,
                        f"{number} < {k.min}",
                        f"de waarde is kleiner dan het minimum {k.min:g} ({k.limit_reason})",
                        "controleer de export",
                    )
                )
            if k.max is not None:
                checks.append(
                    (
                        k.naam,
                        f"{number} > {k.max}",
                        f"de waarde is groter dan het maximum {k.max:g} ({k.limit_reason})",
                        "controleer de export",
                    )
                )
        if k.type == "tijdstip":
            parsed = f"try_strptime({c}, '{TIMESTAMP_FORMAT}')"
            checks.append(
                (
                    k.naam,
                    f"{c} IS NOT NULL AND {parsed} IS NULL",
                    "dit is geen datum en tijd in de vorm JJJJ-MM-DD UU:MM:SS",
                    "schrijf bijvoorbeeld 2021-03-14 18:05:00 (Nederlandse tijd)",
                )
            )
            if spec.naam == "registraties_visites" and k.naam == "aankomst":
                continue  # a visit requested on 31 December may arrive in the new year; checked against aanvraag
            checks.append(
                (
                    k.naam,
                    f"year({parsed}) <> {jaar}",
                    f"dit tijdstip ligt buiten het verslagjaar {jaar}",
                    f"zet alleen records van {jaar} in data/{jaar}/registraties/, of zet het bestand in de map van "
                    "het goede jaar",
                )
            )
    if spec.naam == "registraties_contacten":
        checks.append(
            (
                "icpc",
                f"icpc IS NOT NULL AND NOT regexp_full_match(icpc, '{ICPC_PATTERN}')",
                "dit is geen ICPC-1-code",
                f"schrijf een hoofdstukletter ({', '.join(ICPC_CHAPTERS)}) met twee cijfers, zoals R74 of R83.03, "
                "of laat de cel leeg als er geen diagnose is",
            )
        )
    if POSTCODE4 in rf.columns:
        checks.append(
            (
                POSTCODE4,
                f"{POSTCODE4} IS NOT NULL AND NOT regexp_full_match({POSTCODE4}, '{POSTCODE4_PATTERN}')",
                "dit is geen viercijferige postcode (1000 tot en met 9999)",
                "schrijf alleen de vier cijfers van de postcode, zoals 7511, zonder letters; laat de cel leeg als "
                "de postcode niet is vastgelegd of buitenlands is (dan telt het contact als Onbekend)",
            )
        )
    if spec.naam == "registraties_oproepen":
        checks.append(
            (
                "wachttijd_s",
                "beantwoord = 'ja' AND wachttijd_s IS NULL",
                "een opgenomen gesprek zonder wachttijd",
                "vul de seconden tot opnemen in",
            )
        )
    if spec.naam == "registraties_visites":
        parse = "try_strptime({}, '" + TIMESTAMP_FORMAT + "')"
        diff = f"date_diff('second', {parse.format('aanvraag')}, {parse.format('aankomst')})"
        checks.append(("aankomst", f"{diff} < 0", "de aankomst ligt vóór de aanvraag", "controleer beide tijdstippen"))
        checks.append(
            (
                "aankomst",
                f"{diff} > {MAX_VISIT_SECONDS}",
                "de aankomst ligt meer dan 24 uur na de aanvraag",
                "controleer beide tijdstippen",
            )
        )
    return checks


def _numbered(con: duckdb.DuckDBPyConnection, rf: RecordFile) -> str:
    """Return a relation of the raw view with a 0-based row index `_rij`, materialized once per file."""
    table = f"numbered_{rf.name}"
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [table]).fetchone()[0]
    if not exists:
        columns = ", ".join(f"nullif(trim(CAST({_ident(c)} AS VARCHAR)), '') AS {_ident(c)}" for c in rf.columns)
        if rf.path.suffix == ".parquet":
            con.execute(
                f"CREATE TEMP TABLE {table} AS SELECT file_row_number AS _rij, {columns} "
                f"FROM {_source_sql(rf.path, row_numbers=True)}"
            )
        else:
            con.execute(f"CREATE TEMP TABLE {table} AS SELECT {columns} FROM {_source_sql(rf.path)}")
            con.execute(f"ALTER TABLE {table} ADD COLUMN _rij BIGINT")
            con.execute(f"UPDATE {table} SET _rij = rowid")
    return table


def _report_where(
    con: duckdb.DuckDBPyConnection,
    rf: RecordFile,
    out: _Collector,
    condition: str,
    column: str,
    fout: str,
    oplossing: str,
) -> None:
    """Count the file's rows that meet the condition and, if any, list them (_report_rows)."""
    total = con.execute(f"SELECT count(*) FROM raw_{rf.name} WHERE {condition}").fetchone()[0]
    if total:
        _report_rows(con, rf, out, condition, column, fout, oplossing, total)


def _report_rows(
    con: duckdb.DuckDBPyConnection,
    rf: RecordFile,
    out: _Collector,
    condition: str,
    column: str | None,
    fout: str,
    oplossing: str,
    total: int,
    show_value: bool = True,
) -> None:
    """List the first rows that meet the condition, then how many more there are."""
    table = _numbered(con, rf)
    value = _ident(column) if column and show_value else "NULL"
    rows = con.execute(
        f"SELECT _rij, {value} FROM {table} WHERE {condition} ORDER BY _rij LIMIT {EXAMPLES_PER_PROBLEM}"
    ).fetchall()
    for index, cell in rows:
        shown = "" if cell is None else cell
        if any(pattern.fullmatch(str(shown)) for pattern in IDENTIFIER_REGEXES):
            shown = HIDDEN_VALUE
        out.add(fout, oplossing, regel=out.row_label(index), kolom=column, waarde=shown)
    if total > len(rows):
        out.add(
            f"{fout}: nog {total - len(rows)} rij(en) meer met hetzelfde probleem "
            f"(de eerste {len(rows)} staan hierboven)",
            oplossing,
            kolom=column,
        )


def check(jaar: int, root: Path | None = None) -> tuple[list[Problem], duckdb.DuckDBPyConnection | None]:
    """Check every record file of a year; return (all problems, a connection with raw views when there are none)."""
    root_path = root
    con = connect()
    problems: list[Problem] = []
    specs = record_specs(root)
    where = folder(jaar, root)
    files = present(jaar, root)
    if where.is_dir():
        known = {p for s in specs.values() for p in candidate_paths(s, jaar, root)}
        for path in sorted(where.iterdir()):
            if path not in known:
                problems.append(
                    Problem(
                        _display(path, root_path),
                        "dit bestand is geen bekend recordbestand",
                        f"zet hier alleen {', '.join(f'{n}.parquet of {n}.csv' for n in specs)}",
                    )
                )
    for name, spec in specs.items():
        both = [p for p in candidate_paths(spec, jaar, root) if p.is_file()]
        if len(both) > 1:
            problems.append(
                Problem(
                    _display(both[1], root_path),
                    f"{name} staat er twee keer ({both[0].name} en {both[1].name})",
                    "houd één van de twee bestanden",
                )
            )
    good: dict[str, RecordFile] = {}
    for name, rf in files.items():
        out = _Collector(_display(rf.path, root_path), rf.path.suffix == ".csv")
        columns = _columns(con, rf, out)
        if columns is not None:
            rf = rf.with_header(columns)
        if columns is not None and _privacy_and_columns(con, rf, columns, out):
            _raw_view(con, rf)
            _check_cells(con, rf, jaar, out)
            if POSTCODE4 in rf.columns:
                problems += _check_postcode4(con, rf, root_path, out)
            if not out.problems:
                good[name] = rf
        problems += out.problems
    if "visites" in files and "contacten" not in files:
        problems.append(
            Problem(
                _display(files["visites"].path, root_path),
                "er zijn visites maar geen contacten: een visite hoort bij een contact",
                "zet ook contacten.parquet of contacten.csv van dit jaar in de map",
            )
        )
    if "visites" in good and "contacten" in good:
        _check_visit_contacts(
            con,
            good["visites"],
            _Collector(_display(good["visites"].path, root_path), good["visites"].path.suffix == ".csv"),
            problems,
        )
    if problems:
        con.close()
        return problems, None
    return [], con


def _check_cells(con: duckdb.DuckDBPyConnection, rf: RecordFile, jaar: int, out: _Collector) -> None:
    """Run every cell rule and the uniqueness of the key in one pass over the file; list offending rows."""
    checks = _cell_checks(rf, jaar)
    counts = con.execute(
        "SELECT " + ", ".join(f"count(*) FILTER (WHERE {cond})" for _, cond, _, _ in checks) + f" FROM raw_{rf.name}"
    ).fetchone()
    for (column, condition, fout, oplossing), total in zip(checks, counts):
        if total:
            _report_rows(con, rf, out, condition, column, fout, oplossing, total)
    key = _ident(rf.spec.sleutel[0])
    duplicates = con.execute(
        f"SELECT count(*), sum(n) FROM (SELECT count(*) AS n FROM raw_{rf.name} WHERE {key} IS NOT NULL "
        f"GROUP BY {key} HAVING count(*) > 1)"
    ).fetchone()
    if duplicates[0]:
        table = _numbered(con, rf)
        _report_rows(
            con,
            rf,
            out,
            f"{key} IN (SELECT {key} FROM {table} GROUP BY {key} HAVING count(*) > 1)",
            rf.spec.sleutel[0],
            f"deze {rf.spec.sleutel[0]} komt meer dan eens voor ({duplicates[0]} waarden, {duplicates[1]} rijen)",
            f"elke {rf.spec.sleutel[0]} moet uniek zijn; verwijder de dubbele rijen of controleer de export",
            int(duplicates[1]),
        )


def postcode4_path(root: Path | None = None) -> Path:
    """Return data/referentie/postcode4_gemeente.csv, the reference table a contacts file with postcode4 needs."""
    return table_spec(POSTCODE4_TABLE, root).pad(None, root)


def carries_postcode4(path: Path) -> bool:
    """Say whether a record file has a postcode4 column (its header only; remembered per file version)."""
    stat = path.stat()
    return _carries_postcode4(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _carries_postcode4(path: Path, mtime_ns: int, size: int) -> bool:
    import duckdb

    con = connect()
    try:
        return POSTCODE4 in [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {_source_sql(path)}").fetchall()]
    except duckdb.Error:
        return False  # an unreadable file: the check says so
    finally:
        con.close()


def load_postcode4(con: duckdb.DuckDBPyConnection, root: Path | None) -> list[Problem]:
    """Check the reference table postcode4 -> gemeente by its codebook entry and load it as table postcode4_gemeente.

    Besides the codebook rules (one row per postcode, 1000 to 9999, a gemeente in every row): a gemeente that
    differs from one of the werkgebied only in capitals or spaces, and a gemeente of the werkgebied without any
    postcode, are refused, since either would silently move that gemeente's contacts to Onbekend.
    """
    import pandas as pd

    from jaarverslag.data.validate import FIRST_DATA_LINE, read_table

    table = table_spec(POSTCODE4_TABLE, root)
    path = table.pad(None, root)
    display = _display(path, root)
    if not path.is_file():
        return [
            Problem(
                display,
                "dit bestand ontbreekt: een contactenbestand met de kolom postcode4 heeft deze koppeltabel van "
                "postcode naar gemeente nodig",
                "maak de tabel uit het CBS-bestand 'Buurt, wijk en gemeente <jaar> voor postcode huisnummer' "
                "(cbs.nl): per viercijferige postcode de gemeente met de meeste adressen, met de kolommen "
                f"{', '.join(table.column_names)} (zie het codeboek, {POSTCODE4_TABLE}); of lever in het "
                "contactenbestand de kolom gemeente in plaats van postcode4",
            )
        ]
    frame, problems = read_table(table, path, None, root)
    if frame is None:
        return problems
    allowed = _contact_places(root)
    folded = {_normalized(g): g for g in allowed}
    for index, gemeente in frame["gemeente"].items():
        near = folded.get(_normalized(str(gemeente)))
        if near and near != gemeente:
            problems.append(
                Problem(
                    display,
                    f"de gemeente is bijna gelijk aan {near}, maar niet precies: deze postcode zou als Onbekend tellen",
                    f"schrijf {near} precies zo (hoofdletters en spaties als in het codeboek)",
                    regel=index + FIRST_DATA_LINE,
                    kolom="gemeente",
                    waarde=str(gemeente),
                )
            )
    for gemeente in allowed:
        if gemeente != UNKNOWN and gemeente not in set(frame["gemeente"]):
            problems.append(
                Problem(
                    display,
                    f"geen enkele postcode hoort bij {gemeente}, een gemeente van het werkgebied: de tabel is "
                    "onvolledig of schrijft de naam anders",
                    "gebruik de volledige landelijke tabel van het CBS, met de gemeentenamen zoals het codeboek ze "
                    "schrijft",
                    kolom="gemeente",
                    waarde=gemeente,
                )
            )
    if problems:
        return problems
    mapping = pd.DataFrame(
        {POSTCODE4: frame[POSTCODE4].astype("int64").astype(str), "gemeente": frame["gemeente"].astype(str)}
    )
    with con.cursor() as cursor:  # its own cursor: the connection may hold a result not fetched to the end
        cursor.register("postcode4_df", mapping)
        cursor.execute(f"CREATE OR REPLACE TABLE {POSTCODE4_TABLE} AS SELECT * FROM postcode4_df")
    return []


def _contact_places(root: Path | None) -> tuple[str, ...]:
    """Return the values the contacts' gemeente column allows: the werkgebied and Onbekend."""
    kolom = next(k for k in record_specs(root)["contacten"].kolommen if k.naam == "gemeente")
    return kolom.waarden or ()


def _check_postcode4(
    con: duckdb.DuckDBPyConnection, rf: RecordFile, root: Path | None, out: _Collector
) -> list[Problem]:
    """Load the reference table; list the well-formed postcodes of the contacts that it does not hold.

    Returns the reference table's own problems (the contacts' problems go to out).
    """
    problems = load_postcode4(con, root)
    if problems:
        return problems
    _report_where(
        con,
        rf,
        out,
        f"{POSTCODE4} IS NOT NULL AND regexp_full_match({POSTCODE4}, '{POSTCODE4_PATTERN}') "
        f"AND {POSTCODE4} NOT IN (SELECT {POSTCODE4} FROM {POSTCODE4_TABLE})",
        POSTCODE4,
        f"deze postcode staat niet in de koppeltabel {_display(postcode4_path(root), root)}",
        "de koppeltabel is onvolledig: gebruik de volledige landelijke tabel van het CBS (zie het codeboek, "
        f"{POSTCODE4_TABLE}); bestaat de postcode niet, controleer dan de export",
    )
    return []


def _check_visit_contacts(con, visites: RecordFile, out: _Collector, problems: list[Problem]) -> None:
    """Every visit must belong to a contact in contacten."""
    _report_where(
        con,
        visites,
        out,
        "contact_id NOT IN (SELECT contact_id FROM raw_contacten WHERE contact_id IS NOT NULL)",
        "contact_id",
        "deze visite heeft geen contact in contacten",
        "controleer of contacten en visites uit dezelfde periode en hetzelfde systeem komen",
    )
    problems += out.problems


def _view_columns(con: duckdb.DuckDBPyConnection, view: str) -> list[str]:
    return [row[0] for row in con.execute(f"DESCRIBE {view}").fetchall()]


def typed_views(con: duckdb.DuckDBPyConnection, names: set[str], root: Path | None = None) -> None:
    """Create the typed views the queries read (contacten, oproepen, visites); an absent file gives an empty view.

    A contacts file with postcode4 gets its gemeente from the table postcode4_gemeente (POSTCODE4_STEP).
    """
    fmt = _quote(TIMESTAMP_FORMAT)
    source = "raw_contacten"
    if "contacten" in names and POSTCODE4 in _view_columns(con, "raw_contacten"):
        con.execute(POSTCODE4_STEP.format(allowed=_allowed(_contact_places(root)), unknown=_quote(UNKNOWN)))
        source = "contacten_gemeente"
    contacten = (
        f"SELECT contact_id, strptime(starttijd, {fmt}) AS starttijd, post, verrichting, urgentie, "
        "CAST(leeftijd AS INTEGER) AS leeftijd, geslacht, gemeente, icpc, binnenloper = 'ja' AS binnenloper "
        f"FROM {source}"
    )
    oproepen = (
        f"SELECT oproep_id, strptime(binnenkomst, {fmt}) AS binnenkomst, post, lijn, "
        "CAST(wachttijd_s AS INTEGER) AS wachttijd_s, beantwoord = 'ja' AS beantwoord FROM raw_oproepen"
    )
    visites = (
        f"SELECT contact_id, urgentie, strptime(aanvraag, {fmt}) AS aanvraag, "
        f"strptime(aankomst, {fmt}) AS aankomst FROM raw_visites"
    )
    empty = {
        "contacten": "SELECT NULL::VARCHAR AS contact_id, NULL::TIMESTAMP AS starttijd, NULL::VARCHAR AS post, "
        "NULL::VARCHAR AS verrichting, NULL::VARCHAR AS urgentie, NULL::INTEGER AS leeftijd, "
        "NULL::VARCHAR AS geslacht, NULL::VARCHAR AS gemeente, NULL::VARCHAR AS icpc, NULL::BOOLEAN AS binnenloper "
        "WHERE false",
        "oproepen": "SELECT NULL::VARCHAR AS oproep_id, NULL::TIMESTAMP AS binnenkomst, NULL::VARCHAR AS post, "
        "NULL::VARCHAR AS lijn, NULL::INTEGER AS wachttijd_s, NULL::BOOLEAN AS beantwoord WHERE false",
        "visites": "SELECT NULL::VARCHAR AS contact_id, NULL::VARCHAR AS urgentie, NULL::TIMESTAMP AS aanvraag, "
        "NULL::TIMESTAMP AS aankomst WHERE false",
    }
    typed = {"contacten": contacten, "oproepen": oproepen, "visites": visites}
    for name, sql in typed.items():
        con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql if name in names else empty[name]}")


def open_files(
    con: duckdb.DuckDBPyConnection,
    jaar: int,
    files: dict[str, str | Path],
    specs: dict[str, TableSpec],
    root: Path | None = None,
) -> None:
    """Create the raw and typed views for explicit record files, without checking them (but the postcode4 table).

    A path with a wildcard is read as a hive-partitioned Parquet archive (folders such as
    jaar=2021/post=Hengelo/): partition columns become columns, and only the year's partition is read.
    """
    for name, path in files.items():
        rf = RecordFile(specs[name], Path(path))
        source, where = _source_sql(rf.path), ""
        if "*" in str(path):
            source = f"read_parquet({_quote(str(path))}, hive_partitioning = true)"
        columns = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
        if "*" in str(path) and "jaar" in columns:
            where = f"WHERE jaar = {int(jaar)}"  # partition pruning
        rf = rf.with_header(columns)
        _raw_view(con, rf, source, where)
        if POSTCODE4 in rf.columns:
            problems = load_postcode4(con, root)
            if problems:
                from jaarverslag.data.load import DataError

                raise DataError(problems)
    typed_views(con, set(files), root)
