"""Growth of help requests per leeftijdsgroep: rate ratios of the report year against a reference year.

A GLM with offset log(bevolking): one model with a common growth (main effects), one with a growth per
leeftijdsgroep (saturated), and the Poisson likelihood-ratio test between them. The per-group intervals
are Poisson: with one count per group and year there is no replication to estimate overdispersion
from, and the common-growth model's Pearson phi measures the very between-group differences in growth,
so it is never applied to the groups. Instead the groups get a sensitivity band for a range of assumed
external phi values (SENSITIVITY_PHI) and the phi up to which each interval still excludes 1.
The requested family (quasi-Poisson/NB) only widens the common growth, for which the groups'
differences are indeed extra variation around one summary.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jaarverslag.data.population import PER_THOUSAND, ModelError
from jaarverslag.models.glm import (
    Dispersion,
    InteractionTest,
    critical_value,
    family_fit,
    fit_glm,
    interaction_test,
    main_effects_design,
    per_group_design,
    verhoudingen,
)

REFERENCE_PREVIOUS_YEAR = 0  # parameter value meaning "the year before the report year"
# Assumed overdispersion of yearly counts per age group for the sensitivity band. No published value for
# Dutch out-of-hours GP services is available offline, so a range is shown instead of one borrowed value.
SENSITIVITY_PHI = (2.0, 5.0, 10.0)


def reference_year(jaar: int, referentiejaar: int) -> int:
    """Return the reference year a parameter value stands for (REFERENCE_PREVIOUS_YEAR: the year before)."""
    return jaar - 1 if referentiejaar == REFERENCE_PREVIOUS_YEAR else referentiejaar


@dataclass(frozen=True)
class AgeModel:
    """Growth of help requests per leeftijdsgroep as rate ratios (report year vs reference year)."""

    jaar: int
    referentiejaar: int
    familie_gevraagd: str
    familie: str
    betrouwbaarheid: float
    dispersie: Dispersion
    phi: float
    alpha: float
    # per_groep: leeftijdsgroep, aantal_ref, aantal, bevolking_ref, bevolking, per_1000_ref, per_1000, verhouding,
    # ondergrens, bovengrens, p_waarde (Poisson), se_log, phi_kritiek (phi up to which the interval excludes 1),
    # and per phi in SENSITIVITY_PHI: ondergrens_phi<phi>, bovengrens_phi<phi>
    per_groep: pd.DataFrame
    gemeenschappelijk: pd.Series  # verhouding, ondergrens, bovengrens, p_waarde of the common growth (main effects)
    toets: InteractionTest
    met_bevolking: bool  # False: counts only (no offset), the ratio is a count ratio


def age_growth(
    frame: pd.DataFrame, jaar: int, referentiejaar: int, familie: str = "auto", betrouwbaarheid: float = 0.95
) -> AgeModel:
    """Fit the age-group growth model: Poisson/quasi-Poisson/NB GLM with offset log(bevolking).

    frame: one row per leeftijdsgroep and jaar (two years) with columns aantal and bevolking;
    bevolking may be all-missing, then the model uses counts only (exposure 1).
    """
    data = frame[frame["jaar"].isin([jaar, referentiejaar])].copy()
    groups = list(dict.fromkeys(data["leeftijdsgroep"].astype(str)))
    years = set(data["jaar"].astype(int))
    if years != {jaar, referentiejaar}:
        raise ModelError(f"Voor het model zijn hulpvragen per leeftijdsgroep nodig in {referentiejaar} en {jaar}.")
    if len(data) != 2 * len(groups):
        raise ModelError("Niet elke leeftijdsgroep heeft in beide jaren precies één aantal.")
    met_bevolking = bool(data["bevolking"].notna().all())
    exposure = data["bevolking"].astype(float).to_numpy() if met_bevolking else np.ones(len(data))
    y = data["aantal"].astype(float).to_numpy()
    data["leeftijdsgroep"] = data["leeftijdsgroep"].astype(str)
    data["jaar"] = data["jaar"].astype(int)
    X0 = main_effects_design(data, "leeftijdsgroep", groups, "jaar", referentiejaar)
    X1 = per_group_design(data, "leeftijdsgroep", groups, "jaar", referentiejaar)
    dispersie, fam, phi, alpha = family_fit(y, X0, exposure, familie)
    df_phi = dispersie.df if fam == "quasipoisson" else None
    common = verhoudingen(fit_glm(y, X0, exposure, fam, phi, alpha, df_phi), [f"jaar[{jaar}]"], betrouwbaarheid)
    # The groups: Poisson only (see the module docstring); never the phi of the common-growth model.
    per = verhoudingen(fit_glm(y, X1, exposure, "poisson"), [f"trend[{g}][{jaar}]" for g in groups], betrouwbaarheid)
    toets = interaction_test(y, X0, X1, exposure, dispersie, fam, betrouwbaarheid, alpha)

    wide = data.pivot(index="leeftijdsgroep", columns="jaar", values=["aantal", "bevolking"]).loc[groups]
    table = pd.DataFrame(
        {
            "leeftijdsgroep": groups,
            "aantal_ref": wide[("aantal", referentiejaar)].astype(float).to_numpy(),
            "aantal": wide[("aantal", jaar)].astype(float).to_numpy(),
            "bevolking_ref": wide[("bevolking", referentiejaar)].astype(float).to_numpy(),
            "bevolking": wide[("bevolking", jaar)].astype(float).to_numpy(),
        }
    )
    table["per_1000_ref"] = table["aantal_ref"] / table["bevolking_ref"] * PER_THOUSAND
    table["per_1000"] = table["aantal"] / table["bevolking"] * PER_THOUSAND
    for column in ("verhouding", "ondergrens", "bovengrens", "p_waarde", "se_log"):
        table[column] = per[column].to_numpy()
    table["phi_kritiek"] = critical_phi(table["verhouding"], table["se_log"], betrouwbaarheid)
    for value in SENSITIVITY_PHI:
        lo, hi = sensitivity_interval(table["verhouding"], table["se_log"], value, betrouwbaarheid)
        table[f"ondergrens_phi{value:g}"], table[f"bovengrens_phi{value:g}"] = lo, hi
    return AgeModel(
        jaar,
        referentiejaar,
        familie,
        fam,
        betrouwbaarheid,
        dispersie,
        phi,
        alpha,
        table,
        common.iloc[0][["verhouding", "ondergrens", "bovengrens", "p_waarde"]],
        toets,
        met_bevolking,
    )


def critical_phi(verhouding, se_log, betrouwbaarheid: float) -> np.ndarray:
    """Return the overdispersion phi at which the interval of log(ratio) just touches 0: (log RR / (z se))²."""
    z = critical_value(betrouwbaarheid)
    return (np.log(np.asarray(verhouding, float)) / (z * np.asarray(se_log, float))) ** 2


def sensitivity_interval(verhouding, se_log, phi: float, betrouwbaarheid: float) -> tuple[np.ndarray, np.ndarray]:
    """Return the interval of a rate ratio if the counts had an assumed (external, known) overdispersion phi."""
    z = critical_value(betrouwbaarheid)
    half = z * np.asarray(se_log, float) * math.sqrt(phi)
    ratio = np.asarray(verhouding, float)
    return ratio * np.exp(-half), ratio * np.exp(half)


def growth_per_type(
    per_soort: pd.DataFrame, jaar: int, referentiejaar: int, familie: str = "auto", betrouwbaarheid: float = 0.95
) -> pd.DataFrame:
    """Fit the age-group growth model separately per soort; empty when a year lacks the split by type."""
    rows = []
    for soort, part in per_soort.groupby("soort", sort=False):
        if set(part["jaar"].astype(int)) != {jaar, referentiejaar}:
            return pd.DataFrame()
        model = age_growth(part, jaar, referentiejaar, familie, betrouwbaarheid)
        rows.append(model.per_groep.assign(soort=soort, familie=model.familie))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def ratio_by_hand(
    aantal: float,
    aantal_ref: float,
    bevolking: float,
    bevolking_ref: float,
    betrouwbaarheid: float = 0.95,
    phi: float = 1.0,
) -> tuple[float, float, float]:
    """Return the rate ratio and its Wald interval by the closed formula (the worked example)."""
    ratio = (aantal / bevolking) / (aantal_ref / bevolking_ref)
    se = math.sqrt(phi * (1 / aantal + 1 / aantal_ref))
    z = critical_value(betrouwbaarheid)
    return ratio, ratio * math.exp(-z * se), ratio * math.exp(z * se)
