"""Huisartsen en medewerkers: GP counts, staff per function, sick leave against the norm, inflow and outflow."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

import pandas as pd

from jaarverslag.render import fmt
from jaarverslag.data.codebook import categorieen
from jaarverslag.data.load import beschikbaar, lees_tabel
from jaarverslag.data.metrics import verandering_pct
from jaarverslag.data.paths import verslagjaren

ZEKER = "zeker"
ONZEKER = "onzeker"
ONTBREEKT = "ontbreekt"
NORM_VERZUIM = "ziekteverzuim"  # norm_id of the sick leave norm in referentie/normen.csv
MAXIMAAL = "maximaal"
VERZUIM_DECIMALEN = 2  # the report prints sick leave with two decimals (3,04%)
NORM_DECIMALEN = 1  # and the norm with one (5,5%)
INSTROOM, UITSTROOM = "instroom", "uitstroom"
# Plural display names for the book; a value not listed is shown as stored.
GROEP_NAMEN = {"Huisartslid": "Huisartsleden", "AIOS": "AIOS", "Hidha of waarnemer": "Hidha's en waarnemers"}
GROEP_IN_ZIN = {"Huisartslid": "huisartsleden", "AIOS": "AIOS", "Hidha of waarnemer": "hidha's en waarnemers"}
FUNCTIE_NAMEN = {"Triagist": "Triagisten", "Triagist in opleiding": "Triagisten in opleiding",
                 "Junior triagist": "Junior triagisten", "Baliemedewerker": "Baliemedewerkers",
                 "Postassistent": "Postassistenten", "Medewerker managementbureau": "Medewerkers managementbureau",
                 "Facilitair medewerker": "Facilitair medewerkers"}
# Shorter function names for chart axes (phone width); the tables use FUNCTIE_NAMEN.
KORTE_NAMEN = {**FUNCTIE_NAMEN, "Medewerker managementbureau": "Managementbureau", "Facilitair medewerker": "Facilitair"}
TOTAAL = "Totaal"
TOTAAL_UITLEG = "Het verslag noemt zelf geen totaal; het totaal in de tabel is de som van de functies."
VERLOOP_UITLEG = ("De verdeling over de functies is onzekerder dan de totalen: in het bronverslag stonden de getallen "
                  "los van de functienamen. De totalen per richting zijn wel zeker; de verdeling hieronder is zo "
                  "gekozen dat ze optelt tot die totalen en past bij de verandering van het aantal medewerkers per "
                  "functie.")
MIN_STAVEN = 2  # the sick leave chart is at least this many bars wide
MIN_INLEIDING = 40  # a shared beginning of the toelichting texts shorter than this is not worth saying once


def _naam(value: str, namen: dict[str, str]) -> str:
    return namen.get(value, value)


def _opsomming(delen: list[str]) -> str:
    return delen[0] if len(delen) == 1 else ", ".join(delen[:-1]) + " en " + delen[-1]


def _sorteer(frame: pd.DataFrame, kolom: str, volgorde: list[str]) -> pd.DataFrame:
    rank = {v: i for i, v in enumerate(volgorde)}
    return frame.sort_values(kolom, key=lambda s: s.map(lambda v: rank.get(v, len(rank))), kind="stable")


# --- counts with last year (huisartsen, medewerkers) ----------------------------------------------------


@dataclass(frozen=True)
class Aantallen:
    """A year's counts per group with last year beside them, the status of each and why a value is uncertain."""

    jaar: int
    sleutel: str
    frame: pd.DataFrame | None
    # frame: <sleutel>, aantal, aantal_vorig_jaar, verschil, status, status_vorig_jaar, toelichting, toelichting_vorig_jaar
    vorig_jaar_beschikbaar: bool

    @property
    def beschikbaar(self) -> bool:
        return self.frame is not None

    @property
    def totaal(self) -> int | None:
        value = self.frame["aantal"].sum(min_count=1)
        return None if pd.isna(value) else int(value)

    @property
    def totaal_vorig_jaar(self) -> int | None:
        value = self.frame["aantal_vorig_jaar"].sum(min_count=1)
        return None if pd.isna(value) or not self.vorig_jaar_beschikbaar else int(value)


