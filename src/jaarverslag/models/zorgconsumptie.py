"""Consulteenheden per 1,000 inhabitants per gemeente and year: rates, funnel plot limits and distance decay.

A GLM with offset log(inwoners) and an effect per gemeente and per year (the per-gemeente trend from the
saturated model), Spiegelhalter's funnel plot against the regional rate, and a model that replaces the
gemeente effects by one slope in the distance to the nearest spoedpost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jaarverslag.data.metrics import CONSULTEENHEID_WEIGHTS
from jaarverslag.data.population import PER_THOUSAND, ModelError
from jaarverslag.models.glm import (
    DISPERSION_THRESHOLD,
    Dispersion,
    InteractionTest,
    choose_family,
    critical_value,
    dispersion_check,
    family_fit,
    fit_glm,
    interaction_test,
    main_effects_design,
    nb_alpha,
    per_group_design,
    verhoudingen,
)

FUNNEL_LIMITS = (0.95, 0.998)  # funnel plot control limits (about 2 and 3 standard deviations)
WINSOR_FRACTION = 0.10  # Spiegelhalter (2005): winsorise z-scores at 10% and 90% before estimating phi
DISTANCE_UNIT_KM = 10  # the distance effect is reported per 10 km


@dataclass(frozen=True)
class Funnel:
    """Each gemeente's rate against the regional rate, with control limits."""

    jaar: int
    regionaal_per_1000: float
    phi_gewichten: float  # variance factor of weighted units under Poisson (sum w² n / sum w n)
    phi_overdispersie: float  # Spiegelhalter's winsorised estimate (1 when not applied)
    aangepast: bool  # limits widened for overdispersion
    punten: pd.DataFrame  # gemeente, inwoners, per_1000, z, z_poisson, buiten (widest limit crossed; nan inside)
    grenzen: pd.DataFrame  # inwoners, and per limit "onder_<p>", "boven_<p>" in per 1,000
    limieten: tuple[float, ...] = FUNNEL_LIMITS


@dataclass(frozen=True)
class DistanceModel:
    """Distance decay: the rate ratio per AFSTAND_EENHEID_KM kilometres to the nearest spoedpost."""

    familie: str
    dispersie: Dispersion
    per_eenheid: pd.Series  # verhouding, ondergrens, bovengrens, p_waarde
    halvering_km: float  # distance at which the fitted rate halves (inf when no decay)
    rest_toets: (
        InteractionTest | None
    )  # does the gemeente factor explain more than distance? (None with one gemeente per df)
    afstanden: pd.DataFrame


@dataclass(frozen=True)
class ConsumptionModel:
    """Consulteenheden per 1,000 inhabitants per gemeente and year: GLM with gemeente and year effects."""

    jaar: int
    basisjaar: int
    jaren: list[int]
    familie_gevraagd: str
    familie: str
    betrouwbaarheid: float
    dispersie: Dispersion
    phi: float
    alpha: float
    regionaal: pd.DataFrame  # jaar, consulteenheden, inwoners, per_1000, per_1000_model
    jaareffect: pd.DataFrame  # jaar, verhouding, ondergrens, bovengrens, p_waarde (vs basisjaar)
    gemeente_effect: pd.DataFrame  # gemeente, verhouding (vs region, adjusted for year), ondergrens, bovengrens
    trend: pd.DataFrame  # gemeente, per_1000_basis, per_1000, verhouding, ondergrens, bovengrens, p_waarde
    toets: InteractionTest | None
    funnel: Funnel
    afstand: DistanceModel | None
    fitted: pd.DataFrame  # gemeente, jaar, per_1000 observed and from the saturated model


def weights_dispersion(aantallen: dict[str, float], gewichten: dict[str, float] = CONSULTEENHEID_WEIGHTS) -> float:
    """Return Var/mean of weighted units if each type were Poisson: sum(w² n) / sum(w n)."""
    num = sum(gewichten[k] ** 2 * n for k, n in aantallen.items())
    den = sum(gewichten[k] * n for k, n in aantallen.items())
    return num / den if den else 1.0


def spiegelhalter_phi(z: np.ndarray, fractie: float = WINSOR_FRACTION) -> float:
    """Return the overdispersion factor as the mean of winsorised squared z-scores (Spiegelhalter 2005)."""
    z = np.asarray(z, float)
    lo, hi = np.quantile(z, [fractie, 1 - fractie])
    return float(np.mean(np.clip(z, lo, hi) ** 2))


