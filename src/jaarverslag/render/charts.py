"""Chart helpers: one look for every figure, Dutch axes, a source line and alt text."""

from __future__ import annotations

import io
import textwrap
import warnings
from html import escape
from pathlib import Path

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import seaborn as sns
from IPython.display import HTML
from matplotlib.axes import Axes
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.text import Text

from jaarverslag.data.paths import ASSET_PREFIX, FIGURE_FOLDER
from jaarverslag.render.fmt import getal

# Okabe–Ito via seaborn's "colorblind" palette: distinguishable with the common colour-vision deficiencies.
PALETTE = "colorblind"
FIGURE_DPI = 110
SOURCE_PREFIX = "Bron: "
# The phone variant of every figure (<picture>, below PHONE_MEDIA): drawn narrow with larger type, so that its
# smallest text is at least MIN_TEXT_PX CSS pixels in the ~340 CSS px wide text column of a 390 px wide phone.
PHONE_MEDIA = "(max-width: 600px)"
PHONE_SUFFIX = "-telefoon"
PHONE_COLUMN_PX = 340
MIN_TEXT_PX = 11
PHONE_TEXT_PT = 10.5
PHONE_TITLE_PT = 11.5
PHONE_WIDTH_IN = 4.2
PHONE_LABEL_CHARS = 22  # longer tick labels are wrapped over lines
BBOX_PAD_IN = 0.1  # savefig's pad_inches with bbox_inches="tight"
# A title sits at the top edge of its axes (axes.titley in apply_style): matplotlib's automatic placement, which
# keeps a title clear of ticks on top, measures every axis again on each draw (about 10 ms per axes and draw).
# A chart with its ticks on top creates its axes inside plt.rc_context(TITLE_CLEARS_TOP_TICKS).
TITLE_CLEARS_TOP_TICKS = {"axes.titley": None}


def apply_style() -> None:
    """Apply the book's chart style."""
    sns.set_theme(style="whitegrid", palette=PALETTE, font_scale=1.15)
    plt.rcParams.update(
        {
            "figure.dpi": FIGURE_DPI,
            "savefig.dpi": FIGURE_DPI,
            "svg.hashsalt": "jaarverslag",
            "axes.titleweight": "bold",
            "axes.titley": 1.0,
        }
    )


def dutch_thousands(axis) -> None:
    """Label an axis with Dutch thousands separators."""
    axis.set_major_formatter(mticker.FuncFormatter(lambda x, _pos: getal(x)))


def bron(fig, tekst: str) -> None:
    """Put the source under the figure."""
    fig.text(0.01, 0.005, SOURCE_PREFIX + tekst, fontsize=9, color="#444444", ha="left", va="bottom")


def _drawn_texts(artist, inside_hidden_axes: bool = False) -> list[Text]:
    """Return the texts a figure draws: visible, not empty, not on the axis of an Axes turned off."""
    found: list[Text] = []
    if not artist.get_visible():
        return found
    if isinstance(artist, Text):
        return [artist] if artist.get_text().strip() and not inside_hidden_axes else []
    for child in artist.get_children():
        hidden = inside_hidden_axes or (
            isinstance(artist, Axes) and not artist.axison and child in (artist.xaxis, artist.yaxis)
        )
        found += _drawn_texts(child, hidden)
    return found


def smallest_text_px(fig) -> float:
    """Return the size of the figure's smallest text in pixels of its saved PNG (points x dpi / 72)."""
    return min(t.get_fontsize() for t in _drawn_texts(fig)) * fig.dpi / 72


def _saved_width_in(fig) -> float:
    """Return the width in inches the figure has when saved with bbox_inches="tight"."""
    return fig.get_tightbbox(fig.canvas.get_renderer()).width + 2 * BBOX_PAD_IN


def _restack(fig) -> None:
    """Put panels that sit side by side in one row below each other (a phone is narrow and long)."""
    panels = [a for a in fig.axes if not hasattr(a, "_colorbar")]
    specs = [a.get_subplotspec() for a in panels]
    if len(panels) < 2 or len(panels) != len(fig.axes) or None in specs:
        return
    grid = specs[0].get_gridspec()
    if grid.nrows != 1 or any(s.get_gridspec() is not grid for s in specs):
        return
    column = fig.add_gridspec(len(panels), 1)
    for i, ax in enumerate(sorted(panels, key=lambda a: a.get_subplotspec().colspan.start)):
        ax.set_subplotspec(column[i, 0])
    width, height = fig.get_size_inches()
    fig.set_size_inches(width, height * len(panels) * 0.8)


