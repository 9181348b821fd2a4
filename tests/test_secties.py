"""The registration-only sections (Bereikbaarheid en aanrijtijden, Drukte en urgentie), checked by hand.

The records below are made up; every expected figure was worked out by hand from them (and is recomputed
in plain Python where a rule is involved), never by running the queries. A percentile is the nearest rank:
of n sorted values the one at position ceil(q * n).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

import test_browser
from browser_survey import ARTEFACTS, CHROMIUM, VIEWPORTS, serve
from jaarverslag.chapters import bereikbaarheid as bb
from jaarverslag.chapters import drukte as dr
from jaarverslag.data import registrations
from jaarverslag.render import suppression
from test_registrations import make_project
from test_voorbeeld import voorbeeld  # noqa: F401 - the one registrations-fed build, shared

browser = test_browser.browser  # the browser tests' own fixture, shared

JAAR = 2021

# Hengelo spoedlijn: twelve calls on Saturday 2 January, 10.00-11.00; eleven answered, one caller hung up.
H_SPOED = [5, 10, 12, 15, 20, 25, 28, 29, 30, 31, 45]
# Enschede spoedlijn: ten calls on Sunday 3 January, 20.00-21.00, all answered.
E_SPOED = list(range(1, 11))
# Reguliere lijn: Enschede ten calls (the last, 700 s, hung up), Hengelo three (a small cell), Monday 4 January.
E_REGULIER = [30, 60, 90, 119, 120, 121, 300, 599, 600, 700]
H_REGULIER = [10, 20, 30]
# U1 visits of Hengelo: seconds from request to arrival.
U1_HENGELO = [300, 600, 900, 1140, 1199, 1200, 1500, 1740, 1800, 2700]


def _calls() -> str:
    rows = ["oproep_id,binnenkomst,post,lijn,wachttijd_s,beantwoord"]
    for i, wait in enumerate(H_SPOED):
        rows.append(f"HS{i},2021-01-02 10:{i:02d}:00,Hengelo,spoedlijn,{wait},ja")
    rows.append("HS99,2021-01-02 10:59:00,Hengelo,spoedlijn,8,nee")
    for i, wait in enumerate(E_SPOED):
        rows.append(f"ES{i},2021-01-03 20:{i:02d}:00,Enschede,spoedlijn,{wait},ja")
    for i, wait in enumerate(E_REGULIER):
        rows.append(f"ER{i},2021-01-04 18:{i:02d}:00,Enschede,reguliere lijn,{wait},{'nee' if wait == 700 else 'ja'}")
    for i, wait in enumerate(H_REGULIER):
        rows.append(f"HR{i},2021-01-04 19:{i:02d}:00,Hengelo,reguliere lijn,{wait},ja")
    return "\n".join(rows) + "\n"


def _contacts_and_visits() -> tuple[str, str]:
    contacts = ["contact_id,starttijd,post,verrichting,urgentie,leeftijd,geslacht,gemeente,icpc,binnenloper"]
    visits = ["contact_id,urgentie,aanvraag,aankomst"]
    for i, seconds in enumerate(U1_HENGELO):
        contacts.append(f"V{i},2021-03-06 10:{i:02d}:00,Hengelo,Visite,U1,85,V,Hengelo,R74,nee")
        arrival = 60 * (10 * 60 + i) + 60 + seconds  # requested one minute after the start
        hh, rest = divmod(arrival, 3600)
        visits.append(f"V{i},U1,2021-03-06 10:{i + 1:02d}:00,2021-03-06 {hh:02d}:{rest // 60:02d}:{rest % 60:02d}")
    for i in range(12):
        contacts.append(f"C{i},2021-03-01 18:{i:02d}:00,Enschede,Consult huisarts,U3,30,M,Enschede,A03,nee")
    for i in range(3):
        contacts.append(f"T{i},2021-03-01 18:{30 + i:02d}:00,Enschede,Telefonisch consult,U5,30,V,Enschede,A03,nee")
    return "\n".join(contacts) + "\n", "\n".join(visits) + "\n"


def nearest_rank(values: list[int], q: float) -> int:
    """The percentile as the book defines it, in plain Python."""
    ordered = sorted(values)
    return ordered[math.ceil(q * len(ordered)) - 1]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    contacts, visits = _contacts_and_visits()
    files = {"contacten.csv": contacts, "oproepen.csv": _calls(), "visites.csv": visits}
    root = make_project(tmp_path_factory.mktemp("secties"), files)
    assert registrations.check_records(JAAR, root) == []
    return root


def test_nearest_rank_by_hand():
    assert [nearest_rank(H_SPOED, q) for q in (0.5, 0.9, 0.99)] == [25, 31, 45]  # positions 6, 10, 11 of 11
    assert [nearest_rank(list(range(1, 11)), q) for q in (0.5, 0.9, 0.99)] == [5, 9, 10]


def test_waiting_time_percentiles_and_hung_up_calls_match_the_hand_count(project):
    frame = registrations.section_table("telefonie", JAAR, project)
    got = {(r.lijn, r.post): tuple(r)[3:] for r in frame.itertuples(index=False)}
    sht_spoed = H_SPOED + E_SPOED
    sht_regulier = [w for w in E_REGULIER if w != 700] + H_REGULIER
    expected = {
        ("spoedlijn", "Hengelo"): (12, 11, 1, 25, 31, 45),
        ("spoedlijn", "Enschede"): (10, 10, 0, 5, 9, 10),
        ("spoedlijn", "SHT"): (22, 21, 1, 10, 30, 45),
        ("reguliere lijn", "Hengelo"): (3, 3, 0, 20, 30, 30),
        ("reguliere lijn", "Enschede"): (10, 9, 1, 120, 600, 600),
        ("reguliere lijn", "SHT"): (13, 12, 1, 90, 599, 600),
    }
    assert got == expected
    # the same percentiles recomputed from the lists
    assert [nearest_rank(sht_spoed, q) for q in (0.5, 0.9, 0.99)] == [10, 30, 45]
    assert [nearest_rank(sht_regulier, q) for q in (0.5, 0.9, 0.99)] == [90, 599, 600]


def test_norm_shares_overall_and_per_hour_of_week_match_the_hand_count(project):
    shares = bb.telefonie(JAAR, project)["normen"].set_index(["norm_id", "post"])["resultaat_pct"]
    # strictly below the limit and answered; the hung-up call counts in the denominator only
    assert shares[("tel_spoedlijn_30s", "Hengelo")] == pytest.approx(66.67)  # 8 of 12
    assert shares[("tel_spoedlijn_30s", "SHT")] == pytest.approx(81.82)  # 18 of 22
    assert shares[("tel_patientenlijn_2min", "Enschede")] == pytest.approx(40.0)  # 30, 60, 90, 119 of 10
    assert shares[("tel_patientenlijn_10min", "Enschede")] == pytest.approx(80.0)  # answered below 600 s: 8 of 10
    assert shares[("tel_patientenlijn_10min", "SHT")] == pytest.approx(84.62)  # 11 of 13
    hours = registrations.section_table("telefonie_uur", JAAR, project)
    sht = hours[(hours["post"] == "SHT") & (hours["norm_id"] == "tel_spoedlijn_30s")]
    # Saturday (ISO 6) 10.00-11.00: Hengelo's twelve calls, 8 in time; Sunday (7) 20.00-21.00: Enschede's ten
    assert sorted(tuple(int(x) for x in r) for r in sht[["weekdag", "uur", "oproepen", "binnen_norm"]].values) == [
        (6, 10, 12, 8),
        (7, 20, 10, 10),
    ]
    t = bb.telefonie(JAAR, project)
    missed = t["uren"][(t["uren"]["post"] == "SHT") & t["uren"]["gemist"]]
    assert {(r.norm_id, r.weekdag, r.uur) for r in missed.itertuples()} >= {("tel_spoedlijn_30s", 6, 10)}
    assert "zaterdag 10–11 uur (66,7%)" in bb._hours_sentence(t, JAAR)


def test_a_small_line_is_hidden_with_its_complement_and_no_share_over_fewer_than_10_is_shown(project):
    t = bb.telefonie(JAAR, project)
    table = bb.telefonie_tabel(t).set_index(["Lijn", "Post"])
    # Hengelo's three regular-line calls are a small cell; Enschede's ten would give them back from SHT's 13.
    assert table.loc[("reguliere lijn", "Hengelo"), "Gesprekken"] == "<10"
    assert table.loc[("reguliere lijn", "Enschede"), "Gesprekken"] == "×"
    assert table.loc[("reguliere lijn", "SHT"), "Gesprekken"] == 13
    for post in ("Hengelo", "Enschede"):
        assert set(table.loc[("reguliere lijn", post)].drop("Gesprekken")) == {suppression.DERIVED}
    assert table.loc[("spoedlijn", "Hengelo"), "Mediaan wachttijd"] == "25 s"
    assert table.loc[("reguliere lijn", "SHT"), "90% binnen"] == "9 min 59 s"
    states = bb._post_states(t["lijnen"], "lijn", "oproepen")
    norms = bb.normen_tabel(t["normen"], "lijn", "oproepen", states).set_index("Norm")
    regular = norms[norms.index.str.startswith("Patiëntenlijn")]
    assert set(regular["Hengelo"]) == set(regular["Enschede"]) == {suppression.DERIVED}
    assert regular["SHT"].tolist() == ["54% ✗", "85% ✗"]  # 7 and 11 of 13, shown as whole percents
    assert norms.loc["Spoedlijn opgenomen < 30 seconden", "Hengelo"] == "67% ✗"  # 8 of 12
    csv = bb.normen_csv(t["normen"], "lijn", "oproepen", states).set_index(["Norm", "Post"])
    assert csv.loc[("Spoedlijn opgenomen < 30 seconden", "SHT"), "Binnen de grens (%)"] == pytest.approx(81.82)
    assert csv.loc[("Patiëntenlijn opgenomen < 2 minuten", "Enschede"), "Binnen de grens (%)"] == suppression.DERIVED


def test_arrival_times_norms_and_distribution_match_the_hand_count(project):
    a = bb.aanrijtijden(JAAR, project)
    per = a["per"].set_index(["urgentie", "post"])
    assert tuple(per.loc[("U1", "Hengelo"), ["visites", "mediaan_s", "p90_s", "p99_s"]]) == (10, 1199, 1800, 2700)
    assert [nearest_rank(U1_HENGELO, q) for q in (0.5, 0.9, 0.99)] == [1199, 1800, 2700]
    shares = a["normen"].set_index(["norm_id", "post"])["resultaat_pct"]
    assert shares[("u1_visite_20min", "Hengelo")] == pytest.approx(50.0)  # below 1200 s: 5 of 10
    assert shares[("u1_visite_30min", "Hengelo")] == pytest.approx(80.0)  # below 1800 s: 8 of 10
    curve = a["verdeling"].set_index(["urgentie", "post", "minuten"])["binnen"]
    expected = {m: sum(s < 60 * m for s in U1_HENGELO) for m in (5, 10, 20, 30, 45, 46)}
    assert (
        {m: int(curve[("U1", "Hengelo", m)]) for m in expected}
        == expected
        == {5: 0, 10: 1, 20: 5, 30: 8, 45: 9, 46: 10}
    )
    text = bb.aanrijtijden_zin(a, JAAR)
    assert "50% binnen 20 minuten" in text and "De helft was er binnen 19 min 59 s, 90% binnen 30 min" in text
    assert "U2-visites zijn er in 2021 minder dan 10 of geen" in text
    assert "Per post gemist: Hengelo (binnen 20 minuten en binnen 30 minuten)." in text


def test_busy_hours_and_urgency_mix_match_the_hand_count_with_small_cells_hidden(project):
    frame = dr.drukte(JAAR, project)
    assert dr.weeks_per_weekday(JAAR) == {1: 52, 2: 52, 3: 52, 4: 52, 5: 53, 6: 52, 7: 52}  # 365 days from a Friday
    top = dr.peaks(frame, 2)
    assert [(int(r.weekdag), int(r.uur), int(r.contacten)) for r in top.itertuples()] == [(1, 18, 15), (6, 10, 10)]
    assert top["per_week"].round(4).tolist() == [round(15 / 52, 4), round(10 / 52, 4)]
    assert "maandag 18–19 uur (gemiddeld 0 per week)" in dr.drukte_zin(frame, JAAR)
    csv = dr.drukte_csv(frame)
    small = csv[(csv["Post"] == "Enschede") & (csv["Soort contact"] == "Advies/telefonisch consult")]
    assert small[["Contacten in het jaar", "Gemiddeld per week"]].values.tolist() == [["<10", "×"]]

    order = dr.urgency_order(project)
    table = dr.wide(dr.urgentie(JAAR, project), order)
    shown = dr.urgentie_tabel(table, order, dr.hidden_cells(table, order)).set_index("Post, leeftijd of soort")
    # Enschede: U3 12 and U5 3 -> the 3 is hidden, and so is the 12 (its row's complement); SHT's U3 (12) goes
    # too, since Hengelo's U3 is 0: SHT minus Hengelo would give Enschede's 12 back. Advies/telefonisch consult
    # has 3 contacts in all: its total is hidden, so is a second total of the kinds (Visite, 10), and the
    # cascade runs through SHT's U1 to Hengelo and 80+ (every sum keeps two or no hidden members).
    assert shown.loc["Enschede", ["U3", "U5", "Totaal"]].tolist() == ["×", "<10", "×"]
    assert shown.loc["SHT", ["U1", "U3", "U5", "Totaal"]].tolist() == ["×", "×", "<10", 25]
    assert shown.loc["Hengelo", ["U1", "Totaal"]].tolist() == ["×", "×"]
    assert shown.loc["80+ jaar", "U1"] == "×"
    assert shown.loc["Advies/telefonisch consult", ["U5", "Totaal"]].tolist() == ["<10", "<10"]
    text = dr.urgentie_zin(table, JAAR)
    # SHT's U1 and U3 are hidden: neither the urgent share (10 of 25) nor the most frequent U3 (12 of 25) is said
    assert "Van de 25 contacten van SHT in 2021 zijn de aandelen per urgentie afgeschermd" in text
    assert "40,0%" not in text and "48,0%" not in text


def test_a_year_without_registrations_renders_every_section_as_one_sentence(built_project):
    """The session build's real years have no registrations: each section is its one sentence, nothing else."""
    for jaar in (2019, 2020, 2021):
        glued = {}
        for notebook in ("bereikbaarheid", "drukte"):
            path = built_project / "_build" / "nb" / str(jaar) / notebook / f"{notebook}.ipynb"
            for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
                for output in cell.get("outputs", []):
                    name = output.get("metadata", {}).get("scrapbook", {}).get("name")
                    if name:
                        glued[name] = output["data"]
        for section in ("telefonie", "aanrijtijden", "drukte", "urgentie"):
            sentence = json.dumps(glued[f"{section}_zin"], ensure_ascii=False)
            assert "alleen uit de registraties te berekenen" in sentence and f"voor {jaar}" in sentence
            assert "<figure" not in json.dumps(glued[section]) and "<table" not in json.dumps(glued[section])
        page = (built_project / "site" / str(jaar) / "book" / "bereikbaarheid.html").read_text(encoding="utf-8")
        assert page.count("alleen uit de registraties te berekenen") == 2
        page = (built_project / "site" / str(jaar) / "book" / "drukte.html").read_text(encoding="utf-8")
        assert page.count("alleen uit de registraties te berekenen") == 2


