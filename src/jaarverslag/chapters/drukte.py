"""Drukte en urgentie, the page: contacts per hour of the week and the urgency mix, from the registrations.

Only a year whose registrations hold contacts has these figures; any other year shows one sentence per
section.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from jaarverslag.chapters.binnenlopers import POST_NAMES
from jaarverslag.data import landelijk, registrations
from jaarverslag.data.codebook import categories
from jaarverslag.data.registrations.disclosure import PRIMARY, is_small, suppress
from jaarverslag.render import charts, fmt, landelijk_text, registraties_charts, suppression, tables
from jaarverslag.render.registraties_text import (
    WEEKDAYS,
    WEEKDAYS_SHORT,
    csv_download,
    needs_registrations,
    uur_van_de_week,
)
from jaarverslag.render.text import join_list

SHT = "SHT"
PEAKS_NAMED = 3  # the busiest hours of the week the text names
UNKNOWN = "onbekend"  # urgency not recorded (urgentie.sql)
URGENT = ("U0", "U1", "U2")  # the urgencies that need a GP within two hours (NTS)
# National hour-of-week shares (referentie/landelijk.csv) and the ISO weekdays and hours they cover.
NATIONAL_HOURS = {
    "drukte_werkdag_18_20": ("werkdagen 18–20 uur", (1, 2, 3, 4, 5), (18, 19)),
    "drukte_weekend_04_06": ("weekend 4–6 uur", (6, 7), (4, 5)),
}
BLOCKS = (("post", "Per post"), ("leeftijdsgroep", "Per leeftijdsgroep"), ("soort", "Per soort contact"))


def weeks_per_weekday(jaar: int) -> dict[int, int]:
    """Return how often each ISO weekday occurs in the year (52 or 53): the divisor of an average per week."""
    start = dt.date(jaar, 1, 1)
    days = (dt.date(jaar + 1, 1, 1) - start).days
    counts = dict.fromkeys(range(1, 8), 0)
    for i in range(days):
        counts[(start + dt.timedelta(days=i)).isoweekday()] += 1
    return counts


# --- Drukte --------------------------------------------------------------------------------------


def drukte(jaar: int, root: Path | None = None) -> pd.DataFrame | None:
    """Return contacts per post, kind and hour of week with the average per week, or None without contacts."""
    frame = registrations.section_table("drukte", jaar, root)
    if frame is None:
        return None
    weeks = weeks_per_weekday(jaar)
    frame = frame.copy()
    frame["per_week"] = frame["contacten"] / frame["weekdag"].map(weeks)
    return frame


def _all_hours(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sum over kinds per key and hour of week, every one of the 168 hours present (0 where no contact)."""
    summed = frame.groupby([*keys, "weekdag", "uur"], sort=False, as_index=False)[["contacten", "per_week"]].sum()
    grid = pd.MultiIndex.from_product(
        [list(dict.fromkeys(summed[k])) for k in keys] + [range(1, 8), range(24)], names=[*keys, "weekdag", "uur"]
    )
    return summed.set_index([*keys, "weekdag", "uur"]).reindex(grid, fill_value=0).reset_index()


def per_post(frame: pd.DataFrame) -> pd.DataFrame:
    return _all_hours(frame, ["post"])


def per_soort_sht(frame: pd.DataFrame) -> pd.DataFrame:
    return _all_hours(frame[frame["post"] == SHT], ["soort"])


def peaks(frame: pd.DataFrame, n: int = PEAKS_NAMED) -> pd.DataFrame:
    """Return the n busiest hours of the week of SHT as a whole (ties: the earlier hour first)."""
    sht = per_post(frame)
    sht = sht[sht["post"] == SHT]
    return sht.sort_values(["contacten", "weekdag", "uur"], ascending=[False, True, True]).head(n)


