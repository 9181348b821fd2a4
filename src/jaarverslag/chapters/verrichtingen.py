"""Verrichtingen (procedures) per spoedpost: the chapter's tables and totals."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jaarverslag.data import ledger
from jaarverslag.data.codebook import categories
from jaarverslag.data.load import is_available, load_table
from jaarverslag.data.metrics import PostTotals, printed_index, verandering_pct, with_previous_year
from jaarverslag.data.registrations import disclosure
from jaarverslag.render import fmt, suppression, tables
from jaarverslag.render.text import join_list

DATA_TABLE = "verrichtingen"
POST_ORDER = ["Hengelo", "Enschede", "Coronapost"]
NO_DISCREPANCY_TEXT = "De gedrukte totalen zijn gelijk aan de som van de verrichtingen per soort."
CHECKS_OF_CHAPTER = ("som_verrichtingen_post", "som_verrichtingen_sht")


Totalen = PostTotals  # one shape for every per-post total


def _order(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["post"] = pd.Categorical(frame["post"], [p for p in POST_ORDER if p in set(frame["post"])], ordered=True)
    return frame


def beschikbaar_voor(jaar: int, root: Path | None = None) -> bool:
    """Say whether the procedures per post exist for the year."""
    return is_available(DATA_TABLE, jaar, root)


def overview(jaar: int, root: Path | None = None) -> tuple[pd.DataFrame, bool]:
    """Return procedures per post and type for the year with last year and the growth index."""
    frame, has_previous = with_previous_year(DATA_TABLE, jaar, ["post", "verrichting"], root=root)
    frame = frame[frame["aantal"].notna()]  # a type that stopped existing this year is not this year's row
    frame["index_pct"] = [printed_index(n, v) for n, v in zip(frame["aantal"], frame["aantal_vorig_jaar"])]
    frame["index_pct"] = frame["index_pct"].astype("Int64")
    frame = _order(frame)
    frame["verrichting"] = pd.Categorical(frame["verrichting"], categories(root)["verrichting"], ordered=True)
    frame = frame.sort_values(["post", "verrichting"]).reset_index(drop=True)
    frame["verrichting"] = frame["verrichting"].astype(str)
    return frame, has_previous


def totalen(jaar: int, root: Path | None = None) -> Totalen:
    """Return totals per post and for SHT, summed from the procedures (never taken from printed totals)."""
    frame, has_previous = with_previous_year(DATA_TABLE, jaar, ["post", "verrichting"], root=root)
    per_post = frame.groupby("post", sort=False)[["aantal", "aantal_vorig_jaar"]].sum(min_count=1).reset_index()
    per_post = per_post[per_post["aantal"].notna()]
    per_post["verandering_pct"] = [
        verandering_pct(n, v) for n, v in zip(per_post["aantal"], per_post["aantal_vorig_jaar"])
    ]
    vorig = frame["aantal_vorig_jaar"].sum(min_count=1) if has_previous else None
    return Totalen(
        jaar=jaar,
        per_post=_order(per_post).sort_values("post").reset_index(drop=True),
        totaal=int(frame["aantal"].sum()),
        totaal_vorig_jaar=None if vorig is None or pd.isna(vorig) else int(vorig),
        vorig_jaar_beschikbaar=has_previous,
    )


def hidden(jaar: int, root: Path | None = None) -> disclosure.Hidden:
    """Return the counts the book must hide this year and last year (registration-derived small cells).

    Keys: (post, verrichting) for a cell, (post, TOTAL) for a post's total, (TOTAL, verrichting) for a type over
    all posts and (TOTAL, TOTAL) for SHT (disclosure.TOTAL).
    """
    return disclosure.hidden_both_years(DATA_TABLE, jaar, root)


def total_key(post: str | None = None) -> tuple[str, str]:
    """Return the key of a post's total in hidden(), or of the SHT total without a post."""
    return (post or disclosure.TOTAL, disclosure.TOTAL)


SHT_TOTAL = (disclosure.TOTAL, disclosure.TOTAL)
NO_COMPARISON = "Een vergelijking met {jaar} is afgeschermd: het gaat om kleine aantallen."


def printed_totals(jaar: int, root: Path | None = None) -> pd.DataFrame:
    """Return the totals as the report prints them (for comparison and footnotes)."""
    return load_table("verrichtingen_totaal", jaar, root)


def unavailable_sentence(jaar: int) -> str:
    """Return the sentence shown when a year has no procedures table (yet)."""
    return f"Voor {jaar} zijn de verrichtingen per spoedpost nog niet beschikbaar."


