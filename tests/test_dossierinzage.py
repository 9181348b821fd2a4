"""The ICT en dossierinzage chapter: consent counts, the printed percentages and the denominator behind them."""

from pathlib import Path

import pandas as pd

from jaarverslag.chapters import dossierinzage as di
from jaarverslag.data.rounding import round_half_up
from jaarverslag.render import fmt

ROOT = Path(__file__).resolve().parents[1]

# Printed in the 2021 jaarverslag (seeds/000_4b7b462fe0c6bb31.txt, section "Medische dossiers / ICT", figure
# "Aantal patiënten dat toestemming voor inzage ... heeft gegeven Opt-in eind 2021"): (count, printed percentage).
PRINTED = {
    (di.WITHOUT_COVID_OPT_IN, "Hengelo"): (156_030, 82.2),
    (di.WITHOUT_COVID_OPT_IN, "Enschede"): (151_860, 73.9),
    (di.WITHOUT_COVID_OPT_IN, "SHT"): (307_890, 77.9),
    (di.WITH_COVID_OPT_IN, "Hengelo"): (201_111, 106.0),
    (di.WITH_COVID_OPT_IN, "Enschede"): (178_235, 86.7),
    (di.WITH_COVID_OPT_IN, "SHT"): (379_346, 96.0),
}
UNLABELLED = "Opt-in eind 2021 (blok zonder kop)"  # the block without a heading: 205.449 / 179.029 / 384.478


def test_printed_counts_and_percentages():
    frame = di.overview(2021)
    for (meting, post), (count, share) in PRINTED.items():
        row = frame[frame["meting"].eq(meting) & frame["post"].eq(post)].iloc[0]
        assert (row["aantal_patienten"], row["aandeel_pct"], row["status"]) == (count, share, "zeker")
    assert frame.loc[frame["meting"].eq(UNLABELLED), "status"].eq("onzeker").all()


def test_sht_is_the_sum_of_the_posts_for_every_measurement():
    frame = di.overview(2021)
    assert di.sum_differences(frame).empty
    sht = frame.loc[frame["meting"].eq(UNLABELLED) & frame["post"].eq("SHT"), "aantal_patienten"].iloc[0]
    assert sht == 205_449 + 179_029 == 384_478


def test_one_denominator_per_post_explains_every_printed_percentage():
    """Count ÷ percentage gives, within the printed rounding, the same denominator for all three measurements."""
    table = di.denominators(di.overview(2021)).set_index("post")
    assert table["past"].all() and (table["metingen"] == 3).all()
    estimates = {post: round_half_up(v, di.DENOMINATOR_ROUNDING) for post, v in table["schatting"].items()}
    assert estimates == {"Hengelo": 189_700, "Enschede": 205_500, "SHT": 395_200}  # as the codebook notes
    # SHT's printed percentage follows from the posts: SHT count / (Hengelo + Enschede denominators), rounded half up
    # to the printed decimals: 307.890 -> 77,9%, 379.346 -> 96%, 384.478 -> 97,3%.
    denominator = table.loc["Hengelo", "schatting"] + table.loc["Enschede", "schatting"]
    frame = di.overview(2021)
    for row in frame[frame["post"].eq("SHT")].itertuples(index=False):
        recomputed = round_half_up(row.aantal_patienten / denominator * 100, fmt.printed_decimals(row.aandeel_pct))
        assert recomputed == row.aandeel_pct, row.meting


def test_percentages_above_100_are_named_and_explained():
    frame = di.overview(2021)
    assert set(frame.loc[frame["aandeel_pct"] > 100, "post"]) == {"Hengelo"}
    text = di.above_100_sentence(frame, 2021)
    assert "Hengelo (108,3%† en 106%)" in text
    noemer = di.noemer_zin(frame, 2021)
    assert "189.700" in noemer and "205.500" in noemer and "395.200" in noemer and "401.830" in noemer


def test_what_the_covid_opt_in_adds():
    effect = di.covid_effect(di.overview(2021)).set_index("post")
    assert effect["extra"].to_dict() == {"Hengelo": 45_081, "Enschede": 26_375, "SHT": 71_456}
    assert di.pct_points_text(effect.loc["Hengelo", "extra_pctpunt"]) == "+23,8 procentpunt"  # 106 - 82,2
    assert di.pct_points_text(effect.loc["SHT", "extra_pctpunt"]) == "+18,1 procentpunt"  # 96 - 77,9
    kern = di.headline_sentence(di.overview(2021), 2021)
    assert "379.346 patiënten (96%)" in kern and "307.890 (77,9%)" in kern


def test_printed_decimals_and_denominator_format():
    assert [fmt.printed_decimals(v) for v in (106.0, 82.2, 99.09)] == [0, 1, 2]
    assert di.denominator_text(189_703.6) == "≈ 189.700"
    low, high = di.denominator_interval(201_111, 106.0)  # "106%" covers 105,5% up to 106,5%
    assert round(low) == 188_837 and round(high) == 190_627


def test_years_without_data_say_so():
    for jaar in (2019, 2020):
        assert di.overview(jaar) is None
        texts = [
            f(None, jaar)
            for f in (di.headline_sentence, di.covid_sentence, di.above_100_sentence, di.noemer_zin, di.onzeker_zin)
        ]
        texts.append(di.ict_sentence(jaar))
        assert len(set(texts)) == len(texts)  # no sentence repeated on the page
        for text in texts:
            assert str(jaar) in text and not any(bad in text for bad in ("nan", "None", "<NA>")), text
    assert "NEN 7510" in di.ict_sentence(2021)


def test_chart_and_table():
    import matplotlib.pyplot as plt

    frame = di.overview(2021)
    fig, alt = di.grafiek(frame, 2021)
    plt.close(fig)
    assert "Hengelo 82,2% zonder en 106% met de coronaregeling" in alt and "100%" in alt
    table = di.tabel(frame)
    assert list(table.columns)[:3] == ["Meting", "Spoedpost", "Patiënten met toestemming"]
    assert pd.api.types.is_numeric_dtype(table["Percentage (gedrukt)"])  # the CSV keeps numbers
    assert list(di.onzeker(frame)) == [True] * 3 + [False] * 6


def test_listings_and_differences_use_the_shared_helpers():
    frame = di.overview(2021)
    covid = di.covid_sentence(frame, 2021)
    assert "Per post: Hengelo 45.081 (+23,8 procentpunt) en Enschede 26.375 (+12,8 procentpunt)." in covid
    assert "Hengelo ongeveer 189.700, Enschede ongeveer 205.500 en SHT ongeveer 395.200." in di.noemer_zin(frame, 2021)
    assert di.pct_points_text(0) == "±0 procentpunt" and di.pct_points_text(pd.NA) == fmt.MISSING_TEXT


def test_page_values_cover_every_glued_key_with_and_without_data(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)  # figures and CSV tables are written beside the notebook
    keys = {"jaar", "kern", "covid", "boven_100", "noemer", "onzeker", "ict", "figuur_tabel", "afwijkingen"}
    full, empty = di.page_values(2021, root=ROOT), di.page_values(2019, root=ROOT)
    plt.close("all")
    assert set(full) == set(empty) == keys
    assert full["noemer"] == di.noemer_zin(di.overview(2021, ROOT), 2021, ROOT)
    assert "dossierinzage_toestemming.png" in full["figuur_tabel"].data and "≈ 189.700" in full["figuur_tabel"].data
    assert (tmp_path / "tabellen" / "dossierinzage_toestemming.csv").is_file()
    assert "Niet beschikbaar" in empty["figuur_tabel"].data and empty["kern"] == di.headline_sentence(None, 2019)
