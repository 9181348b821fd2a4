"""Binnenlopers (walk-in patients) per spoedpost: counts, change versus last year, printed SHT total."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jaarverslag.data import ledger, status
from jaarverslag.data.load import is_available, load_table
from jaarverslag.data.metrics import PostTotals, verandering_pct, with_previous_year
from jaarverslag.data.paths import report_years
from jaarverslag.data.registrations import disclosure
from jaarverslag.render import fmt, suppression, tables
from jaarverslag.render.text import join_list

DATA_TABLE = "binnenlopers"
TOTAL_TABLE = "binnenlopers_totaal"
POST_ORDER = ["Hengelo", "Enschede", "Coronapost"]
SHT = "SHT"
CHECKS_OF_SECTION = ("som_binnenlopers_sht",)  # recorded in afwijkingen.csv; compared in tests
PRINTED_CHANGE_DECIMALS = 0  # the report prints whole percentages ("Toename t.o.v. 2020 13%"); for the checks
POST_NAMES = {"Coronapost": "de coronapost"}  # how a post reads inside a sentence
NO_DISCREPANCY_TEXT = "Het gedrukte totaal van SHT is gelijk aan de som van de posten."


Binnenlopers = PostTotals  # one shape for every per-post total


def beschikbaar_voor(jaar: int, root: Path | None = None) -> bool:
    """Say whether the walk-ins per post exist for the year."""
    return is_available(DATA_TABLE, jaar, root)


def overview(jaar: int, root: Path | None = None) -> Binnenlopers:
    """Return walk-ins per post with last year and the relative change; the SHT total is the sum of the posts."""
    frame, has_previous = with_previous_year(DATA_TABLE, jaar, ["post"], root=root)
    status = load_table(DATA_TABLE, jaar, root)[["post", "status"]]
    frame = frame[frame["aantal"].notna()].merge(status, on="post", how="left")
    frame["verandering_pct"] = [verandering_pct(n, v) for n, v in zip(frame["aantal"], frame["aantal_vorig_jaar"])]
    frame["verandering_pct"] = frame["verandering_pct"].astype("Float64")
    frame["post"] = pd.Categorical(frame["post"].astype(str), POST_ORDER, ordered=True)
    frame = frame.sort_values("post").reset_index(drop=True)
    frame["post"] = frame["post"].astype(str)
    vorig = frame["aantal_vorig_jaar"].sum(min_count=1) if has_previous else None
    return Binnenlopers(
        jaar=jaar,
        per_post=frame,
        totaal=int(frame["aantal"].sum()),
        totaal_vorig_jaar=None if vorig is None or pd.isna(vorig) else int(vorig),
        vorig_jaar_beschikbaar=has_previous,
    )


def printed_total(jaar: int, root: Path | None = None) -> int | None:
    """Return the SHT total as the report prints it, or None when not printed."""
    if not is_available(TOTAL_TABLE, jaar, root):
        return None
    printed = load_table(TOTAL_TABLE, jaar, root).set_index("post")["aantal"]
    return None if SHT not in printed.index or pd.isna(printed[SHT]) else int(printed[SHT])


def printed_change(nu: float, vorig: float) -> int | None:
    """Return the change in whole percent as the report prints it (rounded half away from zero)."""
    change = verandering_pct(nu, vorig)
    return None if change is None else fmt.round_half_up(change, PRINTED_CHANGE_DECIMALS)


Hidden = disclosure.Hidden  # post or SHT -> primair/secundair, this year and last year


def _year_hidden(jaar: int, root: Path | None) -> dict[str, str]:
    if not is_available(DATA_TABLE, jaar, root):
        return {}
    states = {
        SHT if key[0] == disclosure.TOTAL else key[0]: state
        for key, state in disclosure.hidden_cells(DATA_TABLE, jaar, root).items()
    }
    return states  # a small SHT total is hidden too (disclosure.table_states)


def hidden(jaar: int, root: Path | None = None) -> Hidden:
    """Return which walk-in counts of this year and last year come from registrations and must be hidden."""
    return Hidden(_year_hidden(jaar, root), _year_hidden(jaar - 1, root))


def book_table(b: Binnenlopers, verborgen: Hidden | None = None) -> pd.DataFrame:
    """Return the section table with Dutch column names, a SHT row, and last year only when it exists.

    Hidden counts show as "<10" or "×", and a change computed from one as "×" (render.suppression).
    """
    verborgen = verborgen or Hidden()
    rows = b.per_post[["post", "aantal_vorig_jaar", "aantal"]].copy()
    rows["aantal_vorig_jaar"] = rows["aantal_vorig_jaar"].astype("Int64")
    rows["verandering_pct"] = pd.array(
        [fmt.shown_count_change(n, v) for n, v in zip(rows["aantal"], rows["aantal_vorig_jaar"])], dtype="Float64"
    )
    total = pd.DataFrame(
        {
            "post": [f"{SHT} (som van de posten)"],
            "aantal_vorig_jaar": pd.array([b.totaal_vorig_jaar], dtype="Int64"),
            "aantal": [b.totaal],
            "verandering_pct": pd.array([fmt.shown_count_change(b.totaal, b.totaal_vorig_jaar)], dtype="Float64"),
        }
    )
    table = pd.concat([rows, total], ignore_index=True)
    if verborgen:
        table["sleutel"] = [*rows["post"].astype(str), SHT]
        for states, column in ((verborgen.dit_jaar, "aantal"), (verborgen.vorig_jaar, "aantal_vorig_jaar")):
            table = suppression.hide(table, states, ["sleutel"], counts=[column], derived=["verandering_pct"])
        table = table.drop(columns="sleutel")
    table = table.rename(
        columns={
            "post": "Spoedpost",
            "aantal_vorig_jaar": str(b.jaar - 1),
            "aantal": str(b.jaar),
            "verandering_pct": f"Verandering t.o.v. {b.jaar - 1}",
        }
    )
    if not b.vorig_jaar_beschikbaar:
        table = table.drop(columns=[str(b.jaar - 1), f"Verandering t.o.v. {b.jaar - 1}"])
    return table


def uncertain_rows(b: Binnenlopers) -> pd.Series:
    """Return the uncertain-value mask for the book table's rows (the posts, then the SHT sum)."""
    posts = b.per_post["status"].astype(str).eq(status.UNCERTAIN).to_list()
    return pd.Series([*posts, any(posts)])


