"""Validating all of data/ at once and reporting every problem in Dutch, grouped per file."""

from __future__ import annotations

import csv
import difflib
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

from jaarverslag.data import checks, comparisons, ledger, narrative, registrations
from jaarverslag.data.codebook import REFERENCE_FOLDER, codebook
from jaarverslag.data.load import check_table, is_available, report_years
from jaarverslag.data.paths import data_dir, project_root
from jaarverslag.data.validate import FIRST_DATA_LINE, Problem

NARRATIVE_SUFFIXES = (".md",)
ALL_GOOD = "Geen problemen: alle aanwezige tabellen kloppen met het codeboek en met elkaar."


@dataclass
class ValidationReport:
    """Outcome of validating data/: problems, missing tables per year, accepted discrepancies."""

    problemen: list[Problem] = field(default_factory=list)
    ontbrekend: dict[int, list[str]] = field(default_factory=dict)
    aanvaard: list[ledger.Finding] = field(default_factory=list)
    unchecked: list[int] = field(default_factory=list)  # years whose cross-table checks waited for readable files

    @property
    def ok(self) -> bool:
        return not self.problemen

    def tekst(self) -> str:
        """Return the report for the terminal: problems per file first, then what is not there yet."""
        lines = _problem_lines(self.problemen) if self.problemen else [ALL_GOOD]
        notices = _notice_lines(self)
        return "\n".join([*lines, *([""] if notices else []), *notices])


def _count(n: int, one: str, more: str) -> str:
    return f"{n} {one if n == 1 else more}"


def _listed(items: list[str]) -> str:
    """Return items as a Dutch list: 'a', 'a en b', 'a, b en c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} en {items[-1]}"


def _problem_lines(problems: list[Problem]) -> list[str]:
    """Return the problems grouped per file: a heading per file, then per problem where and what, and the fix."""
    files: dict[str, list[Problem]] = {}
    for problem in problems:
        files.setdefault(problem.bestand, []).append(problem)
    lines = [
        f"{_count(len(problems), 'probleem', 'problemen')} in {_count(len(files), 'bestand', 'bestanden')} in data/; "
        "los ze op en draai make validate opnieuw."
    ]
    for name in sorted(files):
        found = sorted(files[name], key=lambda p: p.regel or 0)  # file-wide problems first, then by line
        lines += ["", f"{name} ({_count(len(found), 'probleem', 'problemen')}):"]
        for problem in found:
            where = [f"regel {problem.regel}"] if problem.regel is not None else []
            where += [f"kolom '{problem.kolom}'"] if problem.kolom is not None else []
            where += [f"waarde '{problem.waarde}'"] if problem.waarde is not None else []
            lines.append(f"  - {', '.join(where) + ': ' if where else ''}{problem.fout}")
            lines.append(f"    Oplossing: {problem.oplossing}")
    return lines


def _notice_lines(rapport: ValidationReport) -> list[str]:
    """Return what is not there yet: the newest year's missing tables in full, the older years in one line."""
    years = _listed([str(jaar) for jaar in rapport.unchecked]) if rapport.unchecked else ""
    lines = [f"De controles tussen de tabellen van {years} volgen zodra die bestanden goed zijn."] if years else []
    if rapport.ontbrekend:
        newest = max(rapport.ontbrekend)
        names = rapport.ontbrekend[newest]
        if names:
            lines.append(
                f"Nog niet aanwezig of nog niet ingevuld voor {newest} ({len(names)} tabellen): {', '.join(names)}"
            )
        older = [(jaar, len(n)) for jaar, n in sorted(rapport.ontbrekend.items()) if jaar != newest and n]
        if older:
            counts = [f"{n} {'tabellen ' if i == 0 else ''}voor {jaar}" for i, (jaar, n) in enumerate(older)]
            lines.append(
                f"Eerdere jaren: niet aanwezig zijn {_listed(counts)} (make validate JAAR={older[0][0]} noemt ze)."
            )
    if rapport.aanvaard:
        lines.append(
            f"{_count(len(rapport.aanvaard), 'erkende afwijking', 'erkende afwijkingen')} in het gedrukte verslag "
            "(staan in afwijkingen.csv)."
        )
    return lines


def _number(value: float) -> str:
    """Return a number for a message: plain digits, a point for decimals, or why there is none."""
    return "niet te berekenen" if math.isnan(value) else f"{value:.10g}"


