"""Trendmodellen, consumption part: the values of notebooks/model_zorgconsumptie.md (consulteenheden per gemeente).

The notebook's parameters (basisjaar, betrouwbaarheid in percent, familie) are this module's keyword parameters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import HTML

from jaarverslag.data import geo
from jaarverslag.data.load import MissingTableError, is_available, load_table
from jaarverslag.data.metrics import CONSULTEENHEID_WEIGHTS
from jaarverslag.data.population import (
    PER_THOUSAND,
    T_CONSUMPTION_TYPE,
    T_DENOMINATOR,
    T_PER_1000,
    UNKNOWN,
    ConsumptionData,
    ModelError,
    hidden_gemeenten,
    load_consumption_data,
)
from jaarverslag.models import glm
from jaarverslag.models.zorgconsumptie import (
    DISTANCE_UNIT_KM,
    FUNNEL_LIMITS,
    ConsumptionModel,
    weights_dispersion,
    zorgconsumptie_model,
)
from jaarverslag.render import charts, fmt, tables
from jaarverslag.render import model_charts as mc
from jaarverslag.render import model_tables as mt
from jaarverslag.render import model_text as mx
from jaarverslag.render.text import join_list

SOURCE = "jaarverslag SHT (zorgconsumptie per gemeente); CBS-gemeentegrenzen; eigen ligging spoedposten"
EMPTY_HTML = HTML("")  # a second element of a section whose missing data is already said in one sentence
REGIONAL_DECIMALS = 1  # the regional rate, as the page prints it


@dataclass(frozen=True)
class ConsumptionModelRun:
    """The consumption model of one report year with the notebook's settings, or why there is none."""

    jaar: int
    basisjaar: int  # as asked; the model may use another (model.basisjaar)
    niveau: float  # betrouwbaarheid as a fraction
    gegevens: ConsumptionData | None
    afstanden: pd.DataFrame | None
    model: ConsumptionModel | None
    reden: str | None  # Dutch, for the page, when model is None
    # Per year of the model: the gemeenten whose consulteenheden rest on a hidden registration count -> state.
    verborgen: dict[int, dict[str, str]] = field(default_factory=dict)

    def is_hidden(self, gemeente: str, jaar: int | None = None) -> bool:
        """Say whether a gemeente's figures are hidden in the year (in any year of the model when jaar is None)."""
        years = self.verborgen.values() if jaar is None else [self.verborgen.get(jaar, {})]
        return any(str(gemeente) in v for v in years)

    def shown_model(self) -> ConsumptionModel | None:
        """Return the model as tables, charts and sentences may use it: no figure of a hidden gemeente and year.

        The fit itself uses the exact counts; its summaries over all gemeenten (year effects, φ, the test, the
        distance slope) stay. Per gemeente, the rate, trend, effect and funnel point of a hidden year go: with
        the public denominator each gives the consulteenheden back.
        """
        m = self.model
        if m is None or not any(self.verborgen.values()):
            return m

        def keep(frame: pd.DataFrame, jaren: list[int] | None) -> pd.DataFrame:
            mask = [not any(self.is_hidden(g, j) for j in (jaren or [None])) for g in frame["gemeente"]]
            return frame[mask].reset_index(drop=True)

        fitted = m.fitted[[not self.is_hidden(g, int(j)) for g, j in zip(m.fitted["gemeente"], m.fitted["jaar"])]]
        return replace(
            m,
            gemeente_effect=keep(m.gemeente_effect, None),
            trend=keep(m.trend, [m.basisjaar, m.jaar]),
            funnel=replace(m.funnel, punten=keep(m.funnel.punten, [m.jaar])),
            fitted=fitted.reset_index(drop=True),
        )


