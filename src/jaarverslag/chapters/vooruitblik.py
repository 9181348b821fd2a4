"""Vooruitblik: scenarios to 2040 for demand (help requests), GP capacity and the pressure between them.

This module loads the base year, checks the scenario parameters and returns the page's values; the
arithmetic is in models/projection.py, the sentences, tables and charts in render/vooruitblik_*.py.
The age model it carries forward is fitted with the settings of the Trendmodellen notebook
(model_leeftijd), taken from the notebook's `upstream` parameter (chapters/upstream.py), so both
chapters show the same model, scenario included.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from jaarverslag.chapters import model_leeftijd
from jaarverslag.chapters import upstream as up
from jaarverslag.data import ledger
from jaarverslag.data.metrics import weighted_consulteenheden
from jaarverslag.data.population import T_AGE_TYPE, cbs_bevolking, nearest_year
from jaarverslag.data.registrations import disclosure
from jaarverslag.data.status import CERTAIN
from jaarverslag.models import projection as pj
from jaarverslag.models.projection import DEFAULTS, Baseline, Vooruitblik
from jaarverslag.render import charts, fmt, tables
from jaarverslag.render import vooruitblik_charts as vc
from jaarverslag.render import vooruitblik_tables as vt
from jaarverslag.render import vooruitblik_text as vz

POOL_GROUPS = ("Huisartslid", "Hidha of waarnemer")  # GPs who take out-of-hours shifts on their own
MEMBERS_GROUP = "Huisartslid"  # practice-holding GPs: the group seed 001's outflow (21% within 6 years) concerns
AIOS_GROUP = "AIOS"  # GPs in training: they take shifts under supervision, so they are inflow, not pool
T_FORECAST = "bevolkingsprognose"
T_HUISARTSEN = "huisartsen"
AGE_MODEL_NOTEBOOK = "model_leeftijd"  # the notebook (chapter Trendmodellen) whose age model the projection uses
UPSTREAM = (AGE_MODEL_NOTEBOOK,)  # the notebooks whose settings this one uses (the parameters cell's list)


class VooruitblikError(ValueError):
    """A scenario parameter or an input table makes the projection impossible; the message is Dutch."""


def check_parameters(p: dict) -> None:
    """Check the scenario parameters; raise VooruitblikFout with a Dutch message naming the parameter."""
    for naam in ("ouderen_groei", "uitstroom", "uitstroom_overig", "instroom_aandeel"):
        laag, mid, hoog = p[f"{naam}_min_pct"], p[f"{naam}_pct"], p[f"{naam}_max_pct"]
        if not laag <= mid <= hoog:
            raise VooruitblikError(
                f"parameters {naam}_min_pct ≤ {naam}_pct ≤ {naam}_max_pct moeten oplopen; nu {laag} / {mid} / {hoog}"
            )
    for naam in (
        "uitstroom_pct",
        "uitstroom_min_pct",
        "uitstroom_max_pct",
        "uitstroom_overig_pct",
        "uitstroom_overig_min_pct",
        "uitstroom_overig_max_pct",
        "instroom_aandeel_pct",
        "instroom_aandeel_min_pct",
        "instroom_aandeel_max_pct",
    ):
        if not 0 <= p[naam] <= 100:
            raise VooruitblikError(f"parameter {naam} moet tussen 0 en 100 liggen, niet {p[naam]}")
    for naam in ("uitstroom_jaren", "opleidingsduur_jaren"):
        if p[naam] < 1:
            raise VooruitblikError(f"parameter {naam} moet minstens 1 zijn, niet {p[naam]}")
    if p["trend_jaren"] < 0:
        raise VooruitblikError(f"parameter trend_jaren mag niet negatief zijn, niet {p['trend_jaren']}")
    if p["bevolking_marge_pct"] < 0:
        raise VooruitblikError(f"parameter bevolking_marge_pct mag niet negatief zijn, niet {p['bevolking_marge_pct']}")


# --- the age model, with the settings of Trendmodellen -------------------------------------------------------


def age_model_settings(upstream: Mapping | Sequence[str] = UPSTREAM, root: Path | None = None) -> dict:
    """Return the age model's settings from `upstream`: the build's (scenario included), else the notebook defaults."""
    try:
        instellingen = up.settings(upstream, AGE_MODEL_NOTEBOOK, root)
    except up.UpstreamError as fout:
        raise VooruitblikError(str(fout)) from fout
    kent = {n for n, p in inspect.signature(model_leeftijd.model_run).parameters.items() if p.kind is p.KEYWORD_ONLY}
    if set(instellingen) != kent:  # every setting must reach the model, and nothing else
        raise VooruitblikError(
            f"De instellingen van {AGE_MODEL_NOTEBOOK} zijn {', '.join(sorted(instellingen))}, maar het "
            f"leeftijdsmodel kent {', '.join(sorted(kent))}."
        )
    return instellingen


def age_model(
    jaar: int, root: Path | None = None, upstream: Mapping | Sequence[str] = UPSTREAM
) -> model_leeftijd.AgeModelRun:
    """Return the age model of the Trendmodellen chapter: the same function, with the same settings."""
    return model_leeftijd.model_run(jaar, root, **age_model_settings(upstream, root))


# --- loading the base year ----------------------------------------------------------------------------------


HIDDEN_BASE = (
    "De hulpvragen per leeftijdsgroep van {jaar} (of het jaar ervoor) bevatten kleine aantallen uit de "
    "registraties, die het boek afschermt; een projectie per leeftijdsgroep zou ze teruggeven, dus is er geen "
    "vooruitblik."
)


def load_baseline(jaar: int, root: Path | None = None, upstream: Mapping | Sequence[str] = UPSTREAM) -> Baseline:
    """Load the report year's rates per age group, the CBS population, the forecast table and the GP counts.

    The help requests, their population and the age model come with the settings of model_leeftijd
    (reference year, fallback for a missing population, family, confidence). Raises VooruitblikFout
    (Dutch, saying what is missing) when the year lacks what the projection needs.
    """
    from jaarverslag.data.load import is_available, load_table

    run = age_model(jaar, root, upstream)
    gegevens = run.gegevens
    if gegevens is None:
        raise VooruitblikError(run.reden)
    if jaar not in gegevens.jaren:
        raise VooruitblikError(f"Voor {jaar} zijn geen hulpvragen per leeftijdsgroep beschikbaar.")
    if any(run.verborgen.values()) or disclosure.hidden_cells(T_AGE_TYPE, jaar - 1, root):
        # The projected totals weigh each group by its own population change: with the published totals they would
        # give the hidden counts back (two hidden groups, two or more equations).
        raise VooruitblikError(HIDDEN_BASE.format(jaar=jaar))
    if not is_available(T_HUISARTSEN, jaar, root):
        raise VooruitblikError(f"Voor {jaar} zijn geen aantallen huisartsen beschikbaar (data/{jaar}/huisartsen.csv).")
    tel = gegevens.tellingen[gegevens.tellingen["jaar"] == jaar].set_index("leeftijdsgroep")
    if tel["bevolking"].isna().any():
        raise VooruitblikError("Er is geen CBS-bevolking naar leeftijd om de hulpvragen per inwoner te berekenen.")
    tarieven = pd.DataFrame({"hulpvragen": tel["aantal"], "bevolking": tel["bevolking"]})
    soort = gegevens.per_soort
    soort = soort[soort["jaar"] == jaar] if len(soort) else soort
    opmerkingen = []
    if len(soort):
        tarieven["consulteenheden"] = weighted_consulteenheden(soort).groupby(soort["leeftijdsgroep"]).sum()
    else:
        tarieven["consulteenheden"] = math.nan
        opmerkingen.append(
            f"Voor {jaar} zijn de hulpvragen per leeftijdsgroep niet naar soort gesplitst; "
            "daarom is er geen projectie van consulteenheden."
        )
    tarieven = tarieven.reset_index()

    cbs = cbs_bevolking(root)
    cbs_jaar = nearest_year(jaar, sorted(set(cbs["jaar"])))
    if cbs_jaar != jaar:
        opmerkingen.append(
            f"De CBS-bevolking van {jaar} ontbreekt; de projectie begint met de bevolking op 1 januari {cbs_jaar}."
        )
    bevolking = cbs[cbs["jaar"] == cbs_jaar][["gemeente", "leeftijdsgroep", "inwoners"]].reset_index(drop=True)
    bevolking["inwoners"] = bevolking["inwoners"].astype(float)

    if not is_available(T_FORECAST, None, root):
        raise VooruitblikError(f"De tabel {T_FORECAST} (data/referentie/{T_FORECAST}.csv) ontbreekt.")
    prognose = load_table(T_FORECAST, None, root)
    perioden = set(zip(prognose["van_jaar"], prognose["tot_jaar"]))
    if len(perioden) != 1:
        raise VooruitblikError(
            f"De tabel {T_FORECAST} moet één periode hebben voor alle gemeenten, niet {sorted(perioden)}."
        )
    van, tot = perioden.pop()

    artsen = load_table(T_HUISARTSEN, jaar, root).set_index("groep")
    pool_rijen = artsen.loc[[g for g in POOL_GROUPS if g in artsen.index]]
    if (
        len(pool_rijen) != len(POOL_GROUPS)
        or pool_rijen["aantal"].isna().any()
        or AIOS_GROUP not in artsen.index
        or pd.isna(artsen.loc[AIOS_GROUP, "aantal"])
    ):
        raise VooruitblikError(
            f"data/{jaar}/huisartsen.csv mist een aantal voor {', '.join(POOL_GROUPS)} of {AIOS_GROUP}."
        )

    vorig_jaar = _pool_last_year(jaar - 1, root)
    tellingen_vorig = None
    vorige = gegevens.tellingen[gegevens.tellingen["jaar"] == jaar - 1].set_index("leeftijdsgroep")
    if len(vorige) and vorige["bevolking"].notna().all():
        tellingen_vorig = pd.DataFrame(
            {"aantal": vorige["aantal"], "bevolking": vorige["bevolking"], "bevolking_nu": tel["bevolking"]}
        ).reset_index()

    # Counts only (no population for a year): no rate ratio per inhabitant to carry forward.
    model = run.model if run.model is not None and run.model.met_bevolking else None
    groei_model = None if model is None else model.per_groep[["leeftijdsgroep", *pj.TREND_COLUMNS]].copy()
    return Baseline(
        jaar=jaar,
        tarieven=tarieven,
        bevolking=bevolking,
        bevolking_jaar=cbs_jaar,
        prognose=prognose,
        prognose_jaren=int(tot - van),
        pool=int(pool_rijen["aantal"].sum()),
        pool_onzeker=bool((pool_rijen["status"] != CERTAIN).any()),
        aios=int(artsen.loc[AIOS_GROUP, "aantal"]),
        groei_model=groei_model,
        groei_referentiejaar=run.ref,
        opmerkingen=opmerkingen,
        leden=int(artsen.loc[MEMBERS_GROUP, "aantal"]),
        overig=int(pool_rijen["aantal"].sum() - artsen.loc[MEMBERS_GROUP, "aantal"]),
        vorig_jaar=vorig_jaar,
        tellingen_vorig=tellingen_vorig,
        totaal_vorig_betwist=ledger.disputed_sht_total(jaar - 1, root),
    )


def _pool_last_year(jaar: int, root: Path | None) -> dict | None:
    """Return last year's huisartsleden, other GPs taking shifts and AIOS, or None when not all are known."""
    from jaarverslag.data.load import is_available, load_table

    if not is_available(T_HUISARTSEN, jaar, root):
        return None
    artsen = load_table(T_HUISARTSEN, jaar, root).set_index("groep")["aantal"]
    nodig = [*POOL_GROUPS, AIOS_GROUP]
    if any(g not in artsen.index or pd.isna(artsen[g]) for g in nodig):
        return None
    return {
        "leden": int(artsen[MEMBERS_GROUP]),
        "overig": int(sum(artsen[g] for g in POOL_GROUPS if g != MEMBERS_GROUP)),
        "aios": int(artsen[AIOS_GROUP]),
    }


