"""The Patiëntenpopulatie chapter's numbers, recomputed from data/ and compared with the printed report."""

import pandas as pd
import pytest

from jaarverslag.chapters import populatie as po
from jaarverslag.data.load import load_table
from jaarverslag.data.status import UNCERTAIN
from jaarverslag.render import populatie_text as pt
from jaarverslag.render.fmt import round_half_up
from jaarverslag.render.populatie_chart import grafiek

from conftest import ROOT

# Printed in the 2021 jaarverslag (seeds/000_4b7b462fe0c6bb31.txt), section Patiëntenpopulatie, table
# "Leeftijdscategorieën hulpvragen", column "groei / afname t.o.v. 2020": 2021 as a whole percentage of 2020,
# rounded half up.
PRINTED_INDEX_2021 = {"0-10": 120, "10-20": 104, "20-40": 102, "40-60": 97, "60-80": 96, "80+": 93}
# Same table, columns "Totaal 2021" and "Totaal 2020"; the sums equal the printed SHT totals of verrichtingen.
PRINTED_TOTAL_2021 = 100_036
PRINTED_TOTAL_2020 = 98_087
# Same section: "401.830" and "400.695" inhabitants (2021 and 2020, see the codebook entry inwoners).
PRINTED_INWONERS = {2021: 401_830, 2020: 400_695}


def test_growth_index_reproduces_the_printed_column():
    h = po.hulpvragen(2021)
    assert h.vorig_jaar_beschikbaar
    assert dict(zip(h.frame["leeftijdsgroep"], h.frame["index_pct"].astype(int))) == PRINTED_INDEX_2021


def test_growth_index_matches_the_recorded_printed_comparisons():
    printed = load_table("gedrukte_vergelijkingen", 2021)
    printed = printed[printed["tabel"] == "hulpvragen_leeftijd_totaal"]
    computed = po.hulpvragen(2021).frame.set_index("leeftijdsgroep")["index_pct"]
    for row in printed.itertuples(index=False):
        groep = row.selectie.split("=", 1)[1]
        assert computed[groep] == row.gedrukt, groep


def test_totals_and_types_add_up_to_the_printed_totals():
    h = po.hulpvragen(2021)
    assert h.totaal == PRINTED_TOTAL_2021 and h.totaal_vorig_jaar == PRINTED_TOTAL_2020
    assert h.soorten == ["Advies/telefonisch consult", "Consult", "Visite"]
    assert (h.frame[h.soorten].sum(axis=1) == h.frame["aantal"]).all()  # advies + consult + visite = "Totaal 2021"
    assert "100.036" in pt.total_sentence(h) and "+2,0%" in pt.total_sentence(h)  # 100.036 / 98.087 - 1 = 1,99%
    paragraph = pt.hulpvragen_zin(h)
    # 19.122 / 15.993 - 1 = +19,6% (printed index 120%); 11.025 / 11.819 - 1 = -6,7% (printed 93%)
    assert "0-10 jaar" in paragraph and "+19,6%" in paragraph and "−6,7%" in paragraph and "zeker" in paragraph


def test_rate_per_1000_uses_cbs_bands_of_the_same_year():
    cbs = load_table("cbs_bevolking_leeftijd")
    jan_2021 = cbs[cbs["peildatum"] == "2021-01-01"]
    bevolking_0_10 = jan_2021[jan_2021["leeftijdsgroep"].isin(["0-4", "5-9"])]["inwoners"].sum()
    oud = jan_2021[jan_2021["leeftijdsgroep"].isin(["80-84", "85-89", "90-94", "95+"])]["inwoners"].sum()
    frame = po.hulpvragen(2021).frame.set_index("leeftijdsgroep")
    assert frame.loc["0-10", "bevolking"] == bevolking_0_10
    assert frame.loc["80+", "bevolking"] == oud
    # Shown in whole numbers, half up: 19.122 / 37.270 x 1.000 = 513,07 -> 513.
    assert round_half_up(frame.loc["0-10", "per_1000"]) == round_half_up(19_122 / bevolking_0_10 * 1000) == 513
    # Last year's rate uses the population on 1 January 2020.
    jan_2020 = cbs[cbs["peildatum"] == "2020-01-01"]
    assert (
        frame.loc["0-10", "bevolking_vorig_jaar"]
        == jan_2020[jan_2020["leeftijdsgroep"].isin(["0-4", "5-9"])]["inwoners"].sum()
    )
    assert frame["bevolking"].sum() == jan_2021["inwoners"].sum()  # every band lands in exactly one group


