"""Validating all of data/ at once and reporting every problem in Dutch."""

from __future__ import annotations

import csv
import difflib
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

from jaarverslag.data import checks, ledger, narrative
from jaarverslag.data.codebook import REFERENCE_FOLDER, codebook
from jaarverslag.data.load import beschikbaar, verslagjaren
from jaarverslag.data.paths import data_dir, project_root
from jaarverslag.data.validate import Probleem, read_table

NARRATIVE_SUFFIXES = (".md",)


@dataclass
class Rapport:
    """Outcome of validating data/: problems, missing tables per year, accepted discrepancies."""

    problemen: list[Probleem] = field(default_factory=list)
    ontbrekend: dict[int, list[str]] = field(default_factory=dict)
    aanvaard: list[ledger.Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problemen

    def tekst(self) -> str:
        """Return the report as text for the terminal."""
        lines = []
        for jaar, names in sorted(self.ontbrekend.items()):
            if names:
                lines.append(
                    f"Nog niet aanwezig of nog niet ingevuld voor {jaar} ({len(names)} tabellen): {', '.join(names)}"
                )
        if self.aanvaard:
            lines.append(
                f"{len(self.aanvaard)} erkende afwijking(en) in het gedrukte verslag (staan in afwijkingen.csv)."
            )
        if self.problemen:
            lines.append(f"\n{len(self.problemen)} probleem/problemen gevonden in data/:")
            lines.extend(f"  - {p.tekst()}" for p in self.problemen)
        else:
            lines.append("Alle aanwezige tabellen kloppen met het codeboek en met elkaar.")
        return "\n".join(lines)


def _getal(value: float) -> str:
    """Return a number for a message: plain digits, a point for decimals, or why there is none."""
    return "niet te berekenen" if math.isnan(value) else f"{value:.10g}"


def _afwijking_regel(b: ledger.Finding) -> str:
    """Return the afwijkingen.csv line that would record this finding (toelichting still to write)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(
        [b.jaar, b.controle, b.onderwerp, _getal(b.gedrukt), _getal(b.berekend), "<toelichting>"]
    )
    return out.getvalue()


def _bevinding_probleem(b: ledger.Finding, root: Path) -> Probleem:
    """Word one unrecorded finding for the analyst: file, check, subject, printed and computed value, fix."""
    printed_file = ledger.table_file(b.tabel, b.jaar, root)
    values = (
        ""
        if math.isnan(b.gedrukt) and math.isnan(b.berekend)
        else f": gedrukt {_getal(b.gedrukt)}, berekend {_getal(b.berekend)}"
    )
    fout = f"{b.uitleg} (controle {b.controle}, {b.onderwerp}{values})"
    if b.oplossing:
        return Probleem(printed_file, fout, b.oplossing)
    files = [printed_file, *b.bestanden]
    listed = files[0] if len(files) == 1 else f"{', '.join(files[:-1])} en {files[-1]}"
    oplossing = (
        f"vergelijk de getallen in {listed} met het gedrukte verslag en verbeter wat verkeerd "
        f"is overgenomen; wijkt het gedrukte verslag zelf zo af, leg dat dan vast in "
        f"data/{b.jaar}/afwijkingen.csv met de regel: {_afwijking_regel(b)}"
    )
    return Probleem(printed_file, fout, oplossing)


def _cross_checks(jaar: int, root: Path, rapport: Rapport) -> None:
    """Run the checks across tables for one year and add what afwijkingen.csv does not explain."""
    found = checks.findings(jaar, root)
    unrecorded = ledger.unrecorded(jaar, found, root)
    rapport.problemen.extend(_bevinding_probleem(b, root) for b in unrecorded)
    for rec in ledger.stale_records(jaar, found, checks.CHECKS, root):
        rapport.problemen.append(
            Probleem(
                f"data/{jaar}/afwijkingen.csv",
                f"de vastgelegde afwijking {rec[1]} / {rec[2]} (gedrukt {_getal(rec[3])}, berekend {_getal(rec[4])}) "
                "komt niet meer voor",
                "verwijder deze regel, of pas gedrukt en berekend aan als de controle nu andere getallen meldt",
            )
        )
    for row in ledger.recorded(jaar, root).itertuples(index=False):
        if row.controle not in checks.CHECKS:
            guess = difflib.get_close_matches(row.controle, list(checks.CHECKS), n=1)
            hint = f"bedoeld is waarschijnlijk {guess[0]}; " if guess else ""
            rapport.problemen.append(
                Probleem(
                    f"data/{jaar}/afwijkingen.csv",
                    f"de controle '{row.controle}' bestaat niet",
                    f"{hint}kies een van: {', '.join(checks.CHECKS)}",
                    kolom="controle",
                    waarde=row.controle,
                )
            )
    unrecorded_keys = {b.key() for b in unrecorded}
    rapport.aanvaard.extend(b for b in found if b.key() not in unrecorded_keys)


def _narrative_problems(root: Path, jaar: int) -> list[Probleem]:
    """Check the year's own texts against the safe subset of Markdown."""
    folder = narrative.folder(root, jaar)
    if folder.is_symlink() or (folder.exists() and not folder.resolve().is_relative_to(root.resolve())):
        return [
            Probleem(
                str(folder.relative_to(root)),
                "deze map is een verwijzing naar een andere plek",
                "zet de teksten zelf in deze map",
            )
        ]
    found = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        for p in narrative.check_file(path, root):
            found.append(
                Probleem(
                    str(path.relative_to(root)),
                    p.fout,
                    f"gebruik in de teksten alleen {narrative.ALLOWED_TEXT}",
                    regel=p.regel,
                )
            )
    return found


def valideer(jaren: list[int] | None = None, root: Path | None = None) -> Rapport:
    """Validate every present table of the given years (default: all) plus the reference tables."""
    root = root or project_root()
    specs = codebook(root)
    jaren = verslagjaren(root) if jaren is None else jaren
    rapport = Rapport()
    file_ok: dict[int, bool] = {}
    for jaar in [None, *jaren]:
        folder = data_dir(root) / (REFERENCE_FOLDER if jaar is None else str(jaar))
        wanted = {s.bestand: s for s in specs.values() if s.per_jaar == (jaar is not None)}
        ok = True
        if jaar is not None:
            # a header-only template (make nieuw-jaar) is not yet filled in: missing, not an error
            rapport.ontbrekend[jaar] = sorted(s.naam for s in wanted.values() if not beschikbaar(s.naam, jaar, root))
        for path in sorted(folder.glob("*")) if folder.is_dir() else []:
            if path.is_dir() or path.suffix in NARRATIVE_SUFFIXES:
                continue
            table = wanted.get(path.name)
            if table is None:
                guess = difflib.get_close_matches(path.name, list(wanted), n=1)
                rename = f"hernoem het naar {guess[0]} als dat bedoeld is, " if guess else ""
                rapport.problemen.append(
                    Probleem(
                        str(path.relative_to(root)),
                        "dit bestand staat niet in het codeboek",
                        f"{rename}of beschrijf de tabel in data/codebook/ (zie het hoofdstuk Codeboek)",
                    )
                )
                continue
            if table.formaat != "csv":
                continue
            _, problems = read_table(table, path, jaar, root)
            rapport.problemen.extend(problems)
            ok = ok and not problems
        if jaar is not None:
            file_ok[jaar] = ok
    for jaar in jaren:
        rapport.problemen.extend(_narrative_problems(root, jaar))
    for jaar in jaren:
        if file_ok.get(jaar) and file_ok.get(None, True):  # cross-checks need readable tables
            _cross_checks(jaar, root, rapport)
    return rapport
