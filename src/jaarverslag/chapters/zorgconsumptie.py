"""Zorgconsumptie per gemeente: consulteenheden per 1,000 inhabitants, recomputed where the data allow.

A consulteenheid weighs a help request by its kind (advice/telephone, consult, visit; the weights
are defined once in jaarverslag.data.metrics and shared with the trend models). The rate divides the consulteenheden of
a gemeente by the report's own denominator, the printed row "Inwoners x 1000". This module only
describes the printed figures; statistical models of the same data live in jaarverslag.models.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jaarverslag.chapters import zorgconsumptie_standaard
from jaarverslag.data import ledger, status
from jaarverslag.data.codebook import categories
from jaarverslag.data.geo import read_boundaries
from jaarverslag.data.load import is_available, load_table, load_years
from jaarverslag.data.metrics import CONSULTEENHEID_WEIGHTS, consulteenheden
from jaarverslag.data.paths import report_years
from jaarverslag.data.population import T_CONSUMPTION_TYPE, T_DENOMINATOR, T_PER_1000, UNKNOWN, hidden_gemeenten
from jaarverslag.data.registrations import disclosure
from jaarverslag.render import fmt, suppression, tables
from jaarverslag.render.text import join_list, verschil

YEARS_COMPARED = 3  # the report prints the report year and the two years before it
TOTAL_LABEL = "Totaal"  # all gemeenten and Onbekend
COMPUTED = "berekend"
PRINTED = "gedrukt"
# SHT serves only part of this gemeente, so the report's denominator is below CBS (codebook inwoners_gemeente).
PARTLY_SERVED_GEMEENTE = "Hof van Twente"
CHECKS_OF_CHAPTER = ("som_consulteenheden",)
RATE_DECIMALS = 0  # the report prints whole consulteenheden per 1,000 inhabitants
ADVIES, CONSULT, VISITE = "Advies/telefonisch consult", "Consult", "Visite"  # codebook list soort_contact
TYPE_COLUMNS = {ADVIES: "Advies/TC", CONSULT: "Consult", VISITE: "Visite"}
NO_DISCREPANCY_TEXT = "De gedrukte totalen van de consulteenheden zijn gelijk aan de som van de gemeenten."


def jaren(jaar: int, root: Path | None = None) -> list[int]:
    """Return the years compared in the report year's chapter: up to three, where the rates exist."""
    return [j for j in report_years(root) if jaar - YEARS_COMPARED < j <= jaar and is_available(T_PER_1000, j, root)]


def gewichten_zin() -> str:
    """Return one plain sentence explaining the weights of a consulteenheid."""
    w = {k: fmt.getal(v, 1).removesuffix(",0") for k, v in CONSULTEENHEID_WEIGHTS.items()}
    return (
        f"Een consulteenheid weegt elke hulpvraag naar de zwaarte ervan: een advies of telefonisch consult telt "
        f"voor {w['Advies/telefonisch consult']}, een consult op de post voor {w['Consult']} en een visite aan huis "
        f"voor {w['Visite']} eenheid."
    )


def can_recompute(jaar: int, root: Path | None = None) -> bool:
    """Say whether the year's rates can be recomputed: counts per kind and the denominators exist."""
    return is_available(T_CONSUMPTION_TYPE, jaar, root) and is_available(T_DENOMINATOR, jaar, root)


