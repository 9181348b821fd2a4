"""A national-size synthetic year of record files for the benchmark (not calibrated to any report).

About as many records as all Dutch huisartsenposten together register in a year: by default 5 million
contacts, 5 million calls and 500,000 visits, drawn with vectorised numpy from the same national patterns
as the calibrated records (synthetic.PATTERNS) and written as Parquet by DuckDB (text columns formatted
in SQL, so no Python loop touches a row). Written only into the folder the caller names (the benchmark
uses _build/bench-registraties/), never into data/.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from jaarverslag.data.codebook import categories
from jaarverslag.data.synthetic import OTHER_ICPC, PATTERNS, SYNTHETIC_KEY, SYNTHETIC_VALUE, _hour_slots

CONTACTS = 5_000_000
CALLS = 5_000_000
VISITS = 500_000
SEED = 4_400_000  # about the yearly contacts of all Dutch huisartsenposten
POST_SHARES = {"Hengelo": 0.46, "Enschede": 0.53, "Coronapost": 0.01}


def _categorical(codes: np.ndarray, labels: list[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes.astype(np.int16), categories=labels)


def _times(jaar: int, post_codes: np.ndarray, posts: list[str], rng) -> np.ndarray:
    """Draw one moment per record in its post's opening hours (datetime64[s])."""
    out = np.empty(len(post_codes), dtype="datetime64[s]")
    for i, post in enumerate(posts):
        idx = np.flatnonzero(post_codes == i)
        hours, p = _hour_slots(jaar, post)
        out[idx] = hours[rng.choice(len(hours), size=len(idx), p=p)] + rng.integers(0, 3600, len(idx)).astype(
            "timedelta64[s]"
        )
    return out


def frames(
    jaar: int, root: Path | None = None, contacts: int = CONTACTS, calls: int = CALLS, visits: int = VISITS,
    seed: int = SEED,
) -> dict[str, pd.DataFrame]:  # fmt: skip
    """Return the three record tables as frames of codes and times (formatted to text when written)."""
    rng = np.random.default_rng([seed, jaar])
    cats = categories(root)
    posts = cats["post"]
    post_p = np.array([POST_SHARES[p] for p in posts])
    post = rng.choice(len(posts), size=contacts, p=post_p / post_p.sum())
    verrichtingen = cats["verrichting"]
    visite = verrichtingen.index("Visite")
    other_p = np.ones(len(verrichtingen))
    other_p[visite] = 0
    verrichting = rng.choice(len(verrichtingen), size=contacts, p=other_p / other_p.sum())
    visit_rows = rng.choice(contacts, size=visits, replace=False)
    verrichting[visit_rows] = visite
    urg = list(PATTERNS["urgentie"])
    urgentie = rng.choice(len(urg), size=contacts, p=np.array(list(PATTERNS["urgentie"].values())) / 1.0)
    # The codes with a label in referentie/icpc.csv first: the most frequent ones form the top lists.
    labelled = ["A03", "D06", "S18", "A80", "L04", "U71", "R83.03", "R74", "L12", "D01", "H71"]
    codes = labelled + list(OTHER_ICPC) + [""]
    weight = 1.0 / np.arange(1, len(codes) + 1) ** 0.8
    weight[-1] = PATTERNS["icpc_leeg"] * weight[:-1].sum() / (1 - PATTERNS["icpc_leeg"])
    icpc = rng.choice(len(codes), size=contacts, p=weight / weight.sum())
    gemeenten = cats["gemeente_of_onbekend"]
    contact_ids = rng.permutation(contacts).astype(np.int64) + 100_000_000
    start = _times(jaar, post, posts, rng)
    contacten = pd.DataFrame(
        {
            "nr": contact_ids,
            "starttijd": start,
            "post": _categorical(post, posts),
            "verrichting": _categorical(verrichting, verrichtingen),
            "urgentie": _categorical(urgentie, urg),
            "leeftijd": rng.integers(0, 100, contacts).astype(np.int32),
            "geslacht": _categorical(rng.choice(3, size=contacts, p=[0.455, 0.543, 0.002]), cats["geslacht"]),
            "gemeente": _categorical(rng.integers(0, len(gemeenten), contacts), gemeenten),
            "icpc": _categorical(icpc, codes),
            "binnenloper": _categorical((rng.random(contacts) < 0.017).astype(int), ["nee", "ja"]),
        }
    )
    lines = cats["lijn"]
    phone_posts = cats["post_telefoon"]
    call_post = rng.integers(0, len(phone_posts), calls)
    answered = rng.random(calls) < 0.97
    oproepen = pd.DataFrame(
        {
            "nr": rng.permutation(calls).astype(np.int64) + 100_000_000,
            "binnenkomst": _times(jaar, call_post, phone_posts, rng),
            "post": _categorical(call_post, phone_posts),
            "lijn": _categorical((rng.random(calls) < 0.94).astype(int), lines),
            "wachttijd_s": np.minimum(rng.exponential(90, calls), 7200).astype(np.int32),
            "beantwoord": _categorical(answered.astype(int), ["nee", "ja"]),
        }
    )
    visit_urg = ["U1", "U2", "U3", "U4", "U5"]
    aanvraag = start[visit_rows] + rng.integers(60, 900, visits).astype("timedelta64[s]")
    visites = pd.DataFrame(
        {
            "nr": contact_ids[visit_rows],
            "urgentie": _categorical(rng.choice(5, size=visits, p=[0.07, 0.34, 0.45, 0.10, 0.04]), visit_urg),
            "aanvraag": aanvraag,
            "aankomst": aanvraag + rng.gamma(3, 900, visits).astype(np.int64).astype("timedelta64[s]"),
        }
    )
    return {"contacten": contacten, "oproepen": oproepen, "visites": visites}


