"""Huisartsen en medewerkers, the page: its sentences, charts and explanations of uncertain values, and page_values.

The numbers (counts, sick leave, in- and outflow, the tables) come from `jaarverslag.chapters.personeel_numbers`;
the fixed texts and the grouping of reasons from `jaarverslag.render.personeel_text`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jaarverslag.chapters.personeel_numbers import (
    GROUP_IN_SENTENCE,
    GROUP_NAMES,
    INSTROOM,
    ROLE_NAMES,
    SHORT_LABELS,
    UITSTROOM,
    VERZUIM_DECIMALS,
    GroupCounts,
    Norm,
    Turnover,
    display_name,
    huisartsen,
    is_status,
    medewerkers,
    onzeker,
    tabel,
    table_formatters,
    table_uncertain,
    turnover_table,
    turnover_table_formatters,
    turnover_table_uncertain,
    turnover_uncertain,
    verloop,
    verzuim,
    verzuim_value,
    verzuimnorm,
)
from jaarverslag.data.metrics import verandering_pct
from jaarverslag.data.status import MISSING, UNCERTAIN
from jaarverslag.render import charts, fmt, tables
from jaarverslag.render.personeel_text import (
    TOTAL_EXPLANATION,
    TURNOVER_EXPLANATION,
    Toelichting,
    explanation_html,
    onzeker_zin,
    toelichting,
)
from jaarverslag.render.text import join_list, verschil

MIN_BARS = 2  # the sick leave chart is at least this many bars wide


# --- sentences ----------------------------------------------------------------------------------------


def huisartsen_zin(a: GroupCounts) -> str:
    """Return the sentence on the number of GPs per group."""
    if not a.is_available:
        return f"Voor {a.jaar} zijn geen aantallen huisartsen beschikbaar."
    parts = []
    for row in a.frame.itertuples(index=False):
        deel = f"{fmt.getal(row.aantal)} {display_name(row.groep, GROUP_IN_SENTENCE)}"
        if a.vorig_jaar_beschikbaar and pd.notna(row.verschil):
            deel += f" ({verschil(row.verschil)})" if row.verschil else " (gelijk)"
        parts.append(deel)
    zin = f"In {a.jaar} deden voor SHT {join_list(parts)} diensten"
    if a.vorig_jaar_beschikbaar:
        zin += f"; tussen haakjes het verschil met {a.jaar - 1}"
    return zin + "."


def medewerkers_zin(a: GroupCounts) -> str:
    """Return the sentence on the total staff and the largest change per function."""
    if not a.is_available:
        return f"Voor {a.jaar} zijn geen aantallen medewerkers beschikbaar."
    zin = f"SHT telde in {a.jaar} {fmt.getal(a.totaal)} medewerkers (personen, geen fte's)"
    if not a.vorig_jaar_beschikbaar:
        return (
            zin
            + f"; cijfers over {a.jaar - 1} zijn niet beschikbaar, dus een vergelijking ontbreekt. "
            + TOTAL_EXPLANATION
        )
    zin += (
        f", tegen {fmt.getal(a.totaal_vorig_jaar)} in {a.jaar - 1} "
        f"({fmt.verandering(verandering_pct(a.totaal, a.totaal_vorig_jaar))})."
    )
    changed = a.frame[a.frame["verschil"].notna() & a.frame["verschil"].ne(0)]
    if changed.empty:
        return zin + " In elke functie bleef het aantal gelijk. " + TOTAL_EXPLANATION
    delen = [
        f"{display_name(r.functie, ROLE_NAMES).lower()} ({fmt.getal(r.aantal_vorig_jaar)} naar {fmt.getal(r.aantal)})"
        for r in changed.itertuples(index=False)
    ]
    zin += f" De verandering zit bij de {join_list(delen)}"
    same = a.frame[a.frame["verschil"].eq(0).fillna(False)]
    if not same.empty:
        zin += (
            f"; bij de {join_list([display_name(f, ROLE_NAMES).lower() for f in same['functie']])} "
            f"bleef het aantal gelijk"
        )
    return zin + ". " + TOTAL_EXPLANATION


def verzuim_zin(frame: pd.DataFrame, jaar: int, norm: Norm) -> str:
    """Return the sentence comparing the year's sick leave with the norm and with last year, in words."""
    waarde = verzuim_value(frame, jaar)
    if waarde is None:
        return (
            f"Voor {jaar} is geen ziekteverzuimpercentage beschikbaar, dus of de norm ("
            f"{norm.tekst}) gehaald is, is niet te zeggen."
        )
    gehaald = norm.gehaald(waarde)
    zin = (
        f"Het ziekteverzuim van de medewerkers was in {jaar} {fmt.percent(waarde, VERZUIM_DECIMALS)}. "
        f"De norm is {norm.tekst}: die is in {jaar} {'gehaald' if gehaald else 'niet gehaald'}"
        f" ({'onder' if waarde < norm.norm_pct else 'boven' if waarde > norm.norm_pct else 'precies op'} de norm)."
    )
    vorig = verzuim_value(frame, jaar - 1)
    if vorig is None:
        zin += f" Een cijfer over {jaar - 1} is niet beschikbaar."
    else:
        richting = "lager dan" if waarde < vorig else ("hoger dan" if waarde > vorig else "gelijk aan")
        toen = "gehaald" if norm.gehaald(vorig) else "niet gehaald"
        zin += (
            f" Dat is {richting} in {jaar - 1} ({fmt.percent(vorig, VERZUIM_DECIMALS)}); toen werd de norm "
            f"{'ook ' if norm.gehaald(vorig) == gehaald else ''}{toen}."
        )
    onzeker_jaren = frame.loc[frame["status"].eq(UNCERTAIN).fillna(False), "jaar"].tolist()
    if onzeker_jaren:
        zin += f" Het cijfer van {join_list([str(j) for j in onzeker_jaren])} is onzeker overgenomen."
    return zin