SECTION_PAGES = ("bereikbaarheid", "drukte")


@pytest.fixture(scope="module")
def voorbeeld_url(request):
    """The registrations-fed copy of test_voorbeeld.py (one build per session, shared), served."""
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed; browser tests skipped")
    project = request.getfixturevalue("voorbeeld")["project"]
    yield from serve(project / "site")


def test_the_synthetic_year_shows_every_section_with_chart_and_table_readable_at_both_widths(voorbeeld_url, browser):
    """make voorbeeld's 2021: both pages carry their charts and tables, fit a phone and a desktop, and hide no count
    that the small-cell rule would show (screenshots in the browser tests' artefacts folder)."""
    from test_phone import layout_problems

    problems = []
    ARTEFACTS.mkdir(exist_ok=True)
    for name, viewport in VIEWPORTS.items():
        page = browser.new_page(viewport=viewport)
        for stem in SECTION_PAGES:
            page.goto(f"{voorbeeld_url}/2021/book/{stem}.html")
            page.wait_for_load_state("networkidle")
            text = page.inner_text("article")
            assert "alleen uit de registraties te berekenen" not in text
            assert page.locator("article figure img").count() == 2
            assert page.locator("article table").count() >= 2
            assert page.locator("article a[download]").count() >= 3
            problems += layout_problems(page, stem, viewport)
            page.screenshot(path=str(ARTEFACTS / f"{stem}-voorbeeld-{name}.png"), full_page=True)
        page.close()
    assert not problems, "\n".join(problems)


