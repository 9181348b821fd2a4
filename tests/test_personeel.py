"""The Huisartsen en medewerkers chapter's numbers, recomputed from data/ and compared with the printed report."""

from pathlib import Path

import matplotlib.pyplot as plt

from jaarverslag.chapters import personeel as pe
from jaarverslag.chapters import personeel_numbers as pn
from jaarverslag.data.metrics import verandering_pct
from jaarverslag.render import fmt
from jaarverslag.render import personeel_text as pt

ROOT = Path(__file__).resolve().parents[1]
# Printed in the 2021 jaarverslag (seeds/000_4b7b462fe0c6bb31.txt), section "GroupCounts - Huisartsen":
# 180 (-4 t.o.v. 2020), 29 AIOS ("zelfde"), 102 (+14); which number is which group is uncertain (codebook).
PRINTED_HUISARTSEN_2021 = {"Huisartslid": 180, "AIOS": 29, "Hidha of waarnemer": 102}
PRINTED_VERANDERING = {"Huisartslid": -4, "AIOS": 0, "Hidha of waarnemer": 14}
# Section "Medewerkers, ziekteverzuim en in- en uitstroom": pairs 2020/2021 50/45, 12/8, 6/6, 17/17, 8/2, 19/19.
PRINTED_MEDEWERKERS = {2020: 112, 2021: 97}  # sums of the printed pairs (the report prints no total)
# Same section: "3,04%", "3,19% in 2020", "5,5% de norm"; sick leave shown with two decimals as printed.
PRINTED_VERZUIM = {2020: "3,19%", 2021: "3,04%"}
# Section "In- en uitstroom van medewerkers": instroom 36 / uitstroom 51 (2021), 53 / 34 (2020).
PRINTED_VERLOOP = {2021: (36, 51), 2020: (53, 34)}


def test_gp_counts_and_changes_match_the_printed_text():
    a = pn.huisartsen(2021)
    frame = a.frame.set_index("groep")
    assert frame["aantal"].to_dict() == PRINTED_HUISARTSEN_2021
    assert frame["verschil"].to_dict() == PRINTED_VERANDERING
    zin = pe.huisartsen_zin(a)
    assert "180 huisartsleden (−4)" in zin and "29 AIOS (gelijk)" in zin and "(+14)" in zin


def test_uncertain_gp_values_are_marked_and_explained():
    a = pn.huisartsen(2021)
    assert pn.onzeker(a).all()  # all of 2020 is derived, 180/102 are uncertain in 2021
    table = pn.tabel(a, "Groep", pn.GROUP_NAMES)
    assert table.set_index("Groep").loc["AIOS", "Zekerheid"] == "onzeker (2020)"
    t = pe.huisartsen_explanation(a)
    labels = [label for label, _ in t.punten]
    assert "AIOS 2020" in labels and any("2021" in label for label in labels)
    assert all(text for _, text in t.punten)
    html = pt.explanation_html(t).data
    assert "NZa" in html  # the reason is taken from the toelichting column, not invented
    assert "†" in pt.onzeker_zin(3, 3, "groepen")
    assert pn.tabel(pn.huisartsen(2020), "Groep", pn.GROUP_NAMES)["Zekerheid"].eq("onzeker").all()


def test_staff_total_and_change():
    a = pn.medewerkers(2021)
    assert a.totaal == PRINTED_MEDEWERKERS[2021] and a.totaal_vorig_jaar == PRINTED_MEDEWERKERS[2020]
    table = pn.tabel(a, "Functie", pn.ROLE_NAMES, totaal=True)
    total = table.set_index("Functie").loc[pn.TOTAAL]
    assert (total["2020"], total["2021"], total["Verschil"]) == (112, 97, -15)
    assert len(pn.table_uncertain(a, totaal=True)) == len(table)
    # 97 / 112 - 1 = -13,39% -> "−13,4%" (one decimal, half up)
    assert "−13,4%" in pe.medewerkers_zin(a)
    assert round(verandering_pct(97, 112), 1) == -13.4


def test_sick_leave_against_the_norm_from_reference_data():
    norm = pn.verzuimnorm()
    assert norm.norm_pct == 5.5 and norm.richting == "maximaal"  # "5,5% de norm"
    frame = pn.verzuim(2021)
    for jaar, printed in PRINTED_VERZUIM.items():
        assert fmt.percent(pn.verzuim_value(frame, jaar), pn.VERZUIM_DECIMALS) == printed
    zin = pe.verzuim_zin(frame, 2021, norm)
    assert "3,04%" in zin and "5,5%" in zin and "gehaald" in zin and "niet gehaald" not in zin
    assert not pn.Norm(5.5, "maximaal", "x").gehaald(6.0)
    assert pn.Norm(90, "minimaal", "x").gehaald(95)
    fig, alt = pe.verzuim_chart(frame, 2021, norm)
    plt.close(fig)
    assert "5,5%" in alt and "3,04%" in alt and "3,19%" in alt