def calculation(jaar: int, root: Path | None = None) -> pd.DataFrame:
    """Return per gemeente (and Onbekend) the counts per kind, consulteenheden, denominator and rate.

    Consulteenheden are rounded half up per gemeente, as printed; the rate is consulteenheden divided
    by the printed denominator (inhabitants x 1,000), unrounded. Onbekend has no denominator and no rate.
    """
    counts = load_table(T_CONSUMPTION_TYPE, jaar, root)
    counts["gemeente"] = counts["gemeente"].astype(str)
    wide = counts.pivot_table(
        index="gemeente", columns=counts["soort"].astype(str), values="aantal", aggfunc="sum", observed=True
    )
    wide = wide[list(TYPE_COLUMNS)]
    units = {g: _consulteenheden(row) for g, row in wide.iterrows()}
    wide = wide.rename(columns=TYPE_COLUMNS).reset_index()
    wide["aantal"] = wide[list(TYPE_COLUMNS.values())].sum(axis=1)
    wide["consulteenheden"] = wide["gemeente"].map(units)
    noemer = load_table(T_DENOMINATOR, jaar, root)
    noemer = dict(zip(noemer["gemeente"].astype(str), noemer["inwoners_x1000"]))
    wide["inwoners_x1000"] = pd.array([noemer.get(g) for g in wide["gemeente"]], dtype="Int64")
    wide["per_1000"] = [
        c / n if n is not None and not pd.isna(n) else None
        for c, n in zip(wide["consulteenheden"], wide["inwoners_x1000"])
    ]
    wide["per_1000"] = wide["per_1000"].astype("Float64")
    order = categories(root)["gemeente_of_onbekend"]
    wide["gemeente"] = pd.Categorical(wide["gemeente"], order, ordered=True)
    wide = wide.sort_values("gemeente").reset_index(drop=True)
    wide["gemeente"] = wide["gemeente"].astype(str)
    return wide


def _consulteenheden(per_soort) -> int:
    """Return rounded consulteenheden from counts per soort (a mapping or Series keyed by soort)."""
    return consulteenheden(
        advies=per_soort.get(ADVIES, 0), consult=per_soort.get(CONSULT, 0), visite=per_soort.get(VISITE, 0)
    )


def total_consulteenheden(jaar: int, root: Path | None = None) -> int:
    """Return the year's consulteenheden as the report prints its total: the weights applied to the column totals."""
    counts = load_table(T_CONSUMPTION_TYPE, jaar, root)
    per_soort = counts.groupby(counts["soort"].astype(str))["aantal"].sum()
    return _consulteenheden(per_soort)


def per_1000(jaar: int, root: Path | None = None) -> pd.DataFrame:
    """Return consulteenheden per 1,000 inhabitants per gemeente for the compared years (long format).

    Columns: jaar, gemeente, per_1000, gedrukt, herkomst, status, afgeschermd. A year whose counts and
    denominators exist is recomputed (herkomst "berekend"); other years keep the printed figure. A rate
    resting on a hidden count from registrations is missing, with its state in afgeschermd (else None).
    """
    frames = []
    for j in jaren(jaar, root):
        printed = load_table(T_PER_1000, j, root)
        part = pd.DataFrame(
            {
                "jaar": j,
                "gemeente": printed["gemeente"].astype(str),
                "gedrukt": printed["consulteenheden_per_1000"].astype("Float64"),
                "status": printed["status"].astype(str),
            }
        )
        if can_recompute(j, root):
            rates = calculation(j, root).set_index("gemeente")["per_1000"]
            part["per_1000"] = part["gemeente"].map(rates).astype("Float64")
            part["herkomst"] = COMPUTED
        else:
            part["per_1000"] = part["gedrukt"]
            part["herkomst"] = PRINTED
        verborgen = hidden_gemeenten(j, root)
        part["afgeschermd"] = pd.Series([verborgen.get(g) for g in part["gemeente"]], dtype=object)
        gone = part["afgeschermd"].notna()
        part["per_1000"] = part["per_1000"].mask(gone)
        part["gedrukt"] = part["gedrukt"].mask(gone)
        frames.append(part)
    if not frames:
        return pd.DataFrame(columns=[*RATE_COLUMNS])
    frame = pd.concat(frames, ignore_index=True)
    return frame[[*RATE_COLUMNS]]


RATE_COLUMNS = ("jaar", "gemeente", "per_1000", "gedrukt", "herkomst", "status", "afgeschermd")


def to_wide(frame: pd.DataFrame, root: Path | None = None) -> pd.DataFrame:
    """Return the rates with one column per year (gemeente as index), in codebook order."""
    wide = frame.pivot(index="gemeente", columns="jaar", values="per_1000")
    return wide.reindex([g for g in categories(root)["gemeente"] if g in wide.index])


COUNT_COLUMN = "Hulpvragen {jaar} (aantal)"  # the counts the report prints per gemeente, beside the rates
UNROUNDED_SUFFIX = " onafgerond"  # the CSV's column with a recomputed rate before rounding, for auditing


