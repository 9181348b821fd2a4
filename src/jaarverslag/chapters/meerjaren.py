"""Meerjarenoverzicht: every key figure of the landing page over all report years, in the newest year's book.

Each year's value is that year's own figure, computed by the same chapter functions the landing page uses
(kerncijfers), so the overview and each year's landing page never differ. Only the newest final year's book
(and a draft newer than it) shows the overview; an older year's page points to the newest year's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from jaarverslag.chapters import branchenormen_numbers as bnn
from jaarverslag.chapters import kwaliteit_numbers as kn
from jaarverslag.chapters import personeel_numbers as pn
from jaarverslag.chapters import populatie
from jaarverslag.chapters import verrichtingen as vr
from jaarverslag.data.load import is_available, record_read
from jaarverslag.data.paths import ASSET_PREFIX, DRAFT_MARKER, TABLE_FOLDER, data_dir, report_years
from jaarverslag.data.status import CERTAIN, MISSING
from jaarverslag.render import fmt, suppression, tables
from jaarverslag.render.meerjaren_chart import spark_alt, sparkline
from jaarverslag.render.text import join_list

TABLE_NAME = "meerjaren"
PAGE = "meerjaren.html"  # this page in every year's book (book/meerjaren.md)
# Tables a new year folder holds (make nieuw-jaar writes them all): looked for one year beyond the newest,
# so that a new year re-runs this notebook in the cache (the overview moves to the new year's book).
NEW_YEAR_TABLES = ("verrichtingen", "inwoners", "branchenormen", "kwaliteitsmeldingen_totaal", "ziekteverzuim")
NO_DATA = "geen gegevens over {jaar}"
NOT_IN_DATA = "niet in de gegevens over {jaar}"
NO_POST = "geen verrichtingen van deze post in de gegevens over {jaar}"
SOURCE_MISSING = "ontbreekt in de bron"
NO_VERDICT = "geen norm beoordeeld"
HIDDEN = "afgeschermd: een klein aantal uit de registraties (zie Methode en verantwoording)"
PERCENT, COUNT, NORMS = "procent", "aantal", "normen"


@dataclass(frozen=True)
class Waarde:
    """One key figure in one year: the number (None when missing), as shown, uncertain or not, and why missing."""

    getal: float | None
    tekst: str
    onzeker: bool = False
    reden: str = ""  # why the value is not available ('' when it is)
    van: int | None = None  # for the norms: out of how many judged


@dataclass
class Reeks:
    """One key figure over the years, with the chapter it comes from."""

    onderwerp: str
    eenheid: str  # COUNT, PERCENT or NORMS
    hoofdstuk: str
    hoofdstuk_titel: str
    waarden: dict[int, Waarde] = field(default_factory=dict)


def _missing(reden: str) -> Waarde:
    return Waarde(None, fmt.MISSING_TEXT, reden=reden)


def _count(value, onzeker: bool = False) -> Waarde:
    return Waarde(float(value), fmt.getal(value), onzeker)


def _status_reason(status, jaar: int) -> str:
    return SOURCE_MISSING if status == MISSING else NOT_IN_DATA.format(jaar=jaar)


# --- the figures of one year (each as the landing page computes it) -------------------------------------------


def _verrichtingen(jaar: int, root: Path | None) -> dict[str, Waarde]:
    if not is_available("verrichtingen", jaar, root):
        return {"Verrichtingen SHT": _missing(NO_DATA.format(jaar=jaar))}
    totalen, verborgen = vr.totalen(jaar, root), vr.hidden(jaar, root).dit_jaar

    def figure(value, post: str | None) -> Waarde:
        state = verborgen.get(vr.total_key(post))
        return Waarde(None, suppression.LABELS[state], reden=HIDDEN) if state else _count(value)

    out = {"Verrichtingen SHT": figure(totalen.totaal, None)}
    for row in totalen.per_post.itertuples(index=False):
        out[f"Verrichtingen {row.post}"] = figure(row.aantal, str(row.post))
    return out


def _inwoners(jaar: int, root: Path | None) -> Waarde:
    if not is_available(populatie.T_INWONERS, jaar, root):
        return _missing(NO_DATA.format(jaar=jaar))
    inw = populatie.inwoners(jaar, root)
    return _count(inw.aantal, inw.onzeker) if inw.aantal is not None else _missing(SOURCE_MISSING)


def _normen(jaar: int, root: Path | None) -> Waarde:
    frame = bnn.resultaten(jaar, root)
    if frame is None:
        return _missing(NO_DATA.format(jaar=jaar))
    if bnn.SHT not in set(frame["post"]):
        return _missing(NOT_IN_DATA.format(jaar=jaar))
    t = bnn.tellingen(frame[frame["post"] == bnn.SHT])[bnn.SHT]
    judged, met = t.beoordeeld, t.zeker_gehaald + t.onzeker_gehaald
    if not judged:
        return _missing(NO_VERDICT)
    return Waarde(
        float(met),
        f"{fmt.getal(met)} van {fmt.getal(judged)}",
        bool(t.onzeker_gehaald or t.onzeker_niet_gehaald),
        van=judged,
    )


def _meldingen(jaar: int, root: Path | None) -> dict[str, Waarde]:
    wanted = {"Klacht": "Klachten", "Calamiteit": "Calamiteiten"}
    vergelijking = kn.meldingen(jaar, root)
    if not vergelijking.is_available:
        return {naam: _missing(NO_DATA.format(jaar=jaar)) for naam in wanted.values()}
    frame = vergelijking.frame.set_index("soort")
    out = {}
    for soort, naam in wanted.items():
        if soort not in frame.index or pd.isna(frame.at[soort, "aantal"]):
            status = frame.at[soort, "status"] if soort in frame.index else None
            out[naam] = _missing(_status_reason(status, jaar))
        else:
            out[naam] = _count(frame.at[soort, "aantal"], frame.at[soort, "status"] != CERTAIN)
    return out


def _verzuim(jaar: int, root: Path | None) -> Waarde:
    if not is_available("ziekteverzuim", jaar, root):
        return _missing(NO_DATA.format(jaar=jaar))
    frame = pn.verzuim(jaar, root)
    value = pn.verzuim_value(frame, jaar)
    row = frame[frame["jaar"] == jaar]
    status = row["status"].iloc[0] if not row.empty else None
    if value is None:
        return _missing(_status_reason(status, jaar))
    value = round(value, pn.VERZUIM_DECIMALS)
    return Waarde(value, fmt.percent(value, pn.VERZUIM_DECIMALS), status != CERTAIN)


def _huisartsleden(jaar: int, root: Path | None) -> Waarde:
    aantallen = pn.huisartsen(jaar, root)
    if not aantallen.is_available:
        return _missing(NO_DATA.format(jaar=jaar))
    frame = aantallen.frame.set_index("groep")
    if "Huisartslid" not in frame.index or pd.isna(frame.at["Huisartslid", "aantal"]):
        status = frame.at["Huisartslid", "status"] if "Huisartslid" in frame.index else None
        return _missing(_status_reason(status, jaar))
    return _count(frame.at["Huisartslid", "aantal"], frame.at["Huisartslid", "status"] != CERTAIN)


def figures_of_year(jaar: int, root: Path | None = None) -> dict[str, Waarde]:
    """Return one year's key figures by subject, in the landing page's order (posts as that year has them)."""
    return {
        **_verrichtingen(jaar, root),
        "Inwoners werkgebied": _inwoners(jaar, root),
        "Branchenormen gehaald (SHT)": _normen(jaar, root),
        **_meldingen(jaar, root),
        "Ziekteverzuim": _verzuim(jaar, root),
        "Huisartsleden": _huisartsleden(jaar, root),
    }


CHAPTERS = {  # subject (or its first word) -> unit, page, chapter title
    "Verrichtingen": (COUNT, "verrichtingen", "Verrichtingen"),
    "Inwoners werkgebied": (COUNT, "populatie", "Patiëntenpopulatie en hulpvragen"),
    "Branchenormen gehaald (SHT)": (NORMS, "branchenormen", "Branchenormen"),
    "Klachten": (COUNT, "kwaliteit", "Kwaliteit"),
    "Calamiteiten": (COUNT, "kwaliteit", "Kwaliteit"),
    "Ziekteverzuim": (PERCENT, "personeel", "Huisartsen en medewerkers"),
    "Huisartsleden": (COUNT, "personeel", "Huisartsen en medewerkers"),
}


def _chapter(onderwerp: str) -> tuple[str, str, str]:
    return CHAPTERS.get(onderwerp) or CHAPTERS[onderwerp.split()[0]]


def reeksen(jaren: list[int], root: Path | None = None) -> list[Reeks]:
    """Return every key figure over the given years; a figure a year lacks is missing with its reason."""
    per_year = {j: figures_of_year(j, root) for j in jaren}
    subjects: list[str] = []
    for figures in per_year.values():
        subjects += [s for s in figures if s not in subjects]
    # Posts stay together, in the order of the newest year that has them (Verrichtingen SHT first).
    posts = [s for s in subjects if s.startswith("Verrichtingen ")]
    subjects = posts + [s for s in subjects if s not in posts]
    out = []
    for onderwerp in subjects:
        eenheid, hoofdstuk, titel = _chapter(onderwerp)
        reeks = Reeks(onderwerp, eenheid, hoofdstuk, titel)
        for jaar, figures in per_year.items():
            if onderwerp in figures:
                reeks.waarden[jaar] = figures[onderwerp]
            elif figures["Verrichtingen SHT"].getal is None:  # no procedures at all that year
                reeks.waarden[jaar] = figures["Verrichtingen SHT"]
            else:  # a post without procedures that year (the Coronapost before 2020)
                reeks.waarden[jaar] = _missing(NO_POST.format(jaar=jaar))
        out.append(reeks)
    return out


# --- which year's book shows the overview -----------------------------------------------------------------------


def newest_final_year(root: Path | None = None, after: int | None = None) -> int:
    """Return the newest year that is not a draft (the newest if all are), recording what decides it for the cache.

    For a year's page only the years after it matter (after=jaar): their draft markers are recorded as reads,
    and the tables of the year after the newest are looked for, so the cache re-runs this notebook when a
    later year is added, marked as draft or finalised.
    """
    years = report_years(root)
    for jaar in years:
        if after is None or jaar > after:
            record_read(data_dir(root) / str(jaar) / DRAFT_MARKER)
    for naam in NEW_YEAR_TABLES:
        is_available(naam, max(years) + 1, root)  # records the look-up
    final = [j for j in years if not (data_dir(root) / str(j) / DRAFT_MARKER).is_file()]
    return max(final or years)


def shows_overview(jaar: int, root: Path | None = None) -> bool:
    """Say whether this year's book holds the overview: the newest final year, or a draft newer than it."""
    return jaar >= newest_final_year(root, after=jaar)


