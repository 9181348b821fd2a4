"""Checks across tables: parts against printed totals and other rules the report must obey.

Each check returns findings; a finding recorded in that year's afwijkingen.csv (same
check, subject, printed and computed value) is accepted and shown as a footnote, any
other finding fails validation. A check runs only when the tables it needs are present
and filled in (a header-only template counts as absent).

Conventions: `gedrukt` is the value as the report prints it (in `tabel`); `berekend` is
the value that follows from other tables (in `bestanden`). A value with status
"ontbreekt" (empty cell) is never compared.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jaarverslag.data.codebook import REFERENCE_FOLDER, spec
from jaarverslag.data.load import beschikbaar, lees_tabel
from jaarverslag.data.rounding import round_half_up
from jaarverslag.data.metrics import CONSULTEENHEID_GEWICHT, consulteenheden

SHT_TOTAL = "SHT"
ALLE_GEMEENTEN = "Alle gemeenten"
ALLE_SOORTEN = "Alle soorten"
TOTAAL = "Totaal"
# Weights of one hulpvraag in consulteenheden. The report does not print them; all nine printed
# values per gemeente follow exactly from these (see data/codebook/consulteenheden.yml).
FORMULE_TEKST = "0,5 x advies/telefonisch consult + 1 x consult + 1,5 x visite, afgerond met een half naar boven"
ICPC_DECIMALEN = 1  # the ICPC shares are printed with one decimal ("4,1%")
SELECTIE_SCHEIDING = ";"  # gedrukte_vergelijkingen: conditions "kolom=waarde" separated by ";"
GELIJK_TOLERANTIE = 1e-9  # rounded decimals are compared as floats


@dataclass(frozen=True)
class Bevinding:
    """One place where a printed figure does not follow from its parts."""

    jaar: int
    controle: str
    onderwerp: str
    gedrukt: float
    berekend: float  # NaN when the check could not compute it (then it can never be recorded)
    tabel: str  # the table holding the printed value
    uitleg: str
    bestanden: tuple[str, ...] = ()  # the files the computed value comes from (data/<jaar>/...)
    oplossing: str = ""  # how to fix, when the general advice does not apply

    def sleutel(self) -> tuple:
        return (self.jaar, self.controle, self.onderwerp, float(self.gedrukt), float(self.berekend))


Check = Callable[[int, Path | None], list[Bevinding]]
CHECKS: dict[str, Check] = {}


def check(naam: str, needs: tuple[str, ...]):
    """Register a cross-table check that runs when all tables it needs are present."""

    def register(func: Callable[[int, Path | None], list[Bevinding]]) -> Check:
        def run(jaar: int, root: Path | None) -> list[Bevinding]:
            if not all(beschikbaar(t, jaar, root) for t in needs):
                return []
            return func(jaar, root)

        run.needs = needs  # type: ignore[attr-defined]
        run.__doc__ = func.__doc__
        CHECKS[naam] = run
        return run

    return register


# --- helpers -------------------------------------------------------------------------------


def bestand(naam: str, jaar: int | None, root: Path | None = None) -> str:
    """Return a table's file as the analyst sees it: data/<jaar>/<file> or data/referentie/<file>."""
    table = spec(naam, root)
    return f"data/{jaar if table.per_jaar else REFERENCE_FOLDER}/{table.bestand}"


def _som(frame: pd.DataFrame, by: str | list[str], kolom: str = "aantal") -> pd.Series:
    """Sum a column per group; a group with an empty (ontbreekt) part has no sum (NA)."""
    grouped = frame.groupby(by, sort=False)[kolom]
    sums = grouped.sum().astype("Float64")
    return sums.mask(grouped.apply(lambda s: s.isna().any()))


def _verschilt(gedrukt, berekend) -> bool:
    return not math.isclose(float(gedrukt), float(berekend), rel_tol=0, abs_tol=GELIJK_TOLERANTIE)


