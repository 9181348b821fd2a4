"""Het jaar in vogelvlucht: the corona timeline, the projects and the cooperation with partners."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from jaarverslag.data import status
from jaarverslag.data.codebook import categories
from jaarverslag.data.load import is_available, load_table
from jaarverslag.data.paths import report_years
from jaarverslag.render import fmt, tables
from jaarverslag.render.text import join_list

# Dutch lane labels for the codebook's categorie_corona values (lane order follows the codebook).
CATEGORY_LABELS = {
    "persconferentie": "Persconferentie",
    "maatregelen": "Maatregelen",
    "crisisorganisatie": "Crisisorganisatie",
    "vaccinatie": "Vaccinatie",
    "coronapost": "Coronapost",
    "zorgcontinuiteit": "Zorgcontinuïteit",
    "situatie_regio": "Regio",
    "campagne": "Campagne",
}
# A distinct marker per lane, so the category never rests on colour alone.
MARKERS = ["o", "s", "D", "^", "v", "P", "X", "*"]
MARKER_SPREAD = 0.225  # vertical distance between events of one month within a lane (a month is 1 high)
LANE_SHIFT = -0.22  # markers sit left of the lane centre, leaving room for the number on their right
NUMBER_OFFSET_POINTS = 5  # distance of an event's number label from its marker
TYPE_REALISED = "gerealiseerd"
TYPE_PLANNED = "gepland"
TIMELINE_FIGURE = "vogelvlucht_corona_tijdlijn"  # name of the chart's PNG and of the table's CSV


@dataclass(frozen=True)
class Timeline:
    """The year's corona timeline in calendar order with a running number per event."""

    jaar: int
    gebeurtenissen: pd.DataFrame  # nummer, maand, nr, datum, categorie, label, beschrijving, status, toelichting

    @property
    def aantal(self) -> int:
        return len(self.gebeurtenissen)

    def per_month(self) -> pd.Series:
        """Return the number of events per month (1–12, zero where none)."""
        return self.gebeurtenissen.groupby("maand").size().reindex(range(1, 13), fill_value=0)

    def per_category(self) -> pd.Series:
        """Return the number of events per lane label, largest first."""
        return self.gebeurtenissen.groupby("label").size().sort_values(ascending=False, kind="stable")

    @property
    def persconferenties(self) -> int:
        return int(self.gebeurtenissen["categorie"].eq("persconferentie").sum())


def years_with(naam: str, root: Path | None = None) -> list[int]:
    """Return the report years whose data/ holds the table."""
    return [j for j in report_years(root) if is_available(naam, j, root)]


def elsewhere_sentence(onderwerp: str, naam: str, jaar: int, root: Path | None = None) -> str:
    """Return the sentence for a year without the table: which years do have it (the box below says what is missing)."""
    andere = [j for j in years_with(naam, root) if j != jaar]
    if not andere:
        return f"{onderwerp[0].upper()}{onderwerp[1:]} is voor geen enkel verslagjaar vastgelegd."
    return (
        f"{onderwerp[0].upper()}{onderwerp[1:]} is alleen vastgelegd voor {join_list([str(j) for j in andere])}; "
        "kies dat jaar met de jaarkeuze van deze site."
    )


def date_text(datum) -> str:
    """Format an ISO date as Dutch day and month ('25 januari'); empty when there is none."""
    if datum is None or datum is pd.NA or (isinstance(datum, float) and pd.isna(datum)) or not str(datum).strip():
        return ""
    day = pd.Timestamp(str(datum))
    return fmt.day_month(day)


def _lane_order(root: Path | None) -> list[str]:
    return list(categories(root)["categorie_corona"])


def tijdlijn(jaar: int, root: Path | None = None) -> Timeline | None:
    """Return the year's timeline in calendar order, or None when the table is not available."""
    if not is_available("corona_tijdlijn", jaar, root):
        return None
    frame = load_table("corona_tijdlijn", jaar, root).sort_values(["maand", "nr"]).reset_index(drop=True)
    return make_timeline(frame, jaar)