def _aantallen(naam: str, jaar: int, sleutel: str, volgorde: list[str], root: Path | None) -> Aantallen:
    if not beschikbaar(naam, jaar, root):
        return Aantallen(jaar, sleutel, None, False)
    columns = [sleutel, "aantal", "status", "toelichting"]
    frame = lees_tabel(naam, jaar, root)[columns]
    has_previous = beschikbaar(naam, jaar - 1, root)
    if has_previous:
        vorig = lees_tabel(naam, jaar - 1, root)[columns]
        frame = frame.merge(vorig, on=sleutel, how="left", suffixes=("", "_vorig_jaar"))
    else:
        for column, dtype in (("aantal", "Int64"), ("status", "string"), ("toelichting", "string")):
            frame[f"{column}_vorig_jaar"] = pd.array([pd.NA] * len(frame), dtype=dtype)
    frame["verschil"] = (frame["aantal"] - frame["aantal_vorig_jaar"]).astype("Int64")
    frame = _sorteer(frame, sleutel, volgorde).reset_index(drop=True)
    return Aantallen(jaar, sleutel, frame, has_previous)


def huisartsen(jaar: int, root: Path | None = None) -> Aantallen:
    """Return the GPs per group (members, AIOS, hidha's and locums) with last year's counts."""
    return _aantallen("huisartsen", jaar, "groep", categorieen(root)["huisartsgroep"], root)


def medewerkers(jaar: int, root: Path | None = None) -> Aantallen:
    """Return the staff (persons) per function with last year's counts."""
    return _aantallen("medewerkers", jaar, "functie", categorieen(root)["functie_medewerker"], root)


def onzeker(a: Aantallen) -> pd.Series:
    """Return which rows hold an uncertain value in this year or last year."""
    return a.frame["status"].eq(ONZEKER).fillna(False) | a.frame["status_vorig_jaar"].eq(ONZEKER).fillna(False)


def _is(status, waarde: str) -> bool:
    """Say whether a status cell (possibly missing) equals a value."""
    return isinstance(status, str) and status == waarde


def status_tekst(status, status_vorig, jaar: int) -> str:
    """Return a row's certainty in words: 'zeker', 'onzeker', or which year's value is uncertain."""
    if not isinstance(status_vorig, str):  # no previous year
        return status if isinstance(status, str) else ONTBREEKT
    nu, vorig = _is(status, ONZEKER), _is(status_vorig, ONZEKER)
    if nu and vorig:
        return ONZEKER
    if nu or vorig:
        return f"{ONZEKER} ({jaar if nu else jaar - 1})"
    return ONTBREEKT if ONTBREEKT in (status, status_vorig) else ZEKER


def tabel(a: Aantallen, kolomnaam: str, namen: dict[str, str], totaal: bool = False) -> pd.DataFrame:
    """Return the counts table with Dutch column names, last year's columns only when that year exists.

    With totaal=True a computed total row is added (the report prints no total of its own).
    """
    jaar = a.jaar
    frame = a.frame
    table = pd.DataFrame({kolomnaam: [_naam(v, namen) for v in frame[a.sleutel]]})
    if a.vorig_jaar_beschikbaar:
        table[str(jaar - 1)] = frame["aantal_vorig_jaar"].to_numpy()
    table[str(jaar)] = frame["aantal"].to_numpy()
    if a.vorig_jaar_beschikbaar:
        table["Verschil"] = frame["verschil"].to_numpy()
    table["Zekerheid"] = [status_tekst(s, v, jaar) for s, v in zip(frame["status"], frame["status_vorig_jaar"])]
    if totaal:
        row = {kolomnaam: TOTAAL, str(jaar): a.totaal, "Zekerheid": "berekend"}
        if a.vorig_jaar_beschikbaar:
            row.update({str(jaar - 1): a.totaal_vorig_jaar, "Verschil": a.totaal - a.totaal_vorig_jaar})
        table = pd.concat([table, pd.DataFrame([row])], ignore_index=True)
        for column in table.columns:
            if column not in (kolomnaam, "Zekerheid"):
                table[column] = table[column].astype("Int64")
    return table


