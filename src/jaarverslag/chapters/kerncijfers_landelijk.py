"""Kerncijfers beside the national reference: SHT's own figure and the national one, each with its year and source."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from jaarverslag.chapters import branchenormen_numbers as bnn
from jaarverslag.chapters import populatie
from jaarverslag.data import landelijk
from jaarverslag.data.paths import ASSET_PREFIX, TABLE_FOLDER
from jaarverslag.render import fmt, suppression, tables
from jaarverslag.render import landelijk_text as lt
from jaarverslag.render.populatie_text import PER_1000_DECIMALS

TABLE_NAME = "kerncijfers_landelijk"
NORM_DECIMALS = 1  # a norm result beside the national figure, as the branchenormen tables print it
# The telephone norms that stand beside the national mean waiting time of the same line.
TELEPHONE = {landelijk.WAIT_URGENT_LINE: "tel_spoedlijn_30s", landelijk.WAIT_REGULAR_LINE: "tel_patientenlijn_2min"}


@dataclass(frozen=True)
class Rij:
    """One comparison: SHT's figure (text and number) and the national reference chosen for the year."""

    onderwerp: str
    sht_tekst: str
    sht_getal: float | None
    sht_eenheid: str
    ref: landelijk.Referentie


def _rate(value: float | None, state: str | None = None) -> tuple[str, float | None]:
    if state and value is not None:  # a rate that gives a hidden registration count back
        return suppression.DERIVED, None
    if value is None:
        return fmt.MISSING_TEXT, None
    shown = fmt.round_half_up(value, PER_1000_DECIMALS)
    return f"{fmt.getal(shown, PER_1000_DECIMALS)} per 1.000 inwoners", shown


def _norm(frame: pd.DataFrame | None, norm_id: str) -> tuple[str, float | None]:
    if frame is None:
        return fmt.MISSING_TEXT, None
    row = frame[(frame["norm_id"] == norm_id) & (frame["post"] == bnn.SHT)]
    if row.empty or pd.isna(row["resultaat_pct"].iloc[0]):
        return fmt.MISSING_TEXT, None
    value, grens = float(row["resultaat_pct"].iloc[0]), str(row["grens"].iloc[0])
    return f"{fmt.percent(value, NORM_DECIMALS)} opgenomen {grens.replace('<', 'binnen')}", value


def rijen(jaar: int, root: Path | None = None) -> list[Rij]:
    """Return every comparison the national table has for the report year (SHT's side may be missing)."""
    h = populatie.hulpvragen(jaar, root)
    out: list[Rij] = []

    def add(key: str, onderwerp: str, pair: tuple[str, float | None], eenheid: str) -> None:
        ref = landelijk.reference_for(key, jaar, root)
        if ref is not None:
            out.append(Rij(onderwerp, pair[0], pair[1], eenheid, ref))

    add(
        landelijk.CONTACTS_PER_1000,
        "Hulpvragen per 1.000 inwoners",
        _rate(populatie.per_1000_alle_leeftijden(h), populatie.alle_leeftijden_state(h)),
        "per 1.000 inwoners",
    )
    for soort, key in landelijk.PER_1000_BY_TYPE.items():
        rate = populatie.per_1000_alle_leeftijden(h, soort=soort)
        state = populatie.alle_leeftijden_state(h, soort=soort)
        add(key, f"{soort} per 1.000 inwoners", _rate(rate, state), "per 1.000 inwoners")
    normen = bnn.resultaten(jaar, root)
    add(landelijk.WAIT_URGENT_LINE, "Telefoon: spoedlijn", _norm(normen, TELEPHONE[landelijk.WAIT_URGENT_LINE]), "%")
    add(
        landelijk.WAIT_REGULAR_LINE,
        "Telefoon: patiëntenlijn",
        _norm(normen, TELEPHONE[landelijk.WAIT_REGULAR_LINE]),
        "%",
    )
    total, state = (h.totaal if h.is_available else None), populatie.alle_leeftijden_state(h)
    shown = (fmt.MISSING_TEXT, None) if total is None else (suppression.number(state, total, fmt.getal), total)
    add(
        landelijk.CONTACTS_TOTAL,
        "Hulpvragen (contacten) in het jaar",
        (shown[0], None) if state else shown,
        "aantal",
    )
    add(
        landelijk.SHARE_WITH_CONTACT,
        "Inwoners met minstens één contact",
        ("niet geteld (SHT telt hulpvragen, geen patiënten)", None),
        "%",
    )
    return out


