"""Branchenormen: each norm's result per post and for SHT, met or not, with last year and the source's uncertainty."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jaarverslag.render import fmt
from jaarverslag.data.codebook import categorieen
from jaarverslag.data.load import beschikbaar, lees_tabel

ZEKER = "zeker"
ONZEKER = "onzeker"
ONTBREEKT = "ontbreekt"
SHT = "SHT"
GEHAALD = "✓ gehaald"
NIET_GEHAALD = "✗ niet gehaald"
ONTBREEKT_TEKST = "ontbreekt in de bron"
ONZEKER_MARK = "†"
# A norm is met when the result is at least (minimaal) or at most (maximaal) the norm percentage.
RICHTING_TEKEN = {"minimaal": "≥", "maximaal": "≤"}
# Short names that fit a chart at phone width; a norm not listed here gets "onderwerp grens".
KORTE_NAMEN = {
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
MARKERS = {"Hengelo": "^", "Enschede": "s", SHT: "o"}  # a shape per post: colour is never the only cue


def normen(root: Path | None = None) -> pd.DataFrame:
    """Return the branch norms (not the absence norm) in codebook order, with a short name and the norm in words."""
    ids = categorieen(root)["branchenorm"]
    frame = lees_tabel("normen", None, root)
    frame = frame[frame["norm_id"].isin(ids)].copy()
    frame = frame.sort_values("norm_id", key=lambda s: s.map({n: i for i, n in enumerate(ids)})).reset_index(drop=True)
    frame["naam"] = [f"{KORTE_NAMEN.get(n, o)} {g}"
                     for n, o, g in zip(frame["norm_id"], frame["onderwerp"], frame["grens"])]
    frame["norm_tekst"] = [f"{RICHTING_TEKEN[r]}\u00a0{pct(p)}" for r, p in zip(frame["richting"], frame["norm_pct"])]
    return frame


def pct(value) -> str:
    """Format a percentage with as many decimals as it has (at most two), as the report prints it: 98%, 98,7%, 99,09%."""
    if pd.isna(value):
        return ONTBREEKT_TEKST
    decimals = next(d for d in (0, 1, 2) if round(float(value), d) == round(float(value), 2))
    return fmt.procent(value, decimals)


def procentpunt(value) -> str:
    """Format a difference of two percentages with its sign and as many decimals as it has: '+3,7', '−0,4', '±0'."""
    if pd.isna(value):
        return fmt.MISSING_TEXT
    value = round(float(value), 2)
    decimals = next(d for d in (0, 1, 2) if round(value, d) == value)
    return ("+" if value > 0 else "−" if value < 0 else "±") + fmt.getal(abs(value), decimals)


def _klein(naam: str) -> str:
    """Lower-case a name's first letter for use inside a sentence, but keep codes such as 'U1-visite'."""
    return naam[0].lower() + naam[1:] if len(naam) > 1 and naam[1].islower() else naam


def gehaald(resultaat, norm_pct, richting: str) -> bool | None:
    """Return whether a result meets its norm (the printed values compared as printed), or None when it is missing."""
    if pd.isna(resultaat) or pd.isna(norm_pct):
        return None
    return bool(resultaat >= norm_pct) if richting == "minimaal" else bool(resultaat <= norm_pct)


def oordeel(gehaald_: bool | None, status) -> str:
    """Return the verdict in words; an uncertain value keeps its mark so it is never counted as a plain yes or no."""
    if gehaald_ is None or pd.isna(status) or status == ONTBREEKT:
        return ONTBREEKT_TEKST
    text = GEHAALD if gehaald_ else NIET_GEHAALD
    return text if status == ZEKER else f"{text} (onzeker)"


