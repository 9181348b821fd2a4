"""The Branchenormen chapter: results against the norms, certain and uncertain verdicts kept apart, missing never 0."""

from pathlib import Path

import pandas as pd
import pytest

from jaarverslag.chapters import branchenormen as bn
from jaarverslag.chapters import branchenormen_numbers as bnn
from jaarverslag.data.status import MISSING, UNCERTAIN
from jaarverslag.render import fmt, tables

ROOT = Path(__file__).resolve().parents[1]

# Printed in the 2021 jaarverslag (seeds/000_4b7b462fe0c6bb31.txt, section "Branchenormen", the lines "Norm: ...").
PRINTED_NORMS = {
    "tel_spoedlijn_30s": 98,
    "tel_patientenlijn_2min": 75,
    "tel_patientenlijn_10min": 98,
    "fiat_advies_1u": 90,
    "fiat_advies_2u": 98,
    "u1_visite_20min": 90,
    "u1_visite_30min": 98,
    "u2_consult_1u": 90,
    "u2_consult_2u": 98,
    "u2_visite_1u": 90,
    "u2_visite_2u": 98,
}
# Same section, the two blocks of four read unambiguously (legend order Enschede 2021, SHT 2021, 2020, Hengelo 2021):
# "99,09% 98,7% 99,1% 98,2% spoed < 30 seconden" and "64,46% 66,6% 70,23% 68% < 2 minuten".
PRINTED_CERTAIN = {
    "tel_spoedlijn_30s": {"Enschede": 99.09, "SHT": 98.7, "SHT 2020": 99.1, "Hengelo": 98.2},
    "tel_patientenlijn_2min": {"Enschede": 64.46, "SHT": 66.6, "SHT 2020": 70.23, "Hengelo": 68.0},
}


def _row(frame: pd.DataFrame, norm_id: str, post: str) -> pd.Series:
    return frame[frame["norm_id"].eq(norm_id) & frame["post"].eq(post)].iloc[0]


def test_every_branch_norm_with_its_printed_percentage():
    norms = bnn.normen()
    assert dict(zip(norms["norm_id"], norms["norm_pct"])) == PRINTED_NORMS  # the sickness-absence norm is not here
    # A no-break space keeps "≥ 75%" on one line in narrow table columns.
    assert norms.loc[norms["norm_id"].eq("tel_patientenlijn_2min"), "norm_tekst"].iloc[0] == "≥\u00a075%"


def test_certain_results_and_their_verdicts():
    frame = bnn.resultaten(2021)
    for norm_id, printed in PRINTED_CERTAIN.items():
        for post in ("Hengelo", "Enschede", "SHT"):
            row = _row(frame, norm_id, post)
            assert row["resultaat_pct"] == printed[post] and row["status"] == "zeker"
            assert row["oordeel"] == (
                bnn.VERDICT_MET if printed[post] >= PRINTED_NORMS[norm_id] else bnn.VERDICT_NOT_MET
            )
        assert _row(frame, norm_id, "SHT")["resultaat_pct_vorig_jaar"] == printed["SHT 2020"]
        # The codebook's control: SHT lies between the two posts.
        low, high = sorted([printed["Hengelo"], printed["Enschede"]])
        assert low <= printed["SHT"] <= high
    assert all(_row(frame, "tel_spoedlijn_30s", p)["gehaald"] for p in ("Hengelo", "Enschede", "SHT"))
    assert not any(_row(frame, "tel_patientenlijn_2min", p)["gehaald"] for p in ("Hengelo", "Enschede", "SHT"))


@pytest.mark.parametrize(
    ("resultaat", "norm", "richting", "expected"),
    [
        (98.0, 98, "minimaal", True),  # exactly on the norm counts as met ("98% binnen 10 minuten")
        (97.99, 98, "minimaal", False),
        (5.5, 5.5, "maximaal", True),
        (5.6, 5.5, "maximaal", False),
        (None, 98, "minimaal", None),
    ],
)
def test_met_means_at_least_the_norm(resultaat, norm, richting, expected):
    assert bnn.gehaald(pd.NA if resultaat is None else resultaat, norm, richting) is expected


def test_uncertain_values_never_count_as_a_plain_verdict():
    frame = bnn.resultaten(2021)
    unsure = frame[frame["status"].eq(UNCERTAIN)]
    assert len(unsure) > 0 and unsure["oordeel"].str.endswith("(onzeker)").all()
    missing = frame[frame["status"].eq(MISSING)]
    assert missing["resultaat_pct"].isna().all() and missing["gehaald"].isna().all()
    assert (missing["oordeel"] == fmt.SOURCE_MISSING_TEXT).all()
    counts = bnn.tellingen(frame)
    sht = counts["SHT"]
    assert (
        sht.zeker_gehaald,
        sht.zeker_niet_gehaald,
        sht.onzeker_gehaald,
        sht.onzeker_niet_gehaald,
        sht.ontbreekt,
    ) == (1, 1, 5, 4, 0)
    assert all(t.totaal == len(PRINTED_NORMS) for t in counts.values())
    assert counts["Hengelo"].ontbreekt == 4  # fiattering and U1-visites: only SHT bars in the source
    text = bn.samenvatting_zin(frame, 2021)
    assert "bij 2 een zekere waarde: daarvan haalde SHT er 1 en miste het er 1" in text and "niet hard" in text


