"""Branchenormen, the numbers: each norm's result per post and for SHT, met or not, with last year; the tables.

The page itself (sentences, the chart, the glued values) is `jaarverslag.chapters.branchenormen`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jaarverslag.data.codebook import categories
from jaarverslag.data.load import is_available, load_table
from jaarverslag.data.registrations import disclosure
from jaarverslag.data.status import CERTAIN, MISSING, UNCERTAIN
from jaarverslag.render import fmt

SHT = "SHT"
VERDICT_MET = "✓ gehaald"
VERDICT_NOT_MET = "✗ niet gehaald"
# A norm is met when the result is at least (minimaal) or at most (maximaal) the norm percentage.
DIRECTION_SIGN = {"minimaal": "≥", "maximaal": "≤"}
# Short names that fit a chart at phone width; a norm not listed here gets "onderwerp grens".
SHORT_LABELS = {
    "tel_spoedlijn_30s": "Spoedlijn opgenomen",
    "tel_patientenlijn_2min": "Patiëntenlijn opgenomen",
    "tel_patientenlijn_10min": "Patiëntenlijn opgenomen",
    "fiat_advies_1u": "Advies gefiatteerd",
    "fiat_advies_2u": "Advies gefiatteerd",
    "u1_visite_20min": "U1-visite ter plaatse",
    "u1_visite_30min": "U1-visite ter plaatse",
    "u2_consult_1u": "U2-consult afgehandeld",
    "u2_consult_2u": "U2-consult afgehandeld",
    "u2_visite_1u": "U2-visite ter plaatse",
    "u2_visite_2u": "U2-visite ter plaatse",
}


def normen(root: Path | None = None) -> pd.DataFrame:
    """Return the branch norms (not the absence norm) in codebook order, with a short name and the norm in words."""
    ids = categories(root)["branchenorm"]
    frame = load_table("normen", None, root)
    frame = frame[frame["norm_id"].isin(ids)].copy()
    frame = frame.sort_values("norm_id", key=lambda s: s.map({n: i for i, n in enumerate(ids)})).reset_index(drop=True)
    frame["naam"] = [
        f"{SHORT_LABELS.get(n, o)} {g}" for n, o, g in zip(frame["norm_id"], frame["onderwerp"], frame["grens"])
    ]
    frame["norm_tekst"] = [
        f"{DIRECTION_SIGN[r]}\u00a0{fmt.printed_percent(p)}" for r, p in zip(frame["richting"], frame["norm_pct"])
    ]
    return frame


HIDDEN = "afgeschermd"  # status of a result over too few calls or visits to publish (small-cell rule)
HIDDEN_VERDICT = f"afgeschermd: minder dan {disclosure.SMALL_CELL_THRESHOLD} gesprekken of visites"


def published(jaar: int, root: Path | None = None) -> pd.DataFrame:
    """Return the year's results as the book may show them: a result over 1 to 9 calls or visits has none.

    Such a result is a count in disguise (3 of 4 visits in time is 75%), so it is blanked with status HIDDEN.
    """
    frame = load_table("branchenormen", jaar, root)
    hidden = disclosure.hidden_norms(jaar, root)
    if hidden:
        keys = zip(frame["norm_id"].astype(str), frame["post"].astype(str))
        mask = pd.Series([key in hidden for key in keys], index=frame.index)
        frame = frame.copy()
        frame["resultaat_pct"] = frame["resultaat_pct"].mask(mask)
        frame["status"] = frame["status"].astype(object).mask(mask, HIDDEN)
        frame["toelichting"] = frame["toelichting"].astype(object).mask(mask, HIDDEN_VERDICT)
    return frame


def gehaald(resultaat, norm_pct, richting: str) -> bool | None:
    """Return whether a result meets its norm (the printed values compared as printed), or None when it is missing."""
    if pd.isna(resultaat) or pd.isna(norm_pct):
        return None
    return bool(resultaat >= norm_pct) if richting == "minimaal" else bool(resultaat <= norm_pct)


def oordeel(gehaald_: bool | None, status) -> str:
    """Return the verdict in words; an uncertain value keeps its mark so it is never counted as a plain yes or no."""
    if not pd.isna(status) and status == HIDDEN:
        return HIDDEN_VERDICT
    if gehaald_ is None or pd.isna(status) or status == MISSING:
        return fmt.SOURCE_MISSING_TEXT
    text = VERDICT_MET if gehaald_ else VERDICT_NOT_MET
    return text if status == CERTAIN else f"{text} (onzeker)"


def resultaten(jaar: int, root: Path | None = None) -> pd.DataFrame | None:
    """Return one row per norm and post with result, status, verdict and last year's result; None without data."""
    if not is_available("branchenormen", jaar, root):
        return None
    norms = normen(root)
    frame = published(jaar, root)[["norm_id", "post", "resultaat_pct", "status", "toelichting"]]
    norms = norms[["norm_id", "naam", "onderwerp", "grens", "norm_pct", "richting", "norm_tekst"]]
    frame = norms.merge(frame, on="norm_id", how="inner")
    if is_available("branchenormen", jaar - 1, root):
        vorig = published(jaar - 1, root)[["norm_id", "post", "resultaat_pct", "status"]]
        vorig = vorig.rename(columns={"resultaat_pct": "resultaat_pct_vorig_jaar", "status": "status_vorig_jaar"})
        frame = frame.merge(vorig, on=["norm_id", "post"], how="left")
    else:
        frame["resultaat_pct_vorig_jaar"] = pd.array([pd.NA] * len(frame), dtype="Float64")
        frame["status_vorig_jaar"] = pd.NA
    frame["gehaald"] = [
        gehaald(r, n, d) for r, n, d in zip(frame["resultaat_pct"], frame["norm_pct"], frame["richting"])
    ]
    frame["oordeel"] = [oordeel(g, s) for g, s in zip(frame["gehaald"], frame["status"])]
    frame["gehaald_vorig_jaar"] = [
        gehaald(r, n, d) for r, n, d in zip(frame["resultaat_pct_vorig_jaar"], frame["norm_pct"], frame["richting"])
    ]
    frame["oordeel_vorig_jaar"] = [
        oordeel(g, s) for g, s in zip(frame["gehaald_vorig_jaar"], frame["status_vorig_jaar"])
    ]
    post_rank = {p: i for i, p in enumerate(categories(root)["post_hengelo_enschede_sht"])}
    norm_rank = {n: i for i, n in enumerate(norms["norm_id"])}
    frame = frame.sort_values(["norm_id", "post"], key=lambda s: s.map(norm_rank if s.name == "norm_id" else post_rank))
    return frame.reset_index(drop=True)


