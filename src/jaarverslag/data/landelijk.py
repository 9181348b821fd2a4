"""National reference figures (referentie/landelijk.csv) and the one rule for the year beside a report year."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jaarverslag.data.population import nearest_year
from jaarverslag.data.status import UNCERTAIN

T_LANDELIJK = "landelijk"
# Keys of the national figures the book puts beside its own (column `referentie` of the codebook entry).
CONTACTS_PER_1000 = "contacten_per_1000"
PER_1000_BY_TYPE = {  # soort_contact -> national figure per 1,000 of that type
    "Advies/telefonisch consult": "advies_per_1000",
    "Consult": "consult_per_1000",
    "Visite": "visite_per_1000",
}
SHARE_WITH_CONTACT = "aandeel_bevolking_contact"
WAIT_URGENT_LINE = "wachttijd_spoedlijn"
WAIT_REGULAR_LINE = "wachttijd_patientenlijn"
CONTACTS_TOTAL = "contacten_totaal"
POSTS_TOTAL = "posten_totaal"


@dataclass(frozen=True)
class Referentie:
    """One national figure chosen for a report year, with its own year, definition and source."""

    referentie: str
    jaar: int  # the year the national figure is about (may differ from the report year)
    waarde: float
    eenheid: str
    onderwerp: str
    definitie: str
    verhouding_sht: str
    bron: str
    bron_url: str
    onzeker: bool
    verslagjaar: int

    @property
    def ander_jaar(self) -> bool:
        """True when the figure is about another year than the report year (the book then names its year)."""
        return self.jaar != self.verslagjaar

    @property
    def later(self) -> bool:
        """True when the figure is about a year after the report year (the book then says it is later)."""
        return self.jaar > self.verslagjaar


def choose_year(available: list[int], jaar: int) -> int | None:
    """Return the reference year for a report year: the year closest to it (the earlier one on a tie).

    The one rule of the book for national figures. A chosen year other than the report year is always shown
    with its year (Referentie.ander_jaar), and one after the report year is said to be later (Referentie.later).
    """
    return nearest_year(jaar, available) if available else None


def table(root: Path | None = None) -> pd.DataFrame | None:
    """Return the national reference table, or None when the project has none."""
    from jaarverslag.data.load import is_available, load_table

    if not is_available(T_LANDELIJK, None, root):
        return None
    return load_table(T_LANDELIJK, None, root)


def reference_for(referentie: str, jaar: int, root: Path | None = None) -> Referentie | None:
    """Return the national figure `referentie` chosen for report year `jaar` (choose_year), or None."""
    frame = table(root)
    if frame is None:
        return None
    rows = frame[frame["referentie"].astype(str) == referentie]
    use = choose_year(sorted(int(j) for j in rows["jaar"]), jaar)
    if use is None:
        return None
    row = rows[rows["jaar"].astype(int) == use].iloc[0]
    return Referentie(
        referentie=referentie,
        jaar=use,
        waarde=float(row["waarde"]),
        eenheid=str(row["eenheid"]),
        onderwerp=str(row["onderwerp"]),
        definitie=str(row["definitie"]),
        verhouding_sht=str(row["verhouding_sht"]),
        bron=str(row["bron"]),
        bron_url=str(row["bron_url"]),
        onzeker=str(row["status"]) == UNCERTAIN,
        verslagjaar=jaar,
    )
