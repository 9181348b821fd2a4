"""Registrations: DuckDB derivation on real Parquet and CSV files, checked against aggregates computed by hand.

The records below are made up (eight contacts, six calls, two visits); every expected figure in this
file was worked out by hand from them, not by running the queries.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from jaarverslag.data import registrations
from jaarverslag.data.load import DataError, SourceConflictError, is_available, load_table
from jaarverslag.data.paths import READS_ENV
from jaarverslag.data.report import valideer

ROOT = Path(__file__).resolve().parents[1]
JAAR = 2021
FED = [
    "verrichtingen",
    "verrichtingen_totaal",
    "hulpvragen_leeftijd",
    "hulpvragen_leeftijd_totaal",
    "zorgconsumptie",
    "zorgconsumptie_totaal",
    "consulteenheden",
    "consulteenheden_totaal",
    "zorgconsumptie_per_1000",
    "binnenlopers",
    "binnenlopers_totaal",
    "icpc_top",
    "branchenormen",
]

CONTACTEN = """contact_id,starttijd,post,verrichting,urgentie,leeftijd,geslacht,gemeente,icpc,binnenloper
C01,2021-01-01 00:00:00,Hengelo,Consult huisarts,U3,9,M,Hengelo,A03,ja
C02,2021-02-03 18:10:00,Hengelo,Consult huisarts,U4,10,V,Hengelo,A03,nee
C03,2021-03-04 19:00:00,Hengelo,Visite,U2,80,V,Borne,R74,nee
C04,2021-04-05 20:00:00,Enschede,Advies triagist (i.o.),,79,X,Onbekend,,nee
C05,2021-05-06 21:00:00,Enschede,Telefonisch consult,U5,40,M,Enschede,A03,nee
C06,2021-06-07 10:00:00,Enschede,Visite,U1,85,V,Enschede,R74,nee
C07,2021-07-08 11:00:00,Coronapost,Consult huisarts,U4,30,V,Enschede,R74,nee
C08,2021-12-31 23:59:59,Coronapost,Advies triagist (i.o.),U5,30,M,Losser,H71,ja
"""
OPROEPEN = """oproep_id,binnenkomst,post,lijn,wachttijd_s,beantwoord
O1,2021-01-01 00:00:01,Hengelo,spoedlijn,29,ja
O2,2021-01-01 00:10:00,Hengelo,spoedlijn,30,ja
O3,2021-02-01 12:00:00,Enschede,spoedlijn,5,nee
O4,2021-03-01 12:00:00,Enschede,reguliere lijn,119,ja
O5,2021-04-01 12:00:00,Enschede,reguliere lijn,120,ja
O6,2021-05-01 12:00:00,Hengelo,reguliere lijn,,nee
"""
VISITES = """contact_id,urgentie,aanvraag,aankomst
C03,U2,2021-03-04 19:00:00,2021-03-04 20:00:00
C06,U1,2021-06-07 10:00:00,2021-06-07 10:19:59
"""
# Inhabitants (x 1000) chosen so the rates are easy to work out by hand.
INWONERS = """jaar,gemeente,inwoners_x1000,status,toelichting
2021,Borne,1,zeker,
2021,Dinkelland,1,zeker,
2021,Enschede,2,zeker,
2021,Haaksbergen,1,zeker,
2021,Hengelo,4,zeker,
2021,Hof van Twente,1,zeker,
2021,Losser,1,zeker,
2021,Oldenzaal,1,zeker,
"""


def make_project(tmp_path: Path, files: dict[str, str] | None = None, keep_typed: bool = False) -> Path:
    """Copy data/ and _toc.yml; drop the typed tables the records feed; write the record files given."""
    project = tmp_path / "project"
    project.mkdir(parents=True)
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copy2(ROOT / "_toc.yml", project / "_toc.yml")
    if not keep_typed:
        for naam in FED:
            (project / "data" / str(JAAR) / f"{naam}.csv").unlink()
    (project / "data" / str(JAAR) / "inwoners_gemeente.csv").write_text(INWONERS, encoding="utf-8")
    folder = project / "data" / str(JAAR) / "registraties"
    folder.mkdir()
    for name, text in (files if files is not None else default_files()).items():
        (folder / name).write_text(text, encoding="utf-8")
    return project


def default_files() -> dict[str, str]:
    return {"contacten.csv": CONTACTEN, "oproepen.csv": OPROEPEN, "visites.csv": VISITES}


def to_parquet(project: Path) -> None:
    """Rewrite the year's CSV record files as Parquet with real types (TIMESTAMP, INTEGER), then remove the CSV."""
    folder = project / "data" / str(JAAR) / "registraties"
    types = {
        "contacten": {"starttijd": "TIMESTAMP", "leeftijd": "INTEGER"},
        "oproepen": {"binnenkomst": "TIMESTAMP", "wachttijd_s": "INTEGER"},
        "visites": {"aanvraag": "TIMESTAMP", "aankomst": "TIMESTAMP"},
    }
    con = duckdb.connect()
    for csv in sorted(folder.glob("*.csv")):
        cast = ", ".join(f"CAST({c} AS {t}) AS {c}" for c, t in types[csv.stem].items())
        con.execute(
            f"COPY (SELECT * REPLACE ({cast}) FROM read_csv('{csv}', all_varchar = true)) "
            f"TO '{csv.with_suffix('.parquet')}' (FORMAT parquet)"
        )
        csv.unlink()
    con.close()


