"""Kerncijfers: the year's headline figures for the board, each taken from its chapter's own computation."""

from __future__ import annotations

from dataclasses import dataclass, replace
from html import escape
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from jaarverslag.chapters import branchenormen_numbers as bnn
from jaarverslag.chapters import kerncijfers_landelijk as kl
from jaarverslag.chapters import kwaliteit_numbers as kn
from jaarverslag.chapters import personeel_numbers as pn
from jaarverslag.chapters import populatie
from jaarverslag.chapters import verrichtingen as vr
from jaarverslag.data.load import is_available
from jaarverslag.data.paths import ASSET_PREFIX, TABLE_FOLDER
from jaarverslag.data.status import CERTAIN
from jaarverslag.render import fmt, suppression, tables
from jaarverslag.render.text import verschil

EMPTY = "–"
TABLE_NAME = "kerncijfers"


@dataclass(frozen=True)
class Kerncijfer:
    """One headline figure: this year, last year, the change, and the chapter it comes from."""

    onderwerp: str
    waarde: str
    vorig: str
    verandering: str
    hoofdstuk: str  # page name in book/
    hoofdstuk_titel: str
    onzeker: bool = False
    # The same figures as numbers, for the CSV download (rounded as shown; None where the page shows a dash).
    nu_getal: float | None = None
    vorig_getal: float | None = None
    verandering_getal: float | None = None
    eenheid: str = "aantal"
    verandering_eenheid: str = ""


def _count(
    onderwerp: str,
    nu,
    vorig,
    hoofdstuk: str,
    titel: str,
    onzeker: bool = False,
    verborgen: tuple[str | None, str | None] = (None, None),
) -> Kerncijfer:
    """Return a count with last year and its change; a hidden count (verborgen: now, last year) shows its label."""
    present = lambda v: v is not None and not pd.isna(v)  # noqa: E731
    if any(verborgen):
        shown = _count(onderwerp, nu, vorig, hoofdstuk, titel, onzeker)
        now, before = (suppression.LABELS[s] if s else None for s in verborgen)
        return replace(
            shown,
            waarde=now or shown.waarde,
            vorig=before or shown.vorig,
            verandering=suppression.DERIVED if shown.verandering != EMPTY else EMPTY,
            nu_getal=now or shown.nu_getal,
            vorig_getal=before or shown.vorig_getal,
            verandering_getal=suppression.DERIVED if shown.verandering_getal is not None else None,
        )
    both = present(nu) and present(vorig)
    if both and fmt.change_shown(nu, vorig):
        change, change_number, change_unit = fmt.verandering(fmt.count_change(nu, vorig)), None, "%"
        change_number = fmt.shown_count_change(nu, vorig)
    elif both:  # small counts: the difference in numbers, not a percentage
        change, change_number, change_unit = verschil(nu - vorig), int(nu - vorig), "aantal"
    else:
        change, change_number, change_unit = EMPTY, None, ""
    return Kerncijfer(
        onderwerp,
        fmt.getal(nu) if present(nu) else fmt.MISSING_TEXT,
        fmt.getal(vorig) if present(vorig) else EMPTY,
        change,
        hoofdstuk,
        titel,
        onzeker,
        nu_getal=int(nu) if present(nu) else None,
        vorig_getal=int(vorig) if present(vorig) else None,
        verandering_getal=change_number,
        verandering_eenheid=change_unit,
    )