def model_run(
    jaar: int, root: Path | None = None, *, basisjaar: int = 2019, betrouwbaarheid: int = 95, familie: str = "auto"
) -> ConsumptionModelRun:
    """Load consulteenheden, denominators and distances per gemeente and fit the model with the given settings."""
    niveau = betrouwbaarheid / 100
    try:
        gegevens, reden = load_consumption_data(jaar, root), None
    except (ModelError, MissingTableError) as fout:
        gegevens, reden = None, str(fout)
    try:
        afstanden = geo.afstanden(root)
    except MissingTableError:
        afstanden = None
    model = None
    if gegevens is not None and jaar in gegevens.jaren:
        phi_w = weights_per_gemeente(jaar, root) if jaar in gegevens.soorten else 1.0
        model = zorgconsumptie_model(
            gegevens.tabel, jaar, basisjaar, familie, niveau, afstanden, phi_w, noemer_eenheid=PER_THOUSAND
        )
    elif gegevens is not None:
        reden = f"Voor {jaar} zijn er geen consulteenheden per gemeente."
    verborgen = {j: hidden_gemeenten(j, root) for j in (gegevens.jaren if gegevens is not None else [jaar])}
    return ConsumptionModelRun(jaar, basisjaar, niveau, gegevens, afstanden, model, reden, verborgen)


def advice_share_pct(jaar: int, root: Path | None = None) -> float | None:
    """Return the share (%) of the year's hulpvragen that were telephone advice (the soort weighted lowest)."""
    if not is_available(T_CONSUMPTION_TYPE, jaar, root):
        return None
    per_soort = load_table(T_CONSUMPTION_TYPE, jaar, root).groupby("soort")["aantal"].sum()
    advies = min(CONSULTEENHEID_WEIGHTS, key=CONSULTEENHEID_WEIGHTS.get)
    return float(100 * per_soort.get(advies, math.nan) / per_soort.sum())


def weights_per_gemeente(jaar: int, root: Path | None = None) -> dict[str, float]:
    """Return each gemeente's variance factor of weighted units from its own counts per soort."""
    soorten = load_table(T_CONSUMPTION_TYPE, jaar, root)
    return {
        str(g): weights_dispersion(part.groupby(part["soort"].astype(str))["aantal"].sum().astype(float).to_dict())
        for g, part in soorten.groupby("gemeente")
        if str(g) != UNKNOWN
    }


def kerncijfers(run: ConsumptionModelRun) -> str:
    """Return the key figures the notebook prints for nbval: years, family, regional rates, funnel, distance."""
    model = run.shown_model()
    if model is None:
        return f"{run.jaar}: geen zorgconsumptiemodel. {run.reden}"
    punten = model.funnel.punten.assign(oordeel=mx.funnel_verdict(model.funnel))
    lo, hi = model.dispersie.phi_interval(run.niveau)
    phi = (
        f"phi {model.dispersie.phi:.2f} ({lo:.1f}-{hi:.1f})"
        if model.dispersie.estimable
        else "phi niet te schatten (0 vrijheidsgraden)"
    )
    lines = [
        f"{run.jaar}: jaren {model.jaren}, basisjaar {model.basisjaar}, familie {model.familie}, {phi}, "
        f"tau trechter {math.sqrt(model.funnel.tau2) * PER_THOUSAND:.2f} per 1000",
        # The page's precision: to three decimals the regional rate gives the consulteenheden of the eight gemeenten
        # exactly, and with the column totals those of Onbekend, whose hidden counts they would give back.
        model.regionaal[["jaar", "per_1000"]].round(REGIONAL_DECIMALS).to_string(index=False),
        punten[["gemeente", "per_1000", "oordeel"]].round(3).to_string(index=False),
    ]
    if model.afstand is not None:
        a = model.afstand
        lines.append(
            f"afstand per {DISTANCE_UNIT_KM} km: {a.per_eenheid['verhouding']:.4f} "
            f"({a.per_eenheid['ondergrens']:.4f}-{a.per_eenheid['bovengrens']:.4f}, {a.clusters} clusters)"
        )
    return "\n".join(lines)


