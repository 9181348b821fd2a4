"""Trend models for the jaarverslag: help requests per leeftijdsgroep and consulteenheden per gemeente as rates.

Both models are generalised linear models for counts with a log link and the population as
exposure (offset log(inwoners)). The family is Poisson, quasi-Poisson (Poisson with a scale
factor) or negative binomial; with ``familie="auto"`` a dispersion check on the main-effects
model decides. Every function is deterministic; the simulation helpers take an explicit seed.
The first part fits models and returns DataFrames/dataclasses; the second part loads the
book's tables; the third turns results into Dutch sentences, tables and charts.
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, stats

from jaarverslag.render import fmt
from jaarverslag.data.metrics import CONSULTEENHEID_GEWICHT
from jaarverslag.data.population import (  # noqa: F401 - re-exported until the models are split
    FALLBACKS, ONBEKEND, PER_DUIZEND, T_BEVOLKING, T_CONSUMPTIE_SOORT, T_EENHEDEN, T_LEEFTIJD_SOORT,
    T_LEEFTIJD_TOTAAL, T_NOEMER, T_PER_1000, ConsumptieGegevens, LeeftijdGegevens, ModelFout, band_grenzen,
    bevolking_per_groep, cbs_bevolking, dichtstbijzijnde_jaar, gegevens_leeftijd, gegevens_zorgconsumptie,
    groepeer_leeftijd)

# --- Constants: every threshold and convention in one place -------------------------------------

# Weights of a consulteenheid (jaarverslag; the printed municipal totals reproduce exactly).
CONSULT_WEIGHTS = CONSULTEENHEID_GEWICHT  # defined once, in metrics
FAMILIES = ("auto", "poisson", "quasipoisson", "negbin")
# Pearson chi²/df above this counts as overdispersion (a common rule of thumb; 1 is the Poisson value).
DISPERSION_THRESHOLD = 1.5
AUTO_OVERDISPERSED_FAMILY = "quasipoisson"  # what "auto" chooses when the check finds overdispersion
FUNNEL_LIMITS = (0.95, 0.998)  # funnel plot control limits (about 2 and 3 standard deviations)
WINSOR_FRACTION = 0.10  # Spiegelhalter (2005): winsorise z-scores at 10% and 90% before estimating phi
AFSTAND_EENHEID_KM = 10  # the distance effect is reported per 10 km
DIAGNOSTIC_TOP = 10  # influence chart shows the observations with the largest Cook's distance
REFERENCE_PREVIOUS_YEAR = 0  # parameter value meaning "the year before the report year"



# --- Part 1: models -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Dispersie:
    """Result of the overdispersion check on one fitted Poisson model."""

    pearson_chi2: float
    deviantie: float
    df: int
    drempel: float = DISPERSION_THRESHOLD

    @property
    def schatbaar(self) -> bool:
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

    @property
    def overgedispergeerd(self) -> bool:
        return self.schatbaar and self.phi > self.drempel


def dispersie_check(result, drempel: float = DISPERSION_THRESHOLD) -> Dispersie:
    """Return the Pearson dispersion check of a fitted (Poisson) GLM."""
    return Dispersie(float(result.pearson_chi2), float(result.deviance), int(round(result.df_resid)), drempel)


def kies_familie(familie: str, dispersie: Dispersie) -> str:
    """Resolve the requested family: 'auto' becomes Poisson, or quasi-Poisson when overdispersed."""
    if familie not in FAMILIES:
        raise ValueError(f"onbekende modelfamilie {familie!r}; kies uit {', '.join(FAMILIES)}")
    if familie != "auto":
        return familie
    return AUTO_OVERDISPERSED_FAMILY if dispersie.overgedispergeerd else "poisson"


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


def fit_glm(y, X: pd.DataFrame, exposure, familie: str = "poisson", phi: float = 1.0, alpha: float = 0.0,
            df_phi: int | None = None) -> Fit:
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
    return Fit(result, familie, phi if familie == "quasipoisson" else 1.0,
               alpha if familie == "negbin" else 0.0, df_phi if familie == "quasipoisson" else None)


def kritieke_waarde(betrouwbaarheid: float, df_phi: int | None = None) -> float:
    """Return the two-sided critical value: normal, or t with df_phi when the scale was estimated."""
    tail = 1 - (1 - betrouwbaarheid) / 2
    return float(stats.t.ppf(tail, df_phi) if df_phi else stats.norm.ppf(tail))


def verhoudingen(fit: Fit, kolommen: list[str], betrouwbaarheid: float) -> pd.DataFrame:
    """Return exp(coefficient) with its confidence interval and Wald p-value for the named columns."""
    crit = kritieke_waarde(betrouwbaarheid, fit.df_phi)
    b = fit.result.params[kolommen]
    se = fit.result.bse[kolommen]
    z = b / se
    p = 2 * (stats.t.sf(np.abs(z), fit.df_phi) if fit.df_phi else stats.norm.sf(np.abs(z)))
    return pd.DataFrame({"term": kolommen, "verhouding": np.exp(b.to_numpy()),
                         "ondergrens": np.exp((b - crit * se).to_numpy()),
                         "bovengrens": np.exp((b + crit * se).to_numpy()),
                         "se_log": se.to_numpy(), "p_waarde": np.asarray(p, float)})


def _indicator(values: pd.Series, level) -> np.ndarray:
    return (values.astype(str).to_numpy() == str(level)).astype(float)


def ontwerp_hoofdeffecten(frame: pd.DataFrame, factor: str, niveaus: list, tijd: str, referentie,
                          numeriek: list[str] | None = None, met_factor: bool = True) -> pd.DataFrame:
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


def ontwerp_per_groep(frame: pd.DataFrame, factor: str, niveaus: list, tijd: str, referentie) -> pd.DataFrame:
    """Return the saturated design: a rate per group in the reference year and a log rate ratio per group and year."""
    X = {}
    for level in niveaus:
        X[f"{factor}[{level}]"] = _indicator(frame[factor], level)
    for level in niveaus:
        for jaar in sorted(set(frame[tijd]) - {referentie}):
            X[f"trend[{level}][{jaar}]"] = _indicator(frame[factor], level) * _indicator(frame[tijd], jaar)
    return pd.DataFrame(X, index=frame.index)


@dataclass(frozen=True)
class Toets:
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
        return self.p_waarde < 1 - betrouwbaarheid


def interactietoets(y, X0: pd.DataFrame, X1: pd.DataFrame, exposure, dispersie: Dispersie, familie: str,
                    betrouwbaarheid: float, alpha: float = 0.0) -> Toets:
    """Return the likelihood-ratio test of the main-effects model X0 against the per-group model X1."""
    d0 = fit_glm(y, X0, exposure, "poisson").result
    d1 = fit_glm(y, X1, exposure, "poisson").result
    lr = max(float(d0.deviance - d1.deviance), 0.0)
    df = int(round(d0.df_resid - d1.df_resid))
    crit = float(stats.chi2.ppf(betrouwbaarheid, df)) if df > 0 else math.nan
    toets = dict(statistiek=lr, df=df, p_waarde=float(stats.chi2.sf(lr, df)) if df > 0 else math.nan,
                 phi_kritiek=lr / crit if df > 0 else math.nan, familie=familie)
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
    return Toets(**toets)


def _familie_fit(y, X0, exposure, familie_gevraagd: str) -> tuple[Dispersie, str, float, float]:
    """Fit the Poisson main-effects model, check dispersion and return (check, family, phi, alpha)."""
    poisson0 = fit_glm(y, X0, exposure, "poisson").result
    dispersie = dispersie_check(poisson0)
    familie = kies_familie(familie_gevraagd, dispersie)
    if familie in ("quasipoisson", "negbin") and not dispersie.schatbaar:
        raise ModelFout("De spreiding is niet te schatten: het model heeft geen vrije vrijheidsgraden. "
                        "Kies familie 'poisson' of 'auto'.")
    phi = max(dispersie.phi, 1.0) if familie == "quasipoisson" else 1.0  # never narrower than Poisson
    alpha = nb_alpha(y, poisson0.fittedvalues, dispersie.df) if familie == "negbin" else 0.0
    return dispersie, familie, phi, alpha


# --- Age-group growth ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LeeftijdModel:
    """Growth of help requests per leeftijdsgroep as rate ratios (report year vs reference year)."""

    jaar: int
    referentiejaar: int
    familie_gevraagd: str
    familie: str
    betrouwbaarheid: float
    dispersie: Dispersie
    phi: float
    alpha: float
    per_groep: pd.DataFrame  # leeftijdsgroep, aantal_ref, aantal, bevolking_ref, bevolking, per_1000_ref, per_1000, verhouding, ondergrens, bovengrens, p_waarde
    gemeenschappelijk: pd.Series  # verhouding, ondergrens, bovengrens, p_waarde of the common growth (main-effects model)
    toets: Toets
    met_bevolking: bool  # False: counts only (no offset), the ratio is a count ratio


def leeftijd_groei(frame: pd.DataFrame, jaar: int, referentiejaar: int, familie: str = "auto",
                   betrouwbaarheid: float = 0.95) -> LeeftijdModel:
    """Fit the age-group growth model: Poisson/quasi-Poisson/NB GLM with offset log(bevolking).

    frame: one row per leeftijdsgroep and jaar (two years) with columns aantal and bevolking;
    bevolking may be all-missing, then the model uses counts only (exposure 1).
    """
    data = frame[frame["jaar"].isin([jaar, referentiejaar])].copy()
    groups = list(dict.fromkeys(data["leeftijdsgroep"].astype(str)))
    years = set(data["jaar"].astype(int))
    if years != {jaar, referentiejaar}:
        raise ModelFout(f"Voor het model zijn hulpvragen per leeftijdsgroep nodig in {referentiejaar} en {jaar}.")
    if len(data) != 2 * len(groups):
        raise ModelFout("Niet elke leeftijdsgroep heeft in beide jaren precies één aantal.")
    met_bevolking = bool(data["bevolking"].notna().all())
    exposure = data["bevolking"].astype(float).to_numpy() if met_bevolking else np.ones(len(data))
    y = data["aantal"].astype(float).to_numpy()
    data["leeftijdsgroep"] = data["leeftijdsgroep"].astype(str)
    data["jaar"] = data["jaar"].astype(int)
    X0 = ontwerp_hoofdeffecten(data, "leeftijdsgroep", groups, "jaar", referentiejaar)
    X1 = ontwerp_per_groep(data, "leeftijdsgroep", groups, "jaar", referentiejaar)
    dispersie, fam, phi, alpha = _familie_fit(y, X0, exposure, familie)
    df_phi = dispersie.df if fam == "quasipoisson" else None
    common = verhoudingen(fit_glm(y, X0, exposure, fam, phi, alpha, df_phi), [f"jaar[{jaar}]"], betrouwbaarheid)
    per = verhoudingen(fit_glm(y, X1, exposure, fam, phi, alpha, df_phi),
                       [f"trend[{g}][{jaar}]" for g in groups], betrouwbaarheid)
    toets = interactietoets(y, X0, X1, exposure, dispersie, fam, betrouwbaarheid, alpha)

    wide = data.pivot(index="leeftijdsgroep", columns="jaar", values=["aantal", "bevolking"]).loc[groups]
    table = pd.DataFrame({
        "leeftijdsgroep": groups,
        "aantal_ref": wide[("aantal", referentiejaar)].astype(float).to_numpy(),
        "aantal": wide[("aantal", jaar)].astype(float).to_numpy(),
        "bevolking_ref": wide[("bevolking", referentiejaar)].astype(float).to_numpy(),
        "bevolking": wide[("bevolking", jaar)].astype(float).to_numpy(),
    })
    table["per_1000_ref"] = table["aantal_ref"] / table["bevolking_ref"] * PER_DUIZEND
    table["per_1000"] = table["aantal"] / table["bevolking"] * PER_DUIZEND
    for column in ("verhouding", "ondergrens", "bovengrens", "p_waarde"):
        table[column] = per[column].to_numpy()
    count_only = verhoudingen(fit_glm(y, X1, exposure, "poisson"), [f"trend[{g}][{jaar}]" for g in groups],
                              betrouwbaarheid)  # sampling error of the counts alone, for comparison
    table["ondergrens_poisson"] = count_only["ondergrens"].to_numpy()
    table["bovengrens_poisson"] = count_only["bovengrens"].to_numpy()
    return LeeftijdModel(jaar, referentiejaar, familie, fam, betrouwbaarheid, dispersie, phi, alpha, table,
                         common.iloc[0][["verhouding", "ondergrens", "bovengrens", "p_waarde"]], toets, met_bevolking)


def groei_per_soort(per_soort: pd.DataFrame, jaar: int, referentiejaar: int, familie: str = "auto",
                    betrouwbaarheid: float = 0.95) -> pd.DataFrame:
    """Fit the age-group growth model separately per soort; empty when a year lacks the split by type."""
    rows = []
    for soort, part in per_soort.groupby("soort", sort=False):
        if set(part["jaar"].astype(int)) != {jaar, referentiejaar}:
            return pd.DataFrame()
        model = leeftijd_groei(part, jaar, referentiejaar, familie, betrouwbaarheid)
        rows.append(model.per_groep.assign(soort=soort, familie=model.familie))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def verhouding_met_de_hand(aantal: float, aantal_ref: float, bevolking: float, bevolking_ref: float,
                           betrouwbaarheid: float = 0.95, phi: float = 1.0) -> tuple[float, float, float]:
    """Return the rate ratio and its Wald interval by the closed formula (the worked example)."""
    ratio = (aantal / bevolking) / (aantal_ref / bevolking_ref)
    se = math.sqrt(phi * (1 / aantal + 1 / aantal_ref))
    z = kritieke_waarde(betrouwbaarheid)
    return ratio, ratio * math.exp(-z * se), ratio * math.exp(z * se)


# --- Per-capita consumption ----------------------------------------------------------------------


@dataclass(frozen=True)
class Funnel:
    """Each gemeente's rate against the regional rate, with control limits."""

    jaar: int
    regionaal_per_1000: float
    phi_gewichten: float  # variance factor of weighted units under Poisson (sum w² n / sum w n)
    phi_overdispersie: float  # Spiegelhalter's winsorised estimate (1 when not applied)
    aangepast: bool  # limits widened for overdispersion
    punten: pd.DataFrame  # gemeente, inwoners, per_1000, z, oordeel, z_poisson
    grenzen: pd.DataFrame  # inwoners, and per limit "onder_<p>", "boven_<p>" in per 1,000


