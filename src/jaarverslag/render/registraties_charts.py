"""Charts of the figures only registrations give: telephone norms by hour of week, arrival times, busy hours, urgency.

Each takes the rows the page may show (small cells already left out or marked by the chapter) and
returns the book's HTML figure with a phone variant.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.colors import ListedColormap, TwoSlopeNorm
from matplotlib.patches import Patch

from jaarverslag.render import charts, fmt
from jaarverslag.render.registraties_text import WEEKDAYS_SHORT

SOURCE = "registraties van SHT (oproepen, visites en contacten), berekening dit boek"
SPREAD_PP = 10  # the colour scale of the heatmap runs from 10 points below the norm to 10 above
SMALL_COLOUR = "#bdbdbd"  # an hour with fewer than 10 calls: no share shown
MISSED_MARK = "•"
NO_CALLS_HATCH = "////"  # an hour without calls: the post is closed (weekdays in office hours)
NO_CALLS_EDGE = "#9e9e9e"
PHONE_TITLE_CHARS = 34  # a map's title wraps at this width on a phone
POST_STYLES = {"Hengelo": ("^", "--"), "Enschede": ("s", ":"), "Coronapost": ("D", "-."), "SHT": ("o", "-")}
URGENCY_COLOURS = {
    "U0": "#67000d", "U1": "#cb181d", "U2": "#fb6a4a", "U3": "#fdae6b", "U4": "#9ecae1", "U5": "#3182bd",
    "onbekend": "#d9d9d9",
}  # fmt: skip


def _grid(frame: pd.DataFrame, value: str) -> np.ndarray:
    """Return a 7 x 24 array (weekday x hour) of one column; NaN where the frame has no row."""
    grid = np.full((7, 24), np.nan)
    for r in frame.itertuples(index=False):
        grid[int(r.weekdag) - 1, int(r.uur)] = float(getattr(r, value))
    return grid


def _heatmap_panel(ax, part: pd.DataFrame, norm_pct: float, title: str, transpose: bool, cmap, norm) -> object:
    diff = _grid(part, "aandeel_pct") - norm_pct
    small = _grid(part.assign(k=part["klein"].astype(float)), "k") == 1
    missed = _grid(part.assign(g=(part["gemist"] & ~part["klein"]).astype(float)), "g") == 1
    shown = np.where(small, np.nan, diff)
    if transpose:
        shown, small, missed = shown.T, small.T, missed.T
    ax.imshow(np.where(small, 1.0, np.nan), cmap=ListedColormap([SMALL_COLOUR]), aspect="auto", vmin=0, vmax=1)
    image = ax.imshow(shown, cmap=cmap, norm=norm, aspect="auto")
    for i, j in zip(*np.nonzero(missed)):
        ax.text(j, i, MISSED_MARK, ha="center", va="center", color="black", fontsize=9)
    days = [WEEKDAYS_SHORT[d] for d in range(1, 8)]
    hours = [f"{h}" if h % 3 == 0 else "" for h in range(24)]
    if transpose:
        ax.set_xticks(range(7), days)
        ax.set_yticks(range(24), hours)
        ax.set_ylabel("uur")
    else:
        ax.set_yticks(range(7), days)
        ax.set_xticks(range(24), hours)
        ax.set_xlabel("uur van de dag")
    ax.grid(False)
    ax.set_title(title, loc="left")
    return image


def telephone_heatmap(uren: pd.DataFrame, norm_ids: list[str], jaar: int, naam: str) -> object:
    """Per telephone norm a weekday x hour map of the share answered within the limit, coloured against the norm.

    The phone variant turns each map a quarter (hours down, days across) and stacks the maps.
    """
    cmap = sns.color_palette("RdBu", as_cmap=True)
    norm = TwoSlopeNorm(vcenter=0, vmin=-SPREAD_PP, vmax=SPREAD_PP)
    parts = [uren[uren["norm_id"] == n] for n in norm_ids if (uren["norm_id"] == n).any()]
    legend = [
        Patch(facecolor=SMALL_COLOUR, label="minder dan 10 gesprekken"),
        Patch(facecolor="white", edgecolor=NO_CALLS_EDGE, hatch=NO_CALLS_HATCH, label="geen gesprekken (post dicht)"),
    ]
    figures = []
    for phone in (False, True):
        # Heights in inches, top to bottom: title room, the maps with gaps, the colour bar, legend and source.
        panel_h, width, gap = (4.4, charts.PHONE_WIDTH_IN, 0.75) if phone else (2.1, 9.0, 0.85)
        legend_in = 1.5 if phone else 0.75
        bar_y = legend_in + 0.55  # the colour bar's label sits below it
        maps_bottom = bar_y + 0.15 + 0.75  # room for the last map's hour labels and axis title
        height = maps_bottom + panel_h * len(parts) + gap * (len(parts) - 1) + 0.35
        fig = plt.figure(figsize=(width, height))
        left = 0.17 if phone else 0.07
        grid = fig.add_gridspec(
            len(parts), 1, left=left, right=0.97, top=1 - 0.35 / height, bottom=maps_bottom / height,
            hspace=gap / panel_h,
        )  # fmt: skip
        image = None
        for i, part in enumerate(parts):
            ax = fig.add_subplot(grid[i, 0])
            norm_pct = float(part["norm_pct"].iloc[0])
            label = f"{part['naam'].iloc[0]} (norm {fmt.printed_percent(norm_pct)})"
            label = textwrap.fill(label, PHONE_TITLE_CHARS) if phone else label
            ax.patch.set_facecolor("white")
            ax.patch.set_edgecolor(NO_CALLS_EDGE)
            ax.patch.set_hatch(NO_CALLS_HATCH)
            image = _heatmap_panel(ax, part, norm_pct, label, phone, cmap, norm)
            if i < len(parts) - 1:
                ax.set_xlabel("")
        cax = fig.add_axes((left, bar_y / height, 0.97 - left, 0.15 / height))
        bar = fig.colorbar(image, cax=cax, orientation="horizontal")
        bar.set_label(f"verschil met de norm (procentpunt); {MISSED_MARK} = norm gemist")
        bar.ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _p: fmt.getal(x)))
        fig.legend(handles=legend, loc="upper left", ncol=1 if phone else 2, frameon=False,
                   bbox_to_anchor=(0.0, (legend_in - 0.05) / height))  # fmt: skip
        source = fig.text(0.01, 0.05 / height, charts.SOURCE_PREFIX + SOURCE, fontsize=9, color="#444444", wrap=phone)
        if phone:
            for text in fig.findobj(plt.Text):
                text.set_fontsize(charts.PHONE_TEXT_PT)
            for ax in fig.axes[:-1]:
                ax.title.set_fontsize(charts.PHONE_TITLE_PT)
            source.set_fontsize(charts.PHONE_TEXT_PT)
        figures.append(fig)
    desktop, phone_figure = figures
    return charts.figure_html(
        desktop,
        naam,
        alt=(
            f"Per telefoonnorm een rooster van dagen en uren van {jaar}: blauw waar SHT de norm haalde, rood waar "
            "niet, met een stip in elk uur waarin de norm werd gemist. De cijfers staan in de CSV-tabel per uur."
        ),
        bijschrift=f"Telefonische bereikbaarheid per uur van de week, SHT, {jaar}",
        telefoon=phone_figure,
    )


def _arrival_figure(verdeling: pd.DataFrame, normen: pd.DataFrame, urgencies: list[str], jaar: int, phone: bool):
    n = len(urgencies)
    size = (charts.PHONE_WIDTH_IN, 5.2 * n + 1.6) if phone else (10, 4.4)
    fig, axes = plt.subplots(n if phone else 1, 1 if phone else n, figsize=size, squeeze=False)
    text_pt = charts.PHONE_TEXT_PT if phone else None
    for ax, urgentie in zip(axes.flat, urgencies):
        part = verdeling[verdeling["urgentie"] == urgentie]
        limits = normen[normen["urgentie"] == urgentie].drop_duplicates("norm_id")
        top = int(limits["grens_min"].max() * 2) if not limits.empty else 120
        for post, lines in part.groupby("post", sort=False):
            lines = lines[lines["minuten"] <= top]
            ax.plot(lines["minuten"], lines["aandeel_pct"], linestyle=POST_STYLES.get(post, ("o", "-"))[1], label=post,
                    linewidth=2)  # fmt: skip
        label = "norm: " + "; ".join(f"{fmt.printed_percent(r.norm_pct)} {r.grens}" for r in limits.itertuples())
        ax.plot(limits["grens_min"], limits["norm_pct"], marker="X", color="black", markersize=9, linestyle="none",
                label=textwrap.fill(label, 24) if phone else label)  # fmt: skip
        ax.set_xlim(0, top)
        ax.set_ylim(0, 103)
        ax.set_xlabel("minuten na de aanvraag", fontsize=text_pt)
        ax.set_ylabel("ter plaatse (%)", fontsize=text_pt)
        ax.set_title(f"{urgentie}-visites", loc="left", fontsize=charts.PHONE_TITLE_PT if phone else None)
        if phone:  # below the panel: a phone panel has no empty corner wide enough
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.34), ncol=1, frameon=False, fontsize=text_pt)
        else:  # the lower right corner is empty: every curve is near the top once the limits are passed
            ax.legend(loc="lower right", frameon=True, fontsize=9)
        if phone:
            ax.tick_params(labelsize=text_pt)
    heading = f"Aanrijtijd van visites, {jaar}: deel ter plaatse binnen zoveel minuten"
    if phone:
        fig.suptitle(textwrap.fill(heading, 40), x=0.01, ha="left", fontsize=charts.PHONE_TITLE_PT)
        source = fig.text(0.01, 0.005, charts.SOURCE_PREFIX + SOURCE, fontsize=text_pt, color="#444444", wrap=True)
        source.set_va("bottom")
        fig.tight_layout(rect=(0, 0.07, 1, 1))
    else:
        fig.suptitle(heading)
        charts.bron(fig, SOURCE)
        fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def arrival_curves(verdeling: pd.DataFrame, normen: pd.DataFrame, urgencies: list[str], jaar: int, naam: str) -> object:
    """Per urgency the share of visits on site within each number of minutes, one line per post, the norms marked."""
    return charts.figure_html(
        _arrival_figure(verdeling, normen, urgencies, jaar, phone=False),
        naam,
        alt=(
            f"Per urgentie een stijgende lijn per post: het deel van de visites van {jaar} waarbij de huisarts binnen "
            "zoveel minuten na de aanvraag ter plaatse was. Een kruis markeert elke norm; ligt de lijn op of boven "
            "het kruis, dan is die norm gehaald."
        ),
        bijschrift=f"Verdeling van de aanrijtijd van U1- en U2-visites per post, {jaar}",
        telefoon=_arrival_figure(verdeling, normen, urgencies, jaar, phone=True),
    )


def week_lines(per_post: pd.DataFrame, per_soort: pd.DataFrame, jaar: int, naam: str) -> object:
    """Contacts per hour of the week (average per week), per post and per kind of contact (SHT)."""
    fig, axes = plt.subplots(2, 1, figsize=(10, 6.4), sharex=True)
    for ax, frame, column, title in (
        (axes[0], per_post, "post", "Per post"),
        (axes[1], per_soort, "soort", "Per soort contact (SHT)"),
    ):
        for key, part in frame.groupby(column, sort=False):
            style = POST_STYLES.get(key, (None, "-"))[1] if column == "post" else "-"
            x = (part["weekdag"] - 1) * 24 + part["uur"]
            ax.plot(x, part["per_week"], linestyle=style, label=key, linewidth=1.8)
        ax.set_title(title, loc="left")
        ax.set_ylabel("contacten per week")
        ax.legend(loc="upper left", frameon=True, fontsize=10)
        for d in range(1, 7):
            ax.axvline(d * 24, color="#999999", linewidth=0.8)
        charts.dutch_thousands(ax.yaxis)
    axes[1].set_xticks([d * 24 + 12 for d in range(7)], [WEEKDAYS_SHORT[d + 1] for d in range(7)])
    axes[1].set_xlim(0, 168)
    axes[1].set_xlabel("uur van de week (maandag 0 uur tot zondag 24 uur)")
    fig.suptitle(f"Drukte per uur van de week, {jaar}: gemiddeld aantal contacten per week")
    charts.bron(fig, SOURCE)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return charts.figure_html(
        fig,
        naam,
        alt=(
            f"Twee lijngrafieken over de week van maandag tot zondag, {jaar}: het gemiddelde aantal contacten per "
            "uur, per post en per soort contact. De drukste uren staan in de tekst en in de tabel."
        ),
        bijschrift=f"Contacten per uur van de week (gemiddeld per week), {jaar}",
    )


def _urgency_figure(frame: pd.DataFrame, blocks: list[tuple[str, str]], urgencies: list[str], jaar: int, phone: bool):
    text_pt = charts.PHONE_TEXT_PT if phone else 9
    width = charts.PHONE_WIDTH_IN if phone else 10
    per_row = 0.5 if phone else 0.45
    fig, axes = plt.subplots(
        len(blocks), 1, figsize=(width, 2.2 + per_row * len(frame) + 0.9 * len(blocks)), squeeze=False,
        gridspec_kw={"height_ratios": [max(2, (frame["indeling"] == b).sum()) for b, _ in blocks]},
    )  # fmt: skip
    for ax, (indeling, title) in zip(axes[:, 0], blocks):
        part = frame[frame["indeling"] == indeling]
        left = np.zeros(len(part))
        labels = list(part["groep"])
        for u in urgencies:
            values = part[u].to_numpy(dtype=float)
            ax.barh(labels, values, left=left, color=URGENCY_COLOURS[u], label=u, edgecolor="white", linewidth=0.5)
            for y, (x0, v) in enumerate(zip(left, values)):
                if v >= (14 if phone else 8):
                    colour = "white" if u in ("U0", "U1", "U5") else "black"
                    ax.text(x0 + v / 2, y, fmt.getal(v), ha="center", va="center", fontsize=text_pt, color=colour)
            left += np.nan_to_num(values)
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_title(title, loc="left", fontsize=charts.PHONE_TITLE_PT if phone else None)
        ax.grid(False)
        if phone:
            ax.tick_params(labelsize=text_pt)
            ax.set_yticks(range(len(labels)), [textwrap.fill(x, 14) for x in labels])
    axes[-1, 0].set_xlabel("deel van de contacten (%)", fontsize=text_pt if phone else None)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    heading = f"Urgentie van de contacten, {jaar} (% per groep)"
    if phone:
        fig.suptitle(heading, x=0.01, ha="left", y=0.995, fontsize=charts.PHONE_TITLE_PT)
        fig.legend(handles, labels, loc="upper left", ncol=4, frameon=False, bbox_to_anchor=(0.0, 0.97),
                   fontsize=text_pt)  # fmt: skip
        source = fig.text(0.01, 0.005, charts.SOURCE_PREFIX + SOURCE, fontsize=text_pt, color="#444444", wrap=True)
        source.set_va("bottom")
        fig.tight_layout(rect=(0, 0.06, 1, 1 - 0.8 / fig.get_size_inches()[1]))
    else:
        fig.suptitle(heading, x=0.01, ha="left", y=0.995)
        fig.legend(handles, labels, loc="upper left", ncol=len(urgencies), frameon=False, bbox_to_anchor=(0.0, 0.955))
        charts.bron(fig, SOURCE)
        fig.tight_layout(rect=(0, 0.04, 1, 0.9))
    return fig


def urgency_bars(frame: pd.DataFrame, blocks: list[tuple[str, str]], urgencies: list[str], jaar: int, naam: str):
    """Per breakdown (post, age group, kind) horizontal bars of 100%, split by urgency (a phone variant drawn apart)."""
    return charts.figure_html(
        _urgency_figure(frame, blocks, urgencies, jaar, phone=False),
        naam,
        alt=(
            f"Gestapelde staven van 100% per post, per leeftijdsgroep en per soort contact, {jaar}: het deel van de "
            "contacten per urgentie van U0 (levensbedreigend) tot U5 (advies). De getallen staan in de tabel."
        ),
        bijschrift=f"Verdeling van de urgentie per post, leeftijdsgroep en soort contact, {jaar} (percentages)",
        telefoon=_urgency_figure(frame, blocks, urgencies, jaar, phone=True),
    )