def rows(frame: pd.DataFrame, *columns: str) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in r) for r in frame[list(columns)].itertuples(index=False)]


@pytest.fixture(params=["csv", "parquet"])
def derived(request, tmp_path) -> dict[str, pd.DataFrame]:
    project = make_project(tmp_path)
    if request.param == "parquet":
        to_parquet(project)
    return registrations.derive_tables(JAAR, project)


def test_every_fed_table_is_derived_with_the_typed_columns_and_dtypes(derived):
    assert sorted(derived) == sorted(FED)
    for naam, frame in derived.items():
        typed = load_table(naam, JAAR, ROOT)  # the real typed table of 2021
        assert list(frame.columns) == list(typed.columns), naam
        assert list(frame.dtypes) == list(typed.dtypes), naam
        assert set(frame["status"].dropna()) <= {"zeker", "ontbreekt"}


def test_counts_per_post_age_group_and_gemeente_match_the_hand_count(derived):
    assert rows(derived["verrichtingen"], "post", "verrichting", "aantal") == [
        ("Hengelo", "Consult huisarts", 2),
        ("Hengelo", "Visite", 1),
        ("Enschede", "Advies triagist (i.o.)", 1),
        ("Enschede", "Telefonisch consult", 1),
        ("Enschede", "Visite", 1),
        ("Coronapost", "Advies triagist (i.o.)", 1),
        ("Coronapost", "Consult huisarts", 1),
    ]
    assert rows(derived["verrichtingen_totaal"], "post", "aantal") == [
        ("Hengelo", 3),
        ("Enschede", 3),
        ("Coronapost", 2),
        ("SHT", 8),
    ]
    # Ages 9 | 10 and 79 | 80 sit on the group borders: "0-10" is 0 to 9, "80+" is 80 and older.
    assert rows(derived["hulpvragen_leeftijd"], "leeftijdsgroep", "soort", "aantal") == [
        ("0-10", "Consult", 1),
        ("10-20", "Consult", 1),
        ("20-40", "Advies/telefonisch consult", 1),
        ("20-40", "Consult", 1),
        ("40-60", "Advies/telefonisch consult", 1),
        ("60-80", "Advies/telefonisch consult", 1),
        ("80+", "Visite", 2),
    ]
    assert rows(derived["hulpvragen_leeftijd_totaal"], "leeftijdsgroep", "aantal") == [
        ("0-10", 1),
        ("10-20", 1),
        ("20-40", 2),
        ("40-60", 1),
        ("60-80", 1),
        ("80+", 2),
    ]
    assert rows(derived["zorgconsumptie"], "gemeente", "soort", "aantal") == [
        ("Borne", "Visite", 1),
        ("Enschede", "Advies/telefonisch consult", 1),
        ("Enschede", "Consult", 1),
        ("Enschede", "Visite", 1),
        ("Hengelo", "Consult", 2),
        ("Losser", "Advies/telefonisch consult", 1),
        ("Onbekend", "Advies/telefonisch consult", 1),
    ]
    assert rows(derived["zorgconsumptie_totaal"], "gemeente", "soort", "aantal") == [
        ("Borne", "Alle soorten", 1),
        ("Enschede", "Alle soorten", 3),
        ("Hengelo", "Alle soorten", 2),
        ("Losser", "Alle soorten", 1),
        ("Onbekend", "Alle soorten", 1),
        ("Alle gemeenten", "Advies/telefonisch consult", 3),
        ("Alle gemeenten", "Consult", 3),
        ("Alle gemeenten", "Visite", 2),
        ("Alle gemeenten", "Alle soorten", 8),
    ]
    assert rows(derived["binnenlopers"], "post", "aantal") == [("Hengelo", 1), ("Enschede", 0), ("Coronapost", 1)]
    assert rows(derived["binnenlopers_totaal"], "post", "aantal") == [("SHT", 2)]


