"""The Vooruitblik's charts: demand, GPs taking shifts and pressure, each a central line in a hatched band."""

from __future__ import annotations

import pandas as pd

from jaarverslag.models.projection import NZA_NORM_PATIENTS_PER_FTE, THRESHOLDS_PCT, Vooruitblik
from jaarverslag.render import fmt
from jaarverslag.render.vooruitblik_tables import TABLE_YEAR_STEP
from jaarverslag.render.vooruitblik_text import drempel_zin

SOURCE = (
    "jaarverslag SHT (hulpvragen, huisartsen); CBS-bevolking; PBL/CBS-prognose 2022; "
    "Plan van aanpak huisartsentekort Enschede (2025); eigen aannames"
)


def _band(
    ax, v: Vooruitblik, kolom: str, kleur, label: str, lijn: str = "-", arcering: str = "//", marker: str = "o"
) -> pd.DataFrame:
    """Draw the central scenario as a line and the laag–hoog range as a hatched band; return the scenarios per year."""
    t = v.projectie.pivot(index="jaar", columns="scenario", values=kolom)
    onder, boven = t[["laag", "hoog"]].min(axis=1), t[["laag", "hoog"]].max(axis=1)
    ax.fill_between(
        t.index,
        onder,
        boven,
        color=kleur,
        alpha=0.2,
        hatch=arcering,
        edgecolor=kleur,
        lw=0,
        label=f"{label}: bandbreedte",
    )
    ax.plot(t.index, t["midden"], color=kleur, lw=2.2, ls=lijn, marker=marker, ms=3, label=f"{label}: middenscenario")
    return t


def _band_text(t: pd.DataFrame, eind: int) -> str:
    """Describe a drawn band for alt text: start, central end value and the range in the last year."""
    return (
        f"van {fmt.getal(t['midden'].iloc[0])} naar {fmt.getal(t['midden'].iloc[-1])} in {eind} in het "
        f"middenscenario (bandbreedte {fmt.getal(t[['laag', 'hoog']].iloc[-1].min())} tot "
        f"{fmt.getal(t[['laag', 'hoog']].iloc[-1].max())})"
    )


