"""Bereikbaarheid en aanrijtijden, the page: telephone waiting times and visit arrival times from the registrations.

Only a year whose registrations hold calls (oproepen) or visits (visites) has these figures; any other
year shows one sentence per section. The share within each norm is the branchenormen result (one value
in the book); this page adds the distribution around it: percentiles, hung-up calls, the hour of the week.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jaarverslag.chapters.branchenormen_numbers import SHT, gehaald, normen, resultaten
from jaarverslag.data import registrations
from jaarverslag.data.registrations.derive import NORM_SOURCES
from jaarverslag.data.registrations.disclosure import PRIMARY, is_small, suppress
from jaarverslag.render import charts, fmt, registraties_charts, suppression, tables
from jaarverslag.render.registraties_text import csv_download, duur, needs_registrations, uur_van_de_week
from jaarverslag.render.text import join_list

POSTS = ("Hengelo", "Enschede", SHT)
LINES = ("spoedlijn", "reguliere lijn")
LINE_NAMES = {"spoedlijn": "spoedlijn", "reguliere lijn": "reguliere lijn (de patiëntenlijn)"}
TELEPHONE_NORMS = tuple(n for n, (bron, _) in NORM_SOURCES.items() if bron == "oproepen")
VISIT_NORMS = tuple(n for n, (bron, _) in NORM_SOURCES.items() if bron == "visites")
URGENCIES = tuple(dict.fromkeys(sel for bron, sel in NORM_SOURCES.values() if bron == "visites"))
HIDDEN = suppression.DERIVED  # a percentage or percentile over fewer than 10 calls or visits


def _hidden_counts(counts: dict[str, int]) -> dict[str, str]:
    """Return the hidden posts of one line or urgency: small counts, and complementary ones (posts sum to SHT)."""
    states = suppress(counts, [[p for p in counts if p != SHT]])
    if SHT in counts and is_small(counts[SHT]):
        states[SHT] = PRIMARY
    return states


def _norm_frame(jaar: int, norm_ids: tuple[str, ...], root: Path | None) -> pd.DataFrame:
    """Return the branchenormen results of these norms (norm, post, result, norm percentage, met or not)."""
    frame = resultaten(jaar, root)
    frame = frame[frame["norm_id"].isin(norm_ids) & frame["post"].isin(POSTS)]
    return frame[["norm_id", "post", "naam", "grens", "norm_pct", "richting", "norm_tekst", "resultaat_pct"]].copy()


# --- Telefonische bereikbaarheid -----------------------------------------------------------------


def telefonie(jaar: int, root: Path | None = None) -> dict | None:
    """Return the year's telephone figures (per line and post, per norm, per hour of week), or None without calls."""
    per_line = registrations.section_table("telefonie", jaar, root)
    if per_line is None:
        return None
    per_hour = registrations.section_table("telefonie_uur", jaar, root)
    norms = _norm_frame(jaar, TELEPHONE_NORMS, root)
    line_of = {n: sel for n, (_, sel) in NORM_SOURCES.items()}
    norms["lijn"] = norms["norm_id"].map(line_of)
    norms = norms.merge(per_line[["lijn", "post", "oproepen"]], on=["lijn", "post"], how="left")
    per_hour = per_hour.copy()
    per_hour["aandeel_pct"] = 100 * per_hour["binnen_norm"] / per_hour["oproepen"]
    per_hour = per_hour.merge(normen(root)[["norm_id", "norm_pct", "naam"]], on="norm_id")
    per_hour["gemist"] = per_hour["aandeel_pct"] < per_hour["norm_pct"]
    per_hour["klein"] = per_hour["oproepen"] < suppression.SMALL_CELL_THRESHOLD
    return {"lijnen": per_line, "normen": norms, "uren": per_hour}


def _post_states(frame: pd.DataFrame, group: str, count: str) -> dict[tuple[str, str], str]:
    """Return the hidden cells (group value, post): the posts of each line or urgency add up to SHT."""
    states = {}
    for value, part in frame.groupby(group, sort=False):
        for post, state in _hidden_counts(dict(zip(part["post"], part[count]))).items():
            states[(value, post)] = state
    return states