@dataclass(frozen=True)
class Count:
    """How many norms one post met or missed, split by whether the value is certain."""

    post: str
    zeker_gehaald: int
    zeker_niet_gehaald: int
    onzeker_gehaald: int
    onzeker_niet_gehaald: int
    ontbreekt: int
    afgeschermd: int = 0  # results over too few calls or visits to publish (status HIDDEN)

    @property
    def totaal(self) -> int:
        return (
            self.zeker_gehaald
            + self.zeker_niet_gehaald
            + self.onzeker_gehaald
            + self.onzeker_niet_gehaald
            + self.ontbreekt
            + self.afgeschermd
        )

    @property
    def beoordeeld(self) -> int:
        """How many norms have a published result to judge."""
        return self.totaal - self.ontbreekt - self.afgeschermd


def tellingen(frame: pd.DataFrame) -> dict[str, Count]:
    """Return the count of met, missed and missing norms per post (in the frame's post order)."""
    out = {}
    for post, group in frame.groupby("post", sort=False):
        sure = group["status"].eq(CERTAIN)
        missing = group["gehaald"].isna()
        met = group["gehaald"].eq(True)
        hidden = group["status"].eq(HIDDEN).fillna(False)
        out[post] = Count(
            post,
            int((sure & met).sum()),
            int((sure & ~met & ~missing).sum()),
            int((~sure & met).sum()),
            int((~sure & ~met & ~missing).sum()),
            int((missing & ~hidden).sum()),
            int(hidden.sum()),
        )
    return out


# --- tables ------------------------------------------------------------------------------------------


def results_formatters(jaar: int) -> dict:
    """Return the cell formatters of the results table (whole percents, fmt.NORM_RESULT_DECIMALS)."""
    return {f"Resultaat {jaar}": fmt.norm_result}


def previous_year_formatters(jaar: int) -> dict:
    """Return the cell formatters of the comparison with last year."""
    return {
        str(jaar - 1): fmt.norm_result,
        str(jaar): fmt.norm_result,
        "Verschil (procentpunt)": fmt.norm_result_points,
    }


def tabel_normen(root: Path | None = None) -> pd.DataFrame:
    """Return the norms as the report defines them."""
    frame = normen(root)
    return pd.DataFrame({"Onderwerp": frame["onderwerp"], "Tijdgrens": frame["grens"], "Norm": frame["norm_tekst"]})


PRINTED_SUFFIX = " zoals gedrukt"  # the CSV's column with the unrounded printed value, for auditing


def _shown(values) -> pd.Series:
    """Return branchenorm results rounded as the page shows them (fmt.NORM_RESULT_DECIMALS)."""
    return pd.Series(
        [None if pd.isna(v) else fmt.round_half_up(float(v), fmt.NORM_RESULT_DECIMALS) for v in values], dtype="Float64"
    )


def shown_difference(nu, vorig) -> pd.Series:
    """Return this year minus last year as the page shows both (whole percents), so the table adds up as read."""
    return _shown(nu).astype("Float64") - _shown(vorig).astype("Float64")


