"""Patiëntenpopulatie: inhabitants of the area and help requests per leeftijdsgroep, also per 1,000 inhabitants.

This module loads the numbers, builds the tables and returns the page's values; the sentences are in
render/populatie_text.py and the chart in render/populatie_chart.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from jaarverslag.data import landelijk
from jaarverslag.data.codebook import categories
from jaarverslag.data.load import is_available, load_table
from jaarverslag.data.metrics import printed_index, verandering_pct
from jaarverslag.data.population import (
    PER_THOUSAND,
    T_AGE_TOTAL,
    T_AGE_TYPE,
    T_BEVOLKING,
    T_DENOMINATOR,
    bevolking_per_group,
)
from jaarverslag.data.registrations import disclosure
from jaarverslag.data.status import UNCERTAIN
from jaarverslag.render import charts, fmt, suppression, tables
from jaarverslag.render import landelijk_text as lt
from jaarverslag.render import populatie_text as pt
from jaarverslag.render.populatie_chart import grafiek
from jaarverslag.render.populatie_text import PER_1000_DECIMALS, group_label

T_INWONERS = "inwoners"
THOUSAND = 1000  # the report's own denominators per gemeente are in thousands (column inwoners_x1000)
CBS_THOUSANDS_DECIMALS = 1  # CBS inhabitants shown in thousands with one decimal, beside the report's whole thousands
TOTAAL = "Totaal"
ALL_AGES = "Alle leeftijden"
# Shorter column heads for the types, so the table fits a phone; the codebook keeps the full names.
TYPE_HEADERS = {"Advies/telefonisch consult": "Advies of tel. consult"}


def _groups(root: Path | None) -> list[str]:
    return list(categories(root)["leeftijdsgroep_hulpvraag"])


# --- inhabitants --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inwoners:
    """The report's inhabitant count for the year and the year before, and the CBS count on 1 January."""

    jaar: int
    aantal: int | None
    aantal_vorig_jaar: int | None
    cbs: int | None  # CBS, eight gemeenten, 1 January of the year
    onzeker: bool

    @property
    def verandering_pct(self) -> float | None:
        return verandering_pct(self.aantal, self.aantal_vorig_jaar)


def _inwoners_value(jaar: int, root: Path | None) -> tuple[int | None, bool]:
    if not is_available(T_INWONERS, jaar, root):
        return None, False
    row = load_table(T_INWONERS, jaar, root).iloc[0]
    value = None if pd.isna(row["inwoners"]) else int(row["inwoners"])
    return value, isinstance(row["status"], str) and row["status"] == UNCERTAIN


def cbs_reference_date(jaar: int) -> str:
    """Return the CBS reference date used for a report year (1 January of that year), as stored in the table."""
    return f"{jaar}-01-01"


def cbs_per_gemeente(jaar: int, root: Path | None = None) -> pd.Series | None:
    """Return the CBS population per gemeente on 1 January of the year, or None when CBS has no count then."""
    if not is_available(T_BEVOLKING, None, root):
        return None
    cbs = load_table(T_BEVOLKING, None, root)
    cbs = cbs[cbs["peildatum"].astype(str) == cbs_reference_date(jaar)]
    if cbs.empty:
        return None
    return cbs.groupby("gemeente", sort=False)["inwoners"].sum().astype(int)


def inwoners(jaar: int, root: Path | None = None) -> Inwoners:
    """Return the report's inhabitant count with last year's and the CBS total of the eight gemeenten."""
    aantal, onzeker = _inwoners_value(jaar, root)
    vorig, _ = _inwoners_value(jaar - 1, root)
    cbs = cbs_per_gemeente(jaar, root)
    return Inwoners(jaar, aantal, vorig, None if cbs is None else int(cbs.sum()), onzeker)


def denominators(jaar: int, root: Path | None = None) -> pd.DataFrame | None:
    """Return the report's own inhabitants per gemeente (thousands) beside the CBS count on 1 January, or None."""
    if not is_available(T_DENOMINATOR, jaar, root):
        return None
    eigen = load_table(T_DENOMINATOR, jaar, root)[["gemeente", "inwoners_x1000", "status"]]
    cbs = cbs_per_gemeente(jaar, root)
    eigen["cbs_x1000"] = pd.array(
        [None if cbs is None or g not in cbs.index else float(cbs[g]) / THOUSAND for g in eigen["gemeente"]],
        dtype="Float64",
    )
    return eigen.reset_index(drop=True)