def page_values(
    jaar: int, root: Path | None = None, *, basisjaar: int = 2019, betrouwbaarheid: int = 95, familie: str = "auto"
) -> dict[str, object]:
    """Return every value the model_zorgconsumptie page glues, for a year with data and a year without."""
    charts.apply_style()
    run = model_run(jaar, root, basisjaar=basisjaar, betrouwbaarheid=betrouwbaarheid, familie=familie)
    model = run.model
    gebruikt_basis = model.basisjaar if model is not None else basisjaar
    keuzes = mt.parameter_table(
        {
            "verslagjaar": (jaar, "het jaar van dit verslag; het model gebruikt dit jaar en de jaren ervoor"),
            "basisjaar": (
                gebruikt_basis,
                "jaareffecten en trends zijn verhoudingen ten opzichte van dit jaar"
                + ("" if gebruikt_basis == basisjaar else f" (gevraagd {basisjaar}, niet beschikbaar)"),
            ),
            "betrouwbaarheid (%)": (betrouwbaarheid, "betrouwbaarheid van de intervallen"),
            "modelfamilie": (
                mx.FAMILY_NAMES[familie],
                f"auto kiest quasi-Poisson als φ boven {fmt.getal(glm.DISPERSION_THRESHOLD, 1)} ligt, anders Poisson",
            ),
            "trechtergrenzen": (
                join_list([fmt.percent(p * 100, 1) for p in FUNNEL_LIMITS]),
                "controlegrenzen in de trechtergrafiek",
            ),
            "afstandseenheid": (f"{DISTANCE_UNIT_KM} km", "het afstandseffect wordt per zoveel kilometer gegeven"),
        }
    )
    values: dict[str, object] = {
        "keuzes": tables.html(keuzes, "model_zorgconsumptie_keuzes", bijschrift="Keuzes van het zorgconsumptiemodel"),
        "jaar": str(jaar),
        "basisjaar": str(gebruikt_basis),
        "jaren": ", ".join(map(str, model.jaren)) if model is not None else str(jaar),
        "herkomst_zin": herkomst_zin(run),
    }
    if model is None:
        for key in ("figuur_trend", "figuur_funnel", "figuur_afstand"):
            values[key] = tables.unavailable("consulteenheden per gemeente", jaar)
        for key in ("tabel_trend", "tabel_gemeente"):
            values[key] = EMPTY_HTML
        for key in ("interpretatie", "familie_zin", "toets_zin", "funnel_zin", "afstand_zin", "regio_zin"):
            values[key] = f"Het zorgconsumptiemodel is voor {jaar} niet berekend. {run.reden}"
    else:
        values.update(_model_pieces(run, familie, betrouwbaarheid, root))
    values.update(_methods(run, root))
    return values


def herkomst_zin(run: ConsumptionModelRun) -> str:
    """Say where numerator and denominator come from in each year."""
    if run.gegevens is None:
        return f"Geen gegevens: {run.reden}"
    herkomst = run.gegevens.tabel.groupby("jaar")[["bron_eenheden", "bron_noemer"]].first().reset_index()
    return (
        "Teller en noemer per jaar — "
        + "; ".join(
            f"{r.jaar}: consulteenheden {r.bron_eenheden}, noemer {r.bron_noemer}" for r in herkomst.itertuples()
        )
        + ". De noemer is het aantal inwoners dat het verslag zelf gebruikt (in duizendtallen); voor Hof van "
        "Twente is dat alleen het deel dat SHT bedient. Hulpvragen met onbekende woongemeente tellen niet mee."
    )


def regio_zin(model: ConsumptionModel, betrouwbaarheid: int) -> str:
    """Say the regional rate per year and the year effects against the base year."""
    text = (
        "Regio (acht gemeenten, som van de consulteenheden gedeeld door de som van de noemers): "
        + "; ".join(f"{r.jaar} {fmt.getal(r.per_1000, 1)} per 1.000" for r in model.regionaal.itertuples())
        + "."
    )
    if len(model.jaareffect):
        text += (
            f" Jaareffecten ten opzichte van {model.basisjaar} (gecorrigeerd voor gemeente): "
            + "; ".join(
                f"{r.jaar} {mx.rr_text(r.verhouding, r.ondergrens, r.bovengrens, betrouwbaarheid)}"
                for r in model.jaareffect.itertuples()
            )
            + "."
        )
    return text