def test_inflow_and_outflow_add_up_to_printed_totals_and_staff_change():
    v = pn.verloop(2021)
    for jaar, (instroom, uitstroom) in PRINTED_VERLOOP.items():
        assert (v.totaal(jaar, pn.INSTROOM), v.totaal(jaar, pn.UITSTROOM)) == (instroom, uitstroom)
    table = pn.turnover_table(v).set_index(["Richting", "Functie"])
    totals = (table.loc[("Instroom", pn.TOTAAL), "Aantal"], table.loc[("Uitstroom", pn.TOTAAL), "Aantal"])
    assert totals == PRINTED_VERLOOP[2021]
    assert table.loc[("Instroom", pn.TOTAAL), "Zekerheid"].endswith("gelijk aan het gedrukte totaal")
    # "+4" stands right by its label: only that value is certain, and only it goes without a dagger.
    marks = pn.turnover_table_uncertain(v).to_numpy()
    certain = table.reset_index()[~marks]
    assert set(zip(certain["Richting"], certain["Functie"])) == {
        ("Instroom", "Postassistenten"),
        ("Instroom", pn.TOTAAL),
        ("Uitstroom", pn.TOTAAL),
    }
    zin = pe.verloop_zin(v, pn.medewerkers(2021))
    assert "precies" in zin and "112" in zin and "97" in zin  # 36 - 51 = -15 = 97 - 112


def test_inflow_explanation_says_the_shared_reason_once():
    t = pe.turnover_explanation(pn.verloop(2021))
    assert t.inleiding.startswith("De getallen staan in de tekst los van hun functielabels.")
    assert len(t.punten) == 6 and not any(text.startswith("De getallen staan") for _, text in t.punten)
    assert pn.turnover_uncertain(pn.verloop(2021)).sum() == 6
    fig, alt = pe.turnover_chart(pn.verloop(2021))
    plt.close(fig)
    assert "triagisten 14 erbij en 23 weg" in alt


def test_missing_years_say_so():
    for text in (
        pe.huisartsen_zin(pn.huisartsen(2019)),
        pe.medewerkers_zin(pn.medewerkers(2019)),
        pe.verzuim_zin(pn.verzuim(2019), 2019, pn.verzuimnorm()),
        pe.verloop_zin(pn.verloop(2019), pn.medewerkers(2019)),
        pe.medewerkers_zin(pn.medewerkers(2020)),
        pe.verloop_zin(pn.verloop(2020), pn.medewerkers(2020)),
    ):
        assert text and "nan" not in text.lower() and "None" not in text and "<NA>" not in text
    assert "geen aantallen huisartsen beschikbaar" in pe.huisartsen_zin(pn.huisartsen(2019))
    assert pn.verloop(2020).per_functie is None and "2019" in pe.verloop_zin(pn.verloop(2020), pn.medewerkers(2020))


def test_table_differences_keep_a_plain_zero_while_sentences_use_the_shared_sign():
    # The published tables print "0" for an unchanged count (AIOS 2021, three functions); text.verschil says "±0".
    assert [pn.difference_in_table(v) for v in (14, -4, 0)] == ["+14", "−4", "0"]
    assert pn.table_formatters()["Verschil"] is pn.difference_in_table
    assert "Per saldo is dat −15." in pe.verloop_zin(pn.verloop(2021), pn.medewerkers(2021))


def test_page_values_cover_every_glued_key_with_and_without_data(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # figures and CSV tables are written beside the notebook
    keys = {
        "jaar",
        "huisartsen_zin",
        "medewerkers_zin",
        "verzuim_zin",
        "verloop_zin",
        "huisartsen",
        "medewerkers",
        "verzuim",
        "verloop",
        "huisartsen_werknotities",  # the transcription notes, for the calculation page only
        "verloop_werknotities",
    }
    full, empty = pe.page_values(2021, root=ROOT), pe.page_values(2019, root=ROOT)
    plt.close("all")
    assert set(full) == set(empty) == keys
    assert full["jaar"] == "2021" and full["huisartsen_zin"] == pe.huisartsen_zin(pn.huisartsen(2021, ROOT))
    assert "NZa" not in full["huisartsen"].data and "NZa" in full["huisartsen_werknotities"].data
    assert "Reconstructie" not in full["verloop"].data and "Reconstructie" in full["verloop_werknotities"].data
    assert "0 †" in full["huisartsen"].data and "personeel_verloop.png" in full["verloop"].data
    assert (tmp_path / "tabellen" / "personeel_medewerkers.csv").is_file()
    assert all("Niet beschikbaar" in empty[k].data for k in ("huisartsen", "medewerkers", "verzuim", "verloop"))
    assert all(isinstance(empty[k], str) for k in keys if k.endswith("_zin"))