def tabel_onzeker(a: Aantallen, totaal: bool = False) -> pd.Series:
    """Return the uncertainty marks for `tabel` (a computed total row is marked when any of its parts is)."""
    marks = onzeker(a)
    return pd.concat([marks, pd.Series([bool(marks.any())])], ignore_index=True) if totaal else marks


def tabel_opmaak() -> dict:
    """Return the formats of a counts table (differences with their sign)."""
    return {"Verschil": verschil_tekst}


def verschil_tekst(value) -> str:
    """Format a difference in counts with its sign: '+14', '−4', '0'."""
    value = int(value)
    return f"+{fmt.getal(value)}" if value > 0 else (f"−{fmt.getal(-value)}" if value < 0 else "0")


def huisartsen_zin(a: Aantallen) -> str:
    """Return the sentence on the number of GPs per group."""
    if not a.beschikbaar:
        return f"Voor {a.jaar} zijn geen aantallen huisartsen beschikbaar in data/{a.jaar}/."
    parts = []
    for row in a.frame.itertuples(index=False):
        deel = f"{fmt.getal(row.aantal)} {_naam(row.groep, GROEP_IN_ZIN)}"
        if a.vorig_jaar_beschikbaar and pd.notna(row.verschil):
            deel += f" ({verschil_tekst(row.verschil)})" if row.verschil else " (gelijk)"
        parts.append(deel)
    zin = f"In {a.jaar} deden voor SHT {_opsomming(parts)} diensten"
    if a.vorig_jaar_beschikbaar:
        zin += f"; tussen haakjes het verschil met {a.jaar - 1}"
    return zin + "."


def medewerkers_zin(a: Aantallen) -> str:
    """Return the sentence on the total staff and the largest change per function."""
    if not a.beschikbaar:
        return f"Voor {a.jaar} zijn geen aantallen medewerkers beschikbaar in data/{a.jaar}/."
    zin = f"SHT telde in {a.jaar} {fmt.getal(a.totaal)} medewerkers (personen, geen fte's)"
    if not a.vorig_jaar_beschikbaar:
        return (zin + f"; cijfers over {a.jaar - 1} zijn niet beschikbaar, dus een vergelijking ontbreekt. "
                + TOTAAL_UITLEG)
    zin += (f", tegen {fmt.getal(a.totaal_vorig_jaar)} in {a.jaar - 1} "
            f"({fmt.verandering(verandering_pct(a.totaal, a.totaal_vorig_jaar))}).")
    changed = a.frame[a.frame["verschil"].notna() & a.frame["verschil"].ne(0)]
    if changed.empty:
        return zin + " In elke functie bleef het aantal gelijk. " + TOTAAL_UITLEG
    delen = [f"{_naam(r.functie, FUNCTIE_NAMEN).lower()} ({fmt.getal(r.aantal_vorig_jaar)} naar {fmt.getal(r.aantal)})"
             for r in changed.itertuples(index=False)]
    zin += f" De verandering zit bij de {_opsomming(delen)}"
    same = a.frame[a.frame["verschil"].eq(0).fillna(False)]
    if not same.empty:
        zin += f"; bij de {_opsomming([_naam(f, FUNCTIE_NAMEN).lower() for f in same['functie']])} bleef het aantal gelijk"
    return zin + ". " + TOTAAL_UITLEG


