"""Het jaar in vogelvlucht: timeline, projects and partners, recomputed from data/ and checked against the report."""

import matplotlib

matplotlib.use("Agg")

from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from jaarverslag.chapters import vogelvlucht as vv  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PAYLOAD = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"

# The 2021 jaarverslag (seeds/000_4b7b462fe0c6bb31.txt), section "Corona", names these press-conference
# days: 2 and 23 February, 8 and 23 March, 20 April, 11 May, 18 June, 9 July, 13 August, 14 September,
# 2, 12 and 26 November, 18 December.
PRINTED_PERSCONFERENTIES_2021 = [
    "2021-02-02",
    "2021-02-23",
    "2021-03-08",
    "2021-03-23",
    "2021-04-20",
    "2021-05-11",
    "2021-06-18",
    "2021-07-09",
    "2021-08-13",
    "2021-09-14",
    "2021-11-02",
    "2021-11-12",
    "2021-11-26",
    "2021-12-18",
]
# Same section, July block: "Aparte Coronapost Hengelo vanaf 1 juli gesloten".
PRINTED_CORONAPOST_DICHT_2021 = "2021-07-01"
# Section "Projecten - ontwikkelingen": seven items for 2021 plus the NEN 7510 project of section "ICT",
# and four items for 2022; the ZCC item is in both columns.
PRINTED_PROJECTEN_2021 = 8
PRINTED_PLANNEN_2022 = 4
# Section "Samenwerking - Ketenpartners": the introduction plus thirteen partner headings.
PRINTED_KETENPARTNERS_2021 = 14


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Run in a temporary folder (tables write their CSV there) while reading this project's data."""
    monkeypatch.setenv("JAARVERSLAG_ROOT", str(ROOT))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _tijdlijn_met(beschrijving: str, status: str = "zeker") -> vv.Timeline:
    frame = pd.DataFrame(
        {
            "jaar": [2021],
            "maand": [3],
            "nr": [1],
            "datum": ["2021-03-08"],
            "categorie": ["persconferentie"],
            "beschrijving": [beschrijving],
            "status": [status],
            "toelichting": [PAYLOAD if status == "onzeker" else pd.NA],
        }
    )
    return vv.make_timeline(frame, 2021)


def test_press_conferences_match_the_printed_days():
    tl = vv.tijdlijn(2021)
    days = tl.gebeurtenissen.loc[tl.gebeurtenissen["categorie"] == "persconferentie", "datum"].tolist()
    assert days == PRINTED_PERSCONFERENTIES_2021
    assert tl.persconferenties == len(PRINTED_PERSCONFERENTIES_2021)


def test_timeline_is_in_calendar_order_and_numbered():
    tl = vv.tijdlijn(2021)
    g = tl.gebeurtenissen
    assert g["nummer"].tolist() == list(range(1, tl.aantal + 1))
    assert g[["maand", "nr"]].apply(tuple, axis=1).is_monotonic_increasing
    assert tl.per_month().sum() == tl.aantal and len(tl.per_month()) == 12
    dated = g[g["datum"].notna()]
    assert (pd.to_datetime(dated["datum"]).dt.month == dated["maand"]).all()  # a dated event sits in its month
    table = vv.timeline_table(tl)
    assert list(table.columns) == ["Nr.", "Wanneer", "Gebeurtenis"]  # three columns fit a phone screen
    assert table.loc[table["Wanneer"] == "25 januari", "Gebeurtenis"].iloc[0].startswith("Vaccinatie: ")
    closing = g[(g["categorie"] == "coronapost") & g["datum"].notna()].iloc[0]
    assert closing["datum"] == PRINTED_CORONAPOST_DICHT_2021 and vv.date_text(closing["datum"]) == "1 juli"


def test_timeline_sentence_counts_from_data():
    tl = vv.tijdlijn(2021)
    zin = vv.tijdlijn_zin(tl, 2021)
    assert f"{tl.aantal} gebeurtenissen" in zin and "14 persconferenties" in zin
    busiest = tl.per_month().max()
    assert f"({busiest})" in zin


def test_projects_and_plans_match_the_report():
    pr = vv.projecten(2021)
    assert len(pr.gerealiseerd) == PRINTED_PROJECTEN_2021
    assert len(pr.gepland) == PRINTED_PLANNEN_2022
    assert len(pr.continuing) == 1 and pr.continuing[0].startswith("Zorg Coördinatie Centrum")
    zin = vv.projecten_zin(pr, 2021)
    assert "8 projecten" in zin and "1 op het gebied van ICT" in zin and "voor 2022 staan er 4" in zin


def test_uncertain_project_is_marked_and_explained(in_tmp):
    pr = vv.projecten(2021)
    html = vv.projecten_html(pr, 2021, gepland=False).data
    assert html.count("†") >= 2  # the marked row and the caption's explanation
    assert "NEN 7510" in html and "(uit de sectie ICT)" in html  # the one project from section ICT says so
    zin = vv.projecten_uncertain_sentence(pr)
    assert "Opleiden junior triagisten" in zin and "2022" in zin
    assert vv.onzeker_zin(pr.gepland, "project", "plannen").startswith("Alle plannen")
    assert vv.timeline_uncertain_sentence(vv.tijdlijn(2021)).startswith("Alle gebeurtenissen")


