"""Shared GLM machinery: dispersion check and family choice, NB2 alpha, seeded simulation; the layer's rule."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from jaarverslag.models import glm
from jaarverslag.models.simulation import simulate_counts
from jaarverslag.render import model_text as mx

SEED = 20211231
MODELS = Path(glm.__file__).parent
FORBIDDEN = ("jaarverslag.render", "jaarverslag.chapters", "jaarverslag.build", "matplotlib", "seaborn", "IPython")


def test_dispersion_check_and_family_choice():
    d = glm.Dispersion(pearson_chi2=30.0, deviantie=29.0, df=10)
    assert d.phi == 3.0 and d.overdispersed
    assert glm.choose_family("auto", d) == glm.AUTO_OVERDISPERSED_FAMILY
    assert glm.choose_family("auto", glm.Dispersion(10.0, 10.0, 10)) == "poisson"
    assert glm.choose_family("negbin", d) == "negbin"
    with pytest.raises(ValueError):
        glm.choose_family("gauss", d)
    assert not glm.Dispersion(0.0, 0.0, 0).estimable


def test_family_sentence_names_the_check_and_the_choice():
    d = glm.Dispersion(pearson_chi2=30.0, deviantie=29.0, df=10)
    text = mx.familie_zin("auto", "quasipoisson", d, "model")
    assert "φ = 3,0" in text and "quasi-Poisson" in text and "√φ = 1,7" in text
    assert "geen vrije vrijheidsgraden" in mx.familie_zin("auto", "poisson", glm.Dispersion(0.0, 0.0, 0), "model")
    assert mx.p_text(0.0004) == "p < 0,001" and mx.p_text(0.04) == "p = 0,040"


def test_negative_binomial_alpha_is_recovered():
    rng = np.random.default_rng(SEED)
    mu = rng.uniform(200, 2000, 4000)
    alpha = 0.05
    y = rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mu))
    assert glm.nb_alpha(y, mu, len(y)) == pytest.approx(alpha, rel=0.15)
    assert glm.nb_alpha(mu, mu, 10) == 0.0  # no excess spread: Poisson


def test_simulation_is_seeded():
    mu = np.full(10, 100.0)
    assert np.array_equal(simulate_counts(mu, 1), simulate_counts(mu, 1))
    assert np.array_equal(simulate_counts(mu, 1, phi=3), simulate_counts(mu, 1, phi=3))
    assert not np.array_equal(simulate_counts(mu, 1), simulate_counts(mu, 2))


@pytest.mark.parametrize("module", sorted(MODELS.glob("*.py")), ids=lambda p: p.name)
def test_models_import_no_rendering_and_no_higher_layer(module):
    """Statistics only: a models module imports neither render, chapters, build nor a plotting library."""
    imported = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    assert not [m for m in imported if m.startswith(FORBIDDEN)], module.name
