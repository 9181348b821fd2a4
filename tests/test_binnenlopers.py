"""The walk-in figures, recomputed from data/ and compared with the printed report."""

from pathlib import Path

import pandas as pd

from jaarverslag.chapters import binnenlopers as bl
from jaarverslag.data import ledger
from jaarverslag.data.load import load_table
from jaarverslag.data.metrics import verandering_pct
from jaarverslag.render import fmt

# Printed in the 2021 jaarverslag (seeds/000_4b7b462fe0c6bb31.txt, section "Aantal binnenlopers"):
# "Toename t.o.v. 2020 13%", "Afname t.o.v. 2020 26%", "Afname t.o.v. 2020 75%", and for SHT
# "1 6 7 1 / 1 6 4 0 ... Toename: 2%". Rounding: whole percent, half away from zero.
PRINTED_CHANGE_2021 = {"Enschede": 13, "Hengelo": -26, "Coronapost": -75}
PRINTED_SHT_CHANGE_2021 = 2
PRINTED_SHT_2021, PRINTED_SHT_2020 = 1_671, 1_640


def test_change_per_post_reproduces_the_printed_percentages():
    b = bl.overview(2021)
    assert b.vorig_jaar_beschikbaar
    computed = {
        row.post: bl.printed_change(row.aantal, row.aantal_vorig_jaar) for row in b.per_post.itertuples(index=False)
    }
    assert computed == PRINTED_CHANGE_2021


def test_changes_match_the_recorded_printed_comparisons():
    printed = load_table("gedrukte_vergelijkingen", 2021)
    rows = printed[printed["tabel"].astype(str) == "binnenlopers"]
    assert len(rows) == len(PRINTED_CHANGE_2021)
    per_post = bl.overview(2021).per_post.set_index("post")
    for row in rows.itertuples(index=False):
        post = row.selectie.removeprefix("post=")
        now, before = per_post.loc[post, "aantal"], per_post.loc[post, "aantal_vorig_jaar"]
        assert fmt.round_half_up(verandering_pct(now, before), int(row.decimalen)) == row.gedrukt, post


def test_sht_total_is_the_sum_of_the_posts_and_the_printed_change_follows_either_way():
    b = bl.overview(2021)
    assert b.totaal == PRINTED_SHT_2021 == bl.printed_total(2021)
    assert b.totaal_vorig_jaar == 1_633  # 1.200 + 429 + 4
    assert bl.printed_total(2020) == PRINTED_SHT_2020
    # The report divides by its printed 1.640; the book by the sum 1.633: both print as 2%.
    assert bl.printed_change(PRINTED_SHT_2021, PRINTED_SHT_2020) == PRINTED_SHT_CHANGE_2021
    assert fmt.round_half_up(b.verandering_pct) == PRINTED_SHT_CHANGE_2021


def test_recorded_2020_discrepancy_matches_the_data_and_becomes_a_footnote():
    record = ledger.recorded(2020)
    row = record[record["controle"] == "som_binnenlopers_sht"].iloc[0]
    assert row["gedrukt"] == bl.printed_total(2020)
    assert row["berekend"] == bl.overview(2020).totaal
    for jaar in (2020, 2021):
        note = bl.discrepancies_sentence(jaar)
        assert "1.640" in note and "1.633" in note and "2020" in note


def test_book_table_has_sht_row_and_drops_missing_previous_year():
    table = bl.book_table(bl.overview(2021))
    assert list(table.columns) == ["Spoedpost", "2020", "2021", "Verandering t.o.v. 2020"]
    assert table.iloc[-1]["2021"] == PRINTED_SHT_2021
    assert bl.table_formatters(bl.overview(2021))["Verandering t.o.v. 2020"](-26.1) == "−26,1%"
    b2020 = bl.overview(2020)
    assert not b2020.vorig_jaar_beschikbaar
    assert list(bl.book_table(b2020).columns) == ["Spoedpost", "2020"]
    assert len(bl.uncertain_rows(b2020)) == len(bl.book_table(b2020))
    assert "2019" in bl.samenvatting_zin(b2020) and "niet beschikbaar" in bl.samenvatting_zin(b2020)


def test_sentences_have_no_missing_value_words():
    text = bl.samenvatting_zin(bl.overview(2021))
    assert "1.671" in text and "−26,1%" in text and "+12,8%" in text and "coronapost van 4 naar 1" in text
    for word in ("nan", "None", "<NA>"):
        assert word not in text


def test_year_without_walk_ins_is_reported_as_missing():
    assert not bl.beschikbaar_voor(2019)
    assert bl.unavailable_sentence(2019).endswith("2020 en 2021.")
    assert pd.isna(bl.printed_total(2019))


def test_page_values_with_and_without_walk_ins(tmp_path, monkeypatch):
    monkeypatch.setenv("JAARVERSLAG_ROOT", str(Path(__file__).resolve().parents[1]))
    monkeypatch.chdir(tmp_path)  # the table's CSV is written beside the notebook
    keys = {
        "jaar",
        "binnenlopers_zin",
        "binnenlopers_afwijkingen",
        "binnenlopers_tabel",
        "afscherm_drempel",
        "afscherm_grens",
        "afscherm_bereik",
    }
    values = bl.page_values(2021)
    assert set(values) == keys and values["binnenlopers_zin"] == bl.samenvatting_zin(bl.overview(2021))
    assert "1.640" in values["binnenlopers_afwijkingen"] and "†" not in values["binnenlopers_zin"]
    assert (tmp_path / "tabellen" / "binnenlopers_icpc_binnenlopers.csv").is_file()
    values = bl.page_values(2019)
    assert set(values) == keys and values["binnenlopers_zin"].endswith("2020 en 2021.")
    assert values["binnenlopers_afwijkingen"] == bl.unavailable_footnote(2019)
    assert "Niet beschikbaar" in values["binnenlopers_tabel"].data
