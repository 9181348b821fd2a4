"""Kwaliteit, the page: sentences and charts on complaints, VIM reports, calamities and G+HOK signalling; page_values.

The numbers (this year beside last year, shares, rates per 1.000 children, the tables) come from
`jaarverslag.chapters.kwaliteit_numbers`.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd

from jaarverslag.chapters.kwaliteit_numbers import (
    CHILDREN,
    PER_CHILDREN,
    SHARE_DECIMALS,
    Comparison,
    classificaties,
    classifications_table,
    meldingen,
    meldingen_table,
    onzeker,
    per_children,
    signalering,
    signals_table,
)
from jaarverslag.data.load import is_available, load_table
from jaarverslag.data.status import CERTAIN, MISSING, UNCERTAIN
from jaarverslag.render import charts, fmt, tables
from jaarverslag.render.text import join_list, verschil

# Singular and plural of each soort for Dutch sentences; an unknown soort falls back to its own name.
KIND_NAMES = {
    "Klacht": ("klacht", "klachten"),
    "VIM-melding": ("VIM-melding", "VIM-meldingen"),
    "Calamiteit": ("calamiteit", "calamiteiten"),
}
LABEL_WIDTH = 22  # characters per line of a category label in a chart (phone width)


def _name(soort: str, aantal) -> str:
    singular, plural = KIND_NAMES.get(soort, (soort, soort))
    return singular if aantal == 1 else plural


def _count_with_name(soort: str, aantal, status: str) -> str:
    if pd.isna(aantal):
        return f"een onbekend aantal {_name(soort, 2)} ({fmt.SOURCE_MISSING_TEXT})"
    text = f"{fmt.getal(aantal)} {_name(soort, aantal)}"
    return text if status == CERTAIN else f"{text} (onzeker)"


def _no_previous_year(jaar: int) -> str:
    return (
        f"Cijfers over {jaar - 1} zijn niet beschikbaar, dus een vergelijking met het vorige jaar "
        f"kan niet worden gemaakt."
    )


def meldingen_zin(vergelijking: Comparison) -> str:
    """Return the sentences with the year's complaints, VIM reports and calamities and the change since last year."""
    jaar = vergelijking.jaar
    if not vergelijking.is_available:
        return f"Voor {jaar} zijn geen aantallen klachten, VIM-meldingen en calamiteiten beschikbaar."
    frame = vergelijking.frame
    now = join_list([_count_with_name(r.soort, r.aantal, r.status) for r in frame.itertuples(index=False)])
    text = f"In {jaar} registreerde SHT {now}."
    if not vergelijking.vorig_jaar_beschikbaar:
        return f"{text} {_no_previous_year(jaar)}"
    changes = []
    for row in frame.itertuples(index=False):
        if pd.isna(row.verschil):
            changes.append(f"voor de {_name(row.soort, 2)} is geen vergelijking mogelijk")
        elif row.verschil == 0:
            changes.append(f"evenveel {_name(row.soort, 2)} ({fmt.getal(row.aantal_vorig_jaar)})")
        else:
            richting = "meer" if row.verschil > 0 else "minder"
            changes.append(
                f"{fmt.getal(abs(row.verschil))} {_name(row.soort, abs(row.verschil))} {richting} "
                f"({fmt.getal(row.aantal_vorig_jaar)} in {jaar - 1}"
                + ("" if pd.isna(row.verandering_pct) else f", {fmt.verandering(row.verandering_pct)}")
                + ")"
            )
    return f"{text} Vergeleken met {jaar - 1} zijn dat {join_list(changes)}."