def drukte_zin(frame: pd.DataFrame, jaar: int) -> str:
    """Return the interpretation: the peak hours by name, quiet hours, and per kind and post where the peak lies."""
    top = peaks(frame)
    named = [
        f"{uur_van_de_week(r.weekdag, r.uur)} (gemiddeld {fmt.getal(r.per_week)} per week)" for r in top.itertuples()
    ]
    text = f"De drukste uren van de week waren in {jaar} voor SHT als geheel " + join_list(named) + "."
    posts = per_post(frame)
    posts = posts[posts["post"] != SHT]
    parts = []
    for post, part in posts.groupby("post", sort=False):
        best = part.sort_values(["contacten", "weekdag", "uur"], ascending=[False, True, True]).iloc[0]
        if best.contacten >= suppression.SMALL_CELL_THRESHOLD:
            parts.append(f"{POST_NAMES.get(post, post)} op {uur_van_de_week(best.weekdag, best.uur)}")
    if parts:
        text += " Per post lag het drukste uur " + join_list(parts) + "."
    kinds = per_soort_sht(frame)
    k_parts = []
    for soort, part in kinds.groupby("soort", sort=False):
        best = part.sort_values(["contacten", "weekdag", "uur"], ascending=[False, True, True]).iloc[0]
        k_parts.append(f"{soort.lower()} op {uur_van_de_week(best.weekdag, best.uur)}")
    if k_parts:
        text += " Per soort contact: " + join_list(k_parts) + "."
    sht = posts.groupby(["weekdag", "uur"], as_index=False)["contacten"].sum()
    weekend = sht[sht["weekdag"] >= 6]["contacten"].sum() / max(1, sht["contacten"].sum())
    text += (
        f" Het weekend (zaterdag en zondag, de hele dag open) nam {fmt.percent(100 * weekend)} van alle contacten "
        "voor zijn rekening."
    )
    return text


def national_hours_zin(frame: pd.DataFrame | None, jaar: int, root: Path | None = None) -> str:
    """Return SHT's share of contacts in the hours of the week national figures exist for, beside those figures.

    Without registrations (frame None) the national figures stand alone, SHT's as not available.
    """
    sht = None if frame is None else per_post(frame)
    sht = None if sht is None else sht[sht["post"] == SHT]
    pairs = []
    for key, (label, days, hours) in NATIONAL_HOURS.items():
        ref = landelijk.reference_for(key, jaar, root)
        if ref is None:
            continue
        if sht is None or not sht["contacten"].sum():
            pairs.append((label, ref, None))
            continue
        part = sht[sht["weekdag"].isin(days) & sht["uur"].isin(hours)]["contacten"].sum()
        pairs.append((label, ref, fmt.percent(100 * part / sht["contacten"].sum(), 1)))
    return landelijk_text.aandelen_zin(
        "Het aandeel van alle contacten van SHT dat in deze uren begon, staat", pairs, jaar
    )


def drukte_tabel(frame: pd.DataFrame) -> pd.DataFrame:
    """Return SHT's average contacts per week by hour (rows) and weekday (columns): the chart as a table."""
    sht = per_post(frame)
    sht = sht[sht["post"] == SHT]
    table = sht.pivot(index="uur", columns="weekdag", values="per_week").reindex(columns=range(1, 8))
    small = sht.pivot(index="uur", columns="weekdag", values="contacten").reindex(columns=range(1, 8))
    out = pd.DataFrame({"Uur": [f"{h}–{h + 1}" for h in table.index]})
    for d in range(1, 8):  # short day names, so the table fits a phone
        out[WEEKDAYS_SHORT[d]] = [
            suppression.DERIVED if is_small(c) else fmt.round_half_up(float(v), 1) for v, c in zip(table[d], small[d])
        ]
    return out


def drukte_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """Return every post, kind and hour of week: contacts in the year (small counts as <10) and the weekly average."""
    rows = frame.sort_values(["post", "soort", "weekdag", "uur"], key=lambda s: s if s.name != "post" else s.eq(SHT))
    return pd.DataFrame(
        {
            "Post": rows["post"],
            "Soort contact": rows["soort"],
            "Dag": rows["weekdag"].map(WEEKDAYS),
            "Uur": rows["uur"].map(lambda h: f"{int(h)}–{int(h) + 1}"),
            "Contacten in het jaar": [
                suppression.LABELS[PRIMARY] if is_small(c) else int(c) for c in rows["contacten"]
            ],
            "Gemiddeld per week": [
                suppression.DERIVED if is_small(c) else fmt.round_half_up(float(v), 1)
                for c, v in zip(rows["contacten"], rows["per_week"])
            ],
        }
    )


# --- Urgentie ------------------------------------------------------------------------------------


def urgentie(jaar: int, root: Path | None = None) -> pd.DataFrame | None:
    """Return contacts per breakdown, group and urgency (long), or None without contacts."""
    return registrations.section_table("urgentie", jaar, root)


def urgency_order(root: Path | None = None) -> list[str]:
    return [*categories(root)["urgentie"], UNKNOWN]


