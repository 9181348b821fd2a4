"""Cross-table checks of the verrichtingen, the hulpvragen per leeftijdsgroep and the zorgconsumptie."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from jaarverslag.data.checks import check
from jaarverslag.data.checks.common import (
    ALL_GEMEENTEN,
    ALL_TYPES,
    SHT_TOTAL,
    TOTAAL,
    compare,
    grand_total,
    parts_against_printed,
    printed_values,
    row_numbers,
    single_value,
    sum_by,
)
from jaarverslag.data.ledger import Finding, table_file
from jaarverslag.data.load import is_available, load_table

# --- verrichtingen -------------------------------------------------------------------------


@check("som_verrichtingen_post", needs=("verrichtingen", "verrichtingen_totaal"))
def _procedures_per_post(jaar: int, root: Path | None) -> list[Finding]:
    """The procedures of each post add up to that post's printed total."""
    return parts_against_printed(
        jaar,
        root,
        "som_verrichtingen_post",
        "verrichtingen",
        "verrichtingen_totaal",
        "post",
        lambda post: f"som van de verrichtingen van post {post} wijkt af van het gedrukte totaal",
        except_row=SHT_TOTAL,
    )


@check("som_verrichtingen_sht", needs=("verrichtingen", "verrichtingen_totaal"))
def _procedures_sht(jaar: int, root: Path | None) -> list[Finding]:
    """All procedures add up to the printed SHT total."""
    total = load_table("verrichtingen", jaar, root)["aantal"].sum()
    printed, rows = printed_values(load_table("verrichtingen_totaal", jaar, root), "post")
    return compare(
        jaar,
        "som_verrichtingen_sht",
        printed[printed.index == SHT_TOTAL],
        pd.Series({SHT_TOTAL: total}),
        "verrichtingen_totaal",
        (table_file("verrichtingen", jaar, root),),
        lambda _: "som van alle verrichtingen wijkt af van het gedrukte SHT-totaal",
        rows=rows,
    )


# --- hulpvragen per leeftijdsgroep ---------------------------------------------------------


@check("som_hulpvragen_leeftijd", needs=("hulpvragen_leeftijd", "hulpvragen_leeftijd_totaal"))
def _age_groups(jaar: int, root: Path | None) -> list[Finding]:
    """The hulpvragen of each age group (advies, consult, visite) add up to its printed total."""
    return parts_against_printed(
        jaar,
        root,
        "som_hulpvragen_leeftijd",
        "hulpvragen_leeftijd",
        "hulpvragen_leeftijd_totaal",
        "leeftijdsgroep",
        lambda groep: (
            f"som van advies, consult en visite in leeftijdsgroep {groep} "
            "wijkt af van het gedrukte totaal van die groep"
        ),
    )


@check("hulpvragen_leeftijd_sht", needs=("hulpvragen_leeftijd_totaal", "verrichtingen_totaal"))
def _age_groups_sht(jaar: int, root: Path | None) -> list[Finding]:
    """The printed age-group totals add up to the printed SHT total of the procedures."""
    total = sum_by(load_table("hulpvragen_leeftijd_totaal", jaar, root).assign(alle=SHT_TOTAL), "alle")
    printed, rows = printed_values(load_table("verrichtingen_totaal", jaar, root), "post")
    return compare(
        jaar,
        "hulpvragen_leeftijd_sht",
        printed[printed.index == SHT_TOTAL],
        total,
        "verrichtingen_totaal",
        (table_file("hulpvragen_leeftijd_totaal", jaar, root),),
        lambda _: (
            "som van de hulpvragen over alle leeftijdsgroepen wijkt af van het gedrukte SHT-totaal van de verrichtingen"
        ),
        rows=rows,
    )


# --- zorgconsumptie per gemeente -----------------------------------------------------------


@check("som_zorgconsumptie", needs=("zorgconsumptie_totaal",))
def _care_consumption(jaar: int, root: Path | None) -> list[Finding]:
    """Row, column and grand totals of the care-consumption table follow from its parts.

    With the parts per gemeente and soort (zorgconsumptie): each gemeente's "Alle soorten"
    total, each soort's "Alle gemeenten" total and the grand total. Always: the printed grand
    total equals the sum of the printed soort totals, and of the printed gemeente totals.
    """
    totals = load_table("zorgconsumptie_totaal", jaar, root)
    own = (table_file("zorgconsumptie_totaal", jaar, root),)
    per_gemeente = totals[(totals["soort"] == ALL_TYPES) & (totals["gemeente"] != ALL_GEMEENTEN)]
    per_soort = totals[(totals["gemeente"] == ALL_GEMEENTEN) & (totals["soort"] != ALL_TYPES)]
    grand_value, grand_row = grand_total(totals)
    grand = pd.Series({TOTAAL: grand_value})
    gemeente_rows, soort_rows = row_numbers(per_gemeente, "gemeente"), row_numbers(per_soort, "soort")
    out = []
    if is_available("zorgconsumptie", jaar, root):
        parts = load_table("zorgconsumptie", jaar, root)
        files = (table_file("zorgconsumptie", jaar, root),)
        out += compare(
            jaar,
            "som_zorgconsumptie",
            per_gemeente.set_index("gemeente")["aantal"],
            sum_by(parts, "gemeente"),
            "zorgconsumptie_totaal",
            files,
            lambda g: f"som van de soorten hulpvragen van gemeente {g} wijkt af van het gedrukte totaal",
            rows=gemeente_rows,
        )
        out += compare(
            jaar,
            "som_zorgconsumptie",
            per_soort.set_index("soort")["aantal"],
            sum_by(parts, "soort"),
            "zorgconsumptie_totaal",
            files,
            lambda s: f"som over alle gemeenten van soort {s} wijkt af van het gedrukte totaal",
            rows=soort_rows,
        )
        out += compare(
            jaar,
            "som_zorgconsumptie",
            grand,
            sum_by(parts.assign(alle=TOTAAL), "alle"),
            "zorgconsumptie_totaal",
            files,
            lambda _: "som van alle hulpvragen per gemeente en soort wijkt af van het gedrukte eindtotaal",
            rows={TOTAAL: grand_row},
        )
    if len(per_soort):
        subject = f"{TOTAAL} (som van de soorten)"
        out += compare(
            jaar,
            "som_zorgconsumptie",
            grand.rename({TOTAAL: subject}),
            sum_by(per_soort.assign(alle=subject), "alle"),
            "zorgconsumptie_totaal",
            own,
            lambda _: "de gedrukte totalen per soort tellen niet op tot het gedrukte eindtotaal",
            rows={subject: grand_row},
        )
    if len(per_gemeente):
        subject = f"{TOTAAL} (som van de gemeenten)"
        out += compare(
            jaar,
            "som_zorgconsumptie",
            grand.rename({TOTAAL: subject}),
            sum_by(per_gemeente.assign(alle=subject), "alle"),
            "zorgconsumptie_totaal",
            own,
            lambda _: "de gedrukte totalen per gemeente tellen niet op tot het gedrukte eindtotaal",
            rows={subject: grand_row},
        )
    return out