def test_missing_values_show_as_missing_never_as_zero(tmp_path: Path):
    frame = bnn.resultaten(2021)
    table = bnn.results_table(frame, 2021)
    html = tables.html(
        table,
        "test_branchenormen",
        "test",
        formatters=bnn.results_formatters(2021),
        onzeker=frame["status"].eq(UNCERTAIN),
        map=tmp_path,
    ).data
    assert html.count(fmt.SOURCE_MISSING_TEXT) == 8 and ">0%" not in html and "nan" not in html
    # Whole percents for every result (fmt.NORM_RESULT_DECIMALS): 99,09 -> 99%, 98,2 -> 98%, 97,1 -> 97%.
    assert "99%" in html and "98%" in html and "97% †" in html and "99,09" not in html
    import matplotlib.pyplot as plt

    fig, alt = bn.grafiek(frame, 2021)
    texts = [t.get_text() for t in fig.axes[0].texts]
    plt.close(fig)
    assert texts.count("ontbreekt") == 8 and "99% ✓ gehaald" in texts and "97%† ✗ niet gehaald" in texts


def test_comparison_with_last_year_is_firm_only_for_certain_pairs():
    frame = bnn.resultaten(2021)
    text = bn.previous_year_sentence(frame, 2021)
    # Compared in whole percents: 99,1 -> 98,7 (a difference of -0,4) counts as equal.
    assert "bij 2 normen hoger, bij 4 lager en bij 5 gelijk" in text
    assert "spoedlijn opgenomen < 30 seconden 99% → 99%" in text
    assert "patiëntenlijn opgenomen < 2 minuten 70% → 67%" in text
    table = bnn.tabel_vorig_jaar(frame, 2021)
    assert fmt.norm_result_points(table["Verschil (procentpunt)"].iloc[1]) == "−3"  # 67% - 70%, as shown
    audit = bnn.tabel_vorig_jaar(frame, 2021, printed=True)
    assert audit["Verschil (procentpunt) zoals gedrukt"].iloc[1] == -3.63
    assert audit["2021 zoals gedrukt"].iloc[1] == 66.6
    assert list(bnn.uncertain_previous_year(frame))[:3] == [False, False, True]
    assert list(table["Gehaald 2020 → 2021"])[:3] == ["✓ → ✓", "✗ → ✗", "✓ → ✗ (onzeker)"]


def test_percentages_keep_their_printed_decimals():
    assert [fmt.printed_percent(v) for v in (99.09, 98.7, 98.0, 70.23)] == ["99,09%", "98,7%", "98%", "70,23%"]
    assert fmt.printed_percent(pd.NA) == fmt.SOURCE_MISSING_TEXT
    assert fmt.percentage_points(0.4000000000000057) == "+0,4" and fmt.percentage_points(0) == "±0"


def test_years_with_less_data():
    frame = bnn.resultaten(2020)
    assert set(frame["post"]) == {"SHT"}
    assert "alleen het resultaat van SHT als geheel" in bn.samenvatting_zin(frame, 2020)
    assert "niet beschikbaar" in bn.previous_year_sentence(frame, 2020) and bnn.tabel_vorig_jaar(frame, 2020) is None
    assert bnn.resultaten(2019) is None
    for text in (
        bn.samenvatting_zin(None, 2019),
        bn.missed_sentence(None, 2019),
        bn.previous_year_sentence(None, 2019),
        bn.certain_sentence(None, 2019),
    ):
        assert "2019" in text and "nan" not in text
    import matplotlib.pyplot as plt

    fig, alt = bn.grafiek(frame, 2020)
    plt.close(fig)
    assert "(SHT)" in alt and "Zeker niet gehaald in 2020: patiëntenlijn opgenomen < 2 minuten" in alt


def test_page_values_cover_every_glued_key_with_and_without_data(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)  # figures and CSV tables are written beside the notebook
    keys = {
        "jaar",
        "samenvatting",
        "gemist",
        "vorig_jaar",
        "zeker",
        "landelijk",  # the national mean waiting times beside the norms (issue 14)
        "herkomst",  # where the year's results come from: typed, or computed from the registrations
        "tabel_normen",
        "resultaten",
        "tabel_toelichting",
        "afwijkingen",
        "tabel_vorig_jaar",
        "werknotities",  # the transcription notes, for the calculation page only
    }
    full, empty = bn.page_values(2021, root=ROOT), bn.page_values(2019, root=ROOT)
    plt.close("all")
    assert set(full) == set(empty) == keys
    assert full["samenvatting"] == bn.samenvatting_zin(bnn.resultaten(2021, ROOT), 2021)
    # The chapter's table gives a plain reason; the working notes reach only the calculation page.
    assert "legendavolgorde" not in full["tabel_toelichting"].data
    assert "legendavolgorde" in full["werknotities"].data
    assert "branchenormen_resultaten.png" in full["resultaten"].data and "−3" in full["tabel_vorig_jaar"].data
    assert (tmp_path / "tabellen" / "branchenormen_toelichting.csv").is_file()
    assert all("Niet beschikbaar" in empty[k].data for k in ("resultaten", "tabel_toelichting", "tabel_vorig_jaar"))
    assert "<caption>De branchenormen" in empty["tabel_normen"].data  # the norms themselves are there every year
