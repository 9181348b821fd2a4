"""The Verrichtingen chapter's numbers, recomputed from data/ and compared with the printed report."""

from pathlib import Path

from jaarverslag.chapters import verrichtingen as vr
from jaarverslag.data.metrics import printed_index

# Printed in the 2021 jaarverslag (seeds/000_4b7b462fe0c6bb31.txt, section Verrichtingen).
PRINTED_TOTAL_2021 = 100_036
PRINTED_PER_POST_2021 = {"Hengelo": 46_040, "Enschede": 53_023, "Coronapost": 973}


def test_total_2021_includes_the_corona_post():
    totals = vr.totalen(2021)
    assert totals.totaal == PRINTED_TOTAL_2021
    assert dict(zip(totals.per_post["post"].astype(str), totals.per_post["aantal"])) == PRINTED_PER_POST_2021


def test_computed_totals_match_printed_post_totals_every_year():
    for jaar in (2019, 2020, 2021):
        printed = vr.printed_totals(jaar).set_index("post")["aantal"]
        computed = vr.totalen(jaar).per_post.set_index("post")["aantal"]
        for post, value in computed.items():
            assert printed[str(post)] == value, (jaar, post)


def test_growth_index_reproduces_the_printed_column():
    table, has_previous = vr.overview(2021)
    assert has_previous
    row = table[(table["post"] == "Hengelo") & (table["verrichting"] == "SEH consult")].iloc[0]
    assert row["index_pct"] == 227  # printed "227%": 623 / 274
    row = table[(table["post"] == "Enschede") & (table["verrichting"] == "Vervolgactie thuiszorg")].iloc[0]
    assert row["index_pct"] == 211  # printed "211%": 116 / 55
    assert printed_index(100_036, 98_087) == 102  # "Toename totaal SHT: 102 %"


def test_year_without_previous_year_says_so():
    totals = vr.totalen(2019)
    assert not totals.vorig_jaar_beschikbaar
    assert "2018" in vr.comparison_sentence(totals) and "niet beschikbaar" in vr.comparison_sentence(totals)


def test_recorded_discrepancy_becomes_a_footnote():
    note = vr.discrepancies_sentence(2021)
    assert "98.087" in note and "97.770" in note
    assert vr.discrepancies_sentence(2019) == vr.NO_DISCREPANCY_TEXT


PAGE_KEYS = {"jaar", "totaal", "vergelijking", "per_post_zin", "afwijkingen", "tabel", "figuur"}


def test_page_values_with_and_without_the_procedures(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.setenv("JAARVERSLAG_ROOT", str(Path(__file__).resolve().parents[1]))
    monkeypatch.chdir(tmp_path)  # the table's CSV and the figure's PNG are written beside the notebook
    values = vr.page_values(2021)
    assert set(values) == PAGE_KEYS
    assert values["totaal"] == "100.036" and values["per_post_zin"].startswith("Per post: Hengelo 46.040")
    assert (tmp_path / "figuren" / "verrichtingen_per_post.png").is_file()
    assert "verrichtingen_per_post.csv" in values["tabel"].data
    monkeypatch.setattr(vr, "beschikbaar_voor", lambda jaar, root=None: False)
    values = vr.page_values(2021)
    assert set(values) == PAGE_KEYS and values["totaal"] == "niet beschikbaar" and values["vergelijking"] == ""
    assert values["per_post_zin"] == vr.unavailable_sentence(2021)
    assert "Niet beschikbaar" in values["tabel"].data and "Niet beschikbaar" in values["figuur"].data