def verloop_zin(v: Turnover, staf: GroupCounts) -> str:
    """Return the sentence on the printed inflow and outflow totals and how they square with the staff counts."""
    jaar = v.jaar
    instroom, uitstroom = v.totaal(jaar, INSTROOM), v.totaal(jaar, UITSTROOM)
    if instroom is None or uitstroom is None:
        return f"Voor {jaar} is de in- en uitstroom van medewerkers niet beschikbaar."
    zin = f"In {jaar} kwamen {fmt.getal(instroom)} medewerkers in dienst en gingen er {fmt.getal(uitstroom)} weg"
    vin, vuit = v.totaal(jaar - 1, INSTROOM), v.totaal(jaar - 1, UITSTROOM)
    if vin is not None and vuit is not None:
        zin += f" (in {jaar - 1}: {fmt.getal(vin)} erbij en {fmt.getal(vuit)} weg)"
    else:
        zin += f"; de in- en uitstroom van {jaar - 1} is niet beschikbaar"
    zin += f". Per saldo is dat {verschil(instroom - uitstroom)}."
    if staf.is_available and staf.vorig_jaar_beschikbaar:
        change = staf.totaal - staf.totaal_vorig_jaar
        if change == instroom - uitstroom:
            zin += (
                f" Dat is precies de verandering van het aantal medewerkers, van "
                f"{fmt.getal(staf.totaal_vorig_jaar)} naar {fmt.getal(staf.totaal)}."
            )
        else:
            zin += (
                f" Het aantal medewerkers veranderde met {verschil(change)} (van "
                f"{fmt.getal(staf.totaal_vorig_jaar)} naar {fmt.getal(staf.totaal)}); het verschil met het saldo "
                f"is uit het verslag niet te verklaren."
            )
    return zin


# --- charts -------------------------------------------------------------------------------------------