# --- sick leave ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Norm:
    """A norm from referentie/normen.csv: the percentage and whether it is a minimum or a maximum."""

    norm_pct: float
    richting: str
    onderwerp: str

    def gehaald(self, waarde: float) -> bool:
        """Say whether a value meets the norm."""
        return waarde <= self.norm_pct if self.richting == MAXIMAAL else waarde >= self.norm_pct

    @property
    def tekst(self) -> str:
        return f"{self.richting} {fmt.procent(self.norm_pct, NORM_DECIMALEN)}"


def verzuimnorm(root: Path | None = None) -> Norm:
    """Return the sick leave norm (ZIEKTEVERZUIM_NORM) from data/referentie/normen.csv."""
    row = lees_tabel("normen", None, root).set_index("norm_id").loc[NORM_VERZUIM]
    return Norm(float(row["norm_pct"]), str(row["richting"]), str(row["onderwerp"]))


def verzuim(jaar: int, root: Path | None = None) -> pd.DataFrame:
    """Return the sick leave per report year up to and including jaar (years without data left out)."""
    years = [j for j in verslagjaren(root) if j <= jaar and beschikbaar("ziekteverzuim", j, root)]
    if not years:
        return pd.DataFrame(columns=["jaar", "verzuim_pct", "status", "toelichting"])
    frame = pd.concat([lees_tabel("ziekteverzuim", j, root) for j in years], ignore_index=True)
    return frame[["jaar", "verzuim_pct", "status", "toelichting"]]


def verzuim_waarde(frame: pd.DataFrame, jaar: int) -> float | None:
    """Return one year's sick leave percentage, or None."""
    row = frame[frame["jaar"] == jaar]
    return None if row.empty or pd.isna(row["verzuim_pct"].iloc[0]) else float(row["verzuim_pct"].iloc[0])


def verzuim_zin(frame: pd.DataFrame, jaar: int, norm: Norm) -> str:
    """Return the sentence comparing the year's sick leave with the norm and with last year, in words."""
    waarde = verzuim_waarde(frame, jaar)
    if waarde is None:
        return (f"Voor {jaar} is geen ziekteverzuimpercentage beschikbaar, dus of de norm ("
                f"{norm.tekst}) gehaald is, is niet te zeggen.")
    gehaald = norm.gehaald(waarde)
    zin = (f"Het ziekteverzuim van de medewerkers was in {jaar} {fmt.procent(waarde, VERZUIM_DECIMALEN)}. "
           f"De norm is {norm.tekst}: die is in {jaar} {'gehaald' if gehaald else 'niet gehaald'}"
           f" ({'onder' if waarde < norm.norm_pct else 'boven' if waarde > norm.norm_pct else 'precies op'} de norm).")
    vorig = verzuim_waarde(frame, jaar - 1)
    if vorig is None:
        zin += f" Een cijfer over {jaar - 1} is niet beschikbaar."
    else:
        richting = "lager dan" if waarde < vorig else ("hoger dan" if waarde > vorig else "gelijk aan")
        zin += (f" Dat is {richting} in {jaar - 1} ({fmt.procent(vorig, VERZUIM_DECIMALEN)}); toen werd de norm "
                f"{'ook ' if norm.gehaald(vorig) == gehaald else ''}{'gehaald' if norm.gehaald(vorig) else 'niet gehaald'}.")
    onzeker_jaren = frame.loc[frame["status"].eq(ONZEKER).fillna(False), "jaar"].tolist()
    if onzeker_jaren:
        zin += f" Het cijfer van {_opsomming([str(j) for j in onzeker_jaren])} is onzeker overgenomen."
    return zin


