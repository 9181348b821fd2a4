"""Checks across tables: parts against printed totals and other rules the report must obey.

Each check returns findings (data.ledger.Finding); the ledger says which of them
afwijkingen.csv records. A check runs only when the tables it needs are present and
filled in (a header-only template counts as absent).

Conventions: `gedrukt` is the value as the report prints it (in `tabel`); `berekend` is
the value that follows from other tables (in `bestanden`). A value with status
"ontbreekt" (empty cell) is never compared.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from jaarverslag.data import comparisons
from jaarverslag.data.ledger import Finding, differs, table_file
from jaarverslag.data.load import beschikbaar, lees_tabel
from jaarverslag.data.metrics import CONSULTEENHEID_GEWICHT, consulteenheden
from jaarverslag.data.rounding import round_half_up

SHT_TOTAL = "SHT"
ALLE_GEMEENTEN = "Alle gemeenten"
ALLE_SOORTEN = "Alle soorten"
TOTAAL = "Totaal"
# Weights of one hulpvraag in consulteenheden. The report does not print them; all nine printed
# values per gemeente follow exactly from these (see data/codebook/consulteenheden.yml).
FORMULA_TEXT = "0,5 x advies/telefonisch consult + 1 x consult + 1,5 x visite, afgerond met een half naar boven"
ICPC_DECIMALS = 1  # the ICPC shares are printed with one decimal ("4,1%")

Check = Callable[[int, Path | None], list[Finding]]
CHECKS: dict[str, Check] = {}


def check(name: str, needs: tuple[str, ...]):
    """Register a cross-table check that runs when all tables it needs are present."""

    def register(func: Callable[[int, Path | None], list[Finding]]) -> Check:
        def run(jaar: int, root: Path | None) -> list[Finding]:
            if not all(beschikbaar(t, jaar, root) for t in needs):
                return []
            return func(jaar, root)

        run.needs = needs  # type: ignore[attr-defined]
        run.__doc__ = func.__doc__
        CHECKS[name] = run
        return run

    return register


def findings(jaar: int, root: Path | None = None) -> list[Finding]:
    """Run every cross-table check for one year."""
    return [f for run in CHECKS.values() for f in run(jaar, root)]


# --- helpers -------------------------------------------------------------------------------


def _sum(frame: pd.DataFrame, by: str | list[str], kolom: str = "aantal") -> pd.Series:
    """Sum a column per group; a group with an empty (ontbreekt) part has no sum (NA)."""
    grouped = frame.groupby(by, sort=False)[kolom]
    sums = grouped.sum().astype("Float64")
    return sums.mask(grouped.apply(lambda s: s.isna().any()))


def _printed(frame: pd.DataFrame, key: str, kolom: str = "aantal") -> tuple[pd.Series, dict]:
    """Return a table's printed values by key, and each key's data row (the message names its line)."""
    return frame.set_index(key)[kolom], _rows(frame, key)


def _rows(frame: pd.DataFrame, key: str) -> dict:
    """Return the data row of each value of `key` in a frame as lees_tabel read it (rows keep their index)."""
    return {value: int(index) for index, value in frame[key].items()}


def _compare(
    jaar: int,
    controle: str,
    gedrukt: pd.Series,
    berekend: pd.Series,
    tabel: str,
    bestanden: tuple[str, ...],
    uitleg: Callable[[str], str],
    missing_is_zero: bool = True,
    kolom: str = "aantal",
    rows: dict | None = None,
) -> list[Finding]:
    """Compare printed values with computed ones per subject; subjects without a printed value are skipped.

    A subject with a printed value but no parts at all counts as computed 0 (when
    missing_is_zero), so a total without its parts is found too. `kolom` and `rows` (subject ->
    data row) say where in `tabel` the printed value stands.
    """
    out = []
    for onderwerp, printed in gedrukt.items():
        if pd.isna(printed):
            continue
        computed = berekend.get(onderwerp, 0 if missing_is_zero else pd.NA)
        if pd.isna(computed) or not differs(printed, computed):
            continue
        out.append(
            Finding(
                jaar,
                controle,
                str(onderwerp),
                float(printed),
                float(computed),
                tabel,
                uitleg(str(onderwerp)),
                bestanden,
                column=kolom,
                row=(rows or {}).get(onderwerp),
            )
        )
    return out


def _parts_against_printed(
    jaar: int,
    root: Path | None,
    controle: str,
    parts_table: str,
    totals_table: str,
    key: str,
    uitleg: Callable[[str], str],
    kolom: str = "aantal",
    except_row: str | None = None,
) -> list[Finding]:
    """Sum the parts table per key and compare with the printed totals table keyed the same way.

    `except_row` names a printed row that is not a sum of these parts (the SHT total beside the posts).
    """
    parts = _sum(lees_tabel(parts_table, jaar, root), key, kolom)
    printed, rows = _printed(lees_tabel(totals_table, jaar, root), key, kolom)
    if except_row is not None:
        printed = printed[printed.index != except_row]
    return _compare(
        jaar,
        controle,
        printed,
        parts,
        totals_table,
        (table_file(parts_table, jaar, root),),
        uitleg,
        kolom=kolom,
        rows=rows,
    )


def _single(frame: pd.DataFrame, kolom: str, waarde: str, value: str = "aantal"):
    """Return the value in the single row where kolom == waarde, or NA when there is no such row."""
    rows = frame.loc[frame[kolom] == waarde, value]
    return rows.iloc[0] if len(rows) else pd.NA


def _grand_total(totals: pd.DataFrame) -> tuple[object, int | None]:
    """Return the printed grand total of zorgconsumptie_totaal (Alle gemeenten, Alle soorten) and its data row."""
    rows = totals.index[(totals["gemeente"] == ALLE_GEMEENTEN) & (totals["soort"] == ALLE_SOORTEN)]
    return (totals.at[rows[0], "aantal"], int(rows[0])) if len(rows) else (pd.NA, None)


# --- verrichtingen -------------------------------------------------------------------------


@check("som_verrichtingen_post", needs=("verrichtingen", "verrichtingen_totaal"))
def _procedures_per_post(jaar: int, root: Path | None) -> list[Finding]:
    """The procedures of each post add up to that post's printed total."""
    return _parts_against_printed(
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
    total = lees_tabel("verrichtingen", jaar, root)["aantal"].sum()
    printed, rows = _printed(lees_tabel("verrichtingen_totaal", jaar, root), "post")
    return _compare(
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
    return _parts_against_printed(
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
    total = _sum(lees_tabel("hulpvragen_leeftijd_totaal", jaar, root).assign(alle=SHT_TOTAL), "alle")
    printed, rows = _printed(lees_tabel("verrichtingen_totaal", jaar, root), "post")
    return _compare(
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
    totals = lees_tabel("zorgconsumptie_totaal", jaar, root)
    own = (table_file("zorgconsumptie_totaal", jaar, root),)
    per_gemeente = totals[(totals["soort"] == ALLE_SOORTEN) & (totals["gemeente"] != ALLE_GEMEENTEN)]
    per_soort = totals[(totals["gemeente"] == ALLE_GEMEENTEN) & (totals["soort"] != ALLE_SOORTEN)]
    grand_value, grand_row = _grand_total(totals)
    grand = pd.Series({TOTAAL: grand_value})
    gemeente_rows, soort_rows = _rows(per_gemeente, "gemeente"), _rows(per_soort, "soort")
    out = []
    if beschikbaar("zorgconsumptie", jaar, root):
        parts = lees_tabel("zorgconsumptie", jaar, root)
        files = (table_file("zorgconsumptie", jaar, root),)
        out += _compare(
            jaar,
            "som_zorgconsumptie",
            per_gemeente.set_index("gemeente")["aantal"],
            _sum(parts, "gemeente"),
            "zorgconsumptie_totaal",
            files,
            lambda g: f"som van de soorten hulpvragen van gemeente {g} wijkt af van het gedrukte totaal",
            rows=gemeente_rows,
        )
        out += _compare(
            jaar,
            "som_zorgconsumptie",
            per_soort.set_index("soort")["aantal"],
            _sum(parts, "soort"),
            "zorgconsumptie_totaal",
            files,
            lambda s: f"som over alle gemeenten van soort {s} wijkt af van het gedrukte totaal",
            rows=soort_rows,
        )
        out += _compare(
            jaar,
            "som_zorgconsumptie",
            grand,
            _sum(parts.assign(alle=TOTAAL), "alle"),
            "zorgconsumptie_totaal",
            files,
            lambda _: "som van alle hulpvragen per gemeente en soort wijkt af van het gedrukte eindtotaal",
            rows={TOTAAL: grand_row},
        )
    if len(per_soort):
        subject = f"{TOTAAL} (som van de soorten)"
        out += _compare(
            jaar,
            "som_zorgconsumptie",
            grand.rename({TOTAAL: subject}),
            _sum(per_soort.assign(alle=subject), "alle"),
            "zorgconsumptie_totaal",
            own,
            lambda _: "de gedrukte totalen per soort tellen niet op tot het gedrukte eindtotaal",
            rows={subject: grand_row},
        )
    if len(per_gemeente):
        subject = f"{TOTAAL} (som van de gemeenten)"
        out += _compare(
            jaar,
            "som_zorgconsumptie",
            grand.rename({TOTAAL: subject}),
            _sum(per_gemeente.assign(alle=subject), "alle"),
            "zorgconsumptie_totaal",
            own,
            lambda _: "de gedrukte totalen per gemeente tellen niet op tot het gedrukte eindtotaal",
            rows={subject: grand_row},
        )
    return out


@check("zorgconsumptie_sht", needs=("zorgconsumptie_totaal", "verrichtingen_totaal"))
def _care_consumption_sht(jaar: int, root: Path | None) -> list[Finding]:
    """The printed grand total of the care-consumption table equals the printed SHT total of the procedures."""
    grand, grand_row = _grand_total(lees_tabel("zorgconsumptie_totaal", jaar, root))
    sht = _single(lees_tabel("verrichtingen_totaal", jaar, root), "post", SHT_TOTAL)
    return _compare(
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
    totals = lees_tabel("zorgconsumptie_totaal", jaar, root)
    printed = totals[(totals["gemeente"] == ALLE_GEMEENTEN) & (totals["soort"] != ALLE_SOORTEN)]
    mapping = lees_tabel("verrichting_soort", None, root)[["verrichting", "soort"]]
    procedures = lees_tabel("verrichtingen", jaar, root).merge(mapping, on="verrichting", how="left")
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
    out += _compare(
        jaar,
        "soort_zorgconsumptie_verrichtingen",
        printed.set_index("soort")["aantal"],
        _sum(procedures.dropna(subset=["soort"]), "soort"),
        "zorgconsumptie_totaal",
        (table_file("verrichtingen", jaar, root), table_file("verrichting_soort", None, root)),
        lambda s: f"het gedrukte totaal van soort {s} wijkt af van de som van de verrichtingen van die soort",
        rows=_rows(printed, "soort"),
    )
    return out


@check("soort_hulpvragen_zorgconsumptie", needs=("hulpvragen_leeftijd", "zorgconsumptie_totaal"))
def _age_types_vs_care(jaar: int, root: Path | None) -> list[Finding]:
    """Each printed soort total of the care-consumption table equals that soort summed over the age groups."""
    totals = lees_tabel("zorgconsumptie_totaal", jaar, root)
    printed = totals[(totals["gemeente"] == ALLE_GEMEENTEN) & (totals["soort"] != ALLE_SOORTEN)]
    return _compare(
        jaar,
        "soort_hulpvragen_zorgconsumptie",
        printed.set_index("soort")["aantal"],
        _sum(lees_tabel("hulpvragen_leeftijd", jaar, root), "soort"),
        "zorgconsumptie_totaal",
        (table_file("hulpvragen_leeftijd", jaar, root),),
        lambda s: (
            f"het gedrukte totaal van soort {s} (zorgconsumptie) wijkt af van de som van die "
            "soort over de leeftijdsgroepen"
        ),
        rows=_rows(printed, "soort"),
    )


# --- consulteenheden -----------------------------------------------------------------------


def _formula(frame: pd.DataFrame, by: str) -> pd.Series:
    """Return the consulteenheden per group from its three soorten; NA when one is missing or empty."""
    wide = frame.pivot_table(index=by, columns="soort", values="aantal", aggfunc="first", dropna=False)
    result = {}
    for group, row in wide.iterrows():
        values = [row.get(s, pd.NA) for s in CONSULTEENHEID_GEWICHT]
        result[group] = pd.NA if any(pd.isna(v) for v in values) else consulteenheden(*values)
    return pd.Series(result, dtype="object")


@check("formule_consulteenheden", needs=())
def _consult_units_formula(jaar: int, root: Path | None) -> list[Finding]:
    """Printed consulteenheden = round_half_up(0.5 x advies + consult + 1.5 x visite), per gemeente and in total."""
    out = []
    if beschikbaar("consulteenheden", jaar, root) and beschikbaar("zorgconsumptie", jaar, root):
        printed, rows = _printed(lees_tabel("consulteenheden", jaar, root), "gemeente", "consulteenheden")
        computed = _formula(lees_tabel("zorgconsumptie", jaar, root), "gemeente")
        out += _compare(
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
    if beschikbaar("consulteenheden_totaal", jaar, root) and beschikbaar("zorgconsumptie_totaal", jaar, root):
        printed, rows = _printed(lees_tabel("consulteenheden_totaal", jaar, root), "gemeente", "consulteenheden")
        totals = lees_tabel("zorgconsumptie_totaal", jaar, root)
        computed = _formula(totals[totals["gemeente"] == ALLE_GEMEENTEN], "gemeente")
        out += _compare(
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
    parts = _sum(lees_tabel("consulteenheden", jaar, root).assign(alle=ALLE_GEMEENTEN), "alle", "consulteenheden")
    printed, rows = _printed(lees_tabel("consulteenheden_totaal", jaar, root), "gemeente", "consulteenheden")
    return _compare(
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
    printed, rows = _printed(lees_tabel("zorgconsumptie_per_1000", jaar, root), "gemeente", "consulteenheden_per_1000")
    units = lees_tabel("consulteenheden", jaar, root).set_index("gemeente")["consulteenheden"]
    inwoners = lees_tabel("inwoners_gemeente", jaar, root).set_index("gemeente")["inwoners_x1000"]
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
    return _compare(
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
    total = _sum(lees_tabel("binnenlopers", jaar, root).assign(alle=SHT_TOTAL), "alle")
    printed, rows = _printed(lees_tabel("binnenlopers_totaal", jaar, root), "post")
    return _compare(
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
    return _parts_against_printed(
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
    return _parts_against_printed(
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
    return _parts_against_printed(
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
    if not beschikbaar("medewerkers", jaar - 1, root):
        return []
    totals = lees_tabel("personeelsverloop_totaal", jaar, root).set_index("richting")["aantal"]
    netto = totals.get("instroom", pd.NA) - totals.get("uitstroom", pd.NA)
    nu, vorig = (lees_tabel("medewerkers", j, root)["aantal"] for j in (jaar, jaar - 1))
    change = pd.NA if nu.isna().any() or vorig.isna().any() else nu.sum() - vorig.sum()
    return _compare(
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
    icpc = lees_tabel("icpc_top", jaar, root)
    totals = lees_tabel("verrichtingen_totaal", jaar, root).set_index("post")["aantal"]
    printed, computed, rows = {}, {}, {}
    for row in icpc.itertuples():
        total = totals.get(row.post, pd.NA)
        if pd.isna(row.aantal) or pd.isna(total) or total == 0:
            continue
        subject = f"{row.post}: {row.diagnose}"
        printed[subject], rows[subject] = row.aandeel_pct, int(row.Index)
        computed[subject] = round_half_up(float(row.aantal) / float(total) * 100, ICPC_DECIMALS)
    return _compare(
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


# --- printed comparisons with last year (data.comparisons) ----------------------------------


@check(comparisons.CHECK_NAME, needs=(comparisons.TABLE,))
def _printed_comparisons(jaar: int, root: Path | None) -> list[Finding]:
    """Every printed growth percentage or difference follows from this year's and last year's table."""
    return comparisons.findings(jaar, root)