def tabel_per_jaar(frame: pd.DataFrame, jaar: int, root: Path | None = None, onafgerond: bool = False) -> pd.DataFrame:
    """Return the book table: gemeente, the rate per year (as shown), the change versus the year before, the count.

    onafgerond=True adds the recomputed rates before rounding (for the CSV download).
    """
    wide = to_wide(frame, root)
    table = pd.DataFrame({"Gemeente": wide.index})
    for j in wide.columns:
        table[str(j)] = pd.array(
            [None if pd.isna(v) else fmt.round_half_up(v, RATE_DECIMALS) for v in wide[j]], dtype="Float64"
        )
    if jaar - 1 in wide.columns and jaar in wide.columns:
        table[f"Verschil met {jaar - 1}"] = pd.array(  # at the printed precision: whole units per 1,000
            [
                None
                if pd.isna(n) or pd.isna(v)
                else fmt.round_half_up(n, RATE_DECIMALS) - fmt.round_half_up(v, RATE_DECIMALS)
                for n, v in zip(wide[jaar], wide[jaar - 1])
            ],
            dtype="Int64",
        )
    if can_recompute(jaar, root):
        counts = calculation(jaar, root).set_index("gemeente")["aantal"]
        table[COUNT_COLUMN.format(jaar=jaar)] = pd.array(table["Gemeente"].map(counts), dtype="Int64")
    if onafgerond:
        computed = sorted(set(frame.loc[frame["herkomst"].eq(COMPUTED), "jaar"]))
        for j in computed:
            table[f"{j}{UNROUNDED_SUFFIX}"] = wide[j].round(CSV_RATE_DECIMALS).to_numpy()
    return _label_hidden(table, frame, jaar, root)


def _label_hidden(table: pd.DataFrame, frame: pd.DataFrame, jaar: int, root: Path | None) -> pd.DataFrame:
    """Return the per-year table with hidden rates, their changes and hidden counts labelled (render.suppression)."""
    rates: dict[tuple, str] = {}
    for r in frame[frame["afgeschermd"].notna()].itertuples(index=False):
        columns = [str(r.jaar), f"{r.jaar}{UNROUNDED_SUFFIX}"]
        if r.jaar >= jaar - 1:  # the change of this year against last year
            columns.append(f"Verschil met {jaar - 1}")
        for column in columns:
            rates[(r.gemeente, column)] = r.afgeschermd
    shown = [c for c in dict.fromkeys(c for _g, c in rates) if c in table.columns]
    table = suppression.hide_cells(table, rates, ["Gemeente"], {c: c for c in shown}, derived=True)
    count = COUNT_COLUMN.format(jaar=jaar)
    if count in table.columns:
        table = suppression.hide(table, disclosure.row_totals(hidden(jaar, root)), ["Gemeente"], counts=[count])
    return table


def hidden(jaar: int, root: Path | None = None) -> dict[tuple, str]:
    """Return the year's hidden counts per (gemeente | TOTAL, soort | TOTAL), from registrations only."""
    return disclosure.hidden_cells(T_CONSUMPTION_TYPE, jaar, root)


CSV_RATE_DECIMALS = 4  # an unrounded rate in the CSV: enough to recompute the rounding, without binary noise


def uncertain_gemeenten(frame: pd.DataFrame, jaar: int, root: Path | None = None) -> pd.Series:
    """Return the uncertain-value mask for the rows of tabel_per_jaar: a gemeente with any uncertain year."""
    flagged = set(frame.loc[frame["status"].eq(status.UNCERTAIN), "gemeente"])
    return pd.Series([g in flagged for g in tabel_per_jaar(frame, jaar, root)["Gemeente"]])


def per_year_table_formatters(jaar: int, kolommen) -> dict:
    """Return formatters: whole rates, and the difference with its sign."""
    formatters = {c: lambda v: fmt.getal(v, RATE_DECIMALS) for c in kolommen if c.isdigit()}
    formatters[f"Verschil met {jaar - 1}"] = verschil
    return formatters


