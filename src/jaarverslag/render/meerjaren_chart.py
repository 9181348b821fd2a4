"""The Meerjarenoverzicht's sparklines: one small line per key figure over the report years, with its alt text."""

from __future__ import annotations

from html import escape
from pathlib import Path

from jaarverslag.data.paths import ASSET_PREFIX, FIGURE_FOLDER
from jaarverslag.render.text import join_list

SPARK_SIZE = (1.4, 0.42)  # inches: a table cell, no text inside (the numbers stand in the table beside it)


def spark_alt(onderwerp: str, punten: list[tuple[int, str | None]]) -> str:
    """Return the alt text of one sparkline: every year's value as the table shows it, gaps named."""
    known = [f"{tekst} in {jaar}" for jaar, tekst in punten if tekst is not None]
    gaps = [str(jaar) for jaar, tekst in punten if tekst is None]
    text = f"Verloop van {onderwerp}: " + (join_list(known) if known else "geen enkel jaar bekend")
    if gaps:
        text += f"; niet beschikbaar voor {join_list(gaps)}"
    return text + "."


def sparkline(
    naam: str,
    jaren: list[int],
    waarden: list[float | None],
    onzeker: list[bool],
    alt: str,
    map: Path | None = None,
) -> str:
    """Draw one sparkline (uncertain years as open circles, missing years as gaps) and return its <img> tag."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    from jaarverslag.render import charts

    colour = sns.color_palette(charts.PALETTE, 1)[0]
    fig, ax = plt.subplots(figsize=SPARK_SIZE)
    points = [(j, v, u) for j, v, u in zip(jaren, waarden, onzeker) if v is not None]
    # A gap in the years breaks the line: connect only consecutive known years.
    for (j0, v0, _), (j1, v1, _) in zip(points, points[1:]):
        if jaren.index(j1) - jaren.index(j0) == 1:
            ax.plot([j0, j1], [v0, v1], color=colour, linewidth=1.6, zorder=1, clip_on=False)
    for j, v, u in points:
        face = "white" if u else colour
        ax.scatter([j], [v], s=22, color=face, edgecolor=colour, linewidth=1.2, zorder=2, clip_on=False)
    values = [v for _, v, _ in points]
    if values:
        low, high = min(values), max(values)
        pad = (high - low) * 0.3 or abs(high) * 0.1 or 1.0
        ax.set_ylim(low - pad, high + pad)
    ax.set_xlim(min(jaren) - 0.4, max(jaren) + 0.4)
    ax.axis("off")
    fig.subplots_adjust(left=0, right=1, top=1, bottom=0)
    folder = (map or Path.cwd()) / FIGURE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    charts.save_png(fig, folder / f"{naam}.png", dpi=charts.FIGURE_DPI, transparent=True)
    plt.close(fig)
    return (
        f'<img class="jv-sparkline" src="{ASSET_PREFIX}{FIGURE_FOLDER}/{escape(naam)}.png" '
        f'alt="{escape(alt)}" width="{round(SPARK_SIZE[0] * charts.FIGURE_DPI)}" '
        f'height="{round(SPARK_SIZE[1] * charts.FIGURE_DPI)}">'
    )
