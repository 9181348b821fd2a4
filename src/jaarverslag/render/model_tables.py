"""Tables of the two model chapters: modelling choices, rate ratios, levels, worked examples (Dutch columns)."""

from __future__ import annotations

import functools
import math

import pandas as pd

from jaarverslag.data.metrics import CONSULTEENHEID_WEIGHTS, weighted_consulteenheden
from jaarverslag.data.population import PER_THOUSAND
from jaarverslag.models.glm import critical_value
from jaarverslag.models.leeftijd import SENSITIVITY_PHI, AgeModel, ratio_by_hand
from jaarverslag.models.zorgconsumptie import ConsumptionModel
from jaarverslag.render import fmt
from jaarverslag.render.model_text import funnel_verdict


def table_formatters(decimalen: dict[str, int]) -> dict:
    """Return formatters that print the named columns with the given decimals."""
    return {k: functools.partial(_number, decimalen=d) for k, d in decimalen.items()}


def _number(value, decimalen: int) -> str:
    return fmt.getal(value, decimalen)


def parameter_table(parameters: dict[str, tuple[object, str]]) -> pd.DataFrame:
    """Return the table of modelling choices shown on the page (name, value, meaning)."""
    return pd.DataFrame([{"Keuze": k, "Waarde": str(v), "Betekenis": uitleg} for k, (v, uitleg) in parameters.items()])


def age_table(model: AgeModel) -> pd.DataFrame:
    """Return the age model's table for the page (Dutch column names, unrounded numbers)."""
    t = model.per_groep
    pct = fmt.percent(model.betrouwbaarheid * 100, 0)
    frame = pd.DataFrame(
        {
            "Leeftijd": t["leeftijdsgroep"].to_numpy(),
            f"Aantal {model.referentiejaar}": t["aantal_ref"].to_numpy(),
            f"Aantal {model.jaar}": t["aantal"].to_numpy(),
        }
    )
    if model.met_bevolking:
        frame[f"Per 1.000 {model.referentiejaar}"] = t["per_1000_ref"].to_numpy()
        frame[f"Per 1.000 {model.jaar}"] = t["per_1000"].to_numpy()
    frame["Verhouding"] = t["verhouding"].to_numpy()
    frame[f"{pct}-interval van"] = t["ondergrens"].to_numpy()
    frame["tot"] = t["bovengrens"].to_numpy()
    return frame


def age_table_formatters(model: AgeModel) -> dict:
    """Return the per-column formatters of the age model's page table."""
    two = lambda v: fmt.getal(v, 2)  # noqa: E731
    one = lambda v: fmt.getal(v, 1)  # noqa: E731
    pct = fmt.percent(model.betrouwbaarheid * 100, 0)
    out = {"Verhouding": two, f"{pct}-interval van": two, "tot": two}
    if model.met_bevolking:
        out.update({f"Per 1.000 {model.referentiejaar}": one, f"Per 1.000 {model.jaar}": one})
    return out


def sensitivity_table(model: AgeModel) -> pd.DataFrame:
    """Return per leeftijdsgroep the Poisson interval, the intervals at each assumed phi and the critical phi."""
    t = model.per_groep
    pct = fmt.percent(model.betrouwbaarheid * 100, 0)

    def span(lo, hi) -> list[str]:
        return [f"{fmt.getal(a, 2)} tot {fmt.getal(b, 2)}" for a, b in zip(lo, hi)]

    frame = pd.DataFrame(
        {
            "Leeftijd": t["leeftijdsgroep"].to_numpy(),
            "Verhouding": [fmt.getal(v, 2) for v in t["verhouding"]],
            f"{pct}-interval, Poisson": span(t["ondergrens"], t["bovengrens"]),
        }
    )
    for phi in SENSITIVITY_PHI:
        frame[f"bij φ = {fmt.getal(phi, 0)}"] = span(t[f"ondergrens_phi{phi:g}"], t[f"bovengrens_phi{phi:g}"])
    # Below 1 the Poisson interval itself already contains 1: there is no phi up to which 1 is excluded.
    frame["1 uitgesloten tot φ"] = [fmt.getal(v, 1) if v > 1 else "al bij Poisson niet" for v in t["phi_kritiek"]]
    return frame