def verzuim_grafiek(frame: pd.DataFrame, jaar: int, norm: Norm):
    """Return a bar chart of sick leave per year with the norm as a labelled line, and its alt text."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    from jaarverslag.render import charts

    data = frame[frame["verzuim_pct"].notna()].copy()
    data["label"] = data["jaar"].astype(int).astype(str)
    colour = sns.color_palette(charts.PALETTE, 1)[0]
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    bars = ax.bar(data["label"], data["verzuim_pct"].astype(float), color=colour, width=0.55, edgecolor="black",
                  linewidth=0.6)
    for bar, value, status in zip(bars, data["verzuim_pct"], data["status"]):
        ax.annotate(fmt.procent(value, VERZUIM_DECIMALEN) + (" †" if _is(status, ONZEKER) else ""),
                    (bar.get_x() + bar.get_width() / 2, bar.get_height()), textcoords="offset points",
                    xytext=(0, 4), ha="center", fontsize=11)
    ax.axhline(norm.norm_pct, color="black", linestyle="--", linewidth=1.5)
    ax.annotate(f"Norm: {norm.tekst}", (0, norm.norm_pct), xycoords=("axes fraction", "data"),
                textcoords="offset points", xytext=(4, 4), ha="left", fontsize=11)
    ax.set_ylim(0, max(norm.norm_pct, float(data["verzuim_pct"].max())) * 1.25)
    center, half = (len(data) - 1) / 2, max(len(data), MIN_STAVEN) / 2  # one bar stays a bar, not a block
    ax.set_xlim(center - half - 0.1, center + half + 0.1)
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _p: fmt.procent(v, 0)))
    ax.set_ylabel("Ziekteverzuim")
    ax.set_xlabel("")
    ax.set_title("Ziekteverzuim medewerkers en de norm")
    charts.bron(fig, "jaarverslag SHT (ziekteverzuim per jaar); norm: data/referentie/normen.csv")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    parts = [f"{j}: {fmt.procent(v, VERZUIM_DECIMALEN)} ({'gehaald' if norm.gehaald(float(v)) else 'niet gehaald'})"
             for j, v in zip(data["label"], data["verzuim_pct"])]
    alt = (f"Staafdiagram van het ziekteverzuimpercentage per jaar met de norm ({norm.tekst}) als stippellijn. "
           + "; ".join(parts) + ".")
    return fig, alt


# --- inflow and outflow -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verloop:
    """Inflow and outflow of staff: the printed totals (this and last year) and the split per function."""

    jaar: int
    totalen: pd.DataFrame | None  # jaar, richting, aantal, status (this year and last year where known)
    per_functie: pd.DataFrame | None  # functie, instroom, uitstroom, saldo, status_instroom, status_uitstroom, ...

    def totaal(self, jaar: int, richting: str) -> int | None:
        if self.totalen is None:
            return None
        row = self.totalen[(self.totalen["jaar"] == jaar) & (self.totalen["richting"] == richting)]
        return None if row.empty or pd.isna(row["aantal"].iloc[0]) else int(row["aantal"].iloc[0])


def verloop(jaar: int, root: Path | None = None) -> Verloop:
    """Return inflow and outflow: printed totals of this year and last year, and this year's split per function."""
    years = [j for j in (jaar - 1, jaar) if beschikbaar("personeelsverloop_totaal", j, root)]
    totalen = (pd.concat([lees_tabel("personeelsverloop_totaal", j, root) for j in years], ignore_index=True)
               if jaar in years else None)
    per_functie = None
    if beschikbaar("personeelsverloop", jaar, root):
        rows = lees_tabel("personeelsverloop", jaar, root)
        wide = rows.pivot(index="functie", columns="richting", values=["aantal", "status", "toelichting"])
        per_functie = pd.DataFrame({"functie": wide.index})
        for richting in (INSTROOM, UITSTROOM):
            for column in ("aantal", "status", "toelichting"):
                values = wide[(column, richting)].to_numpy() if (column, richting) in wide.columns else [pd.NA] * len(wide)
                name = richting if column == "aantal" else f"{column}_{richting}"
                per_functie[name] = values
        per_functie[INSTROOM] = per_functie[INSTROOM].astype("Int64")
        per_functie[UITSTROOM] = per_functie[UITSTROOM].astype("Int64")
        per_functie["saldo"] = (per_functie[INSTROOM] - per_functie[UITSTROOM]).astype("Int64")
        per_functie = _sorteer(per_functie, "functie", categorieen(root)["functie_medewerker"]).reset_index(drop=True)
    return Verloop(jaar, totalen, per_functie)