def tabel_berekening(
    b: pd.DataFrame, totaal_eenheden: int, onafgerond: bool = False, verborgen: dict[tuple, str] | None = None
) -> pd.DataFrame:
    """Return the calculation table for the book, with a total row over all gemeenten and Onbekend.

    Column names are short so that the table fits the page; the caption says what they mean. The rate is
    rounded as shown; onafgerond=True adds it before rounding (for the CSV download). verborgen: the year's
    hidden counts (hidden()): they are labelled, and the consulteenheden and rate of their gemeente are "×".
    """
    cols = list(TYPE_COLUMNS.values())
    total = {
        "gemeente": TOTAL_LABEL,
        **{c: b[c].sum() for c in cols},
        "aantal": b["aantal"].sum(),
        "consulteenheden": totaal_eenheden,
        "inwoners_x1000": pd.NA,
        "per_1000": pd.NA,
    }
    table = pd.concat(
        [b[["gemeente", *cols, "aantal", "consulteenheden", "inwoners_x1000", "per_1000"]], pd.DataFrame([total])],
        ignore_index=True,
    )
    table["inwoners_x1000"] = table["inwoners_x1000"].astype("Int64")
    unrounded = table["per_1000"].astype("Float64")
    table["per_1000"] = pd.array(
        [None if pd.isna(v) else fmt.round_half_up(v, RATE_DECIMALS) for v in unrounded], dtype="Float64"
    )
    if onafgerond:
        table[f"per_1000{UNROUNDED_SUFFIX}"] = unrounded.round(CSV_RATE_DECIMALS)
    if verborgen:
        table = _hide_calculation(
            table.assign(gemeente=table["gemeente"].replace(TOTAL_LABEL, disclosure.TOTAL)), verborgen
        )
        table["gemeente"] = table["gemeente"].replace(disclosure.TOTAL, TOTAL_LABEL)
    return table.rename(
        columns={
            "gemeente": "Gemeente",
            "aantal": "Hulpvragen",
            "consulteenheden": "Eenheden",
            "inwoners_x1000": "Inwoners ×1.000",
            "per_1000": "Per 1.000",
            f"per_1000{UNROUNDED_SUFFIX}": f"Per 1.000{UNROUNDED_SUFFIX}",
        }
    )


def _hide_calculation(table: pd.DataFrame, verborgen: dict[tuple, str]) -> pd.DataFrame:
    """Label the hidden counts of the calculation table, and the weighted figures of a row that holds one."""
    counts = {c: soort for soort, c in TYPE_COLUMNS.items()} | {"aantal": disclosure.TOTAL}
    table = suppression.hide_cells(table, verborgen, ["gemeente"], counts)
    weighted = dict(disclosure.hidden_rows(verborgen))
    if disclosure.hidden_margin(verborgen):
        weighted[disclosure.TOTAL] = disclosure.SECONDARY  # the total's consulteenheden weigh the hidden totals
    derived = [c for c in table.columns if c == "consulteenheden" or c.startswith("per_1000")]
    return suppression.hide(table, weighted, ["gemeente"], derived=derived)


CALCULATION_CAPTION = "Berekening per gemeente, {jaar}"  # the page explains the short column names


def calculation_table_formatters() -> dict:
    """Return the formatter of the rate column (whole numbers, as printed)."""
    return {"Per 1.000": lambda v: fmt.getal(v, RATE_DECIMALS)}


def _rate(v: float) -> str:
    return fmt.getal(v, RATE_DECIMALS)


def _gemeenten_count(n: int, totaal: int, eerste: bool = True) -> str:
    """Return 'alle 8 gemeenten' or '3 van de 8 gemeenten'; later parts of a listing drop the noun."""
    text = f"alle {totaal}" if n == totaal else (f"{n} van de {totaal}" if eerste else str(n))
    return text + (" gemeenten" if eerste else "")


