"""The settings a notebook takes from the notebooks it depends on: its declared `upstream` (as in Ploomber).

A notebook that uses another notebook's result declares, in its parameters cell,
``upstream = ["model_leeftijd"]``. The build replaces that list by
``{"model_leeftijd": {parameter: value, ...}}``: every parameter of that notebook except ``jaar``,
its default overridden by the scenario. Run by hand (no build), the list stays, and the settings
are the defaults in that notebook's parameters cell. Either way both notebooks use the same settings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

NOTEBOOK_FOLDER = "notebooks"
NOTEBOOK_SUFFIX = ".md"  # MyST text notebooks
PARAMETERS_TAG = "parameters"
YEAR_PARAMETER = "jaar"  # set per year by the build, never taken from upstream


class UpstreamError(ValueError):
    """A declared dependency cannot be resolved; the message is Dutch and meant for the analyst."""


def parameter_defaults(notebook: Path) -> dict[str, object]:
    """Return the values of a notebook's parameters cell (plain literals), `jaar` included."""
    import ast

    import jupytext

    for cell in jupytext.read(notebook).cells:
        if cell.cell_type != "code" or PARAMETERS_TAG not in cell.metadata.get("tags", []):
            continue
        values = {}
        for node in ast.parse(cell.source).body:
            if isinstance(node, ast.AnnAssign) and node.value is not None:
                targets = [node.target]
            elif isinstance(node, ast.Assign):
                targets = node.targets
            else:
                continue
            for target in targets:
                if isinstance(target, ast.Name):
                    values[target.id] = ast.literal_eval(node.value)
        return values
    raise UpstreamError(f"{notebook}: geen cel met de tag {PARAMETERS_TAG!r}.")


def settings(upstream: Mapping | Sequence[str], notebook: str, root: Path | None = None) -> dict[str, object]:
    """Return the settings of one upstream notebook: as the build injected them, else its parameters cell's defaults."""
    if notebook not in upstream:
        raise UpstreamError(
            f"Deze notebook gebruikt de instellingen van {notebook}, maar zijn parameter upstream "
            f"noemt die notebook niet (upstream = {upstream!r})."
        )
    if isinstance(upstream, Mapping):
        return dict(upstream[notebook])
    from jaarverslag.data.paths import project_root

    values = parameter_defaults((root or project_root()) / NOTEBOOK_FOLDER / f"{notebook}{NOTEBOOK_SUFFIX}")
    values.pop(YEAR_PARAMETER, None)
    return values