def denominators_table(frame: pd.DataFrame, jaar: int) -> pd.DataFrame:
    """Return the denominator comparison with Dutch column names and a total row."""
    table = frame.drop(columns=["status"])
    total = pd.DataFrame(
        {
            "gemeente": [TOTAAL],
            "inwoners_x1000": [table["inwoners_x1000"].sum(min_count=1)],
            "cbs_x1000": [table["cbs_x1000"].sum(min_count=1)],
        }
    )
    table = pd.concat([table, total], ignore_index=True).astype({"inwoners_x1000": "Int64", "cbs_x1000": "Float64"})
    table["cbs_x1000"] = fmt.shown(table["cbs_x1000"], CBS_THOUSANDS_DECIMALS)  # as shown, also in the CSV
    return table.rename(
        columns={
            "gemeente": "Gemeente",
            "inwoners_x1000": "Verslag (× 1.000)",
            "cbs_x1000": f"CBS 1 januari {jaar} (× 1.000)",
        }
    )


def denominators_uncertain(frame: pd.DataFrame) -> pd.Series:
    """Return the uncertainty marks for `denominators_table` (the total is marked when any part is)."""
    marks = frame["status"].eq(UNCERTAIN).fillna(False)
    return pd.concat([marks, pd.Series([bool(marks.any())])], ignore_index=True)


def denominators_formatters(jaar: int) -> dict:
    """Return the number formats of the denominator table (CBS in thousands with one decimal)."""
    return {f"CBS 1 januari {jaar} (× 1.000)": lambda v: fmt.getal(v, CBS_THOUSANDS_DECIMALS)}


# --- help requests per age group --------------------------------------------------------------------


@dataclass(frozen=True)
class Hulpvragen:
    """Help requests per leeftijdsgroep for one year, with last year, the types and the rates per 1,000."""

    jaar: int
    frame: pd.DataFrame | None
    # frame: leeftijdsgroep, aantal, aantal_vorig_jaar, index_pct, status, bevolking, per_1000,
    #        bevolking_vorig_jaar, per_1000_vorig_jaar, and one column per soort when the types are known
    soorten: list[str]
    vorig_jaar_beschikbaar: bool
    # Small registration counts this year and last year, keyed (leeftijdsgroep | TOTAL, soort | TOTAL).
    verborgen: disclosure.Hidden = field(default_factory=disclosure.Hidden)

    def state(self, groep: str = disclosure.TOTAL, soort: str = disclosure.TOTAL, vorig: bool = False) -> str | None:
        """Return how a count (a group's total by default, TOTAL for all ages) is hidden that year, or None."""
        states = self.verborgen.vorig_jaar if vorig else self.verborgen.dit_jaar
        return states.get((groep, soort))

    @property
    def shown(self) -> pd.DataFrame:
        """Return the frame as sentences and the chart may use it: hidden counts and what they give back missing."""
        frame = self.frame.copy()
        if not self.verborgen:
            return frame
        for vorig, suffix in ((False, ""), (True, "_vorig_jaar")):
            gone = pd.Series([self.state(str(g), vorig=vorig) is not None for g in frame["leeftijdsgroep"]])
            for column in (f"aantal{suffix}", f"per_1000{suffix}", "index_pct"):
                frame[column] = frame[column].mask(gone)
        for soort in self.soorten:
            gone = pd.Series([self.state(str(g), soort) is not None for g in frame["leeftijdsgroep"]])
            frame[soort] = frame[soort].mask(gone)
        return frame

    @property
    def is_available(self) -> bool:
        return self.frame is not None

    @property
    def bevolking_available(self) -> bool:
        return self.is_available and bool(self.frame["per_1000"].notna().any())

    @property
    def bevolking_previous_year_available(self) -> bool:
        return self.is_available and bool(self.frame["per_1000_vorig_jaar"].notna().any())

    @property
    def uncertain(self) -> pd.Series:
        """Which age groups hold an uncertain value."""
        return self.frame["status"].eq(UNCERTAIN).fillna(False)

    @property
    def totaal(self) -> int:
        return int(self.frame["aantal"].sum())

    @property
    def totaal_vorig_jaar(self) -> int | None:
        value = self.frame["aantal_vorig_jaar"].sum(min_count=1)
        return None if pd.isna(value) else int(value)


def _per_1000(aantal, bevolking) -> float | None:
    if pd.isna(aantal) or pd.isna(bevolking) or not bevolking:
        return None
    return float(aantal) / float(bevolking) * PER_THOUSAND


def _bevolking(jaar: int, groepen: list[str], root: Path | None) -> pd.Series:
    """Return the CBS population per report age group on 1 January of the year (empty when CBS lacks the year)."""
    if not is_available(T_BEVOLKING, None, root):
        return pd.Series(dtype=float)
    pop = bevolking_per_group(groepen, root)
    return pop[pop["jaar"] == jaar].set_index("leeftijdsgroep")["bevolking"]


