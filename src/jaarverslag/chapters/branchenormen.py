"""Branchenormen, the page: sentences and the chart on each norm's result, met or not and how sure; page_values.

The results, verdicts, counts and tables come from `jaarverslag.chapters.branchenormen_numbers`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jaarverslag.chapters.branchenormen_numbers import (
    HIDDEN,
    SHT,
    VERDICT_MET,
    VERDICT_NOT_MET,
    Count,
    previous_year_formatters,
    resultaten,
    results_formatters,
    results_table,
    shown_difference,
    tabel_normen,
    tabel_toelichting,
    tabel_vorig_jaar,
    tellingen,
    uncertain_previous_year,
)
from jaarverslag.data import landelijk
from jaarverslag.data.load import is_available
from jaarverslag.data.status import CERTAIN, UNCERTAIN
from jaarverslag.render import charts, fmt, tables, text
from jaarverslag.render import landelijk_text as lt
from jaarverslag.render.text import join_list

UNCERTAIN_DAGGER = "†"
MARKERS = {"Hengelo": "^", "Enschede": "s", SHT: "o"}  # a shape per post: colour is never the only cue


def _lower_first(naam: str) -> str:
    """Lower-case a name's first letter for use inside a sentence, but keep codes such as 'U1-visite'."""
    return naam[0].lower() + naam[1:] if len(naam) > 1 and naam[1].islower() else naam


HIDDEN_REASON = "te weinig gesprekken of visites om te publiceren"


def _n(aantal: int, enkelvoud: str, meervoud: str) -> str:
    return f"{fmt.getal(aantal)} {enkelvoud if aantal == 1 else meervoud}"


def count_text(t: Count) -> str:
    """Return one post's score as a sentence, keeping certain and uncertain verdicts apart."""
    parts = [f"met zekere waarde {fmt.getal(t.zeker_gehaald)} gehaald en {fmt.getal(t.zeker_niet_gehaald)} niet"]
    if t.onzeker_gehaald or t.onzeker_niet_gehaald:
        parts.append(
            f"met onzekere waarde {fmt.getal(t.onzeker_gehaald)} gehaald en {fmt.getal(t.onzeker_niet_gehaald)} niet"
        )
    if t.ontbreekt:
        parts.append(f"bij {_n(t.ontbreekt, 'norm', 'normen')} ontbreekt de waarde")
    if t.afgeschermd:
        parts.append(f"bij {_n(t.afgeschermd, 'norm', 'normen')} is de waarde afgeschermd ({HIDDEN_REASON})")
    return f"{t.post}: {join_list(parts)}."


def samenvatting_zin(frame: pd.DataFrame | None, jaar: int, root: Path | None = None) -> str:
    """Return the chapter's headline: how many norms SHT and each post met, with the uncertainty spelled out."""
    if frame is None:
        return f"Voor {jaar} zijn geen resultaten op de branchenormen beschikbaar; de normen zelf staan hierboven."
    n_norms = frame["norm_id"].nunique()
    counts = tellingen(frame)
    lines = []
    if SHT in counts:
        t = counts[SHT]
        sure = t.zeker_gehaald + t.zeker_niet_gehaald
        lines.append(
            f"Van de {fmt.getal(n_norms)} branchenormen heeft SHT als geheel in {jaar} bij "
            f"{fmt.getal(sure)} een zekere waarde: daarvan haalde SHT er {fmt.getal(t.zeker_gehaald)} en "
            f"miste het er {fmt.getal(t.zeker_niet_gehaald)}."
        )
        uncertain = t.onzeker_gehaald + t.onzeker_niet_gehaald
        if uncertain:
            lines.append(
                f"Bij {fmt.getal(uncertain)} is de waarde van SHT onzeker ({UNCERTAIN_DAGGER}): volgens de "
                f"overgenomen waarden zou SHT er {fmt.getal(t.onzeker_gehaald)} halen en "
                f"{fmt.getal(t.onzeker_niet_gehaald)} missen, maar dat oordeel is niet hard."
            )
        if t.ontbreekt:
            lines.append(f"Bij {_n(t.ontbreekt, 'norm', 'normen')} ontbreekt de waarde van SHT.")
        if t.afgeschermd:
            n = _n(t.afgeschermd, "norm", "normen")
            lines.append(f"Bij {n} is de waarde van SHT afgeschermd ({HIDDEN_REASON}).")
    posts = [p for p in counts if p != SHT]
    if posts:
        lines.extend(count_text(counts[p]) for p in posts)
    else:
        lines.append(f"Voor {jaar} geeft de bron alleen het resultaat van SHT als geheel, niet per post.")
    return " ".join(lines)