def _legend_texts(fig) -> set:
    legends = [a.get_legend() for a in fig.axes if a.get_legend() is not None] + list(fig.legends)
    return {t for legend in legends for t in (*legend.get_texts(), legend.get_title())}


def _legend_below(ax) -> None:
    """Move an axes' legend below the plot, one entry per row when labels are long: no room inside or beside it."""
    legend = ax.get_legend()
    if legend is None:
        return
    handles, labels = ax.get_legend_handles_labels()
    title = legend.get_title().get_text()
    ncols = 1 if max((len(label) for label in labels), default=0) > PHONE_LABEL_CHARS - 4 else 2
    labels = [textwrap.fill(label, 2 * PHONE_LABEL_CHARS) for label in labels]
    ax.legend(handles, labels, title=title or None, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=ncols)
    ax.get_legend()._jv_below = True


def _place_legends_below(fig, renderer) -> None:
    """Put each moved legend just under its axes' x labels (they move when the layout changes)."""
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None or not getattr(legend, "_jv_below", False) or not ax.bbox.height:
            continue
        axis_bottom = ax.xaxis.get_tightbbox(renderer)
        low = axis_bottom.y0 if axis_bottom is not None else ax.bbox.y0
        legend.set_bbox_to_anchor((0.5, -((ax.bbox.y0 - low) / ax.bbox.height + 0.03)), transform=ax.transAxes)


def _tilt_crowded_ticks(fig, renderer) -> None:
    """Tilt the x tick labels of an axis where neighbouring labels overlap."""
    for ax in fig.axes:
        labels = [t for t in ax.get_xticklabels() if t.get_visible() and t.get_text().strip()]
        boxes = sorted((t.get_window_extent(renderer) for t in labels), key=lambda b: b.x0)
        if any(a.x1 > b.x0 for a, b in zip(boxes, boxes[1:])):
            for label in labels:
                label.set(rotation=40, ha="right", rotation_mode="anchor")


def _measure(fig):
    """Lay the figure out as a draw does, without painting pixels; return the renderer that measured it.

    Sizes and positions of texts are only known after a draw; painting them is most of a draw's cost, and
    the layout passes below need the geometry only (savefig paints once, at the end).
    """
    renderer = fig.canvas.get_renderer()
    with renderer._draw_disabled():
        fig.draw(renderer)
    return renderer


def _relayout(fig) -> None:
    """Lay out again, leaving room at the bottom for the (wrapped) source line.

    Draws only for legends below their axes: the source line sits at a fixed place in the figure, so its size
    needs no draw, and the caller's next measurement (the saved width) lays out the axes and tick labels itself.
    """
    renderer = fig.canvas.get_renderer()
    bottom = max(
        [t.get_window_extent(renderer).y1 / fig.bbox.height for t in fig.texts if t.get_position()[1] < 0.05],
        default=0.0,
    )
    below = any(getattr(ax.get_legend(), "_jv_below", False) for ax in fig.axes)
    for _ in range(2):  # the legends below depend on the layout, the layout on the legends
        if not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine):
            fig.tight_layout(rect=(0, min(0.3, bottom + 0.01), 1, 1))
        if below:  # measuring only serves them
            _place_legends_below(fig, _measure(fig))


def _phone_layout(fig) -> None:
    """Re-lay the figure out for a phone: narrow, panels stacked, every text readable, long labels wrapped."""
    _restack(fig)
    width, height = fig.get_size_inches()
    fig.set_size_inches(PHONE_WIDTH_IN, height * max(1.0, PHONE_WIDTH_IN / width) ** 0.5)
    for ax in fig.axes:
        _legend_below(ax)
    titles = {a.title for a in fig.axes} | {getattr(fig, "_suptitle", None)}
    for text in _drawn_texts(fig):
        text.set_fontsize(PHONE_TITLE_PT if text in titles else PHONE_TEXT_PT)
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            labels = axis.get_ticklabels()
            if any(len(label.get_text()) > PHONE_LABEL_CHARS for label in labels):
                wrapped = [textwrap.fill(t.get_text(), PHONE_LABEL_CHARS) for t in labels]
                axis.set_ticks(axis.get_ticklocs(), wrapped)
                if axis is ax.yaxis:  # more lines per label: more height, or neighbours overlap
                    lines = max(w.count("\n") + 1 for w in wrapped)
                    fig.set_size_inches(fig.get_size_inches()[0], fig.get_size_inches()[1] * (1 + 0.3 * (lines - 1)))
    keep = {label for ax in fig.axes for label in ax.get_xticklabels() + ax.get_yticklabels()} | _legend_texts(fig)
    for text in _drawn_texts(fig):
        if text not in keep:
            text.set_wrap(True)  # wrapped at the figure's edge
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tight_layout warns about axes it cannot fit; the PNG is measured after
        _relayout(fig)
        # Narrower still, until the saved width lets the smallest text reach MIN_TEXT_PX at the phone's column.
        limit = PHONE_TEXT_PT / 72 * PHONE_COLUMN_PX / MIN_TEXT_PX
        for _ in range(6):
            excess = _saved_width_in(fig) - limit
            if excess <= 0:
                break
            fig.set_size_inches(max(2.0, fig.get_size_inches()[0] - excess - 0.05), fig.get_size_inches()[1])
            _relayout(fig)
        else:  # six rounds without reaching the width: lay the tick labels out where the last round put them
            _measure(fig)
        _tilt_crowded_ticks(fig, fig.canvas.get_renderer())
        _relayout(fig)
        if any(ax.texts for ax in fig.axes):  # where labels sit shows after a draw (an equal-aspect map shrinks)
            _separate_labels(fig, _measure(fig))


