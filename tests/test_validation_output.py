"""What `make validate` prints for a new year: short, grouped per file, real problems first, and the right fix.

A year transcribed from a printed report (the codebook's `bron` cites a Jaarverslag SHT of that
year or later) may record the report's own contradictions in afwijkingen.csv; any other year's
tables must simply agree, so its messages say to fix the data and never offer the ledger.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jaarverslag import cli
from jaarverslag.data import ledger
from jaarverslag.data.new_year import make_year
from jaarverslag.data.paths import ROOT_ENV
from jaarverslag.data.report import ALL_GOOD, valideer

JAAR = 2022
PRINTED_2021 = "Jaarverslag SHT 2021 (seeds/000_4b7b462fe0c6bb31.txt)"
# Tables copied from 2021 into the new year: together they feed four cross-table checks.
FILLED = ("verrichtingen", "verrichtingen_totaal", "zorgconsumptie_totaal", "binnenlopers", "binnenlopers_totaal")


def _fill(project: Path, names=FILLED) -> None:
    """Fill some of the new year's tables with 2021's rows (which agree with each other) under the new year."""
    for name in names:
        rows = (project / "data" / "2021" / f"{name}.csv").read_text(encoding="utf-8").splitlines()
        body = [re.sub(r"^2021,", f"{JAAR},", row) for row in rows[1:]]
        (project / "data" / str(JAAR) / f"{name}.csv").write_text("\n".join([rows[0], *body]) + "\n", encoding="utf-8")


def _replace(project: Path, name: str, old: str, new: str) -> None:
    path = project / "data" / str(JAAR) / f"{name}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _mismatches(project: Path) -> None:
    """Three mismatches in two files from one changed count, and one in a third file."""
    _replace(project, "verrichtingen", f"{JAAR},Hengelo,Visite,3550,", f"{JAAR},Hengelo,Visite,3600,")
    _replace(project, "binnenlopers_totaal", f"{JAAR},SHT,1671,", f"{JAAR},SHT,1672,")


def _cite_printed_report(project: Path, jaar: int) -> None:
    """Let the codebook cite a printed report of `jaar` for one table, as an analyst transcribing it would."""
    path = project / "data" / "codebook" / "binnenlopers.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("Jaarverslag SHT 2021 (seeds/", f"Jaarverslag SHT {jaar} (seeds/", 1), encoding="utf-8"
    )


@pytest.fixture
def new_year(project):
    """A project copy with data/2022/ from nieuw-jaar, some tables filled in, four mismatches."""
    make_year(JAAR, project)
    _fill(project)
    _mismatches(project)
    return project


def _printed(project: Path, monkeypatch, capsys, *args: str) -> tuple[int, str]:
    monkeypatch.setenv(ROOT_ENV, str(project))
    code = cli.main(["validate", *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_which_years_were_transcribed_from_a_printed_report(project):
    assert [ledger.printed_report(jaar) for jaar in (2019, 2020, 2021)] == [PRINTED_2021] * 3
    assert ledger.printed_report(JAAR) is None
    _cite_printed_report(project, JAAR)
    assert ledger.printed_report(JAAR, project) == "Jaarverslag SHT 2022 (seeds/000_4b7b462fe0c6bb31.txt)"
    assert ledger.printed_report(2021, project) == PRINTED_2021  # the earliest report that holds the year


def test_problems_are_grouped_per_file_with_a_heading_and_two_short_lines_each(new_year, monkeypatch, capsys):
    code, text = _printed(new_year, monkeypatch, capsys)
    assert code == 1
    report = valideer(root=new_year)
    files = sorted({p.bestand for p in report.problemen})
    assert files == [f"data/{JAAR}/binnenlopers_totaal.csv", f"data/{JAAR}/verrichtingen_totaal.csv"] + [
        f"data/{JAAR}/zorgconsumptie_totaal.csv"
    ]
    lines = text.splitlines()
    assert lines[0] == "4 problemen in 3 bestanden in data/; los ze op en draai make validate opnieuw."
    for name in files:
        count = sum(p.bestand == name for p in report.problemen)
        heading = f"{name} ({count} {'probleem' if count == 1 else 'problemen'}):"
        assert lines.count(heading) == 1, text
        block = lines[lines.index(heading) + 1 : lines.index(heading) + 1 + 2 * count]
        # per problem: where (line, column) and what is wrong, then what to do
        assert [line.startswith("  - regel ") for line in block[::2]] == [True] * count, block
        assert [line.startswith("    Oplossing: ") for line in block[1::2]] == [True] * count, block
        assert all(len(first) + len(second) < 400 for first, second in zip(block[::2], block[1::2])), block
    problems = lines[1 : lines.index(next(line for line in lines if line.startswith("Nog niet aanwezig")))]
    assert sum(line.startswith("  - ") for line in problems) == len(report.problemen) == 4


def test_the_line_names_row_and_column_of_the_printed_value(new_year):
    [problem] = [p for p in valideer(root=new_year).problemen if p.bestand.endswith("binnenlopers_totaal.csv")]
    rows = (new_year / problem.bestand).read_text(encoding="utf-8").splitlines()
    assert rows[problem.regel - 1] == f"{JAAR},SHT,1672,zeker," and problem.kolom == "aantal"


def test_real_problems_come_first_and_older_years_take_one_line(new_year, monkeypatch, capsys):
    _, text = _printed(new_year, monkeypatch, capsys)
    lines = text.splitlines()
    report = valideer(root=new_year)
    last_problem = max(i for i, line in enumerate(lines) if line.startswith("    Oplossing: "))
    missing = [i for i, line in enumerate(lines) if line.startswith("Nog niet aanwezig")]
    assert len(missing) == 1 and missing[0] > last_problem
    assert lines[missing[0]].startswith(f"Nog niet aanwezig of nog niet ingevuld voor {JAAR} (")
    older = [line for line in lines if line.startswith("Eerdere jaren")]
    n2019, n2020 = len(report.ontbrekend[2019]), len(report.ontbrekend[2020])
    assert older == [
        f"Eerdere jaren: niet aanwezig zijn {n2019} tabellen voor 2019 en {n2020} voor 2020 "
        "(make validate JAAR=2019 noemt ze)."
    ]
    assert not [line for line in lines if "2019" in line and "corona_tijdlijn" in line]  # no names of older years


def test_shipped_data_say_so_in_three_lines(monkeypatch, capsys):
    code, text = _printed(Path.cwd(), monkeypatch, capsys)
    assert code == 0
    lines = text.splitlines()
    assert lines[0] == ALL_GOOD and len(lines) == 4, text  # the verdict, a blank line, older years, the ledger
    assert lines[2].startswith("Eerdere jaren: ") and lines[3].startswith("9 erkende afwijkingen")


def test_a_year_without_printed_report_is_told_to_fix_the_data_not_to_record_it(new_year):
    problems = valideer(root=new_year).problemen
    assert len(problems) == 4
    for problem in problems:
        assert problem.oplossing.startswith("verbeter de gegevens: "), problem
        assert f"{JAAR} heeft geen gedrukt verslag" in problem.oplossing
        assert "afwijkingen.csv" not in problem.oplossing and "<toelichting>" not in problem.oplossing
        assert "in de tabel" in problem.fout and "gedrukt 1672" not in problem.fout


def test_a_year_without_printed_report_cannot_accept_a_mismatch_in_the_ledger(new_year):
    ledger_file = new_year / "data" / str(JAAR) / "afwijkingen.csv"
    ledger_file.write_text(
        "jaar,controle,onderwerp,gedrukt,berekend,toelichting\n"
        f"{JAAR},som_binnenlopers_sht,SHT,1672,1671,telt niet op\n",
        encoding="utf-8",
    )
    report = valideer(root=new_year)
    assert not [b for b in report.aanvaard if b.jaar == JAAR]
    [mismatch] = [p for p in report.problemen if p.bestand.endswith("binnenlopers_totaal.csv")]
    assert "som_binnenlopers_sht" in mismatch.fout
    [refused] = [p for p in report.problemen if p.bestand == f"data/{JAAR}/afwijkingen.csv"]
    assert refused.regel == 2 and "geen gedrukt verslag" in refused.fout
    assert "verwijder deze regel" in refused.oplossing


def test_a_year_from_a_printed_report_is_offered_the_ledger(project):
    _cite_printed_report(project, JAAR)
    made = make_year(JAAR, project)
    assert {"afwijkingen", "gedrukte_vergelijkingen"} <= {t.naam for t in made.tabellen}
    assert f"{JAAR} wordt overgenomen uit Jaarverslag SHT {JAAR} (seeds/" in made.uitleg()
    _fill(project)
    _mismatches(project)
    report = valideer(root=project)
    [problem] = [p for p in report.problemen if p.bestand.endswith("binnenlopers_totaal.csv")]
    assert problem.oplossing.startswith("verbeter wat verkeerd is overgenomen")
    assert problem.oplossing.endswith(
        f"data/{JAAR}/afwijkingen.csv: {JAAR},som_binnenlopers_sht,SHT,1672,1671,<toelichting>"
    )
    assert "gedrukte_vergelijkingen" in report.ontbrekend[JAAR]
    # recorded as the report's own contradiction, the mismatch is accepted
    with open(project / "data" / str(JAAR) / "afwijkingen.csv", "a", encoding="utf-8") as handle:
        handle.write(f"{JAAR},som_binnenlopers_sht,SHT,1672,1671,het verslag telt zo\n")
    report = valideer(root=project)
    assert [b.controle for b in report.aanvaard if b.jaar == JAAR] == ["som_binnenlopers_sht"]


def test_printed_comparisons_and_ledger_belong_only_to_a_year_from_a_printed_report(project):
    made = make_year(JAAR, project)
    folder = project / "data" / str(JAAR)
    assert not (folder / "gedrukte_vergelijkingen.csv").exists() and not (folder / "afwijkingen.csv").exists()
    assert {"afwijkingen", "gedrukte_vergelijkingen"}.isdisjoint(t.naam for t in made.tabellen)
    assert f"{JAAR} heeft geen gedrukt verslag" in made.uitleg()
    report = valideer(root=project)
    assert report.ok, report.tekst()
    assert "gedrukte_vergelijkingen" not in report.ontbrekend[JAAR]
    # a header-only template left by an older nieuw-jaar is not asked for either
    (folder / "gedrukte_vergelijkingen.csv").write_text(
        "jaar,tabel,selectie,maat,gedrukt,decimalen,status,toelichting\n", encoding="utf-8"
    )
    assert "gedrukte_vergelijkingen" not in valideer(root=project).ontbrekend[JAAR]


def test_an_empty_ledger_is_never_listed_as_missing():
    report = valideer()
    assert all("afwijkingen" not in names for names in report.ontbrekend.values()), report.ontbrekend