def missed_sentence(frame: pd.DataFrame | None, jaar: int) -> str:
    """Return which norms were missed for certain, and which were missed according to an uncertain value."""
    if frame is None:
        return f"Voor {jaar} is niet bekend welke normen gehaald zijn."
    missed = frame[frame["gehaald"].eq(False)]
    if missed.empty:
        return f"In {jaar} is volgens de beschikbare waarden geen enkele norm gemist."

    def listing(rows: pd.DataFrame) -> str:
        parts = []
        for _norm_id, group in rows.groupby("norm_id", sort=False):
            values = ", ".join(f"{r.post} {fmt.norm_result(r.resultaat_pct)}" for r in group.itertuples(index=False))
            parts.append(f"{_lower_first(group['naam'].iloc[0])} (norm {group['norm_tekst'].iloc[0]}; {values})")
        return "; ".join(parts)

    sure = missed[missed["status"].eq(CERTAIN)]
    unsure = missed[~missed["status"].eq(CERTAIN)]
    lines = []
    if not sure.empty:
        lines.append(f"Zeker niet gehaald in {jaar}: {listing(sure)}.")
    if not unsure.empty:
        lines.append(f"Niet gehaald volgens een onzekere waarde: {listing(unsure)}.")
    return " ".join(lines)


def certain_sentence(frame: pd.DataFrame | None, jaar: int) -> str:
    """Return which norms have only certain values this year (the ones whose verdict is firm)."""
    if frame is None:
        return f"Voor {jaar} zijn er geen resultaten, dus ook geen zekere of onzekere waarden."
    by_norm = frame.groupby("norm_id", sort=False)
    sure = [g["naam"].iloc[0] for _, g in by_norm if g["status"].eq(CERTAIN).all()]
    if not sure:
        return f"In {jaar} is geen enkele norm met alleen zekere waarden overgenomen."
    if len(sure) == by_norm.ngroups:
        return f"In {jaar} zijn alle waarden zeker."
    return f"Zeker zijn in {jaar} alleen de resultaten bij {join_list([_lower_first(n) for n in sure])}."


def previous_year_sentence(frame: pd.DataFrame | None, jaar: int) -> str:
    """Return how SHT's results compare with last year's, counting only pairs where both values are certain as firm."""
    if frame is None:
        return f"Voor {jaar} zijn geen resultaten beschikbaar, dus ook geen vergelijking met {jaar - 1}."
    sht = frame[frame["post"].eq(SHT)].dropna(subset=["resultaat_pct", "resultaat_pct_vorig_jaar"])
    if sht.empty:
        return (
            f"Resultaten over {jaar - 1} zijn niet beschikbaar, dus een vergelijking met het vorige jaar "
            f"kan niet worden gemaakt."
        )
    # Compared as shown (whole percents): two values that show the same count as equal.
    diff = list(shown_difference(sht["resultaat_pct"], sht["resultaat_pct_vorig_jaar"]))
    higher, lower = sum(d > 0 for d in diff), sum(d < 0 for d in diff)
    same = len(sht) - higher - lower
    text = (
        f"Vergeleken met {jaar - 1} (alleen voor SHT als geheel bekend, in hele procenten) lag het resultaat bij "
        f"{_n(higher, 'norm', 'normen')} hoger, bij {fmt.getal(lower)} lager"
        + (f" en bij {fmt.getal(same)} gelijk." if same else ".")
    )
    firm = sht[sht["status"].eq(CERTAIN) & sht["status_vorig_jaar"].eq(CERTAIN)]
    if firm.empty:
        return text + " Geen van deze vergelijkingen berust op twee zekere waarden."
    pairs = [
        f"{_lower_first(r.naam)} {fmt.norm_result(r.resultaat_pct_vorig_jaar)} → {fmt.norm_result(r.resultaat_pct)}"
        for r in firm.itertuples(index=False)
    ]
    return text + " Hard zijn alleen de vergelijkingen met twee zekere waarden: " + "; ".join(pairs) + "."