def make_timeline(frame: pd.DataFrame, jaar: int) -> Timeline:
    """Return a Tijdlijn from timeline rows already in calendar order (numbers them 1, 2, ...)."""
    frame = frame.copy().reset_index(drop=True)
    frame.insert(0, "nummer", range(1, len(frame) + 1))
    frame["label"] = [CATEGORY_LABELS.get(c, str(c)) for c in frame["categorie"]]
    return Timeline(jaar=jaar, gebeurtenissen=frame)


def tijdlijn_zin(tl: Timeline | None, jaar: int, root: Path | None = None) -> str:
    """Return the sentence summarising the timeline: events, busiest month, press conferences."""
    if tl is None or tl.aantal == 0:
        return elsewhere_sentence("een tijdlijn van corona", "corona_tijdlijn", jaar, root)
    per_month = tl.per_month()
    top = int(per_month.max())
    drukste = [fmt.MONTHS[m - 1] for m, n in per_month.items() if n == top]
    maanden_met = int((per_month > 0).sum())
    return (
        f"De tijdlijn telt {fmt.getal(tl.aantal)} gebeurtenissen, verdeeld over {fmt.getal(maanden_met)} "
        f"maanden; de meeste vielen in {join_list(drukste)} ({fmt.getal(top)}). Het kabinet hield "
        f"{fmt.getal(tl.persconferenties)} persconferenties met nieuwe of verlengde maatregelen."
    )


def onzeker_zin(frame: pd.DataFrame | None, kolom: str, onderwerp: str) -> str:
    """Return a sentence naming the uncertain rows (status onzeker) and why, or saying that all are certain."""
    if frame is None or frame.empty:
        return f"Zonder {onderwerp} zijn er ook geen onzekere waarden om te melden."
    rows = frame[frame["status"].eq(status.UNCERTAIN)]
    if rows.empty:
        return f"Alle {onderwerp} konden eenduidig uit het jaarverslag worden overgenomen."
    parts = []
    for row in rows.itertuples(index=False):
        why = row.toelichting
        why = "" if why is None or why is pd.NA or (isinstance(why, float) and pd.isna(why)) else f" {why}"
        parts.append(f"'{getattr(row, kolom)}' is onzeker ({tables.UNCERTAIN_MARK.strip()}).{why}")
    return " ".join(parts)


def timeline_uncertain_sentence(tl: Timeline | None) -> str:
    """Return the sentence on uncertain timeline events."""
    return onzeker_zin(None if tl is None else tl.gebeurtenissen, "beschrijving", "gebeurtenissen")


def projecten_uncertain_sentence(pr: Projecten | None) -> str:
    """Return the sentence on uncertain projects and plans."""
    frame = None if pr is None else pd.concat([pr.gerealiseerd, pr.gepland], ignore_index=True)
    return onzeker_zin(frame, "project", "projecten en plannen")


def when(maand: int, datum) -> str:
    """Return when an event happened: the day if the report names one, else the month ('25 januari', 'maart')."""
    return date_text(datum) or fmt.MONTHS[int(maand) - 1]


def timeline_table(tl: Timeline) -> pd.DataFrame:
    """Return the timeline as the chapter's table: number, when, and category with description.

    Three columns, so the table fits a phone screen without scrolling sideways.
    """
    g = tl.gebeurtenissen
    return pd.DataFrame(
        {
            "Nr.": g["nummer"].astype("Int64"),
            "Wanneer": [when(m, d) for m, d in zip(g["maand"], g["datum"])],
            "Gebeurtenis": [f"{label}: {tekst}" for label, tekst in zip(g["label"], g["beschrijving"])],
        }
    )


def timeline_html(tl: Timeline | None, jaar: int, naam: str = TIMELINE_FIGURE) -> HTML:
    """Return the accessible table of all events (escaped), or the not-available sentence."""
    if tl is None or tl.aantal == 0:
        return HTML(
            '<p class="jv-niet-beschikbaar"><strong>Niet beschikbaar:</strong> zonder tijdlijn is er voor '
            f"{jaar} ook geen lijst met coronagebeurtenissen.</p>"
        )
    return tables.html(
        timeline_table(tl),
        naam,
        bijschrift=f"Gebeurtenissen rond corona in {jaar}; het nummer staat ook bij de markering in de tijdlijn",
        formatters={"Nr.": lambda v: str(int(v))},
        onzeker=tl.gebeurtenissen["status"].eq(status.UNCERTAIN),
    )