def test_partners_match_the_report(in_tmp):
    partners = vv.ketenpartners(2021)
    assert len(partners) == PRINTED_KETENPARTNERS_2021
    html = vv.ketenpartners_html(partners, 2021).data
    assert "<caption>" in html and html.count("<tr>") == PRINTED_KETENPARTNERS_2021 + 1


def test_years_without_data_get_clear_sentences(in_tmp):
    for jaar in (2019, 2020):
        tl, pr, partners = vv.tijdlijn(jaar), vv.projecten(jaar), vv.ketenpartners(jaar)
        assert tl is None and pr is None and partners is None
        # In running text: where the data do exist (only 2021 has these tables).
        for zin in (vv.tijdlijn_zin(tl, jaar), vv.projecten_zin(pr, jaar), vv.ketenpartners_zin(partners, jaar)):
            assert "alleen vastgelegd voor 2021" in zin
        # In place of a chart or table: one box per section saying what is missing for this year.
        boxes = [
            vv.timeline_block(tl, jaar).data,
            vv.projecten_block(pr, jaar).data,
            vv.ketenpartners_html(partners, jaar).data,
        ]
        for box in boxes:
            assert box.count("Niet beschikbaar") == 1 and f"voor {jaar}" in box and "<table" not in box
        texts = [
            *boxes,
            vv.kerncijfers(tl, pr, partners),
            vv.timeline_uncertain_sentence(tl),
            vv.projecten_uncertain_sentence(pr),
        ]
        for text in texts:
            assert text.strip()
            assert "nan" not in text.lower().split() and "None" not in text and "<NA>" not in text
        assert not list(in_tmp.rglob("*.png"))  # no empty chart is drawn


def test_sentence_when_no_other_year_has_the_table():
    assert (
        vv.elsewhere_sentence("een tijdlijn van corona", "corona_tijdlijn", 2021, ROOT)
        == "Een tijdlijn van corona is voor geen enkel verslagjaar vastgelegd."
    )


def test_data_text_is_escaped_in_every_rendering(in_tmp):
    tl = _tijdlijn_met(PAYLOAD, status="onzeker")
    html = vv.timeline_block(tl, 2021).data  # chart (with alt text) and table
    assert ESCAPED in html and PAYLOAD not in html
    assert "alert" not in html.split("<table")[0]  # descriptions stay off the chart and out of its alt text
    assert "†" in html  # the uncertain event is marked
    rij = {"nr": [1], "project": [PAYLOAD], "sectie": ["ICT"], "status": ["zeker"]}
    pr = vv.Projecten(jaar=2021, gerealiseerd=pd.DataFrame(rij), gepland=pd.DataFrame(rij))
    html = vv.projecten_block(pr, 2021).data
    assert html.count(ESCAPED) == 2 and PAYLOAD not in html
    partners = pd.DataFrame({"partner": [PAYLOAD], "samenwerking": [PAYLOAD], "status": ["zeker"]})
    html = vv.ketenpartners_html(partners, 2021).data
    assert html.count(ESCAPED) == 2 and PAYLOAD not in html


def test_timeline_chart_has_one_marker_per_event_and_distinct_shapes(tmp_path):
    import matplotlib.pyplot as plt

    tl = vv.tijdlijn(2021)
    fig, alt = vv.timeline_chart(tl)
    ax = fig.axes[0]
    assert sum(len(c.get_offsets()) for c in ax.collections) == tl.aantal
    assert len({vv.MARKERS[i] for i in range(len(ax.collections))}) == len(ax.collections)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert "Persconferentie" in labels and fig.get_size_inches()[0] <= 8
    assert f"{tl.aantal} gebeurtenissen" in alt and "persconferentie 14" in alt
    plt.close(fig)


def test_page_values_with_and_without_the_tables(in_tmp):
    keys = {
        "jaar",
        "volgend_jaar",
        "tijdlijn_zin",
        "tijdlijn_onzeker",
        "projecten_zin",
        "projecten_onzeker",
        "ketenpartners_zin",
        "tijdlijn",
        "projecten_tabellen",
        "ketenpartners_tabel",
    }
    values = vv.page_values(2021)
    assert set(values) == keys and values["volgend_jaar"] == "2022"
    assert values["tijdlijn_zin"] == vv.tijdlijn_zin(vv.tijdlijn(2021), 2021)
    assert (in_tmp / "figuren" / f"{vv.TIMELINE_FIGURE}.png").is_file() and "<figure" in values["tijdlijn"].data
    values = vv.page_values(2019)
    assert set(values) == keys and "alleen vastgelegd voor 2021" in values["tijdlijn_zin"]
    assert all("Niet beschikbaar" in values[k].data for k in ("tijdlijn", "projecten_tabellen", "ketenpartners_tabel"))