# --- chart -------------------------------------------------------------------------------------------


def grafiek(frame: pd.DataFrame, jaar: int, telefoon: bool = False):
    """Return a dot plot (per norm one line per post, the norm as a black tick, the verdict in words) and alt text.

    telefoon: the narrow variant for a phone (charts.figure_html): larger type, the norm on its own line.
    """
    import math

    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.transforms import blended_transform_factory

    posts = list(dict.fromkeys(frame["post"]))
    palette = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    colours = dict(zip([*MARKERS, *[p for p in posts if p not in MARKERS]], palette))  # the same colour every year
    norm_ids = list(dict.fromkeys(frame["norm_id"]))
    gap = 0.35  # extra space between norms, in rows
    n_rows = len(norm_ids) * (len(posts) + 1 + telefoon + gap)

    def size(points: float) -> float:
        return charts.PHONE_TEXT_PT if telefoon else points

    if telefoon:
        fig, ax = plt.subplots(figsize=(charts.PHONE_WIDTH_IN, 2.6 + 0.3 * n_rows))
        height = fig.get_figheight()
        fig.subplots_adjust(left=0.25, right=0.5, top=1 - 0.75 / height, bottom=2.1 / height)
    else:
        fig, ax = plt.subplots(figsize=(6.5, 1.5 + 0.23 * n_rows))
        fig.subplots_adjust(left=0.15, right=0.68, top=1 - 0.45 / fig.get_figheight(), bottom=1.0 / fig.get_figheight())
    axes_x = blended_transform_factory(ax.transAxes, ax.transData)
    lowest = min(float(frame["resultaat_pct"].min(skipna=True)), float(frame["norm_pct"].min()))
    x_min = math.floor(lowest / 10) * 10
    y, ticks, labels = 0.0, [], []
    for i, norm_id in enumerate(norm_ids):
        rows = frame[frame["norm_id"].eq(norm_id)].set_index("post")
        band_top = y + 0.5
        ax.text(
            0.0,
            y,
            f" {rows['naam'].iloc[0]}",
            transform=axes_x,
            va="center",
            ha="left",
            fontsize=size(9.5),
            fontweight="bold",
        )
        if telefoon:  # no room beside the name: the norm goes on the next line
            y -= 1
        ax.text(
            0.0 if telefoon else 1.02,
            y,
            f"{' ' if telefoon else ''}norm {rows['norm_tekst'].iloc[0]}",
            transform=axes_x,
            va="center",
            ha="left",
            fontsize=size(9.5),
            fontweight="bold",
        )
        y -= 1
        first = y
        for post in posts:
            ticks.append(y)
            labels.append(post)
            row = rows.loc[post] if post in rows.index else None
            if row is None or pd.isna(row["resultaat_pct"]):
                ax.text(
                    1.02,
                    y,
                    "afgeschermd" if row is not None and row["status"] == HIDDEN else "ontbreekt",
                    transform=axes_x,
                    va="center",
                    ha="left",
                    fontsize=size(9),
                    style="italic",
                    color="#444444",
                )
            else:
                sure = row["status"] == CERTAIN
                colour = colours[post]
                ax.plot(
                    float(row["resultaat_pct"]),
                    y,
                    marker=MARKERS.get(post, "D"),
                    markersize=8,
                    color=colour,
                    markerfacecolor=colour if sure else "white",
                    markeredgewidth=1.6,
                    linestyle="none",
                    zorder=3,
                )
                verdict = VERDICT_MET if row["gehaald"] else VERDICT_NOT_MET
                ax.text(
                    1.02,
                    y,
                    f"{fmt.norm_result(row['resultaat_pct'])}{'' if sure else UNCERTAIN_DAGGER} {verdict}",
                    transform=axes_x,
                    va="center",
                    ha="left",
                    fontsize=size(9),
                    fontweight="normal" if row["gehaald"] else "bold",
                )
            y -= 1
        norm = float(rows["norm_pct"].iloc[0])
        ax.plot([norm, norm], [first + 0.45, y + 1 - 0.45], color="black", linewidth=2.2, zorder=2)
        if i % 2 == 0:
            ax.axhspan(y + 0.5, band_top, color="#efefef", zorder=0)
        y -= gap
    ax.set_yticks(ticks, labels, fontsize=size(9))
    ax.set_ylim(y + gap + 0.5, 0.5)
    ax.set_xlim(x_min, 100.5)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _p: f"{v:.0f}%"))
    ax.tick_params(axis="x", labelsize=size(9))
    ax.set_xlabel("Percentage binnen de tijdgrens", fontsize=size(9.5))
    ax.grid(axis="y", visible=False)
    title = f"Branchenormen {jaar}: gehaald of niet"
    if telefoon:  # from the figure's left edge: the plot itself is narrow
        fig.text(0.02, 1 - 0.3 / fig.get_figheight(), title, ha="left", fontsize=charts.PHONE_TITLE_PT, weight="bold")
    else:
        ax.set_title(title, loc="left", fontsize=11)
    handles = [
        Line2D([], [], marker=MARKERS.get(p, "D"), color=colours[p], linestyle="none", markersize=7, label=p)
        for p in posts
    ]
    handles += [
        Line2D(
            [],
            [],
            marker="o",
            color="#555555",
            markerfacecolor="white",
            markeredgewidth=1.6,
            linestyle="none",
            markersize=7,
            label=f"open: onzeker {UNCERTAIN_DAGGER}",
        ),
        Line2D([], [], marker="|", color="black", markersize=12, markeredgewidth=2.2, linestyle="none", label="norm"),
    ]
    fig.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.01, (0.75 if telefoon else 0.28) / fig.get_figheight()),
        ncol=2 if telefoon else len(handles),
        fontsize=size(8.5),
        frameon=False,
        handletextpad=0.2,
        columnspacing=0.9,
    )
    charts.bron(fig, f"jaarverslag SHT {jaar}; normen: de landelijke branchenormen")
    if telefoon:
        fig.texts[-1].set(fontsize=charts.PHONE_TEXT_PT, wrap=True)
    return fig, alt_text(frame, jaar)


