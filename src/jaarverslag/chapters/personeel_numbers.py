"""Huisartsen en medewerkers, the numbers: GP and staff counts with last year, sick leave and its norm, in- and outflow.

The page itself (sentences, charts, the glued values) is `jaarverslag.chapters.personeel`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jaarverslag.data.codebook import categories
from jaarverslag.data.load import is_available, load_table
from jaarverslag.data.paths import report_years
from jaarverslag.data.status import CERTAIN, MISSING, UNCERTAIN
from jaarverslag.render import fmt, text

NORM_VERZUIM = "ziekteverzuim"  # norm_id of the sick leave norm in referentie/normen.csv
MAXIMUM = "maximaal"
VERZUIM_DECIMALS = 2  # the report prints sick leave with two decimals (3,04%)
NORM_DECIMALS = 1  # and the norm with one (5,5%)
INSTROOM, UITSTROOM = "instroom", "uitstroom"
# Plural display names for the book; a value not listed is shown as stored.
GROUP_NAMES = {"Huisartslid": "Huisartsleden", "AIOS": "AIOS", "Hidha of waarnemer": "Hidha's en waarnemers"}
GROUP_IN_SENTENCE = {"Huisartslid": "huisartsleden", "AIOS": "AIOS", "Hidha of waarnemer": "hidha's en waarnemers"}
ROLE_NAMES = {
    "Triagist": "Triagisten",
    "Triagist in opleiding": "Triagisten in opleiding",
    "Junior triagist": "Junior triagisten",
    "Baliemedewerker": "Baliemedewerkers",
    "Postassistent": "Postassistenten",
    "Medewerker managementbureau": "Medewerkers managementbureau",
    "Facilitair medewerker": "Facilitair medewerkers",
}
# Shorter function names for chart axes (phone width); the tables use ROLE_NAMES.
SHORT_LABELS = {
    **ROLE_NAMES,
    "Medewerker managementbureau": "Managementbureau",
    "Facilitair medewerker": "Facilitair",
}
TOTAAL = "Totaal"


def display_name(value: str, namen: dict[str, str]) -> str:
    """Return a stored group or function name as the book shows it (unknown names unchanged)."""
    return namen.get(value, value)


def is_status(status, waarde: str) -> bool:
    """Say whether a status cell (possibly missing) equals a value."""
    return isinstance(status, str) and status == waarde


def _sort(frame: pd.DataFrame, kolom: str, volgorde: list[str]) -> pd.DataFrame:
    rank = {v: i for i, v in enumerate(volgorde)}
    return frame.sort_values(kolom, key=lambda s: s.map(lambda v: rank.get(v, len(rank))), kind="stable")


# --- counts with last year (huisartsen, medewerkers) ----------------------------------------------------


@dataclass(frozen=True)
class GroupCounts:
    """A year's counts per group with last year beside them, the status of each and why a value is uncertain."""

    jaar: int
    sleutel: str
    frame: pd.DataFrame | None
    # frame: <sleutel>, aantal, aantal_vorig_jaar, verschil, status, status_vorig_jaar, toelichting,
    # toelichting_vorig_jaar
    vorig_jaar_beschikbaar: bool

    @property
    def is_available(self) -> bool:
        return self.frame is not None

    @property
    def totaal(self) -> int | None:
        value = self.frame["aantal"].sum(min_count=1)
        return None if pd.isna(value) else int(value)

    @property
    def totaal_vorig_jaar(self) -> int | None:
        value = self.frame["aantal_vorig_jaar"].sum(min_count=1)
        return None if pd.isna(value) or not self.vorig_jaar_beschikbaar else int(value)


def _group_counts(naam: str, jaar: int, sleutel: str, volgorde: list[str], root: Path | None) -> GroupCounts:
    if not is_available(naam, jaar, root):
        return GroupCounts(jaar, sleutel, None, False)
    columns = [sleutel, "aantal", "status", "toelichting"]
    frame = load_table(naam, jaar, root)[columns]
    has_previous = is_available(naam, jaar - 1, root)
    if has_previous:
        vorig = load_table(naam, jaar - 1, root)[columns]
        frame = frame.merge(vorig, on=sleutel, how="left", suffixes=("", "_vorig_jaar"))
    else:
        for column, dtype in (("aantal", "Int64"), ("status", "string"), ("toelichting", "string")):
            frame[f"{column}_vorig_jaar"] = pd.array([pd.NA] * len(frame), dtype=dtype)
    frame["verschil"] = (frame["aantal"] - frame["aantal_vorig_jaar"]).astype("Int64")
    frame = _sort(frame, sleutel, volgorde).reset_index(drop=True)
    return GroupCounts(jaar, sleutel, frame, has_previous)


