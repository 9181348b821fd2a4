"""ICT en dossierinzage: patients' consent to record access per post and for SHT; the page's sentences and values.

Consent (opt-in) is counted without and with the COVID opt-in; the denominator follows from the printed percentages.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jaarverslag.data.codebook import categories
from jaarverslag.data.load import is_available, load_table
from jaarverslag.data.rounding import round_half_up
from jaarverslag.data.status import CERTAIN
from jaarverslag.render import charts, fmt, tables, text
from jaarverslag.render.fmt import printed_percent
from jaarverslag.render.text import join_list

SHT = "SHT"
# The two measurements the report labels (codebook values of `meting`); the third block has no heading.
WITHOUT_COVID_OPT_IN = "Zonder COVID opt-in"
WITH_COVID_OPT_IN = "Met COVID opt-in"
ICT_SECTION = "ICT"  # projecten.sectie of the ICT projects
DENOMINATOR_ROUNDING = -2  # the derived denominators are shown rounded to hundreds: they are estimates


def overview(jaar: int, root: Path | None = None) -> pd.DataFrame | None:
    """Return consent counts and printed percentages per post and for SHT, per measurement; None without data."""
    if not is_available("dossierinzage", jaar, root):
        return None
    parts = [load_table("dossierinzage", jaar, root)]
    if is_available("dossierinzage_totaal", jaar, root):
        parts.append(load_table("dossierinzage_totaal", jaar, root))
    columns = ["post", "meting", "aantal_patienten", "aandeel_pct", "status", "toelichting"]
    frame = pd.concat(parts, ignore_index=True)[columns]
    post_rank = {p: i for i, p in enumerate([*categories(root)["post"], SHT])}
    meting_rank = {m: i for i, m in enumerate(categories(root)["meting_dossierinzage"])}
    frame = frame.sort_values(["meting", "post"], key=lambda s: s.map(meting_rank if s.name == "meting" else post_rank))
    frame = frame.reset_index(drop=True)
    frame["noemer"] = pd.array(
        [noemer(n, p) for n, p in zip(frame["aantal_patienten"], frame["aandeel_pct"])], dtype="Float64"
    )
    return frame


def noemer(aantal, aandeel_pct) -> float | None:
    """Return the denominator the printed percentage implies: count ÷ percentage × 100 (unrounded)."""
    if pd.isna(aantal) or pd.isna(aandeel_pct) or aandeel_pct == 0:
        return None
    return float(aantal) / float(aandeel_pct) * 100


def denominator_interval(aantal, aandeel_pct) -> tuple[float, float] | None:
    """Return the range of denominators that give the printed percentage after rounding half up to its decimals."""
    if pd.isna(aantal) or pd.isna(aandeel_pct) or aandeel_pct == 0:
        return None
    half = 0.5 * 10 ** -fmt.printed_decimals(aandeel_pct)
    return float(aantal) * 100 / (float(aandeel_pct) + half), float(aantal) * 100 / (float(aandeel_pct) - half)


def denominators(frame: pd.DataFrame) -> pd.DataFrame:
    """Return per post the denominator range that fits every printed percentage of that post, and its midpoint.

    `past` is False when the measurements of a post cannot share one denominator (then the range is empty).
    """
    rows = []
    for post, group in frame.groupby("post", sort=False):
        intervals = [
            i
            for i in (denominator_interval(n, p) for n, p in zip(group["aantal_patienten"], group["aandeel_pct"]))
            if i is not None
        ]
        if not intervals:
            continue
        low, high = max(i[0] for i in intervals), min(i[1] for i in intervals)
        rows.append(
            {
                "post": post,
                "ondergrens": low,
                "bovengrens": high,
                "past": low <= high,
                "schatting": (low + high) / 2 if low <= high else None,
                "metingen": len(intervals),
            }
        )
    return pd.DataFrame(rows)


def sum_differences(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the measurements where SHT's printed count differs from the sum of the posts (empty when all agree)."""
    posts = frame[frame["post"].ne(SHT)].groupby("meting", sort=False)["aantal_patienten"].sum()
    sht = frame[frame["post"].eq(SHT)].set_index("meting")["aantal_patienten"]
    rows = [
        {"meting": m, "sht": int(sht[m]), "som_posten": int(posts[m])}
        for m in sht.index
        if m in posts.index and pd.notna(sht[m]) and sht[m] != posts[m]
    ]
    return pd.DataFrame(rows, columns=["meting", "sht", "som_posten"])