def alt_text(frame: pd.DataFrame, jaar: int) -> str:
    """Return the chart's alt text: what it shows and SHT's key numbers."""
    counts = tellingen(frame)
    text = (
        f"Stippengrafiek van de resultaten op {fmt.getal(frame['norm_id'].nunique())} branchenormen in {jaar}, "
        f"per norm één regel per post ({', '.join(counts)}), met de norm als zwart streepje en naast elke stip "
        f"het percentage en gehaald of niet gehaald. "
    )
    if SHT in counts:
        t = counts[SHT]
        text += (
            f"SHT: met zekere waarde {_n(t.zeker_gehaald, 'norm', 'normen')} gehaald en "
            f"{fmt.getal(t.zeker_niet_gehaald)} niet; met onzekere waarde {fmt.getal(t.onzeker_gehaald)} "
            f"gehaald en {fmt.getal(t.onzeker_niet_gehaald)} niet. "
        )
    return text + missed_sentence(frame, jaar)


# --- the page -----------------------------------------------------------------------------------------


def _results_block(frame: pd.DataFrame | None, jaar: int):
    if frame is None:
        return tables.unavailable("de resultaten op de branchenormen", jaar)
    fig, alt = grafiek(frame, jaar)
    bijschrift = (
        f"Resultaten op de branchenormen in {jaar}: per norm elke post, de norm als zwart streepje en het "
        f"oordeel in woorden. Open symbool en † = onzekere waarde."
    )
    return tables.combine(
        charts.figure_html(
            fig, "branchenormen_resultaten", alt, bijschrift=bijschrift, telefoon=grafiek(frame, jaar, telefoon=True)[0]
        ),
        tables.html(
            results_table(frame, jaar),
            "branchenormen_resultaten",
            csv_frame=results_table(frame, jaar, printed=True),
            bijschrift=f"Resultaat per branchenorm en spoedpost, {jaar} (een streepje: de waarde ontbreekt "
            f"in de bron, zie de kolom Oordeel)",
            formatters=results_formatters(jaar),
            onzeker=frame["status"].eq(UNCERTAIN),
        ),
    )