# --- the projection and the page -----------------------------------------------------------------------------


def run_projection(basis: Baseline, p: dict) -> Vooruitblik:
    """Check the parameters against the base year and run the three scenarios to p['tot_jaar']."""
    check_parameters(p)
    if p["tot_jaar"] <= basis.jaar:
        raise VooruitblikError(f"parameter tot_jaar ({p['tot_jaar']}) moet na het verslagjaar {basis.jaar} liggen")
    if p["trend_leeftijd"] and basis.groei_model is None:
        raise VooruitblikError(
            f"trend_leeftijd vraagt het leeftijdsmodel {basis.groei_referentiejaar}–{basis.jaar}, "
            "maar daarvoor ontbreken gegevens; zet trend_leeftijd op False"
        )
    try:
        return pj.run_projection(basis, p)
    except pj.ProjectionError as fout:
        raise VooruitblikError(vz.error_message(fout)) from fout


def scenario_parameters(parameters: dict) -> dict:
    """Return the scenario parameters: the defaults, overridden by the notebook's values; unknown names are refused."""
    onbekend = sorted(set(parameters) - set(DEFAULTS))
    if onbekend:
        raise TypeError(f"onbekende parameters van de vooruitblik: {', '.join(onbekend)}")
    return {**DEFAULTS, **parameters}