def funnel_zin(model: ConsumptionModel, soort_bekend: bool, getoond: ConsumptionModel | None = None) -> str:
    """Explain the funnel: centre, weighting factors, denominator rounding and the random-effects widening.

    getoond: the model as published (ConsumptionModelRun.shown_model); the ranges of the per-gemeente columns
    come from it, the counts over all gemeenten (Q, outside the limits) from the full model.
    """
    f = model.funnel
    jaar = model.jaar
    grens = fmt.percent(FUNNEL_LIMITS[0] * 100, 0)
    buiten_poisson = int((abs(f.punten["z_poisson"]) > glm.critical_value(FUNNEL_LIMITS[0])).sum())
    n = len(f.punten)
    p = (getoond or model).funnel.punten
    text = (
        f"Het midden van de trechter is het regiogemiddelde van {jaar}: "
        f"{fmt.getal(f.regionaal_per_1000, REGIONAL_DECIMALS)} consulteenheden per 1.000 inwoners. "
    )
    if soort_bekend:
        text += (
            "Omdat een visite 1,5 en een advies 0,5 eenheid telt, is de Poisson-variantie van de eenheden niet "
            "gelijk aan het gemiddelde; elke gemeente krijgt de factor van haar eigen mix van soorten (van "
            f"{fmt.getal(p['phi_w'].min(), 2)} tot {fmt.getal(p['phi_w'].max(), 2)}, kolom Weegfactor). "
        )
    if f.noemer_eenheid is not None:
        text += (
            "De noemer is het aantal inwoners in hele duizendtallen zoals het verslag het drukt; die afronding "
            f"geeft een onzekerheid (standaardafwijking) van {fmt.getal(f.noemer_eenheid, 0)}/√12 ≈ "
            f"{fmt.getal(f.noemer_eenheid / math.sqrt(12), 0)} inwoners, voor deze gemeenten "
            f"{fmt.getal(p['afronding_pct'].min(), 1)}% tot {fmt.getal(p['afronding_pct'].max(), 1)}% van de noemer "
            "(kolom Afronding). Bij kleine gemeenten is dat ongeveer even groot als het toeval in de aantallen; "
            "de grenzen rekenen het mee. "
        )
    text += (
        f"Met alleen toeval en afronding zouden {buiten_poisson} van de {n} gemeenten buiten de "
        f"{grens}-grens vallen (Q = {fmt.getal(f.q, 0)} bij {n - 1} vrijheidsgraden): de gemeenten "
        "verschillen meer dan toeval verklaart. "
    )
    if f.aangepast:
        # Cites the method by name; book/methode.md ("Trechtergrafiek") gives the reference, Spiegelhalter (2005).
        text += (
            "De grenzen tellen daarom een vaste spreiding tussen gemeenten op bij het toeval (additieve "
            "random effects, schatting volgens DerSimonian en Laird, zoals Spiegelhalter voorstelt): een "
            f"standaardafwijking van {fmt.getal(100 * f.tau_relatief, 1)}% van het regiogemiddelde. Die spreiding "
            f"is geschat uit dezelfde {n} gemeenten en bevat ook het verschil dat de afstand tot de post "
            "verklaart; een gemeente buiten de grenzen wijkt dus meer af dan gemeenten in deze regio gewoonlijk "
            "onderling doen. Met acht gemeenten is die spreiding zelf onzeker. De lijnen gebruiken de gemiddelde "
            "weegfactor; het oordeel in de tabel gebruikt de eigen grenzen van elke gemeente (de streepjes)."
        )
    if not soort_bekend:
        text += (
            f" De verdeling over de soorten per gemeente is voor {jaar} niet bekend; de grenzen rekenen "
            "daarom met de gewone Poisson-variantie (factor 1) in plaats van die van de gewogen eenheden."
        )
    return text.strip()


def hidden_sentence(run: ConsumptionModelRun) -> str:
    """Say which gemeenten and years the model's tables and charts leave out (empty when none), with a space first."""
    parts = [
        f"{g} ({join_list([str(j) for j in sorted(jaren)])})"
        for g, jaren in sorted(_hidden_years(run).items())
        if g != UNKNOWN
    ]
    if not parts:
        return ""
    return (
        f" Van {join_list(parts)} toont deze paragraaf geen eigen cijfer: de consulteenheden rusten daar op een "
        "afgeschermd aantal uit de registraties (zie het hoofdstuk Zorgconsumptie). Het model rekent wel met alle "
        "gemeenten, en wat over alle gemeenten samen gaat (de regio, de jaareffecten, de spreiding, de toets en de "
        "afstand) staat er gewoon."
    )


