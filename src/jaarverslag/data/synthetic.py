"""Synthetic registrations: seeded record files whose aggregates reproduce a year's typed tables exactly.

`make voorbeeld-registraties JAAR=2021` writes contacten, oproepen and visites into
data/<jaar>/registraties/ (only on that explicit command) as Parquet files that mark themselves as
synthetic (Parquet key-value metadata, see SYNTHETIC_KEY); a site built from them says so on every page.
Every margin the typed tables hold is reproduced exactly (counts per post and verrichting, per age
group and soort, per gemeente and soort, the ICPC top lists, binnenlopers, the telephone norms the
report is sure of); what the report does not print follows public national patterns (PATTERNS).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from jaarverslag.data.load import is_available, load_table
from jaarverslag.data.paths import data_dir
from jaarverslag.data.synthetic_marker import (  # noqa: F401 - re-exported
    REGISTRATIONS_FOLDER,
    SYNTHETIC_KEY,
    SYNTHETIC_VALUE,
    is_synthetic,
    is_synthetic_file,
    registrations_dir,
)

DEFAULT_SEED = 20211231
RECORD_FILES = ("contacten", "oproepen", "visites")

# Where the report prints nothing, the records follow these public patterns (also in the codebook
# entries' `synthetisch` section); every figure here is a documented assumption, not a measurement.
PATTERNS = {
    # Nivel Zorgregistraties eerste lijn, huisartsenposten: share of contacts per NTS urgency.
    "urgentie": {"U0": 0.003, "U1": 0.015, "U2": 0.11, "U3": 0.38, "U4": 0.22, "U5": 0.26, "": 0.012},
    # Share of women per age group (more women than men from adolescence on; chosen, roughly as Nivel reports).
    "vrouw": {"0-10": 0.46, "10-20": 0.53, "20-40": 0.60, "40-60": 0.55, "60-80": 0.52, "80+": 0.63},
    "geslacht_x": 0.002,  # sex not recorded
    "icpc_leeg": 0.08,  # contacts without a diagnosis code (mostly transfers to the ambulance)
}

# Dutch public holidays in 2021 on which the posts are open all day (besides weekends).
HOLIDAYS = {
    2021: ("2021-01-01", "2021-04-04", "2021-04-05", "2021-04-27", "2021-05-13", "2021-05-23", "2021-05-24",
           "2021-12-25", "2021-12-26"),
}  # fmt: skip
# Relative demand per hour of day: weekday evenings (from 17:00) and weekend/holiday daytime peak, nights quiet.
WEEKDAY_HOURS = np.array([3, 2, 1.5, 1.2, 1.2, 1.5, 2.5, 4] + [0] * 9 + [14, 16, 15, 12, 10, 8, 6])
WEEKEND_HOURS = np.array([3, 2, 1.5, 1.2, 1.2, 1.5, 3, 8, 16, 22, 24, 22, 18, 16, 15, 15, 14, 14, 13, 11, 9, 8, 6, 4])
# The corona post held weekend consulting hours in Hengelo until it closed on 1 July 2021 (corona_tijdlijn).
CORONAPOST_CLOSED = "2021-07-01"
CORONAPOST_HOURS = range(10, 17)
# Residence near which post: 0 is Hengelo, 1 is Enschede (used only to correlate gemeente with post).
GEMEENTE_SIDE = {
    "Hengelo": 0.0, "Borne": 0.1, "Hof van Twente": 0.2, "Haaksbergen": 0.6, "Oldenzaal": 0.5,
    "Dinkelland": 0.5, "Losser": 0.8, "Enschede": 1.0, "Onbekend": 0.5,
}  # fmt: skip
POST_SIDE = {"Hengelo": 0.0, "Coronapost": 0.3, "Enschede": 1.0}
# Severity per verrichting, to give the urgencies a plausible link with the procedure.
SEVERITY = {
    "Overdracht ambulance": 5.0, "Hulpvragen doorgeschakeld naar meldkamer ambulance": 4.5, "SEH consult": 3.0,
    "Visite": 3.0, "Consult huisarts": 2.0, "Consult VS": 2.0, "Palliatief team visite": 2.5,
    "Consult triagist (i.o.)": 1.5, "Telefonisch consult": 1.2, "Beeldbel consult": 1.2,
    "Palliatief team telefonisch consult (TC)": 1.5, "Vervolgactie GGZ": 1.5, "Vervolgactie thuiszorg": 1.2,
    "Advies triagist (i.o.)": 0.5, "Terugbel advies": 0.5,
}  # fmt: skip
# Other ICPC-1 codes out-of-hours care sees often (never above the printed tenth place).
OTHER_ICPC = (
    "R05", "R02", "N01", "D11", "D10", "K77", "A04", "R78", "L03", "L02", "S12", "S16", "H01", "F02", "R21",
    "R81", "K90", "T90", "W78", "X14", "U02", "U14", "D12", "D20", "K74", "K86", "L14", "L15", "L17", "L18",
    "L77", "L81", "N17", "N79", "P74", "P76", "P98", "R09", "R76", "R80", "S06", "S11", "S15", "S17", "S29",
    "S70", "S74", "S76", "S84", "S88", "T11", "D84", "D87", "D93", "D70", "A85", "A87", "A92", "A97", "B02",
    "F70", "F75", "H72", "H81", "K75", "K78", "K80", "K93", "N07", "N89", "P02", "P70", "R07", "R72", "R75",
    "R77", "R95", "R96", "T82", "U70", "U95", "W03", "W14", "X07", "X90", "Y06", "Y75", "Z25",
)  # fmt: skip
ICPC_CAP_CORONAPOST = 60  # below the corona post's third place (63)
VISIT_URGENCY_SHARE = {"U1": 0.07, "U2": 0.34, "U3": 0.45, "U4": 0.10, "U5": 0.04}
TRIAGE_DELAY_S = (60, 900)  # from the start of the contact to the visit request


@dataclass(frozen=True)
class Margins:
    """The typed tables of one year the synthetic records must reproduce."""

    verrichtingen: pd.DataFrame
    soort: dict[str, str]  # verrichting -> soort (referentie/verrichting_soort)
    leeftijd: pd.DataFrame  # hulpvragen_leeftijd
    gemeente: pd.DataFrame  # zorgconsumptie
    icpc_top: pd.DataFrame
    icpc_codes: dict[str, str]  # omschrijving -> code (referentie/icpc)
    binnenlopers: pd.DataFrame
    branchenormen: pd.DataFrame
    bevolking: pd.DataFrame  # CBS population by 5-year band (ages within a group)


def load_margins(jaar: int, root: Path | None = None) -> Margins:
    """Read the typed tables (validated) the synthetic records of a year must reproduce."""
    bevolking = load_table("cbs_bevolking_leeftijd", None, root)
    peil = sorted(p for p in bevolking["peildatum"].unique() if int(str(p)[:4]) <= jaar) or sorted(
        bevolking["peildatum"].unique()
    )
    icpc = load_table("icpc", None, root)
    return Margins(
        verrichtingen=load_table("verrichtingen", jaar, root),
        soort=dict(zip(*load_table("verrichting_soort", None, root)[["verrichting", "soort"]].T.values)),
        leeftijd=load_table("hulpvragen_leeftijd", jaar, root),
        gemeente=load_table("zorgconsumptie", jaar, root),
        icpc_top=load_table("icpc_top", jaar, root),
        icpc_codes=dict(zip(icpc["omschrijving"], icpc["code"])),
        binnenlopers=load_table("binnenlopers", jaar, root),
        branchenormen=load_table("branchenormen", jaar, root)
        if is_available("branchenormen", jaar, root)
        else pd.DataFrame(columns=["norm_id", "post", "resultaat_pct"]),
        bevolking=bevolking[bevolking["peildatum"].eq(peil[-1])],
    )


def _repeat(labels, counts) -> np.ndarray:
    """Return each label repeated its count times (a multiset as an array)."""
    return np.repeat(np.asarray(labels, dtype=object), np.asarray(counts, dtype=np.int64))


def _couple(row_key: np.ndarray, labels: np.ndarray, label_key: np.ndarray, noise: float, rng) -> np.ndarray:
    """Give each row one label, every label used exactly once, pairing similar keys (plus noise) together."""
    assert len(row_key) == len(labels), (len(row_key), len(labels))
    rows = np.argsort(row_key + rng.uniform(0, noise, len(row_key)), kind="stable")
    order = np.argsort(label_key + rng.uniform(0, noise, len(labels)), kind="stable")
    out = np.empty(len(labels), dtype=object)
    out[rows] = labels[order]
    return out


def _largest_remainder(total: int, shares: dict[str, float]) -> dict[str, int]:
    """Split total into whole counts proportional to shares (Hamilton's method, ties by order)."""
    keys = list(shares)
    raw = np.array([shares[k] for k in keys]) / sum(shares.values()) * total
    counts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - counts), kind="stable")[: total - counts.sum()]:
        counts[i] += 1
    return dict(zip(keys, counts.tolist()))


