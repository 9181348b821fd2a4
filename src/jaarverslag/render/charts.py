"""Chart helpers: one look for every figure, Dutch axes, a source line and alt text."""

from __future__ import annotations

from html import escape
from pathlib import Path

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import seaborn as sns
from IPython.display import HTML

from jaarverslag.data.paths import ASSET_PREFIX, FIGURE_FOLDER
from jaarverslag.render.fmt import getal

# Okabe–Ito via seaborn's "colorblind" palette: distinguishable with the common colour-vision deficiencies.
PALETTE = "colorblind"
FIGURE_DPI = 110
SOURCE_PREFIX = "Bron: "


def apply_style() -> None:
    """Apply the book's chart style."""
    sns.set_theme(style="whitegrid", palette=PALETTE, font_scale=1.15)
    plt.rcParams.update(
        {"figure.dpi": FIGURE_DPI, "savefig.dpi": FIGURE_DPI, "svg.hashsalt": "jaarverslag", "axes.titleweight": "bold"}
    )


def dutch_thousands(axis) -> None:
    """Label an axis with Dutch thousands separators."""
    axis.set_major_formatter(mticker.FuncFormatter(lambda x, _pos: getal(x)))


def bron(fig, tekst: str) -> None:
    """Put the source under the figure."""
    fig.text(0.01, 0.005, SOURCE_PREFIX + tekst, fontsize=9, color="#444444", ha="left", va="bottom")


def figure_html(fig, naam: str, alt: str, bijschrift: str, map: Path | None = None) -> HTML:
    """Save the figure as PNG beside the executed notebook and return an HTML figure with alt text.

    Sphinx cannot paste Markdown across pages, so chapter pages glue this HTML; the build
    publishes the PNG at <year>/figuren/, one level above every page.
    """
    folder = (map or Path.cwd()) / FIGURE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    fig.savefig(folder / f"{naam}.png", bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return HTML(
        f'<figure class="jv-figuur" id="fig-{escape(naam)}">'
        f'<img src="{ASSET_PREFIX}{FIGURE_FOLDER}/{escape(naam)}.png" alt="{escape(" ".join(alt.split()))}" '
        f'style="max-width:100%;height:auto">'
        f"<figcaption>{escape(bijschrift)}</figcaption></figure>"
    )
