"""`make nieuw-jaar JAAR=2022`: start a report year from empty templates of every per-year table.

The ledger and the printed comparisons are made only for a year transcribed from a printed
report (data.ledger.printed_report); any other year's tables must simply agree.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from docutils.nodes import make_id

from jaarverslag.data.codebook import TableSpec, codebook
from jaarverslag.data.comparisons import PRINTED_ONLY_TABLES
from jaarverslag.data.ledger import printed_report
from jaarverslag.data.narrative import FILES as NARRATIVE_FILES
from jaarverslag.data.narrative import FOLDER as NARRATIVE_FOLDER
from jaarverslag.data.paths import YEAR_FOLDER_PATTERN, data_dir, project_root

CODEBOOK_PAGE = "book/codeboek.html"  # the appendix Codeboek in each year's site; tables are anchored codeboek-<naam>
# What to write in each narrative file; shown as a comment in the file (a comment never shows in the book).
NARRATIVE_HINTS = {
    "voorwoord": (
        "Schrijf hier het voorwoord bij het jaarverslag {jaar}, in een paar alinea's gewone tekst (Markdown): "
        "wat het jaar voor SHT betekende, wat er veranderde voor patiënten, medewerkers en huisartsen, en waar "
        "het bestuur trots op is of zich zorgen over maakt."
    ),
    "hoogtepunten": (
        "Zet hier de hoogtepunten van {jaar} als een lijst: elke regel begint met '- ' en noemt in één zin "
        "één gebeurtenis of resultaat (nieuw zorgaanbod, samenwerking, project, verandering in de organisatie)."
    ),
    "samenwerking": (
        "Beschrijf hier de samenwerking met partners in {jaar} in een paar alinea's: met welke ketenpartners "
        "(ziekenhuizen, ambulancedienst, GGZ, thuiszorg, gemeenten) werd samengewerkt, wat er nieuw was en "
        "wat het opleverde."
    ),
}
NARRATIVE_GENERAL = (
    "Getallen komen uit de tabellen in data/{jaar}/ en worden in de hoofdstukken berekend: typ ze hier niet "
    "over. Dit commentaar mag blijven staan; het komt niet in het boek. Schrijf in eigen woorden."
)
# Tables that are filled in differently from the rest.
TABLE_HINTS = {
    "afwijkingen": "alleen invullen als make validate een afwijking meldt die in het gedrukte verslag zelf staat",
    "gedrukte_vergelijkingen": "de groeipercentages en verschillen met het vorige jaar zoals het verslag ze drukt, "
    "zodat ze nagerekend worden",
}


class YearExistsError(FileExistsError):
    """The year folder exists already; nieuw-jaar never overwrites anything."""


@dataclass(frozen=True)
class NewYear:
    """A newly created year folder: its empty tables and the narrative files to write."""

    jaar: int
    map: Path
    tabellen: tuple[TableSpec, ...]
    teksten: tuple[Path, ...]
    root: Path
    printed: str | None = None  # the printed report the year is transcribed from, as the codebook cites it

    def uitleg(self) -> str:
        """Return, in Dutch, what was created and what to fill in."""
        rel = self.map.relative_to(self.root)
        source = "uit het jaarverslag" if self.printed else f"van {self.jaar}"
        lines = [
            f"Map {rel}/ aangemaakt met {len(self.tabellen)} lege tabellen (alleen de kopregel) en "
            f"{len(self.teksten)} teksten om te schrijven.",
            "",
            f"Vul elke tabel onder de kopregel aan met de cijfers {source}: UTF-8, komma als "
            "scheidingsteken, getallen zonder duizendtalscheiding en met een punt als decimaalteken (10862, 3.19). "
            "Een tabel met alleen de kopregel telt als nog niet ingevuld: het boek zegt dan dat die gegevens "
            "niet beschikbaar zijn. Zijn de cijfers van een tabel er niet, laat hem dan leeg.",
            "",
            _source_line(self.jaar, self.printed),
            "",
            "Tabellen (bestand en titel; wat één rij is; codeboek):",
        ]
        for table in self.tabellen:
            lines.append(f"  - {rel}/{table.bestand}: {table.titel}")
            lines.append(f"      {' '.join(table.rij.split())}")
            if table.naam in TABLE_HINTS:
                lines.append(f"      Let op: {TABLE_HINTS[table.naam]}.")
            lines.append(
                f"      Codeboek: data/codebook/{table.naam}.yml (in het boek: Verantwoording > Codeboek, "
                f"{codeboek_link(table.naam)})"
            )
        lines += ["", "Teksten (Markdown; het commentaar bovenin zegt wat erin hoort):"]
        for path in self.teksten:
            lines.append(f"  - {path.relative_to(self.root)}: {NARRATIVE_FILES[path.stem]}")
        lines += [
            "",
            f"Daarna: make validate JAAR={self.jaar} zegt wat nog ontbreekt of niet klopt; "
            f"make book JAAR={self.jaar} bouwt het boek van {self.jaar}.",
        ]
        return "\n".join(lines)


def _source_line(jaar: int, printed: str | None) -> str:
    """Say where the year's figures come from and what follows for afwijkingen and gedrukte_vergelijkingen."""
    if printed:
        return (
            f"{jaar} wordt overgenomen uit {printed}, zoals het codeboek de bron noemt: spreekt dat verslag zichzelf "
            "tegen, dan komt dat in afwijkingen.csv; zijn groeicijfers gedrukte vergelijkingen met het vorige jaar, "
            "dan komen ze in gedrukte_vergelijkingen.csv."
        )
    return (
        f"{jaar} heeft geen gedrukt verslag (het codeboek noemt als bron geen Jaarverslag SHT {jaar} of later): "
        "de tabellen moeten onderling kloppen, dus afwijkingen.csv en gedrukte_vergelijkingen.csv horen er niet bij; "
        "het boek berekent de vergelijkingen met het vorige jaar zelf."
    )