def _explanation_block(frame: pd.DataFrame | None, jaar: int):
    if frame is None:
        return tables.unavailable("onzekere of ontbrekende resultaten op de branchenormen", jaar)
    toelichting = tabel_toelichting(frame)
    if toelichting.empty:
        return tables.sentence_html("Alle waarden van dit jaar zijn eenduidig uit het verslag overgenomen.")
    return tables.html(
        toelichting, "branchenormen_toelichting", bijschrift=f"Waarom waarden van {jaar} onzeker zijn of ontbreken"
    )


def _working_notes_block(frame: pd.DataFrame | None, jaar: int):
    """The transcription notes per uncertain value: shown on the calculation page (verantwoording), not the chapter."""
    if frame is None:
        return tables.unavailable("onzekere of ontbrekende resultaten op de branchenormen", jaar)
    notes = tabel_toelichting(frame, werknotities=True)
    if notes.empty:
        return tables.sentence_html("Alle waarden van dit jaar zijn eenduidig uit het verslag overgenomen.")
    return tables.html(
        notes, "branchenormen_overname", bijschrift=f"Hoe de onzekere waarden van {jaar} uit het verslag zijn gelezen"
    )


def _previous_year_block(frame: pd.DataFrame | None, jaar: int, root: Path | None = None):
    if frame is None and is_available("branchenormen", jaar - 1, root):  # this year is the one missing
        return tables.unavailable("de resultaten op de branchenormen", jaar)
    vorig = tabel_vorig_jaar(frame, jaar) if frame is not None else None
    if vorig is None:
        return tables.unavailable("de branchenormen", jaar - 1)
    return tables.html(
        vorig,
        "branchenormen_vorig_jaar",
        csv_frame=tabel_vorig_jaar(frame, jaar, printed=True),
        bijschrift=f"SHT als geheel: {jaar} naast {jaar - 1} (✓ gehaald, ✗ niet gehaald)",
        formatters=previous_year_formatters(jaar),
        onzeker=uncertain_previous_year(frame),
    )


def source_sentence(jaar: int, root: Path | None = None) -> str:
    """Say where the year's results come from: computed from the registrations, or the typed table."""
    from jaarverslag.data import registrations

    if registrations.feeding_files("branchenormen", jaar, root):
        return (
            f"De resultaten over {jaar} zijn berekend uit de registraties van de telefooncentrale en de visites, niet "
            "overgenomen: ze vervangen de getypte tabel. De fiatteertijd en de afhandeltijd van U2-consulten staan "
            "niet in die registraties en ontbreken daarom. De verdeling achter deze percentages staat in het hoofdstuk "
            "Bereikbaarheid en aanrijtijden."
        )
    if not is_available("branchenormen", jaar, root):
        return ""
    return f"De resultaten over {jaar} komen uit de tabel met branchenormen in de gegevens van dat jaar."


def page_values(jaar: int, root: Path | None = None) -> dict[str, object]:
    """Return every value the branchenormen page glues, for a year with data and a year without."""
    charts.apply_style()
    frame = resultaten(jaar, root)
    return {
        "jaar": str(jaar),
        "samenvatting": samenvatting_zin(frame, jaar, root),
        "herkomst": source_sentence(jaar, root),
        "gemist": missed_sentence(frame, jaar),
        "vorig_jaar": previous_year_sentence(frame, jaar),
        "zeker": certain_sentence(frame, jaar),
        "landelijk": lt.telefoon_zin(
            landelijk.reference_for(landelijk.WAIT_URGENT_LINE, jaar, root),
            landelijk.reference_for(landelijk.WAIT_REGULAR_LINE, jaar, root),
        ),
        "tabel_normen": tables.html(
            tabel_normen(root),
            "branchenormen_normen",
            bijschrift="De branchenormen: welk deel binnen de tijdgrens moet vallen",
        ),
        "resultaten": _results_block(frame, jaar),
        "tabel_toelichting": _explanation_block(frame, jaar),
        "werknotities": _working_notes_block(frame, jaar),
        "tabel_vorig_jaar": _previous_year_block(frame, jaar, root),
        # the printed report's own contradiction, from the ledger (data/checks: sht_tussen_posten)
        "afwijkingen": text.ledger_notes(
            jaar, ("sht_tussen_posten",), "In de gedrukte volgorde ligt elk SHT-cijfer tussen de posten.", root
        ),
    }
