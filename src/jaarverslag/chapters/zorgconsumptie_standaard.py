"""Zorgconsumptie, section 'Rekening houden met leeftijd': help requests per gemeente standardised for age.

The statistics are in jaarverslag.models.standardisation, the sentences in render/standaard_text.py;
this module loads the data, builds the table and returns the section's glue values (prefixed std_).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jaarverslag.data import landelijk
from jaarverslag.data.population import (
    T_AGE_TYPE,
    T_CONSUMPTION_TYPE,
    UNKNOWN,
    ModelError,
    load_standardisation_data,
)
from jaarverslag.data.registrations import disclosure
from jaarverslag.models.standardisation import Spread, Standardisation, spread, standardise
from jaarverslag.render import charts, fmt, tables
from jaarverslag.render import standaard_text as st

BETROUWBAARHEID = 95
# SHT serves only part of this gemeente while CBS counts all of it: its rates are too low (zorgconsumptie.py).
PARTLY_SERVED_GEMEENTE = "Hof van Twente"
TABLE_NAME = "zorgconsumptie_gestandaardiseerd"
CSV_DECIMALS = 4


def result(jaar: int, root: Path | None = None) -> tuple[Standardisation, int, int] | None:
    """Return the standardisation, the help requests without gemeente and the CBS year, or None without data."""
    if ages_hidden(jaar, root) or totals_hidden(jaar, root):
        return None
    try:
        data = load_standardisation_data(jaar, root)
        s = standardise(data.waargenomen, data.bevolking, data.regio, jaar, BETROUWBAARHEID)
    except ModelError:
        return None
    return s, data.onbekend, data.bevolking_jaar


HIDDEN_AGES = (
    "De standaardisatie voor leeftijd is voor {jaar} afgeschermd: de hulpvragen per leeftijdsgroep bevatten kleine "
    "aantallen uit de registraties, en de verwachte aantallen per gemeente zouden die teruggeven."
)


HIDDEN_TOTALS = (
    "De standaardisatie voor leeftijd is voor {jaar} afgeschermd: het aantal hulpvragen van een gemeente is "
    "afgeschermd (een klein aantal uit de registraties), en de SMR zou het teruggeven."
)


def _row_totals(jaar: int, root: Path | None) -> dict[str, str]:
    """Return the gemeenten (and Onbekend) whose total of help requests is hidden this year."""
    return disclosure.row_totals(disclosure.hidden_cells(T_CONSUMPTION_TYPE, jaar, root))


def totals_hidden(jaar: int, root: Path | None = None) -> bool:
    """Say whether a gemeente's total of help requests is hidden: its observed count, the SMR's numerator, is."""
    return any(g != UNKNOWN for g in _row_totals(jaar, root))


def ages_hidden(jaar: int, root: Path | None = None) -> bool:
    """Say whether the region's help requests per age group hold a hidden count (the expected counts would show it)."""
    return bool(disclosure.hidden_cells(T_AGE_TYPE, jaar, root))


def spreiding(s: Standardisation) -> Spread:
    """Return the spread of the rates over the gemeenten, without the partly served gemeente."""
    return spread(s, zonder=(PARTLY_SERVED_GEMEENTE,))


def tabel(s: Standardisation, onafgerond: bool = False) -> pd.DataFrame:
    """Return the book table per gemeente: observed, expected, SMR with interval, crude and standardised rates."""
    t = s.per_gemeente.sort_values("gemeente").reset_index(drop=True)
    level = fmt.getal(s.betrouwbaarheid)
    out = pd.DataFrame(
        {
            "Gemeente": t["gemeente"],
            "Waargenomen": pd.array(t["waargenomen"], dtype="Int64"),
            "Verwacht": fmt.shown(t["verwacht"], 0),
            "SMR": fmt.shown(t["smr"], st.SMR_DECIMALS),
            f"SMR {level}%-interval": [
                f"{st.smr(lo)}–{st.smr(hi)}" for lo, hi in zip(t["smr_ondergrens"], t["smr_bovengrens"])
            ],
            "Ruw per 1.000": fmt.shown(t["ruw_per_1000"], st.RATE_DECIMALS),
            "Gestandaardiseerd per 1.000": fmt.shown(t["gestandaardiseerd_per_1000"], st.RATE_DECIMALS),
        }
    )
    if onafgerond:
        out["CBS-bevolking"] = pd.array(t["bevolking"].round().astype(int), dtype="Int64")
        out["SMR ondergrens"] = fmt.shown(t["smr_ondergrens"], st.SMR_DECIMALS)
        out["SMR bovengrens"] = fmt.shown(t["smr_bovengrens"], st.SMR_DECIMALS)
        for column, source in (
            ("Verwacht onafgerond", "verwacht"),
            ("SMR onafgerond", "smr"),
            ("SMR ondergrens onafgerond", "smr_ondergrens"),
            ("SMR bovengrens onafgerond", "smr_bovengrens"),
        ):
            out[column] = t[source].round(CSV_DECIMALS).to_numpy()
    return out