def verzuim_chart(frame: pd.DataFrame, jaar: int, norm: Norm):
    """Return a bar chart of sick leave per year with the norm as a labelled line, and its alt text."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    data = frame[frame["verzuim_pct"].notna()].copy()
    data["label"] = data["jaar"].astype(int).astype(str)
    colour = sns.color_palette(charts.PALETTE, 1)[0]
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    bars = ax.bar(
        data["label"], data["verzuim_pct"].astype(float), color=colour, width=0.55, edgecolor="black", linewidth=0.6
    )
    for bar, value, status in zip(bars, data["verzuim_pct"], data["status"]):
        ax.annotate(
            fmt.percent(value, VERZUIM_DECIMALS) + (" †" if is_status(status, UNCERTAIN) else ""),
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            textcoords="offset points",
            xytext=(0, 4),
            ha="center",
            fontsize=11,
        )
    ax.axhline(norm.norm_pct, color="black", linestyle="--", linewidth=1.5)
    ax.annotate(
        f"Norm: {norm.tekst}",
        (0, norm.norm_pct),
        xycoords=("axes fraction", "data"),
        textcoords="offset points",
        xytext=(4, 4),
        ha="left",
        fontsize=11,
    )
    ax.set_ylim(0, max(norm.norm_pct, float(data["verzuim_pct"].max())) * 1.25)
    center, half = (len(data) - 1) / 2, max(len(data), MIN_BARS) / 2  # one bar stays a bar, not a block
    ax.set_xlim(center - half - 0.1, center + half + 0.1)
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _p: fmt.percent(v, 0)))
    ax.set_ylabel("Ziekteverzuim")
    ax.set_xlabel("")
    ax.set_title("Ziekteverzuim medewerkers en de norm")
    charts.bron(fig, "jaarverslag SHT (ziekteverzuim per jaar en de norm)")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    parts = [
        f"{j}: {fmt.percent(v, VERZUIM_DECIMALS)} ({'gehaald' if norm.gehaald(float(v)) else 'niet gehaald'})"
        for j, v in zip(data["label"], data["verzuim_pct"])
    ]
    alt = (
        f"Staafdiagram van het ziekteverzuimpercentage per jaar met de norm ({norm.tekst}) als stippellijn. "
        + "; ".join(parts)
        + "."
    )
    return fig, alt


def turnover_chart(v: Turnover):
    """Return a diverging bar chart of inflow (right) and outflow (left) per function, and its alt text.

    Uncertain values are hatched and carry a dagger in their label, so certainty never rests on colour.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns
    from matplotlib.patches import Patch

    f = v.per_functie.iloc[::-1].reset_index(drop=True)
    y = list(range(len(f)))
    kleur_in, kleur_uit = sns.color_palette(charts.PALETTE, 2)
    fig, ax = plt.subplots(figsize=(6.5, 4.6))
    for richting, sign, colour in ((INSTROOM, 1, kleur_in), (UITSTROOM, -1, kleur_uit)):
        values = f[richting].astype(float).fillna(0)
        uncertain = f[f"status_{richting}"].eq(UNCERTAIN).fillna(False)
        bars = ax.barh(y, sign * values, color=colour, edgecolor="black", linewidth=0.6, height=0.6, hatch=None)
        for bar, value, mark in zip(bars, values, uncertain):
            if mark:
                bar.set_hatch("//")
            label = (f"+{fmt.getal(value)}" if sign > 0 else f"−{fmt.getal(value)}") if value else "0"
            ax.annotate(
                label + (" †" if mark else ""),
                (sign * value, bar.get_y() + bar.get_height() / 2),
                textcoords="offset points",
                xytext=(sign * 4, 0),
                ha="left" if sign > 0 else "right",
                va="center",
                fontsize=10,
            )
    ax.axvline(0, color="black", linewidth=1)
    limit = max(f[INSTROOM].astype(float).max(), f[UITSTROOM].astype(float).max()) * 1.45
    ax.set_xlim(-limit, limit)
    ax.set_yticks(y, [display_name(x, SHORT_LABELS) for x in f["functie"]])
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda val, _p: fmt.getal(abs(val))))
    ax.set_xlabel("← uitstroom (weg)   |   instroom (erbij) →")
    ax.set_title(f"In- en uitstroom per functie, {v.jaar}")
    ax.legend(
        handles=[
            Patch(facecolor=kleur_in, edgecolor="black", label="Instroom"),
            Patch(facecolor=kleur_uit, edgecolor="black", label="Uitstroom"),
            Patch(facecolor="white", edgecolor="black", hatch="//", label="Onzeker (†)"),
        ],
        loc="lower right",
        fontsize=10,
    )
    charts.bron(fig, f"jaarverslag SHT {v.jaar} († = toewijzing onzeker)")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    p = v.per_functie
    parts = [
        f"{display_name(r.functie, ROLE_NAMES).lower()} {fmt.getal(getattr(r, INSTROOM))} erbij en "
        f"{fmt.getal(getattr(r, UITSTROOM))} weg"
        for r in p.itertuples(index=False)
    ]
    alt = (
        f"Staafdiagram van de in- en uitstroom van medewerkers per functie in {v.jaar}, instroom naar rechts en "
        f"uitstroom naar links: " + "; ".join(parts) + ". "
        f"Gearceerde staven zijn onzeker: {int(turnover_uncertain(v).sum())} van de {len(p)} functies."
    )
    return fig, alt


# --- uncertain values: why --------------------------------------------------------------------------


def huisartsen_explanation(a: GroupCounts) -> Toelichting:
    """Return why GP counts are uncertain, per group and year, from the data's toelichting column."""
    if not a.is_available:
        return Toelichting("", [])
    regels = []
    for year, suffix in ((a.jaar - 1, "_vorig_jaar"), (a.jaar, "")):
        for row in a.frame.itertuples(index=False):
            status = getattr(row, f"status{suffix}")
            if is_status(status, UNCERTAIN) or is_status(status, MISSING):
                regels.append((f"{display_name(row.groep, GROUP_NAMES)} {year}", getattr(row, f"toelichting{suffix}")))
    return toelichting(regels)