def _verrichtingen(jaar: int, root: Path | None) -> list[Kerncijfer]:
    titel = "Verrichtingen"
    if not is_available("verrichtingen", jaar, root):
        if not is_available("verrichtingen", jaar - 1, root):
            return [_count("Verrichtingen SHT", None, None, "verrichtingen", titel)]
        vorig = vr.totalen(jaar - 1, root)  # last year's figures still stand beside this year's gap
        hidden_before = vr.hidden(jaar, root).vorig_jaar
        rows = [
            _count(
                "Verrichtingen SHT", None, vorig.totaal, "verrichtingen", titel, False,
                (None, hidden_before.get(vr.total_key())),
            )
        ]  # fmt: skip
        for row in vorig.per_post.itertuples(index=False):
            state = hidden_before.get(vr.total_key(str(row.post)))
            rows.append(
                _count(f"Verrichtingen {row.post}", None, row.aantal, "verrichtingen", titel, False, (None, state))
            )
        return rows
    totalen, verborgen = vr.totalen(jaar, root), vr.hidden(jaar, root)

    def states(post: str | None) -> tuple[str | None, str | None]:
        key = vr.total_key(post)
        return verborgen.dit_jaar.get(key), verborgen.vorig_jaar.get(key)

    sht = (totalen.totaal, totalen.totaal_vorig_jaar)
    rows = [_count("Verrichtingen SHT", *sht, "verrichtingen", titel, False, states(None))]
    for row in totalen.per_post.itertuples(index=False):
        rows.append(
            _count(
                f"Verrichtingen {row.post}",
                row.aantal,
                row.aantal_vorig_jaar,
                "verrichtingen",
                titel,
                False,
                states(str(row.post)),
            )
        )
    return rows


def _inwoners(jaar: int, root: Path | None) -> Kerncijfer:
    inw = populatie.inwoners(jaar, root)
    return _count(
        "Inwoners werkgebied",
        inw.aantal,
        inw.aantal_vorig_jaar,
        "populatie",
        "Patiëntenpopulatie en hulpvragen",
        inw.onzeker,
    )


def _norms_met(gehaald: pd.Series) -> str:
    """Return 'met of known' for SHT's norms ('6 van 11'), or a dash when no result is known."""
    known = gehaald.notna()
    if not known.any():
        return EMPTY
    return f"{fmt.getal(int(gehaald[known].eq(True).sum()))} van {fmt.getal(int(known.sum()))}"


def _norms_met_count(gehaald: pd.Series) -> int | None:
    """Return how many of SHT's norms with a known result were met, or None when none is known."""
    known = gehaald.notna()
    return int(gehaald[known].eq(True).sum()) if known.any() else None


NORMS_UNIT = "normen gehaald"
SMALL_COUNTS_NOTE = f"bij aantallen onder de {fmt.MIN_COUNT_FOR_CHANGE} staat als verandering het verschil in aantallen"


def _normen(jaar: int, root: Path | None) -> Kerncijfer:
    titel = "Branchenormen"
    frame = bnn.resultaten(jaar, root)
    if frame is None or bnn.SHT not in set(frame["post"]):
        vorig = bnn.resultaten(jaar - 1, root) if frame is None else None
        previous_text = EMPTY if vorig is None else _norms_met(vorig.loc[vorig["post"] == bnn.SHT, "gehaald"])
        return Kerncijfer(
            "Branchenormen gehaald (SHT)",
            fmt.MISSING_TEXT,
            previous_text,
            EMPTY,
            "branchenormen",
            titel,
            vorig_getal=None if vorig is None else _norms_met_count(vorig.loc[vorig["post"] == bnn.SHT, "gehaald"]),
            eenheid=NORMS_UNIT,
        )
    sht = frame[frame["post"] == bnn.SHT]
    t = bnn.tellingen(sht)[bnn.SHT]
    judged = t.beoordeeld
    met = t.zeker_gehaald + t.onzeker_gehaald
    return Kerncijfer(
        "Branchenormen gehaald (SHT)",
        f"{fmt.getal(met)} van {fmt.getal(judged)}",
        _norms_met(sht["gehaald_vorig_jaar"]),
        EMPTY,
        "branchenormen",
        titel,
        onzeker=bool(t.onzeker_gehaald or t.onzeker_niet_gehaald),
        nu_getal=met,
        vorig_getal=_norms_met_count(sht["gehaald_vorig_jaar"]),
        eenheid=NORMS_UNIT,
    )


def _meldingen(jaar: int, root: Path | None) -> list[Kerncijfer]:
    titel = "Kwaliteit"
    wanted = {"Klacht": "Klachten", "Calamiteit": "Calamiteiten"}
    vergelijking = kn.meldingen(jaar, root)
    if not vergelijking.is_available:
        vorig = kn.meldingen(jaar - 1, root)
        before = vorig.frame.set_index("soort")["aantal"] if vorig.is_available else pd.Series(dtype="Int64")
        return [_count(naam, None, before.get(soort), "kwaliteit", titel) for soort, naam in wanted.items()]
    frame = vergelijking.frame.set_index("soort")
    return [
        _count(
            naam,
            frame.at[soort, "aantal"] if soort in frame.index else None,
            frame.at[soort, "aantal_vorig_jaar"] if soort in frame.index else None,
            "kwaliteit",
            titel,
            soort in frame.index and frame.at[soort, "status"] != CERTAIN,
        )
        for soort, naam in wanted.items()
    ]