def formatters() -> dict:
    """Return the formats of the table (SMR with two decimals, rates whole)."""
    return {
        "Verwacht": lambda v: fmt.getal(v, 0),
        "SMR": st.smr,
        "Ruw per 1.000": st.rate,
        "Gestandaardiseerd per 1.000": st.rate,
    }


def kerncijfers(jaar: int, root: Path | None = None) -> str:
    """Return the SMRs and the spread as plain text (for the checked output cell)."""
    r = result(jaar, root)
    if r is None:
        return "geen standaardisatie mogelijk"
    s = r[0]
    sp = spreiding(s)
    lines = [tabel(s).to_string(index=False), f"regio per 1.000: {st.rate(s.regio_per_1000)}"]
    lines.append(f"dispersie: {fmt.getal(s.dispersie, st.PHI_DECIMALS)}; variantie verklaard: {sp.verklaard:.3f}")
    return "\n".join(lines)


def page_values(jaar: int, root: Path | None = None) -> dict[str, object]:
    """Return the section's glue values (std_...), for a year with the data and a year without."""
    r = result(jaar, root)
    if r is None:
        if ages_hidden(jaar, root):
            missing = HIDDEN_AGES.format(jaar=jaar)
        elif totals_hidden(jaar, root):
            missing = HIDDEN_TOTALS.format(jaar=jaar)
        else:
            missing = st.niet_beschikbaar_zin(jaar)
        return {
            "std_resultaat_zin": missing,
            "std_leeftijd_zin": "",
            "std_onzekerheid_zin": "",
            "std_kanttekeningen_zin": "",
            "std_landelijk_zin": "",
            "std_grafiek": tables.sentence_html(missing),
            "std_tabel": tables.sentence_html(missing),
        }
    s, onbekend, bevolking_jaar = r
    ref = landelijk.reference_for(landelijk.CONTACTS_PER_1000, jaar, root)
    fig, alt = _chart(s, jaar)
    return {
        "std_resultaat_zin": st.resultaat_zin(s),
        "std_leeftijd_zin": st.leeftijd_zin(spreiding(s), (PARTLY_SERVED_GEMEENTE,)),
        "std_onzekerheid_zin": st.onzekerheid_zin(s),
        "std_kanttekeningen_zin": st.kanttekeningen_zin(
            s, onbekend, bevolking_jaar, PARTLY_SERVED_GEMEENTE, _row_totals(jaar, root).get(UNKNOWN)
        ),
        "std_landelijk_zin": st.regio_zin(s, ref),
        "std_grafiek": charts.figure_html(
            fig,
            TABLE_NAME,
            alt,
            bijschrift=f"Hulpvragen per 1.000 inwoners per gemeente, ruw en gestandaardiseerd voor leeftijd, {jaar}.",
        ),
        "std_tabel": tables.html(
            tabel(s),
            TABLE_NAME,
            bijschrift=(
                f"Waargenomen en voor leeftijd verwachte hulpvragen per gemeente, SMR met "
                f"{fmt.getal(s.betrouwbaarheid)}%-interval en hulpvragen per 1.000 inwoners, {jaar}"
            ),
            formatters=formatters(),
            csv_frame=tabel(s, onafgerond=True),
        ),
    }


def _chart(s: Standardisation, jaar: int):
    from jaarverslag.render import zorgconsumptie_charts

    return zorgconsumptie_charts.standardised_chart(
        s.per_gemeente, s.regio_per_1000, jaar, s.betrouwbaarheid, st.RATE_DECIMALS
    )