def level_table(tellingen: pd.DataFrame, jaar: int) -> pd.DataFrame:
    """Return help requests and the rate per 1,000 per leeftijdsgroep for one year (when no comparison is possible)."""
    t = tellingen[tellingen["jaar"] == jaar]
    return pd.DataFrame(
        {
            "Leeftijd": t["leeftijdsgroep"].to_numpy(),
            f"Aantal {jaar}": t["aantal"].to_numpy(),
            f"Per 1.000 {jaar}": (t["aantal"] / t["bevolking"] * PER_THOUSAND).to_numpy(),
        }
    )


def per_type_table(per_soort: pd.DataFrame, jaar: int) -> pd.DataFrame:
    """Return help requests per 1,000 inhabitants per leeftijdsgroep and soort for one year (wide)."""
    t = per_soort[per_soort["jaar"] == jaar].copy()
    t["per_1000"] = t["aantal"] / t["bevolking"] * PER_THOUSAND
    wide = t.pivot(index="leeftijdsgroep", columns="soort", values="per_1000")
    wide = wide.loc[list(dict.fromkeys(t["leeftijdsgroep"]))]
    order = [s for s in CONSULTEENHEID_WEIGHTS if s in wide.columns] + [
        s for s in wide.columns if s not in CONSULTEENHEID_WEIGHTS
    ]
    wide = wide[order].reset_index().rename(columns={"leeftijdsgroep": "Leeftijdsgroep"})
    wide.columns.name = None
    return wide


def age_example(model: AgeModel, groep: str) -> pd.DataFrame:
    """Return the worked example (rate ratio of one age group by hand) as steps with their results."""
    r = model.per_groep.set_index("leeftijdsgroep").loc[groep]
    pct = int(round(model.betrouwbaarheid * 100))
    z = critical_value(model.betrouwbaarheid)
    ratio, lo, hi = ratio_by_hand(r.aantal, r.aantal_ref, r.bevolking, r.bevolking_ref, model.betrouwbaarheid)
    se = math.sqrt(1 / r.aantal + 1 / r.aantal_ref)
    j, k = model.jaar, model.referentiejaar
    steps = [
        (
            f"Hulpvragen {groep} jaar in {k} en {j}",
            f"tabellen hulpvragen_leeftijd_totaal {k} en {j}",
            f"{fmt.getal(r.aantal_ref)} en {fmt.getal(r.aantal)}",
        ),
        (
            f"Inwoners {groep} jaar op 1 januari {k} en {j}",
            "tabel cbs_bevolking_leeftijd, banden opgeteld",
            f"{fmt.getal(r.bevolking_ref)} en {fmt.getal(r.bevolking)}",
        ),
        (
            f"Per 1.000 inwoners in {k}",
            f"{fmt.getal(r.aantal_ref)} / {fmt.getal(r.bevolking_ref)} × 1.000",
            fmt.getal(r.per_1000_ref, 1),
        ),
        (
            f"Per 1.000 inwoners in {j}",
            f"{fmt.getal(r.aantal)} / {fmt.getal(r.bevolking)} × 1.000",
            fmt.getal(r.per_1000, 1),
        ),
        (
            "Verhouding (rate ratio)",
            f"{fmt.getal(r.per_1000, 1)} / {fmt.getal(r.per_1000_ref, 1)}",
            fmt.getal(ratio, 3),
        ),
        (
            "Standaardfout van ln(verhouding), Poisson",
            f"√(1/{fmt.getal(r.aantal)} + 1/{fmt.getal(r.aantal_ref)})",
            fmt.getal(se, 4),
        ),
        (
            f"{pct}%-interval, Poisson",
            f"{fmt.getal(ratio, 3)} × e^(±{fmt.getal(z, 2)} × {fmt.getal(se, 4)})",
            f"{fmt.getal(lo, 3)} tot {fmt.getal(hi, 3)}",
        ),
    ]
    phi = SENSITIVITY_PHI[1]
    se_phi = se * math.sqrt(phi)
    steps += [
        (
            f"{pct}%-interval bij een aangenomen φ = {fmt.getal(phi, 0)} (gevoeligheid)",
            f"{fmt.getal(ratio, 3)} × e^(±{fmt.getal(z, 2)} × {fmt.getal(se, 4)} × √{fmt.getal(phi, 0)})",
            f"{fmt.getal(ratio * math.exp(-z * se_phi), 3)} tot {fmt.getal(ratio * math.exp(z * se_phi), 3)}",
        ),
        (
            "φ waarbij het interval 1 net raakt",
            f"(ln {fmt.getal(ratio, 3)} / ({fmt.getal(z, 2)} × {fmt.getal(se, 4)}))²",
            fmt.getal(r.phi_kritiek, 1),
        ),
    ]
    return pd.DataFrame(steps, columns=["Stap", "Berekening", "Uitkomst"])