def test_consulteenheden_round_half_up_and_the_total_is_rounded_once(derived):
    # Borne 1.5 -> 2; Enschede 0.5 + 1 + 1.5 = 3; Hengelo 2; Losser 0.5 -> 1; Onbekend 0.5 -> 1.
    assert rows(derived["consulteenheden"], "gemeente", "consulteenheden") == [
        ("Borne", 2),
        ("Enschede", 3),
        ("Hengelo", 2),
        ("Losser", 1),
        ("Onbekend", 1),
    ]
    # 3 x 0.5 + 3 x 1 + 2 x 1.5 = 7.5 -> 8 (the rounded parts would add up to 9).
    assert rows(derived["consulteenheden_totaal"], "gemeente", "consulteenheden") == [("Alle gemeenten", 8)]
    # Rounded consulteenheden / inwoners_x1000: 2/1 = 2; 3/2 = 1.5 -> 2; 2/4 = 0.5 -> 1; 1/1 = 1.
    assert rows(derived["zorgconsumptie_per_1000"], "gemeente", "consulteenheden_per_1000") == [
        ("Borne", 2),
        ("Enschede", 2),
        ("Hengelo", 1),
        ("Losser", 1),
    ]


def test_icpc_top_lists_share_of_all_contacts_ties_by_code(derived):
    # SHT: A03 3x, R74 3x (tie: by code), H71 1x, of 8 contacts (C04 without code counts in the denominator).
    # Coronapost: H71 1x and R74 1x of its 2 contacts; ranked, ties by code.
    assert rows(derived["icpc_top"], "post", "diagnose", "rang", "aandeel_pct", "aantal") == [
        ("SHT", "Koorts", None, 37.5, 3),
        ("SHT", "Acute infectie bovenste luchtwegen", None, 37.5, 3),
        ("SHT", "Otitis media acuta/myringitis", None, 12.5, 1),
        ("Coronapost", "Otitis media acuta/myringitis", 1, 50.0, 1),
        ("Coronapost", "Acute infectie bovenste luchtwegen", 2, 50.0, 1),
    ]


def test_norms_count_strictly_below_the_limit_and_abandoned_calls_in_the_denominator(derived):
    result = {(r.norm_id, r.post): r for r in derived["branchenormen"].itertuples(index=False)}
    expected = {
        # spoedlijn: Hengelo 29 s yes, 30 s no; Enschede abandoned -> 1/2, 0/1, 1/3.
        ("tel_spoedlijn_30s", "Hengelo"): 50.0,
        ("tel_spoedlijn_30s", "Enschede"): 0.0,
        ("tel_spoedlijn_30s", "SHT"): 33.33,
        # reguliere lijn: Enschede 119 s and 120 s, Hengelo abandoned.
        ("tel_patientenlijn_2min", "Hengelo"): 0.0,
        ("tel_patientenlijn_2min", "Enschede"): 50.0,
        ("tel_patientenlijn_2min", "SHT"): 33.33,
        ("tel_patientenlijn_10min", "Hengelo"): 0.0,
        ("tel_patientenlijn_10min", "Enschede"): 100.0,
        ("tel_patientenlijn_10min", "SHT"): 66.67,
        # U1 visit of an Enschede contact in 19 min 59 s; U2 visit of a Hengelo contact in exactly 1 hour.
        ("u1_visite_20min", "Enschede"): 100.0,
        ("u1_visite_20min", "SHT"): 100.0,
        ("u1_visite_30min", "Enschede"): 100.0,
        ("u2_visite_1u", "Hengelo"): 0.0,
        ("u2_visite_1u", "SHT"): 0.0,
        ("u2_visite_2u", "Hengelo"): 100.0,
        ("u2_visite_2u", "SHT"): 100.0,
    }
    for key, value in expected.items():
        assert result[key].resultaat_pct == value, key
        assert result[key].status == "zeker", key
    for key, row in result.items():
        if key not in expected and key != ("u1_visite_30min", "SHT"):
            assert pd.isna(row.resultaat_pct) and row.status == "ontbreekt" and row.toelichting, key
    assert "Geen U1-visites" in result[("u1_visite_20min", "Hengelo")].toelichting
    assert "Niet af te leiden" in result[("fiat_advies_1u", "SHT")].toelichting
    assert len(result) == 11 * 3