def table_formatters(b: Binnenlopers) -> dict:
    """Return the formatter of the change column (the book's one change format)."""
    return {f"Verandering t.o.v. {b.jaar - 1}": fmt.verandering}


def _name(post: str) -> str:
    return POST_NAMES.get(post, post)


def samenvatting_zin(b: Binnenlopers, verborgen: Hidden | None = None) -> str:
    """Return the sentence with the year's walk-ins, per post and compared with last year (hidden counts in words)."""
    verborgen = verborgen or Hidden()
    per_post = join_list(
        [
            f"{_name(row.post)} {suppression.words(verborgen.dit_jaar.get(row.post), fmt.getal(row.aantal))}"
            for row in b.per_post.itertuples(index=False)
        ]
    )
    total = suppression.words(verborgen.dit_jaar.get(SHT), fmt.getal(b.totaal))
    text = f"In {b.jaar} kwamen {total} patiënten als binnenloper naar de spoedposten: {per_post}."
    if not b.vorig_jaar_beschikbaar or b.totaal_vorig_jaar is None:
        return text + f" Cijfers over {b.jaar - 1} zijn niet beschikbaar, dus een vergelijking kan niet worden gemaakt."
    if verborgen.any(SHT):
        return text + " Een vergelijking met het jaar ervoor is afgeschermd: het gaat om kleine aantallen."
    richting = "meer" if b.totaal > b.totaal_vorig_jaar else "minder"
    text += (
        f" Dat zijn er {fmt.getal(abs(b.totaal - b.totaal_vorig_jaar))} {richting} dan in {b.jaar - 1} "
        f"({fmt.getal(b.totaal_vorig_jaar)})"
        + (
            f", een verandering van {fmt.verandering(fmt.count_change(b.totaal, b.totaal_vorig_jaar))}."
            if fmt.change_shown(b.totaal, b.totaal_vorig_jaar)
            else "."
        )
    )
    moves = [
        f"{_name(r.post)} {fmt.verandering(fmt.count_change(r.aantal, r.aantal_vorig_jaar))} "
        f"(van {fmt.getal(r.aantal_vorig_jaar)} naar {fmt.getal(r.aantal)})"
        if fmt.change_shown(r.aantal, r.aantal_vorig_jaar)
        else f"{_name(r.post)} van {fmt.getal(r.aantal_vorig_jaar)} naar {fmt.getal(r.aantal)}"
        for r in b.per_post.itertuples(index=False)
        if not pd.isna(r.aantal_vorig_jaar) and not verborgen.any(r.post)
    ]
    if moves:
        text += " Per post: " + join_list(moves) + "."
    return text