def telefonie_tabel(t: dict) -> pd.DataFrame:
    """Return the waiting-time table: per line and post the calls, hung-up share and waiting-time percentiles."""
    states = _post_states(t["lijnen"], "lijn", "oproepen")
    rows = []
    for r in t["lijnen"].itertuples(index=False):
        state = states.get((r.lijn, r.post))
        few_answered = r.beantwoord < suppression.SMALL_CELL_THRESHOLD or state
        rows.append(
            {
                "Lijn": r.lijn,
                "Post": r.post,
                "Gesprekken": suppression.label(state, int(r.oproepen)),
                "Opgehangen": HIDDEN
                if state or is_small(r.opgehangen)
                else fmt.percent(100 * r.opgehangen / r.oproepen),
                "Mediaan wachttijd": HIDDEN if few_answered else duur(r.mediaan_s),
                "90% binnen": HIDDEN if few_answered else duur(r.p90_s),
                "99% binnen": HIDDEN if few_answered else duur(r.p99_s),
            }
        )
    return pd.DataFrame(rows)


MET_MARK = {True: "✓", False: "✗"}  # beside a share: norm met or not (the caption says so)


def _norm_rows(frame: pd.DataFrame, key: str, noemer: str, states: dict[tuple[str, str], str]) -> pd.DataFrame:
    """Return per norm and post the share, whether it is shown (not over fewer than 10 or a hidden count) and met."""
    rows = []
    for r in frame.itertuples(index=False):
        n = getattr(r, noemer)
        hidden = bool(states.get((getattr(r, key), r.post))) or pd.isna(n) or n < suppression.SMALL_CELL_THRESHOLD
        rows.append(
            (r.naam, r.norm_tekst, r.post, r.resultaat_pct, hidden, gehaald(r.resultaat_pct, r.norm_pct, r.richting))
        )
    return pd.DataFrame(rows, columns=["naam", "norm_tekst", "post", "resultaat_pct", "verborgen", "gehaald"])


def normen_tabel(frame: pd.DataFrame, key: str, noemer: str, states: dict[tuple[str, str], str]) -> pd.DataFrame:
    """Return one row per norm: the requirement and per post the share within the limit with ✓ or ✗.

    key is the column that says which calls or visits the norm counts (lijn or urgentie), noemer their count;
    a share over fewer than 10 of them, or of a hidden count, shows as ×.
    """
    rows = _norm_rows(frame, key, noemer, states)
    out = rows[["naam", "norm_tekst"]].drop_duplicates().rename(columns={"naam": "Norm", "norm_tekst": "Vereist"})
    for post in POSTS:
        part = rows[rows["post"] == post].set_index("naam")
        out[post] = [
            HIDDEN
            if name not in part.index or part.at[name, "verborgen"] or pd.isna(part.at[name, "resultaat_pct"])
            else f"{fmt.norm_result(part.at[name, 'resultaat_pct'])} {MET_MARK[bool(part.at[name, 'gehaald'])]}"
            for name in out["Norm"]
        ]
    return out.reset_index(drop=True)


def normen_csv(frame: pd.DataFrame, key: str, noemer: str, states: dict[tuple[str, str], str]) -> pd.DataFrame:
    """Return the same shares one row per norm and post, as numbers (× where hidden), for the CSV download."""
    rows = _norm_rows(frame, key, noemer, states)
    return pd.DataFrame(
        {
            "Norm": rows["naam"],
            "Vereist": rows["norm_tekst"],
            "Post": rows["post"],
            "Binnen de grens (%)": [HIDDEN if h else v for h, v in zip(rows["verborgen"], rows["resultaat_pct"])],
            "Oordeel": [
                HIDDEN if h or g is None else ("gehaald" if g else "niet gehaald")
                for h, g in zip(rows["verborgen"], rows["gehaald"])
            ],
        }
    )


NORM_CAPTION = " (✓ = norm gehaald, ✗ = niet gehaald)"


def uren_csv(t: dict) -> pd.DataFrame:
    """Return the full hour-of-week table (every norm and post) as the CSV download holds it."""
    u = t["uren"]
    small = u["oproepen"].map(is_small)
    return pd.DataFrame(
        {
            "Norm": u["naam"],
            "Post": u["post"],
            "Dag": u["weekdag"].map(lambda d: uur_van_de_week(d, 0).split()[0]),
            "Uur": u["uur"].map(lambda h: f"{int(h)}–{int(h) + 1}"),
            "Gesprekken": [suppression.LABELS[PRIMARY] if s else int(n) for s, n in zip(small, u["oproepen"])],
            "Binnen de grens (%)": [
                HIDDEN if k else fmt.round_half_up(float(p), 1) for k, p in zip(u["klein"], u["aandeel_pct"])
            ],
        }
    )