@check("zorgconsumptie_sht", needs=("zorgconsumptie_totaal", "verrichtingen_totaal"))
def _care_consumption_sht(jaar: int, root: Path | None) -> list[Finding]:
    """The printed grand total of the care-consumption table equals the printed SHT total of the procedures."""
    grand, grand_row = grand_total(load_table("zorgconsumptie_totaal", jaar, root))
    sht = single_value(load_table("verrichtingen_totaal", jaar, root), "post", SHT_TOTAL)
    return compare(
        jaar,
        "zorgconsumptie_sht",
        pd.Series({TOTAAL: grand}),
        pd.Series({TOTAAL: sht}),
        "zorgconsumptie_totaal",
        (table_file("verrichtingen_totaal", jaar, root),),
        lambda _: (
            "het gedrukte eindtotaal van de zorgconsumptie wijkt af van het gedrukte SHT-totaal van de verrichtingen"
        ),
        missing_is_zero=False,
        rows={TOTAAL: grand_row},
    )


@check("soort_zorgconsumptie_verrichtingen", needs=("zorgconsumptie_totaal", "verrichtingen", "verrichting_soort"))
def _care_type_vs_procedures(jaar: int, root: Path | None) -> list[Finding]:
    """Each printed soort total equals the procedures of that soort (via referentie/verrichting_soort.csv)."""
    totals = load_table("zorgconsumptie_totaal", jaar, root)
    printed = totals[(totals["gemeente"] == ALL_GEMEENTEN) & (totals["soort"] != ALL_TYPES)]
    mapping = load_table("verrichting_soort", None, root)[["verrichting", "soort"]]
    procedures = load_table("verrichtingen", jaar, root).merge(mapping, on="verrichting", how="left")
    unmapped = procedures[procedures["soort"].isna()]
    out = [
        Finding(
            jaar,
            "soort_zorgconsumptie_verrichtingen",
            str(v),
            math.nan,
            math.nan,
            "verrichting_soort",
            f"verrichting {v} heeft geen soort hulpvraag in {table_file('verrichting_soort', None, root)}",
            oplossing=f"voeg een rij voor {v} toe aan {table_file('verrichting_soort', None, root)}",
        )
        for v in sorted(set(unmapped["verrichting"]))
    ]
    out += compare(
        jaar,
        "soort_zorgconsumptie_verrichtingen",
        printed.set_index("soort")["aantal"],
        sum_by(procedures.dropna(subset=["soort"]), "soort"),
        "zorgconsumptie_totaal",
        (table_file("verrichtingen", jaar, root), table_file("verrichting_soort", None, root)),
        lambda s: f"het gedrukte totaal van soort {s} wijkt af van de som van de verrichtingen van die soort",
        rows=row_numbers(printed, "soort"),
    )
    return out


@check("soort_hulpvragen_zorgconsumptie", needs=("hulpvragen_leeftijd", "zorgconsumptie_totaal"))
def _age_types_vs_care(jaar: int, root: Path | None) -> list[Finding]:
    """Each printed soort total of the care-consumption table equals that soort summed over the age groups."""
    totals = load_table("zorgconsumptie_totaal", jaar, root)
    printed = totals[(totals["gemeente"] == ALL_GEMEENTEN) & (totals["soort"] != ALL_TYPES)]
    return compare(
        jaar,
        "soort_hulpvragen_zorgconsumptie",
        printed.set_index("soort")["aantal"],
        sum_by(load_table("hulpvragen_leeftijd", jaar, root), "soort"),
        "zorgconsumptie_totaal",
        (table_file("hulpvragen_leeftijd", jaar, root),),
        lambda s: (
            f"het gedrukte totaal van soort {s} (zorgconsumptie) wijkt af van de som van die "
            "soort over de leeftijdsgroepen"
        ),
        rows=row_numbers(printed, "soort"),
    )