@dataclass(frozen=True)
class AfstandModel:
    """Distance decay: the rate ratio per AFSTAND_EENHEID_KM kilometres to the nearest spoedpost."""

    familie: str
    dispersie: Dispersie
    per_eenheid: pd.Series  # verhouding, ondergrens, bovengrens, p_waarde
    halvering_km: float  # distance at which the fitted rate halves (inf when no decay)
    rest_toets: Toets | None  # does the gemeente factor explain more than distance? (None with one gemeente per df)
    afstanden: pd.DataFrame


@dataclass(frozen=True)
class ConsumptieModel:
    """Consulteenheden per 1,000 inhabitants per gemeente and year: GLM with gemeente and year effects."""

    jaar: int
    basisjaar: int
    jaren: list[int]
    familie_gevraagd: str
    familie: str
    betrouwbaarheid: float
    dispersie: Dispersie
    phi: float
    alpha: float
    regionaal: pd.DataFrame  # jaar, consulteenheden, inwoners, per_1000, per_1000_model
    jaareffect: pd.DataFrame  # jaar, verhouding, ondergrens, bovengrens, p_waarde (vs basisjaar)
    gemeente_effect: pd.DataFrame  # gemeente, verhouding (vs region, adjusted for year), ondergrens, bovengrens
    trend: pd.DataFrame  # gemeente, per_1000_basis, per_1000, verhouding, ondergrens, bovengrens, p_waarde
    toets: Toets | None
    funnel: Funnel
    afstand: AfstandModel | None
    fitted: pd.DataFrame  # gemeente, jaar, per_1000 observed and from the saturated model


