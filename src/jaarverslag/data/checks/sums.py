"""Cross-table checks of the consulteenheden, the other tables' sums and the printed comparisons."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jaarverslag.data import comparisons
from jaarverslag.data.checks import check
from jaarverslag.data.checks.common import (
    ALL_GEMEENTEN,
    FORMULA_TEXT,
    ICPC_DECIMALS,
    SHT_TOTAL,
    compare,
    parts_against_printed,
    printed_values,
    sum_by,
)
from jaarverslag.data.ledger import Finding, table_file
from jaarverslag.data.load import is_available, load_table
from jaarverslag.data.metrics import CONSULTEENHEID_WEIGHTS, consulteenheden
from jaarverslag.data.rounding import round_half_up

# --- consulteenheden -----------------------------------------------------------------------


def _formula(frame: pd.DataFrame, by: str) -> pd.Series:
    """Return the consulteenheden per group from its three soorten; NA when one is missing or empty."""
    wide = frame.pivot_table(index=by, columns="soort", values="aantal", aggfunc="first", dropna=False)
    result = {}
    for group, row in wide.iterrows():
        values = [row.get(s, pd.NA) for s in CONSULTEENHEID_WEIGHTS]
        result[group] = pd.NA if any(pd.isna(v) for v in values) else consulteenheden(*values)
    return pd.Series(result, dtype="object")


@check("formule_consulteenheden", needs=())
def _consult_units_formula(jaar: int, root: Path | None) -> list[Finding]:
    """Printed consulteenheden = round_half_up(0.5 x advies + consult + 1.5 x visite), per gemeente and in total."""
    out = []
    if is_available("consulteenheden", jaar, root) and is_available("zorgconsumptie", jaar, root):
        printed, rows = printed_values(load_table("consulteenheden", jaar, root), "gemeente", "consulteenheden")
        computed = _formula(load_table("zorgconsumptie", jaar, root), "gemeente")
        out += compare(
            jaar,
            "formule_consulteenheden",
            printed,
            computed,
            "consulteenheden",
            (table_file("zorgconsumptie", jaar, root),),
            lambda g: f"de consulteenheden van {g} volgen niet uit de hulpvragen ({FORMULA_TEXT})",
            missing_is_zero=False,
            kolom="consulteenheden",
            rows=rows,
        )
    if is_available("consulteenheden_totaal", jaar, root) and is_available("zorgconsumptie_totaal", jaar, root):
        printed, rows = printed_values(load_table("consulteenheden_totaal", jaar, root), "gemeente", "consulteenheden")
        totals = load_table("zorgconsumptie_totaal", jaar, root)
        computed = _formula(totals[totals["gemeente"] == ALL_GEMEENTEN], "gemeente")
        out += compare(
            jaar,
            "formule_consulteenheden",
            printed,
            computed,
            "consulteenheden_totaal",
            (table_file("zorgconsumptie_totaal", jaar, root),),
            lambda g: (
                "het gedrukte totaal aantal consulteenheden volgt niet uit de gedrukte totalen "
                f"per soort ({FORMULA_TEXT})"
            ),
            missing_is_zero=False,
            kolom="consulteenheden",
            rows=rows,
        )
    return out


@check("som_consulteenheden", needs=("consulteenheden", "consulteenheden_totaal"))
def _consult_units_sum(jaar: int, root: Path | None) -> list[Finding]:
    """The printed consulteenheden per gemeente add up to the printed total."""
    parts = sum_by(load_table("consulteenheden", jaar, root).assign(alle=ALL_GEMEENTEN), "alle", "consulteenheden")
    printed, rows = printed_values(load_table("consulteenheden_totaal", jaar, root), "gemeente", "consulteenheden")
    return compare(
        jaar,
        "som_consulteenheden",
        printed,
        parts,
        "consulteenheden_totaal",
        (table_file("consulteenheden", jaar, root),),
        lambda _: "som van de consulteenheden per gemeente wijkt af van het gedrukte totaal",
        kolom="consulteenheden",
        rows=rows,
    )


@check("consulteenheden_per_1000", needs=("zorgconsumptie_per_1000", "consulteenheden", "inwoners_gemeente"))
def _consult_units_rate(jaar: int, root: Path | None) -> list[Finding]:
    """Printed rate = round_half_up(consulteenheden / inwoners_x1000), with the report's own denominators."""
    printed, rows = printed_values(
        load_table("zorgconsumptie_per_1000", jaar, root), "gemeente", "consulteenheden_per_1000"
    )
    units = load_table("consulteenheden", jaar, root).set_index("gemeente")["consulteenheden"]
    inwoners = load_table("inwoners_gemeente", jaar, root).set_index("gemeente")["inwoners_x1000"]
    computed = pd.Series(
        {
            g: round_half_up(float(units[g]) / float(inwoners[g]))
            for g in printed.index
            if g in units.index
            and g in inwoners.index
            and pd.notna(units[g])
            and pd.notna(inwoners[g])
            and inwoners[g] > 0
        },
        dtype="object",
    )
    return compare(
        jaar,
        "consulteenheden_per_1000",
        printed,
        computed,
        "zorgconsumptie_per_1000",
        (table_file("consulteenheden", jaar, root), table_file("inwoners_gemeente", jaar, root)),
        lambda g: (
            f"consulteenheden per 1.000 inwoners van {g} volgen niet uit consulteenheden / "
            "inwoners x 1000 (afgerond op een heel getal, een half naar boven)"
        ),
        missing_is_zero=False,
        kolom="consulteenheden_per_1000",
        rows=rows,
    )