def _vergelijk(jaar: int, controle: str, gedrukt: pd.Series, berekend: pd.Series, tabel: str,
               bestanden: tuple[str, ...], uitleg: Callable[[str], str],
               ontbrekend_is_nul: bool = True) -> list[Bevinding]:
    """Compare printed values with computed ones per subject; subjects without a printed value are skipped.

    A subject with a printed value but no parts at all counts as computed 0 (when
    ontbrekend_is_nul), so a total without its parts is found too.
    """
    out = []
    for onderwerp, printed in gedrukt.items():
        if pd.isna(printed):
            continue
        computed = berekend.get(onderwerp, 0 if ontbrekend_is_nul else pd.NA)
        if pd.isna(computed) or not _verschilt(printed, computed):
            continue
        out.append(Bevinding(jaar, controle, str(onderwerp), float(printed), float(computed), tabel,
                             uitleg(str(onderwerp)), bestanden))
    return out


def _som_tegen_gedrukt(jaar: int, root: Path | None, controle: str, delen: str, totaal: str, sleutel: str,
                       uitleg: Callable[[str], str], kolom: str = "aantal",
                       zonder: str | None = None) -> list[Bevinding]:
    """Sum the parts table per sleutel and compare with the printed totals table keyed the same way.

    `zonder` names a printed row that is not a sum of these parts (the SHT total beside the posts).
    """
    parts = _som(lees_tabel(delen, jaar, root), sleutel, kolom)
    printed = lees_tabel(totaal, jaar, root).set_index(sleutel)[kolom]
    if zonder is not None:
        printed = printed[printed.index != zonder]
    return _vergelijk(jaar, controle, printed, parts, totaal, (bestand(delen, jaar, root),), uitleg)


def _een(frame: pd.DataFrame, kolom: str, waarde: str, value: str = "aantal"):
    """Return the value in the single row where kolom == waarde, or NA when there is no such row."""
    rows = frame.loc[frame[kolom] == waarde, value]
    return rows.iloc[0] if len(rows) else pd.NA


# --- verrichtingen -------------------------------------------------------------------------


@check("som_verrichtingen_post", needs=("verrichtingen", "verrichtingen_totaal"))
def _procedures_per_post(jaar: int, root: Path | None) -> list[Bevinding]:
    """The procedures of each post add up to that post's printed total."""
    return _som_tegen_gedrukt(jaar, root, "som_verrichtingen_post", "verrichtingen", "verrichtingen_totaal", "post",
                              lambda post: f"som van de verrichtingen van post {post} wijkt af van het gedrukte totaal",
                              zonder=SHT_TOTAL)


@check("som_verrichtingen_sht", needs=("verrichtingen", "verrichtingen_totaal"))
def _procedures_sht(jaar: int, root: Path | None) -> list[Bevinding]:
    """All procedures add up to the printed SHT total."""
    total = lees_tabel("verrichtingen", jaar, root)["aantal"].sum()
    printed = lees_tabel("verrichtingen_totaal", jaar, root).set_index("post")["aantal"]
    return _vergelijk(jaar, "som_verrichtingen_sht", printed[printed.index == SHT_TOTAL],
                      pd.Series({SHT_TOTAL: total}), "verrichtingen_totaal", (bestand("verrichtingen", jaar, root),),
                      lambda _: "som van alle verrichtingen wijkt af van het gedrukte SHT-totaal")


# --- hulpvragen per leeftijdsgroep ---------------------------------------------------------


@check("som_hulpvragen_leeftijd", needs=("hulpvragen_leeftijd", "hulpvragen_leeftijd_totaal"))
def _age_groups(jaar: int, root: Path | None) -> list[Bevinding]:
    """The hulpvragen of each age group (advies, consult, visite) add up to its printed total."""
    return _som_tegen_gedrukt(jaar, root, "som_hulpvragen_leeftijd", "hulpvragen_leeftijd",
                              "hulpvragen_leeftijd_totaal", "leeftijdsgroep",
                              lambda groep: f"som van advies, consult en visite in leeftijdsgroep {groep} "
                                            "wijkt af van het gedrukte totaal van die groep")