def codeboek_link(naam: str) -> str:
    """Return the link to a table's entry on the book's Codeboek page (Sphinx turns '_' into '-' in ids)."""
    return f"{CODEBOOK_PAGE}#{make_id(f'codeboek-{naam}')}"


def _narrative_template(naam: str, jaar: int) -> str:
    hint = NARRATIVE_HINTS.get(naam, f"Schrijf hier over {NARRATIVE_FILES[naam]} in {{jaar}}.")
    return f"<!--\n{hint.format(jaar=jaar)}\n{NARRATIVE_GENERAL.format(jaar=jaar)}\n-->\n"


def make_year(jaar: int, root: Path | None = None) -> NewYear:
    """Create data/<jaar>/ with every per-year table as a header-only CSV and the narrative files.

    Refuses (JaarBestaatAl) when data/<jaar> exists; the folder appears complete or not at all.
    """
    root = root or project_root()
    if not re.match(YEAR_FOLDER_PATTERN, str(jaar)):
        raise ValueError(f"'{jaar}' is geen verslagjaar: geef een jaartal van vier cijfers, bijvoorbeeld 2022.")
    target = data_dir(root) / str(jaar)
    if target.exists():
        raise YearExistsError(
            f"{target.relative_to(root)}/ bestaat al; make nieuw-jaar overschrijft niets. Vul de tabellen in die "
            f"map verder aan (make validate JAAR={jaar} zegt wat nog ontbreekt), of hernoem of verwijder de map "
            f"eerst als je echt opnieuw wilt beginnen."
        )
    printed = printed_report(jaar, root)
    tables = tuple(
        sorted(
            (
                s
                for s in codebook(root).values()
                if s.per_jaar and s.formaat == "csv" and (printed or s.naam not in PRINTED_ONLY_TABLES)
            ),
            key=lambda s: s.naam,
        )
    )
    staging = Path(tempfile.mkdtemp(prefix=f".{jaar}.", dir=data_dir(root)))  # not a year folder while filling
    try:
        for table in tables:
            (staging / table.bestand).write_text(",".join(table.column_names) + "\n", encoding="utf-8")
        (staging / NARRATIVE_FOLDER).mkdir()
        for naam in NARRATIVE_FILES:
            (staging / NARRATIVE_FOLDER / f"{naam}.md").write_text(_narrative_template(naam, jaar), encoding="utf-8")
        staging.chmod(0o777 & ~_umask())
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    texts = tuple(target / NARRATIVE_FOLDER / f"{naam}.md" for naam in NARRATIVE_FILES)
    return NewYear(jaar, target, tables, texts, root, printed)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