def som_controle_zin(jaar: int, root: Path | None = None) -> str:
    """Return whether the classifications add up to the printed number per soort (the reconstruction's check)."""
    frame = classificaties(jaar, root)
    if frame is None or not is_available("kwaliteitsmeldingen_totaal", jaar, root):
        return "Daarom valt er ook niets na te tellen."
    som = frame.groupby("soort")["aantal"].sum()
    printed = load_table("kwaliteitsmeldingen_totaal", jaar, root).set_index("soort")["aantal"]
    differ = [
        f"{_name(s, 2)}: classificaties samen {fmt.getal(som.get(s, 0))}, gedrukt {fmt.getal(p)}"
        for s, p in printed.items()
        if pd.notna(p) and som.get(s, 0) != p
    ]
    if differ:
        return "Let op: de classificaties tellen niet op tot het gedrukte aantal (" + "; ".join(differ) + ")."
    return "De classificaties tellen per soort precies op tot het gedrukte aantal."


def largest_classification_sentence(frame: pd.DataFrame | None, jaar: int) -> str:
    """Return one sentence naming the largest classification of each soort with its share."""
    if frame is None:
        return f"Voor {jaar} is de verdeling naar classificatie niet beschikbaar."
    parts = []
    for soort, group in frame.dropna(subset=["aantal"]).groupby("soort", sort=False):
        top = group.sort_values("aantal", ascending=False, kind="stable").iloc[0]
        parts.append(
            f"bij de {_name(soort, 2)} “{top['classificatie'].lower()}” ({fmt.getal(top['aantal'])}, "
            f"{fmt.percent(top['aandeel_pct'], SHARE_DECIMALS)})"
        )
    return "De grootste groep was " + join_list(parts) + "."


def _indicator_text(row, jaar_vorig: int) -> str:
    """Return one indicator's count with last year in words."""
    value = fmt.SOURCE_MISSING_TEXT if pd.isna(row.aantal) else fmt.getal(row.aantal)
    if row.status != CERTAIN and pd.notna(row.aantal):
        value += " (onzeker)"
    if pd.isna(row.verschil):
        return value
    if row.verschil == 0:
        return f"{value}, evenveel als in {jaar_vorig}"
    richting = "meer" if row.verschil > 0 else "minder"
    return (
        f"{value}, {fmt.getal(abs(row.verschil))} {richting} dan de {fmt.getal(row.aantal_vorig_jaar)} van {jaar_vorig}"
    )


# Sentence templates per G+HOK indicator; {} receives the count with last year. Unknown indicators get a plain line.
GHOK_SENTENCES = {
    "Meldingen kindermishandeling": "Meldingen van kindermishandeling: {}.",
    "Niet pluis": "“Niet pluis” (zorg over de veiligheid van een kind): {}.",
    "Huiselijk geweld vastgesteld": "Vastgesteld huiselijk geweld: {}.",
    CHILDREN: "Kinderen op de spoedposten: {}.",
}
# Signals that concern children only, and so can be put per 1.000 children seen (domestic violence concerns adults too).
PER_CHILD_NAMES = {"Meldingen kindermishandeling": "meldingen van kindermishandeling", "Niet pluis": "“niet pluis”"}


def signalering_zin(vergelijking: Comparison) -> str:
    """Return the G+HOK figures as short sentences (signals first, children seen last), with last year where known."""
    jaar = vergelijking.jaar
    if not vergelijking.is_available:
        return (
            f"Voor {jaar} zijn geen cijfers over het signaleren van kindermishandeling en huiselijk geweld "
            f"beschikbaar in de gegevens."
        )
    frame = vergelijking.frame.sort_values("indicator", key=lambda s: s.eq(CHILDREN), kind="stable")
    lines = [
        GHOK_SENTENCES.get(r.indicator, r.indicator + ": {}.").format(_indicator_text(r, jaar - 1))
        for r in frame.itertuples(index=False)
    ]
    if not vergelijking.vorig_jaar_beschikbaar:
        lines.append(_no_previous_year(jaar))
    return " ".join(lines)