@check("hulpvragen_leeftijd_sht", needs=("hulpvragen_leeftijd_totaal", "verrichtingen_totaal"))
def _age_groups_sht(jaar: int, root: Path | None) -> list[Bevinding]:
    """The printed age-group totals add up to the printed SHT total of the procedures."""
    total = _som(lees_tabel("hulpvragen_leeftijd_totaal", jaar, root).assign(alle=SHT_TOTAL), "alle")
    printed = lees_tabel("verrichtingen_totaal", jaar, root).set_index("post")["aantal"]
    return _vergelijk(jaar, "hulpvragen_leeftijd_sht", printed[printed.index == SHT_TOTAL], total,
                      "verrichtingen_totaal", (bestand("hulpvragen_leeftijd_totaal", jaar, root),),
                      lambda _: "som van de hulpvragen over alle leeftijdsgroepen wijkt af van het gedrukte "
                                "SHT-totaal van de verrichtingen")


# --- zorgconsumptie per gemeente -----------------------------------------------------------


@check("som_zorgconsumptie", needs=("zorgconsumptie_totaal",))
def _care_consumption(jaar: int, root: Path | None) -> list[Bevinding]:
    """Row, column and grand totals of the care-consumption table follow from its parts.

    With the parts per gemeente and soort (zorgconsumptie): each gemeente's "Alle soorten"
    total, each soort's "Alle gemeenten" total and the grand total. Always: the printed grand
    total equals the sum of the printed soort totals, and of the printed gemeente totals.
    """
    totals = lees_tabel("zorgconsumptie_totaal", jaar, root)
    own = (bestand("zorgconsumptie_totaal", jaar, root),)
    per_gemeente = totals[(totals["soort"] == ALLE_SOORTEN) & (totals["gemeente"] != ALLE_GEMEENTEN)]
    per_soort = totals[(totals["gemeente"] == ALLE_GEMEENTEN) & (totals["soort"] != ALLE_SOORTEN)]
    grand = pd.Series({TOTAAL: _een(totals[totals["gemeente"] == ALLE_GEMEENTEN], "soort", ALLE_SOORTEN)})
    out = []
    if beschikbaar("zorgconsumptie", jaar, root):
        parts = lees_tabel("zorgconsumptie", jaar, root)
        files = (bestand("zorgconsumptie", jaar, root),)
        out += _vergelijk(jaar, "som_zorgconsumptie", per_gemeente.set_index("gemeente")["aantal"],
                          _som(parts, "gemeente"), "zorgconsumptie_totaal", files,
                          lambda g: f"som van de soorten hulpvragen van gemeente {g} wijkt af van het gedrukte totaal")
        out += _vergelijk(jaar, "som_zorgconsumptie", per_soort.set_index("soort")["aantal"],
                          _som(parts, "soort"), "zorgconsumptie_totaal", files,
                          lambda s: f"som over alle gemeenten van soort {s} wijkt af van het gedrukte totaal")
        out += _vergelijk(jaar, "som_zorgconsumptie", grand, _som(parts.assign(alle=TOTAAL), "alle"),
                          "zorgconsumptie_totaal", files,
                          lambda _: "som van alle hulpvragen per gemeente en soort wijkt af van het gedrukte eindtotaal")
    if len(per_soort):
        subject = f"{TOTAAL} (som van de soorten)"
        out += _vergelijk(jaar, "som_zorgconsumptie", grand.rename({TOTAAL: subject}),
                          _som(per_soort.assign(alle=subject), "alle"), "zorgconsumptie_totaal", own,
                          lambda _: "de gedrukte totalen per soort tellen niet op tot het gedrukte eindtotaal")
    if len(per_gemeente):
        subject = f"{TOTAAL} (som van de gemeenten)"
        out += _vergelijk(jaar, "som_zorgconsumptie", grand.rename({TOTAAL: subject}),
                          _som(per_gemeente.assign(alle=subject), "alle"), "zorgconsumptie_totaal", own,
                          lambda _: "de gedrukte totalen per gemeente tellen niet op tot het gedrukte eindtotaal")
    return out


