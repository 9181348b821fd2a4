"""Consulteenheden per 1,000 inhabitants per gemeente and year: rates, funnel plot limits and distance decay.

A GLM with offset log(inwoners) and an effect per gemeente and per year (the per-gemeente trend from the
saturated model), Spiegelhalter's funnel plot against the regional rate, and a model that replaces the
gemeente effects by one slope in the distance to the nearest spoedpost.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from jaarverslag.data.metrics import CONSULTEENHEID_WEIGHTS
from jaarverslag.data.population import PER_THOUSAND, ModelError
from jaarverslag.models.glm import (
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
DISTANCE_UNIT_KM = 10  # the distance effect is reported per 10 km


@dataclass(frozen=True)
class Funnel:
    """Each gemeente's rate against the regional rate, with additive random-effects control limits.

    Per gemeente i with N_i inhabitants the variance of its rate under the regional rate p0 is
    s_i² = phi_w,i · p0 / N_i (Poisson, times the weights' variance factor of its own soorten)
    + p0² · e² / (12 N_i²) (the report's denominator is rounded to whole units e, uniform error),
    and the limits are p0 ± z_q · sqrt(s_i² + tau²), tau² the DerSimonian-Laird between-gemeente
    variance (Spiegelhalter 2005, additive random effects); tau² = 0 with the Poisson family.
    """

    jaar: int
    regionaal_per_1000: float
    phi_gewichten: float  # regional variance factor of weighted units (for the drawn funnel lines)
    tau2: float  # between-gemeente variance of the rate per inhabitant (0 when not applied)
    q: float  # Cochran's Q (sum of squared Poisson-plus-rounding z-scores about p0)
    aangepast: bool  # limits include tau² (family not Poisson and tau² > 0)
    # gemeente, inwoners, per_1000, verhouding (rate / p0), phi_w, afronding_pct (relative SD of the rounded
    # denominator, %), z, z_poisson, buiten (widest limit crossed; nan inside), and per limit onder_<p>, boven_<p>
    # in per 1,000 at the gemeente's own size and factor
    punten: pd.DataFrame
    grenzen: pd.DataFrame  # inwoners, and per limit "onder_<p>", "boven_<p>" in per 1,000 (regional factor)
    limieten: tuple[float, ...] = FUNNEL_LIMITS
    noemer_eenheid: float | None = None  # rounding unit of the denominators (None: exact)

    @property
    def tau_relatief(self) -> float:
        """Between-gemeente SD as a fraction of the regional rate."""
        return math.sqrt(self.tau2) / (self.regionaal_per_1000 / PER_THOUSAND)


@dataclass(frozen=True)
class DistanceModel:
    """Distance decay: the rate ratio per DISTANCE_UNIT_KM kilometres to the nearest spoedpost.

    The rows are gemeente × year, so the years of one gemeente are not independent: the interval is
    cluster-robust by gemeente (sandwich covariance, t with G - 1 degrees of freedom).
    """

    familie: str
    dispersie: Dispersion  # Pearson check of the Poisson distance model (shown; the interval does not use it)
    per_eenheid: pd.Series  # verhouding, ondergrens, bovengrens, p_waarde (cluster-robust)
    halvering_km: float  # distance at which the fitted rate halves (inf when no decay)
    halvering_interval: tuple[float, float]  # from the slope's interval (inf when it reaches 0)
    clusters: int  # gemeenten (clusters) in the fit
    bereik_km: tuple[float, float]  # observed distances (min, max)
    zonder_post: pd.Series | None  # the same slope fitted on the gemeenten without a post (None if < 3)
    rest_toets: (
        InteractionTest | None
    )  # does the gemeente factor explain more than distance? (None with one gemeente per df)
    afstanden: pd.DataFrame

    @property
    def verandering_bereik(self) -> pd.Series:
        """Ratio of the fitted rate at the largest to that at the smallest observed distance, with its interval."""
        span = (self.bereik_km[1] - self.bereik_km[0]) / DISTANCE_UNIT_KM
        e = self.per_eenheid
        return pd.Series({k: float(e[k]) ** span for k in ("verhouding", "ondergrens", "bovengrens")})


def cluster_slope(
    y: np.ndarray, X: pd.DataFrame, exposure: np.ndarray, groups, kolom: str, betrouwbaarheid: float
) -> pd.Series:
    """Return exp(coefficient) of one column with a cluster-robust interval (t with G - 1 df) and p-value."""
    codes = pd.factorize(pd.Series(groups).astype(str))[0]
    g = int(codes.max()) + 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = sm.GLM(y, X, family=sm.families.Poisson(), offset=np.log(exposure)).fit(
            cov_type="cluster", cov_kwds={"groups": codes}
        )
    b, se = float(result.params[kolom]), float(result.bse[kolom])
    crit = float(stats.t.ppf(1 - (1 - betrouwbaarheid) / 2, g - 1))
    return pd.Series(
        {
            "verhouding": math.exp(b),
            "ondergrens": math.exp(b - crit * se),
            "bovengrens": math.exp(b + crit * se),
            "p_waarde": float(2 * stats.t.sf(abs(b / se), g - 1)),
            "se_log": se,
            "clusters": g,
        }
    )


def halving_km(verhouding: float) -> float:
    """Return the distance (km) at which a rate ratio per DISTANCE_UNIT_KM halves the rate (inf if no decay)."""
    return math.log(0.5) * DISTANCE_UNIT_KM / math.log(verhouding) if verhouding < 1 else math.inf


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


def dersimonian_laird_tau2(afwijking: np.ndarray, variantie: np.ndarray) -> tuple[float, float]:
    """Return (tau², Q): the DerSimonian-Laird between-unit variance about a fixed target, and Cochran's Q.

    afwijking: each unit's indicator minus the target; variantie: its within-unit variance.
    tau² = max(0, (Q - (k - 1)) / (sum w - sum w² / sum w)), w = 1 / variantie (Spiegelhalter 2005, eq. 7).
    """
    w = 1 / np.asarray(variantie, float)
    q = float(np.sum(w * np.asarray(afwijking, float) ** 2))
    k = len(w)
    noemer = float(w.sum() - (w**2).sum() / w.sum())
    return max(0.0, (q - (k - 1)) / noemer) if noemer > 0 else 0.0, q


def funnel(
    frame: pd.DataFrame,
    jaar: int,
    phi_gewichten: float | dict[str, float] = 1.0,
    familie: str = "auto",
    limieten: tuple[float, ...] = FUNNEL_LIMITS,
    noemer_eenheid: float | None = None,
) -> Funnel:
    """Return funnel-plot points and additive random-effects control limits for one year (normal approximation).

    phi_gewichten: one variance factor for all, or one per gemeente (missing ones get the weighted mean);
    noemer_eenheid: the unit the denominators are rounded to (adds its uniform rounding variance), or None.
    """
    year = frame[frame["jaar"] == jaar].copy()
    gemeenten = year["gemeente"].astype(str).to_numpy()
    n = year["inwoners"].astype(float).to_numpy()
    units = year["consulteenheden"].astype(float).to_numpy()
    rate = units / n
    p0 = float(units.sum() / n.sum())
    if isinstance(phi_gewichten, dict):
        known = np.array([g in phi_gewichten for g in gemeenten])
        # the regional factor is the units-weighted mean of the gemeenten's factors
        gemiddeld = (
            float(np.average([phi_gewichten[g] for g in gemeenten[known]], weights=units[known]))
            if known.any()
            else 1.0
        )
        phi_w = np.array([phi_gewichten.get(g, gemiddeld) for g in gemeenten], float)
    else:
        gemiddeld = float(phi_gewichten)
        phi_w = np.full(len(n), gemiddeld)

    def rounding_var(size):
        return 0.0 if noemer_eenheid is None else p0**2 * noemer_eenheid**2 / 12 / np.asarray(size, float) ** 2

    var_within = phi_w * p0 / n + rounding_var(n)
    tau2, q = dersimonian_laird_tau2(rate - p0, var_within)
    aangepast = familie != "poisson" and tau2 > 0
    tau2_used = tau2 if aangepast else 0.0
    z_poisson = (rate - p0) / np.sqrt(var_within)
    z = (rate - p0) / np.sqrt(var_within + tau2_used)
    crit = [critical_value(p) for p in limieten]

    # The widest control limit crossed (nan: inside); the page words it (render.model_text.funnel_verdict).
    buiten = [limieten[-1] if abs(v) > crit[-1] else limieten[0] if abs(v) > crit[0] else math.nan for v in z]
    punten = pd.DataFrame(
        {
            "gemeente": gemeenten,
            "inwoners": n,
            "per_1000": rate * PER_THOUSAND,
            "verhouding": rate / p0,
            "phi_w": phi_w,
            "afronding_pct": (
                np.full(len(n), math.nan) if noemer_eenheid is None else 100 * noemer_eenheid / math.sqrt(12) / n
            ),
            "z": z,
            "z_poisson": z_poisson,
            "buiten": np.asarray(buiten, float),
        }
    )
    for p, c in zip(limieten, crit):
        half = c * np.sqrt(var_within + tau2_used)
        punten[f"onder_{p}"] = np.maximum(p0 - half, 0) * PER_THOUSAND
        punten[f"boven_{p}"] = (p0 + half) * PER_THOUSAND
    grid = np.geomspace(n.min() * 0.6, n.max() * 1.25, 200)
    grenzen = {"inwoners": grid}
    for p, c in zip(limieten, crit):
        half = c * np.sqrt(gemiddeld * p0 / grid + rounding_var(grid) + tau2_used)
        grenzen[f"onder_{p}"] = np.maximum(p0 - half, 0) * PER_THOUSAND
        grenzen[f"boven_{p}"] = (p0 + half) * PER_THOUSAND
    return Funnel(
        jaar,
        p0 * PER_THOUSAND,
        gemiddeld,
        tau2_used,
        q,
        aangepast,
        punten,
        pd.DataFrame(grenzen),
        tuple(limieten),
        noemer_eenheid,
    )


def distance_model(
    frame: pd.DataFrame,
    afstanden: pd.DataFrame,
    familie: str = "auto",
    betrouwbaarheid: float = 0.95,
    basisjaar: int | None = None,
) -> DistanceModel:
    """Fit log(rate) = year effects + beta * distance (cluster-robust by gemeente); test it against gemeente effects."""
    data = frame.merge(afstanden[["gemeente", "afstand_km"]], on="gemeente", how="inner")
    if data["gemeente"].nunique() < 3:
        raise ModelError("Voor het afstandsmodel zijn minstens drie gemeenten met een afstand nodig.")
    data["afstand_eenheid"] = data["afstand_km"] / DISTANCE_UNIT_KM
    y, exposure = data["consulteenheden"].astype(float).to_numpy(), data["inwoners"].astype(float).to_numpy()
    basis = basisjaar if basisjaar in set(data["jaar"]) else int(data["jaar"].min())
    Xd = main_effects_design(data, "gemeente", [], "jaar", basis, numeriek=["afstand_eenheid"], met_factor=False)
    dispersie = dispersion_check(fit_glm(y, Xd, exposure, "poisson").result)
    fam = choose_family(familie, dispersie)
    per = cluster_slope(y, Xd, exposure, data["gemeente"], "afstand_eenheid", betrouwbaarheid)
    halving = halving_km(per["verhouding"])
    # Halving is monotone in the slope: the slope's interval bounds give the halving distance's bounds.
    halving_interval = (halving_km(per["ondergrens"]), halving_km(per["bovengrens"]))
    zonder = None
    eigen_post = set(afstanden.loc[afstanden["gemeente"] == afstanden.get("dichtstbijzijnde_post"), "gemeente"])
    rest_data = data[~data["gemeente"].isin(eigen_post)]
    if eigen_post and rest_data["gemeente"].nunique() >= 3:
        Xr = main_effects_design(
            rest_data, "gemeente", [], "jaar", basis, numeriek=["afstand_eenheid"], met_factor=False
        )
        zonder = cluster_slope(
            rest_data["consulteenheden"].astype(float).to_numpy(),
            Xr,
            rest_data["inwoners"].astype(float).to_numpy(),
            rest_data["gemeente"],
            "afstand_eenheid",
            betrouwbaarheid,
        )
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
        fam,
        dispersie,
        per[["verhouding", "ondergrens", "bovengrens", "p_waarde"]],
        halving,
        halving_interval,
        int(per["clusters"]),
        (float(data["afstand_km"].min()), float(data["afstand_km"].max())),
        zonder,
        rest,
        afstanden.copy(),
    )


def zorgconsumptie_model(
    frame: pd.DataFrame,
    jaar: int,
    basisjaar: int,
    familie: str = "auto",
    betrouwbaarheid: float = 0.95,
    afstanden: pd.DataFrame | None = None,
    phi_gewichten: float | dict[str, float] = 1.0,
    noemer_eenheid: float | None = None,
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
        funnel(data, jaar, phi_gewichten, familie, noemer_eenheid=noemer_eenheid),
        afstand,
        fitted,
    )