def gewichten_dispersie(aantallen: dict[str, float], gewichten: dict[str, float] = CONSULT_WEIGHTS) -> float:
    """Return Var/mean of weighted units if each type were Poisson: sum(w² n) / sum(w n)."""
    num = sum(gewichten[k] ** 2 * n for k, n in aantallen.items())
    den = sum(gewichten[k] * n for k, n in aantallen.items())
    return num / den if den else 1.0


def consulteenheden(aantallen: pd.DataFrame, gewichten: dict[str, float] = CONSULT_WEIGHTS) -> pd.Series:
    """Return consulteenheden per row group from counts per soort (columns soort, aantal)."""
    return aantallen["aantal"].astype(float) * aantallen["soort"].astype(str).map(gewichten)


def spiegelhalter_phi(z: np.ndarray, fractie: float = WINSOR_FRACTION) -> float:
    """Return the overdispersion factor as the mean of winsorised squared z-scores (Spiegelhalter 2005)."""
    z = np.asarray(z, float)
    lo, hi = np.quantile(z, [fractie, 1 - fractie])
    return float(np.mean(np.clip(z, lo, hi) ** 2))


def funnel(frame: pd.DataFrame, jaar: int, phi_gewichten: float = 1.0, familie: str = "auto",
           limieten: tuple[float, ...] = FUNNEL_LIMITS, drempel: float = DISPERSION_THRESHOLD) -> Funnel:
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
    crit = [kritieke_waarde(p) for p in limieten]

    def oordeel(value: float) -> str:
        side = "hoger" if value > 0 else "lager"
        if abs(value) > crit[-1]:
            return f"buiten {fmt.procent(limieten[-1] * 100, 1)}-grens ({side})"
        if abs(value) > crit[0]:
            return f"buiten {fmt.procent(limieten[0] * 100, 0)}-grens ({side})"
        return "binnen de grenzen"

    punten = pd.DataFrame({"gemeente": year["gemeente"].astype(str).to_numpy(), "inwoners": n,
                           "per_1000": rate * PER_DUIZEND, "z": z, "z_poisson": z_poisson,
                           "oordeel": [oordeel(v) for v in z]})
    grid = np.geomspace(n.min() * 0.6, n.max() * 1.25, 200)
    grenzen = {"inwoners": grid}
    for p, c in zip(limieten, crit):
        half = c * np.sqrt(phi_gewichten * phi_used * p0 / grid)
        grenzen[f"onder_{p}"] = np.maximum(p0 - half, 0) * PER_DUIZEND
        grenzen[f"boven_{p}"] = (p0 + half) * PER_DUIZEND
    return Funnel(jaar, p0 * PER_DUIZEND, phi_gewichten, phi_used, aangepast, punten, pd.DataFrame(grenzen))


def afstand_model(frame: pd.DataFrame, afstanden: pd.DataFrame, familie: str = "auto",
                  betrouwbaarheid: float = 0.95, basisjaar: int | None = None) -> AfstandModel:
    """Fit log(rate) = year effects + beta * distance and test it against separate gemeente effects."""
    data = frame.merge(afstanden[["gemeente", "afstand_km"]], on="gemeente", how="inner")
    if data["gemeente"].nunique() < 3:
        raise ModelFout("Voor het afstandsmodel zijn minstens drie gemeenten met een afstand nodig.")
    data["afstand_eenheid"] = data["afstand_km"] / AFSTAND_EENHEID_KM
    y, exposure = data["consulteenheden"].astype(float).to_numpy(), data["inwoners"].astype(float).to_numpy()
    basis = basisjaar if basisjaar in set(data["jaar"]) else int(data["jaar"].min())
    Xd = ontwerp_hoofdeffecten(data, "gemeente", [], "jaar", basis, numeriek=["afstand_eenheid"], met_factor=False)
    poisson = fit_glm(y, Xd, exposure, "poisson").result
    dispersie = dispersie_check(poisson)
    fam = kies_familie(familie, dispersie)
    phi = max(dispersie.phi, 1.0) if fam == "quasipoisson" else 1.0
    alpha = nb_alpha(y, poisson.fittedvalues, dispersie.df) if fam == "negbin" else 0.0
    fit = fit_glm(y, Xd, exposure, fam, phi, alpha, dispersie.df if fam == "quasipoisson" else None)
    per = verhoudingen(fit, ["afstand_eenheid"], betrouwbaarheid).iloc[0]
    beta = math.log(per["verhouding"]) / AFSTAND_EENHEID_KM
    halving = math.log(0.5) / beta if beta < 0 else math.inf
    gemeenten = sorted(data["gemeente"].astype(str).unique())
    Xg = ontwerp_hoofdeffecten(data, "gemeente", gemeenten, "jaar", basis)
    rest = None
    if Xg.shape[1] > Xd.shape[1]:
        full = fit_glm(y, Xg, exposure, "poisson").result
        disp_full = dispersie_check(full)
        fam_full = kies_familie(familie, disp_full) if disp_full.schatbaar else "poisson"
        rest = interactietoets(y, Xd, Xg, exposure, disp_full, fam_full, betrouwbaarheid,
                               nb_alpha(y, full.fittedvalues, disp_full.df) if fam_full == "negbin" else 0.0)
    return AfstandModel(fam, dispersie, per[["verhouding", "ondergrens", "bovengrens", "p_waarde"]], halving, rest,
                        afstanden.copy())


def zorgconsumptie_model(frame: pd.DataFrame, jaar: int, basisjaar: int, familie: str = "auto",
                         betrouwbaarheid: float = 0.95, afstanden: pd.DataFrame | None = None,
                         phi_gewichten: float = 1.0) -> ConsumptieModel:
    """Fit the consumption model on gemeente × year rows (columns gemeente, jaar, consulteenheden, inwoners)."""
    data = frame[frame["jaar"] <= jaar].copy()
    data["gemeente"] = data["gemeente"].astype(str)
    data["jaar"] = data["jaar"].astype(int)
    data = data.sort_values(["jaar", "gemeente"]).reset_index(drop=True)
    years = [int(j) for j in sorted(data["jaar"].unique())]
    if jaar not in years:
        raise ModelFout(f"Er zijn geen consulteenheden per gemeente voor {jaar}.")
    basis = basisjaar if basisjaar in years and basisjaar != jaar else years[0]
    gemeenten = sorted(data["gemeente"].unique())
    y, exposure = data["consulteenheden"].astype(float).to_numpy(), data["inwoners"].astype(float).to_numpy()

    X0 = ontwerp_hoofdeffecten(data, "gemeente", gemeenten, "jaar", basis)
    X1 = ontwerp_per_groep(data, "gemeente", gemeenten, "jaar", basis)
    single_year = len(years) == 1
    if single_year:
        dispersie = dispersie_check(fit_glm(y, X0, exposure, "poisson").result)
        fam = "poisson" if familie == "auto" else kies_familie(familie, dispersie)
        if fam != "poisson":
            raise ModelFout("Met één jaar is de spreiding niet te schatten; kies familie 'poisson' of 'auto'.")
        phi, alpha = 1.0, 0.0
    else:
        dispersie, fam, phi, alpha = _familie_fit(y, X0, exposure, familie)
    df_phi = dispersie.df if fam == "quasipoisson" else None
    main = fit_glm(y, X0, exposure, fam, phi, alpha, df_phi)

    regionaal = (data.groupby("jaar")[["consulteenheden", "inwoners"]].sum().reset_index())
    regionaal["per_1000"] = regionaal["consulteenheden"] / regionaal["inwoners"] * PER_DUIZEND
    fitted_main = pd.Series(main.result.fittedvalues, index=data.index)
    regionaal["per_1000_model"] = (fitted_main.groupby(data["jaar"]).sum().to_numpy()
                                   / regionaal["inwoners"].to_numpy() * PER_DUIZEND)

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
        toets = interactietoets(y, X0, X1, exposure, dispersie, fam, betrouwbaarheid, alpha)

    # Gemeente against the region in the report year, adjusted for year: model rate / observed regional rate.
    rows = data.index[data["jaar"] == jaar]
    Xr = X0.loc[rows].to_numpy()
    lin_log = Xr @ main.result.params.to_numpy()  # log rate per inhabitant (offset excluded)
    se_log = np.sqrt(np.einsum("ij,jk,ik->i", Xr, main.result.cov_params().to_numpy(), Xr))
    crit = kritieke_waarde(betrouwbaarheid, df_phi)
    region = float(regionaal.loc[regionaal["jaar"] == jaar, "per_1000"].iloc[0]) / PER_DUIZEND
    gemeente_effect = pd.DataFrame({"gemeente": data.loc[rows, "gemeente"].to_numpy(),
                                    "verhouding": np.exp(lin_log) / region,
                                    "ondergrens": np.exp(lin_log - crit * se_log) / region,
                                    "bovengrens": np.exp(lin_log + crit * se_log) / region})

    saturated = fit_glm(y, X1, exposure, "poisson").result
    fitted = data[["gemeente", "jaar"]].copy()
    fitted["per_1000"] = y / exposure * PER_DUIZEND
    fitted["per_1000_model"] = np.asarray(saturated.fittedvalues, float) / exposure * PER_DUIZEND
    if not single_year:
        wide = fitted.pivot(index="gemeente", columns="jaar", values="per_1000").loc[gemeenten]
        trend.insert(1, "per_1000_basis", wide[basis].to_numpy())
        trend.insert(2, "per_1000", wide[jaar].to_numpy())

    afstand = afstand_model(data, afstanden, familie, betrouwbaarheid, basis) if afstanden is not None else None
    return ConsumptieModel(jaar, basis, years, familie, fam, betrouwbaarheid, dispersie, phi, alpha, regionaal,
                           jaareffect, gemeente_effect, trend, toets,
                           funnel(data, jaar, phi_gewichten, familie),
                           afstand, fitted)


