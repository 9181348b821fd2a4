"""The Patiëntenpopulatie chapter's chart: help requests per 1,000 inhabitants per age group, two years side by side."""

from __future__ import annotations

import pandas as pd

from jaarverslag.render import fmt, suppression
from jaarverslag.render.populatie_text import PER_1000_DECIMALS, group_label
from jaarverslag.render.text import join_list

CBS_SOURCE = "CBS StatLine 83502NED, bevolking op 1 januari"


def grafiek(h):
    """Return a dot plot of help requests per 1,000 inhabitants per age group (last and this year) and its alt text."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    from jaarverslag.render import charts

    frame = h.shown.iloc[::-1].reset_index(drop=True)  # youngest group on top; a hidden rate is not drawn
    y = list(range(len(frame)))
    colours = sns.color_palette(charts.PALETTE, 2)
    series = [("per_1000_vorig_jaar", h.jaar - 1, "o", colours[0], -15), ("per_1000", h.jaar, "D", colours[1], 7)]
    series = [s for s in series if frame[s[0]].notna().any()]
    fig, ax = plt.subplots(figsize=(6, 4.6))
    if len(series) == 2:
        for yi, a, b in zip(y, frame[series[0][0]], frame[series[1][0]]):
            if pd.notna(a) and pd.notna(b):
                ax.plot([a, b], [yi, yi], color="#999999", linewidth=1.5, zorder=1)
    for column, year, marker, colour, offset in series:
        values = frame[column].astype(float)
        for yi, groep in zip(y, frame["leeftijdsgroep"]):
            state = h.state(str(groep), vorig=year < h.jaar)
            if state:  # its label at the axis instead of the dot
                ax.annotate(
                    f"{year}: {suppression.DERIVED} (afgeschermd)",
                    (0, yi),
                    textcoords="offset points",
                    xytext=(4, offset),
                    ha="left",
                    fontsize=9,
                    style="italic",
                    color="#444444",
                )
        ax.scatter(
            values, y, marker=marker, s=70, color=colour, label=str(year), zorder=3, edgecolor="black", linewidth=0.6
        )
        for yi, v in zip(y, values):
            if pd.notna(v):
                ax.annotate(
                    fmt.getal(v, PER_1000_DECIMALS),
                    (v, yi),
                    textcoords="offset points",
                    xytext=(0, offset),
                    ha="center",
                    fontsize=10,
                )
    ax.set_yticks(y, [group_label(g) for g in frame["leeftijdsgroep"]])
    ax.set_ylim(-0.7, len(frame) - 0.4)
    high = max(frame[c].astype(float).max() for c, *_ in series)
    ax.set_xlim(0, high * 1.12)
    ax.set_xlabel("Hulpvragen per 1.000 inwoners van die leeftijd")
    ax.set_ylabel("")
    ax.set_title("Hulpvragen naar leeftijd", pad=30)
    charts.dutch_thousands(ax.xaxis)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False, fontsize=11)
    charts.bron(fig, f"jaarverslag SHT (hulpvragen); {CBS_SOURCE} (noemer)")
    fig.tight_layout(rect=(0, 0.04, 1, 1))

    def shown(g, v, vorig: bool = False) -> str:
        return suppression.DERIVED if h.state(str(g), vorig=vorig) else fmt.getal(v, PER_1000_DECIMALS)

    rates = h.frame.set_index("leeftijdsgroep")["per_1000"].astype(float)
    parts = [f"{group_label(g)} {shown(g, v)}" for g, v in rates.items()]
    alt = (
        f"Stippengrafiek van het aantal hulpvragen per 1.000 inwoners per leeftijdsgroep in {h.jaar}"
        + (f", met {h.jaar - 1} ernaast" if len(series) == 2 else "")
        + f". Cijfers {h.jaar}: "
        + join_list(parts)
        + "."
    )
    if len(series) == 2:
        vorig = h.frame.set_index("leeftijdsgroep")["per_1000_vorig_jaar"].astype(float)
        alt += (
            f" Cijfers {h.jaar - 1}: "
            + join_list([f"{group_label(g)} {shown(g, v, True)}" for g, v in vorig.items()])
            + "."
        )
    return fig, alt