def wide(frame: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Return one row per breakdown and group, one column per urgency (counts, 0 where none) and the total."""
    keys = list(dict.fromkeys(zip(frame["indeling"], frame["groep"])))
    table = frame.pivot_table(index=["indeling", "groep"], columns="urgentie", values="contacten", aggfunc="sum")
    table = table.reindex(index=pd.MultiIndex.from_tuples(keys), columns=order).fillna(0).astype(int)
    table["totaal"] = table.sum(axis=1)
    return table.reset_index(names=["indeling", "groep"])


def hidden_cells(table: pd.DataFrame, order: list[str]) -> dict[tuple[int, str], str]:
    """Return the hidden cells (row position, urgency or 'totaal'): small counts, and complements in every sum.

    Every published sum counts its total as a member: a row's urgencies with the row total, and within each
    breakdown the groups' cells of one column with SHT's cell of that column (the total of that breakdown).
    """
    columns = [*order, "totaal"]
    values = {(i, c): int(table.at[i, c]) for i in table.index for c in columns}
    groups = [[(i, c) for c in columns] for i in table.index]
    sht = [i for i in table.index if table.at[i, "indeling"] == "post" and table.at[i, "groep"] == SHT]
    for indeling in dict.fromkeys(table["indeling"]):
        rows = [i for i in table.index if table.at[i, "indeling"] == indeling and table.at[i, "groep"] != SHT]
        groups += [[(i, c) for i in rows + sht] for c in columns]
    return suppress(values, groups)


def shares(table: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    out = table.copy()
    for u in order:
        out[u] = 100 * table[u] / table["totaal"]
    return out


def urgentie_tabel(table: pd.DataFrame, order: list[str], states: dict) -> pd.DataFrame:
    """Return the table as shown: counts per urgency with the row total, hidden cells as <10 or ×."""
    out = pd.DataFrame({"Post, leeftijd of soort": table["groep"].map(lambda g: f"{g} jaar" if g[0].isdigit() else g)})
    for u in order:
        out[u if u != UNKNOWN else "Onbekend"] = [
            suppression.label(states.get((i, u)), int(table.at[i, u])) for i in table.index
        ]
    out["Totaal"] = [suppression.label(states.get((i, "totaal")), int(table.at[i, "totaal"])) for i in table.index]
    return out


def urgentie_zin(table: pd.DataFrame, jaar: int, states: dict | None = None) -> str:
    """Return the interpretation: SHT's mix, and which age group and kind of contact had the most urgent share."""
    states = hidden_cells(table, urgency_order()) if states is None else states
    pct = shares(table, [*URGENT, "U3", "U4", "U5", UNKNOWN])
    pct["spoed"] = pct[list(URGENT)].sum(axis=1)
    sht = pct[(pct["indeling"] == "post") & (pct["groep"] == SHT)].iloc[0]
    hidden = {u for (i, u) in states if i == sht.name}  # a share of a hidden count would give it back
    common = max(["U0", "U1", "U2", "U3", "U4", "U5"], key=lambda u: sht[u])
    opening = f"Van de {fmt.getal(sht['totaal'])} contacten van SHT in {jaar}"
    mix = f"{common} ({fmt.percent(sht[common])})" if common not in hidden else None
    if not hidden & set(URGENT):
        text = f"{opening} was {fmt.percent(sht['spoed'])} spoed (U0 tot en met U2: levensbedreigend of spoed)"
        text += f"; de meeste contacten kregen {mix}." if mix else "."
    elif mix:
        text = f"{opening} kregen de meeste {mix}."
    else:
        text = f"{opening} zijn de aandelen per urgentie afgeschermd (kleine aantallen)."
    if UNKNOWN not in hidden:
        text += f" Bij {fmt.percent(sht[UNKNOWN])} is geen urgentie vastgelegd."
    for indeling, woord in (("leeftijdsgroep", "leeftijdsgroep"), ("soort", "soort contact")):
        shown = pd.Series(
            [(i, "totaal") not in states and not any((i, u) in states for u in URGENT) for i in table.index],
            index=table.index,
        )
        part = pct[(pct["indeling"] == indeling) & shown]
        if len(part) < 2:
            continue
        hi, lo = part.sort_values("spoed").iloc[-1], part.sort_values("spoed").iloc[0]
        label = (lambda g: f"{g} jaar") if indeling == "leeftijdsgroep" else (lambda g: g.lower())
        text += (
            f" Per {woord} was het aandeel spoed het hoogst bij {label(hi['groep'])} ({fmt.percent(hi['spoed'])}) en "
            f"het laagst bij {label(lo['groep'])} ({fmt.percent(lo['spoed'])})."
        )
    return text


def national_urgency_zin(
    table: pd.DataFrame | None, jaar: int, root: Path | None = None, states: dict | None = None
) -> str:
    """Return SHT's urgency shares U1 to U5 beside the national ones, over the contacts with a recorded urgency.

    Without registrations (table None) the national shares stand alone, SHT's as not available.
    """
    sht = None if table is None else table[(table["indeling"] == "post") & (table["groep"] == SHT)].iloc[0]
    recorded = 0 if sht is None else sht["totaal"] - sht[UNKNOWN]
    pairs = []
    for u in ("U1", "U2", "U3", "U4", "U5"):
        ref = landelijk.reference_for(f"urgentie_{u.lower()}", jaar, root)
        if ref is not None:
            own = fmt.percent(100 * sht[u] / recorded, 1) if recorded else None
            if own is not None and states and (sht.name, u) in states:
                own = suppression.DERIVED  # the share of a hidden count would give it back
            pairs.append((u, ref, own))
    return landelijk_text.aandelen_zin(
        "Over de contacten met een vastgelegde urgentie staan de aandelen van SHT", pairs, jaar
    )


def chart_frame(table: pd.DataFrame, order: list[str], states: dict) -> pd.DataFrame:
    """Return the shares per row for the chart; rows with fewer than 10 contacts are left out."""
    pct = shares(table, order)
    # A row whose total is hidden is left out; a hidden cell is not drawn (its share times the total is its count).
    keep = [(i, "totaal") not in states for i in table.index]
    for (i, u), _state in states.items():
        if u != "totaal":
            pct.at[i, u] = float("nan")
    pct = pct[keep].copy()
    pct["groep"] = [f"{g} jaar" if g[0].isdigit() else g for g in pct["groep"]]
    return pct


# --- the page ------------------------------------------------------------------------------------


def page_values(jaar: int, root: Path | None = None) -> dict[str, object]:
    """Return every value the page glues, for a year with registrations and a year without."""
    charts.apply_style()
    values: dict[str, object] = {"jaar": str(jaar)}
    frame = drukte(jaar, root)
    if frame is None:
        values["drukte_zin"] = needs_registrations("De contacten per uur van de week", jaar, ("contacten",))
        values["drukte_landelijk"] = national_hours_zin(None, jaar, root)
        values["drukte"] = tables.combine()
    else:
        values["drukte_zin"] = drukte_zin(frame, jaar)
        values["drukte_landelijk"] = national_hours_zin(frame, jaar, root)
        posts = per_post(frame)
        posts = posts[posts["post"] != SHT]
        values["drukte"] = tables.combine(
            registraties_charts.week_lines(posts, per_soort_sht(frame), jaar, "drukte_week"),
            tables.html(
                drukte_tabel(frame),
                "drukte_sht",
                bijschrift=(
                    f"Gemiddeld aantal contacten van SHT per week, per uur en dag (ma = maandag, zo = zondag), {jaar}"
                ),
            ),
            csv_download(
                drukte_csv(frame),
                "drukte_per_uur",
                "Alle posten en soorten contact per uur van de week (aantal in het jaar en gemiddeld per week)",
            ),
        )
    long = urgentie(jaar, root)
    if long is None:
        values["urgentie_zin"] = needs_registrations("De urgenties van de contacten", jaar, ("contacten",))
        values["urgentie_landelijk"] = national_urgency_zin(None, jaar, root)
        values["urgentie"] = tables.combine()
    else:
        order = urgency_order(root)
        table = wide(long, order)
        states = hidden_cells(table, order)
        values["urgentie_zin"] = urgentie_zin(table, jaar, states)
        values["urgentie_landelijk"] = national_urgency_zin(table, jaar, root, states)
        values["urgentie"] = tables.combine(
            registraties_charts.urgency_bars(
                chart_frame(table, order, states), list(BLOCKS), order, jaar, "drukte_urgentie"
            ),
            tables.html(
                urgentie_tabel(table, order, states),
                "drukte_urgentie",
                bijschrift=f"Contacten per urgentie, per post, leeftijdsgroep en soort contact, {jaar}",
            ),
        )
    return values