def per_kinderen_zin(vergelijking: Comparison) -> str:
    """Return one sentence relating reports and 'niet pluis' to the number of children seen."""
    jaar = vergelijking.jaar
    rates = per_children(vergelijking)
    if rates is None or rates["per_1000"].isna().all():
        return f"Voor {jaar} is niet te berekenen hoe vaak er per {fmt.getal(PER_CHILDREN)} kinderen een signaal was."
    parts = []
    for row in rates.dropna(subset=["per_1000"]).itertuples(index=False):
        if row.indicator not in PER_CHILD_NAMES:
            continue
        text = f"{PER_CHILD_NAMES[row.indicator]} {fmt.getal(row.per_1000, 1)}"
        if pd.notna(row.per_1000_vorig_jaar):
            text += f" (in {jaar - 1}: {fmt.getal(row.per_1000_vorig_jaar, 1)})"
        parts.append(text)
    return f"Omgerekend per {fmt.getal(PER_CHILDREN)} kinderen die de posten bezochten: " + join_list(parts) + "."


def onzeker_zin(jaar: int, *frames: pd.DataFrame | None) -> str:
    """Return a sentence on uncertain or missing values in the chapter's tables, or that all values are certain."""
    if all(frame is None for frame in frames):
        return f"Voor {jaar} staan er in dit hoofdstuk geen getallen, dus ook geen onzekere."
    counts = {UNCERTAIN: 0, MISSING: 0}
    for frame in frames:
        if frame is None:
            continue
        for column in [c for c in frame.columns if c.startswith("status")]:
            for status, n in frame[column].value_counts().items():
                if status in counts:
                    counts[status] += int(n)
    if not any(counts.values()):
        return "Alle getallen in dit hoofdstuk zijn eenduidig uit het jaarverslag overgenomen."
    return (
        f"{fmt.getal(counts[UNCERTAIN])} waarde(n) zijn onzeker (gemarkeerd met †) en "
        f"{fmt.getal(counts[MISSING])} ontbreken in de bron; zie de toelichting in het codeboek."
    )


def comparison_formatters() -> dict:
    """Return the cell formatters of the comparison tables (difference with sign, change in percent)."""
    return {"Verschil": verschil, "Verandering": fmt.verandering}


def classifications_formatters() -> dict:
    """Return the cell formatters of the classification table."""
    return {"Aandeel binnen de soort": lambda v: fmt.percent(v, SHARE_DECIMALS)}


# --- charts ------------------------------------------------------------------------------------------


def _label(value: str) -> str:
    """Return a chart label: the plural of a soort with a capital ('Klachten'), other values unchanged."""
    if value not in KIND_NAMES:
        return value
    plural = KIND_NAMES[value][1]
    return plural[0].upper() + plural[1:]


def _wrap(label: str) -> str:
    return "\n".join(textwrap.wrap(label, LABEL_WIDTH)) or label


