"""Most frequent ICPC diagnoses: the SHT top 10 and the corona post's top 3, with share of all procedures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jaarverslag.chapters import verrichtingen
from jaarverslag.data import status
from jaarverslag.data.load import is_available, load_table
from jaarverslag.data.paths import report_years
from jaarverslag.data.registrations import disclosure
from jaarverslag.render import fmt, suppression, tables
from jaarverslag.render.text import join_list

DATA_TABLE = "icpc_top"
SHT = "SHT"
CORONAPOST = "Coronapost"
SHARE_DECIMALS = 1  # the report prints shares with one decimal ("4,1% | 4.145")
UNCERTAIN_HATCH = "///"
UNCERTAIN_LABEL_MARK = " †"


def beschikbaar_voor(jaar: int, root: Path | None = None) -> bool:
    """Say whether the ICPC top lists exist for the year."""
    return is_available(DATA_TABLE, jaar, root)


def denominators(jaar: int, root: Path | None = None) -> dict[str, int]:
    """Return the denominators of the shares: all procedures of SHT and of each post in the year (summed).

    Empty when the year's procedures are not (yet) filled in: the top lists then have counts but no shares.
    """
    if not verrichtingen.beschikbaar_voor(jaar, root):
        return {}
    t = verrichtingen.totalen(jaar, root)
    per_post = {str(p): int(n) for p, n in zip(t.per_post["post"], t.per_post["aantal"])}
    return {SHT: t.totaal, **per_post}


def top(jaar: int, post: str = SHT, root: Path | None = None) -> pd.DataFrame:
    """Return one top list ranked by count, with the share of all procedures recomputed from the data.

    Columns: rang (1 = most frequent), diagnose, aantal, aandeel_pct (unrounded), aandeel_gedrukt,
    rang_gedrukt, status, toelichting. The SHT list has no printed ranks; the rank follows from the counts.
    """
    frame = load_table(DATA_TABLE, jaar, root).rename(
        columns={"aandeel_pct": "aandeel_gedrukt", "rang": "rang_gedrukt"}
    )
    frame = frame[frame["post"].astype(str) == post].copy()
    denominator = denominators(jaar, root).get(post)
    frame["aandeel_pct"] = (frame["aantal"].astype(float) / denominator * 100) if denominator else float("nan")
    frame = frame.sort_values(["aantal", "diagnose"], ascending=[False, True]).reset_index(drop=True)
    frame["rang"] = range(1, len(frame) + 1)
    return frame[
        ["rang", "diagnose", "aantal", "aandeel_pct", "aandeel_gedrukt", "rang_gedrukt", "status", "toelichting"]
    ]


def hidden(jaar: int, root: Path | None = None) -> dict[tuple, str]:
    """Return the counts the book must hide: (post, diagnose) for a list entry, (post, TOTAL) for a list's sum.

    A post whose total of procedures (the shares' denominator) is hidden gets (post, DENOMINATOR): then every
    share of its list is hidden too, since a share and its count give the denominator back.
    """
    states = dict(disclosure.hidden_cells(DATA_TABLE, jaar, root))
    if verrichtingen.beschikbaar_voor(jaar, root):
        totals = verrichtingen.hidden(jaar, root).dit_jaar
        for post in (SHT, CORONAPOST, *verrichtingen.POST_ORDER):
            state = totals.get(verrichtingen.total_key(None if post == SHT else post))
            if state:
                states[(post, DENOMINATOR)] = state
    return states


DENOMINATOR = "noemer"  # key in hidden(): the post's total of procedures


def _state(states: dict, post: str, diagnose) -> str | None:
    return states.get((post, str(diagnose)))


def _words(states: dict, post: str, diagnose, aantal) -> str:
    """Return a count as a sentence shows it (hidden counts in words)."""
    return suppression.words(_state(states, post, diagnose), fmt.getal(aantal))


def printed_share(aandeel_pct: float) -> float:
    """Return a share rounded as the report prints it: one decimal, half away from zero."""
    return fmt.round_half_up(aandeel_pct, SHARE_DECIMALS)


def onzeker(frame: pd.DataFrame) -> pd.Series:
    """Return the mask of rows whose label/number pairing could not be settled from the source."""
    return frame["status"].astype(str).eq(status.UNCERTAIN)


def _with_share(aantal, aandeel_pct, uncertain: bool = False) -> str:
    """Return a count with its share ('4.145 (4,1%)'), or the count alone when the share is not available."""
    extra = [fmt.percent(aandeel_pct, SHARE_DECIMALS)] if not pd.isna(aandeel_pct) else []
    extra += ["onzeker"] if uncertain else []
    return fmt.getal(aantal) + (f" ({', '.join(extra)})" if extra else "")


def share_missing_sentence(jaar: int) -> str:
    """Return the sentence saying the shares cannot be computed because the year's procedures are missing."""
    return (
        f"Het aandeel in alle verrichtingen is niet beschikbaar: de verrichtingen per spoedpost over {jaar} "
        f"ontbreken nog."
    )


def book_table(frame: pd.DataFrame, states: dict | None = None, post: str = SHT) -> pd.DataFrame:
    """Return a top list with Dutch column names (the status column is kept for the CSV).

    Hidden counts show as "<10" or "×" and their shares as "×"; every share when the post's total is hidden.
    """
    states = states or {}
    frame = frame.assign(aandeel_pct=fmt.shown(frame["aandeel_pct"], SHARE_DECIMALS))  # as shown, also in the CSV
    cells = {(d,): s for (p, d), s in states.items() if p == post and d != DENOMINATOR}
    frame = suppression.hide(frame, cells, ["diagnose"], counts=["aantal"], derived=["aandeel_pct"])
    if (post, DENOMINATOR) in states:
        frame = frame.assign(aandeel_pct=suppression.DERIVED)
    return frame[["rang", "diagnose", "aantal", "aandeel_pct", "status"]].rename(
        columns={
            "rang": "Rang",
            "diagnose": "Diagnose (ICPC)",
            "aantal": "Aantal",
            "aandeel_pct": "Aandeel",
            "status": "Status",
        }
    )


def table_formatters() -> dict:
    """Return the formatter of the share column."""
    return {"Aandeel": lambda v: fmt.percent(v, SHARE_DECIMALS)}


def samenvatting_zin(frame: pd.DataFrame, jaar: int, root: Path | None = None, states: dict | None = None) -> str:
    """Return the sentence on what the top 10 covers together and which diagnoses lead it (hidden counts in words)."""
    states = states or {}
    total = denominators(jaar, root).get(SHT)
    sure = frame[~onzeker(frame)]
    sum_state = states.get((SHT, disclosure.TOTAL))
    top_sum = suppression.words(sum_state, fmt.getal(frame["aantal"].sum()))
    total_state = states.get((SHT, DENOMINATOR))
    if total:
        share = (
            "" if sum_state or total_state else f" ({fmt.percent(frame['aantal'].sum() / total * 100, SHARE_DECIMALS)})"
        )
        text = (
            f"De {len(frame)} meest gestelde diagnoses waren in {jaar} samen goed voor "
            f"{top_sum} van de {suppression.words(total_state, fmt.getal(total))} verrichtingen{share}."
        )
    else:
        text = (
            f"De {len(frame)} meest gestelde diagnoses waren in {jaar} samen goed voor "
            f"{top_sum} verrichtingen. {share_missing_sentence(jaar)}"
        )
    if not sure.empty:
        first = sure.iloc[0]
        hidden_first = _state(states, SHT, first["diagnose"])
        share = (
            f", {fmt.percent(first['aandeel_pct'], SHARE_DECIMALS)}"
            if total and not hidden_first and not total_state
            else ""
        )
        text += (
            f" Van de diagnoses waarvan het aantal vaststaat, kwam {first['diagnose'].lower()} het vaakst voor "
            f"({_words(states, SHT, first['diagnose'], first['aantal'])} keer{share})."
        )
    covid = frame[frame["diagnose"].str.contains("COVID", case=False)]
    if not covid.empty:
        row = covid.iloc[0]
        text += (
            f" {row['diagnose']} staat op plaats {row['rang']} met "
            f"{_words(states, SHT, row['diagnose'], row['aantal'])} verrichtingen."
        )
    return text


def onzeker_zin(frame: pd.DataFrame, states: dict | None = None) -> str:
    """Return the sentence explaining which label/number pairings are uncertain, or that all are certain."""
    uncertain = frame[onzeker(frame)]
    if uncertain.empty:
        return "Alle omschrijvingen en aantallen in deze lijst staan in het verslag eenduidig bij elkaar."
    listing = join_list(
        [f"{d.lower()} ({_words(states or {}, SHT, d, n)})" for d, n in zip(uncertain["diagnose"], uncertain["aantal"])]
    )
    return (
        f"Bij {len(uncertain)} van de {len(frame)} diagnoses is niet zeker welk aantal bij welke omschrijving hoort: "
        f"in het gedrukte verslag staan de omschrijvingen en getallen daar niet naast elkaar. Het gaat om "
        f"{listing}. Ze zijn in de tabel gemarkeerd met{UNCERTAIN_LABEL_MARK} en in de grafiek gearceerd. "
        f"De aantallen zelf en de aandelen kloppen wel; alleen de koppeling aan de omschrijving is onzeker."
    )


def unavailable_sentence(jaar: int, root: Path | None = None) -> str:
    """Return the sentence shown when the year has no ICPC top lists: which years do have them."""
    years = [j for j in report_years(root) if is_available(DATA_TABLE, j, root)]
    if not years:
        return "Het verslag geeft voor geen enkel jaar een lijst van de meest gestelde diagnoses."
    return (
        "Een lijst van de meest gestelde diagnoses is in de gegevens alleen te vinden voor "
        f"{join_list([str(j) for j in years])}."
    )


def corona_sentence(frame: pd.DataFrame, jaar: int, root: Path | None = None, states: dict | None = None) -> str:
    """Return the sentence on the corona post's top 3 and its share of the post's procedures (hidden: in words)."""
    if frame.empty:
        return f"Voor {jaar} is geen top 3 van de coronapost beschikbaar."
    states = states or {}
    total = denominators(jaar, root).get(CORONAPOST)
    first = frame.iloc[0]
    first_count = _words(states, CORONAPOST, first["diagnose"], first["aantal"])
    if not total:
        return (
            f"Op de coronapost was {first['diagnose'].lower()} in {jaar} de meest gestelde diagnose "
            f"({first_count} keer). {share_missing_sentence(jaar)}"
        )
    total_state = states.get((CORONAPOST, DENOMINATOR))
    first_hidden = total_state or _state(states, CORONAPOST, first["diagnose"])
    text = (
        f"Op de coronapost ({suppression.words(total_state, fmt.getal(total))} verrichtingen in {jaar}) was "
        f"{first['diagnose'].lower()} de meest gestelde diagnose ({first_count} keer"
        + ("" if first_hidden else f", {fmt.percent(first['aandeel_pct'], SHARE_DECIMALS)}")
        + ")."
    )
    if total_state or states.get((CORONAPOST, disclosure.TOTAL)):
        return text + f" Het aandeel van de top {len(frame)} is afgeschermd: het gaat om kleine aantallen."
    text += (
        f" De top {len(frame)} samen maakt {fmt.percent(frame['aantal'].sum() / total * 100, SHARE_DECIMALS)} "
        f"uit van alle verrichtingen van die post."
    )
    return text


def block(figuur, tabel, corona_tekst: str, corona_tabel):
    """Return the top 10 figure and table and the corona post's sentence and table as one HTML block."""
    return tables.combine(figuur, tabel, tables.sentence_html(corona_tekst), corona_tabel)


def grafiek(frame: pd.DataFrame, jaar: int, states: dict | None = None):
    """Return a horizontal bar chart of the top list with value labels (uncertain bars hatched), and its alt text.

    A hidden count gets no bar and its label instead of the value (render.suppression).
    """
    states = states or {}
    hidden_bars = [_state(states, SHT, d) for d in frame["diagnose"]]
    no_shares = (SHT, DENOMINATOR) in states
    import matplotlib.pyplot as plt
    import seaborn as sns
    from matplotlib.patches import Patch

    from jaarverslag.render import charts

    colour = sns.color_palette(charts.PALETTE)[0]
    mask = onzeker(frame).to_list()
    labels = [_short_name(d) + (UNCERTAIN_LABEL_MARK if m else "") for d, m in zip(frame["diagnose"], mask)]
    fig, ax = plt.subplots(figsize=(6.4, 5.2))
    ys = list(range(len(frame)))
    bars = ax.barh(
        ys, frame["aantal"], color=[(*colour, 0.45) if m else colour for m in mask], edgecolor=colour, linewidth=1
    )
    for bar, m in zip(bars, mask):
        if m:
            bar.set_hatch(UNCERTAIN_HATCH)
    ax.set_yticks(ys, labels)
    ax.tick_params(labelsize=10)
    ax.invert_yaxis()
    shown = [float(n) for n, h in zip(frame["aantal"], hidden_bars) if not h]
    xmax = max(shown, default=1.0)  # a hidden count's length stays out of the axis too
    ax.set_xlim(0, xmax * 1.45)  # room for the value labels
    suppression.label_bars(ax, bars, hidden_bars)
    for y, n, share, state in zip(ys, frame["aantal"], frame["aandeel_pct"], hidden_bars):
        if state:
            continue  # label_bars wrote the label
        ax.text(
            float(n) + xmax * 0.015,
            y,
            _with_share(n, float("nan") if no_shares else share),
            va="center",
            ha="left",
            fontsize=10,
        )
    ax.set_title(f"Meest gestelde diagnoses (ICPC), {jaar}")
    ax.set_xlabel("Aantal verrichtingen", fontsize=10)
    ax.set_ylabel("")
    ax.grid(axis="y", visible=False)
    charts.dutch_thousands(ax.xaxis)
    if any(mask):
        ax.legend(
            handles=[
                Patch(
                    facecolor=(*colour, 0.45),
                    edgecolor=colour,
                    hatch=UNCERTAIN_HATCH,
                    label="† koppeling omschrijving–aantal onzeker",
                )
            ],
            loc="lower right",
            fontsize=8,
            frameon=True,
        )
    charts.bron(fig, f"jaarverslag SHT {jaar}")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    parts = [
        f"{d.lower()} " + (suppression.words(h, "") if h else _with_share(n, float("nan") if no_shares else s, m))
        for d, n, s, m, h in zip(frame["diagnose"], frame["aantal"], frame["aandeel_pct"], mask, hidden_bars)
    ]
    alt = (
        f"Liggend staafdiagram van de {len(frame)} meest gestelde ICPC-diagnoses van SHT in {jaar}, van groot naar "
        f"klein: "
        + "; ".join(parts)
        + "."
        + (
            " Bij de als onzeker gemarkeerde balken is de koppeling van omschrijving en aantal"
            " in de bron niet eenduidig."
            if any(mask)
            else ""
        )
    )
    return fig, alt


SHORT_NAMES = {
    "Andere gelokaliseerde buikpijn": "Andere gelokal. buikpijn",
    "Gegeneraliseerde buikpijn/buikkrampen": "Gegeneral. buikpijn/-krampen",
    "Acute infectie bovenste luchtwegen": "Acute infectie bov. luchtwegen",
    "Hand/vinger symptomen/klachten": "Hand/vinger klachten",
    "Borstkas symptomen/klachten": "Borstkas klachten",
}


def _short_name(diagnose: str) -> str:
    """Return a shorter axis label for long diagnosis names (the table keeps the full name)."""
    return SHORT_NAMES.get(diagnose, diagnose)


def page_values(jaar: int, root: Path | None = None) -> dict[str, object]:
    """Return every value the Verrichtingen page glues on ICPC diagnoses, for a year with data and a year without."""
    if not beschikbaar_voor(jaar, root):
        return {
            "icpc_zin": unavailable_sentence(jaar, root),
            "icpc_top": tables.unavailable("de meest gestelde ICPC-diagnoses", jaar),
        }
    from jaarverslag.render import charts

    charts.apply_style()
    top10, corona = top(jaar, SHT, root), top(jaar, CORONAPOST, root)
    states = hidden(jaar, root)
    fig, alt = grafiek(top10, jaar, states)
    figuur = charts.figure_html(
        fig, "binnenlopers_icpc_top10", alt, bijschrift=f"De tien meest gestelde ICPC-diagnoses van SHT in {jaar}."
    )
    tabel = tables.html(
        book_table(top10, states, SHT),
        "binnenlopers_icpc_top10",
        bijschrift=f"Top 10 ICPC-diagnoses van SHT, {jaar}, met aandeel in alle verrichtingen",
        formatters=table_formatters(),
        onzeker=onzeker(top10),
    )
    corona_tabel = tables.html(
        book_table(corona, states, CORONAPOST),
        "binnenlopers_icpc_coronapost",
        bijschrift=f"Top 3 ICPC-diagnoses van de coronapost, {jaar}, met aandeel in de verrichtingen van die post",
        formatters=table_formatters(),
        onzeker=onzeker(corona),
    )
    return {
        "icpc_zin": samenvatting_zin(top10, jaar, root, states) + " " + onzeker_zin(top10, states),
        "icpc_top": block(figuur, tabel, corona_sentence(corona, jaar, root, states), corona_tabel),
    }