def vooruitblik(
    jaar: int, root: Path | None = None, upstream: Mapping | Sequence[str] = UPSTREAM, **parameters
) -> tuple[Vooruitblik | None, str | None]:
    """Return the projection and None, or None and the Dutch reason the year has none; a wrong parameter raises."""
    p = scenario_parameters(parameters)
    check_parameters(p)  # a wrong scenario stops the build with a Dutch message
    try:
        return run_projection(load_baseline(jaar, root, upstream), p), None
    except VooruitblikError as fout:
        return None, str(fout)


def kerncijfers(jaar: int, root: Path | None = None, upstream: Mapping | Sequence[str] = UPSTREAM, **parameters) -> str:
    """Return the figures the notebook prints for nbval: the projection and threshold tables, or why there are none."""
    v, reden = vooruitblik(jaar, root, upstream, **parameters)
    if v is None:
        return f"{jaar}: geen vooruitblik. {reden}"
    return vt.projection_table(v).round(1).to_string(index=False) + "\n" + vt.threshold_table(v).to_string(index=False)


def page_values(
    jaar: int, root: Path | None = None, upstream: Mapping | Sequence[str] = UPSTREAM, **parameters
) -> dict[str, object]:
    """Return every value the vooruitblik page glues, for a year with data and a year without.

    upstream: the notebooks whose settings this page uses, as a list (run by hand: their defaults)
    or as the build injects it (notebook -> settings); parameters: the scenario (see STANDAARD).
    """
    p = scenario_parameters(parameters)
    v, reden = vooruitblik(jaar, root, upstream, **parameters)
    eind = p["tot_jaar"]
    values: dict[str, object] = {
        "tabel_parameters": tables.html(
            vz.parameter_table(p),
            "vooruitblik_parameters",
            bijschrift="Aannames van de vooruitblik: gebruikte waarde en standaardwaarde",
        ),
        "afwijkend_zin": vz.afwijkend_zin(p),
        "ouderen_groei": vz.range_text(p["ouderen_groei_min_pct"], p["ouderen_groei_pct"], p["ouderen_groei_max_pct"]),
        "tot_jaar": str(eind),
        "nza_norm": fmt.getal(pj.NZA_NORM_PATIENTS_PER_FTE),
        "ouderen_periode": "–".join(str(j) for j in pj.OUDEREN_PERIODE),
        "drempels_index": " of ".join(str(100 + d) for d in pj.THRESHOLDS_PCT),
    }
    zinnen = {
        "gemeenten_zin": vz.gemeenten_zin,
        "trend_zin": vz.trend_zin,
        "pool_zin": vz.pool_zin,
        "drempel_zin": vz.drempel_zin,
        "vraag_zin": vz.vraag_zin,
        "capaciteit_zin": vz.capaciteit_zin,
        "basis_zin": vz.basis_zin,
        "oudsten_zin": vz.oudsten_zin,
        "gevoeligheid_zin": vz.gevoeligheid_zin,
        "terugblik_zin": vz.terugblik_zin,
    }
    if v is None:
        values["samenvatting"] = f"Niet beschikbaar voor {jaar}: {reden}"  # said once, at the top
        values.update({sleutel: "" for sleutel in zinnen})
        leeg = HTML("")  # the sentence above says why
        values.update(
            {
                sleutel: leeg
                for sleutel in (
                    "figuur_vraag",
                    "figuur_capaciteit",
                    "figuur_druk",
                    "figuur_gevoeligheid",
                    "tabel_drempels",
                    "tabel_projectie",
                    "tabel_terugblik",
                )
            }
        )
        values["voorbeeld"] = tables.unavailable("hulpvragen per leeftijdsgroep of huisartsen", jaar)
        return values
    values["samenvatting"] = vz.samenvatting(v)
    values.update({sleutel: zin(v) for sleutel, zin in zinnen.items()})
    fig, alt = vc.demand_chart(v)
    values["figuur_vraag"] = charts.figure_html(
        fig,
        "vooruitblik_vraag",
        alt,
        bijschrift=f"Verwachte hulpvragen per jaar, {jaar}–{eind}: middenscenario en bandbreedte.",
    )
    fig, alt = vc.capacity_chart(v)
    values["figuur_capaciteit"] = charts.figure_html(
        fig,
        "vooruitblik_capaciteit",
        alt,
        bijschrift=f"Huisartsen die diensten doen, {jaar}–{eind}, en het "
        "aantal fulltime huisartsen dat de NZa-norm vraagt.",
    )
    fig, alt = vc.pressure_chart(v)
    values["figuur_druk"] = charts.figure_html(
        fig,
        "vooruitblik_druk",
        alt,
        bijschrift=f"Hulpvragen per huisarts die diensten doet, als index ({jaar} = 100), {jaar}–{eind}.",
    )
    if v.gevoeligheid is not None and len(v.gevoeligheid):
        fig, alt = vc.sensitivity_chart(v)
        values["figuur_gevoeligheid"] = charts.figure_html(
            fig,
            "vooruitblik_gevoeligheid",
            alt,
            bijschrift=f"Druk in {eind} als één aanname tegelijk op haar grens staat (de rest in het midden).",
        )
    else:
        values["figuur_gevoeligheid"] = HTML("")  # gevoeligheid_zin says why
    values["tabel_terugblik"] = (
        tables.html(
            vt.backcast_table(v),
            "vooruitblik_terugblik",
            bijschrift=f"Terugblik: de rekenregels vanaf {jaar - 1} tegen de werkelijkheid van {jaar}",
        )
        if v.terugblik is not None
        else HTML("")  # terugblik_zin says why
    )
    values["tabel_drempels"] = tables.html(
        vt.threshold_table(v),
        "vooruitblik_drempels",
        bijschrift=f"Eerste jaar waarin de druk 10% en 25% boven {jaar} ligt, per scenario",
    )
    tabel = vt.projection_table(v)
    values["tabel_projectie"] = tables.html(
        tabel,
        "vooruitblik_projectie",
        formatters=vt.projection_formatters(tabel),
        bijschrift=f"De drie scenario's per vijf jaar, {jaar}–{eind} (laag = minste druk, hoog = meeste druk)",
    )
    values["voorbeeld"] = tables.html(
        vt.worked_example(v),
        "vooruitblik_voorbeeld",
        bijschrift=f"Rekenvoorbeeld: het eerste jaar na {jaar} in het middenscenario",
    )
    return values