# --- sums of other tables ------------------------------------------------------------------


@check("som_binnenlopers_sht", needs=("binnenlopers", "binnenlopers_totaal"))
def _walk_ins(jaar: int, root: Path | None) -> list[Finding]:
    """The walk-ins of the posts add up to the printed SHT total."""
    total = sum_by(load_table("binnenlopers", jaar, root).assign(alle=SHT_TOTAL), "alle")
    printed, rows = printed_values(load_table("binnenlopers_totaal", jaar, root), "post")
    return compare(
        jaar,
        "som_binnenlopers_sht",
        printed,
        total,
        "binnenlopers_totaal",
        (table_file("binnenlopers", jaar, root),),
        lambda _: "som van de binnenlopers per post wijkt af van het gedrukte SHT-totaal",
        rows=rows,
    )


@check("som_kwaliteitsmeldingen", needs=("kwaliteitsmeldingen", "kwaliteitsmeldingen_totaal"))
def _quality_reports(jaar: int, root: Path | None) -> list[Finding]:
    """The complaints, incident reports and calamities per classification add up to their printed totals."""
    return parts_against_printed(
        jaar,
        root,
        "som_kwaliteitsmeldingen",
        "kwaliteitsmeldingen",
        "kwaliteitsmeldingen_totaal",
        "soort",
        lambda s: f"som van de classificaties van soort {s} wijkt af van het gedrukte aantal",
    )


@check("som_personeelsverloop", needs=("personeelsverloop", "personeelsverloop_totaal"))
def _staff_turnover(jaar: int, root: Path | None) -> list[Finding]:
    """The in- and outflow per function add up to the printed totals per direction."""
    return parts_against_printed(
        jaar,
        root,
        "som_personeelsverloop",
        "personeelsverloop",
        "personeelsverloop_totaal",
        "richting",
        lambda r: f"som van de {r} per functie wijkt af van de gedrukte totale {r}",
    )


@check("som_dossierinzage", needs=("dossierinzage", "dossierinzage_totaal"))
def _record_access(jaar: int, root: Path | None) -> list[Finding]:
    """The patients with consent per post add up to the printed SHT number, per measurement."""
    return parts_against_printed(
        jaar,
        root,
        "som_dossierinzage",
        "dossierinzage",
        "dossierinzage_totaal",
        "meting",
        lambda m: f"som van de patiënten met toestemming per post (meting {m}) wijkt af van het gedrukte SHT-aantal",
        kolom="aantal_patienten",
    )


@check("verloop_vs_medewerkers", needs=("personeelsverloop_totaal", "medewerkers"))
def _turnover_vs_staff(jaar: int, root: Path | None) -> list[Finding]:
    """Printed inflow minus outflow equals the change in the number of staff since last year."""
    if not is_available("medewerkers", jaar - 1, root):
        return []
    totals = load_table("personeelsverloop_totaal", jaar, root).set_index("richting")["aantal"]
    netto = totals.get("instroom", pd.NA) - totals.get("uitstroom", pd.NA)
    nu, vorig = (load_table("medewerkers", j, root)["aantal"] for j in (jaar, jaar - 1))
    change = pd.NA if nu.isna().any() or vorig.isna().any() else nu.sum() - vorig.sum()
    return compare(
        jaar,
        "verloop_vs_medewerkers",
        pd.Series({SHT_TOTAL: netto}),
        pd.Series({SHT_TOTAL: change}),
        "personeelsverloop_totaal",
        (table_file("medewerkers", jaar, root), table_file("medewerkers", jaar - 1, root)),
        lambda _: (
            f"gedrukte instroom min uitstroom wijkt af van de verandering van het aantal "
            f"medewerkers van {jaar - 1} op {jaar}"
        ),
        missing_is_zero=False,
    )