def samenvatting_zin(frame: pd.DataFrame, jaar: int, root: Path | None = None) -> str:
    """Return the sentences on the year's highest and lowest rates and the change since earlier years."""
    year = frame[frame["jaar"] == jaar].dropna(subset=["per_1000"]).sort_values("per_1000", ascending=False)
    if len(year) < 2:
        return f"Voor {jaar} zijn geen consulteenheden per 1.000 inwoners te tonen." + hidden_sentence(frame)
    hi, lo = year.iloc[:2], year.iloc[::-1].iloc[:2]
    text = (
        f"In {jaar} deden de inwoners van {hi.iloc[0].gemeente} ({_rate(hi.iloc[0].per_1000)} consulteenheden per "
        f"1.000 inwoners) en {hi.iloc[1].gemeente} ({_rate(hi.iloc[1].per_1000)}) het meest een beroep op de "
        f"spoedposten, die van {lo.iloc[0].gemeente} ({_rate(lo.iloc[0].per_1000)}) en {lo.iloc[1].gemeente} "
        f"({_rate(lo.iloc[1].per_1000)}) het minst."
    )
    wide = to_wide(frame, root)
    for earlier in sorted((j for j in wide.columns if j < jaar), reverse=True):
        # compare both years as the table prints them (whole units), as its difference column does
        both = wide[[earlier, jaar]].dropna().map(lambda v: fmt.round_half_up(v, RATE_DECIMALS))
        up, down = int((both[jaar] > both[earlier]).sum()), int((both[jaar] < both[earlier]).sum())
        same = len(both) - up - down
        counts = [(n, woord) for n, woord in ((up, "hoger"), (down, "lager"), (same, "gelijk")) if n]
        parts = [f"in {_gemeenten_count(n, len(both), eerste=i == 0)} {woord}" for i, (n, woord) in enumerate(counts)]
        text += f" Vergeleken met {earlier} lag het gebruik " + join_list(parts) + "."
    if jaar - 1 not in wide.columns:
        text += (
            f" Cijfers over {jaar - 1} zijn niet beschikbaar,"
            " dus een vergelijking met dat jaar kan niet worden gemaakt."
        )
    return text + hidden_sentence(frame)


def hidden_sentence(frame: pd.DataFrame) -> str:
    """Return which gemeenten have a hidden rate in which year (empty when none), starting with a space."""
    rows = frame[frame["afgeschermd"].notna() & frame["gemeente"].ne(UNKNOWN)]
    if rows.empty:
        return ""
    parts = [f"{g} ({join_list([str(j) for j in part['jaar']])})" for g, part in rows.groupby("gemeente", sort=False)]
    return (
        f" Het cijfer van {join_list(parts)} is afgeschermd: het rust op een aantal van minder dan "
        f"{disclosure.SMALL_CELL_THRESHOLD} hulpvragen van een soort, of op een aantal dat mee is afgeschermd zodat "
        "zo'n klein aantal niet terug te rekenen is. Die gemeenten tellen in deze vergelijking niet mee."
    )


def noemer_zin(jaar: int, root: Path | None = None) -> str:
    """Return which denominator the year's rates use, and which years are taken as printed."""
    frame = per_1000(jaar, root)
    printed_years = sorted({int(j) for j, h in zip(frame["jaar"], frame["herkomst"]) if h == PRINTED})
    parts = []
    if can_recompute(jaar, root):
        noemer = load_table(T_DENOMINATOR, jaar, root)
        total = int(noemer["inwoners_x1000"].sum())
        parts.append(
            f"De noemer is de eigen rij ‘Inwoners x 1000’ van het verslag: het aantal inwoners per gemeente, "
            f"afgerond op hele duizenden (samen {fmt.getal(total)} duizend). Dat is niet het CBS-inwonertal; "
            f"voor {PARTLY_SERVED_GEMEENTE} is de noemer kleiner omdat SHT maar een deel van die gemeente bedient."
        )
        year = frame[frame["jaar"] == jaar]
        differ = [
            f"{r.gemeente} ({_rate(r.per_1000)} tegen gedrukt {_rate(r.gedrukt)})"
            for r in year.itertuples()
            if not pd.isna(r.per_1000) and fmt.round_half_up(r.per_1000, RATE_DECIMALS) != r.gedrukt
        ]
        parts.append(
            f"Zo nagerekend komen alle cijfers van {jaar} precies uit op de gedrukte."
            if not differ
            else f"Zo nagerekend wijken af van het verslag: {', '.join(differ)}; het boek toont de nagerekende waarde."
        )
    if printed_years:
        years = join_list([str(j) for j in printed_years])
        parts.append(
            f"Voor {years} geeft het verslag alleen het gedrukte aantal per 1.000 inwoners, zonder "
            f"consulteenheden of noemer per gemeente; die cijfers zijn overgenomen en niet na te rekenen."
        )
    parts.append(
        "Patiënten van wie de woongemeente onbekend is, tellen mee in de totalen maar hebben geen "
        "cijfer per 1.000 inwoners."
    )
    return " ".join(parts)