def _discrepancy_line(b: ledger.Finding) -> str:
    """Return the afwijkingen.csv line that would record this finding (toelichting still to write)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(
        [b.jaar, b.controle, b.onderwerp, _number(b.gedrukt), _number(b.berekend), "<toelichting>"]
    )
    return out.getvalue()


def _line(row: int | None) -> int | None:
    return None if row is None else row + FIRST_DATA_LINE


def _finding_problem(b: ledger.Finding, root: Path, printed: str | None) -> Problem:
    """Word one unaccepted finding: where the printed value stands, what differs, and the fix.

    In a year transcribed from a printed report (`printed`) the fix may be to record the report's
    own contradiction in afwijkingen.csv; in any other year the data must agree, so the fix is the data.
    """
    printed_file = ledger.table_file(b.tabel, b.jaar, root)
    given = "gedrukt" if printed else "in de tabel"  # without a printed report the value is just the table's
    values = (
        ""
        if math.isnan(b.gedrukt) and math.isnan(b.berekend)
        else f": {given} {_number(b.gedrukt)}, berekend {_number(b.berekend)}"
    )
    fout = f"{b.uitleg}{values} (controle {b.controle})"
    where = {"regel": _line(b.row), "kolom": b.column}
    if b.oplossing:
        return Problem(printed_file, fout, b.oplossing, **where)
    others = [f for f in b.bestanden if f != printed_file]
    sources = f"dit getal of {_listed(others)}" if others else "de getallen in dit bestand"
    if printed is None:
        oplossing = (
            f"verbeter de gegevens: {sources}; {b.jaar} heeft geen gedrukt verslag, dus de tabellen moeten "
            "onderling kloppen"
        )
    else:
        oplossing = (
            f"verbeter wat verkeerd is overgenomen: {sources}; drukt het verslag het zelf zo, zet dan in "
            f"data/{b.jaar}/afwijkingen.csv: {_discrepancy_line(b)}"
        )
    return Problem(printed_file, fout, oplossing, **where)


def _cross_checks(jaar: int, root: Path, rapport: ValidationReport) -> None:
    """Run the checks across tables for one year and add what afwijkingen.csv does not explain."""
    found = checks.findings(jaar, root)
    ledger_file = f"data/{jaar}/afwijkingen.csv"
    records = ledger.record_rows(jaar, root)
    printed = ledger.printed_report(jaar, root)
    if printed is None:  # no printed report: nothing can be accepted, every record is a mistake
        found = [b for b in found if not _only_derived(b, jaar, root)]
        rapport.problemen.extend(_finding_problem(b, root, None) for b in found)
        rapport.problemen.extend(
            Problem(
                ledger_file,
                f"{jaar} heeft geen gedrukt verslag, dus geen gedrukte tegenspraak om vast te leggen "
                f"({key[1]}, {key[2]})",
                "verbeter de gegevens tot de controle klopt en verwijder deze regel",
                regel=_line(row),
            )
            for key, row in records.items()
        )
        return
    unrecorded = ledger.unrecorded(jaar, found, root)
    rapport.problemen.extend(_finding_problem(b, root, printed) for b in unrecorded)
    for rec in ledger.stale_records(jaar, found, checks.CHECKS, root):
        rapport.problemen.append(
            Problem(
                ledger_file,
                f"de vastgelegde afwijking {rec[1]} / {rec[2]} (gedrukt {_number(rec[3])}, berekend {_number(rec[4])}) "
                "komt niet meer voor",
                "verwijder deze regel, of pas gedrukt en berekend aan als de controle nu andere getallen meldt",
                regel=_line(records.get(rec)),
            )
        )
    for row in ledger.recorded(jaar, root).itertuples():
        if row.controle not in checks.CHECKS:
            guess = difflib.get_close_matches(row.controle, list(checks.CHECKS), n=1)
            hint = f"bedoeld is waarschijnlijk {guess[0]}; " if guess else ""
            rapport.problemen.append(
                Problem(
                    ledger_file,
                    f"de controle '{row.controle}' bestaat niet",
                    f"{hint}kies een van: {', '.join(checks.CHECKS)}",
                    regel=_line(int(row.Index)),
                    kolom="controle",
                    waarde=row.controle,
                )
            )
    unrecorded_keys = {b.key() for b in unrecorded}
    rapport.aanvaard.extend(b for b in found if b.key() not in unrecorded_keys)


def _only_derived(b: ledger.Finding, jaar: int, root: Path) -> bool:
    """Say whether a finding compares only tables the year's registrations feed.

    The checks between tables catch transcription errors. Tables derived from the same records by the
    queries agree by construction, except where two rounding rules meet (consulteenheden per gemeente
    rounded each, the total rounded once), which a year without a printed report cannot record.
    """
    fed = {ledger.table_file(naam, jaar, root) for naam in registrations.fed_tables(jaar, root)}
    return bool(fed) and ledger.table_file(b.tabel, jaar, root) in fed and all(f in fed for f in b.bestanden)


def _narrative_problems(root: Path, jaar: int) -> list[Problem]:
    """Check the year's own texts against the safe subset of Markdown."""
    folder = narrative.folder(root, jaar)
    if folder.is_symlink() or (folder.exists() and not folder.resolve().is_relative_to(root.resolve())):
        return [
            Problem(
                str(folder.relative_to(root)),
                "deze map is een verwijzing naar een andere plek",
                "zet de teksten zelf in deze map",
            )
        ]
    found = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        for p in narrative.check_file(path, root):
            found.append(
                Problem(
                    str(path.relative_to(root)),
                    p.fout,
                    f"gebruik in de teksten alleen {narrative.ALLOWED_TEXT}",
                    regel=p.regel,
                )
            )
    return found


