"""Registrations: small cells hidden with complementary suppression, the execution cache keyed on record files,
and real builds: bad records build nothing, and a registrations-fed site shows no record id and no hidden count.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from jaarverslag.build import cache
from jaarverslag.chapters import binnenlopers as bl
from jaarverslag.data.load import load_table
from jaarverslag.data.population import UNKNOWN
from jaarverslag.data.registrations import disclosure
from jaarverslag.data.registrations.derive import NORM_SOURCES
from jaarverslag.render import suppression
from test_registrations import CONTACTEN, OPROEPEN, VISITES, make_project, reads_of
from test_voorbeeld import voorbeeld  # noqa: F401 - the one registrations-fed build, shared

from conftest import CACHED_OUTPUTS, ROOT, SOURCE_ITEMS, copy_project, run_build

JAAR = 2021


def test_a_small_count_is_hidden_and_so_is_the_smallest_other_part_of_its_sum():
    states = disclosure.suppress(
        {"Hengelo": 317, "Enschede": 1353, "Coronapost": 1}, [["Hengelo", "Enschede", "Coronapost"]]
    )
    assert states == {"Coronapost": disclosure.PRIMARY, "Hengelo": disclosure.SECONDARY}
    # Zero is a real, publishable count; two small cells protect each other; 10 is not small.
    assert disclosure.suppress({"a": 0, "b": 50, "c": 10}, [["a", "b", "c"]]) == {}
    assert disclosure.suppress({"a": 3, "b": 50, "c": 4}, [["a", "b", "c"]]) == {"a": "primair", "c": "primair"}
    assert disclosure.SMALL_CELL_THRESHOLD == 10


def test_complementary_suppression_leaves_no_row_or_column_sum_with_one_hidden_cell():
    # A 3x3 table published with row and column totals; one small cell. Hiding a second cell in its row
    # leaves that cell alone in its column, and so on until every row and column has none or at least two.
    cells = {
        ("a", "x"): 2, ("a", "y"): 40, ("a", "z"): 50,
        ("b", "x"): 30, ("b", "y"): 35, ("b", "z"): 60,
        ("c", "x"): 70, ("c", "y"): 80, ("c", "z"): 90,
    }  # fmt: skip
    rows = [[k for k in cells if k[0] == r] for r in "abc"]
    columns = [[k for k in cells if k[1] == c] for c in "xyz"]
    states = disclosure.suppress(cells, rows + columns)
    assert states[("a", "x")] == disclosure.PRIMARY
    for group in rows + columns:
        assert sum(k in states for k in group) != 1, group
    # The complements are the smallest available: (a, y) 40 in row a, (b, x) 30 in column x, then (b, y) 35.
    assert set(states) == {("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")}


def test_a_small_total_is_hidden_too_and_counts_as_a_hidden_member_of_its_own_sum():
    T = disclosure.TOTAL
    frame = pd.DataFrame(
        {
            "post": ["Hengelo", "Hengelo", "Enschede", "Enschede", "Coronapost", "Coronapost"],
            "verrichting": ["A", "B"] * 3,
            "aantal": [100, 200, 300, 400, 3, 4],
        }
    )
    states = disclosure.table_states("verrichtingen", frame)
    # The corona post's cells and its total (7) are small; per type the smallest other post is the complement, and
    # among the post totals (which add up to SHT) Hengelo's, so SHT minus the shown totals gives nothing back.
    assert states == {
        ("Coronapost", "A"): "primair", ("Coronapost", "B"): "primair", ("Coronapost", T): "primair",
        ("Hengelo", "A"): "secundair", ("Hengelo", "B"): "secundair", ("Hengelo", T): "secundair",
    }  # fmt: skip


def test_hide_labels_the_counts_and_what_is_computed_from_them():
    table = pd.DataFrame({"Post": ["Hengelo", "Coronapost"], "2021": [40, 3], "Aandeel": [93.0, 7.0]})
    shown = suppression.hide(table, {("Coronapost",): "primair"}, ["Post"], counts=["2021"], derived=["Aandeel"])
    assert shown["2021"].tolist() == [40, "<10"] and shown["Aandeel"].tolist() == [93.0, "×"]
    assert table["2021"].tolist() == [40, 3]  # the exact table is left alone
    assert suppression.hide(table, {}, ["Post"], counts=["2021"]) is table


def _walk_in_records() -> str:
    """Contacts with 12 walk-ins at Hengelo, 20 at Enschede and 1 at the corona post."""
    lines = [CONTACTEN.splitlines()[0]]
    counts = {"Hengelo": (30, 12), "Enschede": (30, 20), "Coronapost": (3, 1)}
    n = 0
    for post, (total, walk_ins) in counts.items():
        for i in range(total):
            n += 1
            binnen = "ja" if i < walk_ins else "nee"
            lines.append(f"K{n:04d},2021-03-01 20:00:00,{post},Consult huisarts,U3,40,V,Hengelo,A03,{binnen}")
    return "\n".join(lines) + "\n"


def test_walk_in_page_hides_the_small_count_its_complement_and_every_change_computed_from_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the page writes its CSV download beside the notebook
    project = make_project(tmp_path, {"contacten.csv": _walk_in_records(), "oproepen.csv": OPROEPEN})
    hidden = bl.hidden(JAAR, project)
    assert hidden.dit_jaar == {"Coronapost": "primair", "Hengelo": "secundair"} and hidden.vorig_jaar == {}
    values = bl.page_values(JAAR, project)
    sentence = values["binnenlopers_zin"]
    assert "de coronapost minder dan 10" in sentence and "Hengelo een afgeschermd aantal" in sentence
    assert "Enschede 20" in sentence and "33 patiënten" in sentence  # the total stays: two parts are hidden
    assert "Hengelo −" not in sentence and "coronapost −" not in sentence  # no change of a hidden post
    table = bl.book_table(bl.overview(JAAR, project), hidden).set_index("Spoedpost")
    assert table.loc["Coronapost", "2021"] == "<10" and table.loc["Hengelo", "2021"] == "×"
    assert table.loc["Coronapost", "Verandering t.o.v. 2020"] == "×"
    assert table.loc["Enschede", "2021"] == 20
    html = values["binnenlopers_tabel"].data
    assert "&lt;10" in html and "minder dan 10, afgeschermd" in html
    assert ">1<" not in html.split("Coronapost")[1].split("</tr>")[0]


def test_the_csv_download_writes_the_labels_not_the_counts(tmp_path):
    project = make_project(tmp_path, {"contacten.csv": _walk_in_records(), "oproepen.csv": OPROEPEN})
    from jaarverslag.render import tables

    b = bl.overview(JAAR, project)
    path = tables.write_csv(bl.book_table(b, bl.hidden(JAAR, project)), "binnenlopers", tmp_path)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1] == "Hengelo;429;×;×" and lines[3] == "Coronapost;4;<10;×"
    assert lines[2].startswith("Enschede;1200;20;")


def test_a_tiny_year_shows_no_count_of_a_procedure_a_diagnosis_or_a_norm_percentage(tmp_path, monkeypatch):
    from jaarverslag.chapters import branchenormen_numbers as bnn
    from jaarverslag.chapters import icpc
    from jaarverslag.chapters import verrichtingen as vr

    monkeypatch.chdir(tmp_path)  # the pages write their CSV downloads beside the notebook
    project = make_project(tmp_path, {"contacten.csv": CONTACTEN, "oproepen.csv": OPROEPEN, "visites.csv": VISITES})
    values = vr.page_values(JAAR, project)
    assert values["totaal"] == "minder dan 10"  # 8 contacts in all
    assert "Hengelo minder dan 10" in values["per_post_zin"] and "afgeschermd" in values["vergelijking"]
    frame, vorig = vr.overview(JAAR, project)
    table = vr.book_table(frame, JAAR, vorig, vr.hidden(JAAR, project))
    assert set(table["2021"]) == {"<10"} and set(table["Verandering t.o.v. 2020"]) == {"×"}
    assert "(3)" not in values["figuur"].data and "(2)" not in values["figuur"].data  # the alt text
    top = icpc.page_values(JAAR, project)
    tabel = top["icpc_top"].data
    assert "&lt;10" in tabel
    states = icpc.hidden(JAAR, project)
    for post in (icpc.SHT, icpc.CORONAPOST):
        shown = icpc.book_table(icpc.top(JAAR, post, project), states, post)
        assert set(shown["Aantal"]) == {"<10"} and set(shown["Aandeel"]) == {"×"}
    assert "minder dan 10" in top["icpc_zin"] and not re.search(r"\(\d+ keer", top["icpc_zin"])
    # Branchenormen: every result over 1 to 9 calls or visits is blank with the reason, and judged as no norm.
    frame = bnn.resultaten(JAAR, project)
    fed = frame[frame["norm_id"].isin(list(NORM_SOURCES))]
    hidden = fed[fed["status"] == bnn.HIDDEN]
    assert len(hidden) and fed["status"].isin([bnn.HIDDEN, "ontbreekt"]).all()  # none over 10 or more
    assert hidden["resultaat_pct"].isna().all() and set(hidden["oordeel"]) == {bnn.HIDDEN_VERDICT}
    counts = bnn.tellingen(frame)
    assert sum(t.afgeschermd for t in counts.values()) == len(hidden)  # neither missing nor judged
    assert all(t.beoordeeld == t.totaal - t.ontbreekt - t.afgeschermd for t in counts.values())


def test_typed_years_keep_their_small_counts():
    # Typed 2021 binnenlopers has the corona post at 1: the typed book shows it as printed.
    assert bl.hidden(JAAR).dit_jaar == {}
    assert disclosure.hidden_cells("binnenlopers", JAAR) == {}


def test_a_registration_fed_table_whose_pages_cannot_hide_a_small_count_stops_the_build(tmp_path, monkeypatch):
    project = make_project(tmp_path, {"contacten.csv": CONTACTEN, "oproepen.csv": OPROEPEN, "visites.csv": VISITES})
    from jaarverslag.data.registrations import source_problems

    def blocked() -> set[str]:
        return {Path(p.bestand).stem for p in source_problems(JAAR, project) if "niets gebouwd" in p.fout}

    # Every registration-fed table's pages hide small counts themselves: nothing stops this tiny year.
    assert blocked() == set()
    # A table without that support (as zorgconsumptie was) fails closed: the guard stays for new tables.
    supported = tuple(n for n in disclosure.PAGES_SUPPORT if n != "zorgconsumptie")
    monkeypatch.setattr(disclosure, "PAGES_SUPPORT", supported)
    assert blocked() == {"zorgconsumptie"}


SMALL_AGE_GROUP = {"Advies triagist (i.o.)": 2, "Consult huisarts": 1, "Visite": 3}


def _age_records() -> str:
    """Contacts with 6 in the 0-10 group and at least 20 of every other age group and soort (one gemeente)."""
    lines = [CONTACTEN.splitlines()[0]]
    kinds = {"Advies triagist (i.o.)": "Advies/telefonisch consult", "Consult huisarts": "Consult", "Visite": "Visite"}
    ages = {"0-10": 5, "10-20": 15, "20-40": 30, "40-60": 50, "60-80": 70, "80+": 85}
    n = 0
    for gi, (groep, leeftijd) in enumerate(ages.items()):
        for vi, verrichting in enumerate(kinds):  # every count and group total different
            aantal = SMALL_AGE_GROUP[verrichting] if groep == "0-10" else 20 + 4 * gi + vi
            for _ in range(aantal):
                n += 1
                urgentie = "U2" if verrichting == "Visite" else "U3"
                lines.append(
                    f"K{n:04d},2021-03-01 20:00:00,Hengelo,{verrichting},{urgentie},{leeftijd},V,Hengelo,A03,nee"
                )
    return "\n".join(lines) + "\n"


def test_age_tables_hide_small_cells_on_every_page_and_withhold_what_would_give_them_back(tmp_path, monkeypatch):
    from jaarverslag.chapters import kerncijfers_landelijk as kl
    from jaarverslag.chapters import model_leeftijd as ml
    from jaarverslag.chapters import populatie as po
    from jaarverslag.chapters import vooruitblik as vb
    from jaarverslag.chapters import zorgconsumptie_standaard as zs

    monkeypatch.chdir(tmp_path)  # pages write their CSV downloads beside the notebook
    project = make_project(tmp_path, {"contacten.csv": _age_records(), "oproepen.csv": OPROEPEN})
    T, L = disclosure.TOTAL, suppression.LABELS
    frame = load_table("hulpvragen_leeftijd", JAAR, project)
    exact = {(r.leeftijdsgroep, r.soort): int(r.aantal) for r in frame.itertuples(index=False)}
    h = po.hulpvragen(JAAR, project)
    states = h.verborgen.dit_jaar
    assert states[("0-10", "Visite")] == disclosure.PRIMARY
    # The complement in each column (soort) and among the group totals.
    assert sum(k[0] == "0-10" and k[1] != T for k in states) >= 2 and sum(k[1] == "Visite" for k in states) >= 2
    for g in {k[0] for k in exact}:  # complement rule on the published table, totals included
        assert sum(k in states for k in [*(k for k in exact if k[0] == g), (g, T)]) != 1
    for s_ in {k[1] for k in exact}:
        assert sum(k in states for k in [*(k for k in exact if k[1] == s_), (T, s_)]) != 1
    hidden_groups = {k[0] for k in states if k[1] == T and k[0] != T}
    assert states[("0-10", T)] == disclosure.PRIMARY  # 6 in all: the group total is small too
    assert any(s == disclosure.SECONDARY for k, s in states.items() if k[1] == T and k[0] not in ("0-10", T))

    counts = po.tabel_aantallen(h).set_index("Leeftijdsgroep")
    assert counts.loc["0-10 jaar", "Visite"] == L[disclosure.PRIMARY]
    for (g, soort), n in exact.items():
        shown = counts.loc[f"{g} jaar", po.TYPE_HEADERS.get(soort, soort)]
        assert shown == (L[states[(g, soort)]] if (g, soort) in states else n)
    rates = po.per_1000_table(h).set_index("Leeftijdsgroep")
    for g in hidden_groups:
        assert counts.loc[f"{g} jaar", f"Totaal {JAAR}"] in L.values()
        assert rates.loc[f"{g} jaar", f"Per 1.000 inwoners {JAAR}"] == suppression.DERIVED
        assert counts.loc[f"{g} jaar", f"Verandering t.o.v. {JAAR - 1}"] == suppression.DERIVED
    values = po.page_values(JAAR, project)
    printed = {line.split()[0]: line.split() for line in po.kerncijfers(JAAR, project).splitlines()[2:]}
    for g in hidden_groups:  # no sentence names a hidden group (its count, rate or change); the printout labels it
        assert all(f"{g} jaar" not in values[k] for k in ("hulpvragen_zin", "per_1000_zin")), g
        n = sum(v for k, v in exact.items() if k[0] == g)
        assert printed[g][1] in L.values() and str(n) not in printed[g] and printed[g][-1] == suppression.DERIVED

    run = ml.model_run(JAAR, project)
    assert run.model is not None and set(run.year_groups(JAAR)) == {(g,) for g in hidden_groups}
    table = ml._age_table(run).set_index("Leeftijd")
    for g in hidden_groups:
        assert table.loc[g, f"Aantal {JAAR}"] in L.values() and table.loc[g, "Verhouding"] == suppression.DERIVED
    assert (
        set(run.shown_model().per_groep["leeftijdsgroep"]) == set(run.model.per_groep["leeftijdsgroep"]) - hidden_groups
    )
    mv = ml.page_values(JAAR, project)
    body = mv["tabel_soort"].data.split("<tbody>")[1].split("</tbody>")[0]  # rates per group and soort: "×"
    assert body.count(">×<") == len([k for k in states if T not in k]) and "&lt;10" not in body
    # The projection and the age standardisation would give the hidden counts back: withheld, with the reason.
    v, reden = vb.vooruitblik(JAAR, project, {"model_leeftijd": ml_defaults()})
    assert v is None and "kleine aantallen" in reden
    assert zs.result(JAAR, project) is None and "afgeschermd" in zs.page_values(JAAR, project)["std_resultaat_zin"]
    assert all(r.sht_getal is not None for r in kl.rijen(JAAR, project) if "per 1.000" in r.onderwerp)


def ml_defaults() -> dict:
    return {"referentiejaar": 0, "betrouwbaarheid": 95, "familie": "auto", "terugval": "dichtstbijzijnde"}


def test_a_gemeente_by_soort_table_gets_the_same_complement_rule():
    T = disclosure.TOTAL
    frame = pd.DataFrame(
        {"gemeente": ["Hengelo"] * 3 + ["Losser"] * 3, "soort": ["A", "B", "C"] * 2, "aantal": [50, 60, 70, 40, 2, 30]}
    )
    states = disclosure.table_states("zorgconsumptie", frame)
    assert states[("Losser", "B")] == disclosure.PRIMARY
    assert states[("Losser", "C")] == disclosure.SECONDARY and states[("Hengelo", "B")] == disclosure.SECONDARY
    assert ("Losser", T) not in states  # 72: its parts hide two cells, so the total may stand


GEMEENTEN = ("Borne", "Dinkelland", "Enschede", "Haaksbergen", "Hengelo", "Hof van Twente", "Losser", "Oldenzaal")
LOSSER_VISITS = 3  # the one small cell: visits to inhabitants of Losser


def _gemeente_records() -> str:
    """Contacts of every gemeente and soort, each count different and at least 20, but 3 visits in Losser."""
    lines = [CONTACTEN.splitlines()[0]]
    kinds = {"Advies triagist (i.o.)": "U3", "Consult huisarts": "U3", "Visite": "U2"}
    n = 0
    for gi, gemeente in enumerate(GEMEENTEN):
        for vi, verrichting in enumerate(kinds):
            aantal = LOSSER_VISITS if (gemeente, verrichting) == ("Losser", "Visite") else 20 + 3 * gi + 7 * vi
            for _ in range(aantal):
                n += 1
                leeftijd = (5, 15, 30, 50, 70, 85)[n % 6]  # every age group of the report, none of them small
                lines.append(
                    f"K{n:04d},2021-03-01 20:00:00,Hengelo,{verrichting},{kinds[verrichting]},{leeftijd},V,{gemeente},"
                    "A03,nee"
                )
    return "\n".join(lines) + "\n"


def test_gemeente_pages_hide_a_small_count_and_every_weighted_figure_of_its_gemeente(tmp_path, monkeypatch):
    from jaarverslag.chapters import model_zorgconsumptie as mz
    from jaarverslag.chapters import zorgconsumptie as zc
    from jaarverslag.chapters import zorgconsumptie_standaard as zs
    from jaarverslag.data.population import hidden_gemeenten

    monkeypatch.chdir(tmp_path)  # pages write their CSV downloads beside the notebook
    project = make_project(tmp_path, {"contacten.csv": _gemeente_records(), "oproepen.csv": OPROEPEN})
    from jaarverslag.data.registrations import source_problems

    assert not [p for p in source_problems(JAAR, project) if "niets gebouwd" in p.fout]  # no longer fail closed
    T, L = disclosure.TOTAL, suppression.LABELS
    states = zc.hidden(JAAR, project)
    assert states[("Losser", "Visite")] == disclosure.PRIMARY
    rows = disclosure.hidden_rows(states)
    assert "Losser" in rows and len(rows) >= 2 and set(hidden_gemeenten(JAAR, project)) == set(rows)
    b = zc.calculation(JAAR, project)
    exact = b.set_index("gemeente")
    # The calculation table: counts labelled, and the consulteenheden and rate of every row with a hidden cell "×".
    table = zc.tabel_berekening(b, zc.total_consulteenheden(JAAR, project), True, states).set_index("Gemeente")
    assert table.loc["Losser", "Visite"] == L[disclosure.PRIMARY]
    for g in rows:
        assert table.loc[g, "Eenheden"] == suppression.DERIVED and table.loc[g, "Per 1.000"] == suppression.DERIVED
        assert table.loc[g, "Per 1.000 onafgerond"] == suppression.DERIVED
    for g in set(GEMEENTEN) - set(rows):
        assert table.loc[g, "Eenheden"] == exact.loc[g, "consulteenheden"]
    for soort, column in zc.TYPE_COLUMNS.items():  # complement rule on the published table, totals included
        shown = [table.loc[g, column] for g in GEMEENTEN] + [table.loc[zc.TOTAL_LABEL, column]]
        assert sum(suppression.is_label(v) for v in shown) != 1, soort
    for g in GEMEENTEN:
        shown = [table.loc[g, c] for c in [*zc.TYPE_COLUMNS.values(), "Hulpvragen"]]
        assert sum(suppression.is_label(v) for v in shown) != 1, g
    # The rates per year: "×" for the hidden gemeenten, also their change; no sentence or chart names a figure.
    values = zc.page_values(JAAR, project)
    rates = zc.tabel_per_jaar(zc.per_1000(JAAR, project), JAAR, project, onafgerond=True).set_index("Gemeente")
    for g in rows:
        assert rates.loc[g, str(JAAR)] == suppression.DERIVED and rates.loc[g, f"{JAAR} onafgerond"] == "×"
        assert rates.loc[g, f"Verschil met {JAAR - 1}"] == suppression.DERIVED
        rate = zc.fmt.getal(exact.loc[g, "per_1000"], zc.RATE_DECIMALS)
        for key in ("samenvatting_zin", "noemer_zin", "berekening_zin"):
            assert f"{g} ({rate}" not in values[key], (g, key)
        for key in ("grafiek", "kaart"):  # alt text
            assert f"{g} {rate}" not in values[key].data and f"{g} afgeschermd" in values[key].data, (g, key)
    assert "afgeschermd" in values["samenvatting_zin"] and "Losser" in values["samenvatting_zin"]
    monkeypatch.chdir(project)  # the notebook's printout finds its project from the working directory
    printed = zc.kerncijfers(zc.per_1000(JAAR, project)).splitlines()
    for g in GEMEENTEN:  # the last column is the report year: no rate of a hidden gemeente
        line = next(line for line in printed if line.startswith(g))
        assert (line.split()[-1] == suppression.DERIVED) == (g in rows), line
    # The model: no rate, trend, funnel point or residual of a hidden gemeente; the summaries stay.
    run = mz.model_run(JAAR, project)
    shown = run.shown_model()
    assert run.model is not None and set(run.model.funnel.punten["gemeente"]) == set(GEMEENTEN)
    assert not set(shown.funnel.punten["gemeente"]) & set(rows)
    assert not set(shown.fitted.loc[shown.fitted["jaar"] == JAAR, "gemeente"]) & set(rows)
    mv = mz.page_values(JAAR, project)
    gemeente_table = mv["tabel_gemeente"].data
    assert all(f"<td>{g}</td>" not in gemeente_table for g in rows) and "Losser" in mv["funnel_zin"]
    assert all(g not in mz.kerncijfers(run).split("\n", 2)[2] for g in rows)
    assert f"van {len(GEMEENTEN)} gemeenten" not in mv["funnel_zin"] or "van de 8 gemeenten" in mv["funnel_zin"]
    # The standardisation keeps every gemeente whose total is shown (here all: each total is 60 or more).
    assert zs.result(JAAR, project) is not None
    assert ("Losser", T) not in states


# --- the execution cache ------------------------------------------------------------------------


def test_changing_one_record_file_reruns_exactly_the_runs_that_read_what_it_feeds(tmp_path, monkeypatch):
    project = make_project(tmp_path)
    key = cache.Key({"notebook": "x"})
    entries = {}
    for naam in ("verrichtingen", "branchenormen", "huisartsen"):
        entry, output = tmp_path / f"{naam}.json", tmp_path / f"{naam}.ipynb"
        output.write_text("{}", encoding="utf-8")
        cache.write_entry(entry, key, reads_of(project, tmp_path, monkeypatch, naam), project)
        entries[naam] = (entry, output)

    def reasons() -> dict[str, str | None]:
        return {n: cache.reason_to_run(e, key, o, project) for n, (e, o) in entries.items()}

    assert reasons() == {"verrichtingen": None, "branchenormen": None, "huisartsen": None}
    calls = project / "data" / "2021" / "registraties" / "oproepen.csv"
    calls.write_text(OPROEPEN.replace(",29,ja", ",31,ja"), encoding="utf-8")
    after = reasons()
    assert after["verrichtingen"] is None and after["huisartsen"] is None
    assert after["branchenormen"] == "data gewijzigd: data/2021/registraties/oproepen.csv"
    # The contacts feed the procedures and (through the visits' posts) the norms.
    contacts = project / "data" / "2021" / "registraties" / "contacten.csv"
    contacts.write_text(CONTACTEN.replace("C08,", "C09,"), encoding="utf-8")
    after = reasons()
    assert "contacten.csv" in after["verrichtingen"] and "contacten.csv" in after["branchenormen"]
    assert after["huisartsen"] is None
    # Turning the same records into Parquet re-runs them too (a file that was absent appears).
    con = duckdb.connect()
    con.execute(f"COPY (SELECT * FROM read_csv('{calls}', all_varchar = true)) TO '{calls.with_suffix('.parquet')}'")
    con.close()
    calls.unlink()
    assert "oproepen.parquet" in reasons()["branchenormen"]


# --- real builds ----------------------------------------------------------------------------------


def test_bad_records_build_nothing_and_leave_the_published_site_untouched(tmp_path):
    project = copy_project(tmp_path / "project")
    site = project / "site"
    (site / "2021").mkdir(parents=True)
    (site / "2021" / "index.html").write_text("gepubliceerd", encoding="utf-8")
    folder = project / "data" / "2021" / "registraties"
    folder.mkdir()
    (folder / "contacten.csv").write_text(CONTACTEN.replace("C02,2021", "C02,2020"), encoding="utf-8")
    (folder / "visites.parquet").write_text("geen parquet", encoding="utf-8")
    result = run_build(project, "--jaar", "2021")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "data/2021/registraties/contacten.csv" in result.stderr and "buiten het verslagjaar 2021" in result.stderr
    assert "geen geldig Parquet" in result.stderr and "twee bronnen" in result.stderr
    assert "Er is niets gebouwd; de gepubliceerde site is ongewijzigd." in result.stderr
    assert (site / "2021" / "index.html").read_text(encoding="utf-8") == "gepubliceerd"
    assert sorted(p.name for p in site.iterdir()) == ["2021"]
    assert not (project / "_build" / "nb").exists()


@pytest.fixture(scope="module")
def fed_site(request) -> Path:
    """The project copy whose 2021 comes from the synthetic registrations, built for real (tests/test_voorbeeld.py)."""
    return request.getfixturevalue("voorbeeld")["project"]


def _record_ids(project: Path) -> set[str]:
    folder = project / "data" / str(JAAR) / "registraties"
    con = duckdb.connect()
    ids = {
        row[0]
        for naam, column in (("contacten", "contact_id"), ("oproepen", "oproep_id"))
        for row in con.execute(f"SELECT {column} FROM '{folder / naam}.parquet'").fetchall()
    }
    con.close()
    return ids


def test_a_registrations_fed_site_holds_no_record_id_and_no_hidden_count(fed_site):
    ids = _record_ids(fed_site)
    assert len(ids) > 100_000
    site = fed_site / "site"
    leaks = {}
    for path in site.rglob("*"):
        if path.is_file():
            found = set(re.findall(r"[A-Za-z0-9_]+", path.read_bytes().decode("latin-1"))) & ids
            if found:
                leaks[str(path.relative_to(site))] = sorted(found)[:3]
    assert not leaks
    assert not [p for p in site.rglob("*") if p.suffix == ".parquet" or "registraties" in p.relative_to(site).parts]
    # The hidden walk-in counts: the corona post's small count and Hengelo's, its complement.
    exact = load_table("binnenlopers", JAAR, fed_site).set_index("post")["aantal"]
    hidden = disclosure.hidden_cells("binnenlopers", JAAR, fed_site)
    assert hidden == {("Coronapost",): "primair", ("Hengelo",): "secundair"}
    assert exact["Coronapost"] == 1  # as the typed table and the printed report have it
    csv = (site / "2021" / "tabellen" / "binnenlopers_icpc_binnenlopers.csv").read_text(encoding="utf-8-sig")
    rows = {line.split(";")[0]: line.split(";")[1:] for line in csv.splitlines()}
    assert rows["Coronapost"][1:] == ["<10", "×"] and rows["Hengelo"][1:] == ["×", "×"]
    page = (site / "2021" / "book" / "verrichtingen.html").read_text(encoding="utf-8")
    section = page[page.index("binnenloper naar de spoedposten") : page.index("tbl-binnenlopers_icpc_binnenlopers")]
    table = page[page.index("tbl-binnenlopers_icpc_binnenlopers") :].split("</table>")[0]
    for text in (section, table):
        assert "−75%" not in text and "−26%" not in text  # the changes that would give 1 and 317 back
        assert not re.search(r"(?<![\d.,])317(?![\d.,])", text)
    assert "coronapost minder dan 10" in section
    notebook = (site / "2021" / "uitgevoerd" / "binnenlopers_icpc.ipynb").read_text(encoding="utf-8")
    assert not re.search(r"(?<![\d.,])317(?![\d.,])", notebook)
    assert suppression.LABELS["primair"] in notebook


# --- a real build with small cells in every table whose pages hide them -----------------------------------------

CORONA_KEPT = (6, 4, 2)  # corona-post contacts kept per diagnosis of its top 3: each count and its total small
HENGELO_U1_KEPT = 4  # U1 visits left at Hengelo: both U1 norms of Hengelo over fewer than 10 visits
YOUNG_VISITS_KEPT = 4  # visits to 0-10 year olds left: a small cell in hulpvragen_leeftijd
LOSSER_VISITS_KEPT = 3  # visits to inhabitants of Losser left: a small cell in zorgconsumptie


def _shrink_records(project: Path) -> None:
    """Turn the synthetic year into one with small cells: a tiny corona post, few U1, young and Losser visits.

    The corona post's other contacts move to Enschede, the young visits' patients become 15 and all but a few of
    Losser's visits go to inhabitants of Enschede; the printed comparisons per post and age group no longer hold
    and go.
    """
    from jaarverslag.data.synthetic import write_parquet

    folder = project / "data" / str(JAAR) / "registraties"
    con = duckdb.connect()
    contacts = con.execute(f"SELECT * FROM '{folder / 'contacten.parquet'}' ORDER BY contact_id").df()
    visits = con.execute(f"SELECT * FROM '{folder / 'visites.parquet'}' ORDER BY contact_id").df()
    con.close()
    corona = contacts[contacts["post"] == "Coronapost"]
    codes = corona["icpc"].value_counts().index[: len(CORONA_KEPT)]
    kept = {i for code, n in zip(codes, CORONA_KEPT) for i in corona[corona["icpc"] == code].index[:n]}
    contacts.loc[[i for i in corona.index if i not in kept], "post"] = "Enschede"
    # Few visits to children: all but YOUNG_VISITS_KEPT of the 0-10 group's visits become 10-20 (ages only, so
    # every table per post or gemeente stays as it was).
    soorten = pd.read_csv(project / "data" / "referentie" / "verrichting_soort.csv").set_index("verrichting")["soort"]
    young = contacts[(contacts["leeftijd"] < 10) & (contacts["verrichting"].map(soorten) == "Visite")].index
    contacts.loc[young[YOUNG_VISITS_KEPT:], "leeftijd"] = 15
    losser = contacts[(contacts["gemeente"] == "Losser") & (contacts["verrichting"].map(soorten) == "Visite")].index
    contacts.loc[losser[LOSSER_VISITS_KEPT:], "gemeente"] = "Enschede"
    hengelo = set(contacts.loc[contacts["post"] == "Hengelo", "contact_id"])
    u1 = visits[(visits["urgentie"] == "U1") & visits["contact_id"].isin(hengelo)].index
    visits.loc[u1[HENGELO_U1_KEPT:], "urgentie"] = "U2"
    for frame, columns in ((contacts, ["starttijd"]), (visits, ["aanvraag", "aankomst"])):
        for column in columns:  # read back as text; write_parquet formats timestamps
            frame[column] = pd.to_datetime(frame[column])
    write_parquet(contacts, "contacten", folder / "contacten.parquet")
    write_parquet(visits, "visites", folder / "visites.parquet")
    printed = project / "data" / str(JAAR) / "gedrukte_vergelijkingen.csv"
    lines = printed.read_text(encoding="utf-8").splitlines(keepends=True)
    gone = ("=Enschede", "=Coronapost", "hulpvragen_leeftijd")
    kept_lines = [line for line in lines if not any(g in line for g in gone)]
    printed.write_text("".join(kept_lines), encoding="utf-8")


@pytest.fixture(scope="module")
def small_site(fed_site) -> Path:
    """The registrations-fed copy with small cells, built for 2021 (starting from the voorbeeld build's cache)."""
    target = ROOT / "_build" / "test" / "kleine-cellen"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for item in SOURCE_ITEMS:
        (shutil.copytree if (fed_site / item).is_dir() else shutil.copy2)(fed_site / item, target / item)
    for folder in CACHED_OUTPUTS:
        shutil.copytree(fed_site / "_build" / folder, target / "_build" / folder)
    _shrink_records(target)
    result = run_build(target, "--jaar", str(JAAR))
    assert result.returncode == 0, result.stdout + result.stderr
    return target


def _csv(site: Path, naam: str) -> list[list[str]]:
    text = (site / str(JAAR) / "tabellen" / f"{naam}.csv").read_text(encoding="utf-8-sig")
    return [line.split(";") for line in text.splitlines()]


def _published_texts(site: Path) -> dict[str, str]:
    """Every published text file of the year: pages, CSV downloads, JSON and executed notebooks."""
    return {
        str(p.relative_to(site)): p.read_text(encoding="utf-8", errors="replace")
        for p in sorted((site / str(JAAR)).rglob("*"))
        if p.is_file() and p.suffix in (".html", ".csv", ".json", ".ipynb", ".txt")
    }


def test_a_site_with_small_cells_hides_them_everywhere_and_no_sum_gives_one_back(small_site):
    from jaarverslag.chapters import icpc
    from jaarverslag.chapters import verrichtingen as vr
    from jaarverslag.data.registrations import disclosure as dc

    site = small_site / "site"
    # Which cells the rule hides in the copy: the corona post's procedures (primary) and a complement per type.
    cells = load_table("verrichtingen", JAAR, small_site)
    exact = {(r.post, r.verrichting): int(r.aantal) for r in cells.itertuples(index=False)}
    hidden = vr.hidden(JAAR, small_site).dit_jaar
    corona = {k: v for k, v in exact.items() if k[0] == "Coronapost"}
    assert sum(corona.values()) == sum(CORONA_KEPT)
    assert all(k in hidden for k in corona)  # small ones primary, the other complementary
    assert {hidden[k] == dc.PRIMARY for k in corona} == {True, False} or all(v < 10 for v in corona.values())
    assert all(hidden[k] == dc.PRIMARY for k, v in exact.items() if 0 < v < dc.SMALL_CELL_THRESHOLD)
    assert any(k[0] != "Coronapost" and state == dc.SECONDARY for k, state in hidden.items())
    top3 = load_table("icpc_top", JAAR, small_site)
    top3 = top3[top3["post"] == "Coronapost"]
    assert sorted(top3["aantal"], reverse=True) == list(CORONA_KEPT)
    norms = dc.hidden_norms(JAAR, small_site)
    assert {("u1_visite_20min", "Hengelo"), ("u1_visite_30min", "Hengelo")} <= norms

    # The procedures table (CSV as published): every hidden cell shows its label, every other its count.
    rows = _csv(site, "verrichtingen_per_post")
    head = rows[0]
    now = head.index(str(JAAR))
    shown = {}
    for row in rows[1:]:
        key = (row[0], row[1])
        assert row[now] == (suppression.LABELS[hidden[key]] if key in hidden else str(exact[key])), row
        shown[key] = row[now]
        if key in hidden and len(row) > now + 1:
            assert row[now + 1] == suppression.DERIVED  # no change computed from a hidden count
    # Complement rule: no row (post) or column (type) of the table, nor the totals, has exactly one hidden member.
    for position in (0, 1):
        for value in {k[position] for k in shown}:
            members = [k for k in shown if k[position] == value]
            total = (value, dc.TOTAL) if position == 0 else (dc.TOTAL, value)
            n_hidden = sum(suppression.is_label(shown[k]) for k in members) + (total in hidden)
            assert n_hidden != 1, (value, members)
    # The key figures and the overview show the post totals only where no hidden cell follows from them.
    kern = {row[0]: row for row in _csv(site, "kerncijfers")}
    assert kern["Verrichtingen Coronapost"][2] == str(sum(corona.values()))  # 12: not small, two hidden parts

    # The corona post's top 3: counts and shares hidden, in the table, the CSV and the sentence.
    top_rows = _csv(site, "binnenlopers_icpc_coronapost")
    for row in top_rows[1:]:
        assert row[2] in suppression.LABELS.values() and row[3] == suppression.DERIVED, row
    page = (site / str(JAAR) / "book" / "verrichtingen.html").read_text(encoding="utf-8")
    sentence = page[page.index("Op de coronapost") :].split("</p>")[0]
    assert "minder dan 10" in sentence and not re.search(r"\(\d+ keer", sentence)
    assert all(icpc.hidden(JAAR, small_site)[("Coronapost", d)] == dc.PRIMARY for d in top3["diagnose"])
    # The norms over 4 U1 visits at Hengelo: no percentage anywhere, the reason instead.
    norm_rows = [r for r in _csv(site, "branchenormen_resultaten") if r[1] == "Hengelo" and r[0].startswith("U1")]
    assert norm_rows and all(r[2] == "" and "afgeschermd" in r[-1] for r in norm_rows), norm_rows

    # Nowhere in the published year (pages, CSV, JSON, executed notebooks) does a hidden count stand beside its
    # label: the corona post's procedure counts and top-3 counts never follow their row's name.
    texts = _published_texts(site)
    for naam, text in texts.items():
        for (post, soort), n in corona.items():  # an HTML row of the procedures table
            for row in re.findall(rf"{post}</t[dh]>\s*<t[dh][^>]*>{re.escape(soort)}</t[dh]>(.*?)</tr>", text):
                assert not re.search(rf">\s*{n}\s*<", row), (naam, soort)
    for naam, text in texts.items():
        for code_row in top3.itertuples(index=False):
            pattern = rf"{re.escape(code_row.diagnose)}\W{{1,40}}{code_row.aantal}(?![\d.,])"
            assert not re.search(pattern, text, flags=re.IGNORECASE), (naam, code_row.diagnose)
    _check_age_tables(small_site, texts)
    _check_gemeente_tables(small_site, texts)
    methode = (site / str(JAAR) / "book" / "methode.html").read_text(encoding="utf-8")
    assert suppression.coverage_sentence() in methode.replace("&#8217;", "'").replace("’", "'")
    ids = _record_ids(small_site)
    leaks = [n for n, t in texts.items() if set(re.findall(r"[A-Za-z0-9_]+", t)) & ids]
    assert not leaks


def _check_gemeente_tables(project: Path, texts: dict[str, str]) -> None:
    """The small-cell site's gemeente tables: Losser's visits and every weighted figure of its row hidden."""
    site = project / "site"
    states = disclosure.hidden_cells("zorgconsumptie", JAAR, project)
    assert states[("Losser", "Visite")] == disclosure.PRIMARY
    rows = disclosure.hidden_rows(states)
    units = load_table("consulteenheden", JAAR, project).set_index("gemeente")["consulteenheden"]
    rates = load_table("zorgconsumptie_per_1000", JAAR, project).set_index("gemeente")["consulteenheden_per_1000"]
    calculation = {row[0]: row for row in _csv(site, "zorgconsumptie_berekening")}
    head = calculation["Gemeente"]
    assert calculation["Losser"][head.index("Visite")] == suppression.LABELS[disclosure.PRIMARY]
    for g in rows:
        assert calculation[g][head.index("Eenheden")] == suppression.DERIVED
        assert calculation[g][head.index("Per 1.000")] == suppression.DERIVED
    per_year = {row[0]: row for row in _csv(site, "zorgconsumptie_per_1000")}
    for g in set(rows) - {UNKNOWN}:  # Onbekend has no inhabitants and no rate
        assert per_year[g][per_year["Gemeente"].index(str(JAAR))] == suppression.DERIVED
    model = {row[0] for row in _csv(site, "model_zorgconsumptie_gemeente")}
    assert not model & set(rows) and "Oldenzaal" in model
    from jaarverslag.render.fmt import getal

    for naam, text in texts.items():  # no hidden gemeente's consulteenheden or rate follows its name
        for g in rows:
            figures = [units[g], *([rates[g]] if g in rates.index else [])]
            values = "|".join(re.escape(v) for n in figures for v in {str(n), getal(n)})
            for match in re.finditer(rf"{g}\W{{1,40}}({values})(?![\d.,])", text):
                raise AssertionError((naam, g, match.group(0)))
            for row in re.findall(rf"{g}</t[dh]>(.*?)</tr>", text):
                assert not re.search(rf">\s*({values})(,\d+)?\s*<", row), (naam, g)


def _check_age_tables(project: Path, texts: dict[str, str]) -> None:
    """The small-cell site's age tables: labels where hidden, the complement rule, what gives them back withheld."""
    from jaarverslag.chapters import populatie as po

    site = project / "site"
    T = disclosure.TOTAL
    exact = {
        (r.leeftijdsgroep, r.soort): int(r.aantal)
        for r in load_table("hulpvragen_leeftijd", JAAR, project).itertuples(index=False)
    }
    assert exact[("0-10", "Visite")] == YOUNG_VISITS_KEPT
    states = disclosure.hidden_cells("hulpvragen_leeftijd", JAAR, project)
    assert states[("0-10", "Visite")] == disclosure.PRIMARY
    rows = _csv(site, "populatie_hulpvragen_leeftijd")
    head = rows[0]
    soorten = {po.TYPE_HEADERS.get(s, s): s for s in {k[1] for k in exact}}
    shown: dict[tuple, str] = {}
    for row in rows[1:]:
        groep = T if row[0] == po.TOTAAL else row[0].removesuffix(" jaar")
        for title, soort in soorten.items():
            key = (groep, soort)
            value = row[head.index(title)]
            if key in states:
                assert value == suppression.LABELS[states[key]], (key, value)
            elif groep != T:
                assert value == str(exact[key]), (key, value)
            shown[key] = value
        shown[(groep, T)] = row[head.index(f"Totaal {JAAR}")]
    # Complement rule on the published CSV: no row or column (with its total) has exactly one label.
    for position in (0, 1):
        for value in {k[position] for k in shown if k[position] != T}:
            members = [k for k in shown if k[position] == value]
            assert sum(suppression.is_label(shown[k]) for k in members) != 1, (value, members)
    # The age model's rates per group and soort: "×" exactly where a count is hidden.
    rates = _csv(site, "model_leeftijd_soort")
    young = next(r for r in rates[1:] if r[0] == "0-10")
    assert young[rates[0].index("Visite")] == suppression.DERIVED
    # The projection and the age standardisation are withheld, saying why; no hidden count stands in a text.
    page = (site / str(JAAR) / "book" / "vooruitblik.html").read_text(encoding="utf-8")
    assert "kleine aantallen" in page and "vooruitblik_projectie.csv" not in page
    assert not (site / str(JAAR) / "tabellen" / "zorgconsumptie_gestandaardiseerd.csv").exists()
    for naam, text in texts.items():  # a row of a published age table never shows the hidden visits
        for row in re.findall(r"0-10 jaar</t[dh]>(.*?)</tr>", text):
            assert not re.search(rf">\s*{YOUNG_VISITS_KEPT}\s*<", row), naam
