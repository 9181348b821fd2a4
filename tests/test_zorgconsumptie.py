"""Zorgconsumptie per gemeente: consulteenheden and rates per 1,000 recomputed and compared with the printed report."""

from pathlib import Path

import matplotlib

from jaarverslag.chapters import zorgconsumptie as zc
from jaarverslag.chapters import zorgconsumptie_standaard as zs
from jaarverslag.data.geo import label_point, read_boundaries
from jaarverslag.data.load import load_table
from jaarverslag.render import fmt

matplotlib.use("Agg")

# Printed in the 2021 jaarverslag (seeds/000_4b7b462fe0c6bb31.txt, section "Zorgconsumptie per gemeente"):
# row "consulteenheden" 4.087 3.704 16.546 4.443 5.079 31.676 3.394 3.777 2.320 75.025 and row
# "2021 eenheden per 1.000 inwoners" 186 142 204 159 159 200 141 172. Rounding: consulteenheden per
# gemeente to whole units, half up (Dinkelland 3.703,5 -> 3.704); the rate to whole units, half up.
PRINTED_UNITS_2021 = {
    "Borne": 4_087,
    "Dinkelland": 3_704,
    "Hengelo": 16_546,
    "Hof van Twente": 4_443,
    "Oldenzaal": 5_079,
    "Enschede": 31_676,
    "Haaksbergen": 3_394,
    "Losser": 3_777,
    "Onbekend": 2_320,
}
PRINTED_TOTAL_UNITS_2021 = 75_025
PRINTED_RATE_2021 = {
    "Borne": 186,
    "Dinkelland": 142,
    "Hengelo": 204,
    "Hof van Twente": 159,
    "Oldenzaal": 159,
    "Enschede": 200,
    "Haaksbergen": 141,
    "Losser": 172,
}
PRINTED_RATE_2019_HENGELO = 229  # row "2019 eenheden per 1.000 inwoners"


def test_weights_reproduce_every_printed_consulteenheid():
    b = zc.calculation(2021).set_index("gemeente")
    assert b["consulteenheden"].to_dict() == PRINTED_UNITS_2021
    printed = load_table("consulteenheden", 2021).set_index("gemeente")["consulteenheden"]
    assert (b["consulteenheden"] == printed.reindex(b.index)).all()


def test_printed_total_is_the_formula_on_the_column_totals():
    assert zc.total_consulteenheden(2021) == PRINTED_TOTAL_UNITS_2021
    assert load_table("consulteenheden_totaal", 2021)["consulteenheden"].iloc[0] == PRINTED_TOTAL_UNITS_2021
    assert zc.calculation(2021)["consulteenheden"].sum() == PRINTED_TOTAL_UNITS_2021 + 1  # recorded rounding difference
    assert "75.026" in zc.discrepancies_sentence(2021)


def test_rate_with_the_reports_own_denominator_reproduces_the_printed_rate():
    rates = zc.per_1000(2021)
    year = rates[rates["jaar"] == 2021].set_index("gemeente")
    assert {g: fmt.round_half_up(v) for g, v in year["per_1000"].items()} == PRINTED_RATE_2021
    assert (year["herkomst"] == zc.COMPUTED).all()
    assert "precies uit op de gedrukte" in zc.noemer_zin(2021)


def test_earlier_years_are_taken_as_printed_and_said_so():
    rates = zc.per_1000(2021)
    assert zc.jaren(2021) == [2019, 2020, 2021]
    early = rates[rates["jaar"] < 2021]
    assert (early["herkomst"] == zc.PRINTED).all() and (early["per_1000"] == early["gedrukt"]).all()
    assert early.set_index(["jaar", "gemeente"]).loc[(2019, "Hengelo"), "per_1000"] == PRINTED_RATE_2019_HENGELO
    assert "2019 en 2020" in zc.noemer_zin(2021)
    assert zc.jaren(2019) == [2019] and not zc.can_recompute(2019)
    assert "niet na te rekenen" in zc.noemer_zin(2020)


def test_table_difference_uses_the_printed_precision():
    table = zc.tabel_per_jaar(zc.per_1000(2021), 2021).set_index("Gemeente")
    assert list(table.columns) == ["2019", "2020", "2021", "Verschil met 2020", "Hulpvragen 2021 (aantal)"]
    assert table.loc["Borne", "Verschil met 2020"] == 186 - 179
    # The counts the report prints per gemeente, beside the rates (advies + consult + visite).
    assert table.loc["Enschede", "Hulpvragen 2021 (aantal)"] == 43_296
    assert table.loc["Hengelo", "Hulpvragen 2021 (aantal)"] == 21_747
    assert table.loc["Borne", "2021"] == 186  # rounded as shown; the CSV adds the unrounded rate
    audit = zc.tabel_per_jaar(zc.per_1000(2021), 2021, onafgerond=True).set_index("Gemeente")
    assert 185.5 <= audit.loc["Borne", "2021 onafgerond"] < 186.5
    formatters = zc.per_year_table_formatters(2021, table.columns)
    assert formatters["2021"](185.77) == "186" and formatters["Verschil met 2020"](7) == "+7"
    assert list(zc.tabel_per_jaar(zc.per_1000(2019), 2019).columns) == ["Gemeente", "2019"]