# --- Simulation (for the recovery tests and the methodology chapter) ------------------------------


def simuleer_tellingen(mu: np.ndarray, seed: int, phi: float = 1.0) -> np.ndarray:
    """Draw counts with mean mu: Poisson (phi=1) or gamma-Poisson with variance phi*mu (phi>1)."""
    rng = np.random.default_rng(seed)
    mu = np.asarray(mu, float)
    if phi <= 1.0:
        return rng.poisson(mu).astype(float)
    shape = mu / (phi - 1)  # gamma mixing with mean mu and variance (phi-1)*mu gives Var = phi*mu
    return rng.poisson(rng.gamma(shape, (phi - 1))).astype(float)


# --- Part 3: sentences, tables and charts for the book -----------------------------------------

FAMILIE_NAMEN = {"poisson": "Poisson", "quasipoisson": "quasi-Poisson", "negbin": "negatief-binomiaal",
                 "auto": "automatisch (volgens de spreidingscontrole)"}


def p_tekst(p: float) -> str:
    """Format a p-value the Dutch way: 'p < 0,001' or 'p = 0,04'."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "p niet te berekenen"
    return "p < 0,001" if p < 0.001 else f"p = {fmt.getal(p, 3)}"


def rr_tekst(verhouding: float, onder: float, boven: float, pct: int) -> str:
    """Format a rate ratio with its interval: '1,22 (95%-interval 1,19 tot 1,25)'."""
    return f"{fmt.getal(verhouding, 2)} ({pct}%-interval {fmt.getal(onder, 2)} tot {fmt.getal(boven, 2)})"


def verandering_tekst(verhouding: float) -> str:
    """Format a rate ratio as a percentage change: '+22,1%'."""
    return fmt.verandering((verhouding - 1) * 100, 1)


def parameter_tabel(parameters: dict[str, tuple[object, str]]) -> pd.DataFrame:
    """Return the table of modelling choices shown on the page (name, value, meaning)."""
    return pd.DataFrame([{"Keuze": k, "Waarde": str(v), "Betekenis": uitleg} for k, (v, uitleg) in parameters.items()])


def familie_zin(familie_gevraagd: str, familie: str, dispersie: Dispersie, model: str) -> str:
    """Say which family was used and why."""
    if not dispersie.schatbaar:
        return (f"Het {model} heeft geen vrije vrijheidsgraden, dus de spreiding is niet te schatten; "
                f"het rekent met de {FAMILIE_NAMEN[familie]}-aanname.")
    check = (f"De spreidingscontrole geeft φ = {fmt.getal(dispersie.phi, 1)} (Pearson-χ² gedeeld door "
             f"{dispersie.df} vrijheidsgraden; bij zuiver Poisson-toeval is φ ongeveer 1, de drempel is "
             f"{fmt.getal(dispersie.drempel, 1)}).")
    if familie_gevraagd == "auto":
        keuze = ("Er is dus overdispersie en het model rekent quasi-Poisson: alle intervallen worden "
                 f"√φ = {fmt.getal(math.sqrt(dispersie.phi), 1)} keer zo breed als bij Poisson."
                 if familie == "quasipoisson" else "Er is geen overdispersie van betekenis; het model rekent Poisson.")
    else:
        keuze = f"De modelfamilie is vast gekozen: {FAMILIE_NAMEN[familie]}."
    return f"{check} {keuze}"


def toets_zin(toets: Toets | None, betrouwbaarheid: float, wat: str, groepen: str) -> str:
    """Say in plain Dutch whether the change differs between groups, with the test's caveats."""
    if toets is None:
        return f"Met één jaar is niet te toetsen of {wat} verschilt tussen {groepen}."
    pct = fmt.procent(betrouwbaarheid * 100, 0)
    base = (f"Toets of {wat} verschilt tussen {groepen} (likelihood-ratio-toets van de interactie, "
            f"Poisson): χ² = {fmt.getal(toets.statistiek, 1)} bij {toets.df} vrijheidsgraden, {p_tekst(toets.p_waarde)}. ")
    if toets.significant(betrouwbaarheid):
        base += (f"Bij zuiver toeval zou zo'n verschil vrijwel nooit voorkomen; die conclusie blijft staan zolang de "
                 f"werkelijke spreiding minder dan {fmt.getal(toets.phi_kritiek, 1)} keer de Poisson-spreiding is "
                 f"(kritieke φ bij {pct} betrouwbaarheid). ")
    else:
        base += "Het verschil is met deze gegevens niet van toeval te onderscheiden. "
    if toets.familie != "poisson" and not toets.identificeerbaar:
        base += ("In het gekozen model met overdispersie is de toets niet uit te voeren: met één getal per groep en "
                 "jaar wordt de spreiding geschat uit precies de verschillen die getoetst worden. Of het verschil "
                 "blijvend is of een schommeling van één jaar, kan pas met meer jaren worden vastgesteld.")
    elif toets.familie != "poisson" and toets.p_familie is not None:
        naam = "F" if toets.familie == "quasipoisson" else "χ²"
        base += (f"Met de spreiding meegerekend ({FAMILIE_NAMEN[toets.familie]}): {naam} = "
                 f"{fmt.getal(toets.statistiek_familie, 2)}, {p_tekst(toets.p_familie)}.")
    return base.strip()


def leeftijd_tabel(model: LeeftijdModel) -> pd.DataFrame:
    """Return the age model's table for the page (Dutch column names, unrounded numbers)."""
    t = model.per_groep
    pct = fmt.procent(model.betrouwbaarheid * 100, 0)
    frame = pd.DataFrame({
        "Leeftijd": t["leeftijdsgroep"].to_numpy(),
        f"Aantal {model.referentiejaar}": t["aantal_ref"].to_numpy(),
        f"Aantal {model.jaar}": t["aantal"].to_numpy(),
    })
    if model.met_bevolking:
        frame[f"Per 1.000 {model.referentiejaar}"] = t["per_1000_ref"].to_numpy()
        frame[f"Per 1.000 {model.jaar}"] = t["per_1000"].to_numpy()
    frame["Verhouding"] = t["verhouding"].to_numpy()
    frame[f"{pct}-interval van"] = t["ondergrens"].to_numpy()
    frame["tot"] = t["bovengrens"].to_numpy()
    return frame


