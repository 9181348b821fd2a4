"""Charts of the Zorgconsumptie page: the dot chart of the rates per year and the map of the region."""

from __future__ import annotations

import math

import matplotlib as mpl
import matplotlib.patheffects as pe
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.patches import Polygon

from jaarverslag.data.geo import label_point
from jaarverslag.render import charts, fmt
from jaarverslag.render.text import join_list

MAP_COLOURS = "Blues"  # single-hue, lightness-ordered: readable with colour-vision deficiencies and in greyscale
MAP_LIGHTEST = 0.15  # start of the colour map used, so that no municipality is drawn white
YEAR_MARKERS = ("s", "D", "o")  # two years back, last year, report year (filled circle); colours likewise


HIDDEN_RATE = "afgeschermd"  # a rate resting on a small registration count (render/suppression.py) is not drawn


def dot_chart(
    wide: pd.DataFrame, jaar: int, xmin: float, xmax: float, decimalen: int, afgeschermd: frozenset[str] = frozenset()
):
    """Return a dot chart of rates (gemeente index, one column per year), one marker shape per year, and its alt text.

    `xmin`/`xmax` are the smallest and largest rate shown; rates print with `decimalen` decimals. A gemeente in
    `afgeschermd` has a hidden rate this year (missing in `wide`) and says so in its label.
    """

    def rate(v: float, gemeente: str = "") -> str:
        return HIDDEN_RATE if gemeente in afgeschermd and pd.isna(v) else fmt.getal(v, decimalen)

    years = list(wide.columns)
    colours = sns.color_palette(charts.PALETTE, len(YEAR_MARKERS))[
        -len(years) :
    ]  # the report year always looks the same
    markers = YEAR_MARKERS[-len(years) :]
    fig, ax = plt.subplots(figsize=(6.4, 0.45 * len(wide) + 2.0))
    ys = range(len(wide))
    for y, (_, row) in zip(ys, wide.iterrows()):
        values = row.dropna().astype(float)
        if len(values) > 1:
            ax.plot([values.min(), values.max()], [y, y], color="#BBBBBB", lw=2, zorder=1)
    for j, colour, marker in zip(years, colours, markers):
        ax.scatter(
            wide[j].astype(float),
            list(ys),
            color=colour,
            marker=marker,
            s=55 if j == jaar else 40,
            zorder=3,
            label=str(j),
            edgecolor="white",
            linewidth=0.6,
        )
    span = xmax - xmin or 1.0
    label_x = xmax + span * 0.06
    for y, (_, row) in zip(ys, wide.iterrows()):
        ax.text(
            label_x,
            y,
            f"{jaar}: {rate(row[jaar], row.name)}",
            va="center",
            ha="left",
            fontsize=10,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
        )
    ax.set_yticks(list(ys), list(wide.index))
    ax.tick_params(labelsize=10)
    ax.set_xlim(xmin - span * 0.08, xmax + span * 0.42)
    ax.set_xlabel("Consulteenheden per 1.000 inwoners", fontsize=10)
    ax.set_title(
        "Consulteenheden per 1.000 inwoners" + (f", {years[0]}–{years[-1]}" if len(years) > 1 else f", {jaar}"),
        fontsize=11,
    )
    ax.grid(axis="y", visible=False)
    if len(years) > 1:
        ax.legend(
            title="Jaar",
            loc="upper center",
            bbox_to_anchor=(0.5, -0.16),
            ncol=len(years),
            fontsize=9,
            title_fontsize=9,
            frameon=False,
        )
    charts.bron(fig, "jaarverslag SHT " + join_list([str(j) for j in years]))
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    order = wide.sort_values(jaar, ascending=False)
    alt = (
        "Stippendiagram van de consulteenheden per 1.000 inwoners per gemeente"
        + (
            f" in {', '.join(map(str, years[:-1]))} en {years[-1]}, elk jaar met een eigen vorm"
            if len(years) > 1
            else f" in {jaar}"
        )
        + f". Waarden in {jaar}, van hoog naar laag: "
        + "; ".join(
            f"{g} {rate(v, g)}" + (f" ({years[0]}: {rate(order.loc[g, years[0]])})" if len(years) > 1 else "")
            for g, v in order[jaar].items()
        )
        + "."
    )
    return fig, alt