def funnel(
    frame: pd.DataFrame,
    jaar: int,
    phi_gewichten: float = 1.0,
    familie: str = "auto",
    limieten: tuple[float, ...] = FUNNEL_LIMITS,
    drempel: float = DISPERSION_THRESHOLD,
) -> Funnel:
    """Return funnel-plot points and control limits for one year (normal approximation to Poisson).

    The centre is the regional rate p0 = sum(units) / sum(inhabitants); a gemeente with n
    inhabitants has limits p0 ± z * sqrt(phi * p0 / n), phi = phi_gewichten, widened by the
    Spiegelhalter overdispersion factor when the family is not Poisson and the factor exceeds drempel.
    """
    year = frame[frame["jaar"] == jaar].copy()
    n = year["inwoners"].astype(float).to_numpy()
    rate = year["consulteenheden"].astype(float).to_numpy() / n
    p0 = float(year["consulteenheden"].astype(float).sum() / n.sum())
    z_poisson = (rate - p0) / np.sqrt(phi_gewichten * p0 / n)
    phi_od = spiegelhalter_phi(z_poisson)
    aangepast = familie != "poisson" and phi_od > drempel
    phi_used = phi_od if aangepast else 1.0
    z = z_poisson / math.sqrt(phi_used)
    crit = [critical_value(p) for p in limieten]

    # The widest control limit crossed (nan: inside); the page words it (render.model_text.funnel_verdict).
    buiten = [limieten[-1] if abs(v) > crit[-1] else limieten[0] if abs(v) > crit[0] else math.nan for v in z]
    punten = pd.DataFrame(
        {
            "gemeente": year["gemeente"].astype(str).to_numpy(),
            "inwoners": n,
            "per_1000": rate * PER_THOUSAND,
            "z": z,
            "z_poisson": z_poisson,
            "buiten": np.asarray(buiten, float),
        }
    )
    grid = np.geomspace(n.min() * 0.6, n.max() * 1.25, 200)
    grenzen = {"inwoners": grid}
    for p, c in zip(limieten, crit):
        half = c * np.sqrt(phi_gewichten * phi_used * p0 / grid)
        grenzen[f"onder_{p}"] = np.maximum(p0 - half, 0) * PER_THOUSAND
        grenzen[f"boven_{p}"] = (p0 + half) * PER_THOUSAND
    return Funnel(
        jaar, p0 * PER_THOUSAND, phi_gewichten, phi_used, aangepast, punten, pd.DataFrame(grenzen), tuple(limieten)
    )


def distance_model(
    frame: pd.DataFrame,
    afstanden: pd.DataFrame,
    familie: str = "auto",
    betrouwbaarheid: float = 0.95,
    basisjaar: int | None = None,
) -> DistanceModel:
    """Fit log(rate) = year effects + beta * distance and test it against separate gemeente effects."""
    data = frame.merge(afstanden[["gemeente", "afstand_km"]], on="gemeente", how="inner")
    if data["gemeente"].nunique() < 3:
        raise ModelError("Voor het afstandsmodel zijn minstens drie gemeenten met een afstand nodig.")
    data["afstand_eenheid"] = data["afstand_km"] / DISTANCE_UNIT_KM
    y, exposure = data["consulteenheden"].astype(float).to_numpy(), data["inwoners"].astype(float).to_numpy()
    basis = basisjaar if basisjaar in set(data["jaar"]) else int(data["jaar"].min())
    Xd = main_effects_design(data, "gemeente", [], "jaar", basis, numeriek=["afstand_eenheid"], met_factor=False)
    poisson = fit_glm(y, Xd, exposure, "poisson").result
    dispersie = dispersion_check(poisson)
    fam = choose_family(familie, dispersie)
    phi = max(dispersie.phi, 1.0) if fam == "quasipoisson" else 1.0
    alpha = nb_alpha(y, poisson.fittedvalues, dispersie.df) if fam == "negbin" else 0.0
    fit = fit_glm(y, Xd, exposure, fam, phi, alpha, dispersie.df if fam == "quasipoisson" else None)
    per = verhoudingen(fit, ["afstand_eenheid"], betrouwbaarheid).iloc[0]
    beta = math.log(per["verhouding"]) / DISTANCE_UNIT_KM
    halving = math.log(0.5) / beta if beta < 0 else math.inf
    gemeenten = sorted(data["gemeente"].astype(str).unique())
    Xg = main_effects_design(data, "gemeente", gemeenten, "jaar", basis)
    rest = None
    if Xg.shape[1] > Xd.shape[1]:
        full = fit_glm(y, Xg, exposure, "poisson").result
        disp_full = dispersion_check(full)
        fam_full = choose_family(familie, disp_full) if disp_full.estimable else "poisson"
        rest = interaction_test(
            y,
            Xd,
            Xg,
            exposure,
            disp_full,
            fam_full,
            betrouwbaarheid,
            nb_alpha(y, full.fittedvalues, disp_full.df) if fam_full == "negbin" else 0.0,
        )
    return DistanceModel(
        fam, dispersie, per[["verhouding", "ondergrens", "bovengrens", "p_waarde"]], halving, rest, afstanden.copy()
    )