def leeftijd_tabel_opmaak(model: LeeftijdModel) -> dict:
    """Return the per-column formatters of the age model's page table."""
    two = lambda v: fmt.getal(v, 2)  # noqa: E731
    one = lambda v: fmt.getal(v, 1)  # noqa: E731
    pct = fmt.procent(model.betrouwbaarheid * 100, 0)
    out = {"Verhouding": two, f"{pct}-interval van": two, "tot": two}
    if model.met_bevolking:
        out.update({f"Per 1.000 {model.referentiejaar}": one, f"Per 1.000 {model.jaar}": one})
    return out


def leeftijd_interpretatie(model: LeeftijdModel) -> str:
    """Return the plain-Dutch reading of the age model for the board."""
    t = model.per_groep.sort_values("verhouding")
    up, down = t.iloc[-1], t.iloc[0]
    maat = "per inwoner" if model.met_bevolking else "in aantallen"
    common = model.gemeenschappelijk
    pct = int(round(model.betrouwbaarheid * 100))
    zeker = [r.leeftijdsgroep for r in t.itertuples() if r.ondergrens > 1]
    lager = [r.leeftijdsgroep for r in t.itertuples() if r.bovengrens < 1]
    text = (f"Gemeten {maat} nam het aantal hulpvragen van {model.referentiejaar} op {model.jaar} het meest toe bij "
            f"{up.leeftijdsgroep} jaar ({verandering_tekst(up.verhouding)}) en nam het het meest af bij "
            f"{down.leeftijdsgroep} jaar ({verandering_tekst(down.verhouding)}). Over alle leeftijden samen, "
            f"gecorrigeerd voor de leeftijdsopbouw, was de verandering {verandering_tekst(common['verhouding'])} "
            f"(verhouding {rr_tekst(common['verhouding'], common['ondergrens'], common['bovengrens'], pct)}). ")
    if model.familie == "poisson":
        text += "De intervallen houden alleen rekening met toeval in de aantallen. "
    else:
        text += ("De intervallen zijn bewust ruim: ze rekenen de jaarlijkse schommelingen tussen leeftijdsgroepen mee "
                 "als onzekerheid. ")
    if zeker:
        text += f"Ook met die onzekerheid is de stijging duidelijk bij {', '.join(zeker)} jaar. "
    if lager:
        text += f"Een duidelijke daling is er bij {', '.join(lager)} jaar. "
    if not zeker and not lager:
        text += ("Met die onzekerheid is bij geen enkele leeftijdsgroep met zekerheid te zeggen dat het gebruik "
                 "per inwoner structureel steeg of daalde; twee jaren zijn daarvoor te weinig. ")
    if model.familie != "poisson":
        up_p = [r.leeftijdsgroep for r in t.itertuples() if r.ondergrens_poisson > 1]
        down_p = [r.leeftijdsgroep for r in t.itertuples() if r.bovengrens_poisson < 1]
        if up_p or down_p:
            parts = ([f"de stijging bij {', '.join(up_p)} jaar"] if up_p else []) + (
                [f"de daling bij {', '.join(down_p)} jaar"] if down_p else [])
            text += (f"Telt men alleen het toeval in de aantallen (Poisson), dan zijn {' en '.join(parts)} wel "
                     "duidelijk: in dit jaar is het echt gebeurd, maar of het blijft, moeten volgende jaren uitwijzen.")
    return text.strip()


def leeftijd_grafiek(model: LeeftijdModel, bron: str):
    """Return a two-panel chart (rates per 1,000 in both years; rate ratios with intervals) and its alt text."""
    import matplotlib.pyplot as plt

    from jaarverslag.render import charts

    t = model.per_groep
    pal = __import__("seaborn").color_palette(charts.PALETTE)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4.8), gridspec_kw={"width_ratios": [1.2, 1]})
    x = np.arange(len(t))
    if model.met_bevolking:
        ax1.bar(x - 0.2, t["per_1000_ref"], 0.4, label=str(model.referentiejaar), color=pal[0])
        ax1.bar(x + 0.2, t["per_1000"], 0.4, label=str(model.jaar), color=pal[1])
        ax1.set_ylabel("Hulpvragen per 1.000 inwoners")
        ax1.set_title("Hulpvragen per 1.000 inwoners")
    else:
        ax1.bar(x - 0.2, t["aantal_ref"], 0.4, label=str(model.referentiejaar), color=pal[0])
        ax1.bar(x + 0.2, t["aantal"], 0.4, label=str(model.jaar), color=pal[1])
        ax1.set_ylabel("Aantal hulpvragen")
        ax1.set_title("Hulpvragen (aantallen)")
    ax1.set_xticks(x, t["leeftijdsgroep"])
    ax1.set_xlabel("Leeftijd (jaar)")
    charts.dutch_thousands(ax1.yaxis)
    ax1.legend(title="Jaar", loc="upper center")
    y = np.arange(len(t))[::-1]
    ax2.errorbar(t["verhouding"], y, xerr=[t["verhouding"] - t["ondergrens"], t["bovengrens"] - t["verhouding"]],
                 fmt="o", color=pal[2], capsize=4, label="per leeftijdsgroep")
    ax2.axvline(1, color="#444444", lw=1)
    ax2.axvline(model.gemeenschappelijk["verhouding"], color=pal[3], ls="--", lw=1.2, label="alle leeftijden samen")
    ax2.set_yticks(y, t["leeftijdsgroep"])
    ax2.set_xlabel(f"Verhouding {model.jaar} / {model.referentiejaar} ({fmt.procent(model.betrouwbaarheid * 100, 0)}-interval)")
    ax2.set_title("Verandering per leeftijdsgroep")
    ax2.xaxis.set_major_formatter(__import__("matplotlib").ticker.FuncFormatter(lambda v, _p: fmt.getal(v, 2)))
    ax2.legend(loc="lower right", fontsize=8)
    charts.bron(fig, bron)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    parts = "; ".join(f"{r.leeftijdsgroep} jaar {fmt.getal(r.verhouding, 2)} ({fmt.getal(r.ondergrens, 2)} tot "
                      f"{fmt.getal(r.bovengrens, 2)})" for r in t.itertuples())
    alt = (f"Links staafdiagram van de hulpvragen {'per 1.000 inwoners' if model.met_bevolking else ''} per "
           f"leeftijdsgroep in {model.referentiejaar} en {model.jaar}; rechts de verhouding {model.jaar} ten opzichte "
           f"van {model.referentiejaar} per leeftijdsgroep met interval: {parts}. Alle leeftijden samen: "
           f"{fmt.getal(model.gemeenschappelijk['verhouding'], 2)}.")
    return fig, alt


def niveau_tabel(tellingen: pd.DataFrame, jaar: int) -> pd.DataFrame:
    """Return help requests and the rate per 1,000 per leeftijdsgroep for one year (when no comparison is possible)."""
    t = tellingen[tellingen["jaar"] == jaar]
    return pd.DataFrame({"Leeftijd": t["leeftijdsgroep"].to_numpy(), f"Aantal {jaar}": t["aantal"].to_numpy(),
                         f"Per 1.000 {jaar}": (t["aantal"] / t["bevolking"] * PER_DUIZEND).to_numpy()})


def per_soort_tabel(per_soort: pd.DataFrame, jaar: int) -> pd.DataFrame:
    """Return help requests per 1,000 inhabitants per leeftijdsgroep and soort for one year (wide)."""
    t = per_soort[per_soort["jaar"] == jaar].copy()
    t["per_1000"] = t["aantal"] / t["bevolking"] * PER_DUIZEND
    wide = t.pivot(index="leeftijdsgroep", columns="soort", values="per_1000")
    wide = wide.loc[list(dict.fromkeys(t["leeftijdsgroep"]))]
    order = [s for s in CONSULT_WEIGHTS if s in wide.columns] + [s for s in wide.columns if s not in CONSULT_WEIGHTS]
    wide = wide[order].reset_index().rename(columns={"leeftijdsgroep": "Leeftijdsgroep"})
    wide.columns.name = None
    return wide