def comparison_sentence(totalen: Totalen, verborgen: disclosure.Hidden | None = None) -> str:
    """Return the sentence comparing the total with last year, or saying that year is missing (or hidden)."""
    if not totalen.vorig_jaar_beschikbaar or totalen.totaal_vorig_jaar is None:
        return (
            f"Cijfers over {totalen.jaar - 1} zijn niet beschikbaar, "
            f"dus een vergelijking met het vorige jaar kan niet worden gemaakt."
        )
    if verborgen is not None and verborgen.any(SHT_TOTAL):
        return NO_COMPARISON.format(jaar=totalen.jaar - 1)
    change = totalen.verandering_pct
    richting = "meer" if change > 0 else "minder"
    return (
        f"Dat zijn er {fmt.getal(abs(totalen.totaal - totalen.totaal_vorig_jaar))} {richting} dan in "
        f"{totalen.jaar - 1} ({fmt.getal(totalen.totaal_vorig_jaar)}), een verandering van "
        f"{fmt.verandering(change)}."
    )


def total_words(totalen: Totalen, verborgen: disclosure.Hidden | None = None, post: str | None = None) -> str:
    """Return this year's total of a post (or SHT) as a sentence shows it: the number, or words when hidden."""
    state = (verborgen or disclosure.Hidden()).dit_jaar.get(total_key(post))
    if post is None:
        return suppression.words(state, fmt.getal(totalen.totaal))
    value = totalen.per_post.set_index("post")["aantal"][post]
    return suppression.words(state, fmt.getal(value))


def per_post_zin(totalen: Totalen, verborgen: disclosure.Hidden | None = None) -> str:
    """Return one sentence listing the total per post (hidden totals in words)."""
    parts = [f"{post} {total_words(totalen, verborgen, str(post))}" for post in totalen.per_post["post"]]
    return "Per post: " + join_list(parts) + "."


def discrepancies_sentence(jaar: int, root: Path | None = None) -> str:
    """Return a footnote on recorded discrepancies in this chapter's printed totals (this and last year)."""
    notes = [
        f"Let op ({year}): het verslag drukt {fmt.getal(row.gedrukt)} waar de som van de delen "
        f"{fmt.getal(row.berekend)} is. {row.toelichting} Dit boek rekent met de som van de delen."
        for year, row in ledger.recorded_around(jaar, CHECKS_OF_CHAPTER, root)
    ]
    return " ".join(notes) or NO_DISCREPANCY_TEXT


def book_table(
    overzicht_frame: pd.DataFrame, jaar: int, vorig_beschikbaar: bool, verborgen: disclosure.Hidden | None = None
) -> pd.DataFrame:
    """Return the chapter table with Dutch column names; last-year columns only when that year exists.

    Hidden counts show as "<10" or "×", and a change computed from one as "×" (render.suppression).
    """
    table = _book_table(overzicht_frame, jaar, vorig_beschikbaar)
    verborgen = verborgen or disclosure.Hidden()
    keys, change = ["Spoedpost", "Verrichting"], [change_column(jaar)] if vorig_beschikbaar else []
    table = suppression.hide(table, verborgen.dit_jaar, keys, counts=[str(jaar)], derived=change)
    if vorig_beschikbaar:
        table = suppression.hide(table, verborgen.vorig_jaar, keys, counts=[str(jaar - 1)], derived=change)
    return table


def _book_table(overzicht_frame: pd.DataFrame, jaar: int, vorig_beschikbaar: bool) -> pd.DataFrame:
    change = change_column(jaar)
    table = overzicht_frame.rename(
        columns={
            "post": "Spoedpost",
            "verrichting": "Verrichting",
            "aantal": str(jaar),
            "aantal_vorig_jaar": str(jaar - 1),
        }
    )
    table["Spoedpost"] = table["Spoedpost"].astype(str)
    if not vorig_beschikbaar:
        return table[["Spoedpost", "Verrichting", str(jaar)]]
    changes = [fmt.shown_count_change(n, v) for n, v in zip(table[str(jaar)], table[str(jaar - 1)])]
    table[change] = pd.array(changes, dtype="Float64")
    return table[["Spoedpost", "Verrichting", str(jaar - 1), str(jaar), change]]


def totals_table(totalen: Totalen, verborgen: disclosure.Hidden | None = None) -> pd.DataFrame:
    """Return the totals per post and for SHT, this year and last year, with hidden totals labelled."""
    verborgen = verborgen or disclosure.Hidden()
    table = pd.DataFrame(
        {
            "post": [*totalen.per_post["post"].astype(str), "SHT"],
            "aantal": [*totalen.per_post["aantal"], totalen.totaal],
            "aantal_vorig_jaar": pd.array([*totalen.per_post["aantal_vorig_jaar"], totalen.totaal_vorig_jaar], "Int64"),
        }
    )
    table["sleutel"] = [*totalen.per_post["post"].astype(str), disclosure.TOTAL]
    table["totaal"] = disclosure.TOTAL
    for states, column in ((verborgen.dit_jaar, "aantal"), (verborgen.vorig_jaar, "aantal_vorig_jaar")):
        table = suppression.hide(table, states, ["sleutel", "totaal"], counts=[column])
    return table.drop(columns=["sleutel", "totaal"])