def _positions(tl: Timeline, lanes: list[str]) -> pd.DataFrame:
    """Return x (lane) and y (month, events of one lane and month stacked around it) for every event."""
    g = tl.gebeurtenissen.copy()
    g["lane"] = [lanes.index(c) for c in g["categorie"]]
    g["plek"] = g.groupby(["maand", "categorie"]).cumcount()
    g["in_cel"] = g.groupby(["maand", "categorie"])["nummer"].transform("size")
    g["x"] = g["lane"] + LANE_SHIFT
    g["y"] = g["maand"].astype(float) + (g["plek"] - (g["in_cel"] - 1) / 2) * MARKER_SPREAD
    return g


def timeline_chart(tl: Timeline, root: Path | None = None):
    """Return a vertical timeline (months down, one lane per category) with numbered markers, and its alt text."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    from jaarverslag.render import charts

    lanes = [c for c in _lane_order(root) if c in set(tl.gebeurtenissen["categorie"])]
    lanes += sorted(set(tl.gebeurtenissen["categorie"]) - set(lanes))  # unknown values cannot pass validation
    g = _positions(tl, lanes)
    colours = sns.color_palette(charts.PALETTE, len(lanes))
    # The lanes are named above the chart: the title keeps clear of them (charts.TITLE_CLEARS_TOP_TICKS).
    with plt.rc_context(charts.TITLE_CLEARS_TOP_TICKS):
        fig, ax = plt.subplots(figsize=(4.8, 10))  # narrow: the page shows it at phone width with little shrinking
        for i, lane in enumerate(lanes):
            ax.axvspan(i - 0.5, i + 0.5, color="#f2f2f2" if i % 2 == 0 else "white", zorder=0)
            part = g[g["categorie"] == lane]
            ax.scatter(
                part["x"],
                part["y"],
                s=40,
                marker=MARKERS[i % len(MARKERS)],
                color=colours[i],
                edgecolor="black",
                linewidth=0.6,
                zorder=3,
                label=CATEGORY_LABELS.get(lane, lane),
            )
        for row in g.itertuples(index=False):
            ax.annotate(
                str(row.nummer),
                (row.x, row.y),
                xytext=(NUMBER_OFFSET_POINTS, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=10.5,
                color="#222222",
                zorder=4,
            )
        ax.set_xlim(-0.5, len(lanes) - 0.5)
        ax.set_ylim(12.5, 0.5)
        ax.set_yticks(range(1, 13), fmt.MONTHS_SHORT)
        ax.set_xticks(
            range(len(lanes)),
            [CATEGORY_LABELS.get(c, c) for c in lanes],
            rotation=45,
            ha="left",
            rotation_mode="anchor",
        )
        ax.xaxis.tick_top()
        ax.tick_params(axis="x", labelsize=11, length=0, pad=2)
        ax.tick_params(axis="y", labelsize=12)
        ax.set_yticks([m + 0.5 for m in range(0, 13)], minor=True)  # lines between the months, not through them
        ax.grid(False)
        ax.grid(axis="y", which="minor", color="#c8c8c8", linewidth=0.6)
        ax.tick_params(axis="y", which="minor", length=0)
        ax.set_title(f"Corona in {tl.jaar}: de tijdlijn", pad=10, fontsize=13)
        ax.set_ylabel("")
        charts.bron(fig, f"jaarverslag SHT {tl.jaar}, sectie Corona")
        fig.tight_layout(rect=(0, 0.025, 1, 1))
    return fig, timeline_alt(tl)


def timeline_alt(tl: Timeline) -> str:
    """Return the alt text: what the timeline shows and its key numbers."""
    per_cat = tl.per_category()
    cats = ", ".join(f"{label.lower()} {fmt.getal(n)}" for label, n in per_cat.items())
    per_month = tl.per_month()
    maanden = ", ".join(f"{fmt.MONTHS[m - 1]} {fmt.getal(n)}" for m, n in per_month.items())
    return (
        f"Verticale tijdlijn van {fmt.getal(tl.aantal)} gebeurtenissen rond corona in {tl.jaar}, met de maanden "
        f"van boven naar beneden en per soort gebeurtenis een kolom. Per soort: {cats}. Per maand: {maanden}. "
        "Elke markering heeft het nummer van de gebeurtenis in de tabel onder de figuur."
    )


def timeline_block(tl: Timeline | None, jaar: int, root: Path | None = None) -> HTML:
    """Return the timeline chart followed by its table, or one not-available sentence for both."""
    if tl is None or tl.aantal == 0:
        return tables.unavailable("gebeurtenissen rond corona", jaar)
    from jaarverslag.render import charts

    fig, alt = timeline_chart(tl, root)
    figuur = charts.figure_html(
        fig,
        TIMELINE_FIGURE,
        alt,
        bijschrift=f"Gebeurtenissen rond corona per maand en soort, {jaar}. "
        "De nummers verwijzen naar de tabel hieronder.",
    )
    return tables.combine(figuur, timeline_html(tl, jaar))


@dataclass(frozen=True)
class Projecten:
    """The projects of the report year and the plans for the next year."""

    jaar: int
    gerealiseerd: pd.DataFrame
    gepland: pd.DataFrame

    @property
    def continuing(self) -> list[str]:
        """Return the projects that appear in both years (same description)."""
        planned = set(self.gepland["project"])
        return [p for p in self.gerealiseerd["project"] if p in planned]


def projecten(jaar: int, root: Path | None = None) -> Projecten | None:
    """Return the year's projects and next year's plans, or None when the table is not available."""
    if not is_available("projecten", jaar, root):
        return None
    frame = load_table("projecten", jaar, root).sort_values(["projectjaar", "nr"]).reset_index(drop=True)
    return Projecten(
        jaar=jaar,
        gerealiseerd=frame[frame["soort"].eq(TYPE_REALISED)].reset_index(drop=True),
        gepland=frame[frame["soort"].eq(TYPE_PLANNED)].reset_index(drop=True),
    )


def projecten_zin(pr: Projecten | None, jaar: int, root: Path | None = None) -> str:
    """Return the sentence counting this year's projects, next year's plans and what continues."""
    if pr is None:
        return elsewhere_sentence("een overzicht van projecten en plannen", "projecten", jaar, root)
    ict = int(pr.gerealiseerd["sectie"].eq("ICT").sum())
    text = (
        f"In {jaar} noemt het verslag {fmt.getal(len(pr.gerealiseerd))} projecten"
        + (f", waarvan {fmt.getal(ict)} op het gebied van ICT" if ict else "")
        + f"; voor {jaar + 1} staan er {fmt.getal(len(pr.gepland))} op de planning."
    )
    if len(pr.continuing) == 1:
        text += f" Eén project loopt door in beide jaren: {pr.continuing[0]}."
    elif pr.continuing:
        text += (
            f" {fmt.getal(len(pr.continuing))} projecten lopen door in beide jaren: " + "; ".join(pr.continuing) + "."
        )
    return text


def _projecten_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return number and project; the few projects from another report section than the main one say which."""
    hoofdsectie = frame["sectie"].mode().iloc[0]
    names = [
        p if sectie == hoofdsectie else f"{p} (uit de sectie {sectie})"
        for p, sectie in zip(frame["project"].astype(str), frame["sectie"].astype(str))
    ]
    return pd.DataFrame({"Nr.": frame["nr"].astype("Int64"), "Project": names})