def per_soort_grafiek(tabel: pd.DataFrame, jaar: int, bron: str):
    """Return a grouped bar chart of help requests per 1,000 by age group and type, and its alt text."""
    import matplotlib.pyplot as plt

    from jaarverslag.render import charts

    long = tabel.melt(id_vars="Leeftijdsgroep", var_name="Soort", value_name="per_1000")
    fig, ax = plt.subplots(figsize=(9, 4.5))
    __import__("seaborn").barplot(data=long, x="Leeftijdsgroep", y="per_1000", hue="Soort", ax=ax)
    ax.set_ylabel("Hulpvragen per 1.000 inwoners")
    ax.set_xlabel("Leeftijd (jaar)")
    ax.set_title(f"Hulpvragen per 1.000 inwoners naar soort, {jaar}")
    charts.dutch_thousands(ax.yaxis)
    ax.legend(title="Soort", loc="upper center")
    charts.bron(fig, bron)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    top_visit = tabel.set_index("Leeftijdsgroep")["Visite"] if "Visite" in tabel else None
    alt = (f"Staafdiagram van de hulpvragen per 1.000 inwoners in {jaar} per leeftijdsgroep en soort. "
           + (f"Visites per 1.000 inwoners lopen op van {fmt.getal(top_visit.iloc[0], 1)} bij {top_visit.index[0]} "
              f"jaar tot {fmt.getal(top_visit.iloc[-1], 1)} bij {top_visit.index[-1]} jaar." if top_visit is not None else ""))
    return fig, alt


def diagnostiek_grafiek(y, X: pd.DataFrame, exposure, labels: list[str], titel: str, bron: str, phi: float = 1.0):
    """Return a residual and influence chart of a Poisson main-effects model, and its alt text."""
    import matplotlib.pyplot as plt

    from jaarverslag.render import charts

    fit = fit_glm(y, X, exposure, "poisson").result
    resid = np.asarray(fit.resid_pearson, float) / math.sqrt(max(phi, 1.0))
    infl = fit.get_influence()
    cooks = np.asarray(infl.cooks_distance[0], float) / max(phi, 1.0)
    pal = __import__("seaborn").color_palette(charts.PALETTE)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4.2))
    fitted = np.asarray(fit.fittedvalues, float)
    ax1.scatter(fitted, resid, color=pal[0])
    ax1.axhline(0, color="#444444", lw=1)
    for v in (-2, 2):
        ax1.axhline(v, color="#888888", lw=0.8, ls=":")
    ax1.set_xscale("log")
    ax1.set_xlabel("Verwacht aantal volgens het model (logschaal)")
    ax1.set_ylabel("Pearson-residu" + (" / √φ" if phi > 1 else ""))
    ax1.set_title("Residuen")
    ticker = __import__("matplotlib").ticker
    ticks = [m * 10 ** k for k in range(0, 8) for m in (1, 2, 5) if fitted.min() * 0.8 <= m * 10 ** k <= fitted.max() * 1.2]
    ax1.set_xticks(ticks)
    ax1.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _p: fmt.getal(v)))
    ax1.xaxis.set_minor_formatter(ticker.NullFormatter())
    ax1.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _p: fmt.getal(v, 0)))
    order = np.argsort(cooks)[::-1][:DIAGNOSTIC_TOP]
    ax2.barh(np.arange(len(order)), cooks[order][::-1], color=pal[1])
    ax2.set_yticks(np.arange(len(order)), [labels[i] for i in order][::-1], fontsize=8)
    ax2.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _p: fmt.getal(v, 1)))
    ax2.set_xlabel("Cook's afstand" + (" / φ" if phi > 1 else ""))
    ax2.set_title(f"Invloed: de {len(order)} grootste")
    fig.suptitle(titel, fontweight="bold")
    charts.bron(fig, bron)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    top = order[0]
    alt = (f"{titel}. Links de Pearson-residuen tegen het verwachte aantal; de grootste absolute waarde is "
           f"{fmt.getal(np.max(np.abs(resid)), 1)}. Rechts Cook's afstand per waarneming; de meest invloedrijke "
           f"waarneming is {labels[top]} ({fmt.getal(cooks[top], 2)}).")
    return fig, alt


def leeftijd_voorbeeld(model: LeeftijdModel, groep: str) -> pd.DataFrame:
    """Return the worked example (rate ratio of one age group by hand) as steps with their results."""
    r = model.per_groep.set_index("leeftijdsgroep").loc[groep]
    pct = int(round(model.betrouwbaarheid * 100))
    z = kritieke_waarde(model.betrouwbaarheid)
    ratio, lo, hi = verhouding_met_de_hand(r.aantal, r.aantal_ref, r.bevolking, r.bevolking_ref, model.betrouwbaarheid)
    se = math.sqrt(1 / r.aantal + 1 / r.aantal_ref)
    j, k = model.jaar, model.referentiejaar
    steps = [
        (f"Hulpvragen {groep} jaar in {k} en {j}", f"tabellen hulpvragen_leeftijd_totaal {k} en {j}",
         f"{fmt.getal(r.aantal_ref)} en {fmt.getal(r.aantal)}"),
        (f"Inwoners {groep} jaar op 1 januari {k} en {j}", "tabel cbs_bevolking_leeftijd, banden opgeteld",
         f"{fmt.getal(r.bevolking_ref)} en {fmt.getal(r.bevolking)}"),
        (f"Per 1.000 inwoners in {k}", f"{fmt.getal(r.aantal_ref)} / {fmt.getal(r.bevolking_ref)} × 1.000",
         fmt.getal(r.per_1000_ref, 1)),
        (f"Per 1.000 inwoners in {j}", f"{fmt.getal(r.aantal)} / {fmt.getal(r.bevolking)} × 1.000",
         fmt.getal(r.per_1000, 1)),
        ("Verhouding (rate ratio)", f"{fmt.getal(r.per_1000, 1)} / {fmt.getal(r.per_1000_ref, 1)}",
         fmt.getal(ratio, 3)),
        ("Standaardfout van ln(verhouding), Poisson", f"√(1/{fmt.getal(r.aantal)} + 1/{fmt.getal(r.aantal_ref)})",
         fmt.getal(se, 4)),
        (f"{pct}%-interval, Poisson", f"{fmt.getal(ratio, 3)} × e^(±{fmt.getal(z, 2)} × {fmt.getal(se, 4)})",
         f"{fmt.getal(lo, 3)} tot {fmt.getal(hi, 3)}"),
    ]
    if model.familie == "quasipoisson":
        zt = kritieke_waarde(model.betrouwbaarheid, model.dispersie.df)
        se_q = se * math.sqrt(model.phi)
        steps.append((f"{pct}%-interval, quasi-Poisson (zoals in de tabel)",
                      f"{fmt.getal(ratio, 3)} × e^(±{fmt.getal(zt, 2)} × {fmt.getal(se, 4)} × √{fmt.getal(model.phi, 1)}); "
                      f"t-verdeling met {model.dispersie.df} vrijheidsgraden",
                      f"{fmt.getal(ratio * math.exp(-zt * se_q), 3)} tot {fmt.getal(ratio * math.exp(zt * se_q), 3)}"))
    return pd.DataFrame(steps, columns=["Stap", "Berekening", "Uitkomst"])


# --- Consumption: page pieces ---


def gemeente_tabel(model: ConsumptieModel) -> pd.DataFrame:
    """Return per gemeente the report year's rate, the ratio to the region and the funnel verdict."""
    f = model.funnel.punten.set_index("gemeente")
    e = model.gemeente_effect.set_index("gemeente")
    pct = fmt.procent(model.betrouwbaarheid * 100, 0)
    rows = pd.DataFrame({"Gemeente": f.index, "Inwoners": f["inwoners"].to_numpy(),
                         "Per 1.000": f["per_1000"].to_numpy(),
                         "T.o.v. regio": e.loc[f.index, "verhouding"].to_numpy(),
                         f"{pct}-interval van": e.loc[f.index, "ondergrens"].to_numpy(),
                         "tot": e.loc[f.index, "bovengrens"].to_numpy(),
                         "Trechter": f["oordeel"].to_numpy()})
    if model.afstand is not None:
        d = model.afstand.afstanden.set_index("gemeente")
        rows.insert(2, "Afstand (km)", d.loc[f.index, "afstand_km"].to_numpy())
    return rows


