"""Validating all of data/ at once and reporting every problem in Dutch."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from jaarverslag import checks
from jaarverslag.codebook import REFERENCE_FOLDER, codebook
from jaarverslag.data import verslagjaren
from jaarverslag.paths import data_dir, project_root
from jaarverslag.validate import Probleem, read_table

NARRATIVE_SUFFIXES = (".md",)


@dataclass
class Rapport:
    """Outcome of validating data/: problems, missing tables per year, accepted discrepancies."""

    problemen: list[Probleem] = field(default_factory=list)
    ontbrekend: dict[int, list[str]] = field(default_factory=dict)
    aanvaard: list[checks.Bevinding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problemen

    def tekst(self) -> str:
        """Return the report as text for the terminal."""
        lines = []
        for jaar, names in sorted(self.ontbrekend.items()):
            if names:
                lines.append(f"Nog niet aanwezig voor {jaar} ({len(names)} tabellen): {', '.join(names)}")
        if self.aanvaard:
            lines.append(f"{len(self.aanvaard)} erkende afwijking(en) in het gedrukte verslag (staan in afwijkingen.csv).")
        if self.problemen:
            lines.append(f"\n{len(self.problemen)} probleem/problemen gevonden in data/:")
            lines.extend(f"  - {p.tekst()}" for p in self.problemen)
        else:
            lines.append("Alle aanwezige tabellen kloppen met het codeboek en met elkaar.")
        return "\n".join(lines)


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
            rapport.ontbrekend[jaar] = sorted(s.naam for s in wanted.values() if not (folder / s.bestand).exists())
        for path in sorted(folder.glob("*")) if folder.is_dir() else []:
            if path.is_dir() or path.suffix in NARRATIVE_SUFFIXES:
                continue
            table = wanted.get(path.name)
            if table is None:
                guess = difflib.get_close_matches(path.name, list(wanted), n=1)
                rename = f"hernoem het naar {guess[0]} als dat bedoeld is, " if guess else ""
                rapport.problemen.append(Probleem(
                    str(path.relative_to(root)), "dit bestand staat niet in het codeboek",
                    f"{rename}of beschrijf de tabel in data/codebook/ (zie het hoofdstuk Codeboek)"))
                continue
            if table.formaat != "csv":
                continue
            _, problems = read_table(table, path, jaar, root)
            rapport.problemen.extend(problems)
            ok = ok and not problems
        if jaar is not None:
            file_ok[jaar] = ok
    for jaar in jaren:
        if not (file_ok.get(jaar) and file_ok.get(None, True)):
            continue  # cross-checks need readable tables
        for b in checks.unrecorded(jaar, root):
            rapport.problemen.append(Probleem(
                f"data/{jaar}/{specs[b.tabel].bestand}",
                f"{b.uitleg} (controle {b.controle}, {b.onderwerp}: gedrukt {b.gedrukt:g}, berekend {b.berekend:g})",
                f"verbeter het getal; of, als het gedrukte verslag zelf zo afwijkt, leg het vast in data/{jaar}/afwijkingen.csv"))
        for rec in checks.stale_records(jaar, root):
            rapport.problemen.append(Probleem(
                f"data/{jaar}/afwijkingen.csv",
                f"de vastgelegde afwijking {rec[1]} / {rec[2]} (gedrukt {rec[3]:g}, berekend {rec[4]:g}) komt niet meer voor",
                "verwijder deze regel of pas de getallen aan"))
        recorded_keys = {b.sleutel() for b in checks.findings(jaar, root)} - {b.sleutel() for b in checks.unrecorded(jaar, root)}
        rapport.aanvaard.extend(b for b in checks.findings(jaar, root) if b.sleutel() in recorded_keys)
    return rapport