def huisartsen(jaar: int, root: Path | None = None) -> GroupCounts:
    """Return the GPs per group (members, AIOS, hidha's and locums) with last year's counts."""
    return _group_counts("huisartsen", jaar, "groep", categories(root)["huisartsgroep"], root)


def medewerkers(jaar: int, root: Path | None = None) -> GroupCounts:
    """Return the staff (persons) per function with last year's counts."""
    return _group_counts("medewerkers", jaar, "functie", categories(root)["functie_medewerker"], root)


def onzeker(a: GroupCounts) -> pd.Series:
    """Return which rows hold an uncertain value in this year or last year."""
    return a.frame["status"].eq(UNCERTAIN).fillna(False) | a.frame["status_vorig_jaar"].eq(UNCERTAIN).fillna(False)


def status_text(status, status_vorig, jaar: int) -> str:
    """Return a row's certainty in words: 'zeker', 'onzeker', or which year's value is uncertain."""
    if not isinstance(status_vorig, str):  # no previous year
        return status if isinstance(status, str) else MISSING
    nu, vorig = is_status(status, UNCERTAIN), is_status(status_vorig, UNCERTAIN)
    if nu and vorig:
        return UNCERTAIN
    if nu or vorig:
        return f"{UNCERTAIN} ({jaar if nu else jaar - 1})"
    return MISSING if MISSING in (status, status_vorig) else CERTAIN


def tabel(a: GroupCounts, kolomnaam: str, namen: dict[str, str], totaal: bool = False) -> pd.DataFrame:
    """Return the counts table with Dutch column names, last year's columns only when that year exists.

    With totaal=True a computed total row is added (the report prints no total of its own).
    """
    jaar = a.jaar
    frame = a.frame
    table = pd.DataFrame({kolomnaam: [display_name(v, namen) for v in frame[a.sleutel]]})
    if a.vorig_jaar_beschikbaar:
        table[str(jaar - 1)] = frame["aantal_vorig_jaar"].to_numpy()
    table[str(jaar)] = frame["aantal"].to_numpy()
    if a.vorig_jaar_beschikbaar:
        table["Verschil"] = frame["verschil"].to_numpy()
    table["Zekerheid"] = [status_text(s, v, jaar) for s, v in zip(frame["status"], frame["status_vorig_jaar"])]
    if totaal:
        row = {kolomnaam: TOTAAL, str(jaar): a.totaal, "Zekerheid": "berekend"}
        if a.vorig_jaar_beschikbaar:
            row.update({str(jaar - 1): a.totaal_vorig_jaar, "Verschil": a.totaal - a.totaal_vorig_jaar})
        table = pd.concat([table, pd.DataFrame([row])], ignore_index=True)
        for column in table.columns:
            if column not in (kolomnaam, "Zekerheid"):
                table[column] = table[column].astype("Int64")
    return table


def table_uncertain(a: GroupCounts, totaal: bool = False) -> pd.Series:
    """Return the uncertainty marks for `tabel` (a computed total row is marked when any of its parts is)."""
    marks = onzeker(a)
    return pd.concat([marks, pd.Series([bool(marks.any())])], ignore_index=True) if totaal else marks


def difference_in_table(value) -> str:
    """Format a difference in a counts table: '+14', '−4', and a plain '0' (not '±0'), as the published tables show."""
    return "0" if value == 0 else text.verschil(int(value))


def table_formatters() -> dict:
    """Return the formats of a counts table (differences with their sign)."""
    return {"Verschil": difference_in_table}


# --- sick leave ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Norm:
    """A norm from referentie/normen.csv: the percentage and whether it is a minimum or a maximum."""

    norm_pct: float
    richting: str
    onderwerp: str

    def gehaald(self, waarde: float) -> bool:
        """Say whether a value meets the norm."""
        return waarde <= self.norm_pct if self.richting == MAXIMUM else waarde >= self.norm_pct

    @property
    def tekst(self) -> str:
        return f"{self.richting} {fmt.percent(self.norm_pct, NORM_DECIMALS)}"


def verzuimnorm(root: Path | None = None) -> Norm:
    """Return the sick leave norm (ZIEKTEVERZUIM_NORM) from data/referentie/normen.csv."""
    row = load_table("normen", None, root).set_index("norm_id").loc[NORM_VERZUIM]
    return Norm(float(row["norm_pct"]), str(row["richting"]), str(row["onderwerp"]))