def hulpvragen(jaar: int, root: Path | None = None) -> Hulpvragen:
    """Return help requests per leeftijdsgroep (printed totals) with last year, the growth index and rates per 1,000.

    The growth index is this year as a whole percentage of last year, rounded half up, as the report prints it.
    Rates use the CBS population on 1 January of the same year (1 January 2021 for 2021).
    """
    if not is_available(T_AGE_TOTAL, jaar, root):
        return Hulpvragen(jaar, None, [], False)
    groepen = _groups(root)
    frame = load_table(T_AGE_TOTAL, jaar, root)[["leeftijdsgroep", "aantal", "status"]]
    has_previous = is_available(T_AGE_TOTAL, jaar - 1, root)
    if has_previous:
        vorig = load_table(T_AGE_TOTAL, jaar - 1, root)[["leeftijdsgroep", "aantal", "status"]]
        vorig = vorig.rename(columns={"aantal": "aantal_vorig_jaar", "status": "status_vorig_jaar"})
        frame = frame.merge(vorig, on="leeftijdsgroep", how="left")
    else:
        frame["aantal_vorig_jaar"] = pd.array([pd.NA] * len(frame), dtype="Int64")
        frame["status_vorig_jaar"] = pd.NA
    either = frame["status"].eq(UNCERTAIN).fillna(False) | frame["status_vorig_jaar"].eq(UNCERTAIN).fillna(False)
    frame["status"] = frame["status"].mask(either, UNCERTAIN)
    frame = frame.drop(columns=["status_vorig_jaar"])
    frame["index_pct"] = pd.array(
        [printed_index(n, v) for n, v in zip(frame["aantal"], frame["aantal_vorig_jaar"])], dtype="Int64"
    )
    for suffix, year in (("", jaar), ("_vorig_jaar", jaar - 1)):
        pop = _bevolking(year, groepen, root)
        frame[f"bevolking{suffix}"] = pd.array([pop.get(g) for g in frame["leeftijdsgroep"]], dtype="Float64")
        frame[f"per_1000{suffix}"] = pd.array(
            [_per_1000(n, b) for n, b in zip(frame[f"aantal{suffix}"], frame[f"bevolking{suffix}"])], dtype="Float64"
        )
    soorten: list[str] = []
    if is_available(T_AGE_TYPE, jaar, root):
        types = load_table(T_AGE_TYPE, jaar, root)
        soorten = [s for s in categories(root)["soort_contact"] if s in set(types["soort"])]
        wide = types.pivot(index="leeftijdsgroep", columns="soort", values="aantal")[soorten].reset_index()
        frame = frame.merge(wide, on="leeftijdsgroep", how="left")
        onzeker_types = set(types.loc[types["status"] == UNCERTAIN, "leeftijdsgroep"])
        frame.loc[frame["leeftijdsgroep"].isin(onzeker_types), "status"] = UNCERTAIN
    rank = {g: i for i, g in enumerate(groepen)}
    frame = frame.sort_values("leeftijdsgroep", key=lambda s: s.map(rank)).reset_index(drop=True)
    verborgen = disclosure.hidden_both_years(T_AGE_TYPE, jaar, root)
    return Hulpvragen(jaar, frame, soorten, has_previous, verborgen)


def _index_column(jaar: int) -> str:
    return f"Verandering t.o.v. {jaar - 1}"


def tabel_aantallen(h: Hulpvragen) -> pd.DataFrame:
    """Return the counts table: per age group the types (if known), the totals and the growth index; a total row."""
    jaar = h.jaar
    groups = [group_label(g) for g in h.frame["leeftijdsgroep"]]
    table = pd.DataFrame({"Leeftijdsgroep": groups + [TOTAAL]})
    columns = [(TYPE_HEADERS.get(s, s), s) for s in h.soorten] + [(f"Totaal {jaar}", "aantal")]
    if h.vorig_jaar_beschikbaar:
        columns.append((f"Totaal {jaar - 1}", "aantal_vorig_jaar"))
    for title, column in columns:
        values = h.frame[column]
        table[title] = pd.array([*values, values.sum(min_count=1)], dtype="Int64")
    if h.vorig_jaar_beschikbaar:
        nu, vorig = [*h.frame["aantal"], h.totaal], [*h.frame["aantal_vorig_jaar"], h.totaal_vorig_jaar]
        table[_index_column(jaar)] = pd.array(
            [fmt.shown_count_change(n, v) for n, v in zip(nu, vorig)], dtype="Float64"
        )
    change = [_index_column(jaar)] if h.vorig_jaar_beschikbaar else []
    hidden = [(TYPE_HEADERS.get(s, s), s, False, []) for s in h.soorten]
    hidden.append((f"Totaal {jaar}", disclosure.TOTAL, False, change))
    if h.vorig_jaar_beschikbaar:
        hidden.append((f"Totaal {jaar - 1}", disclosure.TOTAL, True, change))
    return _hide(table, h, hidden)