# --- consumption model ---------------------------------------------------------------------------------


def gemeente_table(model: ConsumptionModel) -> pd.DataFrame:
    """Return per gemeente the report year's rate, its ratio to the region with its own funnel limits, and the verdict.

    The verdict and the limits come from the same numbers (render.model_text.funnel_verdict), so a gemeente
    has one verdict on the page.
    """
    f = model.funnel
    p = f.punten
    p0 = f.regionaal_per_1000
    rows = pd.DataFrame(
        {
            "Gemeente": p["gemeente"].to_numpy(),
            "Inwoners": p["inwoners"].to_numpy(),
            "Per 1.000": p["per_1000"].to_numpy(),
            "T.o.v. regio": p["verhouding"].to_numpy(),
            "95%-grens van": (p[f"onder_{f.limieten[0]}"] / p0).to_numpy(),
            "tot": (p[f"boven_{f.limieten[0]}"] / p0).to_numpy(),
            "Weegfactor": p["phi_w"].to_numpy(),
            "Afronding (%)": p["afronding_pct"].to_numpy(),
            "Trechter": funnel_verdict(f).to_numpy(),
        }
    )
    if p["afronding_pct"].isna().all():
        rows = rows.drop(columns=["Afronding (%)"])
    if model.afstand is not None:
        d = model.afstand.afstanden.set_index("gemeente")
        rows.insert(2, "Afstand (km)", d.loc[p["gemeente"], "afstand_km"].to_numpy())
    return rows


def trend_table(model: ConsumptionModel) -> pd.DataFrame:
    """Return the trend per gemeente (report year against the base year) for the page."""
    t = model.trend
    pct = fmt.percent(model.betrouwbaarheid * 100, 0)
    return pd.DataFrame(
        {
            "Gemeente": t["gemeente"].to_numpy(),
            f"Per 1.000, {model.basisjaar}": t["per_1000_basis"].to_numpy(),
            f"Per 1.000, {model.jaar}": t["per_1000"].to_numpy(),
            "Verhouding": t["verhouding"].to_numpy(),
            f"{pct}-interval van": t["ondergrens"].to_numpy(),
            "tot": t["bovengrens"].to_numpy(),
        }
    )


def consulteenheden_example(
    aantallen: pd.DataFrame,
    gemeente: str,
    noemer_x1000: float,
    gedrukt: float,
    gewichten: dict[str, float] = CONSULTEENHEID_WEIGHTS,
) -> pd.DataFrame:
    """Return the worked example: one gemeente's consulteenheden per 1,000 from its counts, as printed."""
    rows = aantallen[aantallen["gemeente"].astype(str) == gemeente]
    soort = rows["soort"].astype(str).to_numpy()
    a = pd.Series(rows["aantal"].to_numpy(), index=soort)
    e = pd.Series(weighted_consulteenheden(rows, gewichten).to_numpy(), index=soort)
    parts = [(s, float(a[s]), w, float(e[s])) for s, w in gewichten.items() if s in a.index]
    units = sum(u for _s, _n, _w, u in parts)
    rate = units / noemer_x1000
    steps = [
        (f"{s} × {fmt.getal(w, 1)}", f"{fmt.getal(n)} × {fmt.getal(w, 1)}", fmt.getal(u, 1)) for s, n, w, u in parts
    ]
    steps += [
        ("Consulteenheden", " + ".join(fmt.getal(u, 1) for _s, _n, _w, u in parts), fmt.getal(units, 1)),
        (
            "Per 1.000 inwoners",
            f"{fmt.getal(units, 1)} / {fmt.getal(noemer_x1000)} (inwoners × 1.000)",
            fmt.getal(rate, 2),
        ),
        ("Afgerond (half naar boven)", fmt.getal(rate, 2), fmt.getal(fmt.round_half_up(rate))),
        ("Gedrukt in het jaarverslag", "tabel zorgconsumptie_per_1000", fmt.getal(gedrukt)),
    ]
    return pd.DataFrame(steps, columns=["Stap", "Berekening", "Uitkomst"])