def discrepancies_sentence(jaar: int, root: Path | None = None) -> str:
    """Return a footnote on recorded discrepancies in the printed SHT walk-in total (this and last year)."""
    notes = [
        f"Let op ({year}): {row.toelichting} Dit boek rekent met de som van de posten ({fmt.getal(row.berekend)})."
        for year, row in ledger.recorded_around(jaar, CHECKS_OF_SECTION, root)
    ]
    return " ".join(notes) or NO_DISCREPANCY_TEXT


def unavailable_sentence(jaar: int, root: Path | None = None) -> str:
    """Return the sentence shown when the year has no walk-in figures: which years do have them."""
    years = [j for j in report_years(root) if is_available(DATA_TABLE, j, root)]
    if not years:
        return "Het verslag geeft voor geen enkel jaar het aantal binnenlopers."
    return f"Aantallen binnenlopers zijn in de gegevens alleen te vinden voor {join_list([str(j) for j in years])}."


def unavailable_footnote(jaar: int) -> str:
    """Return the footnote shown when the year has no walk-in figures (nothing to check)."""
    return f"Zonder cijfers over binnenlopers voor {jaar} is er ook geen gedrukt totaal om na te tellen."


def page_values(jaar: int, root: Path | None = None) -> dict[str, object]:
    """Return every value the Verrichtingen page glues on walk-ins, for a year with data and a year without."""
    rule = {  # the small-cell rule, stated on the method page
        "afscherm_drempel": str(disclosure.SMALL_CELL_THRESHOLD),
        "afscherm_grens": str(disclosure.SMALL_CELL_THRESHOLD - 1),
        "afscherm_bereik": suppression.coverage_sentence(),
    }
    if not beschikbaar_voor(jaar, root):
        return {
            **rule,
            "jaar": str(jaar),
            "binnenlopers_zin": unavailable_sentence(jaar, root),
            "binnenlopers_afwijkingen": unavailable_footnote(jaar),
            "binnenlopers_tabel": tables.unavailable("binnenlopers", jaar),
        }
    b = overview(jaar, root)
    verborgen = hidden(jaar, root)
    return {
        **rule,
        "jaar": str(jaar),
        "binnenlopers_zin": samenvatting_zin(b, verborgen),
        "binnenlopers_afwijkingen": discrepancies_sentence(jaar, root),
        "binnenlopers_tabel": tables.html(
            book_table(b, verborgen),
            "binnenlopers_icpc_binnenlopers",
            bijschrift=f"Binnenlopers per spoedpost, {jaar}"
            + (f" ({fmt.SMALL_COUNT_NOTE})" if b.vorig_jaar_beschikbaar else ""),
            formatters=table_formatters(b),
            onzeker=uncertain_rows(b),
        ),
    }