@check("zorgconsumptie_sht", needs=("zorgconsumptie_totaal", "verrichtingen_totaal"))
def _care_consumption_sht(jaar: int, root: Path | None) -> list[Bevinding]:
    """The printed grand total of the care-consumption table equals the printed SHT total of the procedures."""
    totals = lees_tabel("zorgconsumptie_totaal", jaar, root)
    grand = _een(totals[totals["gemeente"] == ALLE_GEMEENTEN], "soort", ALLE_SOORTEN)
    sht = _een(lees_tabel("verrichtingen_totaal", jaar, root), "post", SHT_TOTAL)
    return _vergelijk(jaar, "zorgconsumptie_sht", pd.Series({TOTAAL: grand}), pd.Series({TOTAAL: sht}),
                      "zorgconsumptie_totaal", (bestand("verrichtingen_totaal", jaar, root),),
                      lambda _: "het gedrukte eindtotaal van de zorgconsumptie wijkt af van het gedrukte "
                                "SHT-totaal van de verrichtingen", ontbrekend_is_nul=False)


@check("soort_zorgconsumptie_verrichtingen", needs=("zorgconsumptie_totaal", "verrichtingen", "verrichting_soort"))
def _care_type_vs_procedures(jaar: int, root: Path | None) -> list[Bevinding]:
    """Each printed soort total equals the procedures of that soort (via referentie/verrichting_soort.csv)."""
    totals = lees_tabel("zorgconsumptie_totaal", jaar, root)
    printed = totals[(totals["gemeente"] == ALLE_GEMEENTEN) & (totals["soort"] != ALLE_SOORTEN)]
    mapping = lees_tabel("verrichting_soort", None, root)[["verrichting", "soort"]]
    procedures = lees_tabel("verrichtingen", jaar, root).merge(mapping, on="verrichting", how="left")
    unmapped = procedures[procedures["soort"].isna()]
    out = [Bevinding(jaar, "soort_zorgconsumptie_verrichtingen", str(v), math.nan, math.nan, "verrichting_soort",
                     f"verrichting {v} heeft geen soort hulpvraag in {bestand('verrichting_soort', None, root)}",
                     oplossing=f"voeg een rij voor {v} toe aan {bestand('verrichting_soort', None, root)}")
           for v in sorted(set(unmapped["verrichting"]))]
    out += _vergelijk(jaar, "soort_zorgconsumptie_verrichtingen", printed.set_index("soort")["aantal"],
                      _som(procedures.dropna(subset=["soort"]), "soort"), "zorgconsumptie_totaal",
                      (bestand("verrichtingen", jaar, root), bestand("verrichting_soort", None, root)),
                      lambda s: f"het gedrukte totaal van soort {s} wijkt af van de som van de verrichtingen "
                                "van die soort")
    return out


