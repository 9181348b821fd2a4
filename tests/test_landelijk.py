"""Issue 14: national reference figures beside SHT's own, with their year and source."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from jaarverslag.chapters import kerncijfers_landelijk as kl
from jaarverslag.chapters import populatie
from jaarverslag.data import landelijk
from jaarverslag.render import landelijk_text as lt

from conftest import ROOT


def test_the_year_rule_takes_the_closest_year_and_the_earlier_on_a_tie():
    assert landelijk.choose_year([2017, 2022, 2023], 2021) == 2022
    assert landelijk.choose_year([2017, 2022], 2019) == 2017
    assert landelijk.choose_year([2019, 2023], 2021) == 2019  # tie: the earlier one
    assert landelijk.choose_year([2022], 2022) == 2022
    assert landelijk.choose_year([], 2021) is None


def test_an_older_reference_carries_its_year_and_a_later_one_says_so():
    older = landelijk.reference_for(landelijk.PER_1000_BY_TYPE["Consult"], 2021, ROOT)
    assert older.jaar == 2017 and older.ander_jaar and not older.later
    assert lt.jaar_label(older) == "landelijk 2017"
    later = landelijk.reference_for(landelijk.CONTACTS_PER_1000, 2021, ROOT)
    assert later.jaar == 2022 and later.later
    assert "later dan 2021" in lt.jaar_label(later) and "een later jaar dan 2021" in lt.later_zin(later)
    same = landelijk.reference_for(landelijk.CONTACTS_PER_1000, 2022, ROOT)
    assert not same.ander_jaar and lt.later_zin(same) == ""


def test_sht_rate_beside_the_national_one_is_the_population_pages_rate(tmp_path):
    h = populatie.hulpvragen(2021, ROOT)
    rate = populatie.per_1000_alle_leeftijden(h)
    assert rate == pytest.approx(h.totaal / populatie.inwoners(2021, ROOT).cbs * 1000)
    rows = {r.onderwerp: r for r in kl.rijen(2021, ROOT)}
    assert rows["Hulpvragen per 1.000 inwoners"].sht_getal == round(rate)
    block = kl.html(list(rows.values()), 2021, map=tmp_path).data
    assert "landelijk 2017" in block and "landelijk 2022" in block and "Nivel Zorgregistraties" in block
    assert (tmp_path / "tabellen" / f"{kl.TABLE_NAME}.csv").is_file()


def test_a_year_without_its_own_figures_still_shows_the_national_ones():
    rows = kl.rijen(2019, ROOT)
    assert rows and all(r.sht_getal is None for r in rows)
    assert {r.ref.referentie for r in rows} >= {landelijk.CONTACTS_PER_1000, landelijk.WAIT_URGENT_LINE}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("jaar", ["2019", "2020", "2021"])
def test_built_pages_show_the_national_reference_with_source_and_year(built_project, jaar):
    site = built_project / "site" / jaar / "book"
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'id="tbl-kerncijfers_landelijk"' in index
    text = _text(index)
    assert "landelijk 2022" in text and "landelijk 2017" in text  # each reference with its own year
    assert "Nivel Zorgregistraties Eerste Lijn" in text and "InEen" in text
    assert "telefonische consulten" in text  # the note where definitions differ
    populatie_page = _text((site / "populatie.html").read_text(encoding="utf-8"))
    assert "landelijk waren het 248 contacten per 1.000 inwoners in 2022" in populatie_page
    normen = _text((site / "branchenormen.html").read_text(encoding="utf-8"))
    assert "de spoedlijn gemiddeld na 14 seconden (landelijk 2022" in normen and "InEen" in normen
    zorg = _text((site / "zorgconsumptie.html").read_text(encoding="utf-8"))
    if jaar == "2021":
        assert "SMR" in zorg and "gestandaardiseerd" in zorg and "niet voor geslacht" in zorg
        assert "landelijk waren het 248 contacten per 1.000 inwoners in 2022" in zorg
    else:
        assert "niet voor leeftijd worden gestandaardiseerd" in zorg


def test_drukte_and_urgency_put_shts_shares_beside_the_national_ones():
    from jaarverslag.chapters import drukte

    # SHT as a whole (as drukte.sql gives it), 40 contacts: 8 on Monday 18-19 h, 2 on Friday 19-20 h,
    # 1 on Sunday 4-5 h, 29 on Saturday 12-13 h.
    frame = pd.DataFrame(
        {
            "jaar": 2021,
            "post": "SHT",
            "soort": "Consult",
            "weekdag": [1, 5, 7, 6],
            "uur": [18, 19, 4, 12],
            "contacten": [8, 2, 1, 29],
        }
    )
    frame["per_week"] = frame["contacten"] / 52
    text = drukte.national_hours_zin(frame, 2021, ROOT)
    assert "werkdagen 18–20 uur SHT 25,0%, landelijk 12,3%" in text  # (8 + 2) / 40
    assert "weekend 4–6 uur SHT 2,5%, landelijk 0,85%" in text  # 1 / 40
    assert "cijfer over 2023" in text and "later jaar dan 2021" in text  # the national year is later: said
    alone = drukte.national_hours_zin(None, 2021, ROOT)
    assert "SHT" not in alone.split(":")[0] and "vraagt de registraties van 2021" in alone

    order = drukte.urgency_order(ROOT)
    counts = {"U0": 0, "U1": 1, "U2": 9, "U3": 40, "U4": 20, "U5": 30, drukte.UNKNOWN: 100}
    table = pd.DataFrame([{"indeling": "post", "groep": "SHT", **{u: counts.get(u, 0) for u in order}}])
    table["totaal"] = table[order].sum(axis=1)
    text = drukte.national_urgency_zin(table, 2021, ROOT)
    # Over the 100 contacts with an urgency (the 100 without one are left out of the denominator).
    assert "U1 SHT 1,0%, landelijk 1,5%" in text and "U3 SHT 40,0%, landelijk 38,0%" in text
    assert "cijfer over 2015" in text
