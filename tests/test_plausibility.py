"""Plausibility: limits per codebook column, enforced with Dutch messages; an empty value needs status ontbreekt."""

import re
from pathlib import Path

import pytest
import yaml

from jaarverslag.data.codebook import codebook
from jaarverslag.data.report import valideer
from jaarverslag.data.validate import read_table
from jaarverslag.render.codebook_page import pagina


def _replace(project: Path, relative: str, old: str, new: str) -> Path:
    path = project / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not once in {relative}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def _problems(project: Path, jaar: int | None = 2021) -> str:
    report = valideer([jaar] if jaar else [], root=project)
    assert not report.ok, "validation accepted the implausible value"
    return "\n".join(p.tekst() for p in report.problemen)


# --- limits in the codebook --------------------------------------------------------------------------------


def test_every_count_and_percentage_column_has_both_limits_and_says_why():
    """A column with a unit (count, percentage, inhabitants, ...) carries a lower and an upper limit and its reason."""
    lacking = [
        f"{spec.naam}.{k.naam}"
        for spec in codebook().values()
        if spec.formaat == "csv"
        for k in spec.kolommen
        if k.type in ("geheel", "decimaal")
        and k.eenheid not in (None, "jaar")
        and (k.min is None or k.max is None or not k.limit_reason)
    ]
    assert lacking == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"max": 100}, "bij min of max hoort grens_reden"),
        ({"maximum": 100}, "onbekende sleutel maximum"),
        ({"min": 10, "max": 5, "grens_reden": "x"}, "min (10) is groter dan max (5)"),
        ({"max": "veel", "grens_reden": "x"}, "max moet een getal zijn"),
    ],
)
def test_a_limit_without_reason_or_a_misspelt_one_is_refused(project, change, message):
    path = project / "data" / "codebook" / "binnenlopers.yml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    column = next(k for k in raw["kolommen"] if k["naam"] == "aantal")
    column.pop("grens_reden")
    column.pop("max")
    column.update(change)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(message)):
        codebook(project)


@pytest.mark.parametrize(
    ("relative", "old", "new", "column", "value", "limit"),
    [
        ("data/2021/inwoners.csv", ",401830,", ",99999999999,", "inwoners", "99999999999", "maximum 1000000"),
        ("data/2021/inwoners_gemeente.csv", ",Borne,22,", ",Borne,220000,", "inwoners_x1000", "220000", "maximum 1000"),
        (
            "data/2021/verrichtingen.csv",
            ",Hengelo,Visite,3550,",
            ",Hengelo,Visite,35500000,",
            "aantal",
            "35500000",
            "maximum 500000",
        ),
        ("data/2021/huisartsen.csv", ",AIOS,29,", ",AIOS,2900,", "aantal", "2900", "maximum 1000"),
        (
            "data/2021/dossierinzage.csv",
            ",205449,108.3,",
            ",205449,1083,",
            "aandeel_pct",
            "1083",
            "maximum 150",
        ),
        (
            "data/referentie/normen.csv",
            "< 2 minuten,2,minuten",
            "< 2 minuten,200,minuten",
            "grens_waarde",
            "200",
            "maximum 120",
        ),
        (
            "data/referentie/bevolkingsprognose.csv",
            "Dinkelland,2021,2035,-4.4,",
            "Dinkelland,2021,2035,-440,",
            "verandering_pct",
            "-440",
            "minimum -50",
        ),
    ],
)
def test_a_value_beyond_its_limit_is_refused_naming_file_row_column_value_and_limit(
    project, relative, old, new, column, value, limit
):
    _replace(project, relative, old, new)
    jaar = 2021 if "/2021/" in relative else None
    text = _problems(project, jaar)
    assert relative in text and "regel " in text, text
    for fragment in (f"kolom '{column}'", f"waarde '{value}'", limit):
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    assert "uit het codeboek (" in text  # the codebook's reason for the limit is part of the message


def test_the_published_inhabitants_count_of_99_999_999_999_is_refused_in_the_dutch_dialect_too(project):
    path = project / "data" / "2021" / "inwoners.csv"
    path.write_text(
        "jaar;gebied;inwoners;status;toelichting\r\n2021;SHT-werkgebied;99.999.999.999;zeker;\r\n", encoding="utf-8-sig"
    )
    text = _problems(project)
    assert "data/2021/inwoners.csv, regel 2, kolom 'inwoners', waarde '99999999999'" in text
    assert "groter dan het maximum 1000000 uit het codeboek (Aantallen zijn nooit negatief. Het werkgebied" in text
    assert "data/codebook/inwoners.yml" in text


def test_a_count_too_large_for_a_whole_number_is_a_dutch_message_not_a_crash(project):
    spec = codebook(project)["inwoners"]
    path = _replace(project, "data/2021/inwoners.csv", ",401830,", ",99999999999999999999999,")
    frame, problems = read_table(spec, path, 2021, project)
    assert frame is None
    assert [(p.regel, p.kolom) for p in problems] == [(2, "inwoners")]
    assert "groter dan het maximum 1000000" in problems[0].tekst()


def test_the_codeboek_page_shows_the_limits_and_their_reasons():
    page = pagina()
    row = next(line for line in page.splitlines() if line.startswith("| inwoners_x1000 |"))
    assert "≥ 0; ≤ 1.000; mag leeg met status ontbreekt" in row
    assert "*Grenzen:* Aantallen zijn nooit negatief. Geen gemeente van Nederland heeft een miljoen inwoners" in row
    assert "≥ 50,7; ≤ 53,6" in page  # decimals as the codebook gives them, the Dutch way


# --- an empty value needs status ontbreekt ------------------------------------------------------------------

EMPTY_MESSAGE = "de cel is leeg, maar de status is 'zeker'; een lege waarde moet status 'ontbreekt' hebben"


def test_an_empty_count_needs_status_ontbreekt_and_the_message_says_so(project):
    _replace(project, "data/2021/verrichtingen.csv", ",Hengelo,Visite,3550,zeker,", ",Hengelo,Visite,,zeker,")
    report = valideer([2021], root=project)
    texts = [p.tekst() for p in report.problemen]
    line = next((t for t in texts if EMPTY_MESSAGE in t), None)
    assert line is not None, texts
    assert line.startswith("data/2021/verrichtingen.csv, regel 13, kolom 'aantal': ")
    assert "zet de status op 'ontbreekt'" in line
    assert not any("(status ontbreekt)" in t for t in texts)  # no message calls a 'zeker' row ontbreekt
    _replace(
        project,
        "data/2021/verrichtingen.csv",
        ",Hengelo,Visite,,zeker,",
        ",Hengelo,Visite,,ontbreekt,Het verslag geeft dit getal niet.",
    )
    spec = codebook(project)["verrichtingen"]
    frame, problems = read_table(spec, project / "data" / "2021" / "verrichtingen.csv", 2021, project)
    assert problems == [] and frame is not None  # with status ontbreekt (and why) the empty value is fine


def test_a_column_empty_by_nature_may_stay_empty_with_status_zeker():
    """The shipped forecast gives an interval for Enschede only: the other rows are zeker with empty bounds."""
    spec = codebook()["bevolkingsprognose"]
    assert {k.naam for k in spec.value_columns} == {"verandering_pct"}
    frame, problems = read_table(spec, spec.pad(None), None)
    assert problems == []
    assert ((frame["status"] == "zeker") & frame["ondergrens_pct"].isna()).any()
