"""Registrations: a contacts file with a 4-digit postcode instead of the gemeente, mapped through a reference table.

The mapping below is a test-only fixture written into a tmp project copy: made-up postcodes 9101-9108 for
the eight gemeenten of the werkgebied and 9901 for a made-up gemeente outside it. It is not a real
postcode-to-gemeente table (the project ships none; data/referentie/postcode4_gemeente.csv is supplied by
the analyst).
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from jaarverslag.build import cache
from jaarverslag.data import registrations
from jaarverslag.data.codebook import categories
from jaarverslag.data.load import DataError, load_table
from jaarverslag.data.registrations.derive import input_key
from jaarverslag.data.report import valideer
from jaarverslag.render.codebook_page import pagina
from test_registrations import (
    CONTACTEN,
    JAAR,
    ROOT,
    default_files,
    find_problem,
    make_project,
    reads_of,
    to_parquet,
)

from conftest import copy_project, run_build

MAPPING_PATH = Path("data") / "referentie" / "postcode4_gemeente.csv"
WERKGEBIED = categories(ROOT)["gemeente"]
POSTCODE = {gemeente: str(9101 + i) for i, gemeente in enumerate(WERKGEBIED)}
OUTSIDE = "Buitenstad (test)"  # a made-up gemeente outside the werkgebied
OUTSIDE_POSTCODE = "9901"
ROWS = [*((p, g) for g, p in POSTCODE.items()), (OUTSIDE_POSTCODE, OUTSIDE)]
MAPPING = "postcode4,gemeente\n" + "".join(f"{p},{g}\n" for p, g in ROWS)
# One more contact whose gemeente is Onbekend because it lies outside the werkgebied (C04 has none recorded).
EXTRA = "C09,2021-08-01 12:00:00,Enschede,Consult huisarts,U3,50,V,Onbekend,R74,nee\n"
WITH_GEMEENTE = CONTACTEN + EXTRA


def with_postcode4(text: str = WITH_GEMEENTE) -> str:
    """Return the contacts with postcode4 instead of gemeente: Onbekend as empty, except C09 (outside)."""
    lines = text.splitlines()
    header = lines[0].split(",")
    at = header.index("gemeente")
    header[at] = "postcode4"
    out = [",".join(header)]
    for line in lines[1:]:
        cells = line.split(",")
        gemeente = cells[at]
        cells[at] = OUTSIDE_POSTCODE if cells[0] == "C09" else POSTCODE.get(gemeente, "")
        out.append(",".join(cells))
    return "\n".join(out) + "\n"


def project_with(tmp_path: Path, contacten: str, mapping: str | None = MAPPING) -> Path:
    project = make_project(tmp_path, {**default_files(), "contacten.csv": contacten})
    if mapping is not None:
        (project / MAPPING_PATH).write_text(mapping, encoding="utf-8")
    return project


def test_the_shipped_project_has_no_mapping_only_its_codebook_entry():
    assert not (ROOT / MAPPING_PATH).exists()  # no made-up postcodes in data/
    page = pagina(ROOT)
    assert "postcode4_gemeente.csv" in page and "Precies één van de kolommen:** gemeente of postcode4" in page


# --- the same tables ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_postcode4_with_the_mapping_derives_the_same_tables_as_the_gemeente(tmp_path, fmt):
    by_gemeente = project_with(tmp_path / "gemeente", WITH_GEMEENTE, mapping=None)
    by_postcode = project_with(tmp_path / "postcode", with_postcode4())
    if fmt == "parquet":  # postcode4 as a real INTEGER column, as an export may type it
        to_parquet(by_postcode)
        folder = by_postcode / "data" / str(JAAR) / "registraties"
        con = duckdb.connect()
        path = folder / "contacten.parquet"
        typed = f"SELECT * REPLACE (CAST(postcode4 AS INTEGER) AS postcode4) FROM '{path}'"
        con.execute(f"COPY ({typed}) TO '{path}.x' (FORMAT parquet)")
        con.close()
        Path(f"{path}.x").replace(path)
    expected = registrations.derive_tables(JAAR, by_gemeente)
    derived = registrations.derive_tables(JAAR, by_postcode)
    assert sorted(derived) == sorted(expected)
    for naam, frame in expected.items():
        pd.testing.assert_frame_equal(derived[naam], frame, check_dtype=True, obj=naam)
    for naam in registrations.SECTION_TABLES:
        pd.testing.assert_frame_equal(
            registrations.section_table(naam, JAAR, by_postcode), registrations.section_table(naam, JAAR, by_gemeente)
        )
    # Empty postcode4 (C04) and a postcode outside the werkgebied (C09) are both Onbekend.
    per_gemeente = derived["zorgconsumptie_totaal"].set_index(["gemeente", "soort"])["aantal"]
    assert per_gemeente[("Onbekend", "Alle soorten")] == 2
    # The derived tables hold gemeenten only: no postcode4 column and no postcode anywhere.
    written = sorted((by_postcode / "_build" / "registraties" / str(JAAR)).glob("*.csv"))
    assert written
    postcodes = set(POSTCODE.values()) | {OUTSIDE_POSTCODE}
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert "postcode" not in text and not postcodes & set(re.findall(r"\d+", text)), path.name


def test_derive_from_files_maps_postcode4_too(tmp_path):
    project = project_with(tmp_path, with_postcode4())
    folder = project / "data" / str(JAAR) / "registraties"
    population = load_table("inwoners_gemeente", JAAR, project)
    direct = registrations.derive_from_files(JAAR, folder / "contacten.csv", root=project, population=population)
    expected = registrations.derive_tables(JAAR, project)
    for naam, frame in direct.items():
        pd.testing.assert_frame_equal(frame, expected[naam], obj=naam)
    (project / MAPPING_PATH).unlink()
    with pytest.raises(DataError, match="postcode4_gemeente.csv: dit bestand ontbreekt"):
        registrations.derive_from_files(JAAR, folder / "contacten.csv", root=project, population=population)


# --- validation -----------------------------------------------------------------------------------


def test_both_or_neither_of_gemeente_and_postcode4_is_refused_naming_the_file_and_both_columns(tmp_path):
    both = WITH_GEMEENTE.replace("binnenloper\n", "binnenloper,postcode4\n", 1)
    both = re.sub(r"(,(?:ja|nee))\n", r"\1,9101\n", both)
    problems = registrations.check_records(JAAR, project_with(tmp_path / "a", both))
    [hit] = find_problem(problems, "data/2021/registraties/contacten.csv", 1, "gemeente / postcode4", "zowel de kolom")
    assert "gemeente" in hit.fout and "postcode4" in hit.fout
    neither = with_postcode4().replace("postcode4", "woonplaats", 1)
    problems = registrations.check_records(JAAR, project_with(tmp_path / "b", neither))
    [hit] = find_problem(problems, "contacten.csv", 1, "gemeente / postcode4", "ontbreekt")
    assert "'gemeente' of 'postcode4'" in hit.fout
    find_problem(problems, "contacten.csv", 1, "woonplaats", "onbekend")


def test_a_postcode4_that_is_not_four_digits_is_refused_per_row(tmp_path):
    text = with_postcode4()
    for contact, value in (("C01", "751"), ("C03", "07511"), ("C05", "75A1"), ("C06", "0999")):
        text = re.sub(rf"^({contact},(?:[^,]*,){{6}})[^,]*", rf"\g<1>{value}", text, flags=re.M)
    problems = registrations.check_records(JAAR, project_with(tmp_path, text))
    for regel, value in ((2, "751"), (4, "07511"), (6, "75A1"), (7, "0999")):
        [hit] = find_problem(problems, "contacten.csv", regel, "postcode4", "geen viercijferige postcode")
        assert hit.waarde == value
    assert len([p for p in problems if p.kolom == "postcode4"]) == 4  # the malformed ones are not also "unknown"


def test_without_the_mapping_file_the_check_says_which_file_is_missing_and_where_to_get_it(tmp_path):
    problems = registrations.check_records(JAAR, project_with(tmp_path, with_postcode4(), mapping=None))
    [hit] = find_problem(problems, "data/referentie/postcode4_gemeente.csv", None, None, "dit bestand ontbreekt")
    assert "CBS" in hit.oplossing and "postcode4,gemeente" not in hit.oplossing  # the columns, listed with ", "
    assert "postcode4, gemeente" in hit.oplossing and "codeboek" in hit.oplossing
    with pytest.raises(DataError, match="postcode4_gemeente.csv"):
        load_table("zorgconsumptie", JAAR, project_with(tmp_path / "b", with_postcode4(), mapping=None))


def test_the_build_stops_before_anything_runs_when_the_mapping_is_missing(tmp_path):
    project = copy_project(tmp_path / "project")
    folder = project / "data" / str(JAAR) / "registraties"
    folder.mkdir()
    (folder / "contacten.csv").write_text(with_postcode4(), encoding="utf-8")
    result = run_build(project, "--jaar", str(JAAR))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "data/referentie/postcode4_gemeente.csv" in result.stderr and "dit bestand ontbreekt" in result.stderr
    assert "Er is niets gebouwd" in result.stderr and not (project / "_build" / "nb").exists()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_postcode_missing_from_the_mapping_is_an_error_on_the_files_own_row(tmp_path, fmt):
    # Many rows, unknown postcodes in the middle and on the last row, not in postcode order: the row
    # number must be the file's own, whatever order the join gives.
    lines = [with_postcode4().splitlines()[0]]
    n = 3000
    for i in range(n):
        postcode = list(POSTCODE.values())[i % len(POSTCODE)]
        postcode = {1500: "9777", n - 1: "9555"}.get(i, postcode)
        lines.append(f"K{i:05d},2021-05-01 12:00:00,Hengelo,Consult huisarts,U3,40,V,{postcode},A03,nee")
    project = project_with(tmp_path, "\n".join(lines) + "\n")
    (project / "data" / str(JAAR) / "registraties" / "visites.csv").unlink()  # the visits' contacts are not here
    first = 2 if fmt == "csv" else 1  # CSV: line 1 is the header; Parquet: the first row is 1
    if fmt == "parquet":
        to_parquet(project)
    problems = registrations.check_records(JAAR, project)
    name = f"contacten.{fmt}"
    [late] = find_problem(problems, name, first + n - 1, "postcode4", "niet in de koppeltabel")
    [middle] = find_problem(problems, name, first + 1500, "postcode4", "niet in de koppeltabel")
    assert (late.waarde, middle.waarde) == ("9555", "9777")
    assert "onvolledig" in late.oplossing
    assert len(problems) == 2
    # Only the offending postcode appears in a message, never another one of the file.
    text = "\n".join(p.tekst() for p in problems)
    assert not set(POSTCODE.values()) & set(re.findall(r"\d{4}", text))


def test_the_mapping_itself_is_checked_by_its_codebook_entry_and_for_the_werkgebied(tmp_path):
    mapping = MAPPING.replace("9102,", "9101,", 1)  # row 3: Dinkelland takes Borne's postcode (duplicate)
    mapping = mapping.replace(f"{POSTCODE['Hengelo']},Hengelo", f"{POSTCODE['Hengelo']},hengelo")  # near miss
    mapping += "999,Buitendorp (test)\n12345,Buitendorp (test)\n9902,\n"
    project = project_with(tmp_path, with_postcode4(), mapping)
    problems = registrations.check_records(JAAR, project)
    table = "data/referentie/postcode4_gemeente.csv"
    find_problem(problems, table, 11, "postcode4", "kleiner dan het minimum 1000")
    find_problem(problems, table, 12, "postcode4", "groter dan het maximum 9999")
    find_problem(problems, table, 13, "gemeente", "leeg maar verplicht")
    find_problem(problems, table, 2, None, "meer dan eens")
    find_problem(problems, table, 3, None, "meer dan eens")
    # Read first by the codebook rules; the werkgebied rules follow once the table is readable.
    clean = MAPPING.replace(f"{POSTCODE['Hengelo']},Hengelo", f"{POSTCODE['Hengelo']},Hengelo ")  # trailing space ok
    hof_postcode = POSTCODE["Hof van Twente"]
    clean = clean.replace(f"{hof_postcode},Hof van Twente", f"{hof_postcode},Hof Van Twente")
    clean = clean.replace(f"{POSTCODE['Losser']},Losser", f"{POSTCODE['Losser']},Losser-Noord (test)")
    project = project_with(tmp_path / "b", with_postcode4(), clean)
    problems = registrations.check_records(JAAR, project)
    [near] = find_problem(
        problems, table, 2 + WERKGEBIED.index("Hof van Twente"), "gemeente", "bijna gelijk aan Hof van"
    )
    assert near.waarde == "Hof Van Twente"
    [losser] = find_problem(problems, table, None, "gemeente", "geen enkele postcode hoort bij Losser")
    [hof] = find_problem(problems, table, None, "gemeente", "geen enkele postcode hoort bij Hof van Twente")
    assert len(problems) == 3
    # make validate lists each problem of the table once (it checks the reference tables and the records).
    rapport = valideer([JAAR], project)
    listed = [p for p in rapport.problemen if p.bestand == table]
    assert len(listed) == 3 and set(listed) == {near, losser, hof}


def test_duplicate_problems_of_the_mapping_appear_once_in_make_validate(tmp_path):
    mapping = MAPPING + "999,Buitendorp (test)\n"
    project = project_with(tmp_path, with_postcode4(), mapping)
    rapport = valideer([JAAR], project)
    hits = [p for p in rapport.problemen if p.bestand.endswith("postcode4_gemeente.csv")]
    assert len(hits) == 1 and "minimum 1000" in hits[0].fout


# --- privacy --------------------------------------------------------------------------------------


def test_a_4_digit_postcode_column_is_accepted_but_6_character_values_in_it_are_refused(tmp_path):
    problems = registrations.check_records(JAAR, project_with(tmp_path / "a", with_postcode4()))
    assert problems == []  # the column name postcode4 and its 4-digit values are no direct identifier
    full = (
        with_postcode4()
        .replace(f",{POSTCODE['Hengelo']},", ",7511 AB,", 1)
        .replace(f",{POSTCODE['Enschede']},", ",7512AB,", 1)
    )
    problems = registrations.check_records(JAAR, project_with(tmp_path / "b", full))
    [hit] = find_problem(problems, "contacten.csv", None, "postcode4", "zescijferige postcode")
    assert hit.fout.startswith("2 waarde(n)") and "identificerend" in hit.fout
    text = "\n".join(p.tekst() for p in problems)
    assert "7511 AB" not in text and "7512AB" not in text
    # A column named postcode (the full one) stays refused by its name.
    named = with_postcode4().replace("postcode4", "postcode", 1)
    problems = registrations.check_records(JAAR, project_with(tmp_path / "c", named))
    find_problem(problems, "contacten.csv", 1, "postcode", "direct identificerend")


# --- the caches -----------------------------------------------------------------------------------


def test_changing_the_mapping_rederives_and_reruns_the_runs_fed_by_contacts(tmp_path, monkeypatch):
    project = project_with(tmp_path, with_postcode4())
    before = input_key(JAAR, project)
    key = cache.Key({"notebook": "x"})
    entries = {}
    for naam in ("zorgconsumptie", "verrichtingen", "huisartsen"):
        entry, output = tmp_path / f"{naam}.json", tmp_path / f"{naam}.ipynb"
        output.write_text("{}", encoding="utf-8")
        cache.write_entry(entry, key, reads_of(project, tmp_path, monkeypatch, naam), project)
        entries[naam] = (entry, output)
    assert (
        load_table("zorgconsumptie_totaal", JAAR, project)
        .set_index(["gemeente", "soort"])
        .loc[("Hengelo", "Alle soorten"), "aantal"]
        == 2
    )
    # Hengelo's made-up postcode now lies outside the werkgebied: keys change, the tables are derived again.
    mapping = MAPPING.replace(f"{POSTCODE['Hengelo']},Hengelo", f"{POSTCODE['Hengelo']},{OUTSIDE}")
    mapping += "9903,Hengelo\n"  # Hengelo keeps a postcode, so the table stays complete
    (project / MAPPING_PATH).write_text(mapping, encoding="utf-8")
    assert input_key(JAAR, project) != before
    reasons = {n: cache.reason_to_run(e, key, o, project) for n, (e, o) in entries.items()}
    assert reasons["zorgconsumptie"] == reasons["verrichtingen"] == f"data gewijzigd: {MAPPING_PATH.as_posix()}"
    assert reasons["huisartsen"] is None
    totals = load_table("zorgconsumptie_totaal", JAAR, project).set_index(["gemeente", "soort"])["aantal"]
    assert ("Hengelo", "Alle soorten") not in totals.index and totals[("Onbekend", "Alle soorten")] == 4


def test_the_mapping_is_watched_only_when_the_contacts_carry_postcode4(tmp_path, monkeypatch):
    project = project_with(tmp_path, WITH_GEMEENTE)
    reads = reads_of(project, tmp_path, monkeypatch, "zorgconsumptie").read_text(encoding="utf-8")
    assert "contacten.csv" in reads and "postcode4_gemeente" not in reads
    assert project / MAPPING_PATH not in registrations.watched_paths("zorgconsumptie", JAAR, project)
    project = project_with(tmp_path / "b", with_postcode4())
    assert project / MAPPING_PATH in registrations.watched_paths("zorgconsumptie", JAAR, project)
    assert registrations.watched_paths("huisartsen", JAAR, project) == []