def resultaten(jaar: int, root: Path | None = None) -> pd.DataFrame | None:
    """Return one row per norm and post with result, status, verdict and last year's result; None without data."""
    if not beschikbaar("branchenormen", jaar, root):
        return None
    norms = normen(root)
    frame = lees_tabel("branchenormen", jaar, root)[["norm_id", "post", "resultaat_pct", "status", "toelichting"]]
    norms = norms[["norm_id", "naam", "onderwerp", "grens", "norm_pct", "richting", "norm_tekst"]]
    frame = norms.merge(frame, on="norm_id", how="inner")
    if beschikbaar("branchenormen", jaar - 1, root):
        vorig = lees_tabel("branchenormen", jaar - 1, root)[["norm_id", "post", "resultaat_pct", "status"]]
        vorig = vorig.rename(columns={"resultaat_pct": "resultaat_pct_vorig_jaar", "status": "status_vorig_jaar"})
        frame = frame.merge(vorig, on=["norm_id", "post"], how="left")
    else:
        frame["resultaat_pct_vorig_jaar"] = pd.array([pd.NA] * len(frame), dtype="Float64")
        frame["status_vorig_jaar"] = pd.NA
    frame["gehaald"] = [gehaald(r, n, d) for r, n, d in zip(frame["resultaat_pct"], frame["norm_pct"], frame["richting"])]
    frame["oordeel"] = [oordeel(g, s) for g, s in zip(frame["gehaald"], frame["status"])]
    frame["gehaald_vorig_jaar"] = [gehaald(r, n, d) for r, n, d in
                                   zip(frame["resultaat_pct_vorig_jaar"], frame["norm_pct"], frame["richting"])]
    frame["oordeel_vorig_jaar"] = [oordeel(g, s) for g, s in zip(frame["gehaald_vorig_jaar"], frame["status_vorig_jaar"])]
    post_rank = {p: i for i, p in enumerate(categorieen(root)["post_hengelo_enschede_sht"])}
    norm_rank = {n: i for i, n in enumerate(norms["norm_id"])}
    frame = frame.sort_values(["norm_id", "post"], key=lambda s: s.map(norm_rank if s.name == "norm_id" else post_rank))
    return frame.reset_index(drop=True)


@dataclass(frozen=True)
class Telling:
    """How many norms one post met or missed, split by whether the value is certain."""

    post: str
    zeker_gehaald: int
    zeker_niet_gehaald: int
    onzeker_gehaald: int
    onzeker_niet_gehaald: int
    ontbreekt: int

    @property
    def totaal(self) -> int:
        return (self.zeker_gehaald + self.zeker_niet_gehaald + self.onzeker_gehaald + self.onzeker_niet_gehaald
                + self.ontbreekt)


def tellingen(frame: pd.DataFrame) -> dict[str, Telling]:
    """Return the count of met, missed and missing norms per post (in the frame's post order)."""
    out = {}
    for post, group in frame.groupby("post", sort=False):
        sure = group["status"].eq(ZEKER)
        missing = group["gehaald"].isna()
        met = group["gehaald"].eq(True)
        out[post] = Telling(post, int((sure & met).sum()), int((sure & ~met & ~missing).sum()),
                            int((~sure & met).sum()), int((~sure & ~met & ~missing).sum()), int(missing.sum()))
    return out


def _n(aantal: int, enkelvoud: str, meervoud: str) -> str:
    return f"{fmt.getal(aantal)} {enkelvoud if aantal == 1 else meervoud}"


def telling_tekst(t: Telling) -> str:
    """Return one post's score as a sentence, keeping certain and uncertain verdicts apart."""
    parts = [f"met zekere waarde {fmt.getal(t.zeker_gehaald)} gehaald en {fmt.getal(t.zeker_niet_gehaald)} niet"]
    if t.onzeker_gehaald or t.onzeker_niet_gehaald:
        parts.append(f"met onzekere waarde {fmt.getal(t.onzeker_gehaald)} gehaald en "
                     f"{fmt.getal(t.onzeker_niet_gehaald)} niet")
    if t.ontbreekt:
        parts.append(f"bij {_n(t.ontbreekt, 'norm', 'normen')} ontbreekt de waarde")
    listing = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]
    return f"{t.post}: {listing}."


def samenvatting_zin(frame: pd.DataFrame | None, jaar: int, root: Path | None = None) -> str:
    """Return the chapter's headline: how many norms SHT and each post met, with the uncertainty spelled out."""
    if frame is None:
        return (f"Voor {jaar} zijn geen resultaten op de branchenormen beschikbaar in data/{jaar}/; "
                f"de normen zelf staan hierboven.")
    n_norms = frame["norm_id"].nunique()
    counts = tellingen(frame)
    lines = []
    if SHT in counts:
        t = counts[SHT]
        sure = t.zeker_gehaald + t.zeker_niet_gehaald
        lines.append(f"Van de {fmt.getal(n_norms)} branchenormen heeft SHT als geheel in {jaar} bij "
                     f"{fmt.getal(sure)} een zekere waarde: daarvan haalde SHT er {fmt.getal(t.zeker_gehaald)} en "
                     f"miste het er {fmt.getal(t.zeker_niet_gehaald)}.")
        uncertain = t.onzeker_gehaald + t.onzeker_niet_gehaald
        if uncertain:
            lines.append(f"Bij {fmt.getal(uncertain)} is de waarde van SHT onzeker ({ONZEKER_MARK}): volgens de "
                         f"overgenomen waarden zou SHT er {fmt.getal(t.onzeker_gehaald)} halen en "
                         f"{fmt.getal(t.onzeker_niet_gehaald)} missen, maar dat oordeel is niet hard.")
        if t.ontbreekt:
            lines.append(f"Bij {_n(t.ontbreekt, 'norm', 'normen')} ontbreekt de waarde van SHT.")
    posts = [p for p in counts if p != SHT]
    if posts:
        lines.extend(telling_tekst(counts[p]) for p in posts)
    else:
        lines.append(f"Voor {jaar} geeft de bron alleen het resultaat van SHT als geheel, niet per post.")
    return " ".join(lines)


