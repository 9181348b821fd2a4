"""The Kwaliteit chapter's numbers, recomputed from data/ and compared with the printed report."""

from pathlib import Path

import pandas as pd

from jaarverslag import load_table
from jaarverslag.chapters import kwaliteit as kw
from jaarverslag.chapters import kwaliteit_numbers as kn
from jaarverslag.render import fmt

ROOT = Path(__file__).resolve().parents[1]
# Printed in the 2021 jaarverslag (seeds/000_4b7b462fe0c6bb31.txt, section "Klachten, VIM meldingen en
# calamiteiten": "Aantal klachten", "Aantal VIM meldingen", "Aantal calamiteiten" with 2020 and 2021).
PRINTED_2021 = {"Klacht": 52, "VIM-melding": 90, "Calamiteit": 6}
PRINTED_2020 = {"Klacht": 42, "VIM-melding": 120, "Calamiteit": 7}
# Same section, the "Classificatie(s):" blocks: label and number on one line.
PRINTED_CLASSIFICATIONS_2021 = {
    ("Klacht", "Medisch handelen"): 19,
    ("Klacht", "Bejegening"): 12,
    ("VIM-melding", "Menselijk"): 49,
    ("VIM-melding", "Samenwerking ketenpartners"): 25,
    ("Calamiteit", "Menselijk handelen"): 3,
}
# Section "Signaleren Kindermishandeling en huiselijk geweld, oudermishandeling en kindcheck (G+HOK)".
PRINTED_GHOK = {
    "Meldingen kindermishandeling": (28, 8),
    "Kinderen op de spoedposten": (22_563, 25_757),
    "Niet pluis": (56, 49),
    "Huiselijk geweld vastgesteld": (39, 39),
}  # (2020, 2021)


def _counts(vergelijking: kn.Comparison, column: str = "aantal") -> dict:
    return dict(zip(vergelijking.frame.iloc[:, 0], vergelijking.frame[column]))


def test_printed_numbers_of_complaints_vim_and_calamities():
    now = kn.meldingen(2021)
    assert now.vorig_jaar_beschikbaar
    assert _counts(now) == PRINTED_2021
    assert _counts(now, "aantal_vorig_jaar") == PRINTED_2020
    assert list(now.frame["soort"]) == ["Klacht", "VIM-melding", "Calamiteit"]  # codebook order


def test_classifications_add_up_to_the_printed_numbers():
    frame = kn.classificaties(2021)
    assert frame.groupby("soort")["aantal"].sum().to_dict() == PRINTED_2021
    for (soort, classificatie), printed in PRINTED_CLASSIFICATIONS_2021.items():
        row = frame[frame["soort"].eq(soort) & frame["classificatie"].eq(classificatie)].iloc[0]
        assert row["aantal"] == printed
    assert kw.som_controle_zin(2021) == "De classificaties tellen per soort precies op tot het gedrukte aantal."
    # Shares within a soort add up to 100% (unrounded); printed in the chart as whole percent, half up: 19/52 -> 37%.
    assert frame.groupby("soort")["aandeel_pct"].sum().round(9).eq(100).all()
    assert fmt.percent(frame.loc[frame["classificatie"].eq("Medisch handelen"), "aandeel_pct"].iloc[0], 0) == "37%"


def test_printed_differences_are_reproduced():
    """Every printed 'Toename'/'Afname' of this chapter follows from the counts (gedrukte_vergelijkingen)."""
    printed = load_table("gedrukte_vergelijkingen", 2021)
    ours = {"kwaliteitsmeldingen_totaal": kn.meldingen(2021), "signalering_ghok": kn.signalering(2021)}
    rows = printed[printed["tabel"].isin(ours)]
    assert len(rows) == 2  # "Toename 10" (klachten) and "Afname 20" (meldingen kindermishandeling)
    for row in rows.itertuples(index=False):
        column, value = row.selectie.split("=", 1)
        frame = ours[row.tabel].frame
        assert row.maat == "verschil_aantal"
        assert frame.loc[frame[column].eq(value), "verschil"].iloc[0] == row.gedrukt


def test_change_is_rounded_half_up_to_one_decimal():
    sentence = kw.meldingen_zin(kn.meldingen(2021))
    # 90 / 120 - 1 = -25% -> "−25,0%"; klachten (42) and calamiteiten (7) are below fmt.MIN_COUNT_FOR_CHANGE:
    # their counts, no percentage.
    for text in (
        "52 klachten",
        "10 klachten meer (42 in 2020)",
        "30 VIM-meldingen minder",
        "−25,0%",
        "1 calamiteit minder (7 in 2020)",
    ):
        assert text in sentence, text
    assert "+23,8%" not in sentence and "−14,3%" not in sentence


def test_ghok_indicators_with_last_year():
    signals = kn.signalering(2021)
    previous = _counts(signals, "aantal_vorig_jaar").values()
    assert {k: (v0, v1) for (k, v1), v0 in zip(_counts(signals).items(), previous)} == PRINTED_GHOK
    text = kw.signalering_zin(signals)
    assert "8, 20 minder dan de 28 van 2020" in text and "39, evenveel als in 2020" in text
    assert "25.757" in text