def trend_tabel(model: ConsumptieModel) -> pd.DataFrame:
    """Return the trend per gemeente (report year against the base year) for the page."""
    t = model.trend
    pct = fmt.procent(model.betrouwbaarheid * 100, 0)
    return pd.DataFrame({"Gemeente": t["gemeente"].to_numpy(),
                         f"Per 1.000, {model.basisjaar}": t["per_1000_basis"].to_numpy(),
                         f"Per 1.000, {model.jaar}": t["per_1000"].to_numpy(),
                         "Verhouding": t["verhouding"].to_numpy(),
                         f"{pct}-interval van": t["ondergrens"].to_numpy(), "tot": t["bovengrens"].to_numpy()})


def tabel_opmaak(decimalen: dict[str, int]) -> dict:
    """Return formatters that print the named columns with the given decimals."""
    return {k: (lambda d: (lambda v: fmt.getal(v, d)))(d) for k, d in decimalen.items()}


def consumptie_interpretatie(model: ConsumptieModel) -> str:
    """Return the plain-Dutch reading of the consumption model for the board."""
    pct = int(round(model.betrouwbaarheid * 100))
    reg = model.regionaal.set_index("jaar")["per_1000"]
    text = f"In {model.jaar} gebruikte de regio {fmt.getal(reg[model.jaar], 0)} consulteenheden per 1.000 inwoners"
    if len(model.jaareffect):
        e = model.jaareffect.set_index("jaar").loc[model.jaar]
        richting = "minder" if e.verhouding < 1 else "meer"
        text += (f", {fmt.getal(abs(e.verhouding - 1) * 100, 1)}% {richting} dan in {model.basisjaar} "
                 f"(gecorrigeerd voor verschillen tussen gemeenten: verhouding "
                 f"{rr_tekst(e.verhouding, e.ondergrens, e.bovengrens, pct)})")
    text += ". "
    e = model.gemeente_effect.sort_values("verhouding")
    text += (f"Het verschil tussen gemeenten is groot: van {fmt.getal(e.iloc[0].verhouding * 100, 0)}% van het "
             f"regiogemiddelde in {e.iloc[0].gemeente} tot {fmt.getal(e.iloc[-1].verhouding * 100, 0)}% in "
             f"{e.iloc[-1].gemeente}. ")
    if model.afstand is not None:
        a = model.afstand.per_eenheid
        if a["bovengrens"] < 1:
            text += (f"Dat verschil hangt samen met de afstand tot de spoedpost: per {AFSTAND_EENHEID_KM} km verder weg "
                     f"is het gebruik {fmt.getal((1 - a['verhouding']) * 100, 0)}% lager. ")
        else:
            text += "Een verband met de afstand tot de spoedpost is met deze gegevens niet aan te tonen. "
    if model.funnel.aangepast:
        text += ("De trechtergrafiek laat zien dat geen gemeente meer afwijkt dan de verschillen tussen de gemeenten "
                 "onderling doen verwachten; het gaat om een geleidelijk patroon, niet om één uitschieter."
                 if (model.funnel.punten["oordeel"] == "binnen de grenzen").all() else
                 "De trechtergrafiek toont welke gemeenten ook na correctie voor de onderlinge spreiding afwijken.")
    return text.strip()



LABEL_OFFSETS = ((6, 4, "left"), (6, -12, "left"), (-6, 4, "right"), (-6, -12, "right"), (6, 14, "left"),
                 (6, -22, "left"), (-6, 14, "right"), (-6, -22, "right"))