def classifications_chart(frame: pd.DataFrame, jaar: int):
    """Return horizontal bars per classification, one panel per soort on one scale, with value labels, and alt text."""
    import matplotlib.pyplot as plt

    frame = frame.dropna(subset=["aantal"])
    groups = [(s, g) for s, g in frame.groupby("soort", sort=False)]
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    fig, axes = plt.subplots(
        len(groups),
        1,
        figsize=(7, 1.0 + 0.42 * len(frame) + 0.5 * len(groups)),
        sharex=True,
        gridspec_kw={"height_ratios": [len(g) for _, g in groups]},
        squeeze=False,
    )
    largest = float(frame["aantal"].max())
    for ax, (colour, (soort, group)) in zip(axes[:, 0], zip(colours, groups)):
        group = group.sort_values("aantal", ascending=True, kind="stable")
        labels = [_wrap(c) for c in group["classificatie"]]
        ax.barh(labels, group["aantal"].astype(float), color=colour)
        for y, (n, share, status) in enumerate(zip(group["aantal"], group["aandeel_pct"], group["status"])):
            mark = " †" if status != CERTAIN else ""
            ax.text(
                float(n) + largest * 0.01,
                y,
                f"{fmt.getal(n)} ({fmt.percent(share, 0)}){mark}",
                va="center",
                ha="left",
                fontsize=9,
            )
        total = int(group["aantal"].sum())
        name = _name(soort, 2)
        ax.set_title(f"{name[0].upper()}{name[1:]} ({fmt.getal(total)})", loc="left", fontsize=11)
        ax.set_ylabel("")
        ax.tick_params(axis="y", labelsize=9)
    axes[-1, 0].set_xlim(0, largest * 1.3)
    axes[-1, 0].set_xlabel("Aantal meldingen", fontsize=10)
    axes[-1, 0].tick_params(axis="x", labelsize=9)
    charts.dutch_thousands(axes[-1, 0].xaxis)
    fig.suptitle(f"Meldingen naar classificatie, {jaar}", fontweight="bold", fontsize=12, x=0.01, ha="left")
    charts.bron(fig, f"jaarverslag SHT {jaar}")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    tops = []
    for soort, group in groups:
        top = group.sort_values("aantal", ascending=False, kind="stable").iloc[0]
        tops.append(
            f"{_label(soort)}: {fmt.getal(group['aantal'].sum())}, vooral {top['classificatie'].lower()} "
            f"({fmt.getal(top['aantal'])})"
        )
    alt = (
        f"Liggende staafdiagrammen van het aantal meldingen per classificatie in {jaar}, één blok per soort, "
        f"met het aantal en het aandeel bij elke staaf. " + "; ".join(tops) + "."
    )
    return fig, alt


def comparison_chart(vergelijking: Comparison, titel: str, eenheid: str, bestand: str, weglaten: tuple[str, ...] = ()):
    """Return labelled horizontal bars per category, this year beside last year (hatched), and alt text."""
    import matplotlib.pyplot as plt
    import numpy as np

    jaar = vergelijking.jaar
    frame = vergelijking.frame
    frame = frame[~frame.iloc[:, 0].isin(weglaten)].reset_index(drop=True)
    key = frame.columns[0]
    series = [(str(jaar), "aantal", None)]
    if vergelijking.vorig_jaar_beschikbaar:
        series = [(str(jaar - 1), "aantal_vorig_jaar", "///"), *series]
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    height = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(7, 1.4 + 0.75 * len(frame)))
    y = np.arange(len(frame))[::-1]
    largest = float(pd.concat([frame[c] for _, c, _ in series]).astype("Float64").max())
    for i, (label, column, hatch) in enumerate(series):
        offset = (i - (len(series) - 1) / 2) * height
        values = frame[column].astype("Float64").fillna(0).astype(float)
        ax.barh(
            y - offset,
            values,
            height=height * 0.95,
            label=label,
            color=colours[i] if hatch is None else "white",
            edgecolor=colours[i],
            hatch=hatch,
            linewidth=1.2,
        )
        for yy, value in zip(y - offset, frame[column]):
            text = "ontbreekt" if pd.isna(value) else fmt.getal(value)
            ax.text(
                (0 if pd.isna(value) else float(value)) + largest * 0.01,
                yy,
                f"{text} ({label})",
                va="center",
                ha="left",
                fontsize=9,
            )
    ax.set_yticks(y, [_wrap(_label(str(v))) for v in frame[key]], fontsize=10)
    ax.tick_params(axis="x", labelsize=9)
    ax.set_xlim(0, largest * 1.35)
    ax.set_xlabel(eenheid, fontsize=10)
    charts.dutch_thousands(ax.xaxis)
    ax.set_title(titel, loc="left", fontsize=11)
    # No legend: every bar's label names its year, so neither colour nor hatching has to be decoded.
    charts.bron(
        fig,
        f"jaarverslag SHT {jaar}" + (f" en {jaar - 1}" if vergelijking.vorig_jaar_beschikbaar else ""),
    )
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    parts = []
    for row in frame.itertuples(index=False):
        text = f"{_label(str(getattr(row, key)))}: {fmt.getal(row.aantal)} in {jaar}"
        if vergelijking.vorig_jaar_beschikbaar:
            text += f" tegen {fmt.getal(row.aantal_vorig_jaar)} in {jaar - 1}"
        parts.append(text)
    alt = (
        f"Liggend staafdiagram „{titel}”"
        + (f", {jaar} naast {jaar - 1} (gearceerd)" if vergelijking.vorig_jaar_beschikbaar else "")
        + ", met het aantal bij elke staaf. "
        + "; ".join(parts)
        + "."
    )
    return fig, alt