def projecten_html(pr: Projecten | None, jaar: int, gepland: bool, naam_prefix: str = "vogelvlucht_projecten") -> HTML:
    """Return the table of this year's projects (or next year's plans), escaped, or a not-available sentence."""
    if pr is None:
        wat = f"de plannen voor {jaar + 1}" if gepland else "de projecten"
        return tables.unavailable(wat, jaar)
    frame = pr.gepland if gepland else pr.gerealiseerd
    if frame.empty:
        return HTML(
            f'<p class="jv-niet-beschikbaar">Het verslag over {jaar} noemt geen '
            f"{'plannen voor ' + str(jaar + 1) if gepland else 'projecten'}.</p>"
        )
    naam = f"{naam_prefix}_{jaar + 1 if gepland else jaar}"
    bijschrift = f"Plannen voor {jaar + 1}" if gepland else f"Projecten in {jaar}"
    return tables.html(
        _projecten_frame(frame),
        naam,
        bijschrift=bijschrift,
        formatters={"Nr.": lambda v: str(int(v))},
        onzeker=frame["status"].eq(status.UNCERTAIN),
    )


def projecten_block(pr: Projecten | None, jaar: int) -> HTML:
    """Return the table of the year's projects and the table of next year's plans, or one not-available sentence."""
    if pr is None:
        return tables.unavailable(f"projecten en plannen voor {jaar + 1}", jaar)
    return tables.combine(projecten_html(pr, jaar, gepland=False), projecten_html(pr, jaar, gepland=True))