def covid_effect(frame: pd.DataFrame) -> pd.DataFrame:
    """Return per post the consent without and with the COVID opt-in, and what the COVID opt-in adds."""
    wide = frame[frame["meting"].isin([WITHOUT_COVID_OPT_IN, WITH_COVID_OPT_IN])].pivot(
        index="post", columns="meting", values=["aantal_patienten", "aandeel_pct"]
    )
    order = [p for p in dict.fromkeys(frame["post"]) if p in wide.index]
    wide = wide.loc[order]
    return pd.DataFrame(
        {
            "post": order,
            "zonder": wide[("aantal_patienten", WITHOUT_COVID_OPT_IN)].to_numpy(),
            "met": wide[("aantal_patienten", WITH_COVID_OPT_IN)].to_numpy(),
            "zonder_pct": wide[("aandeel_pct", WITHOUT_COVID_OPT_IN)].to_numpy(),
            "met_pct": wide[("aandeel_pct", WITH_COVID_OPT_IN)].to_numpy(),
        }
    ).assign(extra=lambda f: f["met"] - f["zonder"], extra_pctpunt=lambda f: f["met_pct"] - f["zonder_pct"])


def _row(frame: pd.DataFrame, post: str, meting: str):
    rows = frame[frame["post"].eq(post) & frame["meting"].eq(meting)]
    return None if rows.empty else rows.iloc[0]


def _unavailable(jaar: int) -> str:
    return f"Voor {jaar} zijn geen cijfers over toestemming voor dossierinzage beschikbaar."


def headline_sentence(frame: pd.DataFrame | None, jaar: int) -> str:
    """Return the headline: patients with consent at the end of the year, with and without the COVID opt-in."""
    if frame is None:
        return _unavailable(jaar)
    met, zonder = _row(frame, SHT, WITH_COVID_OPT_IN), _row(frame, SHT, WITHOUT_COVID_OPT_IN)
    if met is None or zonder is None:
        return f"Voor {jaar} ontbreekt het SHT-totaal van de toestemming voor dossierinzage in de gegevens."
    return (
        f"Eind {jaar} mochten de spoedposten het dossier inzien van {fmt.getal(met['aantal_patienten'])} patiënten "
        f"({printed_percent(met['aandeel_pct'])}), als de toestemmingen via de coronaregeling meetellen. "
        f"Zonder die regeling waren het er {fmt.getal(zonder['aantal_patienten'])} "
        f"({printed_percent(zonder['aandeel_pct'])})."
    )


def covid_sentence(frame: pd.DataFrame | None, jaar: int) -> str:
    """Return what the COVID opt-in added, for SHT and per post."""
    if frame is None:
        return f"Wat de coronaregeling in {jaar} toevoegde, is daarom niet bekend."
    effect = covid_effect(frame)
    if effect.empty:
        return f"Voor {jaar} is niet te zeggen wat de coronaregeling toevoegde: een van beide metingen ontbreekt."
    per_post = [
        f"{r.post} {fmt.getal(r.extra)} ({pct_points_text(r.extra_pctpunt)})"
        for r in effect.itertuples(index=False)
        if r.post != SHT
    ]
    sht = effect[effect["post"].eq(SHT)]
    head = (
        f"De coronaregeling voegde voor SHT {fmt.getal(sht['extra'].iloc[0])} patiënten toe "
        f"({pct_points_text(sht['extra_pctpunt'].iloc[0])}). "
        if not sht.empty
        else ""
    )
    return head + "Per post: " + join_list(per_post) + "."


def pct_points_text(value) -> str:
    """Format a difference between two printed percentages in percentage points: '+23,8 procentpunt'."""
    return fmt.MISSING_TEXT if pd.isna(value) else f"{fmt.percentage_points(value)} procentpunt"


def above_100_sentence(frame: pd.DataFrame | None, jaar: int) -> str:
    """Return which printed percentages exceed 100%, or that none does."""
    if frame is None:
        return f"Of er in {jaar} percentages boven 100% voorkwamen, is niet na te gaan."
    over = frame[frame["aandeel_pct"] > 100]
    if over.empty:
        return "Geen van de gedrukte percentages ligt boven 100%."
    parts = []
    for post, group in over.groupby("post", sort=False):
        values = [
            printed_percent(v) + ("†" if s != CERTAIN else "") for v, s in zip(group["aandeel_pct"], group["status"])
        ]
        parts.append(f"{post} ({join_list(values)})")
    return (
        "Boven 100% liggen de percentages van " + ", ".join(parts) + ": daar gaven meer patiënten toestemming dan "
        "de groep waarover het percentage is berekend."
    )