def _hidden_years(run: ConsumptionModelRun) -> dict[str, set[int]]:
    years: dict[str, set[int]] = {}
    for jaar, gemeenten in run.verborgen.items():
        for g in gemeenten:
            years.setdefault(g, set()).add(jaar)
    return years


def _model_pieces(
    run: ConsumptionModelRun, familie: str, betrouwbaarheid: int, root: Path | None = None
) -> dict[str, object]:
    """The sentences, tables and charts of a year with a fitted model (without the figures of hidden gemeenten)."""
    model, jaar, pct = run.shown_model(), run.jaar, f"{betrouwbaarheid}%"
    values: dict[str, object] = {
        "interpretatie": mx.consumption_interpretation(model),
        "familie_zin": mx.familie_zin(familie, model.familie, model.dispersie, "model met gemeente- en jaareffecten"),
        "toets_zin": mx.toets_zin(model.toets, run.niveau, "de trend", "gemeenten"),
        "regio_zin": regio_zin(model, betrouwbaarheid),
    }
    if len(model.trend):
        tt = mt.trend_table(model)
        values["tabel_trend"] = tables.html(
            tt,
            "model_zorgconsumptie_trend",
            bijschrift=f"Trend per gemeente: consulteenheden per 1.000 inwoners in {model.basisjaar} en {jaar}, "
            f"verhouding met {pct}-interval ({mx.FAMILY_NAMES[model.familie]}"
            + (
                "; φ komt uit de afwijkingen van het model met gemeente- en jaareffecten en bevat dus ook de "
                "verschillen in trend tussen gemeenten: het interval is breder dan het toeval in de aantallen alleen)"
                if model.familie == "quasipoisson"
                else ")"
            ),
            formatters=mt.table_formatters(
                {tt.columns[1]: 1, tt.columns[2]: 1, "Verhouding": 2, tt.columns[4]: 2, "tot": 2}
            ),
        )
        fig, alt = mc.trend_chart(model, SOURCE)
        values["figuur_trend"] = charts.figure_html(
            fig,
            "model_zorgconsumptie_trend",
            alt,
            bijschrift=f"Consulteenheden per 1.000 inwoners per gemeente, {model.jaren[0]}–{jaar}.",
        )
    else:
        values["tabel_trend"] = EMPTY_HTML
        values["figuur_trend"] = tables.unavailable(f"consulteenheden per gemeente vóór {jaar} (voor een trend)", jaar)
    values["tabel_gemeente"] = tables.html(
        mt.gemeente_table(model),
        "model_zorgconsumptie_gemeente",
        bijschrift=f"Gemeenten tegen het regiogemiddelde in {jaar}: inwoners (noemer van het verslag), hemelsbrede "
        "afstand tot de dichtstbijzijnde spoedpost, consulteenheden per 1.000 inwoners, verhouding tot de "
        "regio met de 95%-trechtergrenzen van die gemeente, weegfactor, afronding van de noemer en het oordeel "
        "(één regel: binnen of buiten die grenzen)",
        formatters=mt.table_formatters(
            {
                "Afstand (km)": 1,
                "Per 1.000": 1,
                "T.o.v. regio": 2,
                "95%-grens van": 2,
                "tot": 2,
                "Weegfactor": 2,
                "Afronding (%)": 1,
            }
        ),
    )
    fig, alt = mc.funnel_chart(model.funnel, SOURCE)
    values["figuur_funnel"] = charts.figure_html(
        fig,
        "model_zorgconsumptie_funnel",
        alt,
        bijschrift=f"Trechtergrafiek van de consulteenheden per 1.000 inwoners, {jaar}.",
    )
    values["funnel_zin"] = funnel_zin(run.model, jaar in run.gegevens.soorten, model) + hidden_sentence(run)
    if model.afstand is not None:
        fig, alt = mc.distance_chart(model, SOURCE)
        values["figuur_afstand"] = charts.figure_html(
            fig,
            "model_zorgconsumptie_afstand",
            alt,
            bijschrift=f"Consulteenheden per 1.000 inwoners en afstand tot de dichtstbijzijnde spoedpost, {jaar}.",
        )
    else:
        values["figuur_afstand"] = tables.unavailable("afstanden tot de spoedposten", jaar)
    values["afstand_zin"] = mx.afstand_zin(model, advice_share_pct(jaar, root))
    return values