def berekening_zin(jaar: int, root: Path | None = None) -> str:
    """Return the sentence introducing the calculation table, or saying why there is none."""
    if not can_recompute(jaar, root):
        return f"Daarom is er voor {jaar} geen berekening per gemeente te tonen."
    b = calculation(jaar, root)
    cells, rows = hidden(jaar, root), hidden_gemeenten(jaar, root)
    grand = suppression.words(cells.get((disclosure.TOTAL, disclosure.TOTAL)), fmt.getal(b["aantal"].sum()))
    if disclosure.hidden_margin(cells):  # the weighted total of hidden totals per soort would give them back
        text = f"In {jaar} kwamen de {grand} hulpvragen samen op een afgeschermd aantal consulteenheden"
    else:
        total = total_consulteenheden(jaar, root)
        text = f"In {jaar} kwamen de {grand} hulpvragen samen op {fmt.getal(total)} consulteenheden"
    unknown = b.loc[b["gemeente"] == UNKNOWN, "consulteenheden"]
    if not unknown.empty and UNKNOWN not in rows:
        text += f", waarvan {fmt.getal(unknown.iloc[0])} van patiënten van wie de woongemeente onbekend is"
    known = b[b["gemeente"] != UNKNOWN].sort_values("aantal", ascending=False, kind="stable").head(2)
    totals = disclosure.row_totals(cells)
    largest = join_list(
        [
            f"{r.gemeente} ({suppression.words(totals.get(r.gemeente), fmt.getal(r.aantal))})"
            for r in known.itertuples(index=False)
        ]
    )
    return text + (
        f". De meeste hulpvragen kwamen van inwoners van {largest}. De tabel laat per gemeente zien hoe het "
        "cijfer ontstaat. Advies/TC staat daarin voor advies of telefonisch consult, Hulpvragen voor alle "
        "hulpvragen samen, Eenheden voor consulteenheden en Per 1.000 voor consulteenheden per 1.000 "
        "inwoners van de noemer."
    )


def discrepancies_sentence(jaar: int, root: Path | None = None) -> str:
    """Return a footnote on recorded discrepancies in this chapter's printed totals for the year."""
    if not can_recompute(jaar, root):
        return (
            f"Voor {jaar} geeft het verslag geen consulteenheden per gemeente, dus er zijn geen totalen na te tellen."
        )
    notes = [
        f"Let op ({jaar}): {row.toelichting}"
        for row in ledger.recorded(jaar, root).itertuples(index=False)
        if row.controle in CHECKS_OF_CHAPTER
    ]
    return " ".join(notes) or NO_DISCREPANCY_TEXT


@dataclass(frozen=True)
class ColourScale:
    """One colour scale for the map, shared by the compared years so that a colour means the same rate."""

    vmin: float
    vmax: float


def colour_scale(root: Path | None = None) -> ColourScale:
    """Return the map's colour scale over every report year's printed rates: a colour means the same in each version.

    A hidden rate takes no part: an end of the scale must not give it away.
    """
    frame = load_years(T_PER_1000, report_years(root), root)
    hidden = {(j, g) for j in set(frame["jaar"]) for g in hidden_gemeenten(int(j), root)}
    shown = [(int(j), str(g)) not in hidden for j, g in zip(frame["jaar"], frame["gemeente"])]
    rates = frame.loc[shown, "consulteenheden_per_1000"].astype(float)
    return ColourScale(float(rates.min()), float(rates.max()))


def grafiek(frame: pd.DataFrame, jaar: int, root: Path | None = None):
    """Return a dot chart of the rates per gemeente, one marker shape per year, and its alt text."""
    from jaarverslag.render import zorgconsumptie_charts

    return zorgconsumptie_charts.dot_chart(
        to_wide(frame, root).sort_values(jaar),
        jaar,
        float(frame["per_1000"].min()),
        float(frame["per_1000"].max()),
        RATE_DECIMALS,
        _hidden_in(frame, jaar),
    )


def _hidden_in(frame: pd.DataFrame, jaar: int) -> frozenset[str]:
    """Return the gemeenten whose rate is hidden in the year."""
    return frozenset(frame.loc[frame["jaar"].eq(jaar) & frame["afgeschermd"].notna(), "gemeente"])