def noemer_zin(frame: pd.DataFrame | None, jaar: int, root: Path | None = None) -> str:
    """Return the denominator the percentages imply, and how it compares with the number of inhabitants."""
    if frame is None:
        return f"Ook de noemer van de percentages is voor {jaar} niet na te rekenen."
    table = denominators(frame)
    if not table["past"].all():
        wrong = ", ".join(table.loc[~table["past"], "post"])
        return (
            f"Het verslag noemt niet waarover de percentages berekend zijn, en voor {wrong} passen de percentages "
            f"niet bij één en dezelfde noemer."
        )
    parts = [
        f"{r.post} ongeveer {fmt.getal(round_half_up(r.schatting, DENOMINATOR_ROUNDING))}"
        for r in table.itertuples(index=False)
    ]
    text = (
        "Het verslag noemt niet waarover de percentages berekend zijn. Rekenen we terug (aantal gedeeld door "
        "percentage), dan komt er binnen de afronding bij elke meting dezelfde noemer uit: " + join_list(parts) + "."
    )
    if is_available("inwoners", jaar, root):
        inwoners = load_table("inwoners", jaar, root)["inwoners"].sum()
        text += (
            f" Het werkgebied telde {fmt.getal(inwoners)} inwoners; de noemer is dus niet het aantal inwoners, "
            f"maar vermoedelijk het aantal patiënten dat bij een huisarts in de regio staat ingeschreven."
        )
    else:
        text += (
            f" Het aantal inwoners van het werkgebied is voor {jaar} niet beschikbaar, "
            f"dus een vergelijking met de noemer kan niet worden gemaakt."
        )
    return text


def onzeker_zin(frame: pd.DataFrame | None, jaar: int) -> str:
    """Return a sentence on the measurements whose meaning is uncertain, or that every value is certain."""
    if frame is None:
        return f"Er zijn voor {jaar} dus ook geen onzekere waarden te melden."
    unsure = frame[frame["status"].ne(CERTAIN)]
    if unsure.empty:
        return "Alle getallen in dit hoofdstuk zijn eenduidig uit het jaarverslag overgenomen."
    parts = []
    for meting, group in unsure.groupby("meting", sort=False):
        values = ", ".join(
            f"{r.post} {fmt.getal(r.aantal_patienten)} ({printed_percent(r.aandeel_pct)})"
            for r in group.itertuples(index=False)
        )
        parts.append(f"“{meting}” ({values})")
    return (
        "Onzeker (†): " + "; ".join(parts) + ". In het verslag staat dit blok boven de twee benoemde metingen "
        "zonder eigen kop. De getallen zijn duidelijk leesbaar, maar wat ze tellen staat er niet bij. "
        "Dit boek trekt er daarom geen conclusies uit."
    )


def ict_sentence(jaar: int, root: Path | None = None) -> str:
    """Return the year's ICT projects from the projecten table in one sentence, or that none are recorded."""
    if not is_available("projecten", jaar, root):
        return f"Voor {jaar} zijn geen ICT-projecten vastgelegd."
    projects = load_table("projecten", jaar, root)
    projects = projects[projects["sectie"].eq(ICT_SECTION) & projects["projectjaar"].eq(jaar)]
    if projects.empty:
        return f"Het verslag over {jaar} noemt geen ICT-projecten."
    names = [p + (" (onzeker)" if s != CERTAIN else "") for p, s in zip(projects["project"], projects["status"])]
    return f"ICT-project in {jaar}: " + "; ".join(names) + "."


# --- table and chart ---------------------------------------------------------------------------------