# --- the page -----------------------------------------------------------------------------------------


def _comparison_block(
    v: Comparison,
    naam: str,
    titel: str,
    bestand: str,
    tabel,
    bijschrift: str,
    ontbreekt: str,
    weglaten: tuple[str, ...] = (),
):
    """Return a comparison's chart and table as one block, or the 'niet beschikbaar' block without data."""
    if not v.is_available:
        return tables.unavailable(ontbreekt, v.jaar)
    fig, alt = comparison_chart(v, titel, "Aantal", bestand, weglaten=weglaten)
    return tables.combine(
        charts.figure_html(fig, naam, alt, bijschrift=f"{titel} in {v.jaar}."),
        tables.html(
            tabel(v),
            naam,
            bijschrift=f"{bijschrift}, {v.jaar}" + (f" ({fmt.SMALL_COUNT_NOTE})" if v.vorig_jaar_beschikbaar else ""),
            formatters=comparison_formatters(),
            onzeker=onzeker(v.frame, "status", "status_vorig_jaar"),
        ),
    )


def _classifications_block(frame: pd.DataFrame | None, jaar: int):
    if frame is None:
        return tables.unavailable("de classificatie van klachten, VIM-meldingen en calamiteiten", jaar)
    fig, alt = classifications_chart(frame, jaar)
    return tables.combine(
        charts.figure_html(fig, "kwaliteit_classificaties", alt, bijschrift=f"Meldingen naar classificatie in {jaar}."),
        tables.html(
            classifications_table(frame),
            "kwaliteit_classificaties",
            bijschrift=f"Klachten, VIM-meldingen en calamiteiten naar classificatie, {jaar}",
            formatters=classifications_formatters(),
            onzeker=onzeker(frame, "status"),
        ),
    )


def page_values(jaar: int, root: Path | None = None) -> dict[str, object]:
    """Return every value the kwaliteit page glues, for a year with data and a year without."""
    charts.apply_style()
    reports, classes, signals = meldingen(jaar, root), classificaties(jaar, root), signalering(jaar, root)
    return {
        "jaar": str(jaar),
        "meldingen_zin": meldingen_zin(reports),
        "classificatie_zin": largest_classification_sentence(classes, jaar),
        "som_controle_zin": som_controle_zin(jaar, root),
        "signalering_zin": signalering_zin(signals),
        "per_kinderen_zin": per_kinderen_zin(signals),
        "onzeker_zin": onzeker_zin(jaar, reports.frame, classes, signals.frame),
        "meldingen": _comparison_block(
            reports,
            "kwaliteit_meldingen",
            "Klachten, VIM-meldingen en calamiteiten",
            "kwaliteitsmeldingen_totaal.csv",
            meldingen_table,
            "Klachten, VIM-meldingen en calamiteiten",
            "klachten, VIM-meldingen en calamiteiten",
        ),
        "classificaties": _classifications_block(classes, jaar),
        "signalering": _comparison_block(
            signals,
            "kwaliteit_signalering",
            "Signalen van kindermishandeling en huiselijk geweld",
            "signalering_ghok.csv",
            signals_table,
            "Signaleren van kindermishandeling en huiselijk geweld (G+HOK)",
            "het signaleren van kindermishandeling en huiselijk geweld",
            weglaten=(CHILDREN,),
        ),
    }