def kaart(frame: pd.DataFrame, jaar: int, grenzen: dict, kleurschaal: ColourScale):
    """Return a map of the region coloured by the year's rate (gemeenten labelled with name and rate) and alt text."""
    from jaarverslag.render import zorgconsumptie_charts

    rates = frame[frame["jaar"] == jaar].set_index("gemeente")["per_1000"].astype(float)
    return zorgconsumptie_charts.rate_map(
        rates, jaar, grenzen, kleurschaal.vmin, kleurschaal.vmax, RATE_DECIMALS, _hidden_in(frame, jaar)
    )


def kerncijfers(frame: pd.DataFrame) -> str:
    """Return the rates per gemeente and year as plain text (for the checked output cell)."""
    if frame.empty:
        return "geen consulteenheden per 1.000 inwoners"
    wide = to_wide(frame).map(_rate)
    for r in frame[frame["afgeschermd"].notna()].itertuples(index=False):
        if r.gemeente in wide.index:
            wide.loc[r.gemeente, r.jaar] = suppression.DERIVED
    return wide.to_string()


def no_figures_sentence(jaar: int) -> str:
    """Return the sentence shown when the year has no consulteenheden per 1,000 inhabitants."""
    return f"Voor {jaar} zijn geen consulteenheden per 1.000 inwoners beschikbaar."


def page_values(jaar: int, root: Path | None = None) -> dict[str, object]:
    """Return every value the Zorgconsumptie page glues, for a year with data and a year without."""
    from jaarverslag.render import charts

    charts.apply_style()
    cijfers = per_1000(jaar, root)
    values: dict[str, object] = {
        "jaar": str(jaar),
        "gewichten_zin": gewichten_zin(),
        "noemer_zin": noemer_zin(jaar, root),
        "berekening_zin": berekening_zin(jaar, root),
        "afwijkingen": discrepancies_sentence(jaar, root),
    }
    if (cijfers["jaar"] == jaar).any():
        tabel = tabel_per_jaar(cijfers, jaar, root)
        values["samenvatting_zin"] = samenvatting_zin(cijfers, jaar, root)
        values["tabel_per_jaar"] = tables.html(
            tabel,
            "zorgconsumptie_per_1000",
            formatters=per_year_table_formatters(jaar, tabel.columns),
            bijschrift="Consulteenheden per 1.000 inwoners per gemeente"
            + (f", met het aantal hulpvragen van de inwoners in {jaar}" if can_recompute(jaar, root) else ""),
            csv_frame=tabel_per_jaar(cijfers, jaar, root, onafgerond=True),
            onzeker=uncertain_gemeenten(cijfers, jaar, root),
        )
        fig, alt = grafiek(cijfers, jaar, root)
        values["grafiek"] = charts.figure_html(
            fig, "zorgconsumptie_per_jaar", alt, bijschrift="Consulteenheden per 1.000 inwoners per gemeente en jaar."
        )
        fig, alt = kaart(cijfers, jaar, read_boundaries(root), colour_scale(root))
        values["kaart"] = charts.figure_html(
            fig, "zorgconsumptie_kaart", alt, bijschrift=f"Consulteenheden per 1.000 inwoners per gemeente in {jaar}."
        )
    else:
        missing = tables.unavailable("consulteenheden per 1.000 inwoners", jaar)
        values.update(
            samenvatting_zin=no_figures_sentence(jaar), tabel_per_jaar=missing, grafiek=missing, kaart=missing
        )
    if can_recompute(jaar, root):
        b, units, cells = calculation(jaar, root), total_consulteenheden(jaar, root), hidden(jaar, root)
        values["tabel_berekening"] = tables.html(
            tabel_berekening(b, units, verborgen=cells),
            "zorgconsumptie_berekening",
            csv_frame=tabel_berekening(b, units, onafgerond=True, verborgen=cells),
            formatters=calculation_table_formatters(),
            bijschrift=CALCULATION_CAPTION.format(jaar=jaar),
        )
    else:
        values["tabel_berekening"] = tables.unavailable("hulpvragen per soort en inwoners per gemeente", jaar)
    values.update(zorgconsumptie_standaard.page_values(jaar, root))
    return values