def turnover_explanation(v: Turnover) -> Toelichting:
    """Return why inflow/outflow values are uncertain, per function, from the data's toelichting column."""
    if v.per_functie is None:
        return Toelichting("", [])
    regels = []
    for row in v.per_functie.to_dict("records"):
        name = display_name(row["functie"], ROLE_NAMES).lower()
        reasons = {
            r: row[f"toelichting_{r}"]
            for r in (INSTROOM, UITSTROOM)
            if is_status(row[f"status_{r}"], UNCERTAIN) or is_status(row[f"status_{r}"], MISSING)
        }
        if len(reasons) == 2 and reasons[INSTROOM] == reasons[UITSTROOM]:
            regels.append((f"{name} (in- en uitstroom)", reasons[INSTROOM]))
        else:
            regels.extend((f"{name} ({r})", text) for r, text in reasons.items())
    return toelichting(regels)


# --- the page -----------------------------------------------------------------------------------------


def _huisartsen_block(a: GroupCounts):
    if not a.is_available:
        return tables.unavailable("het aantal huisartsen", a.jaar)
    marks = onzeker(a)
    return tables.combine(
        tables.html(
            tabel(a, "Groep", GROUP_NAMES),
            "personeel_huisartsen",
            bijschrift=f"Huisartsen die diensten doen voor SHT, {a.jaar}",
            formatters=table_formatters(),
            onzeker=marks,
        ),
        tables.sentence_html(onzeker_zin(int(marks.sum()), len(a.frame), "groepen")),
    )


def _medewerkers_block(a: GroupCounts):
    if not a.is_available:
        return tables.unavailable("het aantal medewerkers", a.jaar)
    return tables.html(
        tabel(a, "Functie", ROLE_NAMES, totaal=True),
        "personeel_medewerkers",
        bijschrift=f"Medewerkers per functie (personen), {a.jaar}",
        formatters=table_formatters(),
        onzeker=table_uncertain(a, totaal=True),
    )


def _verzuim_block(frame: pd.DataFrame, jaar: int, norm: Norm):
    if verzuim_value(frame, jaar) is None:
        return tables.unavailable("het ziekteverzuim", jaar)
    fig, alt = verzuim_chart(frame, jaar, norm)
    return charts.figure_html(
        fig, "personeel_verzuim", alt, bijschrift=f"Ziekteverzuim per jaar tot en met {jaar}, met de norm."
    )


def _turnover_block(v: Turnover):
    if v.per_functie is None:
        return tables.unavailable("de in- en uitstroom per functie", v.jaar)
    fig, alt = turnover_chart(v)
    return tables.combine(
        tables.sentence_html(TURNOVER_EXPLANATION),
        charts.figure_html(fig, "personeel_verloop", alt, bijschrift=f"In- en uitstroom per functie in {v.jaar}."),
        tables.html(
            turnover_table(v),
            "personeel_verloop",
            bijschrift=f"In- en uitstroom van medewerkers per functie, {v.jaar}",
            formatters=turnover_table_formatters(),
            onzeker=turnover_table_uncertain(v),
        ),
        tables.sentence_html(onzeker_zin(int(turnover_uncertain(v).sum()), len(v.per_functie), "functies")),
    )


def page_values(jaar: int, root: Path | None = None) -> dict[str, object]:
    """Return every value the personeel page glues, for a year with data and a year without."""
    charts.apply_style()
    gps, staff = huisartsen(jaar, root), medewerkers(jaar, root)
    sick_leave, flows, norm = verzuim(jaar, root), verloop(jaar, root), verzuimnorm(root)
    return {
        "jaar": str(jaar),
        "huisartsen_zin": huisartsen_zin(gps),
        "medewerkers_zin": medewerkers_zin(staff),
        "verzuim_zin": verzuim_zin(sick_leave, jaar, norm),
        "verloop_zin": verloop_zin(flows, staff),
        "huisartsen": _huisartsen_block(gps),
        "medewerkers": _medewerkers_block(staff),
        "verzuim": _verzuim_block(sick_leave, jaar, norm),
        "verloop": _turnover_block(flows),
        # The transcription notes per uncertain value: glued for the calculation page (verantwoording) only.
        "huisartsen_werknotities": explanation_html(huisartsen_explanation(gps)),
        "verloop_werknotities": explanation_html(turnover_explanation(flows)),
    }