@check("soort_hulpvragen_zorgconsumptie", needs=("hulpvragen_leeftijd", "zorgconsumptie_totaal"))
def _age_types_vs_care(jaar: int, root: Path | None) -> list[Bevinding]:
    """Each printed soort total of the care-consumption table equals that soort summed over the age groups."""
    totals = lees_tabel("zorgconsumptie_totaal", jaar, root)
    printed = totals[(totals["gemeente"] == ALLE_GEMEENTEN) & (totals["soort"] != ALLE_SOORTEN)]
    return _vergelijk(jaar, "soort_hulpvragen_zorgconsumptie", printed.set_index("soort")["aantal"],
                      _som(lees_tabel("hulpvragen_leeftijd", jaar, root), "soort"), "zorgconsumptie_totaal",
                      (bestand("hulpvragen_leeftijd", jaar, root),),
                      lambda s: f"het gedrukte totaal van soort {s} (zorgconsumptie) wijkt af van de som van die "
                                "soort over de leeftijdsgroepen")


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
def _consult_units_formula(jaar: int, root: Path | None) -> list[Bevinding]:
    """Printed consulteenheden = round_half_up(0.5 x advies + consult + 1.5 x visite), per gemeente and in total."""
    out = []
    if beschikbaar("consulteenheden", jaar, root) and beschikbaar("zorgconsumptie", jaar, root):
        printed = lees_tabel("consulteenheden", jaar, root).set_index("gemeente")["consulteenheden"]
        computed = _formula(lees_tabel("zorgconsumptie", jaar, root), "gemeente")
        out += _vergelijk(jaar, "formule_consulteenheden", printed, computed, "consulteenheden",
                          (bestand("zorgconsumptie", jaar, root),),
                          lambda g: f"de consulteenheden van {g} volgen niet uit de hulpvragen ({FORMULE_TEKST})",
                          ontbrekend_is_nul=False)
    if beschikbaar("consulteenheden_totaal", jaar, root) and beschikbaar("zorgconsumptie_totaal", jaar, root):
        printed = lees_tabel("consulteenheden_totaal", jaar, root).set_index("gemeente")["consulteenheden"]
        totals = lees_tabel("zorgconsumptie_totaal", jaar, root)
        computed = _formula(totals[totals["gemeente"] == ALLE_GEMEENTEN], "gemeente")
        out += _vergelijk(jaar, "formule_consulteenheden", printed, computed, "consulteenheden_totaal",
                          (bestand("zorgconsumptie_totaal", jaar, root),),
                          lambda g: "het gedrukte totaal aantal consulteenheden volgt niet uit de gedrukte totalen "
                                    f"per soort ({FORMULE_TEKST})",
                          ontbrekend_is_nul=False)
    return out


@check("som_consulteenheden", needs=("consulteenheden", "consulteenheden_totaal"))
def _consult_units_sum(jaar: int, root: Path | None) -> list[Bevinding]:
    """The printed consulteenheden per gemeente add up to the printed total."""
    parts = _som(lees_tabel("consulteenheden", jaar, root).assign(alle=ALLE_GEMEENTEN), "alle", "consulteenheden")
    printed = lees_tabel("consulteenheden_totaal", jaar, root).set_index("gemeente")["consulteenheden"]
    return _vergelijk(jaar, "som_consulteenheden", printed, parts, "consulteenheden_totaal",
                      (bestand("consulteenheden", jaar, root),),
                      lambda _: "som van de consulteenheden per gemeente wijkt af van het gedrukte totaal")


@check("consulteenheden_per_1000", needs=("zorgconsumptie_per_1000", "consulteenheden", "inwoners_gemeente"))
def _consult_units_rate(jaar: int, root: Path | None) -> list[Bevinding]:
    """Printed rate = round_half_up(consulteenheden / inwoners_x1000), with the report's own denominators."""
    printed = lees_tabel("zorgconsumptie_per_1000", jaar, root).set_index("gemeente")["consulteenheden_per_1000"]
    units = lees_tabel("consulteenheden", jaar, root).set_index("gemeente")["consulteenheden"]
    inwoners = lees_tabel("inwoners_gemeente", jaar, root).set_index("gemeente")["inwoners_x1000"]
    computed = pd.Series({g: round_half_up(float(units[g]) / float(inwoners[g]))
                          for g in printed.index
                          if g in units.index and g in inwoners.index and pd.notna(units[g])
                          and pd.notna(inwoners[g]) and inwoners[g] > 0}, dtype="object")
    return _vergelijk(jaar, "consulteenheden_per_1000", printed, computed, "zorgconsumptie_per_1000",
                      (bestand("consulteenheden", jaar, root), bestand("inwoners_gemeente", jaar, root)),
                      lambda g: f"consulteenheden per 1.000 inwoners van {g} volgen niet uit consulteenheden / "
                                "inwoners x 1000 (afgerond op een heel getal, een half naar boven)",
                      ontbrekend_is_nul=False)