def _verdict(met: bool | None) -> str:
    return "gehaald" if met else "niet gehaald"


def _line_sentence(t: dict, lijn: str, jaar: int) -> str:
    line = t["lijnen"].set_index(["lijn", "post"])
    if (lijn, SHT) not in line.index:
        return f"Op de {LINE_NAMES[lijn]} staan voor {jaar} geen gesprekken in de registraties."
    r = line.loc[(lijn, SHT)]
    if r.oproepen < suppression.SMALL_CELL_THRESHOLD:
        return f"Op de {LINE_NAMES[lijn]} kwamen minder dan 10 gesprekken binnen; die worden niet uitgesplitst."
    norms = t["normen"][(t["normen"]["lijn"] == lijn) & (t["normen"]["post"] == SHT)]
    parts = []
    for n in norms.itertuples(index=False):
        met = gehaald(n.resultaat_pct, n.norm_pct, n.richting)
        parts.append(
            f"{fmt.norm_result(n.resultaat_pct)} werd opgenomen binnen {n.grens.removeprefix('< ')} (norm: ten minste "
            f"{fmt.printed_percent(n.norm_pct)}, {_verdict(met)})"
        )
    text = f"Op de {LINE_NAMES[lijn]} kwamen in {jaar} bij SHT {fmt.getal(r.oproepen)} gesprekken binnen: " + join_list(
        parts
    )
    text += "."
    if r.beantwoord >= suppression.SMALL_CELL_THRESHOLD:
        text += (
            f" De helft van de opgenomen gesprekken wachtte hoogstens {duur(r.mediaan_s)}, 90% hoogstens "
            f"{duur(r.p90_s)} en 99% hoogstens {duur(r.p99_s)}"
        )
        text += (
            f"; {fmt.percent(100 * r.opgehangen / r.oproepen)} van de bellers hing op voordat er werd opgenomen."
            if not is_small(r.opgehangen)
            else "; minder dan 10 bellers hingen op voordat er werd opgenomen."
        )
    return text


def _hours_sentence(t: dict, jaar: int) -> str:
    """Name, per norm, in how many hours of the week SHT missed it and the hour furthest below."""
    u = t["uren"]
    u = u[(u["post"] == SHT) & ~u["klein"]]
    parts = []
    for norm_id in TELEPHONE_NORMS:
        part = u[u["norm_id"] == norm_id]
        if part.empty:
            continue
        missed = part[part["gemist"]]
        naam = part["naam"].iloc[0].lower()
        if missed.empty:
            parts.append(f"{naam}: in alle {fmt.getal(len(part))} uren gehaald")
            continue
        worst = missed.sort_values(["aandeel_pct", "weekdag", "uur"]).iloc[0]
        parts.append(
            f"{naam}: in {fmt.getal(len(missed))} van de {fmt.getal(len(part))} uren gemist, het verst op "
            f"{uur_van_de_week(worst.weekdag, worst.uur)} ({fmt.percent(worst.aandeel_pct)})"
        )
    if not parts:
        return ""
    return "Per uur van de week (SHT als geheel, alleen uren met ten minste 10 gesprekken): " + "; ".join(parts) + "."


def telefonie_zin(t: dict, jaar: int) -> str:
    """Return the interpretation: per line the norm result, the waiting-time percentiles, the hung-up share."""
    return " ".join(_line_sentence(t, lijn, jaar) for lijn in LINES)


# --- Aanrijtijden visites ------------------------------------------------------------------------


