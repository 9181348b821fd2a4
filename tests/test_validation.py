"""Bad input gets a clear Dutch message naming file, line, column and value; good input passes."""

from pathlib import Path

import pytest

from jaarverslag.data.report import valideer

HEADER = "jaar,post,verrichting,aantal,status,toelichting\n"
GOOD_ROW = "2021,Hengelo,Visite,3550,zeker,\n"


def _rewrite(project: Path, name: str, text: str | bytes, year: int = 2021) -> Path:
    path = project / "data" / str(year) / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _messages(project: Path) -> list[str]:
    report = valideer(root=project)
    assert not report.ok
    return [p.tekst() for p in report.problemen]


def test_shipped_data_is_valid():
    report = valideer()
    assert report.ok, report.tekst()


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("2021,Hengelo,Visite,veel,zeker,\n", ["regel 2", "kolom 'aantal'", "waarde 'veel'", "geen geheel getal"]),
        ("2021,Hengelo,Visite,10.862,zeker,\n", ["regel 2", "kolom 'aantal'", "duizendtalscheiding", "10862"]),
        ("2021,Hengelo,Visite,-5,zeker,\n", ["regel 2", "kolom 'aantal'", "minimum 0"]),
        (
            "2021,Almelo,Visite,5,zeker,\n",
            ["regel 2", "kolom 'post'", "waarde 'Almelo'", "Hengelo, Enschede, Coronapost"],
        ),
        ("2020,Hengelo,Visite,5,zeker,\n", ["regel 2", "kolom 'jaar'", "map 2021"]),
        (GOOD_ROW + GOOD_ROW, ["komt meer dan eens voor", "regel 3"]),
        ("2021,Hengelo,Visite,5,onzeker,\n", ["regel 2", "toelichting is leeg"]),
    ],
)
def test_bad_cell_values(project, rows, expected):
    _rewrite(project, "verrichtingen.csv", HEADER + rows)
    text = "\n".join(_messages(project))
    assert "data/2021/verrichtingen.csv" in text
    for fragment in expected:
        assert fragment in text, f"{fragment!r} not in:\n{text}"


def test_decimal_comma_in_a_decimal_column(project):
    _rewrite(
        project,
        "afwijkingen.csv",
        'jaar,controle,onderwerp,gedrukt,berekend,toelichting\n2020,x,SHT,"98087,5",97770,tekst\n',
        year=2020,
    )
    text = "\n".join(_messages(project))
    assert "decimale komma" in text and "98087.5" in text and "regel 2" in text


def test_misspelt_column_is_named_with_a_suggestion(project):
    _rewrite(project, "verrichtingen.csv", HEADER.replace("aantal", "aantl") + GOOD_ROW)
    text = "\n".join(_messages(project))
    assert "kolom 'aantal' ontbreekt" in text and "'aantl'" in text


def test_file_that_is_not_utf8(project):
    _rewrite(
        project, "verrichtingen.csv", (HEADER + "2021,Hengelo,Visite,5,onzeker,co\xf6rdinatie\n").encode("latin-1")
    )
    text = "\n".join(_messages(project))
    assert "geen UTF-8" in text and "regel 2" in text


def test_empty_file(project):
    _rewrite(project, "verrichtingen.csv", "")
    assert any("het bestand is leeg" in m for m in _messages(project))


def test_parts_that_no_longer_add_up(project):
    path = project / "data" / "2021" / "verrichtingen.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Hengelo,Visite,3550", "Hengelo,Visite,3551"), encoding="utf-8"
    )
    text = "\n".join(_messages(project))
    assert "som_verrichtingen_post" in text and "gedrukt 46040, berekend 46041" in text


def test_recorded_discrepancy_is_accepted_but_a_changed_one_is_not(project):
    report = valideer(root=project)
    assert report.ok
    recorded_rows = sum(
        len(p.read_text(encoding="utf-8").strip().splitlines()) - 1
        for p in (project / "data").glob("*/afwijkingen.csv")
    )
    assert len(report.aanvaard) == recorded_rows > 0
    path = project / "data" / "2020" / "afwijkingen.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("97770", "97771"), encoding="utf-8")
    text = "\n".join(_messages(project))
    assert "som_verrichtingen_sht" in text and "komt niet meer voor" in text


def test_unknown_file_in_a_year_folder(project):
    _rewrite(project, "verichtingen.csv", HEADER + GOOD_ROW)
    assert any("staat niet in het codeboek" in m for m in _messages(project))


def test_missing_table_is_listed_not_an_error(project):
    (project / "data" / "2021" / "verrichtingen_totaal.csv").unlink()
    report = valideer(root=project)
    assert report.ok, report.tekst()
    assert "verrichtingen_totaal" in report.ontbrekend[2021]
