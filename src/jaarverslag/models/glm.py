"""Count GLMs shared by the trend models: log link, offset log(exposure), Poisson, quasi-Poisson or NB2.

With ``familie="auto"`` a Pearson dispersion check on the main-effects model decides between Poisson and
quasi-Poisson. Designs are plain DataFrames with named columns (``intercept``, ``<factor>[<level>]``,
``jaar[<year>]``, ``trend[<level>][<year>]``), so results can be read by term name.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, stats

from jaarverslag.data.population import ModelError

FAMILIES = ("auto", "poisson", "quasipoisson", "negbin")
# Pearson chi²/df above this counts as overdispersion (a common rule of thumb; 1 is the Poisson value).
DISPERSION_THRESHOLD = 1.5
AUTO_OVERDISPERSED_FAMILY = "quasipoisson"  # what "auto" chooses when the check finds overdispersion


@dataclass(frozen=True)
class Dispersion:
    """Result of the overdispersion check on one fitted Poisson model."""

    pearson_chi2: float
    deviantie: float
    df: int
    drempel: float = DISPERSION_THRESHOLD

    @property
    def estimable(self) -> bool:
        """Whether the model has residual degrees of freedom to estimate a dispersion from."""
        return self.df > 0

    @property
    def phi(self) -> float:
        """Pearson chi² divided by its degrees of freedom (1 under Poisson); nan without df."""
        return self.pearson_chi2 / self.df if self.df > 0 else math.nan

    @property
    def p_waarde(self) -> float:
        """Probability of a Pearson chi² at least this large if the counts were Poisson."""
        return float(stats.chi2.sf(self.pearson_chi2, self.df)) if self.df > 0 else math.nan

    def phi_interval(self, betrouwbaarheid: float = 0.95) -> tuple[float, float]:
        """Return the chi-square interval of phi: phi * df / chi2 quantiles (nan without df)."""
        if self.df <= 0:
            return math.nan, math.nan
        tail = (1 - betrouwbaarheid) / 2
        return (
            float(self.pearson_chi2 / stats.chi2.ppf(1 - tail, self.df)),
            float(self.pearson_chi2 / stats.chi2.ppf(tail, self.df)),
        )

    @property
    def overdispersed(self) -> bool:
        """Whether phi exceeds the threshold (never without degrees of freedom)."""
        return self.estimable and self.phi > self.drempel


def dispersion_check(result, drempel: float = DISPERSION_THRESHOLD) -> Dispersion:
    """Return the Pearson dispersion check of a fitted (Poisson) GLM."""
    return Dispersion(float(result.pearson_chi2), float(result.deviance), int(round(result.df_resid)), drempel)


def choose_family(familie: str, dispersie: Dispersion) -> str:
    """Resolve the requested family: 'auto' becomes Poisson, or quasi-Poisson when overdispersed."""
    if familie not in FAMILIES:
        raise ValueError(f"onbekende modelfamilie {familie!r}; kies uit {', '.join(FAMILIES)}")
    if familie != "auto":
        return familie
    return AUTO_OVERDISPERSED_FAMILY if dispersie.overdispersed else "poisson"


def nb_alpha(y: np.ndarray, mu: np.ndarray, df: int) -> float:
    """Return the NB2 alpha for which the Pearson chi² equals its df (moment estimate; 0 if underdispersed)."""
    y, mu = np.asarray(y, float), np.asarray(mu, float)

    def excess(alpha: float) -> float:
        return float(np.sum((y - mu) ** 2 / (mu * (1 + alpha * mu)))) - df

    if df <= 0 or excess(0.0) <= 0:
        return 0.0
    upper = 1.0
    while excess(upper) > 0:
        upper *= 10
    return float(optimize.brentq(excess, 0.0, upper, xtol=1e-14))


@dataclass(frozen=True)
class Fit:
    """One fitted rate model with the family it was fitted with and its dispersion settings."""

    result: object  # statsmodels GLMResults
    familie: str
    phi: float = 1.0  # scale used (quasi-Poisson); 1 otherwise
    alpha: float = 0.0  # NB2 alpha (negbin); 0 otherwise
    df_phi: int | None = None  # df of the dispersion estimate: t-quantiles for quasi-Poisson


def fit_glm(
    y,
    X: pd.DataFrame,
    exposure,
    familie: str = "poisson",
    phi: float = 1.0,
    alpha: float = 0.0,
    df_phi: int | None = None,
) -> Fit:
    """Fit a log-link count GLM with offset log(exposure) for a resolved family."""
    y = np.asarray(y, float)
    offset = np.log(np.asarray(exposure, float))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # perfect fits in saturated models warn harmlessly
        if familie == "negbin":
            result = sm.GLM(y, X, family=sm.families.NegativeBinomial(alpha=max(alpha, 1e-12)), offset=offset).fit()
        elif familie == "quasipoisson":
            result = sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit(scale=float(phi))
        elif familie == "poisson":
            result = sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit(scale=1.0)
        else:
            raise ValueError(f"familie {familie!r} is niet opgelost; gebruik kies_familie eerst")
    return Fit(
        result,
        familie,
        phi if familie == "quasipoisson" else 1.0,
        alpha if familie == "negbin" else 0.0,
        df_phi if familie == "quasipoisson" else None,
    )


def critical_value(betrouwbaarheid: float, df_phi: int | None = None) -> float:
    """Return the two-sided critical value: normal, or t with df_phi when the scale was estimated."""
    tail = 1 - (1 - betrouwbaarheid) / 2
    return float(stats.t.ppf(tail, df_phi) if df_phi else stats.norm.ppf(tail))


def verhoudingen(fit: Fit, kolommen: list[str], betrouwbaarheid: float) -> pd.DataFrame:
    """Return exp(coefficient) with its confidence interval and Wald p-value for the named columns."""
    crit = critical_value(betrouwbaarheid, fit.df_phi)
    b = fit.result.params[kolommen]
    se = fit.result.bse[kolommen]
    z = b / se
    p = 2 * (stats.t.sf(np.abs(z), fit.df_phi) if fit.df_phi else stats.norm.sf(np.abs(z)))
    return pd.DataFrame(
        {
            "term": kolommen,
            "verhouding": np.exp(b.to_numpy()),
            "ondergrens": np.exp((b - crit * se).to_numpy()),
            "bovengrens": np.exp((b + crit * se).to_numpy()),
            "se_log": se.to_numpy(),
            "p_waarde": np.asarray(p, float),
        }
    )


def _indicator(values: pd.Series, level) -> np.ndarray:
    return (values.astype(str).to_numpy() == str(level)).astype(float)


def main_effects_design(
    frame: pd.DataFrame,
    factor: str,
    niveaus: list,
    tijd: str,
    referentie,
    numeriek: list[str] | None = None,
    met_factor: bool = True,
) -> pd.DataFrame:
    """Return the main-effects design: intercept, factor dummies (first level is reference), year dummies."""
    X = {"intercept": np.ones(len(frame))}
    if met_factor:
        for level in niveaus[1:]:
            X[f"{factor}[{level}]"] = _indicator(frame[factor], level)
    for jaar in sorted(set(frame[tijd]) - {referentie}):
        X[f"jaar[{jaar}]"] = _indicator(frame[tijd], jaar)
    for column in numeriek or []:
        X[column] = frame[column].astype(float).to_numpy()
    return pd.DataFrame(X, index=frame.index)


def per_group_design(frame: pd.DataFrame, factor: str, niveaus: list, tijd: str, referentie) -> pd.DataFrame:
    """Return the saturated design: a rate per group in the reference year and a log rate ratio per group and year."""
    X = {}
    for level in niveaus:
        X[f"{factor}[{level}]"] = _indicator(frame[factor], level)
    for level in niveaus:
        for jaar in sorted(set(frame[tijd]) - {referentie}):
            X[f"trend[{level}][{jaar}]"] = _indicator(frame[factor], level) * _indicator(frame[tijd], jaar)
    return pd.DataFrame(X, index=frame.index)


@dataclass(frozen=True)
class InteractionTest:
    """Test whether the change over the years differs between groups (group × year interaction)."""

    statistiek: float  # Poisson likelihood-ratio statistic (deviance difference)
    df: int
    p_waarde: float
    phi_kritiek: float  # dispersion factor up to which the Poisson conclusion "differs" still holds
    familie: str
    statistiek_familie: float | None = None  # F (quasi-Poisson) or LR (negbin); None when not identifiable
    p_familie: float | None = None
    df_noemer: int | None = None
    identificeerbaar: bool = True  # False: the dispersion was estimated from the very differences tested

    def significant(self, betrouwbaarheid: float) -> bool:
        """Whether the Poisson test rejects 'no difference' at this confidence level."""
        return self.p_waarde < 1 - betrouwbaarheid


def interaction_test(
    y,
    X0: pd.DataFrame,
    X1: pd.DataFrame,
    exposure,
    dispersie: Dispersion,
    familie: str,
    betrouwbaarheid: float,
    alpha: float = 0.0,
) -> InteractionTest:
    """Return the likelihood-ratio test of the main-effects model X0 against the per-group model X1."""
    d0 = fit_glm(y, X0, exposure, "poisson").result
    d1 = fit_glm(y, X1, exposure, "poisson").result
    lr = max(float(d0.deviance - d1.deviance), 0.0)
    df = int(round(d0.df_resid - d1.df_resid))
    crit = float(stats.chi2.ppf(betrouwbaarheid, df)) if df > 0 else math.nan
    toets = dict(
        statistiek=lr,
        df=df,
        p_waarde=float(stats.chi2.sf(lr, df)) if df > 0 else math.nan,
        phi_kritiek=lr / crit if df > 0 else math.nan,
        familie=familie,
    )
    # The dispersion comes from X0's residuals; if X1 is saturated those residuals ARE the interaction.
    identifiable = d1.df_resid > 0.5
    if familie == "poisson":
        toets.update(statistiek_familie=lr, p_familie=toets["p_waarde"])
    elif not identifiable:
        toets.update(identificeerbaar=False)
    elif familie == "quasipoisson":
        f = lr / df / dispersie.phi
        toets.update(statistiek_familie=f, p_familie=float(stats.f.sf(f, df, dispersie.df)), df_noemer=dispersie.df)
    else:
        n0 = fit_glm(y, X0, exposure, "negbin", alpha=alpha).result
        n1 = fit_glm(y, X1, exposure, "negbin", alpha=alpha).result
        lr_nb = max(float(n0.deviance - n1.deviance), 0.0)
        toets.update(statistiek_familie=lr_nb, p_familie=float(stats.chi2.sf(lr_nb, df)))
    return InteractionTest(**toets)


def family_fit(y, X0, exposure, familie_gevraagd: str) -> tuple[Dispersion, str, float, float]:
    """Fit the Poisson main-effects model, check dispersion and return (check, family, phi, alpha)."""
    poisson0 = fit_glm(y, X0, exposure, "poisson").result
    dispersie = dispersion_check(poisson0)
    familie = choose_family(familie_gevraagd, dispersie)
    if familie in ("quasipoisson", "negbin") and not dispersie.estimable:
        raise ModelError(
            "De spreiding is niet te schatten: het model heeft geen vrije vrijheidsgraden. "
            "Kies familie 'poisson' of 'auto'."
        )
    phi = max(dispersie.phi, 1.0) if familie == "quasipoisson" else 1.0  # never narrower than Poisson
    alpha = nb_alpha(y, poisson0.fittedvalues, dispersie.df) if familie == "negbin" else 0.0
    return dispersie, familie, phi, alpha


@dataclass(frozen=True)
class Diagnostics:
    """Residuals and influence of one Poisson main-effects fit, scaled by the dispersion when above 1."""

    verwacht: np.ndarray  # fitted counts
    residu: np.ndarray  # Pearson residuals / sqrt(phi)
    cook: np.ndarray  # Cook's distance / phi
    phi: float


def diagnostiek(y, X: pd.DataFrame, exposure, phi: float = 1.0) -> Diagnostics:
    """Return the Pearson residuals and Cook's distances of the Poisson fit of X (scaled by phi when phi > 1)."""
    fit = fit_glm(y, X, exposure, "poisson").result
    resid = np.asarray(fit.resid_pearson, float) / math.sqrt(max(phi, 1.0))
    cooks = np.asarray(fit.get_influence().cooks_distance[0], float) / max(phi, 1.0)
    return Diagnostics(np.asarray(fit.fittedvalues, float), resid, cooks, phi)