def test_inhabitants_and_the_cbs_count_are_both_named():
    for jaar, printed in PRINTED_INWONERS.items():
        inw = po.inwoners(jaar)
        assert inw.aantal == printed
        assert inw.cbs > inw.aantal  # CBS counts all of Hof van Twente, SHT serves part of it
    zin = pt.bevolking_zin(po.hulpvragen(2021), po.inwoners(2021))
    assert "1 januari 2021" in zin and "401.830" in zin and "404.885" in zin


def test_denominators_compare_the_report_with_cbs():
    frame = po.denominators(2021)
    row = frame.set_index("gemeente").loc["Hof van Twente"]
    assert row["inwoners_x1000"] == 28 and round(row["cbs_x1000"], 1) == pytest.approx(35.0)
    assert "Hof van Twente" in pt.largest_difference_sentence(frame, 2021)


def test_year_without_previous_year_or_data_says_so():
    h2020 = po.hulpvragen(2020)
    assert h2020.is_available and not h2020.vorig_jaar_beschikbaar and h2020.bevolking_available
    assert "2019" in pt.growth_sentence(h2020) and "niet beschikbaar" in pt.growth_sentence(h2020)
    assert list(po.tabel_aantallen(h2020).columns) == ["Leeftijdsgroep", "Totaal 2020"]
    h2019 = po.hulpvragen(2019)
    assert not h2019.is_available
    texts = [
        pt.hulpvragen_zin(h2019),
        pt.total_sentence(h2019),
        pt.growth_sentence(h2019),
        pt.per_1000_zin(h2019),
        pt.onzeker_zin(h2019),
        pt.bevolking_zin(h2019, po.inwoners(2019)),
        pt.inwoners_zin(po.inwoners(2019)),
        pt.largest_difference_sentence(po.denominators(2019), 2019),
    ]
    for text in texts:
        assert text and "nan" not in text.lower() and "None" not in text and "<NA>" not in text


def test_chart_alt_text_names_the_rates():
    import matplotlib.pyplot as plt

    fig, alt = grafiek(po.hulpvragen(2021))
    plt.close(fig)
    assert "513" in alt and "2020" in alt and "80+ jaar" in alt


def test_uncertain_rows_are_marked():
    h = po.hulpvragen(2021)
    frame = h.frame.copy()
    frame.loc[0, "status"] = UNCERTAIN
    marked = po.Hulpvragen(h.jaar, frame, h.soorten, h.vorig_jaar_beschikbaar)
    assert po.onzeker(marked).tolist() == [True] + [False] * (len(frame) - 1)
    assert "0-10 jaar" in pt.onzeker_zin(marked)
    assert not po.onzeker(h).any()
    assert po.table_uncertain(marked).tolist()[-1]  # the total of an uncertain part is uncertain too
    assert isinstance(po.per_1000_table(h), pd.DataFrame)


def test_tables_close_with_totals_that_match_the_report():
    h = po.hulpvragen(2021)
    total = po.tabel_aantallen(h).iloc[-1]
    # Column sums of the age table (57.073, 35.913, 7.050) and "Toename totaal SHT: 102 %" (100.036 / 98.087),
    # shown as the book's change: +2,0%.
    assert total.tolist()[1:] == [57_073, 35_913, 7_050, 100_036, 98_087, 2.0]
    rates = po.per_1000_table(h).iloc[-1]
    assert rates["Leeftijdsgroep"] == po.ALL_AGES and rates["Inwoners 2021 (CBS)"] == 404_885
    assert round_half_up(rates["Per 1.000 inwoners 2021"]) == round_half_up(100_036 / 404_885 * 1000) == 247
    denominators = po.denominators_table(po.denominators(2021), 2021)
    assert denominators.iloc[-1]["Verslag (× 1.000)"] == 393  # codebook: the report's own denominators sum to 393


def test_the_page_values_with_and_without_data(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the tables and the figure are written beside the notebook
    met = po.page_values(2021, ROOT)
    assert met["jaar"] == "2021" and met["hulpvragen_zin"] == pt.hulpvragen_zin(po.hulpvragen(2021, ROOT), ROOT)
    assert "<img" in met["figuur"].data and (tmp_path / "tabellen" / "populatie_per_1000.csv").is_file()
    zonder = po.page_values(2019, ROOT)
    assert set(zonder) == set(met)
    assert "jv-niet-beschikbaar" in zonder["tabel_aantallen"].data and "jv-niet-beschikbaar" in zonder["figuur"].data
    assert "hulpvragen per leeftijdsgroep: niet beschikbaar" in po.kerncijfers(2019, ROOT)
    assert "401.830" in po.kerncijfers(2021, ROOT)
