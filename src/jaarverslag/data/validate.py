"""Reading a data file strictly: every problem is collected with file, line, column, value and a fix.

Two CSV dialects are read, by one explicit rule decided on the header line (line 1):
- plain: `,` between fields, `.` as decimal point, no thousands separator (10862; 3.19);
- Dutch Excel ("CSV (puntkomma-gescheiden)"): `;` between fields, `,` as decimal comma, `.` allowed
  as thousands separator (10.862; 3,19), as the book publishes its own tables.
Either may carry a UTF-8 byte-order mark and CRLF line ends. A header with both or neither
separator, or a data line that does not split into the header's number of fields, is refused
with a Dutch message naming the separator.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from jaarverslag.data import status
from jaarverslag.data.codebook import Column, TableSpec

INTEGER = re.compile(r"^-?\d+$")
DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
DUTCH_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
DUTCH_DECIMAL = re.compile(r"^-?\d+(\.\d{3})*,\d+$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DUTCH_NUMBER = re.compile(r"^-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")  # 10.862 / 3,19 / 1.234,5 in the Dutch dialect
PLAIN, DUTCH = ",", ";"
DIALECT_NAMES = {PLAIN: "komma (,)", DUTCH: "puntkomma (;)"}
FIRST_DATA_LINE = 2  # line 1 of a CSV file is the header

INT64_MAX = 2**63 - 1  # the largest whole number a column of type geheel (pandas Int64) holds
PANDAS_DTYPE = {
    "geheel": "Int64",
    "decimaal": "Float64",
    "tekst": "string",
    "categorie": "string",
    "datum": "string",
    "tijdstip": "string",
}


@dataclass(frozen=True)
class Problem:
    """One problem in one data file, worded for the analyst."""

    bestand: str
    fout: str
    oplossing: str
    regel: int | None = None
    kolom: str | None = None
    waarde: str | None = None

    def tekst(self) -> str:
        """Return the problem as one Dutch sentence block: where, what, how to fix."""
        waar = [self.bestand]
        if self.regel is not None:
            waar.append(f"regel {self.regel}")
        if self.kolom is not None:
            waar.append(f"kolom '{self.kolom}'")
        if self.waarde is not None:
            waar.append(f"waarde '{self.waarde}'")
        return f"{', '.join(waar)}: {self.fout}. Oplossing: {self.oplossing}"


def _display(path: Path, root: Path | None) -> str:
    try:
        return str(path.relative_to(root)) if root else str(path)
    except ValueError:
        return str(path)


def _decode(raw: bytes, naam: str) -> tuple[str | None, list[Problem]]:
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        return None, [
            Problem(
                naam,
                f"het bestand is geen UTF-8 (teken op positie {err.start} is niet te lezen)",
                "sla het bestand op als 'CSV UTF-8' (in Excel: Opslaan als > CSV UTF-8)",
                regel=line,
            )
        ]


def _number(value: float) -> str:
    """Return a number for a message as the plain dialect writes it: digits, a point for decimals."""
    return f"{value:.10g}"


def _limit_problem(kolom: Column, side: str, codebook_file: str) -> tuple[str, str]:
    """Return (what is wrong, how to fix) for a value beyond the column's min or max, with the codebook's reason."""
    limit = kolom.min if side == "min" else kolom.max
    word = "kleiner dan het minimum" if side == "min" else "groter dan het maximum"
    reason = f" ({kolom.limit_reason})" if kolom.limit_reason else ""
    return (
        f"de waarde is {word} {_number(limit)} uit het codeboek{reason}",
        f"controleer het getal; klopt het toch, dan is de grens in {codebook_file} te krap",
    )


def _cell_problem(kolom: Column, value: str, codebook_file: str = "het codeboek") -> tuple[str, str] | None:
    """Return (what is wrong, how to fix) for one non-empty cell, or None when it parses."""
    if kolom.type == "geheel":
        if INTEGER.match(value):
            if abs(int(value)) <= INT64_MAX:
                return None
            if kolom.max is not None and int(value) > 0:
                return _limit_problem(kolom, "max", codebook_file)
            if kolom.min is not None and int(value) < 0:
                return _limit_problem(kolom, "min", codebook_file)
            return ("dit getal is te groot om te lezen", "controleer het getal")
        if DUTCH_THOUSANDS.match(value):
            return (
                "een punt als duizendtalscheiding wordt niet gelezen",
                f"schrijf het getal zonder punten: {value.replace('.', '')}",
            )
        return (
            "dit is geen geheel getal",
            "vul een geheel getal in, zonder punten, spaties of tekst (bijvoorbeeld 10862)",
        )
    if kolom.type == "decimaal":
        if DECIMAL.match(value):
            return None
        if DUTCH_DECIMAL.match(value):
            return (
                "een decimale komma wordt niet gelezen",
                f"gebruik een punt als decimaalteken en geen duizendtalscheiding: "
                f"{value.replace('.', '').replace(',', '.')}",
            )
        return ("dit is geen getal", "vul een getal in met een punt als decimaalteken (bijvoorbeeld 3.19)")
    if kolom.type == "datum" and not ISO_DATE.match(value):
        return ("dit is geen datum in de vorm JJJJ-MM-DD", "schrijf de datum als bijvoorbeeld 2021-01-25")
    return None


def _dutch_number(kolom: Column, value: str) -> tuple[str, tuple[str, str] | None]:
    """Turn a number of the Dutch dialect (10.862; 3,19) into the plain form; a point decimal there is refused."""
    if kolom.type not in ("geheel", "decimaal") or not DUTCH_NUMBER.match(value):
        if kolom.type == "decimaal" and DECIMAL.match(value) and "." in value:
            return value, (
                "in een bestand met ; als scheidingsteken is de komma het decimaalteken",
                f"schrijf {value.replace('.', ',')}",
            )
        return value, None
    plain = value.replace(".", "").replace(",", ".")
    if kolom.type == "geheel" and "," in value:
        return value, ("dit is geen geheel getal", "vul een geheel getal in, zonder decimalen (bijvoorbeeld 10862)")
    return plain, None


def _parse(text: str, spec: TableSpec, naam: str) -> tuple[pd.DataFrame | None, str, list[Problem]]:
    """Split the CSV text by the dialect its header line shows; return (frame of strings, separator, problems)."""
    header = text.splitlines()[0] if text.splitlines() else ""
    has = {sep for sep in (PLAIN, DUTCH) if sep in header}
    if len(has) != 1:
        found = "zowel komma's als puntkomma's" if has else "geen komma en geen puntkomma"
        return (
            None,
            PLAIN,
            [
                Problem(
                    naam,
                    f"de kopregel bevat {found}, dus het scheidingsteken is niet te bepalen",
                    f"scheid de kolomnamen met komma's ({','.join(spec.column_names)}) of, zoals "
                    f"Nederlandse Excel doet, met puntkomma's ({';'.join(spec.column_names)})",
                    regel=1,
                )
            ],
        )
    sep = has.pop()
    other = DUTCH if sep == PLAIN else PLAIN
    problems: list[Problem] = []
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, quotechar='"', strict=True)
    try:
        for row in reader:
            rows.append(row)
    except csv.Error:
        return (
            None,
            sep,
            [
                Problem(
                    naam,
                    'een aanhalingsteken (") wordt niet afgesloten',
                    f"zet tekst die een {DIALECT_NAMES[sep]} bevat tussen dubbele aanhalingstekens en sluit die af",
                    regel=reader.line_num,
                )
            ],
        )
    width = len(rows[0])
    for number, row in enumerate(rows[1:], start=FIRST_DATA_LINE):
        if row and len(row) != width:
            hint = f"; deze regel lijkt de {DIALECT_NAMES[other]} te gebruiken" if other in sep.join(row) else ""
            problems.append(
                Problem(
                    naam,
                    f"deze regel heeft {len(row)} velden, de kopregel {width} (scheidingsteken: {DIALECT_NAMES[sep]}, "
                    f"afgeleid uit de kopregel){hint}",
                    f"gebruik in het hele bestand hetzelfde scheidingsteken als in de kopregel, en zet tekst die een "
                    f"{DIALECT_NAMES[sep]} bevat tussen dubbele aanhalingstekens",
                    regel=number,
                )
            )
    if problems:
        return None, sep, problems
    body = [r for r in rows[1:] if r]
    return pd.DataFrame(body, columns=rows[0], dtype="string").astype(str), sep, []


def _schema(spec: TableSpec, jaar: int | None) -> pa.DataFrameSchema:
    columns = {}
    for kolom in spec.kolommen:
        checks = []
        if kolom.min is not None:
            checks.append(pa.Check.ge(kolom.min))
        if kolom.max is not None:
            checks.append(pa.Check.le(kolom.max))
        if kolom.waarden is not None:
            checks.append(pa.Check.isin(list(kolom.waarden)))
        if kolom.naam == "jaar" and spec.per_jaar and jaar is not None:
            checks.append(pa.Check.eq(jaar))
        columns[kolom.naam] = pa.Column(PANDAS_DTYPE[kolom.type], checks=checks, nullable=not kolom.verplicht)
    return pa.DataFrameSchema(columns, unique=list(spec.sleutel) or None, report_duplicates="all")


def codebook_file(spec: TableSpec) -> str:
    """Return where a table's codebook entry lives, for messages."""
    return f"data/codebook/{spec.naam}.yml"