def verloop_onzeker(v: Verloop) -> pd.Series:
    """Return which functions have an uncertain inflow or outflow."""
    f = v.per_functie
    return f["status_instroom"].eq(ONZEKER).fillna(False) | f["status_uitstroom"].eq(ONZEKER).fillna(False)


def verloop_tabel(v: Verloop) -> pd.DataFrame:
    """Return inflow and outflow per function, one row per value so each value carries its own certainty.

    Computed totals per direction close the table; the balance per function is in the chart.
    """
    rows = []
    for richting in (INSTROOM, UITSTROOM):
        for row in v.per_functie.to_dict("records"):
            status = row[f"status_{richting}"]
            rows.append({"Richting": richting.capitalize(), "Functie": _naam(row["functie"], FUNCTIE_NAMEN),
                         "Aantal": row[richting], "Zekerheid": status if isinstance(status, str) else ONTBREEKT})
        som = int(v.per_functie[richting].sum())
        gelijk = v.totaal(v.jaar, richting) == som
        rows.append({"Richting": richting.capitalize(), "Functie": TOTAAL, "Aantal": som,
                     "Zekerheid": "berekend; gelijk aan het gedrukte totaal" if gelijk else "berekend"})
    table = pd.DataFrame(rows)
    table["Aantal"] = table["Aantal"].astype("Int64")
    return table


def verloop_tabel_onzeker(v: Verloop) -> pd.Series:
    """Return the uncertainty marks for `verloop_tabel` (the computed totals are not marked)."""
    return verloop_tabel(v)["Zekerheid"].eq(ONZEKER)


def verloop_tabel_opmaak() -> dict:
    """Return the formats of the inflow/outflow table (none beyond the Dutch defaults)."""
    return {}


def verloop_zin(v: Verloop, staf: Aantallen) -> str:
    """Return the sentence on the printed inflow and outflow totals and how they square with the staff counts."""
    jaar = v.jaar
    instroom, uitstroom = v.totaal(jaar, INSTROOM), v.totaal(jaar, UITSTROOM)
    if instroom is None or uitstroom is None:
        return f"Voor {jaar} is de in- en uitstroom van medewerkers niet beschikbaar in data/{jaar}/."
    zin = f"In {jaar} kwamen {fmt.getal(instroom)} medewerkers in dienst en gingen er {fmt.getal(uitstroom)} weg"
    vin, vuit = v.totaal(jaar - 1, INSTROOM), v.totaal(jaar - 1, UITSTROOM)
    if vin is not None and vuit is not None:
        zin += f" (in {jaar - 1}: {fmt.getal(vin)} erbij en {fmt.getal(vuit)} weg)"
    else:
        zin += f"; de in- en uitstroom van {jaar - 1} is niet beschikbaar"
    zin += f". Per saldo is dat {verschil_tekst(instroom - uitstroom)}."
    if staf.beschikbaar and staf.vorig_jaar_beschikbaar:
        change = staf.totaal - staf.totaal_vorig_jaar
        if change == instroom - uitstroom:
            zin += (f" Dat is precies de verandering van het aantal medewerkers, van "
                    f"{fmt.getal(staf.totaal_vorig_jaar)} naar {fmt.getal(staf.totaal)}.")
        else:
            zin += (f" Het aantal medewerkers veranderde met {verschil_tekst(change)} (van "
                    f"{fmt.getal(staf.totaal_vorig_jaar)} naar {fmt.getal(staf.totaal)}); het verschil met het saldo "
                    f"is uit het verslag niet te verklaren.")
    return zin