def change_column(jaar: int) -> str:
    """Return the name of the table's change column."""
    return f"Verandering t.o.v. {jaar - 1}"


def grafiek(overzicht_frame: pd.DataFrame, totalen: Totalen, verborgen: disclosure.Hidden | None = None):
    """Return a horizontal bar chart of procedures per type and post, and its alt text.

    A hidden count gets no bar (its length would give it away), only its label.
    """
    verborgen = verborgen or disclosure.Hidden()
    import matplotlib.pyplot as plt
    import seaborn as sns

    from jaarverslag.render import charts

    frame = overzicht_frame.copy()
    frame["post"] = frame["post"].astype(str)
    order = frame.groupby("verrichting")["aantal"].sum().sort_values(ascending=False).index
    fig, ax = plt.subplots(figsize=(8, 7))
    posts = list(dict.fromkeys(frame["post"]))
    sns.barplot(data=frame, y="verrichting", x="aantal", hue="post", order=order, hue_order=posts, ax=ax, orient="h")
    if verborgen.dit_jaar:
        for post, container in zip(posts, ax.containers):
            states = [verborgen.dit_jaar.get((post, str(v))) for v in order]
            suppression.label_bars(ax, container, states)
    ax.set_title(f"Verrichtingen per soort en spoedpost, {totalen.jaar}")
    ax.set_xlabel("Aantal verrichtingen")
    ax.set_ylabel("")
    charts.dutch_thousands(ax.xaxis)
    ax.legend(title="Spoedpost", loc="lower right")
    charts.bron(fig, f"jaarverslag SHT {totalen.jaar}")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    top = frame.groupby("verrichting")["aantal"].sum().sort_values(ascending=False)

    def type_total(i: int) -> str:
        state = verborgen.dit_jaar.get((disclosure.TOTAL, str(top.index[i])))
        return suppression.words(state, fmt.getal(top.iloc[i]))

    alt = (
        f"Staafdiagram van het aantal verrichtingen per soort en spoedpost in {totalen.jaar}. "
        f"In totaal {total_words(totalen, verborgen)} verrichtingen; "
        + per_post_zin(totalen, verborgen)
        + f" De meeste verrichtingen zijn {top.index[0].lower()} ({type_total(0)}) en "
        f"{top.index[1].lower()} ({type_total(1)})."
        + (" Afgeschermde aantallen hebben geen staaf, alleen hun label." if verborgen.dit_jaar else "")
    )
    return fig, alt


def page_values(jaar: int, root: Path | None = None) -> dict[str, object]:
    """Return every value the Verrichtingen page glues, for a year with data and a year without."""
    from jaarverslag.render import charts

    charts.apply_style()
    values: dict[str, object] = {"jaar": str(jaar)}
    if not beschikbaar_voor(jaar, root):
        missing = tables.unavailable("de verrichtingen per spoedpost", jaar)
        return {
            **values,
            "totaal": fmt.MISSING_TEXT,
            "vergelijking": "",
            "per_post_zin": unavailable_sentence(jaar),
            "afwijkingen": discrepancies_sentence(jaar, root),
            "tabel": missing,
            "figuur": missing,
        }
    frame, vorig_beschikbaar = overview(jaar, root)
    t = totalen(jaar, root)
    verborgen = hidden(jaar, root)
    values.update(
        totaal=total_words(t, verborgen),
        vergelijking=comparison_sentence(t, verborgen),
        per_post_zin=per_post_zin(t, verborgen),
        afwijkingen=discrepancies_sentence(jaar, root),
    )
    values["tabel"] = tables.html(
        book_table(frame, jaar, vorig_beschikbaar, verborgen),
        "verrichtingen_per_post",
        bijschrift=f"Verrichtingen per spoedpost en soort, {jaar}"
        + (f" ({fmt.SMALL_COUNT_NOTE})" if vorig_beschikbaar else ""),
        formatters={change_column(jaar): fmt.verandering},
    )
    fig, alt = grafiek(frame, t, verborgen)
    values["figuur"] = charts.figure_html(
        fig, "verrichtingen_per_post", alt, bijschrift=f"Verrichtingen per soort en spoedpost in {jaar}."
    )
    return values