def rate_map(
    rates: pd.Series,
    jaar: int,
    grenzen: dict,
    vmin: float,
    vmax: float,
    decimalen: int,
    afgeschermd: frozenset[str] = frozenset(),
):
    """Return a map of the region coloured by each gemeente's rate, labelled with name and rate, and its alt text.

    `vmin`/`vmax` fix the colour scale, so that a colour means the same rate in every report year. A gemeente in
    `afgeschermd` has a hidden rate: it is drawn grey and labelled so.
    """

    def rate(v: float) -> str:
        return fmt.getal(v, decimalen)

    base = mpl.colormaps[MAP_COLOURS]
    cmap = mpl.colors.ListedColormap(base([MAP_LIGHTEST + (1 - MAP_LIGHTEST) * i / 255 for i in range(256)]))
    norm = mpl.colors.Normalize(vmin=vmin, vmax=vmax)
    fig, ax = plt.subplots(figsize=(6.4, 5.8))
    lats = []
    for feature in grenzen["features"]:
        name = feature["properties"]["gemeente"]
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        value = rates.get(name)
        known = value is not None and not math.isnan(value)
        face = cmap(norm(value)) if known else "#EEEEEE"
        for polygon in polygons:
            for ring in polygon:
                lats.extend(lat for _lon, lat in ring)
                ax.add_patch(Polygon(ring, closed=True, facecolor=face, edgecolor="white", linewidth=1.2))
        lon, lat = label_point(geometry)
        ax.text(
            lon,
            lat,
            f"{name}\n{rate(value) if known else HIDDEN_RATE if name in afgeschermd else 'geen cijfer'}",
            ha="center",
            va="center",
            fontsize=10,
            fontweight="bold",
            color="black",
            path_effects=[pe.withStroke(linewidth=3, foreground="white")],
        )
    ax.autoscale_view()
    ax.set_aspect(1 / math.cos(math.radians(sum(lats) / len(lats))))  # equirectangular: km look the same both ways
    ax.set_axis_off()
    ax.set_title(f"Consulteenheden per 1.000 inwoners, {jaar}", fontsize=11)
    bar = fig.colorbar(
        mpl.cm.ScalarMappable(norm=norm, cmap=cmap),
        ax=ax,
        orientation="horizontal",
        fraction=0.04,
        pad=0.02,
        shrink=0.7,
    )
    bar.set_label("Consulteenheden per 1.000 inwoners (dezelfde kleurschaal in elk verslagjaar)", fontsize=9)
    bar.ax.tick_params(labelsize=9)
    bar.ax.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _p: fmt.getal(v)))
    charts.bron(fig, f"jaarverslag SHT {jaar}; grenzen CBS/Kadaster 2022 (CC BY 4.0)")
    order = rates.sort_values(ascending=False)
    alt = (
        f"Kaart van de acht gemeenten van het werkgebied van SHT, gekleurd naar consulteenheden per 1.000 inwoners "
        f"in {jaar} (donkerder is hoger); elke gemeente draagt haar naam en cijfer. Van hoog naar laag: "
        + "; ".join(f"{g} {HIDDEN_RATE if g in afgeschermd and pd.isna(v) else rate(v)}" for g, v in order.items())
        + "."
    )
    return fig, alt


def standardised_chart(table: pd.DataFrame, regio_per_1000: float, jaar: int, betrouwbaarheid: float, decimalen: int):
    """Return a dot plot of crude and age-standardised help requests per 1,000 per gemeente, and alt text.

    `table` is the standardisation's per_gemeente frame; gemeenten are sorted by their standardised rate.
    """
    t = table.sort_values("gestandaardiseerd_per_1000").reset_index(drop=True)
    crude_colour, std_colour = sns.color_palette(charts.PALETTE, 2)
    fig, ax = plt.subplots(figsize=(6.4, 0.5 * len(t) + 2.2))
    ys = list(range(len(t)))
    ax.axvline(regio_per_1000, color="#666666", lw=1, ls="--", zorder=1)
    ax.hlines(
        ys, t["gestandaardiseerd_ondergrens"], t["gestandaardiseerd_bovengrens"], color=std_colour, lw=3, zorder=2
    )
    ax.scatter(
        t["ruw_per_1000"],
        ys,
        facecolor="white",
        edgecolor=crude_colour,
        marker="o",
        s=45,
        lw=1.5,
        zorder=3,
        label="ruw (niet gestandaardiseerd)",
    )
    ax.scatter(
        t["gestandaardiseerd_per_1000"],
        ys,
        color=std_colour,
        marker="D",
        s=45,
        zorder=4,
        label=f"gestandaardiseerd voor leeftijd, met {fmt.getal(betrouwbaarheid)}%-interval",
    )
    ax.set_yticks(ys, list(t["gemeente"]))
    ax.tick_params(labelsize=10)
    ax.set_xlabel("Hulpvragen per 1.000 inwoners", fontsize=10)
    ax.set_title(f"Hulpvragen per 1.000 inwoners per gemeente, {jaar}", fontsize=11)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=1, fontsize=10, frameon=False)
    ax.text(
        regio_per_1000,
        len(t) - 0.4,
        f"regio: {fmt.getal(regio_per_1000, decimalen)} ",
        fontsize=10,
        va="bottom",
        ha="right",
        color="#444444",
    )
    ax.set_ylim(-0.6, len(t) + 0.2)
    charts.bron(fig, "hulpvragen per gemeente en leeftijdsgroep (SHT), CBS-bevolking per leeftijd")
    fig.tight_layout()
    parts = [
        f"{r.gemeente} ruw {fmt.getal(r.ruw_per_1000, decimalen)}, gestandaardiseerd "
        f"{fmt.getal(r.gestandaardiseerd_per_1000, decimalen)}"
        for r in t.itertuples(index=False)
    ]
    alt = (
        f"Stippengrafiek van de hulpvragen per 1.000 inwoners per gemeente in {jaar}, ruw en gestandaardiseerd "
        f"voor leeftijd, met de regio op {fmt.getal(regio_per_1000, decimalen)}: " + join_list(parts) + "."
    )
    return fig, alt