def _methods(run: ConsumptionModelRun, root: Path | None) -> dict[str, object]:
    """Reference points and distances, diagnostics and the worked example for Methode en verantwoording."""
    jaar, model = run.jaar, run.model
    values: dict[str, object] = {}
    if run.afstanden is not None:
        at = run.afstanden.rename(
            columns={
                "gemeente": "Gemeente",
                "lat": "Breedte (°N)",
                "lon": "Lengte (°O)",
                "dichtstbijzijnde_post": "Dichtstbijzijnde spoedpost",
                "afstand_km": "Afstand (km)",
            }
        )
        values["tabel_afstanden"] = tables.html(
            at,
            "model_zorgconsumptie_afstanden",
            bijschrift=f"Referentiepunt per gemeente ({geo.REFERENCE_POINT_METHOD}) en hemelsbrede afstand tot de "
            "dichtstbijzijnde spoedpost",
            formatters=mt.table_formatters({"Breedte (°N)": 3, "Lengte (°O)": 3, "Afstand (km)": 1}),
        )
    else:
        values["tabel_afstanden"] = tables.unavailable("gemeentegrenzen en ligging van de spoedposten", jaar)

    if model is not None and len(model.jaren) > 1:
        data = run.gegevens.tabel
        gemeenten = sorted(data["gemeente"].unique())
        X0 = glm.main_effects_design(data, "gemeente", gemeenten, "jaar", model.basisjaar)
        d = glm.diagnostiek(data["consulteenheden"], X0, data["inwoners"], phi=model.phi)
        # A hidden year's fitted value and residual give its consulteenheden back: those points are not drawn.
        keep = np.array([not run.is_hidden(g, int(j)) for g, j in zip(data["gemeente"], data["jaar"])])
        d = replace(d, verwacht=d.verwacht[keep], residu=d.residu[keep], cook=d.cook[keep])
        fig, alt = mc.diagnostics_chart(
            d,
            [f"{g} {j}" for g, j, k in zip(data["gemeente"], data["jaar"], keep) if k],
            f"Diagnostiek: model met gemeente- en jaareffecten, {model.jaren[0]}–{jaar}",
            SOURCE,
        )
        values["diagnostiek"] = charts.figure_html(
            fig,
            "model_zorgconsumptie_diagnostiek",
            alt,
            bijschrift="Residuen en invloedrijke waarnemingen van het zorgconsumptiemodel.",
        )
    else:
        values["diagnostiek"] = tables.unavailable("consulteenheden per gemeente in meer dan één jaar", jaar)
    values["voorbeeld_eenheden"] = _units_example(jaar, root, set(run.verborgen.get(jaar, {})))
    return values


def _units_example(jaar: int, root: Path | None, verborgen: set[str] = frozenset()) -> HTML:
    """The worked example: the printed consulteenheden per 1,000 of the first gemeente, from its counts per soort."""
    if not all(is_available(t, jaar, root) for t in (T_CONSUMPTION_TYPE, T_DENOMINATOR, T_PER_1000)):
        return tables.unavailable("zorgconsumptie per gemeente en soort met noemer", jaar)
    denominators = load_table(T_DENOMINATOR, jaar, root).set_index("gemeente")["inwoners_x1000"]
    gedrukt = load_table(T_PER_1000, jaar, root).set_index("gemeente")["consulteenheden_per_1000"]
    candidates = sorted(g for g in denominators.index if g not in verborgen)  # never a gemeente with a hidden count
    if not candidates:
        return tables.sentence_html(
            f"Voor {jaar} is er geen rekenvoorbeeld: elke gemeente heeft een afgeschermd aantal."
        )
    gemeente = candidates[0]
    stappen = mt.consulteenheden_example(
        load_table(T_CONSUMPTION_TYPE, jaar, root), gemeente, float(denominators[gemeente]), float(gedrukt[gemeente])
    )
    return tables.html(
        stappen,
        "model_zorgconsumptie_voorbeeld",
        bijschrift=f"Rekenvoorbeeld: consulteenheden per 1.000 inwoners van {gemeente} in {jaar}, uit "
        "de aantallen per soort",
    )