def gemist_zin(frame: pd.DataFrame | None, jaar: int) -> str:
    """Return which norms were missed for certain, and which were missed according to an uncertain value."""
    if frame is None:
        return f"Voor {jaar} is niet bekend welke normen gehaald zijn."
    missed = frame[frame["gehaald"].eq(False)]
    if missed.empty:
        return f"In {jaar} is volgens de beschikbare waarden geen enkele norm gemist."

    def listing(rows: pd.DataFrame) -> str:
        parts = []
        for norm_id, group in rows.groupby("norm_id", sort=False):
            values = ", ".join(f"{r.post} {pct(r.resultaat_pct)}" for r in group.itertuples(index=False))
            parts.append(f"{_klein(group['naam'].iloc[0])} (norm {group['norm_tekst'].iloc[0]}; {values})")
        return "; ".join(parts)

    sure = missed[missed["status"].eq(ZEKER)]
    unsure = missed[~missed["status"].eq(ZEKER)]
    lines = []
    if not sure.empty:
        lines.append(f"Zeker niet gehaald in {jaar}: {listing(sure)}.")
    if not unsure.empty:
        lines.append(f"Niet gehaald volgens een onzekere waarde: {listing(unsure)}.")
    return " ".join(lines)


def zeker_zin(frame: pd.DataFrame | None, jaar: int) -> str:
    """Return which norms have only certain values this year (the ones whose verdict is firm)."""
    if frame is None:
        return f"Voor {jaar} zijn er geen resultaten, dus ook geen zekere of onzekere waarden."
    by_norm = frame.groupby("norm_id", sort=False)
    sure = [g["naam"].iloc[0] for _, g in by_norm if g["status"].eq(ZEKER).all()]
    if not sure:
        return f"In {jaar} is geen enkele norm met alleen zekere waarden overgenomen."
    if len(sure) == by_norm.ngroups:
        return f"In {jaar} zijn alle waarden zeker."
    names = [_klein(n) for n in sure]
    listing = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]
    return f"Zeker zijn in {jaar} alleen de resultaten bij {listing}."


def vorig_jaar_zin(frame: pd.DataFrame | None, jaar: int) -> str:
    """Return how SHT's results compare with last year's, counting only pairs where both values are certain as firm."""
    if frame is None:
        return f"Voor {jaar} zijn geen resultaten beschikbaar, dus ook geen vergelijking met {jaar - 1}."
    sht = frame[frame["post"].eq(SHT)].dropna(subset=["resultaat_pct", "resultaat_pct_vorig_jaar"])
    if sht.empty:
        return (f"Resultaten over {jaar - 1} zijn niet beschikbaar in data/, dus een vergelijking met het vorige jaar "
                f"kan niet worden gemaakt.")
    diff = sht["resultaat_pct"] - sht["resultaat_pct_vorig_jaar"]
    higher, lower = int((diff > 0).sum()), int((diff < 0).sum())
    same = len(sht) - higher - lower
    text = (f"Vergeleken met {jaar - 1} (alleen voor SHT als geheel bekend) lag het resultaat bij "
            f"{_n(higher, 'norm', 'normen')} hoger, bij {fmt.getal(lower)} lager"
            + (f" en bij {fmt.getal(same)} gelijk." if same else "."))
    firm = sht[sht["status"].eq(ZEKER) & sht["status_vorig_jaar"].eq(ZEKER)]
    if firm.empty:
        return text + " Geen van deze vergelijkingen berust op twee zekere waarden."
    pairs = [f"{_klein(r.naam)} {pct(r.resultaat_pct_vorig_jaar)} → {pct(r.resultaat_pct)}"
             for r in firm.itertuples(index=False)]
    return (text + f" Hard zijn alleen de vergelijkingen met twee zekere waarden: " + "; ".join(pairs) + ".")


