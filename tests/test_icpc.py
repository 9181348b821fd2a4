"""The ICPC top lists: shares recomputed from the counts and all procedures, compared with the printed report."""

from pathlib import Path

import matplotlib

from jaarverslag.chapters import icpc

matplotlib.use("Agg")

# Printed in the 2021 jaarverslag (seeds/000_4b7b462fe0c6bb31.txt, sections "Top 10 verrichtingen op
# ICPC code" and "Top 3 verrichtingen Corona post SHT per ICPC code"), e.g. "4,1% | 4.145", "12,6% | 123".
# The share is count / all procedures of the year (SHT 100.036, corona post 973), one decimal, half up.
PRINTED_CORONA_TOP3 = ["Acute infectie bovenste luchtwegen", "Koorts", "Otitis media acuta/myringitis"]
PRINTED_UNCERTAIN = {
    "Koorts",
    "Andere gelokaliseerde buikpijn",
    "Scheurwond/snijwond",
    "Hand/vinger symptomen/klachten",
}


def test_denominators_are_all_procedures_of_sht_and_of_the_corona_post():
    n = icpc.denominators(2021)
    assert n[icpc.SHT] == 100_036 and n[icpc.CORONAPOST] == 973


def test_every_printed_share_follows_from_count_and_denominator():
    for post, size in ((icpc.SHT, 10), (icpc.CORONAPOST, 3)):
        frame = icpc.top(2021, post)
        assert len(frame) == size
        for row in frame.itertuples(index=False):
            assert icpc.printed_share(row.aandeel_pct) == row.aandeel_gedrukt, (post, row.diagnose)


def test_ranks_follow_the_counts_and_match_the_printed_corona_ranks():
    top10 = icpc.top(2021)
    assert top10["aantal"].is_monotonic_decreasing
    assert list(top10["rang"]) == list(range(1, 11))
    assert top10.iloc[0]["aantal"] == 4_145 and top10.iloc[-1]["aantal"] == 1_497  # "4,1% | 4.145", "1,5% | 1.497"
    corona = icpc.top(2021, icpc.CORONAPOST)
    assert list(corona["diagnose"]) == PRINTED_CORONA_TOP3
    assert list(corona["rang"]) == list(corona["rang_gedrukt"])


def test_uncertain_pairings_are_marked_and_explained():
    top10 = icpc.top(2021)
    assert set(top10.loc[icpc.onzeker(top10), "diagnose"]) == PRINTED_UNCERTAIN
    text = icpc.onzeker_zin(top10)
    assert "4 van de 10" in text and "†" in text
    assert "eenduidig" in icpc.onzeker_zin(icpc.top(2021, icpc.CORONAPOST))


def test_sentences_report_the_covered_share_and_corona_post():
    text = icpc.samenvatting_zin(icpc.top(2021), 2021)
    assert "25.308" in text and "100.036" in text and "25,3%" in text
    corona = icpc.corona_sentence(icpc.top(2021, icpc.CORONAPOST), 2021)
    assert "973" in corona and "12,6%" in corona and "30,0%" in corona


def test_chart_has_value_labels_and_hatched_uncertain_bars():
    top10 = icpc.top(2021)
    fig, alt = icpc.grafiek(top10, 2021)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.texts]
    assert "4.145 (4,1%)" in labels and len(labels) == 10
    assert sum(1 for p in ax.patches if p.get_hatch()) == len(PRINTED_UNCERTAIN)
    assert "onzeker" in alt and "4.145" in alt
    assert fig.get_figwidth() <= 8


def test_years_without_the_list():
    assert not icpc.beschikbaar_voor(2020) and not icpc.beschikbaar_voor(2019)
    assert icpc.unavailable_sentence(2020).endswith("alleen te vinden voor 2021.")


def test_page_values_with_and_without_the_lists(tmp_path, monkeypatch):
    monkeypatch.setenv("JAARVERSLAG_ROOT", str(Path(__file__).resolve().parents[1]))
    monkeypatch.chdir(tmp_path)  # the tables' CSVs and the figure's PNG are written beside the notebook
    values = icpc.page_values(2021)
    assert set(values) == {"icpc_zin", "icpc_top"}
    assert values["icpc_zin"].startswith("De 10 meest gestelde diagnoses") and "4 van de 10" in values["icpc_zin"]
    block = values["icpc_top"].data
    assert block.index("<figure") < block.index("tbl-binnenlopers_icpc_top10") < block.index("<p>Op de coronapost")
    assert block.index("<p>Op de coronapost") < block.index("tbl-binnenlopers_icpc_coronapost")
    values = icpc.page_values(2020)
    assert values["icpc_zin"] == icpc.unavailable_sentence(2020) and "Niet beschikbaar" in values["icpc_top"].data