def aanrijtijden(jaar: int, root: Path | None = None) -> dict | None:
    """Return the year's U1 and U2 visit figures (per urgency and post, per norm, cumulative by minute), or None."""
    per = registrations.section_table("aanrijtijden", jaar, root)
    if per is None:
        return None
    curve = registrations.section_table("aanrijtijden_verdeling", jaar, root)
    norms = _norm_frame(jaar, VISIT_NORMS, root)
    norms["urgentie"] = norms["norm_id"].map({n: sel for n, (_, sel) in NORM_SOURCES.items()})
    norms = norms.merge(per[["urgentie", "post", "visites"]], on=["urgentie", "post"], how="left")
    curve = curve.merge(per[["urgentie", "post", "visites"]], on=["urgentie", "post"])
    curve["aandeel_pct"] = 100 * curve["binnen"] / curve["visites"]
    norms_all = normen(root)
    limits = {
        n: int(g) * (60 if e == "uren" else 1)
        for n, g, e in zip(norms_all["norm_id"], norms_all["grens_waarde"], norms_all["grens_eenheid"])
    }
    norms["grens_min"] = norms["norm_id"].map(limits)
    return {"per": per, "normen": norms, "verdeling": curve}


def aanrijtijden_tabel(a: dict) -> pd.DataFrame:
    """Return per urgency and post the visits and the arrival-time percentiles (hidden over fewer than 10)."""
    states = _post_states(a["per"], "urgentie", "visites")
    rows = []
    for r in a["per"].itertuples(index=False):
        state = states.get((r.urgentie, r.post))
        few = bool(state) or r.visites < suppression.SMALL_CELL_THRESHOLD
        rows.append(
            {
                "Urgentie": r.urgentie,
                "Post": r.post,
                "Visites": suppression.label(state, int(r.visites)),
                "Mediaan aanrijtijd": HIDDEN if few else duur(r.mediaan_s),
                "90% binnen": HIDDEN if few else duur(r.p90_s),
                "99% binnen": HIDDEN if few else duur(r.p99_s),
            }
        )
    return pd.DataFrame(rows)


def aanrijtijden_zin(a: dict, jaar: int) -> str:
    """Return the interpretation: per urgency SHT's share within each norm, the median and P90, the posts apart."""
    per = a["per"].set_index(["urgentie", "post"])
    states = _post_states(a["per"], "urgentie", "visites")
    sentences = []
    for urgentie in URGENCIES:
        if (urgentie, SHT) not in per.index or per.loc[(urgentie, SHT)].visites < suppression.SMALL_CELL_THRESHOLD:
            sentences.append(f"Voor {urgentie}-visites zijn er in {jaar} minder dan 10 of geen registraties.")
            continue
        r = per.loc[(urgentie, SHT)]
        norms = a["normen"][(a["normen"]["urgentie"] == urgentie) & (a["normen"]["post"] == SHT)]
        parts = [
            f"{fmt.norm_result(n.resultaat_pct)} binnen {n.grens.removeprefix('< ')} (norm ten minste "
            f"{fmt.printed_percent(n.norm_pct)}: {_verdict(gehaald(n.resultaat_pct, n.norm_pct, n.richting))})"
            for n in norms.itertuples(index=False)
        ]
        text = (
            f"Van de {fmt.getal(r.visites)} {urgentie}-visites van SHT in {jaar} was de huisarts "
            + join_list(parts)
            + f" ter plaatse. De helft was er binnen {duur(r.mediaan_s)}, 90% binnen {duur(r.p90_s)}."
        )
        posts = a["normen"][(a["normen"]["urgentie"] == urgentie) & (a["normen"]["post"] != SHT)]
        missed: dict[str, list[str]] = {}
        for p in posts.itertuples(index=False):
            shown = not states.get((urgentie, p.post)) and not pd.isna(p.visites)
            enough = shown and p.visites >= suppression.SMALL_CELL_THRESHOLD
            if enough and gehaald(p.resultaat_pct, p.norm_pct, p.richting) is False:
                missed.setdefault(p.post, []).append(p.grens.replace("<", "binnen"))
        if missed:
            text += " Per post gemist: " + join_list([f"{post} ({join_list(g)})" for post, g in missed.items()]) + "."
        sentences.append(text)
    return " ".join(sentences)


# --- the page ------------------------------------------------------------------------------------