# --- sums of other tables ------------------------------------------------------------------


@check("som_binnenlopers_sht", needs=("binnenlopers", "binnenlopers_totaal"))
def _walk_ins(jaar: int, root: Path | None) -> list[Bevinding]:
    """The walk-ins of the posts add up to the printed SHT total."""
    total = _som(lees_tabel("binnenlopers", jaar, root).assign(alle=SHT_TOTAL), "alle")
    printed = lees_tabel("binnenlopers_totaal", jaar, root).set_index("post")["aantal"]
    return _vergelijk(jaar, "som_binnenlopers_sht", printed, total, "binnenlopers_totaal",
                      (bestand("binnenlopers", jaar, root),),
                      lambda _: "som van de binnenlopers per post wijkt af van het gedrukte SHT-totaal")


@check("som_kwaliteitsmeldingen", needs=("kwaliteitsmeldingen", "kwaliteitsmeldingen_totaal"))
def _quality_reports(jaar: int, root: Path | None) -> list[Bevinding]:
    """The complaints, incident reports and calamities per classification add up to their printed totals."""
    return _som_tegen_gedrukt(jaar, root, "som_kwaliteitsmeldingen", "kwaliteitsmeldingen",
                              "kwaliteitsmeldingen_totaal", "soort",
                              lambda s: f"som van de classificaties van soort {s} wijkt af van het gedrukte aantal")


@check("som_personeelsverloop", needs=("personeelsverloop", "personeelsverloop_totaal"))
def _staff_turnover(jaar: int, root: Path | None) -> list[Bevinding]:
    """The in- and outflow per function add up to the printed totals per direction."""
    return _som_tegen_gedrukt(jaar, root, "som_personeelsverloop", "personeelsverloop", "personeelsverloop_totaal",
                              "richting",
                              lambda r: f"som van de {r} per functie wijkt af van de gedrukte totale {r}")


@check("som_dossierinzage", needs=("dossierinzage", "dossierinzage_totaal"))
def _record_access(jaar: int, root: Path | None) -> list[Bevinding]:
    """The patients with consent per post add up to the printed SHT number, per measurement."""
    return _som_tegen_gedrukt(jaar, root, "som_dossierinzage", "dossierinzage", "dossierinzage_totaal", "meting",
                              lambda m: f"som van de patiënten met toestemming per post (meting {m}) wijkt af van "
                                        "het gedrukte SHT-aantal", kolom="aantal_patienten")


@check("verloop_vs_medewerkers", needs=("personeelsverloop_totaal", "medewerkers"))
def _turnover_vs_staff(jaar: int, root: Path | None) -> list[Bevinding]:
    """Printed inflow minus outflow equals the change in the number of staff since last year."""
    if not beschikbaar("medewerkers", jaar - 1, root):
        return []
    totals = lees_tabel("personeelsverloop_totaal", jaar, root).set_index("richting")["aantal"]
    netto = totals.get("instroom", pd.NA) - totals.get("uitstroom", pd.NA)
    nu, vorig = (lees_tabel("medewerkers", j, root)["aantal"] for j in (jaar, jaar - 1))
    change = pd.NA if nu.isna().any() or vorig.isna().any() else nu.sum() - vorig.sum()
    return _vergelijk(jaar, "verloop_vs_medewerkers", pd.Series({SHT_TOTAL: netto}), pd.Series({SHT_TOTAL: change}),
                      "personeelsverloop_totaal",
                      (bestand("medewerkers", jaar, root), bestand("medewerkers", jaar - 1, root)),
                      lambda _: f"gedrukte instroom min uitstroom wijkt af van de verandering van het aantal "
                                f"medewerkers van {jaar - 1} op {jaar}", ontbrekend_is_nul=False)