def test_the_loader_reads_the_derived_table_and_csv_and_parquet_agree(tmp_path):
    csv_project = make_project(tmp_path / "a")
    parquet_project = make_project(tmp_path / "b")
    to_parquet(parquet_project)
    for naam in FED:
        assert is_available(naam, JAAR, csv_project)
        pd.testing.assert_frame_equal(load_table(naam, JAAR, csv_project), load_table(naam, JAAR, parquet_project))
    derived = registrations.derived_path("verrichtingen", JAAR, csv_project)
    assert derived.is_file() and derived.is_relative_to(csv_project / "_build")
    assert not list((csv_project / "data").rglob("*afgeleid*"))  # nothing written into data/


def test_derive_from_files_runs_the_same_queries_on_explicit_paths_and_on_a_partitioned_archive(tmp_path):
    project = make_project(tmp_path)
    folder = project / "data" / str(JAAR) / "registraties"
    population = load_table("inwoners_gemeente", JAAR, project)
    direct = registrations.derive_from_files(
        JAAR, folder / "contacten.csv", folder / "oproepen.csv", folder / "visites.csv", project, population
    )
    expected = registrations.derive_tables(JAAR, project)
    # The archive: contacts of two years, partitioned by year and post (hive style).
    archive = tmp_path / "archief"
    con = duckdb.connect()
    con.execute(
        f"CREATE TABLE c AS SELECT *, 2021 AS jaar FROM read_csv('{folder / 'contacten.csv'}', all_varchar = true)"
    )
    con.execute("INSERT INTO c SELECT * REPLACE (replace(starttijd, '2021', '2020') AS starttijd, 2020 AS jaar) FROM c")
    con.execute(f"COPY c TO '{archive}' (FORMAT parquet, PARTITION_BY (jaar, post))")
    con.close()
    assert (archive / "jaar=2020" / "post=Hengelo").is_dir()
    from_archive = registrations.derive_from_files(JAAR, contacten=f"{archive}/**/*.parquet", root=project)
    for naam, frame in expected.items():
        pd.testing.assert_frame_equal(direct[naam], frame, check_dtype=True)
        if naam != "branchenormen":
            pd.testing.assert_frame_equal(from_archive[naam], frame, check_dtype=True)


# --- validation -----------------------------------------------------------------------------------

BAD_CONTACTEN = """contact_id,starttijd,post,verrichting,urgentie,leeftijd,geslacht,gemeente,icpc,binnenloper
C01,2020-12-31 23:59:59,Hengelo,Consult huisarts,U3,9,M,Hengelo,A03,ja
C02,2021-02-03 18:10:00,Almelo,Consult huisarts,U4,10,V,Hengelo,A03,nee
C03,2021-03-04 19:00:00,Hengelo,Visite,U9,80,V,Amsterdam,R7,nee
C03,2021-04-05 20:00:00,Enschede,Advies triagist (i.o.),,130,X,Onbekend,,nee
C05,14-03-2021,Enschede,Telefonisch consult,U5,40,M,Enschede,A03,misschien
"""
BAD_OPROEPEN = """oproep_id,binnenkomst,post,lijn,wachttijd_s,beantwoord
O1,2021-01-01 00:00:01,Hengelo,spoedlijn,-5,ja
O2,2021-01-01 00:10:00,Hengelo,spoedlijn,99999,ja
O3,2021-02-01 12:00:00,Coronapost,spoedlijn,,ja
"""
BAD_VISITES = """contact_id,urgentie,aanvraag,aankomst
C03,U2,2021-03-04 19:00:00,2021-03-04 18:00:00
C99,U1,2021-06-07 10:00:00,2021-06-07 10:19:59
"""


