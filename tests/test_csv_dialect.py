"""CSV dialects: a table saved by Dutch Excel (;, decimal comma, BOM, CRLF) reads as the plain one does."""

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from jaarverslag.data.codebook import codebook
from jaarverslag.data.validate import read_table

ROOT = Path(__file__).resolve().parents[1]
TABLES = [
    (spec, path)
    for spec in codebook(ROOT).values()
    if spec.formaat == "csv"
    for path in sorted((ROOT / "data").glob(f"*/{spec.bestand}"))
]
ENGLISH = ("Error", "Expected", "tokeniz", "line ", "field")


def _as_dutch_excel(path: Path, spec) -> bytes:
    """Rewrite a plain table the way Dutch Excel saves it: ';', decimal comma, thousands points, BOM, CRLF."""
    decimals = {k.naam for k in spec.kolommen if k.type == "decimaal"}
    integers = {k.naam for k in spec.kolommen if k.type == "geheel"}
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=spec.column_names, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        for name in decimals & row.keys():
            row[name] = row[name].replace(".", ",")
        for name in integers & row.keys():
            if row[name].lstrip("-").isdigit():
                row[name] = f"{int(row[name]):,}".replace(",", ".")
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@pytest.mark.parametrize(("spec", "path"), TABLES, ids=lambda x: getattr(x, "name", None) or getattr(x, "naam", ""))
def test_a_table_saved_by_dutch_excel_gives_the_same_numbers(spec, path, tmp_path):
    plain, problems = read_table(spec, path, None if path.parent.name == "referentie" else int(path.parent.name))
    assert not problems
    dutch = tmp_path / path.name
    dutch.write_bytes(_as_dutch_excel(path, spec))
    frame, problems = read_table(spec, dutch, None if path.parent.name == "referentie" else int(path.parent.name))
    assert not problems, [p.tekst() for p in problems]
    pd.testing.assert_frame_equal(frame, plain)


def _spec(naam="ziekteverzuim"):
    return codebook(ROOT)[naam]


def _problems(tmp_path, text: str, naam="ziekteverzuim"):
    path = tmp_path / f"{naam}.csv"
    path.write_text(text, encoding="utf-8")
    return [p.tekst() for p in read_table(_spec(naam), path, 2021)[1]]


def test_a_file_mixing_the_separators_is_refused_in_dutch_naming_the_separator(tmp_path):
    source = (ROOT / "data" / "2021" / "ziekteverzuim.csv").read_text(encoding="utf-8").splitlines()
    mixed = "\n".join([source[0].replace(",", ";"), *source[1:]]) + "\n"
    texts = _problems(tmp_path, mixed)
    assert texts and all("puntkomma (;)" in t and "regel" in t for t in texts), texts
    assert "lijkt de komma (,) te gebruiken" in texts[0]
    assert not any(word in t for t in texts for word in ENGLISH)


def test_a_header_with_both_separators_is_refused(tmp_path):
    texts = _problems(tmp_path, "jaar;verzuim_pct,status\n2021;3,1,zeker\n")
    assert texts == [texts[0]] and "zowel komma's als puntkomma's" in texts[0] and "regel 1" in texts[0]


def test_an_unclosed_quote_gets_a_dutch_message(tmp_path):
    header = ",".join(_spec().column_names)
    texts = _problems(tmp_path, f'{header}\n2021,"open\n')
    assert texts and "aanhalingsteken" in texts[0]
    assert not any(word in t for t in texts for word in ENGLISH)


def test_a_point_decimal_in_the_dutch_dialect_is_refused_with_the_fix(tmp_path):
    spec = _spec()
    decimal = next(k.naam for k in spec.kolommen if k.type == "decimaal")
    row = {k.naam: "" for k in spec.kolommen}
    frame = pd.read_csv(ROOT / "data" / "2021" / "ziekteverzuim.csv", dtype=str, keep_default_na=False)
    row.update(frame.iloc[0].to_dict())
    row[decimal] = "3.19"
    text = ";".join(spec.column_names) + "\n" + ";".join(row[c] for c in spec.column_names) + "\n"
    texts = _problems(tmp_path, text)
    assert any("is de komma het decimaalteken" in t and "3,19" in t for t in texts), texts