def _verzuim(jaar: int, root: Path | None) -> Kerncijfer:
    titel = "Huisartsen en medewerkers"
    frame = pn.verzuim(jaar, root)
    nu, vorig = pn.verzuim_value(frame, jaar), pn.verzuim_value(frame, jaar - 1)
    if nu is None:
        before = fmt.percent(vorig, pn.VERZUIM_DECIMALS) if vorig is not None else EMPTY
        return Kerncijfer(
            "Ziekteverzuim",
            fmt.MISSING_TEXT,
            before,
            EMPTY,
            "personeel",
            titel,
            vorig_getal=None if vorig is None else fmt.round_half_up(vorig, pn.VERZUIM_DECIMALS),
            eenheid="%",
        )
    norm = pn.verzuimnorm(root)
    verdict = "binnen de norm" if norm.gehaald(nu) else "boven de norm"
    change = f"{verschil(nu - vorig, pn.VERZUIM_DECIMALS)} procentpunt" if vorig is not None else EMPTY
    return Kerncijfer(
        f"Ziekteverzuim ({verdict}: {norm.tekst})",
        fmt.percent(nu, pn.VERZUIM_DECIMALS),
        fmt.percent(vorig, pn.VERZUIM_DECIMALS) if vorig is not None else EMPTY,
        change,
        "personeel",
        titel,
        nu_getal=fmt.round_half_up(nu, pn.VERZUIM_DECIMALS),
        vorig_getal=None if vorig is None else fmt.round_half_up(vorig, pn.VERZUIM_DECIMALS),
        verandering_getal=None if vorig is None else fmt.round_half_up(nu - vorig, pn.VERZUIM_DECIMALS),
        eenheid="%",
        verandering_eenheid="procentpunt" if vorig is not None else "",
    )


def _huisartsen(jaar: int, root: Path | None) -> Kerncijfer:
    titel = "Huisartsen en medewerkers"
    aantallen = pn.huisartsen(jaar, root)
    if not aantallen.is_available:
        vorig = pn.huisartsen(jaar - 1, root)
        if vorig.is_available and "Huisartslid" in set(vorig.frame["groep"]):
            row = vorig.frame.set_index("groep").loc["Huisartslid"]
            return _count("Huisartsleden", None, row["aantal"], "personeel", titel, bool(row["status"] != CERTAIN))
    if not aantallen.is_available or "Huisartslid" not in set(aantallen.frame["groep"]):
        return Kerncijfer("Huisartsleden", fmt.MISSING_TEXT, EMPTY, EMPTY, "personeel", titel)
    row = aantallen.frame.set_index("groep").loc["Huisartslid"]
    uncertain = row["status"] != CERTAIN or (pd.notna(row["status_vorig_jaar"]) and row["status_vorig_jaar"] != CERTAIN)
    return _count("Huisartsleden", row["aantal"], row["aantal_vorig_jaar"], "personeel", titel, bool(uncertain))


def kerncijfers(jaar: int, root: Path | None = None) -> list[Kerncijfer]:
    """Return the headline figures in the order the board reads them."""
    return [
        *_verrichtingen(jaar, root),
        _inwoners(jaar, root),
        _normen(jaar, root),
        *_meldingen(jaar, root),
        _verzuim(jaar, root),
        _huisartsen(jaar, root),
    ]