def results_table(frame: pd.DataFrame, jaar: int, printed: bool = False) -> pd.DataFrame:
    """Return the result per norm and post with its verdict (which says whether the value is uncertain or missing).

    printed=True adds the printed value (unrounded) for the CSV download.
    """
    table = pd.DataFrame(
        {
            "Norm": [f"{n} (norm {t})" for n, t in zip(frame["naam"], frame["norm_tekst"])],
            "Spoedpost": frame["post"].to_numpy(),
            f"Resultaat {jaar}": _shown(frame["resultaat_pct"]).to_numpy(),
            "Oordeel": frame["oordeel"].to_numpy(),
        }
    )
    if printed:
        table.insert(3, f"Resultaat {jaar}{PRINTED_SUFFIX}", frame["resultaat_pct"].to_numpy())
    return table


def _mark(gehaald_: bool | None) -> str:
    return "–" if gehaald_ is None or pd.isna(gehaald_) else ("✓" if gehaald_ else "✗")


def tabel_vorig_jaar(frame: pd.DataFrame, jaar: int, printed: bool = False) -> pd.DataFrame | None:
    """Return SHT's result per norm last year and this year, the difference and met (✓) or not (✗) in both years.

    Values are rounded as the page shows them; printed=True adds the printed values (unrounded) for the CSV.
    """
    sht = frame[frame["post"].eq(SHT)]
    if sht["resultaat_pct_vorig_jaar"].isna().all():
        return None
    unsure = uncertain_previous_year(frame).to_numpy()
    verdicts = [
        f"{_mark(a)} → {_mark(b)}" + (" (onzeker)" if u else "")
        for a, b, u in zip(sht["gehaald_vorig_jaar"], sht["gehaald"], unsure)
    ]
    difference = sht["resultaat_pct"] - sht["resultaat_pct_vorig_jaar"]
    table = pd.DataFrame(
        {
            "Norm": [f"{n} (norm {t})" for n, t in zip(sht["naam"], sht["norm_tekst"])],
            str(jaar - 1): _shown(sht["resultaat_pct_vorig_jaar"]).to_numpy(),
            str(jaar): _shown(sht["resultaat_pct"]).to_numpy(),
            "Verschil (procentpunt)": shown_difference(
                sht["resultaat_pct"], sht["resultaat_pct_vorig_jaar"]
            ).to_numpy(),
            f"Gehaald {jaar - 1} → {jaar}": verdicts,
        }
    )
    if printed:
        for position, (name, values) in enumerate(
            ((str(jaar - 1), sht["resultaat_pct_vorig_jaar"]), (str(jaar), sht["resultaat_pct"])), start=4
        ):
            table.insert(position, f"{name}{PRINTED_SUFFIX}", values.to_numpy())
        table.insert(
            6, f"Verschil (procentpunt){PRINTED_SUFFIX}", difference.round(fmt.PRINTED_MAX_DECIMALS).to_numpy()
        )
    return table


def uncertain_previous_year(frame: pd.DataFrame) -> pd.Series:
    """Return which SHT rows of tabel_vorig_jaar hold an uncertain value in either year."""
    sht = frame[frame["post"].eq(SHT)].reset_index(drop=True)
    return sht["status"].ne(CERTAIN) | (sht["status_vorig_jaar"].notna() & sht["status_vorig_jaar"].ne(CERTAIN))


# The reader's one plain sentence per status; the transcription notes stay in the data and the verantwoording.
PLAIN_REASON = {
    MISSING: "De bron geeft hier geen waarde.",
    UNCERTAIN: "Het getal staat in de bron niet eenduidig bij deze norm en post; de best passende lezing is gekozen.",
    HIDDEN: f"Berekend over minder dan {disclosure.SMALL_CELL_THRESHOLD} gesprekken of visites: afgeschermd, zodat "
    "geen patiënt herkenbaar is (zie Methode en verantwoording).",
}


def tabel_toelichting(frame: pd.DataFrame, werknotities: bool = False) -> pd.DataFrame:
    """Return which values are uncertain or missing, one row per norm and status, with the posts it concerns.

    The reader's table gives one plain reason per status; werknotities=True adds how each value was read
    from the printed report (the data's toelichting column), for the verantwoording.
    """
    rows = []
    unsure = frame[frame["status"].ne(CERTAIN)]
    for (_norm_id, status), group in unsure.groupby(["norm_id", "status"], sort=False):
        row = {
            "Norm": group["naam"].iloc[0],
            "Spoedpost": ", ".join(group["post"]),
            "Status": status,
            "Waarom": PLAIN_REASON.get(status, ""),
        }
        if werknotities:
            notes = group["toelichting"].dropna()
            row["Werkwijze bij de overname"] = notes.iloc[0] if len(notes) else ""
        rows.append(row)
    columns = ["Norm", "Spoedpost", "Status", "Waarom"] + (["Werkwijze bij de overname"] if werknotities else [])
    return pd.DataFrame(rows, columns=columns)