def _telephone_block(t: dict, jaar: int) -> object:
    figure = registraties_charts.telephone_heatmap(
        t["uren"][t["uren"]["post"] == SHT], list(TELEPHONE_NORMS), jaar, naam="bereikbaarheid_uren"
    )
    states = _post_states(t["lijnen"], "lijn", "oproepen")
    return tables.combine(
        figure,
        csv_download(uren_csv(t), "bereikbaarheid_per_uur", "De cijfers per uur van de week, voor elke norm en post"),
        tables.html(
            normen_tabel(t["normen"], "lijn", "oproepen", states),
            "bereikbaarheid_normen",
            bijschrift=f"Telefonische bereikbaarheid per post, {jaar}: deel opgenomen binnen de tijdgrens"
            + NORM_CAPTION,
            csv_frame=normen_csv(t["normen"], "lijn", "oproepen", states),
        ),
        tables.html(
            telefonie_tabel(t),
            "bereikbaarheid_wachttijden",
            bijschrift=f"Wachttijd tot opnemen per lijn en post, {jaar} (opgehangen: deel van alle gesprekken)",
        ),
    )


def _visit_block(a: dict, jaar: int) -> object:
    states = _post_states(a["per"], "urgentie", "visites")
    curve = a["verdeling"]
    keep = [
        not states.get((u, p)) and n >= suppression.SMALL_CELL_THRESHOLD
        for u, p, n in zip(curve["urgentie"], curve["post"], curve["visites"])
    ]
    return tables.combine(
        registraties_charts.arrival_curves(
            curve[keep], a["normen"], list(URGENCIES), jaar, naam="bereikbaarheid_aanrijtijden"
        ),
        tables.html(
            normen_tabel(a["normen"], "urgentie", "visites", states),
            "bereikbaarheid_aanrijtijden_normen",
            bijschrift=f"Aanrijtijd van U1- en U2-visites per post, {jaar}: deel ter plaatse binnen de tijdgrens"
            + NORM_CAPTION,
            csv_frame=normen_csv(a["normen"], "urgentie", "visites", states),
        ),
        tables.html(
            aanrijtijden_tabel(a),
            "bereikbaarheid_aanrijtijden",
            bijschrift=f"Aanrijtijd (van aanvraag tot aankomst) per urgentie en post, {jaar}",
        ),
    )


def norms_sentence(selecties: tuple[str, ...], root: Path | None = None) -> str:
    """Return the norms of these lines or urgencies in words, from referentie/normen.csv (no number typed here)."""
    frame = normen(root).set_index("norm_id")
    parts = []
    for selectie in selecties:
        ids = [n for n, (_, sel) in NORM_SOURCES.items() if sel == selectie]
        limits = join_list(
            [
                f"{fmt.printed_percent(frame.at[n, 'norm_pct'])} {frame.at[n, 'grens'].replace('<', 'binnen')}"
                for n in ids
            ]
        )
        what = f"op de {selectie}" if selectie in LINES else f"bij {selectie}-visites"
        parts.append(f"{what} ten minste {limits}")
    return "De normen: " + "; ".join(parts) + "."


def page_values(jaar: int, root: Path | None = None) -> dict[str, object]:
    """Return every value the page glues, for a year with registrations and a year without."""
    charts.apply_style()
    values: dict[str, object] = {
        "jaar": str(jaar),
        "telefonie_normen": norms_sentence(LINES, root),
        "aanrijtijden_normen": norms_sentence(URGENCIES, root),
    }
    t = telefonie(jaar, root)
    if t is None:
        values["telefonie_zin"] = needs_registrations("De wachttijden aan de telefoon", jaar, ("oproepen",))
        values["telefonie"] = tables.combine()
        values["telefonie_uren_zin"] = ""
        values["telefonie_bron"] = ""
    else:
        values["telefonie_zin"] = telefonie_zin(t, jaar)
        values["telefonie_uren_zin"] = _hours_sentence(t, jaar)
        values["telefonie"] = _telephone_block(t, jaar)
        values["telefonie_bron"] = (
            "De percentages binnen de tijdgrens zijn dezelfde als in het hoofdstuk Branchenormen: daar komen ze "
            f"voor {jaar} ook uit deze registraties, niet uit een overgenomen tabel."
        )
    a = aanrijtijden(jaar, root)
    if a is None:
        values["aanrijtijden_zin"] = needs_registrations("De aanrijtijden van visites", jaar, ("visites", "contacten"))
        values["aanrijtijden"] = tables.combine()
    else:
        values["aanrijtijden_zin"] = aanrijtijden_zin(a, jaar)
        values["aanrijtijden"] = _visit_block(a, jaar)
    return values
