"""Sentences of a new year that must say what its tables show (made-up years 2022 and 2023, copies of 2021)."""

from __future__ import annotations

import csv
import io

import pytest

from jaarverslag.chapters import branchenormen as bn
from jaarverslag.chapters import kerncijfers as kc
from jaarverslag.chapters import zorgconsumptie as zc
from jaarverslag.data.new_year import make_year
from jaarverslag.data.paths import ROOT_ENV
from jaarverslag.render import fmt
from test_missing_tables import made_up_year


@pytest.fixture
def root(project, monkeypatch, tmp_path):
    monkeypatch.setenv(ROOT_ENV, str(project))
    monkeypatch.chdir(tmp_path)  # tables and figures are written beside the notebook
    return project


def _add_consults(path, gemeente: str, n: int) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    for row in rows[1:]:
        if row[rows[0].index("gemeente")] == gemeente and row[rows[0].index("soort")] == "Consult":
            row[rows[0].index("aantal")] = str(int(row[rows[0].index("aantal")]) + n)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_zorgconsumptie_counts_higher_and_lower_as_the_table_prints_them(root):
    # 2022 repeats 2021 except Borne (22 thousand inhabitants): 132 consults more, 6 consulteenheden per 1,000.
    folder = made_up_year(root, 2022)
    _add_consults(folder / "zorgconsumptie.csv", "Borne", 132)
    frame = zc.per_1000(2022, root)
    verschil = zc.tabel_per_jaar(frame, 2022, root).set_index("Gemeente")["Verschil met 2021"]
    assert verschil["Borne"] == 6 and (verschil.drop("Borne") == 0).all()
    zin = zc.samenvatting_zin(frame, 2022, root)
    assert "Vergeleken met 2021 lag het gebruik in 1 van de 8 gemeenten hoger en in 7 gelijk." in zin


def test_branchenormen_name_the_missing_year_not_the_year_before(root):
    made_up_year(root, 2022)
    make_year(2023, root)  # 2023 started from the templates: its results are not yet filled in
    block = bn.page_values(2023, root)["tabel_vorig_jaar"].data
    assert "voor 2023 zijn geen gegevens" in block and "2022" not in block
    # With last year's table missing too, last year is the one named (as on the published 2019 page).
    (root / "data" / "2022" / "branchenormen.csv").unlink()
    assert "voor 2022 zijn geen gegevens" in bn.page_values(2023, root)["tabel_vorig_jaar"].data


def test_kerncijfers_keep_last_years_value_beside_a_missing_one(root):
    make_year(2022, root)  # every table of 2022 holds its header only
    last_year = {c.onderwerp.split(" (")[0]: c for c in kc.kerncijfers(2021, root)}
    this_year = {c.onderwerp.split(" (")[0]: c for c in kc.kerncijfers(2022, root)}
    assert set(this_year) == set(last_year)
    for subject, cijfer in this_year.items():
        assert cijfer.waarde == fmt.MISSING_TEXT, subject
        assert cijfer.vorig == last_year[subject].waarde, subject
        assert cijfer.verandering == kc.EMPTY, subject
    html = kc.html(list(this_year.values()), 2022).data
    assert f'data-label="2021">{last_year["Verrichtingen SHT"].waarde}</td>' in html
