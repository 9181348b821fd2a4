"""Seeded count simulation for the recovery tests and the methodology chapter."""

from __future__ import annotations

import numpy as np


def simulate_counts(mu: np.ndarray, seed: int, phi: float = 1.0) -> np.ndarray:
    """Draw counts with mean mu: Poisson (phi=1) or gamma-Poisson with variance phi*mu (phi>1)."""
    rng = np.random.default_rng(seed)
    mu = np.asarray(mu, float)
    if phi <= 1.0:
        return rng.poisson(mu).astype(float)
    shape = mu / (phi - 1)  # gamma mixing with mean mu and variance (phi-1)*mu gives Var = phi*mu
    return rng.poisson(rng.gamma(shape, (phi - 1))).astype(float)