_KEYS = ["_groep", "_soort"]


def _hide(table: pd.DataFrame, h: Hulpvragen, columns: list[tuple[str, str, bool, list[str]]]) -> pd.DataFrame:
    """Label the hidden counts of a table with a row per age group and an all-ages row (render.suppression.hide).

    columns: (column, soort or TOTAL, last year?, the columns computed from that count).
    """
    if not h.verborgen:
        return table
    table = table.assign(_groep=[*h.frame["leeftijdsgroep"].astype(str), disclosure.TOTAL])
    for column, soort, vorig, derived in columns:
        states = h.verborgen.vorig_jaar if vorig else h.verborgen.dit_jaar
        counts = [column] if column else []
        table = suppression.hide(table.assign(_soort=soort), states, _KEYS, counts=counts, derived=derived)
    return table.drop(columns=_KEYS, errors="ignore")


def counts_table_formatters(jaar: int) -> dict:
    """Return the formats of the counts table (the change in the book's one change format)."""
    return {_index_column(jaar): fmt.verandering}


def per_1000_alle_leeftijden(h: Hulpvragen, suffix: str = "", soort: str | None = None) -> float | None:
    """Return help requests per 1,000 inhabitants over all ages (of one soort if given), or None.

    The book's one all-ages rate: all help requests over the CBS population of the eight gemeenten on
    1 January, as the last row of the rates table shows it; the national comparison uses the same value.
    """
    if not h.is_available or not h.frame[f"per_1000{suffix}"].notna().any():
        return None
    if soort is not None and (suffix or soort not in h.soorten):
        return None
    aantal = h.frame[f"aantal{suffix}" if soort is None else soort]
    return _per_1000(aantal.sum(), h.frame[f"bevolking{suffix}"].sum())


def alle_leeftijden_state(h: Hulpvragen, suffix: str = "", soort: str | None = None) -> str | None:
    """Return how the all-ages count behind per_1000_alle_leeftijden is hidden, or None when it is shown."""
    if not h.is_available:
        return None
    return h.state(disclosure.TOTAL, soort or disclosure.TOTAL, vorig=bool(suffix))


def per_1000_table(h: Hulpvragen) -> pd.DataFrame:
    """Return the rates table: per age group the CBS population and help requests per 1,000, per year known.

    The last row covers all ages: all help requests over the whole CBS population of the eight gemeenten.
    """
    table = pd.DataFrame({"Leeftijdsgroep": [group_label(g) for g in h.frame["leeftijdsgroep"]] + [ALL_AGES]})
    for suffix, year in (("_vorig_jaar", h.jaar - 1), ("", h.jaar)):
        if h.frame[f"per_1000{suffix}"].notna().any():
            bevolking = h.frame[f"bevolking{suffix}"]
            table[f"Inwoners {year} (CBS)"] = pd.array([*bevolking, bevolking.sum()], dtype="Float64")
            table[f"Per 1.000 inwoners {year}"] = fmt.shown(  # as shown, also in the CSV
                [*h.frame[f"per_1000{suffix}"], per_1000_alle_leeftijden(h, suffix)], PER_1000_DECIMALS
            )
    rates = [("", disclosure.TOTAL, year < h.jaar, [f"Per 1.000 inwoners {year}"]) for year in (h.jaar, h.jaar - 1)]
    return _hide(table, h, [r for r in rates if r[3][0] in table.columns])


def per_1000_table_formatters(h: Hulpvragen) -> dict:
    """Return the formats of the rates table (rates in whole numbers)."""
    return {f"Per 1.000 inwoners {year}": lambda v: fmt.getal(v, PER_1000_DECIMALS) for year in (h.jaar - 1, h.jaar)}


def onzeker(h: Hulpvragen) -> pd.Series:
    """Return which age groups hold an uncertain value."""
    return h.uncertain


def table_uncertain(h: Hulpvragen) -> pd.Series:
    """Return the uncertainty marks for the tables with a total row (the total is marked when any part is)."""
    marks = onzeker(h)
    return pd.concat([marks, pd.Series([bool(marks.any())])], ignore_index=True)


# --- the page ------------------------------------------------------------------------------------------