def _figure():
    """Return a new figure and axes in the book's style for a chart over the projection years."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    from jaarverslag.render import charts

    fig, ax = plt.subplots(figsize=(9, 4.8))
    return fig, ax, sns.color_palette(charts.PALETTE)


def _finish(fig, ax, v: Vooruitblik, titel: str, ylabel: str, legenda: str, bron: str) -> None:
    """Finish a projection chart: year axis, labels, legend and the source line."""
    import matplotlib.ticker as mticker

    from jaarverslag.render import charts

    ax.set_xlim(v.basis.jaar - 0.5, v.parameters["tot_jaar"] + 0.5)
    ax.xaxis.set_major_locator(mticker.MultipleLocator(TABLE_YEAR_STEP))
    ax.set_xlabel("Jaar")
    ax.set_ylabel(ylabel)
    ax.set_title(titel)
    ax.legend(loc=legenda, fontsize=9)
    charts.bron(fig, bron)
    fig.tight_layout(rect=(0, 0.04, 1, 1))


def demand_chart(v: Vooruitblik, bron: str = SOURCE):
    """Return the demand chart (help requests, and consult units when available) with its alt text."""
    from jaarverslag.render import charts

    fig, ax, pal = _figure()
    eind = v.parameters["tot_jaar"]
    t = _band(ax, v, "hulpvragen", pal[0], "Hulpvragen")
    alt = f"Lijngrafiek van de verwachte hulpvragen per jaar, {_band_text(t, eind)}."
    if v.projectie["consulteenheden"].notna().all():
        e = _band(ax, v, "consulteenheden", pal[2], "Consulteenheden", lijn="--", arcering="\\\\", marker="s")
        alt += f" Een gestippelde lijn toont de consulteenheden, {_band_text(e, eind)}."
    ax.set_ylim(bottom=0)
    charts.dutch_thousands(ax.yaxis)
    _finish(
        fig, ax, v, f"Verwachte zorgvraag bij de spoedposten, {v.basis.jaar}–{eind}", "Per jaar", "lower left", bron
    )
    return fig, alt


def capacity_chart(v: Vooruitblik, bron: str = SOURCE):
    """Return the GP capacity chart with the NZa-norm reference line and its alt text."""
    fig, ax, pal = _figure()
    eind = v.parameters["tot_jaar"]
    t = _band(ax, v, "huisartsen", pal[0], "Huisartsen die diensten doen")
    n = v.projectie.pivot(index="jaar", columns="scenario", values="nza_fte")["midden"]
    ax.plot(
        n.index,
        n,
        color=pal[3],
        lw=1.8,
        ls="--",
        label=f"Nodig bij de NZa-norm ({fmt.getal(NZA_NORM_PATIENTS_PER_FTE)} patiënten per fte)",
    )
    ax.set_ylim(bottom=0)
    _finish(
        fig,
        ax,
        v,
        "Huisartsen die diensten doen, tegen de NZa-norm",
        "Huisartsen (personen) en fte",
        "lower left",
        bron,
    )
    alt = (
        f"Lijngrafiek van het aantal huisartsen dat diensten doet, {_band_text(t, eind)}. Een gestreepte lijn "
        f"geeft het aantal fulltime huisartsen dat de bevolking volgens de NZa-norm nodig heeft: "
        f"{fmt.getal(n.iloc[0])} in {v.basis.jaar} en {fmt.getal(n.iloc[-1])} in {eind}."
    )
    return fig, alt


def pressure_chart(v: Vooruitblik, bron: str = SOURCE):
    """Return the pressure-index chart with the 10% and 25% thresholds and its alt text."""
    fig, ax, pal = _figure()
    eind = v.parameters["tot_jaar"]
    t = _band(ax, v, "druk_index", pal[1], "Druk")
    for d, apply_style in zip(THRESHOLDS_PCT, (":", "-.")):
        ax.axhline(100 + d, color="#444444", lw=1.2, ls=apply_style)
        ax.annotate(f"+{d}%", (v.basis.jaar - 0.3, 100 + d), xytext=(0, 3), textcoords="offset points", fontsize=9)
    ax.axhline(100, color="#444444", lw=0.8)
    _finish(
        fig,
        ax,
        v,
        "Druk: hulpvragen per huisarts die diensten doet",
        f"Hulpvragen per huisarts (index {v.basis.jaar} = 100)",
        "upper left",
        bron,
    )
    lijnen = " en ".join(str(100 + d) for d in THRESHOLDS_PCT)
    alt = (
        f"Lijngrafiek van de druk, de hulpvragen per huisarts als index ({v.basis.jaar} = 100), met lijnen bij "
        f"{lijnen}: {_band_text(t, eind)}. {drempel_zin(v)}"
    )
    return fig, alt


def sensitivity_chart(v: Vooruitblik, bron: str = SOURCE):
    """Return the one-at-a-time sensitivity (tornado) chart of the last year's pressure index, and its alt text."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    from jaarverslag.models.projection import waarde
    from jaarverslag.render import charts
    from jaarverslag.render.vooruitblik_text import SENSITIVITY_NAMES

    eind = v.parameters["tot_jaar"]
    mid = waarde(v, "midden", eind, "druk_index")
    g = v.gevoeligheid.assign(breedte=(v.gevoeligheid["hoog"] - v.gevoeligheid["laag"]).abs())
    g = g.sort_values("breedte")
    pal = sns.color_palette(charts.PALETTE)
    fig, ax = plt.subplots(figsize=(9, 0.6 * len(g) + 1.8))
    y = range(len(g))
    ax.barh(y, g["laag"] - mid, left=mid, color=pal[0], label="aanname op de grens met minder druk")
    ax.barh(y, g["hoog"] - mid, left=mid, color=pal[1], hatch="//", label="aanname op de grens met meer druk")
    ax.axvline(mid, color="#444444", lw=1)
    ax.set_yticks(list(y), [SENSITIVITY_NAMES[a] for a in g["aanname"]])
    ax.set_xlabel(f"Druk in {eind} (index {v.basis.jaar} = 100; lijn: middenscenario {fmt.getal(mid)})")
    ax.set_title(f"Welke aanname bepaalt de druk in {eind}? Eén aanname tegelijk naar haar grens")
    ax.legend(loc="lower right", fontsize=8)
    charts.bron(fig, bron)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    alt = (
        f"Staafdiagram van de druk in {eind} als telkens één aanname op haar onder- of bovengrens staat en de rest "
        f"in het midden (middenscenario {fmt.getal(mid)}): "
        + "; ".join(
            f"{SENSITIVITY_NAMES[r.aanname]} {fmt.getal(r.laag)} tot {fmt.getal(r.hoog)}"
            for r in g.iloc[::-1].itertuples()
        )
        + "."
    )
    return fig, alt