def valideer(jaren: list[int] | None = None, root: Path | None = None) -> ValidationReport:
    """Validate every present table of the given years (default: all) plus the reference tables."""
    root = root or project_root()
    specs = codebook(root)
    jaren = report_years(root) if jaren is None else jaren
    rapport = ValidationReport()
    file_ok: dict[int, bool] = {}
    for jaar in [None, *jaren]:
        folder = data_dir(root) / (REFERENCE_FOLDER if jaar is None else str(jaar))
        # record files (formaat registratie) live in registraties/ and are checked by registrations.source_problems
        wanted = {
            s.bestand: s
            for s in specs.values()
            if s.per_jaar == (jaar is not None) and s.formaat != registrations.RECORD_FORMAT
        }
        ok = True
        if jaar is not None:
            # a header-only template (make nieuw-jaar) is not yet filled in: missing, not an error
            rapport.ontbrekend[jaar] = sorted(
                s.naam
                for s in wanted.values()
                if _expected(s.naam, jaar, root) and not is_available(s.naam, jaar, root)
            )
        for path in sorted(folder.glob("*")) if folder.is_dir() else []:
            if path.is_dir() or path.suffix in NARRATIVE_SUFFIXES:
                continue
            table = wanted.get(path.name)
            if table is None:
                guess = difflib.get_close_matches(path.name, list(wanted), n=1)
                rename = f"hernoem het naar {guess[0]} als dat bedoeld is, " if guess else ""
                rapport.problemen.append(
                    Problem(
                        str(path.relative_to(root)),
                        "dit bestand staat niet in het codeboek",
                        f"{rename}of beschrijf de tabel in data/codebook/ (zie het hoofdstuk Codeboek)",
                    )
                )
                continue
            if table.formaat != "csv":
                continue
            problems = check_table(table, path, jaar, root)
            rapport.problemen.extend(problems)
            ok = ok and not problems
        if jaar is not None:
            record_problems = registrations.source_problems(jaar, root, publication=False)
            rapport.problemen.extend(record_problems)
            file_ok[jaar] = ok and not record_problems
            if not record_problems:  # small counts a page cannot hide: no build, but the tables can be checked
                from jaarverslag.data.registrations.disclosure import publication_problems

                rapport.problemen.extend(publication_problems(jaar, root))
    # A reference table the records need (postcode4_gemeente) is checked with the reference tables and again with
    # the records: each problem is listed once.
    rapport.problemen = list(dict.fromkeys(rapport.problemen))
    for jaar in jaren:
        rapport.problemen.extend(_narrative_problems(root, jaar))
    for jaar in jaren:
        if file_ok.get(jaar) and file_ok.get(None, True):  # cross-checks need readable tables
            _cross_checks(jaar, root, rapport)
        else:
            rapport.unchecked.append(jaar)
    return rapport


def _expected(naam: str, jaar: int, root: Path) -> bool:
    """Say whether a table that is not there counts as missing for this year.

    An empty ledger means the printed report does not contradict itself, and the printed
    comparisons exist only for a year transcribed from a printed report.
    """
    if naam == ledger.LEDGER_TABLE:
        return False
    return naam not in comparisons.PRINTED_ONLY_TABLES or ledger.printed_report(jaar, root) is not None