def zorgconsumptie_model(
    frame: pd.DataFrame,
    jaar: int,
    basisjaar: int,
    familie: str = "auto",
    betrouwbaarheid: float = 0.95,
    afstanden: pd.DataFrame | None = None,
    phi_gewichten: float = 1.0,
) -> ConsumptionModel:
    """Fit the consumption model on gemeente × year rows (columns gemeente, jaar, consulteenheden, inwoners)."""
    data = frame[frame["jaar"] <= jaar].copy()
    data["gemeente"] = data["gemeente"].astype(str)
    data["jaar"] = data["jaar"].astype(int)
    data = data.sort_values(["jaar", "gemeente"]).reset_index(drop=True)
    years = [int(j) for j in sorted(data["jaar"].unique())]
    if jaar not in years:
        raise ModelError(f"Er zijn geen consulteenheden per gemeente voor {jaar}.")
    basis = basisjaar if basisjaar in years and basisjaar != jaar else years[0]
    gemeenten = sorted(data["gemeente"].unique())
    y, exposure = data["consulteenheden"].astype(float).to_numpy(), data["inwoners"].astype(float).to_numpy()

    X0 = main_effects_design(data, "gemeente", gemeenten, "jaar", basis)
    X1 = per_group_design(data, "gemeente", gemeenten, "jaar", basis)
    single_year = len(years) == 1
    if single_year:
        dispersie = dispersion_check(fit_glm(y, X0, exposure, "poisson").result)
        fam = "poisson" if familie == "auto" else choose_family(familie, dispersie)
        if fam != "poisson":
            raise ModelError("Met één jaar is de spreiding niet te schatten; kies familie 'poisson' of 'auto'.")
        phi, alpha = 1.0, 0.0
    else:
        dispersie, fam, phi, alpha = family_fit(y, X0, exposure, familie)
    df_phi = dispersie.df if fam == "quasipoisson" else None
    main = fit_glm(y, X0, exposure, fam, phi, alpha, df_phi)

    regionaal = data.groupby("jaar")[["consulteenheden", "inwoners"]].sum().reset_index()
    regionaal["per_1000"] = regionaal["consulteenheden"] / regionaal["inwoners"] * PER_THOUSAND
    fitted_main = pd.Series(main.result.fittedvalues, index=data.index)
    regionaal["per_1000_model"] = (
        fitted_main.groupby(data["jaar"]).sum().to_numpy() / regionaal["inwoners"].to_numpy() * PER_THOUSAND
    )

    jaareffect = pd.DataFrame(columns=["jaar", "verhouding", "ondergrens", "bovengrens", "p_waarde"])
    trend = pd.DataFrame()
    toets = None
    if not single_year:
        terms = [f"jaar[{j}]" for j in years if j != basis]
        jaareffect = verhoudingen(main, terms, betrouwbaarheid)
        jaareffect.insert(0, "jaar", [j for j in years if j != basis])
        per_fit = fit_glm(y, X1, exposure, fam, phi, alpha, df_phi)
        trend = verhoudingen(per_fit, [f"trend[{g}][{jaar}]" for g in gemeenten], betrouwbaarheid)
        trend.insert(0, "gemeente", gemeenten)
        toets = interaction_test(y, X0, X1, exposure, dispersie, fam, betrouwbaarheid, alpha)

    # Gemeente against the region in the report year, adjusted for year: model rate / observed regional rate.
    rows = data.index[data["jaar"] == jaar]
    Xr = X0.loc[rows].to_numpy()
    lin_log = Xr @ main.result.params.to_numpy()  # log rate per inhabitant (offset excluded)
    se_log = np.sqrt(np.einsum("ij,jk,ik->i", Xr, main.result.cov_params().to_numpy(), Xr))
    crit = critical_value(betrouwbaarheid, df_phi)
    region = float(regionaal.loc[regionaal["jaar"] == jaar, "per_1000"].iloc[0]) / PER_THOUSAND
    gemeente_effect = pd.DataFrame(
        {
            "gemeente": data.loc[rows, "gemeente"].to_numpy(),
            "verhouding": np.exp(lin_log) / region,
            "ondergrens": np.exp(lin_log - crit * se_log) / region,
            "bovengrens": np.exp(lin_log + crit * se_log) / region,
        }
    )

    saturated = fit_glm(y, X1, exposure, "poisson").result
    fitted = data[["gemeente", "jaar"]].copy()
    fitted["per_1000"] = y / exposure * PER_THOUSAND
    fitted["per_1000_model"] = np.asarray(saturated.fittedvalues, float) / exposure * PER_THOUSAND
    if not single_year:
        wide = fitted.pivot(index="gemeente", columns="jaar", values="per_1000").loc[gemeenten]
        trend.insert(1, "per_1000_basis", wide[basis].to_numpy())
        trend.insert(2, "per_1000", wide[jaar].to_numpy())

    afstand = distance_model(data, afstanden, familie, betrouwbaarheid, basis) if afstanden is not None else None
    return ConsumptionModel(
        jaar,
        basis,
        years,
        familie,
        fam,
        betrouwbaarheid,
        dispersie,
        phi,
        alpha,
        regionaal,
        jaareffect,
        gemeente_effect,
        trend,
        toets,
        funnel(data, jaar, phi_gewichten, familie),
        afstand,
        fitted,
    )