def label_punten(ax, xs, ys, namen, fontsize: int = 8) -> None:
    """Label scatter points, trying a few offsets per label so that no two labels overlap or leave the axes."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    axbox = ax.get_window_extent(renderer)
    placed = []
    for x, y, name in sorted(zip(xs, ys, namen), key=lambda t: -t[1]):
        for dx, dy, ha in LABEL_OFFSETS:
            text = ax.annotate(name, (x, y), textcoords="offset points", xytext=(dx, dy), ha=ha, fontsize=fontsize)
            box = text.get_window_extent(renderer)
            inside = axbox.x0 <= box.x0 and box.x1 <= axbox.x1 and axbox.y0 <= box.y0 and box.y1 <= axbox.y1
            if inside and not any(box.overlaps(b) for b in placed):
                placed.append(box)
                break
            text.remove()
        else:
            placed.append(ax.annotate(name, (x, y), textcoords="offset points", xytext=(6, 4),
                                      fontsize=fontsize).get_window_extent(renderer))


def funnel_grafiek(f: Funnel, bron: str, pct_labels: tuple[float, ...] = FUNNEL_LIMITS):
    """Return the funnel plot (rate per 1,000 against inhabitants) and its alt text."""
    import matplotlib.pyplot as plt

    from jaarverslag.render import charts

    pal = __import__("seaborn").color_palette(charts.PALETTE)
    fig, ax = plt.subplots(figsize=(9, 5.5))
    g = f.grenzen
    styles = {pct_labels[0]: "--", pct_labels[-1]: "-"}
    for p in pct_labels:
        label = f"{fmt.procent(p * 100, 1 if p * 100 % 1 else 0)}-grens"
        ax.plot(g["inwoners"], g[f"boven_{p}"], color=pal[0], ls=styles.get(p, ":"), lw=1.2, label=label)
        ax.plot(g["inwoners"], g[f"onder_{p}"], color=pal[0], ls=styles.get(p, ":"), lw=1.2)
    if f.aangepast:
        half = (g[f"boven_{pct_labels[-1]}"] - f.regionaal_per_1000) / math.sqrt(f.phi_overdispersie)
        ax.plot(g["inwoners"], f.regionaal_per_1000 + half, color="#999999", ls=":", lw=1,
                label=f"{fmt.procent(pct_labels[-1] * 100, 1)}-grens zonder correctie")
        ax.plot(g["inwoners"], f.regionaal_per_1000 - half, color="#999999", ls=":", lw=1)
    ax.axhline(f.regionaal_per_1000, color=pal[3], lw=1.2, label=f"regio ({fmt.getal(f.regionaal_per_1000, 0)} per 1.000)")
    p = f.punten
    ax.scatter(p["inwoners"], p["per_1000"], color=pal[1], zorder=3, s=36)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(__import__("matplotlib").ticker.FuncFormatter(lambda v, _p: fmt.getal(v)))
    ax.xaxis.set_minor_formatter(__import__("matplotlib").ticker.NullFormatter())
    ax.set_xticks([20000, 40000, 80000, 160000])
    ax.set_xlim(g["inwoners"].min(), g["inwoners"].max())
    ax.set_xlabel("Inwoners (noemer van het verslag, logschaal)")
    ax.set_ylabel("Consulteenheden per 1.000 inwoners")
    ax.set_title(f"Trechtergrafiek consulteenheden per gemeente, {f.jaar}")
    ax.legend(loc="lower right", fontsize=8)
    charts.bron(fig, bron)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    label_punten(ax, p["inwoners"], p["per_1000"], p["gemeente"])
    buiten = p[p["oordeel"] != "binnen de grenzen"]
    alt = (f"Trechtergrafiek: consulteenheden per 1.000 inwoners per gemeente in {f.jaar} tegen het aantal inwoners, "
           f"met het regiogemiddelde {fmt.getal(f.regionaal_per_1000, 0)} en controlegrenzen "
           f"{' en '.join(fmt.procent(q * 100, 1) for q in pct_labels)}"
           + (f", verbreed voor overdispersie (φ = {fmt.getal(f.phi_overdispersie, 0)})" if f.aangepast else "")
           + ". " + ("Alle gemeenten liggen binnen de grenzen. " if buiten.empty else
                     "Buiten de grenzen: " + ", ".join(f"{r.gemeente} ({fmt.getal(r.per_1000, 0)})"
                                                       for r in buiten.itertuples()) + ". ")
           + "Laagste: " + ", ".join(f"{r.gemeente} {fmt.getal(r.per_1000, 0)}"
                                     for r in p.sort_values("per_1000").head(2).itertuples()) + ".")
    return fig, alt


def trend_grafiek(model: ConsumptieModel, bron: str):
    """Return a line chart of consulteenheden per 1,000 per gemeente over the years, and its alt text."""
    import matplotlib.pyplot as plt

    from jaarverslag.render import charts

    data = model.fitted
    fig, ax = plt.subplots(figsize=(9, 5.2))
    gemeenten = sorted(data["gemeente"].unique())
    pal = __import__("seaborn").color_palette(charts.PALETTE, len(gemeenten))
    markers = "osD^vP*X"
    for i, g in enumerate(gemeenten):
        d = data[data["gemeente"] == g].sort_values("jaar")
        ax.plot(d["jaar"], d["per_1000"], marker=markers[i % len(markers)], color=pal[i], lw=1.2, label=g)
    reg = model.regionaal
    ax.plot(reg["jaar"], reg["per_1000"], color="black", lw=2.5, label="Regio")
    ax.set_xticks(model.jaren, [str(j) for j in model.jaren])
    ax.set_ylabel("Consulteenheden per 1.000 inwoners")
    ax.set_xlabel("Jaar")
    ax.set_title("Consulteenheden per 1.000 inwoners per gemeente")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, title="Gemeente")
    charts.bron(fig, bron)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    r = reg.set_index("jaar")["per_1000"]
    alt = (f"Lijndiagram van de consulteenheden per 1.000 inwoners per gemeente in {', '.join(map(str, model.jaren))}. "
           f"De regio gaat van {fmt.getal(r.iloc[0], 0)} in {r.index[0]} naar {fmt.getal(r.iloc[-1], 0)} in {r.index[-1]}. "
           f"Hoogste in {model.jaar}: {model.fitted[model.fitted['jaar'] == model.jaar].sort_values('per_1000').iloc[-1].gemeente}; "
           f"laagste: {model.fitted[model.fitted['jaar'] == model.jaar].sort_values('per_1000').iloc[0].gemeente}.")
    return fig, alt


def afstand_grafiek(model: ConsumptieModel, bron: str):
    """Return a scatter of the report year's rate against distance with the fitted decay curve, and alt text."""
    import matplotlib.pyplot as plt

    from jaarverslag.render import charts

    a = model.afstand
    d = model.fitted[model.fitted["jaar"] == model.jaar].merge(a.afstanden, on="gemeente")
    pal = __import__("seaborn").color_palette(charts.PALETTE)
    fig, ax = plt.subplots(figsize=(9, 5))
    ax.scatter(d["afstand_km"], d["per_1000"], color=pal[0], s=40, zorder=3, label=f"gemeente, {model.jaar}")
    beta = math.log(a.per_eenheid["verhouding"]) / AFSTAND_EENHEID_KM
    # Curve through the rate-weighted centre of the report year: log-linear decay with the fitted slope.
    centre = np.log(d["per_1000"]).mean() - beta * d["afstand_km"].mean()
    grid = np.linspace(0, d["afstand_km"].max() * 1.1, 100)
    ax.plot(grid, np.exp(centre + beta * grid), color=pal[1], lw=1.5,
            label=f"model: {verandering_tekst(a.per_eenheid['verhouding'])} per {AFSTAND_EENHEID_KM} km")
    ax.set_xlabel("Hemelsbrede afstand van het zwaartepunt van de gemeente tot de dichtstbijzijnde spoedpost (km)")
    ax.xaxis.set_major_locator(__import__("matplotlib").ticker.MultipleLocator(5))
    charts.dutch_thousands(ax.xaxis)
    ax.set_ylabel("Consulteenheden per 1.000 inwoners")
    ax.set_title(f"Gebruik en afstand tot de spoedpost, {model.jaar}")
    ax.legend(loc="upper right", fontsize=8)
    charts.bron(fig, bron)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    label_punten(ax, d["afstand_km"], d["per_1000"], d["gemeente"])
    pct = int(round(model.betrouwbaarheid * 100))
    alt = (f"Spreidingsdiagram van consulteenheden per 1.000 inwoners tegen de afstand tot de spoedpost per gemeente "
           f"in {model.jaar}, met de modellijn. Per {AFSTAND_EENHEID_KM} km is de verhouding "
           f"{rr_tekst(a.per_eenheid['verhouding'], a.per_eenheid['ondergrens'], a.per_eenheid['bovengrens'], pct)}. "
           f"Dichtbij: Hengelo en Enschede; het verst: "
           f"{d.sort_values('afstand_km').iloc[-1].gemeente} ({fmt.getal(d['afstand_km'].max(), 0)} km).")
    return fig, alt


def afstand_zin(model: ConsumptieModel) -> str:
    """Say what the distance model finds, compared with the literature."""
    a = model.afstand
    if a is None:
        return "Het afstandsmodel is niet berekend: de afstanden ontbreken."
    pct = int(round(model.betrouwbaarheid * 100))
    e = a.per_eenheid
    text = (f"Per {AFSTAND_EENHEID_KM} km hemelsbrede afstand tot de dichtstbijzijnde spoedpost is de verhouding "
            f"{rr_tekst(e['verhouding'], e['ondergrens'], e['bovengrens'], pct)}, {p_tekst(e['p_waarde'])} "
            f"({FAMILIE_NAMEN[a.familie]}, φ = {fmt.getal(a.dispersie.phi, 1)}). ")
    if math.isfinite(a.halvering_km):
        text += (f"Doorgetrokken halveert het gebruik bij ongeveer {fmt.getal(a.halvering_km, 0)} km extra afstand; "
                 "Raknes en anderen (2013) vonden in Noorwegen een halvering van de consulten op de post bij 43 km. ")
    if a.rest_toets is not None and a.rest_toets.p_familie is not None:
        naam = "F" if a.rest_toets.familie == "quasipoisson" else "χ²"
        rest = (f"Verklaart de afstand alle verschillen tussen gemeenten? Vergelijking met een model met een eigen "
                f"niveau per gemeente: {naam} = {fmt.getal(a.rest_toets.statistiek_familie, 2)}, "
                f"{p_tekst(a.rest_toets.p_familie)}")
        rest += (": nee, er blijven verschillen over die afstand niet verklaart (bijvoorbeeld leeftijdsopbouw, "
                 "huisartsenzorg overdag, of het deel van Hof van Twente dat SHT bedient)."
                 if a.rest_toets.p_familie < 1 - model.betrouwbaarheid else
                 ": de overblijvende verschillen zijn niet van toeval te onderscheiden.")
        text += rest
    return text.strip()


def eenheden_voorbeeld(aantallen: pd.DataFrame, gemeente: str, noemer_x1000: float, gedrukt: float,
                       gewichten: dict[str, float] = CONSULT_WEIGHTS) -> pd.DataFrame:
    """Return the worked example: one gemeente's consulteenheden per 1,000 from its counts, as printed."""
    rows = aantallen[aantallen["gemeente"].astype(str) == gemeente]
    a = rows.set_index(rows["soort"].astype(str))["aantal"]
    parts = [(s, float(a[s]), w) for s, w in gewichten.items() if s in a.index]
    units = sum(n * w for _s, n, w in parts)
    rate = units / noemer_x1000
    steps = [(f"{s} × {fmt.getal(w, 1)}", f"{fmt.getal(n)} × {fmt.getal(w, 1)}", fmt.getal(n * w, 1)) for s, n, w in parts]
    steps += [("Consulteenheden", " + ".join(fmt.getal(n * w, 1) for _s, n, w in parts), fmt.getal(units, 1)),
              ("Per 1.000 inwoners", f"{fmt.getal(units, 1)} / {fmt.getal(noemer_x1000)} (inwoners × 1.000)",
               fmt.getal(rate, 2)),
              ("Afgerond (half naar boven)", fmt.getal(rate, 2), fmt.getal(fmt.round_half_up(rate))),
              ("Gedrukt in het jaarverslag", "tabel zorgconsumptie_per_1000", fmt.getal(gedrukt))]
    return pd.DataFrame(steps, columns=["Stap", "Berekening", "Uitkomst"])