def _problems(project: Path) -> list:
    return registrations.check_records(JAAR, project)


def find_problem(problems, bestand: str, regel: int | None, kolom: str | None, fragment: str) -> list:
    """Return the problems of a file, row and column whose message holds fragment; fail when there is none."""
    hits = [
        p
        for p in problems
        if p.bestand.endswith(bestand) and p.regel == regel and p.kolom == kolom and fragment in p.fout
    ]
    listing = "\n".join(p.tekst() for p in problems)
    assert hits, f"no problem {bestand} regel {regel} kolom {kolom} '{fragment}' in:\n{listing}"
    assert all(p.oplossing for p in hits)
    return hits


def reads_of(project: Path, tmp_path: Path, monkeypatch, naam: str) -> Path:
    """Load one table with the loader's read log on; return the log (what a notebook reading it depends on)."""
    reads = tmp_path / f"{naam}.reads"
    monkeypatch.setenv(READS_ENV, str(reads))
    load_table(naam, JAAR, project)
    monkeypatch.delenv(READS_ENV)
    return reads


def test_every_record_problem_is_reported_in_one_run_with_file_line_column_and_value(tmp_path):
    project = make_project(
        tmp_path, {"contacten.csv": BAD_CONTACTEN, "oproepen.csv": BAD_OPROEPEN, "visites.csv": BAD_VISITES}
    )
    problems = _problems(project)
    contacten, oproepen, visites = "contacten.csv", "oproepen.csv", "visites.csv"
    find_problem(problems, contacten, 2, "starttijd", "buiten het verslagjaar 2021")
    find_problem(problems, contacten, 3, "post", "onbekend")
    find_problem(problems, contacten, 4, "urgentie", "onbekend")
    find_problem(problems, contacten, 4, "gemeente", "onbekend")
    find_problem(problems, contacten, 4, "icpc", "geen ICPC-1-code")
    find_problem(problems, contacten, 5, "leeftijd", "groter dan het maximum 120")
    find_problem(problems, contacten, 6, "starttijd", "JJJJ-MM-DD UU:MM:SS")
    find_problem(problems, contacten, 6, "binnenloper", "onbekend")
    find_problem(problems, contacten, 4, "contact_id", "meer dan eens")
    find_problem(problems, contacten, 5, "contact_id", "meer dan eens")
    find_problem(problems, oproepen, 2, "wachttijd_s", "kleiner dan het minimum 0")
    find_problem(problems, oproepen, 3, "wachttijd_s", "groter dan het maximum 7200")
    find_problem(problems, oproepen, 4, "post", "onbekend")
    find_problem(problems, oproepen, 4, "wachttijd_s", "zonder wachttijd")
    find_problem(problems, visites, 2, "aankomst", "vóór de aanvraag")
    values = {(p.regel, p.kolom): p.waarde for p in problems if p.bestand.endswith(contacten)}
    assert values[(3, "post")] == "Almelo" and values[(4, "gemeente")] == "Amsterdam"
    # The visit without its contact is only checked once the files themselves are clean.
    clean = make_project(tmp_path / "schoon", {**default_files(), "visites.csv": BAD_VISITES.replace("18:00", "20:00")})
    find_problem(_problems(clean), visites, 3, "contact_id", "geen contact in contacten")


def test_wrong_columns_and_files_that_are_neither_parquet_nor_utf8_csv(tmp_path):
    wrong = OPROEPEN.replace("lijn,", "opmerking,", 1)
    project = make_project(tmp_path / "a", {**default_files(), "oproepen.csv": wrong})
    problems = _problems(project)
    find_problem(problems, "oproepen.csv", 1, "opmerking", "onbekend")
    find_problem(problems, "oproepen.csv", 1, "lijn", "ontbreekt")
    project = make_project(
        tmp_path / "b",
        {"contacten.parquet": "dit is geen parquet\n", "oproepen.csv": OPROEPEN, "visites.csv": VISITES},
    )
    (project / "data/2021/registraties/oproepen.csv").write_bytes(
        OPROEPEN.encode() + "O7,caf\xe9,x\n".encode("latin-1")
    )
    problems = _problems(project)
    find_problem(problems, "contacten.parquet", None, None, "geen geldig Parquet")
    find_problem(problems, "oproepen.csv", 8, None, "geen UTF-8")
    assert "/tmp" not in "\n".join(p.tekst() for p in problems)  # the message names the file as in data/
    project = make_project(tmp_path / "c", {**default_files(), "notities.txt": "x"})
    find_problem(_problems(project), "notities.txt", None, None, "geen bekend recordbestand")


