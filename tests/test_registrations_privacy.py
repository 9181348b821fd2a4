"""Registrations: small cells hidden with complementary suppression, the execution cache keyed on record files,
and real builds: bad records build nothing, and a registrations-fed site shows no record id and no hidden count.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from jaarverslag.build import cache
from jaarverslag.chapters import binnenlopers as bl
from jaarverslag.data.load import load_table
from jaarverslag.data.paths import READS_ENV
from jaarverslag.data.registrations import disclosure
from jaarverslag.render import suppression
from test_registrations import CONTACTEN, OPROEPEN, VISITES, make_project
from test_voorbeeld import voorbeeld  # noqa: F401 - the one registrations-fed build, shared

from conftest import copy_project, run_build

JAAR = 2021


def test_a_small_count_is_hidden_and_so_is_the_smallest_other_part_of_its_sum():
    states = disclosure.suppress(
        {"Hengelo": 317, "Enschede": 1353, "Coronapost": 1}, [["Hengelo", "Enschede", "Coronapost"]]
    )
    assert states == {"Coronapost": disclosure.PRIMARY, "Hengelo": disclosure.SECONDARY}
    # Zero is a real, publishable count; two small cells protect each other; 10 is not small.
    assert disclosure.suppress({"a": 0, "b": 50, "c": 10}, [["a", "b", "c"]]) == {}
    assert disclosure.suppress({"a": 3, "b": 50, "c": 4}, [["a", "b", "c"]]) == {"a": "primair", "c": "primair"}
    assert disclosure.SMALL_CELL_THRESHOLD == 10


def test_complementary_suppression_leaves_no_row_or_column_sum_with_one_hidden_cell():
    # A 3x3 table published with row and column totals; one small cell. Hiding a second cell in its row
    # leaves that cell alone in its column, and so on until every row and column has none or at least two.
    cells = {
        ("a", "x"): 2, ("a", "y"): 40, ("a", "z"): 50,
        ("b", "x"): 30, ("b", "y"): 35, ("b", "z"): 60,
        ("c", "x"): 70, ("c", "y"): 80, ("c", "z"): 90,
    }  # fmt: skip
    rows = [[k for k in cells if k[0] == r] for r in "abc"]
    columns = [[k for k in cells if k[1] == c] for c in "xyz"]
    states = disclosure.suppress(cells, rows + columns)
    assert states[("a", "x")] == disclosure.PRIMARY
    for group in rows + columns:
        assert sum(k in states for k in group) != 1, group
    # The complements are the smallest available: (a, y) 40 in row a, (b, x) 30 in column x, then (b, y) 35.
    assert set(states) == {("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")}


def _walk_in_records() -> str:
    """Contacts with 12 walk-ins at Hengelo, 20 at Enschede and 1 at the corona post."""
    lines = [CONTACTEN.splitlines()[0]]
    counts = {"Hengelo": (30, 12), "Enschede": (30, 20), "Coronapost": (3, 1)}
    n = 0
    for post, (total, walk_ins) in counts.items():
        for i in range(total):
            n += 1
            binnen = "ja" if i < walk_ins else "nee"
            lines.append(f"K{n:04d},2021-03-01 20:00:00,{post},Consult huisarts,U3,40,V,Hengelo,A03,{binnen}")
    return "\n".join(lines) + "\n"


def test_walk_in_page_hides_the_small_count_its_complement_and_every_change_computed_from_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the page writes its CSV download beside the notebook
    project = make_project(tmp_path, {"contacten.csv": _walk_in_records(), "oproepen.csv": OPROEPEN})
    hidden = bl.hidden(JAAR, project)
    assert hidden.dit_jaar == {"Coronapost": "primair", "Hengelo": "secundair"} and hidden.vorig_jaar == {}
    values = bl.page_values(JAAR, project)
    sentence = values["binnenlopers_zin"]
    assert "de coronapost minder dan 10" in sentence and "Hengelo een afgeschermd aantal" in sentence
    assert "Enschede 20" in sentence and "33 patiënten" in sentence  # the total stays: two parts are hidden
    assert "Hengelo −" not in sentence and "coronapost −" not in sentence  # no change of a hidden post
    table = bl.book_table(bl.overview(JAAR, project), hidden).set_index("Spoedpost")
    assert table.loc["Coronapost", "2021"] == "<10" and table.loc["Hengelo", "2021"] == "×"
    assert table.loc["Coronapost", "Verandering t.o.v. 2020"] == "×"
    assert table.loc["Enschede", "2021"] == 20
    html = values["binnenlopers_tabel"].data
    assert "&lt;10" in html and "minder dan 10, afgeschermd" in html
    assert ">1<" not in html.split("Coronapost")[1].split("</tr>")[0]


def test_the_csv_download_writes_the_labels_not_the_counts(tmp_path):
    project = make_project(tmp_path, {"contacten.csv": _walk_in_records(), "oproepen.csv": OPROEPEN})
    from jaarverslag.render import tables

    b = bl.overview(JAAR, project)
    path = tables.write_csv(bl.book_table(b, bl.hidden(JAAR, project)), "binnenlopers", tmp_path)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1] == "Hengelo;429;×;×" and lines[3] == "Coronapost;4;<10;×"
    assert lines[2].startswith("Enschede;1200;20;")


def test_typed_years_keep_their_small_counts():
    # Typed 2021 binnenlopers has the corona post at 1: the typed book shows it as printed.
    assert bl.hidden(JAAR).dit_jaar == {}
    assert disclosure.hidden_cells("binnenlopers", JAAR) == {}


def test_pages_that_cannot_hide_a_small_count_stop_the_build(tmp_path):
    project = make_project(tmp_path, {"contacten.csv": CONTACTEN, "oproepen.csv": OPROEPEN, "visites.csv": VISITES})
    from jaarverslag.data.registrations import source_problems

    problems = source_problems(JAAR, project)
    blocked = {Path(p.bestand).stem for p in problems if "niets gebouwd" in p.fout}
    assert {"verrichtingen", "hulpvragen_leeftijd", "zorgconsumptie", "icpc_top", "branchenormen"} <= blocked
    assert "binnenlopers" not in blocked  # its page hides small counts itself


# --- the execution cache ------------------------------------------------------------------------


def _reads(project: Path, tmp_path: Path, monkeypatch, naam: str) -> Path:
    reads = tmp_path / f"{naam}.reads"
    monkeypatch.setenv(READS_ENV, str(reads))
    load_table(naam, JAAR, project)
    monkeypatch.delenv(READS_ENV)
    return reads


def test_changing_one_record_file_reruns_exactly_the_runs_that_read_what_it_feeds(tmp_path, monkeypatch):
    project = make_project(tmp_path)
    key = cache.Key({"notebook": "x"})
    entries = {}
    for naam in ("verrichtingen", "branchenormen", "huisartsen"):
        entry, output = tmp_path / f"{naam}.json", tmp_path / f"{naam}.ipynb"
        output.write_text("{}", encoding="utf-8")
        cache.write_entry(entry, key, _reads(project, tmp_path, monkeypatch, naam), project)
        entries[naam] = (entry, output)

    def reasons() -> dict[str, str | None]:
        return {n: cache.reason_to_run(e, key, o, project) for n, (e, o) in entries.items()}

    assert reasons() == {"verrichtingen": None, "branchenormen": None, "huisartsen": None}
    calls = project / "data" / "2021" / "registraties" / "oproepen.csv"
    calls.write_text(OPROEPEN.replace(",29,ja", ",31,ja"), encoding="utf-8")
    after = reasons()
    assert after["verrichtingen"] is None and after["huisartsen"] is None
    assert after["branchenormen"] == "data gewijzigd: data/2021/registraties/oproepen.csv"
    # The contacts feed the procedures and (through the visits' posts) the norms.
    contacts = project / "data" / "2021" / "registraties" / "contacten.csv"
    contacts.write_text(CONTACTEN.replace("C08,", "C09,"), encoding="utf-8")
    after = reasons()
    assert "contacten.csv" in after["verrichtingen"] and "contacten.csv" in after["branchenormen"]
    assert after["huisartsen"] is None
    # Turning the same records into Parquet re-runs them too (a file that was absent appears).
    con = duckdb.connect()
    con.execute(f"COPY (SELECT * FROM read_csv('{calls}', all_varchar = true)) TO '{calls.with_suffix('.parquet')}'")
    con.close()
    calls.unlink()
    assert "oproepen.parquet" in reasons()["branchenormen"]


# --- real builds ----------------------------------------------------------------------------------


def test_bad_records_build_nothing_and_leave_the_published_site_untouched(tmp_path):
    project = copy_project(tmp_path / "project")
    site = project / "site"
    (site / "2021").mkdir(parents=True)
    (site / "2021" / "index.html").write_text("gepubliceerd", encoding="utf-8")
    folder = project / "data" / "2021" / "registraties"
    folder.mkdir()
    (folder / "contacten.csv").write_text(CONTACTEN.replace("C02,2021", "C02,2020"), encoding="utf-8")
    (folder / "visites.parquet").write_text("geen parquet", encoding="utf-8")
    result = run_build(project, "--jaar", "2021")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "data/2021/registraties/contacten.csv" in result.stderr and "buiten het verslagjaar 2021" in result.stderr
    assert "geen geldig Parquet" in result.stderr and "twee bronnen" in result.stderr
    assert "Er is niets gebouwd; de gepubliceerde site is ongewijzigd." in result.stderr
    assert (site / "2021" / "index.html").read_text(encoding="utf-8") == "gepubliceerd"
    assert sorted(p.name for p in site.iterdir()) == ["2021"]
    assert not (project / "_build" / "nb").exists()


@pytest.fixture(scope="module")
def fed_site(request) -> Path:
    """The project copy whose 2021 comes from the synthetic registrations, built for real (tests/test_voorbeeld.py)."""
    return request.getfixturevalue("voorbeeld")["project"]


def _record_ids(project: Path) -> set[str]:
    folder = project / "data" / str(JAAR) / "registraties"
    con = duckdb.connect()
    ids = {
        row[0]
        for naam, column in (("contacten", "contact_id"), ("oproepen", "oproep_id"))
        for row in con.execute(f"SELECT {column} FROM '{folder / naam}.parquet'").fetchall()
    }
    con.close()
    return ids


def test_a_registrations_fed_site_holds_no_record_id_and_no_hidden_count(fed_site):
    ids = _record_ids(fed_site)
    assert len(ids) > 100_000
    site = fed_site / "site"
    leaks = {}
    for path in site.rglob("*"):
        if path.is_file():
            found = set(re.findall(r"[A-Za-z0-9_]+", path.read_bytes().decode("latin-1"))) & ids
            if found:
                leaks[str(path.relative_to(site))] = sorted(found)[:3]
    assert not leaks
    assert not [p for p in site.rglob("*") if p.suffix == ".parquet" or "registraties" in p.relative_to(site).parts]
    # The hidden walk-in counts: the corona post's small count and Hengelo's, its complement.
    exact = load_table("binnenlopers", JAAR, fed_site).set_index("post")["aantal"]
    hidden = disclosure.hidden_cells("binnenlopers", JAAR, fed_site)
    assert hidden == {("Coronapost",): "primair", ("Hengelo",): "secundair"}
    assert exact["Coronapost"] == 1  # as the typed table and the printed report have it
    csv = (site / "2021" / "tabellen" / "binnenlopers_icpc_binnenlopers.csv").read_text(encoding="utf-8-sig")
    rows = {line.split(";")[0]: line.split(";")[1:] for line in csv.splitlines()}
    assert rows["Coronapost"][1:] == ["<10", "×"] and rows["Hengelo"][1:] == ["×", "×"]
    page = (site / "2021" / "book" / "verrichtingen.html").read_text(encoding="utf-8")
    section = page[page.index("binnenloper naar de spoedposten") : page.index("tbl-binnenlopers_icpc_binnenlopers")]
    table = page[page.index("tbl-binnenlopers_icpc_binnenlopers") :].split("</table>")[0]
    for text in (section, table):
        assert "−75%" not in text and "−26%" not in text  # the changes that would give 1 and 317 back
        assert not re.search(r"(?<![\d.,])317(?![\d.,])", text)
    assert "coronapost minder dan 10" in section
    notebook = (site / "2021" / "uitgevoerd" / "binnenlopers_icpc.ipynb").read_text(encoding="utf-8")
    assert not re.search(r"(?<![\d.,])317(?![\d.,])", notebook)
    assert suppression.LABELS["primair"] in notebook