def verzuim(jaar: int, root: Path | None = None) -> pd.DataFrame:
    """Return the sick leave per report year up to and including jaar (years without data left out)."""
    years = [j for j in report_years(root) if j <= jaar and is_available("ziekteverzuim", j, root)]
    if not years:
        return pd.DataFrame(columns=["jaar", "verzuim_pct", "status", "toelichting"])
    frame = pd.concat([load_table("ziekteverzuim", j, root) for j in years], ignore_index=True)
    return frame[["jaar", "verzuim_pct", "status", "toelichting"]]


def verzuim_value(frame: pd.DataFrame, jaar: int) -> float | None:
    """Return one year's sick leave percentage, or None."""
    row = frame[frame["jaar"] == jaar]
    return None if row.empty or pd.isna(row["verzuim_pct"].iloc[0]) else float(row["verzuim_pct"].iloc[0])


# --- inflow and outflow -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Turnover:
    """Inflow and outflow of staff: the printed totals (this and last year) and the split per function."""

    jaar: int
    totalen: pd.DataFrame | None  # jaar, richting, aantal, status (this year and last year where known)
    per_functie: pd.DataFrame | None  # functie, instroom, uitstroom, saldo, status_instroom, status_uitstroom, ...

    def totaal(self, jaar: int, richting: str) -> int | None:
        if self.totalen is None:
            return None
        row = self.totalen[(self.totalen["jaar"] == jaar) & (self.totalen["richting"] == richting)]
        return None if row.empty or pd.isna(row["aantal"].iloc[0]) else int(row["aantal"].iloc[0])


def verloop(jaar: int, root: Path | None = None) -> Turnover:
    """Return inflow and outflow: printed totals of this year and last year, and this year's split per function."""
    years = [j for j in (jaar - 1, jaar) if is_available("personeelsverloop_totaal", j, root)]
    totalen = (
        pd.concat([load_table("personeelsverloop_totaal", j, root) for j in years], ignore_index=True)
        if jaar in years
        else None
    )
    per_functie = None
    if is_available("personeelsverloop", jaar, root):
        rows = load_table("personeelsverloop", jaar, root)
        wide = rows.pivot(index="functie", columns="richting", values=["aantal", "status", "toelichting"])
        per_functie = pd.DataFrame({"functie": wide.index})
        for richting in (INSTROOM, UITSTROOM):
            for column in ("aantal", "status", "toelichting"):
                present = (column, richting) in wide.columns
                values = wide[(column, richting)].to_numpy() if present else [pd.NA] * len(wide)
                name = richting if column == "aantal" else f"{column}_{richting}"
                per_functie[name] = values
        per_functie[INSTROOM] = per_functie[INSTROOM].astype("Int64")
        per_functie[UITSTROOM] = per_functie[UITSTROOM].astype("Int64")
        per_functie["saldo"] = (per_functie[INSTROOM] - per_functie[UITSTROOM]).astype("Int64")
        per_functie = _sort(per_functie, "functie", categories(root)["functie_medewerker"]).reset_index(drop=True)
    return Turnover(jaar, totalen, per_functie)


def turnover_uncertain(v: Turnover) -> pd.Series:
    """Return which functions have an uncertain inflow or outflow."""
    f = v.per_functie
    return f["status_instroom"].eq(UNCERTAIN).fillna(False) | f["status_uitstroom"].eq(UNCERTAIN).fillna(False)


def turnover_table(v: Turnover) -> pd.DataFrame:
    """Return inflow and outflow per function, one row per value so each value carries its own certainty.

    Computed totals per direction close the table; the balance per function is in the chart.
    """
    rows = []
    for richting in (INSTROOM, UITSTROOM):
        for row in v.per_functie.to_dict("records"):
            status = row[f"status_{richting}"]
            rows.append(
                {
                    "Richting": richting.capitalize(),
                    "Functie": display_name(row["functie"], ROLE_NAMES),
                    "Aantal": row[richting],
                    "Zekerheid": status if isinstance(status, str) else MISSING,
                }
            )
        som = int(v.per_functie[richting].sum())
        gelijk = v.totaal(v.jaar, richting) == som
        rows.append(
            {
                "Richting": richting.capitalize(),
                "Functie": TOTAAL,
                "Aantal": som,
                "Zekerheid": "berekend; gelijk aan het gedrukte totaal" if gelijk else "berekend",
            }
        )
    table = pd.DataFrame(rows)
    table["Aantal"] = table["Aantal"].astype("Int64")
    return table


def turnover_table_uncertain(v: Turnover) -> pd.Series:
    """Return the uncertainty marks for `turnover_table` (the computed totals are not marked)."""
    return turnover_table(v)["Zekerheid"].eq(UNCERTAIN)


def turnover_table_formatters() -> dict:
    """Return the formats of the inflow/outflow table (none beyond the Dutch defaults)."""
    return {}