def tabel(cijfers: list[Kerncijfer], jaar: int) -> pd.DataFrame:
    """Return the headline figures as a table for the CSV download: numbers as numbers, rounded as shown."""

    def numbers(values: list) -> pd.Series | pd.api.extensions.ExtensionArray:
        if any(suppression.is_label(v) for v in values):  # a hidden count keeps its label, also in the CSV
            return pd.Series([v if v is None or suppression.is_label(v) else float(v) for v in values], dtype=object)
        return pd.array(values, dtype="Float64")

    return pd.DataFrame(
        {
            "Onderwerp": [c.onderwerp for c in cijfers],
            "Eenheid": [c.eenheid for c in cijfers],
            str(jaar): numbers([c.nu_getal for c in cijfers]),
            str(jaar - 1): numbers([c.vorig_getal for c in cijfers]),
            "Verandering": numbers([c.verandering_getal for c in cijfers]),
            "Eenheid verandering": [c.verandering_eenheid for c in cijfers],
            "Onzeker": ["ja" if c.onzeker else "nee" for c in cijfers],
            "Hoofdstuk": [c.hoofdstuk_titel for c in cijfers],
        }
    )


def html(cijfers: list[Kerncijfer], jaar: int, map: Path | None = None) -> HTML:
    """Return the headline figures as a captioned table whose rows link to their chapters; write the CSV."""
    tables.write_csv(tabel(cijfers, jaar), TABLE_NAME, map)
    # data-label lets a phone show each row as a small card with its own labels (see jaarverslag.css).
    rows = "".join(
        f'<tr><th scope="row">{escape(c.onderwerp)}</th>'
        f'<td class="jv-getal" data-label="{jaar}">{escape(c.waarde)}{tables.UNCERTAIN_MARK if c.onzeker else ""}</td>'
        f'<td class="jv-getal" data-label="{jaar - 1}">{escape(c.vorig)}</td>'
        f'<td class="jv-getal" data-label="Verandering">{escape(c.verandering)}</td>'
        f'<td data-label="Hoofdstuk"><a href="{escape(c.hoofdstuk)}.html">{escape(c.hoofdstuk_titel)}</a></td></tr>'
        for c in cijfers
    )
    note = (
        f" ({tables.UNCERTAIN_MARK.strip()} = onzekere waarde: de bron is niet eenduidig; zie het hoofdstuk)"
        if any(c.onzeker for c in cijfers)
        else ""
    )
    if any(c.verandering_eenheid == "aantal" for c in cijfers):
        note += f"; {SMALL_COUNTS_NOTE}"
    return HTML(
        f'<div class="jv-tabel jv-kerncijfers"><table class="table" id="tbl-{TABLE_NAME}">'
        f"<caption>Kerncijfers {jaar} met {jaar - 1}{escape(note)}</caption>"
        f'<thead><tr><th scope="col">Onderwerp</th><th scope="col" class="jv-getal">{jaar}</th>'
        f'<th scope="col" class="jv-getal">{jaar - 1}</th><th scope="col" class="jv-getal">Verandering</th>'
        f'<th scope="col">Hoofdstuk</th></tr></thead><tbody>{rows}</tbody></table>'
        f'<p><a href="{ASSET_PREFIX}{TABLE_FOLDER}/{TABLE_NAME}.csv" download>Download deze tabel als CSV</a> '
        "(puntkomma-gescheiden, UTF-8)</p></div>"
    )


def samenvatting(cijfers: list[Kerncijfer], jaar: int) -> str:
    """Return one sentence on the year's total number of procedures for the top of the landing page."""
    total = cijfers[0]
    if total.waarde == fmt.MISSING_TEXT:
        return f"Voor {jaar} zijn nog niet alle kerncijfers beschikbaar; de tabel hieronder laat zien wat er is."
    hidden = {label: state for state, label in suppression.LABELS.items()}
    if total.waarde in hidden:  # a hidden total in words, and no change computed from it
        return f"In {jaar} telden de spoedposten samen {suppression.words(hidden[total.waarde], '')} verrichtingen."
    shown = total.verandering not in (EMPTY, suppression.DERIVED)
    change = f" ({total.verandering} ten opzichte van {jaar - 1})" if shown else ""
    return f"In {jaar} telden de spoedposten samen {total.waarde} verrichtingen{change}."


def page_values(jaar: int, root: Path | None = None) -> dict[str, object]:
    """Return every value the landing page glues from kerncijfers, for a year with data and a year without."""
    cijfers = kerncijfers(jaar, root)
    rijen = kl.rijen(jaar, root)
    return {
        "samenvatting": samenvatting(cijfers, jaar),
        "tabel": html(cijfers, jaar),
        "landelijk_zin": kl.samenvatting(rijen, jaar),
        "landelijk_tabel": kl.html(rijen, jaar),
    }
