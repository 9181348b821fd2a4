"""Checks across tables: the shipped data give exactly the recorded discrepancies, a changed number is caught.

Every check compares a printed value (`gedrukt`) with the value that follows from other tables
(`berekend`); numbers are from the 2021 jaarverslag (seeds/000_4b7b462fe0c6bb31.txt). Bad input
of every kind the issue lists stops the build with a Dutch message and leaves site/ as it was.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from jaarverslag.data import checks, comparisons, ledger, metrics
from jaarverslag.data.report import valideer
from jaarverslag.render.fmt import round_half_up

from conftest import ROOT, run_build

# The transcriber's list of checks (issue 3), by their exact names.
CHECK_NAMES = [
    "som_hulpvragen_leeftijd",
    "hulpvragen_leeftijd_sht",
    "som_zorgconsumptie",
    "zorgconsumptie_sht",
    "soort_zorgconsumptie_verrichtingen",
    "soort_hulpvragen_zorgconsumptie",
    "formule_consulteenheden",
    "som_consulteenheden",
    "consulteenheden_per_1000",
    "som_binnenlopers_sht",
    "som_kwaliteitsmeldingen",
    "som_personeelsverloop",
    "som_dossierinzage",
    "verloop_vs_medewerkers",
    "aandeel_icpc",
    "gedrukte_vergelijking",
    "som_verrichtingen_post",
    "som_verrichtingen_sht",
    # issue 15: the two contradictions that were page text only
    "sht_tussen_posten",
    "aandeel_boven_100",
]

# The places where the printed report contradicts itself, as data/<jaar>/afwijkingen.csv records them:
# (jaar, controle, onderwerp, gedrukt, berekend).
RECORDED = {
    # "Totaal aantal verrichtingen 2020: 98.087" against the post totals 44.363 + 52.122 + 1.285 (section Verrichtingen)
    (2020, "som_verrichtingen_sht", "SHT", 98087.0, 97770.0),
    # "Totaal aantal SHT ... 1 6 4 0" against 1.200 + 429 + 4 (section Aantal binnenlopers)
    (2020, "som_binnenlopers_sht", "SHT", 1640.0, 1633.0),
    # column "2020" of Zorgconsumptie per gemeente against the procedures of 2020 grouped by soort
    (2020, "soort_zorgconsumptie_verrichtingen", "Advies/telefonisch consult", 58791.0, 58666.0),
    (2020, "soort_zorgconsumptie_verrichtingen", "Consult", 31889.0, 31728.0),
    (2020, "soort_zorgconsumptie_verrichtingen", "Visite", 7407.0, 7376.0),
    # consulteenheden 75.025 against the nine rounded values per gemeente, which add up to 75.026
    (2021, "som_consulteenheden", "Alle gemeenten", 75025.0, 75026.0),
    # section Branchenormen, "< 10 minuten": 96,6 / 98,5 / 97,1 / 98% in legend order puts SHT 2021 (98,5) above both
    # posts; a combined figure is at most the higher post (98)
    (2021, "sht_tussen_posten", "tel_patientenlijn_10min", 98.5, 98.0),
    # section Dossierinzage: Hengelo 205.449 at 108,3% and 201.111 at 106% exceed the group the share implies
    (2021, "aandeel_boven_100", "Hengelo: Opt-in eind 2021 (blok zonder kop)", 205449.0, 189704.0),
    (2021, "aandeel_boven_100", "Hengelo: Met COVID opt-in", 201111.0, 189727.0),
}


def _replace(project: Path, rel: str, old: str, new: str) -> None:
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _keys(found) -> set[tuple]:
    return {b.key() for b in found}


def test_every_check_of_the_issue_is_registered_under_its_exact_name():
    assert sorted(CHECK_NAMES) == sorted(checks.CHECKS)


def test_shipped_data_give_exactly_the_recorded_discrepancies():
    found = set().union(*(_keys(checks.findings(jaar)) for jaar in (2019, 2020, 2021)))
    assert found == RECORDED
    for jaar in (2019, 2020, 2021):
        found = checks.findings(jaar)
        assert ledger.unrecorded(jaar, found) == [] and ledger.stale_records(jaar, found, checks.CHECKS) == []


def test_validation_passes_and_accepts_every_recorded_discrepancy():
    report = valideer()
    assert report.ok, report.tekst()
    assert _keys(report.aanvaard) == RECORDED


def test_the_ledger_holds_all_five_printed_contradictions_each_shown_on_its_page(tmp_path, monkeypatch):
    """Issue 15: the five known contradictions have computed values in afwijkingen.csv and a note where they appear."""
    from jaarverslag.chapters import branchenormen, dossierinzage

    controles = {key[1] for key in RECORDED}
    assert {
        "som_verrichtingen_sht",
        "som_binnenlopers_sht",
        "som_consulteenheden",
        "sht_tussen_posten",
        "aandeel_boven_100",
    } <= controles
    for _jaar, _controle, _onderwerp, gedrukt, berekend in RECORDED:
        assert gedrukt != berekend  # both values are there, and differ
    monkeypatch.chdir(tmp_path)
    legend = pd.read_csv(ROOT / "data" / "referentie" / "branchenormen_legenda.csv")
    chart = legend[legend["norm_id"] == "tel_patientenlijn_10min"].set_index(["post", "reeksjaar"])["resultaat_pct"]
    posts = [chart[("Enschede", 2021)], chart[("Hengelo", 2021)]]
    assert chart[("SHT", 2021)] > max(posts)  # the printed legend order is impossible for a combined figure
    noot = branchenormen.page_values(2021, ROOT)["afwijkingen"]
    assert "98,5%" in noot and "niet gehaald" in noot
    share = pd.read_csv(ROOT / "data" / "2021" / "dossierinzage.csv")
    hengelo = share[(share["post"] == "Hengelo") & (share["aandeel_pct"] > 100)]
    for r in hengelo.itertuples():  # the denominator the printed share implies, recomputed
        assert (
            2021,
            "aandeel_boven_100",
            f"Hengelo: {r.meting}",
            float(r.aantal_patienten),
            float(round(r.aantal_patienten / r.aandeel_pct * 100)),
        ) in RECORDED
    noot = dossierinzage.page_values(2021, ROOT)["afwijkingen"]
    assert "189.704" in noot and "401.830" in noot and "393.000" in noot
    for jaar in (2020, 2021):  # the source gives the two population figures without a year
        assert set(pd.read_csv(ROOT / "data" / str(jaar) / "inwoners.csv")["status"]) == {"onzeker"}


def test_consulteenheden_round_half_up_not_to_even():
    # Zorgconsumptie per gemeente 2021, Hof van Twente: 0,5 x 3.009 + 2.215 + 1,5 x 482 = 4.442,5, printed 4.443;
    # Losser: 0,5 x 2.782 + 1.754 + 1,5 x 421 = 3.776,5, printed 3.777. Python's round() would give 4442 and 3776.
    assert metrics.consulteenheden(3009, 2215, 482) == 4443 and round(4442.5) == 4442
    assert metrics.consulteenheden(2782, 1754, 421) == 3777
    # the printed total 75.025 is the formula on the column totals: 0,5 x 57.073 + 35.913 + 1,5 x 7.050 = 75.024,5
    assert metrics.consulteenheden(57073, 35913, 7050) == 75025


def test_the_ledger_matches_findings_with_records_and_names_stale_ones():
    found = checks.findings(2020)
    records = {k for k in RECORDED if k[0] == 2020}
    assert ledger.stale_records(2020, [], checks.CHECKS) == sorted(records, key=str)  # nothing found: all stale
    assert ledger.stale_records(2020, [], ["som_binnenlopers_sht"]) == [
        (2020, "som_binnenlopers_sht", "SHT", 1640.0, 1633.0)
    ]
    assert ledger.stale_records(2020, found, checks.CHECKS) == []
    changed = ledger.Finding(2020, "som_binnenlopers_sht", "SHT", 1640.0, 1634.0, "binnenlopers_totaal", "")
    assert ledger.unrecorded(2020, [*found, changed]) == [changed]


def test_records_around_a_year_are_this_and_last_years():
    around = ledger.recorded_around(2021, ["som_binnenlopers_sht", "som_consulteenheden"])
    assert [(year, row.controle) for year, row in around] == [
        (2020, "som_binnenlopers_sht"),
        (2021, "som_consulteenheden"),
    ]
    assert ledger.recorded_around(2020, ["som_consulteenheden"]) == []
    assert (
        ledger.recorded(2019).empty
        and ledger.table_file("verrichting_soort", None) == "data/referentie/verrichting_soort.csv"
    )


def test_selection_of_a_printed_comparison():
    assert comparisons.parse_selection("post=Hengelo;verrichting=Advies triagist (i.o.)") == {
        "post": "Hengelo",
        "verrichting": "Advies triagist (i.o.)",
    }
    with pytest.raises(ValueError):
        comparisons.parse_selection("post Hengelo")


# (file, old text, new text, expected finding (jaar, controle, onderwerp, gedrukt, berekend))
CHANGES = [
    (
        "data/2021/hulpvragen_leeftijd.csv",
        "2021,0-10,Visite,58,",
        "2021,0-10,Visite,59,",
        (2021, "som_hulpvragen_leeftijd", "0-10", 19122, 19123),
    ),
    (
        "data/2020/hulpvragen_leeftijd_totaal.csv",
        "2020,80+,11819,",
        "2020,80+,11820,",
        (2020, "hulpvragen_leeftijd_sht", "SHT", 98087, 98088),
    ),
    (
        "data/2021/zorgconsumptie.csv",
        "2021,Borne,Consult,2106,",
        "2021,Borne,Consult,2107,",
        (2021, "som_zorgconsumptie", "Borne", 5306, 5307),
    ),
    (
        "data/2021/zorgconsumptie_totaal.csv",
        "2021,Alle gemeenten,Consult,35913,",
        "2021,Alle gemeenten,Consult,35914,",
        (2021, "som_zorgconsumptie", "Consult", 35914, 35913),
    ),
    (
        "data/2020/zorgconsumptie_totaal.csv",
        "2020,Alle gemeenten,Visite,7407,",
        "2020,Alle gemeenten,Visite,7408,",
        (2020, "som_zorgconsumptie", "Totaal (som van de soorten)", 98087, 98088),
    ),
    (
        "data/2021/zorgconsumptie_totaal.csv",
        "Alle gemeenten,Alle soorten,100036,",
        "Alle gemeenten,Alle soorten,100037,",
        (2021, "zorgconsumptie_sht", "Totaal", 100037, 100036),
    ),
    (
        "data/2021/verrichtingen.csv",
        "2021,Hengelo,Terugbel advies,485,",
        "2021,Hengelo,Terugbel advies,486,",
        (2021, "soort_zorgconsumptie_verrichtingen", "Advies/telefonisch consult", 57073, 57074),
    ),
    (
        "data/2021/hulpvragen_leeftijd.csv",
        "2021,80+,Consult,1380,",
        "2021,80+,Consult,1381,",
        (2021, "soort_hulpvragen_zorgconsumptie", "Consult", 35913, 35914),
    ),
    (
        "data/2021/consulteenheden.csv",
        "2021,Losser,3777,",
        "2021,Losser,3776,",
        (2021, "formule_consulteenheden", "Losser", 3776, 3777),
    ),
    (
        "data/2021/consulteenheden_totaal.csv",
        "2021,Alle gemeenten,75025,",
        "2021,Alle gemeenten,75024,",
        (2021, "formule_consulteenheden", "Alle gemeenten", 75024, 75025),
    ),
    (
        "data/2021/consulteenheden_totaal.csv",
        "2021,Alle gemeenten,75025,",
        "2021,Alle gemeenten,75026,",
        (2021, "formule_consulteenheden", "Alle gemeenten", 75026, 75025),
    ),
    (
        "data/2021/zorgconsumptie_per_1000.csv",
        "2021,Enschede,200,",
        "2021,Enschede,201,",
        (2021, "consulteenheden_per_1000", "Enschede", 201, 200),
    ),
    (
        "data/2021/inwoners_gemeente.csv",
        "2021,Enschede,158,",
        "2021,Enschede,157,",
        (2021, "consulteenheden_per_1000", "Enschede", 200, 202),
    ),  # 31.676 / 157 = 201,76
    (
        "data/2021/binnenlopers.csv",
        "2021,Coronapost,1,",
        "2021,Coronapost,2,",
        (2021, "som_binnenlopers_sht", "SHT", 1671, 1672),
    ),
    (
        "data/2021/kwaliteitsmeldingen.csv",
        "2021,Klacht,Overig,5,",
        "2021,Klacht,Overig,6,",
        (2021, "som_kwaliteitsmeldingen", "Klacht", 52, 53),
    ),
    (
        "data/2021/personeelsverloop.csv",
        "2021,Postassistent,instroom,4,",
        "2021,Postassistent,instroom,5,",
        (2021, "som_personeelsverloop", "instroom", 36, 37),
    ),
    (
        "data/2021/dossierinzage.csv",
        "2021,Hengelo,Zonder COVID opt-in,156030,",
        "2021,Hengelo,Zonder COVID opt-in,156031,",
        (2021, "som_dossierinzage", "Zonder COVID opt-in", 307890, 307891),
    ),
    (
        "data/2021/medewerkers.csv",
        "2021,Postassistent,2,",
        "2021,Postassistent,3,",
        (2021, "verloop_vs_medewerkers", "SHT", -15, -14),
    ),
    (
        "data/2021/icpc_top.csv",
        "2021,SHT,Koorts,,4.1,4145,",
        "2021,SHT,Koorts,,4.2,4145,",
        (2021, "aandeel_icpc", "SHT: Koorts", 4.2, 4.1),
    ),
    (
        "data/2021/icpc_top.csv",
        "2021,Coronapost,Koorts,2,10.9,106,",
        "2021,Coronapost,Koorts,2,10.9,107,",
        (2021, "aandeel_icpc", "Coronapost: Koorts", 10.9, 11.0),
    ),  # 107 / 973 = 10,997%
    (
        "data/2021/gedrukte_vergelijkingen.csv",
        "leeftijdsgroep=0-10,verhouding_pct,120,",
        "leeftijdsgroep=0-10,verhouding_pct,121,",
        (2021, "gedrukte_vergelijking", "hulpvragen_leeftijd_totaal: leeftijdsgroep=0-10 (verhouding_pct)", 121, 120),
    ),
    (
        "data/2021/gedrukte_vergelijkingen.csv",
        "post=Hengelo,verandering_pct,-26,",
        "post=Hengelo,verandering_pct,-25,",
        (2021, "gedrukte_vergelijking", "binnenlopers: post=Hengelo (verandering_pct)", -25, -26),
    ),
    (
        "data/2021/verrichtingen.csv",
        "2021,Enschede,Visite,3500,",
        "2021,Enschede,Visite,3499,",
        (2021, "som_verrichtingen_post", "Enschede", 53023, 53022),
    ),
]


@pytest.mark.parametrize(("rel", "old", "new", "expected"), CHANGES, ids=[f"{c[3][1]}-{c[3][2]}" for c in CHANGES])
def test_a_changed_number_is_found_and_fails_validation_with_a_dutch_message(project, rel, old, new, expected):
    _replace(project, rel, old, new)
    jaar, controle, onderwerp, gedrukt, berekend = expected
    unrecorded = ledger.unrecorded(jaar, checks.findings(jaar, project), project)
    assert (jaar, controle, onderwerp, float(gedrukt), float(berekend)) in _keys(unrecorded)
    report = valideer(root=project)
    assert not report.ok
    values = f"gedrukt {gedrukt:g}, berekend {berekend:g} (controle {controle})"
    [problem] = [p for p in report.problemen if values in p.fout]
    # a year transcribed from the printed report: fix the transcription, or record the report's own contradiction
    assert problem.oplossing.startswith("verbeter wat verkeerd is overgenomen")
    assert f"data/{jaar}/afwijkingen.csv: {jaar},{controle},{onderwerp},{gedrukt:g},{berekend:g},<toelichting>" in (
        problem.oplossing
    )
    if controle != "verloop_vs_medewerkers":  # printed as instroom minus uitstroom: two rows
        # the message names the line of the printed value in its file
        line = (project / problem.bestand).read_text(encoding="utf-8").splitlines()[problem.regel - 1]
        assert f",{gedrukt:g}," in line, (problem, line)


def test_a_recorded_discrepancy_whose_data_were_corrected_is_stale(project):
    _replace(project, "data/2020/binnenlopers_totaal.csv", "2020,SHT,1640,", "2020,SHT,1633,")
    text = "\n".join(p.tekst() for p in valideer(root=project).problemen)
    assert "som_binnenlopers_sht / SHT (gedrukt 1640, berekend 1633) komt niet meer voor" in text


def test_an_unknown_check_in_afwijkingen_is_named_with_a_suggestion(project):
    _replace(project, "data/2020/afwijkingen.csv", "2020,som_binnenlopers_sht,", "2020,som_binnenloper_sht,")
    text = "\n".join(p.tekst() for p in valideer(root=project).problemen)
    assert "de controle 'som_binnenloper_sht' bestaat niet" in text and "som_binnenlopers_sht" in text


def test_a_comparison_whose_selection_finds_no_row_is_an_error(project):
    _replace(
        project,
        "data/2021/gedrukte_vergelijkingen.csv",
        "post=Hengelo;verrichting=Visite,",
        "post=Hengelo;verrichting=Visit,",
    )
    text = "\n".join(p.tekst() for p in valideer(root=project).problemen)
    assert "de selectie vindt geen rij in data/2021/verrichtingen.csv" in text and "berekend niet te berekenen" in text


def test_a_part_marked_ontbreekt_is_not_compared(project):
    _replace(
        project,
        "data/2021/hulpvragen_leeftijd.csv",
        "2021,0-10,Visite,58,zeker,",
        "2021,0-10,Visite,,ontbreekt,niet leesbaar",
    )
    assert not [
        b
        for b in checks.findings(2021, project)
        if b.controle in ("som_hulpvragen_leeftijd", "soort_hulpvragen_zorgconsumptie")
    ]
    assert valideer(root=project).ok


def test_a_check_skips_a_table_that_is_only_a_header(project):
    path = project / "data" / "2021" / "zorgconsumptie.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    assert not [
        b
        for b in checks.findings(2021, project)
        if b.controle == "formule_consulteenheden" and b.tabel == "consulteenheden"
    ]
    report = valideer(root=project)
    assert report.ok, report.tekst()
    assert "zorgconsumptie" in report.ontbrekend[2021]


def test_growth_rounding_is_half_away_from_zero():
    # "Afname t.o.v. 2020 26%" (Aantal binnenlopers, Hengelo): (317 / 429 - 1) x 100 = -26,1 -> -26
    assert round_half_up((317 / 429 - 1) * 100) == -26
    assert round_half_up(-2.5) == -3 and round_half_up(2.5) == 3
    assert math.isclose(round_half_up(4145 / 100036 * 100, 1), 4.1)


# --- bad input stops the build and leaves site/ as it was ------------------------------------

VERRICHTINGEN = "data/2021/verrichtingen.csv"
HEADER = "jaar,post,verrichting,aantal,status,toelichting\n"

# (name, file, how to break it, fragments the Dutch message must contain)
BAD_INPUT = [
    (
        "missing_column",
        VERRICHTINGEN,
        lambda t: "\n".join(",".join(line.split(",")[:4] + line.split(",")[5:]) for line in t.splitlines()) + "\n",
        ["kolom 'status' ontbreekt", "de kopregel moet zijn"],
    ),
    (
        "misspelt_column",
        VERRICHTINGEN,
        lambda t: t.replace("aantal", "aantl", 1),
        ["kolom 'aantal' ontbreekt", "'aantl'"],
    ),
    (
        "text_in_count",
        VERRICHTINGEN,
        lambda t: t.replace(",Visite,3550,", ",Visite,veel,"),
        ["kolom 'aantal'", "waarde 'veel'", "geen geheel getal"],
    ),
    (
        "thousands_separator",
        VERRICHTINGEN,
        lambda t: t.replace(",Visite,3550,", ",Visite,3.550,"),
        ["waarde '3.550'", "duizendtalscheiding", "3550"],
    ),
    (
        "decimal_comma",
        "data/2021/icpc_top.csv",
        lambda t: t.replace(",Koorts,,4.1,", ',Koorts,,"4,1",'),
        ["kolom 'aandeel_pct'", "decimale komma", "4.1"],
    ),
    ("negative_count", VERRICHTINGEN, lambda t: t.replace(",Visite,3550,", ",Visite,-3550,"), ["minimum 0"]),
    ("duplicated_key", VERRICHTINGEN, lambda t: t + "2021,Hengelo,Visite,3550,zeker,\n", ["komt meer dan eens voor"]),
    (
        "unknown_municipality",
        "data/2021/zorgconsumptie.csv",
        lambda t: t.replace("2021,Borne,Consult", "2021,Almelo,Consult"),
        ["kolom 'gemeente'", "waarde 'Almelo'", "niet toegestaan"],
    ),
    (
        "unknown_post",
        "data/2021/binnenlopers.csv",
        lambda t: t.replace("2021,Coronapost,", "2021,Oldenzaal,"),
        ["kolom 'post'", "waarde 'Oldenzaal'", "Hengelo, Enschede, Coronapost"],
    ),
    (
        "year_not_its_folder",
        VERRICHTINGEN,
        lambda t: t.replace("2021,Hengelo,Visite,", "2020,Hengelo,Visite,"),
        ["kolom 'jaar'", "map 2021"],
    ),
    (
        "not_utf8",
        VERRICHTINGEN,
        lambda t: (t + "2021,Hengelo,Visite,5,onzeker,coördinatie\n").encode("latin-1"),
        ["geen UTF-8", "CSV UTF-8"],
    ),
    ("empty_file", VERRICHTINGEN, lambda t: "", ["het bestand is leeg", "kopregel"]),
    (
        "parts_no_longer_add_up",
        "data/2021/zorgconsumptie.csv",
        lambda t: t.replace("2021,Borne,Consult,2106,", "2021,Borne,Consult,2107,"),
        [
            "data/2021/zorgconsumptie_totaal.csv (3 problemen):",
            "gemeente Borne wijkt af van het gedrukte totaal: gedrukt 5306, berekend 5307",
            "(controle som_zorgconsumptie)",
        ],
    ),
]


@pytest.mark.parametrize(("rel", "breek", "fragments"), [c[1:] for c in BAD_INPUT], ids=[c[0] for c in BAD_INPUT])
def test_bad_input_stops_the_build_with_a_dutch_message_and_leaves_the_site(project, rel, breek, fragments):
    site = project / "site"
    (site / "2021").mkdir(parents=True)
    (site / "2021" / "index.html").write_text("oude site", encoding="utf-8")
    path = project / rel
    broken = breek(path.read_text(encoding="utf-8"))
    if isinstance(broken, bytes):
        path.write_bytes(broken)
    else:
        path.write_text(broken, encoding="utf-8")

    result = run_build(project, "--geen-pdf")
    assert result.returncode == 1, result.stdout + result.stderr
    assert rel in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, f"{fragment!r} not in:\n{result.stderr}"
    assert "de gepubliceerde site is ongewijzigd" in result.stdout + result.stderr
    assert sorted(p.name for p in site.iterdir()) == ["2021"]
    assert sorted(p.name for p in (site / "2021").iterdir()) == ["index.html"]
    assert (site / "2021" / "index.html").read_text(encoding="utf-8") == "oude site"