def tabel(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the chapter table with Dutch column names and the derived denominator."""
    return pd.DataFrame(
        {
            "Meting": frame["meting"],
            "Spoedpost": frame["post"],
            "Patiënten met toestemming": frame["aantal_patienten"],
            "Percentage (gedrukt)": frame["aandeel_pct"],
            "Teruggerekende noemer": fmt.shown(frame["noemer"], DENOMINATOR_ROUNDING),  # as shown, also in the CSV
        }
    )


def denominator_text(value) -> str:
    """Format a derived denominator rounded to hundreds, marked as approximate: '≈ 189.700'."""
    return fmt.MISSING_TEXT if pd.isna(value) else f"≈ {fmt.getal(round_half_up(value, DENOMINATOR_ROUNDING))}"


def formatters() -> dict:
    """Return the cell formatters of the chapter table."""
    return {"Percentage (gedrukt)": printed_percent, "Teruggerekende noemer": denominator_text}


def onzeker(frame: pd.DataFrame) -> pd.Series:
    """Return which rows hold a value that is not certain."""
    return frame["status"].ne(CERTAIN)


def grafiek(frame: pd.DataFrame, jaar: int):
    """Return bars of the share with consent per post, without and with the COVID opt-in, a 100% line; and alt text."""
    import matplotlib.pyplot as plt
    import numpy as np

    effect = covid_effect(frame)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    fig, ax = plt.subplots(figsize=(7, 1.9 + 0.85 * len(effect)))
    y = np.arange(len(effect))[::-1].astype(float)
    height = 0.38
    # Value labels in a column right of the 100% line and of every bar.
    label_x = max(float(effect["met_pct"].max()), float(effect["zonder_pct"].max()), 100) + 3
    series = [
        (WITHOUT_COVID_OPT_IN, "zonder_pct", "zonder", "///", colours[0], height / 2),
        (WITH_COVID_OPT_IN, "met_pct", "met", None, colours[0], -height / 2),
    ]
    for label, column, count, hatch, colour, offset in series:
        ax.barh(
            y + offset,
            effect[column].astype(float),
            height=height * 0.95,
            label=label,
            color="white" if hatch else colour,
            edgecolor=colour,
            hatch=hatch,
            linewidth=1.2,
        )
        for yy, value, n in zip(y + offset, effect[column], effect[count]):
            ax.text(label_x, yy, f"{printed_percent(value)} ({fmt.getal(n)})", va="center", ha="left", fontsize=9)
    ax.axvline(100, color="black", linestyle="--", linewidth=1.2)
    ax.text(101, y.max() + 0.55, "100%", ha="left", va="bottom", fontsize=9)
    ax.set_yticks(y, effect["post"], fontsize=10)
    ax.set_xlim(0, label_x + 33)
    ax.set_xticks(range(0, 101, 20))
    ax.set_ylim(-0.6, y.max() + 0.9)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _p: f"{v:.0f}%"))
    ax.tick_params(axis="x", labelsize=9)
    ax.set_xlabel("Patiënten met toestemming, als percentage (zoals gedrukt)", fontsize=9.5)
    ax.set_title(f"Toestemming voor dossierinzage, eind {jaar}", loc="left", fontsize=11)
    legend_height = 0.35 / fig.get_figheight()  # figure fraction of the legend row under the axis
    fig.legend(
        *ax.get_legend_handles_labels(),
        loc="lower left",
        bbox_to_anchor=(0.01, 0.3 / fig.get_figheight()),
        ncol=2,
        fontsize=9,
        frameon=False,
    )
    charts.bron(fig, f"jaarverslag SHT {jaar}")
    fig.tight_layout(rect=(0, 0.3 / fig.get_figheight() + legend_height, 1, 1))
    values = "; ".join(
        f"{r.post} {printed_percent(r.zonder_pct)} zonder en {printed_percent(r.met_pct)} met de coronaregeling"
        for r in effect.itertuples(index=False)
    )
    alt = (
        f"Liggend staafdiagram van het percentage patiënten met toestemming voor dossierinzage eind {jaar}, per "
        f"post en voor SHT, zonder (gearceerd) en met de toestemming via de coronaregeling, met een stippellijn bij "
        f"100%. {values}."
    )
    return fig, alt


# --- the page -----------------------------------------------------------------------------------------


def _figure_table(frame: pd.DataFrame | None, jaar: int):
    if frame is None:
        return tables.unavailable("de toestemming voor dossierinzage", jaar)
    fig, alt = grafiek(frame, jaar)
    return tables.combine(
        charts.figure_html(
            fig,
            "dossierinzage_toestemming",
            alt,
            bijschrift=f"Toestemming voor dossierinzage eind {jaar}, zonder en met de coronaregeling; "
            f"de stippellijn staat bij 100%.",
        ),
        tables.html(
            tabel(frame),
            "dossierinzage_toestemming",
            bijschrift=f"Patiënten met toestemming voor dossierinzage eind {jaar}, per meting",
            formatters=formatters(),
            onzeker=onzeker(frame),
        ),
    )


def page_values(jaar: int, root: Path | None = None) -> dict[str, object]:
    """Return every value the dossierinzage page glues, for a year with data and a year without."""
    charts.apply_style()
    frame = overview(jaar, root)
    return {
        "jaar": str(jaar),
        "kern": headline_sentence(frame, jaar),
        "covid": covid_sentence(frame, jaar),
        "boven_100": above_100_sentence(frame, jaar),
        "noemer": noemer_zin(frame, jaar, root),
        "onzeker": onzeker_zin(frame, jaar),
        "ict": ict_sentence(jaar, root),
        "figuur_tabel": _figure_table(frame, jaar),
        # the printed report's own contradiction, from the ledger (data/checks: aandeel_boven_100)
        "afwijkingen": text.ledger_notes(jaar, ("aandeel_boven_100",), "Geen gedrukt aandeel ligt boven 100%.", root),
    }