def ketenpartners(jaar: int, root: Path | None = None) -> pd.DataFrame | None:
    """Return the year's partner table, or None when it is not available."""
    if not is_available("ketenpartners", jaar, root):
        return None
    return load_table("ketenpartners", jaar, root).reset_index(drop=True)


def ketenpartners_zin(frame: pd.DataFrame | None, jaar: int, root: Path | None = None) -> str:
    """Return the sentence introducing the partner table."""
    if frame is None or frame.empty:
        return elsewhere_sentence("een overzicht per ketenpartner", "ketenpartners", jaar, root)
    return (
        f"De tabel hieronder vat per partner samen wat de samenwerking in {jaar} inhield; "
        f"het verslag noemt {fmt.getal(len(frame))} partners of groepen van partners."
    )


def ketenpartners_html(frame: pd.DataFrame | None, jaar: int, naam: str = "vogelvlucht_ketenpartners") -> HTML:
    """Return the partner table (escaped), or the not-available sentence."""
    if frame is None or frame.empty:
        return tables.unavailable("de samenwerking met ketenpartners", jaar)
    table = pd.DataFrame(
        {"Partner": frame["partner"].astype(str), f"Samenwerking in {jaar}": frame["samenwerking"].astype(str)}
    )
    return tables.html(
        table,
        naam,
        bijschrift=f"Samenwerking met ketenpartners in {jaar}",
        onzeker=frame["status"].eq(status.UNCERTAIN),
    )


def kerncijfers(tl: Timeline | None, pr: Projecten | None, partners: pd.DataFrame | None) -> str:
    """Return the chapter's key figures as plain lines (checked by nbval)."""
    lines = []
    if tl is None:
        lines.append("Tijdlijn: niet beschikbaar")
    else:
        lines.append(f"Gebeurtenissen: {tl.aantal}; persconferenties: {tl.persconferenties}")
        lines.append("Per maand: " + " ".join(str(int(n)) for n in tl.per_month()))
    lines.append(
        "Projecten: niet beschikbaar"
        if pr is None
        else f"Projecten: {len(pr.gerealiseerd)}; plannen: {len(pr.gepland)}; doorlopend: {len(pr.continuing)}"
    )
    lines.append("Ketenpartners: niet beschikbaar" if partners is None else f"Ketenpartners: {len(partners)}")
    return "\n".join(lines)


def page_values(jaar: int, root: Path | None = None) -> dict[str, object]:
    """Return every value the Vogelvlucht page glues, for a year with data and a year without."""
    from jaarverslag.render import charts

    charts.apply_style()
    tl, pr, partners = tijdlijn(jaar, root), projecten(jaar, root), ketenpartners(jaar, root)
    return {
        "jaar": str(jaar),
        "volgend_jaar": str(jaar + 1),
        "tijdlijn_zin": tijdlijn_zin(tl, jaar, root),
        "tijdlijn_onzeker": timeline_uncertain_sentence(tl),
        "projecten_zin": projecten_zin(pr, jaar, root),
        "projecten_onzeker": projecten_uncertain_sentence(pr),
        "ketenpartners_zin": ketenpartners_zin(partners, jaar, root),
        "tijdlijn": timeline_block(tl, jaar, root),
        "projecten_tabellen": projecten_block(pr, jaar),
        "ketenpartners_tabel": ketenpartners_html(partners, jaar),
    }