def kerncijfers(jaar: int, root: Path | None = None) -> str:
    """Return the figures the notebook prints for nbval: the inhabitants and the help requests per age group."""
    inw, h = inwoners(jaar, root), hulpvragen(jaar, root)
    regels = [
        f"Patiëntenpopulatie {jaar}",
        f"inwoners volgens verslag: {fmt.getal(inw.aantal)}; CBS 1 januari: {fmt.getal(inw.cbs)}",
    ]
    if h.is_available:
        kolommen = ["leeftijdsgroep", "aantal", "aantal_vorig_jaar", "index_pct", "bevolking", "per_1000"]
        shown = h.frame[kolommen].round(1)
        for vorig, suffix in ((False, ""), (True, "_vorig_jaar")):  # hidden counts as labels, also here
            states = h.verborgen.vorig_jaar if vorig else h.verborgen.dit_jaar
            derived = [c for c in ("index_pct", f"per_1000{suffix}") if c in shown.columns]
            keyed = shown.assign(_soort=disclosure.TOTAL)
            shown = suppression.hide(keyed, states, ["leeftijdsgroep", "_soort"], [f"aantal{suffix}"], derived)
            shown = shown.drop(columns="_soort")
        regels.append(shown.to_string(index=False))
    else:
        regels.append("hulpvragen per leeftijdsgroep: niet beschikbaar")
    return "\n".join(regels)


def landelijk_zin(h: Hulpvragen, root: Path | None = None) -> str:
    """Return the sentence putting the all-ages rate beside the national number of contacts per 1,000."""
    ref = landelijk.reference_for(landelijk.CONTACTS_PER_1000, h.jaar, root)
    rate, state = per_1000_alle_leeftijden(h), alle_leeftijden_state(h)
    shown = None if rate is None else fmt.getal(rate, PER_1000_DECIMALS)
    if state and shown is not None:  # a rate that gives a hidden count back, in words
        shown = suppression.words(disclosure.SECONDARY, shown)
    return lt.zin(ref, shown, h.jaar)


def page_values(jaar: int, root: Path | None = None) -> dict[str, object]:
    """Return every value the populatie page glues, for a year with data and a year without."""
    inw, frame, h = inwoners(jaar, root), denominators(jaar, root), hulpvragen(jaar, root)
    values: dict[str, object] = {
        "jaar": str(jaar),
        "inwoners_zin": pt.inwoners_zin(inw),
        "noemers_zin": pt.largest_difference_sentence(frame, jaar),
        "hulpvragen_zin": pt.hulpvragen_zin(h, root),
        "per_1000_zin": pt.per_1000_zin(h),
        "bevolking_zin": pt.bevolking_zin(h, inw),
        "landelijk_zin": landelijk_zin(h, root),
    }
    if frame is None:
        values["tabel_noemers"] = tables.unavailable("het aantal inwoners per gemeente", jaar)
    else:
        values["tabel_noemers"] = tables.html(
            denominators_table(frame, jaar),
            "populatie_noemers",
            bijschrift=f"Inwoners per gemeente: de noemer van het verslag en CBS op 1 januari {jaar}",
            formatters=denominators_formatters(jaar),
            onzeker=denominators_uncertain(frame),
        )
    if h.is_available:
        values["tabel_aantallen"] = tables.html(
            tabel_aantallen(h),
            "populatie_hulpvragen_leeftijd",
            bijschrift=f"Hulpvragen per leeftijdsgroep en soort, {jaar}",
            formatters=counts_table_formatters(jaar),
            onzeker=table_uncertain(h),
        )
    else:
        values["tabel_aantallen"] = tables.unavailable("de hulpvragen per leeftijdsgroep", jaar)
    values["figuur"] = _figure(h)
    return values


def _figure(h: Hulpvragen) -> HTML:
    """Return the rates block: chart and table, or the sentence saying why there is none."""
    if h.bevolking_available:
        fig, alt = grafiek(h)
        return tables.combine(
            charts.figure_html(
                fig,
                "populatie_per_1000",
                alt,
                bijschrift=f"Hulpvragen per 1.000 inwoners van de eigen leeftijdsgroep, {h.jaar}.",
            ),
            tables.html(
                per_1000_table(h),
                "populatie_per_1000",
                bijschrift=f"Hulpvragen per 1.000 inwoners naar leeftijdsgroep (CBS-bevolking op 1 januari), {h.jaar}",
                formatters=per_1000_table_formatters(h),
                onzeker=table_uncertain(h),
            ),
        )
    if h.is_available:
        return tables.sentence_html(pt.per_1000_zin(h))
    return tables.unavailable("de hulpvragen per leeftijdsgroep", h.jaar)