def test_a_small_group_total_gets_a_complement_so_sht_minus_the_others_does_not_give_it_back():
    """Age groups sum to SHT: a hidden group total needs a second hidden total in that breakdown (and per urgency)."""
    order = ["U1", "U2", "U3"]
    rows = [
        ("post", "SHT", 2, 13, 40),
        ("leeftijdsgroep", "0-10", 1, 0, 4),  # total 5: hidden, and its cells
        ("leeftijdsgroep", "10-20", 1, 5, 14),  # total 20
        ("leeftijdsgroep", "80+", 0, 8, 22),  # total 30
    ]
    table = pd.DataFrame(rows, columns=["indeling", "groep", *order])
    table["totaal"] = table[order].sum(axis=1)
    states = dr.hidden_cells(table, order)
    totals = [i for i in table.index if (i, "totaal") in states]
    assert 1 in totals and len([i for i in totals if table.at[i, "indeling"] == "leeftijdsgroep"]) >= 2
    shown = dr.urgentie_tabel(table, order, states)
    # No column of the age block, nor the totals, has exactly one hidden member beside SHT's shown cell.
    for column in [*order, "Totaal"]:
        cells = shown[column].iloc[1:].tolist()
        assert sum(suppression.is_label(c) for c in cells) != 1
    chart = dr.chart_frame(table, order, states)
    assert "0-10 jaar" not in chart["groep"].tolist()  # a hidden total is not drawn as shares