def test_summary_names_highest_and_lowest_and_counts_changes():
    text = zc.samenvatting_zin(zc.per_1000(2021), 2021)
    assert "Hengelo (204" in text and "Haaksbergen (141)" in text
    assert "Vergeleken met 2020 lag het gebruik in alle 8 gemeenten hoger" in text
    assert "Vergeleken met 2019 lag het gebruik in alle 8 gemeenten lager" in text
    assert "2018" in zc.samenvatting_zin(zc.per_1000(2019), 2019)


def test_weights_sentence_names_the_three_weights():
    assert zc.gewichten_zin().count("0,5") == 1 and "1,5" in zc.gewichten_zin()


def test_map_labels_every_gemeente_with_name_and_rate():
    rates = zc.per_1000(2021)
    fig, alt = zc.kaart(rates, 2021, read_boundaries(), zc.colour_scale())
    labels = {t.get_text() for t in fig.axes[0].texts}
    assert {f"{g}\n{v}" for g, v in PRINTED_RATE_2021.items()} <= labels
    assert "Enschede 200" in alt and fig.get_figwidth() <= 8


def test_dot_chart_uses_one_marker_shape_per_year():
    fig, alt = zc.grafiek(zc.per_1000(2021), 2021)
    ax = fig.axes[0]
    shapes = {tuple(map(tuple, c.get_paths()[0].vertices.round(3))) for c in ax.collections}
    assert len(ax.collections) == 3 and len(shapes) == 3
    assert "Hengelo 204 (2019: 229)" in alt and fig.get_figwidth() <= 8


def test_label_positions_lie_inside_their_gemeente():
    from jaarverslag.data.geo import Point, point_in_polygon

    for feature in read_boundaries()["features"]:
        lon, lat = label_point(feature["geometry"], raster=15)
        assert point_in_polygon(Point(lat=lat, lon=lon), feature["geometry"]), feature["properties"]["gemeente"]


def test_map_colour_scale_spans_every_report_year():
    s = zc.colour_scale()
    assert (s.vmin, s.vmax) == (132, 229)  # Dinkelland 2020 and Hengelo 2019 (printed rows 2020 and 2019)


PAGE_KEYS = {
    "jaar",
    "gewichten_zin",
    "noemer_zin",
    "berekening_zin",
    "afwijkingen",
    "samenvatting_zin",
    "tabel_per_jaar",
    "grafiek",
    "kaart",
    "tabel_berekening",
    # the section on age-standardised use (chapters/zorgconsumptie_standaard.py)
    "std_resultaat_zin",
    "std_leeftijd_zin",
    "std_onzekerheid_zin",
    "std_kanttekeningen_zin",
    "std_landelijk_zin",
    "std_grafiek",
    "std_tabel",
}


def test_page_values_with_and_without_rates_and_recomputation(tmp_path, monkeypatch):
    import pandas as pd

    monkeypatch.setenv("JAARVERSLAG_ROOT", str(Path(__file__).resolve().parents[1]))
    monkeypatch.chdir(tmp_path)  # the tables' CSVs and the figures' PNGs are written beside the notebook
    values = zc.page_values(2021)
    assert set(values) == PAGE_KEYS
    assert values["samenvatting_zin"] == zc.samenvatting_zin(zc.per_1000(2021), 2021)
    assert "zorgconsumptie_berekening.csv" in values["tabel_berekening"].data
    assert {p.name for p in (tmp_path / "figuren").iterdir()} == {
        "zorgconsumptie_per_jaar.png",
        "zorgconsumptie_kaart.png",
        "zorgconsumptie_per_jaar-telefoon.png",  # the phone variants (charts.figure_html)
        "zorgconsumptie_kaart-telefoon.png",
        "zorgconsumptie_gestandaardiseerd.png",
        "zorgconsumptie_gestandaardiseerd-telefoon.png",
    }
    values = zc.page_values(2019)  # printed rates only: nothing to recompute
    assert "Niet beschikbaar" in values["tabel_berekening"].data and "<figure" in values["kaart"].data
    # no help requests per gemeente and age group in 2019: the section says in one sentence what it needs
    assert values["std_resultaat_zin"] == zs.page_values(2019)["std_resultaat_zin"]
    assert "niet voor leeftijd worden gestandaardiseerd" in values["std_tabel"].data
    empty = pd.DataFrame(columns=["jaar", "gemeente", "per_1000", "gedrukt", "herkomst", "status"])
    monkeypatch.setattr(zc, "per_1000", lambda jaar, root=None: empty)  # as for a year without any rates
    values = zc.page_values(2019)
    assert set(values) == PAGE_KEYS and values["samenvatting_zin"] == zc.no_figures_sentence(2019)
    assert all("Niet beschikbaar" in values[k].data for k in ("tabel_per_jaar", "grafiek", "kaart"))