_TIME = "strftime({}, '%Y-%m-%d %H:%M:%S')"
_SELECT = {
    "contacten": (
        f"printf('K%d', nr) AS contact_id, {_TIME.format('starttijd')} AS starttijd, post::VARCHAR AS post, "
        "verrichting::VARCHAR AS verrichting, nullif(urgentie::VARCHAR, '') AS urgentie, leeftijd, "
        "geslacht::VARCHAR AS geslacht, gemeente::VARCHAR AS gemeente, nullif(icpc::VARCHAR, '') AS icpc, "
        "binnenloper::VARCHAR AS binnenloper"
    ),
    "oproepen": (
        f"printf('T%d', nr) AS oproep_id, {_TIME.format('binnenkomst')} AS binnenkomst, post::VARCHAR AS post, "
        "lijn::VARCHAR AS lijn, wachttijd_s, beantwoord::VARCHAR AS beantwoord"
    ),
    "visites": (
        f"printf('K%d', nr) AS contact_id, urgentie::VARCHAR AS urgentie, {_TIME.format('aanvraag')} AS aanvraag, "
        f"{_TIME.format('aankomst')} AS aankomst"
    ),
}


def write(folder: Path, tables: dict[str, pd.DataFrame]) -> dict[str, Path]:
    """Write the record tables as Parquet (marked synthetic) with DuckDB on all cores; return their paths."""
    import duckdb

    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    con = duckdb.connect()
    try:
        for naam, frame in tables.items():
            path = folder / f"{naam}.parquet"
            con.register("frame", frame)
            value = SYNTHETIC_VALUE.replace("'", "''")
            con.execute(
                f"COPY (SELECT {_SELECT[naam]} FROM frame) TO '{str(path).replace(chr(39), chr(39) * 2)}' "
                f"(FORMAT parquet, COMPRESSION zstd, KV_METADATA {{{SYNTHETIC_KEY}: '{value}'}})"
            )
            con.unregister("frame")
            paths[naam] = path
    finally:
        con.close()
    return paths