@check("aandeel_icpc", needs=("icpc_top", "verrichtingen_totaal"))
def _icpc_share(jaar: int, root: Path | None) -> list[Finding]:
    """Printed ICPC share = round_half_up(aantal / printed total of the post x 100, 1 decimal)."""
    icpc = load_table("icpc_top", jaar, root)
    totals = load_table("verrichtingen_totaal", jaar, root).set_index("post")["aantal"]
    printed, computed, rows = {}, {}, {}
    for row in icpc.itertuples():
        total = totals.get(row.post, pd.NA)
        if pd.isna(row.aantal) or pd.isna(total) or total == 0:
            continue
        subject = f"{row.post}: {row.diagnose}"
        printed[subject], rows[subject] = row.aandeel_pct, int(row.Index)
        computed[subject] = round_half_up(float(row.aantal) / float(total) * 100, ICPC_DECIMALS)
    return compare(
        jaar,
        "aandeel_icpc",
        pd.Series(printed, dtype="object"),
        pd.Series(computed, dtype="object"),
        "icpc_top",
        (table_file("verrichtingen_totaal", jaar, root),),
        lambda s: (
            f"het gedrukte aandeel van {s} volgt niet uit aantal / totaal aantal verrichtingen "
            "van de post x 100 (op één decimaal, een half naar boven)"
        ),
        missing_is_zero=False,
        kolom="aandeel_pct",
        rows=rows,
    )


# --- combined figures and shares -------------------------------------------------------------


LEGEND_TABLE = "branchenormen_legenda"  # the printed values of a four-bar chart in legend order
SHARE_TABLE = "dossierinzage"  # printed consent counts with the share of a population, per post


@check("sht_tussen_posten", needs=(LEGEND_TABLE,))
def _sht_between_posts(jaar: int, root: Path | None) -> list[Finding]:
    """A printed SHT percentage of the report year, read in legend order, lies between the two posts' values."""
    legend = load_table(LEGEND_TABLE, None, root)
    legend = legend[(legend["jaar"] == jaar) & (legend["reeksjaar"] == jaar)]
    out = []
    for norm, rows in legend.groupby("norm_id", sort=False):
        values = rows.set_index("post")["resultaat_pct"]
        if SHT_TOTAL not in values or values.drop(SHT_TOTAL).size < 2 or values.isna().any():
            continue
        posts = values.drop(SHT_TOTAL)
        lo, hi = float(posts.min()), float(posts.max())
        sht = float(values[SHT_TOTAL])
        nearest = min(max(sht, lo), hi)  # the closest value a weighted mean of the posts can take
        out += compare(
            jaar,
            "sht_tussen_posten",
            pd.Series({str(norm): sht}),
            pd.Series({str(norm): nearest}),
            LEGEND_TABLE,
            (table_file(LEGEND_TABLE, None, root),),
            lambda n: (
                f"in de legendavolgorde van de grafiek {n} ligt het SHT-cijfer van {jaar} buiten de waarden van "
                "de posten, terwijl een cijfer voor heel SHT een gewogen gemiddelde van de posten is"
            ),
            kolom="resultaat_pct",
            rows={str(norm): int(rows.index[rows["post"] == SHT_TOTAL][0])},
        )
    return out


@check("aandeel_boven_100", needs=(SHARE_TABLE,))
def _share_above_100(jaar: int, root: Path | None) -> list[Finding]:
    """A printed count with a share above 100% exceeds the population that share implies (count / share)."""
    frame = load_table(SHARE_TABLE, jaar, root)
    printed, computed, rows = {}, {}, {}
    for row in frame.itertuples():
        if pd.isna(row.aandeel_pct) or pd.isna(row.aantal_patienten) or row.aandeel_pct <= 100:
            continue
        subject = f"{row.post}: {row.meting}"
        printed[subject], rows[subject] = float(row.aantal_patienten), int(row.Index)
        # The denominator the printed share implies, to whole persons: at most this many can give consent.
        computed[subject] = float(round_half_up(row.aantal_patienten / row.aandeel_pct * 100))
    return compare(
        jaar,
        "aandeel_boven_100",
        pd.Series(printed, dtype="object"),
        pd.Series(computed, dtype="object"),
        SHARE_TABLE,
        (table_file(SHARE_TABLE, jaar, root),),
        lambda s: (
            f"bij {s} is het gedrukte aandeel hoger dan 100%: het aantal patiënten met toestemming is groter dan "
            "de groep waarover het percentage berekend is (aantal / percentage)"
        ),
        missing_is_zero=False,
        kolom="aantal_patienten",
        rows=rows,
    )


# --- printed comparisons with last year (data.comparisons) ----------------------------------


@check(comparisons.CHECK_NAME, needs=(comparisons.TABLE,))
def _printed_comparisons(jaar: int, root: Path | None) -> list[Finding]:
    """Every printed growth percentage or difference follows from this year's and last year's table."""
    return comparisons.findings(jaar, root)