def opmaak_resultaten(jaar: int) -> dict:
    """Return the cell formatters of the results table (percentages as printed)."""
    return {f"Resultaat {jaar}": pct}


def opmaak_vorig_jaar(jaar: int) -> dict:
    """Return the cell formatters of the comparison with last year."""
    return {str(jaar - 1): pct, str(jaar): pct, "Verschil (procentpunt)": procentpunt}


# --- tables ------------------------------------------------------------------------------------------


def tabel_normen(root: Path | None = None) -> pd.DataFrame:
    """Return the norms as the report defines them."""
    frame = normen(root)
    return pd.DataFrame({"Onderwerp": frame["onderwerp"], "Tijdgrens": frame["grens"], "Norm": frame["norm_tekst"]})


def tabel_resultaten(frame: pd.DataFrame, jaar: int) -> pd.DataFrame:
    """Return the result per norm and post with its verdict (which says whether the value is uncertain or missing)."""
    return pd.DataFrame({
        "Norm": [f"{n} (norm {t})" for n, t in zip(frame["naam"], frame["norm_tekst"])], "Spoedpost": frame["post"],
        f"Resultaat {jaar}": frame["resultaat_pct"], "Oordeel": frame["oordeel"],
    })


def _teken(gehaald_: bool | None) -> str:
    return "–" if gehaald_ is None or pd.isna(gehaald_) else ("✓" if gehaald_ else "✗")


def tabel_vorig_jaar(frame: pd.DataFrame, jaar: int) -> pd.DataFrame | None:
    """Return SHT's result per norm last year and this year, the difference and met (✓) or not (✗) in both years."""
    sht = frame[frame["post"].eq(SHT)]
    if sht["resultaat_pct_vorig_jaar"].isna().all():
        return None
    unsure = onzeker_vorig_jaar(frame).to_numpy()
    verdicts = [f"{_teken(a)} → {_teken(b)}" + (" (onzeker)" if u else "")
                for a, b, u in zip(sht["gehaald_vorig_jaar"], sht["gehaald"], unsure)]
    return pd.DataFrame({
        "Norm": [f"{n} (norm {t})" for n, t in zip(sht["naam"], sht["norm_tekst"])],
        str(jaar - 1): sht["resultaat_pct_vorig_jaar"].to_numpy(), str(jaar): sht["resultaat_pct"].to_numpy(),
        "Verschil (procentpunt)": (sht["resultaat_pct"] - sht["resultaat_pct_vorig_jaar"]).to_numpy(),
        f"Gehaald {jaar - 1} → {jaar}": verdicts,
    })


def onzeker_vorig_jaar(frame: pd.DataFrame) -> pd.Series:
    """Return which SHT rows of tabel_vorig_jaar hold an uncertain value in either year."""
    sht = frame[frame["post"].eq(SHT)].reset_index(drop=True)
    return sht["status"].ne(ZEKER) | (sht["status_vorig_jaar"].notna() & sht["status_vorig_jaar"].ne(ZEKER))


def tabel_toelichting(frame: pd.DataFrame) -> pd.DataFrame:
    """Return why values are uncertain or missing: one row per norm and status, with the posts it concerns."""
    rows = []
    unsure = frame[frame["status"].ne(ZEKER)]
    for (norm_id, status), group in unsure.groupby(["norm_id", "status"], sort=False):
        rows.append({"Norm": group["naam"].iloc[0], "Spoedpost": ", ".join(group["post"]),
                     "Status": status, "Toelichting": group["toelichting"].dropna().iloc[0]
                     if group["toelichting"].notna().any() else ""})
    return pd.DataFrame(rows, columns=["Norm", "Spoedpost", "Status", "Toelichting"])


# --- chart -------------------------------------------------------------------------------------------


