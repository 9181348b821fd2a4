"""`make bench-registraties`: derive every book table from a national-size synthetic year, DuckDB against pandas.

Generates 5 million contacts, 5 million calls and 500,000 visits into _build/bench-registraties/ (once; the
files are kept for the next run), then derives every table the records feed twice, each in its own child
process: with the project's DuckDB queries (data.registrations.derive_from_files) and with a plain pandas
implementation of the same aggregation (below). Prints wall time and peak memory (the child's maxrss) side
by side, checks that both give identical tables and prints the goals. A script, not a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from jaarverslag.data.paths import build_dir, project_root

FOLDER = "bench-registraties"
JAAR = 2021  # the reference tables and inwoners of this year are used
GOALS = {"duckdb_s": 20.0, "duckdb_gb": 2.0, "ratio": 1 / 3}
RECORD_FILES = ("contacten", "oproepen", "visites")
# The explanations of a norm the records cannot give, as data/registrations/sql/branchenormen.sql writes them.
NOT_DERIVABLE = "Niet af te leiden uit de registraties: contacten, oproepen en visites bevatten deze tijden niet."


def _generate(folder: Path, root: Path) -> tuple[dict[str, Path], float | None]:
    """Write the national-size year unless it is there already; return the paths and the seconds it took."""
    from jaarverslag.data import synthetic_national

    paths = {n: folder / f"{n}.parquet" for n in RECORD_FILES}
    stamp = folder / "gegenereerd.json"
    wanted = {"contacten": synthetic_national.CONTACTS, "oproepen": synthetic_national.CALLS}
    wanted |= {"visites": synthetic_national.VISITS, "seed": synthetic_national.SEED}
    if stamp.is_file() and json.loads(stamp.read_text()) == wanted and all(p.is_file() for p in paths.values()):
        return paths, None
    start = time.perf_counter()
    synthetic_national.write(folder, synthetic_national.frames(JAAR, root))
    stamp.write_text(json.dumps(wanted), encoding="utf-8")
    return paths, time.perf_counter() - start


# --- the pandas baseline ----------------------------------------------------------------------------


# Columns with few distinct values (categories in pandas); measured parts of the pandas run.
LOW_CARDINALITY = ("post", "verrichting", "gemeente", "icpc", "binnenloper", "lijn", "beantwoord", "urgentie")
_TIMES: dict[str, float] = {}


def _read(paths: dict[str, Path], columns: dict[str, list[str]]) -> dict[str, pd.DataFrame]:
    """Read the needed columns of each Parquet file into pandas (pandas has no Parquet reader without pyarrow)."""
    import duckdb

    con = duckdb.connect()
    try:
        frames = {
            n: con.execute(f"SELECT {', '.join(cols)} FROM read_parquet(?)", [str(paths[n])]).df()
            for n, cols in columns.items()
        }
    finally:
        con.close()
    _TIMES["lezen_s"] = time.perf_counter() - _TIMES.pop("start")
    # The pandas idiom for few distinct values: categories make the group-bys much faster.
    for frame in frames.values():
        for column in frame.columns:
            if column in LOW_CARDINALITY:
                frame[column] = frame[column].astype("category")
    return frames


def _ordered(frame: pd.DataFrame, orders: dict[str, list[str]]) -> pd.DataFrame:
    """Keep rows whose values are in the codebook lists and sort them in the lists' order."""
    frame = frame.reset_index(drop=True)
    for column in orders:  # a category column sorts by its own categories: sort by the codebook's order instead
        frame[column] = frame[column].astype(object)
    keep = pd.Series(True, index=frame.index)
    for column, values in orders.items():
        keep &= frame[column].isin(values)
    frame = frame[keep].copy()
    keys = pd.DataFrame({c: frame[c].map({v: i for i, v in enumerate(values)}) for c, values in orders.items()})
    return frame.loc[keys.sort_values(list(orders), kind="stable").index].reset_index(drop=True)


def _rows(frame: pd.DataFrame, jaar: int) -> pd.DataFrame:
    frame.insert(0, "jaar", jaar)
    frame["status"] = "zeker"
    frame["toelichting"] = None
    return frame