def years_shown(jaar: int, root: Path | None = None) -> list[int]:
    """Return the years in the overview of this year's book: every report year up to and including it."""
    return [j for j in report_years(root) if j <= jaar]


# --- table, CSV and page ------------------------------------------------------------------------------------------


def csv_table(rijen: list[Reeks]) -> pd.DataFrame:
    """Return the overview as a long table for the CSV: one row per figure and year, numbers as numbers."""
    records = []
    for r in rijen:
        for jaar, w in r.waarden.items():
            records.append(
                {
                    "Kerncijfer": r.onderwerp,
                    "Jaar": jaar,
                    "Aantal": None if r.eenheid == PERCENT or w.getal is None else round(w.getal),
                    "Percentage": w.getal if r.eenheid == PERCENT else None,
                    "Van (beoordeelde normen)": w.van,
                    "Onzeker": "ja" if w.onzeker else "nee",
                    "Niet beschikbaar omdat": w.reden,
                    "Hoofdstuk": r.hoofdstuk_titel,
                }
            )
    frame = pd.DataFrame.from_records(records)
    frame["Jaar"] = frame["Jaar"].astype("Int64")
    for column in ("Aantal", "Van (beoordeelde normen)"):
        frame[column] = pd.array(frame[column].tolist(), dtype="Int64")
    frame["Percentage"] = pd.array(frame["Percentage"].tolist(), dtype="Float64")
    return frame