def verloop_grafiek(v: Verloop):
    """Return a diverging bar chart of inflow (right) and outflow (left) per function, and its alt text.

    Uncertain values are hatched and carry a dagger in their label, so certainty never rests on colour.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns
    from matplotlib.patches import Patch

    from jaarverslag.render import charts

    f = v.per_functie.iloc[::-1].reset_index(drop=True)
    y = list(range(len(f)))
    kleur_in, kleur_uit = sns.color_palette(charts.PALETTE, 2)
    fig, ax = plt.subplots(figsize=(6.5, 4.6))
    for richting, sign, colour in ((INSTROOM, 1, kleur_in), (UITSTROOM, -1, kleur_uit)):
        values = f[richting].astype(float).fillna(0)
        uncertain = f[f"status_{richting}"].eq(ONZEKER).fillna(False)
        bars = ax.barh(y, sign * values, color=colour, edgecolor="black", linewidth=0.6, height=0.6,
                       hatch=None)
        for bar, value, mark in zip(bars, values, uncertain):
            if mark:
                bar.set_hatch("//")
            label = (f"+{fmt.getal(value)}" if sign > 0 else f"−{fmt.getal(value)}") if value else "0"
            ax.annotate(label + (" †" if mark else ""), (sign * value, bar.get_y() + bar.get_height() / 2),
                        textcoords="offset points", xytext=(sign * 4, 0), ha="left" if sign > 0 else "right",
                        va="center", fontsize=10)
    ax.axvline(0, color="black", linewidth=1)
    limit = max(f[INSTROOM].astype(float).max(), f[UITSTROOM].astype(float).max()) * 1.45
    ax.set_xlim(-limit, limit)
    ax.set_yticks(y, [_naam(x, KORTE_NAMEN) for x in f["functie"]])
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda val, _p: fmt.getal(abs(val))))
    ax.set_xlabel("← uitstroom (weg)   |   instroom (erbij) →")
    ax.set_title(f"In- en uitstroom per functie, {v.jaar}")
    ax.legend(handles=[Patch(facecolor=kleur_in, edgecolor="black", label="Instroom"),
                       Patch(facecolor=kleur_uit, edgecolor="black", label="Uitstroom"),
                       Patch(facecolor="white", edgecolor="black", hatch="//", label="Onzeker (†)")],
              loc="lower right", fontsize=10)
    charts.bron(fig, f"jaarverslag SHT, data/{v.jaar}/personeelsverloop.csv († = toewijzing onzeker)")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    p = v.per_functie
    parts = [f"{_naam(r.functie, FUNCTIE_NAMEN).lower()} {fmt.getal(getattr(r, INSTROOM))} erbij en "
             f"{fmt.getal(getattr(r, UITSTROOM))} weg" for r in p.itertuples(index=False)]
    alt = (f"Staafdiagram van de in- en uitstroom van medewerkers per functie in {v.jaar}, instroom naar rechts en "
           f"uitstroom naar links: " + "; ".join(parts) + ". "
           f"Gearceerde staven zijn onzeker: {int(verloop_onzeker(v).sum())} van de {len(p)} functies.")
    return fig, alt


# --- uncertain values: why --------------------------------------------------------------------------


def _gemeenschappelijk_begin(teksten: list[str]) -> str:
    """Return the longest common beginning of several texts that ends at a sentence or clause boundary."""
    if len(teksten) < 2:
        return ""
    prefix = teksten[0]
    for text in teksten[1:]:
        while not text.startswith(prefix):
            prefix = prefix[:-1]
    cuts = [m.end() for m in re.finditer(r"[.;]\s", prefix) if m.end() >= MIN_INLEIDING]
    if not cuts:
        return ""
    intro = prefix[:max(cuts)].strip()
    return intro[:-1] + "." if intro.endswith(";") else intro


@dataclass(frozen=True)
class Toelichting:
    """Why values are uncertain: a shared reason and the remaining reason per labelled group of values."""

    inleiding: str
    punten: list[tuple[str, str]]  # (which values, why)

    @property
    def leeg(self) -> bool:
        return not self.punten


def toelichting(regels: list[tuple[str, str]]) -> Toelichting:
    """Group the `toelichting` texts of uncertain values: identical texts once, a shared beginning said once."""
    grouped: dict[str, list[str]] = {}
    for label, text in regels:
        if isinstance(text, str) and text.strip():
            grouped.setdefault(text.strip(), []).append(label)
    texts = list(grouped)
    intro = _gemeenschappelijk_begin(texts)
    punten = []
    for text, labels in grouped.items():
        rest = text[len(intro) - 1:].lstrip(".; ") if intro else text
        rest = rest[:1].upper() + rest[1:]
        label = _opsomming(list(dict.fromkeys(labels)))
        punten.append((label[:1].upper() + label[1:], rest))
    return Toelichting(intro, punten)


def toelichting_huisartsen(a: Aantallen) -> Toelichting:
    """Return why GP counts are uncertain, per group and year, from the data's toelichting column."""
    if not a.beschikbaar:
        return Toelichting("", [])
    regels = []
    for year, suffix in ((a.jaar - 1, "_vorig_jaar"), (a.jaar, "")):
        for row in a.frame.itertuples(index=False):
            status = getattr(row, f"status{suffix}")
            if _is(status, ONZEKER) or _is(status, ONTBREEKT):
                regels.append((f"{_naam(row.groep, GROEP_NAMEN)} {year}", getattr(row, f"toelichting{suffix}")))
    return toelichting(regels)