def test_direct_identifiers_are_refused_by_column_name_and_by_value(tmp_path):
    named = CONTACTEN.replace("binnenloper\n", "binnenloper,BSN,Naam\n", 1).replace(",ja\n", ",ja,,\n")
    named = named.replace(",nee\n", ",nee,,\n")
    project = make_project(tmp_path / "a", {**default_files(), "contacten.csv": named})
    problems = _problems(project)
    find_problem(problems, "contacten.csv", 1, "BSN", "direct identificerend")
    find_problem(problems, "contacten.csv", 1, "Naam", "direct identificerend")
    # 111222333 passes the elfproef (9*1+8*1+7*1+6*2+5*2+4*2+3*3+2*3-3 = 66 = 6 x 11); a postcode; a birth date.
    valued = CONTACTEN.replace("C01,", "111222333,").replace(",Losser,", ",7512 AB,")
    valued = valued.replace("C02,", "1990-05-17,")
    project = make_project(tmp_path / "b", {**default_files(), "contacten.csv": valued})
    problems = _problems(project)
    find_problem(problems, "contacten.csv", None, "contact_id", "burgerservicenummer")
    find_problem(problems, "contacten.csv", None, "contact_id", "volledige datum")
    find_problem(problems, "contacten.csv", None, "gemeente", "zescijferige postcode")
    text = "\n".join(p.tekst() for p in problems)
    assert "111222333" not in text and "7512 AB" not in text  # identifying values are never echoed


def test_a_table_with_both_a_typed_csv_and_registrations_stops_naming_both_files(tmp_path):
    project = make_project(tmp_path, keep_typed=True)
    with pytest.raises(SourceConflictError) as err:
        load_table("verrichtingen", JAAR, project)
    message = str(err.value)
    assert "data/2021/verrichtingen.csv" in message and "data/2021/registraties/contacten.csv" in message
    rapport = valideer([JAAR], project)
    conflicts = [p for p in rapport.problemen if "twee bronnen" in p.fout]
    assert {p.bestand for p in conflicts} == {f"data/2021/{naam}.csv" for naam in FED}


def test_bad_records_make_the_loader_fail_with_the_same_problems(tmp_path):
    project = make_project(tmp_path, {**default_files(), "oproepen.csv": BAD_OPROEPEN})
    with pytest.raises(DataError) as err:
        load_table("branchenormen", JAAR, project)
    assert "wachttijd_s" in str(err.value)


def test_visits_without_a_contacts_file_are_refused(tmp_path):
    project = make_project(tmp_path, {"oproepen.csv": OPROEPEN, "visites.csv": VISITES})
    find_problem(_problems(project), "visites.csv", None, None, "geen contacten")


def test_a_year_without_printed_report_fed_by_registrations_passes_the_checks_between_its_tables(tmp_path):
    # 2022 has no printed report: the consulteenheden per gemeente (rounded each, 2+3+2+1+1 = 9) and their
    # total (rounded once, 8) come from the same records and are not a transcription error.
    project = make_project(tmp_path)
    year = project / "data" / "2022"
    year.mkdir()
    shutil.copy2(project / "data" / "2021" / "inwoners_gemeente.csv", year / "inwoners_gemeente.csv")
    text = (year / "inwoners_gemeente.csv").read_text(encoding="utf-8").replace("2021,", "2022,")
    (year / "inwoners_gemeente.csv").write_text(text, encoding="utf-8")
    (year / "registraties").mkdir()
    for name, content in default_files().items():
        (year / "registraties" / name).write_text(content.replace("2021-", "2022-"), encoding="utf-8")
    frames = registrations.derive_tables(2022, project)
    parts = int(frames["consulteenheden"]["consulteenheden"].sum())
    assert (parts, int(frames["consulteenheden_totaal"]["consulteenheden"].iloc[0])) == (9, 8)
    rapport = valideer([2022], project)
    assert not [p for p in rapport.problemen if "controle" in p.fout], [p.tekst() for p in rapport.problemen]