@check("aandeel_icpc", needs=("icpc_top", "verrichtingen_totaal"))
def _icpc_share(jaar: int, root: Path | None) -> list[Bevinding]:
    """Printed ICPC share = round_half_up(aantal / printed total of the post x 100, 1 decimal)."""
    icpc = lees_tabel("icpc_top", jaar, root)
    totals = lees_tabel("verrichtingen_totaal", jaar, root).set_index("post")["aantal"]
    printed, computed = {}, {}
    for row in icpc.itertuples(index=False):
        total = totals.get(row.post, pd.NA)
        if pd.isna(row.aantal) or pd.isna(total) or total == 0:
            continue
        subject = f"{row.post}: {row.diagnose}"
        printed[subject] = row.aandeel_pct
        computed[subject] = round_half_up(float(row.aantal) / float(total) * 100, ICPC_DECIMALEN)
    return _vergelijk(jaar, "aandeel_icpc", pd.Series(printed, dtype="object"), pd.Series(computed, dtype="object"),
                      "icpc_top", (bestand("verrichtingen_totaal", jaar, root),),
                      lambda s: f"het gedrukte aandeel van {s} volgt niet uit aantal / totaal aantal verrichtingen "
                                "van de post x 100 (op één decimaal, een half naar boven)", ontbrekend_is_nul=False)


# --- printed comparisons with last year ----------------------------------------------------

MATEN: dict[str, Callable[[float, float], float]] = {
    "verhouding_pct": lambda x, v: x / v * 100,
    "verandering_pct": lambda x, v: (x / v - 1) * 100,
    "verschil_aantal": lambda x, v: x - v,
}


def selectie(tekst: str) -> dict[str, str]:
    """Parse a selection 'kolom=waarde;kolom=waarde' into a dict."""
    pairs = [part.split("=", 1) for part in str(tekst).split(SELECTIE_SCHEIDING) if part.strip()]
    if any(len(p) != 2 for p in pairs):
        raise ValueError(f"selectie {tekst!r} is niet van de vorm kolom=waarde;kolom=waarde")
    return {k.strip(): v.strip() for k, v in pairs}


def _selected_sum(naam: str, jaar: int, voorwaarden: dict[str, str], root: Path | None) -> tuple[float, str | None]:
    """Return the summed `aantal` of the selected rows, or NaN with the reason in Dutch (the table must exist)."""
    where = bestand(naam, jaar, root)
    frame = lees_tabel(naam, jaar, root)
    unknown = [k for k in voorwaarden if k not in frame.columns]
    if unknown:
        return math.nan, f"kolom {', '.join(unknown)} bestaat niet in {where}"
    mask = pd.Series(True, index=frame.index)
    for kolom, waarde in voorwaarden.items():
        mask &= frame[kolom].astype("string") == waarde
    values = frame.loc[mask, "aantal"]
    if values.empty:
        return math.nan, f"de selectie vindt geen rij in {where}"
    if values.isna().any():
        return math.nan, f"de geselecteerde rij in {where} heeft geen aantal (status ontbreekt)"
    return float(values.sum()), None


def vergelijking(row, jaar: int, root: Path | None = None) -> tuple[float, str | None]:
    """Recompute one row of gedrukte_vergelijkingen: (value rounded as printed, None), or (NaN, why not).

    When this year's or last year's table is missing the result is (NaN, None): not checkable yet.
    """
    try:
        voorwaarden = selectie(row.selectie)
    except ValueError as err:
        return math.nan, str(err)
    if not (beschikbaar(row.tabel, jaar, root) and beschikbaar(row.tabel, jaar - 1, root)):
        return math.nan, None  # a missing table is listed by the validation, not an error here
    x, why = _selected_sum(row.tabel, jaar, voorwaarden, root)
    if why:
        return math.nan, why
    v, why = _selected_sum(row.tabel, jaar - 1, voorwaarden, root)
    if why:
        return math.nan, why
    if row.maat != "verschil_aantal" and v == 0:
        return math.nan, f"het aantal in {jaar - 1} is 0, dus een percentage bestaat niet"
    return float(round_half_up(MATEN[row.maat](x, v), int(row.decimalen))), None