def _separate_labels(fig, renderer, rounds: int = 30) -> None:
    """Move labels inside an axes apart vertically where the narrow figure makes them overlap (map names)."""
    for ax in fig.axes:
        texts = [t for t in ax.texts if t.get_visible() and t.get_text().strip()]
        for _ in range(rounds):
            boxes = [t.get_window_extent(renderer) for t in texts]
            pairs = [(i, j) for i in range(len(texts)) for j in range(i + 1, len(texts)) if boxes[i].overlaps(boxes[j])]
            if not pairs:
                break
            i, j = pairs[0]
            upper, lower = (i, j) if boxes[i].y0 + boxes[i].y1 >= boxes[j].y0 + boxes[j].y1 else (j, i)
            step = (min(boxes[i].y1, boxes[j].y1) - max(boxes[i].y0, boxes[j].y0)) / 2 + 1  # pixels
            for k, sign in ((upper, 1), (lower, -1)):
                x, y = ax.transData.transform(texts[k].get_position())
                texts[k].set_position(ax.transData.inverted().transform((x, y + sign * step)))


def save_png(fig, path: Path, **options) -> None:
    """Save a figure as a palette PNG: charts are flat colours, so 256 colours look the same at a third of the bytes."""
    from PIL import Image  # matplotlib's own dependency

    buffer = io.BytesIO()
    # Uncompressed: this PNG is only read back below, and compressing it took a tenth of the notebooks' chart time.
    fig.savefig(buffer, format="png", metadata={"Software": None}, pil_kwargs={"compress_level": 0}, **options)
    buffer.seek(0)
    with Image.open(buffer) as image:
        image.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(path, optimize=True)


def figure_html(fig, naam: str, alt: str, bijschrift: str, map: Path | None = None, telefoon=None) -> HTML:
    """Save the figure as PNG (and a phone variant) beside the executed notebook; return an HTML figure with alt text.

    Sphinx cannot paste Markdown across pages, so chapter pages glue this HTML; the build
    publishes the PNGs at <year>/figuren/, one level above every page. Each image carries the size
    of its smallest text in its own pixels (data-kleinste-tekst-px), so a browser test can tell how
    large that text is on screen. telefoon: a figure drawn for the phone; without it the figure is re-laid out.
    """
    folder = (map or Path.cwd()) / FIGURE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    save_png(fig, folder / f"{naam}.png", bbox_inches="tight")
    desktop_px = smallest_text_px(fig)
    if telefoon is None:
        _phone_layout(fig)
    phone = fig if telefoon is None else telefoon
    save_png(phone, folder / f"{naam}{PHONE_SUFFIX}.png", bbox_inches="tight")
    phone_px = smallest_text_px(phone)
    plt.close(fig)
    plt.close(phone)
    src = f"{ASSET_PREFIX}{FIGURE_FOLDER}/{escape(naam)}"
    return HTML(
        f'<figure class="jv-figuur" id="fig-{escape(naam)}"><picture>'
        f'<source media="{PHONE_MEDIA}" srcset="{src}{PHONE_SUFFIX}.png" data-kleinste-tekst-px="{phone_px:.1f}">'
        f'<img src="{src}.png" alt="{escape(" ".join(alt.split()))}" data-kleinste-tekst-px="{desktop_px:.1f}" '
        f'style="max-width:100%;height:auto"></picture>'
        f"<figcaption>{escape(bijschrift)}</figcaption></figure>"
    )