def _slug(onderwerp: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", onderwerp.lower()).strip("_")


def _cell(w: Waarde, notes: dict[str, str]) -> str:
    if w.getal is None:
        letter = notes.setdefault(w.reden, "abcdefghijklmnopqrstuvwxyz"[len(notes) % 26])
        return f'{escape(w.tekst)} <span class="jv-noot">({letter})</span>'
    return escape(w.tekst) + (tables.UNCERTAIN_MARK if w.onzeker else "")


def html(rijen: list[Reeks], jaar: int, map: Path | None = None) -> HTML:
    """Return the overview table (each row with its sparkline, linked to its chapter) and write its CSV and sparklines.

    A missing value says "niet beschikbaar" with a letter; the reasons follow the table, one line per letter.
    """
    tables.write_csv(csv_table(rijen), TABLE_NAME, map)
    jaren = sorted(rijen[0].waarden) if rijen else [jaar]
    head = "".join(f'<th scope="col" class="jv-getal">{j}</th>' for j in jaren)
    rows, notes = [], {}
    for r in rijen:
        ws = [r.waarden[j] for j in jaren]
        shown = [None if w.getal is None else w.tekst + (" (onzeker)" if w.onzeker else "") for w in ws]
        alt = spark_alt(r.onderwerp, list(zip(jaren, shown)))
        spark = sparkline(
            f"{TABLE_NAME}_{_slug(r.onderwerp)}", jaren, [w.getal for w in ws], [w.onzeker for w in ws], alt, map
        )
        cells = "".join(f'<td class="jv-getal" data-label="{j}">{_cell(w, notes)}</td>' for j, w in zip(jaren, ws))
        rows.append(
            f'<tr><th scope="row"><a href="{escape(r.hoofdstuk)}.html" title="Naar het hoofdstuk '
            f'{escape(r.hoofdstuk_titel)}">{escape(r.onderwerp)}</a></th>{cells}'
            f'<td data-label="Verloop">{spark}</td></tr>'
        )
    uncertain = any(w.onzeker for r in rijen for w in r.waarden.values())
    note = f" ({tables.UNCERTAIN_MARK.strip()} = onzekere waarde: de bron is niet eenduidig; zie het hoofdstuk)"
    caption = f"Kerncijfers {jaren[0]}–{jaren[-1]}" + (note if uncertain else "")
    reasons = "".join(
        f"<li>({letter}) {escape(fmt.MISSING_TEXT)}: {escape(reden)}</li>" for reden, letter in notes.items()
    )
    return HTML(
        f'<div class="jv-tabel jv-kerncijfers jv-meerjaren"><table class="table" id="tbl-{TABLE_NAME}">'
        f"<caption>{escape(caption)}</caption>"
        f'<thead><tr><th scope="col">Kerncijfer</th>{head}<th scope="col">Verloop</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        + (f'<ul class="jv-noten">{reasons}</ul>' if reasons else "")
        + f'<p><a href="{ASSET_PREFIX}{TABLE_FOLDER}/{TABLE_NAME}.csv" download>Download deze tabel als CSV</a> '
        "(puntkomma-gescheiden, UTF-8; één regel per kerncijfer en jaar)</p></div>"
    )


def samenvatting(rijen: list[Reeks], jaren: list[int]) -> str:
    """Return the sentence above the table: which years, and for which figures a year is missing."""
    span = f"{jaren[0]} tot en met {jaren[-1]}" if len(jaren) > 1 else str(jaren[0])
    text = (
        f"De tabel zet de kerncijfers van {span} naast elkaar, elk jaar zoals het jaarverslag over dat jaar ze "
        "berekent; het lijntje ernaast toont het verloop (een open rondje is een onzekere waarde). Elke regel "
        "verwijst naar het hoofdstuk waar het cijfer wordt toegelicht."
    )
    gaps = [j for j in jaren if all(r.waarden[j].getal is None for r in rijen if j in r.waarden)]
    partial = [j for j in jaren if j not in gaps and any(r.waarden[j].getal is None for r in rijen)]
    if gaps:
        text += f" Over {join_list([str(j) for j in gaps])} zijn geen kerncijfers vastgelegd."
    if partial:
        text += f" Over {join_list([str(j) for j in partial])} ontbreken enkele cijfers; onder de tabel staat waarom."
    return text


def pointer(jaar: int, newest: int) -> tuple[str, HTML]:
    """Return the sentence and link shown in an older year's book instead of the overview."""
    zin = (
        f"Het meerjarenoverzicht staat in het nieuwste jaarverslag, over {newest}: daar staan de kerncijfers van "
        f"alle jaren tot en met {newest} naast elkaar, ook die van {jaar}."
    )
    link = f"../../{newest}/book/{PAGE}"
    return zin, HTML(f'<p><a href="{link}">Naar het meerjarenoverzicht in het jaarverslag {newest}</a></p>')


def page_values(jaar: int, root: Path | None = None) -> dict[str, object]:
    """Return every value the Meerjarenoverzicht page glues: the overview, or in an older year a pointer to it."""
    newest = newest_final_year(root, after=jaar)
    if jaar < newest:
        zin, link = pointer(jaar, newest)
        return {"samenvatting": zin, "overzicht": link}
    jaren = years_shown(jaar, root)
    rijen = reeksen(jaren, root)
    return {"samenvatting": samenvatting(rijen, jaren), "overzicht": html(rijen, jaar)}