def _ok(k: np.ndarray, n, target: float) -> np.ndarray:
    """Whether 100*k/n rounds (half up, two decimals, as the derivation does) to target, safely away from a tie."""
    return np.abs(100 * k / n - target) < 0.004


def _hits(n: int, target: float) -> np.ndarray:
    """Every k whose share of n gives target."""
    k = np.arange(n + 1)
    return k[_ok(k, n, target)]


def _two_posts(n_range_h, ratio: tuple[float, float], targets: tuple[float, float, float]):
    """Find (nH, nE, kH, kE) with kH/nH, kE/nE and the pooled share exactly the three printed percentages."""
    for n_h in n_range_h:
        for k_h in _hits(n_h, targets[0]):
            for n_e in range(int(n_h * ratio[0]), int(n_h * ratio[1]) + 1):
                ks = _hits(n_e, targets[1])
                good = ks[_ok(k_h + ks, n_h + n_e, targets[2])]
                if len(good):
                    return n_h, n_e, int(k_h), int(good[0])
    raise ValueError(f"Geen aantallen gevonden voor de percentages {targets}.")


def _best(n: int, target: float) -> int:
    """The count of n closest to target percent."""
    return int(round(n * target / 100))


def _pct(branchenormen: pd.DataFrame, norm_id: str, post: str) -> float | None:
    row = branchenormen[branchenormen["norm_id"].eq(norm_id) & branchenormen["post"].eq(post)]
    if row.empty or pd.isna(row["resultaat_pct"].iloc[0]):
        return None
    return float(row["resultaat_pct"].iloc[0])