def pandas_tables(paths: dict[str, Path], jaar: int, root: Path) -> dict[str, pd.DataFrame]:
    """Every table the records feed, computed with pandas alone (same rules as the SQL queries)."""
    from jaarverslag.data.codebook import categories
    from jaarverslag.data.load import load_table
    from jaarverslag.data.metrics import CONSULTEENHEID_WEIGHTS
    from jaarverslag.data.registrations.derive import NORM_SOURCES, SECONDS

    lists = categories(root)
    _TIMES["start"] = time.perf_counter()
    data = _read(
        paths,
        {
            "contacten": ["contact_id", "post", "verrichting", "leeftijd", "gemeente", "icpc", "binnenloper"],
            "oproepen": ["post", "lijn", "wachttijd_s", "beantwoord"],
            "visites": ["contact_id", "urgentie", "aanvraag", "aankomst"],
        },
    )
    c = data["contacten"]
    soort_map = dict(load_table("verrichting_soort", None, root)[["verrichting", "soort"]].astype(str).values)
    c["soort"] = c["verrichting"].map(soort_map).astype("category")
    groups = lists["leeftijdsgroep_hulpvraag"]
    edges = [int(g.split("-")[0].rstrip("+")) for g in groups] + [10_000]
    c["leeftijdsgroep"] = pd.cut(c["leeftijd"], bins=edges, right=False, labels=groups).astype(object)
    halves = {s: int(round(2 * w)) for s, w in CONSULTEENHEID_WEIGHTS.items()}
    c["halven"] = c["soort"].map(halves).astype("int64")
    out: dict[str, pd.DataFrame] = {}

    def count(by: list[str]) -> pd.DataFrame:
        return c.groupby(by, observed=True).size().rename("aantal").reset_index()

    out["verrichtingen"] = _rows(
        _ordered(count(["post", "verrichting"]), {"post": lists["post"], "verrichting": lists["verrichting"]}), jaar
    )
    per_post = count(["post"])
    per_post = pd.concat([per_post, pd.DataFrame({"post": ["SHT"], "aantal": [len(c)]})]) if len(c) else per_post
    out["verrichtingen_totaal"] = _rows(_ordered(per_post, {"post": lists["post_of_sht"]}), jaar)
    age_soort = {"leeftijdsgroep": groups, "soort": lists["soort_contact"]}
    out["hulpvragen_leeftijd"] = _rows(_ordered(count(["leeftijdsgroep", "soort"]), age_soort), jaar)
    out["hulpvragen_leeftijd_totaal"] = _rows(_ordered(count(["leeftijdsgroep"]), {"leeftijdsgroep": groups}), jaar)
    place_soort = {"gemeente": lists["gemeente_of_onbekend"], "soort": lists["soort_contact"]}
    out["zorgconsumptie"] = _rows(_ordered(count(["gemeente", "soort"]), place_soort), jaar)
    margins = pd.concat(
        [
            count(["gemeente"]).assign(soort="Alle soorten"),
            count(["soort"]).assign(gemeente="Alle gemeenten"),
            pd.DataFrame({"gemeente": ["Alle gemeenten"], "soort": ["Alle soorten"], "aantal": [len(c)]}),
        ]
    )[["gemeente", "soort", "aantal"]]
    margins = margins[margins["aantal"] > 0]
    all_orders = {"gemeente": lists["gemeente_of_alle"], "soort": lists["soort_contact_of_alle"]}
    out["zorgconsumptie_totaal"] = _rows(_ordered(margins, all_orders), jaar)
    units = c.groupby("gemeente")["halven"].sum().reset_index()
    units["consulteenheden"] = (units["halven"] + 1) // 2
    out["consulteenheden"] = _rows(
        _ordered(units[["gemeente", "consulteenheden"]], {"gemeente": lists["gemeente_of_onbekend"]}), jaar
    )
    total_units = pd.DataFrame({"gemeente": ["Alle gemeenten"], "consulteenheden": [(c["halven"].sum() + 1) // 2]})
    out["consulteenheden_totaal"] = _rows(total_units if len(c) else total_units.iloc[:0], jaar)
    inwoners = load_table("inwoners_gemeente", jaar, root)[["gemeente", "inwoners_x1000"]].dropna()
    inwoners = inwoners.astype({"gemeente": str, "inwoners_x1000": "int64"})
    per_1000 = units.merge(inwoners[inwoners["inwoners_x1000"] > 0], on="gemeente")
    per_1000["consulteenheden_per_1000"] = (2 * per_1000["consulteenheden"] + per_1000["inwoners_x1000"]) // (
        2 * per_1000["inwoners_x1000"]
    )
    out["zorgconsumptie_per_1000"] = _rows(
        _ordered(per_1000[["gemeente", "consulteenheden_per_1000"]], {"gemeente": lists["gemeente"]}), jaar
    )
    walk = c.assign(ja=c["binnenloper"].eq("ja")).groupby("post")["ja"].sum().rename("aantal").reset_index()
    out["binnenlopers"] = _rows(_ordered(walk, {"post": lists["post"]}), jaar)
    out["binnenlopers_totaal"] = _rows(pd.DataFrame({"post": ["SHT"], "aantal": [int(walk["aantal"].sum())]}), jaar)
    out["icpc_top"] = _icpc_top(c, jaar, root)
    out["branchenormen"] = _norms(data, jaar, lists, load_table("normen", None, root), NORM_SOURCES, SECONDS)
    return out


def _icpc_top(c: pd.DataFrame, jaar: int, root: Path) -> pd.DataFrame:
    from jaarverslag.data.load import load_table

    labels = dict(load_table("icpc", None, root)[["code", "omschrijving"]].astype(str).values)
    parts = []
    for post, rows, top in (("SHT", c, 10), ("Coronapost", c[c["post"].eq("Coronapost")], 3)):
        alle = len(rows)
        if not alle:
            continue
        counts = rows["icpc"].dropna().value_counts().rename("aantal").rename_axis("code").reset_index()
        counts = counts.sort_values(["aantal", "code"], ascending=[False, True], kind="stable").head(top)
        counts["positie"] = range(1, len(counts) + 1)
        counts["post"] = post
        counts["diagnose"] = counts["code"].map(labels)
        counts["rang"] = None if post == "SHT" else counts["positie"]
        counts["aandeel_pct"] = ((2000 * counts["aantal"] + alle) // (2 * alle)) / 10
        parts.append(counts)
    frame = pd.concat(parts, ignore_index=True)[["post", "diagnose", "rang", "aandeel_pct", "aantal"]]
    return _rows(frame, jaar)


def _norms(data, jaar: int, lists, normen: pd.DataFrame, sources: dict, seconds: dict) -> pd.DataFrame:
    """The industry norms per post and SHT from the calls and visits (same rules as branchenormen.sql)."""
    limits = {
        r.norm_id: int(r.grens_waarde * seconds[r.grens_eenheid])
        for r in normen.itertuples()
        if pd.notna(r.grens_waarde) and r.grens_eenheid in seconds
    }
    calls = data["oproepen"]
    contact_post = data["contacten"].set_index("contact_id")["post"]
    visits = data["visites"].assign(post=data["visites"]["contact_id"].map(contact_post).astype(str))
    fmt = "%Y-%m-%d %H:%M:%S"
    visits["duur"] = (
        pd.to_datetime(visits["aankomst"], format=fmt) - pd.to_datetime(visits["aanvraag"], format=fmt)
    ).dt.total_seconds()
    results = {}
    for norm, (bron, selectie) in sources.items():
        if bron == "oproepen":
            rows = calls[calls["lijn"].eq(selectie)]
            ok = rows["beantwoord"].eq("ja") & (rows["wachttijd_s"] < limits[norm])
        else:
            rows = visits[visits["urgentie"].eq(selectie)]
            ok = rows["duur"] < limits[norm]
        for post, part in [*rows.groupby("post").groups.items(), ("SHT", rows.index)]:
            results[(norm, post)] = (len(part), int(ok.loc[part].sum()))
    out = []
    for norm in lists["branchenorm"]:
        for post in lists["post_hengelo_enschede_sht"]:
            noemer, teller = results.get((norm, post), (0, 0))
            if noemer:
                out.append((norm, post, ((20000 * teller + noemer) // (2 * noemer)) / 100, "zeker", None))
            else:
                bron, selectie = sources.get(norm, (None, None))
                reason = (
                    NOT_DERIVABLE
                    if bron is None
                    else f"Geen gesprekken op de {selectie} in de registraties."
                    if bron == "oproepen"
                    else f"Geen {selectie}-visites in de registraties."
                )
                out.append((norm, post, None, "ontbreekt", reason))
    frame = pd.DataFrame(out, columns=["norm_id", "post", "resultaat_pct", "status", "toelichting"])
    frame.insert(0, "jaar", jaar)
    return frame


# --- the two children and the comparison -------------------------------------------------------------


def child(kind: str, folder: Path, result: Path) -> None:
    """Derive every table one way, write them (pickled) and print wall time and peak memory as JSON."""
    from jaarverslag.data.registrations import derive_from_files
    from jaarverslag.data.registrations.derive import typed_frame

    root = project_root()
    paths = {n: folder / f"{n}.parquet" for n in RECORD_FILES}
    start = time.perf_counter()
    if kind == "duckdb":
        tables = derive_from_files(JAAR, root=root, **paths)
    else:
        tables = {n: typed_frame(f, n, root) for n, f in pandas_tables(paths, JAAR, root).items()}
    seconds = time.perf_counter() - start
    with open(result, "wb") as handle:
        pickle.dump(tables, handle)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports kB
    print(json.dumps({"seconden": seconds, "piek_bytes": peak, **_TIMES}))


def _run_child(kind: str, folder: Path) -> tuple[dict, dict[str, pd.DataFrame]]:
    result = folder / f"tabellen-{kind}.pickle"
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "jaarverslag.build.bench_registrations", "--kind", kind, "--folder", str(folder)],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )
    if proc.returncode != 0:
        raise SystemExit(f"Afleiden met {kind} mislukt:\n{proc.stdout}\n{proc.stderr}")
    figures = json.loads(proc.stdout.strip().splitlines()[-1]) | {"proces_s": time.perf_counter() - start}
    with open(result, "rb") as handle:
        tables = pickle.load(handle)
    result.unlink()
    return figures, tables


def differences(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> list[str]:
    """Name every table that differs between the two derivations (missing, other rows, other values)."""
    problems = [f"{n}: alleen in één van beide" for n in sorted(set(a) ^ set(b))]
    for naam in sorted(set(a) & set(b)):
        try:
            pd.testing.assert_frame_equal(a[naam].reset_index(drop=True), b[naam].reset_index(drop=True))
        except AssertionError as error:
            problems.append(f"{naam}: {str(error).splitlines()[0]}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench-registraties")
    parser.add_argument("--kind", choices=["duckdb", "pandas"])
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args(argv)
    if args.kind:
        child(args.kind, args.folder, args.folder / f"tabellen-{args.kind}.pickle")
        return 0
    root = project_root()
    folder = build_dir(root) / FOLDER
    paths, generated = _generate(folder, root)
    sizes = ", ".join(f"{n} {p.stat().st_size / 1e6:.0f} MB" for n, p in paths.items())
    print(
        "Landelijk synthetisch jaar: 5.000.000 contacten, 5.000.000 oproepen, 500.000 visites "
        f"({sizes}); " + (f"gegenereerd in {generated:.1f} s." if generated is not None else "al aanwezig.")
    )
    duck, duck_tables = _run_child("duckdb", folder)
    pand, pand_tables = _run_child("pandas", folder)
    print(f"{'':8}{'afleiden (s)':>14}{'piekgeheugen (GB)':>20}{'proces incl. start (s)':>25}")
    for name, f in (("DuckDB", duck), ("pandas", pand)):
        print(f"{name:8}{f['seconden']:>14.1f}{f['piek_bytes'] / 1e9:>20.2f}{f['proces_s']:>25.1f}")
    print(
        f"(pandas leest Parquet via DuckDB, want pandas heeft zonder pyarrow geen Parquet-lezer: lezen "
        f"{pand['lezen_s']:.1f} s, rekenen {pand['seconden'] - pand['lezen_s']:.1f} s; DuckDB leest en rekent in één.)"
    )
    ratio = duck["seconden"] / pand["seconden"]
    problems = differences(duck_tables, pand_tables)
    print(f"Tabellen: {len(duck_tables)}; " + ("identiek." if not problems else "VERSCHILLEN: " + "; ".join(problems)))
    checks = [
        (f"DuckDB <= {GOALS['duckdb_s']:.0f} s", duck["seconden"] <= GOALS["duckdb_s"]),
        (f"DuckDB <= {GOALS['duckdb_gb']:.0f} GB piek", duck["piek_bytes"] <= GOALS["duckdb_gb"] * 1e9),
        (f"DuckDB <= 1/3 van pandas (nu {ratio:.2f})", ratio <= GOALS["ratio"]),
    ]
    for text, ok in checks:
        print(f"  {'gehaald' if ok else 'NIET gehaald'}: {text}")
    (folder / "resultaat.json").write_text(
        json.dumps({"duckdb": duck, "pandas": pand, "verhouding": ratio, "verschillen": problems}, indent=2),
        encoding="utf-8",
    )
    return 0 if not problems else 1


if __name__ == "__main__":
    raise SystemExit(main())