@check("gedrukte_vergelijking", needs=("gedrukte_vergelijkingen",))
def _printed_comparisons(jaar: int, root: Path | None) -> list[Bevinding]:
    """Every printed growth percentage or difference follows from this year's and last year's table.

    Rule (codebook gedrukte_vergelijkingen): x and v are the summed `aantal` of the selected rows
    in data/<jaar>/ and data/<jaar-1>/; verhouding_pct = x / v x 100, verandering_pct =
    (x / v - 1) x 100, verschil_aantal = x - v; rounded to `decimalen` decimals, half away from zero.
    """
    out = []
    for row in lees_tabel("gedrukte_vergelijkingen", jaar, root).itertuples(index=False):
        if pd.isna(row.gedrukt):
            continue
        computed, why = vergelijking(row, jaar, root)
        if math.isnan(computed) and not why:
            continue  # one of the two years' tables is not there yet: nothing to check
        subject = f"{row.tabel}: {row.selectie} ({row.maat})"
        files = (bestand(row.tabel, jaar, root), bestand(row.tabel, jaar - 1, root))
        if why:
            out.append(Bevinding(jaar, "gedrukte_vergelijking", subject, float(row.gedrukt), math.nan,
                                 "gedrukte_vergelijkingen", f"de vergelijking is niet na te rekenen: {why}", files,
                                 oplossing="controleer tabel en selectie van deze rij (kolom=waarde, gescheiden door "
                                           f"'{SELECTIE_SCHEIDING}') en of beide jaren die rij hebben"))
        elif _verschilt(row.gedrukt, computed):
            out.append(Bevinding(jaar, "gedrukte_vergelijking", subject, float(row.gedrukt), computed,
                                 "gedrukte_vergelijkingen",
                                 f"de gedrukte vergelijking volgt niet uit {jaar} en {jaar - 1} "
                                 f"({row.maat}, afgerond op {row.decimalen} decimalen, een half naar boven)", files))
    return out


# --- recorded discrepancies ----------------------------------------------------------------


def recorded(jaar: int, root: Path | None = None) -> pd.DataFrame:
    """Return the discrepancies recorded for a year (empty when none)."""
    if not beschikbaar("afwijkingen", jaar, root):
        return pd.DataFrame(columns=["jaar", "controle", "onderwerp", "gedrukt", "berekend", "toelichting"])
    return lees_tabel("afwijkingen", jaar, root)


def _record_keys(jaar: int, root: Path | None) -> set[tuple]:
    return {(int(r.jaar), r.controle, r.onderwerp, float(r.gedrukt), float(r.berekend))
            for r in recorded(jaar, root).itertuples(index=False)}


def vastgelegd_rond(jaar: int, controles: Iterable[str], root: Path | None = None) -> list[tuple[int, object]]:
    """Return (year, row) for the recorded discrepancies of these checks in the year and the year before."""
    wanted = set(controles)
    return [(year, row) for year in (jaar - 1, jaar)
            for row in recorded(year, root).itertuples(index=False) if row.controle in wanted]


def findings(jaar: int, root: Path | None = None) -> list[Bevinding]:
    """Run every cross-table check for one year."""
    return [b for run in CHECKS.values() for b in run(jaar, root)]


def unrecorded(jaar: int, root: Path | None = None, gevonden: Iterable[Bevinding] | None = None) -> list[Bevinding]:
    """Return findings that afwijkingen.csv does not record with exactly these values."""
    known = _record_keys(jaar, root)
    return [b for b in (findings(jaar, root) if gevonden is None else gevonden) if b.sleutel() not in known]


def stale_records(jaar: int, root: Path | None = None, gevonden: Iterable[Bevinding] | None = None) -> list[tuple]:
    """Return recorded discrepancies that no check finds any more (the data were corrected)."""
    found = {b.sleutel() for b in (findings(jaar, root) if gevonden is None else gevonden)}
    return [key for key in sorted(_record_keys(jaar, root), key=str) if key[1] in CHECKS and key not in found]
