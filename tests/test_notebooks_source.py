"""Source notebooks stay reviewable: MyST text notebooks with a plain `parameters` cell, never .ipynb."""

import ast
from pathlib import Path

import jupytext
import pytest

from jaarverslag.build.parameters import UPSTREAM

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.md"))


def test_no_ipynb_in_source_folders():
    stored = [p for folder in ("notebooks", "book") for p in (ROOT / folder).rglob("*.ipynb")]
    assert not stored, f"store notebooks as MyST text (.md), not: {stored}"


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_holds_plain_values_only(path):
    notebook = jupytext.read(path)
    cells = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "exactly one cell tagged 'parameters'"
    lines = [ln for ln in cells[0].source.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    assert any(ln.startswith("jaar: int = ") for ln in lines)
    for line in lines:
        value = line.split("=", 1)[1].split("#", 1)[0].strip()
        # `upstream = [...]` names the notebooks whose settings this one receives (build.parameters.run_parameters).
        kinds = (list,) if line.split("=", 1)[0].strip() == UPSTREAM else (bool, int, float, str)
        try:
            literal = isinstance(ast.literal_eval(value), kinds)
        except (ValueError, SyntaxError):
            literal = False
        assert literal, (
            f"{path.name}: parameter values must be literals (papermill does not recompute derived values): {line}"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_upstream_names_other_notebooks(path):
    cells = [c for c in jupytext.read(path).cells if "parameters" in c.metadata.get("tags", [])]
    for node in ast.parse(cells[0].source).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == UPSTREAM for t in node.targets):
            names = ast.literal_eval(node.value)
            assert names and all(isinstance(n, str) for n in names)
            assert set(names) <= {p.stem for p in NOTEBOOKS} - {path.stem}, names