def tabel(rows: list[Rij], jaar: int) -> pd.DataFrame:
    """Return the comparison for the CSV download: numbers as numbers, with unit, year and source."""
    return pd.DataFrame(
        {
            "Onderwerp": [r.onderwerp for r in rows],
            f"SHT {jaar}": pd.array([r.sht_getal for r in rows], dtype="Float64"),
            "Eenheid SHT": [r.sht_eenheid for r in rows],
            "Landelijk": pd.array([r.ref.waarde for r in rows], dtype="Float64"),
            "Eenheid landelijk": [r.ref.eenheid for r in rows],
            "Jaar landelijk": pd.array([r.ref.jaar for r in rows], dtype="Int64"),
            "Opmerking": [r.ref.verhouding_sht for r in rows],
            "Bron": [r.ref.bron for r in rows],
            "Adres bron": [r.ref.bron_url for r in rows],
        }
    )


def html(rows: list[Rij], jaar: int, map: Path | None = None) -> HTML:
    """Return the comparison as a captioned table (each national figure with its year and source); write the CSV."""
    if not rows:
        return tables.sentence_html("Er zijn geen landelijke referentiecijfers vastgelegd.")
    tables.write_csv(tabel(rows, jaar), TABLE_NAME, map)
    body = "".join(
        f'<tr><th scope="row">{escape(r.onderwerp)}</th>'
        f'<td data-label="SHT {jaar}">{escape(r.sht_tekst)}</td>'
        f'<td data-label="Landelijk">{escape(lt.waarde(r.ref))}'
        f"{tables.UNCERTAIN_MARK if r.ref.onzeker else ''}</td>"
        f'<td data-label="Jaar landelijk">{escape(lt.jaar_label(r.ref))}</td>'
        f'<td data-label="Opmerking">{escape(r.ref.verhouding_sht)}</td>'
        f'<td data-label="Bron">{lt.bron_html(r.ref)}</td></tr>'
        for r in rows
    )
    uncertain = any(r.ref.onzeker for r in rows)
    note = f" ({tables.UNCERTAIN_MARK.strip()} = onzekere waarde: zie het codeboek)" if uncertain else ""
    return HTML(
        f'<div class="jv-tabel"><table class="table" id="tbl-{TABLE_NAME}">'
        f"<caption>SHT in {jaar} naast het landelijke cijfer, met het jaar waarover dat gaat{escape(note)}</caption>"
        f'<thead><tr><th scope="col">Onderwerp</th><th scope="col">SHT {jaar}</th><th scope="col">Landelijk</th>'
        '<th scope="col">Jaar landelijk</th><th scope="col">Opmerking</th><th scope="col">Bron</th></tr></thead>'
        f"<tbody>{body}</tbody></table>"
        f'<p><a href="{ASSET_PREFIX}{TABLE_FOLDER}/{TABLE_NAME}.csv" download>Download deze tabel als CSV</a> '
        "(puntkomma-gescheiden, UTF-8)</p></div>"
    )


def samenvatting(rows: list[Rij], jaar: int) -> str:
    """Return one sentence on which years the national figures are about."""
    if not rows:
        return ""
    years = sorted({r.ref.jaar for r in rows})
    text = (
        "De tabel zet de cijfers van SHT naast landelijke cijfers uit openbare bronnen (kolom Bron); die gaan over "
        f"{', '.join(str(y) for y in years[:-1])}{' en ' if len(years) > 1 else ''}{years[-1]}."
    )
    other = [y for y in years if y != jaar]
    if other:
        text += (
            f" Is er geen landelijk cijfer over {jaar}, dan staat het cijfer over het jaar dat er het dichtst bij "
            "ligt (bij gelijke afstand het eerdere), met dat jaar erbij."
        )
    later = sorted({r.ref.jaar for r in rows if r.ref.later})
    if later:
        text += f" De cijfers over {', '.join(str(y) for y in later)} gaan over een later jaar dan {jaar}."
    return text