def _explain(check: str, kolom: Column | None, spec: TableSpec, jaar: int | None) -> tuple[str, str]:
    """Translate a pandera check name into (what is wrong, how to fix) for the analyst."""
    if check.startswith("greater_than_or_equal_to"):
        return _limit_problem(kolom, "min", codebook_file(spec))
    if check.startswith("less_than_or_equal_to"):
        return _limit_problem(kolom, "max", codebook_file(spec))
    if check.startswith("isin"):
        allowed = ", ".join(kolom.waarden or ())
        return ("deze waarde is niet toegestaan", f"kies een van: {allowed} (zie het codeboek)")
    if check.startswith("equal_to") and kolom is not None and kolom.naam == "jaar":
        return (
            f"het jaar past niet bij de map {jaar}",
            f"zet {jaar} in de kolom jaar, of zet de rij in de map van dat jaar",
        )
    if check == "not_nullable":
        return ("deze cel is leeg maar verplicht", "vul een waarde in")
    if "uniqueness" in check:
        return (
            f"deze combinatie van {', '.join(spec.sleutel)} komt meer dan eens voor",
            "houd één rij per combinatie en verwijder de dubbele",
        )
    return (f"controle {check} faalt", "zie het codeboek voor de regels van deze kolom")


def read_table(
    spec: TableSpec, path: Path, jaar: int | None, root: Path | None = None
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read and validate one CSV file against its codebook entry; return the typed frame and every problem."""
    naam = _display(path, root)
    raw = path.read_bytes()
    if not raw.strip():
        return None, [
            Problem(naam, "het bestand is leeg", f"zet minstens de kopregel erin: {','.join(spec.column_names)}")
        ]
    text, problems = _decode(raw, naam)
    if text is None:
        return None, problems
    frame, sep, problems = _parse(text, spec, naam)
    if frame is None:
        return None, problems

    expected = spec.column_names
    missing = [c for c in expected if c not in frame.columns]
    for column in missing:
        guess = difflib.get_close_matches(column, [c for c in frame.columns if c not in expected], n=1)
        hint = f" (staat er '{guess[0]}' bedoeld?)" if guess else ""
        problems.append(
            Problem(
                naam,
                f"kolom '{column}' ontbreekt{hint}",
                f"de kopregel moet zijn: {','.join(expected)}",
                regel=1,
                kolom=column,
            )
        )
    for column in frame.columns:
        if column not in expected:
            problems.append(
                Problem(
                    naam,
                    f"kolom '{column}' is onbekend",
                    f"verwijder de kolom of hernoem hem; de kopregel moet zijn: {','.join(expected)}",
                    regel=1,
                    kolom=str(column),
                )
            )
    if problems:
        return None, problems

    frame = frame[expected]
    bad_rows: set[int] = set()
    for kolom in spec.kolommen:
        values = frame[kolom.naam].str.strip()
        for index, value in values.items():
            if value == "":
                continue
            problem = None
            if sep == DUTCH:
                value, problem = _dutch_number(kolom, value)
                values.at[index] = value
            problem = problem or _cell_problem(kolom, value, codebook_file(spec))
            if problem:
                bad_rows.add(index)
                problems.append(
                    Problem(naam, problem[0], problem[1], regel=index + FIRST_DATA_LINE, kolom=kolom.naam, waarde=value)
                )
        frame[kolom.naam] = values.replace("", pd.NA)

    typed = frame.drop(index=sorted(bad_rows))
    for kolom in spec.kolommen:
        if kolom.type == "geheel":
            typed[kolom.naam] = pd.to_numeric(typed[kolom.naam]).astype("Int64")
        elif kolom.type == "decimaal":
            typed[kolom.naam] = pd.to_numeric(typed[kolom.naam]).astype("Float64")
        else:
            typed[kolom.naam] = typed[kolom.naam].astype("string")

    by_name = {k.naam: k for k in spec.kolommen}
    try:
        typed = _schema(spec, jaar).validate(typed, lazy=True)
    except pa.errors.SchemaErrors as err:
        seen = set()
        for case in err.failure_cases.itertuples(index=False):
            kolom = by_name.get(case.column)
            check = str(case.check)
            index = None if pd.isna(case.index) else int(case.index)
            key = (index, case.column, check)
            if key in seen:
                continue
            seen.add(key)
            fout, oplossing = _explain(check, kolom, spec, jaar)
            value = None if pd.isna(case.failure_case) else str(case.failure_case)
            if value is not None and index in frame.index and case.column in frame.columns:
                value = str(frame.at[index, case.column])  # as written (plain form), not as typed: 200, not 200.0
            problems.append(
                Problem(
                    naam,
                    fout,
                    oplossing,
                    regel=None if index is None else index + FIRST_DATA_LINE,
                    kolom=None if "uniqueness" in check else case.column,
                    waarde=value,
                )
            )
    problems.extend(_status_problems(typed, naam))
    problems.extend(_empty_value_problems(typed, spec, naam))
    problems.sort(key=lambda p: (p.regel or 0, p.kolom or ""))
    return (None if problems else typed.reset_index(drop=True)), problems


def _empty_value_problems(frame: pd.DataFrame, spec: TableSpec, naam: str) -> list[Problem]:
    """An empty value needs status ontbreekt: any other status claims a value the row does not have."""
    problems = []
    for kolom in spec.value_columns:
        wrong = frame[kolom.naam].isna() & frame["status"].notna() & (frame["status"] != status.MISSING)
        problems += [
            Problem(
                naam,
                f"de cel is leeg, maar de status is '{frame.at[i, 'status']}'; een lege waarde moet status "
                f"'{status.MISSING}' hebben",
                f"vul de waarde in, of zet de status op '{status.MISSING}' en schrijf in 'toelichting' waarom de "
                "waarde ontbreekt",
                regel=int(i) + FIRST_DATA_LINE,
                kolom=kolom.naam,
            )
            for i in frame.index[wrong]
        ]
    return problems


def _status_problems(frame: pd.DataFrame, naam: str) -> list[Problem]:
    """A value marked onzeker or ontbreekt must say why."""
    if "status" not in frame.columns or "toelichting" not in frame.columns:
        return []
    needs_note = frame["status"].isin([status.UNCERTAIN, status.MISSING]) & frame["toelichting"].isna()
    return [
        Problem(
            naam,
            f"status is '{frame.at[i, 'status']}' maar de toelichting is leeg",
            "schrijf in 'toelichting' waarom de waarde onzeker is of ontbreekt",
            regel=int(i) + FIRST_DATA_LINE,
            kolom="toelichting",
        )
        for i in frame.index[needs_note]
    ]