# --- timestamps -----------------------------------------------------------------------------------


def _hour_slots(jaar: int, post: str) -> tuple[np.ndarray, np.ndarray]:
    """Return every hour of the year the post is open (as datetime64[s]) and its relative demand."""
    start = np.datetime64(f"{jaar}-01-01T00:00:00", "s")
    hours = start + np.arange(0, 366 * 24, dtype=np.int64) * np.int64(3600)
    hours = hours[hours < np.datetime64(f"{jaar + 1}-01-01T00:00:00", "s")]
    days = hours.astype("datetime64[D]")
    hour = ((hours - days.astype("datetime64[s]")) // np.timedelta64(1, "h")).astype(int)
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday: Monday is 0
    holidays = np.array(HOLIDAYS.get(jaar, ()), dtype="datetime64[D]")
    free = (weekday >= 5) | np.isin(days, holidays)
    # On a weekday the post opens at 17:00 and closes at 08:00 the next morning.
    weight = np.where(free, WEEKEND_HOURS[hour], WEEKDAY_HOURS[hour]).astype(float)
    if post == "Coronapost":
        weight = np.where(
            free & (days < np.datetime64(CORONAPOST_CLOSED)) & np.isin(hour, list(CORONAPOST_HOURS)), 1.0, 0.0
        )
    # The nights of the clock changes: no records between 00:00 and 04:00, so no interval spans the change.
    for change in _clock_changes(jaar):
        weight[(days == change) & (hour < 4)] = 0.0
    # Leave the last three hours of the year free, so a visit requested then still arrives within the year.
    weight[hours >= np.datetime64(f"{jaar}-12-31T21:00:00", "s")] = 0.0
    return hours, weight / weight.sum()


def _clock_changes(jaar: int) -> list[np.datetime64]:
    """The last Sundays of March and October (start and end of summer time in the EU)."""
    out = []
    for month in (3, 10):
        day = dt.date(jaar, month, 31)
        out.append(np.datetime64(day - dt.timedelta(days=(day.weekday() - 6) % 7)))
    return out


def _times(jaar: int, post: str, n: int, rng, demand: bool = False):
    """Draw n moments (datetime64[s]) in the post's opening hours, following the demand pattern.

    demand: also return each moment's relative demand (the weight of its hour).
    """
    hours, p = _hour_slots(jaar, post)
    pick = rng.choice(len(hours), size=n, p=p)
    moments = hours[pick] + rng.integers(0, 3600, n).astype("timedelta64[s]")
    return (moments, p[pick] / p.max()) if demand else moments


# --- contacts -------------------------------------------------------------------------------------


def _ages(groups: np.ndarray, bevolking: pd.DataFrame, rng) -> np.ndarray:
    """Exact ages within each age group, following the population by 5-year band (uniform within a band)."""
    totals = bevolking.groupby("leeftijdsgroep", sort=False)["inwoners"].sum()
    bands = []
    for band, inwoners in totals.items():
        lo, _, hi = str(band).replace("+", "-").partition("-")
        lo, hi = int(lo), int(hi) if hi else int(lo) + 9
        bands.append((lo, hi, float(inwoners)))
    ages = np.zeros(len(groups), dtype=np.int64)
    for group in np.unique(groups):
        lo, _, hi = str(group).replace("+", "-").partition("-")
        lo, hi = int(lo), (int(hi) - 1) if hi else 200
        inside = [(a, min(b, hi), w) for a, b, w in bands if a >= lo and a <= hi]
        years = np.concatenate([np.arange(a, b + 1) for a, b, _ in inside])
        weight = np.concatenate([np.full(b - a + 1, w / (b - a + 1)) for a, b, w in inside])
        idx = np.flatnonzero(groups == group)
        ages[idx] = rng.choice(years, size=len(idx), p=weight / weight.sum())
    return ages


def _icpc(m: Margins, posts: np.ndarray, verrichting: np.ndarray, rng) -> np.ndarray:
    """ICPC codes: the printed top lists exactly, other codes below them, some contacts without a code."""
    n = len(posts)
    top = m.icpc_top
    sht = {
        m.icpc_codes[d]: int(a)
        for d, a in zip(top.loc[top.post.eq("SHT"), "diagnose"], top.loc[top.post.eq("SHT"), "aantal"])
    }
    corona_rows = top[top.post.eq("Coronapost")]
    corona = {m.icpc_codes[d]: int(a) for d, a in zip(corona_rows["diagnose"], corona_rows["aantal"])}
    floor_sht = min(sht.values())
    floor_corona = min(corona.values()) if corona else None
    # Codes of the corona post's list outside the SHT top 10 come first, so they are frequent enough.
    others = [c for c in corona if c not in sht] + [c for c in OTHER_ICPC if c not in sht and c not in corona]
    empty = int(round(PATTERNS["icpc_leeg"] * n))
    rest = n - sum(sht.values()) - empty
    # Zipf-like counts for the other codes, capped below the tenth place.
    weight = 1.0 / np.arange(1, len(others) + 1) ** 0.8
    cap = floor_sht - 20 - 9 * np.arange(len(others))  # distinct caps: no ties just below the top 10
    counts = np.minimum(np.floor(weight / weight.sum() * rest).astype(int), cap)
    short = rest - counts.sum()
    step = 0
    while short > 0:  # top up the smallest codes one by one, never above the cap
        i = len(others) - 1 - (step % len(others))
        if counts[i] < cap[i]:
            counts[i] += 1
            short -= 1
        step += 1
    totals = {**sht, **dict(zip(others, counts.tolist())), "": empty}
    out = np.empty(n, dtype=object)
    is_corona = posts == "Coronapost"
    if is_corona.any():
        n_c = int(is_corona.sum())
        c_counts = dict(corona)
        # The corona post's other contacts: mostly respiratory codes, each below its third place.
        cap = min(ICPC_CAP_CORONAPOST, (floor_corona or ICPC_CAP_CORONAPOST + 1) - 1)
        left = n_c - sum(c_counts.values())
        for code in ["R83.03", "R05", "R02", "R78", "R21", "R81", "A04", "N01", "R09", "R80", *others]:
            if left <= 0:
                break
            if code in c_counts or totals.get(code, 0) < 1:
                continue
            take = min(cap, left, totals[code] - 1)
            c_counts[code] = take
            left -= take
        pool = _repeat(list(c_counts), list(c_counts.values()))
        out[is_corona] = rng.permutation(pool)
        for code, a in c_counts.items():
            totals[code] -= a
    rest_idx = np.flatnonzero(~is_corona)
    labels = _repeat(list(totals), list(totals.values()))
    # Transfers to the ambulance most often have no code.
    transfer = np.isin(
        verrichting[rest_idx], ["Hulpvragen doorgeschakeld naar meldkamer ambulance", "Overdracht ambulance"]
    )
    out[rest_idx] = _couple(-transfer.astype(float), labels, -(labels == "").astype(float), 1.5, rng)
    return out


def contacts(m: Margins, jaar: int, rng) -> pd.DataFrame:
    """Return the contact records: one per verrichting, every typed margin reproduced exactly."""
    v = m.verrichtingen
    post = _repeat(v["post"], v["aantal"])
    verrichting = _repeat(v["verrichting"], v["aantal"])
    n = len(post)
    shuffle = rng.permutation(n)
    post, verrichting = post[shuffle], verrichting[shuffle]
    soort = np.array([m.soort[x] for x in verrichting], dtype=object)
    groep = np.empty(n, dtype=object)
    gemeente = np.empty(n, dtype=object)
    for s in np.unique(soort):
        idx = np.flatnonzero(soort == s)
        lt = m.leeftijd[m.leeftijd["soort"].eq(s)]
        groups = _repeat(lt["leeftijdsgroep"], lt["aantal"])
        older = np.isin(verrichting[idx], ["Palliatief team visite", "Palliatief team telefonisch consult (TC)"])
        order = {g: i for i, g in enumerate(lt["leeftijdsgroep"])}
        groep[idx] = _couple(older * 4.0, groups, np.array([order[g] for g in groups], float), 6.0, rng)
        gm = m.gemeente[m.gemeente["soort"].eq(s)]
        places = _repeat(gm["gemeente"], gm["aantal"])
        side_row = np.array([POST_SIDE[p] for p in post[idx]])
        side_place = np.array([GEMEENTE_SIDE.get(g, 0.5) for g in places])
        gemeente[idx] = _couple(side_row, places, side_place, 1.3, rng)
    leeftijd = _ages(groep, m.bevolking, rng)
    vrouw = rng.random(n) < np.array([PATTERNS["vrouw"][g] for g in groep])
    geslacht = np.where(vrouw, "V", "M").astype(object)
    geslacht[rng.random(n) < PATTERNS["geslacht_x"]] = "X"
    binnenloper = np.full(n, "nee", dtype=object)
    for row in m.binnenlopers.itertuples(index=False):
        # Walk-ins are consultations at the post: prefer the consult rows of that post.
        idx = np.flatnonzero(post == row.post)
        pref = np.isin(verrichting[idx], ["Consult huisarts", "Consult triagist (i.o.)", "Consult VS"])
        ranked = idx[np.argsort(-(pref + rng.uniform(0, 0.5, len(idx))), kind="stable")]
        binnenloper[ranked[: int(row.aantal)]] = "ja"
    icpc = _icpc(m, post, verrichting, rng)
    starttijd = np.empty(n, dtype="datetime64[s]")
    for p in np.unique(post):
        idx = np.flatnonzero(post == p)
        starttijd[idx] = _times(jaar, p, len(idx), rng)
    ids = rng.permutation(np.arange(10_000_000, 10_000_000 + n))
    frame = pd.DataFrame(
        {
            "contact_id": [f"K{i}" for i in ids],
            "starttijd": starttijd,
            "post": post,
            "verrichting": verrichting,
            "urgentie": np.full(n, "", dtype=object),
            "leeftijd": leeftijd,
            "geslacht": geslacht,
            "gemeente": gemeente,
            "icpc": icpc,
            "binnenloper": binnenloper,
        }
    )
    return frame


# --- visits and urgencies -------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitPlan:
    """Visits per post and urgency, and how many arrive within each norm's limit."""

    counts: dict[tuple[str, str], int]  # (post, urgency) -> visits
    within: dict[tuple[str, str, int], int]  # (post, urgency, limit in seconds) -> visits arriving before it


def _nearest_split(room: list[int], targets: list[tuple[float, float]]) -> tuple[int, int]:
    """U2 visits of two posts (each at most its room) whose shares within both limits come nearest the targets."""
    n_h = np.arange(50, room[0] + 1)[:, None]
    n_e = np.arange(50, room[1] + 1)[None, :]
    err = np.zeros((len(n_h), n_e.shape[1]))
    for i in range(2):
        k_h, k_e = np.round(n_h * targets[0][i] / 100), np.round(n_e * targets[1][i] / 100)
        err += np.abs(100 * k_h / n_h - targets[0][i]) + np.abs(100 * k_e / n_e - targets[1][i])
        err += np.abs(100 * (k_h + k_e) / (n_h + n_e) - targets[2][i])
    i, j = np.unravel_index(np.argmin(np.round(err, 6)), err.shape)
    return int(n_h[i, 0]), int(n_e[0, j])


def _visit_plan(m: Margins, visits_per_post: dict[str, int]) -> VisitPlan:
    """Choose visit counts so the printed visit norms come out as printed (as near as whole visits allow)."""
    b = m.branchenormen
    counts: dict[tuple[str, str], int] = {}
    within: dict[tuple[str, str, int], int] = {}
    posts = [p for p in ("Hengelo", "Enschede") if visits_per_post.get(p)]
    for p in posts:
        counts.update({(p, u): c for u, c in _largest_remainder(visits_per_post[p], VISIT_URGENCY_SHARE).items()})
    # U2 per post and SHT (< 1 hour and < 2 hours): the split nearest to all six printed values.
    u2 = {p: (_pct(b, "u2_visite_1u", p), _pct(b, "u2_visite_2u", p)) for p in [*posts, "SHT"]}
    if all(None not in v for v in u2.values()) and len(posts) == 2:
        h, e = posts
        n_h, n_e = _nearest_split([counts[(p, "U2")] + counts[(p, "U3")] for p in posts], [u2[h], u2[e], u2["SHT"]])
        for p, n_p in ((h, n_h), (e, n_e)):
            shift = n_p - counts[(p, "U2")]
            counts[(p, "U2")] = n_p
            counts[(p, "U3")] -= shift
            within[(p, "U2", 3600)] = _best(n_p, u2[p][0])
            within[(p, "U2", 7200)] = _best(n_p, u2[p][1])
    # U1 (< 20 and < 30 minutes): only SHT is printed; the posts share the visits as planned.
    u1 = (_pct(b, "u1_visite_20min", "SHT"), _pct(b, "u1_visite_30min", "SHT"))
    if None not in u1 and posts:
        total = sum(counts[(p, "U1")] for p in posts)
        candidates = np.arange(max(total // 2, 10), 3 * total)
        err = sum(np.abs(100 * np.round(candidates * t / 100) / candidates - t) for t in u1)
        best = int(candidates[np.lexsort((np.abs(candidates - total), np.round(err, 6)))[0]])
        diff = best - total
        counts[(posts[0], "U1")] += diff
        counts[(posts[0], "U3")] -= diff
        for limit, t in zip((1200, 1800), u1):
            k = _best(best, t)
            first = round(k * counts[(posts[0], "U1")] / best)
            within[(posts[0], "U1", limit)] = first
            within[(posts[-1], "U1", limit)] = k - first if len(posts) > 1 else first
    return VisitPlan(counts, within)


# Arrival after the request per urgency, in seconds, within and beyond the norm limits.
_LIMITS = {
    "U1": (1200, 1800),
    "U2": (3600, 7200),
    "U3": (7200, 4 * 3600),
    "U4": (4 * 3600, 6 * 3600),
    "U5": (6 * 3600, 8 * 3600),
}
_MARGIN_S = 5  # keep every drive time this far from a limit, so "<" and "<=" agree


def _drive_times(n: int, limits: tuple[int, int], k1: int | None, k2: int | None, rng) -> np.ndarray:
    """n drive times: k1 below the first limit, k2 below the second, the rest beyond it (shuffled)."""
    lo1, lo2 = limits
    if k1 is None:
        k1 = int(round(n * 0.6))
    if k2 is None:
        k2 = max(k1, int(round(n * 0.97)))
    start = min(300, lo1 // 3)
    first = rng.integers(start, lo1 - _MARGIN_S, k1)
    second = rng.integers(lo1 + _MARGIN_S, lo2 - _MARGIN_S, k2 - k1)
    third = rng.integers(lo2 + _MARGIN_S, lo2 + max(1800, lo2 // 2), n - k2)
    return rng.permutation(np.concatenate([first, second, third]))


def urgencies_and_visits(frame: pd.DataFrame, m: Margins, rng) -> pd.DataFrame:
    """Set the contacts' urgency (Nivel shares overall) and return the visit records (norms as printed)."""
    n = len(frame)
    is_visit = frame["verrichting"].eq("Visite").to_numpy()
    plan = _visit_plan(m, frame.loc[is_visit, "post"].value_counts().to_dict())
    urg = np.full(n, "", dtype=object)
    drive = np.zeros(n, dtype=np.int64)
    for p in frame.loc[is_visit, "post"].unique():
        idx = rng.permutation(np.flatnonzero(is_visit & frame["post"].eq(p).to_numpy()))
        at = 0
        for u, limits in _LIMITS.items():
            c = plan.counts.get((p, u), 0)
            part = idx[at : at + c]
            at += c
            urg[part] = u
            drive[part] = _drive_times(
                c, limits, plan.within.get((p, u, limits[0])), plan.within.get((p, u, limits[1])), rng
            )
        assert at == len(idx)
    # The other contacts share what is left of the national urgency totals, the severe ones first.
    totals = _largest_remainder(n, PATTERNS["urgentie"])
    for u in _LIMITS:
        totals[u] -= int((urg[is_visit] == u).sum())
    rest = np.flatnonzero(~is_visit)
    labels = _repeat(list(totals), list(totals.values()))
    rank = {"U0": 6, "U1": 5, "U2": 4, "U3": 3, "U4": 2, "U5": 1, "": 3}
    severity = np.array([SEVERITY.get(x, 1.0) for x in frame["verrichting"].to_numpy()[rest]])
    urg[rest] = _couple(-severity, labels, -np.array([rank[x] for x in labels], float), 3.0, rng)
    frame["urgentie"] = urg
    starts = frame["starttijd"].to_numpy()[is_visit]
    aanvraag = starts + rng.integers(*TRIAGE_DELAY_S, int(is_visit.sum())).astype("timedelta64[s]")
    visits = pd.DataFrame(
        {
            "contact_id": frame["contact_id"].to_numpy()[is_visit],
            "urgentie": urg[is_visit],
            "aanvraag": aanvraag,
            "aankomst": aanvraag + drive[is_visit].astype("timedelta64[s]"),
        }
    )
    return visits.sort_values(["aanvraag", "contact_id"], kind="stable").reset_index(drop=True)


# --- calls ----------------------------------------------------------------------------------------

# Calls per contact on the regular line and the emergency line (chosen: most contacts start with a call).
CALL_VOLUME = {"reguliere lijn": (0.85, 1.25), "spoedlijn": (0.05, 0.08)}
ABANDONED_SHARE_OF_LATE = 0.5  # of the calls not answered within the last limit: hung up before an answer
WAIT_DEMAND_NOISE = 3.0  # how loosely a call's waiting time follows the demand of its hour (both scaled 0-1)


def _call_plan(m: Margins, contacts_per_post: dict[str, int]) -> dict[tuple[str, str], tuple[int, list[int]]]:
    """Calls per post and line, and how many are answered within each limit, as the report prints."""
    b = m.branchenormen
    plan = {}
    h, e = "Hengelo", "Enschede"
    lines = {
        "spoedlijn": ["tel_spoedlijn_30s"],
        "reguliere lijn": ["tel_patientenlijn_2min", "tel_patientenlijn_10min"],
    }
    for lijn, norms in lines.items():
        lo, hi = CALL_VOLUME[lijn]
        first = [_pct(b, norms[0], p) for p in (h, e, "SHT")]
        base = int(contacts_per_post.get(h, 0) * (lo + hi) / 2)
        if None in first:
            n_h, n_e = base, int(contacts_per_post.get(e, 0) * (lo + hi) / 2)
            ks = [[_best(n_h, 95.0), _best(n_e, 95.0)]]
        else:
            # The pooled share fixes the ratio of the two posts' calls.
            w_e = (first[2] - first[0]) / (first[1] - first[0])
            ratio = w_e / (1 - w_e)
            n_h, n_e, k_h, k_e = _two_posts(range(base, base + 5000), (ratio * 0.98, ratio * 1.02), tuple(first))
            ks = [[k_h, k_e]]
        for norm in norms[1:]:  # a later limit of the same calls: per post as printed, SHT follows
            second = [_pct(b, norm, p) for p in (h, e)]
            ks.append([_best(n, t if t is not None else 99.0) for n, t in zip((n_h, n_e), second)])
        plan[(h, lijn)] = (n_h, [k[0] for k in ks])
        plan[(e, lijn)] = (n_e, [k[1] for k in ks])
    return plan


_CALL_LIMITS = {"spoedlijn": (30,), "reguliere lijn": (120, 600)}


def calls(frame: pd.DataFrame, m: Margins, jaar: int, rng) -> pd.DataFrame:
    """Return the call records: the telephone norms as printed, waiting times shaped within each band."""
    plan = _call_plan(m, frame["post"].value_counts().to_dict())
    parts = []
    for (post, lijn), (n, ks) in plan.items():
        limits = _CALL_LIMITS[lijn]
        bands, lo = [], 0
        for limit, k, prev in zip(limits, ks, [0, *ks]):
            bands.append(rng.integers(lo, limit - 1, k - prev))  # answered within this limit
            lo = limit + 1
        late = n - ks[-1]
        abandoned = rng.random(late) < ABANDONED_SHARE_OF_LATE
        wait = np.concatenate(
            [*bands, np.where(abandoned, rng.integers(5, 600, late), rng.integers(lo, lo + 4 * limits[-1], late))]
        )
        answered = np.concatenate([np.ones(ks[-1], bool), ~abandoned])
        # Busier hours wait longer (a hung-up call counts as the longest wait): the waits are paired with the
        # moments by rank, loosely (WAIT_DEMAND_NOISE), so the hours where a norm is missed are the busy ones.
        moments, demand = _times(jaar, post, n, rng, demand=True)
        wait_rank = np.where(answered, np.argsort(np.argsort(wait, kind="stable"), kind="stable") / n, 1.0)
        rows = np.argsort(demand + rng.uniform(0, WAIT_DEMAND_NOISE, n), kind="stable")
        order = np.empty(n, dtype=np.int64)
        order[rows] = np.argsort(wait_rank + rng.uniform(0, WAIT_DEMAND_NOISE, n), kind="stable")
        parts.append(
            pd.DataFrame(
                {
                    "binnenkomst": moments,
                    "post": post,
                    "lijn": lijn,
                    "wachttijd_s": wait[order],
                    "beantwoord": np.where(answered[order], "ja", "nee"),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True).sort_values("binnenkomst", kind="stable").reset_index(drop=True)
    ids = rng.permutation(np.arange(20_000_000, 20_000_000 + len(out)))
    out.insert(0, "oproep_id", [f"T{i}" for i in ids])
    return out


def generate(jaar: int, root: Path | None = None, seed: int = DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """Return the three synthetic record tables of a year, calibrated to its typed tables."""
    m = load_margins(jaar, root)
    rng = np.random.default_rng([seed, jaar])
    frame = contacts(m, jaar, rng)
    visits = urgencies_and_visits(frame, m, rng)
    oproepen = calls(frame, m, jaar, rng)
    frame = frame.sort_values(["starttijd", "contact_id"], kind="stable").reset_index(drop=True)
    return {"contacten": frame, "oproepen": oproepen, "visites": visits}


# Column order and SQL expression per record file: text times 'YYYY-MM-DD HH:MM:SS', empty text as NULL.
_COLUMNS = {
    "contacten": {
        "contact_id": "contact_id",
        "starttijd": "strftime(starttijd, '%Y-%m-%d %H:%M:%S')",
        "post": "post",
        "verrichting": "verrichting",
        "urgentie": "nullif(urgentie, '')",
        "leeftijd": "CAST(leeftijd AS INTEGER)",
        "geslacht": "geslacht",
        "gemeente": "gemeente",
        "icpc": "nullif(icpc, '')",
        "binnenloper": "binnenloper",
    },
    "oproepen": {
        "oproep_id": "oproep_id",
        "binnenkomst": "strftime(binnenkomst, '%Y-%m-%d %H:%M:%S')",
        "post": "post",
        "lijn": "lijn",
        "wachttijd_s": "CAST(wachttijd_s AS INTEGER)",
        "beantwoord": "beantwoord",
    },
    "visites": {
        "contact_id": "contact_id",
        "urgentie": "urgentie",
        "aanvraag": "strftime(aanvraag, '%Y-%m-%d %H:%M:%S')",
        "aankomst": "strftime(aankomst, '%Y-%m-%d %H:%M:%S')",
    },
}


def write_parquet(frame: pd.DataFrame, naam: str, path: Path, threads: int = 1) -> Path:
    """Write one record table as Parquet via DuckDB, marked synthetic in its key-value metadata.

    One thread (the default) keeps the bytes identical for the same frame.
    """
    import duckdb

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    select = ", ".join(f"{expr} AS {col}" for col, expr in _COLUMNS[naam].items())
    con = duckdb.connect()
    try:
        con.execute(f"SET threads = {int(threads)}")
        con.register("frame", frame)
        target = str(tmp).replace("'", "''")
        value = SYNTHETIC_VALUE.replace("'", "''")
        con.execute(
            f"COPY (SELECT {select} FROM frame) TO '{target}' "
            f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000, KV_METADATA {{{SYNTHETIC_KEY}: '{value}'}})"
        )
    finally:
        con.close()
    tmp.replace(path)
    return path


def write_year(
    jaar: int, target_root: Path | None = None, source_root: Path | None = None, seed: int = DEFAULT_SEED
) -> list[Path]:
    """Generate a year's synthetic records from source_root's typed tables; write them into target_root's data/.

    Real record files are never overwritten: any record file there that is not synthetic stops it (ValueError).
    """
    folder = registrations_dir(jaar, target_root)
    real = [p for naam in RECORD_FILES for p in sorted(folder.glob(f"{naam}.*")) if not is_synthetic_file(p)]
    if real:
        raise ValueError(
            f"{', '.join(str(p) for p in real)} bestaat al en is geen synthetisch bestand; verplaats de echte "
            "registraties eerst, synthetische gegevens overschrijven ze niet."
        )
    tables = generate(jaar, source_root, seed)
    return [write_parquet(tables[naam], naam, folder / f"{naam}.parquet") for naam in RECORD_FILES]


def second_sources(jaar: int, root: Path | None = None) -> list[Path]:
    """Return the typed tables of a year that its record files also feed (the one-source rule stops the build)."""
    from jaarverslag.data.codebook import spec
    from jaarverslag.data.registrations import fed_tables

    paths = [spec(naam, root).pad(jaar, root) for naam in fed_tables(jaar, root)]
    return [p for p in paths if p.is_file()]


def main(argv: list[str] | None = None) -> int:
    """`make voorbeeld-registraties JAAR=2021`: write the synthetic record files and say what to do next."""
    import argparse

    parser = argparse.ArgumentParser(prog="make voorbeeld-registraties", description=main.__doc__)
    parser.add_argument("--jaar", type=int, required=True)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    root = data_dir().parent
    try:
        paths = write_year(args.jaar, root, root, args.seed)
    except (FileNotFoundError, ValueError) as error:  # a missing or invalid typed table: nothing written
        print(f"Geen synthetische registraties geschreven voor {args.jaar}: {error}")
        return 1
    print(f"Synthetische registraties voor {args.jaar} geschreven (seed {args.seed}):")
    for path in paths:
        print(f"  {path.relative_to(root)}")
    print("Dit zijn testgegevens, geen registraties van SHT; elke pagina van een site die eruit is gebouwd, zegt dat.")
    double = second_sources(args.jaar, root)
    if double:
        print(f"\nDeze tabellen van {args.jaar} hebben nu twee bronnen (getypte tabel én registraties):")
        for path in double:
            print(f"  {path.relative_to(root)}")
        print(
            "Eén bron per tabel: `make book` stopt zo. Kies: verwijder of hernoem deze getypte tabellen (dan komen "
            f"ze uit de registraties), of verwijder {registrations_dir(args.jaar, root).relative_to(root)}/ weer. "
            "Wie alleen een boek uit registraties wil zien zonder data/ te veranderen: verwijder de registraties "
            "en gebruik `make voorbeeld` (bouwt een kopie in _build/voorbeeld/)."
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