def toelichting_verloop(v: Verloop) -> Toelichting:
    """Return why inflow/outflow values are uncertain, per function, from the data's toelichting column."""
    if v.per_functie is None:
        return Toelichting("", [])
    regels = []
    for row in v.per_functie.to_dict("records"):
        name = _naam(row["functie"], FUNCTIE_NAMEN).lower()
        reasons = {r: row[f"toelichting_{r}"] for r in (INSTROOM, UITSTROOM)
                   if _is(row[f"status_{r}"], ONZEKER) or _is(row[f"status_{r}"], ONTBREEKT)}
        if len(reasons) == 2 and reasons[INSTROOM] == reasons[UITSTROOM]:
            regels.append((f"{name} (in- en uitstroom)", reasons[INSTROOM]))
        else:
            regels.extend((f"{name} ({r})", text) for r, text in reasons.items())
    return toelichting(regels)


def onzeker_zin(aantal: int, totaal: int, wat: str) -> str:
    """Return the one sentence explaining the dagger: how many values are uncertain and why in general."""
    if not aantal:
        return f"Alle {wat} staan eenduidig in het jaarverslag en zijn zeker overgenomen."
    hoeveel = f"alle {fmt.getal(totaal)}" if aantal == totaal else f"{fmt.getal(aantal)} van de {fmt.getal(totaal)}"
    return (f"Bij {hoeveel} {wat} staat een †: de opmaak van dit deel van het bronverslag is door elkaar geraakt, "
            f"zodat niet zeker is welk getal bij welke groep hoort; hieronder staat per waarde hoe de keuze is gemaakt.")


def toelichting_html(t: Toelichting):
    """Return the reasons per uncertain value as a paragraph and an HTML list (shown, never folded away)."""
    from IPython.display import HTML

    if t.leeg:
        return HTML('<p class="jv-toelichting">Geen onzekere waarden.</p>')
    intro = f"<p>{escape(t.inleiding)}</p>" if t.inleiding else ""
    items = "".join(f"<li><strong>{escape(label)}</strong>: {escape(text)}</li>" for label, text in t.punten)
    return HTML(f'<div class="jv-toelichting">{intro}<ul>{items}</ul></div>')
