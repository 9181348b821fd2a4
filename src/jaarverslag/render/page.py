"""Gluing a chapter's page values in its notebook: the one place that decides how each value is glued."""

from __future__ import annotations


def glue_all(values: dict[str, object]) -> None:
    """Glue every value a chapter function returned: text without display, tables and figures displayed."""
    from myst_nb import glue

    for key, value in values.items():
        glue(key, value, display=not isinstance(value, str))