def grafiek(frame: pd.DataFrame, jaar: int):
    """Return a dot plot (per norm one line per post, the norm as a black tick, the verdict in words) and alt text."""
    import math

    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.transforms import blended_transform_factory

    from jaarverslag.render import charts

    posts = list(dict.fromkeys(frame["post"]))
    palette = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    colours = dict(zip([*MARKERS, *[p for p in posts if p not in MARKERS]], palette))  # the same colour every year
    norm_ids = list(dict.fromkeys(frame["norm_id"]))
    gap = 0.35  # extra space between norms, in rows
    n_rows = len(norm_ids) * (len(posts) + 1 + gap)
    fig, ax = plt.subplots(figsize=(6.5, 1.5 + 0.23 * n_rows))
    fig.subplots_adjust(left=0.15, right=0.68, top=1 - 0.45 / fig.get_figheight(), bottom=1.0 / fig.get_figheight())
    axes_x = blended_transform_factory(ax.transAxes, ax.transData)
    lowest = min(float(frame["resultaat_pct"].min(skipna=True)), float(frame["norm_pct"].min()))
    x_min = math.floor(lowest / 10) * 10
    y, ticks, labels = 0.0, [], []
    for i, norm_id in enumerate(norm_ids):
        rows = frame[frame["norm_id"].eq(norm_id)].set_index("post")
        band_top = y + 0.5
        ax.text(0.0, y, f" {rows['naam'].iloc[0]}", transform=axes_x, va="center", ha="left", fontsize=9.5,
                fontweight="bold")
        ax.text(1.02, y, f"norm {rows['norm_tekst'].iloc[0]}", transform=axes_x, va="center", ha="left", fontsize=9.5,
                fontweight="bold")
        y -= 1
        first = y
        for post in posts:
            ticks.append(y)
            labels.append(post)
            row = rows.loc[post] if post in rows.index else None
            if row is None or pd.isna(row["resultaat_pct"]):
                ax.text(1.02, y, "ontbreekt", transform=axes_x, va="center", ha="left", fontsize=9, style="italic",
                        color="#444444")
            else:
                sure = row["status"] == ZEKER
                colour = colours[post]
                ax.plot(float(row["resultaat_pct"]), y, marker=MARKERS.get(post, "D"), markersize=8, color=colour,
                        markerfacecolor=colour if sure else "white", markeredgewidth=1.6, linestyle="none", zorder=3)
                verdict = GEHAALD if row["gehaald"] else NIET_GEHAALD
                ax.text(1.02, y, f"{pct(row['resultaat_pct'])}{'' if sure else ONZEKER_MARK} {verdict}",
                        transform=axes_x, va="center", ha="left", fontsize=9,
                        fontweight="normal" if row["gehaald"] else "bold")
            y -= 1
        norm = float(rows["norm_pct"].iloc[0])
        ax.plot([norm, norm], [first + 0.45, y + 1 - 0.45], color="black", linewidth=2.2, zorder=2)
        if i % 2 == 0:
            ax.axhspan(y + 0.5, band_top, color="#efefef", zorder=0)
        y -= gap
    ax.set_yticks(ticks, labels, fontsize=9)
    ax.set_ylim(y + gap + 0.5, 0.5)
    ax.set_xlim(x_min, 100.5)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _p: f"{v:.0f}%"))
    ax.tick_params(axis="x", labelsize=9)
    ax.set_xlabel("Percentage binnen de tijdgrens", fontsize=9.5)
    ax.grid(axis="y", visible=False)
    ax.set_title(f"Branchenormen {jaar}: gehaald of niet", loc="left", fontsize=11)
    handles = [Line2D([], [], marker=MARKERS.get(p, "D"), color=colours[p], linestyle="none", markersize=7, label=p)
               for p in posts]
    handles += [Line2D([], [], marker="o", color="#555555", markerfacecolor="white", markeredgewidth=1.6,
                       linestyle="none", markersize=7, label=f"open: onzeker {ONZEKER_MARK}"),
                Line2D([], [], marker="|", color="black", markersize=12, markeredgewidth=2.2, linestyle="none",
                       label="norm")]
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.01, 0.28 / fig.get_figheight()),
               ncol=len(handles), fontsize=8.5, frameon=False, handletextpad=0.2, columnspacing=0.9)
    charts.bron(fig, f"jaarverslag SHT, data/{jaar}/branchenormen.csv; normen: data/referentie/normen.csv")
    return fig, alt_tekst(frame, jaar)


def alt_tekst(frame: pd.DataFrame, jaar: int) -> str:
    """Return the chart's alt text: what it shows and SHT's key numbers."""
    counts = tellingen(frame)
    text = (f"Stippengrafiek van de resultaten op {fmt.getal(frame['norm_id'].nunique())} branchenormen in {jaar}, "
            f"per norm één regel per post ({', '.join(counts)}), met de norm als zwart streepje en naast elke stip "
            f"het percentage en gehaald of niet gehaald. ")
    if SHT in counts:
        t = counts[SHT]
        text += (f"SHT: met zekere waarde {_n(t.zeker_gehaald, 'norm', 'normen')} gehaald en "
                 f"{fmt.getal(t.zeker_niet_gehaald)} niet; met onzekere waarde {fmt.getal(t.onzeker_gehaald)} gehaald en "
                 f"{fmt.getal(t.onzeker_niet_gehaald)} niet. ")
    return text + gemist_zin(frame, jaar)
