"""Synthetic registrations: reproducible bytes, every typed margin of 2021 reproduced, national patterns kept.

No book build: the records are generated into a temporary folder and derived with the project's own
DuckDB queries (data.registrations.derive_from_files), then compared with the typed 2021 tables.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from jaarverslag.data import synthetic
from jaarverslag.data.load import load_table
from jaarverslag.data.registrations import derive_from_files
from jaarverslag.data.synthetic_marker import is_synthetic, is_synthetic_file

ROOT = Path(__file__).resolve().parents[1]
JAAR = 2021
VALUE_COLUMNS = ("aantal", "consulteenheden", "consulteenheden_per_1000", "resultaat_pct", "aandeel_pct", "rang")
NOT_KEYS = (*VALUE_COLUMNS, "jaar", "status", "toelichting")


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    """The 2021 records written into a temporary project folder (data/2021/registraties/)."""
    target = tmp_path_factory.mktemp("synthetisch")
    paths = synthetic.write_year(JAAR, target, ROOT)
    return {p.stem: p for p in paths}


@pytest.fixture(scope="module")
def derived(written) -> dict[str, pd.DataFrame]:
    return derive_from_files(JAAR, root=ROOT, **written)


def _cells(frame: pd.DataFrame) -> dict[tuple, tuple]:
    """Every row as key -> (values..., status), the key being the non-value columns."""
    keys = [c for c in frame.columns if c not in NOT_KEYS]
    values = [c for c in VALUE_COLUMNS if c in frame.columns]
    out = {}
    for row in frame.itertuples(index=False):
        record = row._asdict()
        out[tuple(record[k] for k in keys)] = tuple(
            None if pd.isna(record[v]) else float(record[v]) for v in values
        ) + (record["status"],)
    return out


def test_same_seed_gives_identical_bytes(written, tmp_path):
    again = {p.stem: p for p in synthetic.write_year(JAAR, tmp_path, ROOT)}
    for naam, path in written.items():
        assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(again[naam].read_bytes()).digest(), naam


def test_another_seed_gives_other_records(written, tmp_path):
    other = synthetic.write_year(JAAR, tmp_path, ROOT, seed=synthetic.DEFAULT_SEED + 1)
    assert other[0].read_bytes() != written["contacten"].read_bytes()


def test_the_files_mark_themselves_synthetic(written):
    assert all(is_synthetic_file(p) for p in written.values())
    assert is_synthetic(JAAR, written["contacten"].parents[3])
    assert not is_synthetic(2020, written["contacten"].parents[3])


def test_a_record_file_without_the_mark_is_not_synthetic(tmp_path):
    plain = tmp_path / "contacten.parquet"
    duckdb.connect().execute(f"COPY (SELECT 1 AS x) TO '{plain}' (FORMAT parquet)")
    broken = tmp_path / "visites.parquet"
    broken.write_bytes(b"geen parquet")
    assert not is_synthetic_file(plain) and not is_synthetic_file(broken)


def test_every_certain_typed_value_is_reproduced_and_only_uncertain_ones_differ(derived):
    """Each typed cell the report is sure of comes out exactly; a difference is only ever an uncertain reading."""
    differing = {}
    for naam, frame in derived.items():
        typed, got = _cells(load_table(naam, JAAR, ROOT)), _cells(frame)
        assert set(typed) == set(got), naam
        for key, value in typed.items():
            if value[:-1] != got[key][:-1]:
                differing[(naam, *key)] = (value, got[key])
    for cell, (typed, got) in differing.items():
        assert typed[-1] in ("onzeker", "ontbreekt"), (cell, typed, got)
    # The differences are exactly the cells no record set can give as printed (see the module docstring of
    # data/synthetic.py): norms the records do not hold, SHT results the printed post results contradict, and
    # the U1 results per post the report does not print.
    branchenormen = {cell[1:3] for cell in differing if cell[0] == "branchenormen"}
    assert {cell[0] for cell in differing} <= {"branchenormen"}
    assert branchenormen == {
        ("fiat_advies_1u", "SHT"),
        ("fiat_advies_2u", "SHT"),
        ("u2_consult_1u", "Hengelo"),
        ("u2_consult_1u", "Enschede"),
        ("u2_consult_1u", "SHT"),
        ("u2_consult_2u", "Hengelo"),
        ("u2_consult_2u", "Enschede"),
        ("u2_consult_2u", "SHT"),
        ("tel_patientenlijn_10min", "SHT"),
        ("u2_visite_2u", "SHT"),
        ("u1_visite_20min", "Hengelo"),
        ("u1_visite_20min", "Enschede"),
        ("u1_visite_30min", "Hengelo"),
        ("u1_visite_30min", "Enschede"),
    }


def test_the_headline_figures(derived):
    totals = derived["verrichtingen_totaal"].set_index("post")["aantal"]
    assert (totals["SHT"], totals["Hengelo"], totals["Enschede"]) == (100036, 46040, 53023)
    top = derived["icpc_top"]
    assert list(top.loc[top["post"].eq("Coronapost"), "aantal"]) == [123, 106, 63]


def test_national_patterns_where_the_report_prints_nothing(written):
    con = duckdb.connect()
    c = f"read_parquet('{written['contacten']}')"
    shares = dict(
        con.execute(f"SELECT coalesce(urgentie, ''), count(*) / sum(count(*)) OVER () FROM {c} GROUP BY 1").fetchall()
    )
    for urgentie, share in synthetic.PATTERNS["urgentie"].items():
        assert abs(shares[urgentie] - share) < 0.0005, (urgentie, shares[urgentie], share)
    # Weekday evenings and weekend days are busy, weekday office hours closed.
    hours = dict(
        con.execute(
            "SELECT isodow(t) > 5 AND hour(t) BETWEEN 9 AND 12 OR isodow(t) <= 5 AND hour(t) BETWEEN 17 AND 19, "
            "count(*) "
            f"FROM (SELECT strptime(starttijd, '%Y-%m-%d %H:%M:%S') t FROM {c} WHERE post <> 'Coronapost') GROUP BY 1"
        ).fetchall()
    )
    assert hours[True] > 0.3 * (hours[True] + hours[False])
    office = con.execute(
        f"SELECT count(*) FROM (SELECT strptime(starttijd, '%Y-%m-%d %H:%M:%S') t FROM {c}) "
        "WHERE isodow(t) <= 5 AND hour(t) BETWEEN 9 AND 16 AND strftime(t, '%m-%d') NOT IN "
        "('01-01', '04-05', '04-27', '05-13', '05-24', '12-25', '12-26')"
    ).fetchone()[0]
    assert office == 0
    v = f"read_parquet('{written['visites']}')"
    orphans = con.execute(f"SELECT count(*) FROM {v} WHERE contact_id NOT IN (SELECT contact_id FROM {c})").fetchone()
    assert orphans == (0,)
    years = con.execute(f"SELECT min(starttijd), max(starttijd) FROM {c}").fetchone()
    assert years[0] >= "2021-01-01" and years[1] < "2022-01-01"


def test_real_record_files_are_never_overwritten(written, tmp_path):
    folder = tmp_path / "data" / "2021" / "registraties"
    folder.mkdir(parents=True)
    (folder / "contacten.csv").write_text("contact_id\n", encoding="utf-8")
    with pytest.raises(ValueError, match="geen synthetisch bestand"):
        synthetic.write_year(JAAR, tmp_path, ROOT)
    assert sorted(p.name for p in folder.iterdir()) == ["contacten.csv"]
    # synthetic files of an earlier run are replaced
    again = synthetic.write_year(JAAR, written["contacten"].parents[3], ROOT)
    assert [p.name for p in again] == ["contacten.parquet", "oproepen.parquet", "visites.parquet"]


def test_the_analyst_is_told_which_typed_tables_now_have_a_second_source(tmp_path):
    """`make voorbeeld-registraties` in a project with typed tables names each table the records also feed."""
    project = tmp_path / "kloon"
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copy2(ROOT / "_toc.yml", project / "_toc.yml")
    shutil.rmtree(project / "data" / "2021" / "registraties", ignore_errors=True)
    result = subprocess.run(
        [sys.executable, "-m", "jaarverslag.data.synthetic", "--jaar", "2021"],
        cwd=project,
        env={**os.environ, "JAARVERSLAG_ROOT": str(project)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    fed = [
        "verrichtingen", "verrichtingen_totaal", "hulpvragen_leeftijd", "hulpvragen_leeftijd_totaal",
        "zorgconsumptie", "zorgconsumptie_totaal", "consulteenheden", "consulteenheden_totaal",
        "zorgconsumptie_per_1000", "binnenlopers", "binnenlopers_totaal", "icpc_top", "branchenormen",
    ]  # fmt: skip
    named = [
        line.strip()
        for line in result.stdout.splitlines()
        if line.strip().startswith("data/2021/") and line.strip().endswith(".csv")
    ]
    assert named == [f"data/2021/{naam}.csv" for naam in fed]
    assert "make voorbeeld" in result.stdout and "twee bronnen" in result.stdout
    assert sorted(p.name for p in (project / "data/2021/registraties").iterdir()) == [
        "contacten.parquet", "oproepen.parquet", "visites.parquet"
    ]  # fmt: skip


def test_the_banner_of_a_synthetic_year_says_so_and_keeps_the_other_banners():
    from jaarverslag.build.publish import SYNTHETIC_CLASS, SiteYears

    site = SiteYears((2020, 2021), frozenset(), "/", frozenset({2020, 2021}))
    for jaar in (2020, 2021):
        assert f'class="{SYNTHETIC_CLASS}">Synthetische gegevens: de cijfers over {jaar}' in site.banner(jaar)
    assert "U leest het jaarverslag over 2020" in site.banner(2020)  # the older-year banner stays
    draft = SiteYears((2020, 2021), frozenset({2021}), "/", frozenset({2021}))
    assert "Synthetische gegevens" in draft.banner(2021) and "Concept: dit verslag over 2021" in draft.banner(2021)
    assert draft.page_state(2021)["synthetisch"] is True and draft.page_state(2020)["synthetisch"] is False
    plain = SiteYears((2020, 2021), frozenset(), "/")
    assert plain.banner(2021) == "" and "Synthetische" not in plain.banner(2020)
