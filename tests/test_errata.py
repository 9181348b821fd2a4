"""Wijzigingen na publicatie: a figure corrected between two builds is recorded, dated, and kept.

The unit tests check the comparison rules on hand-made figures; the build test starts from the session build's
first publication (its site and notebook runs) and builds a copy of the project (JAAR=2021) three times: a
corrected count, no change, and a year whose publication was removed (so it is published for the first time again).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from jaarverslag.build import errata

from conftest import copy_project, run_build

DATE = "2026-12-06"


def _figures(teksten: dict[str, str] | None = None, rijen: list[list[str]] | None = None) -> dict:
    table = {"bijschrift": "Verrichtingen per post", "kop": ["Post", "Soort", "2021"], "rijen": rijen or []}
    return {"verrichtingen": {"titel": "Verrichtingen", "teksten": teksten or {}, "tabellen": {"t": table}}}


def test_a_changed_number_in_a_sentence_is_recorded_with_old_and_new_value():
    old = _figures({"nb::zin": "In 2021 telden de posten samen 100.036 verrichtingen (+2,3%)."})
    new = _figures({"nb::zin": "In 2021 telden de posten samen 100.037 verrichtingen (+2,3%)."})
    [record] = errata.compare(old, new, DATE)
    assert (record["oud"], record["nieuw"], record["pagina"], record["datum"]) == (
        "100.036",
        "100.037",
        "verrichtingen",
        DATE,
    )
    assert "100.037 verrichtingen" in record["cijfer"]


def test_rounding_rewording_and_new_figures_are_not_corrections():
    old = _figures({"a": "Verzuim 64,46%.", "b": "Een zin met 3 getallen: 1, 2.", "c": "geen"})
    new = _figures({"a": "Verzuim 64,5%.", "b": "Anders gezegd: 1 en 2.", "c": "nu 4", "d": "nieuw 5"})
    assert errata.compare(old, new, DATE) == []
    assert errata.compare(_figures({"a": "−0,3999999999999915"}), _figures({"a": "−0,4"}), DATE) == []
    assert len(errata.compare(_figures({"a": "−0,39"}), _figures({"a": "−0,4"}), DATE)) == 0  # equal at 1 decimal
    assert len(errata.compare(_figures({"a": "−0,39"}), _figures({"a": "−0,38"}), DATE)) == 1
    assert errata.compare(_figures({"a": "in 2019-2021"}), _figures({"a": "in 2019-2021"}), DATE) == []


def test_table_cells_are_matched_by_row_and_column_not_position():
    hengelo = [["Hengelo", "Consult", "13951"], ["Hengelo", "Visite", "1200"]]
    old = _figures(rijen=[*hengelo, ["Enschede", "Consult", "15513"]])
    new = _figures(
        rijen=[["Enschede", "Consult", "15513"], ["Hengelo", "Visite", "1200"], ["Hengelo", "Consult", "13952"]]
    )
    [record] = errata.compare(old, new, DATE)
    assert record["cijfer"] == "Verrichtingen per post: Hengelo · Consult, kolom 2021"
    assert (record["oud"], record["nieuw"]) == ("13.951", "13.952")


def test_no_record_without_a_final_earlier_publication(tmp_path):
    stage = tmp_path / "stage"
    (stage / "book").mkdir(parents=True)
    (stage / "book" / "index.md").write_text("# Start\n", encoding="utf-8")
    published = tmp_path / "site" / "2021"
    assert errata.record(stage, 2021, published, DATE, False, "extra") == []  # first publication
    published.mkdir(parents=True)
    (published / errata.FIGURES_FILE).write_text(json.dumps({"concept": True, "paginas": {}}), encoding="utf-8")
    assert errata.record(stage, 2021, published, DATE, False, "extra") == []
    assert "geen enkel cijfer veranderd" in (stage / "book" / "errata.md").read_text(encoding="utf-8")
    assert json.loads((stage / "extra" / errata.ERRATA_FILE).read_text(encoding="utf-8"))["wijzigingen"] == []


# --- real builds ---------------------------------------------------------------------------------------------------


def _move_one_procedure(project: Path) -> tuple[str, str]:
    """Correct one count: one Hengelo procedure was an ambulance handover, not a triage advice (totals unchanged)."""
    path = project / "data" / "2021" / "verrichtingen.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    moved = {}
    for row in rows[1:]:
        if row[header.index("post")] == "Hengelo" and row[header.index("verrichting")] in (
            "Advies triagist (i.o.)",
            "Overdracht ambulance",
        ):
            before = int(row[header.index("aantal")])
            after = before - 1 if row[header.index("verrichting")].startswith("Advies") else before + 1
            row[header.index("aantal")] = str(after)
            moved[row[header.index("verrichting")]] = (before, after)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return moved["Overdracht ambulance"]


def _record(project: Path) -> list[dict]:
    return json.loads((project / "site" / "2021" / errata.ERRATA_FILE).read_text(encoding="utf-8"))["wijzigingen"]


def _page(project: Path, name: str) -> str:
    return (project / "site" / "2021" / "book" / f"{name}.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def published_project(tmp_path_factory, built_project) -> Path:
    """A copy as the session build left it: its notebook runs and its site, every year's first publication."""
    project = copy_project(tmp_path_factory.mktemp("errata") / "project", cache_from=built_project)
    shutil.copytree(built_project / "site", project / "site")
    return project


def test_a_corrected_count_is_recorded_kept_and_forgotten_only_with_its_publication(published_project, monkeypatch):
    project = published_project  # the first build: the session build, which published 2021 into an empty site
    assert _record(project) == []  # a first publication has no errata
    assert "Gewijzigd na publicatie" not in _page(project, "verrichtingen")
    assert "geen enkel cijfer veranderd" in _page(project, "errata")

    before, after = _move_one_procedure(project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796515200")  # the correction is published on 2026-12-06
    second = run_build(project, "--jaar", "2021")
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert second.returncode == 0, second.stdout + second.stderr
    record = _record(project)
    cell = [r for r in record if r["cijfer"].endswith("Hengelo · Overdracht ambulance, kolom 2021")]
    assert [(r["oud"], r["nieuw"], r["pagina"], r["datum"]) for r in cell] == [
        (str(before), str(after), "verrichtingen", "2026-12-06")
    ]
    # Only the verrichtingen page shows these figures; the other pages are untouched.
    assert {r["pagina"] for r in record} == {"verrichtingen"}, record
    page = _page(project, "verrichtingen")
    assert "Gewijzigd na publicatie:" in page and "6 december 2026" in page and 'href="errata.html"' in page
    assert "Gewijzigd na publicatie:" not in _page(project, "kwaliteit")
    errata_page = _page(project, "errata")
    assert "Overdracht ambulance" in errata_page and "6 december 2026" in errata_page
    assert f">{before}</td>" in errata_page and f">{after}</td>" in errata_page

    third = run_build(project, "--jaar", "2021")  # nothing changed: the record stays as it was
    assert third.returncode == 0, third.stdout + third.stderr
    assert _record(project) == record
    assert "Gewijzigd na publicatie:" in _page(project, "verrichtingen")

    shutil.rmtree(project / "site" / "2021")  # its publication withdrawn: the next one is a first publication
    fourth = run_build(project, "--jaar", "2021")
    assert fourth.returncode == 0, fourth.stdout + fourth.stderr
    assert _record(project) == []
    assert "Gewijzigd na publicatie:" not in _page(project, "verrichtingen")