def test_signals_per_thousand_children():
    rates = kn.per_children(kn.signalering(2021)).set_index("indicator")
    # 8 / 25.757 x 1.000 = 0,31 and 28 / 22.563 x 1.000 = 1,24; one decimal, half up.
    assert fmt.getal(rates.loc["Meldingen kindermishandeling", "per_1000"], 1) == "0,3"
    assert fmt.getal(rates.loc["Meldingen kindermishandeling", "per_1000_vorig_jaar"], 1) == "1,2"
    assert fmt.getal(rates.loc["Niet pluis", "per_1000"], 1) == "1,9"  # 49 / 25.757
    assert "huiselijk geweld" not in kw.per_kinderen_zin(kn.signalering(2021)).lower()  # not a rate per child


def test_years_with_less_data_say_what_is_missing():
    for jaar in (2019, 2020):
        texts = [
            kw.meldingen_zin(kn.meldingen(jaar)),
            kw.signalering_zin(kn.signalering(jaar)),
            kw.largest_classification_sentence(kn.classificaties(jaar), jaar),
            kw.som_controle_zin(jaar),
            kw.per_kinderen_zin(kn.signalering(jaar)),
            kw.onzeker_zin(jaar, kn.meldingen(jaar).frame, kn.classificaties(jaar), kn.signalering(jaar).frame),
        ]
        for text in texts:
            assert text and not any(bad in text for bad in ("nan", "None", "<NA>")), text
    assert not kn.meldingen(2019).is_available and "geen aantallen" in kw.meldingen_zin(kn.meldingen(2019))
    assert "2019" in kw.meldingen_zin(kn.meldingen(2020)) and kn.classificaties(2020) is None
    assert list(kn.meldingen_table(kn.meldingen(2020)).columns) == ["Soort", "2020"]


def test_missing_and_uncertain_values_are_never_plain_numbers(project: Path):
    path = project / "data" / "2021" / "kwaliteitsmeldingen_totaal.csv"
    text = path.read_text(encoding="utf-8")
    text = text.replace("2021,Calamiteit,6,zeker,", "2021,Calamiteit,,ontbreekt,niet gedrukt")
    path.write_text(text.replace("2021,Klacht,52,zeker,", "2021,Klacht,52,onzeker,twee lezingen"), encoding="utf-8")
    vergelijking = kn.meldingen(2021, root=project)
    sentence = kw.meldingen_zin(vergelijking)
    assert "52 klachten (onzeker)" in sentence and "onbekend aantal calamiteiten (ontbreekt in de bron)" in sentence
    assert "geen vergelijking mogelijk" in sentence and "nan" not in sentence
    assert list(kn.onzeker(vergelijking.frame, "status")) == [True, False, True]
    assert "1 waarde(n) zijn onzeker" in kw.onzeker_zin(2021, vergelijking.frame)
    assert "geen getallen" in kw.onzeker_zin(2019, None, None)


def test_charts_state_their_key_numbers_in_the_alt_text():
    import matplotlib.pyplot as plt

    fig, alt = kw.classifications_chart(kn.classificaties(2021), 2021)
    assert "Klachten: 52, vooral medisch handelen (19)" in alt and "VIM-meldingen: 90" in alt
    fig, alt = kw.comparison_chart(kn.meldingen(2021), "Meldingen", "Aantal", "kwaliteitsmeldingen_totaal.csv")
    assert "Klachten: 52 in 2021 tegen 42 in 2020" in alt
    fig, alt = kw.comparison_chart(
        kn.signalering(2021), "Signalen", "Aantal", "signalering_ghok.csv", weglaten=(kn.CHILDREN,)
    )
    assert "Kinderen" not in alt and "Niet pluis: 49 in 2021 tegen 56 in 2020" in alt
    plt.close("all")
    assert isinstance(kn.signals_table(kn.signalering(2021)), pd.DataFrame)


def test_differences_use_the_shared_signed_format():
    formats = kw.comparison_formatters()
    assert [formats["Verschil"](v) for v in (10, -30, 0)] == ["+10", "−30", "±0"]


def test_page_values_cover_every_glued_key_with_and_without_data(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)  # figures and CSV tables are written beside the notebook
    keys = {
        "jaar",
        "meldingen_zin",
        "classificatie_zin",
        "som_controle_zin",
        "signalering_zin",
        "per_kinderen_zin",
        "onzeker_zin",
        "meldingen",
        "classificaties",
        "signalering",
    }
    full, empty = kw.page_values(2021, root=ROOT), kw.page_values(2019, root=ROOT)
    plt.close("all")
    assert set(full) == set(empty) == keys
    assert full["meldingen_zin"] == kw.meldingen_zin(kn.meldingen(2021, ROOT))
    assert "kwaliteit_signalering.png" in full["signalering"].data and ">+10<" in full["meldingen"].data
    assert (tmp_path / "tabellen" / "kwaliteit_classificaties.csv").is_file()
    assert all("Niet beschikbaar" in empty[k].data for k in ("meldingen", "classificaties", "signalering"))
